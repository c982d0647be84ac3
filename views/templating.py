"""What templates share: times in words, and the sheet's freshness on manager pages."""
from datetime import datetime, timezone


def to_datetime(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def when(value):
    """A moment as a person reads it: 3 Nov 2026, 17:00 UTC."""
    moment = to_datetime(value)
    if moment is None:
        return "—" if not value else str(value)
    return moment.astimezone(timezone.utc).strftime("%-d %b %Y, %H:%M UTC")


def ago(seconds):
    """How long ago, in words: just now, 4 minutes ago, 2 hours ago, 3 days ago."""
    if seconds is None:
        return "never"
    seconds = max(0, int(seconds))
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def register(app):
    app.add_template_filter(when, "when")
    app.add_template_filter(ago, "ago")

    @app.context_processor
    def manager_helpers():
        def sheet_freshness():
            from views.network_data import freshness

            return freshness()

        from services.action_changes import history_lines

        return {"sheet_freshness": sheet_freshness, "history_lines": history_lines}
