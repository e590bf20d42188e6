/* Farm diary quick entry: a few taps, defaults from the last entry, works offline.
 *
 * Every opened form gets one client id (UUID), so a double tap on "Lưu" stores one entry. The entry is checked
 * here first (required fields, as the server checks them), put in an IndexedDB queue with its files as blobs (the
 * photo shrunk on the phone: longest side 1600 px, JPEG 0.8), then sent to POST /api/v1/workspace/diary/entries
 * (multipart). The server stores an entry once per client id, so a retry after a lost answer never duplicates it.
 * "Đã lưu" is said only when the server has answered with every file that was sent; an entry the server refuses
 * stays in the queue with the reason and opens for editing with what was typed. The queue is sent again when the
 * network returns ("online" event), on page load and every 30 seconds.
 */
(function () {
  "use strict";
  const form = document.getElementById("entry-form");
  if (!form) return;
  const T = JSON.parse(document.getElementById("ws-text").textContent);
  const AREAS = JSON.parse(document.getElementById("ws-areas").textContent);
  const DEFAULTS = JSON.parse(document.getElementById("ws-defaults").textContent);
  const SPECS = JSON.parse(document.getElementById("ws-specs").textContent);
  const CHECKS = JSON.parse(document.getElementById("ws-checks").textContent);
  const API = form.dataset.api;
  const DB_NAME = "truyxuat-diary", STORE = "queue";
  const MAX_SIDE = 1600, QUALITY = 0.8;
  // MediaRecorder makes WebM (Chromium), Ogg (Firefox) or MP4/AAC (Safari); the server reads the type from the bytes.
  const VOICE_NAMES = [[/mp4|aac/, "voice.m4a"], [/ogg/, "voice.ogg"], [/./, "voice.webm"], [/^$/, "voice.webm"]];
  const KEPT = ["product_name", "active_ingredient", "dose", "phi_days", "withdrawal_days", "quantity", "unit"];
  const $ = (sel, root) => (root || document).querySelector(sel);
  const lang = document.documentElement.lang || "vi";
  const areaSelect = $("#f-area"), activitySelect = $("#f-activity"), fields = $("#fields");
  const photoInput = form.elements.photo, idInput = form.elements.client_id, saveButton = $("#save");
  let voiceBlob = null, recorder = null, photoReady = null, keptPhoto = null, saving = false;

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
  function localInput(date) {
    const d = new Date(date); d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }
  function shortWhen(iso) {
    const d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleString(lang, { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" });
  }
  function bytes(n) {
    const fmt = (v) => v.toLocaleString(lang, { maximumFractionDigits: 1 });
    return n >= 1048576 ? `${fmt(n / 1048576)} MB` : `${fmt(Math.max(1, Math.round(n / 1024)))} KB`;
  }
  function toast(text) {
    const el = document.createElement("div"); el.className = "toast"; el.setAttribute("role", "status");
    el.textContent = text; document.body.appendChild(el); setTimeout(() => el.remove(), 3500);
  }

  /* ---- IndexedDB queue (entries with their photo and voice blobs) ---- */
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
  const areaOf = (id) => AREAS.find((a) => String(a.id) === String(id));

  async function render() {
    const items = await all();
    const box = $("#queue"); box.hidden = items.length === 0;
    $("#queue-count").textContent = items.length;
    const list = $("#queue-list"); list.textContent = "";
    for (const it of items) {
      const li = document.createElement("li"); const area = areaOf(it.fields.growing_area);
      li.textContent = `${shortWhen(it.fields.occurred_at)} · ${label(it.fields.activity)} · ${area ? area.name : ""}` +
        `${it.fields.product_name ? " · " + it.fields.product_name : ""}${it.photo ? " · 📷" : ""}`;
      li.dataset.clientId = it.client_id;
      if (it.error) {
        const p = document.createElement("p"); p.className = "err"; p.textContent = `⚠️ ${it.error}`; li.appendChild(p);
        const edit = document.createElement("button"); edit.type = "button"; edit.className = "btn primary";
        edit.textContent = `✏️ ${T.edit}`; edit.onclick = () => reopen(it); li.appendChild(edit);
        li.appendChild(document.createTextNode(" "));
        const b = document.createElement("button"); b.type = "button"; b.className = "btn danger"; b.textContent = `🗑️ ${T.remove}`;
        b.onclick = async () => { if (window.confirm(T.remove_confirm)) { await remove(it.client_id); render(); } };
        li.appendChild(b);
      }
      list.appendChild(li);
    }
  }

  /* ---- sending the queue ---- */
  let running = null, again = false;
  function sync() {
    if (running) { again = true; return running; }
    running = (async () => {
      let saved = 0;
      do { again = false; saved += await sendQueue(); } while (again && navigator.onLine);
      if (saved) toast(`✅ ${saved === 1 ? T.saved : T.saved_n.replace("{n}", saved)}`);
    })().finally(() => { running = null; render(); });
    return running;
  }
  async function sendQueue() {
    let saved = 0;
    if (!navigator.onLine) return saved;
    for (const it of await all()) {
      if (it.error) continue;
      const body = new FormData();
      for (const [k, v] of Object.entries(it.fields)) body.append(k, v);
      body.append("client_id", it.client_id);
      body.append("source", it.offline ? "offline" : "web");
      if (it.photo) body.append("photo", it.photo, it.photoName || "photo.jpg");
      if (it.voice) body.append("voice", it.voice, VOICE_NAMES.find(([re]) => re.test(it.voice.type || ""))[1]);
      let res;
      try {
        res = await fetch(API, { method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": csrf(), Accept: "application/json" } });
      } catch (e) { break; } // network gone: keep it queued
      if (res.status === 401 || res.status === 403) { toast(T.login); break; }
      if (res.status >= 500) break;
      let answer = {};
      try { answer = await res.json(); } catch (e) { /* keep */ }
      if (res.ok) {
        // Stored; saved only when the server lists every file that was sent (it keeps a missing one on a retry).
        if ((it.photo && !answer.photo) || (it.voice && !answer.voice)) { it.error = T.files_missing; it.errors = []; await put(it); continue; }
        await remove(it.client_id); addRecent(it); saved += 1; continue;
      }
      it.errors = Array.isArray(answer.errors) ? answer.errors : [];
      it.error = it.errors.map((e) => e.message).join(" ") || answer.detail || T.failed;
      await put(it);
      toast(`⚠️ ${it.error}`);
    }
    return saved;
  }

  function label(code) {
    const opt = activitySelect.querySelector(`option[value="${code}"]`); return opt ? opt.textContent : code;
  }
  function addRecent(it) {
    const ul = $("#recent"); if (!ul) return;
    const area = areaOf(it.fields.growing_area); const li = document.createElement("li");
    li.textContent = `${shortWhen(it.fields.occurred_at)} · ${label(it.fields.activity)} · ${area ? area.name : ""}` +
      `${it.fields.product_name ? " · " + it.fields.product_name : ""}${it.photo ? " · 📷" : ""}`;
    ul.prepend(li);
  }

  /* ---- quick entry ---- */
  function currentArea() { return areaOf(areaSelect.value) || AREAS[0]; }
  function buildAreas() {
    const chips = $("#area-chips"); chips.textContent = "";
    if (AREAS.length < 2) { areaSelect.closest("form").querySelector("label[for=f-area]").hidden = false; }
    for (const a of AREAS) {
      const b = document.createElement("button"); b.type = "button"; b.className = "chip";
      const name = document.createElement("span"); name.textContent = `🗺️ ${a.name}`;  /* the plot's name; its code small */
      const code = document.createElement("span"); code.className = "code"; code.textContent = a.code;
      b.append(name, code); b.title = `${a.name} (${a.crop}) · ${a.code}`;
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
    if (fields.hidden || !idInput.value) idInput.value = uuid(); // one id per opened form
    activitySelect.value = code; clearErrors();
    const spec = SPECS[code] || { fields: [] }; const area = currentArea();
    for (const el of fields.querySelectorAll("[data-field]")) el.hidden = !spec.fields.includes(el.dataset.field);
    const last = (DEFAULTS[String(area.id)] || {})[code] || {};
    for (const name of KEPT) { const input = form.elements[name]; if (input) input.value = last[name] || ""; }
    if (!form.elements.unit.value && spec.fields.includes("quantity")) form.elements.unit.value = code === "feeding" ? "KGM" : (area.harvest_unit || "KGM");
    const dl = $("#suggestions"); dl.textContent = "";
    for (const s of (area.suggestions[code] || [])) { const o = document.createElement("option"); o.value = s; dl.appendChild(o); }
    form.elements.occurred_at.value = localInput(new Date());
    fields.hidden = false; buildTiles();
    fields.scrollIntoView({ behavior: "smooth", block: "start" });
  }
  function reopen(it) {
    // A refused entry opens with what was typed (and its files); saving it again replaces it in the queue.
    areaSelect.value = it.fields.growing_area; buildAreas();
    fields.hidden = true; choose(it.fields.activity); idInput.value = it.client_id;
    for (const [name, value] of Object.entries(it.fields)) {
      const input = form.elements[name];
      if (input && input.type !== "file" && name !== "client_id") input.value = name === "occurred_at" ? localInput(value) : value;
    }
    keptPhoto = it.photo ? { blob: it.photo, name: it.photoName } : null; photoReady = null; photoInput.value = "";
    $("#photo-state").textContent = keptPhoto ? `📷 ${T.photo_kept} (${bytes(keptPhoto.blob.size)})` : "";
    voiceBlob = it.voice || null; $("#voice-state").textContent = voiceBlob ? `✅ ${T.recorded}` : "";
    $("#edit-state").hidden = false;
    for (const e of it.errors || []) showError(e.field, e.message);
    if (!(it.errors || []).length) showError("__all__", it.error);
  }

  /* ---- checks on the phone, before queueing (the server checks again) ---- */
  function anchorOf(name) {
    if (name === "growing_area") return $("#area-chips");
    if (name === "activity") return $("#activity-tiles");
    const input = form.elements[name];
    return input && input.nodeType ? input : saveButton.parentNode;
  }
  function showError(name, message) {
    const anchor = anchorOf(name); const p = document.createElement("p");
    p.className = "err"; p.setAttribute("role", "alert"); p.dataset.client = "1"; p.textContent = `⚠️ ${message}`;
    anchor.insertAdjacentElement(anchor === saveButton.parentNode ? "beforebegin" : "afterend", p);
    if (form.elements[name] && form.elements[name].setAttribute) form.elements[name].setAttribute("aria-invalid", "true");
    const details = p.closest("details"); if (details) details.open = true;
    return p;
  }
  function clearErrors() {
    for (const p of form.querySelectorAll("p.err[data-client]")) p.remove();
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  }
  function check(values) {
    const spec = SPECS[values.activity] || { required: [] }; const found = [];
    for (const name of spec.required) if (!(values[name] || "").trim()) found.push([name, CHECKS.messages[name]]);
    for (const name of ["phi_days", "withdrawal_days"]) {
      const v = (values[name] || "").trim(); if (!v || found.some((f) => f[0] === name)) continue;
      if (!/^\d+$/.test(v)) found.push([name, CHECKS.messages.days_integer]);
      else if (Number(v) > CHECKS.max_days) found.push([name, CHECKS.messages.days_range]);
    }
    return found;
  }

  /* ---- the photo: shrunk on the phone as soon as it is chosen ---- */
  async function shrink(file) {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
      const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale); canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height); bitmap.close();
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", QUALITY));
      if (!blob || (scale === 1 && blob.size >= file.size && /^image\/(jpeg|png|webp)$/.test(file.type))) return { blob: file, name: file.name };
      return { blob, name: (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg" };
    } catch (e) {
      return { blob: file, name: file.name }; // not decodable here (HEIC on some phones): the server will say
    }
  }
  photoInput.addEventListener("change", () => {
    const file = photoInput.files[0]; keptPhoto = null;
    if (!file) { photoReady = null; $("#photo-state").textContent = ""; return; }
    $("#photo-state").textContent = `⏳ ${T.shrinking}`;
    photoReady = shrink(file).then((out) => {
      $("#photo-state").textContent = `📷 ${bytes(file.size)} → ${bytes(out.blob.size)}`; return out;
    });
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (saving) return; // a double tap: the first one is being saved
    saving = true; saveButton.disabled = true;
    try { await save(); } finally { saving = false; saveButton.disabled = false; }
  });
  async function save() {
    clearErrors();
    const fd = new FormData(form); const values = {};
    for (const [k, v] of fd.entries()) if (typeof v === "string" && k !== "csrfmiddlewaretoken" && k !== "client_id") values[k] = v;
    for (const el of fields.querySelectorAll("[data-field]")) if (el.hidden) for (const i of el.querySelectorAll("input,select")) delete values[i.name];
    const problems = check(values);
    if (problems.length) {
      problems.forEach(([name, message]) => showError(name, message));
      form.elements[problems[0][0]].focus(); return;
    }
    if (values.occurred_at) values.occurred_at = new Date(values.occurred_at).toISOString();
    // "1.200" (vi) / "1,200" (en): one thousand two hundred or one point two? Ask now, not after the queue.
    const q = (values.quantity || "").trim(); const en = lang.startsWith("en");
    if ((en ? /^[1-9]\d{0,2},\d{3}$/ : /^[1-9]\d{0,2}\.\d{3}$/).test(q)) {
      if (!window.confirm(T.ambiguous.replace("{text}", q).replace("{value}", q.replace(/[.,]/, "")))) { form.elements.quantity.focus(); return; }
      values.quantity_confirm = q;
    }
    const photo = photoReady ? await photoReady : keptPhoto;
    const item = { client_id: idInput.value || uuid(), fields: values, offline: !navigator.onLine,
      photo: photo ? photo.blob : null, photoName: photo ? photo.name : null, voice: voiceBlob, created: Date.now() };
    await put(item);
    const keep = {}; for (const k of KEPT) keep[k] = values[k] || "";
    (DEFAULTS[values.growing_area] = DEFAULTS[values.growing_area] || {})[values.activity] = keep;
    form.reset(); idInput.value = ""; voiceBlob = null; photoReady = null; keptPhoto = null;
    for (const id of ["#voice-state", "#gps-state", "#photo-state"]) $(id).textContent = "";
    $("#edit-state").hidden = true;
    areaSelect.value = localStorage.getItem("ws-area") || areaSelect.value;
    fields.hidden = true; buildAreas(); buildTiles();
    await render();
    if (navigator.onLine) {
      await sync();
      const left = (await all()).find((x) => x.client_id === item.client_id);
      if (left && left.error) { reopen(left); return; } // refused now: the form comes back with the reason
      if (left) toast(`💾 ${T.queued}`); // the server did not answer: it stays on the phone
    } else toast(`💾 ${T.queued}`);
    window.scrollTo({ top: 0, behavior: "smooth" });
  }

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

  idInput.value = ""; // the page may come from the offline cache: each opened form makes its own id
  const remembered = localStorage.getItem("ws-area");
  if (remembered && AREAS.some((a) => String(a.id) === remembered)) areaSelect.value = remembered;
  fields.hidden = true; buildAreas(); buildTiles(); net(); render();
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/workspace/sw.js", { scope: "/workspace/" }).catch(() => {});
})();
