//! `certreq [-submit] [-config URL] [-attrib A] [-binary] [-f] [-q] RequestIn [CertOut [ChainOut]]`
//! and the pieces `-retrieve` shares with it: the connection options, reading certificates
//! from AD CS Web Enrollment, and writing CertOut/ChainOut.
//!
//! Order of work: check the arguments and that the outputs may be written, read the request,
//! then talk to the CA, then write the outputs (atomically) and record the CA's answer on the
//! store entry of the request's key. Nothing in the store is removed whatever the CA says.

use std::path::{Path, PathBuf};

use certreq_enroll::steps::{Action, Protocol, Start};
use certreq_enroll::{self as enroll, Endpoint};
use certreq_pkix::cert::Certificate;
use certreq_pkix::pem::{self, Label};
use certreq_read::response;

use crate::args::{Invocation, Opt};
use crate::config;
use crate::drive::{self, Outcome};
use crate::fsio;
use crate::help::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};
use crate::http::{Client, Kerberos};
use crate::store::{Entry, Store};

/// Options `-submit` understands.
const ACCEPTED: [Opt; 13] = [
    Opt::RenewOnBehalfOf,
    Opt::Kerberos,
    Opt::ClientCertificate,
    Opt::Config,
    Opt::Attrib,
    Opt::Binary,
    Opt::Force,
    Opt::Quiet,
    Opt::UserName,
    Opt::Password,
    Opt::CaFile,
    Opt::User,
    Opt::Help,
];

/// The largest request or certificate file read.
const MAX_FILE_BYTES: u64 = 4 << 20;

/// Why a verb stopped.
pub enum Failure {
    /// The command line is wrong (exit 2).
    Usage(String),
    /// The work failed (exit 1).
    Message(String),
}

impl From<String> for Failure {
    fn from(m: String) -> Self {
        Failure::Message(m)
    }
}

/// Prints a failure and returns the exit status.
pub fn report(result: Result<(), Failure>) -> i32 {
    match result {
        Ok(()) => EXIT_OK,
        Err(Failure::Usage(m)) => {
            eprintln!("certreq: error: {m}");
            EXIT_USAGE
        }
        Err(Failure::Message(m)) => {
            eprintln!("certreq: error: {m}");
            EXIT_FAILED
        }
    }
}

/// Refuses options a verb does not take.
pub fn check_options(inv: &Invocation, verb: &str, accepted: &[Opt]) -> Result<(), Failure> {
    if inv.has(Opt::Machine) {
        return Err(Failure::Usage(
            "-machine is not supported: keys are kept per user, in the store of whoever runs certreq"
                .into(),
        ));
    }
    match inv.options.iter().find(|(o, _)| !accepted.contains(o)) {
        Some((opt, _)) => Err(Failure::Usage(format!(
            "-{} does not apply to -{verb}; run `certreq -{verb} -?` for its options",
            opt.name()
        ))),
        None => Ok(()),
    }
}

/// `-config`, else `CERTREQ_CONFIG`.
fn config_of(inv: &Invocation) -> Option<String> {
    inv.value(Opt::Config).map(str::to_string).or_else(|| {
        std::env::var("CERTREQ_CONFIG")
            .ok()
            .filter(|c| !c.is_empty())
    })
}

/// The URL the enrollment steps start from: `-config` as given, which the steps read as the
/// app's do (the endpoint itself leaves out an operation such as `…/simplereenroll`).
fn steps_url(inv: &Invocation, endpoint: &Endpoint) -> String {
    config_of(inv).unwrap_or_else(|| endpoint.url())
}

