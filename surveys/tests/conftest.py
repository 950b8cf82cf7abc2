"""Fixtures of the surveys' tests: the shipped questionnaire, a small university year of courses, and a helper
that runs on-commit work (mailings, then the outbox) as a real commit would."""

from __future__ import annotations

import datetime

import pytest

from qms.core.factories import AcademicYearFactory, CourseFactory, ProgrammeFactory, TeachingFactory
from surveys.tests.factories import standard_template


@pytest.fixture
def template(db):
    return standard_template()


@pytest.fixture
def year(db):
    return AcademicYearFactory(start_date=datetime.date(2025, 9, 1), end_date=datetime.date(2026, 8, 31))


@pytest.fixture
def next_year(db):
    return AcademicYearFactory(start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2027, 8, 31))


@pytest.fixture
def physics(org, year, teacher):
    """A programme of UFR Sciences with two courses; the persona teacher teaches the first this year."""
    programme = ProgrammeFactory(code="L-PHY", name="Licence Physique", org_unit=org.sciences)
    mechanics = CourseFactory(code="PHY-101", title="Mécanique", org_unit=org.physics)
    optics = CourseFactory(code="PHY-102", title="Optique", org_unit=org.physics)
    programme.courses.add(mechanics, optics)
    TeachingFactory(course=mechanics, academic_year=year, teacher=teacher)
    return programme, mechanics, optics


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what a commit would start (mailing tasks, then the outbox's sends) in-process."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
