"""Importing a plan from a spreadsheet: every path a plan file can take, through the analysis and the service."""

import datetime
import io
import os

import openpyxl
import pytest
import time_machine
from django.utils import translation

from actionplans import services
from actionplans.choices import ActionStatus, EffectivenessResult, PlanKind
from actionplans.imports import analyse, read_import_file
from actionplans.models import Action, Axis, Objective, PlanImport
from actionplans.services import ActionPlanError
from qms.core.models import ActivityLog, StatusChange
from qms.core.spreadsheets import SpreadsheetError

TODAY = datetime.date(2026, 3, 16)

HEADER = ["Axe", "Objectif stratégique", "Objectif spécifique", "Échéance"]
AEQES = [
    ["Suivi du plan d'action AEQES — version du 12/01/2026"],
    [],
    HEADER,
    [
        "Gouvernance",
        "Poursuivre la formalisation du système d'assurance qualité",
        "Elaborer la cartographie des processus institutionnels",
        "22/10/2021",
    ],
    ["", "", "Rédiger les fiches processus", "15/12/2021"],
    ["", "Associer les parties prenantes", "Créer un conseil de perfectionnement par mention", "30/06/2022"],
    [
        "Qualité",
        "Systématiser l'évaluation des enseignements",
        "Généraliser l'évaluation des enseignements",
        "2022-09-01",
    ],
]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def empty_plan(quality_manager, org):
    return services.plan_create(
        title="Suivi AEQES", kind=PlanKind.INSTITUTIONAL_EVALUATION, org_unit=org.sciences, by=quality_manager
    )


def _csv(rows, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(delimiter.join(cell for cell in row) for row in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def _xlsx(rows, merges=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _apply(plan, content, by, filename="plan.csv"):
    return services.plan_import_apply(plan=plan, payload=read_import_file(content, filename=filename), by=by)


def _preview(plan, content):
    return analyse(plan, read_import_file(content))


def _tree(plan):
    return [
        (
            a.objective.axis.title if a.objective and a.objective.axis else "",
            a.objective.title if a.objective else "",
            a.title,
            a.deadline,
        )
        for a in plan.actions.select_related("objective__axis").order_by(
            "objective__axis__order", "objective__order", "position", "pk"
        )
    ]


EXPECTED_TREE = [
    (
        "Gouvernance",
        "Poursuivre la formalisation du système d'assurance qualité",
        "Elaborer la cartographie des processus institutionnels",
        datetime.date(2021, 10, 22),
    ),
    (
        "Gouvernance",
        "Poursuivre la formalisation du système d'assurance qualité",
        "Rédiger les fiches processus",
        datetime.date(2021, 12, 15),
    ),
    (
        "Gouvernance",
        "Associer les parties prenantes",
        "Créer un conseil de perfectionnement par mention",
        datetime.date(2022, 6, 30),
    ),
    (
        "Qualité",
        "Systématiser l'évaluation des enseignements",
        "Généraliser l'évaluation des enseignements",
        datetime.date(2022, 9, 1),
    ),
]


# --- Reading every form -------------------------------------------------------------------------------------


def test_an_aeqes_file_builds_the_tree_inheriting_empty_axis_and_objective_cells(empty_plan, quality_manager):
    result = _apply(empty_plan, _csv(AEQES), quality_manager)
    assert (result.created, result.axes, result.objectives) == (4, 2, 3)
    assert _tree(empty_plan) == EXPECTED_TREE
    assert list(empty_plan.axes.values_list("title", "order")) == [("Gouvernance", 1), ("Qualité", 2)]
    assert set(empty_plan.actions.values_list("status", flat=True)) == {ActionStatus.PLANNED}
    assert sorted(empty_plan.actions.values_list("reference", flat=True)) == ["A-001", "A-002", "A-003", "A-004"]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True), ("cp1252", False)])
def test_each_delimiter_and_encoding_gives_the_same_plan(empty_plan, quality_manager, delimiter, encoding, bom):
    rows = [[cell.replace(",", "") for cell in row] for row in AEQES]  # no commas inside cells here
    _apply(empty_plan, _csv(rows, delimiter=delimiter, encoding=encoding, bom=bom), quality_manager)
    expected = [(a, o.replace(",", ""), t.replace(",", ""), d) for a, o, t, d in EXPECTED_TREE]
    assert _tree(empty_plan) == expected


