"""Pure-Python EPCIS 2.0 core: parsing, validation, CBV, GS1 keys, event hash, canonical form.

No Django here; the capture and query services in ``events`` build on this package.
"""

from .canonical import canonical_bytes, with_defaults
from .cbv import FARM_BIZSTEPS, TRUYXUAT_BIZSTEP_NS, normalise, normalise_biz_step, normalise_disposition
from .extract import EventIndex, Party, extract, parse_time
from .hashing import event_hash, event_hashes, prehash_string
from .identifiers import GS1Key, InvalidIdentifier, digital_link, epc_class_urn, epc_urn, key_of, parse_key
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
    "GS1Key",
    "InvalidIdentifier",
    "Party",
    "Problem",
    "canonical_bytes",
    "decode_json",
    "digital_link",
    "document_from_json",
    "epc_class_urn",
    "epc_urn",
    "epcis_context_document",
    "epcis_schema",
    "event_hash",
    "event_hashes",
    "extract",
    "key_of",
    "normalise",
    "normalise_biz_step",
    "normalise_disposition",
    "parse_document",
    "parse_event",
    "parse_key",
    "parse_time",
    "prehash_string",
    "validate_document",
    "validate_event",
    "with_defaults",
    "xml_to_json_document",
]
