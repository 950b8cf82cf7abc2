"""The demo helpdesk: about 300 requests over the last two years, in every status, with realistic French
subjects by kind and category, their history (status changes, questions, answers, notes), deadlines kept as the
services keep them, some overdue, some redirected, a few sensitive, ratings on answered ones, corrective actions in
the continuous-improvement plans; and the configuration they use: redirection bodies, root-cause categories and
reply templates in French and English.

Each request's story is drawn first (``Builder``: what happens, when and by whom), then played in order of receipt
through the helpdesk's services, each step at its own past moment (``now=``): the submission gives the reference
and the deadlines, the workflow moves the status and records the history, the activity log and the messages, as
they would have been. No email is written (``notify_people=False``): a demo must not fill the outbox. Randomness
is seeded, so the demo is the same every time (its dates follow today's date). ``complaints.bulk`` writes the
same stories in bulk, without the services, for load tests.

Idempotent: the configuration is matched by name, and the requests are added once (an activity-log marker on the
first demo request says they are there). At the end the retention purge runs, as it would every night, so old
spam already shows as purged.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from complaints import services
from complaints.choices import (
    Channel,
    ComplaintKind,
    ComplaintStatus,
    MessageKind,
    RequesterCategory,
    SensitiveNature,
    Severity,
)
from complaints.models import Complaint, HelpdeskSettings, RedirectBody, ReplyTemplate, RootCauseCategory
from complaints.selectors import deadline_days
from qms.core.calendar import WorkingCalendar
from qms.core.choices import Actor
from qms.core.models import ActivityLog, OrgUnit, Programme, User

SEED = 2026
SIZE = 300
DEMO_VERB = "demo-seeded"
S = ComplaintStatus
K = ComplaintKind
C = RequesterCategory
EMAIL_DOMAIN = "etu.demo.univ.example"

# --- Configuration ------------------------------------------------------------------------------------------------
REDIRECT_BODIES = [
    ("CROUS de l'académie", "Bourses sur critères sociaux, logement en résidence universitaire, restauration CROUS.",
     "Service des bourses et du logement\n12 avenue des Études\n69000 Lyon\nDu lundi au vendredi, 9 h – 16 h",
     "contact@crous.example.fr", "09 72 59 65 00", "https://www.messervices.etudiant.gouv.fr", 1),
    ("Médiateur de l'université", "Différends persistants avec un service de l'université, après une première "
     "réponse.", "Bâtiment de la présidence, bureau 104\nSur rendez-vous", "mediateur@demo.univ.example", "", "", 2),
    ("Défenseur des droits", "Discriminations, droits des usagers des services publics.",
     "Libre réponse 71120\n75342 Paris CEDEX 07", "", "09 69 39 00 00", "https://www.defenseurdesdroits.fr", 3),
    ("Cellule d'écoute VSS de l'université", "Violences sexistes et sexuelles, harcèlement, discriminations.",
     "Maison de l'étudiant, 1er étage\nÉcoute confidentielle", "ecoute@demo.univ.example", "04 00 00 00 00", "", 4),
    ("Service de santé étudiante", "Santé, accompagnement psychologique, certificats médicaux.",
     "Campus centre, bâtiment S", "sse@demo.univ.example", "04 00 00 00 10", "", 5),
]  # fmt: skip

ROOT_CAUSES = [
    ("Communication et information", "Une information absente, tardive ou contradictoire."),
    ("Organisation des enseignements", "Emplois du temps, salles, remplacements, charges d'enseignement."),
    ("Organisation des examens", "Convocations, sujets, délibérations, publication des notes."),
    ("Procédures administratives", "Inscriptions, conventions, attestations, circuits de validation."),
    ("Locaux et équipements", "Bâtiments, chauffage, accessibilité, matériel."),
    ("Systèmes d'information", "Réseau, ENT, plateformes pédagogiques, logiciels de gestion."),
    ("Comportement et relations", "Relations entre personnes, attitude, accueil."),
    ("Prestataire externe", "Restauration, nettoyage, transport, partenaires."),
]

REPLY_TEMPLATES = [
    ("Prise en charge de votre demande", "",
     "Bonjour,\n\nVotre demande {reference} est prise en charge par le service concerné. Nous revenons vers vous "
     "au plus tard dans le délai annoncé.\n\nBien cordialement,\nLe service qualité — {institution}",
     "Hello,\n\nYour request {reference} has been taken in charge by the department concerned. We will come back "
     "to you within the stated time.\n\nKind regards,\nThe quality office — {institution}", 1),
    ("Demande de précisions", "",
     "Bonjour,\n\nAfin de traiter votre demande {reference}, pourriez-vous nous préciser les dates, le lieu et, "
     "le cas échéant, la formation concernée ?\n\nMerci par avance,\nLe service qualité",
     "Hello,\n\nTo deal with your request {reference}, could you tell us the dates, the place and, where relevant, "
     "the programme concerned?\n\nThank you in advance,\nThe quality office", 2),
    ("Réclamation fondée : mesures prises", K.COMPLAINT,
     "Bonjour,\n\nAprès examen, votre réclamation {reference} est fondée. Nous vous prions de nous excuser pour la "
     "gêne occasionnée. Les mesures suivantes ont été prises : …\n\nUne action d'amélioration a été inscrite au "
     "plan de la composante afin que la situation ne se reproduise pas.\n\nBien cordialement,\n{institution}",
     "Hello,\n\nHaving looked into it, we find your complaint {reference} justified and apologise for the "
     "inconvenience. The following measures have been taken: …\n\nAn improvement action has been added to the "
     "plan of the faculty so that it does not happen again.\n\nKind regards,\n{institution}", 3),
    ("Réclamation non fondée : explications", K.COMPLAINT,
     "Bonjour,\n\nNous avons examiné votre réclamation {reference}. Les règles appliquées sont les suivantes : …\n\n"
     "Si vous le souhaitez, vous pouvez saisir le médiateur de l'université. Cette réponse ne constitue pas une "
     "décision administrative et ne proroge pas les délais de recours.\n\nBien cordialement,\n{institution}",
     "Hello,\n\nWe have looked into your complaint {reference}. The rules that apply are the following: …\n\n"
     "If you wish, you may refer the matter to the university's mediator. This answer is not an administrative "
     "decision and does not extend any time limit for an appeal.\n\nKind regards,\n{institution}", 4),
    ("Suggestion retenue", K.SUGGESTION,
     "Bonjour,\n\nMerci pour votre suggestion {reference}. Elle a été étudiée et sera mise en œuvre : …\n\n"
     "Bien cordialement,\n{institution}",
     "Hello,\n\nThank you for your suggestion {reference}. It has been studied and will be put in place: …\n\n"
     "Kind regards,\n{institution}", 5),
    ("Suggestion non retenue pour le moment", K.SUGGESTION,
     "Bonjour,\n\nMerci pour votre suggestion {reference}. Elle ne peut pas être retenue pour le moment, pour les "
     "raisons suivantes : … Elle sera réexaminée lors de la prochaine revue.\n\nBien cordialement,\n{institution}",
     "Hello,\n\nThank you for your suggestion {reference}. It cannot be taken up for now, for the following "
     "reasons: … It will be looked at again at the next review.\n\nKind regards,\n{institution}", 6),
    ("Remerciement", K.COMPLIMENT,
     "Bonjour,\n\nMerci pour votre message {reference} : il a été transmis aux équipes concernées, qui y ont été "
     "très sensibles.\n\nBien cordialement,\n{institution}",
     "Hello,\n\nThank you for your message {reference}: it has been passed on to the teams concerned, who "
     "appreciated it very much.\n\nKind regards,\n{institution}", 7),
    ("Dysfonctionnement corrigé", K.DYSFUNCTION,
     "Bonjour,\n\nLe dysfonctionnement signalé ({reference}) a été corrigé. N'hésitez pas à nous écrire s'il se "
     "reproduit.\n\nBien cordialement,\n{institution}",
     "Hello,\n\nThe problem you reported ({reference}) has been fixed. Please write to us again if it happens "
     "again.\n\nKind regards,\n{institution}", 8),
    ("Réorientation vers le CROUS", "",
     "Bonjour,\n\nVotre demande {reference} relève du CROUS, qui gère les bourses, le logement en résidence et la "
     "restauration. Nous vous invitons à le contacter directement ; ses coordonnées figurent ci-dessous.\n\n"
     "Bien cordialement,\n{institution}",
     "Hello,\n\nYour request {reference} is a matter for the CROUS, which handles grants, student housing and "
     "catering. Please contact it directly; its details are below.\n\nKind regards,\n{institution}", 9),
]  # fmt: skip


# --- What requests are about -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Topic:
    """A kind of request that comes back: what requesters write (subject and description, in pairs), where, and
    how it usually ends."""

    kind: str
    units: tuple[str, ...]
    cases: tuple[tuple[str, str], ...]
    answer: str
    categories: tuple[str, ...] = (C.STUDENT,)
    root_cause: str = ""
    founded: float = 0.6  # likelihood that a complaint is found justified
    redirect: str = ""  # the body such requests are often redirected to
    redirect_share: float = 0.0
    action: str = ""  # the corrective action that founded requests lead to
    english: tuple[str, str] | None = None  # (subject, description) for requesters writing in English
    weight: int = 3

    @property
    def subjects(self) -> list[str]:
        return [subject for subject, _description in self.cases]


TOPICS: list[Topic] = [
    Topic(K.COMPLAINT, ("svc-vie-etudiante",), (
        ("Cafétéria : prix en hausse et choix réduit",
         "Depuis la rentrée, les sandwichs ont augmenté de 80 centimes et il n'y a plus de plat chaud après 13 h. "
         "Entre deux cours il est impossible de manger pour moins de 6 €."),
        ("Cafétéria du campus : plus de formule à 3,30 €",
         "La formule étudiante à tarif social n'est plus proposée le midi à la cafétéria du bâtiment A, alors "
         "qu'elle l'était l'an dernier."),
        ("Files d'attente interminables à la cafétéria",
         "Il faut attendre plus de 25 minutes à la cafétéria entre 12 h et 13 h 30, alors que nous n'avons qu'une "
         "heure de pause. Beaucoup d'étudiants renoncent à déjeuner."),
    ), "Le prestataire de la cafétéria a été reçu : la formule à tarif social est rétablie dès lundi et une seconde "
       "caisse ouvrira aux heures de pointe.", root_cause="Prestataire externe", founded=0.7,
       redirect="CROUS de l'académie", redirect_share=0.2,
       action="Renégocier le cahier des charges de la cafétéria (tarif social, caisses aux heures de pointe)",
       weight=5),
    Topic(K.COMPLAINT, ("dept-informatique", "dept-mathematiques", "dept-droit", "dept-lettres", "dept-iut-info"), (
        ("Emploi du temps modifié la veille sans prévenir",
         "Le TD du mardi a été déplacé au lundi 8 h la veille au soir, sans message sur l'ENT. Une partie du groupe "
         "était absente et a été comptée comme défaillante."),
        ("Emploi du temps du semestre toujours pas publié",
         "À une semaine de la reprise, l'emploi du temps du S2 n'est toujours pas en ligne ; les étudiants "
         "salariés ne peuvent pas prévenir leur employeur."),
        ("Cours déplacé sans information",
         "Le cours de jeudi a changé de salle et d'horaire ; l'information n'a été donnée qu'oralement à ceux qui "
         "étaient présents la semaine précédente."),
    ), "Le département s'engage à publier toute modification d'emploi du temps au moins 48 h à l'avance sur l'ENT, "
       "avec une notification ; les absences de ce jour ont été annulées.",
       root_cause="Organisation des enseignements", founded=0.8,
       action="Publier les modifications d'emploi du temps 48 h à l'avance avec notification ENT", weight=7),
    Topic(K.COMPLAINT, ("ufr-lettres", "ufr-droit", "ufr-sciences", "dept-psychologie"), (
        ("Notes du semestre publiées en retard",
         "Les notes du premier semestre devaient être publiées le 15 février ; rien n'est en ligne un mois plus "
         "tard. Je ne peux pas candidater en master sans relevé."),
        ("Relevé de notes toujours pas disponible",
         "Mon relevé de notes de L3 n'est pas téléchargeable sur l'ENT alors que les résultats ont été affichés."),
        ("Délibération du jury repoussée sans explication",
         "Le jury a été repoussé deux fois. Personne ne sait quand les résultats seront connus, alors que les "
         "candidatures pour l'an prochain ferment bientôt."),
    ), "Un relevé provisoire a été édité pour vos candidatures. La composante a revu son calendrier de saisie des "
       "notes afin de tenir les dates annoncées.", root_cause="Organisation des examens", founded=0.75,
       action="Fixer un calendrier de saisie des notes et l'afficher en début de semestre", weight=6),
    Topic(K.DYSFUNCTION, ("bu", "bu-sciences", "bu-lettres", "dsi"), (
        ("Wi-Fi inutilisable à la BU",
         "Depuis une semaine, le Wi-Fi de la bibliothèque se déconnecte toutes les cinq minutes. Impossible de "
         "travailler sur l'ENT ou de déposer un devoir."),
        ("Réseau eduroam coupé au 2e étage de la BU",
         "eduroam affiche « connecté, pas d'internet » dans les salles de travail en groupe du 2e étage."),
        ("Connexion Wi-Fi très lente en salle de travail",
         "Le débit est si faible en salle de travail que les visioconférences de projet coupent sans arrêt."),
    ), "Deux bornes défectueuses ont été remplacées et la capacité du réseau de la BU a été doublée.",
       categories=(C.STUDENT, C.STUDENT, C.STAFF), root_cause="Systèmes d'information", founded=0.9,
       action="Renforcer la couverture Wi-Fi des bibliothèques", weight=6),
    Topic(K.COMPLAINT, ("iae", "ecole-ingenieurs", "svc-scolarite", "dept-iut-gea"), (
        ("Convention de stage toujours pas signée",
         "Mon stage commence lundi et la convention attend la signature de la composante depuis trois semaines. "
         "L'entreprise menace d'annuler."),
        ("Stage : convention bloquée dans le circuit de signature",
         "La convention de notre stagiaire est bloquée dans l'application depuis quinze jours, sans que nous "
         "sachions qui doit la valider."),
        ("Pas de tuteur pédagogique pour mon stage",
         "Je n'ai toujours pas de tuteur pédagogique alors que mon stage a commencé il y a un mois."),
    ), "La convention a été signée le jour même. Le circuit de signature est désormais dématérialisé et suivi chaque "
       "semaine par le bureau des stages.", categories=(C.STUDENT, C.STUDENT, C.PARTNER_COMPANY),
       root_cause="Procédures administratives", founded=0.8,
       action="Dématérialiser le circuit de signature des conventions de stage", weight=5),
    Topic(K.COMPLAINT, ("svc-scolarite", "ufr-sciences", "ufr-lettres"), (
        ("Inscription pédagogique bloquée",
         "L'application d'inscription pédagogique refuse mon choix d'option et affiche une erreur. La date limite "
         "est vendredi."),
        ("Impossible de choisir mes options en ligne",
         "Les options de S4 n'apparaissent pas dans l'application ; je ne peux pas finaliser mon inscription."),
        ("Inscription pédagogique refusée sans motif",
         "Mon inscription pédagogique est refusée alors que j'ai validé les prérequis ; le secrétariat ne répond "
         "pas au téléphone."),
    ), "Votre inscription pédagogique a été saisie par la scolarité. L'anomalie de l'application est corrigée.",
       root_cause="Procédures administratives", founded=0.6, weight=4),
    Topic(K.COMPLAINT, ("svc-handicap", "ufr-droit", "ufr-sante"), (
        ("Aménagement d'examen non appliqué (tiers-temps)",
         "Mon tiers-temps, validé par la mission handicap, n'a pas été appliqué lors de l'examen de vendredi : la "
         "copie a été ramassée avec celles des autres."),
        ("Accessibilité : salle d'examen à l'étage sans ascenseur",
         "L'examen avait lieu au 3e étage et l'ascenseur était en panne ; en fauteuil, je n'ai pas pu composer."),
        ("Supports de cours non adaptés malgré mon plan d'accompagnement",
         "Les supports agrandis prévus dans mon plan d'accompagnement ne sont jamais fournis en TD."),
    ), "Une session de remplacement vous est proposée avec l'aménagement prévu. Les listes d'aménagements sont "
       "désormais transmises aux surveillants avant chaque épreuve.", root_cause="Organisation des examens",
       founded=0.9, action="Transmettre les aménagements d'examen aux surveillants avant chaque épreuve", weight=3),
    Topic(K.COMPLAINT, ("svc-vie-etudiante",), (
        ("Bourse CROUS non versée",
         "Je n'ai reçu aucun versement de ma bourse depuis septembre et je ne peux plus payer mon loyer."),
        ("Bourse sur critères sociaux : versement en retard",
         "Ma bourse a été versée avec deux mois de retard et le dossier indique toujours « en cours »."),
        ("Logement CROUS : moisissures dans la chambre",
         "Ma chambre en résidence universitaire est envahie de moisissures ; le gestionnaire ne répond pas."),
    ), "Votre demande relève du CROUS ; ses coordonnées vous ont été transmises.", root_cause="Prestataire externe",
       founded=0.5, redirect="CROUS de l'académie", redirect_share=0.85,
       english=("CROUS grant not paid", "I have not received any payment of my grant since September."), weight=5),
    Topic(K.COMPLAINT, ("svc-ri",), (
        ("Mobilité Erasmus : crédits ECTS non reconnus",
         "Les crédits obtenus pendant mon semestre à l'étranger n'apparaissent pas sur mon relevé."),
        ("Contrat pédagogique Erasmus non validé",
         "Mon contrat pédagogique attend la signature du responsable depuis six semaines."),
    ), "Les crédits ont été reportés après validation par le responsable des relations internationales.",
       categories=(C.STUDENT, C.STUDENT, C.ALUMNUS), root_cause="Procédures administratives", founded=0.7,
       english=("Erasmus credits not recognised",
                "The credits I earned during my semester abroad do not appear on my transcript."), weight=3),
    Topic(K.COMPLAINT, ("svc-formation-continue", "iae", "dept-iut-gea"), (
        ("Frais de formation facturés deux fois",
         "Notre entreprise a reçu deux factures pour la même session de formation continue."),
        ("Rythme de l'alternance incompatible avec les missions",
         "Le calendrier d'alternance a été changé en cours d'année sans concertation avec l'entreprise d'accueil."),
    ), "La facture en double a été annulée et un avoir émis. Le calendrier d'alternance est désormais validé avec "
       "les entreprises avant la rentrée.", categories=(C.TRAINEE, C.PARTNER_COMPANY),
       root_cause="Procédures administratives", founded=0.8, weight=3),
    Topic(K.DYSFUNCTION, ("ufr-sciences", "dept-physique-chimie", "dept-biologie", "ufr-droit"), (
        ("Salle de TP sans chauffage", "La salle B204 n'est pas chauffée depuis lundi ; il fait 13 °C pendant les TP."),
        ("Ascenseur du bâtiment B en panne",
         "L'ascenseur du bâtiment B est en panne depuis dix jours ; les étudiants en fauteuil ne peuvent pas "
         "accéder aux salles du 2e étage."),
        ("Toilettes hors service au 1er étage",
         "Les toilettes du 1er étage sont fermées depuis deux semaines ; il ne reste qu'un bloc pour tout le "
         "bâtiment."),
    ), "Le service patrimoine est intervenu ; la réparation a été faite et un contrat de maintenance renforcé.",
       categories=(C.STUDENT, C.STAFF), root_cause="Locaux et équipements", founded=0.9,
       action="Mettre en place un suivi des pannes des bâtiments d'enseignement", weight=5),
    Topic(K.DYSFUNCTION, ("dsi", "ufr-sciences"), (
        ("Plateforme pédagogique indisponible la veille d'un rendu",
         "Moodle était inaccessible dimanche soir entre 20 h et minuit alors que le rendu du projet était fixé à "
         "minuit."),
        ("ENT inaccessible pendant les inscriptions",
         "L'ENT renvoie une erreur 502 depuis ce matin, le dernier jour des inscriptions aux examens."),
    ), "L'incident est résolu ; les rendus ont été rouverts 24 h et une supervision a été mise en place.",
       root_cause="Systèmes d'information", founded=0.85, weight=4),
    Topic(K.COMPLAINT, ("dept-droit", "dept-economie", "dept-histoire", "dept-langues"), (
        ("Cours annulé sans rattrapage",
         "Trois séances du cours magistral ont été annulées sans rattrapage ; le programme de l'examen reste le "
         "même."),
        ("Sujet d'examen comportant des erreurs",
         "Le sujet de l'examen comportait deux exercices portant sur des notions non traitées en cours."),
    ), "Deux séances de rattrapage ont été programmées et l'examen portera sur les chapitres traités.",
       root_cause="Organisation des enseignements", founded=0.6, weight=4),
    Topic(K.COMPLAINT, ("svc-scolarite", "ufr-droit", "ufr-sciences"), (
        ("Dossier de candidature en master sans réponse",
         "J'ai candidaté en master il y a deux mois et je n'ai reçu aucune réponse, ni accusé de réception."),
        ("Attestation de réussite non délivrée",
         "J'ai obtenu ma licence en juin et je n'ai toujours pas d'attestation de réussite pour mon employeur."),
    ), "Votre dossier a été examiné et la réponse vous a été envoyée par courriel ; les délais de délivrance des "
       "attestations ont été réduits.", categories=(C.PROSPECTIVE_STUDENT, C.ALUMNUS),
       root_cause="Communication et information", founded=0.6, weight=3),
    Topic(K.COMPLAINT, ("svc-scolarite", "ufr-lettres"), (
        ("Secrétariat injoignable",
         "Le secrétariat pédagogique ne répond ni au téléphone ni aux courriels depuis trois semaines."),
        ("Aucune réponse aux courriels des familles",
         "Je n'obtiens aucune réponse sur la situation de ma fille, inscrite en L1, malgré plusieurs courriels."),
        ("Accueil désagréable au guichet", "J'ai été reçu de manière très désagréable au guichet de la scolarité."),
    ), "Une permanence téléphonique a été mise en place et une adresse fonctionnelle unique est suivie chaque jour.",
       categories=(C.STUDENT, C.PARENT), root_cause="Comportement et relations", founded=0.5, weight=3),
    Topic(K.SUGGESTION, ("bu", "bu-lettres", "bu-sciences"), (
        ("Ouvrir la BU le dimanche en période d'examens",
         "En période d'examens, il manque un lieu calme pour réviser le dimanche."),
        ("Prolonger les horaires de la BU jusqu'à 22 h",
         "Beaucoup d'étudiants salariés ne peuvent venir qu'en soirée ; la BU ferme à 19 h."),
        ("Réserver les salles de travail en groupe à la BU",
         "Les salles de travail en groupe sont toujours complètes ; un système de réservation aiderait."),
    ), "Votre suggestion a été retenue : la BU ouvrira le dimanche pendant les deux semaines d'examens, à titre "
       "expérimental.", weight=5),
    Topic(K.SUGGESTION, ("svc-vie-etudiante",), (
        ("Proposer des menus végétariens à la cafétéria",
         "Il n'y a qu'un plat végétarien par semaine à la cafétéria ; une option quotidienne serait bienvenue."),
        ("Plus de places de parking vélo",
         "Les arceaux à vélo devant le bâtiment A sont pleins dès 8 h 30."),
    ), "Merci pour votre suggestion : elle a été présentée au conseil de la vie étudiante et sera mise en œuvre à "
       "la rentrée prochaine.", categories=(C.STUDENT, C.STUDENT, C.STAFF), weight=3),
    Topic(K.SUGGESTION, ("dsi", "ufr-sciences", "iut"), (
        ("Emplois du temps au format agenda dans l'ENT",
         "Ce serait pratique de pouvoir synchroniser l'emploi du temps avec l'agenda du téléphone."),
        ("Installer des prises électriques dans l'amphi A",
         "Les prises de l'amphi A ne suffisent pas, les ordinateurs s'éteignent pendant les cours."),
        ("Créer un tutorat entre L3 et L1",
         "Beaucoup d'étudiants de L1 décrochent au premier semestre ; un tutorat par des L3 aiderait."),
    ), "Merci pour votre suggestion : elle a été présentée au conseil de perfectionnement et sera mise en œuvre à "
       "la rentrée prochaine.", categories=(C.STUDENT, C.STUDENT, C.PARENT), weight=3),
    Topic(K.SUGGESTION, ("svc-ri",), (
        ("Traduire le livret d'accueil en anglais",
         "Le livret d'accueil n'existe qu'en français ; les étudiants internationaux sont perdus à l'arrivée."),
        ("Un parrainage pour les étudiants internationaux",
         "Un étudiant parrain pour chaque étudiant international faciliterait les premières démarches."),
    ), "Le livret d'accueil est en cours de traduction et un programme de parrainage démarre en septembre.",
       english=("Translate the welcome booklet into English",
                "The welcome booklet only exists in French; international students are lost when they arrive."),
       weight=2),
    Topic(K.COMPLIMENT, ("svc-scolarite", "svc-handicap", "bu", "dept-informatique"), (
        ("Merci au service de la scolarité pour sa réactivité",
         "Je tenais à remercier l'équipe pour son aide rapide lors de mon changement de parcours."),
        ("Remerciements à la mission handicap",
         "L'accompagnement de la mission handicap a été exemplaire tout au long de l'année."),
        ("Bravo pour la journée portes ouvertes",
         "Accueil chaleureux et présentations très claires : notre fils a trouvé sa formation."),
        ("Merci pour les ateliers de méthodologie de la BU",
         "Les ateliers de recherche documentaire m'ont beaucoup aidé pour mon mémoire."),
    ), "Merci pour votre message, transmis à l'équipe concernée qui y a été très sensible.",
       categories=(C.STUDENT, C.PARENT, C.ALUMNUS, C.PROSPECTIVE_STUDENT), weight=4),
]  # fmt: skip

# Internal dysfunctions reported by staff from the staff form.
STAFF_TOPICS: list[Topic] = [
    Topic(K.DYSFUNCTION, ("ufr-sciences", "ufr-lettres", "iut"), (
        ("Vidéoprojecteur de la salle 112 en panne récurrente",
         "Le vidéoprojecteur s'éteint après dix minutes ; c'est la troisième fois ce mois-ci."),
        ("Badge d'accès refusé au bâtiment C",
         "Mon badge est refusé au bâtiment C depuis la mise à jour du contrôle d'accès."),
        ("Logiciel de gestion des notes : export impossible",
         "L'export des notes vers l'application de scolarité échoue avec une erreur de format."),
    ), "Le matériel a été remplacé et le contrat de maintenance revu.", categories=(C.STAFF,),
       root_cause="Locaux et équipements", founded=0.9, weight=1),
]  # fmt: skip

SENSITIVE: list[tuple[str, str, str, str]] = [
    (SensitiveNature.HARASSMENT, "ufr-lettres", "Propos déplacés répétés d'un camarade de promotion",
     "Depuis plusieurs semaines, un étudiant de ma promotion me fait des remarques humiliantes en TD et sur le "
     "groupe de messagerie de la promotion."),
    (SensitiveNature.DISCRIMINATION, "iae", "Refus de stage que je crois lié à mon origine",
     "Une entreprise partenaire m'a fait comprendre que ma candidature n'était pas retenue à cause de mon nom."),
    (SensitiveNature.SEXUAL_VIOLENCE, "svc-vie-etudiante", "Comportement inapproprié lors d'une soirée "
     "d'intégration", "Lors de la soirée d'intégration, une personne de l'association a eu des gestes déplacés."),
    (SensitiveNature.HARASSMENT, "ufr-sciences", "Pression répétée d'un encadrant de stage",
     "Mon encadrant m'envoie des messages tard le soir et me reproche de ne pas répondre."),
    (SensitiveNature.DISCRIMINATION, "svc-scolarite", "Remarques sur mon handicap au guichet",
     "Au guichet, on m'a dit que je n'avais « qu'à faire comme tout le monde » pour mon aménagement."),
]  # fmt: skip

QUESTIONS = [
    "Pourriez-vous nous préciser la date et le lieu exacts ?",
    "Pouvez-vous nous indiquer votre formation et votre groupe de TD ?",
    "Avez-vous déjà contacté le secrétariat ? Si oui, à quelle date ?",
    "Pourriez-vous nous transmettre le message d'erreur affiché ?",
]
REPLIES = [
    "C'était mardi dernier, en salle B204.",
    "Je suis en L2, groupe 3. J'ai écrit au secrétariat le 4 sans réponse.",
    "Oui, le message d'erreur est « session expirée ».",
    "Je vous joins les précisions demandées.",
]
NOTES = [
    "Vu avec le responsable de formation : situation confirmée.",
    "Transmis au service patrimoine, intervention prévue cette semaine.",
    "Point fait avec la scolarité ; une réponse type existe déjà.",
    "Cas similaire traité le mois dernier, voir la demande liée.",
]
RATING_COMMENTS = {
    5: ["Réponse rapide et claire, merci.", "Très satisfait du traitement."],
    4: ["Merci pour la réponse.", "Problème réglé, même si c'était un peu long."],
    3: ["Réponse correcte mais tardive."],
    2: ["La réponse ne règle pas vraiment mon problème."],
    1: ["Aucune solution proposée."],
}
REJECTIONS = [
    "Votre demande porte sur une note d'examen : elle relève d'un recours auprès du président du jury, dont les "
    "modalités figurent dans le règlement des études.",
    "Votre message ne comporte pas d'élément permettant de l'instruire ; n'hésitez pas à déposer une nouvelle "
    "demande détaillée.",
]
SPAM_SUBJECTS = ["Gagnez un iPhone 15 gratuit", "Crypto : doublez votre mise", "Offre exclusive de rédaction de "
                 "mémoires", "SEO backlinks cheap"]  # fmt: skip

# The referent who handles the requests of a top-level unit (their memberships in qms.core.demo).
HANDLERS = {
    "ufr-sciences": "referent.sciences",
    "ufr-lettres": "referent.lettres",
    "ufr-droit": "referent.droit",
    "ufr-sante": "referent.sante",
    "ecole-ingenieurs": "referent.ingenieurs",
    "iae": "referent.iae",
    "iut": "referent.iut",
    "bu": "referent.services",
    "svc-vie-etudiante": "referent.services",
    "svc-ri": "referent.services",
}
# Busy months of the university year weigh more (January and September–November), summer less.
MONTH_WEIGHTS = {1: 1.0, 2: 0.8, 3: 0.8, 4: 0.7, 5: 0.7, 6: 0.8, 7: 0.3, 8: 0.15, 9: 1.0, 10: 1.0, 11: 0.9, 12: 0.5}


# --- Building one request ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One thing done to a request after its submission: a service of ``complaints.services`` (``service``), by
    whom, when, and its own arguments."""

    service: str
    at: datetime.datetime
    by: User | None = None
    options: dict = field(default_factory=dict)


