//! Templates and the policy decision: which template applies, what the certificate will say, or
//! why the request is denied (in AD CS's words).

use certreq_pkix::oid::ObjectIdentifier;
use der::asn1::{Any, Ia5String, OctetString};
use x509_cert::ext::pkix::name::{GeneralName, OtherName};
use x509_cert::name::Name;

use crate::csr::ParsedRequest;

pub const OID_SERVER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
pub const OID_CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");
pub const OID_EMAIL_PROTECTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");
/// The Certificate Request Agent purpose (an enrollment agent's).
pub const OID_ENROLLMENT_AGENT: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.20.2.1");
/// szOID_NT_PRINCIPAL_NAME, the UPN other-name.
pub const OID_UPN: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.20.2.3");

/// The template used when a request names none (documented in the README section of main.rs).
pub const DEFAULT_TEMPLATE: Template = Template::WebServer;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    WebServer,
    User,
    Machine,
    SubCa,
    /// Requires a subject alternative name in the request (CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED).
    SanRequired,
    /// Requires an e-mail address in the subject or SAN (CERTSRV_E_SUBJECT_EMAIL_REQUIRED).
    EmailRequired,
    /// Requires a DNS name in the SAN (CERTSRV_E_SUBJECT_DNS_REQUIRED).
    DnsRequired,
    /// Requires an RSA key of at least 3072 bits (CERTSRV_E_KEY_LENGTH).
    StrongKey,
    /// Archives the private key: a request without an archived key is denied
    /// (CERTSRV_E_ARCHIVED_KEY_REQUIRED).
    KeyArchival,
    /// Every request waits for a certificate manager (taken under submission).
    Approval,
    /// An enrollment agent's certificate (Certificate Request Agent), which signs requests on
    /// behalf of other users (certreq's RequesterName).
    EnrollmentAgent,
}

impl Template {
    pub const ALL: [Template; 11] = [
        Template::WebServer,
        Template::User,
        Template::Machine,
        Template::SubCa,
        Template::SanRequired,
        Template::EmailRequired,
        Template::DnsRequired,
        Template::StrongKey,
        Template::KeyArchival,
        Template::Approval,
        Template::EnrollmentAgent,
    ];

    /// The name people see on the advanced request page.
    pub fn display(self) -> &'static str {
        match self {
            Template::WebServer => "Web Server",
            Template::User => "User",
            Template::Machine => "Computer",
            Template::SubCa => "Subordinate Certification Authority",
            Template::SanRequired => "Server (names from the request)",
            Template::EmailRequired => "E-mail User",
            Template::DnsRequired => "Computer (DNS name)",
            Template::StrongKey => "Web Server (RSA 3072)",
            Template::KeyArchival => "Encryption (key archival)",
            Template::Approval => "Web Server (manager approval)",
            Template::EnrollmentAgent => "Enrollment Agent",
        }
    }

    /// Template names are matched case-insensitively, as AD CS does.
    pub fn from_name(name: &str) -> Option<Template> {
        Template::ALL
            .into_iter()
            .find(|t| t.name().eq_ignore_ascii_case(name.trim()))
    }

    pub fn name(self) -> &'static str {
        match self {
            Template::WebServer => "WebServer",
            Template::User => "User",
            Template::Machine => "Machine",
            Template::SubCa => "SubCA",
            Template::SanRequired => "SanRequired",
            Template::EmailRequired => "EmailRequired",
            Template::DnsRequired => "DnsRequired",
            Template::StrongKey => "StrongKey",
            Template::KeyArchival => "KeyArchival",
            Template::Approval => "Approval",
            Template::EnrollmentAgent => "EnrollmentAgent",
        }
    }

    pub fn ekus(self) -> &'static [ObjectIdentifier] {
        match self {
            Template::WebServer
            | Template::SanRequired
            | Template::StrongKey
            | Template::Approval => &[OID_SERVER_AUTH],
            Template::User | Template::EmailRequired | Template::KeyArchival => {
                &[OID_CLIENT_AUTH, OID_EMAIL_PROTECTION]
            }
            Template::Machine | Template::DnsRequired => &[OID_CLIENT_AUTH, OID_SERVER_AUTH],
            Template::SubCa => &[],
            Template::EnrollmentAgent => &[OID_ENROLLMENT_AGENT],
        }
    }

    pub fn validity_days(self) -> u64 {
        match self {
            Template::WebServer | Template::StrongKey | Template::Approval => 730,
            Template::SubCa => 1825,
            Template::EnrollmentAgent => 730,
            _ => 365,
        }
    }

    pub fn is_ca(self) -> bool {
        self == Template::SubCa
    }
}

