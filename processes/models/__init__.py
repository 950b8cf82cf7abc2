"""The process map's models, one module per subject: processes (and the map's settings), indicators, risks,
reviews, controlled documents, imports."""

from processes.models.documents import (
    Distribution,
    DistributionTarget,
    Document,
    DocumentVersion,
    ReadConfirmation,
    version_upload_to,
)
from processes.models.imports import ProcessImport
from processes.models.indicators import Indicator, IndicatorTarget, Measurement
from processes.models.process import Process, ProcessMapSettings
from processes.models.reviews import ProcessReview, ReviewDecision
from processes.models.risks import Risk, RiskQuerySet

__all__ = [
    "Distribution",
    "DistributionTarget",
    "Document",
    "DocumentVersion",
    "Indicator",
    "IndicatorTarget",
    "Measurement",
    "Process",
    "ProcessImport",
    "ProcessMapSettings",
    "ProcessReview",
    "ReadConfirmation",
    "ReviewDecision",
    "Risk",
    "RiskQuerySet",
    "version_upload_to",
]
