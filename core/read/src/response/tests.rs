use super::*;
use certreq_pkix::cert::{CmcStatus, build_certs_only_pkcs7};
use certreq_pkix::cmc::TaggedAttribute;
use certreq_pkix::oid::{ID_CMC_STATUS_INFO, ObjectIdentifier};
use certreq_testsupport::corpus_dir;
use der::asn1::{Any, SetOfVec};

fn resp_file(name: &str) -> Vec<u8> {
    std::fs::read(corpus_dir().join("resp").join(name)).expect("corpus response file")
}

/// Subjects as Windows shows them: written order, the reverse of the encoding.
fn subjects(r: &Response) -> Vec<String> {
    r.certificates().iter().map(Certificate::subject).collect()
}

#[test]
fn mislabelled_pkcs7_chain_is_read_by_content() {
    let r = parse(&resp_file(
        "001-hvasudeva-certnew-p7b-mislabeled-header.p7b",
    ))
    .unwrap();
    assert_eq!(r.kind, ResponseKind::Pkcs7);
    assert_eq!(r.certificates().len(), 3);
    let leaf = r.leaf().unwrap();
    assert!(
        leaf.subject().contains("CN=www.sdhonaz.capgemini.com"),
        "{}",
        leaf.subject()
    );
    assert_eq!(
        leaf.thumbprint_sha1(),
        "EA09F8149A77B449AB118D1641E42949A05B50A3"
    );
    assert!(!leaf.is_ca());
    assert_eq!(leaf.key_algorithm(), "RSA 2048");
    let chain: Vec<String> = r.chain_for(leaf).iter().map(|c| c.subject()).collect();
    assert_eq!(chain.len(), 3);
    assert_eq!(
        chain[1],
        "CN=CapgeminiPKIIssuingCA1, DC=corp, DC=capgemini, DC=com"
    );
    assert_eq!(chain[2], "CN=CapgeminiPKIRootCA");
    // The leaf's own key finds it.
    assert_eq!(r.leaf_for(leaf.spki_der()), Some(leaf));
    assert_eq!(r.leaf_for(&[0x30, 0]), None);
}

#[test]
fn single_pem_certificate_with_crlf() {
    let r = parse(&resp_file("002-hvasudeva-certnew-cer.cer")).unwrap();
    assert_eq!(r.kind, ResponseKind::Certificate);
    assert_eq!(r.certificates().len(), 1);
    let c = &r.certificates()[0];
    assert_eq!(
        c.thumbprint_sha1(),
        "EA09F8149A77B449AB118D1641E42949A05B50A3"
    );
    assert_eq!(
        c.issuer(),
        "CN=CapgeminiPKIIssuingCA1, DC=corp, DC=capgemini, DC=com"
    );
    assert_eq!(c.serial_hex(), "18006F0892DEC38888121B6F8C0000006F0892");
    // 2024-04-17 03:54:08 UTC and 2025-04-17 03:54:08 UTC.
    assert_eq!(c.not_before(), 1_713_326_048);
    assert_eq!(c.not_after(), 1_744_862_048);
    assert_eq!(r.chain_for(c).len(), 1);
}

#[test]
fn subordinate_ca_certificate() {
    let r = parse(&resp_file("003-saecyber-certnew-subca-cert.cer")).unwrap();
    let c = &r.certificates()[0];
    assert_eq!(
        c.subject(),
        "CN=houston-hou-CA, DC=houston, DC=mswad, DC=us"
    );
    assert_eq!(c.issuer(), "CN=SAE4Cyber01-GLOBAL-ROOT-CA");
    assert_eq!(
        c.thumbprint_sha1(),
        "7FA6C7AD74B986C04F153BA1BB6F5E230AACBA31"
    );
    assert!(c.is_ca());
}

#[test]
fn der_pkcs7_chain() {
    let r = parse(&resp_file("004-nwlterry-certnew-p7b-der.p7b")).unwrap();
    assert_eq!(r.kind, ResponseKind::Pkcs7);
    let mut s = subjects(&r);
    s.sort();
    assert_eq!(
        s,
        [
            "CN=LABROOTCA-CA, O=DEVOPS, OU=DEVOPS, C=MO",
            "CN=devops-LABDC01-CA, DC=devops, DC=local",
        ]
    );
    let leaf = r.leaf().unwrap();
    assert_eq!(leaf.subject(), "CN=devops-LABDC01-CA, DC=devops, DC=local");
    let chain = r.chain_for(leaf);
    assert_eq!(chain.len(), 2);
    assert!(chain[1].is_self_issued());
}

#[test]
fn every_corpus_response_parses() {
    let dir = corpus_dir().join("resp");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let r = parse(&std::fs::read(&path).unwrap());
        assert!(r.is_ok(), "{}: {:?}", path.display(), r.err());
        n += 1;
    }
    assert!(n >= 4);
}

