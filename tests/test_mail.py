"""Alert mail on the wire: STARTTLS before the login, the two-phase DATA, clear refusals."""
import ssl
from datetime import datetime, timedelta, timezone

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services import mail_sink
from services.mail import (
    MailNotConfigured,
    PermanentFailure,
    SmtpTransport,
    compose,
    message_id,
    parse_smtp_url,
)
from tests.conftest import free_port


def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1 and a client context that trusts only it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(timezone.utc)
    import ipaddress

    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


def message(to="ann@example.org"):
    return compose(sender="Seattle RESULTS <alerts@example.org>", to_email=to, to_name="Ann", subject="Act now",
                   body="Congress votes Thursday.", unsubscribe_url="https://x.example/u/tok", list_name="Seattle",
                   list_id="seattle.alerts.x.example", msg_id=message_id("a1", to, "x.example"),
                   when=datetime.now(timezone.utc))


@pytest.fixture
def tls_server(tmp_path):
    server_tls, client_tls = certificate(tmp_path)
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login, auth_data.password) == (b"maria", b"s3cret pass")
        logins.append((auth_data.login, session.ssl is not None))
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

    port = free_port()
    controller = Controller(mail_sink.KeepHandler(tmp_path / "mail"), hostname="127.0.0.1", port=port,
                            tls_context=server_tls, require_starttls=True, auth_require_tls=True,
                            authenticator=authenticate)
    controller.start()
    controller.client_tls, controller.logins, controller.folder = client_tls, logins, tmp_path / "mail"
    yield controller
    controller.stop()


def test_the_password_goes_only_over_starttls_and_the_message_arrives(tls_server):
    url = f"smtp://maria:s3cret%20pass@127.0.0.1:{tls_server.port}"
    with SmtpTransport(url, tls_context=tls_server.client_tls) as transport:
        committed = []
        transport.send(message(), before_commit=lambda: committed.append(True))
    assert committed == [True]
    assert tls_server.logins == [(b"maria", True)]  # the login came after STARTTLS
    [kept] = mail_sink.caught(tls_server.folder)
    assert kept["to"] == "Ann <ann@example.org>" and kept["list_unsubscribe"] == "<https://x.example/u/tok>"


def test_a_wrong_password_is_said_plainly(tls_server):
    url = f"smtp://maria:wrong@127.0.0.1:{tls_server.port}"
    with pytest.raises(MailNotConfigured, match="refused the login in SMTP_URL"):
        SmtpTransport(url, tls_context=tls_server.client_tls).open()


def test_a_password_is_never_sent_to_a_server_without_starttls(mail_sink):
    url = f"smtp://maria:secret@127.0.0.1:{mail_sink.port}"
    with pytest.raises(MailNotConfigured, match="does not offer STARTTLS"):
        SmtpTransport(url).open()


def test_a_refused_recipient_fails_for_good_and_the_connection_goes_on(tmp_path):
    class Refusing(mail_sink.KeepHandler):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("nobody@"):
                return "550 no such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    port = free_port()
    controller = Controller(Refusing(tmp_path), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with SmtpTransport(f"smtp://127.0.0.1:{port}") as transport:
            with pytest.raises(PermanentFailure, match="550"):
                transport.send(message("nobody@example.org"))
            transport.send(message("ann@example.org"))
        assert [m["to"] for m in mail_sink.caught(tmp_path)] == ["Ann <ann@example.org>"]
    finally:
        controller.stop()


@pytest.mark.parametrize("url, said", [
    (None, "SMTP_URL is not set"), ("http://mail.example.org", "should look like smtp://"),
    ("smtp://mail.example.org:port", "port that is not a number")])
def test_an_smtp_url_that_cannot_be_used_is_explained(url, said):
    with pytest.raises(MailNotConfigured, match=said):
        parse_smtp_url(url)


def test_smtps_and_defaults():
    assert parse_smtp_url("smtps://a%40b.org:p%2Fw@smtp.example.org").port == 465
    address = parse_smtp_url("smtp://a%40b.org:p%2Fw@smtp.example.org")
    assert (address.port, address.tls, address.username, address.password) == (587, "starttls", "a@b.org", "p/w")


def test_a_send_that_cannot_log_in_waits_and_says_why(tls_server, redis_conn):
    from services import alert_sending, alerts
    from services.audience import Person, Preview
    from services.config import Settings

    found = Preview([Person("ann@example.org", first_name="Ann")], [], [], [])
    alert = alerts.create(redis_conn, alerts.Draft("Act now", "Congress votes."), found,
                          day=datetime(2026, 12, 7).date(), link="", unsubscribe_url=lambda e: "https://x/u/t")
    settings = Settings(smtp_url=f"smtp://maria:wrong@127.0.0.1:{tls_server.port}", mail_per_minute=6000)
    transport = SmtpTransport(settings.smtp_url, tls_context=tls_server.client_tls)
    result = alert_sending.deliver(redis_conn, alert["id"], settings, transport=transport)
    assert result["outcome"].startswith("waiting: 1 not sent yet") and "refused the login" in result["outcome"]
    assert alerts.progress(redis_conn, alert)["state"].startswith("waiting")
    assert mail_sink.caught(tls_server.folder) == []
