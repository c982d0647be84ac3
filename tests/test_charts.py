"""Charts drawn on the server: SVG with its numbers beside it, and nothing a CSP would block."""
from datetime import date, datetime, timezone

from bs4 import BeautifulSoup

from services import charts


def test_a_bar_chart_draws_one_bar_per_stage_and_keeps_the_numbers():
    chart = charts.bar_chart("Members by ladder stage", [("Supporter", 30), ("Leader", 5), ("Champion", 0)])
    svg = BeautifulSoup(chart.svg, "html.parser")
    assert len(svg.find_all("rect", class_="bar")) == 3
    assert svg.find("title").get_text() == "Members by ladder stage"
    assert chart.rows == [["Supporter", 30], ["Leader", 5], ["Champion", 0]]
    heights = [float(r["height"]) for r in svg.find_all("rect", class_="bar")]
    assert heights[0] > heights[1] > heights[2] == 0
    assert "style=" not in chart.svg  # the CSP forbids inline styles


def test_text_in_a_chart_is_escaped():
    chart = charts.bar_chart("<b>x</b>", [("<script>", 1)])
    assert "<script>" not in chart.svg and "<b>" not in chart.svg


def test_an_empty_chart_says_so_instead_of_drawing_nothing():
    assert charts.bar_chart("t", [("Supporter", 0)]).empty
    assert charts.line_chart("t", [], {"Signatures": []}).empty


def test_signatures_per_day_counts_quiet_days_as_zero():
    moments = [datetime(2026, 11, 1, 9, tzinfo=timezone.utc), datetime(2026, 11, 1, 20, tzinfo=timezone.utc),
               datetime(2026, 11, 3, 8, tzinfo=timezone.utc)]
    counts = charts.per_day(moments, date(2026, 11, 1), date(2026, 11, 4))
    assert counts == [2, 0, 1, 0]
    chart = charts.line_chart("Signatures per day", charts.day_range(date(2026, 11, 1), date(2026, 11, 4)),
                              {"Signatures": counts})
    assert chart.rows[0] == ["2026-11-01", 2] and chart.columns == ["Day", "Signatures"]
    assert len(BeautifulSoup(chart.svg, "html.parser").find_all("polyline")) == 1


def test_several_series_get_a_key():
    days = charts.day_range(date(2026, 11, 1), date(2026, 11, 3))
    chart = charts.line_chart("Tacoma", days, {"Referred": [1, 2, 3], "Owed": [1, 1, 0], "Shared": [0, 1, 3]})
    soup = BeautifulSoup(chart.svg, "html.parser")
    assert len(soup.find_all("polyline")) == 3
    assert {"Referred", "Owed", "Shared"} <= {t.get_text() for t in soup.find_all("text")}
