"""The release history as an Atom feed (RFC 4287), one entry per release, newest first.

Written with the standard library's xml.etree: Atom needs a dozen elements, one namespace
and correct escaping, all of which ElementTree does; a feed library would add a dependency
for no more than that.

Ids are `urn:uuid:` names derived (UUID version 5) from what makes a release itself: its
number, time and checksum. They stay the same whichever host the feed is read through (a
`tag:` URI needs a domain name, which a server reached by address does not have), and a
rebuilt database whose releases differ gets new ones, so that a reader never takes one
release for another.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from models.changes import change_counts
from models.records import ReleaseRecord

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
ID_NAMESPACE = uuid.UUID("7b6411b9-683f-4ffe-9b7c-4870da886717")  # ours, for version 5 ids
TITLE = "kommunedigi: releases of data"
SUBTITLE = (
    "Each load of figures into kommunedigi, newest first, with how many figures it added,"
    " changed and removed."
)


def build(releases: Sequence[ReleaseRecord], *, base: str, author: str) -> bytes:
    """The feed document; `releases` newest first, links absolute under `base`."""
    # Atom is the default namespace, declared on the root: ElementTree would otherwise
    # write an ns0: prefix, or need a process-wide register_namespace, and its
    # default_namespace option refuses the unqualified attributes Atom's links have.
    root = ET.Element("feed", {"xmlns": ATOM})
    _text(root, "id", _urn("feed", releases[-1] if releases else None))
    _text(root, "title", TITLE)
    _text(root, "subtitle", SUBTITLE)
    # An empty database has no release to date the feed by; it is as new as this answer.
    newest = releases[0].created_at if releases else dt.datetime.now(dt.UTC)
    _text(root, "updated", _timestamp(newest))
    _link(root, "self", f"{base}/feed", MEDIA_TYPE)
    _link(root, "alternate", f"{base}/api/v1/releases", "application/json")
    _text(ET.SubElement(root, "author"), "name", author)
    _text(root, "generator", "kommunedigi")
    for release in releases:
        entry = ET.SubElement(root, "entry")
        _text(entry, "id", _urn("release", release))
        _text(entry, "title", f"Release {release.id}: {release.message}")
        _text(entry, "updated", _timestamp(release.created_at))
        _text(entry, "published", _timestamp(release.created_at))
        _text(entry, "summary", summary(release))
        changes = f"{base}/api/v1/releases/{release.id}/changes"
        _link(entry, "alternate", changes, "application/json")
        # What a harvester holding this release walks to catch up (api/rest/releases.py).
        since = f"{base}/api/v1/changes?since={release.id}"
        title = f"Every change after release {release.id}"
        _link(entry, "related", since, "application/json", title)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def summary(release: ReleaseRecord) -> str:
    counts = change_counts(release.added, release.changed, release.removed)
    return f"Release {release.id}: {counts}. {release.message}"


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, name)
    element.text = text
    return element


def _link(
    parent: ET.Element, rel: str, href: str, media_type: str, title: str | None = None
) -> None:
    attributes = {"rel": rel, "href": href, "type": media_type}
    if title is not None:
        attributes["title"] = title
    ET.SubElement(parent, "link", attributes)


def _timestamp(moment: dt.datetime) -> str:
    """RFC 3339, in UTC, as Atom's date constructs require."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _urn(kind: str, release: ReleaseRecord | None) -> str:
    """A stable id; the feed's is derived from the first release, each entry's from its own."""
    name = f"kommunedigi {kind}"
    if release is not None:
        name += f" {release.id} {_timestamp(release.created_at)} {release.checksum}"
    return uuid.uuid5(ID_NAMESPACE, name).urn
