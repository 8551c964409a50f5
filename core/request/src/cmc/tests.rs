//! CMC requests: verified by OpenSSL's CMS code (signature, message digest, signer found by
//! its key identifier), read back, and laid out as the Microsoft-made sample in the corpus.

use super::*;
use crate::compile;
use crate::encode;
use crate::model::{RequestType, SignatureScheme};
use certreq_pkix::cmc::read;
use certreq_pkix::pem;
use certreq_testsupport::{corpus_dir, rsa_key, rsa_sign};

fn client() -> encode::ClientInfo {
    encode::ClientInfo::example()
}
use rsa::pkcs8::EncodePublicKey;

const INF: &str = "[NewRequest]\nSubject = \"CN=cmc.example.com, O=Example\"\nKeyLength = 2048\n\
                   RequestType = CMC\nHashAlgorithm = SHA256\n[Extensions]\n\
                   2.5.29.17 = \"{text}dns=cmc.example.com\"\n";

/// PKCS #10 and its CMC wrapper for `inf`, signed by `sign(scheme, bytes)`.
fn build(
    inf: &str,
    spki: &[u8],
    sign: impl Fn(SignatureScheme, &[u8]) -> Vec<u8>,
) -> (Vec<u8>, Vec<u8>) {
    let req = compile(inf).request.expect("the INF compiles");
    assert_eq!(req.request_type, RequestType::Cmc);
    let unsigned = encode::prepare(&req, spki, &client()).unwrap();
    let pkcs10 = unsigned
        .finish(&sign(unsigned.scheme, &unsigned.to_be_signed))
        .unwrap();
    let content = wrap(&pkcs10, spki, req.signature).unwrap();
    let d = content.hash().digest(&content.pki_data);
    let unsigned = content.prepare(&d).unwrap();
    let cmc = unsigned
        .finish(&sign(unsigned.scheme, &unsigned.to_be_signed))
        .unwrap();
    (pkcs10, cmc)
}

fn rsa_cmc(inf: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let key = rsa_key();
    let spki = key.to_public_key().to_public_key_der().unwrap().to_vec();
    let (p10, cmc) = build(inf, &spki, |scheme, bytes| {
        rsa_sign(&key, scheme.hash().web_crypto_name(), bytes)
    });
    (spki, p10, cmc)
}

/// A self-signed certificate for the key, with its key identifier: what OpenSSL needs to
/// find the CMC signer (a CMC request carries no certificate).
fn certificate_for(
    spki: &[u8],
    key_line: &str,
    sign: impl Fn(SignatureScheme, &[u8]) -> Vec<u8>,
) -> Vec<u8> {
    let inf = format!("[NewRequest]\nSubject = \"CN=signer\"\nRequestType = Cert\n{key_line}\n");
    let req = compile(&inf).request.unwrap();
    let unsigned = encode::prepare_certificate(&req, spki, 0, 2_000_000_000, &[0x11; 16]).unwrap();
    unsigned
        .finish(&sign(unsigned.scheme, &unsigned.to_be_signed))
        .unwrap()
}

