// A portal page that checks an INF as it is typed and makes the request with a Web Crypto key
// kept for the session. With enroll.ts and element.ts (type-checked, not loaded by the page) it
// uses every export of the certreq-web package, so that `tsc --noEmit` checks the package's
// declarations against real use.
import init, {
  compile,
  createRequest,
  initSync,
  type CompileResult,
  type CreatedRequest,
  type CreateRequestError,
  type Diagnostic,
  type Preview,
} from "certreq-web";

function element<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`the page has no #${id}`);
  return found;
}

const inf = element("inf", HTMLTextAreaElement);
const problems = element("problems", HTMLUListElement);
const summary = element("summary", HTMLParagraphElement);
const make = element("make", HTMLButtonElement);
const pemOut = element("pem", HTMLPreElement);

function where(d: Diagnostic): string {
  const span = d.line === d.endLine ? `${d.column}–${d.endColumn}` : `to ${d.endLine}:${d.endColumn}`;
  const help = d.help === null ? "" : ` (${d.help})`;
  return `line ${d.line}:${span} [${d.code}, bytes ${d.start}–${d.end}] ${d.severity}: ${d.message}${help}`;
}

function describe(preview: Preview): string {
  const subject = preview.subject
    .map((rdn) => rdn.map((part) => `${part.attribute}=${part.value} (${part.stringType})`).join(" + "))
    .join(", ");
  const extensions = preview.extensions
    .map((e) => `${e.name} ${e.oid}${e.critical ? " critical" : ""}: ${e.details.join("; ")}`);
  const attributes = preview.attributes.map(([name, value]) => `${name}=${value}`);
  return [
    `${preview.requestType} for ${subject}`,
    `${preview.key}${preview.exportable ? ", exportable" : ""}, signed with ${preview.signature}`,
    ...extensions,
    preview.subjectKeyIdentifier ? "with a subject key identifier" : "",
    ...attributes,
    preview.defaultAttributes ? "with certreq's client information" : "",
  ].filter((line) => line !== "").join("\n");
}

function show(result: CompileResult): boolean {
  problems.replaceChildren(
    ...result.diagnostics.map((d) => {
      const li = document.createElement("li");
      li.textContent = where(d);
      li.dataset["severity"] = d.severity;
      return li;
    }),
  );
  if (result.ok) {
    summary.textContent = describe(result.preview);
  } else {
    summary.textContent = "";
  }
  make.disabled = !result.ok;
  return result.ok;
}

let keys: CryptoKeyPair | null = null;

async function request(): Promise<void> {
  try {
    const made: CreatedRequest = await createRequest(inf.value, keys);
    keys = made.keyPair;
    const label = made.kind === "certificate" ? "Self-signed certificate" : "Request";
    const t = made.timings;
    pemOut.textContent = `${label}, ${made.der.byteLength} bytes, ${t.total.toFixed(1)} ms ` +
      `(key ${t.key.toFixed(1)}, sign ${t.sign.toFixed(1)})\n${made.pem}`;
  } catch (e: unknown) {
    const error = e as CreateRequestError;
    pemOut.textContent = error.message;
    if (error.diagnostics !== undefined) {
      show({ ok: false, diagnostics: error.diagnostics });
    }
  }
}

async function start(): Promise<void> {
  // compile the .wasm while this script runs, when the browser can; otherwise let init fetch it
  const wasm = new URL("certreq_web_bg.wasm", import.meta.resolve("certreq-web"));
  if ("compileStreaming" in WebAssembly) {
    const module = await WebAssembly.compileStreaming(fetch(wasm));
    initSync({ module });
  } else {
    await init({ module_or_path: wasm });
  }
  show(compile(inf.value));
  inf.addEventListener("input", () => show(compile(inf.value)));
  make.addEventListener("click", () => void request());
}

void start();
