"""Where a row is in the spreadsheet, as a link a manager can click: `#gid=…&range=A14`.

Google addresses a tab by its numeric id (gid), which only the spreadsheet's
metadata gives; a job keeps the ids in Redis (refreshed hourly), so a page
builds the link without calling Google.
"""
from urllib.parse import quote

TAB_IDS = "actnet:sheet:tab-ids"  # hash title -> gid
TTL_SECONDS = 3600


def remember_tab_ids(workbook, redis, force=False):
    """Read the tabs' ids (one metadata call) unless they were read within the hour."""
    if not force and redis.exists(TAB_IDS):
        return False
    ids = {s["properties"]["title"]: s["properties"]["sheetId"] for s in workbook.metadata()["sheets"]}
    with redis.pipeline() as pipe:
        pipe.delete(TAB_IDS)
        if ids:
            pipe.hset(TAB_IDS, mapping=ids)
        pipe.expire(TAB_IDS, TTL_SECONDS)
        pipe.execute()
    return True


def sheet_url(settings, tab_id=None, row=None):
    """The spreadsheet (at a tab and row when known), on Google or on localsheets."""
    if not settings.sheet_id:
        return None
    if settings.sheets_url:
        base = f"{settings.sheets_url.rstrip('/')}/view/{quote(settings.sheet_id)}"
    else:
        base = f"https://docs.google.com/spreadsheets/d/{quote(settings.sheet_id)}/edit"
    if tab_id is None:
        return base
    fragment = f"#gid={tab_id}"
    if row:
        fragment += f"&range=A{int(row)}"
    return base + fragment


def row_url(redis, settings, tab, row):
    raw = redis.hget(TAB_IDS, tab) if tab else None
    return sheet_url(settings, int(raw) if raw is not None else None, row)
