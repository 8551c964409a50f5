//! `certreq -new [-binary] [-rfc7468] [-f] [-q] PolicyFileIn [RequestFileOut]`.
//!
//! With `RequestType = Cert` the output is a self-signed certificate instead of a request
//! (PEM `CERTIFICATE`, or DER with `-binary`), kept in the store with its key as an issued
//! entry, as certreq installs it.
//!
//! The life cycle's requests (research: certreq-facts §4–§7):
//!
//! * `RenewalCert` (`RequestType = PKCS7` or `CMC`): the certificate is found in the store by
//!   thumbprint or serial number, must have its key there, goes into the request, and its key
//!   signs the wrapper (PKCS7: alone; CMC: after the request's key). With
//!   `UseExistingKeySet = TRUE` the old key is kept for the new request.
//! * `RequesterName` with `-cert AgentCertId` (an enrollment agent's certificate, which must
//!   list the Certificate Request Agent purpose): the agent signs on behalf of that user.
//! * `-cert CertId` with `RequestType = PKCS7` (no renewal) signs the wrapper; with `CMC` it
//!   signs beside the request's key; with `RequestType = Cert` the certificate is signed by
//!   that CA's key instead of its own.
//! * `PrivateKeyArchive = TRUE`: the CA's exchange certificate from `-xchg ExchangeCertFile`
//!   or, over Web Enrollment, from the CA named by `-config` (devca's
//!   `certnew.cer?ReqID=CAXchgCert`); the key is encrypted to it (3DES or AES, a fresh
//!   random key and IV, RSA PKCS #1 v1.5 key transport).
//!
//! The order of work makes sure nothing is lost and nothing is half-written:
//!
//! 1. refuse an existing output (without `-f`) before any key is made;
//! 2. read, decode and compile the INF; on errors print them and stop;
//! 3. find what signs and what the key is encrypted to (the renewed certificate, `-cert`, the
//!    exchange certificate); a problem is an error at its INF line, still before any key;
//! 4. make (or, with `UseExistingKeySet`, load) the key, build and sign the request;
//! 5. write the store entry (atomically);
//! 6. write the output file (atomically); if that fails, remove the store entry again.

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

use certreq_request::model::Wrapping;
use certreq_request::{archive, pkcs7};

use crate::args::{Invocation, Opt};
use crate::help::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use crate::keys::{self, KeyPair};
use crate::signers::{self, Signing};
use crate::store::{self, CertIdKind, Meta, NewEntry, Store};
use crate::{client, fsio, render};

