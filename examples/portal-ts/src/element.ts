// The <certreq-enroll> element from TypeScript: loading it, and its events typed through the
// package's declarations (certreq-web/element). `tsc --noEmit` checks it.
import "certreq-web/element";
import type { CertreqErrorDetail } from "certreq-web/element";

/** Lists what an element on the page reports in `log`. */
export function watch(log: HTMLOListElement): void {
  const element = document.querySelector("certreq-enroll");
  if (element === null) return;
  const say = (text: string): void => {
    const item = document.createElement("li");
    item.textContent = text;
    log.append(item);
  };
  element.addEventListener("certreq-request", (e) => say(`made ${e.detail.pem.length} bytes of PEM`));
  element.addEventListener("certreq-pending", (e) => say(`pending: request ${e.detail.requestId ?? "?"}`));
  element.addEventListener("certreq-issued", (e) => {
    const kept = e.detail.entry === null ? "handed back" : `kept as ${e.detail.entry}`;
    say(`issued (${e.detail.chain.length} issuers), key ${kept}:\n${e.detail.certificate}`);
  });
  element.addEventListener("certreq-error", (e) => {
    const detail: CertreqErrorDetail = e.detail;
    const lines = detail.diagnostics.map((d) => `line ${d.line}: ${d.message}`);
    say([detail.message, ...lines, detail.explanation?.action ?? ""].filter((l) => l !== "").join("\n"));
  });
  // the events bubble out of the element: typed on the document too
  document.addEventListener("certreq-issued", (e) => {
    if (e.detail.requestId !== null) document.title = `Issued: request ${e.detail.requestId}`;
  });
}
