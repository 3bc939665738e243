"""The e-mail of a notice: who it is from, what it says (in Danish), what it links to, the
meeting as .ics, nothing confidential, and the two ways it leaves the portal."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from icalendar import Calendar

from portal.extensions import db
from portal.notifications.delivery import deliver_batch
from portal.notifications.mail import SmtpTransport, compose
from portal.notifications.models import EmailStatus, NoticeKind, NotificationPreference
from portal.notifications.operations import notify
from portal.rules.calendar import COPENHAGEN
from tests.factories import make_council, make_meeting, make_person
from tests.notifications.conftest import BASE_URL, MAIL_FROM, queue_notices


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and the HTML part, decoded."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def every_text(message: EmailMessage) -> str:
    """All headers and every decoded part, attachments included."""
    chunks = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if not part.is_multipart():
            chunks.append(part.get_payload(decode=True).decode("utf-8"))
    return "\n".join(chunks)


def test_the_email_is_from_the_council_to_the_person_with_a_stable_message_id(mail_app):
    council = make_council(name="KKR Sjælland")
    person = make_person(council, name="Åse Ørum", email="aase@roskilde.example")
    [notice] = notify(
        [person],
        NoticeKind.MEETING_CHANGED,
        subject="Mødet er flyttet til Byrådssalen",
        body="Mødet den 12. april holdes i Byrådssalen.\nKaffe fra kl. 9.30.",
        link="/moeder/7",
        council=council,
    )

    message = compose(notice)

    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("KKR Sjælland", MAIL_FROM)
    recipient = message["To"].addresses[0]
    assert (recipient.display_name, recipient.addr_spec) == ("Åse Ørum", "aase@roskilde.example")
    assert message["Subject"] == "Mødet er flyttet til Byrådssalen"
    assert message["Message-ID"] == notice.message_id
    assert notice.message_id.endswith("@kkr.example.dk>")
    assert compose(notice)["Message-ID"] == notice.message_id  # a repeat is the same e-mail
    assert parsedate_to_datetime(message["Date"]) == notice.created_at.replace(microsecond=0)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "da"

    text, html = parts(message)
    for part in (text, html):
        assert "Kære Åse Ørum" in part
        assert "Venlig hilsen" in part
        assert f"{BASE_URL}/moeder/7" in part
        assert f"{BASE_URL}/beskeder/indstillinger" in part  # where to change preferences
    assert "Mødet den 12. april holdes i Byrådssalen.\nKaffe fra kl. 9.30." in text
    assert "Mødet den 12. april holdes i Byrådssalen.<br>\nKaffe fra kl. 9.30." in html
    assert f'href="{BASE_URL}/moeder/7"' in html
    assert '<html lang="da">' in html
    # Parseable by any mail program: the message survives a round trip through bytes.
    again = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert again["Message-ID"] == notice.message_id
    assert parts(again) == parts(message)


def test_a_notice_of_no_council_comes_from_the_kkr_portal(mail_app):
    person = make_person()
    [notice] = notify([person], NoticeKind.GENERAL, subject="Velkommen", body="Hej", link="/")
    sender = compose(notice)["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("KKR Portal", MAIL_FROM)


def test_markup_in_a_notice_is_shown_as_text_in_the_html_part(mail_app):
    person = make_person()
    body = "Se <script>alert('hej')</script> & <b>fed</b>\n<img src=x onerror=alert(1)>"
    [notice] = notify([person], NoticeKind.GENERAL, subject="Test", body=body, link="/")

    text, html = parts(compose(notice))

    assert body in text  # plain text is plain
    assert "<script" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;hej&#39;)&lt;/script&gt; &amp; &lt;b&gt;fed&lt;/b&gt;" in html


def test_a_meeting_notice_carries_the_meeting_as_ics(mail_app):
    council = make_council(name="KKR Hovedstaden")
    person = make_person(council)
    starts_at = datetime(2027, 4, 12, 10, 0, tzinfo=COPENHAGEN)
    meeting = make_meeting(council, starts_at=starts_at, location="Rådhuset, mødesal 2")
    [notice] = notify(
        [person],
        NoticeKind.MEETING_CHANGED,
        subject="Mødet er flyttet",
        body="Nyt lokale.",
        link=f"/moeder/{meeting.id}",
        council=council,
        meeting=meeting,
    )

    message = compose(notice)

    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "moede.ics"
    assert attachment.get_param("method") == "PUBLISH"
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == starts_at
    assert str(event["uid"]) == f"meeting-{meeting.id}@kkr.example.dk"
    assert str(event["summary"]) == "KKR Hovedstaden: møde"
    assert str(event["location"]) == "Rådhuset, mødesal 2"
    assert str(event["url"]) == f"{BASE_URL}/moeder/{meeting.id}"
    text, html = parts(message)
    assert "mandag 12. april 2027 kl. 10:00, Rådhuset, mødesal 2" in text
    assert "moede.ics" in html


def test_a_confidential_notice_says_only_that_there_is_news(mail_app):
    council = make_council(name="KKR Syddanmark")
    person = make_person(council)
    meeting = make_meeting(council)
    [notice] = notify(
        [person],
        NoticeKind.GENERAL,
        subject="Lukket punkt: sag XJ-SUBJECT-7",
        body="Indstilling om XJ-SECRET-42 og hans fratrædelse.",
        link="/moeder/9/punkter/3",
        council=council,
        meeting=meeting,
        confidential=True,
    )

    message = compose(notice)

    everything = every_text(message)
    raw = message.as_bytes()
    for secret in ("XJ-SECRET-42", "fratrædelse", "XJ-SUBJECT-7"):
        assert secret not in everything
        assert secret.encode() not in raw
    assert message["Subject"] == "Nyt fortroligt materiale i KKR Portal"
    text, html = parts(message)
    for part in (text, html):
        assert "nyt fortroligt materiale fra KKR Syddanmark" in part
        assert f"{BASE_URL}/moeder/9/punkter/3" in part
    assert message["Message-ID"] == notice.message_id


def test_without_smtp_the_emails_are_written_to_the_instance_outbox(mail_app, tmp_path):
    assert mail_app.instance_path == str(tmp_path)  # not the developer's instance folder
    assert mail_app.config["PORTAL_SMTP"] is None
    notices = queue_notices(3)

    report = deliver_batch("w1")

    assert report.sent == 3
    files = sorted((tmp_path / "outbox").iterdir())
    assert [path.suffix for path in files] == [".eml"] * 3  # no half-written leftovers
    by_notice = {int(path.stem.rsplit("-", 1)[1]): path for path in files}
    assert set(by_notice) == {notice.id for notice in notices}
    for notice in notices:
        db.session.refresh(notice)
        assert notice.email_status is EmailStatus.SENT
        message = message_from_bytes(by_notice[notice.id].read_bytes(), policy=policy.default)
        assert message["Message-ID"] == notice.message_id
        assert message["To"].addresses[0].addr_spec == notice.recipient.email
        text, _ = parts(message)
        assert f"{BASE_URL}{notice.link}" in text


def test_inbox_only_notices_are_never_emailed(smtp_app, smtp, tmp_path):
    person = make_person()
    db.session.add(
        NotificationPreference(person_id=person.id, kind=NoticeKind.GENERAL, email=False)
    )
    [notice] = notify([person], NoticeKind.GENERAL, subject="Kun indbakke", body="x", link="/")
    db.session.commit()
    assert notice.email_status is EmailStatus.INBOX_ONLY

    assert deliver_batch("w1").claimed == 0
    smtp_app.config["PORTAL_SMTP"] = None  # nor to instance/outbox/
    assert deliver_batch("w1").claimed == 0

    assert smtp.received == []
    assert not (tmp_path / "outbox").exists()
    db.session.refresh(notice)
    assert notice.email_status is EmailStatus.INBOX_ONLY


def test_smtp_transport_sends_batches_over_one_connection(mail_app, smtp):
    notices = queue_notices(3)
    transport = SmtpTransport(smtp.host, smtp.port)
    try:
        for notice in notices:
            transport.send(notice.id, compose(notice))
    finally:
        transport.close()

    received = smtp.received
    assert [mail.message["Message-ID"] for mail in received] == [n.message_id for n in notices]
    assert {mail.mail_from for mail in received} == {MAIL_FROM}
    assert [mail.rcpt_tos for mail in received] == [[n.recipient.email] for n in notices]
    assert len({mail.peer for mail in received}) == 1
