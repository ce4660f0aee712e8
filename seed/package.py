"""An import package: CSV files (UTF-8, comma-separated, header row) in a folder or a .zip.

`shares.csv` holds the figures, one row per wave × question × option × segment; the
other files describe what the figures refer to and are optional when the database
already knows it. seed/data is a complete package and the reference for every column.
Reading checks the encoding, the delimiter and the columns of each file, and reports
every problem with file, line and column. Which file is which, and the limits on what a
package may hold, are seed.unpacking's and seed.limits'; rows and lines are counted here.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from models.changes import counted
from seed import jsonstat_input
from seed.issues import Issue, Row
from seed.limits import DEFAULT_LIMITS, Budget, ReadLimits
from seed.unpacking import Opener, Part, Unpacker

if TYPE_CHECKING:
    from _csv import Reader

# For each file: the columns it must have, then those it may have. Order is the load order.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "surveys": (
        ("code", "title_nb", "title_en", "publisher", "description_nb", "description_en"),
        ("homepage", "licence", "title_nn", "description_nn"),
    ),
    "sources": (
        ("code", "title", "publisher", "description_nb", "description_en"),
        ("url", "published", "date_note_nb", "date_note_en", "date_note_nn", "description_nn"),
    ),
    "waves": (
        ("survey", "year", "title_nb", "title_en"),
        (
            "fieldwork",
            "respondents",
            "population",
            "response_rate",
            "published_on",
            "source",
            "note_nb",
            "note_en",
            "title_nn",
            "note_nn",
        ),
    ),  # fmt: skip
    "topics": (("code", "label_nb", "label_en"), ("label_nn",)),
    "segments": (("code", "dimension", "label_nb", "label_en"), ("label_nn",)),
    "questions": (
        ("survey", "code", "topic", "kind", "text_nb", "text_en"),
        ("note_nb", "note_en", "text_nn", "note_nn"),
    ),
    "options": (("question", "code", "label_nb", "label_en"), ("label_nn",)),
    "shares": (
        ("survey", "wave", "question", "option", "segment", "value", "status", "source"),
        ("base_n", "locator", "note_nb", "note_en", "locator_nb", "note_nn", "locator_nn"),
    ),
    "indicators": (
        ("code", "question", "options", "title_nb", "title_en", "description_nb", "description_en"),
        ("unit", "title_nn", "description_nn"),
    ),  # fmt: skip
    "published_totals": (
        ("survey", "wave", "indicator", "segment", "value", "source"),
        ("locator", "note_nb", "note_en", "locator_nb", "note_nn", "locator_nn"),
    ),
}
FILES = tuple(COLUMNS)
# A line and its line break: CR LF, LF, or a lone CR (as io's newline="" reads them).
LINE = re.compile(rb"[^\r\n]*(\r\n|\r|\n|\Z)")


@dataclass
class Package:
    name: str
    rows: dict[str, list[Row]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    checksum: str = ""
    # What was not read whole: files left out (unreadable, twice in the package, past a
    # limit) or with rows that could not be read; and whether every file was read as one
    # of the package's (not if a zip could not be listed, or a file's name is none of
    # theirs: it may be any). seed.checks looks for no code such a file may define, so
    # that one unreadable file is one error, not one on each row that uses it.
    unread: set[str] = field(default_factory=set)
    whole: bool = True

    @property
    def share_count(self) -> int:
        return len(self.rows.get("shares", []))


def read(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> Package:
    """Read a folder, a .zip of CSV files, a JSON-stat dataset (.json) or a single shares CSV."""
    issues: list[Issue] = []
    with Unpacker(path.name, limits, issues) as unpacker:
        if path.is_dir():
            unpacker.add(path.name, _folder(path))
        elif path.suffix.lower() == ".zip":
            unpacker.add_zip(path.name, lambda: path.open("rb"))
        else:  # a single CSV holds the figures
            name = path.name if path.suffix.lower() == ".json" else "shares.csv"
            unpacker.add(path.name, [Part(name, path.stat().st_size, lambda: path.open("rb"))])
        files = unpacker.read()
    return from_files(
        path.name, files, limits, issues, unread=unpacker.unread, whole=unpacker.listed
    )


def from_parts(name: str, parts: Sequence[Part], limits: ReadLimits) -> Package:
    """A package sent as files (the API's upload): each .zip among them is unpacked."""
    issues: list[Issue] = []
    with Unpacker(name, limits, issues) as unpacker:
        if sent := [part for part in parts if not _is_zip(part)]:
            unpacker.add(name, sent)
        for part in parts:
            if _is_zip(part):
                unpacker.add_zip(part.path.replace("\\", "/").rsplit("/", 1)[-1], part.open)
        files = unpacker.read()
    return from_files(name, files, limits, issues, unread=unpacker.unread, whole=unpacker.listed)


def from_files(
    name: str,
    files: dict[str, bytes],
    limits: ReadLimits,
    issues: list[Issue] | None = None,
    *,
    unread: Iterable[str] = (),
    whole: bool = True,
) -> Package:
    """A package from file names and contents, read within `limits`; `issues` are those
    found unpacking it, `unread` the files it found and could not read, and `whole`
    whether it could list them all."""
    package = Package(name, issues=[] if issues is None else issues, whole=whole)
    package.unread.update(unread)
    unpacked_whole = not package.issues
    digest = hashlib.sha256()
    for file_name in sorted(files):
        digest.update(file_name.encode() + b"\0" + files[file_name] + b"\0")
    package.checksum = digest.hexdigest()
    known = {f"{stem}.csv" for stem in FILES}
    datasets = sorted(name for name in files if name.lower().endswith(".json"))
    for file_name in sorted(files):
        if file_name not in known and file_name not in datasets:
            expected = f"one of the files {', '.join(sorted(known))}, or JSON-stat (.json)"
            package.issues.append(Issue(file_name, None, None, None, expected))
            package.whole = False
    if "shares.csv" not in files and not datasets and unpacked_whole:
        package.issues.append(
            Issue("shares.csv", None, None, None, "a shares.csv file or a JSON-stat dataset")
        )
    rows = Budget(limits.rows)
    for stem in FILES:
        content = files.get(f"{stem}.csv")
        if content is not None:
            reader = _CsvReader(f"{stem}.csv", COLUMNS[stem], limits, rows, package.issues)
            package.rows[stem] = _whole(package, f"{stem}.csv", rows, partial(reader.read, content))
    for file_name in datasets:
        read = partial(jsonstat_input.read, file_name, files[file_name], package.issues, rows)
        package.rows.setdefault("shares", []).extend(_whole(package, file_name, rows, read))
    return package


def _whole(package: Package, name: str, rows: Budget, read: Callable[[], list[Row]]) -> list[Row]:
    """The rows `read` gets from file `name`; the file counts as unread if reading it found
    a problem, or if the package's rows ran out before it."""
    if rows.spent:
        package.unread.add(name)
        return []
    before = len(package.issues)
    found = read()
    if len(package.issues) > before:
        package.unread.add(name)
    return found


def _is_zip(part: Part) -> bool:
    return part.path.lower().endswith(".zip")


def _folder(root: Path) -> Iterator[Part]:
    """The files under `root`, lazily (reading stops at the limit), hidden folders left out."""
    for folder, folders, names in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(names):
            path = Path(folder, name)
            try:
                size = path.stat().st_size
            except OSError:
                size = 0  # opening it says why it cannot be read
            yield Part(path.relative_to(root).as_posix(), size, _opener(path))


def _opener(path: Path) -> Opener:
    return lambda: path.open("rb")


class _CsvReader:
    """One CSV file's rows; every problem becomes an issue with its line."""

    def __init__(
        self,
        name: str,
        columns: tuple[tuple[str, ...], tuple[str, ...]],
        limits: ReadLimits,
        rows: Budget,
        issues: list[Issue],
    ) -> None:
        self.name = name
        self.columns = columns
        self.limits = limits
        self.rows = rows
        self.issues = issues

    def issue(self, line: int | None, column: str | None, found: str | None, expected: str) -> None:
        self.issues.append(Issue(self.name, line, column, found, expected))

    def read(self, content: bytes) -> list[Row]:
        errors = len(self.issues)
        reader = csv.reader(self._lines(content))
        header_line, header = next(self._records(reader), (1, []))
        if len(self.issues) > errors or not self._header_fits(header_line, header):
            return []  # without the header's columns no row can be read
        rows: list[Row] = []
        width = len(header)
        left = self.rows.limit - self.rows.used
        for line, values in self._records(reader):
            if len(values) > width:
                self.issue(line, None, ",".join(values[width:]), f"{width} cells")
            elif len(values) < width:
                self.issue(line, None, None, f"{width} cells")
            elif len(rows) == left:
                rows_at_most = counted(self.limits.rows, "row")
                expected = f"at most {rows_at_most} (CSV rows and JSON-stat cells)"
                self.issue(line, None, None, expected)
                self.rows.take(1)
                break
            else:
                rows.append(Row(self.name, line, dict(zip(header, values, strict=True))))
        self.rows.take(len(rows))
        return rows

    def _records(self, reader: Reader) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of each record that is not blank, named by the line it starts on (a
        quoted cell may hold line breaks); a broken one is an issue."""
        while True:
            start = reader.line_num + 1  # each record, a blank line too, begins a line
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # a field longer than csv's limit, over several lines
                self.issue(start, None, None, f"CSV as RFC 4180 writes it ({error})")
                continue
            if values:
                yield start, values

    def _lines(self, content: bytes) -> Iterator[str]:
        """The file's lines as text, each with its line break (as csv wants them), decoded
        one by one: one over the limit is an issue and read as empty, without copying it;
        one not in UTF-8 is an issue and ends the file."""
        limit = self.limits.line_bytes
        for line_num, line in enumerate(LINE.finditer(content), start=1):
            start, end = line.span()
            if start == end:
                return  # the empty match at the end
            length = line.start(1) - start
            if length > limit:
                found = f"a line of {length:,} bytes"
                self.issue(line_num, None, found, f"lines of at most {limit:,} bytes")
                yield "\n"
                continue
            raw = content[start:end]
            if line_num == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as error:
                found = raw[error.start : error.end + 8].rstrip(b"\r\n").decode("latin-1")
                self.issue(line_num, None, found, "text in UTF-8")
                return

    def _header_fits(self, line: int, header: list[str]) -> bool:
        """Whether the header names the file's columns, each once; issues if not."""
        errors = len(self.issues)
        if not header:
            self.issue(line, None, None, "a header row naming the columns")
            return False
        if len(header) == 1:
            for delimiter in (";", "\t", "|"):
                if delimiter in header[0]:
                    self.issue(line, None, delimiter, "columns separated by commas (,)")
                    return False
        required, optional = self.columns
        for column in required:
            if column not in header:
                self.issue(line, column, None, f"a column named {column}")
        seen: set[str] = set()
        for column in header:
            if column in seen:
                self.issue(line, column, column, "each column once")
            elif column not in required and column not in optional:
                allowed = ", ".join(required + optional)
                self.issue(line, column, column, f"only the columns {allowed}")
            seen.add(column)
        return len(self.issues) == errors
