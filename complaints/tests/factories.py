"""factory_boy factories of the helpdesk."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from complaints.choices import ComplaintKind, ComplaintStatus, RequesterCategory
from complaints.models import Complaint, ComplaintMessage, DeadlineSetting, RedirectBody, RootCauseCategory
from qms.core.tokens import make_token


def _reference(complaint) -> str:
    from complaints.services import next_reference

    return next_reference(year=timezone.localtime(complaint.received_at).year)


class RedirectBodyFactory(DjangoModelFactory):
    class Meta:
        model = RedirectBody
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisme {n}")
    contact_details = "1 rue de la Paix\n75000 Paris"
    email = factory.LazyAttribute(lambda o: f"contact{o.name[-1:]}@example.org")


class RootCauseCategoryFactory(DjangoModelFactory):
    class Meta:
        model = RootCauseCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Cause {n}")


class DeadlineSettingFactory(DjangoModelFactory):
    class Meta:
        model = DeadlineSetting
        django_get_or_create = ("kind",)

    kind = ComplaintKind.COMPLAINT


class ComplaintFactory(DjangoModelFactory):
    """A request written straight to the database, in ``status`` (acknowledged by default), with its due dates
    computed. It does not go through ``complaint_submit``: no email, no status history. Use the service for
    that. ``token`` gives the tracking token to store (its hash) when the test needs the link."""

    class Meta:
        model = Complaint
        skip_postgeneration_save = True

    class Params:
        token = None

    received_at = factory.LazyFunction(timezone.now)
    reference = factory.LazyAttribute(_reference)
    kind = ComplaintKind.COMPLAINT
    requester_category = RequesterCategory.STUDENT
    name = factory.Faker("name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"etudiant{n}@example.org")
    language = "fr"
    subject = factory.Faker("sentence", nb_words=6, locale="fr_FR")
    description = factory.Faker("paragraph", locale="fr_FR")
    status = ComplaintStatus.ACKNOWLEDGED
    tracking_token_hash = factory.LazyAttribute(lambda o: make_token()[1] if o.token is None else _hash(o.token))
    clock_started_on = factory.LazyAttribute(lambda o: timezone.localdate(o.received_at))
    acknowledged_at = factory.LazyAttribute(lambda o: o.received_at)

    @factory.post_generation
    def deadlines(self, create, extracted, **kwargs):
        from complaints.services import refresh_deadlines

        if create and refresh_deadlines(self):
            self.save(update_fields=["take_charge_due", "answer_due"])


def _hash(token: str) -> str:
    from qms.core.tokens import hash_token

    return hash_token(token)


class ComplaintMessageFactory(DjangoModelFactory):
    class Meta:
        model = ComplaintMessage

    complaint = factory.SubFactory(ComplaintFactory)
    kind = "internal_note"
    body = factory.Faker("sentence", locale="fr_FR")
