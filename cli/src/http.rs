//! The HTTP(S) client for `-submit` and `-retrieve`: ureq with rustls (ring), blocking.
//!
//! - Trust: the system's CA bundle (`SSL_CERT_FILE`, else the usual Linux/macOS bundle files;
//!   Mozilla's roots only when none is found) plus the CA certificates in `-cafile FILE` /
//!   `CERTREQ_CA_FILE` (an extension: certreq uses the Windows store).
//! - HTTP Basic credentials when given; never sent again after a redirect. A 401 that offers
//!   Digest is answered once with the same user name and password (`digest.rs`, RFC 7616).
//! - Kerberos (HTTP Negotiate, `negotiate.rs`): with `-Kerberos` from the first request; without
//!   Basic credentials, when the CA answers 401 offering Negotiate (the request is sent again with
//!   a ticket). Once the CA took a ticket, later requests carry one from the start.
//! - Timeouts: 15 s to connect, 120 s in all (AD CS may take a minute to issue).
//! - Answers larger than [`MAX_BODY`] are refused.
//! - Every HTTP status is returned to the caller (AD CS speaks in pages, not statuses); only
//!   transport failures are errors, with messages that say what to do.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64ct::{Base64, Encoding};
use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts, TlsConfig};

use crate::config::Credentials;

/// The largest answer read (certificates and chains are a few kilobytes).
pub const MAX_BODY: u64 = 4 << 20;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(120);

/// Where trusted roots may be on this system (first found wins).
const SYSTEM_BUNDLES: [&str; 6] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/usr/local/etc/openssl/cert.pem",
];

/// An answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    /// The media type without parameters, lower-case (`text/html`).
    pub content_type: String,
    pub retry_after: Option<String>,
    /// Every `WWW-Authenticate` header (a 401's offered sign-in schemes).
    pub www_authenticate: Vec<String>,
    pub body: Vec<u8>,
}

/// A TLS client certificate to sign in with: the certificate first, then its chain, and the
/// private key (PKCS #8 DER, wiped when dropped).
pub struct ClientIdentity {
    pub chain: Vec<Vec<u8>>,
    pub key_pkcs8: zeroize::Zeroizing<Vec<u8>>,
}

/// When to sign in with Kerberos (HTTP Negotiate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kerberos {
    /// Never (Basic credentials were given).
    Never,
    /// When the CA answers 401 and offers Negotiate.
    WhenAsked,
    /// From the first request (`-Kerberos`).
    Always,
}

/// A configured client.
pub struct Client {
    agent: ureq::Agent,
    authorization: Option<String>,
    /// The user name and password, for a Digest challenge (`authorization` is Basic's).
    credentials: Option<(String, zeroize::Zeroizing<String>)>,
    /// A Digest answer was sent (a 401 after it refuses the credentials).
    digest_sent: Cell<bool>,
    ca_file: Option<PathBuf>,
    client_cert: bool,
    kerberos: Kerberos,
    /// The CA took a Kerberos ticket: later requests carry one from the start.
    negotiated: Cell<bool>,
}

