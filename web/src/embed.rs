//! The embedding API: certreq-web's engine for other pages (intranet portals, the benchmark).
//!
//! Built as its own wasm-bindgen output for `--target web` by `scripts/build-embed.sh`
//! (`dist/embed/certreq_web.js` + `certreq_web_bg.wasm` + `certreq_web.d.ts`), and as an npm
//! package folder by `scripts/build-package.sh`. The functions become wasm exports only in that
//! build (`--cfg certreq_embed`, the `exports` module): a `#[wasm_bindgen]` export in the
//! library would otherwise also be exported by the app's bin, which does not use it (≈ 5 KiB
//! gzipped more). The declaration file's types are [`TYPES`], named by the exports.
//!
//! A second build of the same library, `--cfg certreq_embed --cfg certreq_embed_enroll`
//! (`dist/embed/certreq_web_enroll.js` + `_bg.wasm` + `.d.ts`), adds the enrollment module's
//! exports (`enroll_exports`, typed by `ENROLL_TYPES`): `generate`, `submit`, `retrieve`,
//! `accept`, the key store (`list`, `get`, `remove`, `exportPfx`) and `setToolsUrl`. They run
//! the app's own enrollment steps and store jobs (`app::enrollment::jobs`, `app::store::jobs`),
//! and, through them, the tools module (`certreq-tools.wasm`). The `<certreq-enroll>` element
//! (`web/package/certreq-enroll.js`) loads this build.
//!
//! ```js
//! import init, { compile, createRequest } from "./embed/certreq_web.js";
//! await init();
//! const { ok, diagnostics, preview } = compile(infText);
//! const { pem, der, keyPair } = await createRequest(infText);          // new Web Crypto key
//! const again = await createRequest(infText, keyPair);                  // reuse a key pair
//! ```
//!
//! Everything browser-side goes through [`crate::services::crypto`]; the request itself is
//! core's two-phase `prepare` → sign → `finish`.

use certreq_inf::diag::{Diagnostic, LineIndex};
use certreq_request as request;
use certreq_request::encode;
use certreq_request::model::NewRequest;
use core::cell::RefCell;
use js_sys::{Array, Object, Uint8Array};
use std::rc::Rc;
#[cfg(any(certreq_embed, certreq_embed_enroll))]
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CryptoKey, CryptoKeyPair};

use crate::app::enrollment::jobs as enroll;
use crate::app::enrollment::{EndpointKind, Enrollment, Outcome, Status};
use crate::app::preview::jobs;
use crate::app::preview::{self, Preview};
use crate::app::store::jobs as store_jobs;
use crate::app::store::{EntryMeta, Profile as PfxProfile};
use crate::services::{self, crypto, get, set};

/// The TypeScript shapes of what the functions below take and give, for the declaration file
/// wasm-bindgen writes (`certreq_web.d.ts`); the exports name them through
/// `unchecked_return_type` / `unchecked_optional_param_type`. Keep them in step with
/// `diagnostic_js`, `preview_js` and `create_request` (tsc checks `examples/portal-ts` against
/// them, and `tests/e2e/test_package.py` the values a page gets).
#[cfg(certreq_embed)]
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** One finding about the INF text, at a place in it. */
export interface Diagnostic {
  severity: "error" | "warning" | "note";
  /** A stable name, e.g. `unknown-key` (diagnostic-codes.md, beside this file, lists them all). */
  code: string;
  message: string;
  /** What to do about it, when there is advice. */
  help: string | null;
  /** 1-based line and column of the start (columns count characters). */
  line: number;
  column: number;
  /** 1-based line and column of the end. */
  endLine: number;
  endColumn: number;
  /** UTF-8 byte offsets of the start and end in the text. */
  start: number;
  end: number;
}

/** One attribute of the subject. */
export interface SubjectPart {
  /** `CN`, `O`, ... or the dotted OID when there is no short name. */
  attribute: string;
  value: string;
  /** The ASN.1 string type it is encoded as. */
  stringType: "UTF8String" | "PrintableString" | "IA5String" | "TeletexString" | "BMPString" | "other";
}

/** One extension of the request, its content in words. */
export interface ExtensionLine {
  name: string;
  /** Dotted OID, e.g. `2.5.29.17`. */
  oid: string;
  critical: boolean;
  details: string[];
}

/** The request described in words, before any key exists. */
export interface Preview {
  requestType: "PKCS #10" | "PKCS #7 (renewal)" | "CMC (the PKCS #10 request, signed again in a CMS wrapper)" | "self-signed certificate" | "SCEP";
  /** RDNs in encoded order (certreq reverses the written order); each RDN a list of parts. */
  subject: SubjectPart[][];
  /** The key in words, e.g. `ECDSA P-256`. */
  key: string;
  exportable: boolean;
  /** The signature algorithm in words. */
  signature: string;
  extensions: ExtensionLine[];
  subjectKeyIdentifier: boolean;
  /** `[RequestAttributes]` as name/value pairs. */
  attributes: [name: string, value: string][];
  /** Whether certreq's default attributes (client information) are added. */
  defaultAttributes: boolean;
}

/** What `compile` says about an INF: a preview when it has no errors. */
export type CompileResult =
  | { ok: true; diagnostics: Diagnostic[]; preview: Preview }
  | { ok: false; diagnostics: Diagnostic[]; preview?: undefined };

/** Milliseconds spent in each stage of `createRequest`. */
export interface Timings {
  /** Reading the INF; about 0 when the call before read the same text. */
  compile: number;
  key: number;
  exportKey: number;
  prepare: number;
  sign: number;
  finish: number;
  total: number;
}

/** What `createRequest` makes. */
export interface CreatedRequest {
  /** PEM with CRLF line ends: `NEW CERTIFICATE REQUEST`, or `CERTIFICATE` for `RequestType = Cert`. */
  pem: string;
  /** The DER: a PKCS #10 request, a CMC request (`RequestType = CMC`) or a certificate. */
  der: Uint8Array;
  /** The key pair that signed it: the one passed in, or the one made. */
  keyPair: CryptoKeyPair;
  kind: "request" | "certificate";
  timings: Timings;
}

/** How `createRequest` rejects: `diagnostics` is there when the INF has errors. */
export interface CreateRequestError extends Error {
  diagnostics?: Diagnostic[];
}
"#;

