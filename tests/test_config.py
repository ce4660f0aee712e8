"""GET /api/v1/config publishes the limits in force: each one as the settings say.

Every setting is either published or named here as of no use to a client, so that a new
limit cannot be added without deciding which.
"""

from dataclasses import fields
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from tests.conftest import NO_RATE_LIMITS

pytestmark = pytest.mark.anyio

# Where the answer publishes each setting, with a value unlike its default.
PUBLISHED: dict[tuple[str, ...], tuple[str, Any]] = {
    ("default_page_size",): ("default_page_size", 7),
    ("max_page_size",): ("max_page_size", 70),
    ("max_cells",): ("max_cells", 700),
    ("max_upload_bytes",): ("max_upload_bytes", 7_000),
    ("cache_max_age",): ("cache_max_age", 17),
    ("database_wait_seconds",): ("database_wait_timeout", 0.7),
    ("request_head", "max_header_bytes"): ("max_header_bytes", 30_000),
    ("request_head", "max_header_fields"): ("max_header_fields", 17),
    ("request_head", "header_timeout_seconds"): ("header_timeout_seconds", 2.5),
    ("rate_limits", "api_key_factor"): ("rate_limit_key_factor", 3),
    ("graphql", "max_page_size"): ("max_page_size", 70),
    ("graphql", "max_query_bytes"): ("graphql_max_query_bytes", 7_001),
    ("graphql", "max_tokens"): ("graphql_max_tokens", 701),
    ("graphql", "max_depth"): ("graphql_max_depth", 7),
    ("graphql", "max_aliases"): ("graphql_max_aliases", 9),
    ("graphql", "max_cost"): ("graphql_max_cost", 7_002),
    ("graphql", "max_field_comparisons"): ("graphql_max_field_comparisons", 77),
    ("graphql", "timeout_seconds"): ("graphql_timeout_seconds", 3.5),
    ("imports", "max_upload_bytes"): ("max_upload_bytes", 7_000),
    ("imports", "max_unpacked_bytes"): ("import_max_unpacked_bytes", 7_003),
    ("imports", "max_files"): ("import_max_files", 5),
    ("imports", "max_rows"): ("import_max_rows", 7_004),
    ("imports", "max_line_bytes"): ("import_max_line_bytes", 7_005),
    ("imports", "wait_seconds"): ("import_wait_seconds", 4.5),
}

# Published as rate_limits.policies (tests/test_rate_limits.py checks them).
AS_POLICIES = {"rate_limit_api", "rate_limit_harvest"}

NOT_FOR_CLIENTS = {
    # Where the data lives and how the app starts.
    "database_url", "read_database_url", "synthetic_database_url", "migrate_on_start",
    "seed_on_start", "debug",
    # The catalog publishes these itself; the digests are secrets' fingerprints.
    "base_url", "publisher_name", "publisher_id", "contact_email", "licence",
    "import_token_hashes", "api_key_hashes", "rate_limit_storage", "rate_limit_store_failure",
    # Inside the database layer: whatever they do, a request waits at most
    # database_wait_timeout, which is published.
    "pool_size", "pool_max_overflow", "pool_timeout", "pool_recycle",
    "database_connect_timeout", "database_statement_timeout", "database_idle_timeout",
    "database_tcp_timeout", "sqlite_busy_timeout", "sqlite_read_busy_timeout",
    # How the server keeps its answers; a client sees them in ETag, Cache-Control (the
    # stale- extensions) and Retry-After.
    "response_cache_bytes", "release_check_seconds", "retry_after_seconds",
    "cache_stale_while_revalidate", "cache_stale_if_error",
    # How many persisted queries a worker keeps: one it dropped is answered
    # PersistedQueryNotFound, and the client sends the query again, as the protocol expects.
    "graphql_persisted_queries", "graphql_persisted_query_bytes",
    # A worker's capacity, shared by every client: no one client can keep within it, and
    # a 503 past it says when to retry. Idle connections and shutdown are the server's.
    "max_concurrency", "max_connections", "keep_alive_seconds", "graceful_shutdown_seconds",
    "workers",
    # How the server executes a query; the answers are the same either way.
    "graphql_planned",
}  # fmt: skip


def leaves(answer: dict[str, Any], path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """The answer's values by path; the policies and the header name are no settings."""
    found: dict[tuple[str, ...], Any] = {}
    for key, value in answer.items():
        if (*path, key) in {("rate_limits", "policies"), ("rate_limits", "api_key_header")}:
            continue
        if isinstance(value, dict):
            found |= leaves(value, (*path, key))
        else:
            found[(*path, key)] = value
    return found


async def test_config_publishes_each_limit_as_set(database_url):
    chosen = dict(PUBLISHED.values())
    defaults = Settings()
    assert [name for name, value in chosen.items() if getattr(defaults, name) == value] == []
    settings = Settings(database_url=database_url, **NO_RATE_LIMITS, **chosen)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.get("/api/v1/config")
    app.state.engine.dispose()
    assert answer.status_code == 200
    assert leaves(answer.json()) == {
        path: getattr(settings, name) for path, (name, _) in PUBLISHED.items()
    }


def test_every_setting_is_published_or_of_no_use_to_clients():
    published = {name for name, _ in PUBLISHED.values()} | AS_POLICIES
    assert published & NOT_FOR_CLIENTS == set()
    assert {field.name for field in fields(Settings)} == published | NOT_FOR_CLIENTS