#[test]
fn requests_are_named_as_requests() {
    let dir = corpus_dir().join("req");
    let pkcs10 = std::fs::read(dir.join("002-axeronisd-minimal-inf-pkcs10.req")).unwrap();
    let err = parse(&pkcs10).unwrap_err();
    assert_eq!(err, ResponseError::IsRequest { cmc: false });
    assert_eq!(
        err.to_string(),
        "this is a certificate request, not a response: submit it to the CA and open the certificate the CA returns"
    );
    let cmc = std::fs::read(dir.join("007-csrinspector-mmc-cmc-base64.req")).unwrap();
    assert_eq!(
        parse(&cmc).unwrap_err(),
        ResponseError::IsRequest { cmc: true }
    );
    // a PKCS #7 renewal request holds the certificate it renews, but is no answer (Microsoft's
    // MS-WSTEP example; it was once accepted as the CA's certificate for the old key)
    let renewal = std::fs::read(corpus_dir().join("mswstep/pkcs7-renewal-request.b64")).unwrap();
    let err = parse(&renewal).unwrap_err();
    assert_eq!(err, ResponseError::IsWrappedRequest);
    assert!(
        err.to_string()
            .starts_with("this is a PKCS #7 certificate request")
    );
}

#[test]
fn garbage_is_refused_without_panicking() {
    assert!(matches!(
        parse(b""),
        Err(ResponseError::Armor(pem::ArmorError::Empty))
    ));
    assert!(parse(b"not a certificate at all").is_err());
    assert!(matches!(
        parse(&[0x30, 3, 2, 1, 1]),
        Err(ResponseError::Malformed(_))
    ));
    // Truncations of a real response never panic.
    let bytes = resp_file("004-nwlterry-certnew-p7b-der.p7b");
    for cut in (0..bytes.len()).step_by(37) {
        let _ = parse(bytes.get(..cut).unwrap_or_default());
    }
}

#[test]
fn certs_only_pkcs7_round_trips() {
    let r = parse(&resp_file(
        "001-hvasudeva-certnew-p7b-mislabeled-header.p7b",
    ))
    .unwrap();
    let p7 = build_certs_only_pkcs7(r.certificates().iter().map(Certificate::der));
    let back = parse(&p7).unwrap();
    assert_eq!(back.kind, ResponseKind::Pkcs7);
    let mut a = subjects(&r);
    let mut b = subjects(&back);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // byte for byte what the `cms` crate's encoder writes for the same SignedData, with each
    // certificate once even when given twice
    let by_cms = signed_data_by_cms(
        cms::content_info::CmsVersion::V1,
        ID_DATA,
        None,
        r.certificates(),
    );
    assert_eq!(p7, by_cms);
    let twice = r.certificates().iter().chain(r.certificates());
    assert_eq!(
        build_certs_only_pkcs7(twice.rev().map(Certificate::der)),
        by_cms
    );
    // PEM of the same bytes under the PKCS7 label reads the same.
    let pem = certreq_pkix::pem::write(certreq_pkix::pem::Label::Pkcs7, &p7);
    assert_eq!(parse(pem.as_bytes()).unwrap().certificates().len(), 3);
}

#[test]
fn pem_bundle_of_certificates() {
    let one = resp_file("003-saecyber-certnew-subca-cert.cer");
    let two = resp_file("002-hvasudeva-certnew-cer.cer");
    let mut both = one.clone();
    both.extend_from_slice(b"\r\n");
    both.extend_from_slice(&two);
    let r = parse(&both).unwrap();
    assert_eq!(r.kind, ResponseKind::CertificateBundle);
    assert_eq!(r.certificates().len(), 2);
}

/// A CMC full response (the shape AD CS's `.rsp` has, unsigned here): a statusInfo control
/// for body part 1 and the given certificates.
pub(crate) fn cmc_response_fixture(certs: &[Certificate], status: u32, text: &str) -> Vec<u8> {
    let si = StatusInfo {
        status,
        body_list: vec![Any::encode_from(&1u32).unwrap()],
        status_string: Some(text.to_string()),
        other_info: (status == 2).then(|| Any::encode_from(&2u32).unwrap()),
    };
    cmc_fixture(certs, &[Any::encode_from(&si).unwrap()])
}