/// The TypeScript shapes of the enrollment module's own functions (`certreq_web_enroll.d.ts`):
/// the CA's options, store entries, enrollment results. Keep them in step with `entry_js`,
/// `outcome_js` and `explanation_js` (tsc checks `examples/portal-ts/src/enroll.ts` against
/// them, `tests/e2e/test_embed.py` and `test_portal_element.py` the values a page gets).
#[cfg(certreq_embed_enroll)]
#[wasm_bindgen(typescript_custom_section)]
const ENROLL_TYPES: &str = r#"
/** Where a request goes: an AD CS Web Enrollment site (`https://host/certsrv`) or an EST
 * server (`https://host/.well-known/est[/label]`). */
export interface CaOptions {
  /** The CA's base URL; one relative to the page (`/certsrv`) is resolved against its address. */
  ca: string;
  /** `"adcs"` or `"est"`; without it, a URL with `/.well-known/est` is EST, any other AD CS. */
  protocol?: "adcs" | "est";
  /** The certificate template (AD CS's `CertificateTemplate:` attribute). */
  template?: string;
  /** More `Name:Value` attribute lines for the CA. */
  attributes?: string;
}

/** An entry of the browser's key store (IndexedDB, shared with the app on the same origin). */
export interface Entry {
  id: string;
  name: string;
  /** Milliseconds since the Unix epoch. */
  created: number;
  /** "denied": the CA denied its request; the key is kept (an administrator may issue it yet). */
  state: "pending" | "issued" | "denied";
  /** The CA's request id, once a CA has held the request pending or denied it. */
  requestId: number | null;
  /** The INF text the request was made from. */
  inf: string;
  /** The accepted certificate as PEM, once issued. */
  certificate: string | null;
  /** Its issuers as PEM, issuer first. */
  chain: string[];
  /** Whether the browser hands out the private key (`Exportable = TRUE`); null without a key. */
  exportable: boolean | null;
  /** E.g. `ECC P-256`, `RSA 2048`; null without a key. */
  keyAlgorithm: string | null;
}

/** An entry with its request and key pair, as `get` gives it. */
export interface StoredEntry extends Entry {
  /** The request as PEM; null for a self-signed certificate or an imported PFX. */
  request: string | null;
  keyPair: CryptoKeyPair | null;
}

/** What `generate` makes: the request, and the store entry that keeps its key. */
export interface GeneratedRequest {
  pem: string;
  entry: Entry;
}

/** What a CA's refusal or error means and what to do, when it is known. */
export interface Explanation {
  code: string;
  message: string;
  meaning: string;
  action: string;
}

/** What came of `submit` or `retrieve`. */
export interface EnrollResult {
  status: "issued" | "pending" | "denied";
  /** The CA's words, or ours; for `pending`, followed by the call that fetches the
   * certificate once it is approved (`retrieve()` with the same CA options and the entry or
   * the request id, or `submit()` again). */
  message: string;
  /** The CA's request id, when it gave one. */
  requestId: number | null;
  /** The issued certificate as PEM (`issued` only). */
  certificate: string | null;
  /** Its issuers as PEM, when the CA sent them and a stored key took the certificate. */
  chain: string[];
  /** The store entry as it is now: the request's own entry (issued with its certificate, or
   * pending or denied with its request id), or, for a request that is no entry's own, the entry
   * whose key took the issued certificate; else null (such a request pending or denied is not
   * remembered: keep `requestId` to retrieve it). */
  entry: Entry | null;
  explanation: Explanation | null;
}

/** How `submit`, `retrieve` and `accept` reject: the CA could not be asked or answered with
 * an error; `explanation` when it is known. */
export interface EnrollError extends Error {
  explanation?: Explanation | null;
  /** The request id the CA took the request as, when it did but its certificate did not
   * come: retrieve it by this (a stored entry keeps it) rather than submit it again. */
  requestId?: number;
}
"#;

/// A JavaScript `Error` with `message`, and extra properties when given.
fn js_error(message: &str, extra: &[(&'static str, JsValue)]) -> JsValue {
    let error = js_sys::Error::new(message);
    for (key, value) in extra {
        set(&error, key, value);
    }
    error.into()
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The global `performance` (a window's or a worker's, or Node.js's).
    type Performance;
    #[wasm_bindgen(method)]
    fn now(this: &Performance) -> f64;

    /// A promise, for `then` with any two functions.
    #[wasm_bindgen(extends = js_sys::Promise)]
    type AnyPromise;
    #[wasm_bindgen(method)]
    fn then(this: &AnyPromise, fulfilled: &JsValue, rejected: &JsValue) -> js_sys::Promise;
}

thread_local! {
    /// `performance`, looked up once: `createRequest` reads the clock seven times, and looking
    /// it up by name each time (two property names decoded into JavaScript strings, six calls
    /// out of wasm) cost more than the call itself. `None` where there is no `performance.now`.
    static PERFORMANCE: Option<Performance> = {
        let performance = get(&js_sys::global(), "performance");
        get(&performance, "now")
            .is_function()
            .then(|| performance.unchecked_into())
    };
}

/// `performance.now()` in milliseconds, or 0 where there is no `performance`.
fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, Performance::now))
}

fn diagnostic_js(d: &Diagnostic, text: &str, lines: &LineIndex) -> JsValue {
    let o = Object::new();
    let (line, column) = lines.line_col(text, d.span.start);
    let (end_line, end_column) = lines.line_col(text, d.span.end);
    set(&o, "severity", &d.severity.as_str().into());
    set(&o, "code", &d.code.into());
    set(&o, "message", &d.message.as_str().into());
    set(&o, "line", &JsValue::from(line as u32));
    set(&o, "column", &JsValue::from(column as u32));
    set(&o, "endLine", &JsValue::from(end_line as u32));
    set(&o, "endColumn", &JsValue::from(end_column as u32));
    set(&o, "start", &JsValue::from(d.span.start as u32));
    set(&o, "end", &JsValue::from(d.span.end as u32));
    set(
        &o,
        "help",
        &d.help.as_deref().map_or(JsValue::NULL, JsValue::from_str),
    );
    o.into()
}

fn strings(items: impl IntoIterator<Item = impl AsRef<str>>) -> Array {
    items
        .into_iter()
        .map(|s| JsValue::from_str(s.as_ref()))
        .collect()
}