impl Client {
    /// Builds a client trusting the system roots plus `ca_file`'s certificates.
    pub fn new(
        ca_file: Option<&Path>,
        credentials: Option<&Credentials>,
        identity: Option<&ClientIdentity>,
        kerberos: Kerberos,
    ) -> Result<Client, String> {
        let mut roots = system_roots();
        if let Some(path) = ca_file {
            let extra = read_ca_file(path)?;
            roots.extend(extra);
        }
        let root_certs = if roots.is_empty() {
            RootCerts::WebPki
        } else {
            RootCerts::Specific(Arc::new(roots))
        };
        // ureq takes a client key as PEM (its DER constructor's key kind is not public)
        let client_cert = match identity {
            Some(id) => {
                let doc = pkcs8::SecretDocument::try_from(id.key_pkcs8.as_slice())
                    .map_err(|e| format!("the client certificate's key cannot be used: {e}"))?;
                let pem = doc
                    .to_pem("PRIVATE KEY", pkcs8::LineEnding::LF)
                    .map_err(|e| format!("the client certificate's key cannot be used: {e}"))?;
                let key = PrivateKey::from_pem(pem.as_bytes())
                    .map_err(|e| format!("the client certificate's key cannot be used: {e}"))?;
                let chain: Vec<Certificate<'static>> = id
                    .chain
                    .iter()
                    .map(|c| Certificate::from_der(c).to_owned())
                    .collect();
                Some(ClientCert::new_with_certs(&chain, key))
            }
            None => None,
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(TOTAL_TIMEOUT))
            .user_agent(concat!("certreq-web/", env!("CARGO_PKG_VERSION")))
            .tls_config(
                TlsConfig::builder()
                    .root_certs(root_certs)
                    .client_cert(client_cert)
                    .build(),
            )
            .build();
        Ok(Client {
            agent: config.new_agent(),
            authorization: credentials.map(|c| {
                format!(
                    "Basic {}",
                    Base64::encode_string(format!("{}:{}", c.user, c.password).as_bytes())
                )
            }),
            credentials: credentials.map(|c| (c.user.clone(), c.password.clone().into())),
            digest_sent: Cell::new(false),
            ca_file: ca_file.map(Path::to_path_buf),
            client_cert: identity.is_some(),
            kerberos,
            negotiated: Cell::new(false),
        })
    }

    /// A 401 in words: what the CA offers (its `WWW-Authenticate` schemes) against what this
    /// client sent, and which option to use.
    pub fn unauthorized(&self, url: &str, reply: &Reply) -> String {
        let schemes = offered_schemes(reply);
        let offers = |s: &str| schemes.iter().any(|x| x == s);
        // credentials were sent and refused (a 401 that names no scheme: the CA did not say)
        let digest_sent = self.digest_sent.get();
        if self.authorization.is_some()
            && (offers("basic") || (offers("digest") && digest_sent) || schemes.is_empty())
        {
            return format!(
                "the CA refused the credentials (HTTP 401 at {url}): check -username and -p \
                 (or CERTREQ_USER and CERTREQ_PASSWORD)"
            );
        }
        if self.authorization.is_some() && offers("digest") && !digest_sent {
            return format!(
                "the CA at {url} asks for HTTP Digest in a form certreq does not answer (it \
                 speaks MD5 and SHA-256, with qop=auth or none): {}",
                reply.www_authenticate.join("; ")
            );
        }
        if offers("negotiate") || offers("kerberos") {
            // reached when Basic credentials were given, so Kerberos was not tried
            return format!(
                "the CA asks for Kerberos (HTTP Negotiate) at {url}: run `kinit` and use \
                 -Kerberos (or leave out -username and CERTREQ_USER: certreq then signs in with \
                 your Kerberos ticket when the CA asks)"
            );
        }
        if offers("basic") || offers("digest") {
            return format!(
                "the CA asks for a sign-in (HTTP 401 at {url}): give -username UserName and -p \
                 Password, or set CERTREQ_USER and CERTREQ_PASSWORD"
            );
        }
        let what = if schemes.is_empty() {
            "no sign-in scheme (no WWW-Authenticate header)".to_owned()
        } else {
            format!("only {}", schemes.join(", "))
        };
        let tried = if self.client_cert {
            "; the client certificate was not accepted"
        } else {
            ""
        };
        format!(
            "the CA refused the request (HTTP 401 at {url}) and offers {what}, which certreq \
             does not speak (it signs in with Basic, Digest, Kerberos/Negotiate or a client \
             certificate){tried}"
        )
    }

    /// `GET url`.
    pub fn get(&self, url: &str) -> Result<Reply, String> {
        self.send(url, None)
    }

    /// `POST url` with a body of `content_type`.
    pub fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Result<Reply, String> {
        self.send(url, Some((content_type, body)))
    }