/// `openssl cms -verify` with the signer's certificate (its chain not checked): the
/// signature over the signed attributes and the message digest of the content. The verified
/// content, or OpenSSL's complaint; `None` when openssl is not installed.
fn openssl_cms_verify(cmc: &[u8], cert: &[u8]) -> Option<Result<Vec<u8>, String>> {
    // tests run at once in one process: a directory per call
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("certreq-core-cmc-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cmc_path, cert_path, out_path) =
        (dir.join("in.cmc"), dir.join("signer.pem"), dir.join("out"));
    std::fs::write(&cmc_path, cmc).unwrap();
    std::fs::write(&cert_path, pem::write(pem::Label::Certificate, cert)).unwrap();
    let openssl = certreq_testsupport::tool("openssl")?;
    let run = std::process::Command::new(openssl)
        .args([
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-binary",
            "-noverify",
            "-in",
        ])
        .arg(&cmc_path)
        .arg("-certfile")
        .arg(&cert_path)
        .arg("-out")
        .arg(&out_path)
        .output();
    let result = match run {
        Err(e) => panic!("openssl did not run: {e}"),
        Ok(o) if o.status.success() => Some(Ok(std::fs::read(&out_path).unwrap())),
        Ok(o) => Some(Err(String::from_utf8_lossy(&o.stderr).into_owned())),
    };
    let _ = std::fs::remove_dir_all(dir);
    result
}

#[test]
fn rsa_cmc_request_verifies_with_openssl_and_carries_the_request() {
    let (spki, p10, cmc) = rsa_cmc(INF);
    let key = rsa_key();
    let cert = certificate_for(&spki, "", |s, b| {
        rsa_sign(&key, s.hash().web_crypto_name(), b)
    });
    let read = read(&cmc).expect("our CMC request reads back");
    assert_eq!(read.request, p10.as_slice());
    assert_eq!(read.hash(), Some(Hash::Sha256));
    assert!(read.verify_digest());
    // certreq names the PKCS #1 v1.5 signer rsaEncryption
    assert_eq!(read.signature_algorithm, rsa_encryption_alg());
    if let Some(verified) = openssl_cms_verify(&cmc, &cert) {
        let content = verified.expect("openssl cms -verify");
        assert_eq!(content, read.pki_data, "OpenSSL verified other content");
    }
}

#[test]
fn a_tampered_cmc_request_fails_openssl() {
    let (spki, _, mut cmc) = rsa_cmc(INF);
    let key = rsa_key();
    let cert = certificate_for(&spki, "", |s, b| {
        rsa_sign(&key, s.hash().web_crypto_name(), b)
    });
    // a byte of the subject inside the wrapped request: the digest no longer matches
    let at = cmc
        .windows(15)
        .position(|w| w == b"cmc.example.com")
        .unwrap();
    cmc[at] = b'x';
    let read = read(&cmc).unwrap();
    assert!(!read.verify_digest());
    if let Some(verified) = openssl_cms_verify(&cmc, &cert) {
        assert!(verified.is_err(), "OpenSSL accepted a tampered CMC request");
    }
}

#[test]
fn ecdsa_cmc_request_verifies_with_openssl() {
    use p256::ecdsa::{Signature, SigningKey};
    use p256::pkcs8::EncodePublicKey as _;
    use rsa::signature::Signer;
    let key = SigningKey::from_slice(&[0x22; 32]).unwrap();
    let spki = key.verifying_key().to_public_key_der().unwrap().to_vec();
    let sign = |_: SignatureScheme, bytes: &[u8]| {
        let s: Signature = key.sign(bytes);
        s.to_der().as_bytes().to_vec()
    };
    let inf = "[NewRequest]\nSubject = \"CN=ec.example.com\"\nKeyAlgorithm = ECDSA_P256\n\
               RequestType = CMC\n";
    let (p10, cmc) = build(inf, &spki, sign);
    let read = read(&cmc).unwrap();
    assert_eq!(read.request, p10.as_slice());
    assert!(read.verify_digest());
    let cert = certificate_for(&spki, "KeyAlgorithm = ECDSA_P256", sign);
    if let Some(verified) = openssl_cms_verify(&cmc, &cert) {
        assert_eq!(verified.expect("openssl cms -verify"), read.pki_data);
    }
    // Web Crypto's raw r‖s is refused, as for the request: it must be converted to DER first
    let content = wrap(&p10, &spki, SignatureScheme::Ecdsa(Hash::Sha256)).unwrap();
    let digest = content.hash().digest(&content.pki_data);
    let unsigned = content.prepare(&digest).unwrap();
    let raw: Signature = key.sign(&unsigned.to_be_signed);
    assert!(unsigned.finish(&raw.to_bytes()).is_err());
}

/// The facts of a CMC request's layout that certreq's and ours must share (values such as
/// the request, the key identifier, the digest and the signature aside).
#[derive(Debug, PartialEq, Eq)]
struct Layout {
    signed_data_version: Vec<u8>,
    digest_algorithms: usize,
    controls: Vec<(Vec<u8>, Vec<u8>)>,
    add_attributes: Vec<Vec<u8>>,
    requests: Vec<(u8, Vec<u8>)>,
    empty_tail: bool,
    signed_data_fields: Vec<u8>,
    signer_fields: Vec<u8>,
    signer_version: Vec<u8>,
    signed_attribute_types: Vec<Vec<u8>>,
}

fn layout(der: &[u8]) -> Layout {
    fn items(b: &[u8]) -> Vec<(u8, &[u8])> {
        tlv::items(b).unwrap()
    }
    let content_info = items(tlv::only(der, 0x30).unwrap());
    let signed = items(tlv::only(content_info[1].1, 0x30).unwrap());
    let read = read(der).unwrap();
    let pki = items(tlv::only(read.pki_data, 0x30).unwrap());
    let mut controls = Vec::new();
    let mut add_attributes = Vec::new();
    for (_, control) in items(pki[0].1) {
        let parts = items(control);
        controls.push((parts[0].1.to_vec(), parts[1].1.to_vec()));
        let add = items(tlv::only(parts[2].1, 0x30).unwrap());
        assert_eq!(add[0].1, [0], "pkiDataReference");
        assert_eq!(items(add[1].1), [(0x02, &[1u8][..])], "certReferences");
        for (_, attr) in items(add[2].1) {
            add_attributes.push(items(attr)[0].1.to_vec());
        }
    }
    let requests = items(pki[1].1)
        .into_iter()
        .map(|(tag, tcr)| (tag, items(tcr)[0].1.to_vec()))
        .collect();
    let signer_set = signed.last().unwrap().1;
    let signer = items(tlv::only(signer_set, 0x30).unwrap());
    let signed_attrs = signer.iter().find(|(t, _)| *t == 0xa0).unwrap().1;
    Layout {
        signed_data_version: signed[0].1.to_vec(),
        digest_algorithms: items(signed[1].1).len(),
        controls,
        add_attributes,
        requests,
        empty_tail: pki[2].1.is_empty() && pki[3].1.is_empty() && pki.len() == 4,
        signed_data_fields: signed.iter().map(|(t, _)| *t).collect(),
        signer_fields: signer.iter().map(|(t, _)| *t).collect(),
        signer_version: signer[0].1.to_vec(),
        signed_attribute_types: items(signed_attrs)
            .into_iter()
            .map(|(_, a)| items(a)[0].1.to_vec())
            .collect(),
    }
}

#[test]
fn laid_out_as_the_microsoft_sample() {
    // made by the Windows certificates snap-in with CertEnroll, certreq's encoder (SHA-1)
    let pem = std::fs::read(corpus_dir().join("req/007-csrinspector-mmc-cmc-base64.req")).unwrap();
    let theirs = certreq_pkix::pem::read(&pem).unwrap().remove(0).der;
    let (_, _, ours) = rsa_cmc(&INF.replace("SHA256", "SHA1"));
    let (a, b) = (layout(&theirs), layout(&ours));
    assert_eq!(a, b);
    // and what that layout is, spelled out
    assert_eq!(b.controls, [(vec![2], CMC_ATTRIBUTES.to_vec())]);
    assert_eq!(b.add_attributes, [CLIENT_INFO.to_vec()]);
    assert_eq!(b.requests, [(0xa0, vec![1])]);
    assert_eq!(
        b.signed_data_fields,
        [0x02, 0x31, 0x30, 0x31],
        "no certificates or CRLs"
    );
    assert_eq!(b.signer_fields, [0x02, 0x80, 0x30, 0xa0, 0x30, 0x04]);
    let (their_read, our_read) = (read(&theirs).unwrap(), read(&ours).unwrap());
    assert_eq!(their_read.signature_algorithm, our_read.signature_algorithm);
    assert_eq!(their_read.hash(), Some(Hash::Sha1));
    assert!(
        their_read.verify_digest(),
        "the sample's digest is checked the same way"
    );
}

#[test]
fn without_default_attributes_there_is_nothing_to_add() {
    let (_, p10, cmc) =
        rsa_cmc(&INF.replace("RequestType", "SuppressDefaults = TRUE\nRequestType"));
    let l = layout(&cmc);
    assert!(l.controls.is_empty());
    assert_eq!(read(&cmc).unwrap().request, p10.as_slice());
}

#[test]
fn refusals() {
    let (spki, p10, _) = rsa_cmc(INF);
    assert!(read(&p10).is_none(), "a PKCS #10 request is not CMC");
    assert!(read(&[]).is_none());
    let content = wrap(&p10, &spki, SignatureScheme::RsaPkcs1(Hash::Sha256)).unwrap();
    let e = content.prepare(&[0; 20]).unwrap_err();
    assert!(e.to_string().contains("SHA-256 takes 32"), "{e}");
    assert!(wrap(b"not DER", &spki, SignatureScheme::RsaPkcs1(Hash::Sha256)).is_err());
}

#[test]
fn the_reader_refuses_what_cms_forbids() {
    let (_, _, cmc) = rsa_cmc(INF);
    assert!(read(&cmc).is_some());
    // a content-type attribute that names other content than the eContent's
    let oid = tlv(0x06, PKI_DATA);
    let last = cmc.windows(oid.len()).rposition(|w| w == oid).unwrap();
    assert!(last > cmc.windows(oid.len()).position(|w| w == oid).unwrap());
    let mut other = cmc.clone();
    other[last + oid.len() - 1] = 0x03; // id-cct-PKIResponse
    assert!(read(&other).is_none());
    // anything after the SignerInfos
    let rewrap = |extra: &[u8]| {
        let info = tlv::items(tlv::only(&cmc, 0x30).unwrap()).unwrap();
        let mut signed = tlv::only(info[1].1, 0x30).unwrap().to_vec();
        signed.extend_from_slice(extra);
        let mut body = tlv(0x06, SIGNED_DATA);
        body.extend(tlv(0xa0, &tlv(0x30, &signed)));
        tlv(0x30, &body)
    };
    assert!(
        read(&rewrap(&[])).is_some(),
        "rebuilt unchanged, it still reads"
    );
    assert!(read(&rewrap(&[0x05, 0x00])).is_none());
    assert!(read(&rewrap(&[0xff])).is_none());
    // every cut is refused, none panics
    for cut in 0..cmc.len() {
        assert!(read(&cmc[..cut]).is_none(), "cut at {cut}");
    }
}

// ---- what wrap_with adds: a requester name, co-signers, an archived key ----

use crate::testkit::openssl_cms_verify as cms_verify;
use crate::testkit::{ec_key, ec_request, ec_spki, rsa_certificate, sign_with};
use certreq_pkix::signed::read as read_signed;

/// The controls of a CMC request: (bodyPartID, type, the value's DER).
fn controls(pki_data: &[u8]) -> Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    let fields = tlv::items(tlv::only(pki_data, 0x30).unwrap()).unwrap();
    tlv::items(fields[0].1)
        .unwrap()
        .into_iter()
        .map(|(_, c)| {
            let parts = tlv::items(c).unwrap();
            (
                parts[0].1.to_vec(),
                parts[1].1.to_vec(),
                parts[2].1.to_vec(),
            )
        })
        .collect()
}

