"""`flask …` commands a person runs. Thin: parse arguments, call a service, print."""
import click
import redis

from services import runs, worker_queue
from services.demo import fill_demo
from services.run_state import RunInProgress
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

    sharing = click.Group("sharing", help="Sharing activists between an action's sponsors.")

    @sharing.command("run")
    @click.option("--action", "slug", metavar="SLUG", help="Only this action (by its Slug).")
    @click.option("--dry-run", is_flag=True, help="Show who would be shared and why; write nothing.")
    @click.option("--seed", type=click.IntRange(min=0), help="Replay a run's random draws (R18).")
    def sharing_run(slug, dry_run, seed):
        """Run the sharing rules now, as the hourly run does."""
        try:
            if dry_run:
                show_preview(runs.preview(_workbook(app), seed=seed, action=slug))
                return
            settings = app.config["SETTINGS"]
            if not settings.redis_url:
                raise click.ClickException("REDIS_URL is not set: a run keeps its lock and progress in Redis.")
            summary = runs.run(_workbook(app), worker_queue.connect(settings.redis_url), seed=seed, action=slug,
                               trigger="manual")
        except (SheetsError, RunInProgress) as exc:
            raise click.ClickException(str(exc)) from None
        except redis.RedisError:
            raise click.ClickException("Redis did not answer; the run did not start. Is REDIS_URL right?") from None
        click.echo(f"Run {summary.run_id} (seed {summary.seed}): {summary.shares} shared, "
                   f"{summary.referrals} joined by their group's own link, "
                   f"{summary.deliveries} Share All deliveries since the last run.")
        click.echo(f"Outcome: {summary.outcome}")

    app.cli.add_command(sharing)
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


def show_preview(preview):
    click.echo(f"Dry run with seed {preview.seed}: nothing is written. If the sheet does not change meanwhile, "
               f"`flask sharing run --seed {preview.seed}` does exactly this.")
    for run_id, count in sorted(preview.pending.items()):
        click.echo(f"First, the interrupted run {run_id} has {count} shares whose list rows a run checks and completes.")
    if not preview.actions:
        click.echo("No live action to run.")
    for action in preview.actions:
        click.echo(f"\n{action.slug}: {action.title} ({action.mode})")
        if not action.sponsors:
            click.echo("  no additional sponsors")
        for s in action.sponsors:
            click.echo(f"  {s.group}: referrer {s.referrer}, owed {s.owed_before} → {s.owed_after}, "
                       f"shared {s.shared_after - len(s.shares)} → {s.shared_after}")
            for email, why in s.shares:
                click.echo(f"    share {email}  ({why})")
            for email in s.referrals:
                click.echo(f"    joins by its own link: {email}  (R11)")
            if not s.shares and not s.referrals:
                click.echo("    nobody new")
    for note in preview.notes:
        click.echo(f"Note: {note}")
