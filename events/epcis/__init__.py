"""Pure-Python EPCIS 2.0 core: parsing, validation, CBV, event hash, canonical form (GS1 keys: `gs1`).

No Django here; the capture and query services in ``events`` build on this package.
"""

from .canonical import canonical_bytes, with_defaults
from .cbv import FARM_BIZSTEPS, TRUYXUAT_BIZSTEP_NS, normalise, normalise_biz_step, normalise_disposition
from .extract import EventIndex, Party, extract, parse_time
from .hashing import event_hash, event_hashes, prehash_string
from .parse import EpcisDocument, decode_json, document_from_json, parse_document, parse_event
from .problems import EpcisError, Problem
from .schema import CONTEXT_URL, epcis_context_document, epcis_schema
from .validation import validate_document, validate_event
from .xml import xml_to_json_document

__all__ = [
    "CONTEXT_URL",
    "FARM_BIZSTEPS",
    "TRUYXUAT_BIZSTEP_NS",
    "EpcisDocument",
    "EpcisError",
    "EventIndex",
    "Party",
    "Problem",
    "canonical_bytes",
    "decode_json",
    "document_from_json",
    "epcis_context_document",
    "epcis_schema",
    "event_hash",
    "event_hashes",
    "extract",
    "normalise",
    "normalise_biz_step",
    "normalise_disposition",
    "parse_document",
    "parse_event",
    "parse_time",
    "prehash_string",
    "validate_document",
    "validate_event",
    "with_defaults",
    "xml_to_json_document",
]
