"""Response headers as ASGI sends them: a list of (lower-case name, value) byte pairs.

The layers that add headers to every answer change that list directly. Starlette's
MutableHeaders builds and searches an object on each call, a cost each such layer paid
on every request.
"""

from __future__ import annotations

RawHeaders = list[tuple[bytes, bytes]]


def value_of(headers: RawHeaders, name: bytes) -> bytes | None:
    """The first value of the header `name` (lower case), or None."""
    for key, value in headers:
        if key == name:
            return value
    return None


def with_replaced(
    headers: RawHeaders, items: RawHeaders | tuple[tuple[bytes, bytes], ...]
) -> RawHeaders:
    """`headers` without any header named in `items`, then `items`."""
    names = {name for name, _ in items}
    return [item for item in headers if item[0] not in names] + list(items)


def with_vary(headers: RawHeaders, names: bytes) -> RawHeaders:
    """`headers` with one Vary header that names what the ones present name, then each
    of `names` (comma-separated) that they did not name yet, in that order."""
    kept: RawHeaders = []
    present: list[bytes] = []
    for key, value in headers:
        if key == b"vary":
            present.extend(name.strip() for name in value.split(b",") if name.strip())
        else:
            kept.append((key, value))
    known = {name.lower() for name in present}
    for name in names.split(b","):
        if (name := name.strip()) and name.lower() not in known:
            present.append(name)
            known.add(name.lower())
    kept.append((b"vary", b", ".join(present)))
    return kept
