// The portal's one module script: it loads the element (which loads the engine on demand) and
// lists the events the element sends. `embed/` is the folder scripts/build-embed.sh writes
// (or the certreq-web package folder), copied next to this page.
import "./embed/certreq-enroll.js";

const log = document.getElementById("log");
// what each event carried, without the CryptoKeyPair (kept in window.portalEvents for tests
// and for the curious)
const seen = [];
window.portalEvents = seen;

for (const type of ["certreq-request", "certreq-issued", "certreq-pending", "certreq-error"]) {
  document.addEventListener(type, (event) => {
    const { keyPair, ...detail } = event.detail;
    seen.push({ type, detail, keyPair: keyPair != null });
    const item = document.createElement("li");
    item.dataset.type = type;
    const id = detail.requestId != null ? ` request ${detail.requestId}` : "";
    const what = detail.message ? `: ${detail.message}` : "";
    item.textContent = `${type}${id}${what}`;
    log.append(item);
  });
}