fn preview_js(p: &Preview) -> JsValue {
    let o = Object::new();
    set(&o, "requestType", &p.request_type.into());
    // RDNs in encoded order; each RDN is an array of {attribute, value, stringType}
    let subject: Array = p
        .subject
        .iter()
        .map(|rdn| {
            rdn.iter()
                .map(|part| {
                    let a = Object::new();
                    set(&a, "attribute", &part.attribute.as_str().into());
                    set(&a, "value", &part.value.as_str().into());
                    set(&a, "stringType", &part.string_type.into());
                    JsValue::from(a)
                })
                .collect::<Array>()
        })
        .collect();
    set(&o, "subject", &subject);
    set(&o, "key", &p.key.as_str().into());
    set(&o, "exportable", &p.exportable.into());
    set(&o, "signature", &p.signature.as_str().into());
    let extensions: Array = p
        .extensions
        .iter()
        .map(|e| {
            let x = Object::new();
            set(&x, "name", &e.name.as_str().into());
            set(&x, "oid", &e.oid.as_str().into());
            set(&x, "critical", &e.critical.into());
            set(&x, "details", &strings(&e.details));
            JsValue::from(x)
        })
        .collect();
    set(&o, "extensions", &extensions);
    set(&o, "subjectKeyIdentifier", &p.subject_key_identifier.into());
    let attributes: Array = p
        .attributes
        .iter()
        .map(|(n, v)| JsValue::from(Array::of2(&n.as_str().into(), &v.as_str().into())))
        .collect();
    set(&o, "attributes", &attributes);
    set(&o, "defaultAttributes", &p.default_attributes.into());
    o.into()
}

fn diagnostics_js(text: &str, diagnostics: &[Diagnostic]) -> Array {
    if diagnostics.is_empty() {
        // no line index to build for nothing (a clean INF, the usual case)
        return Array::new();
    }
    let lines = LineIndex::new(text);
    diagnostics
        .iter()
        .map(|d| diagnostic_js(d, text, &lines))
        .collect()
}

/// Reads and checks an INF without making anything.
///
/// Returns `{ ok, diagnostics: [{severity, code, message, line, column, endLine, endColumn,
/// start, end, help}], preview? }`: `ok` is false when any diagnostic is an error; lines and
/// columns are 1-based (columns count characters), `start`/`end` are UTF-8 byte offsets;
/// `preview` (only when `ok`) describes the request in words.
pub fn compile(inf_text: &str) -> JsValue {
    let compiled = request::compile(inf_text);
    let o = Object::new();
    set(&o, "ok", &compiled.request.is_some().into());
    set(
        &o,
        "diagnostics",
        &diagnostics_js(inf_text, &compiled.diagnostics),
    );
    if let Some(request) = &compiled.request {
        set(&o, "preview", &preview_js(&preview::preview(request)));
    }
    o.into()
}

/// The plan or a rejection carrying the diagnostics.
fn plan(inf_text: &str) -> Result<NewRequest, JsValue> {
    let compiled = request::compile(inf_text);
    match compiled.request {
        Some(request) => Ok(request),
        None => {
            let lines = LineIndex::new(inf_text);
            let first = compiled.diagnostics.iter().find(|d| d.is_error());
            let message = match first {
                Some(d) => {
                    let (line, column) = lines.line_col(inf_text, d.span.start);
                    format!("the INF has errors: {line}:{column}: {}", d.message)
                }
                None => "the INF has errors".to_owned(),
            };
            Err(js_error(
                &message,
                &[(
                    "diagnostics",
                    diagnostics_js(inf_text, &compiled.diagnostics).into(),
                )],
            ))
        }
    }
}

thread_local! {
    /// Each public key's SubjectPublicKeyInfo as Web Crypto exported it, for the life of the
    /// `CryptoKey` (a `WeakMap`: the entry goes when the page drops the key). A key's public
    /// half never changes, and a page that makes several requests with one key pair then asks
    /// Web Crypto once instead of each time (a round trip as long as the P-256 signature).
    static SPKI: js_sys::WeakMap = js_sys::WeakMap::new();

    /// Each private key that passed [`crypto::check_key_pair`] and whose first request's
    /// signature verified with the public key given beside it, with that public key and what
    /// it was checked against ([`plan_code`]). A `CryptoKey`'s algorithm, usages and public
    /// half never change, so that pair for that plan passes again without the check's
    /// property reads or the verification (a `WeakMap`, as [`SPKI`]).
    static CHECKED: js_sys::WeakMap = js_sys::WeakMap::new();

    /// The INF text of `createRequest`'s last call that compiled, as the page passed it, and
    /// its plan. A plan is a function of the text alone (the clock, the serial number and the
    /// page's host are read when a request is prepared from it), so a page making requests
    /// from one INF for several keys compiles it once; another text replaces it.
    static LAST_PLAN: RefCell<Option<(JsValue, Rc<NewRequest>)>> = const { RefCell::new(None) };
}

/// The plan for `inf` (the INF text as the page passed it): [`LAST_PLAN`]'s when the text is
/// the same (a comparison of JavaScript strings, without copying the text into the module),
/// else compiled now and kept in its place; a text with errors is not kept.
fn plan_of(inf: &JsValue) -> Result<Rc<NewRequest>, JsValue> {
    let kept = LAST_PLAN.with(|last| {
        last.borrow()
            .as_ref()
            .filter(|(text, _)| text == inf)
            .map(|(_, plan)| Rc::clone(plan))
    });
    if let Some(plan) = kept {
        return Ok(plan);
    }
    let Some(text) = inf.as_string() else {
        return Err(js_error("the INF must be text (a string)", &[]));
    };
    let plan = Rc::new(plan(&text)?);
    LAST_PLAN.with(|last| *last.borrow_mut() = Some((inf.clone(), Rc::clone(&plan))));
    Ok(plan)
}

/// The key and signature an INF plans, as one number: what [`CHECKED`] remembers a pair by.
fn plan_code(
    plan: certreq_request::model::KeyAlgorithm,
    scheme: certreq_request::model::SignatureScheme,
) -> f64 {
    use certreq_request::model::{KeyAlgorithm, SignatureScheme};
    let key = match plan {
        KeyAlgorithm::Rsa { bits } => f64::from(bits),
        KeyAlgorithm::Ecdsa(curve) => -1.0 - f64::from(curve as u8),
    };
    let (how, hash) = match scheme {
        SignatureScheme::RsaPkcs1(hash) => (0, hash),
        SignatureScheme::RsaPss(hash) => (1, hash),
        SignatureScheme::Ecdsa(hash) => (2, hash),
    };
    key * 16.0 + f64::from(how * 4 + hash as u8)
}

/// `public_key`'s SubjectPublicKeyInfo DER when it was exported before.
fn known_public_key_info(public_key: &CryptoKey) -> Option<Vec<u8>> {
    let known = SPKI.with(|map| map.get(public_key.as_ref()));
    known.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
}

