from traceability.models.certificates import Certificate, CertificateQuerySet, CertificateReminder
from traceability.models.records import (
    LOT_PATTERN,
    Batch,
    ProductionArea,
    TraceEvent,
    validate_lot,
)
from traceability.models.scans import LabelRun, ScanEvent, Serial, SuspicionReport

__all__ = [
    "LOT_PATTERN",
    "Batch",
    "Certificate",
    "CertificateQuerySet",
    "CertificateReminder",
    "LabelRun",
    "ProductionArea",
    "ScanEvent",
    "Serial",
    "SuspicionReport",
    "TraceEvent",
    "validate_lot",
]
