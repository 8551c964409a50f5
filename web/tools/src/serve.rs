//! What the tools module answers: each operation of `certreq-wire` run on the engine's
//! crates, and their values turned into the ones that cross.

use certreq_enroll::{Endpoint, cadocs, steps, template, why};
use certreq_keydocs as keydocs;
use certreq_pkix::alg::{Curve, KeyAlgorithm, SignatureScheme};
use certreq_pkix::cert::{Response, ResponseKind};
use certreq_pkix::oid::{self, ObjectIdentifier};
use certreq_pkix::spki::SpkiParts;
use certreq_pkix::tlv::{self, Tlv};
use certreq_read::{dump, pkcs12, response};
use certreq_request::cmc;
use certreq_wire::ca;
use certreq_wire::enroll as wire_enroll;
use certreq_wire::{
    CmcJob, DocPage, DocQuery, Dump, Node, OP_BACKUP, OP_BACKUP_READ, OP_CA_DOWNLOADS,
    OP_CERTIFICATE, OP_CMC, OP_COMPILE, OP_CRL, OP_CSRATTRS, OP_DOC, OP_DUMP, OP_ENROLL_READ,
    OP_ENROLL_START, OP_EST_PLACES, OP_EXPLAIN, OP_PFX, OP_PFX_READ, OP_RENEWAL_INF, OP_RESPONSE,
    OP_TEMPLATE_CHECK, OP_TEMPLATE_LIST, OP_WRAP, PfxImport, PfxJob, PfxOpened, PfxProfile,
    RenewalInfQuery, STATUS_FAILED, STATUS_OK, ToSign, WrapJob, doc_to_wire, dump_to_wire,
    one_certificate_to_wire, response_to_wire,
};
use zeroize::{Zeroize, Zeroizing};

/// Answers one question: `(status, bytes)`.
pub fn serve(op: u32, input: &[u8]) -> (u32, Vec<u8>) {
    let result = match op {
        OP_DUMP => dump::dump(input)
            .map(|d| dump_to_wire(&crossing_dump(d)))
            .map_err(|e| e.to_string()),
        OP_PFX => PfxJob::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(write_pfx),
        OP_RESPONSE => response::parse(input)
            .map(|r| response_to_wire(&r))
            .map_err(|e| e.to_string()),
        OP_CERTIFICATE => response::certificate(input)
            .map(|c| one_certificate_to_wire(&c))
            .map_err(|e| format!("this is not a certificate ({e})")),
        OP_DOC => DocQuery::from_wire(input)
            .map(|q| doc_to_wire(page(&q).as_ref()))
            .map_err(|e| e.to_string()),
        OP_ENROLL_START => wire_enroll::Start::from_wire(input)
            .map(|s| crossing_next(steps::start(&engine_start(s))).to_wire())
            .map_err(|e| e.to_string()),
        OP_ENROLL_READ => wire_enroll::read_from_wire(input)
            .map(|(state, url, answer)| {
                crossing_next(steps::read(&state, &url, &engine_answer(answer))).to_wire()
            })
            .map_err(|e| e.to_string()),
        OP_PFX_READ => PfxImport::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(open_pfx),
        OP_BACKUP => certreq_wire::backup::BackupJob::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(backup::write),
        OP_BACKUP_READ => PfxImport::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(backup::open),
        OP_RENEWAL_INF => RenewalInfQuery::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(|q| renew::inf(&q))
            .map(String::into_bytes),
        OP_WRAP => WrapJob::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(|job| run_wrap(&job)),
        OP_CMC => CmcJob::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(|job| run_cmc(&job)),
        OP_TEMPLATE_LIST => template_list(input),
        OP_CSRATTRS => ca::HttpAnswer::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(|a| {
                template::read_csrattrs(a.status, &a.content_type, &a.body)
                    .map(|attrs| crossing_facts(&attrs.requirements()).to_wire())
                    .map_err(|e| e.to_string())
            }),
        OP_TEMPLATE_CHECK => ca::TemplateCheck::from_wire(input)
            .and_then(|q| Ok((ca::TemplateFacts::from_wire(&q.facts)?, q)))
            .map_err(|e| e.to_string())
            .map(|(facts, q)| template_check(&q, facts)),
        OP_CA_DOWNLOADS => ca::CaDownloadsQuery::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(|q| ca_downloads(&q)),
        OP_CRL => ca::CrlQuery::from_wire(input)
            .map_err(|e| e.to_string())
            .and_then(|q| read_crl(&q)),
        OP_EXPLAIN => ca::ExplainQuery::from_wire(input)
            .map_err(|e| e.to_string())
            .map(|q| ca::explanation_to_wire(explain(&q).as_ref())),
        OP_EST_PLACES => core::str::from_utf8(input)
            .map_err(|_| "the URL is not UTF-8".to_owned())
            .and_then(est_places),
        OP_COMPILE => core::str::from_utf8(input)
            .map(|text| certreq_wire::reading::read(text).to_wire())
            .map_err(|_| "the INF text is not UTF-8".to_owned()),
        _ => Err(format!("the tools module has no operation {op}")),
    };
    match result {
        Ok(bytes) => (STATUS_OK, bytes),
        Err(why) => (STATUS_FAILED, why.into_bytes()),
    }
}

