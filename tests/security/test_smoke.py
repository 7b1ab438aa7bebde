"""The attack targets start and answer: the premise of every other test here."""

from tests.security.conftest import Target


def test_target_serves_private_review_only_to_its_readers(target: Target) -> None:
    target.assert_alive()
    assert target.anonymous.get("/reviews/peer-support").status_code == 404
    assert target.editor.get("/reviews/peer-support").status_code == 200
