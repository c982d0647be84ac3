"""Alert emails: composed with the list headers mail providers expect, sent through SMTP.

SMTP_URL says where: `smtp://user:password@host:587` (STARTTLS whenever the
server offers it, and always before a login: a password never travels in
clear), `smtps://…:465` (TLS from the first byte), or `smtp://127.0.0.1:8025`
for the local sink that `make run` starts.
"""
import dataclasses
import hashlib
import smtplib
import socket
import ssl
import urllib.parse
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, parseaddr


class MailNotConfigured(Exception):
    """SMTP_URL is missing or cannot be used; the message says how to fix it."""


class TemporaryFailure(Exception):
    """The server or the network failed this time; trying again later may work."""


class PermanentFailure(Exception):
    """The server refused this message for good (an unknown address, say)."""


class Uncertain(Exception):
    """The connection failed after the final dot: the server may have the message.
    Sending it again could send it twice, so it counts as sent."""


@dataclasses.dataclass(frozen=True)
class SmtpAddress:
    host: str
    port: int
    tls: str  # "implicit", "starttls" (when offered, and always before a login)
    username: str | None
    password: str | None


def parse_smtp_url(url):
    if not url:
        raise MailNotConfigured("SMTP_URL is not set: put your mail server there, as "
                                "smtp://user:password@smtp.example.org:587")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailNotConfigured("SMTP_URL should look like smtp://user:password@smtp.example.org:587 "
                                "(or smtps://… for port 465)")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
    except ValueError:
        raise MailNotConfigured("SMTP_URL has a port that is not a number") from None
    unquote = urllib.parse.unquote
    return SmtpAddress(parts.hostname, port, "implicit" if parts.scheme == "smtps" else "starttls",
                       unquote(parts.username) if parts.username else None,
                       unquote(parts.password) if parts.password else None)


def message_id(alert_id, email, host):
    """The same message for the same alert and person always has the same Message-ID,
    so a mailbox that sees it twice (it must not happen) can fold the two."""
    digest = hashlib.sha256(f"{alert_id}\0{email}".encode()).hexdigest()[:24]
    return f"<{alert_id}.{digest}@{host}>"


def compose(*, sender, to_email, to_name, subject, body, unsubscribe_url, list_name, list_id, msg_id, when):
    """One alert email: plain text with a visible unsubscribe line, and the headers
    (RFC 2369 List-Unsubscribe, RFC 8058 one-click, RFC 2919 List-Id) that let a
    mail app offer "unsubscribe" itself."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = formataddr((to_name, to_email)) if to_name else to_email
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = msg_id
    msg["List-Id"] = f"{list_name} <{list_id}>"
    msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    footer = (f"\n\n-- \nYou are getting this because you are on the {list_name} action network.\n"
              f"Unsubscribe with one click: {unsubscribe_url}\n")
    msg.set_content(body.rstrip() + footer)
    return msg


def list_id(list_slug, host):
    return f"{list_slug}.alerts.{host}"


def sender_address(mail_from, name, host):
    """MAIL_FROM as given, or the network's name at a no-reply address on its host."""
    if mail_from:
        return mail_from
    return formataddr((name, f"alerts@{host}"))


def envelope_sender(sender):
    return parseaddr(sender)[1]


def _wire(msg):
    """The message as SMTP DATA carries it: CRLF lines, a leading dot doubled (RFC 5321 4.5.2)."""
    data = msg.as_bytes(policy=SMTP)
    lines = data.split(b"\r\n")
    stuffed = b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines)
    return stuffed if stuffed.endswith(b"\r\n") else stuffed + b"\r\n"


def _login(smtp, username, password):
    """AUTH PLAIN when offered (one round trip, over TLS by then); smtplib's own order otherwise.
    smtplib.login tries each mechanism after a refusal, which some servers answer by hanging."""
    if "PLAIN" in smtp.esmtp_features.get("auth", "").upper().split():
        smtp.user, smtp.password = username, password
        smtp.auth("PLAIN", smtp.auth_plain)
    else:
        smtp.login(username, password)


class SmtpTransport:
    """One SMTP connection, kept open for many messages.

    `send` splits the DATA command in two: the whole message goes first, then
    `before_commit()` runs, then the final dot. A server commits a message only
    on that dot, so if this process dies before `before_commit` returns the
    server throws the message away, and once it has returned the caller has
    recorded the message as (about to be) sent. That is how the sending job
    never sends one person the same alert twice, even when it is killed.
    """

    def __init__(self, url, timeout=30, tls_context=None, local_hostname=None):
        self.address = parse_smtp_url(url)
        self.timeout = timeout
        self.tls_context = tls_context or ssl.create_default_context()
        self.local_hostname = local_hostname
        self.smtp = None

    def open(self):
        a = self.address
        smtp = None
        try:
            if a.tls == "implicit":
                smtp = smtplib.SMTP_SSL(a.host, a.port, timeout=self.timeout, context=self.tls_context,
                                        local_hostname=self.local_hostname)
            else:
                smtp = smtplib.SMTP(a.host, a.port, timeout=self.timeout, local_hostname=self.local_hostname)
            # The final dot goes in a write of its own (see `send`): without this, Nagle's
            # algorithm holds it until the server's delayed ACK, some 40 ms a message.
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            smtp.ehlo()
            if a.tls == "starttls":
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=self.tls_context)
                    smtp.ehlo()
                elif a.username:
                    raise MailNotConfigured(f"The mail server {a.host} does not offer STARTTLS, so actnet will not "
                                            f"send it your password; use smtps:// if it takes TLS on connect")
            if a.username:
                _login(smtp, a.username, a.password or "")
        except smtplib.SMTPAuthenticationError:
            smtp.close()
            raise MailNotConfigured(f"The mail server {a.host} refused the login in SMTP_URL") from None
        except MailNotConfigured:
            smtp.close()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            if smtp is not None:
                smtp.close()
            raise TemporaryFailure(f"could not reach the mail server {a.host}:{a.port} ({type(exc).__name__})") \
                from exc
        self.smtp = smtp
        return self

    def close(self):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()

    def send(self, msg, before_commit=lambda: None):
        """Send one message; raises TemporaryFailure or PermanentFailure."""
        if self.smtp is None:
            self.open()
        smtp = self.smtp
        sender = envelope_sender(msg["From"])
        recipient = parseaddr(msg["To"])[1]
        try:
            self._expect(smtp.mail(sender), 250)
            self._expect(smtp.rcpt(recipient), (250, 251))
            self._expect(smtp.docmd("DATA"), 354)
            smtp.send(_wire(msg))
        except (TemporaryFailure, PermanentFailure):
            self._reset()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()  # the connection is gone; the next send opens a new one
            raise TemporaryFailure(f"the connection to the mail server failed ({type(exc).__name__})") from exc
        before_commit()
        try:
            smtp.send(b".\r\n")
            reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise Uncertain(f"the connection to the mail server failed after the message ({type(exc).__name__})") \
                from exc
        try:
            self._expect(reply, 250)
        except (TemporaryFailure, PermanentFailure):
            self._reset()
            raise

    @staticmethod
    def _expect(reply, wanted):
        code, text = reply
        wanted = wanted if isinstance(wanted, tuple) else (wanted,)
        if code in wanted:
            return
        words = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        if 500 <= code < 600:
            raise PermanentFailure(f"{code} {words}")
        raise TemporaryFailure(f"{code} {words}")

    def _reset(self):
        try:
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def _drop(self):
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None
