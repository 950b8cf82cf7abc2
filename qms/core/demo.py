"""The demo university: its organisation, academic years, programmes and courses, and the demo accounts.

``manage.py seed_demo`` calls ``seed(stdout)`` first (qms.core comes first in INSTALLED_APPS), then each app's own
``demo.seed``, which finds what it needs here by code or username: units "udemo", "ufr-sciences", "ufr-lettres",
"ecole-ingenieurs", "iae", "svc-qualite", "bu", "svc-ri", "svc-vie-etudiante" …; accounts "qualite",
"referent.sciences", "referent.lettres", "pilote", "direction", "enseignant", "auditeur", "agent", "admin".

Everything is built from the factories of ``qms.core.factories`` and matched on its code or username, so a second
run creates nothing. Names are fixed, not drawn at random, so that the demo reads the same everywhere.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TextIO

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from qms.core.choices import MembershipRole, OrgUnitKind, ProgrammeLevel, Role, Semester, StudyMode
from qms.core.factories import (
    DEMO_PASSWORD,
    AcademicYearFactory,
    CourseFactory,
    MembershipFactory,
    OrgUnitFactory,
    ProgrammeFactory,
    UserFactory,
)
from qms.core.models import AcademicYear, Course, Membership, OrgUnit, Programme, Teaching, User

INSTITUTION_CODE = "udemo"
EMAIL_DOMAIN = "demo.univ.example"

# --- The organisation: (code, name, kind, parent code) in tree order --------------------------------------------
UNITS: list[tuple[str, str, str, str | None]] = [
    (INSTITUTION_CODE, "Université de démonstration", OrgUnitKind.INSTITUTION, None),
    # Faculties (UFR), schools and institutes, with their departments
    ("ufr-sciences", "UFR Sciences et techniques", OrgUnitKind.UFR, INSTITUTION_CODE),
    ("dept-informatique", "Département d'informatique", OrgUnitKind.DEPARTMENT, "ufr-sciences"),
    ("dept-mathematiques", "Département de mathématiques", OrgUnitKind.DEPARTMENT, "ufr-sciences"),
    ("dept-physique-chimie", "Département de physique et chimie", OrgUnitKind.DEPARTMENT, "ufr-sciences"),
    ("dept-biologie", "Département de biologie", OrgUnitKind.DEPARTMENT, "ufr-sciences"),
    ("ufr-lettres", "UFR Lettres, langues et sciences humaines", OrgUnitKind.UFR, INSTITUTION_CODE),
    ("dept-lettres", "Département de lettres modernes", OrgUnitKind.DEPARTMENT, "ufr-lettres"),
    ("dept-langues", "Département de langues étrangères appliquées", OrgUnitKind.DEPARTMENT, "ufr-lettres"),
    ("dept-histoire", "Département d'histoire et de géographie", OrgUnitKind.DEPARTMENT, "ufr-lettres"),
    ("dept-psychologie", "Département de psychologie", OrgUnitKind.DEPARTMENT, "ufr-lettres"),
    ("ufr-droit", "UFR Droit, économie, gestion", OrgUnitKind.UFR, INSTITUTION_CODE),
    ("dept-droit", "Département de droit", OrgUnitKind.DEPARTMENT, "ufr-droit"),
    ("dept-economie", "Département d'économie et de gestion", OrgUnitKind.DEPARTMENT, "ufr-droit"),
    ("ufr-sante", "UFR Santé", OrgUnitKind.UFR, INSTITUTION_CODE),
    ("dept-medecine", "Département de médecine", OrgUnitKind.DEPARTMENT, "ufr-sante"),
    ("dept-sante-publique", "Département de santé publique", OrgUnitKind.DEPARTMENT, "ufr-sante"),
    ("ecole-ingenieurs", "École d'ingénieurs", OrgUnitKind.SCHOOL, INSTITUTION_CODE),
    ("dept-ing-numerique", "Département Informatique et numérique", OrgUnitKind.DEPARTMENT, "ecole-ingenieurs"),
    ("dept-ing-genie-civil", "Département Génie civil et construction durable", OrgUnitKind.DEPARTMENT,
     "ecole-ingenieurs"),
    ("iae", "IAE — École universitaire de management", OrgUnitKind.INSTITUTE, INSTITUTION_CODE),
    ("iut", "IUT — Institut universitaire de technologie", OrgUnitKind.INSTITUTE, INSTITUTION_CODE),
    ("dept-iut-info", "Département Informatique (IUT)", OrgUnitKind.DEPARTMENT, "iut"),
    ("dept-iut-gea", "Département Gestion des entreprises et des administrations", OrgUnitKind.DEPARTMENT, "iut"),
    ("dept-iut-rt", "Département Réseaux et télécommunications", OrgUnitKind.DEPARTMENT, "iut"),
    ("ecole-doctorale", "École doctorale Sciences, technologies, santé", OrgUnitKind.SCHOOL, INSTITUTION_CODE),
    # Central services
    ("svc-qualite", "Service qualité", OrgUnitKind.SERVICE, INSTITUTION_CODE),
    ("svc-scolarite", "Direction des études et de la scolarité", OrgUnitKind.SERVICE, INSTITUTION_CODE),
    ("bu", "Bibliothèque universitaire", OrgUnitKind.LIBRARY, INSTITUTION_CODE),
    ("bu-sciences", "Bibliothèque Sciences et techniques", OrgUnitKind.LIBRARY, "bu"),
    ("bu-lettres", "Bibliothèque Lettres et sciences humaines", OrgUnitKind.LIBRARY, "bu"),
    ("svc-ri", "Direction des relations internationales", OrgUnitKind.SERVICE, INSTITUTION_CODE),
    ("svc-vie-etudiante", "Service de la vie étudiante", OrgUnitKind.SERVICE, INSTITUTION_CODE),
    ("svc-handicap", "Mission handicap", OrgUnitKind.SERVICE, "svc-vie-etudiante"),
    ("svc-formation-continue", "Service de formation continue et de l'alternance", OrgUnitKind.SERVICE,
     INSTITUTION_CODE),
    ("dsi", "Direction des systèmes d'information", OrgUnitKind.SERVICE, INSTITUTION_CODE),
    ("drh", "Direction des ressources humaines", OrgUnitKind.SERVICE, INSTITUTION_CODE),
]  # fmt: skip

# --- Academic years: (start year, current) ----------------------------------------------------------------------
YEARS: list[tuple[int, bool]] = [(2024, False), (2025, True)]


# --- People -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    unit: str | None  # their unit: they are at least a plain member of it (None: not a member of staff)
    roles: tuple[str, ...] = ()  # role groups, beside "staff" for every member of staff
    # Memberships beyond the plain one, as (membership role, unit code): what gives referents their scope.
    memberships: tuple[tuple[str, str], ...] = ()
    title: str = ""  # what they are, shown in the accounts table
    is_superuser: bool = False


ACCOUNTS: list[Person] = [
    Person("qualite", "Claire", "Martin", "svc-qualite", (Role.QUALITY_MANAGER,),
           ((MembershipRole.HEAD, "svc-qualite"),), "Responsable SMQ"),
    Person("referent.sciences", "Julien", "Moreau", "ufr-sciences", (Role.QUALITY_REFERENT,),
           ((MembershipRole.QUALITY_REFERENT, "ufr-sciences"),), "Référent qualité, UFR Sciences et techniques"),
    Person("referent.lettres", "Sophie", "Lambert", "ufr-lettres", (Role.QUALITY_REFERENT,),
           ((MembershipRole.QUALITY_REFERENT, "ufr-lettres"),), "Référente qualité, UFR Lettres, langues et SHS"),
    Person("pilote", "Isabelle", "Dupuis", "svc-scolarite", (Role.PROCESS_OWNER,),
           ((MembershipRole.PROCESS_OWNER, "svc-scolarite"), (MembershipRole.HEAD, "svc-scolarite")),
           "Pilote de processus, directrice des études et de la scolarité"),
    Person("direction", "Philippe", "Garnier", INSTITUTION_CODE, (Role.DIRECTOR,),
           ((MembershipRole.DIRECTOR, INSTITUTION_CODE),), "Vice-président formation et vie universitaire"),
    Person("enseignant", "Marc", "Dubois", "dept-informatique", (Role.TEACHER,), (),
           "Enseignant-chercheur en informatique"),
    Person("auditeur", "Hélène", "Chevalier", None, (Role.AUDITOR,), (),
           "Auditrice externe : ne voit que ce qui lui est confié"),
    Person("agent", "Nathalie", "Petit", "bu", (), (), "Agente de la bibliothèque universitaire"),
    Person("admin", "Admin", "QMS", "dsi", (), (), "Administrateur (admin Django)", is_superuser=True),
]  # fmt: skip

OTHER_STAFF: list[Person] = [
    Person("referent.droit", "Nicolas", "Girard", "ufr-droit", (Role.QUALITY_REFERENT,),
           ((MembershipRole.QUALITY_REFERENT, "ufr-droit"),), "Référent qualité, UFR Droit, économie, gestion"),
    Person("referent.sante", "Émilie", "Roux", "ufr-sante", (Role.QUALITY_REFERENT,),
           ((MembershipRole.QUALITY_REFERENT, "ufr-sante"),), "Référente qualité, UFR Santé"),
    Person("referent.ingenieurs", "Thomas", "Fournier", "ecole-ingenieurs", (Role.QUALITY_REFERENT,),
           ((MembershipRole.QUALITY_REFERENT, "ecole-ingenieurs"),), "Référent qualité, école d'ingénieurs"),
    Person("referent.iae", "Camille", "Bonnet", "iae", (Role.QUALITY_REFERENT,),
           ((MembershipRole.QUALITY_REFERENT, "iae"),), "Référente qualité, IAE"),
    Person("referent.iut", "Antoine", "Mercier", "iut", (Role.QUALITY_REFERENT,),
           ((MembershipRole.QUALITY_REFERENT, "iut"),), "Référent qualité, IUT"),
    Person("referent.services", "Laure", "Vasseur", "svc-qualite", (Role.QUALITY_REFERENT,),
           ((MembershipRole.QUALITY_REFERENT, "bu"), (MembershipRole.QUALITY_REFERENT, "svc-vie-etudiante"),
            (MembershipRole.QUALITY_REFERENT, "svc-ri")),
           "Référente qualité des services (BU, vie étudiante, relations internationales)"),
    Person("cellule.ecoute", "Valérie", "Lefort", "svc-vie-etudiante", (Role.SENSITIVE_CASES,), (),
           "Cellule d'écoute (violences sexistes et sexuelles, harcèlement, discriminations)"),
    Person("pilote.ri", "Karim", "Benali", "svc-ri", (Role.PROCESS_OWNER,),
           ((MembershipRole.PROCESS_OWNER, "svc-ri"), (MembershipRole.HEAD, "svc-ri")),
           "Pilote de processus, directeur des relations internationales"),
    Person("pilote.bu", "Agnès", "Royer", "bu", (Role.PROCESS_OWNER,),
           ((MembershipRole.PROCESS_OWNER, "bu"), (MembershipRole.HEAD, "bu")),
           "Pilote de processus, directrice de la bibliothèque"),
]  # fmt: skip

# Teachers: (username, first name, last name, unit code).
TEACHERS: list[tuple[str, str, str, str]] = [
    ("anne.rousseau", "Anne", "Rousseau", "dept-informatique"),
    ("pierre.blanc", "Pierre", "Blanc", "dept-informatique"),
    ("lucie.faure", "Lucie", "Faure", "dept-informatique"),
    ("francois.henry", "François", "Henry", "dept-mathematiques"),
    ("sarah.perrin", "Sarah", "Perrin", "dept-mathematiques"),
    ("olivier.robin", "Olivier", "Robin", "dept-physique-chimie"),
    ("manon.gauthier", "Manon", "Gauthier", "dept-physique-chimie"),
    ("laurent.morel", "Laurent", "Morel", "dept-biologie"),
    ("ines.lemoine", "Inès", "Lemoine", "dept-biologie"),
    ("catherine.dumont", "Catherine", "Dumont", "dept-lettres"),
    ("hugo.marchand", "Hugo", "Marchand", "dept-lettres"),
    ("emma.schneider", "Emma", "Schneider", "dept-langues"),
    ("david.nguyen", "David", "Nguyen", "dept-langues"),
    ("jean.leroy", "Jean", "Leroy", "dept-histoire"),
    ("chloe.benard", "Chloé", "Bénard", "dept-psychologie"),
    ("guillaume.caron", "Guillaume", "Caron", "dept-droit"),
    ("alice.fabre", "Alice", "Fabre", "dept-droit"),
    ("mathieu.picard", "Mathieu", "Picard", "dept-economie"),
    ("patrick.vidal", "Patrick", "Vidal", "dept-medecine"),
    ("nadia.haddad", "Nadia", "Haddad", "dept-sante-publique"),
    ("sebastien.renard", "Sébastien", "Renard", "dept-ing-numerique"),
    ("julie.collet", "Julie", "Collet", "dept-ing-genie-civil"),
    ("benoit.masson", "Benoît", "Masson", "iae"),
    ("aurelie.brun", "Aurélie", "Brun", "iae"),
    ("romain.giraud", "Romain", "Giraud", "dept-iut-info"),
    ("elodie.arnaud", "Élodie", "Arnaud", "dept-iut-gea"),
    ("kevin.bertin", "Kévin", "Bertin", "dept-iut-rt"),
    ("martine.lacroix", "Martine", "Lacroix", "ecole-doctorale"),
]


# --- Programmes and their courses ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    level: str
    mode: str
    unit: str
    director: str
    # (title, semester, teacher username); each course's code is the programme's code and its rank.
    courses: list[tuple[str, str, str]] = field(default_factory=list)
    shared: tuple[str, ...] = ()  # codes of SHARED_COURSES that this programme also uses


S = Semester
# Courses that several programmes share: (code, title, semester, unit, teacher).
SHARED_COURSES: list[tuple[str, str, str, str, str]] = [
    ("ANG-SCI", "Anglais scientifique", S.S3, "dept-langues", "david.nguyen"),
    ("PPP-L1", "Projet personnel et professionnel", S.S2, "ufr-sciences", "lucie.faure"),
    ("MET-RECH", "Méthodologie de la recherche", S.S7, "ecole-doctorale", "martine.lacroix"),
]

PROGRAMMES: list[ProgrammeSpec] = [
    ProgrammeSpec("L-INFO", "Licence Informatique", ProgrammeLevel.LICENCE, StudyMode.INITIAL, "dept-informatique",
                  "anne.rousseau", [
                      ("Algorithmique et programmation", S.S1, "enseignant"),
                      ("Architecture des ordinateurs", S.S2, "lucie.faure"),
                      ("Structures de données", S.S3, "enseignant"),
                      ("Bases de données relationnelles", S.S4, "anne.rousseau"),
                      ("Systèmes d'exploitation", S.S5, "pierre.blanc"),
                      ("Projet de génie logiciel", S.S6, "enseignant"),
                  ], ("ANG-SCI", "PPP-L1")),
    ProgrammeSpec("M-INFO", "Master Informatique — parcours Génie logiciel", ProgrammeLevel.MASTER,
                  StudyMode.INITIAL, "dept-informatique", "pierre.blanc", [
                      ("Architectures logicielles", S.S7, "pierre.blanc"),
                      ("Apprentissage automatique", S.S7, "anne.rousseau"),
                      ("Sécurité des applications web", S.S8, "enseignant"),
                      ("Cloud et systèmes distribués", S.S9, "lucie.faure"),
                      ("Stage de fin d'études", S.S10, "pierre.blanc"),
                  ], ("MET-RECH",)),
    ProgrammeSpec("L-MATH", "Licence Mathématiques", ProgrammeLevel.LICENCE, StudyMode.INITIAL,
                  "dept-mathematiques", "francois.henry", [
                      ("Analyse réelle", S.S1, "francois.henry"),
                      ("Algèbre linéaire", S.S2, "sarah.perrin"),
                      ("Probabilités", S.S3, "sarah.perrin"),
                      ("Topologie", S.S5, "francois.henry"),
                  ], ("ANG-SCI", "PPP-L1")),
    ProgrammeSpec("L-PC", "Licence Physique, chimie", ProgrammeLevel.LICENCE, StudyMode.INITIAL,
                  "dept-physique-chimie", "olivier.robin", [
                      ("Mécanique du point", S.S1, "olivier.robin"),
                      ("Chimie générale", S.S1, "manon.gauthier"),
                      ("Électromagnétisme", S.S3, "olivier.robin"),
                      ("Thermodynamique", S.S4, "manon.gauthier"),
                      ("Physique quantique", S.S5, "olivier.robin"),
                  ], ("ANG-SCI", "PPP-L1")),
    ProgrammeSpec("M-CHIMIE", "Master Chimie — parcours Chimie verte", ProgrammeLevel.MASTER, StudyMode.INITIAL,
                  "dept-physique-chimie", "manon.gauthier", [
                      ("Chimie organique avancée", S.S7, "manon.gauthier"),
                      ("Procédés durables", S.S8, "olivier.robin"),
                      ("Analyse et contrôle qualité", S.S8, "manon.gauthier"),
                      ("Stage en laboratoire", S.S10, "manon.gauthier"),
                  ], ("MET-RECH",)),
    ProgrammeSpec("L-SVT", "Licence Sciences de la vie", ProgrammeLevel.LICENCE, StudyMode.INITIAL,
                  "dept-biologie", "laurent.morel", [
                      ("Biologie cellulaire", S.S1, "laurent.morel"),
                      ("Génétique", S.S3, "ines.lemoine"),
                      ("Écologie", S.S4, "laurent.morel"),
                      ("Physiologie animale", S.S5, "ines.lemoine"),
                  ], ("ANG-SCI", "PPP-L1")),
    ProgrammeSpec("L-LM", "Licence Lettres modernes", ProgrammeLevel.LICENCE, StudyMode.INITIAL, "dept-lettres",
                  "catherine.dumont", [
                      ("Littérature française du XIXe siècle", S.S1, "catherine.dumont"),
                      ("Grammaire et stylistique", S.S2, "hugo.marchand"),
                      ("Littérature comparée", S.S3, "catherine.dumont"),
                      ("Ancien français", S.S4, "hugo.marchand"),
                      ("Atelier d'écriture", S.S5, "hugo.marchand"),
                  ]),
    ProgrammeSpec("L-LEA", "Licence Langues étrangères appliquées anglais-espagnol", ProgrammeLevel.LICENCE,
                  StudyMode.INITIAL, "dept-langues", "emma.schneider", [
                      ("Traduction économique", S.S3, "emma.schneider"),
                      ("Civilisation hispanique", S.S2, "david.nguyen"),
                      ("Communication interculturelle", S.S4, "emma.schneider"),
                      ("Droit des affaires international", S.S5, "alice.fabre"),
                  ]),
    ProgrammeSpec("L-HIST", "Licence Histoire", ProgrammeLevel.LICENCE, StudyMode.INITIAL, "dept-histoire",
                  "jean.leroy", [
                      ("Histoire ancienne", S.S1, "jean.leroy"),
                      ("Histoire médiévale", S.S2, "jean.leroy"),
                      ("Histoire contemporaine", S.S3, "jean.leroy"),
                      ("Géographie des territoires", S.S4, "jean.leroy"),
                  ]),
    ProgrammeSpec("M-PSY", "Master Psychologie clinique", ProgrammeLevel.MASTER, StudyMode.INITIAL,
                  "dept-psychologie", "chloe.benard", [
                      ("Psychopathologie de l'adulte", S.S7, "chloe.benard"),
                      ("Entretien clinique", S.S7, "chloe.benard"),
                      ("Évaluation psychologique", S.S8, "chloe.benard"),
                      ("Stage et analyse des pratiques", S.S9, "chloe.benard"),
                  ], ("MET-RECH",)),
    ProgrammeSpec("L-DROIT", "Licence Droit", ProgrammeLevel.LICENCE, StudyMode.INITIAL, "dept-droit",
                  "guillaume.caron", [
                      ("Introduction au droit", S.S1, "guillaume.caron"),
                      ("Droit constitutionnel", S.S1, "alice.fabre"),
                      ("Droit des obligations", S.S3, "guillaume.caron"),
                      ("Droit administratif", S.S4, "alice.fabre"),
                      ("Droit pénal", S.S5, "guillaume.caron"),
                      ("Méthodologie juridique", S.S2, "guillaume.caron"),
                  ]),
    ProgrammeSpec("M-DROIT-AFF", "Master Droit des affaires", ProgrammeLevel.MASTER, StudyMode.INITIAL,
                  "dept-droit", "alice.fabre", [
                      ("Droit des sociétés", S.S7, "alice.fabre"),
                      ("Droit fiscal des entreprises", S.S8, "guillaume.caron"),
                      ("Droit de la concurrence", S.S9, "alice.fabre"),
                      ("Contentieux des affaires", S.S9, "alice.fabre"),
                  ]),
    ProgrammeSpec("L-ECO", "Licence Économie et gestion", ProgrammeLevel.LICENCE, StudyMode.INITIAL,
                  "dept-economie", "mathieu.picard", [
                      ("Microéconomie", S.S1, "mathieu.picard"),
                      ("Macroéconomie", S.S2, "mathieu.picard"),
                      ("Comptabilité générale", S.S3, "aurelie.brun"),
                      ("Statistiques pour l'économie", S.S3, "sarah.perrin"),
                      ("Économie internationale", S.S5, "mathieu.picard"),
                  ]),
    ProgrammeSpec("M-SANTE-PUB", "Master Santé publique", ProgrammeLevel.MASTER, StudyMode.INITIAL,
                  "dept-sante-publique", "nadia.haddad", [
                      ("Épidémiologie", S.S7, "nadia.haddad"),
                      ("Biostatistiques", S.S7, "sarah.perrin"),
                      ("Politiques de santé", S.S8, "nadia.haddad"),
                      ("Promotion de la santé", S.S9, "patrick.vidal"),
                  ], ("MET-RECH",)),
    ProgrammeSpec("DU-ETP", "DU Éducation thérapeutique du patient", ProgrammeLevel.DU, StudyMode.CONTINUING,
                  "dept-medecine", "patrick.vidal", [
                      ("Démarche éducative", S.YEAR, "patrick.vidal"),
                      ("Communication avec le patient", S.YEAR, "chloe.benard"),
                      ("Conception d'un programme d'ETP", S.YEAR, "patrick.vidal"),
                      ("Évaluation des programmes", S.YEAR, "nadia.haddad"),
                  ]),
    ProgrammeSpec("ING-INFO", "Diplôme d'ingénieur Informatique et numérique", ProgrammeLevel.ENGINEERING,
                  StudyMode.INITIAL, "dept-ing-numerique", "sebastien.renard", [
                      ("Programmation orientée objet", S.S5, "sebastien.renard"),
                      ("Réseaux", S.S6, "kevin.bertin"),
                      ("Intelligence artificielle", S.S7, "anne.rousseau"),
                      ("Gestion de projet", S.S8, "benoit.masson"),
                      ("Cybersécurité", S.S9, "sebastien.renard"),
                      ("Projet industriel", S.S9, "sebastien.renard"),
                      ("Stage ingénieur", S.S10, "sebastien.renard"),
                  ]),
    ProgrammeSpec("ING-GC-APP", "Diplôme d'ingénieur Génie civil par apprentissage", ProgrammeLevel.ENGINEERING,
                  StudyMode.APPRENTICESHIP, "dept-ing-genie-civil", "julie.collet", [
                      ("Résistance des matériaux", S.S5, "julie.collet"),
                      ("Mécanique des sols", S.S6, "julie.collet"),
                      ("Construction durable", S.S7, "julie.collet"),
                      ("Management de chantier", S.S8, "benoit.masson"),
                      ("Missions en entreprise", S.YEAR, "julie.collet"),
                  ]),
    ProgrammeSpec("M-MAE", "Master Management et administration des entreprises", ProgrammeLevel.MASTER,
                  StudyMode.CONTINUING, "iae", "benoit.masson", [
                      ("Stratégie d'entreprise", S.S7, "benoit.masson"),
                      ("Finance d'entreprise", S.S7, "aurelie.brun"),
                      ("Marketing", S.S8, "benoit.masson"),
                      ("Management des ressources humaines", S.S8, "elodie.arnaud"),
                      ("Mémoire professionnel", S.S10, "benoit.masson"),
                  ]),
    ProgrammeSpec("M-CGAO-APP", "Master Contrôle de gestion et audit organisationnel", ProgrammeLevel.MASTER,
                  StudyMode.APPRENTICESHIP, "iae", "aurelie.brun", [
                      ("Contrôle de gestion", S.S7, "aurelie.brun"),
                      ("Audit interne", S.S8, "aurelie.brun"),
                      ("Systèmes d'information de gestion", S.S8, "romain.giraud"),
                      ("Pilotage de la performance", S.S9, "aurelie.brun"),
                  ]),
    ProgrammeSpec("BUT-INFO", "BUT Informatique", ProgrammeLevel.BUT, StudyMode.INITIAL, "dept-iut-info",
                  "romain.giraud", [
                      ("Développement d'applications", S.S1, "romain.giraud"),
                      ("Bases de données", S.S2, "romain.giraud"),
                      ("Qualité de développement", S.S3, "romain.giraud"),
                      ("Réseaux et services", S.S3, "kevin.bertin"),
                      ("SAÉ : application web", S.S4, "romain.giraud"),
                  ], ("PPP-L1",)),
    ProgrammeSpec("BUT-GEA", "BUT Gestion des entreprises et des administrations", ProgrammeLevel.BUT,
                  StudyMode.INITIAL, "dept-iut-gea", "elodie.arnaud", [
                      ("Comptabilité", S.S1, "elodie.arnaud"),
                      ("Gestion des ressources humaines", S.S2, "elodie.arnaud"),
                      ("Fiscalité", S.S3, "aurelie.brun"),
                      ("Droit du travail", S.S4, "guillaume.caron"),
                  ], ("PPP-L1",)),
    ProgrammeSpec("LP-RT-APP", "Licence professionnelle Métiers des réseaux informatiques et télécommunications",
                  ProgrammeLevel.LICENCE_PRO, StudyMode.APPRENTICESHIP, "dept-iut-rt", "kevin.bertin", [
                      ("Administration des réseaux", S.S5, "kevin.bertin"),
                      ("Téléphonie sur IP", S.S5, "kevin.bertin"),
                      ("Sécurité des réseaux", S.S6, "kevin.bertin"),
                      ("Projet tuteuré", S.S6, "kevin.bertin"),
                  ]),
    ProgrammeSpec("LP-GRH-VAE", "Licence professionnelle Métiers de la GRH (validation des acquis)",
                  ProgrammeLevel.LICENCE_PRO, StudyMode.VAE, "dept-iut-gea", "elodie.arnaud", [
                      ("Accompagnement à la VAE", S.YEAR, "elodie.arnaud"),
                      ("Gestion de la paie", S.S5, "elodie.arnaud"),
                      ("Droit social", S.S5, "guillaume.caron"),
                      ("Soutenance devant le jury", S.S6, "elodie.arnaud"),
                  ]),
    ProgrammeSpec("DOC-STS", "Doctorat Sciences, technologies, santé", ProgrammeLevel.DOCTORATE, StudyMode.INITIAL,
                  "ecole-doctorale", "martine.lacroix", [
                      ("Éthique et intégrité scientifique", S.YEAR, "martine.lacroix"),
                      ("Science ouverte", S.YEAR, "martine.lacroix"),
                      ("Valorisation de la recherche", S.YEAR, "martine.lacroix"),
                      ("Insertion professionnelle des docteurs", S.YEAR, "martine.lacroix"),
                  ], ("MET-RECH",)),
    ProgrammeSpec("DU-FLE", "DU Français langue étrangère", ProgrammeLevel.DU, StudyMode.INITIAL, "dept-langues",
                  "david.nguyen", [
                      ("Compréhension et expression orales", S.S1, "david.nguyen"),
                      ("Compréhension et expression écrites", S.S1, "emma.schneider"),
                      ("Culture et société françaises", S.S2, "hugo.marchand"),
                      ("Préparation au DELF", S.S2, "david.nguyen"),
                  ]),
]  # fmt: skip


# --- Building it --------------------------------------------------------------------------------------------------


class _Password:
    """The demo password's hash, computed once and only when an account is actually created."""

    def __init__(self) -> None:
        self._hash: str | None = None

    def __str__(self) -> str:
        if self._hash is None:
            self._hash = make_password(DEMO_PASSWORD)
        return self._hash


