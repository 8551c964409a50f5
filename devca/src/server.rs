//! Routing and handlers: AD CS Web Enrollment under `/certsrv/`, EST under `/.well-known/est/`,
//! static files from `--dist`, authentication and CORS. The connections are `net.rs`'s.

use std::path::{Component, Path, PathBuf};

use base64ct::{Base64, Encoding};
use der::{Decode, Encode};

use crate::ca::Ca;
use crate::csr::{self, ParsedRequest};
use crate::http::{Request, Response};
use crate::pages;
use crate::policy::{self, Denial, IssuePlan};
use crate::store::{Record, STATUS_OK, Status, Store};
use crate::util::{Params, b64_lines, certs_only_pkcs7, decode_armoured_base64, pem_crlf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Issue,
    Pending,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cors {
    Any,
    Origin(String),
}

pub struct Config {
    pub policy: Policy,
    /// Users who may sign in with HTTP Basic (none: no sign-in asked, unless another scheme
    /// is configured).
    pub basic_auth: Vec<(String, String)>,
    /// TLS client certificates are verified (`--client-ca`): a client that shows one devca
    /// issued is signed in as that certificate's recorded requester (never as its subject,
    /// which requesters choose).
    pub client_certs: bool,
    /// Kerberos sign-in (`--auth negotiate`): a client that sends a ticket for devca's HTTP
    /// service is signed in as the principal's user name (`alice@REALM` → `alice`).
    pub negotiate: bool,
    /// Who may enroll for which template (`--allow`).
    pub permissions: policy::Permissions,
    pub cors: Option<Cors>,
    pub dist: Option<PathBuf>,
    pub san_attribute: bool,
    /// Served over HTTPS (`--tls`): the scheme of the URLs devca writes into what it signs.
    pub tls: bool,
}

pub struct Ctx {
    pub ca: Ca,
    pub store: Store,
    pub config: Config,
}

pub const DISPOSITION_PENDING: &str = "Taken Under Submission";
pub const DISPOSITION_ISSUED: &str = "Issued";
pub const EST_RETRY_AFTER: &str = "10";

const CT_CERT: &str = "application/pkix-cert";
const CT_P7B: &str = "application/x-pkcs7-certificates";
const CT_CRL: &str = "application/pkix-crl";

/// The outcome of a submission, after policy.
pub enum Outcome {
    Issued(Record),
    Pending(Record),
    Denied(Record),
}

impl Ctx {
    /// Runs a decoded request through parsing, policy and (unless held) issuance, and records it.
    pub fn submit(
        &self,
        origin: &str,
        attrib: &str,
        der: Vec<u8>,
        user: Option<&str>,
    ) -> std::io::Result<Outcome> {
        let mut rec = Record::new(origin, attrib, der);
        rec.requester = user.unwrap_or("").to_string();
        // kept for `devca approve`, which decides a held request later, as this CA would
        rec.san_attribute = Some(self.config.san_attribute);
        match self.evaluate(&rec) {
            Err(d) => {
                rec.status = if d.status.is_empty() {
                    Status::Failed
                } else {
                    Status::Denied
                };
                rec.message = d.message;
                rec.last_status = if d.status.is_empty() {
                    "The data is invalid. 0x8007000d (WIN32: 13 ERROR_INVALID_DATA)".into()
                } else {
                    d.status
                };
                Ok(Outcome::Denied(self.store.insert(rec)?))
            }
            Ok((plan, req)) => {
                if self.config.policy == Policy::Pending
                    || plan.template == policy::Template::Approval
                {
                    rec.status = Status::Pending;
                    rec.held = true;
                    rec.message = DISPOSITION_PENDING.into();
                    return Ok(Outcome::Pending(self.store.insert(rec)?));
                }
                match self.ca.issue(&plan, &req.public_key) {
                    Ok(cert) => {
                        rec.issued(
                            cert,
                            self.ca.renewals(),
                            plan.template.name(),
                            DISPOSITION_ISSUED,
                        );
                        Ok(Outcome::Issued(self.store.insert(rec)?))
                    }
                    Err(e) => {
                        rec.status = Status::Failed;
                        rec.message = format!("Error issuing the certificate: {e}");
                        Ok(Outcome::Denied(self.store.insert(rec)?))
                    }
                }
            }
        }
    }

    /// Parses and decides a recorded request. A `Denial` with an empty status is a parse or
    /// signature failure.
    pub fn evaluate(&self, rec: &Record) -> Result<(IssuePlan, ParsedRequest), Denial> {
        evaluate_for(
            &self.ca,
            rec,
            self.config.san_attribute,
            &self.config.permissions,
            &|der| self.store.is_revoked(der),
        )
    }
}

/// See [`Ctx::evaluate`]; free so that `devca approve` can use it without a server (a
/// manager's approval is not held to template permissions). The life-cycle checks (renewal,
/// on behalf of, archival, revoked signers) are `lifecycle::check`'s.
pub fn evaluate(
    ca: &Ca,
    rec: &Record,
    san_attribute: bool,
    revoked: crate::lifecycle::Revoked<'_>,
) -> Result<(IssuePlan, ParsedRequest), Denial> {
    evaluate_for(
        ca,
        rec,
        san_attribute,
        &policy::Permissions::default(),
        revoked,
    )
}

fn evaluate_for(
    ca: &Ca,
    rec: &Record,
    san_attribute: bool,
    permissions: &policy::Permissions,
    revoked: crate::lifecycle::Revoked<'_>,
) -> Result<(IssuePlan, ParsedRequest), Denial> {
    let mut req = csr::parse_and_verify(&rec.request).map_err(|e| Denial {
        message: e.0.to_string(),
        status: String::new(),
    })?;
    crate::lifecycle::adopt(&mut req);
    let (attrib, label) = if rec.origin == "est" {
        (
            Vec::new(),
            (!rec.attrib.is_empty()).then_some(rec.attrib.as_str()),
        )
    } else {
        (policy::parse_cert_attrib(&rec.attrib), None)
    };
    let user = (!rec.requester.is_empty()).then_some(rec.requester.as_str());
    let mut plan = policy::decide_for(&req, &attrib, label, san_attribute, user, permissions)?;
    crate::lifecycle::check(ca, &req, &mut plan, &rec.request_sha256, revoked)?;
    Ok((plan, req))
}

fn io_error_page(e: std::io::Error) -> Response {
    Response::html(pages::error(
        &format!("The CA could not save the request: {e}"),
        "The request could not be performed because of an I/O device error. 0x8007045d (WIN32: 1117 ERROR_IO_DEVICE)",
    ))
}

/// Dispatches one request.
pub fn handle(ctx: &Ctx, req: &Request) -> Response {
    let mut resp = route(ctx, req);
    if let Some(cors) = &ctx.config.cors
        && let Some(origin) = req.header("origin")
    {
        let allow = match cors {
            Cors::Any => origin.to_string(),
            Cors::Origin(o) => o.clone(),
        };
        resp = resp
            .with("Access-Control-Allow-Origin", &allow)
            .with("Access-Control-Allow-Credentials", "true")
            .with(
                "Access-Control-Expose-Headers",
                "Retry-After, Content-Type, Content-Transfer-Encoding, WWW-Authenticate",
            )
            .with("Vary", "Origin");
    }
    resp
}

fn route(ctx: &Ctx, req: &Request) -> Response {
    let path = crate::util::percent_decode(&req.path, false);
    let lower = path.to_ascii_lowercase();
    if req.method == "OPTIONS" {
        let mut r =
            Response::new(204, "text/plain", Vec::new()).with("Allow", "GET, HEAD, POST, OPTIONS");
        if ctx.config.cors.is_some() {
            let headers = req
                .header("access-control-request-headers")
                .unwrap_or("Authorization, Content-Type");
            r = r
                .with("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
                .with("Access-Control-Allow-Headers", headers)
                .with("Access-Control-Max-Age", "600");
        }
        return r;
    }
    // RFC 7030 §4.1.1: the EST server SHOULD NOT require client authentication or
    // authorization to answer /cacerts (a client fetches the CA before it has credentials)
    let est_op = lower
        .strip_prefix("/.well-known/est/")
        .map(|rest| rest.rsplit('/').next().unwrap_or(rest));
    let protected = lower == "/certsrv"
        || lower.starts_with("/certsrv/")
        || est_op.is_some_and(|op| op != "cacerts");
    let (user, proof, cert_subject) = match signed_in(ctx, req) {
        SignIn::Anonymous => (None, None, None),
        SignIn::User(u, proof) => (Some(u), proof, None),
        SignIn::Certificate(u, subject) => (Some(u), None, Some(subject)),
        SignIn::Refused | SignIn::Revoked if !protected => (None, None, None),
        SignIn::Revoked => {
            // IIS answers a revoked client certificate with 403 (403.13)
            let why = crate::lifecycle::revoked_status();
            return Response::text(
                403,
                &format!("403 the client certificate is revoked: {why}"),
            );
        }
        SignIn::Refused => {
            let realm = if lower.starts_with("/.well-known/est/") {
                "est"
            } else {
                "devca"
            };
            let mut r = Response::new(401, "text/html; charset=UTF-8", pages::unauthorized());
            // IIS's order: Negotiate first, then Basic
            if ctx.config.negotiate {
                r = r.with("WWW-Authenticate", "Negotiate");
            }
            if !ctx.config.basic_auth.is_empty() {
                r = r.with("WWW-Authenticate", &format!("Basic realm=\"{realm}\""));
            }
            return r;
        }
    };
    let who = Who {
        user: user.as_deref(),
        cert_subject: cert_subject.as_deref(),
        cert: cert_subject.as_ref().and(req.client_cert.as_deref()),
    };
    let resp = dispatch(ctx, req, &path, &lower, protected, &who);
    match proof {
        // the server's half of mutual authentication, on the answer (RFC 4559 §5)
        Some(token) => resp.with("WWW-Authenticate", &format!("Negotiate {token}")),
        None => resp,
    }
}

/// Who a request whose sign-in is settled comes from.
struct Who<'a> {
    /// The signed-in user, if any.
    user: Option<&'a str>,
    /// When a client certificate signed the user in: its subject (DER).
    cert_subject: Option<&'a [u8]>,
    /// That certificate (DER).
    cert: Option<&'a [u8]>,
}

/// The answer to a request whose sign-in is settled.
fn dispatch(
    ctx: &Ctx,
    req: &Request,
    path: &str,
    lower: &str,
    protected: bool,
    who: &Who<'_>,
) -> Response {
    let user = who.user;
    if let Some(rest) = lower.strip_prefix("/.well-known/est/") {
        return est(ctx, req, rest, who);
    }
    let get = req.method == "GET" || req.method == "HEAD";
    match lower {
        "/certsrv" | "/certsrv/" | "/certsrv/default.asp" if get => {
            Response::html(pages::welcome(&ctx.ca.name().to_string()))
        }
        "/certsrv/certfnsh.asp" => {
            if req.method != "POST" {
                return Response::html(pages::error(
                    "The request must be sent with POST. 0x80070057 (WIN32: 87 ERROR_INVALID_PARAMETER)",
                    policy::STATUS_INVALID_PARAMETER,
                ));
            }
            certfnsh(ctx, &Params::parse_bytes(&req.body), user)
        }
        "/certsrv/certnew.cer" if get => certnew(ctx, &Params::parse(&req.query), false, user),
        "/certsrv/certnew.p7b" if get => certnew(ctx, &Params::parse(&req.query), true, user),
        "/certsrv/certcarc.asp" if get => Response::html(pages::certcarc(ctx.ca.renewals())),
        "/certsrv/certcrl.crl" if get => certcrl(ctx, req, &Params::parse(&req.query)),
        "/certsrv/certrqxt.asp" | "/certsrv/certrqad.asp" if get => {
            let offered: Vec<policy::Template> = policy::Template::ALL
                .into_iter()
                .filter(|t| ctx.config.permissions.allows(*t, user))
                .collect();
            Response::html(pages::certrqxt(&offered))
        }
        _ if protected => Response::new(
            404,
            "text/html; charset=UTF-8",
            "<HTML><Body><H2>404 - File or directory not found.</H2></Body></HTML>\r\n",
        ),
        _ if get => match &ctx.config.dist {
            Some(dist) => static_file(dist, path),
            None => Response::text(404, "not found"),
        },
        _ => Response::text(405, "method not allowed"),
    }
}

/// Who a request comes from.
enum SignIn {
    /// No sign-in is configured.
    Anonymous,
    /// Signed in; with Kerberos, the token that proves the server to the client.
    User(String, Option<String>),
    /// Signed in by a client certificate devca issued: its recorded requester, and the
    /// certificate's subject (DER).
    Certificate(String, Vec<u8>),
    /// A sign-in is needed and none (or a wrong one) came.
    Refused,
    /// The client certificate is one devca issued and then revoked.
    Revoked,
}

fn signed_in(ctx: &Ctx, req: &Request) -> SignIn {
    let c = &ctx.config;
    if let Some(der) = &req.client_cert {
        match certificate_user(ctx, der) {
            Ok(Some((user, subject))) => return SignIn::Certificate(user, subject),
            Ok(None) => return SignIn::Revoked,
            // the certificate signs nobody in; other credentials still may
            Err(why) => eprintln!("devca: client certificate not taken: {why}"),
        }
    }
    if c.basic_auth.is_empty() && !c.client_certs && !c.negotiate {
        return SignIn::Anonymous;
    }
    if c.negotiate
        && let Some(token) = negotiate_token(req)
    {
        return match crate::negotiate::accept(token) {
            Ok(done) => SignIn::User(crate::negotiate::user_of(&done.principal), done.reply_token),
            Err(e) => {
                // the client is told 401; the reason is the administrator's to read
                eprintln!("devca: Kerberos sign-in refused: {e}");
                SignIn::Refused
            }
        };
    }
    match basic_user(&c.basic_auth, req) {
        Some(user) => SignIn::User(user, None),
        None => SignIn::Refused,
    }
}

/// Whom a verified client certificate signs in: the requester devca recorded for the request
/// that this very certificate was issued for. Its subject is the requester's choice (devca
/// copies it from the request), so it names nobody; a certificate devca did not issue, or
/// issued to nobody signed in, signs nobody in. `None`: it was revoked.
pub(crate) fn certificate_user(ctx: &Ctx, der: &[u8]) -> Result<Option<(String, Vec<u8>)>, String> {
    let rec = ctx
        .store
        .find_issued(der)
        .ok_or("devca did not issue it (no request holds it)")?;
    if rec.revoked.is_some() {
        return Ok(None);
    }
    if rec.requester.is_empty() {
        return Err(format!(
            "it was issued for request {} which nobody signed in to send",
            rec.id
        ));
    }
    // sent by an enrollment agent for someone else: the agent signed in, not its holder
    if let Ok(parsed) = crate::csr::parse_and_verify(&rec.request)
        && let Some(name) = parsed.requester_name
    {
        return Err(format!(
            "it was issued on behalf of {name} (request {}, sent by {}): it signs nobody in",
            rec.id, rec.requester
        ));
    }
    let cert = x509_cert::Certificate::from_der(der).map_err(|e| e.to_string())?;
    let subject = cert
        .tbs_certificate()
        .subject()
        .to_der()
        .map_err(|e| e.to_string())?;
    Ok(Some((rec.requester, subject)))
}

/// The token of an `Authorization: Negotiate <token>` header.
fn negotiate_token(req: &Request) -> Option<&str> {
    let (scheme, token) = req.header("authorization")?.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("negotiate").then_some(token)
}

/// The Basic-auth user whose credentials the request carries.
fn basic_user(users: &[(String, String)], req: &Request) -> Option<String> {
    let value = req.header("authorization")?;
    let (scheme, cred) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = Base64::decode_vec(cred.trim()).ok()?;
    let mut found = None;
    for (user, pass) in users {
        let expected = format!("{user}:{pass}");
        // constant-time comparison of each candidate
        let same = decoded.len() == expected.len()
            && decoded
                .iter()
                .zip(expected.as_bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same && found.is_none() {
            found = Some(user.clone());
        }
    }
    found
}

/// A request that belongs to someone else: AD CS answers E_ACCESSDENIED.
fn not_yours(rec: &Record, user: Option<&str>) -> bool {
    !rec.requester.is_empty() && user.is_some_and(|u| !u.eq_ignore_ascii_case(&rec.requester))
}

const ACCESS_DENIED: &str = "Access is denied. 0x80070005 (WIN32: 5 ERROR_ACCESS_DENIED)";

fn certfnsh(ctx: &Ctx, form: &Params, user: Option<&str>) -> Response {
    let mode = form.get("Mode").unwrap_or("").trim().to_ascii_lowercase();
    match mode.as_str() {
        "newreq" => {
            let Some(text) = form.get("CertRequest").filter(|t| !t.trim().is_empty()) else {
                return Response::html(pages::error(
                    "No certificate request was found in the form (CertRequest is empty). 0x80070057 (WIN32: 87 ERROR_INVALID_PARAMETER)",
                    policy::STATUS_INVALID_PARAMETER,
                ));
            };
            let der = match decode_armoured_base64(text) {
                Some(d) => d,
                // undecodable: recorded as a failed request, like an unparsable one
                None => text.as_bytes().to_vec(),
            };
            let attrib = form.get("CertAttrib").unwrap_or("");
            match ctx.submit("web", attrib, der, user) {
                Ok(Outcome::Issued(r)) => Response::html(pages::issued(r.id)),
                Ok(Outcome::Pending(r)) => Response::html(pages::pending(r.id)),
                Ok(Outcome::Denied(r)) => Response::html(pages::denied(r.id, &r.message)),
                Err(e) => io_error_page(e),
            }
        }
        "chkpnd" => {
            let Some(id) = form.get("ReqID").and_then(|s| s.trim().parse::<u64>().ok()) else {
                return Response::html(pages::error(
                    "The request ID is missing or not a number. 0x80070057 (WIN32: 87 ERROR_INVALID_PARAMETER)",
                    policy::STATUS_INVALID_PARAMETER,
                ));
            };
            match ctx.store.get(id) {
                Ok(Some(r)) if not_yours(&r, user) => {
                    Response::html(pages::error(ACCESS_DENIED, ACCESS_DENIED))
                }
                Ok(Some(r)) => match r.status {
                    Status::Issued => Response::html(pages::issued(r.id)),
                    Status::Pending => Response::html(pages::still_pending(r.id)),
                    Status::Denied | Status::Failed => {
                        Response::html(pages::denied(r.id, &r.message))
                    }
                },
                Ok(None) => Response::html(pages::unknown_request()),
                Err(e) => io_error_page(e),
            }
        }
        _ => Response::html(pages::error(
            "The form is not a certificate request: Mode must be newreq or chkpnd. 0x80070057 (WIN32: 87 ERROR_INVALID_PARAMETER)",
            policy::STATUS_INVALID_PARAMETER,
        )),
    }
}

fn wants_bin(q: &Params) -> bool {
    q.get("Enc")
        .map(|e| e.trim().eq_ignore_ascii_case("bin"))
        .unwrap_or(false)
}

/// The `Renewal=` of a query: the current renewal when absent or empty; `None` when it names
/// no CA certificate.
fn renewal_of(ctx: &Ctx, q: &Params) -> Option<u32> {
    match q.get("Renewal").map(str::trim) {
        None | Some("") => Some(ctx.ca.renewals()),
        Some(r) => r.parse::<u32>().ok().filter(|r| *r <= ctx.ca.renewals()),
    }
}

fn certnew(ctx: &Ctx, q: &Params, p7b: bool, user: Option<&str>) -> Response {
    let Some(reqid) = q.get("ReqID").map(str::trim) else {
        return Response::html(pages::unknown_request());
    };
    let bin = wants_bin(q);
    let mut ca = ctx.ca.cert_der.as_slice();
    // the CA exchange certificate, for key archival: AD CS hands it out through DCOM
    // (GetCACert GETCERT_CAXCHGCERT) and CES, not Web Enrollment; devca serves it here
    let leaf = if reqid.eq_ignore_ascii_case("CAXchgCert") {
        Some(ctx.ca.exchange.cert_der.clone())
    } else if reqid.eq_ignore_ascii_case("CACert") {
        let Some(cert) = renewal_of(ctx, q).and_then(|r| ctx.ca.cert_of(r)) else {
            return Response::html(pages::unknown_request());
        };
        ca = cert;
        None
    } else {
        let Ok(id) = reqid.parse::<u64>() else {
            return Response::html(pages::unknown_request());
        };
        match ctx.store.get(id) {
            Ok(Some(r)) if not_yours(&r, user) => {
                return Response::html(pages::error(ACCESS_DENIED, ACCESS_DENIED));
            }
            Ok(Some(r)) => match r.status {
                Status::Issued => {
                    ca = ctx.ca.cert_of(r.renewal).unwrap_or(ca);
                    Some(r.cert)
                }
                Status::Pending => {
                    return Response::html(pages::error(DISPOSITION_PENDING, STATUS_OK));
                }
                Status::Denied | Status::Failed => {
                    return Response::html(pages::error(&r.message, &r.last_status));
                }
            },
            Ok(None) => return Response::html(pages::unknown_request()),
            Err(e) => return io_error_page(e),
        }
    };
    if p7b {
        let p7 = match &leaf {
            Some(l) => certs_only_pkcs7(&[l, ca]),
            None => certs_only_pkcs7(&[ca]),
        };
        // AD CS labels the base64 chain CERTIFICATE although it is PKCS#7
        let body = if bin {
            p7
        } else {
            pem_crlf("CERTIFICATE", &p7).into_bytes()
        };
        Response::new(200, CT_P7B, body).with(
            "Content-Disposition",
            "attachment; filename=\"certnew.p7b\"",
        )
    } else {
        let der = leaf.as_deref().unwrap_or(ca);
        let body = if bin {
            der.to_vec()
        } else {
            pem_crlf("CERTIFICATE", der).into_bytes()
        };
        Response::new(200, CT_CERT, body).with(
            "Content-Disposition",
            "attachment; filename=\"certnew.cer\"",
        )
    }
}

fn certcrl(ctx: &Ctx, req: &Request, q: &Params) -> Response {
    let kind = q.get("Type").map(str::trim).unwrap_or("base");
    let delta = if kind.eq_ignore_ascii_case("delta") {
        true
    } else if kind.eq_ignore_ascii_case("base") || kind.is_empty() {
        false
    } else {
        return Response::html(pages::error(
            "The CRL type must be base or delta. 0x80070057 (WIN32: 87 ERROR_INVALID_PARAMETER)",
            policy::STATUS_INVALID_PARAMETER,
        ));
    };
    let Some(renewal) = renewal_of(ctx, q) else {
        return Response::html(pages::unknown_request());
    };
    // where this CA's delta CRLs are, as the client reached it (the base CRL names it)
    let freshest = format!(
        "{}://{}/certsrv/certcrl.crl?Type=delta&Renewal={renewal}&Enc=bin",
        if ctx.config.tls { "https" } else { "http" },
        req.header("host")
            .filter(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"._-:[]".contains(&b))
            })
            .unwrap_or("localhost")
    );
    match crl(ctx, renewal, delta, &freshest) {
        Ok(der) => {
            let body = if wants_bin(q) {
                der
            } else {
                pem_crlf("X509 CRL", &der).into_bytes()
            };
            Response::new(200, CT_CRL, body).with(
                "Content-Disposition",
                "attachment; filename=\"certcrl.crl\"",
            )
        }
        Err(e) => Response::text(500, &format!("cannot build the CRL: {e}")),
    }
}