    /// One request, signed in as [`Kerberos`] says.
    fn send(&self, url: &str, post: Option<(&str, &[u8])>) -> Result<Reply, String> {
        if self.kerberos == Kerberos::Always || self.negotiated.get() {
            return self.send_negotiated(url, post);
        }
        let reply = self.send_with(url, post, self.authorization.as_deref())?;
        if reply.status == 401
            && let Some(digest) = self.digest(url, post.is_some(), &reply)
        {
            self.digest_sent.set(true);
            return self.send_with(url, post, Some(&digest));
        }
        let offered = offered_schemes(&reply);
        if reply.status == 401
            && self.kerberos == Kerberos::WhenAsked
            && offered.iter().any(|s| s == "negotiate")
        {
            return self.send_negotiated(url, post).map_err(|e| {
                if offered.iter().any(|s| s == "basic") {
                    format!(
                        "{e} (the CA also takes a password: -username UserName and -p Password, \
                         or CERTREQ_USER and CERTREQ_PASSWORD)"
                    )
                } else {
                    e
                }
            });
        }
        Ok(reply)
    }

    /// The answer to a 401's Digest challenge with the user name and password given, if it
    /// offers one this client speaks.
    fn digest(&self, url: &str, post: bool, reply: &Reply) -> Option<String> {
        let (user, password) = self.credentials.as_ref()?;
        let uri: ureq::http::Uri = url.parse().ok()?;
        let target = uri.path_and_query().map_or("/", |p| p.as_str());
        let mut cnonce = [0u8; 16];
        getrandom::fill(&mut cnonce).ok()?;
        let cnonce = crate::digest::hex(&cnonce);
        let method = if post { "POST" } else { "GET" };
        crate::digest::authorization(
            &reply.www_authenticate,
            user,
            password,
            method,
            target,
            &cnonce,
        )
    }

    /// One request with a Kerberos ticket; the CA's answer must prove who it is when it says.
    fn send_negotiated(&self, url: &str, post: Option<(&str, &[u8])>) -> Result<Reply, String> {
        let host = host_of(url)?;
        let (negotiation, header) = crate::negotiate::Negotiation::start(&host)?;
        let reply = self.send_with(url, post, Some(&header))?;
        if reply.status == 401 {
            if offered_schemes(&reply).iter().any(|s| s == "negotiate") {
                return Err(crate::negotiate::refused(&host, url));
            }
            return Err(self.unauthorized(url, &reply));
        }
        negotiation.finish(&reply.www_authenticate)?;
        self.negotiated.set(true);
        Ok(reply)
    }

    fn send_with(
        &self,
        url: &str,
        post: Option<(&str, &[u8])>,
        authorization: Option<&str>,
    ) -> Result<Reply, String> {
        match post {
            Some((content_type, body)) => {
                let mut req = self.agent.post(url).header("Content-Type", content_type);
                if let Some(auth) = authorization {
                    req = req.header("Authorization", auth);
                }
                self.finish(url, req.send(body))
            }
            None => {
                let mut req = self.agent.get(url);
                if let Some(auth) = authorization {
                    req = req.header("Authorization", auth);
                }
                self.finish(url, req.call())
            }
        }
    }