@pytest.mark.parametrize("written", ["22/10/2021", "2021-10-22", "44491", "22.10.2021"])
def test_each_date_form_in_a_csv(empty_plan, quality_manager, written):
    _apply(empty_plan, _csv([HEADER, ["A", "O", "Action", written]]), quality_manager)
    assert empty_plan.actions.get().deadline == datetime.date(2021, 10, 22)


def test_date_cells_and_serial_numbers_in_an_xlsx(empty_plan, quality_manager):
    rows = [HEADER, ["A", "O", "Cellule date", datetime.datetime(2021, 10, 22)], ["A", "O", "Numéro de série", 44491]]
    _apply(empty_plan, _xlsx(rows), quality_manager, filename="plan.xlsx")
    assert set(empty_plan.actions.values_list("deadline", flat=True)) == {datetime.date(2021, 10, 22)}


def test_an_xlsx_with_a_title_row_and_merged_axis_and_objective_cells(empty_plan, quality_manager):
    rows = [
        ["Plan d'action institutionnel"],
        [None],
        HEADER,
        [
            "Gouvernance",
            "Poursuivre la formalisation du système d'assurance qualité",
            "Elaborer la cartographie des processus institutionnels",
            datetime.datetime(2021, 10, 22),
        ],
        [None, None, "Rédiger les fiches processus", datetime.datetime(2021, 12, 15)],
        [
            None,
            "Associer les parties prenantes",
            "Créer un conseil de perfectionnement par mention",
            datetime.datetime(2022, 6, 30),
        ],
        [
            "Qualité",
            "Systématiser l'évaluation des enseignements",
            "Généraliser l'évaluation des enseignements",
            datetime.datetime(2022, 9, 1),
        ],
    ]
    _apply(empty_plan, _xlsx(rows, merges=["A4:A6", "B4:B5"]), quality_manager, filename="plan.xlsx")
    assert _tree(empty_plan) == EXPECTED_TREE


@pytest.mark.parametrize(
    "header",
    [
        ["AXES", "Objectifs_Stratégiques", "objectifs spécifiques", "ÉCHÉANCES"],
        ["Axis", "Strategic objective", "Action", "Due date"],
        ["axes", "strategic-objectives", "Actions", "Deadlines"],
        ["Axe ", "Objectif strategique", "Objectif specifique", "Echeance"],
    ],
)
def test_headers_are_recognised_in_french_or_english_whatever_their_form(empty_plan, quality_manager, header):
    _apply(empty_plan, _csv([header, ["A", "O", "Action", "2030-01-01"]]), quality_manager)
    assert empty_plan.actions.get().deadline == datetime.date(2030, 1, 1)


def test_the_optional_columns_are_read(empty_plan, quality_manager, teacher):
    header = [*HEADER, "Référence", "Responsable", "Statut", "Description", "Résultat attendu", "Indicateur"]
    row = ["A", "O", "Action", "2025-06-30", "1.1.1", teacher.email, "Terminée", "Détail", "Carte publiée", "Oui/non"]
    _apply(empty_plan, _csv([header, row]), quality_manager)
    action = empty_plan.actions.get()
    assert (action.reference, action.owner, action.status, action.description) == (
        "1.1.1",
        teacher,
        ActionStatus.DONE,
        "Détail",
    )
    assert (action.expected_result, action.indicator, action.progress) == ("Carte publiée", "Oui/non", 100)
    assert action.completed_on == TODAY


def test_an_owner_is_found_by_username_or_full_name(empty_plan, quality_manager, teacher, staff_member):
    header = [*HEADER, "Owner"]
    rows = [
        header,
        ["A", "O", "Un", "", teacher.username.upper()],
        ["A", "O", "Deux", "", staff_member.get_full_name()],
    ]
    _apply(empty_plan, _csv(rows), quality_manager)
    owners = dict(empty_plan.actions.values_list("title", "owner"))
    assert owners == {"Un": teacher.pk, "Deux": staff_member.pk}


def test_an_unknown_owner_is_a_warning_and_stays_as_written(empty_plan, quality_manager):
    content = _csv([[*HEADER, "Responsable"], ["A", "O", "Action", "", "VP Formation et vie étudiante"]])
    preview = _preview(empty_plan, content)
    assert not preview.errors
    assert [w.line for w in preview.warnings] == [2]
    assert "VP Formation et vie étudiante" in preview.warnings[0].message
    _apply(empty_plan, content, quality_manager)
    action = empty_plan.actions.get()
    assert (action.owner, action.owner_label) == (None, "VP Formation et vie étudiante")