/// A CRL of renewal `renewal`'s key, freshly signed: the base CRL lists every certificate that
/// key issued and that was revoked, and names `freshest`, the delta CRL's URL; the delta CRL
/// those revoked since the last base CRL.
pub fn crl(ctx: &Ctx, renewal: u32, delta: bool, freshest: &str) -> Result<Vec<u8>, String> {
    let io = |e: std::io::Error| e.to_string();
    let revoked = revoked_of(ctx, renewal);
    let now_listed: Vec<(u64, (u64, u32))> = revoked
        .iter()
        .map(|(id, e)| (*id, (e.at, e.reason)))
        .collect();
    let base = if delta {
        match ctx.store.last_base_crl(renewal) {
            Some(b) => Some(b),
            None => {
                // no base CRL yet: one is made (and kept) for the delta to complete
                let number = ctx.store.next_crl_number().map_err(io)?;
                ctx.store
                    .set_last_base_crl(renewal, number, &now_listed)
                    .map_err(io)?;
                let listed = now_listed.iter().map(|&(id, r)| (id, Some(r))).collect();
                Some((number, listed))
            }
        }
    } else {
        None
    };
    let number = ctx.store.next_crl_number().map_err(io)?;
    let entries: Vec<crate::ca::RevokedEntry> = match &base {
        // the revocations the base did not list as they are now, and those the base listed
        // on hold and since released (removeFromCRL: RFC 5280 §5.3.1, delta CRLs only)
        Some((_, listed)) => {
            let in_base = |id: u64, e: &crate::ca::RevokedEntry| {
                listed
                    .iter()
                    .any(|&(l, was)| l == id && was.is_none_or(|w| w == (e.at, e.reason)))
            };
            let ids: Vec<u64> = listed.iter().map(|&(id, _)| id).collect();
            revoked
                .into_iter()
                .filter(|(id, e)| !in_base(*id, e))
                .map(|(_, e)| e)
                .chain(released_of(ctx, renewal, &ids))
                .collect()
        }
        None => {
            ctx.store
                .set_last_base_crl(renewal, number, &now_listed)
                .map_err(io)?;
            revoked.into_iter().map(|(_, e)| e).collect()
        }
    };
    ctx.ca.crl_for(
        renewal,
        number,
        &entries,
        base.map(|(n, _)| n),
        Some(freshest),
    )
}

