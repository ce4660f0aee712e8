"""Settings: every knob with a name, a default and one line of help, read from KOMMUNEDIGI_*."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, TypeVar

from limits import RateLimitItem, parse
from starlette.config import Config

from seed.limits import ReadLimits

if TYPE_CHECKING:
    from models.read import ReaderBounds

ENV_PREFIX = "KOMMUNEDIGI_"

T = TypeVar("T")


def setting(default: T, help: str) -> T:
    """A field of Settings: its default, and its one line of help (the README's table)."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    database_url: str = setting(
        "sqlite:///kommunedigi.sqlite3",
        "SQLAlchemy URL of the database; the default is a SQLite file here",
    )
    read_database_url: str = setting(
        "",
        "SQLAlchemy URL every read uses, such as a streaming replica's; empty: DATABASE_URL,"
        " which imports, migrations and the seed always use",
    )
    synthetic_database_url: str = setting(
        "",
        "database of `kommunedigi generate` and `serve --synthetic`;"
        " empty: NAME-synthetic beside a SQLite DATABASE_URL",
    )
    migrate_on_start: bool = setting(
        True, "bring the schema to the newest migration when the app starts"
    )
    seed_on_start: bool = setting(
        True, "load the published figures when the database holds no release yet"
    )
    pool_size: int = setting(5, "database connections each worker keeps open (not for SQLite)")
    pool_max_overflow: int = setting(
        10, "connections a worker may open beyond pool_size under load"
    )
    pool_timeout: int = setting(30, "seconds a request waits for a free connection before failing")
    pool_recycle: int = setting(1800, "seconds after which a pooled connection is replaced")
    database_connect_timeout: int = setting(
        5, "seconds to open a connection to PostgreSQL (0: no limit)"
    )
    database_statement_timeout: int = setting(
        30, "seconds a read's statement may run on PostgreSQL (0: no limit; imports have none)"
    )
    database_idle_timeout: int = setting(
        60, "seconds PostgreSQL lets a read's transaction sit idle (0: no limit)"
    )
    database_tcp_timeout: int = setting(
        30,
        "seconds a silent PostgreSQL connection is kept (TCP keepalives,"
        " tcp_user_timeout; 0: the system's)",
    )
    database_wait_timeout: float = setting(
        1.5,
        "seconds a request waits for a database that does not answer; then a kept answer or 503",
    )
    sqlite_busy_timeout: float = setting(
        5.0, "seconds a SQLite write waits for another connection's lock"
    )
    sqlite_read_busy_timeout: float = setting(
        0.1, "seconds a SQLite read waits for a lock (on the event loop: all requests wait)"
    )
    default_page_size: int = setting(100, "rows in a page of /api/v1/shares when no limit is given")
    max_page_size: int = setting(
        1000, "the largest limit (REST) or first (GraphQL) a reader may ask for"
    )
    max_cells: int = setting(10000, "the most shares one data or download request may select")
    cache_max_age: int = setting(
        300, "seconds a browser, proxy or CDN may reuse a GET answer (Cache-Control)"
    )
    cache_stale_while_revalidate: int = setting(
        60, "seconds a cache may serve an expired GET answer while it fetches it again"
    )
    cache_stale_if_error: int = setting(
        86400, "seconds a cache may serve an expired GET answer while the API fails or is down"
    )
    response_cache_bytes: int = setting(
        64_000_000, "bytes of rendered answers each worker keeps (0: none)"
    )
    release_check_seconds: int = setting(
        2, "seconds between checks for a new release (0: on every request)"
    )
    retry_after_seconds: int = setting(
        5, "Retry-After seconds a client is told while the database is down"
    )
    base_url: str = setting(
        "", "public URL of the API for links in the catalog; empty: taken from the request"
    )
    publisher_name: str = setting("", "who publishes this API, for the DCAT catalog")
    publisher_id: str = setting(
        "", "the publisher's Norwegian organisation number (9 digits), for the catalog"
    )
    contact_email: str = setting("", "contact point for the catalog's datasets")
    licence: str = setting(
        "", "licence URI for all the data; empty: a survey's own, if its data states one"
    )
    import_token_hashes: str = setting(
        "", "SHA-256 hex digests of the tokens that may import, comma-separated"
    )
    max_upload_bytes: int = setting(50_000_000, "bytes a POST to /api/v1/imports may send")
    import_wait_seconds: float = setting(
        30.0, "seconds an import waits for another to end, then gives up (409)"
    )
    import_max_unpacked_bytes: int = setting(
        ReadLimits.unpacked_bytes, "bytes the files of one import may hold in all, unpacked"
    )
    import_max_files: int = setting(
        ReadLimits.files, "files one import may hold (in a zip, a folder or a form)"
    )
    import_max_rows: int = setting(
        ReadLimits.rows, "rows one import may hold: CSV rows and the cells JSON-stat declares"
    )
    import_max_line_bytes: int = setting(
        ReadLimits.line_bytes, "bytes one line of an imported CSV file may hold"
    )
    graphql_max_query_bytes: int = setting(
        20_000, "bytes a GraphQL request may send (the POST body or the URL)"
    )
    graphql_max_tokens: int = setting(
        2000, "tokens (names, brackets, values) a GraphQL document may hold"
    )
    graphql_max_depth: int = setting(10, "how deeply a GraphQL query may nest fields")
    graphql_max_aliases: int = setting(30, "aliases a GraphQL document may use")
    graphql_max_cost: int = setting(
        50_000, "fields a GraphQL answer could hold, as estimated before it runs"
    )
    graphql_max_field_comparisons: int = setting(
        5_000, "same-named GraphQL fields the server compares to check that they agree"
    )
    graphql_timeout_seconds: float = setting(
        10.0, "seconds a GraphQL query may take, checks included"
    )
    graphql_planned: bool = setting(
        True,
        "run GraphQL queries from plans made once per document (false: graphql-core's"
        " executor field by field; the same answers, slower)",
    )
    graphql_persisted_queries: int = setting(
        1000, "GraphQL documents each worker keeps by their SHA-256 for persisted queries (0: none)"
    )
    graphql_persisted_query_bytes: int = setting(
        4_000_000, "bytes of GraphQL documents each worker keeps by their SHA-256"
    )
    rate_limit_api: str = setting(
        "600/minute", "requests per client to the API, as 600/minute (empty or 0: no limit)"
    )
    rate_limit_harvest: str = setting(
        "120/minute", "requests per client for the catalog, feed, downloads and contracts"
    )
    rate_limit_storage: str = setting(
        "memory://", "where the counts are kept: memory:// per worker, or a redis:// URL"
    )
    rate_limit_store_failure: str = setting(
        "open",
        "when the counts' store fails: open (serve unlimited) or closed (503); logged either way",
    )
    api_key_hashes: str = setting(
        "", "SHA-256 hex digests of the API keys (X-API-Key) with higher limits"
    )
    rate_limit_key_factor: int = setting(
        10, "how many times the limits a client with a known API key gets"
    )
    keep_alive_seconds: int = setting(
        5, "seconds `kommunedigi serve` keeps an idle connection open"
    )
    max_concurrency: int = setting(
        1000, "requests a worker of `kommunedigi serve` answers at once; beyond: 503"
    )
    max_connections: int = setting(
        4096, "open connections per worker; beyond, the longest waiting is closed"
    )
    max_header_bytes: int = setting(
        65_536, "bytes a request's line and header fields may take; beyond: 431"
    )
    max_header_fields: int = setting(100, "header fields a request may send; beyond: 431")
    header_timeout_seconds: float = setting(
        10.0, "seconds a client has to send a request's line and headers"
    )
    graceful_shutdown_seconds: int = setting(
        5, "seconds `kommunedigi serve` lets answers under way finish"
    )
    workers: int = setting(1, "worker processes for `kommunedigi serve`")
    debug: bool = setting(False, "show tracebacks in error responses; never in production")

    def synthetic_target(self) -> str:
        """The URL of the database that holds generated data, never the published survey's.

        Named by synthetic_database_url, or a sibling of a SQLite database file
        (kommunedigi.sqlite3: kommunedigi-synthetic.sqlite3). ValueError when neither.
        """
        if self.synthetic_database_url:
            return self.synthetic_database_url
        from sqlalchemy import make_url

        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            path = PurePath(url.database or "")
            sibling = path.with_name(f"{path.stem}-synthetic{path.suffix}")
            return url.set(database=str(sibling)).render_as_string(hide_password=False)
        raise ValueError(
            f"{ENV_PREFIX}SYNTHETIC_DATABASE_URL is not set: generated data lives in a database"
            " of its own, and only a SQLite file's can be named after"
            f" {ENV_PREFIX}DATABASE_URL. Set it to an empty database (not the published one)."
        )

    @property
    def token_hashes(self) -> tuple[str, ...]:
        return _digests(self.import_token_hashes)

    @property
    def api_key_digests(self) -> tuple[str, ...]:
        return _digests(self.api_key_hashes)

    @property
    def import_limits(self) -> ReadLimits:
        return ReadLimits(
            unpacked_bytes=self.import_max_unpacked_bytes,
            files=self.import_max_files,
            rows=self.import_max_rows,
            line_bytes=self.import_max_line_bytes,
        )

    @property
    def reader_options(self) -> ReaderBounds:
        """models.read.Readers' bounds: how long a request waits for the database."""
        return {
            "wait": self.database_wait_timeout,
            "statement": self.database_statement_timeout,
            "pause": self.retry_after_seconds,
        }

    @property
    def reads_url(self) -> str:
        """The database reads go to: read_database_url, or else database_url."""
        return self.read_database_url or self.database_url

    @property
    def engine_options(self) -> dict[str, Any]:
        """models.db.make_engine's options for database_url."""
        return self.engine_options_for(self.database_url)

    def engine_options_for(self, url: str) -> dict[str, Any]:
        """models.db.make_engine's options: timeouts, and a server database's pool."""
        from models.db import Timeouts  # the models stay unloaded until an engine is made

        timeouts = Timeouts(
            connect=self.database_connect_timeout,
            statement=self.database_statement_timeout,
            idle=self.database_idle_timeout,
            tcp=self.database_tcp_timeout,
            busy=self.sqlite_busy_timeout,
            read_busy=self.sqlite_read_busy_timeout,
        )
        if url.startswith("sqlite"):
            return {"timeouts": timeouts}
        return {
            "timeouts": timeouts,
            "pool_size": self.pool_size,
            "max_overflow": self.pool_max_overflow,
            "pool_timeout": self.pool_timeout,
            "pool_recycle": self.pool_recycle,
        }

    def __post_init__(self) -> None:
        if not 1 <= self.default_page_size <= self.max_page_size:
            raise ValueError(
                f"{ENV_PREFIX}DEFAULT_PAGE_SIZE must be between 1 and {ENV_PREFIX}MAX_PAGE_SIZE"
            )
        if self.publisher_id and not (len(self.publisher_id) == 9 and self.publisher_id.isdigit()):
            raise ValueError(f"{ENV_PREFIX}PUBLISHER_ID must be a 9-digit organisation number")
        for name, digests in (
            ("import_token_hashes", self.token_hashes), ("api_key_hashes", self.api_key_digests)
        ):  # fmt: skip
            for digest in digests:
                if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                    raise ValueError(
                        f"{ENV_PREFIX}{name.upper()} must hold SHA-256 hex digests"
                        " (sha256sum of the token), separated by commas"
                    )
        for name in (
            "graphql_max_query_bytes", "graphql_max_tokens", "graphql_max_depth",
            "graphql_max_aliases", "graphql_max_cost", "graphql_max_field_comparisons",
        ):  # fmt: skip
            if getattr(self, name) < 1:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must be at least 1")
        for name in ("graphql_timeout_seconds", "database_wait_timeout", "import_wait_seconds"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must be more than 0")
        for name in (
            "max_cells", "cache_max_age", "response_cache_bytes", "release_check_seconds",
            "retry_after_seconds", "max_upload_bytes", "database_connect_timeout",
            "database_statement_timeout", "database_idle_timeout", "database_tcp_timeout",
            "sqlite_busy_timeout", "sqlite_read_busy_timeout", "graphql_persisted_queries",
            "graphql_persisted_query_bytes", "cache_stale_while_revalidate",
            "cache_stale_if_error",
        ):  # fmt: skip
            if getattr(self, name) < 0:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must not be negative")
        for name in (
            "rate_limit_key_factor", "keep_alive_seconds", "max_concurrency", "max_header_fields",
            "graceful_shutdown_seconds", "import_max_unpacked_bytes", "import_max_files",
            "import_max_rows", "import_max_line_bytes",
        ):  # fmt: skip
            if getattr(self, name) < 1:
                raise ValueError(f"{ENV_PREFIX}{name.upper()} must be at least 1")
        if self.max_connections < self.max_concurrency:
            raise ValueError(
                f"{ENV_PREFIX}MAX_CONNECTIONS must be at least {ENV_PREFIX}MAX_CONCURRENCY:"
                " every request being answered holds a connection"
            )
        if self.max_header_bytes <= self.graphql_max_query_bytes:
            raise ValueError(
                f"{ENV_PREFIX}MAX_HEADER_BYTES must be more than"
                f" {ENV_PREFIX}GRAPHQL_MAX_QUERY_BYTES: a GraphQL query may come in the URL"
            )
        if self.rate_limit_store_failure not in ("open", "closed"):
            raise ValueError(f"{ENV_PREFIX}RATE_LIMIT_STORE_FAILURE must be open or closed")
        if not self.header_timeout_seconds > 0:
            raise ValueError(f"{ENV_PREFIX}HEADER_TIMEOUT_SECONDS must be more than 0")
        for name in ("rate_limit_api", "rate_limit_harvest"):
            try:
                parse_rate_limit(getattr(self, name))
            except ValueError:
                raise ValueError(
                    f"{ENV_PREFIX}{name.upper()} must be a count per period, such as 600/minute"
                    " or 100/10 seconds (empty or 0: no limit)"
                ) from None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read KOMMUNEDIGI_<NAME> for every field; a bad value names its variable."""
        config = Config(environ=os.environ if environ is None else environ, env_prefix=ENV_PREFIX)
        # Starlette's Config reads booleans as true/false/1/0 and names the key on error.
        casts: dict[str, Callable[[Any], Any]] = {
            "bool": bool,
            "int": int,
            "float": float,
            "str": str,
        }
        values = {
            item.name: config(item.name.upper(), cast=casts[str(item.type)], default=item.default)
            for item in fields(cls)
        }
        return cls(**values)


def _digests(text: str) -> tuple[str, ...]:
    return tuple(item.strip().lower() for item in text.split(",") if item.strip())


def parse_rate_limit(text: str) -> RateLimitItem | None:
    """'600/minute' in limits' notation; None for empty or '0' (no limit). ValueError if bad."""
    text = text.strip()
    if text in ("", "0"):
        return None
    if ";" in text or "," in text:
        raise ValueError(text)  # one limit per policy
    item = parse(text)
    if item.amount < 1:
        raise ValueError(text)
    return item
