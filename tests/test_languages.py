"""Every language is offered everywhere: each wording table has it, each page answers in it."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Iterator
from types import ModuleType

import httpx
import pytest

import api
from api import languages

INDICATOR = "expected-better-quality"

# Every public answer whose words come from a wording table, not from the data.
WORDED = (
    "/",
    f"/embed/indicators/{INDICATOR}",
    f"/indicators/{INDICATOR}",
    "/questions/expected-effects",
    f"/charts/indicators/{INDICATOR}.svg",
    f"/charts/indicators/{INDICATOR}.vl.json",
    f"/api/v1/indicators/{INDICATOR}/citation",
    "/api/v1/surveys/kommuneundersokelsen/data?format=json-stat",
)


def modules() -> Iterator[ModuleType]:
    for found in pkgutil.walk_packages(api.__path__, prefix="api."):
        if not found.name.endswith("__main__"):  # running it would start the CLI
            yield importlib.import_module(found.name)


def tables(value: object, where: str, depth: int = 0) -> Iterator[tuple[str, dict[object, object]]]:
    """Every dict keyed by a language code within `value`, however it is nested."""
    if depth > 4:
        return
    if isinstance(value, dict):
        if any(key in languages.CODES for key in value):
            yield where, value
        for key, item in value.items():
            yield from tables(item, f"{where}[{key!r}]", depth + 1)
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from tables(item, f"{where}[{index}]", depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from tables(getattr(value, field.name), f"{where}.{field.name}", depth + 1)


def test_every_wording_table_covers_every_language() -> None:
    found = {
        where: set(table)
        for module in modules()
        for name, value in vars(module).items()
        if not name.startswith("__")
        for where, table in tables(value, f"{module.__name__}.{name}")
    }
    assert found, "no wording table found: is the scan still looking in the right place?"
    lacking = {where: keys for where, keys in found.items() if keys != set(languages.CODES)}
    assert lacking == {}


@pytest.mark.anyio
@pytest.mark.parametrize("lang", languages.CODES)
@pytest.mark.parametrize("path", WORDED)
async def test_every_worded_answer_is_given_in_every_language(
    client: httpx.AsyncClient, path: str, lang: str
) -> None:
    response = await client.get(path, params={"lang": lang})
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == lang


def test_graphql_offers_the_languages_rest_takes() -> None:
    from api.graphql.enums import Language

    assert [language.value for language in Language] == list(languages.CODES)
