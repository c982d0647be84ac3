"""`flask …` commands a person runs. Thin: parse arguments, call a service, print."""
import click

from services.demo import fill_demo
from services.sheet_setup import init_workbook
from services.sheets import RetryPolicy, SheetsError
from services.workbook import Workbook

# A person is waiting at the terminal: a few quick tries, then say what is wrong.
QUICK = RetryPolicy(attempts=3, base=0.5, cap=2.0)


def _workbook(app):
    return Workbook.from_settings(app.config["SETTINGS"], retry=QUICK, http_retry=QUICK)


def register(app):
    sheets = click.Group("sheets", help="The Google Sheet that holds the network.")

    @sheets.command("init")
    def sheets_init():
        """Create missing tabs and headers; freeze, validate, protect and annotate them."""
        try:
            changes = init_workbook(_workbook(app))
        except SheetsError as exc:
            raise click.ClickException(str(exc)) from None
        if not changes:
            click.echo("The workbook is ready; nothing to change.")
        for change in changes:
            click.echo(f"- {change}")

    @app.cli.command("demo")
    @click.option("--seed", default=7, help="Same seed, same demo network.")
    def demo(seed):
        """Fill an empty workbook with a realistic demo network."""
        try:
            summary = fill_demo(_workbook(app), seed=seed)
        except SheetsError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(summary)

    app.cli.add_command(sheets)
    register_links(app)


def register_links(app):
    from services import links
    from views import redis_connection

    group = click.Group("links", help="Capability links: how managers and partners open their pages.")

    @group.command("create")
    @click.option("--manager", "name", required=True, help="Who the link is for (a manager or co-leader).")
    @click.option("--email", default=None, help="Their email, kept in the Co-leaders tab.")
    def links_create(name, email):
        """Print a new link to the whole network. Only its hash is kept: copy it now."""
        with app.app_context():
            token, _ = links.create(redis_connection(), name, links.NETWORK, email=email, created_by=None)
            settings = app.config["SETTINGS"]
        click.echo(f"{name}'s manager link (shown once; anyone holding it can manage the network):")
        click.echo(f"  {settings.base_url}/l/{token}")

    app.cli.add_command(group)
