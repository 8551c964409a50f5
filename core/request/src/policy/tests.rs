//! `certreq -policy`: a policy file's extensions and attributes applied to a request and to a
//! CA certificate, the request signed again by its key or null-signed for a CMC wrapper.

use super::*;
use crate::compile_policy;
use crate::testkit::{ec_key, ec_request, ec_spki, rsa_certificate, sign_with};
use certreq_pkix::alg::{Hash, SignatureScheme};

const POLICY: &str = "[Version]\nSignature = \"$Windows NT$\"\n\
    [BasicConstraintsExtension]\nPathLength = 0\nCritical = TRUE\n\
    [PolicyStatementExtension]\nPolicies = Legal\n[Legal]\nOID = 1.3.6.1.4.1.311.21.8.1\n\
    [NameConstraintsExtension]\nInclude = Permitted\nExclude = Excluded\n\
    [Permitted]\nDNS = example.com\nIPAddress = 10.0.0.0, 255.0.0.0\n\
    [Excluded]\nDNS = bad.example.com\n\
    [PolicyMappingsExtension]\n1.3.6.1.4.1.311.21.8.1 = 1.3.6.1.4.1.311.21.8.2\n\
    [PolicyConstraintsExtension]\nRequireExplicitPolicy = 1\n\
    [RequestAttributes]\nCertificateTemplate = SubCA\n";

fn plan() -> PolicyPlan {
    let c = compile_policy(POLICY);
    c.plan.unwrap_or_else(|| panic!("{:#?}", c.diagnostics))
}

fn extensions_of(info: &[u8]) -> Vec<Extension> {
    let mut der = info.to_vec();
    der.extend(
        x509_cert::spki::AlgorithmIdentifierOwned {
            oid: oid::SHA256_WITH_RSA,
            parameters: None,
        }
        .to_der()
        .unwrap(),
    );
    der.extend([0x03, 0x01, 0x00]);
    let req = CertReq::from_der(&tlv::tlv(0x30, &der)).unwrap();
    req.info
        .attributes
        .iter()
        .filter(|a| a.oid == oid::EXTENSION_REQUEST)
        .flat_map(|a| {
            a.values
                .iter()
                .map(|v| v.decode_as::<Vec<Extension>>().unwrap())
        })
        .flatten()
        .collect()
}

#[test]
fn the_policy_file_becomes_extensions_in_certreqs_order() {
    let p = plan();
    let ids: Vec<String> = p.extensions.iter().map(|e| e.extn_id.to_string()).collect();
    assert_eq!(
        ids,
        [
            "1.3.6.1.4.1.311.20.2",
            "2.5.29.19",
            "2.5.29.32",
            "2.5.29.33",
            "2.5.29.36",
            "2.5.29.30"
        ]
    );
    let nc = p
        .extensions
        .iter()
        .find(|e| e.extn_id == oid::NAME_CONSTRAINTS)
        .unwrap();
    assert!(
        nc.critical,
        "name constraints are critical unless the file says otherwise"
    );
    let nc = x509_cert::ext::pkix::NameConstraints::from_der(nc.extn_value.as_bytes()).unwrap();
    assert_eq!(nc.permitted_subtrees.unwrap().len(), 2);
    assert_eq!(nc.excluded_subtrees.unwrap().len(), 1);
    let pc = p
        .extensions
        .iter()
        .find(|e| e.extn_id == oid::POLICY_CONSTRAINTS)
        .unwrap();
    assert!(pc.critical);
    let pc = x509_cert::ext::pkix::PolicyConstraints::from_der(pc.extn_value.as_bytes()).unwrap();
    assert_eq!(pc.require_explicit_policy, Some(1));
    assert_eq!(pc.inhibit_policy_mapping, None);
    assert_eq!(
        p.name_value_pairs,
        [("CertificateTemplate".to_string(), "SubCA".to_string())]
    );
}