/// The revoked certificates renewal `renewal`'s key issued, with their request ids.
fn revoked_of(ctx: &Ctx, renewal: u32) -> Vec<(u64, crate::ca::RevokedEntry)> {
    ctx.store
        .all()
        .into_iter()
        .filter(|r| r.status == Status::Issued && r.renewal == renewal)
        .filter_map(|r| {
            let (at, reason) = r.revoked?;
            let cert = x509_cert::Certificate::from_der(&r.cert).ok()?;
            let serial = cert.tbs_certificate().serial_number().as_bytes().to_vec();
            Some((r.id, crate::ca::RevokedEntry { serial, at, reason }))
        })
        .collect()
}

/// The certificates of `listed` (request ids a base CRL listed) whose hold was since
/// released, as removeFromCRL entries dated at their release.
fn released_of(ctx: &Ctx, renewal: u32, listed: &[u64]) -> Vec<crate::ca::RevokedEntry> {
    listed
        .iter()
        .filter_map(|id| ctx.store.get(*id).ok().flatten())
        .filter(|r| r.status == Status::Issued && r.renewal == renewal && r.revoked.is_none())
        .filter_map(|r| {
            let at = r.released?;
            let cert = x509_cert::Certificate::from_der(&r.cert).ok()?;
            let serial = cert.tbs_certificate().serial_number().as_bytes().to_vec();
            Some(crate::ca::RevokedEntry {
                serial,
                at,
                reason: 8,
            })
        })
        .collect()
}