/// The templates of an advanced request page.
fn template_list(page: &[u8]) -> Result<Vec<u8>, String> {
    let list =
        template::read_template_page(&String::from_utf8_lossy(page)).map_err(|e| e.to_string())?;
    Ok(ca::TemplateFacts {
        offered: Some(offers(&list)),
        ..ca::TemplateFacts::default()
    }
    .to_wire())
}

fn offers(list: &[template::OfferedTemplate]) -> Vec<ca::TemplateOffer> {
    list.iter()
        .map(|t| ca::TemplateOffer {
            name: t.name.clone(),
            display: t.display.clone(),
        })
        .collect()
}

/// What is known of a template, as it crosses (OIDs dotted).
fn crossing_facts(k: &template::Known) -> ca::TemplateFacts {
    let dotted = |list: &[certreq_pkix::oid::ObjectIdentifier]| {
        list.iter().map(ToString::to_string).collect::<Vec<_>>()
    };
    ca::TemplateFacts {
        offered: k.offered.as_deref().map(offers),
        attrib_template: k.attrib_template.clone(),
        key: k.key.as_ref().map(|key| match key {
            template::KeyRequirement::Rsa { bits } => ca::KeyAsked::Rsa { bits: *bits },
            template::KeyRequirement::Ec { curve } => ca::KeyAsked::Ec {
                curve: curve.map(|c| c.to_string()),
            },
        }),
        signature: dotted(&k.signature),
        subject: dotted(&k.subject),
        extensions: dotted(&k.extensions),
        challenge_password: k.challenge_password,
        unknown: dotted(&k.unknown),
    }
}

/// The facts the app sends, back as the engine's; OIDs that do not parse are left out.
fn engine_facts(f: &ca::TemplateFacts) -> template::Known {
    use certreq_pkix::oid::ObjectIdentifier;
    let oids = |list: &[String]| {
        list.iter()
            .filter_map(|s| ObjectIdentifier::new(s).ok())
            .collect::<Vec<_>>()
    };
    template::Known {
        offered: f.offered.as_ref().map(|list| {
            list.iter()
                .map(|t| template::OfferedTemplate {
                    name: t.name.clone(),
                    display: t.display.clone(),
                    kind: None,
                    fields: Vec::new(),
                })
                .collect()
        }),
        attrib_template: f.attrib_template.clone(),
        key: f.key.as_ref().map(|k| match k {
            ca::KeyAsked::Rsa { bits } => template::KeyRequirement::Rsa { bits: *bits },
            ca::KeyAsked::Ec { curve } => template::KeyRequirement::Ec {
                curve: curve.as_deref().and_then(|c| ObjectIdentifier::new(c).ok()),
            },
        }),
        signature: oids(&f.signature),
        subject: oids(&f.subject),
        extensions: oids(&f.extensions),
        challenge_password: f.challenge_password,
        unknown: oids(&f.unknown),
    }
}

