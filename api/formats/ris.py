"""A citation as RIS, the tagged format EndNote, Zotero, Mendeley and RefWorks import.

One record of type DATA (a data set), made from the same `Citation` as the text and
CSL-JSON: `AU` an author each, `TI` the title, `T2` the survey and the waves cited, `PY`
and `DA` when the source documents were published (absent when all are undated), `PB`
this API, `ET` the release, `UR` the URL pinned to it, `Y2` the day accessed, `M3` the
kind of work, `LA` the language, `AB` the abstract, and one `N1` note with the release and
the day it was loaded, the source documents and the licence. A tag's value is one line;
lines end with CRLF, as the format's own files do.
"""

from __future__ import annotations

import datetime as dt

from api.formats.citations import API_NAME, Citation

MEDIA_TYPE = "application/x-research-info-systems; charset=utf-8"
EXTENSION = "ris"


def _date(iso: str) -> str:
    """RIS writes dates with slashes: 2018/01/24, 2018/01 or 2018."""
    return iso.replace("-", "/")


def _day(day: dt.date) -> str:
    return _date(day.isoformat())


def record(citation: Citation) -> str:
    """The citation as one RIS record, from `TY` to `ER`."""
    tags: list[tuple[str, str]] = [("TY", "DATA"), ("ID", citation.key)]
    tags += [("AU", name) for name in citation.authors]
    tags += [("TI", citation.title), ("T2", citation.container)]
    if citation.issued is not None:
        tags += [("PY", citation.issued[:4]), ("DA", _date(citation.issued))]
    tags.append(("PB", API_NAME))
    if citation.release is not None:
        tags.append(("ET", str(citation.release.id)))
    tags += [
        ("UR", citation.cited_url),
        ("Y2", _day(citation.accessed)),
        ("M3", citation.genre),
        ("LA", citation.lang),
    ]
    if citation.abstract:
        tags.append(("AB", citation.abstract))
    tags += [("N1", ". ".join(citation.notes())), ("ER", "")]
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in tags)