/// A CMC full response with one statusInfo control (body part `i + 1`) for each value.
fn cmc_fixture(certs: &[Certificate], statuses: &[Any]) -> Vec<u8> {
    let control_sequence = (1u32..)
        .zip(statuses)
        .map(|(id, value)| {
            let mut values = SetOfVec::new();
            values.insert(value.clone()).unwrap();
            TaggedAttribute {
                body_part_id: id,
                attr_type: ID_CMC_STATUS_INFO,
                attr_values: values,
            }
        })
        .collect();
    let resp = PkiResponse {
        control_sequence,
        cms_sequence: vec![],
        other_msg_sequence: vec![],
    };
    let econtent = Any::encode_from(&OctetString::new(resp.to_der().unwrap()).unwrap()).unwrap();
    signed_data_by_cms(
        cms::content_info::CmsVersion::V3,
        ID_CCT_PKI_RESPONSE,
        Some(econtent),
        certs,
    )
}

#[test]
fn cmc_full_response_gives_status_and_certificates() {
    let chain = parse(&resp_file(
        "001-hvasudeva-certnew-p7b-mislabeled-header.p7b",
    ))
    .unwrap();
    let rsp = cmc_response_fixture(chain.certificates(), 0, "Issued");
    let r = parse(&rsp).unwrap();
    assert_eq!(r.kind, ResponseKind::CmcResponse);
    assert_eq!(r.cmc_status, issued());
    assert_eq!(r.certificates().len(), 3);
    assert_eq!(r.chain_for(r.leaf().unwrap()).len(), 3);

    let failed = parse(&cmc_response_fixture(&[], 2, "Denied by Policy Module")).unwrap();
    assert_eq!(failed.certificates().len(), 0);
    let status = failed.cmc_status.unwrap();
    assert_eq!(status.status, CmcStatus::Failed);
    assert_eq!(status.fail_info, Some(2));
    assert_eq!(status.status.name(), "failed");
}

/// AD CS's status for an issued certificate.
fn issued() -> Option<CmcStatusInfo> {
    Some(CmcStatusInfo {
        status: CmcStatus::Success,
        text: Some("Issued".into()),
        fail_info: None,
    })
}

#[test]
fn ad_cs_cmc_full_response_is_read() {
    // Microsoft's example of what AD CS sends (MS-WSTEP): certificates root first.
    let text = std::fs::read(corpus_dir().join("mswstep/cmc-full-response.b64")).unwrap();
    let r = parse(&text).unwrap();
    assert_eq!(r.kind, ResponseKind::CmcResponse);
    assert_eq!(r.cmc_status, issued());
    assert_eq!(r.certificates().len(), 3);
    let leaf = r.leaf().unwrap();
    assert!(!leaf.is_ca(), "{}", leaf.subject());
    assert_eq!(r.chain_for(leaf).len(), 3);
}

fn status(n: u32, text: &str) -> Any {
    let si = StatusInfo {
        status: n,
        body_list: vec![],
        status_string: Some(text.to_string()),
        other_info: None,
    };
    Any::encode_from(&si).unwrap()
}

#[test]
fn of_several_cmc_statuses_the_worst_is_the_answers() {
    let failed = status(2, "Denied");
    let pending = status(3, "Taken under submission");
    let success = status(0, "OK");
    for order in [
        [&failed, &success, &pending],
        [&success, &pending, &failed],
        [&pending, &failed, &success],
    ] {
        let rsp = cmc_fixture(&[], &order.map(Any::clone));
        let got = parse(&rsp).unwrap().cmc_status.unwrap();
        assert_eq!(got.status, CmcStatus::Failed);
        assert_eq!(got.text.as_deref(), Some("Denied"));
    }
    let rsp = cmc_fixture(&[], &[success.clone(), pending.clone()]);
    assert_eq!(
        parse(&rsp).unwrap().cmc_status.unwrap().status,
        CmcStatus::Pending
    );
}

#[test]
fn a_cmc_status_that_does_not_decode_is_never_success() {
    let not_a_status = Any::encode_from(&5u32).unwrap();
    let rsp = cmc_fixture(&[], &[status(0, "OK"), not_a_status]);
    match parse(&rsp) {
        Err(ResponseError::Malformed(m)) => assert!(m.contains("CMC status"), "{m}"),
        other => panic!("{other:?}"),
    }
}

/// `der` with its outer value, and every constructed value inside it down to `levels` levels
/// below, given indefinite lengths (BER, as BouncyCastle writes).
pub(crate) fn indefinite(der: &[u8], levels: usize) -> Vec<u8> {
    let t = certreq_pkix::tlv::Tlv::read(der).unwrap();
    assert!(t.tag & 0x20 != 0 && t.rest.is_empty());
    let mut out = vec![t.tag, 0x80];
    let mut rest = t.content;
    while !rest.is_empty() {
        let child = certreq_pkix::tlv::Tlv::read(rest).unwrap();
        if levels > 0 && child.tag & 0x20 != 0 {
            out.extend(indefinite(child.whole, levels - 1));
        } else {
            out.extend_from_slice(child.whole);
        }
        rest = child.rest;
    }
    out.extend([0, 0]);
    out
}

