"""Automatic persisted queries: a GraphQL document sent once, then named by its SHA-256.

The protocol is Apollo's (Apollo Client's persisted-query link, Apollo Server's APQ). A
client sends `extensions: {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}`
without the query. If the worker knows the hash, it runs the document the hash names; if
not, it answers the GraphQL error `PersistedQueryNotFound`, and the client sends the query
again with its hash, which the worker checks, keeps and runs. By GET, the URL of a hash and
its variables is short and the same for every client, so browsers and CDNs keep its answer
like any GET of data (api.http.caching).

A document is kept once it has run (its answer has `data`): a document refused by a limit
is never kept, so sending its hash is refused just as sending its text is. A kept document
runs through the same checks as one sent in full, with the request's own variables, so
every limit, error masking and `asOf` apply to it as they do to the text.

Each worker keeps its own documents in memory. When there are more than
graphql_persisted_queries of them, or they hold more than graphql_persisted_query_bytes,
the least recently used are dropped first. A client whose hash a worker does not know
sends the document again, as the protocol expects.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.responses import Response
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

VERSION = 1  # the only version of the protocol
NOT_FOUND = ("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
NOT_SUPPORTED = ("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED")
MISMATCH = ("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
# The protocol's way of asking for the query: not the client's mistake, so a 200.
NEGOTIATION = frozenset({NOT_FOUND[1], NOT_SUPPORTED[1]})
_HEX = frozenset("0123456789abcdef")

Result = TypeVar("Result")
RequestData = GraphQLRequestData | list[GraphQLRequestData]


class PersistedQueries:
    """The documents one worker keeps by their SHA-256, least recently used first out."""

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self._documents: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    def get(self, digest: str) -> str | None:
        text = self._documents.get(digest)
        if text is not None:
            self._documents.move_to_end(digest)
        return text

    def keep(self, digest: str, text: str) -> None:
        if digest in self._documents:
            self._documents.move_to_end(digest)
            return
        held = _held(digest, text)
        if held > self.max_bytes:
            return
        self._documents[digest] = text
        self.size += held
        while len(self._documents) > self.max_entries or self.size > self.max_bytes:
            oldest, oldest_text = self._documents.popitem(last=False)
            self.size -= _held(oldest, oldest_text)

    async def execute(
        self,
        request: RequestData,
        response: Response,
        run: Callable[[RequestData], Awaitable[Result]],
    ) -> Result | ExecutionResult:
        """`run` the request, whose document may be named by its hash; or the protocol's
        error, which no cache keeps, when it cannot be run."""
        if isinstance(request, list):
            return await run(request)  # a batch: refused by the view before it gets here
        digest = asked_hash(request.extensions)
        if digest is None:
            return await run(request)
        if self.max_entries == 0:
            return _refused(response, NOT_SUPPORTED, 200)
        if request.query is None:
            text = self.get(digest)
            if text is None:
                # 200, as Apollo Server answers it: Apollo Client stops sending hashes
                # after a 400.
                return _refused(response, NOT_FOUND, 200)
            return await run(dataclasses.replace(request, query=text))
        if sha256(request.query) != digest:
            return _refused(response, MISMATCH, 400)
        # Its answer is not kept: sent again, it must reach the worker, which may have
        # dropped the hash meanwhile, or else the client would send it on every request.
        response.headers["Cache-Control"] = "no-store"
        result = await run(request)
        if isinstance(result, ExecutionResult) and result.data is not None:
            self.keep(digest, request.query)
        return result


def asked_hash(extensions: Mapping[str, Any] | None) -> str | None:
    """The hash `extensions.persistedQuery` names, in lower case; None if it names none."""
    if not extensions or extensions.get("persistedQuery") is None:
        return None
    asked = extensions["persistedQuery"]
    if not isinstance(asked, dict):
        raise HTTPException(400, "`extensions.persistedQuery` must be an object")
    version = asked.get("version")
    if type(version) is not int or version != VERSION:
        raise HTTPException(
            400, f"Unsupported persisted query version: `persistedQuery.version` must be {VERSION}"
        )
    digest = asked.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64 or not _HEX.issuperset(digest.lower()):
        raise HTTPException(
            400,
            "`persistedQuery.sha256Hash` must be the SHA-256 of the query,"
            " as 64 hexadecimal digits",
        )
    return digest.lower()


def sha256(query: str) -> str:
    # surrogatepass: a lone surrogate in the JSON is a mismatch, not a failure.
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()


def _refused(response: Response, error: tuple[str, str], status: int) -> ExecutionResult:
    message, code = error
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def _held(digest: str, text: str) -> int:
    return sys.getsizeof(digest) + sys.getsizeof(text)
