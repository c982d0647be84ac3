import pytest
import requests

from services.config import Settings
from services.sheets import RetryPolicy, open_client


class Api:
    """Raw HTTP to localsheets, to check Google's wire shapes exactly."""

    def __init__(self, base, sid):
        self.base = f"{base}/v4/spreadsheets"
        self.sid = sid

    def get(self, path="", **params):
        return requests.get(f"{self.base}/{self.sid}{path}", params=params, timeout=10)

    def post(self, path, body=None, **params):
        return requests.post(f"{self.base}/{self.sid}{path}", json=body, params=params, timeout=10)

    def put(self, path, body, **params):
        return requests.put(f"{self.base}/{self.sid}{path}", json=body, params=params, timeout=10)

    def values(self, rng, **params):
        return self.get(f"/values/{rng}", **params).json()

    def write(self, rng, rows, option="USER_ENTERED"):
        r = self.put(f"/values/{rng}", {"values": rows}, valueInputOption=option)
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture
def api(localsheets, sheet_id):
    return Api(localsheets.url, sheet_id)


@pytest.fixture
def gc(localsheets):
    return open_client(Settings(sheets_url=localsheets.url), retry=RetryPolicy(attempts=3, base=0.01))
