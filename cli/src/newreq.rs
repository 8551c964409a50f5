//! `certreq -new [-binary] [-rfc7468] [-f] [-q] PolicyFileIn [RequestFileOut]`.
//!
//! With `RequestType = Cert` the output is a self-signed certificate instead of a request
//! (PEM `CERTIFICATE`, or DER with `-binary`), kept in the store with its key as an issued
//! entry, as certreq installs it.
//!
//! The order of work makes sure nothing is lost and nothing is half-written:
//!
//! 1. refuse an existing output (without `-f`) before any key is made;
//! 2. read, decode and compile the INF; on errors print them and stop;
//! 3. make (or, with `UseExistingKeySet`, load) the key, build and sign the request;
//! 4. write the store entry (atomically);
//! 5. write the output file (atomically); if that fails, remove the store entry again.

use std::path::{Path, PathBuf};

use certreq_inf::codes;
use certreq_inf::diag::{Diagnostic, LineIndex, Severity, Span};
use certreq_pkix::cert::build_certs_only_pkcs7;
use certreq_pkix::cmc::read as read_cmc;
use certreq_pkix::pem::{self, Label};
use certreq_read::response;
use certreq_request::Compiled;
use certreq_request::cmc;
use certreq_request::encode;
use certreq_request::model::{NewRequest, RequestType, SignatureScheme};

use crate::args::{Invocation, Opt};
use crate::help::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use crate::keys::{self, KeyPair};
use crate::store::{self, Meta, NewEntry, Store};
use crate::{client, fsio, render};

/// Options `-new` understands.
const ACCEPTED: [Opt; 7] = [
    Opt::Binary,
    Opt::Force,
    Opt::Quiet,
    Opt::Rfc7468,
    Opt::User,
    Opt::Verbose,
    Opt::Help,
];

/// Runs `-new`; returns the exit status.
pub fn run(inv: &Invocation) -> i32 {
    if inv.has(Opt::Machine) {
        return usage(
            "-machine is not supported: keys are kept per user, in the store of whoever runs certreq",
        );
    }
    if let Some((opt, _)) = inv.options.iter().find(|(o, _)| !ACCEPTED.contains(o)) {
        return usage(&format!(
            "-{} does not apply to -new; run `certreq -new -?` for its options",
            opt.name()
        ));
    }
    let (inf_path, out_path) = match inv.args.as_slice() {
        // no RequestFileOut: beside the INF, `.req` (`.cer` for a self-signed certificate)
        [inf] => (PathBuf::from(inf), None),
        [inf, out] => (PathBuf::from(inf), Some(PathBuf::from(out))),
        [] => {
            return usage(
                "-new needs the INF file to read: certreq -new PolicyFileIn [RequestFileOut]",
            );
        }
        [_, _, extra, ..] => {
            return usage(&format!(
                "unexpected argument `{extra}`: certreq -new takes PolicyFileIn and RequestFileOut"
            ));
        }
    };
    let opts = NewOptions {
        binary: inv.has(Opt::Binary),
        force: inv.has(Opt::Force),
        quiet: inv.has(Opt::Quiet),
        label: if inv.has(Opt::Rfc7468) {
            Label::CertificateRequest
        } else {
            Label::NewCertificateRequest
        },
    };
    match new_request(&inf_path, out_path.as_deref(), &opts) {
        Ok(()) => EXIT_OK,
        Err(Failure::Reported) => EXIT_FAILED,
        Err(Failure::Message(m)) => {
            eprintln!("certreq: error: {m}");
            EXIT_FAILED
        }
    }
}

fn usage(message: &str) -> i32 {
    eprintln!("certreq: error: {message}");
    EXIT_USAGE
}

struct NewOptions {
    binary: bool,
    force: bool,
    quiet: bool,
    label: Label,
}

enum Failure {
    /// Already printed (as diagnostics).
    Reported,
    /// To print as `certreq: error: …`.
    Message(String),
}

impl From<String> for Failure {
    fn from(m: String) -> Self {
        Failure::Message(m)
    }
}