@dataclass
class Draft:
    """A request being built: its story as service steps (``steps``, what the demo plays), and the rows the
    services would write for it (``changes``, ``messages``, ``logs``, what ``complaints.bulk`` writes at once)."""

    complaint: Complaint
    steps: list[Step] = field(default_factory=list)
    changes: list[tuple[str, str, datetime.datetime, User | None, str, str]] = field(default_factory=list)
    messages: list[tuple[str, str, datetime.datetime, User | None]] = field(default_factory=list)
    logs: list[tuple[str, datetime.datetime, User | None, str, dict]] = field(default_factory=list)

    def do(self, service: str, at: datetime.datetime, by: User | None = None, **options) -> None:
        self.steps.append(Step(service, at, by, options))

    def move(self, to: str, at: datetime.datetime, by: User | None = None, note: str = "", actor: str = Actor.USER):
        self.changes.append((self.complaint.status, to, at, by, note, actor))
        self.complaint.status = to

    def say(self, kind: str, body: str, at: datetime.datetime, author: User | None = None) -> None:
        self.messages.append((kind, body, at, author))

    def log(self, verb: str, at: datetime.datetime, by: User | None = None, actor: str = Actor.USER, **details):
        self.logs.append((verb, at, by, actor, details))


class Builder:
    """Writes the demo requests, one story each, with the services' rules for references and deadlines."""

    def __init__(self, today: datetime.date, *, span_days: int = 730, seed: int = SEED) -> None:
        from faker import Faker

        self.today = today
        self.now = timezone.now()
        self.span_days = span_days  # requests are received over this many days up to today
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.calendar = WorkingCalendar().preload(
            today - datetime.timedelta(days=span_days + 70), today + datetime.timedelta(days=90)
        )
        codes = {code for topic in TOPICS + STAFF_TOPICS for code in topic.units} | {s[1] for s in SENSITIVE}
        self.units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=codes | set(HANDLERS))}
        names = {*HANDLERS.values(), "qualite", "cellule.ecoute", "agent", "enseignant", "pilote"}
        self.users = {user.username: user for user in User.objects.filter(username__in=names)}
        self.quality_manager = self.users.get("qualite")
        self.programmes = list(Programme.objects.filter(is_active=True).select_related("org_unit"))
        self.bodies = {body.name: body for body in RedirectBody.objects.all()}
        self.causes = {cause.name: cause for cause in RootCauseCategory.objects.all()}
        self.deadlines = {kind: deadline_days(kind) for kind in K.values}
        self.auto_close_after_days = HelpdeskSettings.get().auto_close_after_days
        self.drafts: list[Draft] = []

    # -- time --
    def moment(self, day: datetime.date, *, after: datetime.datetime | None = None) -> datetime.datetime:
        moment = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(self.rng.randint(8, 17), self.rng.randint(0, 59)))
        )
        if after is not None and moment <= after:
            moment = after + datetime.timedelta(minutes=self.rng.randint(20, 180))
        return min(moment, self.now)

    def working_day_after(self, start: datetime.datetime, days: int) -> datetime.datetime:
        day = self.calendar.add_working_days(timezone.localdate(start), days)
        return self.moment(day, after=start)

    def received_day(self) -> datetime.date:
        # The last three weeks hold the requests still being handled: 12 % of two years' worth.
        if self.rng.random() < 0.12 * min(1.0, 730 / self.span_days):
            return self.today - datetime.timedelta(days=self.rng.randint(0, 20))
        while True:
            day = self.today - datetime.timedelta(days=self.rng.randint(0, self.span_days - 1))
            if self.rng.random() < MONTH_WEIGHTS[day.month]:
                return day

    # -- people and places --
    def unit(self, code: str) -> OrgUnit | None:
        return self.units.get(code)

    def handler(self, unit: OrgUnit | None) -> User | None:
        if unit is not None:
            for code, username in HANDLERS.items():
                top = self.units.get(code)
                if top is not None and unit.path.startswith(top.path) and username in self.users:
                    return self.users[username]
        return self.quality_manager

    def requester(self, complaint: Complaint, category: str) -> None:
        roll = self.rng.random()
        if roll < 0.22:
            return  # anonymous: only the tracking link
        first, last = self.fake.first_name(), self.fake.last_name()
        complaint.name = f"{first} {last}"
        if roll < 0.85:
            local = _ascii(f"{first}.{last}").lower().replace(" ", "-")
            domain = EMAIL_DOMAIN if category in (C.STUDENT, C.ALUMNUS) else "example.org"
            complaint.email = f"{local}@{domain}"

    # -- one story --
    def build(self, topic: Topic, *, staff: bool = False, sensitive: tuple | None = None, fresh: bool = False) -> Draft:
        """One request and its story; ``fresh``: filed minutes ago, its acknowledgement not queued yet."""
        rng = self.rng
        day = self.received_day()
        received = self.moment(day)
        if fresh:
            received = self.now - datetime.timedelta(minutes=rng.randint(2, 40))
        elif received > self.now - datetime.timedelta(hours=1):
            received = self.now - datetime.timedelta(hours=rng.randint(1, 6), minutes=rng.randint(0, 59))
        kind = topic.kind
        category = rng.choice(topic.categories)
        unit = self.unit(rng.choice(topic.units))
        programme = None
        if category == C.STUDENT and unit is not None and kind == K.COMPLAINT and rng.random() < 0.4:
            inside = [p for p in self.programmes if p.org_unit_id and p.org_unit.path.startswith(unit.path)]
            programme = rng.choice(inside) if inside else None
        language = "en" if topic.english and rng.random() < 0.35 else "fr"
        subject, description = topic.english if language == "en" else rng.choice(topic.cases)
        take_charge_days, answer_days = self.deadlines[kind]
        complaint = Complaint(
            kind=kind,
            requester_category=C.STAFF if staff else category,
            channel=Channel.STAFF_FORM if staff else Channel.PUBLIC_FORM,
            language=language,
            programme=programme,
            concerned_unit=unit if programme is None else programme.org_unit,
            org_unit=programme.org_unit if programme else unit,
            subject=subject[:200],
            description=description,
            status=S.NEW,
            received_at=received,
            clock_started_on=timezone.localdate(received),
            take_charge_days=take_charge_days,
            answer_days=answer_days,
        )
        if sensitive is not None:
            nature, code, subject, description = sensitive
            complaint.sensitive_nature = nature
            complaint.is_sensitive = True
            complaint.subject, complaint.description = subject, description
            complaint.org_unit = complaint.concerned_unit = self.unit(code)
            complaint.programme = None
            complaint.kind = K.COMPLAINT
        if staff:
            reporter = self.users.get(rng.choice(["agent", "enseignant", "pilote"]))
            complaint.submitted_by = reporter
            if reporter is not None:
                complaint.name, complaint.email = reporter.get_full_name(), reporter.email
        else:
            self.requester(complaint, category)
            complaint.ip_address = f"{rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{rng.randint(1, 254)}"
        draft = Draft(complaint)
        actor = Actor.USER if staff else Actor.REQUESTER
        draft.changes.append(("", S.NEW, received, complaint.submitted_by, "", actor))
        draft.log("submitted", received, complaint.submitted_by, actor, channel=complaint.channel, attachments=0)
        handler = self.users.get("cellule.ecoute") if sensitive else self.handler(unit)
        self.play(draft, topic, handler=handler, target=S.NEW if fresh else None)
        self.drafts.append(draft)
        return draft

    def outcome(self, draft: Draft, topic: Topic) -> str:
        rng = self.rng
        complaint = draft.complaint
        age = (self.now - complaint.received_at).days
        if complaint.is_sensitive:
            return rng.choice([S.IN_PROGRESS, S.CLOSED, S.CLOSED]) if age > 20 else S.IN_PROGRESS
        if topic.redirect and rng.random() < topic.redirect_share and age > 1:
            return S.REDIRECTED
        table: list[tuple[str, float]]
        if age < 1:
            table = [(S.NEW, 0.15), (S.ACKNOWLEDGED, 0.65), (S.IN_PROGRESS, 0.2)]
        elif age < 5:
            table = [(S.ACKNOWLEDGED, 0.35), (S.IN_PROGRESS, 0.4), (S.WAITING, 0.1), (S.REJECTED, 0.05),
                     (S.SPAM, 0.05), (S.REDIRECTED, 0.05)]  # fmt: skip
        elif age < 14:
            table = [(S.ACKNOWLEDGED, 0.08), (S.IN_PROGRESS, 0.4), (S.WAITING, 0.12), (S.ANSWERED, 0.3),
                     (S.SPAM, 0.05), (S.DUPLICATE, 0.05)]  # fmt: skip
        elif age < 30:
            table = [(S.IN_PROGRESS, 0.14), (S.WAITING, 0.05), (S.CLOSED, 0.68), (S.REJECTED, 0.03),
                     (S.SPAM, 0.05), (S.DUPLICATE, 0.05)]  # fmt: skip
        else:
            table = [(S.CLOSED, 0.85), (S.REJECTED, 0.02), (S.SPAM, 0.05), (S.DUPLICATE, 0.04),
                     (S.IN_PROGRESS, 0.03), (S.ACKNOWLEDGED, 0.01)]  # fmt: skip
        roll, total = rng.random(), 0.0
        for status, share in table:
            total += share
            if roll < total:
                return status
        return table[0][0]

    def play(self, draft: Draft, topic: Topic, *, handler: User | None, target: str | None = None) -> None:
        """Move the request through its history up to its drawn outcome, as the services would have."""
        rng = self.rng
        complaint = draft.complaint
        target = target or self.outcome(draft, topic)
        received = complaint.received_at
        self.refresh(complaint)
        if target == S.NEW:
            return
        complaint.acknowledged_at = received + datetime.timedelta(seconds=rng.randint(1, 20))
        draft.move(S.ACKNOWLEDGED, complaint.acknowledged_at, actor=Actor.SYSTEM)
        if target == S.ACKNOWLEDGED:
            return
        if target == S.SPAM:
            complaint.subject = rng.choice(SPAM_SUBJECTS)
            complaint.description = "Cliquez ici : http://spam.example/offre"
            complaint.name, complaint.email = "", f"promo{rng.randint(100, 999)}@spam.example"
            at = self.working_day_after(received, rng.randint(0, 1))
            complaint.closed_at = at
            draft.move(S.SPAM, at, handler)
            draft.do("spam", at, handler)
            return
        if target == S.DUPLICATE:
            originals = [
                d.complaint for d in self.drafts
                if d.complaint.subject == complaint.subject and d.complaint.status not in (S.SPAM, S.DUPLICATE)
                and not d.complaint.is_sensitive and d.complaint.received_at < received
            ]  # fmt: skip
            if originals:
                at = self.working_day_after(received, rng.randint(0, 2))
                complaint.duplicate_of = originals[-1]
                complaint.closed_at = at
                draft.move(S.DUPLICATE, at, handler, note="")
                draft.do("duplicate", at, handler, original=originals[-1])
                return
            target = S.CLOSED
        if target == S.REJECTED:
            at = self.working_day_after(received, rng.randint(1, 3))
            complaint.is_admissible = False
            complaint.closed_at = at
            reason = rng.choice(REJECTIONS)
            draft.move(S.REJECTED, at, handler)
            draft.say(MessageKind.REJECTION, reason, at, handler)
            draft.do("reject", at, handler, reason=reason)
            return
        if target == S.REDIRECTED and rng.random() < 0.5:
            self.redirect(draft, topic, handler, after=received)
            return
        # Taken in charge: most within the deadline, some late.
        lag = rng.choices([0, 1, 2, 3, 4, 6], weights=[40, 30, 14, 8, 5, 3])[0]
        if target == S.IN_PROGRESS and (self.now - received).days > 40 and rng.random() < 0.5:
            lag = rng.randint(3, 8)
        taken = self.working_day_after(received, lag) if lag else received + datetime.timedelta(hours=rng.randint(1, 5))
        if taken >= self.now:
            taken = received + (self.now - received) / 2
        complaint.taken_in_charge_at = taken
        if handler is not None and rng.random() < 0.6:
            complaint.assignee = handler
            draft.log("assigned", taken, handler, assignee=str(handler))
            draft.do("assign", taken, handler, assignee=handler)
        draft.move(S.IN_PROGRESS, taken, handler)
        draft.do("take_charge", taken, handler)
        if complaint.kind in (K.COMPLAINT, K.DYSFUNCTION) and rng.random() < 0.3 and handler is not None:
            noted, note = taken + datetime.timedelta(minutes=30), rng.choice(NOTES)
            draft.say(MessageKind.INTERNAL_NOTE, note, noted, handler)
            draft.do("note", noted, handler, body=note)
        self.qualify(draft, topic, handler, taken)
        if target == S.REDIRECTED:
            self.redirect(draft, topic, handler, after=taken)
            return
        if target == S.IN_PROGRESS:
            self.refresh(complaint)
            return
        # A question to the requester pauses the clock (always for the "waiting" outcome, sometimes otherwise).
        cursor = taken
        if target == S.WAITING or (complaint.kind != K.COMPLIMENT and rng.random() < 0.2):
            asked = self.working_day_after(cursor, rng.randint(0, 2))
            if asked >= self.now:
                asked = cursor + (self.now - cursor) / 2
            question = rng.choice(QUESTIONS)
            draft.move(S.WAITING, asked, handler)
            draft.say(MessageKind.QUESTION, question, asked, handler)
            draft.do("ask", asked, handler, question=question)
            if target == S.WAITING:
                complaint.paused_since = asked
                self.refresh(complaint, ignore_status=True)
                return
            replied = self.working_day_after(asked, rng.choice([1, 1, 2, 3, 5]))
            if replied >= self.now:
                complaint.paused_since = asked
                self.refresh(complaint, ignore_status=True)
                return
            complaint.paused_days += self.calendar.working_days_between(asked, replied)
            reply = rng.choice(REPLIES)
            draft.move(S.IN_PROGRESS, replied, actor=Actor.REQUESTER)
            draft.say(MessageKind.REQUESTER, reply, replied)
            draft.log("requester-message", replied, actor=Actor.REQUESTER, files=0)
            draft.do("requester_message", replied, body=reply)
            cursor = replied
        self.refresh(complaint)
        # The answer: usually within the deadline (pauses pushed it back), sometimes late.
        late = rng.random() < 0.13
        start = complaint.clock_started_on
        budget = complaint.answer_days + complaint.paused_days
        days = rng.randint(budget + 1, budget + 8) if late else rng.randint(max(1, budget // 5), budget)
        answered = self.moment(self.calendar.add_working_days(start, days), after=cursor)
        if target == S.ANSWERED:
            answered = max(cursor + datetime.timedelta(hours=2), self.now - datetime.timedelta(days=rng.randint(1, 8)))
            if answered >= self.now:
                self.refresh(complaint)
                return
        if answered >= self.now:
            # Its answer would lie in the future: it is still being handled.
            self.refresh(complaint)
            return
        complaint.answered_at = answered
        draft.move(S.ANSWERED, answered, handler)
        draft.say(MessageKind.FINAL_ANSWER, topic.answer, answered, handler)
        draft.do("answer", answered, handler, answer=topic.answer)
        if rng.random() < 0.55:
            rated = answered + datetime.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 8))
            if rated < self.now:
                rating = rng.choices([5, 4, 3, 2, 1], weights=[35, 32, 14, 10, 9])[0]
                complaint.rating, complaint.rated_at = rating, rated
                complaint.rating_comment = rng.choice(RATING_COMMENTS[rating]) if rng.random() < 0.4 else ""
                draft.log("rated", rated, actor=Actor.REQUESTER, rating=rating)
                draft.do("rate", rated, rating=rating, comment=complaint.rating_comment)
        if target == S.ANSWERED:
            return
        # Closed: by staff with a summary, or by the system after the quiet period.
        if rng.random() < 0.35 and handler is not None:
            closed = self.moment(
                timezone.localdate(answered) + datetime.timedelta(days=rng.randint(1, 9)), after=answered
            )
            if closed < self.now:
                complaint.resolution_summary = topic.answer
                complaint.closed_at = closed
                draft.move(S.CLOSED, closed, handler)
                draft.do("close", closed, handler, resolution_summary=topic.answer)
        else:
            closed = answered + datetime.timedelta(days=10, minutes=rng.randint(5, 55))
            if closed < self.now:
                complaint.closed_at = closed
                draft.move(S.CLOSED, closed, note="Sans nouvelles du demandeur.", actor=Actor.SYSTEM)
                draft.do("close_after_quiet_period", closed)
        # Otherwise the quiet period is not over yet: still answered.

    def redirect(self, draft: Draft, topic: Topic, handler: User | None, *, after: datetime.datetime) -> None:
        complaint = draft.complaint
        body = self.bodies.get(topic.redirect) or self.rng.choice(list(self.bodies.values()))
        at = self.working_day_after(after, self.rng.randint(0, 2))
        if at >= self.now:
            at = after + (self.now - after) / 2
        complaint.redirect_body = body
        complaint.closed_at = at
        draft.move(S.REDIRECTED, at, handler, note=body.name)
        explanation = "Votre demande ne relève pas de l'université ; l'organisme ci-dessous pourra vous répondre."
        draft.say(MessageKind.REDIRECTION, f"{explanation}\n\n{body.contact_block}", at, handler)
        draft.do("redirect", at, handler, body=body, explanation=explanation)

    def qualify(self, draft: Draft, topic: Topic, handler: User | None, after: datetime.datetime) -> None:
        complaint = draft.complaint
        if complaint.kind not in (K.COMPLAINT, K.DYSFUNCTION) or self.rng.random() < 0.25:
            return
        complaint.is_admissible = True
        complaint.is_founded = self.rng.random() < topic.founded
        complaint.severity = self.rng.choices(Severity.values, weights=[30, 45, 20, 5])[0]
        complaint.root_cause = self.causes.get(topic.root_cause)
        complaint.qualified_at = after + datetime.timedelta(hours=self.rng.randint(1, 30))
        draft.do(
            "qualify",
            complaint.qualified_at,
            handler,
            is_admissible=True,
            is_founded=complaint.is_founded,
            severity=complaint.severity,
            root_cause=complaint.root_cause,
        )
        draft.log(
            "qualified",
            complaint.qualified_at,
            handler,
            admissible=True,
            founded=complaint.is_founded,
            severity=complaint.severity,
            root_cause=topic.root_cause,
        )

    def refresh(self, complaint: Complaint, *, ignore_status: bool = False) -> None:
        """The stored due dates, counted as ``complaints.services.refresh_deadlines`` counts them."""
        start = complaint.clock_started_on
        complaint.take_charge_due = self.calendar.add_working_days(start, complaint.take_charge_days)
        complaint.answer_due = self.calendar.add_working_days(start, complaint.answer_days + complaint.paused_days)

    # -- playing the stories through the services --
    def save(self) -> list[Complaint]:
        """Play every story through the services, in order of receipt (so that the references follow it), each
        step at its own moment and writing no email. Returns the requests as the services left them."""
        self.drafts.sort(key=lambda draft: draft.complaint.received_at)
        played: dict[int, Complaint] = {}  # id() of a draft's request → the request the services wrote
        for draft in self.drafts:
            played[id(draft.complaint)] = self.play_through_services(draft, played)
        return list(Complaint.objects.filter(pk__in=[c.pk for c in played.values()]).order_by("received_at", "pk"))

    def play_through_services(self, draft: Draft, played: dict[int, Complaint]) -> Complaint:
        planned = draft.complaint
        complaint = services.complaint_submit(
            kind=planned.kind,
            subject=planned.subject,
            description=planned.description,
            requester_category=planned.requester_category,
            name=planned.name,
            email=planned.email,
            language=planned.language,
            programme=planned.programme,
            concerned_unit=planned.concerned_unit,
            sensitive_nature=planned.sensitive_nature,
            ip_address=planned.ip_address,
            submitted_by=planned.submitted_by,
            channel=planned.channel,
            now=planned.received_at,
            notify_people=False,
        ).complaint
        moment = planned.received_at
        for step in draft.steps:
            # One step after the other, never in the future.
            moment = min(max(step.at, moment), self.now)
            options = dict(step.options)
            if step.service == "duplicate":
                options["original"] = played.get(id(options["original"]))
                if options["original"] is None:
                    break  # its original was not written: the request stays as it is
            if step.service == "close_after_quiet_period":
                # The system closes it once the quiet period after the answer, as the services dated it, is over.
                quiet = datetime.timedelta(days=self.auto_close_after_days, minutes=5)
                moment = max(moment, complaint.answered_at + quiet)
                if moment >= self.now:
                    break
            if step.service == "assign":
                # The assignment names the unit and the process too: they stay as they are.
                options.update(org_unit=complaint.org_unit, process=complaint.process)
            service, takes_by, writes_emails = STEP_SERVICES[step.service]
            if takes_by:
                options["by"] = step.by
            if writes_emails:
                options["notify_people"] = False
            service(complaint=complaint, now=moment, **options)
        return complaint


