"""Alerts: the calendar, compose → preview → send, the sending's progress, the call sheet
and the text list. On the manager blueprint; every view needs a network link."""
from datetime import date, datetime, timezone

from flask import abort, make_response, redirect, render_template, request, url_for

from services import alert_overview, alert_sending, alerts, contacts, phones, unsubscribe
from services.audience import preview
from services.roster import Roster
from views import htmx, redis_connection, settings
from views.access import requires_scope
from views.alert_forms import AlertForm, TickForm
from views.manage import bp
from views.manage_actions import action_link


def _now():
    return datetime.now(timezone.utc)


@bp.app_template_filter("shortdate")
def shortdate(day):
    """A date in a tile: Mon 7 Dec 2026."""
    return day.strftime("%a %-d %b %Y") if day else "—"


@bp.app_template_filter("isodate")
def isodate(text):
    return date.fromisoformat(text) if text else None


@bp.app_template_filter("longdate")
def longdate(day):
    """A date as a person reads it: Monday 7 December 2026."""
    return day.strftime("%A %-d %B %Y") if day else "—"


def _alert_or_404(alert_id):
    found = alerts.load(redis_connection(), alert_id)
    if found is None:
        abort(404)
    return found


def _home_group():
    return Roster(redis_connection()).meta().get("home_group") or settings().instance_name


@bp.app_context_processor
def alert_panel_context():
    """The dashboard's alert panel (manage/_alert_panel.html), computed only where it is shown."""
    def alert_panel():
        from services import links

        redis = redis_connection()
        lists, _ = alert_overview.ladder_view(redis, settings())
        keepers = sum(1 for link in links.all_links(redis) if link.network and not link.revoked)
        return {"view": alert_overview.overview(redis, settings(), _now()), "ladder": lists, "keepers": keepers}

    return {"alert_panel": alert_panel}


@bp.get("/alerts")
@requires_scope("network")
def alert_list():
    """When the next alert is due, what went out, what is planned, and a nudge when it has gone quiet."""
    from views.feeds import feed_url

    redis = redis_connection()
    view = alert_overview.overview(redis, settings(), _now())
    return render_template("manage/alerts.html", section="Alerts", view=view, recent=alerts.recent(redis),
                           keep_warm=contacts.KEEP_WARM, feed=feed_url(), settings_in_force=settings())


def _form(formdata=None, **defaults):
    return AlertForm(formdata=formdata, actions=Roster(redis_connection()).live_actions(), data=defaults or None)


def _preview(form):
    redis = redis_connection()
    roster = Roster(redis)
    return preview(roster.people(), roster.contacts(), form.audience(), now=_now(),
                   max_contacts=settings().max_contacts, window_days=settings().contact_window_days)


def _compose_page(form, found=None, status=200):
    roster = Roster(redis_connection())
    tags = sorted({t for p in roster.people() for t in p.tags}, key=str.casefold)
    return render_template("manage/alert_new.html", section="Alerts", form=form, preview=found, tags=tags,
                           max_contacts=settings().max_contacts,
                           window_days=settings().contact_window_days), status


@bp.get("/alerts/new")
@requires_scope("network")
def alert_new():
    """The compose form, filled from a planned alert or a keep-warm draft when asked."""
    defaults = {}
    for kind, subject, body in contacts.KEEP_WARM:
        if request.args.get("draft") == kind:
            defaults = {"subject": subject, "message": body.replace("{link}", "(paste the article's link here)")}
    if request.args.get("subject"):
        defaults["subject"] = request.args["subject"][:150]
    return _compose_page(_form(**defaults))


@bp.post("/alerts/new")
@requires_scope("network")
def alert_preview():
    """Who it reaches per channel, and who is left out and why; the send button comes with it."""
    form = _form(request.form)
    if not form.validate_on_submit():
        return _compose_page(form)
    return _compose_page(form, _preview(form))


