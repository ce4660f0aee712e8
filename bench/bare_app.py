"""The ceiling for bench/compare.py: a bare Starlette app answering a constant small JSON."""

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def constant(request):
    return JSONResponse({"ok": True, "value": 68.0})


app = Starlette(routes=[Route("/", constant)])