/// Options `-new` understands.
const ACCEPTED: [Opt; 13] = [
    Opt::Binary,
    Opt::Force,
    Opt::Quiet,
    Opt::Rfc7468,
    Opt::User,
    Opt::Verbose,
    Opt::Help,
    Opt::Cert,
    Opt::Xchg,
    Opt::Config,
    Opt::UserName,
    Opt::Password,
    Opt::CaFile,
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
        cert: inv.value(Opt::Cert).map(str::to_string),
        xchg: inv.value(Opt::Xchg).map(PathBuf::from),
        inv,
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

struct NewOptions<'a> {
    binary: bool,
    force: bool,
    quiet: bool,
    label: Label,
    /// `-cert CertId`: the certificate that signs (agent, PKCS7 signer, issuing CA).
    cert: Option<String>,
    /// `-xchg ExchangeCertFile`: the CA exchange certificate for key archival.
    xchg: Option<PathBuf>,
    /// The command line, for `-config` and its credentials (key archival).
    inv: &'a Invocation,
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
fn check_output(inf_path: &Path, out_path: &Path, opts: &NewOptions<'_>) -> Result<(), Failure> {
    if fsio::same_file(inf_path, out_path) {
        return Err(format!(
            "the output would overwrite the INF file {}; name a different RequestFileOut",
            inf_path.display()
        )
        .into());
    }
    if !opts.force && fsio::would_replace(out_path) {
        return Err(format!(
            "{} already exists; use -f to overwrite it",
            out_path.display()
        )
        .into());
    }
    Ok(())
}

fn new_request(
    inf_path: &Path,
    out_path: Option<&Path>,
    opts: &NewOptions<'_>,
) -> Result<(), Failure> {
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
    let compiled = certreq_request::compile_for(text, certreq_request::Builds::LIFECYCLE);
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

    // 3. who signs and what the key is encrypted to, before any key is made
    let wrapping = compiled.wrapping();
    let store = Store::from_env()?;
    // what a run killed mid-write left behind goes first
    store.sweep();
    let life = resolve(&compiled, request, opts, &store, &source)?;

    // 4. the key and the signed request
    let plan = &request.key;
    let renewal_entry = life
        .renewal
        .as_ref()
        .filter(|_| plan.use_existing)
        .and_then(|r| r.entry.clone());
    let (key, reused) = if let Some(entry) = renewal_entry {
        // RenewalCert with UseExistingKeySet: the renewed certificate's key is kept
        let der = entry.read_key()?;
        let key = KeyPair::from_pkcs8_der(&der)
            .map_err(|e| format!("{}: {e}", entry.key_path().display()))?;
        (key, Some(entry))
    } else if plan.use_existing {
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
        if life.archive.is_some() && !entry.meta.exportable {
            source.print(
                &Diagnostic::error(
                    codes::ARCHIVE_NOT_EXPORTABLE,
                    entry_span(&compiled, "UseExistingKeySet"),
                    format!(
                        "the stored key `{name}` was made without Exportable = TRUE, so it may \
                         not be sent to the CA for archival"
                    ),
                )
                .with_help("archive a new key: remove UseExistingKeySet"),
            );
            return Err(Failure::Reported);
        }
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
        build_certificate(request, &key, &spki, created, life.signer.as_ref())?
    } else {
        build(request, &wrapping, &key, &spki, &life)?
    };
    // a certificate is kept with its key as an issued entry (its CA's certificate in the chain)
    let certificate = if self_signed {
        let cert = response::certificate(&der)
            .map_err(|e| format!("the certificate made does not read back: {e}"))?;
        let mut chain_certs = vec![der.as_slice()];
        if let Some(ca) = &life.signer {
            chain_certs.push(ca.der());
        }
        let chain = build_certs_only_pkcs7(chain_certs);
        Some((cert, pem::write(Label::Certificate, &der), chain))
    } else {
        None
    };
    let is_cms = read_cmc(&der).is_some() || certreq_pkix::signed::read(&der).is_some();
    let output = match (&certificate, opts.binary) {
        (_, true) => der.clone(),
        (Some((_, pem, _)), false) => pem.clone().into_bytes(),
        // RFC 7468 keeps CERTIFICATE REQUEST for PKCS#10; a CMC or PKCS #7 request is CMS
        (None, false) if opts.label == Label::CertificateRequest && is_cms => {
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
                // the certificate accepted for the key stays in the entry, and so does its
                // thumbprint
                thumbprint: entry.meta.thumbprint.clone(),
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
                outln!("CertReq: Certificate Created");
                outln!("Certificate: {}", out_path.display());
                outln!("  Subject: {}", cert.subject());
                outln!(
                    "  Valid: {} to {}",
                    store::rfc3339(u64::try_from(cert.not_before()).unwrap_or(0)),
                    store::rfc3339(u64::try_from(cert.not_after()).unwrap_or(0))
                );
                outln!(
                    "  Thumbprint: {}",
                    cert.thumbprint_sha1().to_ascii_lowercase()
                );
            }
            None => {
                outln!("CertReq: Request Created");
                outln!("Request: {}", out_path.display());
            }
        }
        if let Some(ca) = &life.signer
            && self_signed
        {
            outln!("  Issuer: {} (-cert)", ca.cert.subject());
        }
        if let Some(r) = &life.renewal {
            outln!(
                "  Renews: {} (thumbprint {}), signed with its key",
                r.signing.cert.subject(),
                r.signing.cert.thumbprint_sha1().to_ascii_lowercase()
            );
        }
        if let (Some(name), Some(agent)) = (&wrapping.requester_name, &life.signer) {
            outln!(
                "  On behalf of {name}, signed by the enrollment agent {}",
                agent.cert.subject()
            );
        } else if let Some(signer) = life.signer.as_ref().filter(|_| !self_signed) {
            outln!("  Signed by {} (-cert)", signer.cert.subject());
        }
        if let Some((plan, from)) = &life.archive_note {
            outln!(
                "  Key archived: {} to the CA exchange certificate {from}",
                plan.cipher.name()
            );
        }
        outln!(
            "Key: {} {} in {}",
            key.describe(),
            if reused.is_some() { "reused" } else { "stored" },
            key_dir.display()
        );
    }
    Ok(())
}

