"""`cmo appraise`: judge (or show) a study's relevance, richness and rigour, or one quote's own;
`cmo confidence`: a finding's confidence profile, and the reviewer's verdicts on it."""

from __future__ import annotations

from typing import Any

import click

from cmo.cli.output import echo_json, format_option, print_table
from cmo.cli.query import Word
from cmo.cli.session import reading, writing
from cmo.errors import UnknownValue, UsageError
from cmo.model.appraisal import (
    AppraisalUpdate,
    Component,
    Concern,
    ConfidenceJudgements,
    EvidenceOverride,
    Finding,
    Judgement,
    Relevance,
    Richness,
    Rigour,
    StudyAppraisal,
)
from cmo.model.records import Direction, Words, choose, validated
from cmo.questions.confidence import ConfidenceProfile, confidence_profile, judge_confidence
from cmo.review.appraisals import (
    appraise_study,
    get_appraisal,
    get_evidence_appraisal,
    list_appraisals,
    override_evidence,
)


def _words(choices: type[Words]) -> str:
    return "[" + "|".join(m.value for m in choices) + "]"


def _cell(j: Judgement | None) -> list[str]:
    if j is None:
        return ["", ""]
    by = f" ({j.appraiser}, {j.date:%Y-%m-%d})" if j.appraiser and j.date else ""
    return [j.level, (j.rationale or "") + by]


def _show(found: list[StudyAppraisal], fmt: str) -> None:
    if fmt == "json":
        echo_json([a.model_dump(mode="json") for a in found])
        return
    print_table([[a.study, *_cell(a.relevance), *_cell(a.richness), *_cell(a.rigour)]
                 for a in found],
                ["study", "relevance", "why", "richness", "why", "rigour", "why"], 60)


@click.command()
@click.option("--review", required=True, help="review id")
@click.option("--study", help="study key (without it: every study's appraisal is shown)")
@click.option("--relevance", type=Word(Relevance, "relevance"), metavar=_words(Relevance),
              help="does it contribute to building or testing the theory?")
@click.option("--richness", type=Word(Richness, "richness"), metavar=_words(Richness),
              help="does it say how and why (thick), or only whether (thin)?")
@click.option("--rigour", type=Word(Rigour, "rigour"), metavar=_words(Rigour),
              help="is the method that produced the data credible and trustworthy?")
@click.option("--rationale", help="why: for every aspect given")
@click.option("--relevance-rationale", help="why, for relevance alone")
@click.option("--richness-rationale", help="why, for richness alone")
@click.option("--rigour-rationale", help="why, for rigour alone")
@click.option("--appraiser", help="who judged (default: the writer, if known)")
@click.option("--cmoc", help="with --item: appraise one quote of this CMOc instead")
@click.option("--item", type=click.IntRange(min=1), help="which quote of --cmoc (1-based)")
@format_option("table", "json")
def appraise(review: str, study: str | None, cmoc: str | None, item: int | None, fmt: str,
             **given: Any) -> None:
    """Appraise a study: relevance, richness and rigour, each with a rationale.

    Aspects given replace their earlier judgement (with who and when); with none, the
    appraisal is shown. With --cmoc and --item, one quote gets its own rigour or relevance
    instead of its study's. Example: cmo appraise --review peer-support --study "Jolly 2012"
    --rigour high --relevance high --richness thin --rationale "..."
    """
    aspects = {k: v for k, v in given.items() if v is not None}
    if cmoc is not None or item is not None:
        if cmoc is None or item is None or study is not None:
            raise UsageError("Give --cmoc and --item together (and no --study).")
        if not aspects:
            found = reading(lambda store: get_evidence_appraisal(store, review, cmoc, item))
        else:
            body = validated(EvidenceOverride, {
                "rigour": aspects.get("rigour"), "relevance": aspects.get("relevance"),
                "rationale": aspects.get("rationale") or "", "appraiser": aspects.get("appraiser")},
                "The override")
            found = writing(lambda store: override_evidence(store, review, cmoc, item, body),
                            lambda server: server.override_evidence(review, cmoc, item, body))
        echo_json(found.model_dump(mode="json"))
        return
    if study is None:
        if aspects:
            raise UsageError("Name the study to appraise (--study).")
        _show(reading(lambda store: list_appraisals(store, review)), fmt)
        return
    if not aspects:
        _show([reading(lambda store: get_appraisal(store, review, study))], fmt)
        return
    update = validated(AppraisalUpdate, aspects, "The appraisal")
    done = writing(lambda store: appraise_study(store, review, study, update),
                   lambda server: server.appraise(review, study, update))
    _show([done], fmt)


