//! The certificate life cycle as a CA checks it, in AD CS's words (research: ca-facts §4):
//!
//! * every certificate that signed a PKCS #7 or CMC request must be one this CA issued
//!   (`CERT_E_UNTRUSTEDROOT` otherwise), not revoked (`CRYPT_E_REVOKED`) and valid now
//!   (`CERT_E_EXPIRED`);
//! * a renewal (the renewal-certificate attribute, MS-WCCE 3.2.1.4.2.1.4.2) must be signed by
//!   the certificate it renews (`CERTSRV_E_BAD_RENEWAL_CERT_ATTRIBUTE`); the new certificate
//!   keeps the old one's subject (and alternative names, unless the request has its own);
//! * a request on behalf of another user (`RequesterName`) must be signed by an enrollment
//!   agent: a certificate with the Certificate Request Agent purpose
//!   (`CERTSRV_E_SIGNATURE_REJECTED` without it, `CERTSRV_E_SIGNATURE_COUNT` without any);
//!   devca has no directory, so an empty subject becomes `CN=<user>`;
//! * a null-signed request (certreq -policy from another CA's certificate) is taken only with
//!   such a signature, and only for a CA template (a cross or subordinate CA certificate): its
//!   key never signed, so an end-entity certificate for it (WebServer, User, …) would be one
//!   for a key nobody showed they hold (`NTE_BAD_SIGNATURE`, as for a signature that fails);
//! * an archived key is decrypted with the exchange certificate's key and must be the
//!   request's (`CERTSRV_E_ARCHIVED_KEY_REQUIRED` otherwise, the request's own key not being
//!   there); a CA template archives no key (`CERTSRV_E_ARCHIVED_KEY_UNEXPECTED`). It is kept
//!   under `DIR/archive/`, named by the request's SHA-256;
//! * a CA template (SubCA) takes the request's CA constraints and policies (what certreq
//!   -policy writes: basic constraints, name constraints, certificate and application policies,
//!   their mappings and constraints), except that the certificate is always a CA (basic
//!   constraints critical with cA TRUE: only the path length is the request's) and name
//!   constraints are always critical (RFC 5280 §4.2.1.9, §4.2.1.10).

use certreq_pkix::cert::CertParts;
use certreq_pkix::oid::{self, ObjectIdentifier};
use der::Decode;
use x509_cert::name::Name;

use crate::ca::Ca;
use crate::csr::ParsedRequest;
use crate::policy::{Denial, IssuePlan};

const EXPIRED: (&str, &str, &str) = (
    "0x800b0101",
    "-2146762495 CERT_E_EXPIRED",
    "A required certificate is not within its validity period when verifying against the current system clock or the time stamp in the signed file.",
);
const UNTRUSTED: (&str, &str, &str) = (
    "0x800b0109",
    "-2146762487 CERT_E_UNTRUSTEDROOT",
    "A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider.",
);
const REVOKED: (&str, &str, &str) = (
    "0x80092010",
    "-2146885616 CRYPT_E_REVOKED",
    "The certificate is revoked.",
);
/// AD CS's status line for a revoked certificate (a signer's, or a client certificate's).
pub fn revoked_status() -> String {
    deny(REVOKED).status
}
const BAD_RENEWAL: (&str, &str, &str) = (
    "0x8009400e",
    "-2146877426 CERTSRV_E_BAD_RENEWAL_CERT_ATTRIBUTE",
    "The request contains an invalid renewal certificate attribute.",
);
const BAD_SIGNATURE: (&str, &str, &str) = (
    "0x80090006",
    "-2146893818 NTE_BAD_SIGNATURE",
    "Invalid Signature.",
);
const SIGNATURE_COUNT: (&str, &str, &str) = (
    "0x8009480a",
    "-2146875382 CERTSRV_E_SIGNATURE_COUNT",
    "The request is missing one or more required signatures.",
);
const SIGNATURE_REJECTED: (&str, &str, &str) = (
    "0x8009480b",
    "-2146875381 CERTSRV_E_SIGNATURE_REJECTED",
    "One or more signatures did not include the required application or issuance policies. The request is missing one or more required valid signatures.",
);
const ARCHIVED_KEY_REQUIRED: (&str, &str, &str) = (
    "0x80094804",
    "-2146875388 CERTSRV_E_ARCHIVED_KEY_REQUIRED",
    "The request is missing a required private key for archival by the server.",
);
const ARCHIVED_KEY_UNEXPECTED: (&str, &str, &str) = (
    "0x80094810",
    "-2146875376 CERTSRV_E_ARCHIVED_KEY_UNEXPECTED",
    "The request includes a private key for archival by the server, but key archival is not enabled for the specified certificate template.",
);

