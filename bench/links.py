"""Does a wrong link give anything away by its timing? /l/TOKEN for unknown, guessed and cut-short tokens.

    python bench/links.py [--requests 3000]

Every token, ours or not, costs one SHA-256 and one Redis HGET, and every miss
gets the same page. This prints the p50 and p99 of opening each kind of wrong
token through the app (in-process, interleaved so drift hits all alike) and
of the lookup alone, and the largest difference between the kinds' medians.
"""
import argparse
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.local_parts import redis_server  # noqa: E402
from services import links  # noqa: E402


def kinds(token):
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    return {"unknown": lambda: secrets.token_urlsafe(links.TOKEN_BYTES), "guessed (last char)": lambda: flipped,
            "cut short (half)": lambda: token[: len(token) // 2], "cut short (one char)": lambda: token[:-1],
            "too long (500)": lambda: token + "x" * 468}


def report(title, samples):
    print(title)
    medians = {}
    for name, times in samples.items():
        times.sort()
        medians[name] = statistics.median(times)
        print(f"  {name:<22} p50 {medians[name]:8.1f} µs   p99 {times[int(len(times) * 0.99)]:8.1f} µs")
    print(f"  largest difference between medians: {max(medians.values()) - min(medians.values()):.1f} µs")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    import redis

    from app import create_app

    with redis_server(appendonly="no") as url:
        r = redis.Redis.from_url(url)
        for i in range(1000):  # a network with many links
            links.create(r, f"Co-leader {i}", links.NETWORK)
        token, _ = links.create(r, "Maria", links.NETWORK)
        makers = kinds(token)
        app = create_app({"redis_url": url, "secret_key": "bench", "ratelimit_enabled": False})
        client = app.test_client()
        pages, lookups = {k: [] for k in makers}, {k: [] for k in makers}
        for _ in range(args.requests):
            for name, make in makers.items():
                guess = make()
                began = time.perf_counter()
                response = client.get(f"/l/{guess}")
                pages[name].append((time.perf_counter() - began) * 1e6)
                assert response.status_code == 404
                began = time.perf_counter()
                assert links.find(r, guess) is None
                lookups[name].append((time.perf_counter() - began) * 1e6)
        report(f"Opening a wrong link, {args.requests:,} of each (the whole request, in-process):", pages)
        report("The lookup alone (hash + HGET):", lookups)

if __name__ == "__main__":
    main()