/// Builds and signs: the request key is the P-256 test key, co-signers the RSA test key.
fn signed_cmc(pkcs10: &[u8], extras: &Extras<'_>) -> Vec<u8> {
    let key = ec_key(0x55);
    let content = wrap_with(
        pkcs10,
        &ec_spki(&key),
        SignatureScheme::Ecdsa(Hash::Sha256),
        extras,
    )
    .unwrap();
    let unsigned = content.prepare(|h, d| h.digest(d)).unwrap();
    let signatures: Vec<Vec<u8>> = unsigned
        .to_be_signed
        .iter()
        .map(|(scheme, bytes)| match scheme {
            SignatureScheme::Ecdsa(_) => sign_with(Some(&key), *scheme, bytes),
            _ => sign_with(None, *scheme, bytes),
        })
        .collect();
    unsigned.finish(&signatures).unwrap()
}

/// CMC on behalf of another user, as Microsoft's cmc-eobo dump lays it out: the CMC attributes
/// at bodyPartID 3, then `RequesterName=Domain%5CTargetUser&` in an id-cmc-regInfo at 2; two
/// signers, the request key's (v3, key id) then the agent's (v1, issuer and serial); the
/// agent's certificate the one certificate.
#[test]
fn cmc_on_behalf_of_is_laid_out_as_microsofts_dump() {
    let agent = rsa_certificate(
        "CN=Enrollment Agent",
        "[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.4.1.311.20.2.1\n",
    );
    let pkcs10 = ec_request(
        "[NewRequest]\nRequestType = CMC\nKeyAlgorithm = ECDSA_P256\nHashAlgorithm = SHA256\n",
        &ec_key(0x55),
        None,
    );
    let extras = Extras {
        requester_name: Some("Domain\\TargetUser"),
        cosigners: vec![CertSigner::new(&agent, Hash::Sha256, "agent").unwrap()],
        ..Extras::default()
    };
    let der = signed_cmc(&pkcs10, &extras);
    let sd = read_signed(&der).unwrap();
    assert_eq!(sd.version, 3);
    assert!(sd.is_pki_data());
    assert_eq!(sd.certificates, [agent.as_slice()]);
    let c = controls(sd.content.unwrap());
    assert_eq!(c.len(), 2);
    assert_eq!(
        (c[0].0.as_slice(), c[0].1.as_slice()),
        (&[3u8][..], CMC_ATTRIBUTES)
    );
    assert_eq!(c[1].0, [2]);
    assert_eq!(c[1].1, certreq_pkix::oid::ID_CMC_REG_INFO.as_bytes());
    // the bytes of the dump: 04 22 "RequesterName=Domain%5CTargetUser&"
    let mut want = vec![0x04, 0x22];
    want.extend_from_slice(b"RequesterName=Domain%5CTargetUser&");
    assert_eq!(c[1].2, want);
    assert_eq!(sd.signers.len(), 2);
    // the request key's signer first, as in the dump
    let versions: Vec<u8> = sd.signers.iter().map(|s| s.version).collect();
    assert_eq!(versions, [3, 1]);
    for s in &sd.signers {
        assert!(s.attributes_cover(sd.content_type, sd.content.unwrap()));
        assert!(s.unsigned_attributes.is_none());
    }
    let request_signer = sd.signers.iter().find(|s| s.version == 3).unwrap();
    assert_eq!(
        request_signer.sid,
        certreq_pkix::signed::SignerId::KeyId(&key_identifier(&ec_spki(&ec_key(0x55))))
    );
    if let Some(v) = cms_verify(&der, &[&request_key_certificate()]) {
        assert_eq!(v.expect("both signers verify"), sd.content.unwrap());
    }
    // the PKCS #10 inside is found as before
    assert_eq!(certreq_pkix::cmc::pkcs10_of(&der), pkcs10.as_slice());
}