/// A denial in AD CS's form: `Denied by Policy Module  0x…, <text>` and the status line.
fn deny(code: (&str, &str, &str)) -> Denial {
    let (hex, name, text) = code;
    Denial {
        message: format!("Denied by Policy Module  {hex}, {text}"),
        status: format!("{text} {hex} ({name})"),
    }
}

/// Seconds since 1970.
pub(crate) fn now() -> i64 {
    i64::try_from(crate::store::unix_now()).unwrap_or(i64::MAX)
}

/// The extensions a CA template takes from the request.
const CA_EXTENSIONS: [ObjectIdentifier; 8] = [
    oid::BASIC_CONSTRAINTS,
    oid::NAME_CONSTRAINTS,
    oid::CERTIFICATE_POLICIES,
    oid::POLICY_MAPPINGS,
    oid::POLICY_CONSTRAINTS,
    oid::APPLICATION_POLICIES,
    oid::APPLICATION_POLICY_MAPPINGS,
    oid::APPLICATION_POLICY_CONSTRAINTS,
];

/// What a CA certificate takes of one of the request's extensions. Basic constraints are
/// the CA's, not the requester's: always critical with cA TRUE (the template's key usage has
/// keyCertSign), and only the path length comes from the request (RFC 5280 §4.2.1.9); name
/// constraints are taken, always critical (§4.2.1.10). `None`: not taken.
fn ca_extension(ext: &x509_cert::ext::Extension) -> Option<x509_cert::ext::Extension> {
    use der::Encode;
    use x509_cert::ext::pkix::BasicConstraints;
    if !CA_EXTENSIONS.contains(&ext.extn_id) {
        return None;
    }
    let mut taken = ext.clone();
    if ext.extn_id == oid::BASIC_CONSTRAINTS {
        // unreadable: the template's own stays
        let asked = BasicConstraints::from_der(ext.extn_value.as_bytes()).ok()?;
        let value = BasicConstraints {
            ca: true,
            path_len_constraint: asked.path_len_constraint,
        }
        .to_der()
        .ok()?;
        taken.extn_value = der::asn1::OctetString::new(value).ok()?;
        taken.critical = true;
    } else if ext.extn_id == oid::NAME_CONSTRAINTS {
        taken.critical = true;
    }
    Some(taken)
}

/// Before the policy decides: a renewal's subject (and alternative names, unless the request
/// has its own) are the renewed certificate's, as AD CS renews; a request on behalf of a user
/// with an empty subject is for `CN=<user>` (devca has no directory to look the user up in).
/// Nothing is trusted yet: [`check`] refuses what does not hold.
pub fn adopt(req: &mut ParsedRequest) {
    if let Some(parts) = req.renewal_certificate.as_deref().and_then(CertParts::read) {
        if let Ok(subject) = Name::from_der(parts.subject) {
            req.subject = subject;
        }
        if req.san.is_empty()
            && let Some((_, value)) = parts.extension(&oid::SUBJECT_ALT_NAME)
            && let Ok(names) = x509_cert::ext::pkix::SubjectAltName::from_der(value)
        {
            req.san = names.0;
        }
    }
    if let Some(name) = &req.requester_name
        && req.subject.is_empty()
        && req.san.is_empty()
    {
        let user = name.rsplit('\\').next().unwrap_or(name);
        if let Ok(subject) = format!("CN={user}").parse::<Name>() {
            req.subject = subject;
        }
    }
}

/// Whether a certificate (DER) this CA issued has been revoked: the request store's answer.
pub type Revoked<'a> = &'a dyn Fn(&[u8]) -> bool;

