"""Which file of an import package is which, and reading them within the limits.

A package comes as containers of files: a folder, a .zip, the files of an upload (each
.zip among them a container of its own), or a single body. One rule, the same for the
command and the API, says which file is which:

* a file is known by its name; the folders it lies in are not part of it;
* the files of one container lie in one folder of it: its top, or one folder that holds
  them all (as zipping a folder makes); files in several folders are an error;
* hidden files (a name starting with ".") and macOS's `__MACOSX` folder are left out;
* two files of the same name are an error naming both, and neither is read.

Reading counts the files, the bytes the zips declare and the bytes unpacked, and stops at
the first limit passed: a zip bomb is refused from its directory, before it is inflated,
and a zip whose directory understates a file is stopped where the statement ends.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from typing import IO

from seed.issues import Issue
from seed.limits import Budget, ReadLimits

Opener = Callable[[], AbstractContextManager[IO[bytes]]]

CHUNK = 1 << 16
# A zip lists its files in a directory that Python reads whole; a package's entries take
# about 100 bytes each, so this much per file allowed leaves room and bounds that read.
DIRECTORY_BYTES_PER_FILE = 1024
# What every zip tool writes; other methods (bzip2, lzma) bring decompressors of their own.
ZIP_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
END, END_BYTES = b"PK\x05\x06", 22  # a zip's end record: its signature and size
# What reading a damaged zip raises (a negative offset: ValueError from an in-memory file).
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError)


@dataclass(frozen=True)
class Part:
    """A file of a container before it is read."""

    path: str  # where it lies in its container, folders included
    size: int  # bytes as stated: by a zip's directory, the file system or the upload
    open: Opener


class Unreadable(Exception):
    """A file that cannot be read as it is stored; the message says why."""


class Unpacker:
    """Collects the containers of one package, then reads its files within the limits."""

    def __init__(self, package: str, limits: ReadLimits, issues: list[Issue]) -> None:
        self.package = package
        self.limits = limits
        self.issues = issues
        self.named: dict[str, list[Part]] = {}
        self.count = 0
        self.containers: list[str] = []
        self.stack = ExitStack()  # zips stay open until their files are read
        self.listed = True  # False once a container's files cannot all be listed
        self.unread: set[str] = set()  # names of files found and not read

    def __enter__(self) -> Unpacker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stack.close()

    @property
    def too_many(self) -> bool:
        return self.count > self.limits.files

    def add(self, container: str, parts: Iterable[Part]) -> None:
        """The files of one folder, zip or upload (consumed only up to the limit)."""
        self.containers.append(container)
        folders: set[str] = set()
        for part in parts:
            if self.too_many:
                return  # said once, for the container that passed the limit
            self.count += 1
            if self.too_many:
                self.listed = False
                found = f"more than {self.limits.files} files"
                self.issues.append(
                    Issue(container, None, None, found, f"at most {self.limits.files} files")
                )
                return
            folder, _, name = _split(part.path)
            if _hidden(part.path):
                continue
            folders.add(folder)
            self.named.setdefault(name, []).append(part)
        if len(folders) > 1:
            found = ", ".join(f"{folder}/" if folder else "(top)" for folder in sorted(folders))
            expected = "every file in one folder: the top, or one folder that holds them all"
            self.issues.append(Issue(container, None, None, found, expected))

    def add_zip(self, container: str, opener: Opener) -> None:
        """A .zip's files; a file that is no zip, or lists too much, is an issue."""
        limit = self.limits.files * DIRECTORY_BYTES_PER_FILE
        try:
            stream = self.stack.enter_context(opener())
            directory = _directory_bytes(stream)
            if directory is not None and directory > limit:
                self.listed = False
                found = f"a list of files of {directory:,} bytes"
                self.issues.append(
                    Issue(container, None, None, found, f"at most {self.limits.files} files")
                )
                return
            archive = self.stack.enter_context(zipfile.ZipFile(stream))
        except UNREADABLE as error:
            self.listed = False
            self.issues.append(Issue(container, None, None, None, f"a .zip archive ({error})"))
            return
        # Not ZipInfo.is_dir(): a damaged directory can hold an empty name.
        members = (info for info in archive.infolist() if not info.filename.endswith("/"))
        self.add(container, (_member(archive, info) for info in members))

    def read(self) -> dict[str, bytes]:
        """Every file by name; files that break a rule or a limit are left out (`unread`)."""
        files = self._read()
        self.unread = set(self.named) - set(files)
        return files

    def _read(self) -> dict[str, bytes]:
        if self.too_many:
            return {}
        declared = sum(part.size for parts in self.named.values() for part in parts)
        if declared > self.limits.unpacked_bytes:
            whole = self.containers[0] if len(self.containers) == 1 else self.package
            self._too_large(whole, f"{declared:,} bytes")
            return {}
        budget = Budget(self.limits.unpacked_bytes)
        files: dict[str, bytes] = {}
        for name, parts in sorted(self.named.items()):
            if len(parts) > 1:
                found = ", ".join(sorted(part.path for part in parts))
                self.issues.append(Issue(name, None, None, found, f"one file named {name}"))
                continue
            try:
                content = _read(parts[0], budget)
            except (Unreadable, *UNREADABLE) as error:
                self.issues.append(Issue(name, None, None, None, f"a readable file ({error})"))
                continue
            if content is None:
                self._too_large(name, None)
                break
            files[name] = content
        return files

    def _too_large(self, file: str, found: str | None) -> None:
        expected = f"at most {self.limits.unpacked_bytes:,} bytes in all, unpacked"
        self.issues.append(Issue(file, None, None, found, expected))


