//! What `-config`, `-attrib` and the credential options mean here.
//!
//! certreq's `-config` names a CA as `Host\CAName` (DCOM/RPC, Windows only) or an enrollment
//! URL. This certreq speaks HTTP(S) only, so `-config` is a URL of one of two kinds:
//!
//! - an AD CS Web Enrollment base, `https://host/certsrv` (requests are posted to
//!   `…/certfnsh.asp`, certificates fetched from `…/certnew.cer`);
//! - an EST base (RFC 7030): any URL whose path contains `/.well-known/est`, optionally with a CA
//!   label (`https://host/.well-known/est/User`); requests go to `…/simpleenroll`.

/// Where requests go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// AD CS Web Enrollment; `base` has no trailing `/` (`https://host/certsrv`).
    Certsrv { base: String },
    /// EST; `base` is the prefix before the operation (`https://host/.well-known/est[/label]`).
    Est { base: String },
}

impl Endpoint {
    /// Reads a `-config` value.
    pub fn parse(config: &str) -> Result<Endpoint, String> {
        let config = config.trim();
        let lower = config.to_ascii_lowercase();
        let rest = if lower.starts_with("https://") {
            &config[8..]
        } else if lower.starts_with("http://") {
            &config[7..]
        } else {
            return Err(format!(
                "-config `{config}` is not a URL: this certreq talks to CAs over HTTPS only \
                 (no DCOM/RPC `Host\\CAName`); give the Web Enrollment URL \
                 https://host/certsrv or an EST URL https://host/.well-known/est"
            ));
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty() {
            return Err(format!(
                "-config `{config}` has no host name; write it as https://host/certsrv"
            ));
        }
        if config.contains(['?', '#']) {
            return Err(format!(
                "-config `{config}` has a query or fragment; give the base URL only (https://host/certsrv)"
            ));
        }
        let base = config.trim_end_matches('/');
        if lower.contains("/.well-known/est") {
            let mut base = base.to_string();
            for op in ["/simpleenroll", "/simplereenroll", "/cacerts", "/csrattrs"] {
                if base.to_ascii_lowercase().ends_with(op) {
                    base.truncate(base.len() - op.len());
                    break;
                }
            }
            return Ok(Endpoint::Est { base });
        }
        let mut base = base.to_string();
        for page in [
            "/certfnsh.asp",
            "/certnew.cer",
            "/certnew.p7b",
            "/default.asp",
        ] {
            if base.to_ascii_lowercase().ends_with(page) {
                base.truncate(base.len() - page.len());
                break;
            }
        }
        Ok(Endpoint::Certsrv { base })
    }

    /// The URL the user gave, normalised (for messages and the store).
    pub fn base(&self) -> &str {
        match self {
            Endpoint::Certsrv { base } | Endpoint::Est { base } => base,
        }
    }

    /// Plain `http://`: credentials and keys' certificates travel unprotected.
    pub fn is_plain_http(&self) -> bool {
        self.base().to_ascii_lowercase().starts_with("http://")
    }
}

/// certreq's `-attrib` string as the CA receives it in `CertAttrib`: pairs separated by the
/// two-character escape `\n` (certreq's documented form) or by real line breaks, joined with
/// CRLF. Empty pairs are dropped; pairs are trimmed (the CA trims values anyway).
pub fn attrib_lines(attrib: &str) -> String {
    let normalised = attrib.replace("\\n", "\n").replace("\r\n", "\n");
    normalised
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// Checks each `Name:Value` pair of an `-attrib` string; `Err` names the first pair without a
/// colon or without a name.
pub fn check_attrib(attrib: &str) -> Result<(), String> {
    for pair in attrib_lines(attrib).split("\r\n").filter(|p| !p.is_empty()) {
        match pair.split_once(':') {
            Some((name, _)) if !name.trim().is_empty() => {}
            _ => {
                return Err(format!(
                    "-attrib pair `{pair}` is not Name:Value; separate pairs with \\n, \
                     e.g. -attrib \"CertificateTemplate:WebServer\\nSAN:dns=a.example\""
                ));
            }
        }
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` of name/value pairs.
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// HTTP Basic credentials from `-username`/`-p`, else `CERTREQ_USER`/`CERTREQ_PASSWORD`.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials {{ user: {:?}, password: … }}", self.user)
    }
}

/// Picks the credentials; `env` looks up an environment variable (tests pass a map).
pub fn credentials(
    user: Option<&str>,
    password: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Credentials>, String> {
    let user = user
        .map(str::to_string)
        .or_else(|| env("CERTREQ_USER").filter(|u| !u.is_empty()));
    let password = password
        .map(str::to_string)
        .or_else(|| env("CERTREQ_PASSWORD"));
    match (user, password) {
        (Some(user), Some(password)) => Ok(Some(Credentials { user, password })),
        (Some(user), None) => Err(format!(
            "no password for user `{user}`: give -p Password or set CERTREQ_PASSWORD"
        )),
        (None, Some(_)) => Err(
            "a password without a user name: give -username UserName or set CERTREQ_USER".into(),
        ),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certsrv_urls_are_normalised_to_the_base() {
        for url in [
            "https://ca.example/certsrv",
            "https://ca.example/certsrv/",
            "https://ca.example/certsrv/certfnsh.asp",
            "HTTPS://ca.example/certsrv/",
        ] {
            let e = Endpoint::parse(url).unwrap();
            assert!(
                matches!(&e, Endpoint::Certsrv { base } if base.ends_with("ca.example/certsrv")),
                "{url}: {e:?}"
            );
        }
        assert!(
            !Endpoint::parse("https://ca/certsrv")
                .unwrap()
                .is_plain_http()
        );
        assert!(
            Endpoint::parse("http://ca/certsrv")
                .unwrap()
                .is_plain_http()
        );
    }

    #[test]
    fn est_urls_with_and_without_label() {
        assert_eq!(
            Endpoint::parse("https://ca.example/.well-known/est").unwrap(),
            Endpoint::Est {
                base: "https://ca.example/.well-known/est".into()
            }
        );
        assert_eq!(
            Endpoint::parse("https://ca.example:8443/.well-known/est/User/").unwrap(),
            Endpoint::Est {
                base: "https://ca.example:8443/.well-known/est/User".into()
            }
        );
        assert_eq!(
            Endpoint::parse("https://ca.example/.well-known/est/simpleenroll").unwrap(),
            Endpoint::Est {
                base: "https://ca.example/.well-known/est".into()
            }
        );
    }

    #[test]
    fn windows_config_strings_are_refused_with_the_url_forms() {
        let e = Endpoint::parse("ca.example\\Example CA").unwrap_err();
        assert!(e.contains("no DCOM/RPC"), "{e}");
        assert!(e.contains("https://host/certsrv"), "{e}");
        assert!(Endpoint::parse("https:///certsrv").is_err());
        assert!(Endpoint::parse("https://ca/certsrv?x=1").is_err());
    }

    #[test]
    fn attrib_escape_becomes_crlf() {
        assert_eq!(
            attrib_lines("CertificateTemplate:User\\nSAN:upn=a@b.example"),
            "CertificateTemplate:User\r\nSAN:upn=a@b.example"
        );
        assert_eq!(attrib_lines("A:1\nB:2\r\n\r\nC:3\\n"), "A:1\r\nB:2\r\nC:3");
        assert_eq!(attrib_lines(""), "");
        assert!(check_attrib("CertificateTemplate:WebServer\\nSAN:dns=a&dns=b").is_ok());
        let e = check_attrib("CertificateTemplate:X\\nbogus").unwrap_err();
        assert!(
            e.starts_with("-attrib pair `bogus` is not Name:Value"),
            "{e}"
        );
        assert!(check_attrib(":value").is_err());
    }

    #[test]
    fn form_encoding() {
        assert_eq!(
            form_encode(&[
                ("Mode", "newreq"),
                ("CertAttrib", "A:b c\r\nSAN:dns=x&dns=y")
            ]),
            "Mode=newreq&CertAttrib=A%3Ab+c%0D%0ASAN%3Adns%3Dx%26dns%3Dy"
        );
        assert_eq!(form_encode(&[("R", "a+b/=")]), "R=a%2Bb%2F%3D");
    }

    #[test]
    fn credentials_from_options_then_environment() {
        let none = |_: &str| None;
        let env = |k: &str| match k {
            "CERTREQ_USER" => Some("envuser".to_string()),
            "CERTREQ_PASSWORD" => Some("envpw".to_string()),
            _ => None,
        };
        assert_eq!(credentials(None, None, &none).unwrap(), None);
        let c = credentials(None, None, &env).unwrap().unwrap();
        assert_eq!((c.user.as_str(), c.password.as_str()), ("envuser", "envpw"));
        let c = credentials(Some("u"), Some("p"), &env).unwrap().unwrap();
        assert_eq!((c.user.as_str(), c.password.as_str()), ("u", "p"));
        let e = credentials(Some("u"), None, &none).unwrap_err();
        assert_eq!(
            e,
            "no password for user `u`: give -p Password or set CERTREQ_PASSWORD"
        );
        assert!(credentials(None, Some("p"), &none).is_err());
        assert!(!format!("{c:?}").contains('p') || !format!("{c:?}").contains("\"p\""));
    }
}
