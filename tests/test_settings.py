"""One settings module: it alone reads CMO_* variables, and docs/configuration.md lists them all."""

from __future__ import annotations

import re

from cmo.settings import Settings
from tests.conftest import ROOT

CONFIGURATION = ROOT / "docs" / "configuration.md"


def test_only_the_settings_module_reads_the_environment() -> None:
    readers = []
    for path in [*ROOT.glob("cmo/**/*.py"), *ROOT.glob("api/**/*.py")]:
        if path.name == "settings.py" and path.parent.name == "cmo":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"os\.environ\.get|os\.getenv|environ\[\"CMO_[A-Z_]+\"\](?!\s*=)", text):
            readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_configuration_page_lists_every_setting() -> None:
    page = CONFIGURATION.read_text(encoding="utf-8")
    table = page.split("-->\n", 1)[1].split("<!-- settings:end", 1)[0]
    assert table == Settings.reference(), "regenerate docs/configuration.md from " \
                                          "Settings.reference()"


def test_settings_come_from_the_environment(monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("CMO_SPARQL_TIMEOUT_SECONDS", "7")
    monkeypatch.setenv("CMO_STORE", "memory:")
    settings = Settings()
    assert settings.sparql_timeout_seconds == 7
    assert settings.store == "memory:"
