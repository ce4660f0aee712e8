"""An indicator's zip: its CSV, its metadata JSON, a README and a CITATION.cff.

The README is Markdown in the language asked for, written from the metadata document so
that the two say the same. CITATION.cff follows the Citation File Format 1.2.0: the
survey's parties as authors (as citations name them), the release as version and the
day it was loaded as date-released, the licence by its SPDX id where CFF 1.2.0 lists
one (NLOD 2.0 came into SPDX after CFF froze its list: it is given as license-url), and
kommunedigi, which distributes the figures, as contact.

Each member carries the time the release was loaded, so the same release and request
give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import orjson

from api import licences, wording
from api.formats import download_words as words
from api.formats.citations import API_NAME, Citation, parties

JSON = dict[str, Any]
README = "README.md"
CITATION_CFF = "CITATION.cff"
CFF_VERSION = "1.2.0"
# SPDX ids of the licences api.licences knows, where CFF 1.2.0's list of SPDX ids has them.
CFF_LICENCES = {"NLOD 1.0": "NLOD-1.0", "CC BY 4.0": "CC-BY-4.0", "CC0 1.0": "CC0-1.0"}
_CFF_MESSAGE = "If you use these figures, please cite them as below, naming the release (version)."


def metadata_json(document: JSON) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _line(label: str, value: object) -> str:
    return f"- {label}: {value}"


def _source_lines(document: JSON, said: dict[str, str]) -> list[str]:
    lines = []
    for source in document["sources"]:
        dated = source["published"] or source["date_note"] or said["undated"]
        title = wording.quoted(source["title"], document["language"])
        line = f"- `{source['code']}`: {source['publisher']}, {title}, {dated}"
        lines.append(line + (f", <{source['url']}>" if source["url"] else ""))
        for found in source["locators"]:
            where = (
                found["wave"] if found["option"] is None else f"{found['wave']}, {found['option']}"
            )
            lines.append(f"  - {where}: {found['locator']}")
    return lines


def readme(document: JSON, files: dict[str, str]) -> str:
    """The README of the zip: what the data is, its files, columns, statuses, sources,
    the citation and the licence, in the metadata's language."""
    lang = document["language"]
    said = words.WORDS[lang]
    release = document["release"]
    options = ", ".join(f"{option['label']} (`{option['code']}`)" for option in document["options"])
    unit, survey, question = document["unit"], document["survey"], document["question"]
    lines = [
        f"# {document['title']}",
        "",
        document["description"],
        "",
        f"## {said['about']}",
        "",
        said["readme"].format(survey=survey["name"]),
        "",
        _line(said["survey"], f"{survey['title']} ({survey['publisher']})"),
        _line(said["question"], f"{question['text']} (`{question['code']}`)"),
        _line(said["options"], options),
        _line(said["unit"], unit["description"] or unit["code"]),
    ]
    if release is not None:
        loaded = f"{release['number']} ({said['loaded']} {release['loaded_at']})"
        lines.append(_line(said["release"], loaded))
    lines += ["", document["processing"]]
    lines += ["", f"## {said['files']}", ""]
    lines += [f"- `{name}`: {said[kind]}" for kind, name in files.items()]
    lines += ["", f"## {said['columns']}", ""]
    lines += [f"- `{name}`: {text}" for name, text in document["columns"].items()]
    lines += ["", f"## {said['statuses']}", ""]
    lines += [f"- `{status}`: {text}" for status, text in document["statuses"].items()]
    lines += ["", f"## {said['sources']}", "", *_source_lines(document, said)]
    lines += ["", f"## {said['citation']}", "", document["citation"]["text"]]
    licence = document["licence"]
    named = said["no_licence"] if licence is None else f"{licence['name']} <{licence['uri']}>"
    lines += ["", f"## {said['licence']}", "", named]
    lines += ["", f"{said['online']}: <{document['links']['indicator']}>", ""]
    return "\n".join(lines)


def _authors(citation: Citation) -> list[JSON]:
    return [{"name": name} for name in parties(citation.survey)]


def citation_cff(citation: Citation, *, base: str) -> str:
    """CITATION.cff (Citation File Format 1.2.0) of `citation`, its message in its language."""
    cff: JSON = {
        "cff-version": CFF_VERSION,
        "message": words.WORDS[citation.lang]["cff_message"],
        "type": "dataset",
        "title": citation.title,
        "authors": _authors(citation),
        "contact": [{"name": API_NAME, "website": base}],
        "url": citation.cited_url,
    }
    if citation.abstract:
        cff["abstract"] = citation.abstract
    if citation.release is not None:
        cff["version"] = str(citation.release.id)
        cff["date-released"] = citation.release.loaded_at.date().isoformat()
    licence = citation.survey.licence
    if licence:
        spdx = CFF_LICENCES.get(licences.name(licence, "en"))
        if spdx is not None:
            cff["license"] = spdx
        elif licences.href(licence) is not None:
            cff["license-url"] = licence.strip()
    preferred: JSON = {
        "type": "data",
        "title": citation.title,
        "authors": _authors(citation),  # a list of its own: YAML then needs no alias
        "publisher": {"name": API_NAME},
        "url": citation.cited_url,
    }
    if citation.issued is not None:
        preferred["year"] = int(citation.issued[:4])
    if "version" in cff:
        preferred["version"] = cff["version"]
    cff["preferred-citation"] = preferred
    import yaml  # loaded by the first zip asked for: a server need not wait for it

    dumped: str = yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)
    return dumped


def zipped(members: dict[str, bytes], moment: dt.datetime | None) -> bytes:
    """The members in a zip, in the order given, each dated `moment` (or 1980-01-01)."""
    when = (1980, 1, 1, 0, 0, 0) if moment is None else moment.astimezone(dt.UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