def _user(username: str, first_name: str, last_name: str, password: _Password, **extra) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    return UserFactory(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@{EMAIL_DOMAIN}",
        # The hash as it is: the factory's Password declaration would hash it again.
        password=factory.Transformer.Force(str(password)),
        language="fr",
        **extra,
    )


def _person(person: Person, units: dict[str, OrgUnit], password: _Password) -> User:
    is_staff_member = person.unit is not None
    user = _user(
        person.username,
        person.first_name,
        person.last_name,
        password,
        is_staff=person.is_superuser,
        is_superuser=person.is_superuser,
    )
    roles = [*person.roles, *([Role.STAFF] if is_staff_member else [])]
    if roles:
        user.groups.add(*[Group.objects.get_or_create(name=str(role))[0] for role in roles])
    if is_staff_member:
        MembershipFactory(user=user, org_unit=units[person.unit], role=MembershipRole.MEMBER)
    for role, unit in person.memberships:
        MembershipFactory(user=user, org_unit=units[unit], role=role)
    return user


def seed_organisation() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent in UNITS:
        units[code] = OrgUnitFactory(code=code, name=name, kind=kind, parent=units[parent] if parent else None)
    return units


def seed_years() -> AcademicYear:
    years = {}
    for start, _current in YEARS:
        years[start] = AcademicYearFactory(
            start_date=datetime.date(start, 9, 1), end_date=datetime.date(start + 1, 8, 31), is_current=False
        )
    current = next(years[start] for start, is_current in YEARS if is_current)
    # The current year is the demo's unless someone already moved on to another one.
    if not AcademicYear.objects.filter(is_current=True).exists():
        AcademicYear.objects.filter(pk=current.pk).update(is_current=True)
    return current


