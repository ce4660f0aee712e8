"""The layout holds: what each part may import, and how long a module may grow.

As httpx checks its public names, this reads the source (every import, at module level or
inside a function) rather than trusting a convention. docs/architecture.md says why each
rule is there and where new code goes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("api", "models", "seed")
ADAPTERS = ("api.rest", "api.graphql", "api.web", "api.pxwebapi")
# What the adapters share: the kit (the modules at api/'s root, but the app factory and the
# command, which wire the adapters together), the HTTP machinery and the file renderers.
WIRING = ("api", "api.app", "api.cli", "api.__main__")
SHARED_PACKAGES = ("api.http", "api.formats")
# The read side knows SQL and nothing of HTTP or GraphQL.
NOT_FOR_MODELS = ("api", "starlette", "strawberry")
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, name) for every name `path` imports, at module level or in a function;
    `from a import b` gives a.b, which is a module or a name in module a."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def within(module: str, packages: tuple[str, ...]) -> str | None:
    """The one of `packages` that `module` is or is inside, if any."""
    return next((p for p in packages if module == p or module.startswith(f"{p}.")), None)


def adapter_of(module: str) -> str | None:
    return within(module, ADAPTERS)


def is_shared(path: Path) -> bool:
    kit = path.parent == ROOT / "api" and module_name(path) not in WIRING
    return kit or within(module_name(path), SHARED_PACKAGES) is not None


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_models_import_nothing_from_the_web_side():
    wrong = [
        f"{where(path, line)} imports {imported}"
        for path in source_files()
        if module_name(path).startswith("models")
        for line, imported in imports(path)
        if within(imported, NOT_FOR_MODELS)
    ]
    assert not wrong, (
        "models/ must not know HTTP or GraphQL: move this into an adapter (api/rest, "
        "api/graphql, api/web) or pass the value in as an argument:\n" + "\n".join(wrong)
    )


def test_no_adapter_imports_another():
    wrong = []
    for path in source_files():
        own = adapter_of(module_name(path))
        for line, imported in imports(path):
            other = adapter_of(imported)
            if own and other and other != own:
                wrong.append(f"{where(path, line)} ({own}) imports {imported}")
    assert not wrong, (
        "adapters never import each other: move what both need into the kit (api/*.py), "
        "api/http or api/formats:\n" + "\n".join(wrong)
    )


def test_shared_parts_import_no_adapter():
    wrong = [
        f"{where(path, line)} imports {imported}"
        for path in source_files()
        if is_shared(path)
        for line, imported in imports(path)
        if adapter_of(imported)
    ]
    assert not wrong, (
        "the kit (api/*.py), api/http and api/formats serve every adapter and import none: "
        "move the code it needs out of the adapter into the kit:\n" + "\n".join(wrong)
    )


def test_formats_know_no_http():
    wrong = [
        f"{where(path, line)} imports {imported}"
        for path in source_files()
        if within(module_name(path), ("api.formats",))
        for line, imported in imports(path)
        if within(imported, ("starlette",))
    ]
    assert not wrong, (
        "api/formats turns records into files and knows no HTTP: take the request's "
        "values as arguments, and leave requests and responses to the adapter:\n" + "\n".join(wrong)
    )


def test_the_rules_see_every_part():
    """The checks above mean something only if the parts they name exist."""
    names = {module_name(path) for path in source_files()}
    for part in (*ADAPTERS, *SHARED_PACKAGES, *WIRING, "api.problems", "models"):
        assert part in names, f"{part} is named in tests/test_layout.py but does not exist"


@pytest.mark.parametrize("name", [path.relative_to(ROOT).as_posix() for path in source_files()])
def test_module_is_short(name):
    lines = len((ROOT / name).read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, (
        f"{name} has {lines} lines, over {MAX_LINES}: split it by concern (see "
        "docs/architecture.md)."
    )
