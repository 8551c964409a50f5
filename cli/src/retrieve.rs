//! `certreq -retrieve [-config URL] [-binary] [-f] [-q] RequestId [CertOut [ChainOut]]`:
//! fetch a certificate the CA has issued (AD CS Web Enrollment `certnew.cer?ReqID=N`; the URLs
//! and the reading of the answers are `certreq_enroll`'s).

use std::path::PathBuf;

use certreq_enroll::Endpoint;

use crate::args::{Invocation, Opt};
use crate::store::Store;
use crate::submit::{self, Failure, Outputs, Retrieved};

const ACCEPTED: [Opt; 9] = [
    Opt::Config,
    Opt::Binary,
    Opt::Force,
    Opt::Quiet,
    Opt::UserName,
    Opt::Password,
    Opt::CaFile,
    Opt::User,
    Opt::Help,
];

/// Runs `-retrieve`; returns the exit status.
pub fn run(inv: &Invocation) -> i32 {
    submit::report(retrieve(inv))
}

fn retrieve(inv: &Invocation) -> Result<(), Failure> {
    submit::check_options(inv, "retrieve", &ACCEPTED)?;
    let (id_text, rest) = match inv.args.as_slice() {
        [] => {
            return Err(Failure::Usage(
                "-retrieve needs the request id: certreq -retrieve -config URL RequestId [CertOut [ChainOut]]"
                    .into(),
            ));
        }
        [_, _, _, extra, ..] => {
            return Err(Failure::Usage(format!(
                "unexpected argument `{extra}`: certreq -retrieve takes RequestId [CertOut [ChainOut]]"
            )));
        }
        [id, rest @ ..] => (id, rest),
    };
    let Some(id) = certreq_inf::values::parse_number(id_text) else {
        return Err(Failure::Usage(format!(
            "`{id_text}` is not a request id: give the number the CA printed (decimal, or hex with 0x)"
        )));
    };
    let outputs = Outputs {
        cert: rest
            .first()
            .map_or_else(|| PathBuf::from("certnew.cer"), PathBuf::from),
        chain: rest.get(1).map(PathBuf::from),
        binary: inv.has(Opt::Binary),
        force: inv.has(Opt::Force),
    };
    let (endpoint, client) = submit::connect(inv, "retrieve")?;
    let base = match &endpoint {
        Endpoint::AdCs { base } => base.clone(),
        Endpoint::Est { .. } => {
            return Err(Failure::Usage(
                "EST has no retrieval by request id: run the same `certreq -submit` again to \
                 collect a pending EST certificate"
                    .into(),
            ));
        }
    };
    outputs.check()?;
    submit::print_request_id(id);
    match submit::retrieve_issued(&client, &base, id, &outputs)? {
        Retrieved::Issued(cert) => {
            if let Ok(store) = Store::from_env()
                && let Some(entry) = store.find_spki(cert.spki_der())
            {
                let mut meta = entry.meta.clone();
                meta.request_id = Some(id.to_string());
                meta.ca = Some(base.clone());
                meta.disposition = Some("issued".into());
                if let Err(e) = store.set_meta(&entry, &meta) {
                    eprintln!("certreq: warning: the key store entry was not updated: {e}");
                }
            }
            println!("Certificate retrieved(Issued) Issued");
            if !inv.has(Opt::Quiet) {
                submit::print_written(&outputs, &cert);
            }
            Ok(())
        }
        Retrieved::Pending => {
            println!("Certificate request is pending: Taken Under Submission");
            Ok(())
        }
        Retrieved::NotIssued(message) => Err(Failure::Message(format!(
            "the CA has no certificate for request {id}: {message}"
        ))),
    }
}
