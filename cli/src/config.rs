//! What `-config`, `-attrib` and the credential options mean here.
//!
//! certreq's `-config` names a CA as `Host\CAName` (DCOM/RPC, Windows only) or an enrollment
//! URL. This certreq speaks HTTP(S) only, so `-config` is a URL of one of two kinds, read by
//! `certreq_enroll::Endpoint::parse` (the web app reads URLs the same way):
//!
//! - an AD CS Web Enrollment base, `https://host/certsrv` (requests are posted to
//!   `…/certfnsh.asp`, certificates fetched from `…/certnew.cer`);
//! - an EST base (RFC 7030): any URL whose path holds the segment `/.well-known/est`,
//!   optionally with a CA label (`https://host/.well-known/est/User`); requests go to
//!   `…/simpleenroll`.
//!
//! This module only puts core's errors in certreq's words (naming the options).

use certreq_enroll::{self as enroll, Endpoint, EnrollError};

/// Reads a `-config` value.
pub fn endpoint(config: &str) -> Result<Endpoint, String> {
    Endpoint::parse(config).map_err(|e| match e {
        EnrollError::NotUrl { given } => format!(
            "-config `{given}` is not a URL: this certreq talks to CAs over HTTPS only \
             (no DCOM/RPC `Host\\CAName`); give the Web Enrollment URL \
             https://host/certsrv or an EST URL https://host/.well-known/est"
        ),
        EnrollError::NoHost { given } => format!(
            "-config `{given}` has no host name; write it as https://host/certsrv"
        ),
        EnrollError::QueryOrFragment { given } => format!(
            "-config `{given}` has a query or fragment; give the base URL only (https://host/certsrv)"
        ),
        other => format!("-config {other}"),
    })
}

/// Checks each `Name:Value` pair of an `-attrib` string; `Err` names the first pair without a
/// colon or without a name.
pub fn check_attrib(attrib: &str) -> Result<(), String> {
    enroll::check_attrib(attrib).map_err(|e| match e {
        EnrollError::Attribute { pair } => format!(
            "-attrib pair `{pair}` is not Name:Value; separate pairs with \\n, \
             e.g. -attrib \"CertificateTemplate:WebServer\\nSAN:dns=a.example\""
        ),
        other => format!("-attrib: {other}"),
    })
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
    fn config_errors_name_the_option_and_the_url_forms() {
        let e = endpoint("ca.example\\Example CA").unwrap_err();
        assert_eq!(
            e,
            "-config `ca.example\\Example CA` is not a URL: this certreq talks to CAs over HTTPS \
             only (no DCOM/RPC `Host\\CAName`); give the Web Enrollment URL https://host/certsrv \
             or an EST URL https://host/.well-known/est"
        );
        assert_eq!(
            endpoint("https:///certsrv").unwrap_err(),
            "-config `https:///certsrv` has no host name; write it as https://host/certsrv"
        );
        assert_eq!(
            endpoint("https://ca/certsrv?x=1").unwrap_err(),
            "-config `https://ca/certsrv?x=1` has a query or fragment; give the base URL only \
             (https://host/certsrv)"
        );
        assert!(
            endpoint("https://ca/.well-known/est/a/b")
                .unwrap_err()
                .starts_with("-config `https://ca/.well-known/est/a/b` has the EST CA label `a/b`")
        );
        assert_eq!(
            endpoint("https://ca/certsrv/"),
            Ok(Endpoint::AdCs {
                base: "https://ca/certsrv".into()
            })
        );
    }

    #[test]
    fn attrib_errors_show_the_option() {
        assert!(check_attrib("CertificateTemplate:WebServer\\nSAN:dns=a&dns=b").is_ok());
        assert_eq!(
            check_attrib("CertificateTemplate:X\\nbogus").unwrap_err(),
            "-attrib pair `bogus` is not Name:Value; separate pairs with \\n, e.g. -attrib \
             \"CertificateTemplate:WebServer\\nSAN:dns=a.example\""
        );
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