/// The INF compiled and checked against the facts, with the template beside it (AD CS's
/// template field): the findings, at byte spans of its text. AD CS's findings are about the
/// template list and name the template themselves; EST's are worded with what they were
/// measured against, the CSR attributes and the label (the template beside the INF, which the
/// engine's check does not read for EST).
fn template_check(q: &ca::TemplateCheck, mut facts: ca::TemplateFacts) -> Vec<u8> {
    facts.attrib_template = q.template.clone().or(facts.attrib_template);
    let compiled = certreq_request::compile(&q.inf);
    let found = template::check(&compiled, &engine_facts(&facts));
    let span = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let whose = match (&facts.offered, &q.template) {
        (Some(_), _) => String::new(),
        (None, Some(label)) => format!("EST CSR attributes of `{label}`: "),
        (None, None) => "EST CSR attributes: ".to_owned(),
    };
    let list: Vec<ca::Finding> = found
        .into_iter()
        .map(|d| ca::Finding {
            severity: d.severity.as_str().to_owned(),
            code: d.code.to_owned(),
            message: whose.clone() + &d.message,
            help: d.help,
            start: span(d.span.start),
            end: span(d.span.end),
        })
        .collect();
    ca::findings_to_wire(&list)
}

/// The CA label and the `/csrattrs` URL of the EST endpoint `url` (an operation named at its
/// end is not a label).
fn est_places(url: &str) -> Result<Vec<u8>, String> {
    match Endpoint::parse(url).map_err(|e| e.to_string())? {
        Endpoint::Est { base, label } => Ok(ca::EstPlaces {
            csrattrs: template::csrattrs_url(&base, label.as_deref()),
            label: label.unwrap_or_default(),
        }
        .to_wire()),
        Endpoint::AdCs { .. } => Err(
            "this is an AD CS Web Enrollment URL; an EST URL ends in /.well-known/est (with an \
             optional CA label)"
                .into(),
        ),
    }
}

/// Where the CA's certificates and CRLs are.
fn ca_downloads(q: &ca::CaDownloadsQuery) -> Result<Vec<u8>, String> {
    let endpoint = Endpoint::parse(&q.url).map_err(|e| e.to_string())?;
    let d = |what: &str, renewal: u32, url: String| ca::Download {
        what: what.to_owned(),
        renewal,
        url,
    };
    let list = match endpoint {
        Endpoint::Est { base, label } => {
            vec![d(
                "cacerts",
                0,
                cadocs::cacerts_url(&base, label.as_deref()),
            )]
        }
        Endpoint::AdCs { base } => match &q.certcarc_page {
            None => vec![d("page", 0, certreq_enroll::renewals_url(&base))],
            Some(page) => {
                let n = certreq_enroll::parse_renewals(page).ok_or_else(|| {
                    "the CA's certificate page (certcarc.asp) does not say how often the CA was                      renewed (no `var nRenewals=N;`)"
                        .to_owned()
                })?;
                let mut list = Vec::new();
                for r in (0..=n).rev() {
                    let enc = certreq_enroll::Enc::Bin;
                    list.push(d(
                        "cert",
                        r,
                        certreq_enroll::ca_cert_url(&base, r, enc, false),
                    ));
                    list.push(d(
                        "chain",
                        r,
                        certreq_enroll::ca_cert_url(&base, r, enc, true),
                    ));
                    list.push(d("crl", r, cadocs::crl_url(&base, r, false, enc)));
                    list.push(d("delta-crl", r, cadocs::crl_url(&base, r, true, enc)));
                }
                list
            }
        },
    };
    Ok(ca::downloads_to_wire(&list))
}

