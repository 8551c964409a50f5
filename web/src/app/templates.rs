//! The template gallery: ready-made INF files for common certificates.
//!
//! The files live in `www/templates/` and are compiled in with `include_str!`, so the
//! single-file build carries them too. Every template compiles with no errors and no warnings
//! (checked by a test below over the real core).

use certreq_wire::ca::TemplateOffer;

/// One gallery entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Template {
    /// Stable id (`data-template`).
    pub id: &'static str,
    /// The button's title.
    pub title: &'static str,
    /// One line on what it is for.
    pub summary: &'static str,
    /// The AD CS certificate template (common name, as `CertificateTemplate:` names it) the
    /// request is made for: one of Windows' own templates; empty when no CA is asked.
    pub fits: &'static str,
    /// The INF text.
    pub text: &'static str,
}

/// The gallery, in the order shown.
pub static TEMPLATES: &[Template] = &[
    Template {
        id: "tls-server",
        fits: "WebServer",
        title: "TLS web server",
        summary: "RSA 2048, server authentication, DNS names",
        text: include_str!("../../../www/templates/tls-server.inf"),
    },
    Template {
        id: "client-auth",
        fits: "User",
        title: "Client authentication",
        summary: "RSA 2048, client authentication, UPN and email",
        text: include_str!("../../../www/templates/client-auth.inf"),
    },
    Template {
        id: "smime",
        fits: "User",
        title: "S/MIME email",
        summary: "signing and encryption key, secure email, email name",
        text: include_str!("../../../www/templates/smime.inf"),
    },
    Template {
        id: "code-signing",
        fits: "CodeSigning",
        title: "Code signing",
        summary: "RSA 3072 signature key, code signing",
        text: include_str!("../../../www/templates/code-signing.inf"),
    },
    Template {
        id: "domain-controller",
        fits: "DomainController",
        title: "Domain controller (LDAPS)",
        summary: "the DC's DNS names, server and client authentication, DomainController template",
        text: include_str!("../../../www/templates/domain-controller.inf"),
    },
    Template {
        id: "ecdsa-device",
        fits: "Workstation",
        title: "ECDSA P-256 device",
        summary: "small, fast elliptic-curve key for a device",
        text: include_str!("../../../www/templates/ecdsa-device.inf"),
    },
    Template {
        id: "subca",
        fits: "SubCA",
        title: "Subordinate CA",
        summary: "RSA 4096, CA basic constraints, certificate and CRL signing, SubCA template",
        text: include_str!("../../../www/templates/subca.inf"),
    },
    Template {
        id: "self-signed",
        fits: "",
        title: "Self-signed (lab or test)",
        summary: "ECDSA P-256 certificate made here, no CA: 90 days, server authentication",
        text: include_str!("../../../www/templates/self-signed.inf"),
    },
];

/// What the gallery says of the CA template `t` fits, and `data-offered`: `yes` or `no` when
/// the CA's list (`offered`) is known, else empty. `None` when it is for no CA.
pub fn fit(t: &Template, offered: Option<&[TemplateOffer]>) -> Option<(String, &'static str)> {
    if t.fits.is_empty() {
        return None;
    }
    let (state, note) = match offered {
        None => ("", ""),
        Some(list) if list.iter().any(|o| o.name.eq_ignore_ascii_case(t.fits)) => {
            ("yes", "; this CA offers it")
        }
        Some(_) => ("no", "; this CA does not offer it to you"),
    };
    Some((format!("fits the CA template {}{note}", t.fits), state))
}