/// Checks the life-cycle parts of a verified request and adjusts what the CA will issue.
/// `request_sha256` names the archived key's file; `revoked` says which signers were revoked.
pub fn check(
    ca: &Ca,
    req: &ParsedRequest,
    plan: &mut IssuePlan,
    request_sha256: &str,
    revoked: Revoked<'_>,
) -> Result<(), Denial> {
    let at = now();
    let signers: Vec<CertParts<'_>> = req
        .cert_signers
        .iter()
        .filter_map(|c| CertParts::read(c))
        .collect();
    for (der, parts) in req.cert_signers.iter().zip(&signers) {
        if !ca.issued(der) {
            return Err(deny(UNTRUSTED));
        }
        if revoked(der) {
            return Err(deny(REVOKED));
        }
        if at < parts.not_before || at > parts.not_after {
            return Err(deny(EXPIRED));
        }
    }
    if let Some(old) = &req.renewal_certificate {
        let Some(parts) = CertParts::read(old) else {
            return Err(deny(BAD_RENEWAL));
        };
        if !req.cert_signers.iter().any(|c| c == old) {
            return Err(deny(BAD_RENEWAL));
        }
        // signed by a certificate this CA issued and valid now: checked above; the subject
        // was taken from it by `adopt`
        if let Ok(subject) = Name::from_der(parts.subject) {
            plan.subject = subject;
        }
    }
    if let Some(name) = &req.requester_name {
        if signers.is_empty() {
            return Err(deny(SIGNATURE_COUNT));
        }
        let agent = signers
            .iter()
            .any(|p| p.has_eku(&oid::ENROLLMENT_AGENT) == Some(true));
        if !agent {
            return Err(deny(SIGNATURE_REJECTED));
        }
        let _ = name;
    }
    if req.null_signed && signers.is_empty() {
        return Err(deny(SIGNATURE_COUNT));
    }
    if req.null_signed && !plan.template.is_ca() {
        return Err(deny(BAD_SIGNATURE));
    }
    if plan.template.is_ca() {
        for ext in &req.extensions {
            if let Some(taken) = ca_extension(ext) {
                plan.extensions.push(taken);
            }
        }
    }
    if let Some(envelope) = &req.archived_key {
        if plan.template.is_ca() {
            return Err(deny(ARCHIVED_KEY_UNEXPECTED));
        }
        let pkcs8 = crate::archive::open(&ca.exchange.key, envelope)
            .map_err(|_| deny(ARCHIVED_KEY_REQUIRED))?;
        if !crate::archive::matches(&pkcs8, &req.public_key) {
            return Err(deny(ARCHIVED_KEY_REQUIRED));
        }
        crate::archive::keep(&ca.dir, request_sha256, &pkcs8).map_err(|e| Denial {
            message: format!("The CA could not keep the archived key: {e}"),
            status: "The request could not be performed because of an I/O device error. 0x8007045d (WIN32: 1117 ERROR_IO_DEVICE)".into(),
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Requests built by the engine (certreq-request), checked as devca checks what it is sent.
    use super::*;
    use crate::ca::tests::test_ca;
    use crate::policy::Template;
    use crate::server::evaluate;
    use crate::store::Record;
    use certreq_request::model::{Hash, SignatureScheme};
    use certreq_request::{archive, cmc, compile, encode, pkcs7, signed};
    use der::Encode;
    use p256::ecdsa::SigningKey;
    use p256::pkcs8::EncodePublicKey;
    use std::time::{Duration, SystemTime};

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_slice(&[seed; 32]).unwrap()
    }

    fn spki(k: &SigningKey) -> Vec<u8> {
        k.verifying_key()
            .to_public_key_der()
            .unwrap()
            .as_bytes()
            .to_vec()
    }

    fn sign(k: &SigningKey, bytes: &[u8]) -> Vec<u8> {
        use p256::ecdsa::signature::Signer;
        let s: p256::ecdsa::DerSignature = k.sign(bytes);
        s.as_bytes().to_vec()
    }

    /// A certificate from the test CA for `k`.
    fn issued(k: &SigningKey, template: Template, subject: &str) -> Vec<u8> {
        let plan = IssuePlan {
            template,
            subject: subject.parse().unwrap(),
            san: Vec::new(),
            extensions: Vec::new(),
        };
        let spki = x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(&spki(k)).unwrap();
        test_ca().issue(&plan, &spki).unwrap()
    }

    /// The PKCS #10 for `k` from `inf`, with a renewed certificate.
    fn pkcs10(inf: &str, k: &SigningKey, renewed: Option<&[u8]>) -> Vec<u8> {
        let req = compile(inf).request.unwrap();
        let unsigned = encode::prepare_with(
            &req,
            &spki(k),
            &encode::ClientInfo::example(),
            &encode::Additions {
                renewal_certificate: renewed,
            },
        )
        .unwrap();
        unsigned.finish(&sign(k, &unsigned.to_be_signed)).unwrap()
    }

    fn finish(content: signed::Content, keys: &[&SigningKey]) -> Vec<u8> {
        let unsigned = content.prepare(|h, d| h.digest(d)).unwrap();
        let sigs: Vec<Vec<u8>> = unsigned
            .to_be_signed
            .iter()
            .zip(keys)
            .map(|((_, b), k)| sign(k, b))
            .collect();
        unsigned.finish(&sigs).unwrap()
    }

    fn check(der: Vec<u8>) -> Result<IssuePlan, Denial> {
        evaluate(test_ca(), &Record::new("web", "", der), true, &|_| false).map(|(plan, _)| plan)
    }

    const P7: &str =
        "[NewRequest]\nRequestType = PKCS7\nKeyAlgorithm = ECDSA_P256\nHashAlgorithm = SHA256\n";
    const CMC: &str =
        "[NewRequest]\nRequestType = CMC\nKeyAlgorithm = ECDSA_P256\nHashAlgorithm = SHA256\n";

    fn code(d: Denial) -> String {
        d.status
    }

    #[test]
    fn a_pkcs7_renewal_is_taken_and_keeps_the_subject() {
        let (old_key, new_key) = (key(0x41), key(0x42));
        let old = issued(&old_key, Template::WebServer, "CN=renew.example");
        let p10 = pkcs10(P7, &new_key, Some(&old));
        let der = finish(
            pkcs7::renewal(&p10, &old, Hash::Sha256).unwrap(),
            &[&old_key],
        );
        let plan = check(der).unwrap();
        assert_eq!(plan.subject.to_string(), "CN=renew.example");
        // signed by the new key under the old certificate's name: the signature fails
        let der = finish(
            pkcs7::renewal(&p10, &old, Hash::Sha256).unwrap(),
            &[&new_key],
        );
        assert!(
            check(der)
                .unwrap_err()
                .message
                .contains("NTE_BAD_SIGNATURE")
        );
    }

    #[test]
    fn a_renewal_must_be_of_a_valid_certificate_this_ca_issued_and_signed_by_it() {
        let (old_key, new_key) = (key(0x43), key(0x44));
        // a certificate devca did not issue (self-signed by the engine)
        let req = compile("[NewRequest]\nSubject = \"CN=elsewhere\"\nRequestType = Cert\nKeyAlgorithm = ECDSA_P256\n")
            .request
            .unwrap();
        let u = encode::prepare_certificate(
            &req,
            &spki(&old_key),
            1_700_000_000,
            2_000_000_000,
            &[1; 16],
        )
        .unwrap();
        let foreign = u.finish(&sign(&old_key, &u.to_be_signed)).unwrap();
        let p10 = pkcs10(P7, &new_key, Some(&foreign));
        let der = finish(
            pkcs7::renewal(&p10, &foreign, Hash::Sha256).unwrap(),
            &[&old_key],
        );
        assert!(code(check(der).unwrap_err()).contains("CERT_E_UNTRUSTEDROOT"));
        // the renewal attribute names one certificate, another one signs
        let a = issued(&old_key, Template::WebServer, "CN=a.example");
        let other_key = key(0x45);
        let b = issued(&other_key, Template::WebServer, "CN=b.example");
        let p10 = pkcs10(P7, &new_key, Some(&a));
        let der = finish(
            pkcs7::signed_by(&p10, &b, Hash::Sha256).unwrap(),
            &[&other_key],
        );
        assert!(code(check(der).unwrap_err()).contains("CERTSRV_E_BAD_RENEWAL_CERT_ATTRIBUTE"));
        // expired
        let plan = IssuePlan {
            template: Template::WebServer,
            subject: "CN=old.example".parse().unwrap(),
            san: Vec::new(),
            extensions: Vec::new(),
        };
        let spki_old =
            x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(&spki(&old_key)).unwrap();
        let now = SystemTime::now();
        let expired = test_ca()
            .issue_between(
                &plan,
                &spki_old,
                now - Duration::from_secs(86_400 * 30),
                now - Duration::from_secs(86_400),
            )
            .unwrap();
        let p10 = pkcs10(P7, &new_key, Some(&expired));
        let der = finish(
            pkcs7::renewal(&p10, &expired, Hash::Sha256).unwrap(),
            &[&old_key],
        );
        assert!(code(check(der).unwrap_err()).contains("CERT_E_EXPIRED"));
    }

    /// A certificate devca revoked signs neither a renewal nor a request on behalf of another
    /// user: AD CS's CRYPT_E_REVOKED, through the server as through `devca approve`.
    #[test]
    fn a_revoked_certificate_signs_nothing() {
        use crate::server::{Outcome, Policy};
        use crate::store::Status;
        let dir = crate::ca::tests::tempdir::Dir::new("revoked-signer");
        let c = crate::server::tests::ctx(dir.path(), Policy::Issue, false);
        let keep_revoked = |cert: &[u8]| {
            let mut rec = Record::new("web", "", Vec::new());
            rec.status = Status::Issued;
            rec.cert = cert.to_vec();
            rec.revoked = Some((1_700_000_000, 1));
            c.store.insert(rec).unwrap();
        };
        let denial = |der: Vec<u8>| match c.submit("web", "", der, Some("u")).unwrap() {
            Outcome::Denied(r) => (r.message, r.last_status),
            Outcome::Issued(_) | Outcome::Pending(_) => panic!("taken"),
        };
        let (old_key, new_key, agent_key) = (key(0x48), key(0x49), key(0x4a));
        let old = issued(&old_key, Template::WebServer, "CN=revoked.example");
        keep_revoked(&old);
        let p10 = pkcs10(P7, &new_key, Some(&old));
        let der = finish(
            pkcs7::renewal(&p10, &old, Hash::Sha256).unwrap(),
            &[&old_key],
        );
        let (message, status) = denial(der);
        // a copy with the outer signature algorithm re-encoded (outside the signature, so it
        // still verifies) is still that revoked certificate, as it is when another record
        // holds it unrevoked
        let reencoded = {
            use certreq_pkix::tlv;
            let p = certreq_pkix::cert::CertParts::read(&old).unwrap();
            let mut alg = tlv::only(p.signature_algorithm, 0x30).unwrap().to_vec();
            alg.extend([0x05, 0x00]);
            let mut body = p.tbs.to_vec();
            tlv::push(&mut body, 0x30, &alg);
            tlv::push(&mut body, 0x03, p.signature);
            tlv::tlv(0x30, &body)
        };
        assert_ne!(reencoded, old);
        assert!(c.store.is_revoked(&reencoded));
        let mut unrevoked = Record::new("web", "", Vec::new());
        unrevoked.status = Status::Issued;
        unrevoked.cert = reencoded.clone();
        c.store.insert(unrevoked).unwrap();
        assert!(c.store.is_revoked(&old) && c.store.is_revoked(&reencoded));
        assert!(message.contains("0x80092010"), "{message}");
        assert!(
            status.contains("0x80092010 (-2146885616 CRYPT_E_REVOKED)"),
            "{status}"
        );
        let agent = issued(&agent_key, Template::EnrollmentAgent, "CN=Revoked Agent");
        keep_revoked(&agent);
        let inf = format!(
            "{P7}RequesterName = CONTOSO\\alice\n[RequestAttributes]\nCertificateTemplate = User\n"
        );
        let p10 = pkcs10(&inf, &new_key, None);
        let der = finish(
            pkcs7::on_behalf_of(&p10, &agent, "CONTOSO\\alice", Hash::Sha256).unwrap(),
            &[&agent_key],
        );
        assert!(denial(der).1.contains("CRYPT_E_REVOKED"));
    }

    #[test]
    fn a_certificate_issued_on_behalf_of_another_signs_nobody_in() {
        // the agent signed in to send it; the user it names holds it: it maps to neither
        use crate::server::{Outcome, Policy};
        let dir = crate::ca::tests::tempdir::Dir::new("on-behalf-sign-in");
        let c = crate::server::tests::ctx(dir.path(), Policy::Issue, false);
        let (agent_key, user_key) = (key(0x4b), key(0x4c));
        let agent = issued(&agent_key, Template::EnrollmentAgent, "CN=Agent");
        let inf = format!(
            "{P7}RequesterName = CONTOSO\\alice\n[RequestAttributes]\nCertificateTemplate = User\n"
        );
        let p10 = pkcs10(&inf, &user_key, None);
        let der = finish(
            pkcs7::on_behalf_of(&p10, &agent, "CONTOSO\\alice", Hash::Sha256).unwrap(),
            &[&agent_key],
        );
        let Outcome::Issued(rec) = c.submit("web", "", der, Some("agent")).unwrap() else {
            panic!("not issued");
        };
        let why = crate::server::certificate_user(&c, &rec.cert).unwrap_err();
        assert!(why.contains("on behalf of CONTOSO\\alice"), "{why}");
    }

    #[test]
    fn a_cmc_renewal_signed_by_both_keys_is_taken() {
        let (old_key, new_key) = (key(0x46), key(0x47));
        let old = issued(&old_key, Template::User, "CN=cmc renew");
        let p10 = pkcs10(CMC, &new_key, Some(&old));
        let extras = cmc::Extras {
            cosigners: vec![cmc::CertSigner::new(&old, Hash::Sha256, "old").unwrap()],
            ..cmc::Extras::default()
        };
        let content = cmc::wrap_with(
            &p10,
            &spki(&new_key),
            SignatureScheme::Ecdsa(Hash::Sha256),
            &extras,
        )
        .unwrap();
        let plan = check(finish(content, &[&new_key, &old_key])).unwrap();
        assert_eq!(plan.subject.to_string(), "CN=cmc renew");
        // certreq's own CMC renewal has the new key's signature only: not proof enough
        let content = cmc::wrap_with(
            &p10,
            &spki(&new_key),
            SignatureScheme::Ecdsa(Hash::Sha256),
            &cmc::Extras::default(),
        )
        .unwrap();
        let e = check(finish(content, &[&new_key])).unwrap_err();
        assert!(code(e).contains("CERTSRV_E_BAD_RENEWAL_CERT_ATTRIBUTE"));
    }

    #[test]
    fn on_behalf_of_needs_a_valid_enrollment_agent() {
        let (agent_key, user_key) = (key(0x51), key(0x52));
        let agent = issued(&agent_key, Template::EnrollmentAgent, "CN=Agent");
        let inf = format!(
            "{P7}RequesterName = CONTOSO\\alice\n[RequestAttributes]\nCertificateTemplate = User\n"
        );
        let p10 = pkcs10(&inf, &user_key, None);
        let der = finish(
            pkcs7::on_behalf_of(&p10, &agent, "CONTOSO\\alice", Hash::Sha256).unwrap(),
            &[&agent_key],
        );
        let plan = check(der).unwrap();
        assert_eq!(
            plan.subject.to_string(),
            "CN=alice",
            "no directory: the user's name"
        );
        assert_eq!(plan.template, Template::User);
        // a certificate without the Certificate Request Agent purpose
        let plain = issued(&agent_key, Template::WebServer, "CN=Not an agent");
        let der = finish(
            pkcs7::on_behalf_of(&p10, &plain, "CONTOSO\\alice", Hash::Sha256).unwrap(),
            &[&agent_key],
        );
        assert!(code(check(der).unwrap_err()).contains("CERTSRV_E_SIGNATURE_REJECTED"));
        // an expired agent
        let plan = IssuePlan {
            template: Template::EnrollmentAgent,
            subject: "CN=Old Agent".parse().unwrap(),
            san: Vec::new(),
            extensions: Vec::new(),
        };
        let s = x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(&spki(&agent_key)).unwrap();
        let now = SystemTime::now();
        let old_agent = test_ca()
            .issue_between(
                &plan,
                &s,
                now - Duration::from_secs(86_400 * 9),
                now - Duration::from_secs(60),
            )
            .unwrap();
        let der = finish(
            pkcs7::on_behalf_of(&p10, &old_agent, "CONTOSO\\alice", Hash::Sha256).unwrap(),
            &[&agent_key],
        );
        assert!(code(check(der).unwrap_err()).contains("CERT_E_EXPIRED"));
        // the CMC form: regInfo and two signers
        let p10 = pkcs10(&inf.replace("PKCS7", "CMC"), &user_key, None);
        let extras = cmc::Extras {
            requester_name: Some("CONTOSO\\alice"),
            cosigners: vec![cmc::CertSigner::new(&agent, Hash::Sha256, "agent").unwrap()],
            ..cmc::Extras::default()
        };
        let content = cmc::wrap_with(
            &p10,
            &spki(&user_key),
            SignatureScheme::Ecdsa(Hash::Sha256),
            &extras,
        )
        .unwrap();
        let plan = check(finish(content, &[&user_key, &agent_key])).unwrap();
        assert_eq!(plan.subject.to_string(), "CN=alice");
        // a requester name nobody vouches for
        let content = cmc::wrap_with(
            &p10,
            &spki(&user_key),
            SignatureScheme::Ecdsa(Hash::Sha256),
            &cmc::Extras {
                requester_name: Some("CONTOSO\\alice"),
                ..cmc::Extras::default()
            },
        )
        .unwrap();
        assert!(
            code(check(finish(content, &[&user_key])).unwrap_err())
                .contains("CERTSRV_E_SIGNATURE_COUNT")
        );
    }

    /// The RSA test key's request, archiving `archived` (PKCS #8) for `template`.
    fn archival_request(archived: &[u8], template: &str) -> Vec<u8> {
        use rsa::pkcs8::EncodePublicKey as _;
        let key = certreq_testsupport::rsa_key();
        let spki = key
            .to_public_key()
            .to_public_key_der()
            .unwrap()
            .as_bytes()
            .to_vec();
        let inf = format!(
            "[NewRequest]\nSubject = \"CN=archived\"\nRequestType = CMC\nHashAlgorithm = SHA256\n\
             PrivateKeyArchive = TRUE\n[RequestAttributes]\nCertificateTemplate = {template}\n"
        );
        let req = compile(&inf).request.unwrap();
        let u = encode::prepare(&req, &spki, &encode::ClientInfo::example()).unwrap();
        let p10 = u
            .finish(&certreq_testsupport::rsa_sign(
                &key,
                "SHA-256",
                &u.to_be_signed,
            ))
            .unwrap();
        let recipient = archive::Recipient::read(&test_ca().exchange.cert_der).unwrap();
        let blob = archive::private_key_blob(archived).unwrap();
        let cipher = certreq_request::model::Cipher::TripleDes;
        let t = archive::seal(&recipient, &blob, cipher, &[7; 24], &[9; 8]).unwrap();
        let public = {
            use rsa::pkcs8::DecodePublicKey;
            rsa::PublicKey::from_public_key_der(&t.recipient_spki).unwrap()
        };
        let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
        let enc = public
            .encrypt(&mut rng, rsa::Pkcs1v15Encrypt, &t.key)
            .unwrap();
        let archived = t.finish(&enc).unwrap();
        let content = cmc::wrap_with(
            &p10,
            &spki,
            SignatureScheme::RsaPkcs1(Hash::Sha256),
            &cmc::Extras {
                archived: Some(&archived),
                ..cmc::Extras::default()
            },
        )
        .unwrap();
        let unsigned = content.prepare(|h, d| h.digest(d)).unwrap();
        let sig = certreq_testsupport::rsa_sign(&key, "SHA-256", &unsigned.to_be_signed[0].1);
        unsigned.finish(&[sig]).unwrap()
    }

    #[test]
    fn an_archived_key_is_opened_checked_and_kept() {
        use rsa::pkcs8::EncodePrivateKey;
        let own = certreq_testsupport::rsa_key()
            .to_pkcs8_der()
            .unwrap()
            .as_bytes()
            .to_vec();
        let der = archival_request(&own, "User");
        let rec = Record::new("web", "", der.clone());
        evaluate(test_ca(), &rec, true, &|_| false).unwrap();
        let kept = test_ca()
            .dir
            .join("archive")
            .join(format!("{}.pk8", rec.request_sha256));
        assert_eq!(
            std::fs::read(kept).unwrap(),
            own,
            "the request's own key, kept"
        );
        // a CA template archives no key
        let der = archival_request(&own, "SubCA");
        assert!(code(check(der).unwrap_err()).contains("CERTSRV_E_ARCHIVED_KEY_UNEXPECTED"));
        // another key than the request's
        let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
        let other = rsa::PrivateKey::new(&mut rng, 1024).unwrap();
        let der = archival_request(other.to_pkcs8_der().unwrap().as_bytes(), "User");
        assert!(code(check(der).unwrap_err()).contains("CERTSRV_E_ARCHIVED_KEY_REQUIRED"));
        // the unsigned key changed after signing: its hash no longer matches the signed one
        let mut bad = archival_request(&own, "User");
        let n = bad.len();
        bad[n - 300] ^= 1;
        assert!(check(bad).is_err());
    }

    /// The KeyArchival template (a template that archives keys) takes a request that
    /// archives its key, and denies one that does not in AD CS's words.
    #[test]
    fn the_key_archival_template_takes_an_archived_key_and_denies_its_absence() {
        use rsa::pkcs8::EncodePrivateKey;
        let own = certreq_testsupport::rsa_key()
            .to_pkcs8_der()
            .unwrap()
            .as_bytes()
            .to_vec();
        let plan = check(archival_request(&own, "KeyArchival")).unwrap();
        assert_eq!(plan.template, Template::KeyArchival);
        let plain = pkcs10(
            "[NewRequest]\nSubject = \"CN=k\"\nKeyAlgorithm = ECDSA_P256\n\
             [RequestAttributes]\nCertificateTemplate = KeyArchival\n",
            &key(0x71),
            None,
        );
        assert!(code(check(plain).unwrap_err()).contains("CERTSRV_E_ARCHIVED_KEY_REQUIRED"));
    }

    #[test]
    fn the_exchange_certificate_is_one() {
        let ca = test_ca();
        assert!(archive::Recipient::read(&ca.exchange.cert_der).is_ok());
        assert!(ca.issued(&ca.exchange.cert_der));
    }

    #[test]
    fn a_ca_template_takes_the_requests_constraints() {
        let k = key(0x61);
        let inf = "[NewRequest]\nSubject = \"CN=Sub\"\nKeyAlgorithm = ECDSA_P256\n\
                   [BasicConstraintsExtension]\nPathLength = 0\n\
                   [Extensions]\n2.5.29.30 = \"{text}subtree=include&DNS=example.com\"\n\
                   [RequestAttributes]\nCertificateTemplate = SubCA\n";
        let plan = check(pkcs10(inf, &k, None)).unwrap();
        let ids: Vec<_> = plan.extensions.iter().map(|e| e.extn_id).collect();
        assert!(ids.contains(&oid::NAME_CONSTRAINTS) && ids.contains(&oid::BASIC_CONSTRAINTS));
        let s = x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(&spki(&k)).unwrap();
        let cert = test_ca().issue(&plan, &s).unwrap();
        let parts = CertParts::read(&cert).unwrap();
        assert!(parts.extension(&oid::NAME_CONSTRAINTS).is_some());
        let (_, bc) = parts.extension(&oid::BASIC_CONSTRAINTS).unwrap();
        assert_eq!(
            bc,
            [0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00],
            "the path length asked for"
        );
    }

    /// Whatever the request says, a SubCA certificate is a CA (RFC 5280 §4.2.1.9: basic
    /// constraints critical, cA TRUE with keyCertSign) and its name constraints are critical
    /// (§4.2.1.10); only the path length is the request's.
    #[test]
    fn a_ca_template_keeps_only_the_path_length_and_marks_the_constraints_critical() {
        let k = key(0x62);
        let inf = "[NewRequest]\nSubject = \"CN=Sub\"\nKeyAlgorithm = ECDSA_P256\n\
                   [Extensions]\n2.5.29.19 = \"{text}ca=0\"\n\
                   2.5.29.30 = \"{text}subtree=include&DNS=example.com\"\n\
                   [RequestAttributes]\nCertificateTemplate = SubCA\n";
        let der = pkcs10(inf, &k, None);
        // the request itself asks for CA:FALSE, both non-critical
        let asked = crate::csr::parse_and_verify(&der).unwrap();
        let bc = asked
            .extensions
            .iter()
            .find(|e| e.extn_id == oid::BASIC_CONSTRAINTS)
            .unwrap();
        assert!(!bc.critical);
        assert_eq!(bc.extn_value.as_bytes(), [0x30, 0x00], "cA FALSE");
        let plan = check(der).unwrap();
        let s = x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(&spki(&k)).unwrap();
        let cert = x509_cert::Certificate::from_der(&test_ca().issue(&plan, &s).unwrap()).unwrap();
        let ext = |id| {
            cert.tbs_certificate()
                .extensions()
                .unwrap()
                .iter()
                .find(|e| e.extn_id == id)
                .unwrap()
                .clone()
        };
        let bc = ext(oid::BASIC_CONSTRAINTS);
        assert!(bc.critical, "basic constraints critical");
        assert_eq!(
            bc.extn_value.as_bytes(),
            [0x30, 0x03, 0x01, 0x01, 0xff],
            "cA TRUE (and no path length, none was asked for)"
        );
        assert!(
            ext(oid::NAME_CONSTRAINTS).critical,
            "name constraints critical"
        );
        assert!(ext(oid::KEY_USAGE).critical);
    }

    #[test]
    fn the_full_response_is_signed_by_the_ca_and_carries_the_certificate() {
        let k = key(0x71);
        let der = pkcs10(&format!("{CMC}Subject = \"CN=full\"\n"), &k, None);
        let mut rec = Record::new("est", "", der);
        let (plan, req) = evaluate(test_ca(), &rec, true, &|_| false).unwrap();
        rec.cert = test_ca().issue(&plan, &req.public_key).unwrap();
        rec.status = crate::store::Status::Issued;
        let resp = crate::fullcmc::response(test_ca(), &rec).unwrap();
        let sd = certreq_pkix::signed::read(&resp).unwrap();
        assert_eq!(sd.content_type, oid::ID_CCT_PKI_RESPONSE.as_bytes());
        assert!(sd.certificates.contains(&rec.cert.as_slice()));
        let s = &sd.signers[0];
        assert!(s.attributes_cover(sd.content_type, sd.content.unwrap()));
        assert_eq!(
            sd.certificate_for(&s.sid),
            Some(test_ca().cert_der.as_slice())
        );
        let parsed = certreq_read::response::parse(&resp).unwrap();
        assert_eq!(parsed.kind, certreq_pkix::cert::ResponseKind::CmcResponse);
        assert_eq!(
            parsed.cmc_status.unwrap().status,
            certreq_pkix::cert::CmcStatus::Success
        );
        let _ = rec.cert.to_der();
    }

    #[test]
    fn a_pending_full_response_carries_pend_info() {
        let k = key(0x72);
        let der = pkcs10(&format!("{CMC}Subject = \"CN=held\"\n"), &k, None);
        let mut rec = Record::new("est", "", der);
        rec.id = 4711;
        rec.status = crate::store::Status::Pending;
        let resp = crate::fullcmc::response(test_ca(), &rec).unwrap();
        let sd = certreq_pkix::signed::read(&resp).unwrap();
        let body = certreq_pkix::cmc::PkiResponse::from_der(sd.content.unwrap()).unwrap();
        let si: certreq_pkix::cmc::StatusInfo = body.control_sequence[0]
            .attr_values
            .iter()
            .next()
            .unwrap()
            .decode_as()
            .unwrap();
        assert_eq!(si.status, 3);
        #[derive(der::Sequence)]
        struct PendInfo {
            token: der::asn1::OctetString,
            time: der::asn1::GeneralizedTime,
        }
        let pend: PendInfo = si.other_info.expect("pendInfo").decode_as().unwrap();
        assert_eq!(pend.token.as_bytes(), b"4711");
        let now = std::time::SystemTime::now();
        let at = pend.time.to_system_time();
        assert!(at > now && at < now + std::time::Duration::from_secs(3600));
        let parsed = certreq_read::response::parse(&resp).unwrap();
        assert_eq!(
            parsed.cmc_status.unwrap().status,
            certreq_pkix::cert::CmcStatus::Pending
        );
    }
}