/// A CRL read and checked.
fn read_crl(q: &ca::CrlQuery) -> Result<Vec<u8>, String> {
    let issuer = match &q.issuer {
        Some(der) => Some(
            response::certificate(der)
                .map_err(|e| format!("the CA certificate does not decode: {e}"))?,
        ),
        None => None,
    };
    let facts = cadocs::read_crl(&q.bytes, q.delta, issuer.as_ref()).map_err(|e| e.to_string())?;
    Ok(ca::CrlSummary {
        issuer: facts.issuer,
        this_update: facts.this_update,
        next_update: facts.next_update,
        number: facts.number,
        delta_of: facts.delta_of,
        revoked: facts
            .revoked
            .into_iter()
            .map(|r| (r.serial, r.date, r.reason))
            .collect(),
        der: facts.der,
    }
    .to_wire())
}

/// What the CA's words mean: a sign-in the browser could not give (a 401), else the code
/// given, else one the text names, else the HTTP status given or named (`answered HTTP 403`).
fn explain(q: &ca::ExplainQuery) -> Option<ca::Explanation> {
    let status = q.est_status.or_else(|| http_status_in(&q.text));
    if status == Some(401) {
        return Some(sign_in(&q.text));
    }
    let e = q
        .code
        .and_then(why::explain_code)
        .or_else(|| why::explain_text(&q.text))
        .or_else(|| {
            status
                .and_then(why::est_status)
                .map(why::Explanation::of_est)
        })?;
    Some(ca::Explanation {
        code: e.code,
        message: e.message,
        meaning: e.meaning,
        action: e.action,
    })
}

/// The status of `HTTP NNN` in a message (the enrollment steps' `answered HTTP 403: …`).
fn http_status_in(text: &str) -> Option<u16> {
    let (_, after) = text.split_once("HTTP ")?;
    after.get(..3)?.parse().ok()
}

/// A 401 in the browser: the CA asked for a sign-in the browser did not give. `text` carries
/// the answer's `WWW-Authenticate` line when the page could read it.
fn sign_in(text: &str) -> ca::Explanation {
    let challenge = text
        .split_once("WWW-Authenticate:")
        .map_or("", |(_, c)| c.trim());
    let scheme = challenge.split([' ', ',']).next().unwrap_or("");
    let windows = ["negotiate", "ntlm", "kerberos"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s));
    if windows {
        return ca::Explanation {
            code: format!("HTTP 401 ({scheme})"),
            message: String::new(),
            meaning: "The CA asks for Windows sign-in (Kerberos through HTTP Negotiate) and \
                      this browser did not sign in: it has no Kerberos ticket, or it does not \
                      offer one to this site."
                .into(),
            action: "You: sign in to the domain (or kinit) and open this page by the CA's host \
                     name, in a browser that may sign in there (Chrome and Edge: the \
                     AuthServerAllowlist policy or the Local intranet zone; Firefox: \
                     network.negotiate-auth.trusted-uris). Administrator: add the site to \
                     those policies, register the HTTP/host service principal of the CA's web \
                     server, or enable Basic authentication over HTTPS on certsrv. Meanwhile: \
                     download the .req, submit it with certreq on a domain computer, and \
                     accept the .cer here."
                .into(),
        };
    }
    ca::Explanation {
        code: if scheme.is_empty() {
            "HTTP 401".into()
        } else {
            format!("HTTP 401 ({scheme})")
        },
        message: String::new(),
        meaning: "The CA wants a sign-in this browser did not give; browsers answer only \
                  Basic, Digest, NTLM and Negotiate."
            .into(),
        action: "You: open the CA's own page in this browser, sign in if it asks, then try \
                 again. Administrator: allow Basic over HTTPS, or Windows sign-in for domain \
                 computers."
            .into(),
    }
}

