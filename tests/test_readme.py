"""The README's commands and examples are true."""

import json
import re
import shlex
from dataclasses import fields
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from api.settings import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.DOTALL)


def examples():
    """(curl command, expected JSON) for every sh block with curl followed by a json block."""
    pairs = []
    for (kind, body), (next_kind, next_body) in zip(BLOCKS, BLOCKS[1:], strict=False):
        if kind == "sh" and body.startswith("curl ") and next_kind == "json":
            pairs.append((body.strip(), json.loads(next_body)))
    return pairs


def test_readme_has_examples():
    assert len(examples()) == 9


@pytest.mark.anyio
@pytest.mark.parametrize(("command", "expected"), examples())
async def test_readme_example_output_is_real(app, command, expected):
    words = shlex.split(command)
    url = next(word for word in words if word.startswith("http"))
    target = urlsplit(url)
    path = target.path + (f"?{target.query}" if target.query else "")
    # Sent to the host the command names, as the absolute links in the answer show it.
    transport = httpx.ASGITransport(app=app)
    base = f"{target.scheme}://{target.netloc}"
    async with httpx.AsyncClient(transport=transport, base_url=base) as client:
        if "-d" in words:
            response = await client.post(path, json=json.loads(words[words.index("-d") + 1]))
        else:
            response = await client.get(path)
    assert response.json() == expected


def test_ci_runs_the_readme_test_command():
    commands = [body.strip() for kind, body in BLOCKS if kind == "sh" and "pytest" in body]
    assert len(commands) == 1
    assert commands[0] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for field in fields(Settings):
        default = str(field.default).lower() if isinstance(field.default, bool) else field.default
        shown = f"`{default}`" if default != "" else "(empty)"
        row = f"| `KOMMUNEDIGI_{field.name.upper()}` | {shown} | {field.metadata['help']} |"
        assert row in README, f"README lacks the row: {row}"


def test_compose_example_uses_real_settings():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    known = {f"KOMMUNEDIGI_{field.name.upper()}" for field in fields(Settings)}
    for name, service in compose["services"].items():
        for variable in service.get("environment", {}):
            if variable.startswith("KOMMUNEDIGI_") and variable != "KOMMUNEDIGI_READER_PASSWORD":
                assert variable in known, f"compose.yaml service {name}: {variable} is no setting"


def test_import_format_lists_every_column():
    from seed.package import COLUMNS

    text = (ROOT / "docs" / "import-format.md").read_text(encoding="utf-8")
    for stem, (required, optional) in COLUMNS.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{stem}.csv` |"))
        listed = row.split("|")[2].strip()
        expected = ", ".join(required) + (f", [{', '.join(optional)}]" if optional else "")
        assert listed == expected, f"docs/import-format.md, {stem}.csv: {listed!r}"
