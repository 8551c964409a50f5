//! PKCS #7 requests: held fact by fact to Microsoft's renewal example (corpus
//! `mswstep/pkcs7-renewal-request.b64`) and to the EOBO layout of Microsoft's dumps, verified
//! by OpenSSL's CMS code, tampered copies refused.

use super::*;
use crate::testkit::*;
use certreq_pkix::signed::{self as read_signed, SignerId as Sid};
use certreq_pkix::tlv;

const RENEWAL_INF: &str = "[NewRequest]\nRequestType = PKCS7\nRenewalCert = 0102\n\
                           KeyAlgorithm = ECDSA_P256\nHashAlgorithm = SHA256\n";

/// The old certificate (the RSA test key's), the new request (a P-256 key) carrying it, and
/// the renewal signed by the old key.
fn renewal_request() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let old = rsa_certificate("CN=renew.example, O=Example", "");
    let new_key = ec_key(0x22);
    let pkcs10 = ec_request(RENEWAL_INF, &new_key, Some(&old));
    let content = renewal(&pkcs10, &old, Hash::Sha256).unwrap();
    let unsigned = content.prepare(|h, d| h.digest(d)).unwrap();
    let (scheme, bytes) = &unsigned.to_be_signed[0];
    assert_eq!(
        bytes, &pkcs10,
        "no signed attributes: the old key signs the request itself"
    );
    let der = unsigned.finish(&[sign_with(None, *scheme, bytes)]).unwrap();
    (old, pkcs10, der)
}

fn corpus_renewal() -> Vec<u8> {
    let path = certreq_testsupport::corpus_dir().join("mswstep/pkcs7-renewal-request.b64");
    certreq_pkix::pem::read(&std::fs::read(path).unwrap())
        .unwrap()
        .remove(0)
        .der
}

/// The attribute types of a PKCS #10, in order.
fn attribute_types(pkcs10: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let info = tlv::read(tlv::only(pkcs10, 0x30).unwrap()).unwrap().content;
    let items = tlv::items(info).unwrap();
    let (_, attrs) = items.iter().find(|(t, _)| *t == 0xa0).unwrap();
    tlv::items(attrs)
        .unwrap()
        .into_iter()
        .map(|(_, a)| {
            let parts = tlv::items(a).unwrap();
            (parts[0].1.to_vec(), parts[1].1.to_vec())
        })
        .collect()
}

#[test]
fn a_renewal_is_laid_out_as_microsofts_example() {
    let (old, pkcs10, der) = renewal_request();
    let ours = read_signed::read(&der).unwrap();
    let theirs_der = corpus_renewal();
    let theirs = read_signed::read(&theirs_der).unwrap();
    // SignedData version 1, id-data, the old certificate the one certificate, no CRLs
    assert_eq!((ours.version, theirs.version), (1, 1));
    assert!(ours.is_data() && theirs.is_data());
    assert_eq!(ours.content, Some(pkcs10.as_slice()));
    assert_eq!(ours.certificates, [old.as_slice()]);
    assert_eq!(theirs.certificates.len(), 1);
    assert!(ours.crls.is_none() && theirs.crls.is_none());
    // one signer, version 1, named by the old certificate's issuer and serial number
    assert_eq!((ours.signers.len(), theirs.signers.len()), (1, 1));
    let (o, t) = (&ours.signers[0], &theirs.signers[0]);
    assert_eq!((o.version, t.version), (1, 1));
    assert!(matches!(o.sid, Sid::IssuerSerial { .. }));
    assert_eq!(ours.certificate_for(&o.sid), Some(old.as_slice()));
    assert_eq!(theirs.certificate_for(&t.sid), Some(theirs.certificates[0]));
    // no signed and no unsigned attributes
    assert!(o.signed_attributes.is_none() && t.signed_attributes.is_none());
    assert!(o.unsigned_attributes.is_none() && t.unsigned_attributes.is_none());
    // the signer named rsaEncryption with NULL, the digest algorithm with NULL parameters
    assert_eq!(o.signature_algorithm, t.signature_algorithm);
    let params = |alg: &[u8]| tlv::items(tlv::only(alg, 0x30).unwrap()).unwrap()[1].0;
    assert_eq!(params(o.digest_algorithm), 0x05);
    assert_eq!(params(t.digest_algorithm), 0x05);
    assert_eq!(
        ours.digest_algorithms, o.digest_algorithm,
        "one digest algorithm"
    );
    // the inner request: the renewal-certificate attribute holds the whole old certificate,
    // and sorts last, as in the example
    for (inner, cert) in [
        (pkcs10.as_slice(), old.as_slice()),
        (theirs.content.unwrap(), theirs.certificates[0]),
    ] {
        let attrs = attribute_types(inner);
        let (ty, values) = attrs.last().unwrap();
        assert_eq!(ty, certreq_pkix::oid::RENEWAL_CERTIFICATE.as_bytes());
        assert_eq!(
            values, cert,
            "the whole certificate, as it is in `certificates`"
        );
    }
}

