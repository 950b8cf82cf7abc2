"""The demo process map: the management, operational and support processes of a French university.

Idempotent: processes are matched on their code. Their owners and units are the demo people and units of
``qms.core.demo`` when they exist (looked up by username and code), else left empty.
"""

from __future__ import annotations

from processes.choices import ProcessType
from processes.models import Process
from qms.core.models import OrgUnit, User

# code, name, type, owner's username, unit code
PROCESSES = [
    ("M1", "Pilotage stratégique de l'établissement", ProcessType.MANAGEMENT, "direction", "udemo"),
    ("M2", "Management de la qualité et amélioration continue", ProcessType.MANAGEMENT, "qualite", "svc-qualite"),
    ("M3", "Communication institutionnelle", ProcessType.MANAGEMENT, "direction", "udemo"),
    ("R1", "Élaborer et accréditer l'offre de formation", ProcessType.OPERATIONAL, "pilote", "udemo"),
    ("R2", "Recruter, inscrire et orienter les étudiants", ProcessType.OPERATIONAL, "pilote", "svc-vie-etudiante"),
    ("R3", "Dispenser les formations et évaluer les étudiants", ProcessType.OPERATIONAL, "pilote", "ufr-sciences"),
    ("R4", "Formation continue et alternance", ProcessType.OPERATIONAL, "pilote", "iae"),
    ("R5", "Conduire et valoriser la recherche", ProcessType.OPERATIONAL, "direction", "udemo"),
    ("R6", "Accompagner l'insertion professionnelle", ProcessType.OPERATIONAL, "pilote", "svc-vie-etudiante"),
    ("R7", "Développer les relations internationales", ProcessType.OPERATIONAL, "pilote", "svc-ri"),
    ("S1", "Gérer les ressources humaines", ProcessType.SUPPORT, "direction", "udemo"),
    ("S2", "Gérer les finances et les achats", ProcessType.SUPPORT, "direction", "udemo"),
    ("S3", "Gérer le système d'information", ProcessType.SUPPORT, "pilote", "udemo"),
    ("S4", "Gérer le patrimoine immobilier", ProcessType.SUPPORT, "direction", "udemo"),
    ("S5", "Documentation et bibliothèques", ProcessType.SUPPORT, "pilote", "bu"),
]


def seed(stdout=None) -> None:
    users = {user.username: user for user in User.objects.filter(username__in={p[3] for p in PROCESSES})}
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in={p[4] for p in PROCESSES})}
    created = 0
    for code, name, kind, owner, unit in PROCESSES:
        _process, was_created = Process.objects.get_or_create(
            code=code,
            defaults={"name": name, "type": kind, "owner": users.get(owner), "org_unit": units.get(unit)},
        )
        created += was_created
    if stdout is not None:
        stdout.write(f"Process map: {len(PROCESSES)} processes ({created} new).")
