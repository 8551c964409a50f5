//! `certreq -policy [-cert CertId] [-HashAlgorithm H] [-binary] [-rfc7468] [-f] [-q]
//! RequestFileIn PolicyFileIn RequestFileOut [PKCS10FileOut]`: "Construct a cross
//! certification or qualified subordination request from an existing CA certificate or from an
//! existing request" (certreq's usage): the policy file's sections (name constraints, policy
//! statements, mappings and constraints, basic constraints, `[Extensions]`,
//! `[RequestAttributes]`) applied to the request (`certreq_request::policy`).
//!
//! The new request must be signed again, and certreq signs it with the request's key, which
//! lives on the machine that made the request. Here:
//!
//! * the key store holds the key (the request was made with `certreq -new` here): the new
//!   PKCS #10 is signed with it; with `-cert CertId` it is also wrapped in a CMC request that
//!   the certificate signs after the request's key (a qualified subordination signature);
//! * it does not (another CA's certificate, a request made elsewhere): `-cert CertId` is
//!   required, and the new PKCS #10 carries MS-WCCE's null signature (2.2.2.6.5: the hash of
//!   the request, allowed only inside a CMC request) inside a CMC request signed by the
//!   certificate alone; without `-cert` nothing is written.
//!
//! `PKCS10FileOut` gets the new PKCS #10 on its own. The store is not changed.

use std::path::PathBuf;

use certreq_inf::diag::{LineIndex, Severity};
use certreq_pkix::oid;
use certreq_request::cmc;
use certreq_request::encode::Unsigned;
use certreq_request::policy::{self, Source};

use crate::args::{Invocation, Opt};
use crate::keys::KeyPair;
use crate::signers;
use crate::store::{CertIdKind, Store};
use crate::submit::{self, Failure};

/// `-policy` re-signs as `-sign` does, so it takes `-sign`'s options.
const ACCEPTED: &[Opt] = &crate::sign::ACCEPTED;

/// Runs `-policy`; returns the exit status.
pub fn run(inv: &Invocation) -> i32 {
    submit::report(policy(inv))
}