/// What the CA will put into the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuePlan {
    pub template: Template,
    pub subject: Name,
    pub san: Vec<GeneralName>,
    /// Extensions taken from the request over the template's (a subordinate CA's constraints
    /// and policies: `certreq -policy`); see `lifecycle::check`.
    pub extensions: Vec<x509_cert::ext::Extension>,
}

/// A policy denial: the disposition message and the LastStatus line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub message: String,
    pub status: String,
}

pub const STATUS_UNSUPPORTED_TEMPLATE: &str = "The requested certificate template is not supported by this CA. 0x80094800 (-2146875392 CERTSRV_E_UNSUPPORTED_CERT_TYPE)";
pub const STATUS_BAD_SUBJECT: &str = "The request subject name is invalid or too long. 0x80094001 (-2146877439 CERTSRV_E_BAD_REQUESTSUBJECT)";
pub const STATUS_TEMPLATE_DENIED: &str = "The permissions on the certificate template do not allow the current user to enroll for this type of certificate. 0x80094012 (-2146877422 CERTSRV_E_TEMPLATE_DENIED)";
pub const STATUS_SAN_REQUIRED: &str = "The request is missing a required Subject Alternate name extension. 0x80094803 (-2146875389 CERTSRV_E_SUBJECT_ALT_NAME_REQUIRED)";
pub const STATUS_EMAIL_REQUIRED: &str = "The EMail name is unavailable and cannot be added to the Subject or Subject Alternate name. 0x80094812 (-2146875374 CERTSRV_E_SUBJECT_EMAIL_REQUIRED)";
pub const STATUS_DNS_REQUIRED: &str = "The DNS name is unavailable and cannot be added to the Subject Alternate name. 0x8009480f (-2146875377 CERTSRV_E_SUBJECT_DNS_REQUIRED)";
pub const STATUS_KEY_LENGTH: &str = "The public key does not meet the minimum size required by the specified certificate template. 0x80094811 (-2146875375 CERTSRV_E_KEY_LENGTH)";
pub const STATUS_ARCHIVED_KEY_REQUIRED: &str = "The request is missing a required private key for archival by the server. 0x80094804 (-2146875388 CERTSRV_E_ARCHIVED_KEY_REQUIRED)";
/// The smallest RSA key StrongKey takes.
pub const STRONG_KEY_BITS: usize = 3072;

/// Who may enroll for which template: templates not named are open to everyone; a named one
/// only to its users (`--allow TEMPLATE=USER,USER`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permissions(pub Vec<(Template, Vec<String>)>);

impl Permissions {
    /// Whether `user` (`None`: nobody signed in) may enroll for `t`.
    pub fn allows(&self, t: Template, user: Option<&str>) -> bool {
        match self.0.iter().find(|(x, _)| *x == t) {
            None => true,
            Some((_, users)) => {
                user.is_some_and(|u| users.iter().any(|x| x.eq_ignore_ascii_case(u)))
            }
        }
    }
}

/// A policy-module denial in AD CS's words: `Denied by Policy Module  0x…, <text>`.
fn policy_denial(status: &str) -> Denial {
    // the status line is "<text> 0x<hex> (<dec> <SYMBOL>)"
    let (text, code) = match status.rfind(" 0x") {
        Some(at) => (
            &status[..at],
            status[at + 1..].split(' ').next().unwrap_or(""),
        ),
        None => (status, ""),
    };
    Denial {
        message: format!("Denied by Policy Module  {code}, {text}"),
        status: status.to_string(),
    }
}