def seed_people(units: dict[str, OrgUnit], password: _Password) -> dict[str, User]:
    people: dict[str, User] = {}
    for person in [*ACCOUNTS, *OTHER_STAFF]:
        people[person.username] = _person(person, units, password)
    for username, first_name, last_name, unit in TEACHERS:
        teacher = Person(username, first_name, last_name, unit, (Role.TEACHER,), title="Enseignant·e")
        people[username] = _person(teacher, units, password)
    return people


def seed_programmes(units: dict[str, OrgUnit], people: dict[str, User], years: list[AcademicYear]) -> None:
    shared = {
        code: (CourseFactory(code=code, title=title, semester=semester, org_unit=units[unit]), people[teacher])
        for code, title, semester, unit, teacher in SHARED_COURSES
    }
    for spec in PROGRAMMES:
        programme = ProgrammeFactory(
            code=spec.code,
            name=spec.name,
            level=spec.level,
            mode=spec.mode,
            org_unit=units[spec.unit],
            director=people[spec.director],
        )
        courses = []
        for rank, (title, semester, teacher) in enumerate(spec.courses, start=1):
            course = CourseFactory(
                code=f"{spec.code}-{rank:02d}", title=title, semester=semester, org_unit=units[spec.unit]
            )
            courses.append((course, people[teacher]))
        courses.extend(shared[code] for code in spec.shared)
        programme.courses.add(*[course for course, _teacher in courses])
        for course, teacher in courses:
            for year in years:
                Teaching.objects.get_or_create(course=course, academic_year=year, teacher=teacher)


