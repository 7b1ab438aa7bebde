"""Reading and writing the zip of a REFI-QDA project (`.qdpx`), with its sizes bounded.

A `.qdpx` is a zip holding `project.qde` and a `Sources/` folder. Reading is judged before any
part is unpacked: at most `archive_entries` entries, at most `unpacked_bytes` declared in all,
no part over 1 MiB packed more than `unpacked_ratio` times; and each part is read with a cap of
what it declares, so a lying header cannot unpack more. The names inside the zip are keys only,
never paths on disk: nothing is extracted to the file system.

>>> data = write_archive(b"<Project/>", {"a.txt": b"hi"})
>>> archive = read_archive("p.qdpx", data)
>>> archive.qde, archive.source("internal://a.txt", "guid")
(b'<Project/>', b'hi')
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from cmo.errors import LimitExceeded, ParseError, Problem
from cmo.limits import LIMITS

QDE = "project.qde"
SOURCES = "Sources/"
_RATIO_FLOOR = 1 << 20


@dataclass
class Archive:
    """The parts of a project: `project.qde` and its other entries (by lower-case name)."""

    name: str
    qde: bytes
    zf: zipfile.ZipFile
    entries: dict[str, zipfile.ZipInfo]

    def source(self, path: str, guid: str) -> bytes:
        """The bytes of an `internal://` file of the project (ParseError naming the GUID if it
        is missing or not internal)."""
        if not path.startswith("internal://"):
            raise ParseError(self.name, f"element {guid}: {path!r} is outside the project; "
                             "only internal:// files are read")
        key = path.removeprefix("internal://").lstrip("/").lower()
        info = self.entries.get("sources/" + key) or self.entries.get(key)
        if info is None:
            raise ParseError(self.name, f"element {guid}: no file {path!r} in the project's "
                             "Sources folder")
        return _read(self.zf, info)


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with zf.open(info) as part:
        data = part.read(info.file_size + 1)
    if len(data) > info.file_size:  # zipfile stops at the declared size; be sure of it
        raise LimitExceeded(f"{info.filename} unpacks past its declared size.", "unpacked_bytes",
                            LIMITS.unpacked_bytes)
    return data


def read_archive(name: str, data: bytes) -> Archive:
    """The project of a `.qdpx` file: ParseError when it is not a zip or has no project.qde,
    LimitExceeded for a zip bomb (judged before anything is unpacked)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ParseError(name, f"not a REFI-QDA project: not a zip file ({exc})") from None
    _check_sizes(name, infos)
    entries = {i.filename.replace("\\", "/").lower(): i for i in infos if not i.is_dir()}
    qde = entries.get(QDE) or next((i for k, i in entries.items()
                                    if k.rsplit("/", 1)[-1] == QDE), None)
    if qde is None:
        raise ParseError(name, f"not a REFI-QDA project: the zip has no {QDE}")
    try:
        return Archive(name, _read(zf, qde), zf, entries)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ParseError(name, f"{QDE} cannot be unpacked ({exc})") from None


def _check_sizes(name: str, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > LIMITS.archive_entries:
        raise LimitExceeded(f"{name} holds {len(infos)} files; nothing was imported.",
                            "archive_entries", LIMITS.archive_entries,
                            [Problem(f"more than {LIMITS.archive_entries} files (archive_entries)",
                                     file=name)])
    total = sum(i.file_size for i in infos)
    packed = [i for i in infos if i.file_size > _RATIO_FLOOR
              and i.file_size > LIMITS.unpacked_ratio * max(i.compress_size, 1)]
    if total > LIMITS.unpacked_bytes or packed:
        limit = "unpacked_bytes" if total > LIMITS.unpacked_bytes else "unpacked_ratio"
        where = packed[0].filename if packed and limit == "unpacked_ratio" else name
        raise LimitExceeded(f"{name} unpacks to {total} bytes (a zip bomb?); nothing was "
                            "imported.", limit, int(getattr(LIMITS, limit)),
                            [Problem(f"packed too far ({limit})", file=where)])


def write_archive(qde: bytes, sources: dict[str, bytes]) -> bytes:
    """A `.qdpx`: `project.qde` and each source under `Sources/`, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(QDE, qde)
        for path, data in sources.items():
            zf.writestr(SOURCES + path, data)
    return out.getvalue()
