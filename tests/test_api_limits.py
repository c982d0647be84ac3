"""Rate limits per API key, with a limit small enough to reach in a test."""
import pytest
import requests

from test_api import HOME, api, key_for, network  # noqa: F401  (fixtures used by name)


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "ratelimit_per_api_key": "5 per minute"}


def test_each_key_is_rate_limited_on_its_own(network, redis_conn, api):
    noisy, quiet = key_for(redis_conn, HOME), key_for(redis_conn, HOME)
    answers = [requests.get(f"{api}/", headers=noisy, timeout=10) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[-1].headers["Retry-After"] and answers[-1].json()["osdi:error"]["response_code"] == 429
    assert requests.get(f"{api}/", headers=quiet, timeout=10).status_code == 200