fn est_pkcs7(p7: &[u8]) -> Vec<u8> {
    b64_lines(p7, 76).into_bytes()
}

fn est(ctx: &Ctx, req: &Request, rest: &str, who: &Who<'_>) -> Response {
    let user = who.user;
    // optional CA label: /.well-known/est/<label>/<op>
    let (label, op) = match rest.split_once('/') {
        Some((l, o)) => (Some(l), o),
        None => (None, rest),
    };
    let label = label.filter(|l| !l.is_empty());
    match op {
        "cacerts" => {
            if req.method != "GET" && req.method != "HEAD" {
                return Response::text(405, "405 use GET").with("Allow", "GET");
            }
            Response::new(
                200,
                "application/pkcs7-mime",
                est_pkcs7(&certs_only_pkcs7(&ctx.ca.all_certs())),
            )
            .with("Content-Transfer-Encoding", "base64")
        }
        "csrattrs" => {
            if req.method != "GET" && req.method != "HEAD" {
                return Response::text(405, "405 use GET").with("Allow", "GET");
            }
            let template = label.and_then(policy::Template::from_name);
            match csrattrs(template) {
                Ok(der) => Response::new(200, "application/csrattrs", b64_lines(&der, 76))
                    .with("Content-Transfer-Encoding", "base64"),
                Err(e) => Response::text(500, &format!("500 {e}")),
            }
        }
        "simpleenroll" | "simplereenroll" => {
            if req.method != "POST" {
                return Response::text(405, "405 use POST").with("Allow", "POST");
            }
            let ct = req.header("content-type").unwrap_or("");
            let media = ct.split(';').next().unwrap_or("").trim();
            if !media.eq_ignore_ascii_case("application/pkcs10") {
                return Response::text(415, "415 expected Content-Type: application/pkcs10");
            }
            let der = match std::str::from_utf8(&req.body)
                .ok()
                .and_then(decode_armoured_base64)
            {
                Some(d) => d,
                None if req.body.first() == Some(&0x30) => req.body.clone(),
                None => return Response::text(400, "400 the body is not a base64 PKCS#10 request"),
            };
            let parsed = match csr::parse_and_verify_pkcs10(&der) {
                Ok(p) => p,
                Err(e) => {
                    return Response::text(
                        400,
                        &format!("400 invalid or corrupted pkcs10 request: {}", e.0),
                    );
                }
            };
            // re-enrollment (RFC 7030 §4.2.2) with a client certificate renews that
            // certificate: the request's subject and subjectAltName must be the certificate's
            if op == "simplereenroll"
                && let Some(subject) = who.cert_subject
            {
                if parsed.subject.to_der().ok().as_deref() != Some(subject) {
                    return Response::text(
                        403,
                        "403 re-enrollment must keep the subject of the client certificate",
                    );
                }
                if alt_names_of(who.cert) != parsed.san {
                    return Response::text(
                        403,
                        "403 re-enrollment must keep the subject alternative names of the \
                         client certificate",
                    );
                }
            }
            // re-enrollment with a client certificate at the default label renews it under the
            // template it was issued with (records written before it was kept: decided again),
            // not the default one: a User certificate renewed as a WebServer one could no
            // longer sign its holder in. A request that names its own template keeps it.
            let kept = match (op, label, who.cert) {
                ("simplereenroll", None, Some(cert)) if parsed.template_ext.is_none() => {
                    ctx.store.find_issued(cert).and_then(|r| {
                        r.template.clone().or_else(|| {
                            let (plan, _) = ctx.evaluate(&r).ok()?;
                            Some(plan.template.name().to_string())
                        })
                    })
                }
                _ => None,
            };
            est_enroll(ctx, label.or(kept.as_deref()).unwrap_or(""), der, user)
        }
        "fullcmc" => est_fullcmc(ctx, req, label.unwrap_or(""), user),
        "serverkeygen" => Response::text(501, "501 not implemented by devca"),
        _ => Response::text(404, "404 unknown EST operation"),
    }
}