/// The decoder's tree as it crosses.
fn crossing_dump(d: dump::Dump) -> Dump {
    fn nodes(list: Vec<dump::Node>) -> Vec<Node> {
        list.into_iter()
            .map(|n| Node {
                label: n.label,
                value: n.value,
                children: nodes(n.children),
            })
            .collect()
    }
    Dump {
        kind: d.kind.to_owned(),
        title: d.title,
        nodes: nodes(d.nodes),
    }
}

fn engine_start(s: wire_enroll::Start) -> steps::Start {
    steps::Start {
        protocol: match s.protocol {
            wire_enroll::Protocol::AdCs => steps::Protocol::AdCs,
            wire_enroll::Protocol::Est => steps::Protocol::Est,
        },
        url: s.url,
        attrib: s.attrib,
        action: match s.action {
            wire_enroll::Action::Submit { request } => steps::Action::Submit { request },
            wire_enroll::Action::Retrieve {
                request_id,
                request,
            } => steps::Action::Retrieve {
                request_id,
                request,
            },
        },
    }
}

fn engine_answer(a: wire_enroll::Answer) -> steps::Answer {
    steps::Answer {
        status: a.status,
        content_type: a.content_type,
        retry_after: a.retry_after,
        body: a.body,
    }
}

/// An enrollment step as it crosses.
pub fn crossing_next(next: steps::Next) -> wire_enroll::Next {
    match next {
        steps::Next::Send(r) => wire_enroll::Next::Send(wire_enroll::HttpRequest {
            url: r.url,
            post: r.post,
            state: r.state,
            request_id: r.request_id,
        }),
        steps::Next::Issued {
            response,
            request_id,
        } => wire_enroll::Next::Issued {
            response,
            request_id,
        },
        steps::Next::Pending {
            request_id,
            retry_after,
            resend,
        } => wire_enroll::Next::Pending {
            request_id,
            retry_after,
            resend,
        },
        steps::Next::Denied {
            request_id,
            message,
            code,
        } => wire_enroll::Next::Denied {
            request_id,
            message,
            code,
        },
        steps::Next::Failed(failure) => wire_enroll::Next::Failed {
            message: browser_words(&failure),
        },
    }
}

/// Why an enrollment failed, in the words a user of the web app needs: what to do in the
/// browser (sign in on the CA's page, choose the other kind, use the Retrieve button).
fn browser_words(failure: &steps::Failure) -> String {
    use steps::Failure;
    match failure {
        Failure::Http {
            url, status: 401, ..
        } => format!(
            "the CA at {url} asks for a sign-in (HTTP 401); open {url} in this browser, sign \
             in, and try again (Windows sign-in works when the page is served from the CA's \
             own origin)"
        ),
        Failure::Http {
            url, status: 403, ..
        } => format!(
            "the CA at {url} refused this request (HTTP 403): you may not enroll there, or it \
             does not allow this page's origin"
        ),
        Failure::Http {
            url, status: 404, ..
        } => format!(
            "nothing at {url} (HTTP 404); check the URL (AD CS Web Enrollment is usually \
             https://host/certsrv)"
        ),
        Failure::WrongProtocol { est: true } => {
            "this URL is an EST endpoint (/.well-known/est); choose EST as the kind".into()
        }
        Failure::WrongProtocol { est: false } => "an EST URL ends in /.well-known/est (with an \
             optional CA label); choose AD CS for a /certsrv URL"
            .into(),
        Failure::NoRequestId => "the CA gave this request no id here; submit it again, or type \
             the request id in “Retrieve request”"
            .into(),
        Failure::NoRequestToResend => {
            "EST has no request ids; retrieve the pending entry itself, whose request is sent again"
                .into()
        }
        other => other.to_string(),
    }
}

/// The bytes to sign, or with the signature the CMC request.
fn run_cmc(job: &CmcJob) -> Result<Vec<u8>, String> {
    let cannot =
        |e: certreq_request::encode::EncodeError| format!("cannot build the CMC request: {e}");
    let content = cmc::wrap(&job.pkcs10, &job.spki, job.scheme).map_err(cannot)?;
    let digest = content.hash().digest(&content.pki_data);
    let unsigned = content.prepare(&digest).map_err(cannot)?;
    match &job.signature {
        None => Ok(unsigned.to_be_signed),
        Some(signature) => unsigned.finish(signature).map_err(cannot),
    }
}

