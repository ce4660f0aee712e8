"""Load a folder of CSV files (the published figures) into an empty database as one release.

The folder holds surveys, sources, waves, topics, segments, questions, options, shares,
indicators and published_totals, one CSV each (UTF-8, header row; see seed/data). Every
reference is checked before anything is written, and everything is written in one
transaction, so a bad folder leaves the database as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from models.filters import CODE_PATTERN
from models.tables import (
    Indicator,
    IndicatorOption,
    Option,
    PublishedTotal,
    Question,
    QuestionKind,
    Release,
    Segment,
    Share,
    ShareStatus,
    Source,
    Survey,
    Topic,
    Wave,
)

DATA = Path(__file__).parent / "data"
FILES = (
    "surveys",
    "sources",
    "waves",
    "topics",
    "segments",
    "questions",
    "options",
    "shares",
    "indicators",
    "published_totals",
)


class SeedError(ValueError):
    """The seed files contradict themselves; the message lists every place, file:line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SeedResult:
    release_id: int
    created: bool  # False: the database already held a release and was left as it was
    shares: int = 0


Row = dict[str, str]


def read_folder(folder: Path) -> dict[str, list[tuple[int, Row]]]:
    """Each file's rows with their line numbers (the header is line 1)."""
    tables: dict[str, list[tuple[int, Row]]] = {}
    for name in FILES:
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            tables[name] = [(number, row) for number, row in enumerate(csv.DictReader(handle), 2)]
    return tables


def checksum(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + (folder / f"{name}.csv").read_bytes() + b"\0")
    return digest.hexdigest()


def seed(engine: Engine, folder: Path = DATA, *, message: str = "Published figures") -> SeedResult:
    """Load `folder` as release 1 unless the database already has a release."""
    with Session(engine) as session:
        existing = session.execute(
            select(col(Release.id)).order_by(col(Release.id).desc())
        ).scalar()
        if existing is not None:
            return SeedResult(existing, created=False)
        rows = read_folder(folder)
        release = Release(
            created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            message=message,
            checksum=checksum(folder),
        )
        session.add(release)
        session.flush()
        assert release.id is not None
        count = _Writer(session, release.id).write(rows)
        release.added = count
        session.commit()
        return SeedResult(release.id, created=True, shares=count)


def _blank(value: str | None) -> str | None:
    return value if value else None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _float(value: str | None) -> float | None:
    return float(value) if value else None


