"""Import a package as one release: check everything first, then write it in one transaction.

Checking reads every row of every file against the package itself and the database
(codes, types, ranges, references, duplicates) and collects every problem; nothing is
written while there is one. Writing adds or updates what the package describes, then
compares its figures with the current ones and records the difference as a new release.
A figure is never overwritten: a changed or removed figure is marked replaced by the new
release, and a changed one gets a new row. An import that changes nothing makes no
release; a dry run does all of it and rolls back.

A package replaces the figures of each (wave, question) it names: a current figure of
such a pair that the package lacks is removed. Figures of other pairs are untouched.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from models.changes import counted
from seed.cells import CONTROL_BUT_LINES
from seed.checks import Checker
from seed.issues import Issue
from seed.package import Package
from seed.releases import WAIT_SECONDS, lock_releases, open_release
from seed.report import Progress, Report, no_progress
from seed.writer import Writer


class ImportRejected(Exception):
    """The package has errors; nothing was written. `report.errors` lists them all."""

    def __init__(self, report: Report) -> None:
        errors = counted(len(report.errors), "error")
        super().__init__(f"{errors} in {report.package}; nothing was written")
        self.report = report


def import_package(
    engine: Engine,
    package: Package,
    *,
    message: str,
    dry_run: bool = False,
    progress: Progress[Any] = no_progress,
    wait_seconds: float = WAIT_SECONDS,
) -> Report:
    """Check and write `package` as one release; raises ImportRejected on any error.

    Waits up to `wait_seconds` for an import already being written, then checks against
    what it wrote (seed.releases.ImportInProgress when it takes longer). The rows of a
    package that has errors already (a file that could not be read, say) are checked too,
    without waiting: it is reported in full, and never written.
    """
    report = Report(package.name, package.checksum, dry_run, issues=list(package.issues))
    if CONTROL_BUT_LINES.search(message):
        expected = "a message without control characters other than tab and line breaks"
        report.issues.append(Issue("message", None, None, message, expected))
    with Session(engine) as session:
        if not report.errors:
            lock_releases(session, wait_seconds=wait_seconds)
        checked = Checker(session, report.issues).check(package, progress)
        if report.errors:
            raise ImportRejected(report)
        release = open_release(session, message=message, checksum=package.checksum)
        assert release.id is not None
        Writer(session, release.id, report, progress).write(checked)
        if dry_run or not report.changes_anything:
            session.rollback()
            return report
        release.added, release.changed, release.removed = (
            report.added,
            report.changed,
            report.removed,
        )
        session.add(release)
        session.commit()
        report.release_id = release.id
    return report