fn policy(inv: &Invocation) -> Result<(), Failure> {
    submit::check_options(inv, "policy", ACCEPTED)?;
    let (input, inf_path, output, p10_out) = match inv.args.as_slice() {
        [i, p, o] => (PathBuf::from(i), PathBuf::from(p), PathBuf::from(o), None),
        [i, p, o, q] => (
            PathBuf::from(i),
            PathBuf::from(p),
            PathBuf::from(o),
            Some(PathBuf::from(q)),
        ),
        [_, _, _, _, extra, ..] => {
            return Err(Failure::Usage(format!(
                "unexpected argument `{extra}`: certreq -policy takes RequestFileIn \
                 PolicyFileIn RequestFileOut [PKCS10FileOut]"
            )));
        }
        _ => {
            return Err(Failure::Usage(
                "-policy needs RequestFileIn PolicyFileIn RequestFileOut [PKCS10FileOut] (a \
                 request or CA certificate, a policy INF, and where to write the new request)"
                    .into(),
            ));
        }
    };
    let hash = signers::hash_option(inv.value(Opt::HashAlgorithm)).map_err(Failure::Usage)?;
    let force = inv.has(Opt::Force);
    if p10_out
        .as_ref()
        .is_some_and(|p| crate::fsio::same_file(p, &output))
    {
        return Err(Failure::Usage(
            "RequestFileOut and PKCS10FileOut are the same file; name two different files".into(),
        ));
    }
    for out in std::iter::once(&output).chain(p10_out.iter()) {
        // an output never takes the place of an input, -f or not
        for (input, what) in [(&input, "RequestFileIn"), (&inf_path, "PolicyFileIn")] {
            if crate::fsio::same_file(out, input) {
                return Err(Failure::Usage(format!(
                    "{} is also the {what}: writing it would destroy the input; name another \
                     output file",
                    out.display()
                )));
            }
        }
        if crate::fsio::would_replace(out) && !force {
            return Err(Failure::Message(format!(
                "{} already exists; use -f to overwrite it",
                out.display()
            )));
        }
    }

    // the policy file, its diagnostics shown like -new's
    let bytes = submit::read_limited(&inf_path)?;
    let decoded = certreq_inf::text::decode(&bytes);
    let text = decoded.text.as_str();
    let compiled = certreq_request::compile_policy(text);
    let index = LineIndex::new(text);
    let label = inf_path.display().to_string();
    let quiet = inv.has(Opt::Quiet);
    let mut errors = 0;
    for d in &compiled.diagnostics {
        errors += usize::from(d.severity == Severity::Error);
        if !(quiet && d.severity == Severity::Note) {
            eprint!("{}", crate::render::render(&label, text, &index, d));
        }
    }
    let Some(plan) = compiled.plan.filter(|_| errors == 0) else {
        return Err(Failure::Message(format!(
            "{label} has errors; no request written"
        )));
    };

    // the request or certificate
    let bytes = submit::read_limited(&input)?;
    let der =
        certreq_enroll::request_der(&bytes).map_err(|e| format!("{}: {e}", input.display()))?;
    let applied = policy::apply(&der, &plan).map_err(|_| {
        Failure::Message(format!(
            "{} is not a request (PKCS #10, PKCS #7 or CMC) or a certificate",
            input.display()
        ))
    })?;

    let store = Store::from_env()?;
    let signer = match inv.value(Opt::Cert) {
        Some(id) => Some(
            signers::find(&store, id, CertIdKind::Any)
                .map_err(|why| Failure::Message(why.message("-cert", id, &store)))?,
        ),
        None => None,
    };
    let own_key: Option<KeyPair> = store.find_spki(&applied.spki).and_then(|entry| {
        entry
            .read_key()
            .ok()
            .and_then(|der| KeyPair::from_pkcs8_der(&der).ok())
    });
    let cannot = |e: certreq_request::encode::EncodeError| {
        Failure::Message(format!("cannot build the request: {e}"))
    };
    let (pkcs10, request, how) = match (&own_key, &signer) {
        (Some(key), signer) => {
            let unsigned = Unsigned {
                to_be_signed: applied.info.clone(),
                scheme: signers::scheme_of(key, hash),
            };
            let signature = key
                .sign(unsigned.scheme, &unsigned.to_be_signed)
                .map_err(Failure::Message)?;
            let pkcs10 = unsigned.finish(&signature).map_err(cannot)?;
            match signer {
                None => (
                    pkcs10.clone(),
                    pkcs10,
                    "signed again with the request's key from the key store".to_string(),
                ),
                Some(s) => {
                    let extras = cmc::Extras {
                        cosigners: vec![
                            cmc::CertSigner::new(s.der(), hash, "signing certificate")
                                .map_err(cannot)?,
                        ],
                        ..cmc::Extras::default()
                    };
                    let content = cmc::wrap_with(&pkcs10, &applied.spki, unsigned.scheme, &extras)
                        .map_err(cannot)?;
                    let unsigned = content.prepare(signers::digest).map_err(cannot)?;
                    let cmc = signers::sign_all(&unsigned, &[key, &s.key])?;
                    (
                        pkcs10,
                        cmc,
                        format!(
                            "a CMC request signed by the request's key and by {}",
                            s.cert.subject()
                        ),
                    )
                }
            }
        }
        (None, Some(s)) => {
            let unsigned = Unsigned {
                to_be_signed: applied.info.clone(),
                scheme: signers::scheme_of(&s.key, hash),
            };
            let pkcs10 = unsigned
                .finish_null(&hash.digest(&applied.info))
                .map_err(cannot)?;
            let content = cmc::wrap_signed_by(
                &pkcs10,
                &[cmc::CertSigner::new(s.der(), hash, "signing certificate").map_err(cannot)?],
            )
            .map_err(cannot)?;
            let unsigned = content.prepare(signers::digest).map_err(cannot)?;
            let cmc = signers::sign_all(&unsigned, &[&s.key])?;
            (
                pkcs10,
                cmc,
                format!(
                    "the key store does not hold the {}'s key, so the new request carries \
                     MS-WCCE's null signature inside a CMC request signed by {}",
                    match applied.source {
                        Source::Certificate => "certificate",
                        Source::Request => "request",
                    },
                    s.cert.subject()
                ),
            )
        }
        (None, None) => {
            return Err(Failure::Message(format!(
                "the new request must be signed, and the key store does not hold the key of {} \
                 (certreq signs with it on the machine that has it): give -cert CertId to make \
                 a CMC request signed by that certificate instead (its inner request then \
                 carries MS-WCCE's null signature), or run -policy where the key is",
                input.display()
            )));
        }
    };

    let binary = inv.has(Opt::Binary);
    let rfc7468 = inv.has(Opt::Rfc7468);
    // both files or neither
    let request_bytes = signers::request_output(&request, binary, rfc7468);
    let pkcs10_bytes = signers::request_output(&pkcs10, binary, rfc7468);
    let mut files = vec![(
        output.as_path(),
        request_bytes.as_slice(),
        crate::fsio::PUBLIC_FILE,
    )];
    if let Some(p) = &p10_out {
        files.push((
            p.as_path(),
            pkcs10_bytes.as_slice(),
            crate::fsio::PUBLIC_FILE,
        ));
    }
    crate::fsio::write_all_atomic(&files, force)
        .map_err(|(path, e)| crate::submit::write_error(&path, &e))?;
    if !quiet {
        outln!("CertReq: Request Created");
        outln!("Request: {}", output.display());
        if let Some(p) = &p10_out {
            outln!("PKCS10: {}", p.display());
        }
        let from = match applied.source {
            Source::Certificate => "the CA certificate",
            Source::Request => "the request",
        };
        let names = |ids: &[oid::ObjectIdentifier]| {
            ids.iter().map(oid::label).collect::<Vec<_>>().join(", ")
        };
        if !applied.replaced.is_empty() {
            outln!("  Replaced in {from}: {}", names(&applied.replaced));
        }
        if !applied.added.is_empty() {
            outln!("  Added: {}", names(&applied.added));
        }
        outln!("  {}", capitalise(&how));
    }
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
