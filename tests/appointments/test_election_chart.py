"""The composition chart's geometry (rules 1.0–1.1): bars in proportion on one scale, every
bar labelled with its value in words."""

from decimal import Decimal

from portal.elections.chart import LABEL_WIDTH, PLOT_WIDTH, share_chart


def percent(share: Decimal) -> str:
    return f"{share * 100:.1f} %"


def test_rule_1_0_bars_share_one_scale_and_say_their_values():
    chart = share_chart(
        [("A", Decimal("0.42"), Decimal("0.50")), ("B", Decimal("0.10"), Decimal("0.05"))],
        percent,
        "stemmer",
        "pladser",
    )
    a, b = chart.rows
    # The axis runs to the next 10 % above the largest share: 50 % fills the plot.
    assert a.seat_width == PLOT_WIDTH
    assert a.vote_width == Decimal(PLOT_WIDTH) * Decimal("0.42") / Decimal("0.5")
    assert b.seat_width * 10 == a.seat_width
    assert (a.vote_text, b.seat_text) == ("stemmer 42.0 %", "pladser 5.0 %")
    assert b.y > a.seat_y > a.y
    assert [tick.text for tick in chart.ticks] == [percent(Decimal(n) / 10) for n in range(6)]
    assert chart.ticks[-1].x == LABEL_WIDTH + PLOT_WIDTH
    assert chart.height > b.seat_y


def test_a_council_of_one_group_still_draws_a_full_axis():
    chart = share_chart([("A", Decimal(1), Decimal(1))], percent, "s", "p")
    assert [tick.text for tick in chart.ticks] == [
        "0.0 %", "20.0 %", "40.0 %", "60.0 %", "80.0 %", "100.0 %"
    ]  # fmt: skip
    assert chart.rows[0].vote_width == chart.rows[0].seat_width == PLOT_WIDTH