@transaction.atomic
def seed(stdout: TextIO) -> None:
    """Build (or complete) the demo university. Idempotent: a second run creates nothing."""
    password = _Password()
    units = seed_organisation()
    seed_years()
    people = seed_people(units, password)
    years = list(AcademicYear.objects.filter(name__in=[f"{start}-{start + 1}" for start, _ in YEARS]))
    seed_programmes(units, people, years)
    stdout.write(
        f"Organisation: {OrgUnit.objects.count()} units, {Programme.objects.count()} programmes, "
        f"{Course.objects.count()} courses, {User.objects.count()} accounts, "
        f"{Membership.objects.count()} memberships.\n"
    )


def print_accounts(stdout: TextIO) -> None:
    """A table of the demo accounts: username, role, what they are, and the shared password."""
    rows = [("Username", "Role", "Who", "Password")]
    existing = set(
        User.objects.filter(username__in=[p.username for p in ACCOUNTS + OTHER_STAFF]).values_list(
            "username", flat=True
        )
    )
    for person in [*ACCOUNTS, *OTHER_STAFF]:
        if person.username not in existing:
            continue
        if person.is_superuser:
            role = "superuser (Django admin, with a second factor)"
        else:
            role = ", ".join(str(Role(r).label) for r in person.roles) or str(Role.STAFF.label)
        rows.append((person.username, role, person.title, DEMO_PASSWORD))
    if len(rows) == 1:
        stdout.write("No demo account yet: run `manage.py seed_demo`.\n")
        return
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    line = "+".join("-" * (w + 2) for w in widths)
    stdout.write(f"\nDemo accounts (password {DEMO_PASSWORD}):\n")
    stdout.write(f"+{line}+\n")
    for index, row in enumerate(rows):
        stdout.write("| " + " | ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)) + " |\n")
        if index == 0:
            stdout.write(f"+{line}+\n")
    stdout.write(f"+{line}+\n")
    teachers = User.objects.filter(username__in=[t[0] for t in TEACHERS]).count()
    if teachers:
        stdout.write(f"And {teachers} more teachers (e.g. anne.rousseau, pierre.blanc), each with the same password.\n")
