"""A reader of PX files written from Statistics Sweden's PX file format specification (2013).

It knows nothing of our writer (api/formats/px.py): it reads what the format says a file
is. A file is keywords, each `KEYWORD[lang](“sub”,“keys”)=value(s);`, the data last
after `DATA=`. Texts are in double quotes and hold none; items of a list are separated
by commas; a long text is split into several quoted records, which are joined back. A
value without quotes (`DECIMALS=1`, `TLIST(A1)`) is taken as it stands. `CHARSET="ANSI"`
means Windows text, none means DOS text, and `CODEPAGE` names the code page (UTF-8 in
PxWeb's files). The data are numbers, or one to six dots (missing, named by DATASYMBOL1
to DATASYMBOL6) or a dash (nil) in quotes, separated by spaces, commas, semicolons or
tabs, in row-major order of the stub's values then the heading's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import product

Key = tuple[str, str | None, tuple[str, ...]]  # keyword, language (None: the default), sub-keys


@dataclass
class PxFile:
    keywords: dict[Key, list[str]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # the keywords as they came
    data: list[float | str] = field(default_factory=list)  # a number, or a symbol ("..")

    def get(self, keyword: str, *keys: str, lang: str | None = None) -> list[str]:
        return self.keywords[(keyword, lang, keys)]

    def one(self, keyword: str, *keys: str, lang: str | None = None) -> str:
        (value,) = self.get(keyword, *keys, lang=lang)
        return value

    def find(self, keyword: str, lang: str | None = None) -> dict[tuple[str, ...], list[str]]:
        """Every occurrence of a keyword in a language, by its sub-keys."""
        return {
            keys: values
            for (name, language, keys), values in self.keywords.items()
            if name == keyword and language == lang
        }

    def cells(self, lang: str | None = None) -> dict[tuple[str, ...], float | str]:
        """The data by the codes of each variable's value, stub variables first, as the
        specification orders it; a missing cell as its symbol's DATASYMBOL text."""
        variables = self.get("STUB", lang=lang) + self.get("HEADING", lang=lang)
        codes = [self.get("CODES", name, lang=lang) for name in variables]
        for name, found in zip(variables, codes, strict=True):
            assert len(found) == len(self.get("VALUES", name, lang=lang)), name
        keys = list(product(*codes))
        assert len(keys) == len(self.data), f"{len(self.data)} cells for {len(keys)} keys"
        symbols = {"." * n: self.one(f"DATASYMBOL{n}", lang=lang) for n in range(1, 7)
                   if (f"DATASYMBOL{n}", lang, ()) in self.keywords}  # fmt: skip
        return {
            key: symbols.get(cell, cell) if isinstance(cell, str) else cell
            for key, cell in zip(keys, self.data, strict=True)
        }


def _encoding(raw: bytes) -> str:
    head = raw.decode("latin-1")
    codepage = re.search(r'CODEPAGE="([^"]+)"', head)
    if codepage:
        return codepage.group(1)
    return "cp1252" if re.search(r'CHARSET="ANSI"', head) else "cp437"


def _statements(text: str) -> tuple[list[str], str]:
    """The keyword statements before DATA, and the text of DATA's value."""
    statements: list[str] = []
    start, quoted = 0, False
    for at, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            statement = text[start:at].strip()
            start = at + 1
            if re.fullmatch(r"DATA\s*=[\s\S]*", statement):
                return statements, statement.split("=", 1)[1]
            statements.append(statement)
    raise ValueError("no DATA keyword")


def _split_at_equals(statement: str) -> tuple[str, str]:
    quoted = False
    for at, char in enumerate(statement):
        if char == '"':
            quoted = not quoted
        elif char == "=" and not quoted:
            return statement[:at].strip(), statement[at + 1 :]
    raise ValueError(f"no '=' in {statement!r}")


def _values(text: str) -> list[str]:
    """Items separated by commas; quoted records of one item separated only by space."""
    items: list[str] = []
    current: list[str] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == '"':
            end = text.index('"', at + 1)
            current.append(text[at + 1 : end])
            at = end + 1
        elif char == ",":
            items.append("".join(current))
            current = []
            at += 1
        elif char.isspace():
            at += 1
        else:
            end = at
            depth = 0
            while end < len(text) and (depth or text[end] not in ',"') and not text[end].isspace():
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            current.append(text[at:end])
            at = end
    items.append("".join(current))
    return items


HEAD = re.compile(r"(?P<keyword>[A-Z0-9-]+)(\[(?P<lang>[a-z]+)\])?(\((?P<keys>.*)\))?", re.S)


def read(raw: bytes) -> PxFile:
    text = raw.decode(_encoding(raw))
    statements, data = _statements(text)
    found = PxFile()
    for statement in statements:
        left, right = _split_at_equals(statement)
        head = HEAD.fullmatch(left)
        assert head is not None, f"not a keyword: {left!r}"
        keys = tuple(_values(head["keys"])) if head["keys"] is not None else ()
        key = (head["keyword"], head["lang"], keys)
        assert key not in found.keywords, f"{left} is given twice"
        found.keywords[key] = _values(right)
        found.order.append(head["keyword"])
    for token in re.findall(r'"[^"]*"|[^\s,;"]+', data):
        if token.startswith('"'):
            symbol = token.strip('"')
            assert re.fullmatch(r"\.{1,6}|-", symbol), f"not a PX data symbol: {token}"
            found.data.append(symbol)
        else:
            number = float(token)
            assert math.isfinite(number), token
            found.data.append(number)
    return found
