"""Settings from the environment (and `.env` for local runs), in one place."""
import dataclasses
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass(frozen=True)
class Settings:
    redis_url: str | None = None
    sheets_url: str | None = None  # localsheets; unset means Google
    google_credentials: str | None = None  # path to a service-account JSON file
    sheet_id: str | None = None
    secret_key: str | None = None
    instance_name: str = "actnet"
    base_url: str = "http://127.0.0.1:5000"
    var_dir: Path = ROOT / "var"
    reads_per_minute: int = 60
    writes_per_minute: int = 60
    testing: bool = False
    # Alerts (services/alert_calendar.py, services/alerts.py, services/mail.py)
    alert_anchor_date: str | None = None  # a Monday; alerts come every `alert_interval_weeks` from it
    alert_interval_weeks: int = 2
    alert_time: str = "09:00"  # on alert Mondays, in the network's time zone
    timezone: str | None = None  # overrides the spreadsheet's own time zone
    smtp_url: str | None = None
    mail_from: str | None = None
    mail_per_minute: int = 60
    max_contacts: int = 2
    contact_window_days: int = 14
    alert_lock_seconds: int = 30  # a killed sending job holds its alert this long at most
    mail_sink_dir: Path | None = None  # set by `make run`: the local SMTP sink's catch, shown at /mail
    # Rate limits on the public forms (Flask-Limiter notation), kept in Redis.
    ratelimit_enabled: bool = True  # RATELIMIT_ENABLED=false for load tests
    ratelimit_per_address: str = "10 per minute; 60 per hour"
    ratelimit_per_action: str = "600 per minute"
    # Per API key; Action Network allows 4 requests a second, a sync rarely needs more.
    ratelimit_per_api_key: str = "240 per minute; 10 per second"
    # Proxies in front of the web server whose X-Forwarded-For is trusted; 0
    # means the peer's address is the person's (rate limits are per address).
    trusted_proxies: int = 0

    @classmethod
    def from_env(cls, environ=os.environ):
        get = environ.get
        return cls(
            redis_url=get("REDIS_URL") or None,
            sheets_url=get("SHEETS_URL") or None,
            google_credentials=get("GOOGLE_APPLICATION_CREDENTIALS") or None,
            sheet_id=get("SHEET_ID") or None,
            secret_key=get("SECRET_KEY") or None,
            instance_name=get("ACTNET_NAME") or cls.instance_name,
            base_url=(get("BASE_URL") or cls.base_url).rstrip("/"),
            var_dir=Path(get("ACTNET_VAR") or cls.var_dir),
            reads_per_minute=int(get("SHEETS_READS_PER_MINUTE") or cls.reads_per_minute),
            writes_per_minute=int(get("SHEETS_WRITES_PER_MINUTE") or cls.writes_per_minute),
            alert_anchor_date=get("ALERT_ANCHOR_DATE") or None,
            alert_interval_weeks=_whole(get("ALERT_INTERVAL_WEEKS"), cls.alert_interval_weeks),
            alert_time=get("ALERT_TIME") or cls.alert_time,
            timezone=get("ACTNET_TIMEZONE") or None,
            smtp_url=get("SMTP_URL") or None,
            mail_from=get("MAIL_FROM") or None,
            mail_per_minute=_whole(get("MAIL_PER_MINUTE"), cls.mail_per_minute),
            max_contacts=_whole(get("MAX_CONTACTS"), cls.max_contacts, least=0),
            contact_window_days=_whole(get("CONTACT_WINDOW_DAYS"), cls.contact_window_days),
            alert_lock_seconds=_whole(get("ALERT_LOCK_SECONDS"), cls.alert_lock_seconds),
            mail_sink_dir=Path(get("MAIL_SINK_DIR")) if get("MAIL_SINK_DIR") else None,
            ratelimit_enabled=_flag(get("RATELIMIT_ENABLED"), cls.ratelimit_enabled),
            ratelimit_per_address=get("RATELIMIT_PER_ADDRESS") or cls.ratelimit_per_address,
            ratelimit_per_action=get("RATELIMIT_PER_ACTION") or cls.ratelimit_per_action,
            ratelimit_per_api_key=get("RATELIMIT_PER_API_KEY") or cls.ratelimit_per_api_key,
            trusted_proxies=int(get("TRUSTED_PROXIES") or cls.trusted_proxies),
        )

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    @property
    def production(self):
        """Served over HTTPS: cookies are Secure and browsers are told to stay on HTTPS."""
        return self.base_url.startswith("https://")

    @property
    def sheets_backend(self):
        if self.sheets_url:
            return "localsheets"
        if self.google_credentials:
            return "google"
        return None


def _whole(text, default, least=1):
    """A positive whole number from the environment; a typo falls back to the default
    (the dashboard shows the settings in force) rather than stopping the app."""
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        return default
    return value if value >= least else default
def _flag(text, default):
    if text is None or text.strip() == "":
        return default
    return text.strip().lower() not in ("0", "false", "no", "off")


def load_dotenv(path=ROOT / ".env", environ=os.environ):
    """Read KEY=value lines into `environ`, never overriding what is already set."""
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        environ.setdefault(key.strip(), value.strip().strip("'\""))
