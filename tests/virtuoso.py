"""A private Virtuoso 7 for tests and benchmarks: its own folder, its own loopback ports.

The configuration is Debian's `/etc/virtuoso-opensource-7/virtuoso.ini` with the database files
moved into the folder and both listeners (SQL and HTTP) on loopback ports; SPARQL Update is
granted to the anonymous SPARQL user, as docs/triplestores.md tells a team to do.

Creating a database takes Virtuoso ~14 s on two shared cores, starting from a copy of one ~3 s:
`template` makes one (without the Conductor web UI, which costs ~10 s more) and keeps it in a
cache folder, so a test session pays the creation at most once per machine.
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx

SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
SYSTEM_DB = "/var/lib/virtuoso-opensource-7/db"


def available() -> bool:
    """Whether Virtuoso 7 is installed (`make test` installs it)."""
    return bool(shutil.which("virtuoso-t") and shutil.which("isql-vt") and SYSTEM_INI.exists())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def private_ini(folder: Path, sql_port: int, http_port: int) -> str:
    """Debian's virtuoso.ini with the database in `folder`, loopback-only listeners, and no
    web UI packages to install (`VADInstallDir` is an empty folder)."""
    text = SYSTEM_INI.read_text(encoding="utf-8").replace(SYSTEM_DB, str(folder))
    (folder / "vad").mkdir(exist_ok=True)
    text = re.sub(r"(?m)^(\s*VADInstallDir\s*=).*$", rf"\g<1> {folder / 'vad'}/", text)
    lines, section = [], ""
    for line in text.splitlines():
        header = re.match(r"\s*\[([^]]+)\]", line)
        section = header[1] if header else section
        if re.match(r"\s*ServerPort\s*=", line):
            port = sql_port if section == "Parameters" else http_port
            line = f"ServerPort = 127.0.0.1:{port}"
        lines.append(line)
    return "\n".join(lines) + "\n"


class Virtuoso:
    """A running private Virtuoso; `url` is its realist-kg store URL."""

    def __init__(self, folder: Path, database: Path | None = None) -> None:
        """Start Virtuoso in `folder`, on a copy of `database` (a `template`) if given."""
        self.folder = folder
        if database is not None:
            shutil.copyfile(database, folder / "virtuoso.db")
        self.sql_port, self.http_port = _free_port(), _free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(private_ini(folder, self.sql_port, self.http_port), encoding="utf-8")
        self.log = (folder / "stdout.log").open("wb")
        self.proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)],
                                     cwd=folder, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"virtuoso+http://127.0.0.1:{self.http_port}/sparql"
        try:
            self._wait()
            if database is None:
                self.sql("grant SPARQL_UPDATE to \"SPARQL\";")
        except BaseException:
            self.stop()
            raise

    def _wait(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{self.http_port}/sparql",
                                   params={"query": "ASK {}"}, timeout=2)
                if answer.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                log = (self.folder / "virtuoso.log")
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise RuntimeError(f"Virtuoso did not start:\n{tail}")
            time.sleep(0.1)

    def sql(self, statements: str) -> str:
        """Run SQL as dba through `isql-vt` (the only way to grant SPARQL_UPDATE)."""
        done = subprocess.run(["isql-vt", str(self.sql_port), "dba", "dba"], input=statements,
                              capture_output=True, text=True, timeout=60, check=True)
        if "Error" in done.stdout:
            raise RuntimeError(f"isql-vt refused {statements!r}: {done.stdout}")
        return done.stdout

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self.log.close()


def template(cache: Path) -> Path:
    """A new database with SPARQL Update granted, cleanly shut down: made once per Virtuoso
    build and configuration, under `cache` (a lock makes parallel test workers wait for it)."""
    binary = Path(shutil.which("virtuoso-t") or "virtuoso-t").resolve()
    key = hashlib.sha256(SYSTEM_INI.read_bytes() + str(binary.stat().st_size).encode()
                         + str(binary.stat().st_mtime_ns).encode()).hexdigest()[:16]
    database = cache / f"virtuoso-{key}.db"
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / "virtuoso.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not database.exists():
            build = cache / f"build-{key}"
            shutil.rmtree(build, ignore_errors=True)
            build.mkdir()
            server = Virtuoso(build)
            server.sql("checkpoint;")
            server.stop()
            (build / "virtuoso.db").replace(database)
            shutil.rmtree(build, ignore_errors=True)
    return database
