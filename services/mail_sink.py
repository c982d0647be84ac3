"""A local SMTP server that keeps every message it is sent, for `make run` and the tests.

`python -m services.mail_sink --port 8025 --dir var/mail` listens on loopback
and writes each message it takes as one `.eml` file; the app's local-only
page /mail lists them, so a newcomer sees the alerts that would have gone
out. Nothing is ever delivered anywhere.
"""
import argparse
import email
import os
import re
import signal
import socket
import threading
import time
import uuid
from email.policy import default
from pathlib import Path

NAME = re.compile(r"^[0-9]{19}-[0-9a-f]{32}$")


class KeepHandler:
    """aiosmtpd handler: each message taken is written whole, then renamed into place."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns():019d}-{uuid.uuid4().hex}"
        temp = self.directory / f".{name}.tmp"
        temp.write_bytes(envelope.original_content or envelope.content)
        os.replace(temp, self.directory / f"{name}.eml")
        return "250 OK: kept, not delivered"


def start(directory, port=0, host="127.0.0.1"):
    """Start a sink in a thread; returns the aiosmtpd Controller (`.port`, `.stop()`)."""
    from aiosmtpd.controller import Controller

    if not port:
        with socket.socket() as s:  # aiosmtpd checks its own port by connecting to it, so 0 won't do
            s.bind((host, 0))
            port = s.getsockname()[1]
    controller = Controller(KeepHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


def caught(directory, limit=200):
    """The messages kept, newest first, as dicts a page can show."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    names = sorted((p.stem for p in folder.glob("*.eml") if NAME.match(p.stem)), reverse=True)
    return [read(folder, n) for n in names[:limit]]


def count(directory):
    folder = Path(directory)
    return sum(1 for _ in folder.glob("*.eml")) if folder.is_dir() else 0


def read(directory, name):
    """One kept message by its file name, or None (a name that is not one of ours finds nothing)."""
    if not NAME.match(name or ""):
        return None
    path = Path(directory) / f"{name}.eml"
    if not path.is_file():
        return None
    msg = email.message_from_bytes(path.read_bytes(), policy=default)
    body = msg.get_body(preferencelist=("plain",))
    return {"id": name, "from": str(msg["From"] or ""), "to": str(msg["To"] or ""),
            "subject": str(msg["Subject"] or ""), "date": str(msg["Date"] or ""),
            "list_id": str(msg["List-Id"] or ""), "list_unsubscribe": str(msg["List-Unsubscribe"] or ""),
            "list_unsubscribe_post": str(msg["List-Unsubscribe-Post"] or ""),
            "message_id": str(msg["Message-ID"] or ""),
            "body": body.get_content() if body is not None else ""}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Keep every message sent to this SMTP server; deliver none.")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args(argv)
    controller = start(args.dir, args.port)
    print(f"mail sink on smtp://127.0.0.1:{controller.port}, keeping messages in {args.dir}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
