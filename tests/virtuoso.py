"""A private Virtuoso 7 for tests and benchmarks: its own folder, its own loopback ports.

The configuration is Debian's `/etc/virtuoso-opensource-7/virtuoso.ini` with the database files
moved into the folder and both listeners (SQL and HTTP) on loopback ports; SPARQL Update is
granted to the anonymous SPARQL user, as docs/triplestores.md tells a team to do.
"""

from __future__ import annotations

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
    """Debian's virtuoso.ini with the database in `folder` and loopback-only listeners."""
    text = SYSTEM_INI.read_text(encoding="utf-8").replace(SYSTEM_DB, str(folder))
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

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sql_port, self.http_port = _free_port(), _free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(private_ini(folder, self.sql_port, self.http_port), encoding="utf-8")
        self.log = (folder / "stdout.log").open("wb")
        self.proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)],
                                     cwd=folder, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"virtuoso+http://127.0.0.1:{self.http_port}/sparql"
        try:
            self._wait()
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
