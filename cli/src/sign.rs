//! `certreq -sign -cert CertId [-HashAlgorithm H] [-binary] [-rfc7468] [-f] [-q] RequestFileIn
//! RequestFileOut`: a request signed with a stored certificate's key ("Sign a certificate
//! request with an enrollment agent or qualified subordination signing certificate", certreq's
//! usage).
//!
//! * A PKCS #7 or CMC request: the certificate's signature is added to the others, which are
//!   kept byte for byte (they sign the content's digest, which does not change); a certificate
//!   that had signed already signs again in place of its old signature. CMC requests have
//!   "a primary signature plus zero or more certificate-based signatures" (CertEnroll's
//!   documentation); the added one is laid out as the agent's in Microsoft's CMC EOBO dump.
//! * A PKCS #10 request: wrapped in a PKCS #7 (`SignedData` of `id-data`) that the certificate
//!   signs, laid out as Microsoft's PKCS #7 EOBO dump without a requester name.
//!
//! certreq shows dialogs for a missing file or certificate; here both files and `-cert` must
//! be named. The store is not changed.

use std::path::PathBuf;

use certreq_request::pkcs7;

use crate::args::{Invocation, Opt};
use crate::signers;
use crate::store::{CertIdKind, Store};
use crate::submit::{self, Failure};

/// The options of the verbs that sign with a stored certificate (`-sign`, `-policy`).
pub(crate) const ACCEPTED: [Opt; 9] = [
    Opt::Cert,
    Opt::HashAlgorithm,
    Opt::Binary,
    Opt::Rfc7468,
    Opt::Force,
    Opt::Quiet,
    Opt::User,
    Opt::Verbose,
    Opt::Help,
];

/// Runs `-sign`; returns the exit status.
pub fn run(inv: &Invocation) -> i32 {
    submit::report(sign(inv))
}

fn sign(inv: &Invocation) -> Result<(), Failure> {
    submit::check_options(inv, "sign", &ACCEPTED)?;
    let (input, output) = match inv.args.as_slice() {
        [i, o] => (PathBuf::from(i), PathBuf::from(o)),
        [] | [_] => {
            return Err(Failure::Usage(
                "-sign needs the request and where to write it: certreq -sign -cert CertId \
                 RequestFileIn RequestFileOut (the same file again, with -f, replaces it)"
                    .into(),
            ));
        }
        [_, _, extra, ..] => {
            return Err(Failure::Usage(format!(
                "unexpected argument `{extra}`: certreq -sign takes RequestFileIn and \
                 RequestFileOut"
            )));
        }
    };
    let Some(id) = inv.value(Opt::Cert) else {
        return Err(Failure::Usage(
            "-sign needs the signing certificate: -cert CertId (its thumbprint, serial number \
             or subject; certreq would ask in a dialog)"
                .into(),
        ));
    };
    let hash = signers::hash_option(inv.value(Opt::HashAlgorithm)).map_err(Failure::Usage)?;
    if crate::fsio::would_replace(&output) && !inv.has(Opt::Force) {
        return Err(Failure::Message(format!(
            "{} already exists; use -f to overwrite it",
            output.display()
        )));
    }
    let bytes = submit::read_limited(&input)?;
    let der =
        certreq_enroll::request_der(&bytes).map_err(|e| format!("{}: {e}", input.display()))?;
    let store = Store::from_env()?;
    let signing = signers::find(&store, id, CertIdKind::Any)
        .map_err(|why| Failure::Message(why.message("-cert", id, &store)))?;
    let cannot = |e: certreq_request::encode::EncodeError| {
        Failure::Message(format!("cannot sign {}: {e}", input.display()))
    };
    let (content, what) = if certreq_pkix::signed::read(&der).is_some() {
        let (content, resigned) = pkcs7::sign_again(&der, signing.der(), hash).map_err(cannot)?;
        let what = match resigned {
            pkcs7::Resigned::Added => "its signature added to the others",
            pkcs7::Resigned::Replaced => "its earlier signature made again",
        };
        (content, what)
    } else if x509_cert_request(&der) {
        (
            pkcs7::signed_by(&der, signing.der(), hash).map_err(cannot)?,
            "the PKCS #10 request wrapped in a PKCS #7 it signs",
        )
    } else {
        return Err(Failure::Message(format!(
            "{} is not a PKCS #10, PKCS #7 or CMC request (a CA certificate is made a request \
             with certreq -policy)",
            input.display()
        )));
    };
    let unsigned = content.prepare(signers::digest).map_err(cannot)?;
    let signed = signers::sign_all(&unsigned, &[&signing.key])?;
    let out = signers::request_output(&signed, inv.has(Opt::Binary), inv.has(Opt::Rfc7468));
    crate::fsio::write_atomic(&output, &out, crate::fsio::PUBLIC_FILE, inv.has(Opt::Force))
        .map_err(|e| crate::submit::write_error(&output, &e))?;
    signers::warn_unless_valid(&signing.cert, "the signing certificate", "");
    if !inv.has(Opt::Quiet) {
        outln!("CertReq: Request Signed");
        outln!("Request: {}", output.display());
        outln!("  Signed by {}: {what}", signing.cert.subject());
    }
    Ok(())
}

/// Whether `der` is a PKCS #10 request.
fn x509_cert_request(der: &[u8]) -> bool {
    use der::Decode;
    x509_cert::request::CertReq::from_der(der).is_ok()
}