    fn finish(
        &self,
        url: &str,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Reply, String> {
        let mut response = result.map_err(|e| self.explain(url, &e))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type")
            .map(|c| {
                c.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let retry_after = header("retry-after");
        let www_authenticate = response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(|e| self.explain(url, &e))?;
        Ok(Reply {
            status,
            content_type,
            retry_after,
            www_authenticate,
            body,
        })
    }

    /// A transport failure in words, with what to do.
    fn explain(&self, url: &str, e: &ureq::Error) -> String {
        let detail = e.to_string();
        // a CA that refuses the client certificate offered ends the handshake with an alert,
        // or closes the connection while the request is written (a broken pipe)
        let cut = |k: std::io::ErrorKind| {
            use std::io::ErrorKind::*;
            matches!(
                k,
                BrokenPipe | ConnectionReset | ConnectionAborted | UnexpectedEof
            )
        };
        let refused = detail.contains("received fatal alert")
            || matches!(e, ureq::Error::Io(io) if cut(io.kind()));
        if self.client_cert && refused {
            return format!(
                "the CA at {url} ended the connection when the client certificate was offered \
                 ({detail}): it does not take that certificate for sign-in; it needs the Client \
                 Authentication purpose and an issuer the CA trusts (give another \
                 -ClientCertificate, or sign in with -username and -p)"
            );
        }
        // https:// to a server that answers plain HTTP: rustls reads its first bytes as a
        // TLS record of no known type
        if detail.contains("InvalidContentType") {
            return format!(
                "the server at {url} did not answer in TLS ({detail}): if it serves plain \
                 HTTP, give the URL with http:// in -config"
            );
        }
        // rustls failures reach us as I/O errors carrying rustls' message
        let tls = matches!(e, ureq::Error::Tls(_) | ureq::Error::Rustls(_))
            || detail.contains("invalid peer certificate")
            || detail.contains("certificate")
            || detail.contains("handshake");
        if tls {
            return match &self.ca_file {
                // the server's certificate is what failed only when rustls says so
                Some(f) if detail.contains("invalid peer certificate") => format!(
                    "TLS failure talking to {url}: {detail}; the server's certificate is trusted \
                     neither by {} nor by the system roots: check that the file holds the CA that \
                     issued the server's certificate",
                    f.display()
                ),
                Some(_) => format!("TLS failure talking to {url}: {detail}"),
                None => format!(
                    "TLS failure talking to {url}: {detail}; if the CA uses its own root, give its \
                     certificate with -cafile FILE or CERTREQ_CA_FILE"
                ),
            };
        }
        match e {
            ureq::Error::Timeout(_) => format!(
                "no answer from {url} within {} s: the CA may be down or slow; try again later",
                TOTAL_TIMEOUT.as_secs()
            ),
            ureq::Error::BodyExceedsLimit(_) => format!(
                "the answer from {url} is larger than {} MiB: that is not a certificate",
                MAX_BODY >> 20
            ),
            ureq::Error::BadUri(_) => format!("{url} is not a valid URL: {detail}"),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                format!("cannot connect to {url}: connection refused; is the CA running?")
            }
            ureq::Error::HostNotFound => {
                format!("cannot connect to {url}: host not found; check -config")
            }
            _ => format!("cannot talk to {url}: {detail}"),
        }
    }
}

/// The sign-in schemes a 401 offers (its `WWW-Authenticate` challenges), lower-case.
fn offered_schemes(reply: &Reply) -> Vec<String> {
    reply
        .www_authenticate
        .iter()
        .flat_map(|h| h.split(','))
        .filter_map(|part| {
            let word = part.split_whitespace().next()?;
            // `realm="x"` continues the previous challenge
            (!word.contains('=')).then(|| word.to_ascii_lowercase())
        })
        .collect()
}

/// The host of a URL, for the Kerberos service name `HTTP@host` (IPv6 without brackets).
fn host_of(url: &str) -> Result<String, String> {
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e| format!("{url} is not a valid URL: {e}"))?;
    let host = uri
        .host()
        .ok_or_else(|| format!("{url} names no host"))?
        .trim_start_matches('[')
        .trim_end_matches(']');
    Ok(host.to_ascii_lowercase())
}

/// The system's trusted roots, `SSL_CERT_FILE` first.
fn system_roots() -> Vec<Certificate<'static>> {
    let env = std::env::var_os("SSL_CERT_FILE").map(PathBuf::from);
    let candidates = env
        .into_iter()
        .chain(SYSTEM_BUNDLES.iter().map(PathBuf::from));
    for path in candidates {
        if let Ok(bytes) = std::fs::read(&path) {
            let certs = certificates_in(&bytes);
            if !certs.is_empty() {
                return certs;
            }
        }
    }
    Vec::new()
}

