// The enrollment and key store half of the package, as a portal uses it without the element:
// a key and request kept in the browser's store, sent to the CA, and the answer acted on
// (issued: accepted for the stored key; pending: asked again later). `tsc --noEmit` checks it
// against the package's declarations.
import initEnrollment, {
  accept,
  exportPfx,
  generate,
  get,
  list,
  remove,
  retrieve,
  setToolsUrl,
  submit,
  type CaOptions,
  type EnrollError,
  type EnrollResult,
  type Entry,
  type Explanation,
  type GeneratedRequest,
  type StoredEntry,
} from "certreq-web/enrollment";

/** Loads the enrollment module (a build of its own, beside the package's first module), and
 * tells it where the tools module (enrollment protocols, PFX writing) is. */
export async function start(): Promise<void> {
  await initEnrollment();
  setToolsUrl(new URL("certreq-tools.wasm", import.meta.resolve("certreq-web/enrollment")));
}

const ca: CaOptions = { ca: "/certsrv", protocol: "adcs", template: "WebServer" };

function explain(e: Explanation | null | undefined): string {
  return e == null ? "" : ` (${e.code}: ${e.meaning} ${e.action})`;
}

/** Makes the request, keeps its key and sends it; says what came of it. */
export async function enroll(inf: string): Promise<string> {
  const made: GeneratedRequest = await generate(inf);
  try {
    const result: EnrollResult = await submit(null, { ...ca, entry: made.entry.id });
    return outcome(result);
  } catch (e: unknown) {
    const error = e as EnrollError;
    return `${error.message}${explain(error.explanation)}`;
  }
}

function outcome(result: EnrollResult): string {
  switch (result.status) {
    case "issued":
      return `issued${result.certificate === null ? "" : `:\n${result.certificate}`}` +
        ` with ${result.chain.length} issuer certificate(s)`;
    case "pending":
      return `pending as request ${result.requestId ?? "?"}: ${result.message}`;
    case "denied":
      return `denied: ${result.message}${explain(result.explanation)}`;
  }
}

/** Asks again for every pending entry, or for one request id. */
export async function retrieveAll(requestId?: number): Promise<string[]> {
  if (requestId !== undefined) return [outcome(await retrieve({ ...ca, requestId }))];
  const pending: Entry[] = (await list()).filter((e) => e.state === "pending");
  return Promise.all(pending.map(async (e) => outcome(await retrieve({ ...ca, entry: e.id }))));
}

/** A certificate from elsewhere, for a key kept here. */
export async function acceptFile(file: File): Promise<Entry> {
  return accept(new Uint8Array(await file.arrayBuffer()));
}

/** Entry `id` as a .pfx (exportable keys only), and its key pair for signing. */
export async function backup(id: string, password: string): Promise<[Blob, CryptoKeyPair | null]> {
  const entry: StoredEntry | null = await get(id);
  if (entry === null) throw new Error(`no entry ${id}`);
  const pfx: Uint8Array = await exportPfx(id, password, entry.keyAlgorithm?.startsWith("RSA") ?? false);
  // a copy over a plain ArrayBuffer: what TypeScript 5.7+ lets a Blob take
  return [new Blob([new Uint8Array(pfx)], { type: "application/x-pkcs12" }), entry.keyPair];
}

export async function forget(id: string): Promise<void> {
  await remove(id);
}
