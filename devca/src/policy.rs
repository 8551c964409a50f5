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
}

impl Template {
    pub const ALL: [Template; 4] = [
        Template::WebServer,
        Template::User,
        Template::Machine,
        Template::SubCa,
    ];

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
        }
    }

    pub fn ekus(self) -> &'static [ObjectIdentifier] {
        match self {
            Template::WebServer => &[OID_SERVER_AUTH],
            Template::User => &[OID_CLIENT_AUTH, OID_EMAIL_PROTECTION],
            Template::Machine => &[OID_CLIENT_AUTH, OID_SERVER_AUTH],
            Template::SubCa => &[],
        }
    }

    pub fn validity_days(self) -> u64 {
        match self {
            Template::WebServer => 730,
            Template::User | Template::Machine => 365,
            Template::SubCa => 1825,
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
}

/// A policy denial: the disposition message and the LastStatus line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    pub message: String,
    pub status: String,
}

pub const STATUS_UNSUPPORTED_TEMPLATE: &str = "The requested certificate template is not supported by this CA. 0x80094800 (-2146875392 CERTSRV_E_UNSUPPORTED_CERT_TYPE)";
pub const STATUS_BAD_SUBJECT: &str = "The request subject name is invalid or too long. 0x80094001 (-2146877439 CERTSRV_E_BAD_REQUESTSUBJECT)";
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
pub fn decide(
    req: &ParsedRequest,
    attrib: &[(String, String)],
    label_template: Option<&str>,
    san_attribute: bool,
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
    if req.subject.is_empty() && san.is_empty() {
        return Err(Denial {
            message: "Denied by Policy Module  0x80094001, The request subject name is invalid or too long.".to_string(),
            status: STATUS_BAD_SUBJECT.to_string(),
        });
    }
    Ok(IssuePlan {
        template,
        subject: req.subject.clone(),
        san,
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
    fn empty_subject_without_san_is_denied() {
        let req = parse_and_verify(&ec_csr("", &[])).unwrap();
        let d = decide(&req, &[], None, true).unwrap_err();
        assert!(d.message.contains("0x80094001"));
    }
}
