// A round trip through truyxuat's EPCIS 2.0 REST binding with GS1's epcis2.js SDK (events/tests/test_epcis2js.py):
// build an ObjectEvent with the SDK's builders, capture it with the SDK's own request (its default: no JSON
// content type once the headers are replaced by the token's), follow the capture job, query it back with five
// different parameters, capture an error declaration of it (the same event with the SDK's ErrorDeclaration) and
// see the declaration on the stored event. Prints one JSON object of what it saw; exits 1 on any failure.
//
// Environment: EPCIS_URL (…/epcis), EPCIS_TOKEN, GTIN, LOT, LOCATION (a GLN Digital Link).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const {
  BizLocation,
  EPCISDocument,
  ErrorDeclaration,
  ObjectEvent,
  QuantityElement,
  ReadPoint,
  capture,
  setup,
} = require('epcis2.js');

const base = process.env.EPCIS_URL;
const auth = { Authorization: `Bearer ${process.env.EPCIS_TOKEN}` };
const lgtin = `https://id.gs1.org/01/${process.env.GTIN}/10/${process.env.LOT}`;
const location = process.env.LOCATION;
const seen = { ms: {} };
const started = Date.now();
const lap = (name) => {
  seen.ms[name] = Date.now() - started;
};

setup({ apiUrl: `${base}/`, headers: auth, documentValidation: true, timeout: 30000 });

async function job(response, label) {
  if (response.status !== 202) {
    throw new Error(`${label}: capture answered ${response.status}: ${await response.text()}`);
  }
  const location = response.headers.get('location');
  const answer = await fetch(new URL(location, base), { headers: auth });
  const state = await answer.json();
  if (!state.success) throw new Error(`${label}: capture job ${JSON.stringify(state)}`);
  return { location, stored: state.storedCount, behaviour: state.captureErrorBehaviour };
}

async function query(params) {
  const url = `${base}/events?${new URLSearchParams(params)}`;
  const response = await fetch(url, { headers: auth });
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()).epcisBody.queryResults.resultsBody.eventList;
}

async function main() {
  const event = new ObjectEvent()
    .setEventTime('2026-11-10T08:00:00.000+07:00')
    .setAction('ADD')
    .setBizStep('commissioning')
    .setDisposition('active')
    .setReadPoint(new ReadPoint().setId(location))
    .setBizLocation(new BizLocation().setId(location))
    .addQuantity(new QuantityElement().setEpcClass(lgtin).setQuantity(120).setUom('KGM'));
  event.generateHashID({}); // GS1's event hash, by the SDK (no extension namespaces)
  seen.eventID = event.getEventID();
  seen.valid = event.isValid();

  const document = new EPCISDocument().addEvent(event);
  seen.capture = await job(await capture(document), 'capture');
  lap('capture');

  const parameters = {
    MATCH_epcClass: { MATCH_epcClass: lgtin },
    EQ_bizStep: { EQ_bizStep: 'commissioning', eventType: 'ObjectEvent' },
    EQ_bizLocation: { EQ_bizLocation: location },
    GE_eventTime: { GE_eventTime: '2026-11-10T00:00:00+07:00', LT_eventTime: '2026-11-11T00:00:00+07:00' },
    EQ_eventID: { EQ_eventID: seen.eventID },
  };
  seen.queries = {};
  for (const [name, params] of Object.entries(parameters)) {
    seen.queries[name] = (await query(params)).map((e) => e.eventID);
  }

  lap('queries');
  const declared = new ObjectEvent(event.toObject()).setErrorDeclaration(
    new ErrorDeclaration().setDeclarationTime('2026-11-12T09:00:00.000+07:00').setReason('incorrect_data'),
  );
  seen.declaration = await job(await capture(new EPCISDocument().addEvent(declared)), 'error declaration');

  lap('declaration');
  const [stored] = await query({ EQ_eventID: seen.eventID });
  seen.errorDeclaration = stored.errorDeclaration;
  seen.declaredQuery = (await query({ EXISTS_errorDeclaration: 'true', MATCH_epcClass: lgtin })).map((e) => e.eventID);

}

try {
  await main();
  // written, then exit: not waiting for the kept-alive connections to time out
  process.stdout.write(`${JSON.stringify(seen)}\n`, () => process.exit(0));
} catch (error) {
  // the SDK is minified: its stack would print whole lines of it
  console.error(`${error?.name}: ${error?.message ?? error}`.slice(0, 4000));
  process.exit(1);
}
