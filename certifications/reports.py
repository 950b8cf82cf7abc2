"""The reports of the certifications built in the background (qms.core.reports); registered in AppConfig.ready().

The evidence archive for the certifier, and the compliance matrix as a PDF (a 150-requirement matrix takes about
two seconds of CPU to render, too long for a request), are built by a worker after commit and stored with their
generation time; whoever may open the certification (an auditor during their grant included) may download them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from certifications.exports import MatrixPdfReport, build_evidence_archive
from certifications.models import Certification
from certifications.selectors import certifications_visible_to
from qms.core import reports

EVIDENCE_ARCHIVE = "certifications.evidence_archive"
MATRIX_PDF = "certifications.matrix_pdf"


def can_view_certification(user, certification: Certification) -> bool:
    return certifications_visible_to(user).filter(pk=certification.pk).exists()


reports.register(
    EVIDENCE_ARCHIVE,
    builder=build_evidence_archive,
    can_view=can_view_certification,
    label=_("Evidence archive (ZIP)"),
)
reports.register(
    MATRIX_PDF,
    builder=lambda certification: MatrixPdfReport(certification).render(),
    can_view=can_view_certification,
    label=_("Compliance matrix (PDF)"),
)
