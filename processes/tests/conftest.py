import pytest

from processes.tests.factories import ProcessFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Document files go to a temporary directory."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def process(org, process_owner):
    """R2 of UFR Sciences, owned by the process-owner persona."""
    return ProcessFactory(
        code="R2", name="Recruter et inscrire les étudiants", org_unit=org.sciences, owner=process_owner
    )


@pytest.fixture
def other_process(org, director):
    """M1 of UFR Lettres, owned by the director."""
    return ProcessFactory(
        code="M1", name="Piloter l'établissement", org_unit=org.letters, owner=director, type="management"
    )
