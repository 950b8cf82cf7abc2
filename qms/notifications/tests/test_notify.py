"""notify(): one way to reach people, writing to the outbox in the caller's transaction."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.template import TemplateDoesNotExist

from qms.core.factories import OrgUnitFactory, UserFactory
from qms.notifications.choices import OutboxQueue, OutboxState
from qms.notifications.models import OutboxEmail
from qms.notifications.selectors import emails_about
from qms.notifications.services import (
    enqueue_many,
    notify,
    notify_many,
    render_outbox_email,
    send_outbox_email,
)

pytestmark = pytest.mark.django_db

WHEN = datetime.date(2026, 3, 1)


@pytest.fixture
def unit():
    return OrgUnitFactory(code="ufr-test", name="UFR Test")


def test_it_writes_the_row_in_the_callers_transaction_and_sends_after_commit(unit, django_capture_on_commit_callbacks):
    user = UserFactory(username="alice", email="alice@example.edu")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        email = notify(user, "test-greeting", unit, context={"when": WHEN})
        # Written, but not sent before the caller commits.
        assert OutboxEmail.objects.filter(pk=email.pk, state=OutboxState.QUEUED).exists()
        assert mail.outbox == []
    assert [c.args for c in callbacks if getattr(c, "func", None) is enqueue_many] == [
        ([(email.pk, OutboxQueue.BULK)],)
    ]
    email.refresh_from_db()
    assert email.state == OutboxState.SENT
    assert email.attempts == 0
    assert [m.to for m in mail.outbox] == [["alice@example.edu"]]


def test_a_rolled_back_transaction_leaves_no_email_and_sends_nothing(unit, django_capture_on_commit_callbacks):
    user = UserFactory(username="bob")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(user, "test-greeting", unit, context={"when": WHEN})
        raise RuntimeError("the caller fails after notify")
    assert not [c for c in callbacks if getattr(c, "func", None) is enqueue_many]
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []


def test_it_writes_in_the_recipients_language(unit):
    french = UserFactory(username="claire", language="fr")
    english = UserFactory(username="dave", language="en")
    fr_email = notify(french, "test-greeting", unit, context={"when": WHEN})
    fr_rendered = render_outbox_email(fr_email)  # rendered as when it is sent
    en_email = notify(english, "test-greeting", unit, context={"when": WHEN})
    en_rendered = render_outbox_email(en_email)  # rendered as when it is sent

    assert fr_email.language == "fr"
    assert fr_email.subject.startswith("[fr]")
    assert "1er mars 2026" in fr_email.subject
    assert fr_rendered.body_text.startswith("Oui, ")
    assert '<html lang="fr">' in fr_rendered.body_html

    assert en_email.language == "en"
    assert en_email.subject.startswith("[en]")
    assert "1 March 2026" in en_email.subject
    assert en_rendered.body_text.startswith("Yes, ")
    assert '<html lang="en">' in en_rendered.body_html


def test_a_plain_address_is_written_to_in_the_given_language(unit):
    email = notify("requester@example.org", "test-greeting", unit, language="en", context={"when": WHEN})
    rendered = render_outbox_email(email)  # rendered as when it is sent
    assert (email.recipient_email, email.recipient_user, email.language) == ("requester@example.org", None, "en")
    assert "1 March 2026" in email.subject
    # Someone without an account is greeted by their address.
    assert rendered.body_text.startswith("Yes, requester@example.org.")


def test_a_plain_address_without_a_language_gets_the_default_one(unit, settings):
    settings.LANGUAGE_CODE = "fr"
    email = notify("requester@example.org", "test-greeting", unit, language="xx", context={"when": WHEN})
    assert email.language == "fr"


def test_the_users_preferred_language_wins_over_a_given_one(unit):
    english = UserFactory(username="erin", language="en")
    email = notify(english, "test-greeting", unit, language="fr", context={"when": WHEN})
    assert email.language == "en"


def test_the_context_holds_the_object_the_site_and_the_callers_values(unit, settings):
    settings.SITE_URL = "https://qualite.univ.example/"
    user = UserFactory(username="fanny", first_name="Fanny", last_name="Martin")
    email = notify(user, "test-greeting", unit, context={"when": WHEN, "link": "/suivi/abc/"})
    rendered = render_outbox_email(email)  # rendered as when it is sent
    assert "UFR Test" in email.subject
    assert "Yes, Fanny Martin." in rendered.body_text or "Oui, Fanny Martin." in rendered.body_text
    assert "https://qualite.univ.example/suivi/abc/" in rendered.body_text
    assert 'href="https://qualite.univ.example/suivi/abc/"' in rendered.body_html
    # The shared layout: the institution's name in the header and the footer.
    institution = email.subject.split("] ")[1].split(" & ")[0]
    assert rendered.body_html.count(institution) >= 2


def test_text_parts_are_not_html_escaped_and_the_html_part_is(unit):
    user = UserFactory(username="gus")
    email = notify(user, "test-greeting", unit, context={"when": WHEN, "payload": "<script>alert(1)</script>"})
    rendered = render_outbox_email(email)  # rendered as when it is sent
    assert " & UFR Test" in email.subject
    assert "Tom & Jerry <ok>" in rendered.body_text
    assert "<script>alert(1)</script>" not in rendered.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.body_html


def test_the_subject_is_one_line_and_the_text_body_has_no_runs_of_blank_lines(unit):
    email = notify(UserFactory(username="hugo"), "test-greeting", unit, context={"when": WHEN})
    rendered = render_outbox_email(email)  # rendered as when it is sent
    assert "\n" not in email.subject
    assert "\n\n\n" not in rendered.body_text
    assert all(line == line.rstrip() for line in rendered.body_text.splitlines())


def test_without_an_html_template_the_text_is_laid_out_in_the_shared_layout(unit):
    email = notify(UserFactory(username="ines"), "test-plain", unit)
    rendered = render_outbox_email(email)  # rendered as when it is sent
    assert email.subject == "Plain UFR Test"
    assert '<a href="https://example.edu/doc"' in rendered.body_html
    assert "Second line &amp; more." in rendered.body_html
    assert "<html" in rendered.body_html


def test_a_missing_template_is_an_error_of_the_caller(unit):
    with pytest.raises(TemplateDoesNotExist):
        notify(UserFactory(username="jules"), "no-such-event", unit)
    assert not OutboxEmail.objects.exists()


def test_it_records_what_the_email_is_about(unit):
    email = notify(UserFactory(username="karl"), "test-plain", unit)
    assert email.about == unit
    assert list(emails_about(unit)) == [email]


def test_an_email_may_be_about_nothing(unit):
    email = notify(UserFactory(username="lea"), "test-plain", None, context={"obj": "x"})
    assert (email.content_type, email.object_id) == (None, None)


def test_inactive_users_and_users_without_an_address_are_skipped(unit):
    assert notify(UserFactory(username="gone", is_active=False), "test-plain", unit) is None
    assert notify(UserFactory(username="noaddress", email=""), "test-plain", unit) is None
    assert notify("not an address", "test-plain", unit) is None
    assert not OutboxEmail.objects.exists()


def test_a_recipient_of_another_type_is_refused(unit):
    with pytest.raises(TypeError):
        notify(42, "test-plain", unit)


def test_a_dedup_key_already_used_returns_the_existing_row_and_writes_nothing(unit):
    user = UserFactory(username="max")
    first = notify(user, "test-plain", unit, dedup_key="ack-1")
    second = notify(user, "test-plain", unit, dedup_key="ack-1")
    other = notify(user, "test-plain", unit, dedup_key="ack-2")
    assert second.pk == first.pk
    assert other.pk != first.pk
    assert OutboxEmail.objects.count() == 2


def test_a_dedup_key_holds_even_after_the_email_was_sent(unit):
    user = UserFactory(username="nina")
    first = notify(user, "test-plain", unit, dedup_key="ack-3")
    OutboxEmail.objects.filter(pk=first.pk).update(state=OutboxState.SENT)
    assert notify(user, "test-plain", unit, dedup_key="ack-3").pk == first.pk
    assert OutboxEmail.objects.count() == 1


def test_urgent_emails_take_the_urgent_queue_and_others_the_bulk_one(unit):
    user = UserFactory(username="oscar")
    assert notify(user, "test-plain", unit, urgent=True).queue == OutboxQueue.URGENT
    assert notify(user, "test-plain", unit).queue == OutboxQueue.BULK


def test_options_are_stored(unit):
    email = notify(UserFactory(username="paul"), "test-plain", unit, secret=True, reply_to="qualite@example.edu")
    assert email.contains_secret is True
    assert email.reply_to == "qualite@example.edu"
    assert email.kind == "test-plain"


def test_the_message_id_is_made_at_creation_on_the_sites_domain(unit, settings):
    settings.SITE_URL = "https://qualite.univ.example"
    first = notify(UserFactory(username="quinn"), "test-plain", unit)
    second = notify(UserFactory(username="rose"), "test-plain", unit)
    assert first.message_id.startswith("<") and first.message_id.endswith("@qualite.univ.example>")
    assert first.message_id != second.message_id


def test_notify_many_writes_once_to_each_person(unit):
    alice = UserFactory(username="alice2", email="alice2@example.edu")
    bob = UserFactory(username="bob2", email="bob2@example.edu")
    inactive = UserFactory(username="old", is_active=False)
    emails = notify_many([alice, bob, alice, "ALICE2@example.edu", inactive, "x@example.org"], "test-plain", unit)
    assert sorted(e.recipient_email for e in emails) == ["alice2@example.edu", "bob2@example.edu", "x@example.org"]


def test_notify_many_makes_the_dedup_key_personal(unit):
    alice = UserFactory(username="alice3")
    bob = UserFactory(username="bob3")
    first = notify_many([alice, bob], "test-plain", unit, dedup_key="new-request-7", urgent=True)
    again = notify_many([alice, bob], "test-plain", unit, dedup_key="new-request-7", urgent=True)
    assert [e.pk for e in again] == [e.pk for e in first]
    assert {e.dedup_key for e in first} == {f"new-request-7:user:{alice.pk}", f"new-request-7:user:{bob.pk}"}
    assert all(e.queue == OutboxQueue.URGENT for e in first)


@pytest.mark.django_db(transaction=True)
def test_with_real_transactions_a_commit_sends_and_a_rollback_leaves_nothing():
    unit = OrgUnitFactory(code="ufr-real")
    user = UserFactory(username="real")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user, "test-plain", unit, dedup_key="real-1")
        raise RuntimeError("rolled back")
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []
    with transaction.atomic():
        email = notify(user, "test-plain", unit, dedup_key="real-1")
    email.refresh_from_db()
    assert email.state == OutboxState.SENT
    assert len(mail.outbox) == 1


# --- The body is rendered when the email is sent ----------------------------------------------------------------
def test_the_row_keeps_the_context_as_primary_keys_and_renders_the_body_when_sent(unit):
    user = UserFactory(username="sam", email="sam@example.edu", first_name="Sam", last_name="Roux")
    email = notify(user, "test-greeting", unit, context={"when": WHEN, "link": "/suivi/abc/", "who": user})
    assert (email.body_text, email.body_html) == ("", "")
    assert email.context["who"] == {"$model": "core.user", "pk": user.pk}
    assert email.context["when"] == {"$date": "2026-03-01"}
    # What the context names is read when the email is sent: a name changed meanwhile shows as it is then.
    user.first_name = "Samuel"
    user.save()
    assert send_outbox_email(email.pk)
    email.refresh_from_db()
    assert "Samuel Roux" in mail.outbox[0].body and "Samuel Roux" in email.body_text
    assert email.context is None  # kept until sent, then the bodies are the record


def test_an_email_whose_object_is_gone_before_it_leaves_is_given_up(unit):
    email = notify(UserFactory(username="tom"), "test-plain", unit)
    unit.delete()
    assert not send_outbox_email(email.pk)
    email.refresh_from_db()
    assert (email.state, email.context) == (OutboxState.GIVEN_UP, None)
    assert "no longer exists" in email.last_error and mail.outbox == []


def test_a_context_value_that_cannot_be_kept_is_refused_when_written(unit):
    with pytest.raises(TypeError):
        notify(UserFactory(username="uma"), "test-plain", unit, context={"rows": OutboxEmail.objects.all()})
    with pytest.raises(TypeError):
        notify(UserFactory(username="vic"), "test-plain", unit, context={"unsaved": OrgUnitFactory.build()})
    assert not OutboxEmail.objects.exists()


def test_a_missing_body_template_is_an_error_when_written(unit, tmp_path, settings):
    (tmp_path / "emails").mkdir()
    (tmp_path / "emails" / "only-subject-subject.txt").write_text("Subject")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with pytest.raises(TemplateDoesNotExist):
        notify(UserFactory(username="wes"), "only-subject", unit)


def test_notify_many_writes_its_rows_at_once_and_queues_them_in_one_message_per_queue(
    unit, django_assert_num_queries, django_capture_on_commit_callbacks
):
    people = [UserFactory(username=f"many{i}") for i in range(3)]
    notify(people[0], "test-plain", unit)  # the site settings and the content type, read once for good
    with django_capture_on_commit_callbacks() as callbacks, django_assert_num_queries(1):
        emails = notify_many(people, "test-plain", unit, urgent=True)
    assert len(emails) == 3 and all(email.pk for email in emails)
    assert OutboxEmail.objects.count() == 4
    queued = [c.args for c in callbacks if getattr(c, "func", None) is enqueue_many]
    assert queued == [([(email.pk, OutboxQueue.URGENT) for email in emails],)]
