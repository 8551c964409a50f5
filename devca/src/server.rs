//! Routing and handlers: AD CS Web Enrollment under `/certsrv/`, EST under `/.well-known/est/`,
//! static files from `--dist`, authentication and CORS. The connections are `net.rs`'s.

use std::path::{Component, Path, PathBuf};

use base64ct::{Base64, Encoding};

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
    pub basic_auth: Option<(String, String)>,
    pub cors: Option<Cors>,
    pub dist: Option<PathBuf>,
    pub san_attribute: bool,
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
    pub fn submit(&self, origin: &str, attrib: &str, der: Vec<u8>) -> std::io::Result<Outcome> {
        let mut rec = Record::new(origin, attrib, der);
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
                if self.config.policy == Policy::Pending {
                    rec.status = Status::Pending;
                    rec.held = true;
                    rec.message = DISPOSITION_PENDING.into();
                    return Ok(Outcome::Pending(self.store.insert(rec)?));
                }
                match self.ca.issue(&plan, &req.public_key) {
                    Ok(cert) => {
                        rec.status = Status::Issued;
                        rec.message = DISPOSITION_ISSUED.into();
                        rec.cert = cert;
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
        evaluate(rec, self.config.san_attribute)
    }
}

/// See [`Ctx::evaluate`]; free so that `devca approve` can use it without a server.
pub fn evaluate(rec: &Record, san_attribute: bool) -> Result<(IssuePlan, ParsedRequest), Denial> {
    let req = csr::parse_and_verify(&rec.request).map_err(|e| Denial {
        message: e.0.to_string(),
        status: String::new(),
    })?;
    let (attrib, label) = if rec.origin == "est" {
        (
            Vec::new(),
            (!rec.attrib.is_empty()).then_some(rec.attrib.as_str()),
        )
    } else {
        (policy::parse_cert_attrib(&rec.attrib), None)
    };
    let plan = policy::decide(&req, &attrib, label, san_attribute)?;
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
    let protected = lower == "/certsrv"
        || lower.starts_with("/certsrv/")
        || lower.starts_with("/.well-known/est/");
    if protected && !authorised(ctx, req) {
        let realm = if lower.starts_with("/.well-known/est/") {
            "est"
        } else {
            "devca"
        };
        return Response::new(401, "text/html; charset=UTF-8", pages::unauthorized())
            .with("WWW-Authenticate", &format!("Basic realm=\"{realm}\""));
    }
    if let Some(rest) = lower.strip_prefix("/.well-known/est/") {
        return est(ctx, req, rest);
    }
    let get = req.method == "GET" || req.method == "HEAD";
    match lower.as_str() {
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
            certfnsh(ctx, &Params::parse_bytes(&req.body))
        }
        "/certsrv/certnew.cer" if get => certnew(ctx, &Params::parse(&req.query), false),
        "/certsrv/certnew.p7b" if get => certnew(ctx, &Params::parse(&req.query), true),
        "/certsrv/certcarc.asp" if get => Response::html(pages::certcarc(0)),
        "/certsrv/certcrl.crl" if get => certcrl(ctx, &Params::parse(&req.query)),
        _ if protected => Response::new(
            404,
            "text/html; charset=UTF-8",
            "<HTML><Body><H2>404 - File or directory not found.</H2></Body></HTML>\r\n",
        ),
        _ if get => match &ctx.config.dist {
            Some(dist) => static_file(dist, &path),
            None => Response::text(404, "not found"),
        },
        _ => Response::text(405, "method not allowed"),
    }
}

fn authorised(ctx: &Ctx, req: &Request) -> bool {
    let Some((user, pass)) = &ctx.config.basic_auth else {
        return true;
    };
    let Some(value) = req.header("authorization") else {
        return false;
    };
    let Some((scheme, cred)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = Base64::decode_vec(cred.trim()) else {
        return false;
    };
    let expected = format!("{user}:{pass}");
    // constant-time comparison
    decoded.len() == expected.len()
        && decoded
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn certfnsh(ctx: &Ctx, form: &Params) -> Response {
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
            match ctx.submit("web", attrib, der) {
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

fn certnew(ctx: &Ctx, q: &Params, p7b: bool) -> Response {
    let Some(reqid) = q.get("ReqID").map(str::trim) else {
        return Response::html(pages::unknown_request());
    };
    let bin = wants_bin(q);
    let leaf = if reqid.eq_ignore_ascii_case("CACert") {
        let renewal = q.get("Renewal").map(str::trim).unwrap_or("0");
        if renewal != "0" && !renewal.is_empty() {
            return Response::html(pages::unknown_request());
        }
        None
    } else {
        let Ok(id) = reqid.parse::<u64>() else {
            return Response::html(pages::unknown_request());
        };
        match ctx.store.get(id) {
            Ok(Some(r)) => match r.status {
                Status::Issued => Some(r.cert),
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
    let ca = ctx.ca.cert_der.as_slice();
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

fn certcrl(ctx: &Ctx, q: &Params) -> Response {
    let kind = q.get("Type").map(str::trim).unwrap_or("base");
    if !kind.eq_ignore_ascii_case("base") {
        return Response::html(pages::error(
            "This CA does not publish delta CRLs. 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)",
            "The system cannot find the file specified. 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)",
        ));
    }
    match ctx.ca.crl() {
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

fn est_pkcs7(p7: &[u8]) -> Vec<u8> {
    b64_lines(p7, 76).into_bytes()
}

fn est(ctx: &Ctx, req: &Request, rest: &str) -> Response {
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
                est_pkcs7(&certs_only_pkcs7(&[&ctx.ca.cert_der])),
            )
            .with("Content-Transfer-Encoding", "base64")
        }
        "csrattrs" => {
            if req.method != "GET" && req.method != "HEAD" {
                return Response::text(405, "405 use GET").with("Allow", "GET");
            }
            // CsrAttrs ::= SEQUENCE { sha256WithRSAEncryption }
            let der = [
                0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
            ];
            Response::new(200, "application/csrattrs", b64_lines(&der, 76))
                .with("Content-Transfer-Encoding", "base64")
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
            if let Err(e) = csr::parse_and_verify_pkcs10(&der) {
                return Response::text(
                    400,
                    &format!("400 invalid or corrupted pkcs10 request: {}", e.0),
                );
            }
            est_enroll(ctx, label.unwrap_or(""), der)
        }
        "fullcmc" | "serverkeygen" => Response::text(501, "501 not implemented by devca"),
        _ => Response::text(404, "404 unknown EST operation"),
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

fn est_enroll(ctx: &Ctx, label: &str, der: Vec<u8>) -> Response {
    // a client repeating a held request gets that request's current state (RFC 7030 4.2.3)
    let probe = Record::new("est", label, der.clone());
    if let Some(prev) = ctx.store.find_held_est(&probe.request_sha256)
        && prev.attrib == label
    {
        return est_answer(&prev);
    }
    match ctx.submit("est", label, der) {
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
        Ok(body) => Response::new(200, content_type(&p), body),
        Err(_) => Response::text(404, "not found"),
    }
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
                basic_auth: auth.then(|| ("u".to_string(), "p".to_string())),
                cors: Some(Cors::Any),
                dist: None,
                san_attribute: true,
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
