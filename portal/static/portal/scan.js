// /scan: read a QR code or barcode with the camera or from a photo, then open its Digital Link.
// Uses the browser's BarcodeDetector when it has one, else @zxing/library (loaded only then).
const root = document.getElementById("scanner");
const status = document.getElementById("scan-status");
const M = JSON.parse(document.getElementById("scan-messages").textContent);
const FORMATS = ["qr_code", "ean_13", "ean_8", "upc_a", "upc_e", "code_128", "data_matrix"];
let zxing = null;

async function nativeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const supported = await window.BarcodeDetector.getSupportedFormats();
    const formats = FORMATS.filter((f) => supported.includes(f));
    return formats.length ? new window.BarcodeDetector({ formats }) : null;
  } catch (e) { return null; }
}

function loadFallback() {
  if (window.ZXing) return Promise.resolve(window.ZXing);
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = root.dataset.fallback;
    s.onload = () => resolve(window.ZXing);
    s.onerror = reject;
    document.head.appendChild(s);
  });
}

async function decodeWithZxing(canvas) {
  const Z = zxing || (zxing = await loadFallback());
  const ctx = canvas.getContext("2d");
  const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const lum = new Uint8ClampedArray(width * height);
  for (let i = 0, j = 0; i < data.length; i += 4, j++) lum[j] = (data[i] * 299 + data[i + 1] * 587 + data[i + 2] * 114) / 1000;
  const hints = new Map([[Z.DecodeHintType.TRY_HARDER, true]]);
  const reader = new Z.MultiFormatReader();
  reader.setHints(hints);
  for (const binarizer of [Z.HybridBinarizer, Z.GlobalHistogramBinarizer]) {
    try {
      const bitmap = new Z.BinaryBitmap(new binarizer(new Z.RGBLuminanceSource(lum, width, height)));
      return reader.decode(bitmap).getText();
    } catch (e) { /* try the next binarizer */ }
  }
  return null;
}

async function decodeCanvas(canvas) {
  const detector = await nativeDetector();
  if (detector) {
    const found = await detector.detect(canvas);
    if (found.length) return found[0].rawValue;
  }
  return decodeWithZxing(canvas);
}

// Where a scanned text leads: a Digital Link on any host → its path here; a bare GTIN → its product; else search.
export function target(text) {
  const value = text.trim();
  try {
    const url = new URL(value);
    if (/^\/(01|00|414|417)\//.test(url.pathname) || /^\/[A-Za-z0-9_-]{10,}$/.test(url.pathname)) return url.pathname + url.search;
  } catch (e) { /* not a URL */ }
  if (/^\d{8}$|^\d{12,14}$/.test(value)) return "/01/" + value;
  return "/tim-kiem/?q=" + encodeURIComponent(value);
}

function go(text) {
  status.textContent = M.found;
  root.dataset.result = text;
  window.location.assign(target(text));
}

async function fromImage(file) {
  status.textContent = M.reading;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const text = await decodeCanvas(canvas);
  if (text) go(text); else status.textContent = M.none;
}

async function fromCamera() {
  const video = document.getElementById("video");
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
  } catch (e) { status.textContent = M.camera; return; }
  status.textContent = M.reading;
  const canvas = document.createElement("canvas");
  const tick = async () => {
    if (!video.videoWidth) { requestAnimationFrame(tick); return; }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    const text = await decodeCanvas(canvas).catch(() => null);
    if (text) { video.srcObject.getTracks().forEach((t) => t.stop()); go(text); } else setTimeout(tick, 250);
  };
  tick();
}

document.getElementById("photo").addEventListener("change", (e) => { if (e.target.files[0]) fromImage(e.target.files[0]); });
document.getElementById("start-camera").addEventListener("click", fromCamera);
