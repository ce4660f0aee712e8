"""An import package: CSV files (UTF-8, comma-separated, header row) in a folder or a .zip.

`shares.csv` holds the figures, one row per wave × question × option × segment; the
other files describe what the figures refer to and are optional when the database
already knows it. seed/data is a complete package and the reference for every column.
Reading checks the encoding, the delimiter and the columns of each file, and reports
every problem with file, line and column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from seed import jsonstat_input
from seed.issues import Issue, Row

# For each file: the columns it must have, then those it may have. Order is the load order.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "surveys": (
        ("code", "title_nb", "title_en", "publisher", "description_nb", "description_en"),
        ("homepage", "licence"),
    ),
    "sources": (
        ("code", "title", "publisher", "description_nb", "description_en"),
        ("url", "published", "date_note_nb", "date_note_en"),
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
        ),
    ),  # fmt: skip
    "topics": (("code", "label_nb", "label_en"), ()),
    "segments": (("code", "dimension", "label_nb", "label_en"), ()),
    "questions": (
        ("survey", "code", "topic", "kind", "text_nb", "text_en"),
        ("note_nb", "note_en"),
    ),
    "options": (("question", "code", "label_nb", "label_en"), ()),
    "shares": (
        ("survey", "wave", "question", "option", "segment", "value", "status", "source"),
        ("base_n", "locator", "note_nb", "note_en"),
    ),
    "indicators": (
        ("code", "question", "options", "title_nb", "title_en", "description_nb", "description_en"),
        ("unit",),
    ),  # fmt: skip
    "published_totals": (
        ("survey", "wave", "indicator", "segment", "value", "source"),
        ("locator", "note_nb", "note_en"),
    ),
}
FILES = tuple(COLUMNS)


@dataclass
class Package:
    name: str
    rows: dict[str, list[Row]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    checksum: str = ""

    @property
    def share_count(self) -> int:
        return len(self.rows.get("shares", []))


def read(path: Path) -> Package:
    """Read a folder, a .zip of CSV files, or a single shares CSV."""
    if path.suffix.lower() == ".json":
        return from_files(path.name, {path.name: path.read_bytes()})
    if path.is_dir():
        files = {item.name: item.read_bytes() for item in sorted(path.iterdir()) if item.is_file()}
    elif path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            files = {
                Path(name).name: archive.read(name)
                for name in sorted(archive.namelist())
                if not name.endswith("/")
            }
    else:
        files = {"shares.csv": path.read_bytes()}  # a single CSV holds the figures
    return from_files(path.name, files)


def from_files(name: str, files: dict[str, bytes]) -> Package:
    """A package from file names and contents (the CLI and the upload endpoint both call this)."""
    package = Package(name)
    digest = hashlib.sha256()
    for file_name in sorted(files):
        digest.update(file_name.encode() + b"\0" + files[file_name] + b"\0")
    package.checksum = digest.hexdigest()
    known = {f"{stem}.csv" for stem in FILES}
    datasets = sorted(name for name in files if name.lower().endswith(".json"))
    for file_name in sorted(files):
        if file_name not in known and file_name not in datasets and not file_name.startswith("."):
            expected = f"one of the files {', '.join(sorted(known))}, or JSON-stat (.json)"
            package.issues.append(Issue(file_name, None, None, None, expected))
    if "shares.csv" not in files and not datasets:
        package.issues.append(
            Issue("shares.csv", None, None, None, "a shares.csv file or a JSON-stat dataset")
        )
    for stem in FILES:
        content = files.get(f"{stem}.csv")
        if content is not None:
            package.rows[stem] = _read_csv(f"{stem}.csv", content, COLUMNS[stem], package.issues)
    for file_name in datasets:
        rows = jsonstat_input.read(file_name, files[file_name], package.issues)
        package.rows.setdefault("shares", []).extend(rows)
    return package


def _read_csv(
    name: str,
    content: bytes,
    columns: tuple[tuple[str, ...], tuple[str, ...]],
    issues: list[Issue],
) -> list[Row]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        found = content[error.start : error.end + 8].decode("latin-1")
        issues.append(Issue(name, line, None, found, "text in UTF-8"))
        return []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    if not header:
        issues.append(Issue(name, 1, None, None, "a header row naming the columns"))
        return []
    if len(header) == 1:
        for delimiter in (";", "\t", "|"):
            if delimiter in header[0]:
                issues.append(Issue(name, 1, None, delimiter, "columns separated by commas (,)"))
                return []
    required, optional = columns
    for column in required:
        if column not in header:
            issues.append(Issue(name, 1, column, None, f"a column named {column}"))
    for column in header:
        if column not in required and column not in optional:
            allowed = ", ".join(required + optional)
            issues.append(Issue(name, 1, column, column, f"only the columns {allowed}"))
    if any(issue.file == name for issue in issues):
        return []
    rows: list[Row] = []
    for values in reader:
        if None in values:  # more cells than the header has columns
            issues.append(
                Issue(name, reader.line_num, None, ",".join(values[None]), f"{len(header)} cells")
            )
            continue
        if any(value is None for value in values.values()):
            issues.append(Issue(name, reader.line_num, None, None, f"{len(header)} cells"))
            continue
        rows.append(Row(name, reader.line_num, values))
    return rows
