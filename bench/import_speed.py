"""How fast does `kommunedigi import` load figures? Rows per second for a large package.

Writes a package of N synthetic share rows (its own survey, `import-bench`, clearly not
real data), imports it into a fresh PostgreSQL database through the same code as the
command, then imports it again (every row compared, nothing to change) and prints both.

    python bench/import_speed.py --server postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        --rows 1000000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.db import make_engine
from seed import package
from seed.first_start import ensure_seeded
from seed.importer import import_package

SURVEY = "import-bench"


def write_package(folder: Path, rows: int) -> None:
    """A survey with 10 waves × 100 questions × 10 options × the segments that reach `rows`."""
    segments = max(1, rows // (10 * 100 * 10))
    (folder / "surveys.csv").write_text(
        "code,title_nb,title_en,publisher,description_nb,description_en\n"
        f"{SURVEY},Syntetisk importtest,Synthetic import test,kommunedigi bench,"
        "Genererte tall.,Generated numbers.\n"
    )
    (folder / "topics.csv").write_text(f"code,label_nb,label_en\n{SURVEY},Test,Test\n")
    (folder / "sources.csv").write_text(
        "code,title,publisher,description_nb,description_en\n"
        f"{SURVEY},bench/import_speed.py,kommunedigi,Generert.,Generated.\n"
    )
    (folder / "waves.csv").write_text(
        "survey,year,title_nb,title_en\n"
        + "".join(f"{SURVEY},{3001 + w},Runde {w},Wave {w}\n" for w in range(10))
    )
    (folder / "segments.csv").write_text(
        "code,dimension,label_nb,label_en\n"
        + "".join(f"bench:{s},bench,Gruppe {s},Group {s}\n" for s in range(segments))
    )
    (folder / "questions.csv").write_text(
        "survey,code,topic,kind,text_nb,text_en\n"
        + "".join(
            f"{SURVEY},bench-q{q},{SURVEY},multiple_choice,Spørsmål {q},Q {q}\n" for q in range(100)
        )
    )
    (folder / "options.csv").write_text(
        "question,code,label_nb,label_en\n"
        + "".join(f"bench-q{q},o{o},Valg {o},Option {o}\n" for q in range(100) for o in range(10))
    )
    with (folder / "shares.csv").open("w") as shares:
        shares.write("survey,wave,question,option,segment,value,status,source\n")
        for w in range(10):
            for q in range(100):
                for o in range(10):
                    for s in range(segments):
                        value = (w * 7 + q * 3 + o * 11 + s) % 1001 / 10
                        cell = f"{SURVEY},{3001 + w},bench-q{q},o{o},bench:{s}"
                        shares.write(f"{cell},{value},published,{SURVEY}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()

    name = "kommunedigi_bench_import"
    admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(make_url(args.server).set(database=name).render_as_string(False))
    ensure_seeded(engine)

    with tempfile.TemporaryDirectory() as folder:
        write_package(Path(folder), args.rows)
        started = time.perf_counter()
        loaded = package.read(Path(folder))
        read_seconds = time.perf_counter() - started
        rows = loaded.share_count
        for label in ("first import (all rows new)", "same package again (nothing to change)"):
            started = time.perf_counter()
            report = import_package(engine, loaded, message="Import benchmark")
            seconds = time.perf_counter() - started
            speed = f"{rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s"
            counts = f"added {report.added:,}, unchanged {report.unchanged:,}"
            print(f"{label}: {speed} ({counts})")
    print(f"reading and parsing the CSV files: {read_seconds:.1f} s")
    engine.dispose()


if __name__ == "__main__":
    main()
