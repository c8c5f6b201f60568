"""The open-recommendations chart: by state month by month, and by RAG rating, as one PNG."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: matplotlib is imported when a chart is drawn
    from matplotlib.axes import Axes

# Lifecycle order, bottom of the stack first; any other state follows, alphabetically.
STATES = ("raised", "responded", "planned", "in_progress", "monitored")
STATE_COLOURS = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
OTHER_STATE_COLOUR = "#bdbdbd"
RAG_COLOURS = {"RED": "#c62828", "AMBER": "#f9a825", "GREEN": "#2e7d32"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MOST_MONTH_LABELS = 12  # beyond this, label every other month (or every third...)
WIDTH_INCHES, HEIGHT_INCHES, DPI = 16, 6, 100  # 1600 x 600 pixels


def open_recommendations_chart(
    months: list[date], by_state: dict[str, list[int]], by_rag: dict[str, int], title: str
) -> bytes:
    """A PNG: open recommendations by state per month (left) and by RAG rating (right).

    `by_state` maps a state to one count per month of `months`. The same input gives the
    same bytes.
    """
    for state, counts in by_state.items():
        if len(counts) != len(months):
            raise ValueError(f"{state}: {len(counts)} counts for {len(months)} months")
    # Imported here, not at module level: matplotlib is slow to import and few commands draw.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    # Fixed margins rather than a layout engine: the constrained layout solver cost a third
    # of a second per chart, and the chart's shape never changes.
    by_month, by_rating = figure.subplots(
        1,
        2,
        width_ratios=(2, 1),
        gridspec_kw={"left": 0.05, "right": 0.98, "bottom": 0.09, "top": 0.87, "wspace": 0.28},
    )
    figure.suptitle(title, fontsize=14)
    _draw_states(by_month, months, by_state)
    _draw_rag(by_rating, by_rag)
    out = BytesIO()
    # No "Software" entry: it names the matplotlib version, so bytes would change on upgrade.
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _ordered_states(by_state: dict[str, list[int]]) -> list[str]:
    known = [state for state in STATES if state in by_state]
    return known + sorted(state for state in by_state if state not in STATES)


def _draw_states(axes: Axes, months: list[date], by_state: dict[str, list[int]]) -> None:
    axes.set_title("Open recommendations by state")
    if not months or not by_state:
        _say_nothing(axes)
        return
    positions = list(range(len(months)))
    bottom = [0] * len(months)
    for state in _ordered_states(by_state):
        counts = by_state[state]
        colour = STATE_COLOURS[STATES.index(state)] if state in STATES else OTHER_STATE_COLOUR
        label = state.replace("_", " ").capitalize()
        axes.bar(positions, counts, bottom=bottom, color=colour, label=label, width=0.8)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    step = -(-len(months) // _MOST_MONTH_LABELS)  # ceiling division
    axes.set_xticks(positions[::step], [_month_label(m) for m in months[::step]])
    axes.set_xlim(-0.6, len(months) - 0.4)
    _count_axis(axes, max(bottom))
    axes.set_ylabel("Recommendations")
    # Top of the stack first, as the eye reads the bars; outside, where it hides no bar.
    handles, labels = axes.get_legend_handles_labels()
    axes.legend(
        handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False
    )


def _draw_rag(axes: Axes, by_rag: dict[str, int]) -> None:
    axes.set_title("Open recommendations by RAG rating")
    # Red, amber and green always, a zero included: "no red" is news too.
    ratings = [*RAG_COLOURS, *sorted(set(by_rag) - set(RAG_COLOURS))]
    counts = [by_rag.get(rating, 0) for rating in ratings]
    colours = [RAG_COLOURS.get(rating, OTHER_STATE_COLOUR) for rating in ratings]
    bars = axes.bar(ratings, counts, color=colours, width=0.6)
    axes.bar_label(bars, padding=3)
    _count_axis(axes, max(counts))


def _count_axis(axes: Axes, tallest: int) -> None:
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max(tallest, 1) * 1.12)  # room above the tallest bar for its count


def _say_nothing(axes: Axes) -> None:
    axes.set_xticks([])
    axes.set_yticks([])
    axes.text(0.5, 0.5, "No open recommendations", ha="center", va="center")


def _month_label(month: date) -> str:
    # Not strftime("%b"): that follows the locale, and the chart should not.
    return f"{_MONTHS[month.month - 1]} {month.year}"