/// What each signer signs, or with their signatures the wrapped request ([`WrapJob`]).
fn run_wrap(job: &WrapJob) -> Result<Vec<u8>, String> {
    use certreq_request::pkcs7;
    let cannot = |e: certreq_request::encode::EncodeError| {
        let what = match job.requester_name {
            Some(_) => "request on behalf of another user",
            None => "renewal request",
        };
        format!("cannot build the {what}: {e}")
    };
    let name = job.requester_name.as_deref();
    // the certificate's key signs as the engine says for its kind, or with PSS when the
    // browser holds it as an RSA-PSS key
    let pss = |scheme: SignatureScheme| match scheme {
        SignatureScheme::RsaPkcs1(hash) if job.pss => SignatureScheme::RsaPss(hash),
        other => other,
    };
    let content = match (&job.cmc, name) {
        (None, None) => pkcs7::renewal(&job.pkcs10, &job.cert, job.hash),
        (None, Some(name)) => pkcs7::on_behalf_of(&job.pkcs10, &job.cert, name, job.hash),
        (Some((spki, scheme)), _) => {
            cmc::CertSigner::new(&job.cert, job.hash, "signing certificate").and_then(|mut c| {
                c.scheme = pss(c.scheme);
                #[allow(
                    clippy::needless_update,
                    reason = "the archived key's field exists only with `lifecycle`"
                )]
                let extras = cmc::Extras {
                    requester_name: name,
                    cosigners: vec![c],
                    ..cmc::Extras::default()
                };
                cmc::wrap_with(&job.pkcs10, spki, *scheme, &extras)
            })
        }
    }
    .map_err(cannot)?;
    // a PKCS #7 wrapper's one new signer is the certificate's (CMC's were set above)
    let mut content = content;
    if job.cmc.is_none() {
        for signer in &mut content.signers {
            signer.scheme = pss(signer.scheme);
        }
    }
    let unsigned = content.prepare(|h, b| h.digest(b)).map_err(cannot)?;
    if job.signatures.is_empty() {
        return Ok(ToSign(unsigned.to_be_signed).to_wire());
    }
    unsigned.finish(&job.signatures).map_err(cannot)
}

/// Random bytes for a PFX's salts and IVs, drawn in turn from the ones the app sent (the
/// module has no source of its own); running out is an error, never a reuse.
fn drawn_from(pool: &[u8]) -> impl FnMut(&mut [u8]) -> Result<(), pkcs12::RandomUnavailable> {
    let mut pool = pool;
    move |buf: &mut [u8]| {
        if buf.len() > pool.len() {
            return Err(pkcs12::RandomUnavailable);
        }
        let (head, tail) = pool.split_at(buf.len());
        buf.copy_from_slice(head);
        pool = tail;
        Ok(())
    }
}

/// Writes the PFX, drawing salts and IVs from [`PfxJob::random`]; refuses rather than reuse
/// or invent random bytes when they run out. The key's bytes are wiped once the PFX is made.
fn write_pfx(job: PfxJob) -> Result<Vec<u8>, String> {
    let key = Zeroizing::new(job.private_key_pkcs8);
    let password = Zeroizing::new(job.password);
    let chain: Vec<&[u8]> = job.chain.iter().map(Vec::as_slice).collect();
    let mut random = drawn_from(&job.random);
    let profile = match job.profile {
        PfxProfile::Modern => pkcs12::Profile::Modern,
        PfxProfile::Legacy => pkcs12::Profile::Legacy,
    };
    pkcs12::write(
        &pkcs12::PfxInput {
            private_key_pkcs8: &key,
            leaf: &job.leaf,
            chain: &chain,
            friendly_name: job.friendly_name.as_deref(),
        },
        &password,
        profile,
        &mut random,
    )
    .map_err(|e| match e {
        pkcs12::Pkcs12Error::RandomUnavailable => {
            "cannot write the PFX: it needs more random bytes than it was given".into()
        }
        e => format!("cannot write the PFX: {e}"),
    })
}