/// `public_key`'s SubjectPublicKeyInfo DER: exported by Web Crypto the first time, then kept.
async fn public_key_info(public_key: &CryptoKey) -> Result<Vec<u8>, services::ServiceError> {
    if let Some(spki) = known_public_key_info(public_key) {
        return Ok(spki);
    }
    let spki = crypto::export_spki(public_key).await?;
    SPKI.with(|map| {
        map.set(
            public_key.as_ref(),
            &Uint8Array::from(spki.as_slice()).into(),
        )
    });
    Ok(spki)
}

/// A `ServiceError` as the `Error` `createRequest` rejects with.
fn fail(e: services::ServiceError) -> JsValue {
    js_error(&e.0, &[])
}

/// `performance.now()` at the start of each of `createRequest`'s stages and at its end:
/// compile, key, exportKey, prepare, sign, finish.
type Clock = [f64; 7];

/// A request on its way through `createRequest`.
struct Making {
    request: Rc<NewRequest>,
    keys: CryptoKeyPair,
    /// `"request"` or `"certificate"`.
    what: &'static str,
    clock: Clock,
}

impl Making {
    /// The key pair checked against the INF when it was given (its public key is `spki`), and
    /// the bytes to sign; marks the exportKey and prepare stages' ends. The number is the
    /// [`plan_code`] of a given pair this plan has not seen pass before: its signature is still
    /// to be verified with its public key ([`Making::prove`]).
    fn prepare(
        &mut self,
        spki: &[u8],
        given: bool,
    ) -> Result<(encode::Unsigned, Option<f64>), JsValue> {
        // a pair passed in must be the key the INF plans, bound to its algorithm and hash
        let mut unproven = None;
        if given {
            let (private, public) = (self.keys.get_private_key(), self.keys.get_public_key());
            let code = plan_code(self.request.key.algorithm, self.request.signature);
            let before = CHECKED.with(|map| map.get(private.as_ref()));
            let passed = before.dyn_ref::<Array>().is_some_and(|seen| {
                let public: &JsValue = public.as_ref();
                seen.get(0) == *public && seen.get(1).as_f64() == Some(code)
            });
            if !passed {
                crypto::check_key_pair(
                    spki,
                    &private,
                    self.request.key.algorithm,
                    self.request.signature,
                )
                .map_err(fail)?;
                unproven = Some(code);
            }
        }
        self.clock[3] = now_ms();
        let unsigned = jobs::prepare(&self.request, spki).map_err(|m| js_error(&m, &[]))?;
        self.clock[4] = now_ms();
        Ok((unsigned, unproven))
    }

    /// Whether the given pair's two keys belong together: the private key's `raw` signature
    /// over `unsigned` must verify with the public key the request carries (the checks before
    /// see each key on its own, and two keys of one kind from two pairs pass them). That key is
    /// `importing` from the request's SPKI (started beside the signature), as the page's own
    /// may lack the `verify` usage. Once it verifies, [`CHECKED`] remembers the pair for the
    /// plan `code`.
    async fn prove(
        &self,
        code: f64,
        importing: js_sys::Promise,
        unsigned: &encode::Unsigned,
        raw: &[u8],
    ) -> Result<(), JsValue> {
        let scheme = unsigned.scheme;
        let public = crypto::public_key_imported(importing).await.map_err(fail)?;
        let verified = crypto::verify(&public, scheme, raw, &unsigned.to_be_signed)
            .await
            .map_err(fail)?;
        if !verified {
            return Err(js_error(
                "the private key and the public key are not one key pair: a signature by the \
                 private key does not verify with the public key",
                &[],
            ));
        }
        let seen = Array::of2(self.keys.get_public_key().as_ref(), &JsValue::from(code));
        CHECKED.with(|map| map.set(self.keys.get_private_key().as_ref(), &seen));
        Ok(())
    }

    /// The request from Web Crypto's `raw` signature over `unsigned`: the result object, or
    /// for a CMC request the promise of it (the PKCS #10 request is signed again in its
    /// wrapping).
    fn complete(
        self,
        unsigned: &encode::Unsigned,
        spki: Vec<u8>,
        raw: Vec<u8>,
    ) -> Result<JsValue, JsValue> {
        let signature = crypto::carried(raw, unsigned.scheme).map_err(fail)?;
        let der = self.finish(unsigned, &signature)?;
        if !jobs::wraps(&self.request) {
            return Ok(self.result(&der));
        }
        Ok(run(Box::pin(async move {
            let private = self.keys.get_private_key();
            let der = jobs::wrap(&self.request, &spki, &private, der)
                .await
                .map_err(|m| js_error(&m, &[]))?;
            Ok(self.result(&der))
        }))
        .into())
    }

    /// The signed request from `unsigned` and its `signature`, not yet wrapped.
    fn finish(&self, unsigned: &encode::Unsigned, signature: &[u8]) -> Result<Vec<u8>, JsValue> {
        unsigned
            .finish(signature)
            .map_err(|e| js_error(&format!("cannot finish the {}: {e}", self.what), &[]))
    }

    /// `{ pem, der, keyPair, kind, timings }` once `der` is made; marks the end.
    fn result(mut self, der: &[u8]) -> JsValue {
        let pem = jobs::armor(&self.request, der);
        self.clock[6] = now_ms();
        let clock = self.clock;
        let timings = Object::new();
        for (name, value) in [
            ("compile", clock[1] - clock[0]),
            ("key", clock[2] - clock[1]),
            ("exportKey", clock[3] - clock[2]),
            ("prepare", clock[4] - clock[3]),
            ("sign", clock[5] - clock[4]),
            ("finish", clock[6] - clock[5]),
            ("total", clock[6] - clock[0]),
        ] {
            services::set_number(&timings, name, value);
        }
        let o = Object::new();
        set(&o, "pem", &pem.into());
        set(&o, "der", &Uint8Array::from(der));
        set(&o, "keyPair", &self.keys);
        set(&o, "kind", &services::js_str(self.what));
        set(&o, "timings", &timings);
        o.into()
    }
}

