"""`cmo` commands on an embedded store while `cmo serve` holds it: the commands that read open a
read-only view beside the server, `cmo token` and `cmo import` act through it, and the server
file it leaves is trusted only when it should be. Real processes, a real store on disk."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import httpx
import pytest

from cmo.cli.main import cli
from cmo.cli.server_file import FILE_NAME, ServerFile, running_server
from cmo.cli.session import Session
from cmo.errors import StoreError
from cmo.store import Store, open_store
from tests.api.conftest import free_port
from tests.conftest import EXAMPLE, ROOT, run_cmo

ADMIN = "beside-admin-secret-0123456789"


@dataclass
class Served:
    store: str
    folder: Path
    url: str
    proc: subprocess.Popen[bytes]

    def cmo(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cmo("--store", self.store, *args)

    def get(self, path: str, token: str = ADMIN) -> httpx.Response:
        return httpx.get(self.url + path, headers={"Authorization": f"Bearer {token}"},
                         timeout=30)


def _serve(folder: Path) -> Served:
    store, port = f"oxigraph:{folder}", free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cmo.cli", "--store", store, "serve",
                             "--port", str(port)], cwd=ROOT,
                            env={**os.environ, "CMO_ADMIN_TOKEN": ADMIN},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/openapi.json", timeout=2)
            return Served(store, folder, url, proc)
        except httpx.TransportError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("cmo serve did not start") from None
            time.sleep(0.1)


def _stop(served: Served) -> None:
    served.proc.send_signal(signal.SIGINT)
    served.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`cmo serve` over an on-disk store holding the example review as `ps`."""
    folder = tmp_path_factory.mktemp("beside") / "store"
    assert run_cmo("--store", f"oxigraph:{folder}", "import", str(EXAMPLE),
                   "--review", "ps").returncode == 0
    server = _serve(folder)
    yield server
    _stop(server)


