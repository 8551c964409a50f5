//! Extensions to certreq's syntax for knowing the CA (certreq on Windows asks the CA over
//! DCOM, or leaves this to certutil):
//!
//! - `certreq -templates -config URL`: the templates the CA offers you (AD CS: the advanced
//!   request page, `certrqxt.asp`), or what an EST server asks of requests (`/csrattrs`);
//! - `certreq -cacert -config URL [-renewal N] CertFileOut`: a CA certificate (AD CS: the
//!   current one, or renewal N; EST: the first of `/cacerts`);
//! - `certreq -cachain -config URL [-renewal N] ChainFileOut`: the CA's chain as PKCS #7;
//! - `certreq -crl -config URL [-delta] [-renewal N] CrlFileOut`: the base (or delta) CRL,
//!   checked before it is written: it must parse, be the kind asked for and be issued by the
//!   CA certificate of the same renewal.
//!
//! Every output is written whole or not at all; nothing is written when the CA's answer is
//! not what was asked for.

use certreq_enroll::cadocs;
use certreq_enroll::template;
use certreq_enroll::{self as enroll, Enc, Endpoint, Retrieval};
use certreq_pkix::cert::Certificate;
use certreq_pkix::pem::{self, Label};

use crate::args::{Invocation, Opt, Verb};
use crate::drive;
use crate::http::Client;
use crate::submit::{self, Failure};

const ACCEPTED: [Opt; 13] = [
    Opt::Kerberos,
    Opt::Config,
    Opt::Binary,
    Opt::Force,
    Opt::Quiet,
    Opt::UserName,
    Opt::Password,
    Opt::CaFile,
    Opt::User,
    Opt::Help,
    Opt::Renewal,
    Opt::Delta,
    Opt::ClientCertificate,
];

/// Runs `-templates`, `-cacert`, `-cachain` or `-crl`; returns the exit status.
pub fn run(inv: &Invocation, verb: Verb) -> i32 {
    submit::report(know(inv, verb))
}