/// Makes a signed PKCS#10 request from an INF (or, for `RequestType = Cert`, a self-signed
/// certificate, valid from now unless the INF says otherwise).
///
/// Without `keyPair`, a key pair is generated with Web Crypto as the INF says (algorithm, size
/// or curve, hash; the private key extractable only with `Exportable = TRUE`). With a
/// `CryptoKeyPair`, that pair is used once it is checked against the INF (key type and size or
/// curve, the signature algorithm and hash the private key is bound to, the `sign` usage); its
/// first request's signature must also verify with its public key.
///
/// The INF's plan is kept for the next call: a call with the same text does not read it again
/// (see [`LAST_PLAN`]).
///
/// Resolves to `{ pem, der: Uint8Array, keyPair, kind, timings }` (`pem` with certreq's `NEW
/// CERTIFICATE REQUEST` label, or `CERTIFICATE`, and CRLF line ends; `der` a PKCS #10 request,
/// for `RequestType = CMC` a CMC request, or a certificate; `kind` is `"request"` or
/// `"certificate"`; `timings` in milliseconds per stage).
/// Rejects with an `Error`; for an INF with errors, the error has a `diagnostics` array as
/// [`compile`] returns.
pub async fn create_request(inf_text: String, key_pair: JsValue) -> Result<JsValue, JsValue> {
    wasm_bindgen_futures::JsFuture::from(create_request_promise(&inf_text.into(), key_pair)).await
}

/// [`create_request`] as the promise the `createRequest` export returns.
///
/// With a key pair given before (its SubjectPublicKeyInfo is kept), all is done in the call
/// but Web Crypto's signature, and the promise is the signature's with a callback that
/// finishes the request: the engine of `async` functions (a task queued to a microtask, a
/// pair of callbacks on the signature's promise, another microtask to carry on, then the
/// promise of the result) cost as much again as the signature. A new key pair, or a public
/// key not exported yet, is awaited first, and a CMC request's second signature after.
pub fn create_request_promise(inf: &JsValue, key_pair: JsValue) -> js_sys::Promise {
    let mut clock = [0.0; 7];
    clock[0] = now_ms();
    let request = match plan_of(inf) {
        Ok(request) => request,
        Err(e) => return js_sys::Promise::reject(&e),
    };
    clock[1] = now_ms();
    let given = !(key_pair.is_undefined() || key_pair.is_null());
    if !given && request.key.use_existing {
        return js_sys::Promise::reject(&js_error(
            "the INF says UseExistingKeySet = TRUE; pass the existing CryptoKeyPair as the second argument",
            &[],
        ));
    }
    if given {
        let private = get(&key_pair, "privateKey");
        let public = get(&key_pair, "publicKey");
        if !private.is_instance_of::<CryptoKey>() || !public.is_instance_of::<CryptoKey>() {
            return js_sys::Promise::reject(&js_error(
                "the second argument must be a CryptoKeyPair ({publicKey, privateKey})",
                &[],
            ));
        }
        clock[2] = now_ms();
    }
    let keys: CryptoKeyPair = key_pair.unchecked_into();
    let known = if given {
        known_public_key_info(&keys.get_public_key())
    } else {
        None
    };
    let what = jobs::made(&request);
    let mut making = Making {
        request,
        keys,
        what,
        clock,
    };
    match known {
        Some(spki) => {
            sign_then_finish(making, spki, true).unwrap_or_else(|e| js_sys::Promise::reject(&e))
        }
        None => run(Box::pin(async move {
            if !given {
                let request = &making.request;
                making.keys = crypto::generate(
                    request.key.algorithm,
                    request.signature,
                    request.key.exportable,
                )
                .await
                .map_err(fail)?;
                making.clock[2] = now_ms();
            }
            let spki = public_key_info(&making.keys.get_public_key())
                .await
                .map_err(fail)?;
            wasm_bindgen_futures::JsFuture::from(sign_then_finish(making, spki, given)?).await
        })),
    }
}

/// A future as a promise, through the one instance of `future_to_promise` the module has:
/// each instance is a copy of the executor's glue, and an `async` export makes one of its own
/// (createRequest's two futures and the enrollment module's exports, which are plain
/// functions returning this promise for that reason: 3.2 KiB smaller gzipped).
fn run(
    future: core::pin::Pin<Box<dyn core::future::Future<Output = Result<JsValue, JsValue>>>>,
) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(future)
}

/// The request for the public key `spki`, prepared now (with the key pair checked when it was
/// `given`), signed by Web Crypto, then finished in the callback of the signature's promise.
fn sign_then_finish(
    mut making: Making,
    spki: Vec<u8>,
    given: bool,
) -> Result<js_sys::Promise, JsValue> {
    let (unsigned, unproven) = making.prepare(&spki, given)?;
    // a given pair's first request for this plan: the public key the request carries is
    // imported while the private key signs, for the proof that follows the signature
    let importing = match unproven {
        Some(code) => Some((
            code,
            crypto::start_public_key_import(&spki, making.request.key.algorithm, unsigned.scheme)
                .map_err(fail)?,
        )),
        None => None,
    };
    let signing = crypto::start_signing(
        &making.keys.get_private_key(),
        unsigned.scheme,
        &unsigned.to_be_signed,
    )
    .map_err(fail)?;
    // one callback for both outcomes: the signature resolves to an ArrayBuffer, a refusal
    // rejects with a DOMException; only one of the two is ever called
    let settled = wasm_bindgen::closure::Closure::once_into_js(
        move |answer: JsValue| -> Result<JsValue, JsValue> {
            let answer = if answer.is_instance_of::<js_sys::ArrayBuffer>() {
                Ok(answer)
            } else {
                Err(answer)
            };
            let raw = crypto::signature(answer).map_err(fail)?;
            making.clock[5] = now_ms();
            match importing {
                None => making.complete(&unsigned, spki, raw),
                // a given pair's first request for this plan: its keys are proven one pair
                // before the request is handed out
                Some((code, importing)) => Ok(run(Box::pin(async move {
                    making.prove(code, importing, &unsigned, &raw).await?;
                    making.complete(&unsigned, spki, raw)
                }))
                .into()),
            }
        },
    );
    Ok(signing
        .unchecked_into::<AnyPromise>()
        .then(&settled, &settled))
}

/// An argument that must be a string, or the rejection that says so (`what` names it): the
/// promise rejects, as for any other bad input, instead of the glue throwing in the call.
#[cfg(certreq_embed_enroll)]
fn text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| js_error(&format!("{what} must be text (a string)"), &[]))
}

/// A request or certificate given as PEM text, base64 or DER bytes: the first object's DER.
fn der_of(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    let bytes = match value.as_string() {
        Some(text) => text.into_bytes(),
        None if value.is_instance_of::<Uint8Array>() => {
            value.unchecked_ref::<Uint8Array>().to_vec()
        }
        None => {
            return Err(js_error(
                &format!("the {what} must be PEM text or DER bytes (a Uint8Array)"),
                &[],
            ));
        }
    };
    certreq_pkix::pem::read(&bytes)
        .map_err(|e| js_error(&format!("this is not a {what}: {e}"), &[]))?
        .into_iter()
        .next()
        .map(|block| block.der)
        .ok_or_else(|| js_error(&format!("this is not a {what}"), &[]))
}