@bp.post("/alerts")
@requires_scope("network")
def alert_send():
    """Freeze the alert with the people the preview named and start sending its emails."""
    form = _form(request.form)
    if not form.validate_on_submit():
        return _compose_page(form)
    found = _preview(form)
    if not found.total:
        return _compose_page(form, found)
    redis = redis_connection()
    cal = alert_overview.calendar_for(redis, settings())
    day = cal.today(_now())
    slug = form.action.data or None
    titles = dict(Roster(redis).live_actions())
    link = alerts.with_source(action_link(slug), day) if slug else ""
    group = _home_group()
    record = alerts.create(redis, alerts.Draft(form.subject.data, form.message.data, slug, titles.get(slug)), found,
                           day=day, link=link, unsubscribe_url=lambda email: unsubscribe.link(settings(), group, email))
    if record["email"]:
        alert_sending.start_sending(redis, record["id"])
    return redirect(url_for("manage.alert_detail", alert_id=record["id"]), 303)


@bp.get("/alerts/<alert_id>")
@requires_scope("network")
def alert_detail(alert_id):
    """One alert: the email part's progress, and the call sheet and text list."""
    alert = _alert_or_404(alert_id)
    redis = redis_connection()
    done = alerts.ticks(redis, alert_id)
    return render_template("manage/alert.html", section="Alerts", alert=alert,
                           progress=alerts.progress(redis, alert), sent_to=alerts.sent_to(redis, alert),
                           calls_done=sum(1 for k in done if k.startswith("call:")),
                           texts_done=sum(1 for k in done if k.startswith("text:")))


@bp.get("/alerts/<alert_id>/progress")
@requires_scope("network")
def alert_progress(alert_id):
    """The progress fragment: it polls while the job sends and stops (HTTP 286) once done."""
    alert = _alert_or_404(alert_id)
    if htmx.target != "send-progress":
        return redirect(url_for("manage.alert_detail", alert_id=alert_id), 303)
    progress = alerts.progress(redis_connection(), alert)
    html = render_template("manage/_alert_progress.html", alert=alert, progress=progress)
    return make_response(html, 286 if progress["done"] else 200)


def _sheet_rows(alert, channel):
    marks = alerts.ticks(redis_connection(), alert["id"])
    rows = []
    for i, person in enumerate(alert[channel]):
        phone = phones.read(person.get("phone"))
        rows.append({"n": i, "person": person, "phone": phone, "outcome": marks.get(f"{channel}:{i}"),
                     "sms": phone.sms(_text_body(alert, person)) if channel == "text" else None})
    return rows


def _text_body(alert, person):
    hello = f"Hi {person['first_name']}, " if person.get("first_name") else ""
    link = f" {alert['link']}" if alert.get("link") else ""
    return f"{hello}{alert['message']}{link}"


@bp.get("/alerts/<alert_id>/calls")
@requires_scope("network")
def call_sheet(alert_id):
    """The printable call sheet: name, number, a script from the message, boxes to tick."""
    alert = _alert_or_404(alert_id)
    return render_template("manage/call_sheet.html", section="Alerts", alert=alert, network=_home_group(),
                           rows=_sheet_rows(alert, "call"), form=TickForm())


@bp.get("/alerts/<alert_id>/texts")
@requires_scope("network")
def text_list(alert_id):
    """The text list: one tap opens the phone's messages with the alert filled in."""
    alert = _alert_or_404(alert_id)
    return render_template("manage/text_list.html", section="Alerts", alert=alert,
                           rows=_sheet_rows(alert, "text"), form=TickForm())


@bp.post("/alerts/<alert_id>/<any(calls, texts):kind>/<int:n>")
@requires_scope("network")
def contact_tick(alert_id, kind, n):
    """Record a call answered (or not) or a text sent: a Contacts row, and the alert's Sent to."""
    alert = _alert_or_404(alert_id)
    channel = "call" if kind == "calls" else "text"
    form = TickForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        alerts.tick(redis_connection(), alert, channel, n, form.outcome.data)
    except alerts.AlertProblem:
        abort(404)
    if htmx.target == f"{channel}-{n}":
        row = next(r for r in _sheet_rows(alert, channel) if r["n"] == n)
        return render_template("manage/_contact_row.html", alert=alert, row=row, channel=channel, form=TickForm())
    endpoint = "manage.call_sheet" if channel == "call" else "manage.text_list"
    return redirect(url_for(endpoint, alert_id=alert_id) + f"#{channel}-{n}", 303)
