//! Microsoft's PKCS#10 request attributes ([MS-WCCE] 2.2.2.7 and 3.1.1.4.3.1.1), as `der` types.
//!
//! certreq adds the first three to every request unless `SuppressDefaults = TRUE`; the fourth
//! carries each `[RequestAttributes]` line. The layouts were checked against requests made by
//! certreq.exe on Windows 10 and 11 (corpus `req/001`–`003`).

use der::asn1::{BitString, BmpString, Ia5String, Utf8StringRef};
use der::{Sequence, ValueOrd};

// Their OIDs are `crate::oid`'s: `OS_VERSION` (an IA5String such as `10.0.19045.2`),
// `CLIENT_INFO` ([`ClientInformation`]), `ENROLLMENT_CSP` ([`EnrollmentCsp`]),
// `NAME_VALUE_PAIR` ([`NameValuePair`]) and PKCS #9 `EXTENSION_REQUEST`, which certreq uses
// for the requested extensions.

/// certreq's client identifier in [`ClientInformation`] (seen in every real request).
pub const CLIENT_ID_CERTREQ: u32 = 9;

/// The OS-version attribute value.
pub type OsVersion = Ia5String;

/// ```text
/// ClientInformation ::= SEQUENCE {
///     clientId     INTEGER,
///     MachineName  UTF8String,
///     UserName     UTF8String,
///     ProcessName  UTF8String }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence, ValueOrd)]
pub struct ClientInformation<'a> {
    pub client_id: u32,
    pub machine_name: Utf8StringRef<'a>,
    pub user_name: Utf8StringRef<'a>,
    pub process_name: Utf8StringRef<'a>,
}

/// ```text
/// CSPProvider ::= SEQUENCE {
///     keySpec     INTEGER,
///     cspName     BMPString,
///     signature   BIT STRING }     -- empty in requests
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence, ValueOrd)]
pub struct EnrollmentCsp {
    pub key_spec: u32,
    pub csp_name: BmpString,
    pub signature: BitString,
}

/// ```text
/// EnrollmentNameValuePair ::= SEQUENCE {
///     name    BMPString,
///     value   BMPString }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Sequence, ValueOrd)]
pub struct NameValuePair {
    pub name: BmpString,
    pub value: BmpString,
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;

    #[test]
    fn name_value_pair_matches_the_documented_bytes() {
        // certreq-semantics §12: CertificateTemplate=User → 30 32 1e 26 … 1e 08 …
        let pair = NameValuePair {
            name: BmpString::from_utf8("CertificateTemplate").unwrap(),
            value: BmpString::from_utf8("User").unwrap(),
        };
        let der = pair.to_der().unwrap();
        assert_eq!(&der[..4], &[0x30, 0x32, 0x1e, 0x26]);
        assert_eq!(&der[0x2a..0x2c], &[0x1e, 0x08]);
        assert_eq!(der.len(), 0x34);
    }

    #[test]
    fn client_information_matches_certreq_output() {
        // corpus req/002: {9, "AXERON", "AXERON\\axero", "certreq.exe"}
        let ci = ClientInformation {
            client_id: CLIENT_ID_CERTREQ,
            machine_name: Utf8StringRef::new("AXERON").unwrap(),
            user_name: Utf8StringRef::new("AXERON\\axero").unwrap(),
            process_name: Utf8StringRef::new("certreq.exe").unwrap(),
        };
        let der = ci.to_der().unwrap();
        assert_eq!(&der[..7], &[0x30, 0x26, 0x02, 0x01, 0x09, 0x0c, 0x06]);
    }
}