fn pem_of(label: certreq_pkix::pem::Label, der: &[u8]) -> JsValue {
    certreq_pkix::pem::write(label, der).into()
}

fn nullable_string(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

/// The CA settings of `options` (`CaOptions`).
fn ca_settings(options: &JsValue) -> Result<Enrollment, JsValue> {
    let text = |name: &'static str| get(options, name).as_string().unwrap_or_default();
    let url = text("ca");
    if url.trim().is_empty() {
        return Err(js_error(
            "options.ca must be the CA's URL (AD CS …/certsrv or EST …/.well-known/est)",
            &[],
        ));
    }
    let url = services::enroll::page_relative(url);
    let kind = match text("protocol").as_str() {
        "est" => EndpointKind::Est,
        "adcs" => EndpointKind::AdCs,
        "" if url.contains("/.well-known/est") => EndpointKind::Est,
        "" => EndpointKind::AdCs,
        other => {
            return Err(js_error(
                &format!("options.protocol is \"adcs\" or \"est\", not {other:?}"),
                &[],
            ));
        }
    };
    // `store: false`: the browser's store is neither read nor written (no entry to name then)
    let store = get(options, "store");
    let unstored = match store.as_bool() {
        Some(keep) => !keep,
        None if store.is_undefined() => false,
        None => return Err(js_error("options.store must be true or false", &[])),
    };
    if unstored && !get(options, "entry").is_undefined() {
        return Err(js_error(
            "options.entry names a stored entry: it cannot go with store: false",
            &[],
        ));
    }
    Ok(Enrollment {
        kind,
        url,
        template: text("template"),
        attributes: text("attributes"),
        origin: String::new(),
        unstored,
    })
}

/// A store entry as `Entry`.
fn entry_js(entry: &EntryMeta) -> Object {
    use certreq_pkix::pem::Label;
    let m = &entry.record;
    let o = Object::new();
    set(&o, "id", &m.id.as_str().into());
    set(&o, "name", &m.friendly_name.as_str().into());
    set(&o, "created", &JsValue::from(m.created_ms));
    set(&o, "state", &m.state.as_str().into());
    set(
        &o,
        "requestId",
        &m.request_id
            .map_or(JsValue::NULL, |n| JsValue::from(n as f64)),
    );
    set(&o, "inf", &m.inf.as_str().into());
    set(
        &o,
        "certificate",
        &m.certificate
            .as_deref()
            .map_or(JsValue::NULL, |der| pem_of(Label::Certificate, der)),
    );
    let chain: Array = m
        .chain
        .iter()
        .map(|der| pem_of(Label::Certificate, der))
        .collect();
    set(&o, "chain", &chain);
    set(
        &o,
        "exportable",
        &entry.exportable.map_or(JsValue::NULL, JsValue::from),
    );
    set(
        &o,
        "keyAlgorithm",
        &nullable_string(entry.key_algorithm.as_deref()),
    );
    o
}

fn explanation_js(e: Option<&certreq_wire::ca::Explanation>) -> JsValue {
    let Some(e) = e else { return JsValue::NULL };
    let o = Object::new();
    set(&o, "code", &e.code.as_str().into());
    set(&o, "message", &e.message.as_str().into());
    set(&o, "meaning", &e.meaning.as_str().into());
    set(&o, "action", &e.action.as_str().into());
    o.into()
}

/// An outcome's message with, for a pending request, how to fetch its certificate in this
/// API's terms (the app words it with its buttons: [`Outcome::app_message`]).
fn api_message(outcome: &Outcome) -> String {
    use crate::app::enrollment::Then;
    let entry = outcome.entry.as_ref().map(|e| e.record.id.as_str());
    let next = match (outcome.then, entry) {
        (None, _) => return outcome.message.clone(),
        (Some(Then::SendAgain), Some(id)) => {
            format!("to ask again, call retrieve() with the same CA options and entry: \"{id}\"")
        }
        (Some(Then::SendAgain), None) => "to ask again, submit the same request again".to_owned(),
        (Some(Then::RetrieveEntry), Some(id)) => format!(
            "its key stays in this browser; once it is approved, call retrieve() with the same \
             CA options and entry: \"{id}\""
        ),
        (Some(Then::RetrieveId(n)), _) => format!(
            "once it is approved, call retrieve() with the same CA options and requestId: {n}"
        ),
        (Some(Then::SubmitAgain), Some(id)) => format!(
            "once it is approved, call submit() with the same CA options and entry: \"{id}\""
        ),
        (Some(Then::RetrieveEntry | Then::SubmitAgain), None) => {
            "once it is approved, submit the request again".to_owned()
        }
    };
    format!("{}; {next}", outcome.message)
}

/// An enrollment's outcome as `EnrollResult`, or for an error an `EnrollError`.
fn outcome_js(outcome: &Outcome) -> Result<JsValue, JsValue> {
    use certreq_pkix::pem::Label;
    let explanation = explanation_js(outcome.explanation.as_ref());
    let status = match outcome.status {
        Status::Issued => "issued",
        Status::Pending => "pending",
        Status::Denied => "denied",
        Status::Error => {
            let id = outcome
                .request_id
                .map_or(JsValue::UNDEFINED, |n| (n as f64).into());
            return Err(js_error(
                &outcome.message,
                &[("explanation", explanation), ("requestId", id)],
            ));
        }
    };
    let o = Object::new();
    set(&o, "status", &status.into());
    set(&o, "message", &api_message(outcome).into());
    set(
        &o,
        "requestId",
        &outcome
            .request_id
            .map_or(JsValue::NULL, |n| JsValue::from(n as f64)),
    );
    let entry = outcome.entry.as_ref().map(entry_js);
    let certificate = match (&outcome.certificate, &outcome.entry) {
        (Some(der), _) => pem_of(Label::Certificate, der),
        (None, Some(m)) if outcome.status == Status::Issued => m
            .record
            .certificate
            .as_deref()
            .map_or(JsValue::NULL, |der| pem_of(Label::Certificate, der)),
        _ => JsValue::NULL,
    };
    set(&o, "certificate", &certificate);
    let chain = entry
        .as_ref()
        .filter(|_| outcome.status == Status::Issued)
        .map_or_else(|| JsValue::from(Array::new()), |e| get(e, "chain"));
    set(&o, "chain", &chain);
    set(&o, "entry", &entry.map_or(JsValue::NULL, JsValue::from));
    set(&o, "explanation", &explanation);
    Ok(o.into())
}

/// Makes a key pair and the request an INF describes and keeps them in the browser's store
/// (IndexedDB) as a pending entry, the way the app's Generate does: with `UseExistingKeySet =
/// TRUE` the pending key `KeyContainer` names signs instead of a new one. Resolves to `{ pem,
/// entry }`; rejects like [`create_request`], and when the named key is not kept here (or a new
/// key would take the name of a pending one).
pub async fn generate(inf_text: String) -> Result<JsValue, JsValue> {
    let request = plan(&inf_text)?;
    // the pending key `UseExistingKeySet` and `KeyContainer` name, found as the app's Generate
    // finds it (and a new key refused a container name a pending key already has)
    let reuse = if request.key.use_existing || request.key.container.is_some() {
        let records = services::store::list()
            .await
            .map_err(|e| js_error(&e.0, &[]))?;
        let store = crate::app::store::State {
            entries: records.iter().map(EntryMeta::of).collect(),
            ..Default::default()
        };
        store.key_to_use(&request).map_err(|m| js_error(&m, &[]))?
    } else {
        None
    };
    let made = jobs::generate(request, inf_text, reuse, None, None)
        .await
        .map_err(|m| js_error(&m, &[]))?;
    let o = Object::new();
    set(&o, "pem", &made.pem.as_str().into());
    set(&o, "entry", &entry_js(&made.meta));
    Ok(o.into())
}

/// Sends a request to the CA: `request` (PEM or DER), or with `options.entry` the stored
/// entry's. An issued certificate is accepted for its stored key when one matches (and
/// handed back either way); a pending one's request id is kept on the entry.
pub async fn submit(request: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let settings = ca_settings(&options)?;
    let outcome = match entry_option(&options)? {
        Some(_) if !(request.is_null() || request.is_undefined()) => {
            return Err(js_error(
                "give the request or options.entry, not both (the entry's request is sent)",
                &[],
            ));
        }
        Some(id) => enroll::submit(id, settings).await,
        None => enroll::submit_request(der_of(&request, "request")?, settings).await,
    };
    outcome_js(&outcome.map_err(|m| js_error(&m, &[]))?)
}

/// `options.entry`: a stored entry's id, when given (a string: an `Entry` object is refused with
/// a word on which field to pass).
fn entry_option(options: &JsValue) -> Result<Option<String>, JsValue> {
    let entry = get(options, "entry");
    if entry.is_null() || entry.is_undefined() {
        return Ok(None);
    }
    entry.as_string().map(Some).ok_or_else(|| {
        js_error(
            "options.entry must be a stored entry's id, a string (entry.id)",
            &[],
        )
    })
}

/// Asks the CA for a pending request's certificate: stored entry `options.entry`'s, or request
/// `options.requestId`'s.
pub async fn retrieve(options: JsValue) -> Result<JsValue, JsValue> {
    let settings = ca_settings(&options)?;
    let entry = entry_option(&options)?;
    let number = get(&options, "requestId");
    let number = match number.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => Some(n as u64),
        None if number.is_undefined() || number.is_null() => None,
        // a string ("2") too: the CA's id is a number
        _ => {
            return Err(js_error(
                "options.requestId must be a whole number (the CA's request id)",
                &[],
            ));
        }
    };
    if entry.is_none() && number.is_none() {
        return Err(js_error(
            "retrieve needs options.entry (a stored entry's id) or options.requestId",
            &[],
        ));
    }
    let outcome = enroll::retrieve(entry, number, settings).await;
    outcome_js(&outcome.map_err(|m| js_error(&m, &[]))?)
}

