"""Charts shared by pages and documents: one drawing function, SVG for pages, PNG for DOCX/PDF.

A chart is a small specification (`BarChart`, `LineChart`, `GridChart`); `render(chart, "svg")`
returns SVG text with glyphs drawn as paths (no font needed in the browser), `render(chart, "png")`
a 150 dpi PNG. Both use DejaVu Sans, which covers Cyrillic, through matplotlib's Agg/SVG backends
(no pyplot, no global state: safe in threads). `None` values are left out of the drawing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

PNG_DPI = 150
FONT = "DejaVu Sans"
PALETTE = ["#1f5f99", "#e07b39", "#4c9a5b", "#b8463f", "#7a5aa6", "#8c6d46", "#d4669e", "#5f6b73"]
#: colour names of the status × change grid (`msoko.analytics.core.status_change.COLOURS`)
GRID_COLOURS = {"risk": "#e06666", "attention": "#f6b26b", "norm": "#ffe599", "good": "#93c47d", "": "#eeeeee"}


@dataclass
class BarChart:
    title: str
    categories: list[str]
    series: dict[str, list[float | None]]
    ylabel: str = ""
    stacked: bool = False
    horizontal: bool = False
    percent: bool = False


@dataclass
class LineChart:
    title: str
    x: list[str]
    series: dict[str, list[float | None]]
    ylabel: str = ""
    percent: bool = False


@dataclass
class GridChart:
    """The status × change grid: rows (top to bottom), columns, counts and colour names."""

    title: str
    rows: list[str]
    columns: list[str]
    counts: list[list[int | None]]
    colours: list[list[str]] = field(default_factory=list)
    xlabel: str = "изменение"
    ylabel: str = "уровень"


@dataclass
class PanelChart:
    """Several line charts side by side in one picture (small multiples): one drawing instead of many."""

    title: str
    panels: list[LineChart]
    columns: int = 2


Chart = BarChart | LineChart | GridChart | PanelChart


def _figure(width: float, height: float, layout: str | None = "constrained"):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout=layout)


def _decimal_comma(value: float, _position=None) -> str:
    """Axis labels in Russian notation: 12,5 rather than 12.5."""
    return f"{value:g}".replace(".", ",").replace("-", "−")


def _style(ax, chart, title_size: float = 11) -> None:
    from matplotlib.ticker import FuncFormatter

    # an explicit y fixes the title above the axes: matplotlib otherwise measures every tick label
    # on each draw to keep the title clear of top ticks (a fifth of the drawing time; none is on top)
    ax.set_title(chart.title, fontsize=title_size, loc="left", y=1.0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    value_axis = ax.xaxis if getattr(chart, "horizontal", False) else ax.yaxis
    value_axis.set_major_formatter(FuncFormatter(_decimal_comma))


def _draw_bar(chart: BarChart):
    import numpy as np

    n = max(len(chart.categories), 1)
    fig = _figure(7.0, max(2.6, 0.28 * n + 1.2) if chart.horizontal else 3.4)
    ax = fig.add_subplot()
    _style(ax, chart)
    positions = np.arange(len(chart.categories))
    names = list(chart.series)
    width = 0.8 if chart.stacked or len(names) <= 1 else 0.8 / len(names)
    bottom = np.zeros(len(chart.categories))
    for i, name in enumerate(names):
        values = np.array([np.nan if v is None else float(v) for v in chart.series[name]], dtype=float)
        offset = 0 if chart.stacked or len(names) <= 1 else (i - (len(names) - 1) / 2) * width
        draw = ax.barh if chart.horizontal else ax.bar
        kwargs = {"left" if chart.horizontal else "bottom": bottom} if chart.stacked else {}
        draw(positions + offset, np.nan_to_num(values), width, label=name, color=PALETTE[i % len(PALETTE)],
             **kwargs)
        if chart.stacked:
            bottom = bottom + np.nan_to_num(values)
    if chart.horizontal:
        ax.set_yticks(positions, chart.categories)
        ax.invert_yaxis()
        ax.set_xlabel(chart.ylabel, fontsize=9)
    else:
        step = max(1, -(-n // 25))  # at most about 25 labels under a long axis (score distributions)
        ax.set_xticks(positions[::step], chart.categories[::step], rotation=45 if 8 < n <= 25 else 0,
                      ha="right" if 8 < n <= 25 else "center")
        ax.set_ylabel(chart.ylabel, fontsize=9)
    if len(names) > 1:
        ax.legend(fontsize=8, frameon=False)
    return fig


def _draw_line(chart: LineChart):
    fig = _figure(7.0, 3.2)
    _line_axes(fig.add_subplot(), chart)
    return fig


def _draw_panels(chart: PanelChart):
    from matplotlib.lines import Line2D

    columns = max(1, min(chart.columns, len(chart.panels)))
    rows = max(1, -(-len(chart.panels) // columns))
    fig = _figure(7.0, 2.4 * rows + 0.4, layout=None)  # fixed margins: constrained layout costs 3×
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.08, top=1 - 0.55 / fig.get_figheight(),
                        wspace=0.25, hspace=0.45)
    fig.suptitle(chart.title, fontsize=11, x=0.01, ha="left")
    names = [list(p.series) for p in chart.panels]
    shared = len(names[0]) > 1 and all(n == names[0] for n in names) if names else False
    for i, panel in enumerate(chart.panels):
        _line_axes(fig.add_subplot(rows, columns, i + 1), panel, small=True, legend=not shared)
    if shared:
        # the panels show the same series: one legend beside the title instead of one per panel
        # (a legend placed at loc="best" in every panel was a third of the drawing time)
        handles = [Line2D([], [], color=PALETTE[i % len(PALETTE)], marker="o") for i in range(len(names[0]))]
        fig.legend(handles, names[0], loc="upper right", ncols=len(names[0]), fontsize=8, frameon=False,
                   bbox_to_anchor=(0.99, 1.0))
    return fig


def _line_axes(ax, chart: LineChart, small: bool = False, legend: bool = True) -> None:
    """One line chart in `ax`. The x values are categories (years) placed at fixed positions
    0, 1, 2… with fixed ticks — matplotlib's category units (which try to parse every label as a
    date) and automatic tick search are the slow part of drawing small charts; `small` panels
    also get at most 4 value ticks."""
    from matplotlib.ticker import MaxNLocator

    _style(ax, chart, title_size=8.5 if small else 11)
    positions = {x: i for i, x in enumerate(chart.x)}
    for i, (name, values) in enumerate(chart.series.items()):
        points = [(positions[x], v) for x, v in zip(chart.x, values, strict=False) if v is not None]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker="o", label=name, color=PALETTE[i % len(PALETTE)])
    ax.set_xticks(range(len(chart.x)), chart.x)
    ax.set_xlim(-0.3, max(len(chart.x) - 1, 0) + 0.3)
    if small:
        ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.set_ylabel(chart.ylabel, fontsize=9)
    if legend and len(chart.series) > 1:
        ax.legend(fontsize=7 if small else 8, frameon=False)


def _draw_grid(chart: GridChart):
    fig = _figure(6.0, 3.6)
    ax = fig.add_subplot()
    ax.set_title(chart.title, fontsize=11, loc="left", y=1.0)
    for r, row in enumerate(chart.counts):
        for c, count in enumerate(row):
            colour = chart.colours[r][c] if chart.colours else ""
            ax.add_patch(_rect(c, len(chart.counts) - 1 - r, GRID_COLOURS.get(colour, "#eeeeee")))
            ax.text(c + 0.5, len(chart.counts) - 1 - r + 0.5, "—" if count is None else str(count),
                    ha="center", va="center", fontsize=10)
    ax.set_xlim(0, len(chart.columns))
    ax.set_ylim(0, len(chart.rows))
    ax.set_xticks([c + 0.5 for c in range(len(chart.columns))], chart.columns, fontsize=8)
    ax.set_yticks([len(chart.rows) - 1 - r + 0.5 for r in range(len(chart.rows))], chart.rows, fontsize=8)
    ax.set_xlabel(chart.xlabel, fontsize=9)
    ax.set_ylabel(chart.ylabel, fontsize=9)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


def _rect(x: float, y: float, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=2)


DRAW = {BarChart: _draw_bar, LineChart: _draw_line, GridChart: _draw_grid, PanelChart: _draw_panels}


def render(chart: Chart, fmt: str = "svg") -> bytes:
    """The chart as SVG (text, UTF-8) or PNG (150 dpi); the same chart drawn twice is drawn once."""
    key = (fmt, repr(chart))
    cached = _CACHE.get(key)
    if cached is None:
        cached = _draw(chart, fmt)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = cached
    return cached


_CACHE: dict[tuple[str, str], bytes] = {}
_CACHE_SIZE = 128


def _draw(chart: Chart, fmt: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    rc = {"font.family": "sans-serif", "font.sans-serif": [FONT], "svg.fonttype": "path", "axes.unicode_minus": True}
    with matplotlib.rc_context(rc):
        fig = DRAW[type(chart)](chart)
        buffer = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        elif fmt == "png":
            _write_png(fig, buffer)
        else:
            raise ValueError(f"неизвестный формат диаграммы: {fmt}")
    return buffer.getvalue()



def _write_png(fig, buffer: io.BytesIO) -> None:
    """An opaque RGB PNG with light compression. `savefig` writes RGBA, which WeasyPrint splits into
    an image and an alpha mask and compresses twice for every PDF; the charts have a white
    background, so the alpha channel carries nothing. Compression level 1 instead of the default
    6: a third of the PNG time for +30 % size (the PDF compresses the image again anyway)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_dpi(PNG_DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    image.save(buffer, format="PNG", compress_level=1, dpi=(PNG_DPI, PNG_DPI))
