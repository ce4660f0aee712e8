"""A router that tries only the routes a path's first segment can match.

It replaces Starlette's Router, which tries every route in order until one matches: each
try is a regular expression and a new scope, and /api/v1 lists thirty routes, so a request
for one of the last paid for all before it (docs/benchmarks.md). Here the routes are grouped
once by the literal first segment of their path; a route whose first segment holds a
parameter (or that has no path) is tried for every request. The routes a request tries
are those Starlette would have found, in the same order, so the first that matches is the
same one; what follows a match (405s from partial matches, the redirect of a trailing
slash, 404) is Starlette's, over the same routes.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette._utils import get_route_path
from starlette.datastructures import URL
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Match, Router
from starlette.types import Receive, Scope, Send


def first_segment(path: str) -> str:
    """'shares' of '/shares' and of '/shares/x'; '' of '/'."""
    return path[1:].split("/", 1)[0]


def _literal_segment(route: BaseRoute) -> str | None:
    """The first segment every path the route matches has, or None when it varies."""
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not path.startswith("/"):
        return None
    segment = first_segment(path)
    return None if "{" in segment else segment


class Dispatch(Router):
    def __init__(self, routes: Sequence[BaseRoute], **options: object) -> None:
        super().__init__(routes=routes, **options)  # type: ignore[arg-type]  # Router's keywords
        segments = {_literal_segment(route) for route in self.routes} - {None}
        self._anywhere = [route for route in self.routes if _literal_segment(route) is None]
        self._by_segment = {
            segment: [route for route in self.routes if _literal_segment(route) in (segment, None)]
            for segment in segments
        }

    def candidates(self, route_path: str) -> list[BaseRoute]:
        """The routes that may match `route_path`, in the order of `routes`."""
        return self._by_segment.get(first_segment(route_path), self._anywhere)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        route_path = get_route_path(scope)
        partial: BaseRoute | None = None
        partial_scope: Scope = {}
        for route in self.candidates(route_path):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:  # a route for this path, not for this method: its 405
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        if scope["type"] == "http" and self.redirect_slashes and route_path != "/":
            other = dict(scope)
            path = scope["path"]
            other["path"] = path.rstrip("/") if route_path.endswith("/") else path + "/"
            for route in self.candidates(get_route_path(other)):
                if route.matches(other)[0] is not Match.NONE:
                    await RedirectResponse(url=str(URL(scope=other)))(scope, receive, send)
                    return
        await self.default(scope, receive, send)