/// Attaches a certificate (any CA answer: PEM, DER, PKCS #7) to the stored key it is for;
/// resolves to the entry, rejects when no stored key matches.
pub async fn accept(certificate: JsValue) -> Result<JsValue, JsValue> {
    let bytes = match certificate.as_string() {
        Some(text) => text.into_bytes(),
        None if certificate.is_instance_of::<Uint8Array>() => {
            certificate.unchecked_ref::<Uint8Array>().to_vec()
        }
        None => {
            return Err(js_error(
                "the certificate must be PEM text or DER bytes (a Uint8Array)",
                &[],
            ));
        }
    };
    let meta = store_jobs::accept(bytes)
        .await
        .map_err(|m| js_error(&m, &[]))?;
    Ok(entry_js(&meta).into())
}

/// Every entry of the browser's store.
pub async fn list() -> Result<JsValue, JsValue> {
    let records = services::store::list()
        .await
        .map_err(|e| js_error(&e.0, &[]))?;
    let out = Array::new();
    for record in &records {
        out.push(&entry_js(&store_jobs::with_key(record).await));
    }
    Ok(out.into())
}

/// Entry `id` with its request and key pair, or null.
pub async fn get_entry(id: String) -> Result<JsValue, JsValue> {
    let Some(record) = services::store::get_entry(&id)
        .await
        .map_err(|e| js_error(&e.0, &[]))?
    else {
        return Ok(JsValue::NULL);
    };
    let o = entry_js(&store_jobs::with_key(&record).await);
    let request = (record.has_request()).then(|| {
        pem_of(
            certreq_pkix::pem::Label::NewCertificateRequest,
            &record.request_der,
        )
    });
    set(&o, "request", &request.unwrap_or(JsValue::NULL));
    set(
        &o,
        "keyPair",
        &record.keys.map_or(JsValue::NULL, JsValue::from),
    );
    Ok(o.into())
}

/// Deletes entry `id` and its key.
pub async fn remove(id: String) -> Result<(), JsValue> {
    store_jobs::delete(id)
        .await
        .map(|_| ())
        .map_err(|m| js_error(&m, &[]))
}

/// Issued entry `id`'s key, certificate and chain as a PFX under `password` (AES-256, or Triple
/// DES with `legacy`), written by the tools module.
pub async fn export_pfx(id: String, password: String, legacy: bool) -> Result<JsValue, JsValue> {
    if password.is_empty() {
        return Err(js_error(
            "a PFX needs a password to protect the private key in it",
            &[],
        ));
    }
    let profile = if legacy {
        PfxProfile::Legacy
    } else {
        PfxProfile::Modern
    };
    let pfx = store_jobs::pfx_file(id, password, profile, |_, pfx, _| Ok(pfx))
        .await
        .map_err(|m| js_error(&m, &[]))?;
    Ok(Uint8Array::from(pfx.as_slice()).into())
}

