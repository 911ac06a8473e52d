"""Chart of the outcomes table: every figure as printed, its qualifier drawn as what it means."""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publish.package import Package, PackageError, Value, read_rows
from validate.intervals import INF, MARKERS, QUALIFIERS, read_figure
from validate.writer import Writer

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend

# How each qualifier is drawn comes from its interval reading, the one table the validator
# also reads; a qualifier without one stops the chart.
QUALIFIER_CLASS = {name: reading.marker for name, reading in QUALIFIERS.items()}
CLASSES = MARKERS

COLOURS = {"exact": "#222222", "lower_bound": "#1f5fa8", "interval": "#c8530a"}
ARROW_FACTOR = 1.8  # how far right (multiplicatively, on the log axis) a lower-bound arrow runs
LABEL_ROOM = 120  # factor past the highest value kept free on the log axis for its label
SLOT_INCHES = 0.27
PANEL_EXTRA_INCHES = 0.55
HEADER_INCHES = 1.45
FOOTER_INCHES = 0.5
WIDTH_INCHES = 10.0
DPI = 100


@dataclass(frozen=True)
class Plotted:
    """One plotted figure: an outcome row with the interval its qualifier denotes."""

    outcome_id: str
    operation_id: str
    metric_id: str
    breakdown: str | None
    number: float
    qualifier: str
    qualifier_text: str | None
    rounding_unit: float | None

    @property
    def kind(self) -> str:
        """Marker class: exact, lower_bound or interval."""
        return QUALIFIER_CLASS[self.qualifier]


@dataclass(frozen=True)
class ChartSummary:
    """What the chart drew, for tests and the CLI to report."""

    panels: tuple[str, ...]
    by_qualifier: dict[str, int]
    by_class: dict[str, int]

    @property
    def total(self) -> int:
        """Number of figures drawn."""
        return sum(self.by_class.values())


def _text(value: Value) -> str | None:
    """A cell as text, None when missing."""
    return None if value is None else str(value)


def _number(value: Value) -> float | None:
    """A numeric cell as float, None when missing."""
    return None if value is None else float(value)


def load_figures(package: Package) -> list[Plotted]:
    """Read the outcomes as plottable figures, refusing qualifiers the chart cannot draw."""
    known = {str(row["qualifier_id"]) for row in read_rows(package, "qualifiers")}
    figures = []
    for row in read_rows(package, "outcomes"):
        qualifier = str(row["qualifier"])
        if qualifier not in QUALIFIER_CLASS or qualifier not in known:
            raise PackageError(f"outcome {row['outcome_id']}: cannot draw qualifier {qualifier!r}")
        figures.append(
            Plotted(
                outcome_id=str(row["outcome_id"]),
                operation_id=str(row["operation_id"]),
                metric_id=str(row["metric_id"]),
                breakdown=_text(row["breakdown_value"]),
                number=float(row["number"] or 0),
                qualifier=qualifier,
                qualifier_text=_text(row["qualifier_text"]),
                rounding_unit=_number(row["rounding_unit"]),
            )
        )
    return figures


def interval(figure: Plotted) -> tuple[float, float | None]:
    """Lowest and highest true value the figure allows (None: no upper bound), as the validator reads it."""
    if QUALIFIERS[figure.qualifier].needs_unit and figure.rounding_unit is None:
        raise PackageError(f"outcome {figure.outcome_id}: {figure.qualifier} needs a rounding_unit")
    reading = read_figure(figure.number, figure.qualifier, figure.rounding_unit, whole=False)
    if reading is None:
        raise PackageError(f"outcome {figure.outcome_id}: cannot draw qualifier {figure.qualifier!r}")
    return reading.lo, None if reading.hi == INF else reading.hi


def format_number(number: float) -> str:
    """Render a number as printed, with thousands separators and no spurious decimals."""
    return f"{int(number):,}" if number.is_integer() else f"{number:,g}"


# Vague magnitudes: their words ('tens of thousands of') are the figure; the stored number is their unit.
_MAGNITUDES = {"hundreds", "dozens", "scores", "thousands", "tens_of_thousands", "hundreds_of_thousands"}


def printed_label(figure: Plotted) -> str:
    """Words next to a figure: its qualifying words and number, and its outcome id."""
    number = format_number(figure.number)
    words = figure.qualifier_text
    if figure.qualifier in _MAGNITUDES:
        text = words or figure.qualifier.replace("_", " ")
    elif figure.qualifier == "at_least" and not words:
        text = f"at least {number}"
    elif figure.qualifier == "more_than" and not words:
        text = f"more than {number}"
    elif figure.qualifier == "rounded":
        text = f"{number} (to the {format_number(figure.rounding_unit or 1)})"
    else:
        text = f"{words} {number}" if words else number
    return f"{text}  [{figure.outcome_id}]"


