//! The embedding API: certreq-web's engine for other pages (intranet portals, the benchmark).
//!
//! Built as its own wasm-bindgen output for `--target web` by `scripts/build-embed.sh`
//! (`dist/embed/certreq_web.js` + `certreq_web_bg.wasm` + `certreq_web.d.ts`), and as an npm
//! package folder by `scripts/build-package.sh`. The functions become wasm exports only in that
//! build (`--cfg certreq_embed`, the `exports` module): a `#[wasm_bindgen]` export in the
//! library would otherwise also be exported by the app's bin, which does not use it (≈ 5 KiB
//! gzipped more). The declaration file's types are [`TYPES`], named by the exports.
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
use certreq_request::model::NewRequest;
use js_sys::{Array, Object, Uint8Array};
#[cfg(certreq_embed)]
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CryptoKey, CryptoKeyPair};

use crate::app::preview::jobs;
use crate::app::preview::{self, Preview};
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
  /** A stable name, e.g. `unknown-key` (docs/diagnostic-codes.md lists them all). */
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

/// A JavaScript `Error` with `message`, and extra properties when given.
fn js_error(message: &str, extra: &[(&str, JsValue)]) -> JsValue {
    let error = js_sys::Error::new(message);
    for (key, value) in extra {
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), value);
    }
    error.into()
}

/// `performance.now()` in milliseconds, or 0 where there is no `performance`.
fn now_ms() -> f64 {
    let performance = get(&js_sys::global(), "performance");
    get(&performance, "now")
        .dyn_ref::<js_sys::Function>()
        .and_then(|now| now.call0(&performance).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
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

/// Makes a signed PKCS#10 request from an INF (or, for `RequestType = Cert`, a self-signed
/// certificate, valid from now unless the INF says otherwise).
///
/// Without `keyPair`, a key pair is generated with Web Crypto as the INF says (algorithm, size
/// or curve, hash; the private key extractable only with `Exportable = TRUE`). With a
/// `CryptoKeyPair`, that pair is used once it is checked against the INF (key type and size or
/// curve, the signature algorithm and hash the private key is bound to, the `sign` usage).
///
/// Resolves to `{ pem, der: Uint8Array, keyPair, kind, timings }` (`pem` with certreq's `NEW
/// CERTIFICATE REQUEST` label, or `CERTIFICATE`, and CRLF line ends; `der` a PKCS #10 request,
/// for `RequestType = CMC` a CMC request, or a certificate; `kind` is `"request"` or
/// `"certificate"`; `timings` in milliseconds per stage).
/// Rejects with an `Error`; for an INF with errors, the error has a `diagnostics` array as
/// [`compile`] returns.
pub async fn create_request(inf_text: String, key_pair: JsValue) -> Result<JsValue, JsValue> {
    let t0 = now_ms();
    let request = plan(&inf_text)?;
    let t_compile = now_ms();
    let scheme = request.signature;
    let fail = |e: services::ServiceError| js_error(&e.0, &[]);

    let given = !(key_pair.is_undefined() || key_pair.is_null());
    let keys: CryptoKeyPair = if !given {
        if request.key.use_existing {
            return Err(js_error(
                "the INF says UseExistingKeySet = TRUE; pass the existing CryptoKeyPair as the second argument",
                &[],
            ));
        }
        crypto::generate(request.key.algorithm, scheme, request.key.exportable)
            .await
            .map_err(fail)?
    } else {
        let private = get(&key_pair, "privateKey");
        let public = get(&key_pair, "publicKey");
        if !private.is_instance_of::<CryptoKey>() || !public.is_instance_of::<CryptoKey>() {
            return Err(js_error(
                "the second argument must be a CryptoKeyPair ({publicKey, privateKey})",
                &[],
            ));
        }
        key_pair.unchecked_into()
    };
    let t_key = now_ms();

    let spki = crypto::export_spki(&keys.get_public_key())
        .await
        .map_err(fail)?;
    // a pair passed in must be the key the INF plans, bound to its algorithm and hash
    if given {
        crypto::check_key_pair(
            &spki,
            &keys.get_private_key(),
            request.key.algorithm,
            scheme,
        )
        .map_err(fail)?;
    }
    let t_export = now_ms();
    let what = jobs::made(&request);
    let unsigned = jobs::prepare(&request, &spki).map_err(|m| js_error(&m, &[]))?;
    let t_prepare = now_ms();
    let signature = crypto::sign(
        &keys.get_private_key(),
        unsigned.scheme,
        &unsigned.to_be_signed,
    )
    .await
    .map_err(fail)?;
    let t_sign = now_ms();
    let der = unsigned
        .finish(&signature)
        .map_err(|e| js_error(&format!("cannot finish the {what}: {e}"), &[]))?;
    let der = jobs::wrap(&request, &spki, &keys.get_private_key(), der)
        .await
        .map_err(|m| js_error(&m, &[]))?;
    let pem = jobs::armor(&request, &der);
    let t_finish = now_ms();

    let timings = Object::new();
    for (name, value) in [
        ("compile", t_compile - t0),
        ("key", t_key - t_compile),
        ("exportKey", t_export - t_key),
        ("prepare", t_prepare - t_export),
        ("sign", t_sign - t_prepare),
        ("finish", t_finish - t_sign),
        ("total", t_finish - t0),
    ] {
        set(&timings, name, &JsValue::from(value));
    }
    let o = Object::new();
    set(&o, "pem", &pem.into());
    set(&o, "der", &Uint8Array::from(der.as_slice()));
    set(&o, "keyPair", &keys);
    set(&o, "kind", &what.into());
    set(&o, "timings", &timings);
    Ok(o.into())
}

/// The wasm exports of the embed build, typed for the declaration file: the parameters'
/// JavaScript names, the optional key pair, and the shapes of [`TYPES`] as results.
#[cfg(certreq_embed)]
mod exports {
    use wasm_bindgen::JsValue;
    use wasm_bindgen::prelude::wasm_bindgen;

    /// Reads and checks an INF without making anything: `ok` is false when any diagnostic is
    /// an error; `preview` (only when `ok`) describes the request in words.
    #[wasm_bindgen(unchecked_return_type = "CompileResult")]
    pub fn compile(#[wasm_bindgen(js_name = "infText")] inf_text: &str) -> JsValue {
        super::compile(inf_text)
    }

    /// Makes the signed request (or self-signed certificate) an INF describes, with a new Web
    /// Crypto key pair or with `keyPair` once it is checked against the INF. Rejects with a
    /// `CreateRequestError`.
    #[wasm_bindgen(js_name = createRequest, unchecked_return_type = "CreatedRequest")]
    pub async fn create_request(
        #[wasm_bindgen(js_name = "infText")] inf_text: String,
        #[wasm_bindgen(
            js_name = "keyPair",
            unchecked_optional_param_type = "CryptoKeyPair | null"
        )]
        key_pair: JsValue,
    ) -> Result<JsValue, JsValue> {
        super::create_request(inf_text, key_pair).await
    }
}