/// The subject alternative names of certificate `der` (none when it has no such extension).
fn alt_names_of(der: Option<&[u8]>) -> Vec<x509_cert::ext::pkix::name::GeneralName> {
    der.and_then(certreq_pkix::cert::CertParts::read)
        .and_then(|parts| {
            let (_, value) = parts.extension(&certreq_pkix::oid::SUBJECT_ALT_NAME)?;
            x509_cert::ext::pkix::SubjectAltName::from_der(value).ok()
        })
        .map(|names| names.0)
        .unwrap_or_default()
}

/// EST `/fullcmc` (RFC 7030 §4.3): a CMC request in, a CMC Full PKI Response out, whatever
/// the request became (issued, pending, denied: the status says which).
fn est_fullcmc(ctx: &Ctx, req: &Request, label: &str, user: Option<&str>) -> Response {
    if req.method != "POST" {
        return Response::text(405, "405 use POST").with("Allow", "POST");
    }
    let ct = req.header("content-type").unwrap_or("");
    let media = ct.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/pkcs7-mime") {
        return Response::text(415, "415 expected Content-Type: application/pkcs7-mime");
    }
    let der = match std::str::from_utf8(&req.body)
        .ok()
        .and_then(decode_armoured_base64)
    {
        Some(d) => d,
        None if req.body.first() == Some(&0x30) => req.body.clone(),
        None => return Response::text(400, "400 the body is not a base64 CMC request"),
    };
    if certreq_pkix::signed::read(&der).is_none_or(|sd| !sd.is_pki_data()) {
        return Response::text(400, "400 the body is not a CMC request (id-cct-PKIData)");
    }
    let rec = match ctx.submit("est", label, der, user) {
        Ok(Outcome::Issued(r)) | Ok(Outcome::Pending(r)) | Ok(Outcome::Denied(r)) => r,
        Err(e) => {
            return Response::text(500, &format!("500 the CA could not save the request: {e}"));
        }
    };
    match crate::fullcmc::response(&ctx.ca, &rec) {
        Ok(body) => Response::new(
            200,
            "application/pkcs7-mime; smime-type=CMC-response",
            est_pkcs7(&body),
        )
        .with("Content-Transfer-Encoding", "base64"),
        Err(e) => Response::text(500, &format!("500 cannot build the response: {e}")),
    }
}

fn est_answer(rec: &Record) -> Response {
    match rec.status {
        Status::Issued => Response::new(
            200,
            "application/pkcs7-mime; smime-type=certs-only",
            est_pkcs7(&certs_only_pkcs7(&[&rec.cert])),
        )
        .with("Content-Transfer-Encoding", "base64"),
        Status::Pending => Response::text(
            202,
            &format!("202 request {} is pending approval; retry later", rec.id),
        )
        .with("Retry-After", EST_RETRY_AFTER),
        Status::Denied | Status::Failed => Response::text(
            403,
            &format!("403 request {} was denied: {}", rec.id, rec.message),
        ),
    }
}

