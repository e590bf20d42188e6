"""Hand-written EPCIS XML for `test_xml_both_ways.py`: an EPCIS 1.2 document (ObjectEvent with quantityList,
sources, destinations and ilmd in its extension, AggregationEvent, TransformationEvent in EventList/extension, an
errorDeclaration in baseExtension) with the EPCIS 2.0 JSON that GS1's mapping gives, XSD-invalid events, XML bombs."""

from __future__ import annotations

V12 = """<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" xmlns:cbvmda="urn:epcglobal:cbv:mda"
    xmlns:vn="https://truyxuat.example.vn/epcis/" schemaVersion="1.2" creationDate="2025-03-01T08:00:00+07:00">
  <EPCISBody><EventList>
    <ObjectEvent>
      <eventTime>2025-03-01T07:30:00+07:00</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
      <baseExtension><eventID>urn:uuid:5c0b6a8e-1f3d-4c1e-9a61-000000000001</eventID></baseExtension>
      <epcList/><action>ADD</action>
      <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep><disposition>urn:epcglobal:cbv:disp:active</disposition>
      <readPoint><id>urn:epc:id:sgln:4012345.00001.0</id></readPoint>
      <bizLocation><id>urn:epc:id:sgln:4012345.00001.0</id></bizLocation>
      <extension>
        <quantityList><quantityElement>
          <epcClass>urn:epc:class:lgtin:4012345.012345.CF2503</epcClass><quantity>1200.5</quantity><uom>KGM</uom>
        </quantityElement></quantityList>
        <sourceList>
          <source type="urn:epcglobal:cbv:sdt:owning_party">urn:epc:id:pgln:4012345.00000</source>
        </sourceList>
        <destinationList>
          <destination type="urn:epcglobal:cbv:sdt:location">urn:epc:id:sgln:4012345.00002.0</destination>
        </destinationList>
        <ilmd><cbvmda:lotNumber>CF2503</cbvmda:lotNumber><vn:harvestArea>Đăk Hà</vn:harvestArea></ilmd>
      </extension>
      <vn:picker>Nguyễn Văn A</vn:picker>
    </ObjectEvent>
    <AggregationEvent>
      <eventTime>2025-03-01T09:00:00+07:00</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
      <parentID>urn:epc:id:sscc:4012345.0000000001</parentID><childEPCs/><action>ADD</action>
      <bizStep>urn:epcglobal:cbv:bizstep:packing</bizStep>
      <extension><childQuantityList><quantityElement>
        <epcClass>urn:epc:class:lgtin:4012345.012345.CF2503</epcClass><quantity>600</quantity><uom>KGM</uom>
      </quantityElement></childQuantityList></extension>
    </AggregationEvent>
    <extension><TransformationEvent>
      <eventTime>2025-03-02T10:00:00+07:00</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
      <inputQuantityList><quantityElement>
        <epcClass>urn:epc:class:lgtin:4012345.012345.CF2503</epcClass><quantity>600</quantity><uom>KGM</uom>
      </quantityElement></inputQuantityList>
      <outputQuantityList><quantityElement>
        <epcClass>urn:epc:class:lgtin:4012345.054321.RB2503</epcClass><quantity>480</quantity><uom>KGM</uom>
      </quantityElement></outputQuantityList>
      <transformationID>urn:epc:id:gdti:4012345.00001.77</transformationID>
      <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
      <ilmd><cbvmda:lotNumber>RB2503</cbvmda:lotNumber></ilmd>
    </TransformationEvent></extension>
    <ObjectEvent>
      <eventTime>2025-03-01T07:30:00+07:00</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>
      <baseExtension>
        <eventID>urn:uuid:5c0b6a8e-1f3d-4c1e-9a61-000000000002</eventID>
        <errorDeclaration>
          <declarationTime>2025-03-03T08:00:00+07:00</declarationTime>
          <reason>urn:epcglobal:cbv:er:incorrect_data</reason>
          <correctiveEventIDs>
            <correctiveEventID>urn:uuid:5c0b6a8e-1f3d-4c1e-9a61-000000000001</correctiveEventID>
          </correctiveEventIDs>
          <vn:note>sai khối lượng</vn:note>
        </errorDeclaration>
      </baseExtension>
      <epcList/><action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>
      <extension><quantityList><quantityElement>
        <epcClass>urn:epc:class:lgtin:4012345.012345.CF2503</epcClass><quantity>12005</quantity><uom>KGM</uom>
      </quantityElement></quantityList></extension>
    </ObjectEvent>
  </EventList></EPCISBody>
</epcis:EPCISDocument>
""".encode()
LOT = "urn:epc:class:lgtin:4012345.012345.CF2503"
V12_JSON = {
    "type": "EPCISDocument",
    "schemaVersion": "2.0",
    "creationDate": "2025-03-01T08:00:00+07:00",
    "@context": [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        {"cbvmda": "urn:epcglobal:cbv:mda"},
        {"vn": "https://truyxuat.example.vn/epcis/"},
    ],
    "epcisBody": {
        "eventList": [
            {
                "type": "ObjectEvent",
                "eventTime": "2025-03-01T07:30:00+07:00",
                "eventTimeZoneOffset": "+07:00",
                "eventID": "urn:uuid:5c0b6a8e-1f3d-4c1e-9a61-000000000001",
                "epcList": [],
                "action": "ADD",
                "bizStep": "commissioning",
                "disposition": "active",
                "readPoint": {"id": "urn:epc:id:sgln:4012345.00001.0"},
                "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"},
                "quantityList": [{"epcClass": LOT, "quantity": 1200.5, "uom": "KGM"}],
                "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00000"}],
                "destinationList": [{"type": "location", "destination": "urn:epc:id:sgln:4012345.00002.0"}],
                "ilmd": {"cbvmda:lotNumber": "CF2503", "vn:harvestArea": "Đăk Hà"},
                "vn:picker": "Nguyễn Văn A",
            },
            {
                "type": "AggregationEvent",
                "eventTime": "2025-03-01T09:00:00+07:00",
                "eventTimeZoneOffset": "+07:00",
                "parentID": "urn:epc:id:sscc:4012345.0000000001",
                "childEPCs": [],
                "action": "ADD",
                "bizStep": "packing",
                "childQuantityList": [{"epcClass": LOT, "quantity": 600, "uom": "KGM"}],
            },
            {
                "type": "TransformationEvent",
                "eventTime": "2025-03-02T10:00:00+07:00",
                "eventTimeZoneOffset": "+07:00",
                "inputQuantityList": [{"epcClass": LOT, "quantity": 600, "uom": "KGM"}],
                "outputQuantityList": [
                    {"epcClass": "urn:epc:class:lgtin:4012345.054321.RB2503", "quantity": 480, "uom": "KGM"}
                ],
                "transformationID": "urn:epc:id:gdti:4012345.00001.77",
                "bizStep": "commissioning",
                "ilmd": {"cbvmda:lotNumber": "RB2503"},
            },
            {
                "type": "ObjectEvent",
                "eventTime": "2025-03-01T07:30:00+07:00",
                "eventTimeZoneOffset": "+07:00",
                "eventID": "urn:uuid:5c0b6a8e-1f3d-4c1e-9a61-000000000002",
                "errorDeclaration": {
                    "declarationTime": "2025-03-03T08:00:00+07:00",
                    "reason": "incorrect_data",
                    "correctiveEventIDs": ["urn:uuid:5c0b6a8e-1f3d-4c1e-9a61-000000000001"],
                    "vn:note": "sai khối lượng",
                },
                "epcList": [],
                "action": "ADD",
                "bizStep": "commissioning",
                "quantityList": [{"epcClass": LOT, "quantity": 12005, "uom": "KGM"}],
            },
        ]
    },
}


