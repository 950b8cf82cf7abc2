"""The frameworks load from the repository's data files, with the counts the shared referentials give, and
loading again changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certifications import reference_data
from certifications.choices import GradeKind, NcGrading, NewEntrantHandling
from certifications.models import Framework, Grade, LiveEvidence, Requirement
from certifications.reference_data import DATA_DIR, ReferenceDataError, load_file

pytestmark = pytest.mark.django_db


def snapshot_of_tables() -> list:
    return [
        sorted(Framework.objects.values_list("code", "version", "name", "effective_from", "updated_at")),
        sorted(
            Requirement.objects.values_list(
                "framework__code", "reference", "title", "parent__reference", "position", "depth", "is_leaf"
            )
        ),
        sorted(Grade.objects.values_list("framework__code", "code", "kind", "regrades_to__code")),
        sorted(LiveEvidence.objects.values_list("requirement__reference", "kind", "key")),
    ]


def test_qualiopi_has_7_criteria_32_indicators_17_major_only_and_11_adapted(qualiopi):
    requirements = qualiopi.requirements
    assert requirements.filter(depth=0).count() == 7
    assert requirements.filter(depth=1, is_leaf=True).count() == 32
    assert requirements.filter(nc_grading=NcGrading.MAJOR_ONLY).count() == 17
    assert requirements.filter(new_entrants=NewEntrantHandling.ADAPTED).count() == 11
    assert sorted(
        int(ref[1:]) for ref in requirements.filter(nc_grading=NcGrading.MAJOR_ONLY).values_list("reference", flat=True)
    ) == [4, 5, 6, 7, 10, 11, 14, 15, 16, 20, 21, 22, 26, 27, 29, 31, 32]
    assert sorted(
        int(ref[1:])
        for ref in requirements.filter(new_entrants=NewEntrantHandling.ADAPTED).values_list("reference", flat=True)
    ) == [2, 3, 11, 13, 14, 19, 22, 24, 25, 26, 32]
    assert qualiopi.version == "Guide de lecture RNQ V9"
    assert str(qualiopi.effective_from) == "2024-01-08"


def test_qualiopi_indicators_carry_their_categories_and_conditions(qualiopi):
    i14 = qualiopi.requirements.get(reference="I14")
    assert sorted(i14.categories.values_list("code", flat=True)) == ["CFA"]
    i13 = qualiopi.requirements.get(reference="I13")
    assert i13.condition.code == "work_study"
    assert "alternance" in i13.applies_when
    assert sorted(qualiopi.categories.values_list("code", flat=True)) == ["AF", "BC", "CFA", "VAE"]


def test_qualiopi_rules_and_scale(qualiopi):
    assert (qualiopi.certificate_validity_months, qualiopi.surveillance_from_month, qualiopi.surveillance_to_month) == (
        36,
        14,
        22,
    )
    minor, major = qualiopi.grades.get(code="minor"), qualiopi.grades.get(code="major")
    assert (minor.kind, minor.implementation_months, minor.verify_at_next_audit) == (GradeKind.MINOR_NC, 6, True)
    assert minor.regrades_to == major
    assert (major.implementation_months, major.verification_months) == (3, 1)
    assert minor.action_plan_days is None  # the certifying body sets it


def test_qualiopi_live_evidence_is_wired_to_indicators_30_31_and_32(qualiopi):
    keys = dict(
        LiveEvidence.objects.filter(requirement__framework=qualiopi).values_list("key", "requirement__reference")
    )
    assert keys["surveys.response_rate"] == "I30"
    assert keys["complaints.register"] == "I31"
    assert keys["actionplans.improvement_actions"] == "I32"


def test_eduform_has_3_parts_and_13_8_4_criteria(eduform):
    requirements = eduform.requirements
    assert requirements.filter(depth=0).count() == 3
    assert requirements.filter(depth=1).count() == 12
    assert requirements.filter(is_leaf=True).count() == 25
    for part, count in (("3.1", 13), ("3.2", 8), ("3.3", 4)):
        assert requirements.filter(is_leaf=True, criterion__reference=part).count() == count


def test_iso_9001_keeps_clause_numbers_and_titles_only(iso):
    clause = iso.requirements.get(reference="9.1.2")
    assert (clause.title, clause.title_en) == ("Satisfaction du client", "Customer satisfaction")
    assert clause.statement == ""
    untitled = iso.requirements.get(reference="9.2.2")
    assert (untitled.title, untitled.title_en) == ("", "")
    # The 9.3.2 list items are not numbered clauses: they are in the clause's guidance.
    assert iso.requirements.get(reference="9.3.2").is_leaf
    assert "a) " in iso.requirements.get(reference="9.3.2").guidance
    assert iso.requirements.filter(depth=0).count() == 7
    assert set(iso.grades.values_list("code", flat=True)) == {"PF", "PP", "PS", "NCm", "NCM"}


def test_every_file_loads_and_twice_changes_nothing():
    first = reference_data.load()
    assert {(r.framework.code, r.framework.version) for r in first} >= {
        ("qualiopi", "Guide de lecture RNQ V9"),
        ("iso9001", "2015"),
        ("eduform", "2017"),
        ("esg", "2015 — Part 1"),
        ("aeqes_programme", "2.0"),
        ("hceres", "Vague D (2023-2024)"),
        ("services_publics_plus", "2021"),
        ("services_publics_plus", "2023"),
        ("bienvenue_en_france", "Label lancé en 2019"),
    }
    before = snapshot_of_tables()
    second = reference_data.load()
    assert all(result.changes == 0 and not result.created for result in second)
    assert snapshot_of_tables() == before


# Named lists the shipped data names before their app declares them: the matrix shows them "not available yet".
# The set shrinks; it never grows.
AWAITING_THEIR_APP: set[str] = set()


def test_the_live_evidence_of_the_data_files_names_registered_metrics_and_lists():
    """A key mistyped in a data file would show "not available yet" for ever: every key is one a registry holds."""
    from qms.core import evidence, metrics

    reference_data.load()
    unknown = {
        item.key
        for item in LiveEvidence.objects.all()
        if item.key not in (metrics.registry if item.kind == "metric" else evidence.registry)
    }
    assert unknown == AWAITING_THEIR_APP


def test_the_scale_edited_by_the_quality_manager_survives_a_reload(qualiopi):
    minor = qualiopi.grades.get(code="minor")
    minor.label = "NC mineure (modifiée)"
    minor.save()
    load_file(DATA_DIR / "qualiopi.yaml")
    minor.refresh_from_db()
    assert minor.label == "NC mineure (modifiée)"


def test_a_file_whose_counts_do_not_hold_is_refused_and_undone(tmp_path):
    text = (DATA_DIR / "bienvenue_en_france.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("depth_0: 5", "depth_0: 6"), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="depth_0: expected 6, found 5"):
        load_file(broken)
    assert not Framework.objects.filter(code="bienvenue_en_france").exists()


def test_the_command_loads_roles_and_the_apps_reference_data():
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    assert "Reference data of certifications loaded." in out.getvalue()
    assert Framework.objects.filter(code="qualiopi").exists()
    call_command("load_reference_data", stdout=io.StringIO())
    assert Framework.objects.filter(code="qualiopi").count() == 1


def test_the_command_stops_on_a_bad_file(monkeypatch, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        (DATA_DIR / "cti.yaml").read_text(encoding="utf-8").replace("leaves: 7", "leaves: 8"), encoding="utf-8"
    )
    monkeypatch.setattr(reference_data, "data_files", lambda: [broken])
    with pytest.raises(CommandError, match="certifications"):
        call_command("load_reference_data", stdout=io.StringIO())