/// The CA to talk to and a client for it, from `-config` (or `CERTREQ_CONFIG`), `-username`,
/// `-p`, `-cafile` and their environment variables.
pub fn connect(inv: &Invocation, verb: &str) -> Result<(Endpoint, Client), Failure> {
    let env = |k: &str| std::env::var(k).ok();
    let config = match config_of(inv) {
        Some(c) => c,
        None => {
            return Err(Failure::Usage(format!(
                "-{verb} needs the CA: give -config https://host/certsrv (AD CS Web Enrollment) \
                 or -config https://host/.well-known/est (EST), or set CERTREQ_CONFIG"
            )));
        }
    };
    let endpoint = config::endpoint(&config).map_err(Failure::Usage)?;
    let kerberos_asked = inv.has(Opt::Kerberos);
    if kerberos_asked && (inv.value(Opt::UserName).is_some() || inv.value(Opt::Password).is_some())
    {
        return Err(Failure::Usage(
            "-Kerberos signs in with your Kerberos ticket, -username and -p with a password: \
             give one or the other"
                .into(),
        ));
    }
    // with -Kerberos, a password in the environment is not used (nor sent)
    let credentials = if kerberos_asked {
        None
    } else {
        config::credentials(inv.value(Opt::UserName), inv.value(Opt::Password), &env)
            .map_err(Failure::Usage)?
    };
    if credentials.is_some() && endpoint.is_plain_http() {
        eprintln!(
            "certreq: warning: sending the password over plain http to {}; use https",
            endpoint.url()
        );
    }
    let ca_file = inv.value(Opt::CaFile).map(PathBuf::from).or_else(|| {
        std::env::var_os("CERTREQ_CA_FILE")
            .filter(|f| !f.is_empty())
            .map(PathBuf::from)
    });
    let identity = match inv.value(Opt::ClientCertificate) {
        Some(which) => Some(client_identity(which)?),
        None => None,
    };
    if identity.is_some() && endpoint.is_plain_http() {
        return Err(Failure::Usage(format!(
            "-ClientCertificate needs https: {} is plain http",
            endpoint.url()
        )));
    }
    // Kerberos: asked for, or when the CA asks and no Basic credentials were given
    let kerberos = if kerberos_asked {
        Kerberos::Always
    } else if credentials.is_some() {
        Kerberos::Never
    } else {
        Kerberos::WhenAsked
    };
    let client = Client::new(
        ca_file.as_deref(),
        credentials.as_ref(),
        identity.as_ref(),
        kerberos,
    )?;
    Ok((endpoint, client))
}

/// The TLS client certificate `-ClientCertificate` names: a PFX file (its password from
/// `CERTREQ_PFX_PASSWORD`, empty when unset), else the KeyContainer of an issued store entry.
fn client_identity(which: &str) -> Result<crate::http::ClientIdentity, Failure> {
    use certreq_read::pkcs12;
    let path = Path::new(which);
    if path.is_file() {
        let bytes = read_limited(path)?;
        let password =
            zeroize::Zeroizing::new(std::env::var("CERTREQ_PFX_PASSWORD").unwrap_or_default());
        let contents =
            pkcs12::read(&bytes, &password, pkcs12::MacPolicy::Required).map_err(|e| {
                format!(
                    "-ClientCertificate {which}: {e} (the PFX password is $CERTREQ_PFX_PASSWORD)"
                )
            })?;
        let key = contents
            .private_key_pkcs8
            .ok_or_else(|| format!("-ClientCertificate {which}: the PFX holds no private key"))?;
        let spki = crate::keys::KeyPair::from_pkcs8_der(&key)
            .and_then(|k| k.spki_der())
            .map_err(|e| format!("-ClientCertificate {which}: {e}"))?;
        let certs: Vec<_> = contents
            .certificates
            .iter()
            .filter_map(|c| response::certificate(c).ok())
            .collect();
        let leaf = certs
            .iter()
            .find(|c| c.spki_der() == spki.as_slice())
            .ok_or_else(|| {
                format!("-ClientCertificate {which}: no certificate in the PFX is for its key")
            })?;
        let mut chain = vec![leaf.der().to_vec()];
        chain.extend(
            certs
                .iter()
                .filter(|c| c.der() != leaf.der())
                .map(|c| c.der().to_vec()),
        );
        return Ok(crate::http::ClientIdentity {
            chain,
            key_pkcs8: zeroize::Zeroizing::new(key.to_vec()),
        });
    }
    let store = Store::from_env()?;
    let entry = store.find_container(which).ok_or_else(|| {
        Failure::Usage(format!(
            "-ClientCertificate {which}: no such file, and no key named `{which}` in the key store"
        ))
    })?;
    let cert_pem = std::fs::read(entry.dir.join(crate::store::CERT_FILE)).map_err(|_| {
        format!(
            "-ClientCertificate {which}: the key has no certificate yet (certreq -accept it first)"
        )
    })?;
    let cert = pem::read(&cert_pem)
        .ok()
        .and_then(|b| b.into_iter().next())
        .ok_or_else(|| format!("-ClientCertificate {which}: its cert.pem does not read"))?;
    Ok(crate::http::ClientIdentity {
        chain: vec![cert.der],
        key_pkcs8: entry.read_key()?,
    })
}

