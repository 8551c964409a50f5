//! The CA's own documents: its certificates (current and renewed), its chain and its CRLs, as
//! AD CS Web Enrollment and EST hand them out.
//!
//! AD CS (`certcarc.asp`, the "Download a CA certificate, certificate chain, or CRL" page):
//! `var nRenewals=N;` says how often the CA certificate was renewed; renewal `N` is the
//! current certificate and `0` the first. Each is at
//! `certnew.cer?ReqID=CACert&Renewal=R&Enc=bin|b64`, its chain at `certnew.p7b?…`, and the
//! CRLs the key of renewal `R` signs at `certcrl.crl?Type=base|delta&Renewal=R&Enc=bin|b64`.
//! A CA that does not publish what is asked answers an error page instead.
//!
//! EST (RFC 7030 §4.1): `GET base[/label]/cacerts` answers the current CA certificates as a
//! base64 certs-only PKCS #7. EST has no CRLs.
//!
//! A CRL is read with `x509-cert` and checked before anyone keeps it ([`read_crl`]): it must
//! decode, be a base CRL or a delta CRL as asked (the delta CRL indicator, RFC 5280 §5.2.4),
//! and, when the CA certificate is known, name that CA as its issuer.

use der::{Decode, Encode};
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::crl::BaseCrlNumber;
use x509_cert::ext::pkix::{CrlNumber, CrlReason};

use certreq_pkix::cert::Certificate;
use certreq_pkix::{name, oid, pem};

use crate::Enc;

/// `base/certcrl.crl?Type=base|delta&Renewal=R&Enc=…`.
pub fn crl_url(base: &str, renewal: u32, delta: bool, enc: Enc) -> String {
    let kind = if delta { "delta" } else { "base" };
    format!(
        "{base}/certcrl.crl?Type={kind}&Renewal={renewal}&Enc={}",
        enc.as_str()
    )
}

/// EST's `base[/label]/cacerts`.
pub fn cacerts_url(base: &str, label: Option<&str>) -> String {
    crate::est_url(base, label, "cacerts")
}

/// One revoked certificate on a CRL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revoked {
    /// The serial number, upper-case hex without separators (as certutil shows it).
    pub serial: String,
    /// When, in seconds since 1970.
    pub date: i64,
    /// The reason code (RFC 5280 §5.3.1), when the entry has one.
    pub reason: Option<u32>,
}

/// What a CRL says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlFacts {
    /// The issuer, as certreq shows names.
    pub issuer: String,
    /// The issuer's DER (to compare with a CA certificate's subject).
    pub issuer_der: Vec<u8>,
    pub this_update: i64,
    pub next_update: Option<i64>,
    /// The CRL number, upper-case hex.
    pub number: Option<String>,
    /// For a delta CRL: the number of the base CRL it completes (upper-case hex).
    pub delta_of: Option<String>,
    pub revoked: Vec<Revoked>,
    /// The CRL's DER, as it came.
    pub der: Vec<u8>,
}

impl CrlFacts {
    pub fn is_delta(&self) -> bool {
        self.delta_of.is_some()
    }
}

/// Why a CRL is not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrlError {
    /// Not PEM, base64 or DER.
    Unreadable,
    /// DER that is not an X.509 CRL: the decoder's reason.
    NotACrl(String),
    /// A base CRL where a delta was asked for, or the other way round.
    WrongKind { delta_asked: bool },
    /// Issued by someone else than the CA certificate given.
    OtherIssuer { crl: String, ca: String },
}

impl core::fmt::Display for CrlError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CrlError::Unreadable => f.write_str("the answer is not a CRL: not PEM, base64 or DER"),
            CrlError::NotACrl(why) => write!(f, "the answer is not a CRL that parses: {why}"),
            CrlError::WrongKind { delta_asked: true } => {
                f.write_str("a delta CRL was asked for, and the answer is a base CRL")
            }
            CrlError::WrongKind { delta_asked: false } => f.write_str(
                "a base CRL was asked for, and the answer is a delta CRL (it has a delta CRL \
                 indicator)",
            ),
            CrlError::OtherIssuer { crl, ca } => write!(
                f,
                "the CRL is issued by {crl}, not by the CA certificate's subject {ca}"
            ),
        }
    }
}

impl std::error::Error for CrlError {}