def test_commands_that_read_work_beside_the_server(served: Served, tmp_path: Path) -> None:
    stats = served.cmo("stats", "--review", "ps", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["cmocs"] == 43
    page = tmp_path / "ps.html"
    drawn = served.cmo("draw", "--review", "ps", "--out", str(page))
    assert drawn.returncode == 0 and page.stat().st_size > 1000, drawn.stderr
    figure = tmp_path / "ps.png"
    drawn = served.cmo("figure", "network", "--review", "ps", "--out", str(figure))
    assert drawn.returncode == 0 and figure.read_bytes()[:4] == b"\x89PNG", drawn.stderr
    asked = served.cmo("query", "mechanisms", "--context", "delivery", "--review", "ps")
    assert asked.returncode == 0 and "(no rows)" not in asked.stdout, asked.stderr
    for args in (["reviews"], ["validate", "--review", "ps"], ["export", "--review", "ps"]):
        result = served.cmo(*args)
        assert result.returncode == 0, (args, result.stderr)


def test_tokens_are_issued_listed_and_revoked_through_the_server(served: Served) -> None:
    made = served.cmo("token", "create", "--role", "editor", "--review", "ps",
                      "--name", "beside")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("rkg_") and served.get("/reviews/ps", secret).status_code == 200
    listed = served.cmo("token", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    [mine] = [t for t in json.loads(listed.stdout) if t["name"] == "beside"]
    assert mine["role"] == "editor" and mine["review"] == "ps" and secret not in listed.stdout
    revoked = served.cmo("token", "revoke", mine["id"])
    assert revoked.returncode == 0, revoked.stderr
    assert served.get("/reviews/ps", secret).status_code == 401  # at once, in the server
    missing = served.cmo("token", "create", "--role", "viewer", "--review", "nope")
    assert missing.returncode == 1 and "No review 'nope'" in missing.stderr


def test_import_goes_through_the_server_and_both_see_it(served: Served, tmp_path: Path) -> None:
    checked = served.cmo("import", str(EXAMPLE), "--review", "copy", "--check")
    assert checked.returncode == 0 and "nothing written" in checked.stdout, checked.stderr
    assert served.get("/reviews/copy").status_code == 404
    done = served.cmo("import", str(EXAMPLE), "--review", "copy")
    assert done.returncode == 0 and "(new review)" in done.stdout, done.stderr
    assert served.get("/reviews/copy").json()["id"] == "copy"
    assert served.get("/reviews/copy/cmocs").json()["total"] == 43
    stats = served.cmo("stats", "--review", "copy", "--format", "json")
    assert json.loads(stats.stdout)["cmocs"] == 43
    sheet, concepts = tmp_path / "ps.csv", tmp_path / "concepts.csv"
    assert served.cmo("export", "--review", "ps", "--format", "csv", "--out", str(sheet),
                      "--concepts-out", str(concepts)).returncode == 0
    from_sheet = served.cmo("import", str(sheet), "--concepts", str(concepts), "--review", "s")
    assert from_sheet.returncode == 0 and "43 CMOcs" in from_sheet.stdout, from_sheet.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("study,context,mechanism,outcome,outcome_direction\n"
                   "Jolly 2012,rural,trust,uptake,postive\n")
    refused = served.cmo("import", str(bad), "--review", "s")
    assert refused.returncode == 1
    assert "row 2, outcome_direction: unknown value 'postive'" in refused.stderr
    not_rdf = served.cmo("import", str(ROOT / "pyproject.toml"), "--review", "copy",
                         "--format", "ttl")
    assert not_rdf.returncode == 1 and "line 1" in not_rdf.stderr, not_rdf.stderr
    unchecked = served.cmo("import", str(EXAMPLE), "--review", "copy", "--no-validate")
    assert unchecked.returncode == 2 and "--no-validate" in unchecked.stderr


def test_other_writes_go_through_the_server_and_it_sees_them(served: Served) -> None:
    assert served.cmo("import", str(EXAMPLE), "--review", "w").returncode == 0
    made_public = served.cmo("visibility", "--review", "w", "public")
    assert made_public.returncode == 0, made_public.stderr
    assert httpx.get(served.url + "/reviews/w", timeout=30).status_code == 200  # anonymous
    titled = served.cmo("reviews", "set", "--review", "w", "--title", "Written beside")
    assert titled.returncode == 0, titled.stderr
    assert served.get("/reviews/w").json()["title"] == "Written beside"
    # A typo's CMOc deleted through the API leaves an orphan concept; pruning goes through.
    typo = httpx.post(served.url + "/reviews/w/cmocs", headers={
        "Authorization": f"Bearer {ADMIN}"}, timeout=30, json={
        "studies": ["Jolly 2012"], "contexts": ["rural"], "mechanism": "trsut beside",
        "outcomes": ["uptake"]})
    assert typo.status_code == 201, typo.text
    gone = httpx.delete(served.url + typo.headers["Location"], timeout=30, headers={
        "Authorization": f"Bearer {ADMIN}", "If-Match": typo.headers["ETag"]})
    assert gone.status_code == 204, gone.text
    pruned = served.cmo("concepts", "orphans", "--review", "w", "--prune", "--format", "json")
    assert pruned.returncode == 0, pruned.stderr
    assert "trsut beside" in [c["label"] for c in json.loads(pruned.stdout)]
    assert served.get("/reviews/w/concepts/orphans").json() == []
    merged = served.cmo("concepts", "merge", "face-to-face", "--into", "mode", "--kind",
                        "context", "--review", "w", "--format", "json")
    assert merged.returncode == 0, merged.stderr
    assert "face-to-face" in json.loads(merged.stdout)["kept"]["alt_labels"]
    mode = served.get("/reviews/w/concepts?kind=context&prefix=face-to").json()
    assert [c["label"] for c in mode if c.get("matched") == "face-to-face"] == ["mode"]
    notes = EXAMPLE.parent / "sources" / "workshop-notes.md"
    added = served.cmo("source", "add", str(notes), "--review", "w", "--study", "Jolly 2012")
    assert added.returncode == 0 and "Added source" in added.stdout, added.stderr
    [doc] = served.get("/reviews/w/sources").json()
    checked = served.cmo("quotes", "check", "--review", "w", "--format", "json")
    assert checked.returncode in (0, 1) and json.loads(checked.stdout)["quotes"], checked.stderr
    fixed = served.cmo("quotes", "check", "--review", "w", "--fix", "--format", "json")
    assert fixed.returncode in (0, 1) and json.loads(fixed.stdout)["quotes"], fixed.stderr
    removed = served.cmo("source", "remove", doc["id"], "--review", "w", "--force")
    assert removed.returncode == 0, removed.stderr
    assert served.get("/reviews/w/sources").json() == []
    refused = served.cmo("visibility", "--review", "nope", "public")
    assert refused.returncode == 1 and "No review 'nope'" in refused.stderr


def test_a_second_server_is_refused_naming_the_first(served: Served) -> None:
    again = served.cmo("serve", "--port", str(free_port()))
    assert again.returncode == 1 and "already serves" in again.stderr
    assert f"pid {served.proc.pid}" in again.stderr and served.url in again.stderr


def test_server_file_is_private_lasts_one_run_and_is_not_served(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    open_store(f"oxigraph:{folder}").close()
    server = _serve(folder)
    try:
        path = folder / FILE_NAME
        assert path.stat().st_mode & 0o777 == 0o600
        info = running_server(folder)
        assert info is not None and info.pid == server.proc.pid and info.url == server.url
        assert server.get("/reviews", info.secret).status_code == 200
        for leak in (f"/{FILE_NAME}", f"/reviews/..%2F{FILE_NAME}", f"/id/{FILE_NAME}"):
            assert info.secret not in httpx.get(server.url + leak).text
    finally:
        _stop(server)
    assert not path.exists()
    again = _serve(folder)
    try:  # the secret of the first run opens nothing in the second
        assert again.get("/tokens", info.secret).status_code == 401
    finally:
        _stop(again)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _plant(folder: Path, pid: int, mode: int = 0o600) -> Path:
    path = folder / FILE_NAME
    path.write_text(ServerFile(url="http://127.0.0.1:9", pid=pid, secret="x").model_dump_json())
    path.chmod(mode)
    return path


def test_stale_server_file_is_removed_and_reads_still_work(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    holder = open_store(f"oxigraph:{folder}")  # an import, say: it holds the store
    try:
        stale = _plant(folder, _dead_pid())
        made = run_cmo("--store", f"oxigraph:{folder}", "token", "create", "--role", "viewer")
        assert made.returncode == 1 and "open in another process" in made.stderr
        assert not stale.exists()
        assert run_cmo("--store", f"oxigraph:{folder}", "reviews").returncode == 0
    finally:
        holder.close()


@pytest.mark.parametrize("mode", [0o644, 0o660, 0o602])
def test_server_file_others_may_read_or_write_is_refused(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "store"
    holder = open_store(f"oxigraph:{folder}")
    try:
        planted = _plant(folder, os.getpid(), mode)  # a live process
        made = run_cmo("--store", f"oxigraph:{folder}", "token", "create", "--role", "admin")
        assert made.returncode == 2 and "chmod 600" in made.stderr, made.stderr
        assert f"{mode:04o}" in made.stderr and planted.exists()
    finally:
        holder.close()


def test_server_file_of_another_user_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    holder = open_store(f"oxigraph:{folder}")
    try:
        planted = _plant(folder, os.getpid())
        try:
            os.chown(planted, 65534, -1)
        except PermissionError:
            pytest.skip("only root can give a file to another user")
        made = run_cmo("--store", f"oxigraph:{folder}", "token", "create", "--role", "admin")
        assert made.returncode == 2 and "belongs to another user" in made.stderr, made.stderr
    finally:
        holder.close()


def test_server_file_that_is_a_link_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    holder = open_store(f"oxigraph:{folder}")
    try:
        target = _plant(tmp_path, os.getpid())
        (folder / FILE_NAME).symlink_to(target)
        made = run_cmo("--store", f"oxigraph:{folder}", "import", str(EXAMPLE), "--review", "x")
        assert made.returncode == 2 and FILE_NAME in made.stderr, made.stderr
    finally:
        holder.close()


def test_a_read_that_finds_a_file_gone_starts_again_on_a_fresh_view(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    holder = open_store(f"oxigraph:{folder}")  # the writer, which may compact files away
    views: list[Store] = []

    def work(store: Store) -> list[str]:
        views.append(store)
        if len(views) == 1:
            raise RuntimeError("Corruption: IO error: No such file or directory: 000042.sst")
        return store.graphs()

    def always(store: Store) -> None:
        raise RuntimeError("Corruption: IO error: No such file or directory: 000043.sst")

    try:
        with click.Context(cli):
            session = Session(f"oxigraph:{folder}")
            assert session.read(work) == [] and session.beside
            assert len(views) == 2 and views[0] is not views[1]
            with pytest.raises(StoreError, match="changed under this read 3 times"):
                session.read(always)
            with pytest.raises(RuntimeError, match="something else"):
                session.read(lambda store: (_ for _ in ()).throw(RuntimeError("something else")))
    finally:
        holder.close()