def _bounded(figure: Plotted) -> tuple[float, float]:
    """The interval of a figure that has an upper bound."""
    low, high = interval(figure)
    if high is None:
        raise PackageError(f"outcome {figure.outcome_id}: {figure.qualifier} has no upper bound")
    return low, high


def _right_end(figure: Plotted) -> float:
    """Rightmost x drawn for a figure, where its label starts."""
    low, high = interval(figure)
    return low * ARROW_FACTOR if high is None else high


def _draw_exact(ax: Axes, figure: Plotted, y: float) -> None:
    """A filled circle on the number."""
    ax.plot([figure.number], [y], "o", color=COLOURS["exact"], markersize=6, zorder=3)


def _draw_lower_bound(ax: Axes, figure: Plotted, y: float) -> None:
    """A circle on N with an arrow to the right: open when N itself is excluded."""
    colour = COLOURS["lower_bound"]
    ax.annotate(
        "",
        xy=(figure.number * ARROW_FACTOR, y),
        xytext=(figure.number, y),
        arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.4, "shrinkA": 0, "shrinkB": 0},
        zorder=2,
    )
    face = colour if figure.qualifier == "at_least" else "white"
    ax.plot([figure.number], [y], "o", color=colour, markerfacecolor=face, markersize=6, zorder=3)


def _draw_interval(ax: Axes, figure: Plotted, y: float) -> None:
    """The interval as a capped bar, with a diamond on the printed number when it lies inside."""
    colour = COLOURS["interval"]
    low, high = _bounded(figure)
    ax.plot([low, high], [y, y], "-", color=colour, linewidth=2.2, solid_capstyle="butt", zorder=2)
    ax.plot([low, high], [y, y], "|", color=colour, markersize=9, markeredgewidth=1.6, zorder=2)
    if figure.qualifier not in _MAGNITUDES:  # their number is a unit, not a value inside
        ax.plot([figure.number], [y], "D", color=colour, markersize=5, zorder=3)


DRAWERS = {"exact": _draw_exact, "lower_bound": _draw_lower_bound, "interval": _draw_interval}


def _group_key(figure: Plotted, metric_order: Sequence[str]) -> tuple[int, str | None]:
    """Row group of a figure: its metric's place in the metrics table, and its breakdown."""
    return metric_order.index(figure.metric_id), figure.breakdown


def _groups(figures: Sequence[Plotted], metric_order: Sequence[str]) -> list[list[Plotted]]:
    """Split one operation's figures into metric rows, in metrics-table order."""
    keys: list[tuple[int, str | None]] = []
    for figure in figures:
        key = _group_key(figure, metric_order)
        if key not in keys:
            keys.append(key)
    keys.sort(key=lambda key: (key[0], key[1] or ""))
    return [[f for f in figures if _group_key(f, metric_order) == key] for key in keys]


def _draw_panel(ax: Axes, title: str, groups: list[list[Plotted]], metric_labels: dict[str, str]) -> None:
    """Draw one operation: a row group per metric, one line per figure."""
    y = 0
    ticks: list[float] = []
    tick_labels: list[str] = []
    for number, group in enumerate(groups):
        if number:
            ax.axhline(y - 0.5, color="#d0d0d0", linewidth=0.8)
        ticks.append(y + (len(group) - 1) / 2)
        first = group[0]
        label = metric_labels[first.metric_id]
        tick_labels.append(f"{label}: {first.breakdown}" if first.breakdown else label)
        for figure in group:
            DRAWERS[figure.kind](ax, figure, y)
            ax.annotate(
                printed_label(figure),
                xy=(_right_end(figure), y),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color="#333333",
            )
            y += 1
    ax.set_ylim(y - 0.5, -0.5)
    ax.set_yticks(ticks, tick_labels, fontsize=8)
    ax.tick_params(axis="y", length=0)
    ax.set_title(title, loc="left", fontsize=9, fontweight="bold")
    ax.grid(axis="x", which="major", color="#ececec", linewidth=0.8)
    ax.set_axisbelow(True)


def _x_limits(figures: Sequence[Plotted]) -> tuple[float, float]:
    """Log-axis limits: down to a power of ten, room for a label past the highest value."""
    lows = [interval(figure)[0] for figure in figures]
    if min(lows) <= 0:
        # Dropping the figure silently would misreport the table; say why it cannot be drawn.
        raise PackageError("a figure of 0 cannot be drawn on the log axis")
    highs = [_right_end(figure) for figure in figures]
    return 10 ** math.floor(math.log10(min(lows))), max(highs) * LABEL_ROOM


