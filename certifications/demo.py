"""The demo certifications and labels, dated relative to today so that the demo always shows what is due:

- Qualiopi for the whole university (training actions and VAE), with two certificates, its past surveillance and
  renewal audits, findings with their actions, a minor non-conformity regraded major, and the next surveillance
  audit planned;
- ISO 9001 for the engineering school, its renewal due in five months, and this year's internal audit programme
  (one audit with the impartiality rule overridden, with its reason);
- an Eduform self-assessment partly filled, with two snapshots; Bienvenue en France level 2; Services Publics+
  for the library; and an expired label.

Idempotent: what exists (matched on its name, title or reference) is left as it is. The frameworks come from the
reference data, loaded here if needed. People and units come from ``qms.core.demo`` (by username and code); the
demo writes no email (actions are owned by the person who creates them).
"""

from __future__ import annotations

import datetime
from typing import TextIO

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from actionplans import services as action_services
from actionplans.choices import ActionKind, ActionStatus, EffectivenessResult
from certifications import reference_data, services
from certifications.choices import INTERNAL_AUDITOR, AuditStatus, AuditType, ComplianceStatus, FindingStatus
from certifications.models import (
    AssessmentSnapshot,
    Audit,
    Certification,
    Finding,
    Framework,
    InternalAuditProgramme,
)
from certifications.selectors import finding_default_unit
from processes.models import Process
from qms.core.choices import MembershipRole, Role
from qms.core.factories import MembershipFactory, UserFactory
from qms.core.models import OrgUnit, User

S = ComplianceStatus

QUALIOPI = "Qualiopi — Université de démonstration"
ISO = "ISO 9001 — École d'ingénieurs"
EDUFORM = "Eduform — Service de formation continue"
BEF = "Bienvenue en France — Université"
SPP = "Services Publics+ — Bibliothèque universitaire"
EXPIRED = "Label Eduform — IUT"

# Internal auditors: trained staff of other units (username, first name, last name, unit code).
INTERNAL_AUDITORS = [
    ("audit.caron", "Laurent", "Caron", "dept-informatique"),
    ("audit.morel", "Sandrine", "Morel", "svc-scolarite"),
]


def _moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _framework(code: str) -> Framework | None:
    return Framework.objects.filter(code=code).order_by("-effective_from", "-pk").first()


