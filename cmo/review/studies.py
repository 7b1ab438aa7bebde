"""Studies: the source documents of a review, known by their key (e.g. 'Jolly 2012')."""

from __future__ import annotations

from cmo.errors import AlreadyExists, InUse, NotFound
from cmo.model import ids
from cmo.model.namespace import RKG
from cmo.model.records import Study
from cmo.rdf.mapping import read_study, study_triples
from cmo.review.appraisals import appraisal_nodes
from cmo.review.names import ReviewNames
from cmo.store import Store
from cmo.store.writes import describe_all, describe_one, locked, referrers, write


def _study_iri(store: Store, review_id: str, key: str) -> str:
    iri = ReviewNames.load(store, review_id).studies.get(ids.normalise_label(key))
    if iri is None:
        raise NotFound(f"No study {key!r} in review {review_id!r}.")
    return iri


def list_studies(store: Store, review_id: str) -> list[Study]:
    """Every study of a review, by key."""
    desc = describe_all(store, review_id, str(RKG.Study))
    studies = [read_study(desc, iri) for iri in desc]
    return sorted(studies, key=lambda s: s.key.casefold())


def get_study(store: Store, review_id: str, key: str) -> Study:
    """The study with this key (any case or spacing); NotFound if there is none."""
    iri = _study_iri(store, review_id, key)
    return read_study(describe_one(store, review_id, iri), iri)


@locked
def add_study(store: Store, review_id: str, study: Study) -> Study:
    """Add a study; AlreadyExists if its key is taken."""
    names = ReviewNames.load(store, review_id)
    if ids.normalise_label(study.key) in names.studies:
        raise AlreadyExists(f"Review {review_id!r} already has a study {study.key!r}.")
    write(store, review_id, add=study_triples(study, names.study(study.key)))
    return study


@locked
def update_study(store: Store, review_id: str, key: str, study: Study) -> Study:
    """Replace what is known of a study (its IRI, and so its links, stay)."""
    iri = _study_iri(store, review_id, key)
    write(store, review_id, remove=[iri], add=study_triples(study, iri))
    return study


@locked
def delete_study(store: Store, review_id: str, key: str) -> None:
    """Delete a study (and its appraisal); InUse while a CMOc or quote cites it."""
    iri = _study_iri(store, review_id, key)
    own = set(appraisal_nodes([iri]))
    users = [u for u in referrers(store, review_id, iri) if u not in own]
    if users:
        raise InUse(f"Study {key!r} is cited by {', '.join(users)}; delete or change those first.")
    write(store, review_id, remove=[iri, *own])

