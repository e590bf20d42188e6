/* Farm diary quick entry: a few taps, defaults from the last entry, works offline.
 *
 * Every entry gets a client id (UUID) when it is written. It is put in an IndexedDB queue first, then sent to
 * POST /api/v1/workspace/diary/entries (multipart, with photo and voice blobs). The server stores an entry
 * once per client id, so a retry after a lost answer never duplicates it. The queue is shown on the page and
 * sent again when the network returns ("online" event), on page load and every 30 seconds.
 */
(function () {
  "use strict";
  const form = document.getElementById("entry-form");
  if (!form) return;
  const T = JSON.parse(document.getElementById("ws-text").textContent);
  const AREAS = JSON.parse(document.getElementById("ws-areas").textContent);
  const DEFAULTS = JSON.parse(document.getElementById("ws-defaults").textContent);
  const SPECS = JSON.parse(document.getElementById("ws-specs").textContent);
  const API = form.dataset.api;
  const DB_NAME = "truyxuat-diary", STORE = "queue";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const areaSelect = $("#f-area"), activitySelect = $("#f-activity"), fields = $("#fields");
  let voiceBlob = null, recorder = null;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : (form.querySelector("[name=csrfmiddlewaretoken]") || {}).value;
  }
  function localNow() {
    const d = new Date(); d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }
  function toast(text) {
    const el = document.createElement("div"); el.className = "toast"; el.setAttribute("role", "status");
    el.textContent = text; document.body.appendChild(el); setTimeout(() => el.remove(), 3500);
  }

  /* ---- IndexedDB queue ---- */
  function db() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "client_id" });
      req.onsuccess = () => resolve(req.result); req.onerror = () => reject(req.error);
    });
  }
  async function tx(mode, fn) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const t = d.transaction(STORE, mode); const s = t.objectStore(STORE); const out = fn(s);
      t.oncomplete = () => resolve(out && out.result !== undefined ? out.result : out); t.onerror = () => reject(t.error);
    });
  }
  const put = (item) => tx("readwrite", (s) => s.put(item));
  const remove = (id) => tx("readwrite", (s) => s.delete(id));
  const all = () => tx("readonly", (s) => s.getAll());

  async function render() {
    const items = await all();
    const box = $("#queue"); box.hidden = items.length === 0;
    $("#queue-count").textContent = items.length;
    const list = $("#queue-list"); list.textContent = "";
    for (const it of items) {
      const li = document.createElement("li");
      const area = AREAS.find((a) => String(a.id) === String(it.fields.growing_area));
      li.textContent = `${(it.fields.occurred_at || "").replace("T", " ")} · ${label(it.fields.activity)} · ${area ? area.code : ""}`;
      li.dataset.clientId = it.client_id;
      if (it.error) {
        const p = document.createElement("p"); p.className = "err"; p.textContent = `⚠️ ${it.error}`; li.appendChild(p);
        const b = document.createElement("button"); b.type = "button"; b.className = "btn danger"; b.textContent = `🗑️ ${T.remove}`;
        b.onclick = async () => { await remove(it.client_id); render(); }; li.appendChild(b);
      }
      list.appendChild(li);
    }
  }

  let syncing = false;
  async function sync() {
    if (syncing || !navigator.onLine) return;
    syncing = true;
    try {
      for (const it of await all()) {
        if (it.error) continue;
        const body = new FormData();
        for (const [k, v] of Object.entries(it.fields)) body.append(k, v);
        body.append("client_id", it.client_id);
        body.append("source", it.offline ? "offline" : "web");
        if (it.photo) body.append("photo", it.photo, it.photoName || "photo.jpg");
        if (it.voice) body.append("voice", it.voice, "voice.webm");
        let res;
        try {
          res = await fetch(API, { method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": csrf() } });
        } catch (e) { break; } // network gone: keep it queued
        if (res.ok) { await remove(it.client_id); addRecent(it); continue; }
        if (res.status === 401 || res.status === 403) { toast(T.login); break; }
        if (res.status >= 500) break;
        let detail = T.failed;
        try { const p = await res.json(); detail = (p.errors || []).map((e) => e.message).join(" ") || p.detail || detail; } catch (e) { /* keep */ }
        it.error = detail; await put(it);
      }
    } finally { syncing = false; render(); }
  }

  function label(code) {
    const opt = activitySelect.querySelector(`option[value="${code}"]`); return opt ? opt.textContent : code;
  }
  function addRecent(it) {
    const ul = $("#recent"); if (!ul) return;
    const area = AREAS.find((a) => String(a.id) === String(it.fields.growing_area));
    const li = document.createElement("li");
    li.textContent = `${(it.fields.occurred_at || "").slice(5, 16).replace("T", " ")} · ${label(it.fields.activity)} · ${area ? area.code : ""}${it.fields.product_name ? " · " + it.fields.product_name : ""}`;
    ul.prepend(li);
  }

  /* ---- quick entry ---- */
  function currentArea() { return AREAS.find((a) => String(a.id) === areaSelect.value) || AREAS[0]; }
  function buildAreas() {
    const chips = $("#area-chips"); chips.textContent = "";
    if (AREAS.length < 2) { areaSelect.closest("form").querySelector("label[for=f-area]").hidden = false; }
    for (const a of AREAS) {
      const b = document.createElement("button"); b.type = "button"; b.className = "chip";
      b.textContent = `🗺️ ${a.code}`; b.title = `${a.name} (${a.crop})`;
      b.setAttribute("aria-pressed", String(String(a.id) === areaSelect.value));
      b.onclick = () => { areaSelect.value = a.id; localStorage.setItem("ws-area", a.id); buildAreas(); buildTiles(); };
      chips.appendChild(b);
    }
    chips.hidden = false; areaSelect.hidden = true;
  }
  function buildTiles() {
    const area = currentArea(); const box = $("#activity-tiles"); box.textContent = "";
    for (const act of area.activities) {
      const b = document.createElement(act.code === "harvesting" ? "a" : "button");
      b.className = "tile"; b.dataset.activity = act.code;
      b.innerHTML = `<span class="ico" aria-hidden="true">${act.icon}</span>`;
      b.appendChild(document.createTextNode(act.label));
      if (act.code === "harvesting") { b.href = `${form.dataset.harvest}?area=${area.id}`; }
      else {
        b.type = "button"; b.setAttribute("aria-pressed", String(activitySelect.value === act.code && !fields.hidden));
        b.onclick = () => choose(act.code);
      }
      box.appendChild(b);
    }
    box.hidden = false; activitySelect.hidden = true;
  }
  function choose(code) {
    activitySelect.value = code;
    const spec = SPECS[code] || { fields: [] }; const area = currentArea();
    for (const el of fields.querySelectorAll("[data-field]")) el.hidden = !spec.fields.includes(el.dataset.field);
    const last = (DEFAULTS[String(area.id)] || {})[code] || {};
    for (const name of ["product_name", "active_ingredient", "dose", "phi_days", "withdrawal_days", "quantity", "unit"]) {
      const input = form.elements[name]; if (input) input.value = last[name] || "";
    }
    if (!form.elements.unit.value && spec.fields.includes("quantity")) form.elements.unit.value = code === "feeding" ? "KGM" : (area.harvest_unit || "KGM");
    const dl = $("#suggestions"); dl.textContent = "";
    for (const s of (area.suggestions[code] || [])) { const o = document.createElement("option"); o.value = s; dl.appendChild(o); }
    form.elements.occurred_at.value = localNow();
    fields.hidden = false; buildTiles();
    fields.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fd = new FormData(form); const values = {};
    for (const [k, v] of fd.entries()) if (typeof v === "string" && k !== "csrfmiddlewaretoken" && k !== "client_id") values[k] = v;
    for (const el of fields.querySelectorAll("[data-field]")) if (el.hidden) for (const i of el.querySelectorAll("input,select")) delete values[i.name];
    if (values.occurred_at) values.occurred_at = new Date(values.occurred_at).toISOString();
    // "1.200" (vi) / "1,200" (en): one thousand two hundred or one point two? Ask now, not after the queue.
    const q = (values.quantity || "").trim(); const en = (document.documentElement.lang || "vi").startsWith("en");
    if ((en ? /^[1-9]\d{0,2},\d{3}$/ : /^[1-9]\d{0,2}\.\d{3}$/).test(q)) {
      if (!window.confirm(T.ambiguous.replace("{text}", q).replace("{value}", q.replace(/[.,]/, "")))) { form.elements.quantity.focus(); return; }
      values.quantity_confirm = q;
    }
    const photo = form.elements.photo.files[0];
    const item = { client_id: uuid(), fields: values, offline: !navigator.onLine, photo: photo || null,
      photoName: photo ? photo.name : null, voice: voiceBlob, created: Date.now() };
    await put(item);
    const keep = {}; for (const k of ["product_name", "active_ingredient", "dose", "phi_days", "withdrawal_days", "quantity", "unit"]) keep[k] = values[k] || "";
    (DEFAULTS[values.growing_area] = DEFAULTS[values.growing_area] || {})[values.activity] = keep;
    const wasOnline = navigator.onLine;
    form.reset(); voiceBlob = null; $("#voice-state").textContent = ""; $("#gps-state").textContent = "";
    areaSelect.value = localStorage.getItem("ws-area") || areaSelect.value;
    fields.hidden = true; buildAreas(); buildTiles();
    await render();
    if (wasOnline) { await sync(); const left = (await all()).find((x) => x.client_id === item.client_id);
      toast(left ? (left.error ? `⚠️ ${left.error}` : T.queued) : `✅ ${T.saved}`); }
    else toast(`💾 ${T.queued}`);
    window.scrollTo({ top: 0, behavior: "smooth" });
  });

  /* ---- GPS and voice ---- */
  $("#gps").addEventListener("click", () => {
    if (!navigator.geolocation) { $("#gps-state").textContent = T.gps_no; return; }
    navigator.geolocation.getCurrentPosition((p) => {
      form.elements.latitude.value = p.coords.latitude.toFixed(6); form.elements.longitude.value = p.coords.longitude.toFixed(6);
      $("#gps-state").textContent = `✅ ${T.gps_ok} (${p.coords.latitude.toFixed(5)}, ${p.coords.longitude.toFixed(5)})`;
    }, () => { $("#gps-state").textContent = T.gps_no; }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
  $("#record").addEventListener("click", async () => {
    if (recorder && recorder.state === "recording") { recorder.stop(); return; }
    if (!navigator.mediaDevices || !window.MediaRecorder) { $("#voice-state").textContent = "—"; return; }
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const chunks = []; recorder = new MediaRecorder(stream);
      recorder.ondataavailable = (e) => chunks.push(e.data);
      recorder.onstop = () => { voiceBlob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
        stream.getTracks().forEach((t) => t.stop()); $("#voice-state").textContent = `✅ ${T.recorded}`; };
      recorder.start(); $("#voice-state").textContent = `🔴 ${T.recording}`;
    } catch (e) { $("#voice-state").textContent = "—"; }
  });

  /* ---- network state ---- */
  function net() { $("#net").textContent = navigator.onLine ? T.online : T.offline; if (navigator.onLine) sync(); }
  window.addEventListener("online", net); window.addEventListener("offline", net);
  $("#sync-now").addEventListener("click", sync);
  setInterval(sync, 30000);

  const remembered = localStorage.getItem("ws-area");
  if (remembered && AREAS.some((a) => String(a.id) === remembered)) areaSelect.value = remembered;
  fields.hidden = true; buildAreas(); buildTiles(); net(); render();
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/workspace/sw.js", { scope: "/workspace/" }).catch(() => {});
})();
