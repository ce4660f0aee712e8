"""Renderers of files: CSV, JSON-stat, the DCAT catalog, the Atom feed and citations.

Each turns records into text or bytes and knows nothing of HTTP: the adapters pick the
format (api.rest.negotiation) and send the answer. It may use the kit and models, never
an adapter.
"""