/// Where CertOut and ChainOut go and how.
pub struct Outputs {
    pub cert: PathBuf,
    pub chain: Option<PathBuf>,
    pub binary: bool,
    pub force: bool,
}

impl Outputs {
    /// Refuses existing outputs without `-f`, a folder where a file goes, and outputs in a
    /// folder that does not exist (before anything is sent).
    pub fn check(&self) -> Result<(), Failure> {
        for path in std::iter::once(&self.cert).chain(self.chain.iter()) {
            if path.is_dir() {
                return Err(Failure::Message(format!(
                    "{} is a folder; name a file",
                    path.display()
                )));
            }
            if !self.force && fsio::would_replace(path) {
                return Err(Failure::Message(format!(
                    "{} already exists; use -f to overwrite it",
                    path.display()
                )));
            }
            if !fsio::parent_dir(path).is_dir() {
                return Err(Failure::Message(format!(
                    "cannot write {}: its folder does not exist",
                    path.display()
                )));
            }
        }
        if self
            .chain
            .as_ref()
            .is_some_and(|chain| fsio::same_file(chain, &self.cert))
        {
            return Err(Failure::Usage(
                "CertOut and ChainOut are the same file; name two different files".into(),
            ));
        }
        Ok(())
    }

    /// Writes the certificate (`CERTIFICATE` PEM or DER) and, when asked for, the chain
    /// (`PKCS7` PEM or DER): both or neither.
    pub fn write(&self, cert: &Certificate, chain_p7b: Option<&[u8]>) -> Result<(), String> {
        let encode = |label: Label, der: &[u8]| {
            if self.binary {
                der.to_vec()
            } else {
                pem::write(label, der).into_bytes()
            }
        };
        let cert_bytes = encode(Label::Certificate, cert.der());
        let chain = match (&self.chain, chain_p7b) {
            (Some(path), Some(p7b)) => Some((path, encode(Label::Pkcs7, p7b))),
            _ => None,
        };
        let mut files = vec![(
            self.cert.as_path(),
            cert_bytes.as_slice(),
            fsio::PUBLIC_FILE,
        )];
        if let Some((path, bytes)) = &chain {
            files.push((path.as_path(), bytes.as_slice(), fsio::PUBLIC_FILE));
        }
        fsio::write_all_atomic(&files, self.force).map_err(|(path, e)| write_error(&path, &e))
    }
}

/// Why `path` was not written, in the words every verb uses (an existing file: `-f`).
pub fn write_error(path: &Path, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::AlreadyExists {
        format!("{} already exists; use -f to overwrite it", path.display())
    } else {
        format!("cannot write {}: {e}", path.display())
    }
}

