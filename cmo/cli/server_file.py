"""The file `cmo serve` leaves in an embedded store's folder, so that other `cmo` commands can
act through the running server instead of being locked out.

An embedded on-disk store has one writer, the process holding its lock. While `cmo serve` holds
it, ``cmo-serve.json`` in the store's folder names the server's URL, its process (id and start
time) and a secret made for this run, which the server accepts as an admin token. The secret is
never stored: it lives in the server's memory and this file, so it dies with the server.

The file is created with mode 0600 and replaced atomically. A reader trusts it only if it is a
regular file (not a symbolic link) owned by the reader's own user that nobody else may read or
write; otherwise it refuses with an error saying so, and acts on nothing. Another local user can
therefore neither read the secret nor plant a file that sends our writes to their process.

A file whose process is gone (or whose process id now belongs to a process started later) is
stale: it is removed and ignored.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from pathlib import Path

from pydantic import BaseModel, ValidationError

from cmo.errors import UsageError

FILE_NAME = "cmo-serve.json"
_LOOPBACK = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


class ServerFile(BaseModel):
    """What a running `cmo serve` tells the other `cmo` commands on the same store."""

    url: str
    pid: int
    #: The process's start time (Linux clock ticks since boot), so a reused pid is not taken
    #: for the server; None where the system does not say.
    started: int | None = None
    secret: str


def server_file_path(store_path: str | os.PathLike[str]) -> Path:
    """Where a server on the store at `store_path` leaves its file."""
    return Path(store_path) / FILE_NAME


def local_url(host: str, port: int) -> str:
    """The URL a process on this machine reaches a server bound to `host` at."""
    host = _LOOPBACK.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _started(pid: int) -> int | None:
    """When process `pid` started (field 22 of /proc/PID/stat), or None if unknown."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(text.rpartition(")")[2].split()[19])  # the fields after the command's name


def _alive(pid: int, started: int | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: not the server that wrote our file
        return False
    return started is None or _started(pid) in (None, started)


def write_server_file(store_path: str | os.PathLike[str], url: str) -> ServerFile:
    """Leave this process's server file in the store's folder (mode 0600, replaced atomically)."""
    pid = os.getpid()
    info = ServerFile(url=url, pid=pid, started=_started(pid),
                      secret="rkg_local_" + secrets.token_urlsafe(32))
    path = server_file_path(store_path)
    temporary = path.with_name(f".{FILE_NAME}.{pid}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(info.model_dump_json())
    os.replace(temporary, path)
    return info


def remove_server_file(store_path: str | os.PathLike[str], info: ServerFile) -> None:
    """Remove the server file if it is still the one `info` describes (a later server may have
    replaced it)."""
    path = server_file_path(store_path)
    with contextlib.suppress(OSError, ValueError, ValidationError):
        if ServerFile.model_validate_json(path.read_bytes()).secret == info.secret:
            path.unlink()


def running_server(store_path: str | os.PathLike[str]) -> ServerFile | None:
    """The live server on the store at `store_path`, or None (a stale file is removed).

    Raises UsageError for a file this user does not own, that others may read or write, or that
    is not a regular file: it is refused, never acted on.
    """
    path = server_file_path(store_path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror}; remove it if no `cmo serve` "
                         "runs on this store.") from exc
    with os.fdopen(fd, "rb") as file:
        found = os.fstat(file.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise UsageError(f"{path} is not a regular file; remove it.")
        if found.st_uid != os.getuid():
            raise UsageError(f"{path} belongs to another user (uid {found.st_uid}); it is not "
                             "trusted. Remove it, or run `cmo` as the user who runs the server.")
        if stat.S_IMODE(found.st_mode) & 0o077:
            raise UsageError(f"{path} may be read or written by others (mode "
                             f"{stat.S_IMODE(found.st_mode):04o}); it holds an admin secret, so "
                             f"it is not trusted. Make it 0600 (chmod 600 {path}) or remove it.")
        data = file.read(64 * 1024)
    try:
        info = ServerFile.model_validate(json.loads(data))
    except (ValueError, ValidationError) as exc:
        raise UsageError(f"{path} is not a `cmo serve` file; remove it.") from exc
    if _alive(info.pid, info.started):
        return info
    # Stale: remove it, unless a new server has just replaced it.
    with contextlib.suppress(OSError):
        now = os.stat(path, follow_symlinks=False)
        if (now.st_ino, now.st_dev) == (found.st_ino, found.st_dev):
            path.unlink()
    return None