# The service each step of a story calls: whether it takes who did it (``by``), and whether it writes emails (the
# demo tells it not to).
STEP_SERVICES = {
    "assign": (services.complaint_assign, True, True),
    "take_charge": (services.complaint_take_charge, True, False),
    "note": (services.complaint_add_note, True, False),
    "qualify": (services.complaint_qualify, True, False),
    "ask": (services.complaint_ask_requester, True, True),
    "requester_message": (services.complaint_requester_message, False, True),
    "answer": (services.complaint_answer, True, True),
    "rate": (services.complaint_rate, False, False),
    "close": (services.complaint_close, True, False),
    "close_after_quiet_period": (services.complaint_close_after_quiet_period, False, False),
    "redirect": (services.complaint_redirect, True, True),
    "reject": (services.complaint_reject, True, True),
    "spam": (services.complaint_mark_spam, True, False),
    "duplicate": (services.complaint_mark_duplicate, True, False),
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


# --- Corrective actions --------------------------------------------------------------------------------------------
def _top_unit(unit: OrgUnit | None, units: list[OrgUnit]) -> OrgUnit | None:
    """The faculty or central service that ``unit`` belongs to (the level that holds a continuous-improvement
    plan)."""
    if unit is None:
        return None
    candidates = [u for u in units if unit.path.startswith(u.path) and u.depth == 1]
    return candidates[0] if candidates else unit


def _seed_actions(complaints: list[Complaint], today: datetime.date, rng: random.Random) -> int:
    """Corrective actions in the continuous-improvement plan of each unit, for the founded requests of the topics
    that call for one; one action answers every request of its topic in that unit."""
    try:
        from actionplans import services as plans
        from actionplans.choices import ActionKind, ActionStatus
    except ImportError:  # pragma: no cover - action plans are part of the project
        return 0
    from qms.core.services import log_activity

    titles = {subject: topic.action for topic in TOPICS + STAFF_TOPICS if topic.action for subject in topic.subjects}
    units = list(OrgUnit.objects.all())
    groups: dict[tuple[str, int | None], list[Complaint]] = {}
    for complaint in complaints:
        title = titles.get(complaint.subject)
        if title and complaint.is_founded and not complaint.is_sensitive and complaint.taken_in_charge_at:
            top = _top_unit(complaint.org_unit, units)
            groups.setdefault((title, top.pk if top else None), []).append(complaint)
    created = 0
    for (title, _unit_id), members in sorted(groups.items(), key=lambda item: item[1][0].received_at):
        first = members[0]
        top = _top_unit(first.org_unit, units)
        owner = first.assignee
        by = owner
        plan = plans.continuous_improvement_plan_for(org_unit=top, by=by)
        at = first.taken_in_charge_at + datetime.timedelta(days=2)
        deadline = timezone.localdate(at) + datetime.timedelta(days=rng.choice([45, 60, 90, 120]))
        done = deadline < today - datetime.timedelta(days=15) and rng.random() < 0.75
        action = plans.action_import_create(
            plan=plan,
            title=title,
            kind=ActionKind.CORRECTIVE,
            owner=owner,
            owner_label="" if owner else (top.name if top else ""),
            org_unit=first.org_unit,
            deadline=deadline,
            description=f"Action décidée à la suite de la demande {first.reference}.",
            sources=[first],
            by=by,
            notify_owner=False,
            at=at,
        )
        actor = Actor.USER if by else Actor.SYSTEM
        log_activity(
            obj=first,
            verb="action-created",
            by=by,
            actor=actor,
            details={"action": action.pk, "reference": action.reference, "plan": str(plan)},
            at=at,
        )
        for other in members[1:]:
            plans.action_add_source(action=action, source=other, by=by)
            log_activity(
                obj=other,
                verb="action-linked",
                by=by,
                actor=actor,
                details={"action": action.pk, "reference": action.reference},
                at=other.taken_in_charge_at or other.received_at,
            )
        if done:
            completed = deadline - datetime.timedelta(days=rng.randint(0, 20))
            plans.action_transition(
                action=action,
                to=ActionStatus.DONE,
                by=by,
                completed_on=completed,
                at=timezone.make_aware(datetime.datetime.combine(completed, datetime.time(11))),
            )
        elif deadline > today - datetime.timedelta(days=200) and rng.random() < 0.7:
            plans.action_transition(action=action, to=ActionStatus.IN_PROGRESS, by=by, at=at)
        created += 1
    return created


# --- Configuration --------------------------------------------------------------------------------------------------
def _seed_configuration() -> tuple[int, int, int]:
    bodies = causes = templates = 0
    for name, description, contact, email, phone, url, order in REDIRECT_BODIES:
        _body, created = RedirectBody.objects.get_or_create(
            name=name,
            defaults={"description": description, "contact_details": contact, "email": email, "phone": phone,
                      "url": url, "order": order},
        )  # fmt: skip
        bodies += created
    for order, (name, description) in enumerate(ROOT_CAUSES, start=1):
        _cause, created = RootCauseCategory.objects.get_or_create(
            name=name, defaults={"description": description, "order": order}
        )
        causes += created
    for title, kind, body_fr, body_en, order in REPLY_TEMPLATES:
        _template, created = ReplyTemplate.objects.get_or_create(
            title=title, defaults={"kind": kind, "body_fr": body_fr, "body_en": body_en, "order": order}
        )
        templates += created
    return bodies, causes, templates


def already_seeded() -> bool:
    return ActivityLog.objects.filter(
        verb=DEMO_VERB, content_type=ContentType.objects.get_for_model(Complaint)
    ).exists()


def seed(stdout=None) -> None:
    """Add the demo helpdesk (idempotent)."""
    bodies, causes, templates = _seed_configuration()
    if already_seeded():
        if stdout is not None:
            stdout.write("Helpdesk: the demo requests are already there.")
        return
    today = timezone.localdate()
    builder = Builder(today)
    staff_count, sensitive_count, fresh_count = 15, len(SENSITIVE), 2
    weights = [topic.weight for topic in TOPICS]
    for _index in range(SIZE - staff_count - sensitive_count - fresh_count):
        builder.build(builder.rng.choices(TOPICS, weights=weights)[0])
    for _index in range(fresh_count):
        builder.build(builder.rng.choices(TOPICS, weights=weights)[0], fresh=True)
    for _index in range(staff_count):
        builder.build(builder.rng.choice(STAFF_TOPICS), staff=True)
    for sensitive in SENSITIVE:
        builder.build(TOPICS[0], sensitive=sensitive)
    complaints = builder.save()
    actions = _seed_actions(complaints, today, builder.rng)
    from qms.core.services import log_activity

    log_activity(obj=complaints[0], verb=DEMO_VERB, actor=Actor.SYSTEM, details={"requests": len(complaints)})
    from complaints.retention import purge_complaints

    purged = purge_complaints().purged
    if stdout is not None:
        stdout.write(
            f"Helpdesk: {len(complaints)} requests, {actions} corrective actions, {bodies} redirection bodies, "
            f"{causes} root-cause categories, {templates} reply templates added; {purged} purged (retention)."
        )