/// The message for an issued certificate whose files could not be written (`why`): the CA
/// keeps it, and how to fetch it again.
fn issued_unwritten(why: String, endpoint: &Endpoint, request_id: Option<u64>) -> String {
    match request_id {
        Some(id) => format!(
            "{why}; the CA issued the certificate (RequestId {id}): fetch it with certreq \
             -retrieve -config {} {id} CertOut",
            endpoint.url()
        ),
        None => format!(
            "{why}; the CA issued the certificate, and EST gives no request id to fetch it \
             again: run certreq -submit again once the outputs can be written"
        ),
    }
}

/// Reads a file of at most 4 MiB.
pub fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "{} is larger than {} MiB; that is not a request or certificate",
            path.display(),
            MAX_FILE_BYTES >> 20
        ));
    }
    Ok(bytes)
}

/// Records the CA's answer on the store entry; a failure is only a warning.
fn record(
    store: Option<&Store>,
    entry: Option<&Entry>,
    endpoint: &Endpoint,
    id: Option<u64>,
    disposition: &str,
) {
    let (Some(store), Some(entry)) = (store, entry) else {
        return;
    };
    if entry.meta.state == "issued" {
        // the entry is its accepted certificate's: a request sent again leaves it as it was
        eprintln!(
            "certreq: note: the key store entry {} holds its certificate already ({}); this \
             answer is not recorded in it",
            entry.dir.display(),
            entry.meta.thumbprint.as_deref().unwrap_or("accepted")
        );
        return;
    }
    let mut meta = entry.meta.clone();
    if let Some(id) = id {
        let was = meta.request_id.replace(id.to_string());
        if let Some(old) = was.filter(|old| *old != id.to_string())
            && meta
                .disposition
                .as_deref()
                .is_some_and(|d| d.ends_with("pending"))
        {
            eprintln!(
                "certreq: note: this request was sent before as request {old}, still pending; \
                 the key store entry now waits for request {id} (should the CA issue {old}, \
                 certreq -retrieve {old} fetches it)"
            );
        }
    }
    meta.ca = Some(endpoint.url());
    meta.disposition = Some(disposition.to_string());
    if let Err(e) = store.set_meta(entry, &meta) {
        eprintln!("certreq: warning: the key store entry was not updated: {e}");
    }
}

/// EST answers with the issued certificate alone (RFC 7030 §4.2.3), where AD CS sends its
/// chain: the CA certificates from `/cacerts` complete it, for ChainOut and for a later
/// `-accept`. Read before the request is sent, so that nothing stands between the CA issuing
/// and the certificate being written; `/cacerts` that cannot be read is said, and the answer
/// stays as it comes.
fn est_ca_certificates(client: &Client, endpoint: &Endpoint) -> Vec<Certificate> {
    let Endpoint::Est { base, label } = endpoint else {
        return Vec::new();
    };
    let url = enroll::cadocs::cacerts_url(base, label.as_deref());
    match drive::est_cacerts(client, &url) {
        Ok(cas) => cas.certificates().to_vec(),
        Err(e) => {
            eprintln!(
                "certreq: warning: the chain will hold the certificate alone: the CA \
                 certificates could not be read: {e}"
            );
            Vec::new()
        }
    }
}

/// `response` with the CA certificates `cas` beside its own, unless they are not needed: a
/// leaf whose chain the answer holds already, or a self-issued one.
fn with_ca_certificates(
    response: certreq_pkix::cert::Response,
    cas: &[Certificate],
    spki: Option<&[u8]>,
) -> certreq_pkix::cert::Response {
    let Some(leaf) = spki
        .and_then(|s| response.leaf_for(s))
        .or_else(|| response.leaf())
    else {
        return response;
    };
    if cas.is_empty() || leaf.is_self_issued() || response.chain_for(leaf).len() > 1 {
        return response;
    }
    let mut certs = response.certificates().to_vec();
    for c in cas {
        if !certs.iter().any(|k| k.der() == c.der()) {
            certs.push(c.clone());
        }
    }
    certreq_pkix::cert::Response::from_parts(response.kind, certs, response.cmc_status.clone())
}