fn know(inv: &Invocation, verb: Verb) -> Result<(), Failure> {
    let name = verb.name().to_ascii_lowercase();
    submit::check_options(inv, &name, &ACCEPTED)?;
    if inv.has(Opt::Delta) && verb != Verb::Crl {
        return Err(Failure::Usage(format!(
            "-delta applies to -crl, not -{name}"
        )));
    }
    let renewal = match inv.value(Opt::Renewal) {
        None => None,
        Some(v) => Some(v.trim().parse::<u32>().map_err(|_| {
            Failure::Usage(format!(
                "-renewal `{v}` is not a number (0 is the CA's first certificate)"
            ))
        })?),
    };
    if verb == Verb::Templates {
        if let Some(extra) = inv.args.first() {
            return Err(Failure::Usage(format!(
                "unexpected argument `{extra}`: certreq -templates -config URL takes no file"
            )));
        }
        if renewal.is_some() {
            return Err(Failure::Usage(
                "-renewal applies to -cacert, -cachain and -crl".into(),
            ));
        }
        // -templates prints its list; nothing is written for these to change
        if let Some(opt) = [Opt::Binary, Opt::Force].into_iter().find(|o| inv.has(*o)) {
            return Err(Failure::Usage(format!(
                "-{} applies to the file -cacert, -cachain and -crl write; -templates prints its list",
                opt.name()
            )));
        }
        let (endpoint, client) = submit::connect(inv, &name)?;
        return templates(&client, &endpoint);
    }
    let out = match inv.args.as_slice() {
        [out] => std::path::PathBuf::from(out),
        [] => {
            return Err(Failure::Usage(format!(
                "-{name} needs the file to write: certreq -{name} -config URL FileOut"
            )));
        }
        [_, extra, ..] => {
            return Err(Failure::Usage(format!(
                "unexpected argument `{extra}`: certreq -{name} takes one FileOut"
            )));
        }
    };
    let (endpoint, client) = submit::connect(inv, &name)?;
    let force = inv.has(Opt::Force);
    if !force && crate::fsio::would_replace(&out) {
        return Err(Failure::Message(format!(
            "{} already exists; use -f to overwrite it",
            out.display()
        )));
    }
    let binary = inv.has(Opt::Binary);
    let encode = |label: Label, der: &[u8]| {
        if binary {
            der.to_vec()
        } else {
            pem::write(label, der).into_bytes()
        }
    };
    let quiet = inv.has(Opt::Quiet);
    let (bytes, what) = match (&endpoint, verb) {
        (Endpoint::Est { .. }, Verb::Crl) => {
            return Err(Failure::Usage(
                "EST has no CRLs (RFC 7030 hands out CA certificates only); fetch the CRL \
                 from the CA's CRL distribution point"
                    .into(),
            ));
        }
        (Endpoint::Est { .. }, _) if renewal.is_some() => {
            return Err(Failure::Usage(
                "-renewal is an AD CS index; EST's /cacerts holds the current CA certificates"
                    .into(),
            ));
        }
        (Endpoint::Est { base, label }, v) => {
            let url = cadocs::cacerts_url(base, label.as_deref());
            let parsed = drive::est_cacerts(&client, &url)?;
            let certs = parsed.certificates();
            // /cacerts holds the trust anchor, the issuing CA and any intermediates and
            // rollover certificates between them, in no order a reader keeps (a DER SET OF):
            // the CA certificate is a CA's that issued no other CA's in the set (an RA's
            // certificate beside it does not count), the newest of them (a renewed CA's old
            // and new certificates), else the newest CA certificate (a root with its rollover
            // certificates, each of which issued another)
            let issued_none = |c: &&Certificate| {
                !certs
                    .iter()
                    .any(|other| other.is_ca() && other.der() != c.der() && other.issued_by(c))
            };
            let newest = |a: &&Certificate, b: &&Certificate| a.not_before().cmp(&b.not_before());
            let cas = || certs.iter().filter(|c| c.is_ca());
            let issuing = cas()
                .filter(issued_none)
                .max_by(newest)
                .or_else(|| cas().max_by(newest))
                .or_else(|| parsed.leaf())
                .ok_or_else(|| format!("{url} answered no CA certificate"))?;
            if v == Verb::CaCert {
                (encode(Label::Certificate, issuing.der()), describe(issuing))
            } else {
                let p7 = certreq_pkix::cert::build_certs_only_pkcs7(certs.iter().map(|c| c.der()));
                (
                    encode(Label::Pkcs7, &p7),
                    format!("{} certificate(s)", certs.len()),
                )
            }
        }
        (Endpoint::AdCs { base }, v) => {
            let n = match renewal {
                Some(n) => n,
                None => current_renewal(&client, base)?,
            };
            match v {
                Verb::CaCert => {
                    let cert = ca_cert(&client, base, n, renewal)?;
                    (encode(Label::Certificate, cert.der()), describe(&cert))
                }
                Verb::CaChain => {
                    let url = enroll::ca_cert_url(base, n, Enc::Bin, true);
                    let (response, der) = object(&client, &url, renewal)?;
                    let p7 = if response.kind == certreq_pkix::cert::ResponseKind::Pkcs7 {
                        der
                    } else {
                        certreq_pkix::cert::build_certs_only_pkcs7(
                            response.certificates().iter().map(|c| c.der()),
                        )
                    };
                    (
                        encode(Label::Pkcs7, &p7),
                        format!("{} certificate(s)", response.certificates().len()),
                    )
                }
                _ => {
                    let delta = inv.has(Opt::Delta);
                    let ca = ca_cert(&client, base, n, renewal)?;
                    let url = cadocs::crl_url(base, n, delta, Enc::Bin);
                    let reply = client.get(&url)?;
                    drive::http_ok(&client, &url, &reply)?;
                    if enroll::is_page(&reply.content_type) {
                        let page = enroll::classify_page(&String::from_utf8_lossy(&reply.body));
                        let code = match &page {
                            enroll::Disposition::Error { code, .. }
                            | enroll::Disposition::Denied { code, .. } => *code,
                            _ => None,
                        };
                        return Err(Failure::Message(format!(
                            "the CA has no {} CRL for renewal {n}: {}{}",
                            if delta { "delta" } else { "base" },
                            page.message(),
                            drive::explanation(&page.message(), code)
                        )));
                    }
                    let crl = cadocs::read_crl(&reply.body, delta, Some(&ca))
                        .map_err(|e| format!("{url}: {e}; nothing was written"))?;
                    let summary = crl_summary(&crl);
                    (encode(Label::Crl, &crl.der), summary)
                }
            }
        }
    };
    crate::fsio::write_atomic(&out, &bytes, crate::fsio::PUBLIC_FILE, force)
        .map_err(|e| crate::submit::write_error(&out, &e))?;
    if !quiet {
        outln!("{}: {what}", out.display());
    }
    Ok(())
}

/// `nRenewals` from `certcarc.asp`: the current CA certificate's renewal index.
fn current_renewal(client: &Client, base: &str) -> Result<u32, String> {
    let url = enroll::renewals_url(base);
    let reply = client.get(&url)?;
    drive::http_ok(client, &url, &reply)?;
    enroll::parse_renewals(&String::from_utf8_lossy(&reply.body)).ok_or_else(|| {
        format!(
            "{url} does not say how often the CA was renewed (no `var nRenewals=N;`); give \
             -renewal N (0 is the CA's first certificate)"
        )
    })
}

