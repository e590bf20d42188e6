"""EPCIS events as stored: canonical JSON plus indexed columns, identifier index, genealogy and shipments.

Trace and query never read the event JSON: they walk small integer rows (`EventEpc`, `LotEdge`,
`Shipment`) keyed by `EpcKey.id`. An identifier's canonical key (`events.epcis.key_of`) makes the
EPC URN and the GS1 Digital Link forms of one lot the same row.

Those four tables (and `EventValue`) are projections of the events, written only by the capture path
(`events.services.store`) in the transaction that writes the events and identifiers they point at, and never
pointed away from them: on PostgreSQL their references are not foreign-key constraints (``db_constraint=False``;
Django still cascades and protects on the ORM's deletes; SQLite keeps the REFERENCES its tables were made with,
see migration 0013). A capture writes ~10 such references an event, and
PostgreSQL checked each at COMMIT with a query of its own: a quarter of its time on a batched capture
(bench/README.md, "Stop 34"). `events.integrity.dangling_references` finds any reference without its row (tests
run it after captures, corrections and the bulk loader).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.choices import CaptureStatus, EdgeKind, EpcLink, EpcRole

KEY_MAX = 1000  # longest identifier we index (EPCIS allows any URI; longer ones are refused at capture)


class Capture(models.Model):
    """One capture job (a document or a single event), with its outcome; its events all commit or none does."""

    capture_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("nguồn"), max_length=16, default="api")
    status = models.CharField(_("trạng thái"), max_length=8, choices=CaptureStatus.choices)
    context = models.JSONField(_("@context"), default=list)
    event_count = models.PositiveIntegerField(default=0)
    stored_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # when the capture began (the request's time), so that finishedAt is never before it
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # GS1-Capture-Error-Behaviour: "rollback" (nothing stored on an error) or "proceed" (the valid events stored)
    error_behaviour = models.CharField(max_length=8, default="rollback")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("lần ghi nhận")
        verbose_name_plural = _("lần ghi nhận")

    def __str__(self) -> str:
        return f"{self.capture_id} ({self.status})"


class EpcKey(models.Model):
    """One identifier (lot, item, logistic unit, location or party) in canonical form.

    `key` is the Digital Link on id.gs1.org for GS1 keys (or the identifier itself); `epc` the EPC URN.
    `lot` links to the catalogue lot with the same GTIN and lot code once it is registered (see
    `events.services.linking`); until then the key lives on its own.
    """

    key = models.CharField(max_length=KEY_MAX, unique=True)
    kind = models.CharField(max_length=8)
    epc = models.CharField(max_length=KEY_MAX, blank=True)
    gtin = models.CharField(max_length=14, blank=True)
    lot_code = models.CharField(max_length=80, blank=True)
    serial = models.CharField(max_length=80, blank=True)
    gln = models.CharField(max_length=13, blank=True)
    lot = models.ForeignKey("catalog.Lot", null=True, blank=True, on_delete=models.SET_NULL, related_name="epc_keys")

    class Meta:
        # Only `key` is indexed (unique): a lot is found by its canonical key, a product's keys by the key
        # range of its Digital Link (`gtin_keys`); gtin, lot_code and gln are kept for display, not searched.
        verbose_name = _("mã định danh")
        verbose_name_plural = _("mã định danh")

    def __str__(self) -> str:
        return self.key


class Event(models.Model):
    """A captured EPCIS event: `body` is its canonical JSON exactly as stored (and as the ledger holds it).

    `event_hash` is the event's hash (GS1's event hash algorithm) when it differs from `event_id`, and NULL
    when the eventID is the hash itself (an event sent without eventID gets its hash as eventID) or no hash
    could be computed. Both columns are unique-indexed and a hash is looked up in both
    (`events.services.capture`): a hash repeated in `event_hash` cost capture one random B-tree page per
    event, a quarter of what a 1,000-event document wrote. NULLs sit together at the start of the index.
    """

    event_id = models.CharField(_("eventID"), max_length=KEY_MAX)  # unique: Meta.constraints
    event_hash = models.CharField(_("mã băm sự kiện"), max_length=100, null=True, blank=True)  # unique too
    type = models.CharField(max_length=24)
    event_time = models.DateTimeField(db_index=True)
    event_time_zone_offset = models.CharField(max_length=6)
    record_time = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=8, blank=True)
    biz_step = models.CharField(max_length=KEY_MAX, blank=True)
    disposition = models.CharField(max_length=KEY_MAX, blank=True)
    read_point = models.CharField(max_length=KEY_MAX, blank=True)  # indexed where it differs from biz_location
    biz_location = models.CharField(max_length=KEY_MAX, blank=True)
    transformation_id = models.CharField(max_length=KEY_MAX, blank=True)
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    capture = models.ForeignKey(Capture, on_delete=models.PROTECT, related_name="events")
    body = models.TextField(_("JSON chuẩn tắc"))

    class Meta:
        ordering = ["event_time", "id"]
        constraints = [
            # as constraints, not unique=True, which on PostgreSQL adds a varchar_pattern_ops twin index to
            # each (no query asks an eventID or hash for a prefix); the names are those unique=True gave them
            models.UniqueConstraint(fields=["event_id"], name="events_event_event_id_key"),
            models.UniqueConstraint(fields=["event_hash"], name="events_event_event_hash_key"),
        ]
        indexes = [
            # Plain B-trees, as Meta.indexes: a db_index CharField also gets a varchar_pattern_ops twin on
            # PostgreSQL (for LIKE 'prefix%', which no query asks of these columns; each cost WAL per event).
            # biz_step's index keeps the name db_index gave it (migration 0005 left SQLite's as it was).
            models.Index(fields=["biz_step"], name="events_event_biz_step_0e1d3389"),
            models.Index(fields=["disposition"], name="events_event_disposition"),
            models.Index(fields=["biz_location"], name="events_event_biz_location"),
            models.Index(fields=["transformation_id"], name="events_event_transformation_id"),
            # Most events are read where they happen (readPoint = bizLocation): the biz_location index finds
            # those, and only the others are indexed here (`events.query` asks both); capture then writes one
            # location B-tree page per place instead of two.
            models.Index(
                fields=["read_point"], name="events_event_read_point_own", condition=~Q(read_point=F("biz_location"))
            ),
        ]
        verbose_name = _("sự kiện EPCIS")
        verbose_name_plural = _("sự kiện EPCIS")

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class EventEpc(models.Model):
    """An identifier mentioned by an event, and in which role (the MATCH_* index).

    `link`: whether the event has genealogy edges ending at this identifier on this role's side, and whether
    their other ends are all mentioned by the event (`EpcLink`); written at capture with the edges.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="epcs", db_constraint=False)
    key = models.ForeignKey(EpcKey, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    role = models.PositiveSmallIntegerField(choices=EpcRole.choices)
    link = models.PositiveSmallIntegerField(choices=EpcLink.choices, db_default=EpcLink.NONE)

    class Meta:
        # covering index: "which events mention these keys (in this role), linked how" reads the index only
        indexes = [models.Index(fields=["key", "role", "event", "link"], name="events_epc_key_role")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.get_role_display()} {self.key_id}"


class LotEdge(models.Model):
    """A genealogy edge `src → dst` (downstream), derived from one event; `organization` is the capturer's."""

    src = models.ForeignKey(EpcKey, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    dst = models.ForeignKey(EpcKey, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    kind = models.PositiveSmallIntegerField(choices=EdgeKind.choices)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    organization_id_denorm = models.BigIntegerField(null=True, blank=True)

    class Meta:
        # covering indexes: a trace step (forward by src, backward by dst) reads the index only
        indexes = [
            models.Index(fields=["src", "dst", "kind", "event", "organization_id_denorm"], name="events_edge_fwd"),
            models.Index(fields=["dst", "src", "kind", "event", "organization_id_denorm"], name="events_edge_back"),
        ]

    def __str__(self) -> str:
        return f"{self.src_id} → {self.dst_id} ({self.get_kind_display()})"


class Shipment(models.Model):
    """An object's trip from one party to another as the EPCIS events record it, whoever captured them: the shipping
    event and, once it arrives, the receiving one. Trace, recall and visibility read it. Not to be confused with
    `logistics.Shipment`, the dispatch a producer fills in on the workspace (sender, receiver or buyer, its lines
    and status), whose events end up here.

    `source` and `destination` are canonical party keys (GLN Digital Links) from sourceList/destinationList
    (owning party first, then possessing party, then location), or the event's business location.
    """

    key = models.ForeignKey(EpcKey, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    ship_event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    receive_event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    source = models.CharField(max_length=KEY_MAX, blank=True)
    destination = models.CharField(max_length=KEY_MAX, blank=True)
    organization_id_denorm = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["key", "receive_event"], name="events_shipment_key")]

    def __str__(self) -> str:
        return f"{self.key_id}: {self.source} → {self.destination}"


class ErrorDeclaration(models.Model):
    """An EPCIS 2.0 error declaration (§7.4.1.2) against a stored event: the event stays as captured (its JSON,
    hash and ledger leaf unchanged); the declaration is its own record and ledger leaf (`inline`: it came inside
    the event's first capture, whose leaf holds it). A declared event is still returned by queries, with its
    `errorDeclaration`; its genealogy edges and shipments are withdrawn, so trace, recall and the public pages
    no longer count it (`events.services.corrections`)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="error_declaration")
    declaration_time = models.DateTimeField(_("thời điểm khai báo"))
    reason = models.CharField(_("lý do"), max_length=KEY_MAX, blank=True)
    corrective_event_ids = models.JSONField(_("sự kiện sửa"), default=list, blank=True)
    body = models.TextField(_("JSON chuẩn tắc của errorDeclaration"))
    inline = models.BooleanField(default=False)
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    capture = models.ForeignKey(Capture, on_delete=models.PROTECT, related_name="declarations")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("khai báo sai sót")
        verbose_name_plural = _("khai báo sai sót")

    def __str__(self) -> str:
        return f"{self.event_id} ({self.reason or '-'})"


class ValueField(models.IntegerChoices):
    """Which value of an event an `EventValue` row holds (the query parameter that filters on it)."""

    SENSOR = 1, "sensorElementList"  # one row per event that has sensor elements (EXISTS_sensorElementList)
    TYPE = 2, "type"  # sensorReport type, bare (Temperature) for GS1's measurement types
    DEVICE_ID = 3, "deviceID"  # sensorMetadata's or sensorReport's
    DATA_PROCESSING_METHOD = 4, "dataProcessingMethod"
    MICROORGANISM = 5, "microorganism"
    CHEMICAL_SUBSTANCE = 6, "chemicalSubstance"
    BIZ_RULES = 7, "bizRules"
    STRING_VALUE = 8, "stringValue"
    BOOLEAN_VALUE = 9, "booleanValue"  # text "true" / "false"
    HEX_BINARY_VALUE = 10, "hexBinaryValue"  # upper case
    URI_VALUE = 11, "uriValue"
    START_TIME = 12, "startTime"
    END_TIME = 13, "endTime"
    TIME = 14, "time"  # sensorReport's or sensorMetadata's
    VALUE = 15, "value"  # sub: uom
    MIN_VALUE = 16, "minValue"
    MAX_VALUE = 17, "maxValue"
    MEAN_VALUE = 18, "meanValue"
    S_DEV = 19, "sDev"
    PERC_RANK = 20, "percRank"
    PERC_VALUE = 21, "percValue"
    QUANTITY = 22, "quantity"  # any quantity list; sub: uom
    PERSISTENT_SET = 23, "persistentDisposition.set"  # normalised disposition
    PERSISTENT_UNSET = 24, "persistentDisposition.unset"
    SOURCE = 25, "source"  # sub: type (normalised), text: canonical key
    DESTINATION = 26, "destination"
    BIZ_TRANSACTION = 27, "bizTransaction"
    READ_POINT = 28, "readPoint"  # canonical key, only where the event wrote another spelling
    BIZ_LOCATION = 29, "bizLocation"


class EventValue(models.Model):
    """A value of an event that query parameters filter on beyond `Event`'s columns: sensor data, quantities,
    persistent dispositions, sources, destinations, business transactions, and the canonical key of a location
    written in another spelling than its Digital Link on id.gs1.org (`events.epcis.values`; written at capture in the
    capture's transaction, like `EventEpc`). `text` holds strings (a long one as `sha256:<hex>`, `events.epcis.values
    .text_of`), `number` numbers, `time` timestamps; `sub` the unit of a number, or the type of a party or
    business transaction."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    field = models.PositiveSmallIntegerField(choices=ValueField.choices)
    sub = models.CharField(max_length=200, blank=True)
    text = models.CharField(max_length=300, blank=True)
    number = models.FloatField(null=True, blank=True)
    time = models.DateTimeField(null=True, blank=True)

    class Meta:
        # covering indexes: "which events have this value (of this field, unit or type)" reads an index only. A row
        # holds a number, a time or a text: the number and time indexes hold only rows that have one (a comparison
        # with the column implies it is not null, so every query on it may use them; both engines prove that), so
        # a capture writes two index entries fewer for a text and one fewer for a number (bench/README.md)
        indexes = [
            models.Index(fields=["field", "sub", "text", "event"], name="events_value_text"),
            models.Index(
                fields=["field", "sub", "number", "event"],
                name="events_value_number",
                condition=Q(number__isnull=False),
            ),
            models.Index(fields=["field", "time", "event"], name="events_value_time", condition=Q(time__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.get_field_display()} {self.sub} {self.text or self.number or self.time}"


class NamedQuery(models.Model):
    """A named EPCIS query (REST binding `/queries`): a view on the events, run as whoever runs it (its results go
    through `events.visibility` like `/epcis/events`). It belongs to its creator's organisation (`organization`),
    or, for a person acting for none (an officer, an admin), to that person (`owner`); names are unique within
    that scope. `query` is the definition as sent (EPCIS query schema: lists, numbers), `params` the same as the
    query-string parameters of `/epcis/events` that run it."""

    name = models.CharField(_("tên"), max_length=200)
    organization = models.ForeignKey(
        "catalog.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    query = models.JSONField(_("truy vấn"), default=dict)
    params = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="events_query_org_name", condition=Q(organization__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["owner", "name"], name="events_query_owner_name", condition=Q(organization__isnull=True)
            ),
        ]
        verbose_name = _("truy vấn đặt tên")
        verbose_name_plural = _("truy vấn đặt tên")

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """A webhook subscription to a named query (`events.subscriptions`): every new matching event (`stream`) or
    the query's new results on a cron-like `schedule`, POSTed to `dest` as EPCISQueryDocuments signed with
    `secret` (the client's signatureToken). `last_event_pk` is how far the events have been reported (events
    with a greater primary key and, when `initial_record_time` is set, recorded since then, are still to come).
    Results are computed as the subscriber would see them: its API token (`token`, which must still be valid)
    or its person (`created_by`)."""

    subscription_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    query = models.ForeignKey(NamedQuery, on_delete=models.CASCADE, related_name="subscriptions")
    dest = models.CharField(_("địa chỉ nhận"), max_length=2000)
    secret = models.CharField(max_length=500, blank=True)
    stream = models.BooleanField(default=False)
    schedule = models.JSONField(default=dict, blank=True)
    report_if_empty = models.BooleanField(default=False)
    epc_format = models.CharField(max_length=24, blank=True)
    initial_record_time = models.DateTimeField(null=True, blank=True)
    last_event_pk = models.BigIntegerField(default=0)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    token = models.ForeignKey("accounts.ApiToken", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("đăng ký nhận sự kiện")
        verbose_name_plural = _("đăng ký nhận sự kiện")

    def __str__(self) -> str:
        return str(self.subscription_id)


class SubscriptionDelivery(models.Model):
    """One EPCISQueryDocument to POST to a subscription's `dest` (`body`, as signed), and how that went: tried
    `attempts` times, last answered `status_code` (None: no answer, see `error`); retried with exponential backoff
    (`next_attempt_at`) until the destination answers 2xx (`delivered`) or the attempts run out (`failed`)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, default="pending")
    body = models.TextField()
    event_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="events_delivery_due")]
        verbose_name = _("lần gửi sự kiện")
        verbose_name_plural = _("lần gửi sự kiện")

    def __str__(self) -> str:
        return f"{self.subscription_id} #{self.pk} ({self.state})"


class CaptureOriginal(models.Model):
    """A captured document exactly as it was sent, kept beside its capture job when the events were converted
    from it (EPCIS XML: 2.0, or 1.x mapped to 2.0), written in the capture's transaction; served at
    `/epcis/capture/<captureID>/original` to those who see the job (`events.services.originals`)."""

    capture = models.OneToOneField(Capture, on_delete=models.CASCADE, related_name="original")
    media_type = models.CharField(max_length=100)
    schema_version = models.CharField(_("phiên bản EPCIS"), max_length=8, blank=True)
    sha256 = models.CharField(max_length=64)
    body = models.BinaryField()

    class Meta:
        verbose_name = _("tài liệu gốc")
        verbose_name_plural = _("tài liệu gốc")

    def __str__(self) -> str:
        return f"{self.capture_id} ({self.media_type}, {len(self.body)} bytes)"