#[test]
fn a_renewal_verifies_with_openssl_and_a_changed_byte_does_not() {
    let (_, pkcs10, der) = renewal_request();
    let Some(verified) = openssl_cms_verify(&der, &[]) else {
        return;
    };
    assert_eq!(verified.expect("openssl cms -verify"), pkcs10);
    // a byte of the request's subject key changed: the old key's signature no longer holds
    let mut bad = der.clone();
    let at = bad.windows(pkcs10.len()).position(|w| w == pkcs10).unwrap() + pkcs10.len() / 2;
    bad[at] ^= 1;
    assert!(openssl_cms_verify(&bad, &[]).unwrap().is_err());
    let printed = openssl_cms_print(&der).unwrap();
    assert!(printed.contains("pkcs7-data"), "{printed}");
}

#[test]
fn the_renewal_is_signed_by_the_old_key_not_the_new_one() {
    let old = rsa_certificate("CN=renew.example", "");
    let pkcs10 = ec_request(RENEWAL_INF, &ec_key(0x22), Some(&old));
    let content = renewal(&pkcs10, &old, Hash::Sha256).unwrap();
    let unsigned = content.prepare(|h, d| h.digest(d)).unwrap();
    // signed with the request's new key instead (a P-256 signature under an RSA signer name):
    // OpenSSL refuses it
    let ec = ec_key(0x22);
    let wrong = {
        use p256::ecdsa::signature::Signer;
        let s: p256::ecdsa::DerSignature = ec.sign(&unsigned.to_be_signed[0].1);
        s.as_bytes().to_vec()
    };
    let der = unsigned.finish(&[wrong]).unwrap();
    if let Some(v) = openssl_cms_verify(&der, &[]) {
        assert!(v.is_err(), "a renewal signed by the wrong key verified");
    }
    assert!(renewal(&pkcs10, b"not a certificate", Hash::Sha256).is_err());
    assert!(renewal(b"\x04\x00", &old, Hash::Sha256).is_err());
}

/// `30 40 1e 1a <"RequesterName"> 1e 22 <"Domain\TargetUser">`: the signed name-value pair
/// of Microsoft's EOBO dump (research: certreq-facts §5a).
#[test]
fn the_requester_name_is_the_name_value_pair_of_microsofts_dump() {
    let attr = requester_name_attribute("Domain\\TargetUser").unwrap();
    let parts = tlv::items(tlv::only(&attr, 0x30).unwrap()).unwrap();
    assert_eq!(parts[0].1, certreq_pkix::oid::NAME_VALUE_PAIR.as_bytes());
    let value = tlv::only(parts[1].1, 0x30).unwrap();
    let bmp = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_be_bytes).collect() };
    let mut want = vec![0x1e, 0x1a];
    want.extend(bmp("RequesterName"));
    want.extend([0x1e, 0x22]);
    want.extend(bmp("Domain\\TargetUser"));
    assert_eq!(value, want.as_slice());
    assert_eq!(parts[1].1[..2], [0x30, 0x40]);
}

