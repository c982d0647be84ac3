"""The page at localsheets' `/`: each workbook's tabs as a grid a person can edit.

So a newcomer can play the manager after `make run`: click a cell and type
(values.update, USER_ENTERED, as Google's editor sends), paste rows, insert
and delete rows and columns, sort a tab, add and rename tabs. Each edit goes
through `perform`, the same door as the API's calls, so it is counted and
logged like one. A warning-only protected range asks before it is changed,
as Google does. Plain HTML and htmx; every form works without JavaScript.
Loopback only, and every POST carries this process's token.
"""
import ipaddress
import secrets
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, redirect, render_template, request, send_file

from localsheets import a1, batch, gridmodel, model
from localsheets.gridmodel import EditError, plural

HTMX = Path(__file__).resolve().parent.parent / "static" / "vendor" / "htmx.min.js"
PAGE_USER = "localsheets page"  # whose quota the page's edits spend


def register(app, store, perform):
    bp = Blueprint("grid", __name__)
    token = secrets.token_urlsafe(24)

    @bp.before_request
    def loopback_only():
        """The page edits any workbook: only this machine may open it, and only its own forms post."""
        try:
            if not ipaddress.ip_address(request.remote_addr or "").is_loopback:
                abort(403)
        except ValueError:
            abort(403)
        if request.method == "POST":
            origin = request.headers.get("Origin")
            if origin and urlsplit(origin).netloc != request.host:
                abort(403)
            if not secrets.compare_digest(request.form.get("token", ""), token):
                abort(403)

    def read(sid):
        try:
            return store.read(sid, lambda d: d)
        except model.ApiError:
            abort(404)

    def tab_of(doc, title):
        sheet = model.sheet_by_title(doc, title or "") if title else None
        return sheet or doc["sheets"][0]

    def page_url(sid, tab, first=None, **extra):
        query = {"tab": tab, **({"start": first + 1} if first else {}), **extra}
        return f"/view/{sid}?{urlencode(query)}"

    def render(sid, tab_title, bar, first=0, status=200):
        """The full page, or the part htmx asked for by its target (`app` or `bar`)."""
        doc = read(sid)
        sheet = tab_of(doc, tab_title)
        context = {"doc": doc, "sheet": sheet, "tab": sheet["properties"]["title"], "bar": bar, "token": token,
                   "sid": sid, "grid": gridmodel.layout(doc, sheet, first), "plural": plural,
                   "htmx": HTMX.exists(), "page_url": page_url}
        target = request.headers.get("HX-Target")
        name = {"bar": "grid/_bar.html", "app": "grid/_app.html"}.get(target, "grid/page.html")
        response = app.make_response((render_template(name, **context), status))
        response.headers["Vary"] = "HX-Target"
        response.headers["Cache-Control"] = "no-store"
        return response

    @bp.get("/")
    def workbooks():
        """Every spreadsheet this service keeps."""
        docs = [store.read(i, lambda d: d) for i in store.ids()]
        return render_template("grid/index.html", docs=docs, plural=plural)

    @bp.get("/view/<sid>")
    def sheet_view(sid):
        """One tab as a grid; `edit=B3` opens a cell, `menu=` a row's, column's or tab's actions."""
        doc = read(sid)
        sheet = tab_of(doc, request.args.get("tab"))
        first = _start(request.args.get("start"))
        bar = {"kind": "tips", "done": request.args.get("done", "")[:200]}
        try:
            if request.args.get("edit"):
                r, c = gridmodel.parse_cell(request.args["edit"])
                bar = {"kind": "edit", "at": request.args["edit"].upper(),
                       "text": gridmodel.edit_text(model.cell_at(sheet, r, c))}
            elif request.args.get("menu"):
                bar = _menu(sheet, request.args["menu"])
        except EditError as exc:
            bar = {"kind": "error", "message": str(exc)}
        return render(sid, sheet["properties"]["title"], bar, first)

    def edit(sid, method, requests_or_write, area, done):
        """Make one edit through the API's door, asking first where a protected range warns."""
        doc = read(sid)
        sheet = tab_of(doc, request.form.get("tab"))
        tab = sheet["properties"]["title"]
        first = _start(request.form.get("start"))
        if area is not None and request.form.get("confirm") != "yes":
            touched = gridmodel.warnings(sheet, area(sheet))
            if touched:
                bar = {"kind": "warning", "message": gridmodel.warning_sentence(touched), "action": request.path,
                       "fields": [(k, v) for k, v in request.form.items(multi=True) if k not in ("token", "confirm")]}
                return render(sid, tab, bar, first)
        if method == "values.update":
            rng, rows = requests_or_write(sheet)
            call = lambda: store.write(sid, lambda d: model.write_values(d, rng, {"values": rows}, "USER_ENTERED"))
        else:
            body = {"requests": requests_or_write(sheet)}
            call = lambda: store.write(sid, lambda d: batch.batch_update(d, body))
        try:
            perform(method, "write", sid, call, PAGE_USER, via="page")
        except model.ApiError as err:
            return render(sid, tab, {"kind": "error", "message": f"The sheet answered: {err.message}"}, first)
        message = done(sheet) if callable(done) else done
        new_tab = request.form.get("title") if request.path.endswith("/tabs") else None
        if request.headers.get("HX-Target") == "app":
            return render(sid, new_tab or tab, {"kind": "tips", "done": message}, first)
        return redirect(page_url(sid, new_tab or tab, first, done=message), code=303)

    def attempt(sid, make):
        """Run a view's edit, turning a request the page can't make into a message beside the grid."""
        try:
            return make()
        except EditError as exc:
            doc = read(sid)
            tab = tab_of(doc, request.form.get("tab"))["properties"]["title"]
            return render(sid, tab, {"kind": "error", "message": str(exc)}, _start(request.form.get("start")))

    @bp.post("/view/<sid>/cell")
    def cell_update(sid):
        """Type into a cell: USER_ENTERED, as Google's editor sends what a person types."""
        def make():
            at = request.form.get("at", "")
            r, c = gridmodel.parse_cell(at)
            value = request.form.get("value", "")
            return edit(sid, "values.update",
                        lambda sheet: (_range(sheet, at.upper()), [[value]]),
                        lambda sheet: (r, r + 1, c, c + 1), f"Saved {at.upper()}.")
        return attempt(sid, make)

    @bp.post("/view/<sid>/paste")
    def rows_paste(sid):
        """Paste rows copied from a spreadsheet (tab-separated), from a starting cell down."""
        def make():
            rows = gridmodel.pasted_rows(request.form.get("text"))
            at = request.form.get("at", "").strip()
            r, c = gridmodel.parse_cell(at)
            width = max(len(row) for row in rows)
            return edit(sid, "values.update", lambda sheet: (_range(sheet, at.upper()), rows),
                        lambda sheet: (r, r + len(rows), c, c + width),
                        f"Pasted {plural(len(rows), 'row')} at {at.upper()}.")
        return attempt(sid, make)

    @bp.post("/view/<sid>/rows")
    def row_change(sid):
        """Insert a row above or below, or delete one."""
        def make():
            row = gridmodel.parse_row(request.form.get("row"))
            op = request.form.get("op")
            if op in ("above", "below"):
                where = "above" if op == "above" else "below"
                return edit(sid, "spreadsheets.batchUpdate",
                            lambda sheet: [gridmodel.insert_rows(sheet, row, op == "below")], None,
                            f"Inserted a row {where} row {row + 1}.")
            if op == "delete":
                return edit(sid, "spreadsheets.batchUpdate", lambda sheet: [gridmodel.delete(sheet, "ROWS", row)],
                            lambda sheet: (row, row + 1, 0, sheet["properties"]["gridProperties"]["columnCount"]),
                            f"Deleted row {row + 1}.")
            raise EditError("Choose insert above, insert below or delete.")
        return attempt(sid, make)

    @bp.post("/view/<sid>/columns")
    def column_change(sid):
        """Insert a column left or right, delete one, or sort the tab by it."""
        def make():
            col = gridmodel.parse_column(request.form.get("column"))
            letter = a1.index_to_col(col)
            op = request.form.get("op")
            if op in ("left", "right"):
                return edit(sid, "spreadsheets.batchUpdate",
                            lambda sheet: [gridmodel.insert_columns(sheet, col, op == "right")], None,
                            f"Inserted a column {op} of {letter}.")
            if op == "delete":
                return edit(sid, "spreadsheets.batchUpdate",
                            lambda sheet: [gridmodel.delete(sheet, "COLUMNS", col)],
                            lambda sheet: (0, sheet["properties"]["gridProperties"]["rowCount"], col, col + 1),
                            f"Deleted column {letter}.")
            if op in ("sort_az", "sort_za"):
                order = "Z → A" if op == "sort_za" else "A → Z"
                return edit(sid, "spreadsheets.batchUpdate",
                            lambda sheet: [gridmodel.sort_sheet(sheet, col, op == "sort_za")], gridmodel.sort_area,
                            lambda sheet: f"Sorted {sheet['properties']['title']} by column {letter}, {order}.")
            raise EditError("Choose insert left, insert right, delete or sort.")
        return attempt(sid, make)

    @bp.post("/view/<sid>/tabs")
    def tab_change(sid):
        """Add a tab, or rename this one."""
        def make():
            title = (request.form.get("title") or "").strip()
            if not title:
                raise EditError("Give the tab a name.")
            if request.form.get("op") == "add":
                return edit(sid, "spreadsheets.batchUpdate",
                            lambda sheet: [{"addSheet": {"properties": {"title": title}}}], None,
                            f"Added the tab {title}.")
            return edit(sid, "spreadsheets.batchUpdate",
                        lambda sheet: [{"updateSheetProperties": {"properties": {
                            "sheetId": sheet["properties"]["sheetId"], "title": title}, "fields": "title"}}], None,
                        f"Renamed the tab to {title}.")
        return attempt(sid, make)

    @bp.get("/vendor/htmx.min.js")
    def htmx_script():
        if not HTMX.exists():
            abort(404)
        return send_file(HTMX, mimetype="text/javascript", max_age=3600)

    app.register_blueprint(bp)


def _range(sheet, at):
    return f"{a1.quote_sheet(sheet['properties']['title'])}!{at}"


def _start(text):
    try:
        return max(0, int(text or 1) - 1)
    except ValueError:
        return 0


def _menu(sheet, which):
    kind, _, target = which.partition(":")
    if kind == "row":
        return {"kind": "row", "row": gridmodel.parse_row(target) + 1}
    if kind == "col":
        gridmodel.parse_column(target)
        return {"kind": "column", "column": target.upper()}
    if kind == "paste":
        return {"kind": "paste", "at": f"A{gridmodel.first_empty_row(sheet)}"}
    if kind == "tab":
        return {"kind": "tab"}
    raise EditError("There is no such menu.")
