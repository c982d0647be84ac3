"""The load generator of bench/action_page.py, run as its own process (loopback only).

    python bench/loadgen.py URL GET|POST EXPECTED_STATUS CONNECTIONS COUNT SECONDS

Keeps CONNECTIONS requests in flight until COUNT are done or SECONDS have
passed, a new connection each (gunicorn's sync workers close them). A POST
sends the page's sign form as a new activist each time, with the token read
from one GET of the page first. An answer other than EXPECTED_STATUS counts as
failed. Prints JSON: rps, p50_ms, p99_ms, done, failed.
"""
import asyncio
import json
import re
import sys
import time
import urllib.request
from urllib.parse import urlencode, urlsplit

if not urlsplit(sys.argv[1]).hostname.startswith("127."):
    raise SystemExit("loadgen sends traffic to loopback addresses only")


def sign_form_token(url):
    with urllib.request.urlopen(url, timeout=10) as page:
        found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.read())
    return found.group(1).decode() if found else ""


async def one(host, port, raw):
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(raw)
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return int(answer[9:12]), time.perf_counter() - started


async def run(url, method, expected, connections, count, seconds):
    parts = urlsplit(url)
    host, port, path = parts.hostname, parts.port, parts.path or "/"
    token = sign_form_token(url) if method == "POST" else ""
    latencies, failed, issued = [], 0, 0
    deadline = time.perf_counter() + seconds
    run_id = f"{time.time_ns():x}"

    def request(n):
        head = f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n"
        if method == "GET":
            return (head + "\r\n").encode()
        body = urlencode({"csrf_token": token, "first_name": "Bench", "email": f"b{run_id}-{n}@example.org",
                          "zip": "98101", "subscribe": "y"})
        return (head + "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n{body}").encode()

    async def client():
        nonlocal failed, issued
        while issued < count and time.perf_counter() < deadline:
            issued += 1
            status, took = await one(host, port, request(issued))
            if status == expected:
                latencies.append(took)
            else:
                failed += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return 1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return {"rps": len(latencies) / elapsed, "p50_ms": pct(0.50), "p99_ms": pct(0.99), "done": len(latencies),
            "failed": failed}


if __name__ == "__main__":
    url, method, expected, connections, count, seconds = sys.argv[1:7]
    print(json.dumps(asyncio.run(run(url, method, int(expected), int(connections), int(count), float(seconds)))))