#[test]
fn ber_pkcs7_chain_is_read() {
    let der_file = resp_file("004-nwlterry-certnew-p7b-der.p7b");
    let by_der = parse(&der_file).unwrap();
    // ContentInfo, its [0] and the SignedData with indefinite lengths; then every level, down
    // into the certificates
    let outer = indefinite(&der_file, 2);
    let every = indefinite(&der_file, 40);
    assert!(outer != der_file && every != outer);
    for ber in [&outer, &every] {
        assert_eq!(crate::ber::to_der(ber).unwrap().as_slice(), der_file);
    }
    let b64 = |b: &[u8]| certreq_pkix::pem::base64_lines(b).into_bytes();
    for input in [outer.clone(), every.clone(), b64(&outer), b64(&every)] {
        let r = parse(&input).unwrap();
        assert_eq!(r.kind, ResponseKind::Pkcs7);
        assert_eq!(subjects(&r), subjects(&by_der));
    }
}

#[test]
fn der_with_bytes_after_it() {
    let cert = resp_file("003-saecyber-certnew-subca-cert.cer");
    let cert = certreq_pkix::pem::read(&cert).unwrap().remove(0).der;
    let mut padded = cert.clone();
    padded.extend_from_slice(b"\r\n\0\0");
    let r = parse(&padded).unwrap();
    assert_eq!(r.kind, ResponseKind::Certificate);
    assert_eq!(r.certificates()[0].der(), cert);

    let other = resp_file("002-hvasudeva-certnew-cer.cer");
    let other = certreq_pkix::pem::read(&other).unwrap().remove(0).der;
    let both = [cert.clone(), other].concat();
    let r = parse(&both).unwrap();
    assert_eq!(r.kind, ResponseKind::CertificateBundle);
    assert_eq!(r.certificates().len(), 2);

    let mut junk = cert;
    junk.extend_from_slice(b"\x01\x02junk");
    match parse(&junk) {
        Err(ResponseError::Malformed(m)) => assert!(m.contains("railing"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn keys_and_crls_are_named() {
    let data = certreq_testsupport::data_dir();
    let key = std::fs::read(data.join("pfx-leaf.key")).unwrap();
    assert_eq!(
        parse(&key).unwrap_err().to_string(),
        "this is a private key, not a certificate response: open the .cer, .p7b or .rsp file the CA returned"
    );
    let crl = std::fs::read(data.join("test.crl")).unwrap();
    assert_eq!(
        parse(&crl).unwrap_err(),
        ResponseError::WrongKind("a certificate revocation list")
    );
}

/// A ContentInfo holding a SignedData with `certs` and no signers, encoded by the `cms` crate.
fn signed_data_by_cms(
    version: cms::content_info::CmsVersion,
    econtent_type: ObjectIdentifier,
    econtent: Option<Any>,
    certs: &[Certificate],
) -> Vec<u8> {
    let mut set = SetOfVec::new();
    for c in certs {
        let decoded = x509_cert::Certificate::from_der(c.der()).unwrap();
        set.insert(cms::cert::CertificateChoices::Certificate(decoded))
            .unwrap();
    }
    let sd = SignedData {
        version,
        digest_algorithms: SetOfVec::new(),
        encap_content_info: cms::signed_data::EncapsulatedContentInfo {
            econtent_type,
            econtent,
        },
        certificates: Some(cms::signed_data::CertificateSet(set)),
        crls: None,
        signer_infos: cms::signed_data::SignerInfos(SetOfVec::new()),
    };
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&sd).unwrap(),
    }
    .to_der()
    .unwrap()
}

/// `certreq_pkix::cert::basic_constraints`, a walk of the DER kept out of x509-cert for the
/// web app's size, reads what x509-cert's `BasicConstraints` reads, and refuses what it refuses.
#[test]
fn basic_constraints_are_read_as_x509_cert_reads_them() {
    use x509_cert::ext::pkix::BasicConstraints;
    let cases: [&[u8]; 9] = [
        &[0x30, 0x00],
        &[0x30, 0x03, 0x01, 0x01, 0xff],
        &[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00],
        &[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x07],
        &[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x7f],
        &[0x30, 0x03, 0x02, 0x01, 0x03],
        // pathLen before cA, and a trailing byte: not basic constraints
        &[0x30, 0x06, 0x02, 0x01, 0x00, 0x01, 0x01, 0xff],
        &[0x30, 0x03, 0x01, 0x01, 0xff, 0x00],
        &[0x04, 0x00],
    ];
    for der in cases {
        let theirs = BasicConstraints::from_der(der)
            .ok()
            .map(|b| (b.ca, b.path_len_constraint.map(u64::from)));
        assert_eq!(
            certreq_pkix::cert::basic_constraints(der),
            theirs,
            "{der:02x?}"
        );
    }
}