def _read(part: Part, budget: Budget) -> bytes | None:
    """The file's bytes, read in chunks; None once the package passes its budget."""
    content = io.BytesIO()
    with part.open() as stream:
        while chunk := stream.read(CHUNK):
            if not budget.take(len(chunk)):
                return None
            content.write(chunk)
    return content.getvalue()


def _split(path: str) -> tuple[str, str, str]:
    """(folder, "/", name) of a path; some Windows tools write backslashes."""
    return path.replace("\\", "/").rpartition("/")


def _hidden(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts)


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Part:
    def open_member() -> AbstractContextManager[IO[bytes]]:
        if info.flag_bits & 0x1:
            raise Unreadable("it is encrypted")
        if info.compress_type not in ZIP_METHODS:
            raise Unreadable(f"compressed by method {info.compress_type}; use deflate")
        return archive.open(info)

    return Part(info.filename, info.file_size, open_member)


def _directory_bytes(stream: IO[bytes]) -> int | None:
    """How many bytes a zip's directory takes, as its end records state them: found and
    read as Python's zipfile finds and reads them (the ZIP64 record too), so that the bound
    holds for the directory it will read. None where zipfile finds no end record."""
    size = stream.seek(0, io.SEEK_END)
    tail_at = max(0, size - END_BYTES - 0xFFFF)  # the end record and the longest comment
    stream.seek(tail_at)
    tail = stream.read()
    if tail[-END_BYTES : -END_BYTES + 4] == END and tail[-2:] == b"\0\0":
        found = len(tail) - END_BYTES  # no comment: where zipfile looks first
    else:
        found = tail.rfind(END)
        if found < 0 or len(tail) - found < END_BYTES:
            return None
    listed: int = struct.unpack_from("<4s4H2LH", tail, found)[5]
    end = tail_at + found
    if end >= 76:
        stream.seek(end - 76)
        record, locator = stream.read(56), stream.read(20)
        if locator[:4] == b"PK\x06\x07" and record[:4] == b"PK\x06\x06":
            listed = struct.unpack("<4sQ2H2L4Q", record)[8]
    stream.seek(0)
    return listed
