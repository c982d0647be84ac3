"""The client every Sheets call goes through: quota governor, backoff, clear errors."""
import pytest

from services.config import Settings
from services.sheets import QuotaGovernor, RetryPolicy, SheetsUnavailable, open_client


class Clock:
    """Time that moves only when someone sleeps, so the governor can be watched."""

    def __init__(self):
        self.now = 0.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_governor_keeps_reads_and_writes_apart_under_sixty_a_minute():
    clock = Clock()
    governor = QuotaGovernor(reads=60, writes=60, clock=clock, sleep=clock.sleep)
    for _ in range(60):
        governor.acquire("read")
        governor.acquire("write")
    assert clock.now == 0.0  # 60 of each fit in the first minute
    governor.acquire("read")
    assert clock.now == pytest.approx(60.0)  # the 61st read waits for the window to move
    sent = []
    for _ in range(180):
        governor.acquire("write")
        sent.append(clock.now)
    # In any 60-second window, at most 60 writes.
    assert all(sum(1 for t in sent if start <= t < start + 60) <= 60 for start in sent)


def test_retry_delays_are_truncated_exponential_with_jitter():
    policy = RetryPolicy(attempts=8, base=1.0, cap=32.0)
    for attempt in range(8):
        delays = [policy.delay(attempt) for _ in range(200)]
        assert 0 <= min(delays) and max(delays) <= min(32.0, 2 ** attempt)
        assert len(set(delays)) > 100  # jittered, not a fixed wait


def client(localsheets, attempts=6):
    return open_client(Settings(sheets_url=localsheets.url, reads_per_minute=1000, writes_per_minute=1000),
                       retry=RetryPolicy(attempts=attempts, base=0.01, cap=0.05))


def test_reads_are_retried_through_429_and_503(localsheets, sheet_id):
    localsheets.configure(fail_rate=0.5, seed=11)
    gc = client(localsheets, attempts=20)
    for _ in range(10):
        assert gc.open_by_key(sheet_id).sheet1.title == "Sheet1"
    statuses = localsheets.log()["statuses"]
    assert statuses.get("500", 0) + statuses.get("503", 0) > 0


def test_quota_refusals_are_waited_out(localsheets, sheet_id):
    localsheets.configure(reads_per_minute=2)
    http = client(localsheets, attempts=3).http_client
    http.values_get(sheet_id, "A1")
    http.values_get(sheet_id, "A1")
    with pytest.raises(SheetsUnavailable, match="not accepting requests right now"):
        http.values_get(sheet_id, "A1")  # 429 every time: the budget runs out with a clear message
    assert localsheets.log()["statuses"]["429"] == 3


def test_an_append_is_not_blindly_resent_after_a_failure(localsheets, sheet_id):
    ws = client(localsheets).open_by_key(sheet_id).sheet1
    localsheets.configure(fail_rate=1.0)
    with pytest.raises(SheetsUnavailable):
        ws.append_rows([["x"]])
    # Tried once: whether it landed is for the write plan to find out by reading.
    assert localsheets.log()["counts"]["values.append"] == 1


def test_processes_sharing_a_credential_share_one_budget(redis_conn):
    import threading

    from services.quota import SharedQuotaGovernor

    # Two governors stand for two processes (a web worker and the RQ worker).
    web = SharedQuotaGovernor(redis_conn, "test-account", reads=3, writes=3, window=1.0)
    worker = SharedQuotaGovernor(redis_conn, "test-account", reads=3, writes=3, window=1.0)
    admitted = []
    lock = threading.Lock()

    def spend(governor):
        for _ in range(4):
            at = governor.acquire("read")  # Redis's clock, in ms: the one both processes share
            with lock:
                admitted.append(at)

    threads = [threading.Thread(target=spend, args=(g,)) for g in (web, worker)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    admitted.sort()
    assert len(admitted) == 8
    # Never more than 3 in any one-second window, whichever process asked.
    assert all(admitted[i + 3] - admitted[i] >= 1000 for i in range(len(admitted) - 3)), admitted
    # Writes are counted apart from reads.
    web.acquire("write")
    assert redis_conn.zcard("actnet:sheets-quota:test-account:write") == 1


def test_without_redis_the_governor_falls_back_to_this_process():
    from services.quota import SharedQuotaGovernor, connect

    governor = SharedQuotaGovernor(connect("redis://127.0.0.1:1/0"), "test-account", reads=2, writes=2, window=60.0)
    governor.acquire("read")
    governor.acquire("read")
    assert len(governor._local._sent["read"]) == 2


def test_posts_that_only_read_count_as_reads_and_are_safe_to_send_again():
    from services.sheets import is_idempotent, request_kind

    base = "https://sheets.googleapis.com/v4/spreadsheets/abc"
    for path in (":getByDataFilter", "/values:batchGetByDataFilter", "/developerMetadata:search"):
        assert request_kind("POST", base + path) == "read" and is_idempotent("POST", base + path)
    # A write through a data filter sent again after a sort would land elsewhere: never resent blindly.
    assert request_kind("POST", base + "/values:batchUpdateByDataFilter") == "write"
    assert not is_idempotent("POST", base + "/values:batchUpdateByDataFilter")
