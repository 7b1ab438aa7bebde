"""How a view goes into another page: one sandboxed ``<iframe srcdoc=…>`` tag.

>>> tag = iframe_tag("A <b>view</b>", "300px", "<p>page</p>")
>>> 'title="A &lt;b&gt;view&lt;/b&gt;"' in tag, 'sandbox="allow-scripts"' in tag
(True, True)
"""

from __future__ import annotations

import html


def iframe_tag(title: str, height: str, page: str) -> str:
    """`page` in an ``<iframe srcdoc>`` that may run its own scripts and nothing else (no
    same-origin, no forms, no top navigation): the tag a notebook shows and a report pastes."""
    return (f'<iframe title="{html.escape(title)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{html.escape(height)};border:1px solid #d0d7de" '
            f'srcdoc="{html.escape(page, quote=True)}"></iframe>')
