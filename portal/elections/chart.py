"""The composition chart: each group's share of the votes against its share of the seats, as
pairs of horizontal bars, drawn by the server as SVG (no script, no inline style: the
template uses classes from static/css/chart.css).

Every bar carries its value in words ("stemmer 28,7 %"), so the chart does not rely on
colour (WCAG 1.4.1); the page shows the same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
LABEL_WIDTH = 150  # group names, right-aligned before the bars
PLOT_WIDTH = 400
TOP = 34  # room for the legend
BAR = 16
GAP_IN_PAIR = 2
ROW = 2 * BAR + GAP_IN_PAIR + 12
AXIS = 26


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: int  # top of the vote bar
    vote_width: Decimal
    seat_width: Decimal
    vote_text: str
    seat_text: str

    @property
    def seat_y(self) -> int:
        return self.y + BAR + GAP_IN_PAIR

    @property
    def label_y(self) -> int:
        return self.y + BAR + GAP_IN_PAIR // 2 + 4

    @property
    def vote_text_x(self) -> Decimal:
        return LABEL_WIDTH + self.vote_width + 4

    @property
    def seat_text_x(self) -> Decimal:
        return LABEL_WIDTH + self.seat_width + 4


@dataclass(frozen=True)
class Tick:
    x: Decimal
    text: str


@dataclass(frozen=True)
class ShareChart:
    rows: list[ChartRow]
    ticks: list[Tick]
    height: int
    plot_bottom: int

    width: int = WIDTH
    left: int = LABEL_WIDTH
    bar: int = BAR


def _scale_top(largest: Decimal) -> Decimal:
    """The axis runs to the next 10 % above the largest share (at least 10 %, at most 100 %)."""
    tenths = int((largest * 10).to_integral_value(rounding="ROUND_CEILING"))
    return Decimal(min(max(tenths, 1), 10)) / 10


def share_chart(
    groups: Sequence[tuple[str, Decimal, Decimal]],
    percent: Callable[[Decimal], str],
    vote_word: str,
    seat_word: str,
    tick_text: Callable[[Decimal], str] | None = None,
) -> ShareChart:
    """`groups` as (label, vote share, seat share), shares as fractions of 1; `percent`
    formats a share for the reader ("28,7 %"), `tick_text` one on the axis ("20 %")."""
    tick_text = tick_text or percent
    largest = max([share for _label, v, s in groups for share in (v, s)], default=Decimal(0))
    top = _scale_top(largest)
    scale = Decimal(PLOT_WIDTH) / top
    rows = [
        ChartRow(
            label=label,
            y=TOP + index * ROW,
            vote_width=(votes * scale).quantize(Decimal("0.1")),
            seat_width=(seats * scale).quantize(Decimal("0.1")),
            vote_text=f"{vote_word} {percent(votes)}",
            seat_text=f"{seat_word} {percent(seats)}",
        )
        for index, (label, votes, seats) in enumerate(groups)
    ]
    plot_bottom = TOP + len(rows) * ROW
    steps = int(top * 10)
    every = 1 if steps <= 5 else 2  # a tick every 10 %, or every 20 % on a long axis
    ticks = [
        Tick(
            LABEL_WIDTH + (Decimal(step) / 10 * scale).quantize(Decimal("0.1")),
            tick_text(Decimal(step) / 10),
        )
        for step in range(0, steps + 1, every)
    ]
    return ShareChart(rows=rows, ticks=ticks, height=plot_bottom + AXIS, plot_bottom=plot_bottom)