class Demo:
    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.units = {unit.code: unit for unit in OrgUnit.objects.all()}
        self.users = {
            user.username: user
            for user in User.objects.filter(username__in=["qualite", "direction", "pilote", "auditeur"])
        }
        self.by = self.users.get("qualite")
        self.created = 0

    def unit(self, code: str) -> OrgUnit:
        unit = self.units.get(code) or self.units.get("udemo")
        if unit is None:
            unit = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
        return unit

    # --- Helpers ---------------------------------------------------------------------------------------------

    def certification(self, name: str, code: str, holder: str, **fields) -> tuple[Certification, bool]:
        existing = Certification.objects.filter(name=name).first()
        if existing is not None:
            return existing, False
        framework = _framework(code)
        categories = fields.pop("categories", ())
        conditions = fields.pop("conditions", ())
        certification = services.certification_create(
            name=name,
            framework=framework,
            holder=self.unit(holder),
            owner=self.by,
            categories=framework.categories.filter(code__in=categories),
            conditions=framework.conditions.filter(code__in=conditions),
            by=self.by,
            **fields,
        )
        self.created += 1
        return certification, True

    def assess(self, certification: Certification, plan: dict[str, tuple], at: datetime.date) -> None:
        framework = certification.framework
        for reference, (status, comment, *rest) in plan.items():
            requirement = framework.requirements.get(reference=reference)
            services.assessment_save(
                certification=certification,
                requirement=requirement,
                status=status,
                comment=comment,
                justification=rest[0] if rest else "",
                owner=self.by,
                by=self.by,
                at=_moment(at),
            )

    def audit(self, certification, title, audit_type, start, days=1, **kwargs) -> Audit:
        return services.audit_create(
            title=title,
            audit_type=audit_type,
            start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
            certification=certification,
            by=self.by,
            **kwargs,
        )

    def run(self, audit: Audit, statuses, at: datetime.date) -> None:
        for status in statuses:
            if status == AuditStatus.REPORT_RECEIVED and not audit.is_internal and not audit.report_file:
                services.audit_update(
                    audit=audit,
                    report_file=ContentFile(b"%PDF-1.4\n% rapport de demonstration\n", name="rapport-audit.pdf"),
                    by=self.by,
                )
                audit.refresh_from_db()
            services.audit_transition(audit=audit, to=status, by=self.by, at=_moment(at))

    def finding(self, audit, code, reference, description, *, requirement=None, **kwargs) -> Finding:
        framework = audit.framework
        return services.finding_create(
            audit=audit,
            grade=framework.grades.get(code=code),
            requirement=framework.requirements.get(reference=requirement) if requirement else None,
            description=description,
            reference=reference,
            by=self.by,
            at=_moment(audit.end_date, 17),
            **kwargs,
        )

    def action(
        self,
        finding: Finding,
        title: str,
        *,
        created: datetime.date,
        done: datetime.date | None = None,
        effective: bool | None = None,
    ):
        plan = action_services.continuous_improvement_plan_for(org_unit=finding_default_unit(finding), by=self.by)
        action = action_services.action_import_create(
            plan=plan,
            title=title,
            by=self.by,
            owner=self.by,  # the demo's actions belong to who creates them: no email goes out
            kind=ActionKind.CORRECTIVE,
            org_unit=finding_default_unit(finding),
            deadline=finding.implementation_due,
            sources=[finding],
            at=_moment(created),
        )
        services.finding_transition(
            finding=finding, to=FindingStatus.ACTION_PLANNED, by=self.by, note="", at=_moment(created, 11)
        )
        if done is not None:
            action_services.action_transition(
                action=action, to=ActionStatus.DONE, by=self.by, completed_on=done, at=_moment(done)
            )
            services.finding_transition(
                finding=finding, to=FindingStatus.AWAITING_VERIFICATION, by=self.by, at=_moment(done, 11)
            )
            if effective is not None:
                action_services.action_check_effectiveness(
                    action=action,
                    by=self.by,
                    result=EffectivenessResult.EFFECTIVE if effective else EffectivenessResult.NOT_EFFECTIVE,
                    checked_on=done + datetime.timedelta(days=20),
                    notify_owner=False,
                )
        return action

    # --- The certifications --------------------------------------------------------------------------------------

    def qualiopi(self) -> None:
        today = self.today
        certification, new = self.certification(
            QUALIOPI,
            "qualiopi",
            "udemo",
            certifying_body="AFNOR Certification",
            scope="Actions de formation continue et actions permettant de faire valider les acquis de l'expérience "
            "(VAE) de l'université, toutes composantes.",
            categories=("AF", "VAE"),
            conditions=("certifying", "subcontracting"),
        )
        if not new:
            return
        first_issue = today - relativedelta(years=3, months=7)
        services.certificate_add(certification=certification, issued_on=first_issue, number="Q-2022-0417", by=self.by)
        # The first cycle's surveillance audit, in its window (months 14 to 22).
        surveillance = self.audit(
            certification,
            "Audit de surveillance (1er cycle)",
            AuditType.SURVEILLANCE,
            first_issue + relativedelta(months=16),
            lead_auditor_name="Auditrice AFNOR Certification",
        )
        self.run(surveillance, [AuditStatus.IN_PROGRESS], surveillance.start_date)
        self.finding(
            surveillance,
            "minor",
            "C-01",
            "Les indicateurs de résultats ne sont pas publiés pour les formations courtes.",
            requirement="I2",
            evidence_seen="Site web, fiches formation consultées le jour de l'audit.",
        )
        lifted = self.finding(
            surveillance,
            "minor",
            "C-02",
            "Le processus de veille réglementaire n'est pas formalisé.",
            requirement="I23",
            root_cause="Veille réalisée de façon informelle par deux personnes, sans traçabilité.",
        )
        self.action(
            lifted,
            "Formaliser la veille réglementaire (procédure et registre)",
            created=surveillance.end_date + datetime.timedelta(days=10),
            done=surveillance.end_date + relativedelta(months=3),
            effective=True,
        )
        services.finding_transition(
            finding=lifted,
            to=FindingStatus.CLOSED,
            by=self.by,
            at=_moment(surveillance.end_date + relativedelta(months=4)),
        )
        self.run(
            surveillance,
            [AuditStatus.REPORT_RECEIVED, AuditStatus.CLOSED],
            surveillance.end_date + relativedelta(weeks=3),
        )
        # The self-assessment before the renewal: the renewal audit's start freezes it.
        self.assess(
            certification,
            {
                "I1": (S.COMPLIANT, "Catalogue des formations publié, fiches à jour."),
                "I4": (S.COMPLIANT, "Entretien préalable systématique, trame commune."),
                "I5": (S.COMPLIANT, ""),
                "I9": (S.COMPLIANT, "Livret d'accueil remis à chaque stagiaire."),
                "I23": (S.COMPLIANT, "Registre de veille tenu par le service de formation continue."),
                "I30": (S.PARTIAL, "Enquêtes à chaud seulement."),
            },
            today - relativedelta(months=9),
        )
        # The renewal audit closes with the minor NC C-01 still open: Qualiopi regrades it major.
        renewal = self.audit(
            certification,
            "Audit de renouvellement",
            AuditType.RENEWAL,
            today - relativedelta(months=8),
            days=2,
            lead_auditor_name="Auditeur AFNOR Certification",
        )
        self.run(renewal, [AuditStatus.IN_PROGRESS], renewal.start_date)
        major = self.finding(
            renewal,
            "major",
            "C-01",
            "L'atteinte des objectifs n'est pas évaluée en fin de formation pour les actions de VAE.",
            requirement="I11",
        )
        self.action(
            major,
            "Mettre en place une évaluation de fin de parcours VAE",
            created=renewal.end_date + datetime.timedelta(days=7),
            done=renewal.end_date + relativedelta(months=2),
            effective=True,
        )
        self.finding(
            renewal,
            "minor",
            "C-02",
            "Les ressources pédagogiques en ligne ne sont pas accessibles à tous les publics.",
            requirement="I19",
        )
        self.run(renewal, [AuditStatus.REPORT_RECEIVED, AuditStatus.CLOSED], renewal.end_date + relativedelta(weeks=4))
        services.certificate_add(
            certification=certification, issued_on=today - relativedelta(months=7), number="Q-2025-0981", by=self.by
        )
        # The next surveillance audit, planned in the new certificate's window.
        self.audit(
            certification,
            "Audit de surveillance (2e cycle)",
            AuditType.SURVEILLANCE,
            today + relativedelta(months=8),
            lead_auditor=self.users.get("auditeur"),
        )
        self.assess(
            certification,
            {
                "I2": (S.PARTIAL, "Indicateurs publiés pour les diplômes, pas encore pour les formations courtes."),
                "I11": (S.PARTIAL, "Évaluation de fin de parcours VAE en cours de déploiement."),
                "I19": (S.NON_COMPLIANT, "Ressources non accessibles : plan d'action en cours."),
                "I30": (S.COMPLIANT, "Enquêtes à chaud et à froid."),
                "I31": (S.PARTIAL, "Registre des réclamations tenu dans QMS depuis cette année."),
                "I32": (S.PARTIAL, ""),
            },
            today - relativedelta(months=1),
        )
        services.snapshot_take(
            certification=certification,
            label="Préparation de l'audit de surveillance",
            by=self.by,
            at=_moment(today - relativedelta(weeks=1), 16),
        )
        i1 = certification.framework.requirements.get(reference="I1")
        services.evidence_add(
            certification=certification,
            requirement=i1,
            url="https://formation-continue.demo.univ.example/catalogue",
            label="Catalogue en ligne",
            dated=today - relativedelta(months=2),
            by=self.by,
        )
        services.evidence_add(
            certification=certification,
            requirement=certification.framework.requirements.get(reference="I23"),
            url="https://intranet.demo.univ.example/veille-reglementaire",
            label="Registre de veille",
            dated=today - relativedelta(months=14),
            by=self.by,
        )

    def iso(self) -> None:
        today = self.today
        certification, new = self.certification(
            ISO,
            "iso9001",
            "ecole-ingenieurs",
            certifying_body="AFNOR Certification",
            scope="Conception et mise en œuvre des formations d'ingénieurs (formation initiale et apprentissage).",
        )
        if new:
            services.certificate_add(
                certification=certification,
                issued_on=today - relativedelta(months=31),
                valid_until=today + relativedelta(months=5),
                number="ISO-FR-2023-118",
                by=self.by,
            )
            audit = self.audit(
                certification,
                "Audit de surveillance ISO 9001",
                AuditType.SURVEILLANCE,
                today - relativedelta(months=10),
                days=2,
                lead_auditor_name="Auditeur AFNOR Certification",
            )
            self.run(audit, [AuditStatus.IN_PROGRESS], audit.start_date)
            self.finding(
                audit,
                "PF",
                "C-01",
                "Enquêtes de satisfaction systématiques et exploitées en conseil de perfectionnement.",
                requirement="9.1.2",
            )
            self.finding(
                audit,
                "PP",
                "C-02",
                "Les indicateurs des processus support pourraient être suivis plus souvent.",
                requirement="9.1.3",
            )
            self.run(audit, [AuditStatus.REPORT_RECEIVED, AuditStatus.CLOSED], audit.end_date + relativedelta(weeks=3))
            self.assess(
                certification,
                {
                    "4.1": (S.COMPLIANT, "Analyse SWOT revue chaque année."),
                    "4.2": (S.COMPLIANT, ""),
                    "5.2.1": (S.COMPLIANT, "Politique qualité signée par la direction."),
                    "6.1.1": (S.PARTIAL, "Cartographie des risques à compléter pour les processus support."),
                    "9.1.2": (S.COMPLIANT, ""),
                    "9.2.2": (S.PARTIAL, "Programme d'audits internes en cours."),
                    "9.3.1": (S.COMPLIANT, "Revue de direction annuelle."),
                },
                today - relativedelta(weeks=6),
            )
        self.internal_programme(_framework("iso9001"))

    def internal_programme(self, framework: Framework) -> None:
        year = self.today.year
        title = f"Programme d'audits internes {year}"
        if InternalAuditProgramme.objects.filter(year=year, title=title).exists():
            return
        programme = services.programme_save(
            year=year,
            title=title,
            framework=framework,
            owner=self.by,
            objectives="Auditer chaque processus au moins une fois sur le cycle de certification.",
            by=self.by,
        )
        group, _created = Group.objects.get_or_create(name=INTERNAL_AUDITOR)
        auditors = []
        for username, first_name, last_name, unit in INTERNAL_AUDITORS:
            user = UserFactory(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@demo.univ.example",
                roles=[Role.STAFF, INTERNAL_AUDITOR],
            )
            if unit in self.units:
                MembershipFactory(user=user, org_unit=self.units[unit], role=MembershipRole.MEMBER)
            auditors.append(user)
        caron, morel = auditors
        processes = {process.code: process for process in Process.objects.filter(code__in=["R2", "R3", "S3", "S5"])}
        start = self.today.replace(month=1, day=1)
        plan = [
            ("Audit interne — Recruter, inscrire et orienter", ["svc-vie-etudiante"], ["R2"], [caron], 2, ""),
            ("Audit interne — Dispenser les formations", ["ecole-ingenieurs"], ["R3"], [morel], 4, ""),
            (
                "Audit interne — Scolarité",
                ["svc-scolarite"],
                [],
                [morel],
                6,
                "Seule auditrice formée disponible sur la période\u00a0; binôme avec un auditeur externe au service.",
            ),
            ("Audit interne — Système d'information", ["dsi"], ["S3"], [caron], 9, ""),
        ]
        for title, units, codes, team, month, override in plan:
            audit = services.audit_create(
                title=title,
                audit_type=AuditType.INTERNAL,
                start_date=start + relativedelta(months=month - 1, days=10),
                end_date=start + relativedelta(months=month - 1, days=10),
                programme=programme,
                team=team,
                audited_units=[self.units[code] for code in units if code in self.units],
                audited_processes=[processes[code] for code in codes if code in processes],
                override_reason=override,
                by=self.by,
            )
            if audit.end_date < self.today - datetime.timedelta(days=14):
                self.run(audit, [AuditStatus.IN_PROGRESS], audit.start_date)
                if month == 2:
                    self.finding(audit, "PS", "C-01", "Les dossiers d'inscription incomplets ne sont pas relancés.")
                    nc = self.finding(
                        audit,
                        "NCm",
                        "C-02",
                        "La procédure d'orientation n'est pas à jour (version de 2019).",
                        requirement="7.5.3.1",
                        implementation_due=audit.end_date + relativedelta(months=3),
                    )
                    self.action(
                        nc, "Réviser la procédure d'orientation", created=audit.end_date + datetime.timedelta(days=5)
                    )
                self.run(
                    audit,
                    [AuditStatus.REPORT_RECEIVED, AuditStatus.CLOSED],
                    audit.end_date + datetime.timedelta(days=10),
                )
            self.created += 1

    def eduform(self) -> None:
        certification, new = self.certification(
            EDUFORM,
            "eduform",
            "svc-formation-continue",
            scope="Formation continue de l'université (démarche de labellisation en préparation).",
        )
        if not new:
            return
        earlier = self.today - relativedelta(months=4)
        self.assess(
            certification,
            {
                "3.1.1/1": (S.COMPLIANT, "Site et plaquettes à jour."),
                "3.1.1/2": (S.PARTIAL, "Accueil téléphonique à renforcer."),
                "3.1.2/1": (S.NON_COMPLIANT, ""),
                "3.2.1/1": (S.PARTIAL, ""),
            },
            earlier,
        )
        services.snapshot_take(
            certification=certification, label="Autoévaluation initiale", by=self.by, at=_moment(earlier, 16)
        )
        later = self.today - relativedelta(months=1)
        self.assess(
            certification,
            {
                "3.1.1/2": (S.COMPLIANT, "Permanence téléphonique mise en place."),
                "3.1.1/3": (S.COMPLIANT, ""),
                "3.1.2/1": (S.PARTIAL, "Offre sur mesure en construction avec les entreprises partenaires."),
                "3.1.3/1": (S.COMPLIANT, ""),
                "3.2.2/1": (S.COMPLIANT, ""),
                "3.2.5/1": (S.PARTIAL, "Gestion documentaire en cours de reprise dans QMS."),
                "3.3.1/1": (S.COMPLIANT, "Stratégie de service adoptée en conseil."),
            },
            later,
        )
        services.snapshot_take(
            certification=certification, label="Point d'étape avant la candidature", by=self.by, at=_moment(later, 16)
        )

    def labels(self) -> None:
        today = self.today
        bef, new = self.certification(
            BEF,
            "bienvenue_en_france",
            "svc-ri",
            level="2",
            certifying_body="Campus France",
            scope=(
                "Accueil des étudiants internationaux\u00a0: information, guichet d'accueil, logement, accompagnement."
            ),
        )
        if new:
            services.certificate_add(
                certification=bef, issued_on=today - relativedelta(years=2, months=3), number="BEF-2-0342", by=self.by
            )
        spp, new = self.certification(
            SPP,
            "services_publics_plus",
            "bu",
            level="argent",
            certifying_body="Organisme de certification accrédité",
            scope="Accueil et services aux usagers de la bibliothèque universitaire.",
        )
        if new:
            services.certificate_add(
                certification=spp, issued_on=today - relativedelta(months=13), number="SP+-BU-2025", by=self.by
            )
            self.audit(spp, "Audit annuel Services Publics+", AuditType.SURVEILLANCE, today + relativedelta(months=2))
        expired, new = self.certification(
            EXPIRED,
            "eduform",
            "iut",
            scope="Formation continue de l'IUT (label non renouvelé).",
            show_on_public_page=False,
        )
        if new:
            services.certificate_add(
                certification=expired,
                issued_on=today - relativedelta(years=4),
                valid_until=today - relativedelta(years=1),
                number="EDU-IUT-2021",
                by=self.by,
            )


def seed(stdout: TextIO | None = None) -> None:
    reference_data.load()
    demo = Demo()
    if demo.by is None:
        # The register is kept by the quality manager of qms.core's demo; without them, only the frameworks.
        if stdout is not None:
            stdout.write("Certifications: frameworks loaded; no quality manager to keep the register.")
        return
    demo.qualiopi()
    demo.iso()
    demo.eduform()
    demo.labels()
    if stdout is not None:
        snapshots = AssessmentSnapshot.objects.count()
        stdout.write(
            f"Certifications: {Certification.objects.count()} certifications and labels, "
            f"{Audit.objects.count()} audits, {Finding.objects.count()} findings, {snapshots} snapshots "
            f"({demo.created} new)."
        )