/// Keeps the CA certificates of an issuing answer with the entry of its key, so that
/// `-accept` of the bare certificate (as the pending message says to run) still finds its
/// chain, for the PFX and the stored chain.
pub fn keep_ca_certificates(
    store: Option<&Store>,
    entry: Option<&Entry>,
    response: &certreq_pkix::cert::Response,
) {
    let (Some(store), Some(entry)) = (store, entry) else {
        return;
    };
    // an entry whose certificate was accepted keeps the chain it has
    if entry.meta.state == "issued" {
        return;
    }
    if let Err(e) = store.keep_ca_certificates(entry, response.certificates()) {
        eprintln!("certreq: warning: the CA certificates were not kept with the key: {e}");
    }
}

/// Runs `-submit`; returns the exit status.
pub fn run(inv: &Invocation) -> i32 {
    report(submit(inv))
}

fn submit(inv: &Invocation) -> Result<(), Failure> {
    check_options(inv, "submit", &ACCEPTED)?;
    let (request_path, outputs) = match inv.args.as_slice() {
        [] => {
            return Err(Failure::Usage(
                "-submit needs the request file: certreq -submit -config URL RequestIn [CertOut [ChainOut]]"
                    .into(),
            ));
        }
        [_, _, _, extra, ..] => {
            return Err(Failure::Usage(format!(
                "unexpected argument `{extra}`: FullResponseFileOut is not available (Web \
                 Enrollment and EST return no CMC full response); certreq -submit takes \
                 RequestIn [CertOut [ChainOut]]"
            )));
        }
        [req, rest @ ..] => {
            let req = PathBuf::from(req);
            let cert = rest
                .first()
                .map_or_else(|| req.with_extension("cer"), PathBuf::from);
            (
                req,
                Outputs {
                    cert,
                    chain: rest.get(1).map(PathBuf::from),
                    binary: inv.has(Opt::Binary),
                    force: inv.has(Opt::Force),
                },
            )
        }
    };
    let attrib = inv.value(Opt::Attrib);
    if let Some(a) = attrib {
        config::check_attrib(a).map_err(Failure::Usage)?;
    }
    let (endpoint, client) = connect(inv, "submit")?;
    if fsio::same_file(&outputs.cert, &request_path)
        || outputs
            .chain
            .as_ref()
            .is_some_and(|chain| fsio::same_file(chain, &request_path))
    {
        return Err(Failure::Usage(format!(
            "the certificate would overwrite the request {}; name a different CertOut",
            request_path.display()
        )));
    }
    outputs.check()?;

    let bytes = read_limited(&request_path)?;
    let der = match enroll::request_der(&bytes) {
        Ok(der) => der,
        Err(enroll::EnrollError::Request(e)) => {
            return Err(format!("{}: {e}", request_path.display()).into());
        }
        Err(_) => return Err(format!("{} holds no request", request_path.display()).into()),
    };
    // a PKCS #7 request carries certificates too, but also content (the PKCS #10); a
    // certificate chain (.p7b) has none
    let is_request = certreq_pkix::signed::read(&der).is_some_and(|sd| sd.content.is_some());
    if let Ok(r) = response::parse(&der)
        .map_err(|_| ())
        .and_then(|r| if is_request { Err(()) } else { Ok(r) })
    {
        return Err(format!(
            "{} is a certificate response ({} certificate(s)), not a request: use certreq -accept for it",
            request_path.display(),
            r.certificates().len()
        )
        .into());
    }
    if inv.has(Opt::RenewOnBehalfOf) {
        let renewed = renewal_of(&der).map_err(|m| {
            Failure::Message(format!(
                "-RenewOnBehalfOf needs a renewal: {}: {m}",
                request_path.display()
            ))
        })?;
        if !inv.has(Opt::Quiet) {
            outln!(
                "RenewOnBehalfOf: renewing {renewed}; the renewed certificate's signature is the \
                 proof. Web Enrollment and EST carry no request flags (certreq's CR_IN_ROBO), so \
                 the CA decides from the request and the account you sign in with."
            );
        }
    }
    let store = Store::from_env().ok();
    if let Some(store) = &store {
        // what a run killed mid-write left behind goes first
        store.sweep();
    }
    let entry = store.as_ref().and_then(|s| {
        enroll::request_spki(&der)
            .and_then(|spki| s.find_spki(&spki))
            .or_else(|| s.find_request(&der))
    });
    let quiet = inv.has(Opt::Quiet);

    let protocol = match &endpoint {
        Endpoint::AdCs { .. } => Protocol::AdCs,
        Endpoint::Est { .. } => {
            // EST's /simpleenroll takes the PKCS #10 alone: a renewal's or an agent's signature
            // would stay behind, and the CA would deny the renewal (its renewal attribute
            // unproven) or issue the agent a certificate in another's name. Said before
            // anything is sent; /simplereenroll renews by the TLS sign-in instead
            let url = steps_url(inv, &endpoint);
            let renewal_reenrolled = enroll::names_reenroll(&url) && renewal_of(&der).is_ok();
            if !renewal_reenrolled
                && let Some(what) = certreq_pkix::cmc::beyond_pkcs10(&der)
                && what != certreq_pkix::cmc::ARCHIVED_KEY
            {
                return Err(format!(
                    "{} carries {what}, which EST does not take (it sends the PKCS #10 alone), \
                     so nothing was sent: send it to the CA's Web Enrollment URL (…/certsrv), \
                     or renew over EST with a PKCS #10 request at …/simplereenroll, signed in \
                     with the certificate being renewed (-ClientCertificate){}",
                    request_path.display(),
                    with_kept("", entry.as_ref())
                )
                .into());
            }
            if attrib.is_some() {
                eprintln!(
                    "certreq: warning: EST has no request attributes; -attrib is not sent (name \
                     the CA's template with a label: https://host/.well-known/est/LABEL)"
                );
            }
            Protocol::Est
        }
    };
    let start = Start {
        protocol,
        url: steps_url(inv, &endpoint),
        attrib: attrib.unwrap_or("").to_owned(),
        action: Action::Submit {
            request: der.clone(),
        },
    };
    // an EST answer's chain is completed from /cacerts, read now (see est_ca_certificates)
    let cas = if protocol == Protocol::Est && (outputs.chain.is_some() || entry.is_some()) {
        est_ca_certificates(&client, &endpoint)
    } else {
        Vec::new()
    };
    let outcome = drive::run(&client, &start).map_err(|m| with_kept(&m, entry.as_ref()))?;
    let est = protocol == Protocol::Est;
    match outcome {
        Outcome::Issued {
            response,
            request_id,
        } => {
            if let Some(id) = request_id {
                print_request_id(id);
            }
            let spki = enroll::request_spki(&der);
            let response = with_ca_certificates(response, &cas, spki.as_deref());
            let issued = enroll::issued(&response, &[], spki.as_deref())
                .ok_or_else(|| "the CA's answer holds no certificate".to_string())?;
            // the CA's answer is recorded first: it stands though the files cannot be written
            record(
                store.as_ref(),
                entry.as_ref(),
                &endpoint,
                request_id,
                "issued",
            );
            keep_ca_certificates(store.as_ref(), entry.as_ref(), &response);
            outputs
                .write(&issued.leaf, Some(&issued.chain_p7b))
                .map_err(|e| issued_unwritten(e, &endpoint, request_id))?;
            outln!("Certificate retrieved(Issued) Issued");
            if !quiet {
                print_written(&outputs, &issued.leaf);
            }
            Ok(())
        }
        Outcome::Pending {
            request_id,
            retry_after,
        } => {
            if let Some(id) = request_id {
                print_request_id(id);
            }
            let disposition = if est { "est-pending" } else { "pending" };
            record(
                store.as_ref(),
                entry.as_ref(),
                &endpoint,
                request_id,
                disposition,
            );
            let after = retry_after
                .map(|r| format!(" (the server asks to wait {r})"))
                .unwrap_or_default();
            outln!("Certificate request is pending: Taken Under Submission{after}");
            if quiet {
                return Ok(());
            }
            match request_id {
                Some(id) => outln!(
                    "When the CA has issued it: certreq -retrieve -config {} {id} CertOut, then \
                     certreq -accept CertOut",
                    endpoint.url()
                ),
                None if est => outln!(
                    "EST has no request id: run the same `certreq -submit` again later to \
                     collect the certificate"
                ),
                None => {}
            }
            Ok(())
        }
        Outcome::Denied {
            request_id,
            message,
            code,
        } => {
            if let Some(id) = request_id {
                print_request_id(id);
            }
            record(
                store.as_ref(),
                entry.as_ref(),
                &endpoint,
                request_id,
                &format!("denied: {message}"),
            );
            Err(format!(
                "the CA denied the request: {}{}",
                with_kept(&message, entry.as_ref()),
                drive::explanation(&message, code)
            )
            .into())
        }
        Outcome::Undelivered { request_id, why } => {
            print_request_id(request_id);
            record(
                store.as_ref(),
                entry.as_ref(),
                &endpoint,
                Some(request_id),
                "pending",
            );
            Err(format!(
                "the CA took the request as request {request_id}, but its certificate did not \
                 come: {why}\nget it with certreq -retrieve -config {} {request_id} CertOut \
                 (submitting the request again would make the CA take another)",
                endpoint.url()
            )
            .into())
        }
    }
}