def _v2(events: str) -> bytes:
    return (
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" '
        f'creationDate="2025-03-01T08:00:00+07:00"><EPCISBody><EventList>{events}</EventList></EPCISBody>'
        "</epcis:EPCISDocument>"
    ).encode()


OK_EVENT = (
    "<ObjectEvent><eventTime>2025-03-01T07:30:00+07:00</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>"
    f"<epcList/><action>OBSERVE</action><quantityList><quantityElement><epcClass>{LOT}</epcClass>"
    "<quantity>1</quantity></quantityElement></quantityList></ObjectEvent>"
)
BAD_EVENT = (
    "<ObjectEvent><eventTime>2025-03-01T07:30:00</eventTime><eventTimeZoneOffset>+07:00</eventTimeZoneOffset>"
    f"<epcList/><action>SHIP</action><quantityList><quantityElement><epcClass>{LOT}</epcClass>"
    "<quantity>một</quantity></quantityElement></quantityList></ObjectEvent>"
)
INVALID = _v2(OK_EVENT + BAD_EVENT)
INVALID_POINTERS = [
    (1, "/epcisBody/eventList/1/eventTime", "'2025-03-01T07:30:00' is not accepted by the pattern"),
    (1, "/epcisBody/eventList/1/action", "The value 'SHIP' is not an element of the set {'ADD', 'OBSERVE', 'DELETE'}"),
    (1, "/epcisBody/eventList/1/quantityList/0/quantity", "'một' is not a valid value of the atomic type 'xs:decimal'"),
]
_ENTITY = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
BOMBS = {
    "billion laughs": f'<?xml version="1.0"?>{_ENTITY}<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    + _v2(OK_EVENT.replace("+07:00</eventTimeZoneOffset>", "+07:00&c;</eventTimeZoneOffset>")).decode(),
    "external entity": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    + _v2(OK_EVENT.replace("<epcList/>", "<epcList><epc>&x;</epc></epcList>")).decode(),
    "external parameter entity": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd">'
    "%p;]>" + _v2(OK_EVENT).decode(),
    "entity in a 1.2 document": f'<?xml version="1.0"?>{_ENTITY}]>'
    + V12.decode().split("?>", 1)[1].replace("Nguyễn Văn A", "&b;"),
}
