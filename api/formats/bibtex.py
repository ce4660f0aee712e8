"""A citation as BibTeX, for reference managers and LaTeX (BibTeX and biblatex).

One `@misc` entry, which every BibTeX style knows (biblatex's `@dataset` is not known to
classic styles), made from the same `Citation` as the text and CSL-JSON. Classic styles
print author, title, `howpublished` (the survey and the waves cited), year and `note` (the
release with the day it was loaded, the source documents, the licence); biblatex also
reads `date`, `version`, `publisher`, `url`, `urldate` and `langid`.

The authors are organisations, so each is braced (`{EVRY}`): BibTeX would otherwise read
"NyAnalyse" as a family name to abbreviate. The title is braced too, so that styles that
change a title's case leave "IKT" and proper names alone. Characters special to LaTeX are
escaped; the text is UTF-8, which biber and reference managers read.
"""

from __future__ import annotations

from api import languages
from api.formats.citations import API_NAME, Citation

MEDIA_TYPE = "application/x-bibtex; charset=utf-8"
EXTENSION = "bib"

_LATEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
# A URL is read verbatim (biblatex, the url package); only what would end the field is encoded.
_URL = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C"})
# babel's names of the languages, for biblatex's hyphenation (`langid`), of those offered.
_BABEL = (("nb", "norsk"), ("nn", "nynorsk"), ("en", "english"))
_LANGID = dict(pair for pair in _BABEL if pair[0] in languages.CODES)


def _text(value: str) -> str:
    return " ".join(value.split()).translate(_LATEX)


def entry(citation: Citation) -> str:
    """The citation as one BibTeX entry, ending with a newline."""
    fields: list[tuple[str, str]] = [
        ("author", " and ".join(f"{{{_text(name)}}}" for name in citation.authors)),
        ("title", f"{{{_text(citation.title)}}}"),
        ("howpublished", _text(citation.container)),
    ]
    if citation.issued is not None:
        fields += [("year", citation.issued[:4]), ("date", citation.issued)]
    fields += [("publisher", API_NAME), ("type", _text(citation.genre))]
    if citation.release is not None:
        fields.append(("version", str(citation.release.id)))
    fields += [
        ("url", citation.cited_url.translate(_URL)),
        ("urldate", citation.accessed.isoformat()),
        ("langid", _LANGID[citation.lang]),
    ]
    if citation.abstract:
        fields.append(("abstract", _text(citation.abstract)))
    fields.append(("note", _text(". ".join(citation.notes()))))
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@misc{{{citation.key},\n{body}}}\n"