/// A certificate for the P-256 request key (OpenSSL needs one to check its signature).
fn request_key_certificate() -> Vec<u8> {
    let key = ec_key(0x55);
    certificate_for(&ec_spki(&key), "KeyAlgorithm = ECDSA_P256", |s, b| {
        sign_with(Some(&key), s, b)
    })
}

#[test]
fn the_requester_name_is_url_encoded() {
    assert_eq!(
        reg_info("Domain\\TargetUser"),
        "RequesterName=Domain%5CTargetUser&"
    );
    assert_eq!(reg_info("a b&c=é"), "RequesterName=a%20b%26c%3D%C3%A9&");
}

/// Key archival as Microsoft's cmc-key-archival dump lays it out: the archived key's SHA-1
/// among the CMC attributes (signed), the EnvelopedData as the request signer's unsigned
/// attribute 1.3.6.1.4.1.311.21.13, no certificates.
#[test]
fn an_archived_key_is_laid_out_as_microsofts_dump() {
    let archived = crate::archive::Archived {
        content_info: vec![0x30, 0x03, 0x02, 0x01, 0x00],
        hash: [0x77; 20],
    };
    let pkcs10 = ec_request(
        "[NewRequest]\nRequestType = CMC\nKeyAlgorithm = ECDSA_P256\nHashAlgorithm = SHA256\n",
        &ec_key(0x55),
        None,
    );
    let der = signed_cmc(
        &pkcs10,
        &Extras {
            archived: Some(&archived),
            ..Extras::default()
        },
    );
    let sd = read_signed(&der).unwrap();
    assert!(sd.certificates.is_empty());
    let c = controls(sd.content.unwrap());
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].0, [2]);
    let add = tlv::items(tlv::only(&c[0].2, 0x30).unwrap()).unwrap();
    let attrs: Vec<Vec<u8>> = tlv::items(add[2].1)
        .unwrap()
        .into_iter()
        .map(|(_, a)| tlv::items(a).unwrap()[0].1.to_vec())
        .collect();
    assert!(attrs.contains(&CLIENT_INFO.to_vec()));
    assert!(attrs.contains(&certreq_pkix::oid::ENCRYPTED_KEY_HASH.as_bytes().to_vec()));
    let s = &sd.signers[0];
    assert_eq!(
        s.unsigned_attribute(&certreq_pkix::oid::ENCRYPTED_PRIVATE_KEY),
        Some(archived.content_info.as_slice())
    );
    if let Some(v) = cms_verify(&der, &[&request_key_certificate()]) {
        v.expect("the request key's signature verifies");
    }
}