/// What the template itself demands of the request, beyond the names.
fn template_demands(t: Template, req: &ParsedRequest, san: &[GeneralName]) -> Result<(), Denial> {
    match t {
        Template::SanRequired if san.is_empty() => Err(policy_denial(STATUS_SAN_REQUIRED)),
        Template::EmailRequired => {
            let in_san = san.iter().any(|n| matches!(n, GeneralName::Rfc822Name(_)));
            let in_subject = req
                .subject
                .iter_rdn()
                .any(|rdn| rdn.iter().any(|atv| atv.oid == OID_EMAIL_ADDRESS));
            if in_san || in_subject {
                Ok(())
            } else {
                Err(policy_denial(STATUS_EMAIL_REQUIRED))
            }
        }
        Template::DnsRequired if !san.iter().any(|n| matches!(n, GeneralName::DnsName(_))) => {
            Err(policy_denial(STATUS_DNS_REQUIRED))
        }
        Template::StrongKey => match rsa_bits(&req.public_key) {
            Some(bits) if bits >= STRONG_KEY_BITS => Ok(()),
            _ => Err(policy_denial(STATUS_KEY_LENGTH)),
        },
        // an archived key is opened and checked against the request by `lifecycle::check`
        Template::KeyArchival if req.archived_key.is_none() => {
            Err(policy_denial(STATUS_ARCHIVED_KEY_REQUIRED))
        }
        _ => Ok(()),
    }
}

/// The modulus size of an RSA key, in bits.
fn rsa_bits(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> Option<usize> {
    use der::Encode;
    use rsa::pkcs8::DecodePublicKey;
    use rsa::traits::PublicKeyParts;
    if spki.algorithm.oid != certreq_pkix::oid::RSA_ENCRYPTION {
        return None;
    }
    let key = rsa::PublicKey::from_public_key_der(&spki.to_der().ok()?).ok()?;
    Some(key.size() * 8)
}

/// Whether each CN of `subject` has 1 to 64 characters (RFC 5280's `X520CommonName`, SIZE
/// (1..ub-common-name)); AD CS refuses a longer one as a bad subject (0x80094001).
fn common_names_fit(subject: &Name) -> bool {
    const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
    subject
        .iter_rdn()
        .flat_map(|rdn| rdn.iter())
        .filter(|atv| atv.oid == CN)
        .all(|atv| {
            let bytes = atv.value.value();
            let chars = if der::Tagged::tag(&atv.value) == der::Tag::BmpString {
                bytes.len() / 2
            } else {
                String::from_utf8_lossy(bytes).chars().count()
            };
            (1..=64).contains(&chars)
        })
}

/// pkcs-9 emailAddress, the `E=` of a subject.
pub const OID_EMAIL_ADDRESS: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");

pub const STATUS_INVALID_PARAMETER: &str =
    "The parameter is incorrect. 0x80070057 (WIN32: 87 ERROR_INVALID_PARAMETER)";

/// Splits a CertAttrib string into (normalised name, trimmed value) pairs. Lines may end with
/// `\n`, `\r\n` or a literal `%0d%0a`; names ignore spaces, hyphens and case.
pub fn parse_cert_attrib(s: &str) -> Vec<(String, String)> {
    let mut normal = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.to_ascii_lowercase().find("%0d%0a") {
        normal.push_str(&rest[..pos]);
        normal.push('\n');
        rest = &rest[pos + 6..];
    }
    normal.push_str(rest);
    normal
        .split(['\n', '\r'])
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            let name = normalise_name(name);
            if name.is_empty() {
                return None;
            }
            Some((name, value.trim().to_string()))
        })
        .collect()
}

fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Parses a `SAN:` attribute value: `dns=a.example&email=x@y&upn=u@d&ipaddress=10.0.0.1&url=…`.
pub fn parse_san_attribute(value: &str) -> Result<Vec<GeneralName>, String> {
    let mut out = Vec::new();
    for part in value.split('&') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let Some((kind, v)) = part.split_once('=') else {
            return Err(format!("SAN entry {part} has no ="));
        };
        let v = v.trim();
        let ia5 = |v: &str| Ia5String::new(v).map_err(|_| format!("SAN value {v} is not ASCII"));
        let name = match normalise_name(kind).as_str() {
            "dns" => GeneralName::DnsName(ia5(v)?),
            "email" | "rfc822" => GeneralName::Rfc822Name(ia5(v)?),
            "url" | "uri" => GeneralName::UniformResourceIdentifier(ia5(v)?),
            "ipaddress" | "ip" => {
                let ip: std::net::IpAddr = v
                    .parse()
                    .map_err(|_| format!("SAN value {v} is not an IP address"))?;
                let bytes = match ip {
                    std::net::IpAddr::V4(a) => a.octets().to_vec(),
                    std::net::IpAddr::V6(a) => a.octets().to_vec(),
                };
                GeneralName::IpAddress(
                    OctetString::new(bytes).map_err(|e| format!("SAN IP address: {e}"))?,
                )
            }
            "upn" => {
                let utf8 = der::asn1::Utf8StringRef::new(v).map_err(|e| format!("SAN upn: {e}"))?;
                let any = Any::encode_from(&utf8).map_err(|e| format!("SAN upn: {e}"))?;
                GeneralName::OtherName(OtherName {
                    type_id: OID_UPN,
                    value: any,
                })
            }
            other => {
                return Err(format!(
                    "SAN kind {other} is not supported (use dns, email, upn, ipaddress or url)"
                ));
            }
        };
        out.push(name);
    }
    Ok(out)
}

/// Chooses the template and the certificate contents for `req` with request attributes `attrib`
/// (from CertAttrib and from the PKCS#10). `label_template` is the EST CA label, if any.
/// `san_attribute` enables the `SAN:` request attribute (EDITF_ATTRIBUTESUBJECTALTNAME2).
#[cfg(test)]
pub fn decide(
    req: &ParsedRequest,
    attrib: &[(String, String)],
    label_template: Option<&str>,
    san_attribute: bool,
) -> Result<IssuePlan, Denial> {
    decide_for(
        req,
        attrib,
        label_template,
        san_attribute,
        None,
        &Permissions::default(),
    )
}

