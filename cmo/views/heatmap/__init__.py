"""The context × mechanism heatmap: rows are contexts grouped by their hierarchy, columns are
mechanisms, each cell shaded by its studies with fired and not-fired CMOcs apart.

- `heatmap_data` counts the cells (as `context_mechanism_matrix` does) with their evidence;
- `heatmap_view_html` writes the interactive page (self-contained, like the network);
- `heatmap_svg` draws the static figure for reports;
- `HeatmapView` does all three for notebooks and scripts.
"""

from __future__ import annotations

from cmo.views.heatmap.data import (
    HeatmapCell,
    HeatmapCmoc,
    HeatmapColumn,
    HeatmapData,
    HeatmapQuote,
    HeatmapRow,
    heatmap_data,
)
from cmo.views.heatmap.figure import heatmap_svg
from cmo.views.heatmap.view import HeatmapView, heatmap_view_html

__all__ = ["HeatmapCell", "HeatmapCmoc", "HeatmapColumn", "HeatmapData", "HeatmapQuote",
           "HeatmapRow", "HeatmapView", "heatmap_data", "heatmap_svg", "heatmap_view_html"]