fn hex(bytes: &[u8]) -> String {
    // a DER INTEGER's leading zero (for a positive number) is not part of the number
    let bytes = match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest,
        b => b,
    };
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// Reads and checks a CRL: `delta` says which kind was asked for; `issuer` is the CA
/// certificate, when known.
pub fn read_crl(
    bytes: &[u8],
    delta: bool,
    issuer: Option<&Certificate>,
) -> Result<CrlFacts, CrlError> {
    let der = pem::read(bytes)
        .ok()
        .and_then(|blocks| blocks.into_iter().next())
        .map(|b| b.der)
        .ok_or(CrlError::Unreadable)?;
    let crl = CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&der)
        .map_err(|e| CrlError::NotACrl(e.to_string()))?;
    let tbs = &crl.tbs_cert_list;
    let mut number = None;
    let mut delta_of = None;
    for ext in tbs.crl_extensions.iter().flatten() {
        if ext.extn_id == oid::CRL_NUMBER {
            number = CrlNumber::from_der(ext.extn_value.as_bytes())
                .ok()
                .map(|n| hex(n.0.as_bytes()));
        } else if ext.extn_id == oid::DELTA_CRL_INDICATOR {
            delta_of = Some(
                BaseCrlNumber::from_der(ext.extn_value.as_bytes())
                    .map(|n| hex(n.0.as_bytes()))
                    .map_err(|e| CrlError::NotACrl(format!("its delta CRL indicator: {e}")))?,
            );
        }
    }
    if delta_of.is_some() != delta {
        return Err(CrlError::WrongKind { delta_asked: delta });
    }
    let issuer_der = tbs
        .issuer
        .to_der()
        .map_err(|e| CrlError::NotACrl(e.to_string()))?;
    if let Some(ca) = issuer
        && ca.facts().subject_der != issuer_der
    {
        return Err(CrlError::OtherIssuer {
            crl: name::display(&tbs.issuer),
            ca: ca.subject().to_string(),
        });
    }
    let seconds = |t: &x509_cert::time::Time| {
        i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
    };
    let revoked = tbs
        .revoked_certificates
        .iter()
        .flatten()
        .map(|r| Revoked {
            serial: hex(r.serial_number.as_bytes()),
            date: seconds(&r.revocation_date),
            reason: r
                .crl_entry_extensions
                .iter()
                .flatten()
                .find(|e| e.extn_id == oid::CRL_REASON)
                .and_then(|e| CrlReason::from_der(e.extn_value.as_bytes()).ok())
                .map(|r| r as u32),
        })
        .collect();
    Ok(CrlFacts {
        issuer: name::display(&tbs.issuer),
        issuer_der,
        this_update: seconds(&tbs.this_update),
        next_update: tbs.next_update.as_ref().map(seconds),
        number,
        delta_of,
        revoked,
        der,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            crl_url("https://ca/certsrv", 2, true, Enc::Bin),
            "https://ca/certsrv/certcrl.crl?Type=delta&Renewal=2&Enc=bin"
        );
        assert_eq!(
            cacerts_url("https://ca/.well-known/est", Some("User")),
            "https://ca/.well-known/est/User/cacerts"
        );
    }

    #[test]
    fn the_test_crl_is_read_and_checked() {
        let bytes = certreq_testsupport::data_file("test.crl");
        let crl = read_crl(&bytes, false, None).unwrap();
        assert!(!crl.is_delta());
        assert_eq!(crl.issuer, "CN=certreq-web Test CRL Issuer");
        assert_eq!(crl.number.as_deref(), Some("2A"));
        assert_eq!(crl.revoked.len(), 1);
        assert_eq!(crl.revoked[0].serial, "1234ABCD");
        assert_eq!(
            read_crl(&bytes, true, None),
            Err(CrlError::WrongKind { delta_asked: true })
        );
    }

    #[test]
    fn what_is_not_a_crl_is_refused() {
        assert_eq!(read_crl(b"", false, None), Err(CrlError::Unreadable));
        let cert = certreq_testsupport::data_der("pfx-ca.crt");
        let e = read_crl(&cert, false, None).unwrap_err();
        assert!(matches!(e, CrlError::NotACrl(_)), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("the answer is not a CRL that parses")
        );
        assert_eq!(
            read_crl(b"<html>error</html>", false, None),
            Err(CrlError::Unreadable)
        );
    }
}