/// The subject of the certificate a renewal request renews: a PKCS #7 or CMC request whose
/// PKCS #10 carries the renewal-certificate attribute and which that certificate signed.
fn renewal_of(der: &[u8]) -> Result<String, String> {
    use der::Decode;
    let sd = certreq_pkix::signed::read(der)
        .ok_or("it is a PKCS #10 request; a renewal is a PKCS #7 or CMC request (RenewalCert)")?;
    let req = x509_cert::request::CertReq::from_der(certreq_pkix::cmc::pkcs10_in_any(der))
        .map_err(|_| "it carries no PKCS #10 request")?;
    let renewed = req
        .info
        .attributes
        .iter()
        .find(|a| a.oid == certreq_pkix::oid::RENEWAL_CERTIFICATE)
        .and_then(|a| a.values.get(0))
        .and_then(|v| der::Encode::to_der(v).ok())
        .ok_or("its PKCS #10 has no renewal-certificate attribute (1.3.6.1.4.1.311.13.1)")?;
    let parts = certreq_pkix::cert::CertParts::read(&renewed)
        .ok_or("its renewal-certificate attribute holds no certificate")?;
    if !sd.signers.iter().any(|s| s.sid.names(&parts)) {
        return Err("the renewed certificate did not sign it".into());
    }
    let cert = response::certificate(&renewed).map_err(|e| e.to_string())?;
    Ok(cert.subject())
}

/// `said`, then `; the key stays in the key store (DIR)` when there is an entry (a full stop
/// ending `said`, as the CA's words often do, gives way to it).
fn with_kept(said: &str, entry: Option<&Entry>) -> String {
    match entry {
        Some(e) => format!(
            "{}; the key stays in the key store ({})",
            said.trim_end().trim_end_matches('.'),
            e.dir.display()
        ),
        None => said.to_owned(),
    }
}

/// certreq prints the id twice, the second time quoted.
pub fn print_request_id(id: u64) {
    outln!("RequestId: {id}");
    outln!("RequestId: \"{id}\"");
}

pub fn print_written(outputs: &Outputs, cert: &Certificate) {
    outln!("Certificate: {}", outputs.cert.display());
    if let Some(chain) = &outputs.chain {
        outln!("Chain: {}", chain.display());
    }
    outln!("  Subject: {}", cert.subject());
    outln!(
        "  Thumbprint: {}",
        cert.thumbprint_sha1().to_ascii_lowercase()
    );
}