/// Opens a PFX to import it (what crosses: [`PfxOpened`]): its key, the kind of key that is,
/// its end-entity certificate with that certificate's issuers in the file, and the name to keep
/// them under. Refused with a sentence when the PFX holds no key, no certificate, or a key
/// Web Crypto cannot take, and when it has no MAC (the app has no way to ask for one
/// explicitly).
fn open_pfx(job: PfxImport) -> Result<Vec<u8>, String> {
    let password = Zeroizing::new(job.password);
    let contents =
        pkcs12::read(&job.pfx, &password, pkcs12::MacPolicy::Required).map_err(|e| match e {
            pkcs12::Pkcs12Error::MacMissing => "this PFX has no integrity check (MAC), so \
                nothing shows it was not altered, and it is not imported; write it again with \
                one (openssl pkcs12 -export, or Windows' export with a password)"
                .to_owned(),
            e => e.to_string(),
        })?;
    if contents
        .data
        .iter()
        .any(|d| d.starts_with(certreq_wire::backup::BACKUP_MAGIC))
    {
        return Err(
            "this is a certreq-web backup of a whole store: open it with Restore \
                    a backup, which brings back its entries with their keys"
                .into(),
        );
    }
    let certificates = contents
        .certificates
        .iter()
        .map(|der| response::certificate(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the PFX holds a certificate that does not decode: {e}"))?;
    let Some(key) = contents.private_key_pkcs8.as_ref() else {
        return Err(
            "this PFX holds no private key (accept its certificate for a key kept \
                    here instead)"
                .into(),
        );
    };
    if contents.key_count > 1 {
        return Err(format!(
            "this PFX holds {} private keys; an import takes one key with its certificate \
             (export each on its own)",
            contents.key_count
        ));
    }
    let count = certificates.len();
    let bundle = Response::from_parts(ResponseKind::CertificateBundle, certificates, None);
    // the key's own certificate, by its public key; an EC key written without its public
    // point is paired the way an answer is (the sign/verify probe then checks the pair)
    let leaf = match pkcs8_public_bits(key) {
        Some(bits) => {
            let found = bundle.certificates().iter().find(|c| {
                SpkiParts::read(c.spki_der()).map(|p| p.bit_string) == Some(bits.as_slice())
            });
            if found.is_none() && count > 0 {
                return Err(if count == 1 {
                    "the PFX's certificate is not for its private key".into()
                } else {
                    format!("none of the PFX's {count} certificates is for its private key")
                });
            }
            found
        }
        None => bundle.leaf(),
    };
    let (Some(algorithm), Some(leaf)) = (pkcs8_key_algorithm(key), leaf) else {
        return Err(
            "the PFX holds no certificate, or a key other than RSA or ECDSA P-256/384/521".into(),
        );
    };
    let mut opened = PfxOpened {
        // the key crosses to the app: this copy is wiped once it is on the wire
        private_key_pkcs8: key.to_vec(),
        key: algorithm,
        certificate: leaf.clone(),
        issuers: bundle
            .chain_for(leaf)
            .into_iter()
            .skip(1)
            .map(|c| c.der().to_vec())
            .collect(),
        friendly_name: contents
            .friendly_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| leaf.subject()),
    };
    let wire = opened.to_wire();
    opened.private_key_pkcs8.zeroize();
    Ok(wire)
}

/// The kind of key a PKCS #8 `PrivateKeyInfo` holds (RFC 5208: `SEQUENCE { version,
/// privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING, … }`): RSA with its
/// modulus size (from `RSAPrivateKey ::= SEQUENCE { version, modulus, … }`), or ECDSA on a
/// curve Web Crypto knows (the algorithm's parameters). `None` for anything else.
fn pkcs8_key_algorithm(der: &[u8]) -> Option<KeyAlgorithm> {
    let info = tlv::only(der, 0x30)?;
    let Tlv {
        tag: 0x02, rest, ..
    } = tlv::read(info)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x30,
        content: algorithm,
        rest,
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x04,
        content: key,
        ..
    } = tlv::read(rest)?
    else {
        return None;
    };
    let Tlv {
        tag: 0x06,
        content: id,
        rest: parameters,
        ..
    } = tlv::read(algorithm)?
    else {
        return None;
    };
    let id = ObjectIdentifier::from_bytes(id).ok()?;
    if id == oid::RSA_ENCRYPTION {
        let rsa = tlv::only(key, 0x30)?;
        let Tlv {
            tag: 0x02, rest, ..
        } = tlv::read(rsa)?
        else {
            return None;
        };
        let Tlv {
            tag: 0x02,
            content: modulus,
            ..
        } = tlv::read(rest)?
        else {
            return None;
        };
        let start = modulus.iter().position(|&b| b != 0)?;
        let bits = (modulus.len() - start - 1) * 8 + (8 - modulus[start].leading_zeros() as usize);
        Some(KeyAlgorithm::Rsa {
            bits: u32::try_from(bits).ok()?,
        })
    } else if id == oid::EC_PUBLIC_KEY {
        let curve = tlv::only(parameters, 0x06)?;
        Curve::from_oid(&ObjectIdentifier::from_bytes(curve).ok()?).map(KeyAlgorithm::Ecdsa)
    } else {
        None
    }
}

