//! The HTTP(S) client for `-submit` and `-retrieve`: ureq with rustls (ring), blocking.
//!
//! - Trust: the system's CA bundle (`SSL_CERT_FILE`, else the usual Linux/macOS bundle files;
//!   Mozilla's roots only when none is found) plus the CA certificates in `-cafile FILE` /
//!   `CERTREQ_CA_FILE` (an extension: certreq uses the Windows store).
//! - HTTP Basic credentials when given; never sent again after a redirect.
//! - Timeouts: 15 s to connect, 120 s in all (AD CS may take a minute to issue).
//! - Answers larger than [`MAX_BODY`] are refused.
//! - Every HTTP status is returned to the caller (AD CS speaks in pages, not statuses); only
//!   transport failures are errors, with messages that say what to do.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use base64ct::{Base64, Encoding};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

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
    pub body: Vec<u8>,
}

/// A configured client.
pub struct Client {
    agent: ureq::Agent,
    authorization: Option<String>,
    ca_file: Option<PathBuf>,
}

impl Client {
    /// Builds a client trusting the system roots plus `ca_file`'s certificates.
    pub fn new(
        ca_file: Option<&Path>,
        credentials: Option<&Credentials>,
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
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(TOTAL_TIMEOUT))
            .user_agent(concat!("certreq-web/", env!("CARGO_PKG_VERSION")))
            .tls_config(TlsConfig::builder().root_certs(root_certs).build())
            .build();
        Ok(Client {
            agent: config.new_agent(),
            authorization: credentials.map(|c| {
                format!(
                    "Basic {}",
                    Base64::encode_string(format!("{}:{}", c.user, c.password).as_bytes())
                )
            }),
            ca_file: ca_file.map(Path::to_path_buf),
        })
    }

    /// `GET url`.
    pub fn get(&self, url: &str) -> Result<Reply, String> {
        let mut req = self.agent.get(url);
        if let Some(auth) = &self.authorization {
            req = req.header("Authorization", auth);
        }
        self.finish(url, req.call())
    }

    /// `POST url` with a body of `content_type`.
    pub fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Result<Reply, String> {
        let mut req = self.agent.post(url).header("Content-Type", content_type);
        if let Some(auth) = &self.authorization {
            req = req.header("Authorization", auth);
        }
        self.finish(url, req.send(body))
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
            body,
        })
    }

    /// A transport failure in words, with what to do.
    fn explain(&self, url: &str, e: &ureq::Error) -> String {
        let detail = e.to_string();
        // rustls failures reach us as I/O errors carrying rustls' message
        let tls = matches!(e, ureq::Error::Tls(_) | ureq::Error::Rustls(_))
            || detail.contains("invalid peer certificate")
            || detail.contains("certificate")
            || detail.contains("handshake");
        if tls {
            return match &self.ca_file {
                Some(f) => format!(
                    "TLS failure talking to {url}: {detail}; the server's certificate is trusted \
                     neither by {} nor by the system roots: check that the file holds the CA that \
                     issued the server's certificate",
                    f.display()
                ),
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