/// [`decide`] for `user`, under `permissions`.
pub fn decide_for(
    req: &ParsedRequest,
    attrib: &[(String, String)],
    label_template: Option<&str>,
    san_attribute: bool,
    user: Option<&str>,
    permissions: &Permissions,
) -> Result<IssuePlan, Denial> {
    let mut all: Vec<(String, String)> = req
        .attributes
        .iter()
        .map(|(n, v)| (normalise_name(n), v.trim().to_string()))
        .collect();
    all.extend(attrib.iter().cloned());
    let attr = |name: &str| {
        all.iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let template_name = attr("certificatetemplate")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| label_template.map(str::to_string))
        .or_else(|| req.template_ext.clone());
    let template = match template_name {
        None => DEFAULT_TEMPLATE,
        Some(name) => Template::from_name(&name).ok_or_else(|| Denial {
            message: format!(
                "Denied by Policy Module  0x80094800, The request was for a certificate template that is not supported by the Active Directory Certificate Services policy: {}.",
                name.trim()
            ),
            status: STATUS_UNSUPPORTED_TEMPLATE.to_string(),
        })?,
    };
    let mut san = req.san.clone();
    if san_attribute && let Some(v) = attr("san") {
        let extra = parse_san_attribute(v).map_err(|e| Denial {
            message: format!("Denied by Policy Module  0x80070057, {e}."),
            status: STATUS_INVALID_PARAMETER.to_string(),
        })?;
        for name in extra {
            if !san.contains(&name) {
                san.push(name);
            }
        }
    }
    if !permissions.allows(template, user) {
        return Err(policy_denial(STATUS_TEMPLATE_DENIED));
    }
    template_demands(template, req, &san)?;
    if req.subject.is_empty() && san.is_empty() || !common_names_fit(&req.subject) {
        return Err(Denial {
            message: "Denied by Policy Module  0x80094001, The request subject name is invalid or too long.".to_string(),
            status: STATUS_BAD_SUBJECT.to_string(),
        });
    }
    Ok(IssuePlan {
        template,
        subject: req.subject.clone(),
        san,
        extensions: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csr::{parse_and_verify, tests::ec_csr};

    #[test]
    fn cert_attrib_separators_and_names() {
        let a = parse_cert_attrib(
            "Certificate-Template: WebServer \r\nSAN:dns=a.example&dns=b.example%0D%0Ax y:z\nnocolon",
        );
        assert_eq!(
            a,
            vec![
                ("certificatetemplate".into(), "WebServer".into()),
                ("san".into(), "dns=a.example&dns=b.example".into()),
                ("xy".into(), "z".into()),
            ]
        );
    }

    #[test]
    fn san_attribute_kinds() {
        let names =
            parse_san_attribute("dns=a.example&ipaddress=10.0.0.1&email=x@y.example&upn=u@d")
                .unwrap();
        assert_eq!(names.len(), 4);
        assert_eq!(
            names[1],
            GeneralName::IpAddress(OctetString::new(vec![10, 0, 0, 1]).unwrap())
        );
        assert!(parse_san_attribute("foo=bar").is_err());
        assert!(parse_san_attribute("ipaddress=300.1.1.1").is_err());
        assert!(parse_san_attribute("dns").is_err());
    }

    #[test]
    fn templates_and_default() {
        let req = parse_and_verify(&ec_csr("CN=a.example", &["a.example"])).unwrap();
        let plan = decide(&req, &[], None, true).unwrap();
        assert_eq!(plan.template, Template::WebServer);
        let attrib = parse_cert_attrib("CertificateTemplate:user");
        assert_eq!(
            decide(&req, &attrib, None, true).unwrap().template,
            Template::User
        );
        assert_eq!(
            decide(&req, &[], Some("SubCA"), true).unwrap().template,
            Template::SubCa
        );
    }

    #[test]
    fn unknown_template_is_denied_in_ad_cs_words() {
        let req = parse_and_verify(&ec_csr("CN=a.example", &[])).unwrap();
        let attrib = parse_cert_attrib("CertificateTemplate:Nope");
        let d = decide(&req, &attrib, None, true).unwrap_err();
        assert_eq!(
            d.message,
            "Denied by Policy Module  0x80094800, The request was for a certificate template that is not supported by the Active Directory Certificate Services policy: Nope."
        );
        assert!(d.status.contains("CERTSRV_E_UNSUPPORTED_CERT_TYPE"));
    }

    #[test]
    fn san_attribute_adds_names_only_when_enabled() {
        let req = parse_and_verify(&ec_csr("CN=a.example", &["a.example"])).unwrap();
        let attrib = parse_cert_attrib("SAN:dns=a.example&dns=b.example");
        assert_eq!(decide(&req, &attrib, None, true).unwrap().san.len(), 2);
        assert_eq!(decide(&req, &attrib, None, false).unwrap().san.len(), 1);
        let bad = parse_cert_attrib("SAN:bogus=1");
        assert!(decide(&req, &bad, None, true).is_err());
    }

    #[test]
    fn a_common_name_empty_or_over_64_characters_is_denied() {
        let san = ["a.example"];
        for cn in ["CN=", &format!("CN={}", "é".repeat(65))] {
            let req = parse_and_verify(&ec_csr(cn, &san)).unwrap();
            let d = decide(&req, &[], None, true).unwrap_err();
            assert!(d.message.contains("0x80094001"), "{cn}: {}", d.message);
        }
        let req = parse_and_verify(&ec_csr(&format!("CN={}", "é".repeat(64)), &san)).unwrap();
        assert!(decide(&req, &[], None, true).is_ok());
    }

    #[test]
    fn empty_subject_without_san_is_denied() {
        let req = parse_and_verify(&ec_csr("", &[])).unwrap();
        let d = decide(&req, &[], None, true).unwrap_err();
        assert!(d.message.contains("0x80094001"));
    }
}