/// The wasm exports of the embed build, typed for the declaration file: the parameters'
/// JavaScript names, the optional key pair, and the shapes of [`TYPES`] as results.
#[cfg(certreq_embed)]
mod exports {
    use wasm_bindgen::JsValue;
    use wasm_bindgen::prelude::wasm_bindgen;

    /// Reads and checks an INF without making anything: `ok` is false when any diagnostic is
    /// an error; `preview` (only when `ok`) describes the request in words.
    /// Throws an `Error` for an `infText` that is not a string.
    #[wasm_bindgen(unchecked_return_type = "CompileResult")]
    pub fn compile(
        #[wasm_bindgen(js_name = "infText", unchecked_param_type = "string")] inf_text: JsValue,
    ) -> Result<JsValue, JsValue> {
        match inf_text.as_string() {
            Some(text) => Ok(super::compile(&text)),
            None => Err(super::js_error("the INF must be text (a string)", &[])),
        }
    }

    /// Makes the signed request (or self-signed certificate) an INF describes, with a new Web
    /// Crypto key pair or with `keyPair` once it is checked against the INF. Rejects with a
    /// `CreateRequestError`.
    #[wasm_bindgen(
        js_name = createRequest,
        unchecked_return_type = "Promise<CreatedRequest>"
    )]
    pub fn create_request(
        #[wasm_bindgen(js_name = "infText", unchecked_param_type = "string")] inf_text: JsValue,
        #[wasm_bindgen(
            js_name = "keyPair",
            unchecked_optional_param_type = "CryptoKeyPair | null"
        )]
        key_pair: JsValue,
    ) -> js_sys::Promise {
        super::create_request_promise(&inf_text, key_pair)
    }
}

/// The enrollment module's own exports (`--cfg certreq_embed_enroll` besides
/// `--cfg certreq_embed`: `certreq_web_enroll.js`): key store, enrollment, PFX. A build of its
/// own so that the embedding module a page loads first (`certreq_web.js`) does not carry the
/// enrollment steps, the store and the tools module's loader (46 KiB gzipped).
#[cfg(certreq_embed_enroll)]
mod enroll_exports {
    use wasm_bindgen::JsValue;
    use wasm_bindgen::prelude::wasm_bindgen;

    use super::{run, text};

    /// Makes a key pair and the request an INF describes and keeps them in the browser's
    /// store (IndexedDB), as the app's Generate does. Rejects like `createRequest`.
    #[wasm_bindgen(unchecked_return_type = "Promise<GeneratedRequest>")]
    pub fn generate(
        #[wasm_bindgen(js_name = "infText", unchecked_param_type = "string")] inf_text: JsValue,
    ) -> js_sys::Promise {
        run(Box::pin(async move {
            super::generate(text(&inf_text, "the INF")?).await
        }))
    }

    /// Sends a request (PEM or DER; `null` with `options.entry`, a stored entry's id) to the
    /// CA. An issued certificate is accepted for its stored key when one matches; with
    /// `options.store` false the browser's store is neither read nor written. Rejects with an
    /// `EnrollError` when the CA cannot be asked or answers with an error.
    #[wasm_bindgen(unchecked_return_type = "Promise<EnrollResult>")]
    pub fn submit(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | null")] request: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "CaOptions & ({ entry?: string; store?: true } | { entry?: undefined; store: false })"
        )]
        options: JsValue,
    ) -> js_sys::Promise {
        run(Box::pin(super::submit(request, options)))
    }

    /// Asks the CA for a pending request's certificate: stored entry `options.entry`'s or
    /// request `options.requestId`'s (with `options.store` false, handed back and not kept).
    /// Rejects with an `EnrollError`.
    #[wasm_bindgen(unchecked_return_type = "Promise<EnrollResult>")]
    pub fn retrieve(
        #[wasm_bindgen(
            unchecked_param_type = "CaOptions & ({ entry: string; requestId?: number; store?: true } | { entry?: undefined; requestId: number; store?: boolean })"
        )]
        options: JsValue,
    ) -> js_sys::Promise {
        run(Box::pin(super::retrieve(options)))
    }

    /// Attaches a certificate (PEM, DER or PKCS #7) to the stored key it is for.
    #[wasm_bindgen(unchecked_return_type = "Promise<Entry>")]
    pub fn accept(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] certificate: JsValue,
    ) -> js_sys::Promise {
        run(Box::pin(super::accept(certificate)))
    }

    /// Every entry of the browser's store.
    #[wasm_bindgen(unchecked_return_type = "Promise<Entry[]>")]
    pub fn list() -> js_sys::Promise {
        run(Box::pin(super::list()))
    }

    /// Entry `id` with its request and key pair, or null.
    #[wasm_bindgen(unchecked_return_type = "Promise<StoredEntry | null>")]
    pub fn get(#[wasm_bindgen(unchecked_param_type = "string")] id: JsValue) -> js_sys::Promise {
        run(Box::pin(async move {
            super::get_entry(text(&id, "the entry's id")?).await
        }))
    }

    /// Deletes entry `id` and its key.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn remove(#[wasm_bindgen(unchecked_param_type = "string")] id: JsValue) -> js_sys::Promise {
        run(Box::pin(async move {
            let id = text(&id, "the entry's id")?;
            super::remove(id).await.map(|()| JsValue::UNDEFINED)
        }))
    }

    /// Issued entry `id`'s key, certificate and chain as a password-protected PFX (AES-256, or
    /// Triple DES with `legacy`). The key must be exportable (`Exportable = TRUE`).
    #[wasm_bindgen(js_name = exportPfx, unchecked_return_type = "Promise<Uint8Array>")]
    pub fn export_pfx(
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] password: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean")] legacy: JsValue,
    ) -> js_sys::Promise {
        run(Box::pin(async move {
            let id = text(&id, "the entry's id")?;
            let password = text(&password, "the password")?;
            super::export_pfx(id, password, legacy.is_truthy()).await
        }))
    }

    /// Where `submit`, `retrieve`, `accept` and `exportPfx` fetch `certreq-tools.wasm` from
    /// (the enrollment protocols, the CA answers' reader, the PFX writer): by default the file
    /// beside the page; give the URL of the copy beside this module.
    #[wasm_bindgen(js_name = setToolsUrl)]
    pub fn set_tools_url(#[wasm_bindgen(unchecked_param_type = "string | URL")] url: JsValue) {
        let url = url
            .as_string()
            .or_else(|| crate::services::get(&url, "href").as_string())
            .unwrap_or_default();
        crate::services::tools::set_url(url);
    }
}
