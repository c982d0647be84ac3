"""The one door to a spreadsheet API: Google's, or localsheets with the same shape.

`open_client(settings)` returns a gspread `Client`. Nothing else in actnet
knows which backend it talks to. Every request goes through `SheetsHTTPClient`,
which keeps under the per-minute quota and retries what is safe to retry.
"""
import functools
import json
import random
import time

import gspread
import requests
from google.auth.credentials import AnonymousCredentials
from gspread.http_client import HTTPClient

from services import quota
from services.quota import QuotaGovernor

GOOGLE_ORIGIN = "https://sheets.googleapis.com"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]


class SheetsError(Exception):
    """A problem with the spreadsheet, said in words a manager can act on."""


class SheetsUnavailable(SheetsError):
    """The API kept failing or throttling until the retry budget was spent."""


class SheetNotFound(SheetsError):
    """The spreadsheet does not exist or is not shared with us."""


class RetryPolicy:
    """Truncated exponential backoff with full jitter, as Google recommends."""

    def __init__(self, attempts=8, base=1.0, cap=32.0, rng=None):
        self.attempts = attempts
        self.base = base
        self.cap = cap
        self._rng = rng or random.Random()

    def delay(self, attempt):
        return self._rng.uniform(0, min(self.cap, self.base * 2**attempt))


def request_kind(method, url):
    return "read" if method.upper() == "GET" else "write"


def is_idempotent(method, url):
    """Whether sending the request twice leaves the same result as once.

    An append or a structural batchUpdate (addSheet…) is not: after a 5xx or a
    dropped connection we cannot know whether it took effect, so the caller
    (the write plan) re-reads and decides. A 429 is always safe to resend.
    """
    if method.upper() in ("GET", "PUT"):
        return True
    path = url.split("?", 1)[0]
    return path.endswith(("values:batchUpdate", ":clear", "values:batchClear", "values:batchGet"))


class SheetsHTTPClient(HTTPClient):
    """gspread's HTTP client with a base URL, a quota governor and retries."""

    def __init__(self, auth, session=None, *, base_url=GOOGLE_ORIGIN, governor=None, retry=None,
                 timeout=(10, 60)):
        super().__init__(auth, session)
        self.base_url = base_url.rstrip("/")
        self.governor = governor or QuotaGovernor()
        self.retry = retry or RetryPolicy()
        self.timeout = timeout

    def request(self, method, endpoint, params=None, data=None, json=None, files=None, headers=None):
        if endpoint.startswith(GOOGLE_ORIGIN):
            endpoint = self.base_url + endpoint[len(GOOGLE_ORIGIN):]
        kind = request_kind(method, endpoint)
        idempotent = is_idempotent(method, endpoint)
        last = None
        for attempt in range(self.retry.attempts):
            self.governor.acquire(kind)
            try:
                response = self.session.request(method=method, url=endpoint, json=json, params=params,
                                                data=data, files=files, headers=headers,
                                                timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if not idempotent:
                    raise SheetsUnavailable(f"The spreadsheet service did not answer ({type(exc).__name__}).") from exc
                last = f"no answer ({type(exc).__name__})"
            else:
                if response.ok:
                    return response
                code = response.status_code
                if code == 429 or (code >= 500 and idempotent) or code == 408:
                    last = f"HTTP {code}"
                elif code >= 500:
                    raise SheetsUnavailable(f"The spreadsheet service failed (HTTP {code}).")
                else:
                    raise gspread.exceptions.APIError(response)
            time.sleep(self.retry.delay(attempt))
        raise SheetsUnavailable(f"The spreadsheet service is not accepting requests right now "
                                f"({last} after {self.retry.attempts} tries).")


def service_account_email(credentials_file):
    try:
        with open(credentials_file) as f:
            return json.load(f).get("client_email")
    except (OSError, ValueError):
        return None


def _credential_id(settings):
    """Whose quota the requests spend: the service account, or the local service."""
    if settings.sheets_url:
        return settings.sheets_url
    return service_account_email(settings.google_credentials) or settings.google_credentials or "google"


def open_client(settings, governor=None, retry=None):
    """A gspread Client for localsheets (`SHEETS_URL`) or Google (service account)."""
    if not settings.sheets_url and not settings.google_credentials:
        if settings.sheet_id:
            raise SheetsError("SHEET_ID is set, but not how to reach the spreadsheet: set "
                              "GOOGLE_APPLICATION_CREDENTIALS to the service-account key file (Google), "
                              "or SHEETS_URL to a localsheets address.")
        raise SheetsError("No spreadsheet is configured: set SHEETS_URL (localsheets) or "
                          "GOOGLE_APPLICATION_CREDENTIALS and SHEET_ID (Google).")
    if governor is None:
        governor = quota.governor_for(settings, credential=_credential_id(settings))
    if settings.sheets_url:
        http = functools.partial(SheetsHTTPClient, base_url=settings.sheets_url,
                                 governor=governor, retry=retry)
        return gspread.Client(AnonymousCredentials(), http_client=http)
    from google.oauth2.service_account import Credentials

    try:
        creds = Credentials.from_service_account_file(settings.google_credentials, scopes=SCOPES)
    except (OSError, ValueError) as exc:
        raise SheetsError(
            f"The Google service-account file {settings.google_credentials} could not be read: {exc}."
        ) from exc
    http = functools.partial(SheetsHTTPClient, governor=governor, retry=retry)
    return gspread.Client(creds, http_client=http)

