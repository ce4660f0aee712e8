"""PxWebApi 2 under /api/pxwebapi/v2: the route table of Statistics Norway's API shape.

A fourth adapter over the read layer (models.read), beside REST, GraphQL and the web
pages, importing none of them. The contract is PxTools/PxApiSpecs' PxAPI-2.yml: one
table per question (api.pxwebapi.tables), its metadata and data as JSON-stat 2.0 or CSV
(api.pxwebapi.data), and the service's configuration (api.pxwebapi.config).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from api.pxwebapi import codelists, config, data, saved, tables
from api.pxwebapi.common import PREFIX

routes: list[BaseRoute] = [
    Route("/config", config.config),
    Route("/tables", tables.list_tables),
    Route("/tables/{id}", tables.get_table),
    Route("/tables/{id}/metadata", data.metadata),
    Route("/tables/{id}/defaultselection", data.default_selection),
    Route("/tables/{id}/data", data.data, methods=["GET", "POST"]),
    Route("/codelists/{id}", codelists.codelist),
    Route("/savedqueries", saved.create, methods=["POST"]),
    Route("/savedqueries/{id}", saved.get),
    Route("/savedqueries/{id}/data", saved.run),
]

__all__ = ["PREFIX", "routes"]
