import datetime

import pytest
from django.utils import translation

from certifications import services
from certifications.reference_data import DATA_DIR, load_file


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English; pages follow each user's own language (set it where it matters)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Certificates, audit reports and evidence go to a temporary directory."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def qualiopi(db):
    return load_file(DATA_DIR / "qualiopi.yaml").framework


@pytest.fixture
def iso(db):
    return load_file(DATA_DIR / "iso9001_2015.yaml").framework


@pytest.fixture
def eduform(db):
    return load_file(DATA_DIR / "eduform_2017.yaml").framework


@pytest.fixture
def qualiopi_certification(qualiopi, org, quality_manager):
    """Qualiopi for the whole institution: training actions (AF) and VAE, certified by a certificate of 2024."""
    certification = services.certification_create(
        name="Qualiopi — Université",
        framework=qualiopi,
        holder=org.institution,
        owner=quality_manager,
        certifying_body="AFNOR Certification",
        categories=qualiopi.categories.filter(code__in=["AF", "VAE"]),
        by=quality_manager,
    )
    services.certificate_add(
        certification=certification, issued_on=datetime.date(2024, 1, 15), number="Q-2024-001", by=quality_manager
    )
    return certification


@pytest.fixture
def sciences_certification(iso, org, quality_manager):
    """ISO 9001 for UFR Sciences, in preparation."""
    return services.certification_create(
        name="ISO 9001 — UFR Sciences", framework=iso, holder=org.sciences, by=quality_manager
    )


def grade(framework, code):
    return framework.grades.get(code=code)