/// The INF as read, for located messages.
struct Source<'a> {
    label: String,
    text: &'a str,
    index: LineIndex,
}

impl Source<'_> {
    fn print(&self, diag: &Diagnostic) {
        eprint!(
            "{}",
            render::render(&self.label, self.text, &self.index, diag)
        );
    }
}

/// Refuses an output that would overwrite the INF, or an existing file without `-f`.
fn check_output(inf_path: &Path, out_path: &Path, opts: &NewOptions) -> Result<(), Failure> {
    if same_file(inf_path, out_path) {
        return Err(format!(
            "the output would overwrite the INF file {}; name a different RequestFileOut",
            inf_path.display()
        )
        .into());
    }
    if !opts.force && out_path.exists() {
        return Err(format!(
            "{} already exists; use -f to overwrite it",
            out_path.display()
        )
        .into());
    }
    Ok(())
}

fn new_request(inf_path: &Path, out_path: Option<&Path>, opts: &NewOptions) -> Result<(), Failure> {
    // 1. never generate a key for an output we may not write (a named one is checked at
    //    once; the default one, .req or .cer, once the INF says which)
    if let Some(out) = out_path {
        check_output(inf_path, out, opts)?;
    }

    // 2. read and compile
    let bytes = read_limited(inf_path)?;
    let decoded = certreq_inf::text::decode(&bytes);
    let text = decoded.text.as_str();
    let source = Source {
        label: inf_path.display().to_string(),
        text,
        index: LineIndex::new(text),
    };
    let compiled = certreq_request::compile(text);
    let mut errors = 0;
    for d in &compiled.diagnostics {
        if d.severity == Severity::Error {
            errors += 1;
        }
        if !(opts.quiet && d.severity == Severity::Note) {
            source.print(d);
        }
    }
    let request = match (&compiled.request, errors) {
        (Some(r), 0) => r,
        _ => {
            let errors = errors.max(1);
            eprintln!(
                "certreq: {} in {}; no request written",
                plural(errors, "error"),
                source.label
            );
            return Err(Failure::Reported);
        }
    };

    // no output named: beside the INF, .req (.cer for a self-signed certificate)
    let out_path = match out_path {
        Some(out) => out.to_path_buf(),
        None => {
            let extension = match request.request_type {
                RequestType::Cert => "cer",
                _ => "req",
            };
            let out = inf_path.with_extension(extension);
            check_output(inf_path, &out, opts)?;
            out
        }
    };
    let out_path = out_path.as_path();

    // 3. the key and the signed request
    let store = Store::from_env()?;
    let plan = &request.key;
    let (key, reused) = if plan.use_existing {
        let Some(name) = plan.container.as_deref() else {
            source.print(
                &Diagnostic::error(
                    codes::EXISTING_KEY_UNNAMED,
                    entry_span(&compiled, "UseExistingKeySet"),
                    "UseExistingKeySet = TRUE needs a KeyContainer naming the key to reuse",
                )
                .with_help("add `KeyContainer = name` with the name of a key in the store"),
            );
            return Err(Failure::Reported);
        };
        let Some(entry) = store.find_container(name) else {
            source.print(
                &Diagnostic::error(
                    codes::KEY_CONTAINER_MISSING,
                    entry_span(&compiled, "KeyContainer"),
                    format!(
                        "no key named `{name}` in the key store {}",
                        store.root.display()
                    ),
                )
                .with_help("set UseExistingKeySet = FALSE to make a new key, or name a stored key"),
            );
            return Err(Failure::Reported);
        };
        let der = entry.read_key()?;
        let key = KeyPair::from_pkcs8_der(&der)
            .map_err(|e| format!("{}: {e}", entry.key_path().display()))?;
        (key, Some(entry))
    } else {
        if let Some(name) = plan.container.as_deref()
            && store.find_container(name).is_some()
        {
            source.print(
                &Diagnostic::error(
                    codes::KEY_CONTAINER_EXISTS,
                    entry_span(&compiled, "KeyContainer"),
                    format!("the key store already has a key named `{name}`"),
                )
                .with_help(
                    "set UseExistingKeySet = TRUE to reuse that key, or choose another KeyContainer name",
                ),
            );
            return Err(Failure::Reported);
        }
        (KeyPair::generate(plan.algorithm)?, None)
    };
    let spki = key.spki_der()?;
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let self_signed = request.request_type == RequestType::Cert;
    let der = if self_signed {
        build_certificate(request, &key, &spki, created)?
    } else {
        build(request, &key, &spki)?
    };
    // a self-signed certificate is kept with its key as an issued entry
    let certificate = if self_signed {
        let cert = response::certificate(&der)
            .map_err(|e| format!("the certificate made does not read back: {e}"))?;
        let chain = build_certs_only_pkcs7([der.as_slice()]);
        Some((cert, pem::write(Label::Certificate, &der), chain))
    } else {
        None
    };
    let output = match (&certificate, opts.binary) {
        (_, true) => der.clone(),
        (Some((_, pem, _)), false) => pem.clone().into_bytes(),
        // RFC 7468 keeps CERTIFICATE REQUEST for PKCS#10; a CMC request is CMS
        (None, false) if opts.label == Label::CertificateRequest && read_cmc(&der).is_some() => {
            pem::write(Label::Cms, &der).into_bytes()
        }
        (None, false) => pem::write(opts.label, &der).into_bytes(),
    };

    let id = store::entry_id(&spki);
    let meta = Meta {
        container: plan.container.clone().unwrap_or_else(|| id.clone()),
        id,
        friendly_name: request.friendly_name.clone(),
        created,
        state: if self_signed { "issued" } else { "pending" }.into(),
        algorithm: key.describe(),
        exportable: plan.exportable,
        request_file: Some(absolute(out_path).display().to_string()),
        thumbprint: certificate.as_ref().map(|(c, _, _)| c.thumbprint_sha1()),
        ..Meta::default()
    };

    let key_dir = match &reused {
        // 5. a reused key: write the output, then record the new request with the key
        Some(entry) => {
            write_output(out_path, &output, opts.force)?;
            // what belongs to the key, not to this request, stays: its exportability was set
            // when it was made (as on Windows, where UseExistingKeySet ignores Exportable),
            // and where it was imported from
            let meta = Meta {
                id: entry.meta.id.clone(),
                container: entry.meta.container.clone(),
                created: entry.meta.created,
                exportable: entry.meta.exportable,
                imported_from: entry.meta.imported_from.clone(),
                ..meta
            };
            // (never a self-signed certificate: the INF is refused for UseExistingKeySet)
            if let Err(e) = store.update(entry, &meta, &der, text) {
                eprintln!(
                    "certreq: warning: the request was written but the key store was not updated: {e}"
                );
            }
            entry.dir.clone()
        }
        // 4. + 5. a new key: store it, then write the output; undo the store entry on failure
        None => {
            let pkcs8 = key.pkcs8_der()?;
            let dir = store.create(&NewEntry {
                meta,
                key_pkcs8: &pkcs8,
                request_der: (!self_signed).then_some(der.as_slice()),
                inf_text: Some(text),
                issued: certificate
                    .as_ref()
                    .map(|(_, pem, chain)| (pem.as_str(), chain.as_slice())),
            })?;
            if let Err(e) = write_output(out_path, &output, opts.force) {
                if let Err(undo) = store.remove(&dir) {
                    eprintln!("certreq: warning: {undo}");
                }
                return Err(e.into());
            }
            dir
        }
    };

    if !opts.quiet {
        match &certificate {
            Some((cert, _, _)) => {
                println!("CertReq: Certificate Created");
                println!("Certificate: {}", out_path.display());
                println!("  Subject: {}", cert.subject());
                println!(
                    "  Valid: {} to {}",
                    store::rfc3339(u64::try_from(cert.not_before()).unwrap_or(0)),
                    store::rfc3339(u64::try_from(cert.not_after()).unwrap_or(0))
                );
                println!(
                    "  Thumbprint: {}",
                    cert.thumbprint_sha1().to_ascii_lowercase()
                );
            }
            None => {
                println!("CertReq: Request Created");
                println!("Request: {}", out_path.display());
            }
        }
        println!(
            "Key: {} {} in {}",
            key.describe(),
            if reused.is_some() { "reused" } else { "stored" },
            key_dir.display()
        );
    }
    Ok(())
}