/// What EST's `/simpleenroll` would drop from each kind of request, named before it is sent:
/// a plain CMC request's PKCS #10 goes alone, an archived key or a second signer does not.
#[test]
fn what_a_pkcs10_only_channel_would_drop_is_named() {
    use certreq_pkix::cmc::beyond_pkcs10;
    let pkcs10 = ec_request(
        "[NewRequest]\nRequestType = CMC\nKeyAlgorithm = ECDSA_P256\nHashAlgorithm = SHA256\n",
        &ec_key(0x55),
        None,
    );
    assert_eq!(beyond_pkcs10(&pkcs10), None, "a PKCS #10 request");
    let plain = signed_cmc(&pkcs10, &Extras::default());
    assert_eq!(
        beyond_pkcs10(&plain),
        None,
        "CMC signed by its own key alone"
    );
    let archived = crate::archive::Archived {
        content_info: vec![0x30, 0x03, 0x02, 0x01, 0x00],
        hash: [0x77; 20],
    };
    let with_key = signed_cmc(
        &pkcs10,
        &Extras {
            archived: Some(&archived),
            ..Extras::default()
        },
    );
    assert_eq!(
        beyond_pkcs10(&with_key),
        Some(certreq_pkix::cmc::ARCHIVED_KEY)
    );
    // `tests/data/cmc-archived-key.der`, which the enrollment steps' tests send over EST, is
    // this request (deterministic: RFC 6979 ECDSA); `CERTREQ_WRITE_FIXTURES=1` writes it again
    let path = certreq_testsupport::data_dir().join("cmc-archived-key.der");
    if std::env::var_os("CERTREQ_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &with_key).unwrap();
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        with_key,
        "{}",
        path.display()
    );
    let agent = rsa_certificate(
        "CN=Enrollment Agent",
        "[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.4.1.311.20.2.1\n",
    );
    let cosigned = signed_cmc(
        &pkcs10,
        &Extras {
            cosigners: vec![CertSigner::new(&agent, Hash::Sha256, "agent").unwrap()],
            ..Extras::default()
        },
    );
    let cosigner = Some("the signature of the certificate it renews or of an enrollment agent");
    assert_eq!(beyond_pkcs10(&cosigned), cosigner);
    // certreq's PKCS #7 renewal (Microsoft's MS-WSTEP example)
    let text =
        std::fs::read(certreq_testsupport::corpus_dir().join("mswstep/pkcs7-renewal-request.b64"))
            .unwrap();
    let renewal = &certreq_pkix::pem::read(&text).unwrap()[0].der;
    assert_eq!(beyond_pkcs10(renewal), cosigner);
}
