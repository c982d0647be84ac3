"""Keeping under Google's per-minute quota: 60 reads and 60 writes a minute per user.

The quota belongs to the credential, not to a process: the web workers, the
RQ worker and the cron process all spend the same budget. With Redis at hand
the budget is kept there (`SharedQuotaGovernor`); without it, per process.
"""
import collections
import threading
import time
import uuid

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

# Admit one request if the window has room: {0, the time admitted}; otherwise
# {how long to wait, now}. Times are Redis's own, in ms, so all processes agree.
_ADMIT = """
local now = redis.call('TIME')
local now_ms = now[1] * 1000 + math.floor(now[2] / 1000)
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now_ms, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {0, now_ms}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {math.max(1, tonumber(oldest[2]) + window - now_ms), now_ms}
"""


class QuotaGovernor:
    """At most `reads` read and `writes` write requests in any `window` seconds, in this process.

    A request over Google's quota is refused with 429; waiting here is cheaper.
    """

    def __init__(self, reads=60, writes=60, window=60.0, clock=time.monotonic, sleep=time.sleep):
        self.limits = {"read": reads, "write": writes}
        self.window = window
        self._sent = {"read": collections.deque(), "write": collections.deque()}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def acquire(self, kind):
        while True:
            with self._lock:
                now = self._clock()
                sent = self._sent[kind]
                while sent and now - sent[0] >= self.window:
                    sent.popleft()
                if len(sent) < self.limits[kind]:
                    sent.append(now)
                    return
                wait = self.window - (now - sent[0])
            self._sleep(max(wait, 0.01))


class SharedQuotaGovernor:
    """The same limits, shared by every process using one credential, kept in Redis.

    If Redis stops answering, the process falls back to its own governor for
    `pause` seconds before asking Redis again: requests go on, just without the
    other processes' count, and without waiting on a dead connection each time.
    """

    def __init__(self, connection, credential, reads=60, writes=60, window=60.0, sleep=time.sleep, pause=30.0):
        self.connection = connection
        self.limits = {"read": reads, "write": writes}
        self.window_ms = int(window * 1000)
        self.keys = {kind: f"actnet:sheets-quota:{credential}:{kind}" for kind in self.limits}
        self._admit = connection.register_script(_ADMIT)
        self._local = QuotaGovernor(reads, writes, window, sleep=sleep)
        self._sleep = sleep
        self._pause = pause
        self._redis_down_until = 0.0

    def acquire(self, kind):
        """Wait for room in the window; return when admitted (Redis's time in ms, or None if local)."""
        while True:
            if time.monotonic() < self._redis_down_until:
                return self._local.acquire(kind)
            try:
                wait_ms, now_ms = self._admit(keys=[self.keys[kind]],
                                              args=[self.window_ms, self.limits[kind], uuid.uuid4().hex])
            except redis.RedisError:
                self._redis_down_until = time.monotonic() + self._pause
                return self._local.acquire(kind)
            if wait_ms == 0:
                return now_ms
            self._sleep(wait_ms / 1000)


def connect(redis_url):
    """A connection that gives up fast: a quota check must not stall a Sheets call."""
    return redis.Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=2,
                                retry=Retry(NoBackoff(), 0))


def governor_for(settings, credential):
    """The governor a client should use: shared through Redis when there is one."""
    if settings.redis_url:
        return SharedQuotaGovernor(connect(settings.redis_url), credential, settings.reads_per_minute,
                                   settings.writes_per_minute)
    return QuotaGovernor(settings.reads_per_minute, settings.writes_per_minute)