/// Prepares, signs and finishes the request; for `RequestType = CMC`, wraps it and signs the
/// wrapper too.
fn build(request: &NewRequest, key: &KeyPair, spki: &[u8]) -> Result<Vec<u8>, String> {
    let unsigned = encode::prepare(request, spki, &client::client_info())
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let pkcs10 = sign(unsigned, key, "request")?;
    if request.request_type != RequestType::Cmc {
        return Ok(pkcs10);
    }
    let cannot = |e: encode::EncodeError| format!("cannot build the CMC request: {e}");
    let content = cmc::wrap(&pkcs10, spki, request.signature).map_err(cannot)?;
    let digest = content.hash().digest(&content.pki_data);
    let unsigned = content.prepare(&digest).map_err(cannot)?;
    let signature = signature(key, unsigned.scheme, &unsigned.to_be_signed, "CMC request")?;
    unsigned.finish(&signature).map_err(cannot)
}

/// Prepares, signs and finishes the self-signed certificate (`RequestType = Cert`), valid from
/// `now` (seconds since 1970) unless the INF says otherwise.
fn build_certificate(
    request: &NewRequest,
    key: &KeyPair,
    spki: &[u8],
    now: u64,
) -> Result<Vec<u8>, String> {
    let (not_before, not_after) = request
        .validity
        .resolve(i64::try_from(now).unwrap_or(i64::MAX));
    let mut serial = [0u8; 16];
    getrandom::fill(&mut serial).map_err(|e| format!("cannot draw a random serial number: {e}"))?;
    let unsigned = encode::prepare_certificate(request, spki, not_before, not_after, &serial)
        .map_err(|e| format!("cannot build the certificate: {e}"))?;
    sign(unsigned, key, "certificate")
}

