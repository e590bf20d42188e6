/* Lessons: one screen at a time (all shown without script), a tiny quiz, the completion kept in localStorage and
   sent to the server once online and signed in (each with its own id, so a resend counts once). */
(function () {
  "use strict";
  const KEY = "truyxuat.guidance.queue";
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/huong-dan/sw.js", { scope: "/huong-dan/" }).catch(() => {});
  const root = document.getElementById("lesson");
  const queue = () => { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } };
  const save = (items) => localStorage.setItem(KEY, JSON.stringify(items));
  const text = (id) => { const t = document.getElementById(id); return t ? t.content.textContent.trim() : ""; };
  const token = () => {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return m ? decodeURIComponent(m[1]) : (input ? input.value : "");
  };
  let sending = false;
  async function flush() {
    if (sending || !root || root.dataset.signedIn !== "1") return;
    sending = true;
    try {
      let items = queue();
      for (const item of items.slice()) {
        let res;
        try {
          res = await fetch(root.dataset.complete, { method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": token() }, body: JSON.stringify(item) });
        } catch (e) { break; }  /* offline: try again when the network returns */
        if (res.ok || res.status === 422) {  /* counted, or refused for good: either way not sent again */
          items = queue().filter((x) => x.client_id !== item.client_id); save(items);
          if (res.ok) document.getElementById("result").textContent += " " + text("msg-sent");
        } else break;
      }
    } finally { sending = false; }
  }
  window.addEventListener("online", flush);
  if (!root) return;
  document.documentElement.classList.add("js");
  const screens = Array.from(root.querySelectorAll(".screen"));
  const prev = document.getElementById("prev"), next = document.getElementById("next");
  let at = 0;
  function show(i) {
    at = i;
    screens.forEach((s, k) => { s.hidden = k !== i; if (k !== i) { const a = s.querySelector("audio"); if (a) a.pause(); } });
    prev.hidden = i === 0; next.hidden = i === screens.length - 1;
    const audio = screens[i].querySelector("audio");
    if (audio) audio.play().catch(() => {});  /* the browser may wait for a tap on the player */
  }
  prev.addEventListener("click", () => show(Math.max(0, at - 1)));
  next.addEventListener("click", () => show(Math.min(screens.length - 1, at + 1)));
  document.getElementById("quiz").addEventListener("submit", (e) => {
    e.preventDefault();
    const sets = Array.from(e.target.querySelectorAll("fieldset"));
    const right = sets.filter((f) => { const c = f.querySelector("input:checked"); return c && c.value === f.dataset.answer; }).length;
    const d = new Date();
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    const id = (crypto.randomUUID && crypto.randomUUID()) || "10000000-1000-4000-8000-100000000000".replace(/[018]/g,
      (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
    const result = document.getElementById("result");
    result.textContent = text("msg-done").replace("{right}", right).replace("{total}", sets.length);
    if (root.dataset.signedIn !== "1") { result.textContent += " " + text("msg-anon"); return; }
    save(queue().concat([{ client_id: id, lesson: root.dataset.lesson, score: right, questions: sets.length, completed_on: day }]));
    if (!navigator.onLine) result.textContent += " " + text("msg-queued");
    flush().then(() => { if (queue().length) result.textContent = result.textContent.replace(text("msg-queued"), "") + " " + text("msg-queued"); });
  });
  show(0);
  flush();
})();