/// What signs the request besides its own key, and what its key is encrypted to: found
/// before any key is made.
struct Lifecycle {
    /// `RenewalCert`: the renewed certificate, its key, and its store entry.
    renewal: Option<Renewal>,
    /// `-cert`: the agent, the PKCS #7 signer, the CMC co-signer or the issuing CA.
    signer: Option<Signing>,
    /// `PrivateKeyArchive = TRUE`: the CA exchange certificate.
    archive: Option<archive::Recipient>,
    /// For the summary: the cipher and where the exchange certificate came from.
    archive_note: Option<(certreq_request::model::ArchivePlan, String)>,
}

struct Renewal {
    signing: Signing,
    entry: Option<store::Entry>,
}

/// Finds what [`Lifecycle`] needs; each problem is an error at its INF line, or a command-line
/// error for `-cert`.
fn resolve(
    compiled: &Compiled,
    request: &NewRequest,
    opts: &NewOptions<'_>,
    store: &Store,
    source: &Source<'_>,
) -> Result<Lifecycle, Failure> {
    let wrapping = &compiled.wrapping();
    let at = |code, key: &str, message: String, help: &str| {
        source.print(
            &Diagnostic::error(code, entry_span(compiled, key), message)
                .with_help(help.to_string()),
        );
        Failure::Reported
    };
    let mut life = Lifecycle {
        renewal: None,
        signer: None,
        archive: None,
        archive_note: None,
    };
    if let Some(id) = &request.renewal_cert {
        match signers::find(store, id, CertIdKind::ThumbprintOrSerial) {
            Ok(signing) => {
                signers::warn_unless_valid(
                    &signing.cert,
                    "RenewalCert",
                    " (for an expired certificate, make a new request rather than a renewal)",
                );
                let entry = store.find_spki(signing.cert.spki_der());
                life.renewal = Some(Renewal { signing, entry });
            }
            Err(why) => {
                let (code, help) = match why {
                    signers::NotFound::None => (
                        codes::RENEWAL_CERT_NOT_FOUND,
                        "import it with its key (certreq -importpfx), or name a certificate of the \
                         key store by its thumbprint or serial number",
                    ),
                    signers::NotFound::Many(_) => (
                        codes::RENEWAL_CERT_AMBIGUOUS,
                        "write the whole SHA-1 thumbprint",
                    ),
                    signers::NotFound::NoKey(_) => (
                        codes::RENEWAL_CERT_NO_KEY,
                        "a renewal is signed with the renewed certificate's key: import the key \
                         with its certificate (certreq -importpfx)",
                    ),
                };
                return Err(at(
                    code,
                    "RenewalCert",
                    why.message("RenewalCert", id, store),
                    help,
                ));
            }
        }
    }
    let rt = request.request_type;
    if let Some(id) = &opts.cert {
        if rt == RequestType::Pkcs10 {
            return Err(Failure::Message(
                "-cert does not apply to RequestType = PKCS10: a PKCS #10 request is signed by \
                 its own key only; write RequestType = CMC or PKCS7 (or Cert for a certificate \
                 signed by that CA)"
                    .into(),
            ));
        }
        if rt == RequestType::Pkcs7 && life.renewal.is_some() {
            return Err(Failure::Message(
                "-cert with RenewalCert and RequestType = PKCS7: the renewal is signed by the \
                 renewed certificate's key alone; remove -cert (or write RequestType = CMC)"
                    .into(),
            ));
        }
        match signers::find(store, id, CertIdKind::Any) {
            Ok(signing) => life.signer = Some(signing),
            Err(why) => return Err(Failure::Message(why.message("-cert", id, store))),
        }
    }
    if let Some(name) = &wrapping.requester_name {
        match &life.signer {
            None => {
                return Err(at(
                    codes::REQUESTER_NEEDS_AGENT,
                    "RequesterName",
                    format!(
                        "a request on behalf of `{name}` must be signed by an enrollment agent's \
                         certificate, and no -cert names one"
                    ),
                    "add -cert AgentCertId (its thumbprint, serial number or subject)",
                ));
            }
            Some(agent) if !signers::is_enrollment_agent(agent.der()) => {
                return Err(at(
                    codes::AGENT_WITHOUT_EKU,
                    "RequesterName",
                    format!(
                        "{} (from -cert) is not an enrollment agent's certificate: it lacks the \
                         Certificate Request Agent purpose (1.3.6.1.4.1.311.20.2.1), so the CA \
                         would refuse the request",
                        agent.cert.subject()
                    ),
                    "sign with an Enrollment Agent certificate",
                ));
            }
            Some(agent) => {
                if !signers::valid_at(&agent.cert, signers::now()) {
                    eprintln!(
                        "certreq: warning: the enrollment agent's certificate {} is not valid \
                         now; the CA will refuse the request",
                        agent.cert.subject()
                    );
                }
            }
        }
    }
    if rt == RequestType::Pkcs7 && life.renewal.is_none() && life.signer.is_none() {
        return Err(at(
            codes::PKCS7_NEEDS_SIGNER,
            "RequestType",
            "a PKCS #7 request is signed by a certificate's key, and nothing names one".into(),
            "add RenewalCert = <thumbprint> to renew a certificate, or sign with -cert CertId \
             (an enrollment agent's with RequesterName)",
        ));
    }
    if wrapping.archive.is_none() {
        // said, not silently dropped: they serve key archival alone
        let unused: Vec<&str> = [(Opt::Xchg, "-xchg"), (Opt::Config, "-config")]
            .into_iter()
            .filter(|(o, _)| opts.inv.has(*o))
            .map(|(_, name)| name)
            .collect();
        if !unused.is_empty() {
            eprintln!(
                "certreq: warning: {} not used: -new reads them for key archival alone, and the \
                 INF does not say PrivateKeyArchive = TRUE",
                unused.join(" and ")
            );
        }
    }
    if let Some(plan) = wrapping.archive {
        let (der, from) = exchange_certificate(opts, compiled, source)?;
        match archive::Recipient::read(&der) {
            Ok(r) => {
                life.archive = Some(r);
                life.archive_note = Some((plan, from));
            }
            Err(e) => {
                return Err(at(
                    codes::EXCHANGE_CERT_INVALID,
                    "PrivateKeyArchive",
                    format!("{from}: {e}"),
                    "give the CA's exchange certificate (certutil -cainfo xchg on Windows), \
                     not its CA certificate",
                ));
            }
        }
    }
    Ok(life)
}