#[test]
fn a_request_keeps_its_subject_key_and_attributes_and_takes_the_policy() {
    let key = ec_key(0x66);
    let pkcs10 = ec_request(
        "[NewRequest]\nSubject = \"CN=Sub CA, O=Example\"\nKeyAlgorithm = ECDSA_P256\n\
         [BasicConstraintsExtension]\nCA = TRUE\n[RequestAttributes]\nCertificateTemplate = Other\n",
        &key,
        None,
    );
    let applied = apply(&pkcs10, &plan()).unwrap();
    assert_eq!(applied.source, Source::Request);
    assert_eq!(applied.spki, ec_spki(&key));
    assert!(applied.replaced.contains(&oid::BASIC_CONSTRAINTS));
    assert!(applied.replaced.contains(&oid::CERTIFICATE_TEMPLATE_NAME));
    assert!(applied.added.contains(&oid::NAME_CONSTRAINTS));
    let exts = extensions_of(&applied.info);
    let bc = exts
        .iter()
        .find(|e| e.extn_id == oid::BASIC_CONSTRAINTS)
        .unwrap();
    assert_eq!(
        bc.extn_value.as_bytes(),
        [0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00]
    );
    // replaced in place: the template name stays first, the SKI after the request's others
    assert_eq!(exts[0].extn_id, oid::CERTIFICATE_TEMPLATE_NAME);
    assert!(
        exts.iter()
            .any(|e| e.extn_id == oid::SUBJECT_KEY_IDENTIFIER)
    );
    // signed by the request's own key, it verifies
    let unsigned = crate::encode::Unsigned {
        to_be_signed: applied.info.clone(),
        scheme: SignatureScheme::Ecdsa(Hash::Sha256),
    };
    let der = unsigned
        .finish(&sign_with(
            Some(&key),
            unsigned.scheme,
            &unsigned.to_be_signed,
        ))
        .unwrap();
    certreq_testsupport::openssl_ok(
        &["req", "-inform", "DER", "-verify", "-noout", "-in", "{}"],
        &der,
        "the request after -policy",
    );
    let req = CertReq::from_der(&der).unwrap();
    assert_eq!(
        certreq_pkix::name::display(&req.info.subject),
        "CN=Sub CA, O=Example"
    );
    // one CertificateTemplate pair, the policy's
    let pairs: Vec<String> = req
        .info
        .attributes
        .iter()
        .filter(|a| a.oid == oid::NAME_VALUE_PAIR)
        .map(|a| {
            let p: certreq_pkix::msattr::NameValuePair =
                a.values.get(0).unwrap().decode_as().unwrap();
            format!("{}={}", p.name, p.value)
        })
        .collect();
    assert_eq!(pairs, ["CertificateTemplate=SubCA"]);
    // the default attributes are kept
    assert!(
        req.info
            .attributes
            .iter()
            .any(|a| a.oid == oid::CLIENT_INFO)
    );
}

#[test]
fn a_ca_certificate_gives_its_name_key_and_ca_extensions_and_is_null_signed() {
    let ca = rsa_certificate(
        "CN=Other Org Root CA",
        "KeyUsage = \"CERT_KEY_CERT_SIGN_KEY_USAGE | CERT_CRL_SIGN_KEY_USAGE\"\n\
         [BasicConstraintsExtension]\nCA = TRUE\n[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.1\n",
    );
    let applied = apply(&ca, &plan()).unwrap();
    assert_eq!(applied.source, Source::Certificate);
    let parts = CertParts::read(&ca).unwrap();
    assert_eq!(applied.spki, parts.spki);
    let exts = extensions_of(&applied.info);
    let ids: Vec<ObjectIdentifier> = exts.iter().map(|e| e.extn_id).collect();
    assert!(ids.contains(&oid::KEY_USAGE) && ids.contains(&oid::SUBJECT_KEY_IDENTIFIER));
    assert!(
        !ids.contains(&oid::EXT_KEY_USAGE),
        "only what describes the CA is kept"
    );
    assert!(ids.contains(&oid::NAME_CONSTRAINTS));
    // MS-WCCE's null signature: the hash's identifier and the hash of the request info
    let unsigned = crate::encode::Unsigned {
        to_be_signed: applied.info.clone(),
        scheme: SignatureScheme::RsaPkcs1(Hash::Sha256),
    };
    let digest = Hash::Sha256.digest(&applied.info);
    let der = unsigned.finish_null(&digest).unwrap();
    let req = CertReq::from_der(&der).unwrap();
    assert_eq!(req.algorithm.oid, oid::SHA256);
    assert_eq!(req.signature.raw_bytes(), digest.as_slice());
    assert!(
        unsigned.finish_null(&[0; 20]).is_err(),
        "a SHA-1 length for SHA-256"
    );
    assert!(apply(b"junk", &plan()).is_err());
}

#[test]
fn policy_file_mistakes_are_located() {
    let c = compile_policy("[NameConstraintsExtension]\nInclude = Missing\n");
    assert!(c.plan.is_none());
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.code == certreq_inf::codes::POLICY_SECTION_MISSING.name)
    );
    let text = "[NameConstraintsExtension]\nInclude = P\n[P]\nDNS = example.com, 0, 3\n";
    let c = compile_policy(text);
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == certreq_inf::codes::NAME_CONSTRAINT_DEPTH.name)
        .unwrap();
    assert_eq!(&text[d.span.clone()], ", 0, 3");
    let text = "[PolicyMappingsExtension]\n1.2.3 = not-an-oid\n";
    let c = compile_policy(text);
    assert!(c.plan.is_none());
    let text = "[NewRequest]\nSubject = \"CN=x\"\n[PolicyConstraintsExtension]\nCritical = FALSE\n";
    let c = compile_policy(text);
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code).collect();
    assert!(
        codes.contains(&"unused-section"),
        "{codes:?}: [NewRequest] is not read by -policy"
    );
    assert!(codes.contains(&"empty-extension-section"), "{codes:?}");
}