class _Writer:
    """Inserts rows file by file, resolving codes to ids and collecting every problem."""

    def __init__(self, session: Session, release_id: int) -> None:
        self.session = session
        self.release_id = release_id
        self.problems: list[str] = []
        self.ids: dict[str, dict[object, int]] = {}

    def write(self, tables: dict[str, list[tuple[int, Row]]]) -> int:
        for name in FILES:
            getattr(self, f"_{name}")(tables[name])
        if self.problems:
            self.session.rollback()
            raise SeedError(self.problems)
        return len(tables["shares"])

    def _ref(self, table: str, key: object, where: str, column: str) -> int:
        found = self.ids.get(table, {}).get(key)
        if found is None:
            self.problems.append(f"{where}: {column} {key!r} is not in {table}.csv")
            return 0
        return found

    def _code(self, value: str, where: str, column: str = "code") -> str:
        """Codes are the public identifiers: they must be usable in a URL and a filter."""
        if not CODE_PATTERN.match(value):
            self.problems.append(
                f"{where}: {column} {value!r} is not a code (lowercase letters, digits, - _ . :)"
            )
        return value

    def _add(self, table: str, key: object, row: object, where: str) -> None:
        if key in self.ids.setdefault(table, {}):
            self.problems.append(f"{where}: {key!r} appears twice in {table}.csv")
            return
        if self.problems:
            # Nothing will be committed; keep resolving references to report every problem.
            self.ids[table][key] = -1
            return
        self.session.add(row)
        self.session.flush()
        self.ids[table][key] = row.id  # type: ignore[attr-defined]

    def _rows(self, name: str, rows: list[tuple[int, Row]]) -> Iterator[tuple[str, Row]]:
        for number, row in rows:
            yield f"{name}.csv:{number}", row

    def _surveys(self, rows: list[tuple[int, Row]]) -> None:
        for where, row in self._rows("surveys", rows):
            survey = Survey(
                code=self._code(row["code"], where),
                title_nb=row["title_nb"],
                title_en=row["title_en"],
                publisher=row["publisher"],
                description_nb=row["description_nb"],
                description_en=row["description_en"],
                homepage=_blank(row["homepage"]),
                licence=_blank(row["licence"]),
            )
            self._add("surveys", row["code"], survey, where)

    def _sources(self, rows: list[tuple[int, Row]]) -> None:
        for where, row in self._rows("sources", rows):
            source = Source(
                code=self._code(row["code"], where),
                title=row["title"],
                publisher=row["publisher"],
                url=_blank(row["url"]),
                published=_blank(row["published"]),
                date_note_nb=_blank(row["date_note_nb"]),
                date_note_en=_blank(row["date_note_en"]),
                description_nb=row["description_nb"],
                description_en=row["description_en"],
            )
            self._add("sources", row["code"], source, where)

    def _waves(self, rows: list[tuple[int, Row]]) -> None:
        for where, row in self._rows("waves", rows):
            survey_id = self._ref("surveys", row["survey"], where, "survey")
            published_on = row["published_on"]
            wave = Wave(
                survey_id=survey_id,
                year=int(row["year"]),
                title_nb=row["title_nb"],
                title_en=row["title_en"],
                fieldwork=_blank(row["fieldwork"]),
                respondents=_int(row["respondents"]),
                population=_int(row["population"]),
                response_rate=_float(row["response_rate"]),
                published_on=dt.date.fromisoformat(published_on) if published_on else None,
                source_id=self._ref("sources", row["source"], where, "source")
                if row["source"]
                else None,
                note_nb=_blank(row["note_nb"]),
                note_en=_blank(row["note_en"]),
            )
            self._add("waves", (row["survey"], int(row["year"])), wave, where)

    def _topics(self, rows: list[tuple[int, Row]]) -> None:
        for where, row in self._rows("topics", rows):
            topic = Topic(
                code=self._code(row["code"], where),
                label_nb=row["label_nb"],
                label_en=row["label_en"],
            )
            self._add("topics", row["code"], topic, where)

    def _segments(self, rows: list[tuple[int, Row]]) -> None:
        for where, row in self._rows("segments", rows):
            segment = Segment(
                code=self._code(row["code"], where),
                dimension=row["dimension"],
                label_nb=row["label_nb"],
                label_en=row["label_en"],
            )
            self._add("segments", row["code"], segment, where)

    def _questions(self, rows: list[tuple[int, Row]]) -> None:
        self.questions: dict[str, Question] = {}
        for position, (where, row) in enumerate(self._rows("questions", rows), 1):
            question = Question(
                survey_id=self._ref("surveys", row["survey"], where, "survey"),
                code=self._code(row["code"], where),
                topic_id=self._ref("topics", row["topic"], where, "topic"),
                kind=QuestionKind(row["kind"]),
                position=position,
                text_nb=row["text_nb"],
                text_en=row["text_en"],
                note_nb=_blank(row["note_nb"]),
                note_en=_blank(row["note_en"]),
                search_text=" ".join((row["code"], row["text_nb"], row["text_en"])).casefold(),
            )
            self._add("questions", row["code"], question, where)
            self.questions[row["code"]] = question

    def _options(self, rows: list[tuple[int, Row]]) -> None:
        positions: dict[str, int] = {}
        for where, row in self._rows("options", rows):
            question_id = self._ref("questions", row["question"], where, "question")
            positions[row["question"]] = positions.get(row["question"], 0) + 1
            option = Option(
                question_id=question_id,
                code=self._code(row["code"], where),
                position=positions[row["question"]],
                label_nb=row["label_nb"],
                label_en=row["label_en"],
            )
            self._add("options", (row["question"], row["code"]), option, where)
            if question := self.questions.get(row["question"]):
                labels = f" {row['label_nb']} {row['label_en']}".casefold()
                question.search_text += labels
                self.session.add(question)

    def _shares(self, rows: list[tuple[int, Row]]) -> None:
        for where, row in self._rows("shares", rows):
            status = ShareStatus(row["status"])
            value = _float(row["value"])
            if (value is not None) != status.has_value:
                self.problems.append(
                    f"{where}: status {status.value} "
                    + ("needs a value" if status.has_value else "must have an empty value")
                )
                continue
            share = Share(
                wave_id=self._ref("waves", (row["survey"], int(row["wave"])), where, "wave"),
                question_id=self._ref("questions", row["question"], where, "question"),
                option_id=self._ref("options", (row["question"], row["option"]), where, "option"),
                segment_id=self._ref("segments", row["segment"], where, "segment"),
                value=value,
                base_n=_int(row["base_n"]),
                status=status,
                note_nb=_blank(row["note_nb"]),
                note_en=_blank(row["note_en"]),
                source_id=self._ref("sources", row["source"], where, "source"),
                locator=_blank(row["locator"]),
                release_id=self.release_id,
            )
            key = (row["survey"], row["wave"], row["question"], row["option"], row["segment"])
            self._add("shares", key, share, where)

    def _indicators(self, rows: list[tuple[int, Row]]) -> None:
        for position, (where, row) in enumerate(self._rows("indicators", rows), 1):
            indicator = Indicator(
                code=self._code(row["code"], where),
                question_id=self._ref("questions", row["question"], where, "question"),
                position=position,
                unit=row["unit"],
                title_nb=row["title_nb"],
                title_en=row["title_en"],
                description_nb=row["description_nb"],
                description_en=row["description_en"],
            )
            self._add("indicators", row["code"], indicator, where)
            for code in row["options"].split("+"):
                option_id = self._ref("options", (row["question"], code), where, "option")
                if not self.problems:
                    assert indicator.id is not None, "no problems: _add flushed the indicator"
                    self.session.add(
                        IndicatorOption(indicator_id=indicator.id, option_id=option_id)
                    )

    def _published_totals(self, rows: list[tuple[int, Row]]) -> None:
        for where, row in self._rows("published_totals", rows):
            total = PublishedTotal(
                indicator_id=self._ref("indicators", row["indicator"], where, "indicator"),
                wave_id=self._ref("waves", (row["survey"], int(row["wave"])), where, "wave"),
                segment_id=self._ref("segments", row["segment"], where, "segment"),
                value=float(row["value"]),
                source_id=self._ref("sources", row["source"], where, "source"),
                locator=_blank(row["locator"]),
                note_nb=_blank(row["note_nb"]),
                note_en=_blank(row["note_en"]),
                release_id=self.release_id,
            )
            key = (row["indicator"], row["survey"], row["wave"], row["segment"])
            self._add("published_totals", key, total, where)