/// The CSR attributes (RFC 7030 §4.5) devca asks for: sha256WithRSAEncryption, and what the
/// template named by the EST label demands (an RSA size, an e-mail address, a SAN).
fn csrattrs(template: Option<policy::Template>) -> Result<Vec<u8>, der::Error> {
    use der::asn1::{Any, SetOfVec};
    use x509_cert::attr::Attribute;
    let mut items = vec![Any::encode_from(&certreq_pkix::oid::SHA256_WITH_RSA)?];
    match template {
        Some(policy::Template::StrongKey) => {
            let bits = u16::try_from(policy::STRONG_KEY_BITS).unwrap_or(u16::MAX);
            let size = der::asn1::Uint::new(&bits.to_be_bytes())?;
            items.push(Any::encode_from(&Attribute {
                oid: certreq_pkix::oid::RSA_ENCRYPTION,
                values: SetOfVec::try_from(vec![Any::encode_from(&size)?])?,
            })?);
        }
        Some(policy::Template::EmailRequired) => {
            items.push(Any::encode_from(&policy::OID_EMAIL_ADDRESS)?);
        }
        Some(policy::Template::SanRequired | policy::Template::DnsRequired) => {
            // RFC 9908: the extensionRequest attribute's one value is an Extensions
            let exts: x509_cert::ext::Extensions = vec![x509_cert::ext::Extension {
                extn_id: certreq_pkix::oid::SUBJECT_ALT_NAME,
                critical: false,
                extn_value: der::asn1::OctetString::new(vec![0x30, 0])?,
            }];
            items.push(Any::encode_from(&Attribute {
                oid: certreq_pkix::oid::EXTENSION_REQUEST,
                values: SetOfVec::try_from(vec![Any::encode_from(&exts)?])?,
            })?);
        }
        _ => {}
    }
    items.to_der()
}