# --- Idempotence and matching -------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(empty_plan, quality_manager):
    content = _csv(AEQES)
    _apply(empty_plan, content, quality_manager)
    before = (
        list(Action.objects.values()),
        ActivityLog.objects.count(),
        StatusChange.objects.count(),
        Axis.objects.count(),
        Objective.objects.count(),
    )
    preview = _preview(empty_plan, content)
    assert (len(preview.creates), len(preview.updates), len(preview.unchanged), preview.missing) == (0, 0, 4, [])
    assert not preview.changes_anything
    result = _apply(empty_plan, content, quality_manager)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    after = (
        list(Action.objects.values()),
        ActivityLog.objects.count() - 1,  # the import itself is logged on the plan
        StatusChange.objects.count(),
        Axis.objects.count(),
        Objective.objects.count(),
    )
    assert after == before


def test_a_row_is_matched_on_its_reference_first(empty_plan, quality_manager):
    header = ["Référence", *HEADER]
    _apply(empty_plan, _csv([header, ["1.1", "A", "O", "Ancien titre", "2030-01-01"]]), quality_manager)
    action = empty_plan.actions.get()
    preview = _preview(empty_plan, _csv([header, ["1.1", "A", "O", "Nouveau titre", "2030-02-01"]]))
    assert [row.op for row in preview.rows] == ["update"]
    assert {change.field for change in preview.rows[0].changes} == {"title", "deadline"}
    _apply(empty_plan, _csv([header, ["1.1", "A", "O", "Nouveau titre", "2030-02-01"]]), quality_manager)
    action.refresh_from_db()
    assert (action.title, action.deadline) == ("Nouveau titre", datetime.date(2030, 2, 1))
    assert empty_plan.actions.count() == 1


def test_a_reference_can_move_an_action_to_another_objective(empty_plan, quality_manager):
    header = ["Référence", *HEADER]
    _apply(empty_plan, _csv([header, ["1.1", "A", "O", "Action", "2030-01-01"]]), quality_manager)
    _apply(empty_plan, _csv([header, ["1.1", "B", "P", "Action", "2030-01-01"]]), quality_manager)
    action = empty_plan.actions.select_related("objective__axis").get()
    assert (action.objective.axis.title, action.objective.title) == ("B", "P")


def test_without_a_reference_a_row_is_matched_on_axis_objective_and_title(empty_plan, quality_manager):
    _apply(empty_plan, _csv(AEQES), quality_manager)
    changed = [row[:] for row in AEQES]
    changed[4][3] = "31/01/2022"  # "Rédiger les fiches processus": axis and objective inherited
    changed[6][2] = "GÉNÉRALISER l'évaluation  des enseignements"  # case and spaces do not count
    preview = _preview(empty_plan, _csv(changed))
    assert [(row.line, row.op) for row in preview.rows] == [
        (4, "unchanged"),
        (5, "update"),
        (6, "unchanged"),
        (7, "update"),
    ]
    _apply(empty_plan, _csv(changed), quality_manager)
    assert empty_plan.actions.count() == 4
    assert empty_plan.actions.get(title="Rédiger les fiches processus").deadline == datetime.date(2022, 1, 31)


def test_a_reimport_updates_only_the_columns_present(empty_plan, quality_manager, teacher):
    full = [
        ["Référence", *HEADER, "Responsable", "Description", "Indicateur"],
        ["1", "A", "O", "Action", "2030-01-01", teacher.email, "Le détail", "Taux"],
    ]
    _apply(empty_plan, _csv(full), quality_manager)
    narrow = [["Référence", *HEADER], ["1", "A", "O", "Action", "2031-01-01"]]
    _apply(empty_plan, _csv(narrow), quality_manager)
    action = empty_plan.actions.get()
    assert (action.deadline, action.owner, action.description, action.indicator) == (
        datetime.date(2031, 1, 1),
        teacher,
        "Le détail",
        "Taux",
    )


def test_actions_missing_from_the_file_are_reported_and_kept(empty_plan, quality_manager):
    _apply(empty_plan, _csv(AEQES), quality_manager)
    shorter = AEQES[:5]
    preview = _preview(empty_plan, _csv(shorter))
    assert sorted(a.title for a in preview.missing) == [
        "Créer un conseil de perfectionnement par mention",
        "Généraliser l'évaluation des enseignements",
    ]
    result = _apply(empty_plan, _csv(shorter), quality_manager)
    assert result.missing == 2
    assert empty_plan.actions.count() == 4


