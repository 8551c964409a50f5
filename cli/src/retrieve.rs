//! `certreq -retrieve [-config URL] [-binary] [-f] [-q] RequestId [CertOut [ChainOut]]`:
//! fetch a certificate the CA has issued (AD CS Web Enrollment `certnew.p7b?ReqID=N`, through
//! certreq-enroll's steps, as the web app does).

use std::path::PathBuf;

use certreq_enroll::Endpoint;
use certreq_enroll::steps::{Action, Protocol, Start};

use crate::args::{Invocation, Opt};
use crate::drive::{self, Outcome};
use crate::store::Store;
use crate::submit::{self, Failure, Outputs};

const ACCEPTED: [Opt; 11] = [
    Opt::Kerberos,
    Opt::ClientCertificate,
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
    if let Endpoint::Est { .. } = endpoint {
        return Err(Failure::Usage(
            "EST has no retrieval by request id: run the same `certreq -submit` again to \
             collect a pending EST certificate"
                .into(),
        ));
    }
    outputs.check()?;
    submit::print_request_id(id);
    let start = Start {
        protocol: Protocol::AdCs,
        url: endpoint.url(),
        attrib: String::new(),
        action: Action::Retrieve {
            request_id: Some(id),
            request: None,
        },
    };
    let refused =
        |m: String| Failure::Message(format!("the CA has no certificate for request {id}: {m}"));
    // the CA may never have been asked (no connection, a sign-in refused): not "no certificate"
    let failed = |m: String| Failure::Message(format!("cannot retrieve request {id}: {m}"));
    match drive::run(&client, &start).map_err(failed)? {
        Outcome::Issued { response, .. } => {
            let issued = certreq_enroll::issued(&response, &[], None)
                .ok_or_else(|| refused("its answer holds no certificate".into()))?;
            outputs.write(&issued.leaf, Some(&issued.chain_p7b))?;
            if let Ok(store) = Store::from_env()
                && let Some(entry) = store.find_spki(issued.leaf.spki_der())
            {
                let mut meta = entry.meta.clone();
                meta.request_id = Some(id.to_string());
                meta.ca = Some(endpoint.url());
                meta.disposition = Some("issued".into());
                if let Err(e) = store.set_meta(&entry, &meta) {
                    eprintln!("certreq: warning: the key store entry was not updated: {e}");
                }
                submit::keep_ca_certificates(Some(&store), Some(&entry), &response);
            }
            outln!("Certificate retrieved(Issued) Issued");
            if !inv.has(Opt::Quiet) {
                submit::print_written(&outputs, &issued.leaf);
            }
            Ok(())
        }
        Outcome::Pending { .. } => {
            outln!("Certificate request is pending: Taken Under Submission");
            Ok(())
        }
        Outcome::Denied { message, code, .. } => {
            let explained = drive::explanation(&message, code);
            Err(refused(format!("{message}{explained}")))
        }
        Outcome::Undelivered { why, .. } => Err(failed(why)),
    }
}
