"""The ladder of engagement: who is worth a personal ask, and one button to move someone up."""
import dataclasses
from datetime import datetime, timezone

from flask import abort, redirect, render_template, url_for

from services import alert_overview
from services import ladder as stages
from services.outbox import Outbox
from services.roster import Roster
from views import redis_connection, settings
from views.access import requires_scope
from views.alert_forms import MoveUpForm
from views.manage import bp


@bp.get("/ladder")
@requires_scope("network")
def ladder():
    """People to ask personally, people who moved up, people gone quiet; the funnel of stages."""
    lists, _ = alert_overview.ladder_view(redis_connection(), settings())
    people = Roster(redis_connection()).people()
    return render_template("manage/ladder.html", section="Ladder", lists=lists, chart=stages.funnel_chart(people),
                           form=MoveUpForm(), next_stage=stages.next_stage)


@bp.post("/ladder/move-up")
@requires_scope("network")
def ladder_move_up():
    """Move one person a stage up: the manager's own click writes Ladder stage through the outbox."""
    form = MoveUpForm()
    if not form.validate_on_submit():
        abort(400)
    redis = redis_connection()
    roster = Roster(redis)
    person = roster.person(form.email.data)
    if person is None:
        abort(404)
    cal = alert_overview.calendar_for(redis, settings())
    today = cal.today(datetime.now(timezone.utc))
    plan, stage = stages.move_up_plan(person, today)
    if plan is not None:
        Outbox(redis).put(plan)
        roster.put_person(dataclasses.replace(person, stage=stage, stage_changed=today))
    return redirect(url_for("manage.ladder") + "#moved", 303)