/// The template with this id.
pub fn find(id: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use certreq_inf::diag::Severity;
    use certreq_request::compile;
    use certreq_request::model::{Curve, KeyAlgorithm, KeySpec};

    fn request(id: &str) -> certreq_request::model::NewRequest {
        compile(find(id).expect("template").text)
            .request
            .expect("a request")
    }

    #[test]
    fn every_template_compiles_without_errors_or_warnings() {
        assert_eq!(TEMPLATES.len(), 8);
        for t in TEMPLATES {
            let compiled = compile(t.text);
            let loud: Vec<_> = compiled
                .diagnostics
                .iter()
                .filter(|d| d.severity != Severity::Note)
                .collect();
            assert!(loud.is_empty(), "{}: {loud:#?}", t.id);
            assert!(compiled.request.is_some(), "{}: no request", t.id);
        }
    }

    #[test]
    fn template_ids_are_unique_and_found() {
        for t in TEMPLATES {
            assert_eq!(find(t.id), Some(t));
            assert_eq!(TEMPLATES.iter().filter(|o| o.id == t.id).count(), 1);
        }
        assert_eq!(find("nope"), None);
    }

    fn extension(r: &certreq_request::model::NewRequest, oid: &str) -> Vec<u8> {
        r.extensions
            .iter()
            .find(|e| e.extn_id.to_string() == oid)
            .unwrap_or_else(|| panic!("no {oid} extension"))
            .extn_value
            .as_bytes()
            .to_vec()
    }

    fn has_bytes(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn the_self_signed_template_makes_a_certificate() {
        let r = request("self-signed");
        assert_eq!(r.request_type, certreq_request::model::RequestType::Cert);
        assert_eq!(
            r.validity.period,
            Some(certreq_request::model::Period::Seconds(90 * 86_400))
        );
        assert!(
            r.key.exportable,
            "exportable, so the store can write a .pfx"
        );
    }

    #[test]
    fn the_templates_ask_for_what_their_names_promise() {
        // id-kp-serverAuth … id-kp-emailProtection: 06 08 2b 06 01 05 05 07 03 0N
        let kp = |n: u8| [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, n];

        let smime = request("smime");
        assert_eq!(smime.key.key_spec, KeySpec::KeyExchange);
        assert!(smime.key.exportable);
        assert!(has_bytes(&extension(&smime, "2.5.29.37"), &kp(4)));
        assert!(has_bytes(
            &extension(&smime, "2.5.29.17"),
            b"jane.doe@example.com"
        ));
        assert!(
            smime
                .extensions
                .iter()
                .any(|e| e.extn_id.to_string() == "1.2.840.113549.1.9.15"),
            "SMIME = TRUE adds the S/MIME capabilities"
        );

        let dc = request("domain-controller");
        let eku = extension(&dc, "2.5.29.37");
        assert!(has_bytes(&eku, &kp(1)) && has_bytes(&eku, &kp(2)));
        let san = extension(&dc, "2.5.29.17");
        assert!(has_bytes(&san, b"dc01.corp.example.com") && has_bytes(&san, b"corp.example.com"));
        assert!(
            dc.name_value_pairs
                .iter()
                .any(|(k, v)| k == "CertificateTemplate" && v == "DomainController"),
            "{:?}",
            dc.name_value_pairs
        );

        let device = request("ecdsa-device");
        assert_eq!(device.key.algorithm, KeyAlgorithm::Ecdsa(Curve::P256));

        let subca = request("subca");
        assert_eq!(subca.key.algorithm, KeyAlgorithm::Rsa { bits: 4096 });
        // BasicConstraints { cA TRUE, pathLen 0 }, critical
        let bc = subca
            .extensions
            .iter()
            .find(|e| e.extn_id.to_string() == "2.5.29.19")
            .expect("basic constraints");
        assert!(bc.critical);
        assert_eq!(
            bc.extn_value.as_bytes(),
            [0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00]
        );
        // keyCertSign | cRLSign: BIT STRING with 1 unused bit, 0x06
        let ku = subca
            .extensions
            .iter()
            .find(|e| e.extn_id.to_string() == "2.5.29.15")
            .expect("key usage");
        assert_eq!(ku.extn_value.as_bytes(), [0x03, 0x02, 0x01, 0x06]);
        assert!(
            subca
                .name_value_pairs
                .iter()
                .any(|(k, v)| k == "CertificateTemplate" && v == "SubCA")
        );

        let code = request("code-signing");
        assert!(has_bytes(&extension(&code, "2.5.29.37"), &kp(3)));
        let tls = request("tls-server");
        assert!(has_bytes(&extension(&tls, "2.5.29.37"), &kp(1)));
        let client = request("client-auth");
        assert!(has_bytes(&extension(&client, "2.5.29.37"), &kp(2)));
    }

    #[test]
    fn each_template_fits_the_ca_template_its_inf_names_and_says_whether_the_ca_offers_it() {
        for t in TEMPLATES {
            let request = request(t.id);
            let named = request
                .name_value_pairs
                .iter()
                .find(|(k, _)| k == "CertificateTemplate");
            if let Some((_, name)) = named {
                assert_eq!(name, t.fits, "{}", t.id);
            }
            let is_cert = request.request_type == certreq_request::model::RequestType::Cert;
            assert_eq!(
                t.fits.is_empty(),
                is_cert,
                "{}: only a CA-less one fits none",
                t.id
            );
        }
        let web = find("tls-server").unwrap();
        let offer = |name: &str| TemplateOffer {
            name: name.into(),
            display: String::new(),
        };
        assert_eq!(
            fit(web, None),
            Some(("fits the CA template WebServer".into(), ""))
        );
        let list = [offer("Machine"), offer("webserver")];
        assert_eq!(
            fit(web, Some(&list[..])),
            Some((
                "fits the CA template WebServer; this CA offers it".into(),
                "yes"
            ))
        );
        assert_eq!(
            fit(web, Some(&list[..1])).map(|f| f.1),
            Some("no"),
            "not in the CA's list"
        );
        assert_eq!(fit(find("self-signed").unwrap(), Some(&list[..])), None);
    }
}