fn eobo_request() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let agent = rsa_certificate(
        "CN=Enrollment Agent",
        "[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.4.1.311.20.2.1\n",
    );
    let inf = "[NewRequest]\nRequestType = PKCS7\nRequesterName = \"Domain\\TargetUser\"\n\
               KeyAlgorithm = ECDSA_P256\nHashAlgorithm = SHA256\n\
               [RequestAttributes]\nCertificateTemplate = User\n";
    let pkcs10 = ec_request(inf, &ec_key(0x33), None);
    let content = on_behalf_of(&pkcs10, &agent, "Domain\\TargetUser", Hash::Sha256).unwrap();
    let unsigned = content.prepare(|h, d| h.digest(d)).unwrap();
    let (scheme, bytes) = &unsigned.to_be_signed[0];
    let der = unsigned.finish(&[sign_with(None, *scheme, bytes)]).unwrap();
    (agent, pkcs10, der)
}

#[test]
fn on_behalf_of_is_laid_out_as_microsofts_dump() {
    let (agent, pkcs10, der) = eobo_request();
    let sd = read_signed::read(&der).unwrap();
    assert_eq!(sd.version, 1);
    assert!(sd.is_data());
    assert_eq!(sd.content, Some(pkcs10.as_slice()));
    assert_eq!(
        sd.certificates,
        [agent.as_slice()],
        "only the agent's certificate"
    );
    let s = &sd.signers[0];
    assert_eq!(sd.signers.len(), 1);
    assert_eq!(s.version, 1);
    assert_eq!(sd.certificate_for(&s.sid), Some(agent.as_slice()));
    // signed attributes: content type (id-data), message digest, the requester name; no others
    let attrs = tlv::items(s.signed_attributes.unwrap()).unwrap();
    let types: Vec<&[u8]> = attrs
        .iter()
        .map(|(_, a)| tlv::items(a).unwrap()[0].1)
        .collect();
    let oid = |o: certreq_pkix::oid::ObjectIdentifier| o.as_bytes().to_vec();
    let mut want = vec![
        oid(certreq_pkix::oid::CONTENT_TYPE),
        oid(certreq_pkix::oid::MESSAGE_DIGEST),
        oid(certreq_pkix::oid::NAME_VALUE_PAIR),
    ];
    want.sort();
    let mut got: Vec<Vec<u8>> = types.iter().map(|t| t.to_vec()).collect();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(
        s.content_type(),
        Some(certreq_pkix::oid::ID_DATA.as_bytes())
    );
    assert!(s.attributes_cover(sd.content_type, &pkcs10));
    assert!(s.unsigned_attributes.is_none());
    if let Some(verified) = openssl_cms_verify(&der, &[]) {
        assert_eq!(verified.expect("openssl cms -verify"), pkcs10);
        let printed = openssl_cms_print(&der).unwrap();
        assert!(printed.contains("1.3.6.1.4.1.311.13.2.1"), "{printed}");
    }
    // the requester name is signed: changing it breaks the signature
    let mut bad = der.clone();
    let user: Vec<u8> = "TargetUser"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let at = bad.windows(user.len()).position(|w| w == user).unwrap();
    bad[at + 1] = b'X';
    if let Some(v) = openssl_cms_verify(&bad, &[]) {
        assert!(v.is_err());
    }
}

