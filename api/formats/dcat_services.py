"""The APIs the catalog lists, each a dcat:DataService that serves every dataset, with the
document that describes it (dcat:endpointDescription)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    """One of our APIs, as a dcat:DataService that serves every dataset."""

    key: str  # the node is <base>/catalog#<key>
    endpoint: str  # under the base URL
    title: str  # keys of TEXTS
    description: str
    media_types: tuple[str, ...]  # IANA
    described_by: str  # its endpoint description: under the base URL if it starts with /
    conforms_to: tuple[str, str] | None = None  # a standard's URI and title


# PxWebApi 2's specification as we implement it (tests/pxapi2_schemas.py has the same commit).
PXAPI_SPEC = "https://github.com/PxTools/PxApiSpecs/blob/2028b3f6a3afac878e4566b900d17e90114472ef/PxAPI-2.yml"

SERVICES = (
    Service(
        "api",
        "/api/v1/",
        "service_title",
        "service_description",
        ("application/json", "text/csv"),  # those of its downloads
        "/openapi.json",
    ),
    Service(
        "graphql",
        "/graphql",
        "graphql_title",
        "graphql_description",
        ("application/json",),
        "/graphql/schema.graphql",
        ("https://spec.graphql.org/", "GraphQL"),
    ),
    Service(
        "pxwebapi",
        "/api/pxwebapi/v2",
        "pxwebapi_title",
        "pxwebapi_description",
        ("application/json",),  # JSON-stat 2.0, the default outputFormat
        PXAPI_SPEC,
        # The specification, PxAPI-2.yml, is published in this repository.
        ("https://github.com/PxTools/PxApiSpecs", "PxWebApi 2.0"),
    ),
)