/// The CA exchange certificate for key archival: `-xchg ExchangeCertFile`, else fetched from
/// the Web Enrollment CA `-config` names (devca serves it as
/// `certnew.cer?ReqID=CAXchgCert`). Also says where it came from.
fn exchange_certificate(
    opts: &NewOptions<'_>,
    compiled: &Compiled,
    source: &Source<'_>,
) -> Result<(Vec<u8>, String), Failure> {
    let missing = |message: String| {
        source.print(
            &Diagnostic::error(
                codes::EXCHANGE_CERT_MISSING,
                entry_span(compiled, "PrivateKeyArchive"),
                message,
            )
            .with_help(
                "give -xchg ExchangeCertFile (on Windows: certutil -cainfo xchg > xchg.cer), or \
                 -config https://host/certsrv to fetch it from the CA",
            ),
        );
        Failure::Reported
    };
    if let Some(path) = &opts.xchg {
        let der = signers::read_certificate_file(path)?;
        return Ok((der, path.display().to_string()));
    }
    let has_config =
        opts.inv.has(Opt::Config) || std::env::var("CERTREQ_CONFIG").is_ok_and(|c| !c.is_empty());
    if !has_config {
        return Err(missing(
            "key archival encrypts the key to the CA's exchange certificate, and neither \
             -xchg nor -config says where to find it"
                .into(),
        ));
    }
    let (endpoint, client) = crate::submit::connect(opts.inv, "new").map_err(|f| match f {
        crate::submit::Failure::Usage(m) | crate::submit::Failure::Message(m) => {
            Failure::Message(m)
        }
    })?;
    let certreq_enroll::Endpoint::AdCs { base } = &endpoint else {
        return Err(missing(format!(
            "{} is an EST server, which hands out no exchange certificate",
            endpoint.url()
        )));
    };
    let url = format!("{base}/certnew.cer?ReqID=CAXchgCert&Enc=bin");
    let reply = client.get(&url)?;
    let is_cert = reply.status == 200
        && reply.content_type != "text/html"
        && response::certificate(&reply.body).is_ok();
    if !is_cert {
        return Err(missing(format!(
            "the CA at {base} did not hand out an exchange certificate at {url} (HTTP {}, {}); \
             AD CS Web Enrollment has no documented address for it",
            reply.status, reply.content_type
        )));
    }
    Ok((reply.body, url))
}