def test_a_status_column_moves_existing_actions_through_the_workflow(empty_plan, quality_manager):
    header = ["Référence", *HEADER, "Statut", "Date de réalisation"]
    _apply(empty_plan, _csv([header, ["1", "A", "O", "Action", "2026-01-01", "En cours", ""]]), quality_manager)
    _apply(
        empty_plan, _csv([header, ["1", "A", "O", "Action", "2026-01-01", "Réalisée", "10/03/2026"]]), quality_manager
    )
    action = empty_plan.actions.get()
    assert (action.status, action.completed_on, action.progress) == (ActionStatus.DONE, datetime.date(2026, 3, 10), 100)
    moves = [(c.from_status, c.to_status) for c in StatusChange.objects.filter(object_id=action.pk)]
    assert moves == [("", "in_progress"), ("in_progress", "done")]


# --- Errors: line numbers, and nothing written --------------------------------------------------------------


def test_every_error_has_its_line_and_nothing_is_written(empty_plan, quality_manager):
    rows = [
        ["Plan"],
        HEADER + ["Statut", "Avancement"],
        ["A", "O", "Valide", "2030-01-01", "", ""],
        ["A", "O", "Date impossible", "31/02/2030", "", ""],
        ["A", "O", "", "2030-01-01", "", ""],
        ["A", "O", "Statut inconnu", "2030-01-01", "Presque fini", ""],
        ["A", "O", "Avancement faux", "2030-01-01", "", "150"],
    ]
    with translation.override("en"):
        preview = _preview(empty_plan, _csv(rows))
        assert [error.line for error in preview.errors] == [4, 5, 6, 7]
        assert preview.errors[0].message.startswith("Line 4: column “Échéance”:")
        assert "31/02/2030" in preview.errors[0].message
        with pytest.raises(ActionPlanError, match="4 errors"):
            _apply(empty_plan, _csv(rows), quality_manager)
    assert not empty_plan.actions.exists()
    assert not empty_plan.axes.exists()
    assert not empty_plan.objectives.exists()


@pytest.mark.parametrize("progress", ["nan", "inf", "-inf", "1e400"])
def test_a_progress_that_is_not_a_number_is_an_error_on_its_line(empty_plan, quality_manager, progress):
    rows = [
        HEADER + ["Avancement"],
        ["A", "O", "Valide", "2030-01-01", "40"],
        ["A", "O", "Faux", "2030-01-01", progress],
    ]
    preview = _preview(empty_plan, _csv(rows))
    assert [error.line for error in preview.errors] == [3]
    assert "is not a percentage" in preview.errors[0].message


def test_a_cell_longer_than_its_field_is_an_error_on_its_line(empty_plan, quality_manager):
    """Caught in the preview, with its line, rather than failing on the database when the import is confirmed."""
    header = HEADER + ["Responsable", "Indicateur"]
    rows = [
        header,
        ["A" * 251, "O", "Axe trop long", "", "", ""],
        ["B", "O" * 501, "Objectif trop long", "", "", ""],
        ["B", "O", "Indicateur trop long", "", "", "i" * 501],
        ["B", "O", "Responsable trop long", "", "r" * 251, ""],
        ["B", "O", "Juste", "", "r" * 250, "i" * 500],
    ]
    preview = _preview(empty_plan, _csv(rows))
    assert [error.line for error in preview.errors] == [2, 3, 4, 5]
    assert "column “Indicateur”: the text is too long (at most 500 characters)" in preview.errors[2].message
    with pytest.raises(ActionPlanError, match="4 errors"):
        _apply(empty_plan, _csv(rows), quality_manager)
    assert not empty_plan.actions.exists()


def test_duplicate_rows_and_references_are_errors(empty_plan, quality_manager):
    header = ["Référence", *HEADER]
    rows = [
        header,
        ["1", "A", "O", "Un", ""],
        ["1", "A", "O", "Deux", ""],
        ["", "A", "O", "Trois", ""],
        ["", "A", "O", "Trois", ""],
    ]
    preview = _preview(empty_plan, _csv(rows))
    assert [error.line for error in preview.errors] == [3, 5]


def test_a_status_move_the_workflow_refuses_is_an_error(empty_plan, quality_manager):
    header = ["Référence", *HEADER, "Statut"]
    _apply(empty_plan, _csv([header, ["1", "A", "O", "Action", "", "Annulée"]]), quality_manager)
    preview = _preview(empty_plan, _csv([header, ["1", "A", "O", "Action", "", "Réalisée"]]))
    assert [error.line for error in preview.errors] == [2]


