"""The read layer's boundaries: what models/ may import, and what models.read exports."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from types import ModuleType

from models import read

MODELS = Path(__file__).resolve().parent.parent / "models"
FORBIDDEN = ("api", "starlette", "strawberry")


def _imported(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_models_import_nothing_from_the_adapters_or_their_frameworks():
    offending = {
        f"{path.relative_to(MODELS.parent)}: {name}"
        for path in sorted(MODELS.rglob("*.py"))
        for name in _imported(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert offending == set()


def test_all_is_exactly_what_the_read_facade_exports():
    exported = [
        name
        for name in dir(read)
        if not name.startswith("_") and not isinstance(getattr(read, name), ModuleType)
    ]
    assert sorted(read.__all__) == sorted(exported)


def test_every_query_function_takes_a_reader_first():
    functions = [
        getattr(read, name) for name in read.__all__ if inspect.isfunction(getattr(read, name))
    ]
    assert functions
    for function in functions:
        first = next(iter(inspect.signature(function).parameters.values()))
        assert (first.name, first.annotation) == ("reader", "Reader"), function.__name__