class _KindHandler:
    """Legend handler drawing a kind's marker the way the panels draw it."""

    def __init__(self, kind: str, qualifier: str) -> None:
        """Remember which kind and qualifier this legend entry stands for."""
        self.kind = kind
        self.qualifier = qualifier

    def legend_artist(self, legend: Legend, orig_handle: Any, fontsize: float, handlebox: Any) -> Artist:
        """Add the sample artists to the legend's handle box."""
        from matplotlib.lines import Line2D
        from matplotlib.patches import FancyArrowPatch

        x0, width = handlebox.xdescent, handlebox.width
        left, right, y = -x0, -x0 + width, handlebox.height / 2 - handlebox.ydescent
        colour = COLOURS[self.kind]
        artists: list[Artist] = []
        if self.kind == "exact":
            artists.append(Line2D([(left + right) / 2], [y], marker="o", color=colour, ls=""))
        elif self.kind == "lower_bound":
            artists.append(FancyArrowPatch((left, y), (right, y), arrowstyle="-|>", mutation_scale=9, color=colour))
            face = colour if self.qualifier == "at_least" else "white"
            artists.append(Line2D([left], [y], marker="o", color=colour, mfc=face, ls=""))
        else:
            artists.append(Line2D([left, right], [y, y], color=colour, lw=2.2))
            artists.append(Line2D([left, right], [y, y], marker="|", ms=9, mew=1.6, color=colour, ls=""))
            if self.qualifier not in _MAGNITUDES:
                artists.append(Line2D([(left + right) / 2], [y], marker="D", ms=5, color=colour, ls=""))
        for artist in artists:
            handlebox.add_artist(artist)
        return artists[0]


LEGEND = (
    ("exact", "exact", "Exact: the number as printed"),
    ("lower_bound", "more_than", "Lower bound, 'more than' / 'over' N: above N (N excluded)"),
    ("lower_bound", "at_least", "Lower bound, 'at least' N: N or above"),
    ("interval", "rounded", "Rounded or approximate N: within half its rounding unit (◆ = N)"),
    ("interval", "hundreds", "'Hundreds of', 'tens of thousands of' (N = 100, 10,000): 2N up to 10N"),
)


def _add_legend(fig: Figure) -> None:
    """One legend for all panels, explaining the three marker kinds."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], label=label) for _, _, label in LEGEND]
    handler_map = {
        handle: _KindHandler(kind, qualifier) for handle, (kind, qualifier, _) in zip(handles, LEGEND, strict=True)
    }
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=2,
        fontsize=8,
        frameon=False,
        handlelength=3.2,
        handler_map=handler_map,
    )


def _layout(package: Package, figures: Sequence[Plotted]) -> list[tuple[str, list[list[Plotted]]]]:
    """Panels in operations-table order, each with its metric row groups."""
    metric_order = [str(row["metric_id"]) for row in read_rows(package, "metrics")]
    panels = []
    for operation in read_rows(package, "operations"):
        own = [f for f in figures if f.operation_id == operation["operation_id"]]
        if own:
            panels.append((str(operation["name"]), _groups(own, metric_order)))
    return panels


def _render(package: Package, figures: Sequence[Plotted], out: Path) -> tuple[str, ...]:
    """Lay out and save the chart; return the panel titles."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    metric_labels = {str(row["metric_id"]): str(row["label"]) for row in read_rows(package, "metrics")}
    panels = _layout(package, figures)
    slots = [sum(len(group) for group in groups) for _, groups in panels]
    height = HEADER_INCHES + FOOTER_INCHES + sum(SLOT_INCHES * n + PANEL_EXTRA_INCHES for n in slots)
    fig = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(panels), 1, sharex=True, gridspec_kw={"height_ratios": slots}, squeeze=False)
    for ax, (title, groups) in zip(axes[:, 0], panels, strict=True):
        _draw_panel(ax, title, groups, metric_labels)
    bottom = axes[-1, 0]
    bottom.set_xscale("log")
    bottom.set_xlim(*_x_limits(figures))
    bottom.xaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))
    bottom.set_xlabel("Value as printed (log scale)", fontsize=8)
    fig.suptitle(package.title, fontsize=11, fontweight="bold")
    _add_legend(fig)
    # No Software or date chunk: the PNG must be byte-identical on every rebuild.
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    # Through the one writer: never through a link planted where the chart goes.
    Writer(out.parent, create=True).replace(out.name, png.getvalue())
    return tuple(title for title, _ in panels)


def draw_chart(package: Package, out: Path) -> ChartSummary:
    """Draw the outcomes chart to out (PNG) and summarise what was plotted."""
    import matplotlib.style

    figures = load_figures(package)
    if not figures:
        raise PackageError("outcomes table is empty: nothing to chart")
    # The default style ignores any matplotlibrc on the machine, so the PNG is the same everywhere.
    with matplotlib.style.context("default"):
        panels = _render(package, figures, out)
    by_class = Counter(figure.kind for figure in figures)
    return ChartSummary(
        panels=panels,
        by_qualifier=dict(sorted(Counter(figure.qualifier for figure in figures).items())),
        by_class={kind: by_class.get(kind, 0) for kind in CLASSES},
    )
