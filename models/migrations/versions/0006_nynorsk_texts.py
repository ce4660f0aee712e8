"""Every text we write gets a nynorsk column beside its bokmål and English ones.

A database migrated with data in it has no nynorsk yet: each required text starts as its
bokmål, as an import without nynorsk gets it (the import report warns of that), until a
package with nynorsk is imported again (the seed has it).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Per table, the texts every row has (filled from bokmål) and those it may lack.
REQUIRED = {
    "source": ("description",),
    "survey": ("title", "description"),
    "wave": ("title",),
    "topic": ("label",),
    "question": ("text",),
    "option": ("label",),
    "segment": ("label",),
    "indicator": ("title", "description"),
}
OPTIONAL = {
    "source": ("date_note",),
    "wave": ("note",),
    "question": ("note",),
    "share": ("note", "locator"),
    "publishedtotal": ("note", "locator"),
}


def _text(name: str) -> sa.Column[str]:
    return sa.Column(f"{name}_nn", sqlmodel.sql.sqltypes.AutoString(), nullable=True)


def upgrade() -> None:
    for table in sorted({*REQUIRED, *OPTIONAL}):
        for name in (*REQUIRED.get(table, ()), *OPTIONAL.get(table, ())):
            op.add_column(table, _text(name))
    for table, names in REQUIRED.items():
        _fill_from_bokmal(table, names)
        with op.batch_alter_table(table) as batch:
            for name in names:
                batch.alter_column(
                    f"{name}_nn",
                    existing_type=sqlmodel.sql.sqltypes.AutoString(),
                    nullable=False,
                )
    for table, names in OPTIONAL.items():
        _fill_from_bokmal(table, names)


def _fill_from_bokmal(table: str, names: tuple[str, ...]) -> None:
    op.execute(f'UPDATE "{table}" SET ' + ", ".join(f"{name}_nn = {name}_nb" for name in names))


def downgrade() -> None:
    for table in sorted({*REQUIRED, *OPTIONAL}):
        with op.batch_alter_table(table) as batch:
            for name in (*REQUIRED.get(table, ()), *OPTIONAL.get(table, ())):
                batch.drop_column(f"{name}_nn")
