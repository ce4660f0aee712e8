"""What every GraphQL resolver is handed: the request, the readers, the settings, the
request's loaders and its copy of the descriptions."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from api.graphql.loaders import Loaders
from api.settings import Settings
from models.read import Descriptions, Readers


@dataclass
class Context:
    request: Request | WebSocket
    response: Response | WebSocket
    readers: Readers
    settings: Settings
    loaders: Loaders
    # The worker's copy when execution began (api.graphql.HeldDescriptions); none before.
    descriptions: Descriptions = field(default_factory=Descriptions.empty)
    # Views of related descriptions made for this request, by type, id and release: a page
    # of shares names the same few waves, segments and sources over and over.
    views: dict[tuple[type, int, int | None], object] = field(default_factory=dict)


Info = strawberry.Info[Context, None]
