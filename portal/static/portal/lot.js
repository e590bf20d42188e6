// Lot and item pages: the map (Leaflet, no tiles needed), the ledger badge checked in the browser, coarse location.
const lang = document.documentElement.lang === "en" ? "en" : "vi";
const T = {
  vi: {
    ok: (n) => `✔ Đã xác minh trong sổ cái công khai (${n} bản ghi)`,
    fail: "✘ Không xác minh được với sổ cái công khai",
    none: "Chưa có bản ghi nào trong sổ cái công khai",
    unavailable: "Không kiểm tra được sổ cái lúc này",
    noneMore: "Lô này chưa có bản ghi nào trong sổ cái; thông tin vẫn do cơ quan quản lý duyệt trước khi công bố.",
    unavailableMore: "Có thể do mạng chập chờn. Hãy tải lại trang để kiểm tra lại.",
    shared: "Cảm ơn bạn đã chia sẻ vị trí.",
    denied: "Không lấy được vị trí.",
  },
  en: {
    ok: (n) => `✔ Verified in the public ledger (${n} records)`,
    fail: "✘ Could not be verified against the public ledger",
    none: "No records in the public ledger yet",
    unavailable: "The ledger could not be checked right now",
    noneMore: "This lot has no ledger records yet; its information was still approved by the authority before publication.",
    unavailableMore: "The network may be unsteady. Reload the page to check again.",
    shared: "Thank you for sharing your location.",
    denied: "Location unavailable.",
  },
}[lang];

function drawMap() {
  const el = document.getElementById("map");
  const data = document.getElementById("map-data");
  if (!el || !data || !window.L) return;
  const geo = JSON.parse(data.textContent);
  if (!geo.features.length) { el.hidden = true; return; }
  const map = L.map(el, { attributionControl: false, scrollWheelZoom: false });
  const layer = L.geoJSON(geo, {
    style: { color: "#1b6b3a", weight: 2, fillColor: "#2e7d32", fillOpacity: 0.35 },
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7, color: "#b06000", fillColor: "#f9a825", fillOpacity: 0.9 }),
    onEachFeature: (f, l) => l.bindTooltip(f.properties.name + (f.properties.code ? ` (${f.properties.code})` : "")),
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 15 });
  el.dataset.ready = String(geo.features.length);
}

async function checkLedger() {
  const holder = document.getElementById("ledger-badge");
  const badge = document.getElementById("ledger-status");
  if (!holder || !badge) return;
  const detail = document.getElementById("ledger-detail");
  const set = (text, cls, more) => {
    badge.textContent = text;
    badge.className = "badge " + cls;
    holder.dataset.state = cls;
    if (detail) detail.textContent = more || "";
  };
  try {
    const { verifyBundleUrl } = await import(holder.dataset.verify);
    let pinnedKey;
    const keyResponse = await fetch(holder.dataset.keyUrl);
    if (keyResponse.ok) pinnedKey = (await keyResponse.text()).trim();
    const report = await verifyBundleUrl(holder.dataset.bundle, { pinnedKey });
    const summary = lang === "en" ? report.summary_en : report.summary_vi;
    if (report.ok && report.total > 0) set(T.ok(report.verified), "ok", summary);
    else if (report.ok) set(T.none, "none", T.noneMore);
    else set(T.fail, "bad", summary); // shown when the badge is tapped (a phone has no hover)
  } catch (err) {
    set(T.unavailable, "unavailable", T.unavailableMore);
  }
}

function shareLocation() {
  const button = document.getElementById("share-location");
  const status = document.getElementById("location-status");
  if (!button || !navigator.geolocation) { if (button) button.hidden = true; return; }
  button.addEventListener("click", () => {
    navigator.geolocation.getCurrentPosition(async (pos) => {
      // Rounded here too: only about 10 km ever leaves the phone.
      const body = { token: button.dataset.token, latitude: pos.coords.latitude.toFixed(1), longitude: pos.coords.longitude.toFixed(1) };
      const r = await fetch(button.dataset.url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      status.textContent = r.ok ? T.shared : T.denied;
      button.hidden = r.ok;
    }, () => { status.textContent = T.denied; }, { enableHighAccuracy: false, maximumAge: 600000, timeout: 15000 });
  });
}

drawMap();
checkLedger();
shareLocation();
