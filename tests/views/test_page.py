"""The page as text: self-contained, data escaped, a CSP that forbids every fetch."""

from __future__ import annotations

import html
import json
import re

from cmo.store import Store
from cmo.views import MechanismView, mechanism_view_html
from cmo.views.page import CSP
from tests.views.conftest import HOSTILE


def test_write_page_is_self_contained(example_store: Store) -> None:
    page = mechanism_view_html(example_store, "peer-support")
    assert f'content="{CSP}"' in page
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", page, re.I)
    assert page.lower().count("</script>") == 3
    assert len(page.encode()) < 2_000_000


def test_write_page_keeps_markup_as_data(hostile_store: Store) -> None:
    view = MechanismView(hostile_store, "h")
    page = view.html()
    data = page.split('<script type="application/json" id="cmo-data">', 1)[1]
    data = data.split("</script>", 1)[0]
    assert "<" not in data and ">" not in data and "&" not in data
    assert HOSTILE in json.loads(data)["title"]
    assert f"<title>{html.escape(view.title)}</title>" in page
    assert page.count("</script>") == 3


def test_embed_page_and_notebook_iframe(example_store: Store) -> None:
    view = MechanismView(example_store, "peer-support")
    assert 'class="cmo-embed"' in view.html(embed=True)
    frame = view._repr_html_()
    assert frame.startswith("<iframe ") and 'sandbox="allow-scripts"' in frame
    srcdoc = frame.split('srcdoc="', 1)[1].rsplit('"></iframe>', 1)[0]
    assert '"' not in srcdoc and "<" not in srcdoc
    assert html.unescape(srcdoc) == view.html(embed=True)
