"""One figure as a resource: /api/v1/figures/{survey}/{wave}/{question}/{option}/{segment}.

A figure is one cell of a survey (a wave × question × option × segment), named by codes so
that its address stays the same across releases. It shows the figure as of a release
(`as_of`; the current one by default) with its source and every release up to that one
that added, changed or removed it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.links import FigureLinks, base_url
from api.params import AS_OF, Params, release_as_of
from api.problems import Problem
from api.rest import render
from models import read
from models.changes import Change
from models.filters import FigureAddress
from models.read import FigureRecord, FigureRevision

JSON = render.JSON


async def get_figure(request: Request) -> Response:
    params = Params(request.query_params, {AS_OF})
    lang, as_of = params.lang, await release_as_of(request, params)
    address = FigureAddress.checked(*(request.path_params[name] for name in FigureAddress.PARTS))
    found = await request.app.state.readers.run(read.get_figure, address, as_of=as_of)
    if isinstance(found, read.NoFigure):
        raise Problem(404, "Not found", found.detail, type="/problems/not-found")
    api = f"{base_url(request)}/api/v1"
    links = {
        "self": FigureLinks.of(request, as_of).address(address),
        "question": f"{api}/questions/{address.question}",
        "survey": f"{api}/surveys/{address.survey}",
    }
    return render.respond({**figure(found, lang), "links": links}, lang)


def figure(record: FigureRecord, lang: str) -> JSON:
    """The cell's codes and labels, the figure as of the release, its source and history."""
    share = record.share
    return {
        "survey": record.wave.survey,
        "wave": record.wave.year,
        "question": record.question.code,
        "question_text": render.text(record.question, "text", lang),
        "option": record.option.code,
        "option_label": render.text(record.option, "label", lang),
        "segment": record.segment.code,
        "segment_label": render.text(record.segment, "label", lang),
        "value": None if share is None else share.value,
        "base_n": None if share is None else share.base_n,
        "status": record.status,
        "note": None if share is None else render.text(share, "note", lang),
        "source": None
        if share is None or record.source is None
        else {**render.source(record.source, lang), "locator": share.locator_in(lang)},
        "history": [revision(item) for item in record.history],
    }


def revision(item: FigureRevision) -> JSON:
    """A release that changed the figure, and what the figure was and became."""
    change = Change.of_record(item.change).as_json()
    return {
        "release": render.release(item.release),
        **{key: change[key] for key in ("kind", "old", "new", "what_changed")},
    }
