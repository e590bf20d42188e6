/**
 * verify.js — check a truyxuat ledger proof bundle in the browser, trusting no server.
 *
 * A standalone ES module (no dependencies) that does exactly the checks of ledger/bundle.py,
 * with WebCrypto (crypto.subtle SHA-256 and Ed25519; Chromium, Firefox and Safari support
 * Ed25519 in WebCrypto). It returns the same report as bundle.py's BundleReport.to_dict().
 *
 * API
 * ---
 *   import { verifyBundle, verifyBundleUrl, renderReport, MESSAGES } from "/static/ledger/verify.js";
 *
 *   const report = await verifyBundle(bundle, { pinnedKey });
 *     bundle     the proof bundle: an object, or its JSON text
 *                (GET /api/v1/lots/<gtin>/<lot>/proof-bundle; format in ledger/bundle.py)
 *     pinnedKey  optional: the ledger's published verifier key ("origin+keyid+base64", as served by
 *                GET /ledger/key). When given, the bundle's own key must be this key. Pin it
 *                whenever you can: without it the bundle vouches for itself.
 *
 *   const report = await verifyBundleUrl(url, { pinnedKey, witnessesUrl });   // fetches, then verifyBundle;
 *                with witnessesUrl, report.vouched = await vouchingProvinces(...) (below)
 *   const { count, provinces } = await vouchingProvinces(checkpoint, witnesses, origin);
 *   renderReport(element, report, { lang: "vi" | "en" | "both" });  // a small badge + details
 *
 * verifyBundle never throws on bad input. The report:
 *   {
 *     ok: boolean,               // checkpoint valid and every record proven
 *     checkpoint_ok: boolean,    // the signed checkpoint verified
 *     error: string | null,      // bundle-level code: malformed_bundle, malformed_key, key_not_pinned,
 *                                // signature_invalid, unknown_key, malformed_checkpoint,
 *                                // origin_mismatch, unsupported_browser, fetch_failed
 *     origin, tree_size, root_hash (base64),
 *     verified, total,           // records proven / records in the bundle
 *     records: [{ kind, leaf_index, ok, error, message_vi, message_en }],
 *                                // record codes: ok, malformed_record, leaf_hash_mismatch,
 *                                // index_out_of_range, proof_invalid, checkpoint_unverified
 *     summary_vi, summary_en,    // one sentence each, for people
 *     subject                    // the bundle's subject ({gtin, lot, digital_link}); not verified
 *   }
 *
 * Checks: (1) the verifier key parses (and equals pinnedKey); (2) the checkpoint is a signed note
 * with a valid Ed25519 signature by that key, is a C2SP checkpoint, and its origin is the
 * bundle's; (3) per record: SHA-256(0x00 || SHA-256(UTF-8 canonical)) equals leaf_hash, the index
 * is below the tree size, and the RFC 9162 inclusion proof leads to the checkpoint's root.
 */

export const MESSAGES = {
  ok: ["có trong sổ cái công khai", "is in the public ledger"],
  malformed_bundle: ["gói bằng chứng không đúng định dạng", "the proof bundle is malformed"],
  malformed_key: ["khóa xác minh không hợp lệ", "the verifier key is invalid"],
  key_not_pinned: [
    "khóa xác minh không phải khóa đã được công bố của sổ cái",
    "the verifier key is not the ledger's published key",
  ],
  signature_invalid: ["chữ ký của điểm kiểm tra không hợp lệ", "the checkpoint signature is invalid"],
  unknown_key: ["điểm kiểm tra không được ký bởi khóa của sổ cái", "the checkpoint is not signed by the ledger's key"],
  malformed_checkpoint: ["điểm kiểm tra không đúng định dạng", "the checkpoint is malformed"],
  origin_mismatch: ["điểm kiểm tra thuộc một sổ cái khác", "the checkpoint belongs to a different ledger"],
  checkpoint_unverified: [
    "không kiểm tra được vì điểm kiểm tra không hợp lệ",
    "not checked because the checkpoint is not valid",
  ],
  malformed_record: ["bản ghi không đúng định dạng", "the record is malformed"],
  leaf_hash_mismatch: [
    "nội dung bản ghi không khớp với mã băm lá (đã bị sửa)",
    "the record content does not match its leaf hash (it was altered)",
  ],
  index_out_of_range: [
    "vị trí bản ghi nằm ngoài cây của điểm kiểm tra",
    "the record's index is outside the checkpoint's tree",
  ],
  proof_invalid: [
    "bằng chứng bao gồm không khớp với gốc của cây",
    "the inclusion proof does not match the tree root",
  ],
  unsupported_browser: [
    "trình duyệt không hỗ trợ kiểm tra chữ ký Ed25519",
    "this browser cannot check Ed25519 signatures",
  ],
  fetch_failed: ["không tải được gói bằng chứng", "the proof bundle could not be downloaded"],
};

