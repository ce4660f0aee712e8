"""Renderers of files: CSV, JSON-stat, the DCAT catalog, the Atom feed and citations (text,
CSL-JSON, BibTeX and RIS); and
a question's table laid out (grid) as XLSX, PX, HTML and PxWeb's json-px.

Each turns records into text or bytes and knows nothing of HTTP: the adapters pick the
format (api.rest.negotiation) and send the answer. It may use the kit and models, never
an adapter.
"""
