"""Charts drawn on the server as SVG: no chart library in the browser, nothing to load.

Each chart carries its numbers too (`rows`), which the page shows as a table
for screen readers and for anyone who would rather read than look. Colours
come from classes in actnet.css; only presentation attributes are used, so
the Content-Security-Policy (no inline styles) is kept.
"""
import dataclasses
from datetime import date, timedelta
from html import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 40
SERIES_CLASSES = ("series-a", "series-b", "series-c", "series-d")


@dataclasses.dataclass
class Chart:
    title: str
    svg: str  # safe markup: every text in it is escaped here
    columns: list  # the table's header
    rows: list  # the table's rows, the same numbers as the picture
    empty: bool = False


def _nice_ceiling(value):
    """A round top for the axis (1, 2, 5, 10, 20, 50 …) at or above value."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= value:
                return step * m
        step *= 10


def _svg(title, body, width=WIDTH, height=HEIGHT):
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
            f'<title>{escape(title)}</title>{body}</svg>')


def _axis(top_value, width=WIDTH, height=HEIGHT):
    """Horizontal grid lines with their values, at 0, half and the top."""
    parts = []
    plot_h = height - TOP - BOTTOM
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        label = top_value * fraction
        label = int(label) if label == int(label) else round(label, 1)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    return "".join(parts)


def bar_chart(title, items, label="Stage", value="People"):
    """One bar per category: [(label, number)], in the order given."""
    items = list(items)
    rows = [[name, number] for name, number in items]
    if not items or not any(n for _, n in items):
        return Chart(title, "", [label, value], rows, empty=True)
    top = _nice_ceiling(max(n for _, n in items))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(items)
    bar_w = max(4.0, slot * 0.7)
    parts = [_axis(top)]
    for i, (name, number) in enumerate(items):
        h = plot_h * number / top
        x = LEFT + slot * i + (slot - bar_w) / 2
        y = TOP + plot_h - h
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}"/>'
                     f'<text class="value" x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{number}</text>'
                     f'<text class="tick" x="{x + bar_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                     f'text-anchor="middle">{escape(_short(name))}</text>')
    return Chart(title, _svg(title, "".join(parts)), [label, value], rows)


def line_chart(title, days, series, label="Day"):
    """Lines over days: `days` a list of dates, `series` {name: [number per day]}.

    With one series and daily counts this is "signatures per day"; with several,
    a sponsor's referred / owed / shared over time.
    """
    days = list(days)
    names = list(series)
    rows = [[d.isoformat()] + [series[n][i] for n in names] for i, d in enumerate(days)]
    columns = [label] + names
    if not days or not any(any(v) for v in series.values()):
        return Chart(title, "", columns, rows, empty=True)
    top = _nice_ceiling(max(max(v) for v in series.values()))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(days) - 1)
    parts = [_axis(top)]
    for s, name in enumerate(names):
        points = [(LEFT + step * i if len(days) > 1 else LEFT + plot_w / 2, TOP + plot_h * (1 - v / top))
                  for i, v in enumerate(series[name])]
        css = SERIES_CLASSES[s % len(SERIES_CLASSES)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="line {css}" fill="none" points="{path}"/>')
        if len(points) <= 31:
            parts.extend(f'<circle class="dot {css}" cx="{x:.1f}" cy="{y:.1f}" r="3"/>' for x, y in points)
    for i in _tick_positions(len(days)):
        x = LEFT + step * i if len(days) > 1 else LEFT + plot_w / 2
        parts.append(f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                     f'{days[i].strftime("%b %-d")}</text>')
    if len(names) > 1:
        for s, name in enumerate(names):
            x = LEFT + s * 150
            css = SERIES_CLASSES[s % len(SERIES_CLASSES)]
            parts.append(f'<rect class="key {css}" x="{x}" y="{HEIGHT - 14}" width="12" height="4"/>'
                         f'<text class="tick" x="{x + 16}" y="{HEIGHT - 9}">{escape(name)}</text>')
    return Chart(title, _svg(title, "".join(parts)), columns, rows)


def _tick_positions(count, most=6):
    if count <= most:
        return range(count)
    step = (count - 1) / (most - 1)
    return sorted({round(i * step) for i in range(most)})


def _short(text, limit=14):
    return text if len(text) <= limit else text[:limit - 1] + "…"


def day_range(first, last):
    """Every day from first to last, inclusive (a chart shows the quiet days too)."""
    days, d = [], first
    while d <= last:
        days.append(d)
        d += timedelta(days=1)
    return days


def per_day(moments, first: date, last: date):
    """How many of `moments` (datetimes) fall on each day from first to last."""
    counts = {}
    for moment in moments:
        day = moment.date()
        if first <= day <= last:
            counts[day] = counts.get(day, 0) + 1
    return [counts.get(d, 0) for d in day_range(first, last)]
