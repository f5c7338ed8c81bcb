"""Record types, Arrow schemas, the language registry and config types shared by every stage."""

from babelbeam.schemas.document import DamagedRegion, Document, RejectedRecord, SkippedRecord
from babelbeam.schemas.languages import LANGUAGES, Language, language, language_codes

__all__ = ["DamagedRegion", "Document", "RejectedRecord", "SkippedRecord", "LANGUAGES", "Language",
           "language", "language_codes"]
