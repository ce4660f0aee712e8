"""What identifies a GraphQL document to a cache: its tokens, not its text.

Two texts that differ only in whitespace, commas or comments are the same document, and
two that differ inside a string are not; so caches of documents (api.graphql.documents)
and of answers (api.http.caching) key them by a digest of their token stream. Comments are
skipped but counted, as graphql-core counts them against the token limit.
"""

from __future__ import annotations

import functools
import hashlib

from graphql import GraphQLError, Source, Token, TokenKind
from graphql.language import Lexer

_SKIPPED = (TokenKind.SOF, TokenKind.EOF, TokenKind.COMMENT)


def digest(first: Token | None) -> str:
    """The key of the token stream that starts at `first` (a parsed document's
    `loc.start_token`, or a lexer's first token)."""
    hashed = hashlib.blake2b(digest_size=16)
    token = first
    while token is not None:
        if token.kind not in _SKIPPED:
            hashed.update(_encoded(token))
        token = token.next
    return hashed.hexdigest()


@functools.lru_cache(maxsize=256)  # the HTTP cache and the GraphQL layer ask for the same text
def key(text: str, *, max_tokens: int) -> str | None:
    """The key of `text`; None if it is not a GraphQL document or holds more than
    `max_tokens` tokens (comments included): it is then refused, never kept."""
    lexer = Lexer(Source(text))
    hashed = hashlib.blake2b(digest_size=16)
    count = 0
    try:
        token = lexer.advance()
        while token.kind is not TokenKind.EOF:
            hashed.update(_encoded(token))
            count += 1 + _comments_before(token)
            if count > max_tokens:
                return None
            token = lexer.advance()
    except GraphQLError:
        return None
    return hashed.hexdigest()


def _comments_before(token: Token) -> int:
    count = 0
    previous = token.prev
    while previous is not None and previous.kind is TokenKind.COMMENT:
        count += 1
        previous = previous.prev
    return count


def _encoded(token: Token) -> bytes:
    # Length-prefixed, so that no two streams run together into the same bytes.
    value = token.value or ""
    return f"{token.kind.value}{len(value)}:{value}".encode("utf-8", "surrogatepass")
