"""factory_boy factories of the certifications (bare rows: use the services when history and logs matter)."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from certifications.choices import AuditType, FrameworkKind, GradeKind
from certifications.models import Audit, Certification, Framework, Grade, Requirement
from qms.core.factories import OrgUnitFactory


class FrameworkFactory(DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ("code", "version")

    code = factory.Sequence(lambda n: f"framework-{n}")
    name = factory.Sequence(lambda n: f"Référentiel {n}")
    version = "1"
    kind = FrameworkKind.LABEL


class RequirementFactory(DjangoModelFactory):
    class Meta:
        model = Requirement

    framework = factory.SubFactory(FrameworkFactory)
    reference = factory.Sequence(lambda n: f"R{n}")
    title = factory.Sequence(lambda n: f"Exigence {n}")
    position = factory.Sequence(lambda n: n)


class GradeFactory(DjangoModelFactory):
    class Meta:
        model = Grade
        django_get_or_create = ("framework", "code")

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"G{n}")
    label = factory.Sequence(lambda n: f"Grade {n}")
    kind = GradeKind.MINOR_NC
    needs_action = True


class CertificationFactory(DjangoModelFactory):
    class Meta:
        model = Certification

    name = factory.Sequence(lambda n: f"Certification {n}")
    framework = factory.SubFactory(FrameworkFactory)
    holder = factory.SubFactory(OrgUnitFactory)


class AuditFactory(DjangoModelFactory):
    class Meta:
        model = Audit

    title = factory.Sequence(lambda n: f"Audit {n}")
    certification = factory.SubFactory(CertificationFactory)
    framework = factory.SelfAttribute("certification.framework")
    audit_type = AuditType.SURVEILLANCE
    start_date = datetime.date(2025, 3, 10)
    end_date = datetime.date(2025, 3, 11)


def build_framework(size: int, *, code: str = "big", per_criterion: int = 10) -> Framework:
    """A framework of ``size`` requirements: criteria of ``per_criterion`` leaves each (for query budgets)."""
    from certifications.services.frameworks import create_default_scale, rebuild_tree

    framework = FrameworkFactory(code=code, name=f"Référentiel {code}", version="1")
    criteria = []
    position = 0
    remaining = size
    while remaining > 0:
        position += 1
        criterion = Requirement.objects.create(
            framework=framework, reference=f"C{len(criteria) + 1}", title="Critère", position=position
        )
        criteria.append(criterion)
        remaining -= 1
        leaves = []
        for index in range(min(per_criterion, remaining)):
            position += 1
            leaves.append(
                Requirement(
                    framework=framework,
                    parent=criterion,
                    reference=f"C{len(criteria)}.{index + 1}",
                    title=f"Indicateur {index + 1}",
                    position=position,
                )
            )
        Requirement.objects.bulk_create(leaves)
        remaining -= len(leaves)
    rebuild_tree(framework)
    create_default_scale(framework)
    return framework