def _profile(p: ConfidenceProfile, fmt: str) -> None:
    if fmt == "json":
        echo_json(p.model_dump(mode="json"))
        return
    click.echo(f"Finding: {p.finding}")
    click.echo(f"CMOcs: {', '.join(p.cmocs)}; studies: {', '.join(s.key for s in p.studies)}")
    print_table([[c.component, c.suggested, c.explanation, c.judgement or "",
                  (c.reason or "") + (f" ({c.judged_by})" if c.judged_by else "")]
                 for c in p.components],
                ["component", "suggested", "because", "judged", "reason"], 70)
    state = "confirmed" if p.confirmed else f"suggested {p.suggested_overall}; not all judged"
    click.echo(f"Overall confidence: {p.overall} ({state}). {p.rule}")


@click.command()
@click.option("--review", required=True, help="review id")
@click.option("--cmoc", multiple=True, help="a CMOc of the finding (repeatable)")
@click.option("--theory", help="the finding is the CMOcs of this theory (id or label)")
@click.option("--context", help="pattern: context label")
@click.option("--mechanism", help="pattern: mechanism label")
@click.option("--outcome", help="pattern: outcome label")
@click.option("--direction", type=Word(Direction, "direction"), metavar=_words(Direction),
              help="pattern: outcome direction (default: any)")
@click.option("--not-fired", is_flag=True, help="pattern: the mechanism did not fire")
@click.option("--roll-up", is_flag=True, help="pattern: narrower contexts count too")
@click.option("--judge", "verdicts", nargs=3, multiple=True,
              metavar="COMPONENT CONCERN REASON",
              help="confirm or override a component: " + ", ".join(Component) + "; concern "
              + ", ".join(Concern) + "; and why (repeatable)")
@click.option("--appraiser", help="who judged (default: the writer, if known)")
@format_option("table", "json")
def confidence(review: str, cmoc: tuple[str, ...], verdicts: tuple[tuple[str, str, str], ...],
               appraiser: str | None, fmt: str, not_fired: bool, **pattern: Any) -> None:
    """A finding's confidence profile (GRADE-CERQual): four components and an overall level.

    The finding is a pattern (--context, --mechanism, --outcome), the CMOcs of a --theory, or
    CMOcs by id (--cmoc). The graph suggests a concern for each component and says why;
    --judge records the reviewer's own, with the reason, who and when. Example:
    cmo confidence --review peer-support --cmoc c06 --cmoc c07
    --judge coherence minor "intensity explains the difference"
    """
    finding = validated(Finding, {**{k: v for k, v in pattern.items() if v is not None},
                                  "cmocs": list(cmoc), "fired": not not_fired}, "The finding")
    if not verdicts:
        _profile(reading(lambda store: confidence_profile(store, review, finding)), fmt)
        return
    try:
        judgements = [{"component": choose(Component, "component", c),
                       "concern": choose(Concern, "concern", n), "reason": why}
                      for c, n, why in verdicts]
    except UnknownValue as exc:
        raise click.BadParameter(exc.message, param_hint="'--judge'") from exc
    judged = validated(ConfidenceJudgements, {"finding": finding, "appraiser": appraiser,
                                              "judgements": judgements}, "The judgement")
    _profile(writing(lambda store: judge_confidence(store, review, judged),
                     lambda server: server.judge_confidence(review, judged)), fmt)
