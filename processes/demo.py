"""The demo process map of a French university, validated by its board in December 2021: management, operational
and support processes with their sheets, indicators (computed from the other apps' metrics where they exist, with
a year of history), risks of every criticality, a few opportunities, a held review and a review being drafted,
controlled documents with their version histories, and a few external documents.

Idempotent: processes are matched on their code, the rest on its reference or name; what exists is left as it is.
Owners and units are the demo people and units of ``qms.core.demo`` when they exist (by username and code). This
demo never imports action plans: the actions of the review's decisions and of the risks are seeded by
``actionplans/demo.py``, which runs after it; ``finish`` (run by ``seed_demo`` after every app's demo) takes the
computed indicators' snapshots, so that they hold the other apps' real figures.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.utils import timezone

from processes import services
from processes.choices import (
    DocumentOrigin,
    DocumentType,
    IndicatorFrequency,
    IndicatorSource,
    ProcessStatus,
    ProcessType,
    ReviewStatus,
    RiskKind,
    RiskTreatment,
    VersionStatus,
)
from processes.models import (
    Distribution,
    DistributionTarget,
    Document,
    Indicator,
    Process,
    ProcessReview,
    ReadConfirmation,
    Risk,
)
from processes.periods import closed_periods, period_of
from qms.core import metrics
from qms.core.metrics import MetricUnit
from qms.core.models import OrgUnit, User

VALIDATED_ON = datetime.date(2021, 12, 14)
VALIDATED_BY = "Conseil d'administration"

# code, name, type, owner's username, unit code, purpose
PROCESSES = [
    ("M1", "Pilotage stratégique de l'établissement", ProcessType.MANAGEMENT, "direction", "udemo",
     "Définir la stratégie de l'établissement, la décliner en objectifs et en suivre l'atteinte."),
    ("M2", "Management de la qualité et amélioration continue", ProcessType.MANAGEMENT, "qualite", "svc-qualite",
     "Faire vivre le système de management de la qualité et conduire l'amélioration continue."),
    ("M3", "Communication institutionnelle", ProcessType.MANAGEMENT, "direction", "udemo",
     "Faire connaître l'établissement, son offre et ses résultats aux parties intéressées."),
    ("M4", "Évaluer les formations et les enseignements", ProcessType.MANAGEMENT, "qualite", "svc-qualite",
     "Recueillir l'avis des étudiants et des diplômés pour améliorer les formations et les enseignements."),
    ("R1", "Élaborer et accréditer l'offre de formation", ProcessType.OPERATIONAL, "pilote", "svc-scolarite",
     "Concevoir une offre de formation adaptée aux besoins et la faire accréditer."),
    ("R2", "Recruter, inscrire et orienter les étudiants", ProcessType.OPERATIONAL, "pilote", "svc-scolarite",
     "Accueillir, sélectionner et inscrire les étudiants, et les orienter tout au long de leur parcours."),
    ("R3", "Dispenser les formations et évaluer les étudiants", ProcessType.OPERATIONAL, "pilote", "ufr-sciences",
     "Mettre en œuvre les enseignements et les évaluations prévus par les maquettes."),
    ("R4", "Formation continue et alternance", ProcessType.OPERATIONAL, "pilote", "iae",
     "Proposer aux adultes et aux alternants des parcours qualifiants (Qualiopi)."),
    ("R5", "Conduire et valoriser la recherche", ProcessType.OPERATIONAL, "direction", "udemo",
     "Soutenir les laboratoires et diffuser les résultats de la recherche."),
    ("R6", "Accompagner l'insertion professionnelle", ProcessType.OPERATIONAL, "pilote", "svc-vie-etudiante",
     "Préparer les étudiants à l'emploi et suivre le devenir des diplômés."),
    ("R7", "Développer les relations internationales", ProcessType.OPERATIONAL, "pilote.ri", "svc-ri",
     "Organiser les mobilités entrantes et sortantes et les partenariats internationaux."),
    ("S1", "Gérer les ressources humaines", ProcessType.SUPPORT, "direction", "drh",
     "Recruter, former et accompagner les personnels."),
    ("S2", "Gérer les finances et les achats", ProcessType.SUPPORT, "direction", "udemo",
     "Établir et exécuter le budget, passer les marchés."),
    ("S3", "Gérer le système d'information", ProcessType.SUPPORT, "pilote", "dsi",
     "Fournir des outils numériques disponibles, sûrs et conformes au RGPD."),
    ("S4", "Gérer le patrimoine immobilier", ProcessType.SUPPORT, "direction", "udemo",
     "Entretenir les bâtiments et les rendre accessibles."),
    ("S5", "Documentation et bibliothèques", ProcessType.SUPPORT, "pilote", "bu",
     "Donner accès aux ressources documentaires et aux espaces de travail."),
    ("S6", "Traiter les réclamations", ProcessType.SUPPORT, "qualite", "svc-qualite",
     "Recevoir, traiter et analyser les réclamations et suggestions des usagers."),
    ("S7", "Assurer la logistique, l'hygiène et la sécurité", ProcessType.SUPPORT, "direction", "udemo",
     "Garantir des conditions d'accueil et de travail sûres."),
    ("S8", "Maîtriser l'information documentée", ProcessType.SUPPORT, "qualite", "svc-qualite",
     "Rédiger, approuver, diffuser et archiver les documents du système qualité."),
]  # fmt: skip

# The content of the sheets, shared in the main: each process keeps its own purpose above.
SHEET = {
    "scope": "Du recueil des besoins à l'évaluation des résultats, pour toutes les composantes.",
    "inputs": "Besoins des étudiants et des partenaires, cadre réglementaire, orientations stratégiques.",
    "outputs": "Services rendus, décisions, enregistrements et indicateurs de suivi.",
    "beneficiaries": "Étudiants, personnels, employeurs, tutelles, partenaires.",
    "resources_people": "Pilote et suppléant, agents des services concernés, référents qualité.",
    "resources_premises": "Locaux des services centraux et des composantes.",
    "resources_equipment": "Postes de travail, salles équipées.",
    "resources_information_systems": "ENT, Apogée, GED, outil qualité.",
    "resources_budget": "Budget de fonctionnement du service pilote.",
}
INTERACTIONS = {
    "M2": ["M1", "M4", "S6", "S8"],
    "M4": ["R1", "R3", "M2"],
    "R1": ["M1", "M4", "R3"],
    "R2": ["R1", "R3", "S3", "S6"],
    "R3": ["R1", "R2", "M4", "S5"],
    "S6": ["M2", "R2"],
}
DEPUTIES = {"R2": ["referent.services"], "R3": ["referent.sciences"], "M2": ["referent.services"]}

# Manual indicators: process, name, unit, frequency, target, threshold, yearly values or (month offset → value).
MANUAL_INDICATORS = [
    ("R2", "Taux de dossiers d'inscription complets au premier dépôt", MetricUnit.PERCENT, IndicatorFrequency.MONTHLY,
     Decimal(85), Decimal(75), [78, 81, 84, 86, 88, 83, 79, 87, 90, None, 86]),
    ("R3", "Taux de réussite en première année de licence", MetricUnit.PERCENT, IndicatorFrequency.ACADEMIC_YEAR,
     Decimal(60), Decimal(50), [49, 54, 58]),
    ("R6", "Taux d'insertion des diplômés de master à 6 mois", MetricUnit.PERCENT, IndicatorFrequency.YEARLY,
     Decimal(85), Decimal(75), [82, 87]),
    ("S3", "Disponibilité de l'ENT", MetricUnit.PERCENT, IndicatorFrequency.MONTHLY,
     Decimal("99.5"), Decimal(98), [99.8, 99.6, 97.9, 99.9, 99.7, 99.1, 99.8, 99.9, 99.6, 99.7, 99.9]),
    ("S5", "Taux de satisfaction des usagers de la bibliothèque", MetricUnit.PERCENT, IndicatorFrequency.YEARLY,
     Decimal(80), Decimal(70), [76, 81]),
    ("M4", "Taux de réponse aux évaluations des enseignements", MetricUnit.PERCENT, IndicatorFrequency.ACADEMIC_YEAR,
     Decimal(40), Decimal(25), [22, 31, 38]),
]  # fmt: skip

# Computed indicators, where the metric exists: process, name, metric key, frequency, target, threshold.
COMPUTED_INDICATORS = [
    ("S6", "Demandes prises en charge dans le délai", "complaints.handled_rate", IndicatorFrequency.MONTHLY, 90, 75),
    ("S6", "Réponses données dans le délai", "complaints.answered_on_time_rate", IndicatorFrequency.MONTHLY, 85, 70),
    ("S6", "Satisfaction des demandeurs", "complaints.satisfaction", IndicatorFrequency.QUARTERLY, 80, 65),
    ("M2", "Actions réalisées dans les délais", "actionplans.on_time_rate", IndicatorFrequency.QUARTERLY, 80, 60),
    ("M2", "Avancement des plans d'action", "actionplans.completion_rate", IndicatorFrequency.QUARTERLY, 70, 50),
    ("M2", "Risques critiques", "processes.critical_risks", IndicatorFrequency.QUARTERLY, 2, 4),
]

# process, kind, description, cause, consequence, likelihood, severity, treatment, residual (l, s) or None
RISKS = [
    ("R2", RiskKind.RISK, "Perte ou retard de traitement des dossiers d'inscription",
     "Pics d'activité, saisie manuelle", "Étudiants non inscrits à la rentrée", 3, 4, RiskTreatment.REDUCE, (2, 2)),
    ("R2", RiskKind.RISK, "Information erronée donnée aux candidats", "Pages web non mises à jour",
     "Réclamations, recours", 3, 2, RiskTreatment.REDUCE, (1, 2)),
    ("R2", RiskKind.RISK, "Indisponibilité de la plateforme de candidature", "Panne d'un prestataire",
     "Candidatures perdues", 2, 4, RiskTreatment.TRANSFER, (2, 2)),
    ("R3", RiskKind.RISK, "Non-conformité des modalités de contrôle des connaissances", "Votes tardifs en conseil",
     "Annulation de délibérations", 2, 4, RiskTreatment.REDUCE, None),
    ("R3", RiskKind.RISK, "Absentéisme des enseignants vacataires", "Recrutements tardifs",
     "Heures non assurées", 3, 3, RiskTreatment.REDUCE, (2, 3)),
    ("R1", RiskKind.RISK, "Avis défavorable lors de l'accréditation", "Dossiers incomplets",
     "Fermeture de formations", 2, 4, RiskTreatment.AVOID, (1, 4)),
    ("R4", RiskKind.RISK, "Perte de la certification Qualiopi", "Indicateurs non tenus à jour",
     "Perte des financements de la formation continue", 2, 4, RiskTreatment.REDUCE, (1, 3)),
    ("R6", RiskKind.RISK, "Faible taux de réponse aux enquêtes d'insertion", "Coordonnées des diplômés obsolètes",
     "Indicateurs non publiables", 4, 2, RiskTreatment.REDUCE, (3, 2)),
    ("R7", RiskKind.RISK, "Annulation de mobilités pour raison sanitaire ou géopolitique", "Contexte international",
     "Parcours interrompus", 2, 3, RiskTreatment.ACCEPT, (2, 3)),
    ("S3", RiskKind.RISK, "Cyberattaque paralysant les services numériques", "Vulnérabilités non corrigées",
     "Arrêt de l'activité, fuite de données", 3, 4, RiskTreatment.REDUCE, (2, 4)),
    ("S3", RiskKind.RISK, "Violation de données personnelles", "Droits d'accès trop larges",
     "Sanction de la CNIL, atteinte à la réputation", 2, 3, RiskTreatment.REDUCE, (1, 3)),
    ("S1", RiskKind.RISK, "Départ de compétences clés non anticipé", "Absence de plan de relève",
     "Perte de savoir-faire", 3, 2, RiskTreatment.REDUCE, None),
    ("S2", RiskKind.RISK, "Dépassement budgétaire", "Hausse des coûts de l'énergie",
     "Gel de projets", 3, 3, RiskTreatment.ACCEPT, (3, 3)),
    ("S4", RiskKind.RISK, "Bâtiment non accessible aux personnes handicapées", "Travaux non programmés",
     "Non-conformité réglementaire", 2, 2, RiskTreatment.REDUCE, (1, 2)),
    ("S6", RiskKind.RISK, "Réclamation non traitée dans les délais", "Circuit de traitement mal connu",
     "Insatisfaction, recours", 2, 3, RiskTreatment.REDUCE, (1, 2)),
    ("S7", RiskKind.RISK, "Accident dans un laboratoire d'enseignement", "Consignes non affichées",
     "Blessure, responsabilité de l'établissement", 1, 4, RiskTreatment.REDUCE, (1, 3)),
    ("S5", RiskKind.RISK, "Baisse de la fréquentation de la bibliothèque", "Horaires peu adaptés",
     "Moindre réussite", 1, 1, RiskTreatment.ACCEPT, None),
    ("M1", RiskKind.RISK, "Objectifs du contrat d'établissement non atteints", "Pilotage insuffisant",
     "Moyens réduits par la tutelle", 2, 3, RiskTreatment.REDUCE, (2, 2)),
    ("M2", RiskKind.RISK, "Essoufflement de la démarche qualité", "Faible disponibilité des référents",
     "Échec de l'évaluation HCERES", 3, 3, RiskTreatment.REDUCE, (2, 2)),
    ("M4", RiskKind.RISK, "Taux de réponse trop faible pour exploiter les évaluations", "Questionnaires trop longs",
     "Pas d'amélioration des enseignements", 4, 3, RiskTreatment.REDUCE, (3, 2)),
    ("R2", RiskKind.OPPORTUNITY, "Dématérialiser entièrement les pièces justificatives", "Nouvel outil national",
     "Dossiers complets plus vite", 3, 3, "", None),
    ("R4", RiskKind.OPPORTUNITY, "Ouvrir des certifications professionnelles en alternance", "Demande des entreprises",
     "Nouveaux publics", 3, 2, "", None),
    ("S5", RiskKind.OPPORTUNITY, "Mutualiser les espaces de travail avec la vie étudiante", "Rénovation du campus",
     "Plus de places assises", 2, 2, "", None),
    ("M4", RiskKind.OPPORTUNITY, "Utiliser les résultats des enquêtes en conseil de perfectionnement", "",
     "Formations mieux ajustées", 4, 3, "", None),
]  # fmt: skip

# reference, title, type, process, owner, version history (number, status, months ago, summary)
DOCUMENTS = [
    ("MQ-01", "Manuel qualité", DocumentType.MANUAL, "M2", "qualite",
     [("1", VersionStatus.OBSOLETE, 40, "Première version"),
      ("2", VersionStatus.APPROVED, 14, "Cartographie 2021 intégrée")]),
    ("POL-01", "Politique qualité de l'établissement", DocumentType.POLICY, "M1", "direction",
     [("1", VersionStatus.APPROVED, 36, "Adoptée en conseil d'administration")]),
    ("PR-R2-01", "Procédure d'inscription administrative", DocumentType.PROCEDURE, "R2", "pilote",
     [("1", VersionStatus.OBSOLETE, 30, "Création"), ("2", VersionStatus.OBSOLETE, 18, "Paiement en ligne"),
      ("3", VersionStatus.APPROVED, 5, "Pièces justificatives dématérialisées"),
      ("4", VersionStatus.DRAFT, 0, "Nouveau calendrier")]),
    ("PR-S6-01", "Procédure de traitement des réclamations", DocumentType.PROCEDURE, "S6", "qualite",
     [("1", VersionStatus.APPROVED, 20, "Création"), ("2", VersionStatus.IN_REVIEW, 0, "Délais en jours ouvrés")]),
    ("IT-R3-01", "Instruction de saisie des notes", DocumentType.INSTRUCTION, "R3", "pilote",
     [("1", VersionStatus.APPROVED, 26, "Création")]),
    ("FO-R2-01", "Formulaire de demande de transfert", DocumentType.FORM, "R2", "pilote",
     [("1", VersionStatus.APPROVED, 9, "Création")]),
    ("ENR-M2-01", "Modèle de compte rendu de revue de processus", DocumentType.RECORD_TEMPLATE, "M2", "qualite",
     [("1", VersionStatus.APPROVED, 12, "Création")]),
    ("PR-S8-01", "Procédure de maîtrise de l'information documentée", DocumentType.PROCEDURE, "S8", "qualite",
     [("1", VersionStatus.APPROVED, 24, "Création")]),
]  # fmt: skip
# reference, title, issuer, process, link, edition
EXTERNAL_DOCUMENTS = [
    ("EXT-01", "Code de l'éducation", "Légifrance", "M1",
     "https://www.legifrance.gouv.fr/codes/id/LEGITEXT000006071191/", "2025"),
    ("EXT-02", "Référentiel national qualité (Qualiopi)", "Ministère du Travail", "R4",
     "https://travail-emploi.gouv.fr/formation-professionnelle/acteurs-cadre-et-qualite/qualiopi", "9"),
    ("EXT-03", "Référentiel d'évaluation des établissements", "Hcéres", "M2", "https://www.hceres.fr/", "2024-2025"),
    ("EXT-04", "Règlement général sur la protection des données", "Union européenne", "S3",
     "https://eur-lex.europa.eu/eli/reg/2016/679/oj", "2016/679"),
]  # fmt: skip

# A PDF of one page, written for the demo's document versions.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _seed_processes(users: dict[str, User], units: dict[str, OrgUnit], today: datetime.date) -> int:
    created = 0
    for index, (code, name, kind, owner, unit, purpose) in enumerate(PROCESSES):
        process, was_created = Process.objects.update_or_create(
            code=code,
            defaults={"name": name, "type": kind, "owner": users.get(owner), "org_unit": units.get(unit)},
        )
        created += was_created
        if was_created or not process.purpose:
            # A process of the first map (validated by the data migration) or a new one gets its sheet and the
            # board's validation; one whose sheet someone wrote is left as it is.
            for field, value in {"purpose": purpose, **SHEET}.items():
                if not getattr(process, field):
                    setattr(process, field, value)
            process.status = ProcessStatus.VALIDATED
            process.validated_on, process.validated_by = VALIDATED_ON, VALIDATED_BY
            process.next_review_on = process.next_review_on or today + datetime.timedelta(days=30 + (index * 37) % 330)
            process.save()
    processes = {p.code: p for p in Process.objects.filter(code__in=[p[0] for p in PROCESSES])}
    for code, others in INTERACTIONS.items():
        if not processes[code].related_processes.exists():
            processes[code].related_processes.set([processes[o] for o in others])
    for code, usernames in DEPUTIES.items():
        deputies = [users[u] for u in usernames if u in users]
        if deputies and not processes[code].deputies.exists():
            processes[code].deputies.set(deputies)
    return created


def _periods_back(frequency: str, today: datetime.date, count: int) -> list:
    """The last ``count`` closed periods of ``frequency`` before ``today``, oldest first."""
    periods = closed_periods(frequency, since=today - relativedelta(years=count + 1), today=today)
    return periods[-count:]


def _seed_indicators(processes: dict[str, Process], users: dict[str, User], today: datetime.date, by) -> int:
    created = 0
    for code, name, unit, frequency, target, threshold, values in MANUAL_INDICATORS:
        process = processes[code]
        if Indicator.objects.filter(process=process, name=name).exists():
            continue
        periods = _periods_back(frequency, today, len(values))
        indicator = services.indicator_create(
            process=process,
            by=by,
            name=name,
            unit=unit,
            frequency=frequency,
            owner=process.owner,
            tracked_from=periods[0].start,
            definition="Relevé par le pilote du processus à chaque fin de période.",
            target=target - 5,
            alert_threshold=threshold - 5,
            applies_from=periods[0].start,
        )
        # The target was raised half-way through: the older values keep the lighter one.
        services.target_set(
            indicator=indicator,
            by=by,
            applies_from=periods[len(periods) // 2].start,
            target=target,
            alert_threshold=threshold,
        )
        for period, value in zip(periods, values, strict=True):
            if value is not None:  # a period left blank: it shows in the owner's "measurements due"
                services.measurement_record(
                    indicator=indicator, by=process.owner or by, period_start=period.start, value=Decimal(str(value))
                )
        created += 1
    for code, name, key, frequency, target, threshold in COMPUTED_INDICATORS:
        if key not in metrics.registry or Indicator.objects.filter(process=processes[code], name=name).exists():
            continue
        start = period_of(frequency, today - relativedelta(years=1)).start
        services.indicator_create(
            process=processes[code],
            by=by,
            name=name,
            source=IndicatorSource.METRIC,
            metric_key=key,
            frequency=frequency,
            owner=processes[code].owner,
            tracked_from=start,
            definition=str(metrics.registry.get(key).description),
            target=Decimal(target),
            alert_threshold=Decimal(threshold),
            applies_from=start,
        )
        created += 1
    return created


def _seed_risks(processes: dict[str, Process], today: datetime.date, by) -> int:
    created = 0
    for index, (code, kind, description, cause, consequence, likelihood, severity, treatment, residual) in enumerate(
        RISKS
    ):
        process = processes[code]
        if Risk.objects.filter(process=process, description=description).exists():
            continue
        services.risk_create(
            process=process,
            by=by,
            kind=kind,
            description=description,
            cause=cause,
            consequence=consequence,
            likelihood=likelihood,
            severity=severity,
            treatment=treatment,
            residual_likelihood=residual[0] if residual else None,
            residual_severity=residual[1] if residual else None,
            review_on=today + datetime.timedelta(days=20 + 23 * index),
            at=_at(today - datetime.timedelta(days=200 + 7 * index)),
        )
        created += 1
    return created


def _seed_reviews(processes: dict[str, Process], users: dict[str, User], today: datetime.date) -> int:
    """R2: a review held three months ago, whose decisions action plans turn into actions, and the next one being
    drafted, which shows what became of them."""
    process = processes["R2"]
    owner = process.owner
    if ProcessReview.objects.filter(process=process).exists():
        return 0
    held_on = today - relativedelta(months=3)
    review = services.review_draft(
        process=process,
        by=owner,
        held_on=held_on,
        participants=(
            "Pilote du processus, responsable qualité, référente des services, deux gestionnaires de scolarité"
        ),
    )
    for text, person, months in [
        ("Dématérialiser le dépôt des pièces justificatives avant la prochaine campagne.", owner, 4),
        ("Former les gestionnaires au nouveau circuit des dossiers incomplets.", users.get("referent.services"), 2),
        ("Publier un calendrier des inscriptions unique pour toutes les composantes.", owner, 1),
    ]:
        services.decision_add(
            review=review, by=owner, text=text, owner=person, due_on=held_on + relativedelta(months=months)
        )
    services.review_update(
        review=review,
        by=owner,
        assessment=(
            "Le processus atteint ses objectifs de délai, mais le taux de dossiers complets reste sous la cible "
            "en période de pointe. Les réclamations portent surtout sur l'information des candidats."
        ),
    )
    services.review_hold(review=review, by=owner, next_review_on=today + datetime.timedelta(days=14))
    services.review_draft(process=process, by=owner, held_on=today + datetime.timedelta(days=14))
    return 2


def _version_file(number: str) -> ContentFile:
    return ContentFile(DEMO_PDF, name=f"version-{number}.pdf")


def _seed_documents(processes: dict[str, Process], users: dict[str, User], today: datetime.date, by) -> int:
    created = 0
    for reference, title, doc_type, code, owner_name, history in DOCUMENTS:
        if Document.objects.filter(reference=reference).exists():
            continue
        owner = users.get(owner_name)
        document = services.document_create(
            by=by, reference=reference, title=title, doc_type=doc_type, process=processes[code], owner=owner
        )
        for number, status, months_ago, summary in history:
            # The owner writes; someone else approves (the quality manager, else the direction, else the system).
            author = owner
            approver = next(
                (users[name] for name in ("qualite", "direction") if users.get(name) not in (None, author)), None
            )
            version = services.version_create(
                document=document, by=author, number=number, file=_version_file(number), change_summary=summary
            )
            if status == VersionStatus.DRAFT:
                continue
            services.version_submit(version=version, by=author)
            if status == VersionStatus.IN_REVIEW:
                continue
            services.version_approve(version=version, by=approver, at=_at(today - relativedelta(months=months_ago)))
        created += 1
    for reference, title, issuer, code, link, edition in EXTERNAL_DOCUMENTS:
        if Document.objects.filter(reference=reference).exists():
            continue
        document = services.document_create(
            by=by,
            reference=reference,
            title=title,
            doc_type=DocumentType.POLICY,
            process=processes[code],
            owner=users.get("qualite"),
            origin=DocumentOrigin.EXTERNAL,
            issuer=issuer,
            authoritative_url=link,
            review_period_months=12,
        )
        version = services.version_create(document=document, by=by, number=edition, link=link)
        services.version_submit(version=version, by=by)
        services.version_approve(version=version, by=by, at=_at(today - relativedelta(months=6)))
        created += 1
    return created


def _seed_distribution(users: dict[str, User], today: datetime.date) -> None:
    """The procedure of inscription in force, sent to the people who apply it: some have confirmed reading it.
    Rows are written directly: the demo sends no email."""
    document = Document.objects.filter(reference="PR-R2-01").first()
    version = document.versions.filter(status=VersionStatus.APPROVED).first() if document else None
    readers = [users[name] for name in ("pilote", "agent", "referent.services", "enseignant") if name in users]
    if version is None or not readers or version.distributions.exists():
        return
    distribution = Distribution.objects.create(
        version=version,
        message="Merci de prendre connaissance de la nouvelle version avant la campagne d'inscription.",
        sent_at=_at(today - relativedelta(months=4)),
        sent_by=users.get("qualite"),
    )
    for reader in readers:
        DistributionTarget.objects.create(distribution=distribution, kind="person", user=reader)
    for index, reader in enumerate(readers):
        ReadConfirmation.objects.create(
            version=version,
            user=reader,
            distribution=distribution,
            notified_at=distribution.sent_at,
            confirmed_at=_at(today - relativedelta(months=4) + datetime.timedelta(days=2 + index))
            if index < 2
            else None,
        )


def seed(stdout=None) -> None:
    today = timezone.localdate()
    usernames = {p[3] for p in PROCESSES} | {"qualite", "agent", "enseignant", "referent.services", "referent.sciences"}
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in={p[4] for p in PROCESSES})}
    by = users.get("qualite")
    created = _seed_processes(users, units, today)
    processes = {p.code: p for p in Process.objects.filter(code__in=[p[0] for p in PROCESSES]).select_related("owner")}
    indicators = _seed_indicators(processes, users, today, by)
    risks = _seed_risks(processes, today, by)
    reviews = _seed_reviews(processes, users, today)
    documents = _seed_documents(processes, users, today, by)
    _seed_distribution(users, today)
    if stdout is not None:
        stdout.write(
            f"Process map: {len(PROCESSES)} processes ({created} new), {indicators} indicators, {risks} risks, "
            f"{reviews} reviews, {documents} documents added."
        )


def finish(stdout=None) -> None:
    """After every app's demo: the computed indicators' snapshots of the past year, from the other apps' real data,
    and the summary of the review being drafted compiled again, now that its actions exist."""
    taken = services.take_due_snapshots()
    for review in ProcessReview.objects.filter(status=ReviewStatus.DRAFT, process__code="R2"):
        services.review_recompile(review=review, by=review.created_by)
    if stdout is not None:
        stdout.write(f"Process map: {taken} indicator snapshots taken.")
