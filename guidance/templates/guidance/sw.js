/* truyxuat lessons service worker ({{ version }}): every lesson page, picture and audio track is kept on install,
   so a lesson opens and plays with no network. Pages: network first, the kept copy offline; files: kept copy first.
   Completions are not cached: the page queues them and sends them once online. */
const CACHE = "{{ version }}";
const SHELL = {{ shell|safe }};
self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith("guidance-") && k !== CACHE)
    .map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});
self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    e.respondWith(caches.open(CACHE).then((c) => c.match(req.url, { ignoreVary: true }).then((hit) => hit || fetch(req))));
    return;
  }
  if (req.mode === "navigate" && url.pathname.startsWith("/huong-dan/")) {
    e.respondWith(fetch(req).then((res) => {
      if (res.ok && !res.redirected) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(req, copy)); }
      return res;
    }).catch(() => caches.match(req, { ignoreSearch: true, ignoreVary: true })
      .then((hit) => hit || caches.match("/huong-dan/", { ignoreVary: true }))));
  }
});