/// The `subjectPublicKey` bits (the BIT STRING's contents) of the key in a PKCS #8
/// `PrivateKeyInfo`, as a certificate for it carries them: RSA's `RSAPublicKey { modulus,
/// publicExponent }` (RFC 8017), an EC key's point when its `ECPrivateKey` holds it (`[1]`,
/// RFC 5915; OpenSSL, Windows and Java write it). `None` for anything else.
fn pkcs8_public_bits(der: &[u8]) -> Option<Vec<u8>> {
    let fields = tlv::items(tlv::only(der, 0x30)?)?;
    let (&(0x30, algorithm), &(0x04, key)) = (fields.get(1)?, fields.get(2)?) else {
        return None;
    };
    let id = ObjectIdentifier::from_bytes(tlv::read(algorithm).filter(|t| t.tag == 0x06)?.content)
        .ok()?;
    let inner = tlv::items(tlv::only(key, 0x30)?)?;
    if id == oid::RSA_ENCRYPTION {
        let (&(0x02, n), &(0x02, e)) = (inner.get(1)?, inner.get(2)?) else {
            return None;
        };
        let mut public = tlv::tlv(0x02, n);
        public.extend(tlv::tlv(0x02, e));
        let mut bits = vec![0];
        bits.extend(tlv::tlv(0x30, &public));
        Some(bits)
    } else if id == oid::EC_PUBLIC_KEY {
        let &(_, point) = inner.iter().find(|(tag, _)| *tag == 0xa1)?;
        tlv::only(point, 0x03).map(<[u8]>::to_vec)
    } else {
        None
    }
}

/// The page the reference has for this place, if any.
fn page(q: &DocQuery) -> Option<DocPage> {
    match &q.key {
        Some(key) => keydocs::lookup_in(&q.section, key).map(|d| DocPage::Key {
            section: d.section.into(),
            key: d.key.into(),
            values: d.values.into(),
            default: d.default.into(),
            acts_on: d.effect.label().into(),
            summary: d.summary.into(),
            here: d.here.into(),
            example: d.example.into(),
        }),
        None => keydocs::section_doc(&q.section).map(|d| DocPage::Section {
            name: d.name.into(),
            summary: d.summary.into(),
            here: d.here.into(),
            example: d.example.into(),
        }),
    }
}

mod backup;
mod renew;
#[cfg(test)]
mod tests;