#[test]
fn signing_again_keeps_the_other_signers_and_replaces_its_own() {
    let (agent, pkcs10, der) = eobo_request();
    let cosigner = rsa_certificate("CN=Second Officer", "");
    // another certificate adds its signature: the agent's is kept byte for byte
    let (content, what) = sign_again(&der, &cosigner, Hash::Sha256).unwrap();
    assert_eq!(what, Resigned::Added);
    let unsigned = content.prepare(|h, d| h.digest(d)).unwrap();
    let (scheme, bytes) = &unsigned.to_be_signed[0];
    let twice = unsigned.finish(&[sign_with(None, *scheme, bytes)]).unwrap();
    let before = read_signed::read(&der).unwrap();
    let after = read_signed::read(&twice).unwrap();
    // the agent's signer first, as it was, then the new one; the certificates the same way
    assert_eq!(after.signers.len(), 2);
    assert_eq!(after.signers[0].whole, before.signers[0].whole);
    assert_eq!(after.certificates, [agent.as_slice(), cosigner.as_slice()]);
    assert_eq!(after.content, Some(pkcs10.as_slice()));
    if let Some(v) = openssl_cms_verify(&twice, &[]) {
        assert_eq!(v.expect("both signatures verify"), pkcs10);
    }
    // the agent signs again: its signature is replaced, not added
    let (content, what) = sign_again(&twice, &agent, Hash::Sha256).unwrap();
    assert_eq!(what, Resigned::Replaced);
    assert_eq!(content.kept_signers.len(), 1);
    // and what it signed besides, the requester's name, is signed again
    let unsigned = content.prepare(|h, d| h.digest(d)).unwrap();
    let (scheme, bytes) = &unsigned.to_be_signed[0];
    let thrice = unsigned.finish(&[sign_with(None, *scheme, bytes)]).unwrap();
    let thrice = read_signed::read(&thrice).unwrap();
    let name = certreq_pkix::oid::NAME_VALUE_PAIR;
    assert_eq!(
        thrice.signers[1].signed_attribute(&name),
        before.signers[0].signed_attribute(&name)
    );
    assert!(thrice.signers[1].signed_attribute(&name).is_some());
    // a PKCS #10 is not signed again this way
    assert!(sign_again(&pkcs10, &agent, Hash::Sha256).is_err());
}

#[test]
fn a_pkcs10_signed_by_a_certificate() {
    let signer = rsa_certificate("CN=Qualified Subordination", "");
    let pkcs10 = ec_request(
        "[NewRequest]\nSubject = \"CN=Sub CA\"\nKeyAlgorithm = ECDSA_P256\n",
        &ec_key(0x44),
        None,
    );
    let content = signed_by(&pkcs10, &signer, Hash::Sha256).unwrap();
    let unsigned = content.prepare(|h, d| h.digest(d)).unwrap();
    let (scheme, bytes) = &unsigned.to_be_signed[0];
    let der = unsigned.finish(&[sign_with(None, *scheme, bytes)]).unwrap();
    let sd = read_signed::read(&der).unwrap();
    assert!(sd.is_data() && sd.signers[0].requester_free());
    if let Some(v) = openssl_cms_verify(&der, &[]) {
        assert_eq!(v.unwrap(), pkcs10);
    }
    // certreq_pkix::cmc::pkcs10_in_any finds the request inside, as -submit needs
    assert_eq!(certreq_pkix::cmc::pkcs10_in_any(&der), pkcs10.as_slice());
}

trait RequesterFree {
    fn requester_free(&self) -> bool;
}

impl RequesterFree for read_signed::SignerInfo<'_> {
    fn requester_free(&self) -> bool {
        self.signed_attribute(&certreq_pkix::oid::NAME_VALUE_PAIR)
            .is_none()
    }
}

/// `certreq_pkix::cmc::pkcs10_in_any` walks a PKCS #7 with `tlv` alone: it finds the PKCS #10
/// inside Microsoft's renewal example and ours, and gives back the whole input for a
/// `SignedData` whose content is not `id-data`, or one cut short.
#[test]
fn the_pkcs10_inside_a_pkcs7_is_found_by_a_tlv_walk() {
    use certreq_pkix::cmc::pkcs10_in_any as pkcs10_of;
    use der::Decode;
    let theirs = corpus_renewal();
    let inner = pkcs10_of(&theirs);
    assert!(inner.len() < theirs.len());
    let req = x509_cert::request::CertReq::from_der(inner).expect("a PKCS #10");
    assert!(!req.info.attributes.is_empty());
    let (_, pkcs10, ours) = renewal_request();
    assert_eq!(pkcs10_of(&ours), pkcs10.as_slice());
    // id-data (1.2.840.113549.1.7.1) made 1.2.840.113549.1.7.2 where it names the content
    let id_data = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
    ];
    let at = ours
        .windows(id_data.len())
        .position(|w| w == id_data)
        .expect("the content type");
    let mut other = ours.clone();
    other[at + id_data.len() - 1] = 0x02;
    assert_eq!(pkcs10_of(&other), other.as_slice());
    // cut short: no PKCS #10 is found, the input is given back
    let cut = &ours[..ours.len() - 1];
    assert_eq!(pkcs10_of(cut), cut);
}