/// Every certificate in PEM (any number of blocks) or DER bytes.
fn certificates_in(bytes: &[u8]) -> Vec<Certificate<'static>> {
    let Ok(blocks) = certreq_pkix::pem::read(bytes) else {
        return Vec::new();
    };
    blocks
        .iter()
        .filter(|b| certreq_read::response::certificate(&b.der).is_ok())
        .map(|b| Certificate::from_der(&b.der).to_owned())
        .collect()
}

/// The certificates of `-cafile`; an error when there are none.
fn read_ca_file(path: &Path) -> Result<Vec<Certificate<'static>>, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))?;
    let certs = certificates_in(&bytes);
    if certs.is_empty() {
        return Err(format!(
            "the CA file {} holds no certificate: give a PEM or DER CA certificate",
            path.display()
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(www_authenticate: &[&str]) -> Reply {
        Reply {
            status: 401,
            content_type: String::new(),
            retry_after: None,
            www_authenticate: www_authenticate.iter().map(|s| s.to_string()).collect(),
            body: Vec::new(),
        }
    }

    #[test]
    fn offered_schemes_and_what_a_401_says() {
        let r = reply(&["Negotiate", "Basic realm=\"devca\", charset=\"UTF-8\""]);
        assert_eq!(offered_schemes(&r), ["negotiate", "basic"]);
        let basic = Credentials {
            user: "u".into(),
            password: "p".into(),
        };
        let with_basic = Client::new(None, Some(&basic), None, Kerberos::Never).unwrap();
        let kerberos_only = reply(&["Negotiate"]);
        let e = with_basic.unauthorized("https://ca/certsrv", &kerberos_only);
        assert!(
            e.contains("asks for Kerberos") && e.contains("kinit"),
            "{e}"
        );
        let anonymous = Client::new(None, None, None, Kerberos::WhenAsked).unwrap();
        let e = anonymous.unauthorized("https://ca/certsrv", &reply(&["NTLM"]));
        assert!(
            e.contains("offers only ntlm, which certreq does not speak"),
            "{e}"
        );
        assert!(!e.contains("  "), "{e}");
    }

    #[test]
    fn a_client_certificate_the_ca_refuses_is_said_as_such() {
        let mut client = Client::new(None, None, None, Kerberos::Never).unwrap();
        let cut = ureq::Error::Io(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(
            client
                .explain("https://ca/certsrv", &cut)
                .starts_with("cannot talk to https://ca/certsrv: "),
            "without a client certificate a cut connection is only that"
        );
        client.client_cert = true;
        let said = client.explain("https://ca/certsrv", &cut);
        assert!(
            said.contains("when the client certificate was offered")
                && said.contains("Client Authentication"),
            "{said}"
        );
    }

    #[test]
    fn https_to_a_plain_http_server_is_said_as_such() {
        let client = Client::new(None, None, None, Kerberos::Never).unwrap();
        // what rustls says when the first bytes back are not a TLS record
        let plain = ureq::Error::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "received corrupt message of type InvalidContentType",
        ));
        let said = client.explain("https://ca:8080/certsrv", &plain);
        assert!(
            said.contains("did not answer in TLS") && said.contains("http://"),
            "{said}"
        );
    }

    #[test]
    fn the_kerberos_service_is_the_url_host() {
        assert_eq!(
            host_of("https://CA.Example.com:8443/certsrv").unwrap(),
            "ca.example.com"
        );
        assert_eq!(host_of("https://[::1]:8443/certsrv").unwrap(), "::1");
        assert!(host_of("not a url").is_err());
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused() {
        let dir = std::env::temp_dir().join(format!("certreq-http-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("empty.pem");
        std::fs::write(&f, "not a certificate").unwrap();
        let e = read_ca_file(&f).unwrap_err();
        assert!(e.contains("holds no certificate"), "{e}");
        let e = read_ca_file(&dir.join("missing.pem")).unwrap_err();
        assert!(e.starts_with("cannot read the CA file"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
