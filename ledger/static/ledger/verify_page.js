// The /ledger/verify page: checks the bundle named in data-bundle-url with verify.js (WebCrypto) in the browser.
import { verifyBundleUrl, renderReport } from "./verify.js";

const el = document.getElementById("ledger-result");
const url = el.dataset.bundleUrl;
if (url) {
  el.textContent = el.dataset.verifying;
  const witnessesUrl = el.dataset.witnessesUrl || null; // the node's peers, whose cosignatures vouch (issue 23)
  verifyBundleUrl(url, { witnessesUrl }).then((report) => renderReport(el, report));
}
