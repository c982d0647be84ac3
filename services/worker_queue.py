"""Redis and the RQ queue that the worker and `rq cron` share."""
import redis
import rq

QUEUE_NAME = "actnet"


def connect(redis_url):
    return redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)


def queue(connection):
    return rq.Queue(QUEUE_NAME, connection=connection)
