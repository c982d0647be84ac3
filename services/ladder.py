"""The ladder of engagement (seed 000): who is worth a personal ask, and the funnel of stages.

Supporter → Action taker → Regular → Volunteer → Leader → Champion. Pure:
people, their recent actions and today's date in, lists and figures out.
"""
import dataclasses
from datetime import timedelta
from html import escape

from services import charts, schema
from services.plan import WritePlan

STAGES = schema.LADDER
ASK_ACTIONS = 3  # actions in ASK_DAYS that make a Supporter or Action taker worth a personal ask
ASK_DAYS = 90
RECENT_MOVE_DAYS = 30
QUIET_DAYS = 180


def next_stage(stage):
    """The stage above, or None at the top."""
    i = STAGES.index(stage or STAGES[0])
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


@dataclasses.dataclass
class Lists:
    ask: list  # (person, actions in 90 days)
    moved_up: list  # (person, day)
    quiet: list  # (person, last action or None)


def lists(people, recent_actions, today):
    """People worth a manager's attention, each list most urgent first.

    `recent_actions`: email -> dates of the actions they took (one per action).
    """
    ask, moved, quiet = [], [], []
    since = today - timedelta(days=ASK_DAYS)
    for p in people:
        if not p.subscribed:
            continue
        taken = sum(1 for d in recent_actions.get(p.email, ()) if since <= d <= today)
        if taken >= ASK_ACTIONS and p.ladder_stage in STAGES[:2]:
            ask.append((p, taken))
        if p.stage_changed and (today - p.stage_changed).days <= RECENT_MOVE_DAYS and p.ladder_stage != STAGES[0]:
            moved.append((p, p.stage_changed))
        last = max([p.last_action] + list(recent_actions.get(p.email, ())), default=None, key=lambda d: d or today.min)
        reference = last or p.joined
        if reference is not None and (today - reference).days >= QUIET_DAYS:
            quiet.append((p, last))
    ask.sort(key=lambda x: (-x[1], x[0].name))
    moved.sort(key=lambda x: x[1], reverse=True)
    quiet.sort(key=lambda x: (x[1] or today.min, x[0].name))
    return Lists(ask, moved, quiet)


def move_up_plan(person, today, tab=schema.MEMBERS.name):
    """The manager pressed "Move up": Ladder stage is theirs, written only on that click."""
    stage = next_stage(person.ladder_stage)
    if stage is None:
        return None, None
    plan = WritePlan()
    plan.edit(tab, (person.email,), **{"Ladder stage": stage})
    plan.update(tab, (person.email,), **{"Stage changed": today})
    return plan, stage


def funnel_chart(people, label_width=112, bars_width=200, bar_height=30, gap=8):
    """The funnel picture: a bar per stage, centred, as wide as the people standing there;
    the stage's name to its left and its count to its right, in ink, readable on a phone
    (the numbers also go in the chart's table, services/charts.py)."""
    bars = funnel(people, width=bars_width, bar_height=bar_height, gap=gap)
    title = "The ladder of engagement: subscribed people by stage"
    rows = [[b.stage, b.count] for b in bars]
    if not any(b.count for b in bars):
        return charts.Chart(title, "", ["Ladder stage", "People"], rows, empty=True)
    width = label_width + bars_width + 44
    parts = []
    for b in bars:
        mid = b.y + bar_height / 2 + 5
        left = label_width + b.x
        parts.append(f'<text class="tick funnel-stage" x="{label_width - 8}" y="{mid:.1f}" text-anchor="end">'
                     f'{escape(b.stage)}</text>'
                     f'<rect class="bar funnel-{STAGES.index(b.stage)}" x="{left:.1f}" y="{b.y:.1f}" '
                     f'width="{b.width:.1f}" height="{bar_height}" rx="3"/>'
                     f'<text class="funnel-count" x="{left + b.width + 5:.1f}" y="{mid:.1f}">{b.count}</text>')
    height = len(bars) * (bar_height + gap) - gap
    return charts.Chart(title, charts._svg(title, "".join(parts), width=width, height=height),
                        ["Ladder stage", "People"], rows)


@dataclasses.dataclass(frozen=True)
class Bar:
    stage: str
    count: int
    x: float  # left edge, in the SVG's units
    width: float
    y: float


def funnel(people, width=600, bar_height=34, gap=6, min_width=8):
    """Bars for the funnel picture: one per stage, centred, width by how many stand there."""
    counts = {s: 0 for s in STAGES}
    for p in people:
        if p.subscribed:
            counts[p.ladder_stage] += 1
    top = max(counts.values()) or 1
    bars = []
    for i, stage in enumerate(STAGES):
        w = max(min_width, width * counts[stage] / top) if counts[stage] else min_width / 2
        bars.append(Bar(stage, counts[stage], (width - w) / 2, w, i * (bar_height + gap)))
    return bars
