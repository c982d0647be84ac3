"""`flask …` commands a person runs. Thin: parse arguments, call a service, print."""
import click

from services.sheets import SheetsError


def register(app):
    sheets = click.Group("sheets", help="The Google Sheet that holds the network.")

    @sheets.command("init")
    def sheets_init():
        """Create missing tabs and headers; freeze, validate, protect and annotate them."""
        from services.sheet_setup import init_workbook
        from services.workbook import Workbook

        try:
            changes = init_workbook(Workbook.from_settings(app.config["SETTINGS"]))
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
        from services.demo import fill_demo
        from services.workbook import Workbook

        try:
            summary = fill_demo(Workbook.from_settings(app.config["SETTINGS"]), seed=seed)
        except SheetsError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(summary)

    app.cli.add_command(sheets)
