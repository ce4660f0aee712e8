"""Parsed and validated documents, kept by their tokens; a new one is checked off the loop.

This replaces Strawberry's ParserCache and ValidationCache. They keep a document by its
text, so a comment or a space made it new, and keep validation by the rule classes too,
which our limits built anew for every request, so no validation was ever reused. Here a
document is kept by its token stream (api.http.document_tokens) together with its validation
errors, which depend on nothing else: the rules are fixed when the schema is made.

A document not seen before is parsed and validated in a thread, so the event loop keeps
answering other requests meanwhile and the request's time budget (graphql_timeout_seconds)
applies to the checks too; the checks stop themselves when the budget runs out, so a
thread is never left working for a request that was answered.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    Source,
    TokenKind,
    ValidationRule,
    parse,
)
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from api.graphql.limits import too_slow
from api.http import document_tokens

DOCUMENT_CACHE_SIZE = 256  # distinct documents kept parsed and validated
# Documents checked at once: the work holds the interpreter's lock, so more threads would
# not finish sooner, and the threadpool stays free for database reads.
CHECK_THREADS = 2


@dataclass(frozen=True)
class Checked:
    text: str
    # None: a syntax error, which Strawberry's own parse then reports.
    document: DocumentNode | None
    errors: Sequence[GraphQLError]
    key: str | None = None
    starts: tuple[int, ...] = ()  # where each token of `text` begins
    overrun: bool = False  # stopped by the time budget: never kept


class Documents:
    """The documents one schema has checked, with its rules and limits."""

    def __init__(
        self, rules: Sequence[type[ASTValidationRule]], *, max_tokens: int, budget_seconds: float
    ) -> None:
        self.rules = tuple(rules)
        self.max_tokens = max_tokens
        self.budget_seconds = budget_seconds
        self._by_text: OrderedDict[str, Checked] = OrderedDict()
        self._by_key: OrderedDict[str, Checked] = OrderedDict()
        self._lock = threading.Lock()  # the loop keeps, the threads look up
        self._limiter: anyio.CapacityLimiter | None = None

    async def checked(self, text: str, schema: GraphQLSchema) -> Checked:
        with self._lock:
            found = _used(self._by_text, text)
        if found is not None:
            return found
        if self._limiter is None:  # made in the event loop that uses it
            self._limiter = anyio.CapacityLimiter(CHECK_THREADS)
        deadline = time.monotonic() + self.budget_seconds
        # Abandoned when the budget runs out; the thread then stops at its deadline.
        checked = await anyio.to_thread.run_sync(
            self._check, text, schema, deadline, abandon_on_cancel=True, limiter=self._limiter
        )
        if checked.overrun:
            return Checked(text, checked.document, [too_slow(self.budget_seconds)], overrun=True)
        self._keep(checked)
        return checked

    def _check(self, text: str, schema: GraphQLSchema, deadline: float) -> Checked:
        try:
            document = parse(text, max_tokens=self.max_tokens)
        except GraphQLError:
            return Checked(text, None, ())
        key = document_tokens.digest(document.loc.start_token if document.loc else None)
        starts = _starts(document)
        with self._lock:
            same = _used(self._by_key, key)
        if same is not None:  # the same tokens: only the places in the text differ
            errors = _placed(same.errors, same.starts, starts, Source(text))
            return Checked(text, document, errors, key, starts)
        rules = (*self.rules, _deadline_rule(deadline))
        errors = validate_document(schema, document, rules)
        overrun = any(isinstance(error, _Overrun) for error in errors)
        return Checked(text, document, errors, key, starts, overrun)

    def _keep(self, checked: Checked) -> None:
        with self._lock:
            for kept, key in ((self._by_text, checked.text), (self._by_key, checked.key)):
                if key is not None:
                    kept[key] = checked
                    kept.move_to_end(key)
                    if len(kept) > DOCUMENT_CACHE_SIZE:
                        kept.popitem(last=False)


def _used(kept: OrderedDict[str, Checked], key: str) -> Checked | None:
    found = kept.get(key)
    if found is not None:
        kept.move_to_end(key)
    return found


def _starts(document: DocumentNode) -> tuple[int, ...]:
    starts = []
    token = document.loc.start_token if document.loc else None
    while token is not None:
        if token.kind is not TokenKind.COMMENT:
            starts.append(token.start)
        token = token.next
    return tuple(starts)


def _placed(
    errors: Sequence[GraphQLError], was: tuple[int, ...], now: tuple[int, ...], source: Source
) -> list[GraphQLError]:
    """`errors` found in a text whose tokens began at `was`, placed in `source`, whose
    same tokens begin at `now`."""
    token_at = {start: number for number, start in enumerate(was)}
    placed = []
    for error in errors:
        if not error.positions:
            placed.append(error)
            continue
        positions = [now[token_at[start]] if start in token_at else 0 for start in error.positions]
        placed.append(
            GraphQLError(
                error.message,
                source=source,
                positions=positions,
                path=error.path,
                original_error=error.original_error,
                extensions=error.extensions,
            )
        )
    return placed


class _Overrun(ValidationAbortedError):
    pass


def _deadline_rule(deadline: float) -> type[ValidationRule]:
    class Deadline(ValidationRule):
        def enter(self, *_args: Any) -> None:
            if time.monotonic() > deadline:
                raise _Overrun("The checks of this document ran out of time.")

    return Deadline


class CheckedDocuments(SchemaExtension):
    """Hands Strawberry the kept document and its validation errors."""

    def __init__(self, documents: Documents) -> None:
        self.documents = documents
        self.errors: Sequence[GraphQLError] | None = None

    def on_operation(self) -> Iterator[None]:
        # For Strawberry's own parse, which reports a syntax error.
        self.execution_context.parse_options["max_tokens"] = self.documents.max_tokens
        yield

    async def on_parse(self) -> AsyncIterator[None]:
        query = self.execution_context.query
        if query:
            checked = await self.documents.checked(query, self.execution_context.schema._schema)
            self.execution_context.graphql_document = checked.document
            self.errors = checked.errors
            if checked.overrun:  # the next try may be quicker
                self.execution_context.context.response.headers["Cache-Control"] = "no-store"
        yield

    def on_validate(self) -> Iterator[None]:
        if self.errors is not None:
            self.execution_context.pre_execution_errors = list(self.errors)
        yield
