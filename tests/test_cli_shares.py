"""`cmo share` on an embedded store, and through the `cmo serve` holding it: real processes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import EXAMPLE, run_cmo
from tests.test_cli_beside_server import Served, _serve, _stop

LINK = re.compile(r"https?://\S+/shared/[A-Za-z0-9_-]{43}")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding the example review as `ps` (private)."""
    path = tmp_path_factory.mktemp("shares") / "store"
    assert run_cmo("--store", f"oxigraph:{path}", "import", str(EXAMPLE),
                   "--review", "ps").returncode == 0
    return path


def _ids(store: str, label: str | None = None) -> list[str]:
    listed = run_cmo("--store", store, "share", "list", "--review", "ps", "--format", "json")
    return [s["id"] for s in json.loads(listed.stdout) if label in (None, s["label"])]


def test_share_create_list_revoke_on_the_store(folder: Path) -> None:
    store = f"oxigraph:{folder}"
    made = run_cmo("--store", store, "share", "create", "--review", "ps", "--context",
                   "low intensity support", "--min-studies", "2", "--expires", "12h",
                   "--label", "<b>report</b>\x1b[31m", "--base-url", "https://kg.example.org/")
    assert made.returncode == 0, made.stderr
    [url] = LINK.findall(made.stdout.splitlines()[1])
    assert url.startswith("https://kg.example.org/shared/")
    assert f'<iframe src="{url}" title="&lt;b&gt;report&lt;/b&gt;\ufffd[31m"' in made.stdout
    assert "\x1b" not in made.stdout
    listed = run_cmo("--store", store, "share", "list", "--review", "ps", "--wide")
    assert "context=low intensity support; min studies 2" in listed.stdout
    assert "<b>report</b>\ufffd[31m" in listed.stdout and "\x1b" not in listed.stdout
    assert url.rsplit("/", 1)[1] not in listed.stdout and "active" in listed.stdout
    [share_id] = _ids(store, "<b>report</b>\x1b[31m")
    revoked = run_cmo("--store", store, "share", "revoke", share_id)
    assert revoked.returncode == 0 and "stops working now" in revoked.stdout
    assert share_id not in _ids(store)
    again = run_cmo("--store", store, "share", "revoke", share_id)
    assert again.returncode == 1 and "No share" in again.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["--view", "heatmap-x"], "use one of: mechanisms"),
    (["--context", "no such context"], "No context called 'no such context'"),
    (["--theory", "nope"], "peer-support-v1"),
    (["--expires", "30"], "90m, 12h, 30d or 8w"),
    (["--expires", "400d"], "at most 365 days"),
    (["--expires", "2001-01-01"], "past"),
    (["--min-studies", "0"], "min_studies"),
    (["--label", "x" * 10_000], "label_chars"),
], ids=["view", "context", "theory", "no-unit", "too-long", "past", "min-studies", "label"])
def test_share_create_refuses_what_points_at_nothing(folder: Path, args: list[str],
                                                      words: str) -> None:
    made = run_cmo("--store", f"oxigraph:{folder}", "share", "create", "--review", "ps", *args)
    assert made.returncode == 1 and words in made.stderr, made.stderr


@pytest.fixture
def served(folder: Path) -> Iterator[Served]:
    """`cmo serve` holding the store of `folder`."""
    server = _serve(folder)
    yield server
    _stop(server)


def test_share_through_the_running_server_works_and_is_revoked_there_at_once(
        served: Served) -> None:
    made = served.cmo("share", "create", "--review", "ps", "--label", "through")
    assert made.returncode == 0, made.stderr
    [url] = LINK.findall(made.stdout.splitlines()[1])
    assert url.startswith(served.url + "/shared/")
    assert httpx.get(served.url + "/reviews/ps/views/mechanisms").status_code == 404
    assert httpx.get(url, timeout=30).status_code == 200  # anonymous, a private review
    [share_id] = _ids(served.store, "through")  # read beside the server
    revoked = served.cmo("share", "revoke", share_id)
    assert revoked.returncode == 0, revoked.stderr
    assert httpx.get(url, timeout=30).status_code == 404