const ALG_ED25519 = 0x01;
const ALG_COSIGNATURE_V1 = 0x04;
const MAX_SIGNATURES = 100;
const SIG_PREFIX = "— ";
const encoder = new TextEncoder();

class NoteError extends Error {
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

// ---- bytes -------------------------------------------------------------------------------------

function b64encode(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

/** Strict standard base64 (padding required, canonical only), like note._b64decode. */
function b64decode(s) {
  if (typeof s !== "string" || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    throw new NoteError("bad_base64");
  }
  let bin;
  try {
    bin = atob(s);
  } catch {
    throw new NoteError("bad_base64");
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (b64encode(out) !== s) throw new NoteError("bad_base64");
  return out;
}

function b64hash(s) {
  const raw = b64decode(s);
  if (raw.length !== 32) throw new NoteError("bad_hash");
  return raw;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function equal(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

const ZERO = new Uint8Array([0x00]);
const ONE = new Uint8Array([0x01]);

function nodeHash(left, right) {
  return sha256(concat(ONE, left, right));
}

/** A record's leaf hash: SHA-256(0x00 || SHA-256(canonical bytes)). */
export async function recordLeafHash(canonicalBytes) {
  return sha256(concat(ZERO, await sha256(canonicalBytes)));
}

// ---- keys and notes (c2sp.org/signed-note, Go's sumdb/note) ---------------------------------

function validName(name) {
  return name.length > 0 && !name.includes("+") && !/\s/u.test(name);
}

async function keyId(name, alg, pub) {
  const d = await sha256(concat(encoder.encode(name + "\n"), new Uint8Array([alg]), pub));
  return ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
}

/** Parse "name+hash+base64(alg||key)"; throws NoteError("malformed_key"). */
async function parseVerifierKey(vkey) {
  const first = vkey.indexOf("+");
  const second = first < 0 ? -1 : vkey.indexOf("+", first + 1);
  if (second < 0) throw new NoteError("malformed_key");
  const name = vkey.slice(0, first);
  const hash16 = vkey.slice(first + 1, second);
  const key64 = vkey.slice(second + 1);
  if (!validName(name) || !/^[0-9a-f]{8}$/.test(hash16)) throw new NoteError("malformed_key");
  let key;
  try {
    key = b64decode(key64);
  } catch {
    throw new NoteError("malformed_key");
  }
  if (key.length !== 33 || (key[0] !== ALG_ED25519 && key[0] !== ALG_COSIGNATURE_V1)) {
    throw new NoteError("malformed_key");
  }
  const h = parseInt(hash16, 16);
  if (h !== (await keyId(name, key[0], key.subarray(1)))) throw new NoteError("malformed_key");
  return { name, keyHash: h, alg: key[0], publicKey: key.slice(1) };
}

function checkChars(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) throw new NoteError("malformed_checkpoint", "control character");
  }
  if (hasLoneSurrogate(s)) throw new NoteError("malformed_checkpoint", "not UTF-8");
}

function hasLoneSurrogate(s) {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function parseNote(msg) {
  checkChars(msg);
  const split = msg.lastIndexOf("\n\n");
  if (split < 0) throw new NoteError("malformed_checkpoint", "no signature block");
  const text = msg.slice(0, split + 1);
  const block = msg.slice(split + 2);
  if (!block || !block.endsWith("\n")) throw new NoteError("malformed_checkpoint", "no signature block");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) throw new NoteError("malformed_checkpoint", "too many signatures");
  const sigs = lines.map((line) => {
    if (!line.startsWith(SIG_PREFIX)) throw new NoteError("malformed_checkpoint", "bad signature line");
    const rest = line.slice(SIG_PREFIX.length);
    const sp = rest.indexOf(" ");
    const name = sp < 0 ? "" : rest.slice(0, sp);
    const b64 = sp < 0 ? "" : rest.slice(sp + 1);
    if (sp < 0 || !validName(name) || !b64) throw new NoteError("malformed_checkpoint", "bad signature line");
    let raw;
    try {
      raw = b64decode(b64);
    } catch {
      throw new NoteError("malformed_checkpoint", "bad signature encoding");
    }
    if (raw.length < 5) throw new NoteError("malformed_checkpoint", "signature too short");
    const keyHash = ((raw[0] << 24) | (raw[1] << 16) | (raw[2] << 8) | raw[3]) >>> 0;
    return { name, keyHash, sig: raw.slice(4) };
  });
  return { text, sigs };
}

async function ed25519Verify(publicKey, message, signature) {
  let key;
  try {
    key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  } catch (e) {
    if (e && (e.name === "NotSupportedError" || e.name === "SyntaxError")) {
      throw new NoteError("unsupported_browser");
    }
    throw new NoteError("malformed_key");
  }
  return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
}

/** Like note.open_note with one Ed25519 verifier: returns the note text or throws NoteError. */
async function openNote(msg, verifier) {
  const { text, sigs } = parseNote(msg);
  const body = encoder.encode(text);
  for (const s of sigs) {
    if (s.name !== verifier.name || s.keyHash !== verifier.keyHash) continue;
    const ok = s.sig.length === 64 && (await ed25519Verify(verifier.publicKey, body, s.sig));
    if (!ok) throw new NoteError("signature_invalid");
    return text;
  }
  throw new NoteError("unknown_key");
}

/** c2sp.org/tlog-checkpoint body: origin, size, base64 root hash, extension lines. */
function parseCheckpoint(text) {
  if (!text.endsWith("\n")) throw new NoteError("malformed_checkpoint");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw new NoteError("malformed_checkpoint");
  const [origin, sizeS, rootS, ...ext] = lines;
  if (!origin) throw new NoteError("malformed_checkpoint");
  if (!/^(0|[1-9][0-9]*)$/.test(sizeS) || BigInt(sizeS) >= 2n ** 63n) throw new NoteError("malformed_checkpoint");
  let root;
  try {
    root = b64hash(rootS);
  } catch {
    throw new NoteError("malformed_checkpoint");
  }
  if (ext.some((e) => !e)) throw new NoteError("malformed_checkpoint");
  return { origin, size: BigInt(sizeS), root };
}

// ---- RFC 9162 §2.1.3.2 inclusion verification -------------------------------------------------

async function rootFromInclusion(leafHash, index, size, proof) {
  if (!(index >= 0n && index < size)) return null;
  let fn = index;
  let sn = size - 1n;
  let r = leafHash;
  for (const p of proof) {
    if (p.length !== 32 || sn === 0n) return null;
    if (fn & 1n || fn === sn) {
      r = await nodeHash(p, r);
      if (!(fn & 1n)) {
        while (fn && !(fn & 1n)) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

// ---- the report ---------------------------------------------------------------------------------

const isObject = (x) => typeof x === "object" && x !== null && !Array.isArray(x);
const isIndex = (x) => typeof x === "number" && Number.isInteger(x);

function fmtVi(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

function fmtEn(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function failed(code, bundle, records) {
  const [vi, en] = MESSAGES[code];
  const [rvi, ren] = MESSAGES.checkpoint_unverified;
  return {
    ok: false,
    checkpoint_ok: false,
    error: code,
    origin: null,
    tree_size: null,
    root_hash: null,
    verified: 0,
    total: records.length,
    records: records.map((r) => ({
      kind: isObject(r) && r.kind !== undefined && r.kind !== null ? String(r.kind) : "",
      leaf_index: isObject(r) && isIndex(r.leaf_index) ? r.leaf_index : null,
      ok: false,
      error: "checkpoint_unverified",
      message_vi: rvi,
      message_en: ren,
    })),
    summary_vi: `Không xác minh được: ${vi}.`,
    summary_en: `Not verified: ${en}.`,
    subject: isObject(bundle) && bundle.subject !== undefined ? bundle.subject : null,
  };
}

async function checkRecord(r, size, root) {
  if (!isObject(r)) {
    const [vi, en] = MESSAGES.malformed_record;
    return { kind: "", leaf_index: null, ok: false, error: "malformed_record", message_vi: vi, message_en: en };
  }
  const kind = typeof r.kind === "string" ? r.kind : "";
  const idx = isIndex(r.leaf_index) ? r.leaf_index : null;
  const result = (code) => {
    const [vi, en] = MESSAGES[code];
    return { kind, leaf_index: idx, ok: code === "ok", error: code === "ok" ? null : code, message_vi: vi, message_en: en };
  };
  const canonical = r.canonical;
  const proofS = r.inclusion_proof;
  if (typeof r.kind !== "string" || idx === null || idx < 0 || typeof canonical !== "string") {
    return result("malformed_record");
  }
  if (!Array.isArray(proofS) || proofS.length > 64) return result("malformed_record");
  let claimed;
  let proof;
  try {
    claimed = b64hash(r.leaf_hash);
    proof = proofS.map(b64hash);
  } catch {
    return result("malformed_record");
  }
  if (hasLoneSurrogate(canonical)) return result("malformed_record");
  const lh = await recordLeafHash(encoder.encode(canonical));
  if (!equal(lh, claimed)) return result("leaf_hash_mismatch");
  const index = BigInt(idx);
  if (index >= size) return result("index_out_of_range");
  const computed = await rootFromInclusion(lh, index, size, proof);
  if (computed === null || !equal(computed, root)) return result("proof_invalid");
  return result("ok");
}

/** Verify a proof bundle (object or JSON text); resolves to a report (see the top of this file). */
export async function verifyBundle(bundle, { pinnedKey = null } = {}) {
  if (typeof bundle === "string") {
    try {
      bundle = JSON.parse(bundle);
    } catch {
      return failed("malformed_bundle", null, []);
    }
  }
  if (!isObject(bundle)) return failed("malformed_bundle", null, []);
  const records = bundle.records;
  if (!Array.isArray(records)) return failed("malformed_bundle", bundle, []);
  const { origin, checkpoint, verifier_key: vkey } = bundle;
  if (typeof origin !== "string" || typeof checkpoint !== "string" || typeof vkey !== "string") {
    return failed("malformed_bundle", bundle, records);
  }
  let verifier;
  try {
    verifier = await parseVerifierKey(vkey);
  } catch {
    return failed("malformed_key", bundle, records);
  }
  if (pinnedKey !== null && pinnedKey !== undefined) {
    let pinned;
    try {
      pinned = await parseVerifierKey(String(pinnedKey));
    } catch {
      return failed("malformed_key", bundle, records);
    }
    const same =
      pinned.name === verifier.name &&
      pinned.keyHash === verifier.keyHash &&
      pinned.alg === verifier.alg &&
      equal(pinned.publicKey, verifier.publicKey);
    if (!same) return failed("key_not_pinned", bundle, records);
  }
  if (verifier.alg !== ALG_ED25519) return failed("malformed_key", bundle, records);

  let cp;
  try {
    cp = parseCheckpoint(await openNote(checkpoint, verifier));
  } catch (e) {
    const code = e instanceof NoteError && MESSAGES[e.code] ? e.code : "malformed_checkpoint";
    return failed(code, bundle, records);
  }
  if (cp.origin !== origin) return failed("origin_mismatch", bundle, records);

  const results = [];
  for (const r of records) results.push(await checkRecord(r, cp.size, cp.root));
  const verified = results.filter((r) => r.ok).length;
  const total = results.length;
  const rootHex = toHex(cp.root).slice(0, 16) + "…";
  const size = cp.size.toString();
  const allOk = verified === total;
  let summaryVi;
  let summaryEn;
  if (allOk) {
    summaryVi =
      `Đã xác minh ${verified}/${total} bản ghi có trong sổ cái công khai ` +
      `${cp.origin}, kích thước cây ${fmtVi(size)}, gốc ${rootHex}`;
    summaryEn =
      `Verified ${verified} of ${total} records are in the public ledger ` +
      `${cp.origin}, tree size ${fmtEn(size)}, root ${rootHex}`;
  } else {
    const bad = results.filter((r) => !r.ok);
    const first = bad[0];
    const where = `${first.kind || "?"} #${first.leaf_index !== null ? first.leaf_index : "?"}`;
    summaryVi =
      `CẢNH BÁO: chỉ xác minh được ${verified}/${total} bản ghi trong sổ cái công khai ` +
      `${cp.origin} (kích thước cây ${fmtVi(size)}, gốc ${rootHex}); ` +
      `${bad.length} bản ghi không hợp lệ, ví dụ bản ghi ${where}: ${first.message_vi}`;
    summaryEn =
      `WARNING: only ${verified} of ${total} records verified in the public ledger ` +
      `${cp.origin} (tree size ${fmtEn(size)}, root ${rootHex}); ` +
      `${bad.length} failed, e.g. record ${where}: ${first.message_en}`;
  }
  return {
    ok: allOk,
    checkpoint_ok: true,
    error: null,
    origin: cp.origin,
    tree_size: Number(cp.size),
    root_hash: b64encode(cp.root),
    verified,
    total,
    records: results,
    summary_vi: summaryVi,
    summary_en: summaryEn,
    subject: bundle.subject !== undefined ? bundle.subject : null,
  };
}

// ---- independent provinces vouching (federated witnesses, issue 23) ------------------------------

/**
 * How many independent provinces vouch for a checkpoint: of `witnesses` (the peer nodes a node publishes,
 * GET /federation/witnesses: [{name, origin, province_code, hub, witness_key}]), those whose cosignature/v1
 * line on `checkpoint` verifies (c2sp.org/tlog-cosignature: Ed25519 over "cosignature/v1\ntime <t>\n" and the
 * checkpoint text), counted once per province; a hub is not a province, and the log's own origin does not vouch
 * for itself. A line that is missing, by an unknown key, or does not verify counts for nothing. Never throws.
 * Resolves to { count, provinces: [names, sorted] }.
 */
export async function vouchingProvinces(checkpoint, witnesses, origin = null) {
  const none = { count: 0, provinces: [] };
  let note;
  try {
    note = parseNote(String(checkpoint));
  } catch {
    return none;
  }
  const body = encoder.encode(note.text);
  const seen = new Map(); // province -> name
  for (const w of Array.isArray(witnesses) ? witnesses : []) {
    if (!isObject(w) || w.hub === true || typeof w.witness_key !== "string") continue;
    if (origin !== null && w.origin === origin) continue;
    let v;
    try {
      v = await parseVerifierKey(w.witness_key);
    } catch {
      continue;
    }
    if (v.alg !== ALG_COSIGNATURE_V1) continue;
    const province = w.province_code !== undefined && w.province_code !== null ? `p${w.province_code}` : v.name;
    if (seen.has(province)) continue;
    for (const s of note.sigs) {
      if (s.name !== v.name || s.keyHash !== v.keyHash || s.sig.length !== 72) continue;
      let time = 0n;
      for (let i = 0; i < 8; i++) time = (time << 8n) | BigInt(s.sig[i]);
      const message = concat(encoder.encode(`cosignature/v1\ntime ${time}\n`), body);
      let ok = false;
      try {
        ok = await ed25519Verify(v.publicKey, message, s.sig.slice(8));
      } catch {
        ok = false;
      }
      if (ok) {
        seen.set(province, typeof w.name === "string" && w.name ? w.name : v.name);
        break;
      }
    }
  }
  return { count: seen.size, provinces: [...seen.values()].sort((a, b) => a.localeCompare(b, "vi")) };
}

/** Fetch a bundle (same origin or CORS) and verify it. With `witnessesUrl` (the node's published peer keys), a
 * verified report also says how many independent provinces vouch for its checkpoint (`report.vouched`). */
export async function verifyBundleUrl(url, options = {}) {
  const { witnessesUrl = null, ...checks } = options;
  let text;
  try {
    const resp = await fetch(url, { headers: { Accept: "application/json" } });
    if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
    text = await resp.text();
  } catch {
    const report = failed("fetch_failed", null, []);
    return report;
  }
  const report = await verifyBundle(text, checks);
  if (report.checkpoint_ok && witnessesUrl) {
    try {
      const resp = await fetch(witnessesUrl, { headers: { Accept: "application/json" } });
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      const list = await resp.json();
      report.vouched = await vouchingProvinces(JSON.parse(text).checkpoint, list.witnesses, report.origin);
    } catch {
      report.vouched = null; // the list could not be read: nothing is claimed
    }
  }
  return report;
}

function vouchedLines(vouched) {
  const { count, provinces } = vouched;
  const names = provinces.length ? `: ${provinces.join(", ")}` : "";
  if (count === 0) {
    return [
      "Chưa có tỉnh độc lập nào xác nhận điểm kiểm tra này",
      "No independent province has vouched for this checkpoint yet",
    ];
  }
  return [
    `Được ${count} tỉnh độc lập xác nhận${names}`,
    `Vouched for by ${count} independent province${count === 1 ? "" : "s"}${names}`,
  ];
}

/** Render a report into `el`: a badge (class ledger-ok / ledger-fail) and the per-record list. */
export function renderReport(el, report, { lang = "both" } = {}) {
  const doc = el.ownerDocument;
  el.replaceChildren();
  const badge = doc.createElement("p");
  badge.className = report.ok ? "ledger-badge ledger-ok" : "ledger-badge ledger-fail";
  badge.setAttribute("role", "status");
  const lines = [];
  if (lang !== "en") lines.push((report.ok ? "✓ " : "✗ ") + report.summary_vi);
  if (lang !== "vi") lines.push((lang === "both" ? "" : report.ok ? "✓ " : "✗ ") + report.summary_en);
  lines.forEach((line, i) => {
    const span = doc.createElement("span");
    span.textContent = line;
    if (i > 0) {
      span.lang = "en";
      badge.append(doc.createElement("br"));
    }
    badge.append(span);
  });
  el.append(badge);
  if (report.vouched) {
    const [vi, en] = vouchedLines(report.vouched);
    const p = doc.createElement("p");
    p.className = report.vouched.count ? "ledger-vouched" : "ledger-vouched ledger-none";
    if (lang !== "en") p.append(doc.createTextNode(vi));
    if (lang === "both") p.append(doc.createElement("br"));
    if (lang !== "vi") {
      const span = doc.createElement("span");
      span.textContent = en;
      if (lang === "both") span.lang = "en";
      p.append(span);
    }
    el.append(p);
  }
  if (report.records.length) {
    const ul = doc.createElement("ul");
    ul.className = "ledger-records";
    for (const r of report.records) {
      const li = doc.createElement("li");
      li.className = r.ok ? "ledger-ok" : "ledger-fail";
      const msg = lang === "en" ? r.message_en : lang === "vi" ? r.message_vi : `${r.message_vi} / ${r.message_en}`;
      li.textContent = `${r.ok ? "✓" : "✗"} ${r.kind || "?"} #${r.leaf_index ?? "?"}: ${msg}`;
      ul.append(li);
    }
    el.append(ul);
  }
}
