"""`cmo appraise`, `cmo confidence` and the appraisal-aware questions, as a reviewer runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, invoke_cmo


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A store on disk holding the peer-support review."""
    url = f"oxigraph:{tmp_path / 'store'}"
    assert invoke_cmo("--store", url, "import", str(EXAMPLE), "--review",
                      "peer-support").exit_code == 0
    return url


def _json(url: str, *args: str) -> dict:  # type: ignore[type-arg]
    result = invoke_cmo("--store", url, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    out: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return out


def test_appraise_a_study_then_show_it(url: str) -> None:
    done = invoke_cmo("--store", url, "appraise", "--review", "peer-support", "--study",
                      "schmied 2011", "--rigour", "HIGH", "--rationale", "a careful synthesis",
                      "--appraiser", "Ann")
    assert done.exit_code == 0, done.stderr
    assert "a careful synthesis (Ann," in done.stdout
    shown, = _json(url, "appraise", "--review", "peer-support", "--study", "Schmied 2011")
    assert (shown["rigour"]["level"], shown["relevance"]["level"]) == ("high", "moderate")
    assert len(_json(url, "appraise", "--review", "peer-support")) == 6


@pytest.mark.parametrize("args", [
    ["appraise", "--review", "peer-support", "--study", "Jolly 2012", "--rigour", "hihg"],
    ["appraise", "--review", "peer-support", "--rigour", "high"],
    ["query", "matrix", "--min-rigour", "hgh"],
    ["query", "patterns", "--min-relevance", "thick"],
    ["confidence", "--review", "peer-support", "--cmoc", "c06", "--judge", "coherense",
     "minor", "why"],
], ids=["level", "no-study", "min-rigour", "min-relevance", "component"])
def test_bad_values_exit_2(url: str, args: list[str]) -> None:
    result = invoke_cmo("--store", url, *args)
    assert result.exit_code == 2, result.stdout + result.stderr


def test_patterns_roll_up_as_the_readme_says(url: str) -> None:
    result = invoke_cmo("--store", url, "query", "patterns", "--min-studies", "2", "--review",
                        "peer-support", "--roll-up")
    assert result.exit_code == 0, result.stderr
    assert "gathered" in result.stdout and "delivery" in result.stdout
    assert "postnatal component" in result.stdout


def test_contradictions_are_shown_in_two_sections(url: str) -> None:
    result = invoke_cmo("--store", url, "query", "contradictions", "--review", "peer-support",
                        "--wide")
    assert result.exit_code == 0, result.stderr
    first, second = result.stdout.split("Explained by context: ")
    assert first.startswith("Unexplained (same context configuration): 0")
    assert second.startswith("4") and "low intensity support" in second


def test_confidence_profile_and_a_judgement(url: str) -> None:
    shown = invoke_cmo("--store", url, "confidence", "--review", "peer-support", "--theory",
                       "peer-support-v2")
    assert shown.exit_code == 0, shown.stderr
    assert "Overall confidence:" in shown.stdout and "methodological-limitations" in shown.stdout
    judged = _json(url, "confidence", "--review", "peer-support", "--cmoc", "c06", "--cmoc",
                   "c07", "--judge", "coherence", "minor", "intensity explains it",
                   "--appraiser", "Ann")
    coherence = next(c for c in judged["components"] if c["component"] == "coherence")
    assert (coherence["judgement"], coherence["reason"], coherence["judged_by"]) == (
        "minor", "intensity explains it", "Ann")
