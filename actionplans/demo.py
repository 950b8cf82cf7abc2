"""The demo action plans: the follow-up plan of an AEQES institutional evaluation (5 axes, about 90 actions,
some done, some late, some in progress, with their history) and a continuous-improvement plan.

Idempotent: a plan that already exists (by title) is left as it is. Dates are set relative to today, so that
the demo always shows late, due and done actions. People and units come from ``qms.core.demo`` (looked up by
username and code) when they exist; otherwise owners are kept as free-text labels.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from actionplans import services
from actionplans.choices import ActionKind, ActionPriority, ActionStatus, EffectivenessResult, PlanKind, PlanStatus
from actionplans.models import ActionPlan
from processes.models import Process
from qms.core.models import OrgUnit, User

AEQES_TITLE = "Plan de suivi de l'évaluation institutionnelle AEQES 2022"

# Axis → strategic objectives → specific objectives (the actions), as an AEQES follow-up plan writes them.
AEQES_PLAN: list[tuple[str, list[tuple[str, list[str]]]]] = [
    (
        "Gouvernance",
        [
            (
                "Poursuivre la formalisation du système d'assurance qualité",
                [
                    "Elaborer la cartographie des processus institutionnels",
                    "Rédiger les fiches processus des processus de pilotage",
                    "Désigner un pilote pour chaque processus",
                    "Adopter une politique qualité en conseil d'administration",
                    "Mettre en place une revue de direction annuelle",
                ],
            ),
            (
                "Renforcer le pilotage stratégique par les données",
                [
                    "Définir un tableau de bord institutionnel d'indicateurs",
                    "Automatiser la production des indicateurs de réussite",
                    "Publier un rapport annuel de performance",
                    "Former les directeurs de composante à l'usage des indicateurs",
                ],
            ),
            (
                "Associer les parties prenantes à la gouvernance",
                [
                    "Intégrer des représentants étudiants dans chaque comité qualité",
                    "Créer un conseil de perfectionnement par mention",
                    "Organiser une consultation annuelle des partenaires socio-économiques",
                    "Formaliser la charte de fonctionnement des conseils",
                ],
            ),
            (
                "Clarifier les responsabilités et les délégations",
                [
                    "Mettre à jour l'organigramme fonctionnel",
                    "Rédiger les lettres de mission des vice-présidents",
                    "Formaliser les délégations de signature",
                    "Diffuser un guide des instances aux nouveaux élus",
                    "Évaluer le fonctionnement des instances à mi-mandat",
                ],
            ),
        ],
    ),
    (
        "Qualité",
        [
            (
                "Déployer la culture qualité dans l'établissement",
                [
                    "Constituer un réseau de référents qualité dans les composantes",
                    "Organiser un séminaire annuel de la qualité",
                    "Créer un espace intranet dédié à la démarche qualité",
                    "Former les nouveaux personnels à la démarche qualité",
                ],
            ),
            (
                "Systématiser l'évaluation des enseignements",
                [
                    "Généraliser l'évaluation des enseignements par les étudiants",
                    "Atteindre un taux de réponse de 40 % aux évaluations",
                    "Restituer les résultats des évaluations aux étudiants et aux équipes",
                    "Intégrer les résultats des évaluations aux conseils de perfectionnement",
                ],
            ),
            (
                "Traiter les réclamations et les dysfonctionnements",
                [
                    "Mettre en place un dispositif centralisé de réclamations",
                    "Définir et publier les délais de réponse aux réclamations",
                    "Analyser chaque année les réclamations en revue de direction",
                    "Créer une cellule d'écoute contre les violences sexistes et sexuelles",
                ],
            ),
            (
                "Préparer les évaluations externes",
                [
                    "Rédiger le rapport d'autoévaluation institutionnelle",
                    "Organiser des audits internes croisés entre composantes",
                    "Préparer la certification Qualiopi de la formation continue",
                    "Suivre le plan d'action issu de l'évaluation AEQES",
                    "Capitaliser les bonnes pratiques repérées lors des audits",
                    "Mettre à jour la gestion documentaire qualité",
                ],
            ),
        ],
    ),
    (
        "Programmes",
        [
            (
                "Renforcer l'approche programme",
                [
                    "Rédiger le référentiel de compétences de chaque mention",
                    "Aligner les acquis d'apprentissage et les modalités d'évaluation",
                    "Publier les fiches programmes dans le catalogue en ligne",
                    "Accompagner les équipes pédagogiques par des ateliers",
                ],
            ),
            (
                "Améliorer la réussite en premier cycle",
                [
                    "Déployer le dispositif d'aide à la réussite en première année de licence",
                    "Généraliser le tutorat par les pairs",
                    "Mettre en place un suivi des étudiants en difficulté",
                    "Analyser les causes d'abandon en première année",
                ],
            ),
            (
                "Professionnaliser les formations",
                [
                    "Intégrer un stage obligatoire dans chaque licence",
                    "Développer les formations en alternance",
                    "Associer des professionnels aux jurys et aux enseignements",
                    "Suivre l'insertion professionnelle des diplômés à 18 et 30 mois",
                ],
            ),
            (
                "Développer la pédagogie numérique",
                [
                    "Équiper les salles de cours pour l'enseignement hybride",
                    "Former les enseignants à la plateforme pédagogique",
                    "Produire des ressources en ligne pour les unités fondamentales",
                    "Évaluer l'usage des outils numériques par les étudiants",
                    "Créer un service d'appui à la pédagogie",
                    "Reconnaître l'investissement pédagogique dans les carrières",
                ],
            ),
        ],
    ),
    (
        "Formation continue et recherche",
        [
            (
                "Développer la formation tout au long de la vie",
                [
                    "Élaborer un catalogue de formations courtes certifiantes",
                    "Structurer le dispositif de validation des acquis de l'expérience",
                    "Mettre en place un guichet unique de la formation continue",
                    "Proposer des parcours modulaires capitalisables",
                ],
            ),
            (
                "Renforcer le lien entre formation et recherche",
                [
                    "Adosser chaque master à une unité de recherche",
                    "Associer les étudiants de master aux séminaires des laboratoires",
                    "Développer les stages en laboratoire dès la licence",
                    "Valoriser les travaux des doctorants dans les formations",
                ],
            ),
            (
                "Accroître la visibilité de la recherche",
                [
                    "Adopter une politique de science ouverte",
                    "Déposer les publications dans l'archive ouverte institutionnelle",
                    "Organiser des journées portes ouvertes des laboratoires",
                    "Développer les partenariats de recherche avec les entreprises",
                ],
            ),
            (
                "Accompagner les doctorants",
                [
                    "Formaliser la charte du doctorat",
                    "Mettre en place un comité de suivi individuel des doctorants",
                    "Proposer des formations transversales aux doctorants",
                    "Suivre le devenir des docteurs",
                    "Réduire la durée moyenne des thèses",
                    "Créer un prix de thèse de l'établissement",
                ],
            ),
        ],
    ),
    (
        "Support",
        [
            (
                "Moderniser le système d'information",
                [
                    "Déployer un nouvel outil de gestion de la scolarité",
                    "Dématérialiser les inscriptions administratives",
                    "Mettre en place un entrepôt de données décisionnel",
                    "Renforcer la sécurité des systèmes d'information",
                ],
            ),
            (
                "Améliorer la vie étudiante",
                [
                    "Réaliser une enquête annuelle sur les conditions de vie étudiante",
                    "Étendre les horaires d'ouverture de la bibliothèque",
                    "Créer un guichet d'accueil des étudiants internationaux",
                    "Développer l'offre de santé et d'accompagnement psychologique",
                ],
            ),
            (
                "Gérer les ressources humaines par les compétences",
                [
                    "Élaborer un plan de formation des personnels",
                    "Généraliser les entretiens professionnels annuels",
                    "Construire une gestion prévisionnelle des emplois et des compétences",
                    "Formaliser le parcours d'accueil des nouveaux personnels",
                ],
            ),
            (
                "Optimiser la gestion financière et patrimoniale",
                [
                    "Mettre en place un contrôle interne comptable",
                    "Élaborer un schéma directeur immobilier",
                    "Réaliser un plan de sobriété énergétique",
                    "Mettre en accessibilité les bâtiments d'enseignement",
                    "Développer la comptabilité analytique",
                    "Rationaliser les achats par des marchés mutualisés",
                ],
            ),
        ],
    ),
]

# Who answers for each axis: demo usernames, and the labels a spreadsheet writes for services and groups.
AXIS_OWNERS = {
    "Gouvernance": (["direction", "qualite"], ["Présidence", "Direction générale des services"]),
    "Qualité": (["qualite", "referent.sciences", "referent.lettres"], ["Service qualité", "Réseau des référents"]),
    "Programmes": (["pilote", "enseignant", "referent.sciences"], ["VP Formation", "Direction des études"]),
    "Formation continue et recherche": (["pilote", "direction"], ["Service formation continue", "VP Recherche"]),
    "Support": (["agent", "pilote"], ["DSI", "DRH", "Direction du patrimoine", "Agence comptable"]),
}
AXIS_PROCESSES = {
    "Gouvernance": "M1",
    "Qualité": "M2",
    "Programmes": "R1",
    "Formation continue et recherche": "R4",
    "Support": "S3",
}

UPDATE_COMMENTS = [
    "Groupe de travail constitué, première réunion tenue.",
    "Premier livrable présenté au comité qualité.",
    "Consultation des composantes en cours.",
    "Document validé en comité de direction, diffusion prévue.",
    "Retard lié à la disponibilité des équipes ; nouvelle échéance proposée.",
]

CONTINUOUS_IMPROVEMENT = [
    ("Afficher les horaires d'accueil de la scolarité sur le site", ActionKind.CORRECTION, 20, ActionStatus.DONE),
    (
        "Revoir la procédure de délivrance des attestations de réussite",
        ActionKind.CORRECTIVE,
        -15,
        ActionStatus.IN_PROGRESS,
    ),
    ("Former les agents d'accueil au traitement des réclamations", ActionKind.PREVENTIVE, 45, ActionStatus.PLANNED),
    ("Mettre en ligne une FAQ sur les inscriptions pédagogiques", ActionKind.IMPROVEMENT, 30, ActionStatus.IN_PROGRESS),
    ("Corriger les erreurs de notes signalées en licence 2", ActionKind.CORRECTION, -40, ActionStatus.DONE),
    ("Rappeler les délais de publication des emplois du temps", ActionKind.CORRECTIVE, -5, ActionStatus.PLANNED),
    ("Ajouter une borne de réservation de salles à la bibliothèque", ActionKind.IMPROVEMENT, 90, ActionStatus.PLANNED),
    ("Vérifier l'accessibilité des supports de cours en ligne", ActionKind.PREVENTIVE, 60, ActionStatus.PLANNED),
]


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _seed_aeqes(today: datetime.date, users: dict[str, User], units: dict[str, OrgUnit], by: User | None) -> int:
    rng = random.Random(2022)  # the same demo every time
    start = today - datetime.timedelta(days=3 * 365)
    plan = services.plan_create(
        title=AEQES_TITLE,
        kind=PlanKind.INSTITUTIONAL_EVALUATION,
        org_unit=units.get("udemo"),
        owner=users.get("qualite"),
        period_start=start,
        period_end=today + datetime.timedelta(days=2 * 365),
        source="Évaluation institutionnelle AEQES 2022",
        description="Plan d'action adopté en conseil d'administration à la suite du rapport d'évaluation.",
        by=by,
    )
    processes = {p.code: p for p in Process.objects.filter(code__in=AXIS_PROCESSES.values())}
    count = 0
    for axis_number, (axis_title, objectives) in enumerate(AEQES_PLAN, start=1):
        axis = services.axis_create(plan=plan, title=axis_title, code=str(axis_number), by=by)
        owner_names, owner_labels = AXIS_OWNERS[axis_title]
        for objective_number, (objective_title, titles) in enumerate(objectives, start=1):
            objective = services.objective_create(plan=plan, axis=axis, title=objective_title, by=by)
            for action_number, title in enumerate(titles, start=1):
                count += 1
                deadline = start + datetime.timedelta(days=120 + (count * 1500) // 90 + rng.randint(-30, 30))
                created = start + datetime.timedelta(days=rng.randint(0, 60))
                owner = users.get(rng.choice(owner_names)) if rng.random() < 0.7 else None
                action = services.action_import_create(
                    plan=plan,
                    objective=objective,
                    reference=f"{axis_number}.{objective_number}.{action_number}",
                    title=title,
                    kind=ActionKind.STRATEGIC,
                    owner=owner,
                    owner_label="" if owner else rng.choice(owner_labels),
                    org_unit=units.get("udemo"),
                    process=processes.get(AXIS_PROCESSES[axis_title]) if rng.random() < 0.5 else None,
                    priority=rng.choice([ActionPriority.NORMAL, ActionPriority.NORMAL, ActionPriority.HIGH]),
                    start_date=created,
                    deadline=deadline,
                    expected_result=f"{title} : livrable validé et diffusé.",
                    indicator="Livrable adopté (oui/non)" if rng.random() < 0.5 else "Taux de réalisation (%)",
                    by=by,
                    notify_owner=False,
                    at=_at(created),
                )
                _play_history(action, today, rng, by)
    return count


def _play_history(action, today: datetime.date, rng: random.Random, by: User | None) -> None:
    """Move the action through a plausible history: most past actions done, some late, some cancelled."""
    deadline = action.deadline
    roll = rng.random()
    if deadline < today:
        outcome = "done" if roll < 0.68 else "late" if roll < 0.95 else "cancelled"
    else:
        outcome = "done" if roll < 0.12 else "in_progress" if roll < 0.6 else "planned"
    if outcome == "planned":
        return
    begun = min(action.start_date + datetime.timedelta(days=rng.randint(20, 90)), today)
    progress = rng.choice([20, 30, 40, 50, 60, 70, 80])
    services.action_add_update(
        action=action, by=action.owner or by, comment=rng.choice(UPDATE_COMMENTS), progress=progress, at=_at(begun)
    )
    if outcome == "cancelled":
        services.action_transition(
            action=action,
            to=ActionStatus.CANCELLED,
            by=by,
            note="Action reprise dans le nouveau contrat d'établissement.",
            at=_at(min(deadline, today)),
        )
    elif outcome == "done":
        completed = min(deadline + datetime.timedelta(days=rng.randint(-45, 20)), today)
        completed = max(completed, begun)
        services.action_transition(
            action=action, to=ActionStatus.DONE, by=action.owner or by, completed_on=completed, at=_at(completed)
        )
        check_day = completed + datetime.timedelta(days=90)
        if check_day < today and rng.random() < 0.5:
            effective = rng.random() < 0.85
            services.action_check_effectiveness(
                action=action,
                by=by,
                result=EffectivenessResult.EFFECTIVE if effective else EffectivenessResult.NOT_EFFECTIVE,
                checked_on=check_day,
                comment="Résultat constaté en revue de direction." if effective else "Objectif non atteint.",
                start_follow_up=not effective,
                follow_up_deadline=today + datetime.timedelta(days=120) if not effective else None,
                notify_owner=False,
            )


def _seed_continuous_improvement(
    today: datetime.date, users: dict[str, User], units: dict[str, OrgUnit], by: User | None
) -> int:
    plan = services.continuous_improvement_plan_for(org_unit=None, by=by)
    if plan.actions.exists():
        return 0
    if plan.owner_id is None and users.get("qualite"):
        services.plan_update(plan=plan, by=by, owner=users["qualite"])
    owners = [users.get(name) for name in ("agent", "referent.sciences", "referent.lettres", "pilote")]
    process = Process.objects.filter(code="R2").first()
    for index, (title, kind, offset, status) in enumerate(CONTINUOUS_IMPROVEMENT):
        created = today - datetime.timedelta(days=60 - index * 5)
        action = services.action_import_create(
            plan=plan,
            title=title,
            kind=kind,
            owner=owners[index % len(owners)],
            owner_label="" if owners[index % len(owners)] else "Direction des études",
            org_unit=units.get("ufr-sciences") if index % 2 else units.get("ufr-lettres"),
            process=process if index % 3 == 0 else None,
            deadline=today + datetime.timedelta(days=offset),
            by=by,
            notify_owner=False,
            at=_at(created),
        )
        if status != ActionStatus.PLANNED:
            services.action_add_update(
                action=action,
                by=by,
                comment="Prise en charge par le service concerné.",
                progress=50,
                at=_at(created + datetime.timedelta(days=7)),
            )
        if status == ActionStatus.DONE:
            services.action_transition(
                action=action,
                to=ActionStatus.DONE,
                by=by,
                completed_on=created + datetime.timedelta(days=14),
                at=_at(created + datetime.timedelta(days=14)),
            )
    return len(CONTINUOUS_IMPROVEMENT)


def seed(stdout=None) -> None:
    today = timezone.localdate()
    usernames = {"qualite", "direction", "pilote", "enseignant", "agent", "referent.sciences", "referent.lettres"}
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=["udemo", "ufr-sciences", "ufr-lettres"])}
    by = users.get("qualite")
    created = 0
    if not ActionPlan.objects.filter(title=AEQES_TITLE).exists():
        created += _seed_aeqes(today, users, units, by)
    created += _seed_continuous_improvement(today, users, units, by)
    if not ActionPlan.objects.filter(kind=PlanKind.CONTINUOUS_IMPROVEMENT, status=PlanStatus.ACTIVE).exists():
        raise RuntimeError("The continuous-improvement plan is missing.")
    if stdout is not None:
        stdout.write(f"Action plans: {created} actions added.")