/// Prepares, signs and finishes the request: PKCS #10, or wrapped as `RequestType` says
/// (PKCS7: signed by the renewed certificate's key or `-cert`'s; CMC: signed again by the
/// request's key, then by the renewed certificate's or `-cert`'s, with the requester name and
/// the archived key when asked for).
fn build(
    request: &NewRequest,
    wrapping: &Wrapping,
    key: &KeyPair,
    spki: &[u8],
    life: &Lifecycle,
) -> Result<Vec<u8>, String> {
    let renewed = life.renewal.as_ref().map(|r| r.signing.der());
    let unsigned = encode::prepare_with(
        request,
        spki,
        &client::client_info(),
        &encode::Additions {
            renewal_certificate: renewed,
        },
    )
    .map_err(|e| format!("cannot build the request: {e}"))?;
    let pkcs10 = sign(unsigned, key, "request")?;
    let hash = request.signature.hash();
    let cannot = |e: encode::EncodeError| format!("cannot build the wrapped request: {e}");
    match request.request_type {
        RequestType::Pkcs7 => {
            let (content, signer) = match (&life.renewal, &life.signer) {
                (Some(r), _) => (
                    pkcs7::renewal(&pkcs10, r.signing.der(), hash).map_err(cannot)?,
                    &r.signing.key,
                ),
                (None, Some(s)) => match &wrapping.requester_name {
                    Some(name) => (
                        pkcs7::on_behalf_of(&pkcs10, s.der(), name, hash).map_err(cannot)?,
                        &s.key,
                    ),
                    None => (
                        pkcs7::signed_by(&pkcs10, s.der(), hash).map_err(cannot)?,
                        &s.key,
                    ),
                },
                (None, None) => return Err("nobody signs the PKCS #7 request".into()),
            };
            let unsigned = content.prepare(signers::digest).map_err(cannot)?;
            signers::sign_all(&unsigned, &[signer])
        }
        RequestType::Cmc => {
            let archived = match (&life.archive, wrapping.archive) {
                (Some(recipient), Some(plan)) => Some(archive_key(key, recipient, plan.cipher)?),
                _ => None,
            };
            let mut cosigners = Vec::new();
            let mut keys: Vec<&KeyPair> = vec![key];
            for s in life
                .renewal
                .as_ref()
                .map(|r| &r.signing)
                .into_iter()
                .chain(life.signer.as_ref())
            {
                cosigners.push(
                    cmc::CertSigner::new(s.der(), hash, "signing certificate").map_err(cannot)?,
                );
                keys.push(&s.key);
            }
            let extras = cmc::Extras {
                requester_name: wrapping.requester_name.as_deref(),
                archived: archived.as_ref(),
                cosigners,
            };
            let content =
                cmc::wrap_with(&pkcs10, spki, request.signature, &extras).map_err(cannot)?;
            let unsigned = content.prepare(signers::digest).map_err(cannot)?;
            signers::sign_all(&unsigned, &keys)
        }
        _ => Ok(pkcs10),
    }
}

