"""The monthly digest e-mail carries its charts (issue 11, item 6): the server-drawn SVGs as
inline parts related to the HTML, each shown by `cid:` with alt text and followed by the same
figures as a table, and the plain text with the figures as text."""

import re

import pytest

from notifications.models import EmailStatus, Kind, Notification
from notifications.services import email_message, sweep
from tests.notifications.conftest import at
from tests.notifications.test_digest_radar import DIGEST_DAY, burning  # noqa: F401

pytestmark = pytest.mark.django_db


def parts(email):
    """(the HTML, the text, {content id: image part}) of a sent message as mail clients see it."""
    message = email.message()
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    related = message.get_body(preferencelist=("related",))
    assert related is not None, "the HTML and its images are one multipart/related"
    html = related.get_body(preferencelist=("html",)).get_content()
    images = {
        part["Content-ID"].strip("<>"): part
        for part in related.iter_parts()
        if part.get_content_maintype() == "image"
    }
    return html, text, images


def test_the_digest_email_carries_its_charts_as_inline_parts(burning, leader, outbox):  # noqa: F811
    sweep(at(DIGEST_DAY))

    [email] = [m for m in outbox.to(leader) if "Portfolio digest" in m.subject]
    html, text, images = parts(email)
    assert len(images) == 2
    for cid, part in images.items():
        assert part.get_content_type() == "image/svg+xml"
        assert part.get_content_disposition() == "inline"
        assert part.get_content().startswith(b"<svg")
        [img] = re.findall(rf'<img src="cid:{re.escape(cid)}"[^>]*>', html)
        assert re.search(r'alt="[^"]{20,}"', img)

    # Stop, fix or scale: the bar chart, its alt text and its table name the count.
    assert re.search(r'alt="Stop, fix or scale: [^"]*Stop candidate: Initiatives 1;', html)
    assert any(b"Stop candidate</text>" in p.get_content() for p in images.values())
    assert "- Stop candidate: Initiatives 1" in text
    # Spent against realised: the initiative is a labelled point, with its spend in the table.
    spend = next(p for p in images.values() if b"Spent (EUR)" in p.get_content())
    assert burning.title.encode() in spend.get_content()
    assert re.search(r"<td[^>]*>410,000\xa0€</td>", html)
    # The plain text has the same figures as text.
    assert "Spent against realised benefit, by initiative:" in text
    assert f"- {burning.title}: Spent 410" in text.replace("\u00a0", " ").replace(",", "")


def test_a_digest_recorded_before_spend_was_stored_still_sends(burning, leader, outbox):  # noqa: F811
    sweep(at(DIGEST_DAY), deliver=False)
    digest = Notification.objects.get(kind=Kind.PORTFOLIO_DIGEST, recipient=leader)
    digest.params.pop("spend")
    digest.save(update_fields=["params"])

    html, text, images = parts(email_message(digest))
    assert len(images) == 1
    assert "Spent against realised" not in html
    assert "Spent against realised" not in text
    assert "- Stop candidate: Initiatives 1" in text


def test_reminders_other_than_the_digest_have_no_images(reviewed, member, outbox):
    sweep(at("2026-11-23 09:00"))
    review = Notification.objects.filter(kind=Kind.WEEKLY_REVIEW, recipient=member).get()
    assert review.email_status == EmailStatus.SENT
    [email] = outbox.to(member)
    message = email.message()
    assert message.get_body(preferencelist=("related",)) is None
    assert not [p for p in message.walk() if p.get_content_maintype() == "image"]
