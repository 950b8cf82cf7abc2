"""The surveys' reference data: the tags, the scales and the standard course-evaluation questionnaire.

Loaded by ``manage.py load_reference_data`` (and by the demo). Idempotent: tags and scales are brought to what
is written here; the standard questionnaire is created once, and never overwritten afterwards, since an
institution adapts it (a frozen one gets new versions through the questionnaire pages).
"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from surveys.choices import OVERALL_SATISFACTION_TAG, Audience, QuestionKind, TargetKind

STANDARD_TEMPLATE_CODE = "eee-standard"

TAGS = [
    (OVERALL_SATISFACTION_TAG, "Satisfaction globale", "Overall satisfaction"),
    ("objectives", "Atteinte des objectifs", "Reaching the objectives"),
    ("teaching_methods", "Méthodes pédagogiques", "Teaching methods"),
    ("materials", "Supports", "Materials"),
    ("organisation", "Organisation et logistique", "Organisation and logistics"),
    ("workload", "Charge de travail", "Workload"),
    ("assessment", "Évaluation", "Assessment"),
    ("comments", "Commentaires", "Comments"),
]

SCALES = {
    "agreement-4": (
        "Accord, 4 points",
        "Agreement, 4 points",
        True,
        [
            ("Pas du tout d'accord", "Strongly disagree"),
            ("Plutôt pas d'accord", "Somewhat disagree"),
            ("Plutôt d'accord", "Somewhat agree"),
            ("Tout à fait d'accord", "Strongly agree"),
        ],
    ),
    "agreement-5": (
        "Accord, 5 points",
        "Agreement, 5 points",
        True,
        [
            ("Pas du tout d'accord", "Strongly disagree"),
            ("Plutôt pas d'accord", "Somewhat disagree"),
            ("Ni d'accord ni pas d'accord", "Neither agree nor disagree"),
            ("Plutôt d'accord", "Somewhat agree"),
            ("Tout à fait d'accord", "Strongly agree"),
        ],
    ),
    "workload-5": (
        "Charge de travail, 5 points",
        "Workload, 5 points",
        False,
        [
            ("Très insuffisante", "Far too light"),
            ("Plutôt légère", "Rather light"),
            ("Adaptée", "About right"),
            ("Plutôt lourde", "Rather heavy"),
            ("Excessive", "Far too heavy"),
        ],
    ),
}

A4 = "agreement-4"
# (section French, section English, [(code, kind, French, English, scale, required, not applicable, tags,
#  options)])
STANDARD_SECTIONS = [
    (
        "Objectifs de l'enseignement",
        "Course objectives",
        [
            ("OBJ_CLEAR", QuestionKind.LIKERT, "Les objectifs de l'enseignement ont été présentés clairement.",
             "The objectives of the course were clearly presented.", A4, True, False, ["objectives"], []),
            ("OBJ_REACHED", QuestionKind.LIKERT, "J'estime avoir atteint les objectifs de l'enseignement.",
             "I feel I have reached the objectives of the course.", A4, True, False, ["objectives"], []),
        ],
    ),
    (
        "Méthodes pédagogiques",
        "Teaching methods",
        [
            ("METHODS", QuestionKind.LIKERT, "Les méthodes pédagogiques ont favorisé mon apprentissage.",
             "The teaching methods helped me learn.", A4, True, False, ["teaching_methods"], []),
            ("INTERACTION", QuestionKind.LIKERT, "Les échanges avec l'équipe enseignante ont été suffisants.",
             "There was enough exchange with the teaching team.", A4, False, False, ["teaching_methods"], []),
            ("FORMATS", QuestionKind.MULTIPLE_CHOICE, "Quels formats avez-vous suivis ?",
             "Which formats did you attend?", None, False, False, ["teaching_methods"],
             [("Cours magistraux", "Lectures"), ("Travaux dirigés", "Tutorials"), ("Travaux pratiques", "Practicals"),
              ("Activités en ligne", "Online activities")]),
        ],
    ),
    (
        "Supports",
        "Materials",
        [
            ("MATERIALS", QuestionKind.LIKERT,
             "Les supports (documents, plateforme en ligne, ressources) ont été utiles.",
             "The materials (documents, online platform, resources) were useful.", A4, False, True, ["materials"],
             []),
        ],
    ),
    (
        "Organisation et logistique",
        "Organisation and logistics",
        [
            ("ORGANISATION", QuestionKind.LIKERT,
             "L'organisation de l'enseignement (planning, salles, équipements) a été satisfaisante.",
             "The organisation of the course (timetable, rooms, equipment) was satisfactory.", A4, False, False,
             ["organisation"], []),
        ],
    ),
    (
        "Charge de travail",
        "Workload",
        [
            ("WORKLOAD", QuestionKind.LIKERT, "La charge de travail demandée était adaptée.",
             "The workload asked of me was reasonable.", A4, False, False, ["workload"], []),
            ("PERSONAL_HOURS", QuestionKind.SINGLE_CHOICE,
             "Combien d'heures de travail personnel par semaine lui avez-vous consacrées\u00a0?",
             "How many hours of personal work a week did you give it?", None, False, False, ["workload"],
             [("Moins d'une heure", "Less than an hour"), ("1 à 2 heures", "1 to 2 hours"),
              ("2 à 4 heures", "2 to 4 hours"), ("Plus de 4 heures", "More than 4 hours")]),
        ],
    ),
    (
        "Évaluation des connaissances",
        "Assessment",
        [
            ("ASSESSMENT_CLEAR", QuestionKind.LIKERT, "Les modalités d'évaluation ont été annoncées clairement.",
             "The assessment arrangements were clearly announced.", A4, False, False, ["assessment"], []),
            ("ASSESSMENT_FAIR", QuestionKind.LIKERT, "L'évaluation était cohérente avec les contenus enseignés.",
             "The assessment was consistent with what was taught.", A4, False, True, ["assessment"], []),
        ],
    ),
    (
        "Appréciation globale",
        "Overall",
        [
            ("OVERALL_SAT", QuestionKind.LIKERT, "Dans l'ensemble, je suis satisfait·e de cet enseignement.",
             "Overall, I am satisfied with this course.", A4, True, False, [OVERALL_SATISFACTION_TAG], []),
            ("RECOMMEND", QuestionKind.RATING,
             "De 0 à 10, recommanderiez-vous cet enseignement à un·e autre étudiant·e\u00a0?",
             "From 0 to 10, would you recommend this course to another student?", None, False, False, [], []),
            ("STRENGTHS", QuestionKind.TEXT, "Quels sont les points forts de cet enseignement\u00a0?",
             "What are the strengths of this course?", None, False, False, ["comments"], []),
            ("IMPROVEMENTS", QuestionKind.TEXT, "Que faudrait-il améliorer\u00a0?", "What should be improved?", None,
             False, False, ["comments"], []),
        ],
    ),
]  # fmt: skip

INTRODUCTION_FR = (
    "Ce questionnaire est anonyme\u00a0: vos réponses ne sont reliées ni à votre nom ni à votre adresse. Les résultats "
    "ne sont montrés que lorsqu'assez d'étudiant·es ont répondu. Il faut environ cinq minutes."
)
INTRODUCTION_EN = (
    "This questionnaire is anonymous: your answers are linked neither to your name nor to your address. Results "
    "are only shown when enough students have answered. It takes about five minutes."
)


def load_tags_and_scales() -> None:
    from surveys.models import QuestionTag, Scale, ScalePoint

    for code, label_fr, label_en in TAGS:
        QuestionTag.objects.update_or_create(code=code, defaults={"label_fr": label_fr, "label_en": label_en})
    for code, (name_fr, name_en, is_agreement, points) in SCALES.items():
        scale, _created = Scale.objects.update_or_create(
            code=code, defaults={"name_fr": name_fr, "name_en": name_en, "is_agreement": is_agreement}
        )
        for value, (label_fr, label_en) in enumerate(points, start=1):
            ScalePoint.objects.update_or_create(
                scale=scale, value=value, defaults={"label_fr": label_fr, "label_en": label_en}
            )


def load_standard_template():
    """The standard course-evaluation questionnaire, created once (version 1)."""
    from surveys.models import Question, QuestionnaireTemplate, QuestionOption, QuestionTag, Scale, Section

    existing = QuestionnaireTemplate.objects.filter(code=STANDARD_TEMPLATE_CODE).order_by("-version").first()
    if existing is not None:
        return existing
    template = QuestionnaireTemplate.objects.create(
        code=STANDARD_TEMPLATE_CODE,
        version=1,
        title_fr="Évaluation des enseignements par les étudiants",
        title_en="Course evaluation by students",
        introduction_fr=INTRODUCTION_FR,
        introduction_en=INTRODUCTION_EN,
        audience=Audience.STUDENTS,
        target_kind=TargetKind.COURSE,
        order=1,
    )
    scales = {scale.code: scale for scale in Scale.objects.all()}
    tags = {tag.code: tag for tag in QuestionTag.objects.all()}
    for section_order, (title_fr, title_en, questions) in enumerate(STANDARD_SECTIONS, start=1):
        section = Section.objects.create(template=template, order=section_order, title_fr=title_fr, title_en=title_en)
        for order, (code, kind, text_fr, text_en, scale, required, na, tag_codes, options) in enumerate(
            questions, start=1
        ):
            question = Question.objects.create(
                template=template,
                section=section,
                order=order,
                code=code,
                kind=kind,
                text_fr=text_fr,
                text_en=text_en,
                scale=scales[scale] if scale else None,
                required=required,
                allows_not_applicable=na,
            )
            question.tags.set([tags[tag] for tag in tag_codes])
            for value, (label_fr, label_en) in enumerate(options, start=1):
                QuestionOption.objects.create(question=question, value=value, label_fr=label_fr, label_en=label_en)
    return template


@transaction.atomic
def load(stdout: TextIO | None = None) -> None:
    """Tags, scales and the standard questionnaire; idempotent."""
    load_tags_and_scales()
    template = load_standard_template()
    if stdout is not None:
        stdout.write(f"Surveys: {len(TAGS)} tags, {len(SCALES)} scales, questionnaire “{template}”.\n")