/// The key, encrypted to the CA's exchange certificate: its PRIVATEKEYBLOB under a fresh
/// content-encryption key and IV (the system's randomness), the key transported with RSA
/// PKCS #1 v1.5.
fn archive_key(
    key: &KeyPair,
    recipient: &archive::Recipient,
    cipher: certreq_request::model::Cipher,
) -> Result<archive::Archived, String> {
    let pkcs8 = key.pkcs8_der()?;
    let blob = archive::private_key_blob(&pkcs8).map_err(|e| e.to_string())?;
    let mut cek = zeroize::Zeroizing::new(vec![0u8; cipher.key_len()]);
    let mut iv = vec![0u8; cipher.iv_len()];
    getrandom::fill(&mut cek).map_err(|e| format!("no random numbers: {e}"))?;
    getrandom::fill(&mut iv).map_err(|e| format!("no random numbers: {e}"))?;
    let transport =
        archive::seal(recipient, &blob, cipher, &cek, &iv).map_err(|e| e.to_string())?;
    let encrypted = keys::encrypt_pkcs1v15(&transport.recipient_spki, &transport.key)?;
    transport.finish(&encrypted).map_err(|e| e.to_string())
}

/// Prepares, signs and finishes the certificate (`RequestType = Cert`), valid from `now`
/// (seconds since 1970) unless the INF says otherwise: self-signed, or signed by `issuer`
/// (`-cert`).
fn build_certificate(
    request: &NewRequest,
    key: &KeyPair,
    spki: &[u8],
    now: u64,
    issuer: Option<&Signing>,
) -> Result<Vec<u8>, String> {
    let (not_before, not_after) = request
        .validity
        .resolve(i64::try_from(now).unwrap_or(i64::MAX));
    let mut serial = [0u8; 16];
    getrandom::fill(&mut serial).map_err(|e| format!("cannot draw a random serial number: {e}"))?;
    let cannot = |e: encode::EncodeError| format!("cannot build the certificate: {e}");
    match issuer {
        None => {
            let unsigned =
                encode::prepare_certificate(request, spki, not_before, not_after, &serial)
                    .map_err(cannot)?;
            sign(unsigned, key, "certificate")
        }
        Some(ca) => {
            if !ca.cert.is_ca() {
                eprintln!(
                    "certreq: warning: {} (from -cert) is not a CA certificate (no basic \
                     constraints with cA true); verifiers will not accept what it signs",
                    ca.cert.subject()
                );
            }
            // RFC 5280 §4.2.1.9: an issuer with path length 0 may sign no CA certificate
            let issuer_path_len =
                certreq_pkix::cert::CertParts::read(ca.der()).and_then(|p| p.path_len());
            let makes_ca = request.extensions.iter().any(|e| {
                e.extn_id == certreq_pkix::oid::BASIC_CONSTRAINTS
                    && certreq_pkix::cert::basic_constraints(e.extn_value.as_bytes())
                        .is_some_and(|(ca, _)| ca)
            });
            if makes_ca && issuer_path_len == Some(0) {
                eprintln!(
                    "certreq: warning: {} (from -cert) has path length 0, so it may sign no CA \
                     certificate; verifiers will refuse every chain through this one (RFC 5280 \
                     §4.2.1.9)",
                    ca.cert.subject()
                );
            }
            if not_after > ca.cert.not_after() {
                eprintln!(
                    "certreq: warning: the certificate outlives its issuer {} (which ends {})",
                    ca.cert.subject(),
                    store::rfc3339(u64::try_from(ca.cert.not_after()).unwrap_or(0))
                );
            }
            let issuer = encode::Issuer::from_certificate(ca.der(), request.signature.hash())
                .map_err(cannot)?;
            let unsigned = encode::prepare_certificate_by(
                request,
                spki,
                not_before,
                not_after,
                &serial,
                Some(&issuer),
            )
            .map_err(cannot)?;
            sign(unsigned, &ca.key, "certificate")
        }
    }
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
    fsio::write_atomic(path, bytes, fsio::PUBLIC_FILE, replace)
        .map_err(|e| crate::submit::write_error(path, &e))
}

/// Where a `[NewRequest]` key's value is, for messages about it (start of file if absent).
fn entry_span(compiled: &Compiled, key: &str) -> Span {
    compiled
        .inf
        .section("NewRequest")
        .and_then(|s| s.get(key))
        .map_or(0..0, |e| e.value.span.clone())
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