/// Signs the prepared `what` (request or certificate) with `key` and returns its DER.
fn sign(unsigned: encode::Unsigned, key: &KeyPair, what: &str) -> Result<Vec<u8>, String> {
    let signature = signature(key, unsigned.scheme, &unsigned.to_be_signed, what)?;
    unsigned
        .finish(&signature)
        .map_err(|e| format!("cannot build the {what}: {e}"))
}

/// `key`'s signature of the bytes of `what`.
fn signature(
    key: &KeyPair,
    scheme: SignatureScheme,
    bytes: &[u8],
    what: &str,
) -> Result<Vec<u8>, String> {
    key.sign(scheme, bytes).map_err(|e| {
        format!(
            "cannot sign the {what} ({}): {e}",
            keys::scheme_name(scheme)
        )
    })
}

/// The largest INF file read; real ones are a few kilobytes.
const MAX_INF_BYTES: u64 = 4 << 20;

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_INF_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_INF_BYTES {
        return Err(format!(
            "{} is larger than {} MiB; that is not an INF file",
            path.display(),
            MAX_INF_BYTES >> 20
        ));
    }
    Ok(bytes)
}

fn write_output(path: &Path, bytes: &[u8], replace: bool) -> Result<(), String> {
    fsio::write_atomic(path, bytes, fsio::PUBLIC_FILE, replace).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!("{} already exists; use -f to overwrite it", path.display())
        } else {
            format!("cannot write {}: {e}", path.display())
        }
    })
}

/// Where a `[NewRequest]` key's value is, for messages about it (start of file if absent).
fn entry_span(compiled: &Compiled, key: &str) -> Span {
    compiled
        .inf
        .section("NewRequest")
        .and_then(|s| s.get(key))
        .map_or(0..0, |e| e.value.span.clone())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