/// A certificate or chain from `certnew`, or the CA's error page in words; `asked`: the
/// renewal `-renewal` named, when it did (a CA that has nothing under it says so in its terms).
fn object(
    client: &Client,
    url: &str,
    asked: Option<u32>,
) -> Result<(certreq_pkix::cert::Response, Vec<u8>), String> {
    let reply = client.get(url)?;
    drive::http_ok(client, url, &reply)?;
    match enroll::classify_retrieval(&reply.content_type, &reply.body) {
        Ok(Retrieval::Object { response, der }) => Ok((response, der)),
        Ok(Retrieval::Page(page)) => {
            let code = drive::page_code(&page);
            let more = match (asked, code) {
                (Some(n), Some(PROPERTY_EMPTY)) => renewal_advice(n),
                _ => drive::explanation(&page.message(), code),
            };
            Err(format!("{url}: {}{more}", page.message()))
        }
        Err(e) => Err(format!(
            "{url} answered something that is not a certificate: {e}"
        )),
    }
}

/// CERTSRV_E_PROPERTY_EMPTY: what AD CS answers for a renewal it does not have.
const PROPERTY_EMPTY: u32 = 0x8009_4004;

/// What to do when the CA has nothing for renewal `n` (its pages speak of request ids).
fn renewal_advice(n: u32) -> String {
    format!(
        "\n  what to do: -renewal {n} may be past the CA's renewals (0 is its first certificate; \
         without -renewal, the current one is fetched)"
    )
}

fn ca_cert(
    client: &Client,
    base: &str,
    renewal: u32,
    asked: Option<u32>,
) -> Result<Certificate, String> {
    let url = enroll::ca_cert_url(base, renewal, Enc::Bin, false);
    let (response, _) = object(client, &url, asked)?;
    response
        .leaf()
        .cloned()
        .ok_or_else(|| format!("{url} answered no certificate"))
}

fn describe(cert: &Certificate) -> String {
    format!(
        "{} (thumbprint {})",
        cert.subject(),
        cert.thumbprint_sha1().to_ascii_lowercase()
    )
}

fn crl_summary(crl: &cadocs::CrlFacts) -> String {
    let kind = match &crl.delta_of {
        Some(base) => format!("delta CRL (of base CRL {base})"),
        None => "base CRL".to_owned(),
    };
    // a delta's removeFromCRL entries are holds released: valid again, not revoked
    let released = crl
        .revoked
        .iter()
        .filter(|r| r.reason == Some(certreq_pkix::cert::REMOVE_FROM_CRL))
        .count();
    let mut out = format!(
        "{kind} number {} of {}, {} revoked",
        crl.number.as_deref().unwrap_or("?"),
        crl.issuer,
        crl.revoked.len() - released
    );
    if released > 0 {
        out.push_str(&format!(", {released} released (removeFromCRL)"));
    }
    for r in &crl.revoked {
        out.push_str(&format!(
            "\n  {} {}",
            r.serial,
            r.reason
                .map(|c| certreq_pkix::cert::crl_reason_name(c).unwrap_or("unknown"))
                .unwrap_or("")
        ));
    }
    out
}

fn templates(client: &Client, endpoint: &Endpoint) -> Result<(), Failure> {
    match endpoint {
        Endpoint::AdCs { base } => {
            let url = template::templates_url(base);
            let reply = client.get(&url)?;
            drive::http_ok(client, &url, &reply)?;
            let list = template::read_template_page(&String::from_utf8_lossy(&reply.body))
                .map_err(|e| format!("{url}: {e}"))?;
            if list.is_empty() {
                return Err(Failure::Message(format!(
                    "the CA at {base} offers you no certificate templates: ask its \
                     administrator for Enroll permission on one"
                )));
            }
            for t in &list {
                outln!("{}\t{}", t.name, t.display);
            }
            Ok(())
        }
        Endpoint::Est { base, label } => {
            let url = template::csrattrs_url(base, label.as_deref());
            let reply = client.get(&url)?;
            let attrs = template::read_csrattrs(reply.status, &reply.content_type, &reply.body)
                .map_err(|e| format!("{url}: {e}"))?;
            let k = attrs.requirements();
            outln!(
                "EST has no template list; the server names its profiles by CA label \
                 (https://host/.well-known/est/LABEL). What {url} asks of requests:"
            );
            if attrs.items.is_empty() {
                outln!("  nothing");
            }
            let label = certreq_pkix::oid::label;
            match &k.key {
                Some(template::KeyRequirement::Rsa { bits }) => outln!(
                    "  key: RSA{}",
                    bits.map(|b| format!(" {b} bits")).unwrap_or_default()
                ),
                Some(template::KeyRequirement::Ec { curve }) => outln!(
                    "  key: ECDSA{}",
                    curve
                        .map(|c| format!(" on {}", label(&c)))
                        .unwrap_or_default()
                ),
                None => {}
            }
            for o in &k.signature {
                outln!("  signature: {}", label(o));
            }
            for o in &k.subject {
                outln!(
                    "  subject attribute: {}",
                    certreq_pkix::name::attribute_label(o)
                );
            }
            for o in &k.extensions {
                outln!("  extension: {} ({o})", label(o));
            }
            if k.challenge_password {
                outln!("  challenge password (not sent by this program)");
            }
            for o in &k.unknown {
                outln!("  {} (not known to this program)", label(o));
            }
            Ok(())
        }
    }
}