fn est_enroll(ctx: &Ctx, label: &str, der: Vec<u8>, user: Option<&str>) -> Response {
    // a client repeating a held request gets that request's current state (RFC 7030 4.2.3);
    // the same bytes from another user are another request
    let probe = Record::new("est", label, der.clone());
    if let Some(prev) = ctx
        .store
        .find_held_est(&probe.request_sha256, label, user.unwrap_or(""))
    {
        return est_answer(&prev);
    }
    match ctx.submit("est", label, der, user) {
        Ok(Outcome::Issued(r)) | Ok(Outcome::Pending(r)) | Ok(Outcome::Denied(r)) => est_answer(&r),
        Err(e) => Response::text(500, &format!("500 the CA could not save the request: {e}")),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("html") | Some("htm") => "text/html; charset=utf-8",
        Some("js") | Some("mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Serves `url_path` from `dist`; `..` and absolute components are refused.
fn static_file(dist: &Path, url_path: &str) -> Response {
    let mut p = dist.to_path_buf();
    for comp in Path::new(url_path.trim_start_matches('/')).components() {
        match comp {
            Component::Normal(c) => p.push(c),
            Component::CurDir => {}
            _ => return Response::text(404, "not found"),
        }
    }
    if p.is_dir() {
        p.push("index.html");
    }
    match std::fs::read(&p) {
        Ok(body) => {
            let csp = content_type(&p)
                .starts_with("text/html")
                .then(|| meta_csp(&body))
                .flatten();
            let r = Response::new(200, content_type(&p), body);
            match csp {
                Some(policy) => r.with("Content-Security-Policy", &policy),
                None => r,
            }
        }
        Err(_) => Response::text(404, "not found"),
    }
}

/// The policy an HTML page declares in `<meta http-equiv="Content-Security-Policy"
/// content="...">`, sent again as a response header: the app's build writes the policy (with
/// the hashes of its inline scripts) into the page, and the header is then the same policy.
fn meta_csp(html: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(html).ok()?;
    // ASCII lowercasing keeps byte offsets
    let lower = text.to_ascii_lowercase();
    let at = lower.find("http-equiv=\"content-security-policy\"")?;
    let start = lower[..at].rfind("<meta")?;
    let end = at + lower[at..].find('>')?;
    let content = start + lower[start..end].find("content=\"")? + "content=\"".len();
    let len = text[content..end].find('"')?;
    let policy = text[content..content + len]
        .split_whitespace()
        .collect::<Vec<_>>();
    (!policy.is_empty()).then(|| policy.join(" "))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ca::tests::tempdir;
    use crate::csr::tests::ec_csr;

    pub(crate) fn ctx(dir: &Path, policy: Policy, auth: bool) -> Ctx {
        // the shared test CA: no RSA key generation per test
        let ca = crate::ca::tests::test_ca().clone();
        Ctx {
            ca,
            store: Store::open(dir).unwrap(),
            config: Config {
                policy,
                basic_auth: if auth {
                    vec![("u".to_string(), "p".to_string())]
                } else {
                    Vec::new()
                },
                client_certs: false,
                negotiate: false,
                permissions: Default::default(),
                cors: Some(Cors::Any),
                dist: None,
                san_attribute: true,
                tls: false,
            },
        }
    }

    fn req(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Request {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Request {
            method: method.into(),
            path: path.into(),
            query: query.into(),
            headers: headers
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            body: body.to_vec(),
            client_cert: None,
        }
    }

    pub(crate) fn form(csr: &[u8], attrib: &str) -> Vec<u8> {
        let pem = pem_crlf("NEW CERTIFICATE REQUEST", csr);
        let enc = |s: &str| {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        format!(
            "Mode=newreq&CertRequest={}&CertAttrib={}&TargetStoreFlags=0&SaveCert=yes",
            enc(&pem),
            enc(attrib)
        )
        .into_bytes()
    }

    fn body(r: &Response) -> String {
        String::from_utf8_lossy(&r.body).into_owned()
    }

    #[test]
    fn issue_then_download() {
        let dir = tempdir::Dir::new("srv-issue");
        let c = ctx(dir.path(), Policy::Issue, false);
        let csr = ec_csr("CN=a.example", &["a.example"]);
        let r = handle(
            &c,
            &req(
                "POST",
                "/certsrv/certfnsh.asp",
                &[],
                &form(&csr, "CertificateTemplate:WebServer"),
            ),
        );
        assert!(body(&r).contains("certnew.cer?ReqID=1&amp;Enc=bin"));
        let r = handle(
            &c,
            &req("GET", "/certsrv/certnew.cer?reqid=1&ENC=b64", &[], b""),
        );
        assert_eq!(r.header("content-type"), Some("application/pkix-cert"));
        assert!(body(&r).starts_with("-----BEGIN CERTIFICATE-----\r\n"));
        let r = handle(
            &c,
            &req("GET", "/certsrv/certnew.cer?ReqID=1&Enc=bin", &[], b""),
        );
        assert_eq!(r.body.first(), Some(&0x30));
        let r = handle(
            &c,
            &req("GET", "/certsrv/certnew.p7b?ReqID=1&Enc=bin", &[], b""),
        );
        assert_eq!(
            r.header("content-type"),
            Some("application/x-pkcs7-certificates")
        );
        let r = handle(
            &c,
            &req("GET", "/certsrv/certnew.cer?ReqID=9&Enc=bin", &[], b""),
        );
        assert!(body(&r).contains("CERTSRV_E_PROPERTY_EMPTY"));
        let r = handle(
            &c,
            &req(
                "GET",
                "/certsrv/certnew.cer?ReqID=CACert&Renewal=0&Enc=bin",
                &[],
                b"",
            ),
        );
        assert_eq!(r.body, c.ca.cert_der);
    }

    #[test]
    fn pending_flow_and_denials() {
        let dir = tempdir::Dir::new("srv-pending");
        let c = ctx(dir.path(), Policy::Pending, false);
        let csr = ec_csr("CN=a.example", &[]);
        let r = handle(
            &c,
            &req("POST", "/certsrv/certfnsh.asp", &[], &form(&csr, "")),
        );
        assert!(body(&r).contains("Your Request Id is 1."));
        let r = handle(&c, &req("GET", "/certsrv/certnew.cer?ReqID=1", &[], b""));
        assert!(body(&r).contains("\t\tTaken Under Submission\r\n"));
        let r = handle(
            &c,
            &req("POST", "/certsrv/certfnsh.asp", &[], b"Mode=chkpnd&ReqID=1"),
        );
        assert!(body(&r).contains("still pending"));
        let r = handle(
            &c,
            &req(
                "POST",
                "/certsrv/certfnsh.asp",
                &[],
                &form(&csr, "CertificateTemplate:Bogus"),
            ),
        );
        assert!(body(&r).contains(
            "Your Request Id is 2. The disposition message is \"Denied by Policy Module  0x80094800, "
        ));
        let r = handle(&c, &req("GET", "/certsrv/certnew.cer?ReqID=2", &[], b""));
        assert!(body(&r).contains("\t\tDenied by Policy Module  0x80094800, "));
        assert!(
            body(&r)
                .contains("\t\tThe requested certificate template is not supported by this CA.")
        );
    }

    #[test]
    fn garbage_and_malformed_forms() {
        let dir = tempdir::Dir::new("srv-garbage");
        let c = ctx(dir.path(), Policy::Issue, false);
        let r = handle(
            &c,
            &req(
                "POST",
                "/certsrv/certfnsh.asp",
                &[],
                b"\x00\xff\xfe garbage",
            ),
        );
        assert!(body(&r).contains("Disposition message:"));
        let r = handle(
            &c,
            &req(
                "POST",
                "/certsrv/certfnsh.asp",
                &[],
                b"Mode=newreq&CertRequest=!!!notbase64",
            ),
        );
        assert!(body(&r).contains("Error Parsing Request"));
        let r = handle(
            &c,
            &req(
                "POST",
                "/certsrv/certfnsh.asp",
                &[],
                b"Mode=newreq&CertRequest=MIIB",
            ),
        );
        assert!(body(&r).contains("Error Parsing Request"));
        let r = handle(
            &c,
            &req("POST", "/certsrv/certfnsh.asp", &[], b"Mode=chkpnd&ReqID=x"),
        );
        assert!(body(&r).contains("\t\tThe request ID is missing"));
    }

    #[test]
    fn auth_and_cors() {
        let dir = tempdir::Dir::new("srv-auth");
        let c = ctx(dir.path(), Policy::Issue, true);
        let r = handle(
            &c,
            &req(
                "GET",
                "/certsrv/",
                &[("Origin", "https://app.example")],
                b"",
            ),
        );
        assert_eq!(r.status, 401);
        assert_eq!(r.header("www-authenticate"), Some("Basic realm=\"devca\""));
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://app.example")
        );
        let good = format!("Basic {}", Base64::encode_string(b"u:p"));
        let r = handle(
            &c,
            &req("GET", "/certsrv/", &[("Authorization", &good)], b""),
        );
        assert_eq!(r.status, 200);
        let bad = format!("Basic {}", Base64::encode_string(b"u:q"));
        assert_eq!(
            handle(
                &c,
                &req("GET", "/certsrv/", &[("Authorization", &bad)], b"")
            )
            .status,
            401
        );
        let r = handle(
            &c,
            &req(
                "OPTIONS",
                "/.well-known/est/simpleenroll",
                &[
                    ("Origin", "https://x"),
                    (
                        "Access-Control-Request-Headers",
                        "content-type,authorization",
                    ),
                ],
                b"",
            ),
        );
        assert_eq!(r.status, 204);
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some("content-type,authorization")
        );
        assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    }

    /// A client certificate signs in its recorded requester, whatever its CN says; one devca
    /// did not issue signs in nobody.
    #[test]
    fn a_client_certificate_signs_in_its_requester() {
        let dir = tempdir::Dir::new("srv-client-cert");
        let mut c = ctx(dir.path(), Policy::Issue, false);
        c.config.basic_auth = vec![("alice".into(), "a".into()), ("bob".into(), "b".into())];
        c.config.client_certs = true;
        let basic = |u: &str, p: &str| {
            format!(
                "Basic {}",
                Base64::encode_string(format!("{u}:{p}").as_bytes())
            )
        };
        let enroll = |cn: &str, auth: &str| {
            let r = handle(
                &c,
                &req(
                    "POST",
                    "/certsrv/certfnsh.asp",
                    &[("Authorization", auth)],
                    &form(&ec_csr(cn, &[]), "CertificateTemplate:User"),
                ),
            );
            assert!(body(&r).contains("certnew.cer?ReqID="), "{}", body(&r));
        };
        enroll("CN=alice-laptop", &basic("alice", "a"));
        enroll("CN=alice", &basic("bob", "b"));
        let bobs = c.store.get(2).unwrap().unwrap().cert;
        let with_cert = |target: &str, cert: &[u8]| {
            let mut r = req("GET", target, &[], b"");
            r.client_cert = Some(cert.to_vec());
            handle(&c, &r)
        };
        let r = with_cert("/certsrv/certnew.cer?ReqID=1&Enc=bin", &bobs);
        assert!(body(&r).contains("0x80070005"), "bob is not alice");
        let r = with_cert("/certsrv/certnew.cer?ReqID=2&Enc=bin", &bobs);
        assert_eq!(r.body, bobs, "bob is bob");
        // the CA's own TLS certificate: devca issued it for no request
        let (tls, _) = c.ca.tls_identity(dir.path()).unwrap();
        assert_eq!(
            with_cert("/certsrv/certnew.cer?ReqID=1&Enc=bin", &tls).status,
            401
        );
    }

    /// RFC 7030 §4.1.1: the EST server SHOULD NOT require client authentication or
    /// authorization to answer /cacerts; everything else under --basic-auth still does.
    #[test]
    fn est_cacerts_needs_no_sign_in() {
        let dir = tempdir::Dir::new("srv-cacerts");
        let c = ctx(dir.path(), Policy::Issue, true);
        for path in ["/.well-known/est/cacerts", "/.well-known/est/User/cacerts"] {
            let r = handle(&c, &req("GET", path, &[], b""));
            assert_eq!(r.status, 200, "{path}");
            assert_eq!(r.header("content-type"), Some("application/pkcs7-mime"));
        }
        for path in ["/.well-known/est/csrattrs", "/certsrv/certcarc.asp"] {
            assert_eq!(
                handle(&c, &req("GET", path, &[], b"")).status,
                401,
                "{path}"
            );
        }
        let csr = b64_lines(&ec_csr("CN=dev", &[]), 64);
        let r = handle(
            &c,
            &req(
                "POST",
                "/.well-known/est/simpleenroll",
                &[("Content-Type", "application/pkcs10")],
                csr.as_bytes(),
            ),
        );
        assert_eq!(r.status, 401);
    }

    #[test]
    fn est_enroll_pending_and_415() {
        let dir = tempdir::Dir::new("srv-est");
        let c = ctx(dir.path(), Policy::Pending, false);
        let csr = ec_csr("CN=dev", &[]);
        let b64 = b64_lines(&csr, 64);
        let r = handle(
            &c,
            &req(
                "POST",
                "/.well-known/est/simpleenroll",
                &[("Content-Type", "text/plain")],
                b64.as_bytes(),
            ),
        );
        assert_eq!(r.status, 415);
        let ct = [("Content-Type", "application/pkcs10")];
        let r = handle(
            &c,
            &req("POST", "/.well-known/est/simpleenroll", &ct, b64.as_bytes()),
        );
        assert_eq!(r.status, 202);
        assert_eq!(r.header("retry-after"), Some("10"));
        // the same request again is the same request, still pending
        let r = handle(
            &c,
            &req("POST", "/.well-known/est/simpleenroll", &ct, b64.as_bytes()),
        );
        assert_eq!(r.status, 202);
        assert!(c.store.get(2).unwrap().is_none());
        // approve out of band, then the retry gets the certificate
        let rec = c.store.get(1).unwrap().unwrap();
        let (plan, parsed) = c.evaluate(&rec).unwrap();
        let cert = c.ca.issue(&plan, &parsed.public_key).unwrap();
        c.store
            .update(1, |r| {
                r.status = Status::Issued;
                r.cert = cert.clone();
                Ok::<(), ()>(())
            })
            .unwrap();
        let r = handle(
            &c,
            &req("POST", "/.well-known/est/simpleenroll", &ct, b64.as_bytes()),
        );
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("content-type"),
            Some("application/pkcs7-mime; smime-type=certs-only")
        );
        let r = handle(
            &c,
            &req("POST", "/.well-known/est/simpleenroll", &ct, b"garbage"),
        );
        assert_eq!(r.status, 400);
        let r = handle(&c, &req("GET", "/.well-known/est/cacerts", &[], b""));
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("application/pkcs7-mime"));
    }

    /// A held EST request is the sender's: another user who sends the same bytes gets a
    /// request of their own, not the first one's state (nor its certificate).
    #[test]
    fn a_held_est_request_resent_by_another_user_is_another_request() {
        let dir = tempdir::Dir::new("srv-est-held");
        let mut c = ctx(dir.path(), Policy::Pending, false);
        c.config.basic_auth = vec![("alice".into(), "a".into()), ("bob".into(), "b".into())];
        let b64 = b64_lines(&ec_csr("CN=dev", &[]), 64);
        let send = |user: &str, pass: &str| {
            let auth = format!(
                "Basic {}",
                Base64::encode_string(format!("{user}:{pass}").as_bytes())
            );
            handle(
                &c,
                &req(
                    "POST",
                    "/.well-known/est/simpleenroll",
                    &[
                        ("Content-Type", "application/pkcs10"),
                        ("Authorization", &auth),
                    ],
                    b64.as_bytes(),
                ),
            )
        };
        assert_eq!(send("alice", "a").status, 202);
        // alice's request is approved
        let rec = c.store.get(1).unwrap().unwrap();
        let (plan, parsed) = c.evaluate(&rec).unwrap();
        let cert = c.ca.issue(&plan, &parsed.public_key).unwrap();
        c.store
            .update(1, |r| {
                r.status = Status::Issued;
                r.cert = cert.clone();
                Ok::<(), ()>(())
            })
            .unwrap();
        // bob sends the same bytes: his own request, held
        let r = send("bob", "b");
        assert_eq!(r.status, 202, "{}", body(&r));
        let bobs = c.store.get(2).unwrap().expect("a request of bob's own");
        assert_eq!(bobs.requester, "bob");
        // and alice, resending, gets her certificate
        assert_eq!(send("alice", "a").status, 200);
        assert!(c.store.get(3).unwrap().is_none());
    }

    #[test]
    fn an_html_page_s_policy_is_sent_as_a_header() {
        let root = tempdir::Dir::new("dist-csp");
        let dist = root.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><head><META charset=utf-8>\n<meta http-equiv=\"Content-Security-Policy\"\n              content=\"default-src 'none';\n  script-src 'self' 'sha256-AbC+/=' 'wasm-unsafe-eval'\" />\n\
             <title>t</title></head>",
        )
        .unwrap();
        std::fs::write(
            dist.join("a.js"),
            "// content=\"x\" http-equiv=\"Content-Security-Policy\"",
        )
        .unwrap();
        let mut c = ctx(&root.path().join("data"), Policy::Issue, false);
        c.config.dist = Some(dist);
        let get = |path: &str| handle(&c, &req("GET", path, &[], b""));
        for path in ["/", "/index.html"] {
            assert_eq!(
                get(path).header("content-security-policy"),
                Some("default-src 'none'; script-src 'self' 'sha256-AbC+/=' 'wasm-unsafe-eval'"),
                "{path}"
            );
        }
        // only HTML pages declare a policy
        assert_eq!(get("/a.js").header("content-security-policy"), None);
    }

    #[test]
    fn static_files_stay_inside_dist() {
        // root/dist is served; root/secret.txt, beside it, must never be
        let root = tempdir::Dir::new("dist");
        let dist = root.path().join("dist");
        std::fs::create_dir_all(dist.join("sub")).unwrap();
        std::fs::write(dist.join("index.html"), "<p>hi</p>").unwrap();
        std::fs::write(dist.join("sub").join("a.js"), "let a;").unwrap();
        std::fs::write(dist.join("app.wasm"), [0, 0x61, 0x73, 0x6d]).unwrap();
        let secret = root.path().join("secret.txt");
        std::fs::write(&secret, "the secret").unwrap();
        let mut c = ctx(&root.path().join("data"), Policy::Issue, false);
        c.config.dist = Some(dist);
        let get = |path: &str| handle(&c, &req("GET", path, &[], b""));
        let r = get("/");
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(body(&r), "<p>hi</p>");
        // a page without a policy of its own gets no header
        assert_eq!(r.header("content-security-policy"), None);
        assert_eq!(
            get("/app.wasm").header("content-type"),
            Some("application/wasm")
        );
        assert_eq!(body(&get("/sub/%61.js")), "let a;");
        assert_eq!(get("/nope.js").status, 404);
        let absolute = secret.display().to_string();
        for path in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E/secret.txt",
            "/.%2e/secret.txt",
            "/..%2fsecret.txt",
            "/%2e%2e%2fsecret.txt",
            "/sub/../../secret.txt",
            "/sub/%2e%2e/%2e%2e/secret.txt",
            "/sub%2f..%2f..%2fsecret.txt",
            "/..%5csecret.txt",
            &format!("/{absolute}"),
            &format!("/%2f{}", absolute.trim_start_matches('/')),
        ] {
            let r = get(path);
            assert_eq!(r.status, 404, "{path}");
            assert!(!body(&r).contains("the secret"), "{path} served the secret");
        }
    }
}