def test_a_checked_action_keeps_its_status(empty_plan, quality_manager):
    header = ["Référence", *HEADER, "Statut"]
    _apply(empty_plan, _csv([header, ["1", "A", "O", "Action", "", "Terminée"]]), quality_manager)
    services.action_check_effectiveness(
        action=empty_plan.actions.get(), by=quality_manager, result=EffectivenessResult.EFFECTIVE, comment="Constaté."
    )
    preview = _preview(empty_plan, _csv([header, ["1", "A", "O", "Action", "", "En cours"]]))
    assert [error.line for error in preview.errors] == [2]


def test_the_confirmation_analyses_the_file_again(empty_plan, quality_manager):
    """The plan changed between the preview and the confirmation: the import refuses what is no longer valid."""
    header = ["Référence", *HEADER, "Statut"]
    _apply(empty_plan, _csv([header, ["1", "A", "O", "Action", "", "En cours"]]), quality_manager)
    plan_import = services.plan_import_start(
        plan=empty_plan, by=quality_manager, source=_csv([header, ["1", "A", "O", "Action", "", "Terminée"]])
    )
    assert not analyse(empty_plan, plan_import.payload).errors
    services.action_transition(
        action=empty_plan.actions.get(), to=ActionStatus.CANCELLED, by=quality_manager, note="Abandon"
    )
    with pytest.raises(ActionPlanError):
        services.plan_import_confirm(plan_import=plan_import, by=quality_manager)
    assert empty_plan.actions.get().status == ActionStatus.CANCELLED


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (os.urandom(4096), "not a spreadsheet"),
        (b"Axe;Echeance\nA;2030-01-01\n", "missing"),
        (b"Axe;Objectif strategique;Action;Echeance\n", "no action"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(empty_plan, quality_manager, content, message):
    with translation.override("en"):
        try:
            plan_import = services.plan_import_start(plan=empty_plan, by=quality_manager, source=content)
        except ActionPlanError as error:
            assert message in error.message
        else:
            preview = analyse(empty_plan, plan_import.payload)
            assert message in preview.errors[0].message
    assert not empty_plan.actions.exists()


def test_ten_megabytes_of_junk_are_refused_without_reading_them(empty_plan, quality_manager):
    with translation.override("en"), pytest.raises(ActionPlanError, match="too large"):
        services.plan_import_start(plan=empty_plan, by=quality_manager, source=io.BytesIO(os.urandom(10 * 2**20)))
    assert not PlanImport.objects.exists()


def test_missing_columns_are_named(empty_plan):
    with translation.override("en"), pytest.raises(SpreadsheetError) as error:
        read_import_file(_csv([["Axe", "Action"], ["A", "b"]]))
    assert "Strategic objective" in error.value.message and "Deadline" in error.value.message


# --- The kept upload ----------------------------------------------------------------------------------------


def test_an_upload_is_kept_for_its_sender_until_it_expires(empty_plan, quality_manager, director):
    plan_import = services.plan_import_start(
        plan=empty_plan, by=quality_manager, source=_csv(AEQES), filename="plan.csv"
    )
    assert plan_import.payload["rows"][0] == {
        "line": 4,
        "values": {
            "axis": "Gouvernance",
            "objective": "Poursuivre la formalisation du système d'assurance qualité",
            "title": "Elaborer la cartographie des processus institutionnels",
            "deadline": "22/10/2021",
        },
    }
    with pytest.raises(ActionPlanError, match="someone else"):
        services.plan_import_confirm(plan_import=plan_import, by=director)
    later = datetime.datetime(2026, 3, 16, 13, 0, tzinfo=datetime.UTC)
    with time_machine.travel(later, tick=False), pytest.raises(ActionPlanError, match="expired"):
        services.plan_import_confirm(plan_import=plan_import, by=quality_manager)
    result = services.plan_import_confirm(plan_import=plan_import, by=quality_manager)
    assert result.created == 4
    with pytest.raises(ActionPlanError, match="already"):
        services.plan_import_confirm(plan_import=plan_import, by=quality_manager)


def test_old_uploads_are_purged_when_a_new_one_arrives(empty_plan, quality_manager):
    old = services.plan_import_start(plan=empty_plan, by=quality_manager, source=_csv(AEQES))
    with time_machine.travel(datetime.datetime(2026, 3, 17, 10, 0, tzinfo=datetime.UTC), tick=False):
        services.plan_import_start(plan=empty_plan, by=quality_manager, source=_csv(AEQES))
    assert not PlanImport.objects.filter(pk=old.pk).exists()
