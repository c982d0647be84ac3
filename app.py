"""actnet's web application: `create_app()` for tests and tools, `app` for gunicorn."""
import gc
import os
import secrets

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from services.config import Settings
from views import htmx


def create_app(test_config=None):
    """Build the app: settings from the environment, then `test_config` on top."""
    app = Flask(__name__)
    settings = Settings.from_env(os.environ)
    if test_config:
        settings = settings.replace(**test_config)
    app.config["SETTINGS"] = settings
    # A missing SECRET_KEY only matters across restarts: sessions and CSRF
    # tokens of a local run become invalid, nothing else.
    app.config["SECRET_KEY"] = settings.secret_key or secrets.token_hex(32)
    app.config["TESTING"] = settings.testing

    # A capability link lives in the session cookie (HttpOnly, SameSite=Lax: views/protection.py)
    # for a month, so a manager on a phone need not find the link again each time.
    app.config["PERMANENT_SESSION_LIFETIME"] = 60 * 60 * 24 * 30

    htmx.init_app(app)
    # Pages go to phones on slow connections: no indentation left over from the templates' blocks.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from views import api, cli, compression, links, manage, partner, protection, public, templating

    protection.init_app(app, settings)
    compression.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(links.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(partner.bp)
    app.register_blueprint(api.bp)
    templating.register(app)
    from views import feeds, join, local_mail

    app.register_blueprint(feeds.bp)
    app.register_blueprint(join.bp)
    app.register_blueprint(local_mail.bp)
    cli.register(app)

    @app.errorhandler(403)
    def forbidden(_):
        return render_template("error.html", heading="Not open to this link",
                               message="The link you opened doesn't include this page. Ask whoever gave you "
                                       "the link if you need it."), 403

    @app.errorhandler(400)
    def bad_request(_):
        return render_template("error.html", heading="That didn't work",
                               message="The form had expired or was sent twice. Go back, reload the page "
                                       "and try again."), 400

    @app.errorhandler(404)
    def not_found(_):
        return render_template("error.html", heading="Page not found",
                               message="This address doesn't lead anywhere. If someone sent you a link, "
                                       "it may be mistyped or no longer in use."), 404

    @app.errorhandler(405)
    def wrong_method(_):
        return render_template("error.html", heading="That didn't work",
                               message="This page can't be used that way. Go back and try again."), 405

    @app.errorhandler(CSRFError)
    def stale_form(_):
        # Pages with their own forms show them again with what was typed (views/public.py).
        return render_template("error.html", heading="This page was open too long",
                               message="For your safety a form works for a few hours only. Go back, reload "
                                       "the page and send it again."), 400

    @app.errorhandler(429)
    def too_many(_):
        return protection.slow_down_page()

    @app.errorhandler(500)
    def server_error(_):
        # The traceback goes to the log; the person gets words.
        return render_template("error.html", heading="Something went wrong on our side",
                               message="Nothing you did caused this. Please try again in a few minutes."), 500

    @app.context_processor
    def template_globals():
        return {"csp_nonce": protection.csp_nonce(), "settings": app.config["SETTINGS"]}

    return app


app = create_app()
# What is loaded at start lives as long as the process: keeping it out of the
# collector's full passes spares each worker a ~50 ms pause every few thousand requests.
gc.freeze()
