use super::*;
use certreq_pkix::alg::{Hash, SignatureScheme};
use certreq_pkix::cert::{
    CmcStatus, CmcStatusInfo, Response, ResponseKind, build_certs_only_pkcs7,
};
use certreq_request::encode::ClientInfo;
use certreq_testsupport::corpus_dir;
use certreq_testsupport::data_der as data;
use certreq_wire::{
    PFX_RANDOM_BYTES, RenewalInfQuery, ToSign, WireError, WrapJob, answer, doc_from_wire,
    dump_from_wire, one_certificate_from_wire, response_from_wire,
};

type Profile = PfxProfile;

fn job(profile: Profile) -> PfxJob {
    PfxJob {
        private_key_pkcs8: data("pfx-leaf.key"),
        leaf: data("pfx-leaf.crt"),
        chain: vec![data("pfx-ca.crt")],
        friendly_name: Some("web01 – Zertifikat".into()),
        password: "pässword".into(),
        profile,
        random: (0..PFX_RANDOM_BYTES).map(|i| i as u8).collect(),
    }
}

#[test]
fn every_corpus_dump_crosses_unchanged() {
    let mut n = 0;
    let data = certreq_testsupport::data_dir();
    for dir in [corpus_dir().join("req"), corpus_dir().join("resp"), data] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let direct = crossing_dump(dump::dump(&bytes).unwrap());
            let (status, answer) = serve(OP_DUMP, &bytes);
            assert_eq!(status, STATUS_OK, "{}", path.display());
            let crossed = dump_from_wire(&answer).unwrap();
            assert_eq!(crossed, direct, "{}", path.display());
            n += 1;
        }
    }
    assert!(n >= 20, "only {n} files");
}

#[test]
fn a_dump_failure_crosses_as_its_sentence() {
    let (status, answer) = serve(OP_DUMP, b"   ");
    assert_eq!(status, STATUS_FAILED);
    let why = answer_text(status, answer);
    assert_eq!(
        why,
        dump::dump(b"   ").unwrap_err().to_string(),
        "the user sees what dump itself says"
    );
}

fn answer_text(status: u32, bytes: Vec<u8>) -> String {
    answer(status, bytes).unwrap_err().0
}

#[test]
fn a_pfx_written_through_the_wire_is_the_one_pkcs12_writes() {
    for profile in [Profile::Modern, Profile::Legacy] {
        let job = job(profile);
        let wire = job.to_wire();
        assert_eq!(PfxJob::from_wire(&wire).unwrap(), job);
        let (status, pfx) = serve(OP_PFX, &wire);
        assert_eq!(status, STATUS_OK, "{}", String::from_utf8_lossy(&pfx));
        let back = pkcs12::read(&pfx, "pässword", pkcs12::MacPolicy::Required).unwrap();
        assert_eq!(
            back.private_key_pkcs8.as_ref().map(|k| k.as_slice()),
            Some(job.private_key_pkcs8.as_slice())
        );
        assert_eq!(
            back.certificates,
            vec![job.leaf.clone(), job.chain[0].clone()]
        );
        assert_eq!(back.friendly_name.as_deref(), Some("web01 – Zertifikat"));
        // the same bytes the direct call makes from the same random bytes
        let mut pool = job.random.as_slice();
        let chain = [job.chain[0].as_slice()];
        let direct = pkcs12::write(
            &pkcs12::PfxInput {
                private_key_pkcs8: &job.private_key_pkcs8,
                leaf: &job.leaf,
                chain: &chain,
                friendly_name: job.friendly_name.as_deref(),
            },
            &job.password,
            match profile {
                PfxProfile::Modern => pkcs12::Profile::Modern,
                PfxProfile::Legacy => pkcs12::Profile::Legacy,
            },
            &mut |buf: &mut [u8]| {
                let (head, tail) = pool.split_at(buf.len());
                buf.copy_from_slice(head);
                pool = tail;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(pfx, direct);
    }
}

#[test]
fn a_pfx_is_refused_rather_than_written_with_too_few_random_bytes() {
    let mut short = job(Profile::Modern);
    short.random.truncate(8);
    let (status, answer) = serve(OP_PFX, &short.to_wire());
    assert_eq!(status, STATUS_FAILED);
    assert!(answer_text(status, answer).contains("random bytes"));
}

#[test]
fn a_bad_key_is_reported_as_pkcs12_words_it() {
    let mut bad = job(Profile::Modern);
    bad.private_key_pkcs8 = vec![0x30, 0x00];
    let (status, answer) = serve(OP_PFX, &bad.to_wire());
    assert_eq!(status, STATUS_FAILED);
    assert!(answer_text(status, answer).starts_with("cannot write the PFX: "));
}

#[test]
fn malformed_questions_and_answers_are_refused_not_panicked_on() {
    let wire = job(Profile::Legacy).to_wire();
    for cut in 0..wire.len() {
        assert_eq!(
            PfxJob::from_wire(&wire[..cut]),
            Err(WireError),
            "cut at {cut}"
        );
        let (status, _) = serve(OP_PFX, &wire[..cut]);
        assert_eq!(status, STATUS_FAILED);
    }
    let mut longer = wire.clone();
    longer.push(0);
    assert_eq!(PfxJob::from_wire(&longer), Err(WireError));

    let dump = dump_to_wire(&crossing_dump(dump::dump(&data("pfx-leaf.crt")).unwrap()));
    for cut in 0..dump.len() {
        assert!(dump_from_wire(&dump[..cut]).is_err(), "cut at {cut}");
    }
    // a tree nested past any real DER: certreq-wire's own tests

    let (status, answer) = serve(99, b"");
    assert_eq!(status, STATUS_FAILED);
    assert!(answer_text(status, answer).contains("no operation 99"));
}

#[test]
fn every_corpus_response_crosses_unchanged_and_a_refusal_keeps_its_words() {
    let mut responses = 0;
    for dir in ["req", "resp"] {
        for entry in std::fs::read_dir(corpus_dir().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let (status, answer_bytes) = serve(OP_RESPONSE, &bytes);
            match response::parse(&bytes) {
                Ok(direct) => {
                    assert_eq!(status, STATUS_OK, "{}", path.display());
                    let crossed = response_from_wire(&answer_bytes).unwrap();
                    assert_eq!(crossed, direct, "{}", path.display());
                    responses += 1;
                }
                Err(e) => assert_eq!(answer_text(status, answer_bytes), e.to_string()),
            }
        }
    }
    assert!(responses >= 4, "only {responses} responses in the corpus");
    // and a .p7b with a chain, as the app exports it
    let leaf = response::certificate(&data("pfx-leaf.crt")).unwrap();
    let ca = response::certificate(&data("pfx-ca.crt")).unwrap();
    let p7b = build_certs_only_pkcs7([ca.der(), leaf.der()]);
    let (status, answer_bytes) = serve(OP_RESPONSE, &p7b);
    assert_eq!(status, STATUS_OK);
    let crossed = response_from_wire(&answer_bytes).unwrap();
    assert_eq!(crossed, response::parse(&p7b).unwrap());
    assert_eq!(crossed.certificates().len(), 2);
}

#[test]
fn a_cmc_status_crosses_whole() {
    let leaf = response::certificate(&data("pfx-leaf.crt")).unwrap();
    for status in [
        None,
        Some(CmcStatusInfo {
            status: CmcStatus::Failed,
            text: Some("Denied by Policy Module".into()),
            fail_info: Some(2),
        }),
        Some(CmcStatusInfo {
            status: CmcStatus::Other(42),
            text: None,
            fail_info: None,
        }),
    ] {
        let r = Response::from_parts(ResponseKind::CmcResponse, vec![leaf.clone()], status);
        assert_eq!(response_from_wire(&response_to_wire(&r)).unwrap(), r);
    }
    let wire = response_to_wire(&Response::from_parts(ResponseKind::Pkcs7, vec![leaf], None));
    for cut in 0..wire.len() {
        assert!(response_from_wire(&wire[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn a_certificate_crosses_with_every_fact_and_a_non_certificate_is_named() {
    for name in ["pfx-leaf.crt", "pfx-ca.crt"] {
        let der = data(name);
        let (status, answer) = serve(OP_CERTIFICATE, &der);
        assert_eq!(status, STATUS_OK, "{name}");
        let crossed = one_certificate_from_wire(&answer).unwrap();
        assert_eq!(crossed, response::certificate(&der).unwrap(), "{name}");
        assert!(one_certificate_from_wire(&answer[..answer.len() - 1]).is_err());
    }
    let leaf = response::certificate(&data("pfx-leaf.crt")).unwrap();
    let ca = response::certificate(&data("pfx-ca.crt")).unwrap();
    assert!(leaf.issued_by(&ca) && !ca.issued_by(&leaf) && ca.is_self_issued());
    let (status, answer) = serve(OP_CERTIFICATE, b"\x30\x03\x02\x01\x01");
    assert_eq!(status, STATUS_FAILED);
    assert!(answer_text(status, answer).starts_with("this is not a certificate ("));
}

#[test]
fn every_reference_page_crosses_whole_and_an_unknown_place_has_none() {
    let mut queries: Vec<DocQuery> = keydocs::keys()
        .map(|d| DocQuery {
            section: d.section.into(),
            key: Some(d.key.into()),
        })
        .collect();
    queries.extend(keydocs::sections().map(|d| DocQuery {
        section: d.name.into(),
        key: None,
    }));
    for q in &queries {
        let (status, answer) = serve(OP_DOC, &q.to_wire());
        assert_eq!(status, STATUS_OK);
        let page = doc_from_wire(&answer).unwrap();
        assert_eq!(page, super::page(q), "{q:?}");
        assert!(page.is_some(), "{q:?} has a page");
    }
    let key = DocQuery {
        section: "[newrequest]".into(),
        key: Some(" exportable ".into()),
    };
    let Some(DocPage::Key {
        section,
        key,
        acts_on,
        summary,
        ..
    }) = doc_from_wire(&serve(OP_DOC, &key.to_wire()).1).unwrap()
    else {
        panic!("a key page")
    };
    let doc = keydocs::lookup_in("NewRequest", "Exportable").unwrap();
    assert_eq!(
        (section.as_str(), key.as_str()),
        ("NewRequest", "Exportable")
    );
    assert_eq!(
        (acts_on.as_str(), summary.as_str()),
        (doc.effect.label(), doc.summary)
    );
    for unknown in [
        DocQuery {
            section: "NewRequest".into(),
            key: Some("Exportabel".into()),
        },
        DocQuery {
            section: "NoSuchSection".into(),
            key: None,
        },
    ] {
        let (status, answer) = serve(OP_DOC, &unknown.to_wire());
        assert_eq!((status, doc_from_wire(&answer).unwrap()), (STATUS_OK, None));
    }
    let wire = doc_to_wire(super::page(&queries[0]).as_ref());
    for cut in 0..wire.len() {
        assert!(doc_from_wire(&wire[..cut]).is_err(), "cut at {cut}");
    }
    assert!(DocQuery::from_wire(&[1, 0, 0]).is_err());
}

#[test]
fn a_cmc_request_made_in_two_questions_is_the_one_made_directly() {
    use certreq_testsupport::{rsa_key, rsa_sign};
    use rsa::pkcs8::EncodePublicKey;
    let inf =
        "[NewRequest]\nSubject = \"CN=wire.example\"\nRequestType = CMC\nHashAlgorithm = SHA384\n";
    let req = certreq_request::compile(inf).request.unwrap();
    let key = rsa_key();
    let spki = key.to_public_key().to_public_key_der().unwrap().to_vec();
    let unsigned = certreq_request::encode::prepare(&req, &spki, &ClientInfo::example()).unwrap();
    let pkcs10 = unsigned
        .finish(&rsa_sign(
            &key,
            Hash::Sha384.web_crypto_name(),
            &unsigned.to_be_signed,
        ))
        .unwrap();
    // the app's way: ask for the bytes to sign, sign, ask again with the signature
    let mut job = CmcJob {
        pkcs10: pkcs10.clone(),
        spki: spki.clone(),
        scheme: req.signature,
        signature: None,
    };
    assert_eq!(CmcJob::from_wire(&job.to_wire()), Ok(job.clone()));
    let (status, to_be_signed) = serve(OP_CMC, &job.to_wire());
    assert_eq!(status, STATUS_OK);
    job.signature = Some(rsa_sign(
        &key,
        Hash::Sha384.web_crypto_name(),
        &to_be_signed,
    ));
    assert_eq!(CmcJob::from_wire(&job.to_wire()), Ok(job.clone()));
    let (status, cmc) = serve(OP_CMC, &job.to_wire());
    assert_eq!(status, STATUS_OK);
    // the direct way
    let content = cmc::wrap(&pkcs10, &spki, req.signature).unwrap();
    let digest = Hash::Sha384.digest(&content.pki_data);
    let direct = content.prepare(&digest).unwrap();
    assert_eq!(direct.to_be_signed, to_be_signed);
    assert_eq!(direct.finish(job.signature.as_ref().unwrap()).unwrap(), cmc);
    let read = certreq_pkix::cmc::read(&cmc).unwrap();
    assert_eq!(read.request, pkcs10.as_slice());
    assert!(read.verify_digest());
    // every scheme crosses; a malformed job is refused, not guessed at
    for scheme in [
        SignatureScheme::RsaPss(Hash::Sha512),
        SignatureScheme::Ecdsa(Hash::Sha256),
        SignatureScheme::RsaPkcs1(Hash::Sha1),
    ] {
        let j = CmcJob {
            scheme,
            ..job.clone()
        };
        assert_eq!(CmcJob::from_wire(&j.to_wire()).unwrap().scheme, scheme);
    }
    let wire = job.to_wire();
    assert!(CmcJob::from_wire(&wire[..wire.len() - 1]).is_err());
    let (status, why) = serve(OP_CMC, b"nonsense");
    assert_eq!(
        (status, answer_text(status, why).is_empty()),
        (STATUS_FAILED, false)
    );
}

/// What the app asks about enrolling, asked through bytes as the app asks it and checked
/// against the steps asked directly.
#[test]
fn enrollment_steps_cross_as_the_steps_answer_them() {
    use certreq_wire::enroll::{Action, Answer, Next, Protocol, Start, read_to_wire};
    let leaf = data("pfx-leaf.crt");
    let starts = [
        Start {
            protocol: Protocol::AdCs,
            url: "https://ca.example/certsrv".into(),
            attrib: "CertificateTemplate:WebServer".into(),
            action: Action::Submit {
                request: b"\x30\x03\x02\x01\x00".to_vec(),
            },
        },
        Start {
            protocol: Protocol::AdCs,
            url: "https://ca.example/certsrv".into(),
            attrib: String::new(),
            action: Action::Retrieve {
                request_id: Some(17),
                request: None,
            },
        },
        Start {
            protocol: Protocol::Est,
            url: "https://ca.example/.well-known/est".into(),
            attrib: String::new(),
            action: Action::Submit {
                request: b"\x30\x03\x02\x01\x00".to_vec(),
            },
        },
        Start {
            protocol: Protocol::Est,
            url: "not a url".into(),
            attrib: String::new(),
            action: Action::Retrieve {
                request_id: None,
                request: None,
            },
        },
    ];
    for start in starts {
        assert_eq!(Start::from_wire(&start.to_wire()), Ok(start.clone()));
        let (status, bytes) = serve(OP_ENROLL_START, &start.to_wire());
        assert_eq!(status, STATUS_OK);
        let crossed = Next::from_wire(&bytes).unwrap();
        let direct = crossing_next(steps::start(&engine_start(start)));
        assert_eq!(crossed, direct);
        let Next::Send(request) = crossed else {
            continue;
        };
        for answer in [
            Answer {
                status: 200,
                content_type: "application/pkix-cert".into(),
                retry_after: String::new(),
                body: leaf.clone(),
            },
            Answer {
                status: 202,
                content_type: String::new(),
                retry_after: "60".into(),
                body: Vec::new(),
            },
            Answer {
                status: 200,
                content_type: "text/html".into(),
                retry_after: String::new(),
                body: b"<html>Your Request Id is 42.</html>".to_vec(),
            },
        ] {
            let question = read_to_wire(&request.state, &request.url, &answer);
            let (status, bytes) = serve(OP_ENROLL_READ, &question);
            assert_eq!(status, STATUS_OK);
            let direct = crossing_next(steps::read(
                &request.state,
                &request.url,
                &engine_answer(answer),
            ));
            assert_eq!(Next::from_wire(&bytes).unwrap(), direct);
        }
    }
    let (status, _) = serve(OP_ENROLL_START, b"\x01");
    assert_eq!(status, STATUS_FAILED);
    let (status, _) = serve(OP_ENROLL_READ, b"\x00\x00");
    assert_eq!(status, STATUS_FAILED);
}

#[test]
fn a_pfx_opens_through_the_wire_with_its_key_and_certificates() {
    use certreq_wire::{PfxImport, PfxOpened};
    let job = job(Profile::Modern);
    let (status, pfx) = serve(OP_PFX, &job.to_wire());
    assert_eq!(status, STATUS_OK);
    let import = PfxImport {
        pfx,
        password: job.password.clone(),
    };
    assert_eq!(PfxImport::from_wire(&import.to_wire()), Ok(import.clone()));
    let (status, answer) = serve(OP_PFX_READ, &import.to_wire());
    assert_eq!(status, STATUS_OK);
    let opened = PfxOpened::from_wire(&answer).unwrap();
    assert_eq!(opened.private_key_pkcs8, job.private_key_pkcs8);
    assert_eq!(
        pkcs8_key_algorithm(&job.private_key_pkcs8),
        Some(opened.key)
    );
    assert_eq!(opened.certificate.der(), job.leaf.as_slice());
    assert_eq!(opened.issuers, job.chain);
    assert_eq!(Some(opened.friendly_name.clone()), job.friendly_name);
    assert_eq!(PfxOpened::from_wire(&opened.to_wire()), Ok(opened));
    let wrong = PfxImport {
        password: "not it".into(),
        ..import
    };
    let (status, why) = serve(OP_PFX_READ, &wrong.to_wire());
    assert_eq!(status, STATUS_FAILED);
    assert_eq!(
        answer_text(status, why),
        "the password is wrong: the PFX integrity check (MAC) does not verify"
    );
}

/// A PFX of `keys` (each with id `[i]`) and `certificates` in that order, as Java's keytool
/// writes a store where another party's certificate came first.
fn bundle_pfx(keys: &[&[u8]], certificates: &[&[u8]]) -> Vec<u8> {
    let ids: Vec<[u8; 1]> = (0..keys.len()).map(|i| [i as u8]).collect();
    let keys: Vec<pkcs12::BundleKey<'_>> = keys
        .iter()
        .zip(&ids)
        .map(|(k, id)| pkcs12::BundleKey {
            pkcs8: k,
            local_key_id: id,
            friendly_name: None,
        })
        .collect();
    let certificates: Vec<pkcs12::BundleCert<'_>> = certificates
        .iter()
        .map(|c| pkcs12::BundleCert {
            der: c,
            local_key_id: None,
            friendly_name: None,
        })
        .collect();
    let bundle = pkcs12::Bundle {
        keys: &keys,
        certificates: &certificates,
        data: None,
    };
    let mut n = 0u8;
    pkcs12::write_bundle(&bundle, "pw", pkcs12::Profile::Modern, &mut |buf| {
        for b in buf {
            n = n.wrapping_add(1);
            *b = n;
        }
        Ok(())
    })
    .unwrap()
}

fn open(pfx: Vec<u8>) -> Result<certreq_wire::PfxOpened, String> {
    let import = certreq_wire::PfxImport {
        pfx,
        password: "pw".into(),
    };
    let (status, answer) = serve(OP_PFX_READ, &import.to_wire());
    if status == STATUS_OK {
        Ok(certreq_wire::PfxOpened::from_wire(&answer).unwrap())
    } else {
        Err(answer_text(status, answer))
    }
}

/// An end-entity certificate for another key (a real AD CS answer from the corpus).
fn someone_elses_certificate() -> Vec<u8> {
    let text = std::fs::read(corpus_dir().join("resp/002-hvasudeva-certnew-cer.cer")).unwrap();
    let r = response::parse(&text).unwrap();
    let c = &r.certificates()[0];
    assert!(!c.is_ca());
    c.der().to_vec()
}

#[test]
fn a_pfx_import_takes_the_certificate_for_its_key_wherever_it_is() {
    let (key, leaf, ca) = (
        data("pfx-leaf.key"),
        data("pfx-leaf.crt"),
        data("pfx-ca.crt"),
    );
    let other = someone_elses_certificate();
    // another party's certificate first, as a Java keystore may hold it
    let opened = open(bundle_pfx(&[&key], &[&other, &leaf, &ca])).unwrap();
    assert_eq!(opened.certificate.der(), leaf.as_slice());
    assert_eq!(opened.issuers, vec![ca.clone()]);
    // a key with no certificate of its own in the file is refused, not paired with another
    assert_eq!(
        open(bundle_pfx(&[&key], &[&other, &ca])).unwrap_err(),
        "none of the PFX's 2 certificates is for its private key"
    );
    assert_eq!(
        open(bundle_pfx(&[&key], &[&other])).unwrap_err(),
        "the PFX's certificate is not for its private key"
    );
    // two keys: refused, not the first taken and the second dropped
    let p256 = base64(P256_PKCS8);
    let why = open(bundle_pfx(&[&key, &p256], &[&leaf, &ca])).unwrap_err();
    assert!(why.starts_with("this PFX holds 2 private keys"), "{why}");
}

#[test]
fn a_private_keys_public_half_is_what_openssl_puts_in_its_certificate() {
    let Some(openssl) = certreq_testsupport::tool("openssl") else {
        return;
    };
    let dir = certreq_testsupport::scratch_dir("tools-pkcs8-public");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(&openssl)
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    for (name, newkey) in [
        ("rsa", &["-newkey", "rsa:2048"][..]),
        (
            "p256",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
        ),
        (
            "p521",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521"][..],
        ),
    ] {
        let (key, cert) = (format!("{name}.key"), format!("{name}.crt"));
        let mut args = vec!["req", "-x509", "-nodes", "-subj", "/CN=t", "-keyout", &key];
        args.extend(newkey);
        args.extend(["-outform", "DER", "-out", &cert]);
        run(&args);
        let der_key = format!("{name}.pk8");
        run(&[
            "pkcs8", "-topk8", "-nocrypt", "-in", &key, "-outform", "DER", "-out", &der_key,
        ]);
        let key = std::fs::read(dir.join(der_key)).unwrap();
        let cert = response::certificate(&std::fs::read(dir.join(cert)).unwrap()).unwrap();
        assert_eq!(
            pkcs8_public_bits(&key).as_deref(),
            certreq_pkix::spki::SpkiParts::read(cert.spki_der()).map(|p| p.bit_string),
            "{name}"
        );
    }
}

#[test]
fn a_pfx_without_a_mac_does_not_open_in_the_app() {
    use certreq_wire::PfxImport;
    use der::{Decode, Encode, asn1::Any};
    let job = job(Profile::Legacy);
    let (status, pfx) = serve(OP_PFX, &job.to_wire());
    assert_eq!(status, STATUS_OK);
    // the same file without its MacData: it opens only for a caller that allows that, and
    // the app never does
    let mut items = Vec::<Any>::from_der(&pfx).unwrap();
    items.pop();
    let bare = items.to_der().unwrap();
    assert!(pkcs12::read(&bare, &job.password, pkcs12::MacPolicy::AllowMissing).is_ok());
    let import = PfxImport {
        pfx: bare,
        password: job.password.clone(),
    };
    let (status, why) = serve(OP_PFX_READ, &import.to_wire());
    let why = answer_text(status, why);
    assert!(
        why.starts_with("this PFX has no integrity check (MAC)")
            && why.contains("openssl pkcs12 -export"),
        "{why}"
    );
}

/// Test keys made for these tests only (`openssl genpkey -algorithm EC -pkeyopt
/// ec_paramgen_curve:P-256`, and P-384), as base64 PKCS #8.
const P256_PKCS8: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIb8m0O1c5HwxUhug\
                          v0O9PP6A3SMs+9sBwkQbcpHFbg6hRANCAAR+8CjQqXEBkx8gXcbFPWPsFr6VCTYK\
                          W7YZdczV01gAcukar7jr3xH+ZSDLi3X7BtYAcsi2pbynRlKsYVYGf/e1";
const P384_PKCS8: &str = "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDCXMmIvt4lghdbxKbdP\
                          40j9nPVRv7AGOPTiIBifR5yxdILqPhFv44jaPtSS7ZPxPfWhZANiAART26lyt+rh\
                          Wzkh5MekFSzRzoE79JutxzwaluwUE2sBwdEnSmWE7qALKMUDVtzhUkUu6O2YyfDL\
                          +NIo2r2edchF82wTVWcwGMP29/3J9dMufp5NdvSdONrdPWIYyGBUkRI=";

fn base64(text: &str) -> Vec<u8> {
    use base64ct::Encoding;
    base64ct::Base64::decode_vec(text).unwrap()
}

#[test]
fn a_pkcs8_key_says_what_kind_of_key_it_is_before_it_crosses() {
    let rsa = certreq_pkix::pem::read(include_bytes!(
        "../../../../tests/data/test-rsa-2048.pk8.pem"
    ))
    .unwrap()
    .remove(0)
    .der;
    assert_eq!(
        pkcs8_key_algorithm(&rsa),
        Some(KeyAlgorithm::Rsa { bits: 2048 })
    );
    assert_eq!(
        pkcs8_key_algorithm(&base64(P256_PKCS8)),
        Some(KeyAlgorithm::Ecdsa(Curve::P256))
    );
    assert_eq!(
        pkcs8_key_algorithm(&base64(P384_PKCS8)),
        Some(KeyAlgorithm::Ecdsa(Curve::P384))
    );
    // a certificate, a cut key, nothing: not a key
    let cert = data("pfx-leaf.crt");
    assert_eq!(pkcs8_key_algorithm(&cert), None);
    assert_eq!(pkcs8_key_algorithm(&rsa[..rsa.len() / 2]), None);
    assert_eq!(pkcs8_key_algorithm(&[]), None);
}

/// The app shows the steps' failures in words that say what to do in a browser.
#[test]
fn enrollment_failures_are_worded_for_the_browser() {
    use certreq_enroll::steps::Failure;
    let url = "https://ca.example/certsrv/certfnsh.asp".to_string();
    let http = |status| Failure::Http {
        url: url.clone(),
        status,
        summary: "Server Error".into(),
    };
    for (failure, start) in [
        (
            http(401),
            format!("the CA at {url} asks for a sign-in (HTTP 401)"),
        ),
        (
            http(403),
            format!("the CA at {url} refused this request (HTTP 403)"),
        ),
        (http(404), format!("nothing at {url} (HTTP 404)")),
        (
            http(500),
            format!("the CA at {url} answered HTTP 500: Server Error"),
        ),
        (
            Failure::WrongProtocol { est: true },
            "this URL is an EST endpoint (/.well-known/est); choose EST as the kind".into(),
        ),
        (
            Failure::NoRequestToResend,
            "EST has no request ids; retrieve the pending entry itself, whose request is sent again".into(),
        ),
    ] {
        let certreq_wire::enroll::Next::Failed { message } =
            crossing_next(steps::Next::Failed(failure))
        else {
            panic!("a failure crosses as a failure")
        };
        assert!(message.starts_with(&start), "{message}");
    }
}

fn explained(text: &str, est_status: Option<u16>) -> Option<ca::Explanation> {
    let q = ca::ExplainQuery {
        text: text.into(),
        code: None,
        est_status,
    };
    let (status, bytes) = serve(OP_EXPLAIN, &q.to_wire());
    assert_eq!(status, STATUS_OK);
    ca::explanation_from_wire(&bytes).unwrap()
}

#[test]
fn a_refusal_is_explained_by_its_code_its_http_status_or_the_sign_in_asked() {
    let e = explained(
        "Denied by Policy Module  0x80094012, The permissions on the certificate template do \
         not allow the current user to enroll for this type of certificate.",
        None,
    )
    .unwrap();
    assert!(e.code.contains("CERTSRV_E_TEMPLATE_DENIED"), "{e:?}");
    assert!(!e.action.is_empty());
    // EST's status, named in the steps' sentence
    let e = explained(
        "the CA at https://ca/x answered HTTP 404: no such label",
        None,
    )
    .unwrap();
    assert_eq!(e.code, "HTTP 404");
    // a 401 whose challenge is Negotiate: what the user and the administrator can do
    let e = explained(
        "the CA at https://ca/certsrv answered HTTP 401: \nWWW-Authenticate: Negotiate",
        Some(401),
    )
    .unwrap();
    assert_eq!(e.code, "HTTP 401 (Negotiate)");
    assert!(e.action.contains("AuthServerAllowlist"), "{e:?}");
    assert!(e.action.contains("Administrator"), "{e:?}");
    let e = explained("answered HTTP 401", Some(401)).unwrap();
    assert_eq!(e.code, "HTTP 401");
    // a scheme no browser answers: named, beside the ones browsers do answer
    let e = explained(
        "answered HTTP 401: \nWWW-Authenticate: Bearer realm=\"ca\"",
        Some(401),
    )
    .unwrap();
    assert_eq!(e.code, "HTTP 401 (Bearer)");
    assert!(
        e.meaning.contains("only Basic, Digest, NTLM and Negotiate"),
        "{e:?}"
    );
    assert!(
        e.action.contains("Administrator: allow Basic over HTTPS"),
        "{e:?}"
    );
    assert_eq!(
        explained("the page is not a Web Enrollment page", None),
        None
    );
}

/// A PKCS #7 renewal made the app's way (what to sign, then the old key's signature) is the
/// one the engine makes directly: the old certificate included, the signer named by its
/// issuer and serial, the signature over the PKCS #10 itself, by the old key.
#[test]
fn a_renewal_made_in_two_questions_is_signed_by_the_old_certificate() {
    use certreq_testsupport::{rsa_key, rsa_sign};
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    let old = data("pfx-leaf.crt");
    let old_key = rsa::PrivateKey::from_pkcs8_der(&data("pfx-leaf.key")).unwrap();
    let inf = "[NewRequest]\nSubject = \"CN=renew.example\"\nRequestType = PKCS7\n\
               RenewalCert = 00\n";
    let req = certreq_request::compile_for(inf, certreq_request::Builds::APP)
        .request
        .unwrap();
    let key = rsa_key();
    let spki = key.to_public_key().to_public_key_der().unwrap().to_vec();
    let additions = certreq_request::encode::Additions {
        renewal_certificate: Some(&old),
    };
    let unsigned =
        certreq_request::encode::prepare_with(&req, &spki, &ClientInfo::example(), &additions)
            .unwrap();
    let pkcs10 = unsigned
        .finish(&rsa_sign(&key, "SHA-256", &unsigned.to_be_signed))
        .unwrap();
    let mut job = WrapJob {
        pkcs10: pkcs10.clone(),
        cert: old.clone(),
        hash: Hash::Sha256,
        pss: false,
        requester_name: None,
        cmc: None,
        signatures: Vec::new(),
    };
    assert_eq!(WrapJob::from_wire(&job.to_wire()), Ok(job.clone()));
    let (status, first) = serve(OP_WRAP, &job.to_wire());
    assert_eq!(status, STATUS_OK, "{}", String::from_utf8_lossy(&first));
    let ToSign(to_sign) = ToSign::from_wire(&first).unwrap();
    assert_eq!(to_sign.len(), 1, "the old key alone signs");
    assert_eq!(to_sign[0].0, SignatureScheme::RsaPkcs1(Hash::Sha256));
    // no signed attributes: the old key signs the PKCS #10 itself
    assert_eq!(to_sign[0].1, pkcs10);
    job.signatures = vec![rsa_sign(&old_key, "SHA-256", &to_sign[0].1)];
    let (status, p7) = serve(OP_WRAP, &job.to_wire());
    assert_eq!(status, STATUS_OK);
    let direct = certreq_request::pkcs7::renewal(&pkcs10, &old, Hash::Sha256)
        .unwrap()
        .prepare(|h, b| h.digest(b))
        .unwrap()
        .finish(&job.signatures)
        .unwrap();
    assert_eq!(direct, p7);
    assert!(p7.windows(pkcs10.len()).any(|w| w == pkcs10.as_slice()));
    // an old key the browser holds as RSA-PSS signs with PSS, and the signer is named so
    job.pss = true;
    job.signatures = Vec::new();
    let (status, first) = serve(OP_WRAP, &job.to_wire());
    assert_eq!(status, STATUS_OK, "{}", String::from_utf8_lossy(&first));
    let ToSign(to_sign) = ToSign::from_wire(&first).unwrap();
    assert_eq!(to_sign[0].0, SignatureScheme::RsaPss(Hash::Sha256));
    job.signatures = vec![vec![0x5a; 256]];
    let (status, p7) = serve(OP_WRAP, &job.to_wire());
    assert_eq!(status, STATUS_OK);
    let pss = SignatureScheme::RsaPss(Hash::Sha256).algorithm_identifier_der();
    assert!(p7.windows(pss.len()).any(|w| w == pss.as_slice()));
    // a job that is not a renewal is refused with the reason
    job.cert = b"not a certificate".to_vec();
    let (status, why) = serve(OP_WRAP, &job.to_wire());
    assert_eq!(status, STATUS_FAILED);
    assert!(answer_text(status, why).contains("renewal"));
}

/// On behalf of another user (PKCS #7 and CMC) and a CMC renewal, made the app's way: the
/// signers and their order, what each signs, and the request is the one the engine makes
/// directly with the same signatures; the requester name is in it.
#[test]
#[allow(
    clippy::needless_update,
    reason = "the archived key's field exists only with `lifecycle`"
)]
fn requests_on_behalf_of_others_and_cmc_renewals_are_the_engines() {
    use certreq_pkix::alg::SignatureScheme as S;
    use certreq_request::{cmc, pkcs7};
    use certreq_testsupport::{rsa_key, rsa_sign};
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    let agent = data("pfx-leaf.crt");
    let agent_key = rsa::PrivateKey::from_pkcs8_der(&data("pfx-leaf.key")).unwrap();
    let key = rsa_key();
    let spki = key.to_public_key().to_public_key_der().unwrap().to_vec();
    let req = certreq_request::compile("[NewRequest]\nSubject = \"CN=bob\"\n")
        .request
        .unwrap();
    let unsigned = certreq_request::encode::prepare(&req, &spki, &ClientInfo::example()).unwrap();
    let pkcs10 = unsigned
        .finish(&rsa_sign(&key, "SHA-256", &unsigned.to_be_signed))
        .unwrap();
    let scheme = S::RsaPkcs1(Hash::Sha256);
    let name = "CONTOSO\\bob";
    let agent_signer = || cmc::CertSigner::new(&agent, Hash::Sha256, "agent").unwrap();
    let cases = [
        (
            Some(name),
            false,
            pkcs7::on_behalf_of(&pkcs10, &agent, name, Hash::Sha256).unwrap(),
        ),
        (
            Some(name),
            true,
            cmc::wrap_with(
                &pkcs10,
                &spki,
                scheme,
                &cmc::Extras {
                    requester_name: Some(name),
                    cosigners: vec![agent_signer()],
                    ..cmc::Extras::default()
                },
            )
            .unwrap(),
        ),
        (
            None,
            true,
            cmc::wrap_with(
                &pkcs10,
                &spki,
                scheme,
                &cmc::Extras {
                    cosigners: vec![agent_signer()],
                    ..cmc::Extras::default()
                },
            )
            .unwrap(),
        ),
    ];
    for (requester_name, is_cmc, content) in cases {
        let mut job = WrapJob {
            pkcs10: pkcs10.clone(),
            cert: agent.clone(),
            hash: Hash::Sha256,
            pss: false,
            requester_name: requester_name.map(str::to_owned),
            cmc: is_cmc.then(|| (spki.clone(), scheme)),
            signatures: Vec::new(),
        };
        assert_eq!(WrapJob::from_wire(&job.to_wire()), Ok(job.clone()));
        let (status, first) = serve(OP_WRAP, &job.to_wire());
        assert_eq!(status, STATUS_OK, "{}", String::from_utf8_lossy(&first));
        let ToSign(to_sign) = ToSign::from_wire(&first).unwrap();
        let direct = content.prepare(|h, b| h.digest(b)).unwrap();
        assert_eq!(to_sign, direct.to_be_signed);
        // CMC: the request's key first, then the certificate's; PKCS #7: the agent's alone
        let keys: Vec<&rsa::PrivateKey> = if is_cmc {
            vec![&key, &agent_key]
        } else {
            vec![&agent_key]
        };
        assert_eq!(to_sign.len(), keys.len());
        job.signatures = to_sign
            .iter()
            .zip(&keys)
            .map(|((_, bytes), k)| rsa_sign(k, "SHA-256", bytes))
            .collect();
        let (status, der) = serve(OP_WRAP, &job.to_wire());
        assert_eq!(status, STATUS_OK, "{}", String::from_utf8_lossy(&der));
        assert_eq!(der, direct.finish(&job.signatures).unwrap());
        let bmp: Vec<u8> = name.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let url = b"RequesterName=CONTOSO%5Cbob&";
        let named = der.windows(bmp.len()).any(|w| w == bmp.as_slice())
            || der.windows(url.len()).any(|w| w == url.as_slice());
        assert_eq!(
            named,
            requester_name.is_some(),
            "{requester_name:?} {is_cmc}"
        );
    }
}

/// Renew opens an INF read from the certificate: its subject, its key's type and size,
/// PKCS7 naming it by thumbprint; the same key asks for UseExistingKeySet. The app's
/// lowering takes it as a renewal, with no error and no "not built" warning.
#[test]
fn the_renewal_inf_is_read_from_the_certificate_and_lowers_to_a_renewal() {
    let old = data("pfx-leaf.crt");
    let thumb = certreq_read::response::certificate(&old)
        .unwrap()
        .thumbprint_sha1();
    for same_key in [true, false] {
        let q = RenewalInfQuery {
            certificate: old.clone(),
            same_key,
            binding: None,
            exportable: false,
        };
        assert_eq!(RenewalInfQuery::from_wire(&q.to_wire()), Ok(q.clone()));
        let (status, text) = serve(OP_RENEWAL_INF, &q.to_wire());
        assert_eq!(status, STATUS_OK);
        let text = String::from_utf8(text).unwrap();
        assert!(text.contains("Subject = \"CN=pfx-test.example\""), "{text}");
        assert!(text.contains("KeyLength = 2048"), "{text}");
        assert_eq!(
            text.contains("UseExistingKeySet = TRUE"),
            same_key,
            "{text}"
        );
        let c = certreq_request::compile_for(&text, certreq_request::Builds::APP);
        assert!(
            c.diagnostics
                .iter()
                .all(|d| format!("{:?}", d.severity) != "Error" && d.code != "wrapper-not-built"),
            "{:#?}",
            c.diagnostics
        );
        let r = c.request.unwrap();
        assert_eq!(r.renewal_cert.as_deref(), Some(thumb.as_str()));
        assert_eq!(r.key.use_existing, same_key);
    }
    let (status, why) = serve(
        OP_RENEWAL_INF,
        &RenewalInfQuery {
            certificate: b"x".to_vec(),
            same_key: true,
            binding: None,
            exportable: false,
        }
        .to_wire(),
    );
    assert!(answer_text(status, why).contains("not a certificate"));
}

/// What the old key says and its certificate cannot: an RSA key bound to SHA-384 or to PSS
/// renews with that hash and scheme, and a new key is exportable when the old one was.
#[test]
fn the_renewal_inf_carries_the_old_keys_hash_pss_and_exportable() {
    use certreq_request::model::{Hash, SignatureScheme};
    let old = data("pfx-leaf.crt");
    let cases = [
        (Some(SignatureScheme::RsaPkcs1(Hash::Sha384)), false, true),
        (Some(SignatureScheme::RsaPss(Hash::Sha512)), true, true),
        (Some(SignatureScheme::RsaPkcs1(Hash::Sha256)), false, false),
        (None, false, true),
    ];
    for (binding, same_key, exportable) in cases {
        let q = RenewalInfQuery {
            certificate: old.clone(),
            same_key,
            binding,
            exportable,
        };
        assert_eq!(RenewalInfQuery::from_wire(&q.to_wire()), Ok(q.clone()));
        let (status, text) = serve(OP_RENEWAL_INF, &q.to_wire());
        assert_eq!(status, STATUS_OK);
        let text = String::from_utf8(text).unwrap();
        let c = certreq_request::compile_for(&text, certreq_request::Builds::APP);
        let r = c
            .request
            .unwrap_or_else(|| panic!("{text}\n{:#?}", c.diagnostics));
        let want = binding.unwrap_or(SignatureScheme::RsaPkcs1(Hash::Sha256));
        assert_eq!(r.signature, want, "{text}");
        assert_eq!(r.key.exportable, exportable && !same_key, "{text}");
    }
}

/// `OP_TEMPLATE_CHECK`'s findings, through the wire both ways.
fn checked(inf: &str, template: Option<&str>, facts: ca::TemplateFacts) -> Vec<ca::Finding> {
    let q = ca::TemplateCheck {
        inf: inf.into(),
        template: template.map(str::to_owned),
        facts: facts.to_wire(),
    };
    let (status, answer) = serve(OP_TEMPLATE_CHECK, &q.to_wire());
    assert_eq!(status, STATUS_OK);
    ca::findings_from_wire(&answer).unwrap()
}

#[test]
fn a_template_finding_names_the_ca_template_and_the_inf_place_it_is_about() {
    let inf = "[NewRequest]\nSubject = \"CN=x\"\nKeyLength = 2048\n\n\
               [RequestAttributes]\nCertificateTemplate = Web Server\n";
    let offered = ca::TemplateFacts {
        offered: Some(vec![ca::TemplateOffer {
            name: "WebServer".into(),
            display: "Web Server".into(),
        }]),
        ..ca::TemplateFacts::default()
    };
    // the INF's own template, not offered: the message names it, at its value
    let found = checked(inf, None, offered.clone());
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(
        (f.severity.as_str(), f.code.as_str()),
        ("warning", "template-not-offered")
    );
    assert!(f.message.contains("`Web Server`"), "{}", f.message);
    assert_eq!(&inf[f.start as usize..f.end as usize], "Web Server");
    // the template chosen beside the INF wins, and an offered one draws nothing
    assert!(checked(inf, Some("WebServer"), offered.clone()).is_empty());
    // what the app reads of the facts' bytes without a reader of the rest
    assert_eq!(ca::offered_of(&offered.to_wire()).unwrap(), offered.offered);
    let page =
        b"<select name=lbCertTemplate><option value=\"E;WebServer;x\">Web Server</option></select>";
    let (status, answer) = serve(OP_TEMPLATE_LIST, page);
    assert_eq!(status, STATUS_OK);
    assert_eq!(
        ca::TemplateFacts::from_wire(&answer).unwrap(),
        offered,
        "the list answers facts"
    );
    // EST: the CSR attributes' wish, named with the label, at the KeyLength line
    let est = ca::TemplateFacts {
        key: Some(ca::KeyAsked::Rsa { bits: Some(3072) }),
        ..ca::TemplateFacts::default()
    };
    assert_eq!(ca::offered_of(&est.to_wire()).unwrap(), None);
    let found = checked(inf, Some("StrongKey"), est);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].message.starts_with(
            "EST CSR attributes of `StrongKey`: the server asks for an RSA key of 3072"
        ),
        "{}",
        found[0].message
    );
    assert_eq!(&inf[found[0].start as usize..found[0].end as usize], "2048");
}

mod store_backup {
    use super::*;
    use certreq_wire::PfxImport;
    use certreq_wire::backup::{
        BACKUP_MAGIC, BackupCa, BackupEntry, BackupJob, BackupKey, BackupOpened, BackupState,
        backup_random_bytes,
    };

    fn entry(id: &str, key: BackupKey) -> BackupEntry {
        BackupEntry {
            id: id.into(),
            friendly_name: format!("{id} – Schlüssel 🔑"),
            created_ms: 1_700_000_000_123.0,
            inf: "[NewRequest]\nSubject = \"CN=x\"\n".into(),
            state: BackupState::Pending,
            container: None,
            certificate: None,
            chain: Vec::new(),
            request: vec![0x30, 0x00],
            request_id: None,
            renews: None,
            ca: None,
            spki: vec![0x30, 0x01, 0x00],
            key,
        }
    }

    fn pkcs8(der: Vec<u8>) -> BackupKey {
        BackupKey::Pkcs8 {
            der,
            algorithm: None,
        }
    }

    /// An issued entry with its exportable key, certificate and chain; a pending one with
    /// its exportable key and the CA's request id; an issued one whose key cannot leave the
    /// browser.
    fn job() -> BackupJob {
        let entries = vec![
            BackupEntry {
                state: BackupState::Issued,
                certificate: Some(data("pfx-leaf.crt")),
                chain: vec![data("pfx-ca.crt")],
                renews: Some("old".into()),
                ..entry("issued", pkcs8(data("pfx-leaf.key")))
            },
            BackupEntry {
                container: Some("web-key".into()),
                request_id: Some(u64::from(u32::MAX) + 7),
                ca: Some(BackupCa {
                    protocol: "certsrv".into(),
                    url: "https://ca.example.com/certsrv/".into(),
                }),
                ..entry("pending", pkcs8(base64(P256_PKCS8)))
            },
            BackupEntry {
                state: BackupState::Issued,
                certificate: Some(data("pfx-ca.crt")),
                ..entry("locked", BackupKey::Kept)
            },
        ];
        BackupJob {
            entries,
            password: "pässword".into(),
            random: (0..backup_random_bytes(2)).map(|i| i as u8).collect(),
        }
    }

    fn open(file: &[u8], password: &str) -> Result<BackupOpened, String> {
        let q = PfxImport {
            pfx: file.to_vec(),
            password: password.into(),
        };
        let (status, bytes) = serve(OP_BACKUP_READ, &q.to_wire());
        answer(status, bytes)
            .map(|b| BackupOpened::from_wire(&b).unwrap())
            .map_err(|e| e.0)
    }

    fn written(job: &BackupJob) -> Vec<u8> {
        assert_eq!(BackupJob::from_wire(&job.to_wire()).as_ref(), Ok(job));
        let (status, file) = serve(OP_BACKUP, &job.to_wire());
        assert_eq!(status, STATUS_OK, "{}", String::from_utf8_lossy(&file));
        file
    }

    #[test]
    fn a_backup_gives_back_every_entry_and_exportable_key_and_no_locked_one() {
        let job = job();
        let file = written(&job);
        let opened = open(&file, "pässword").unwrap();
        let mut expected = job.entries.clone();
        expected[0].key = BackupKey::Pkcs8 {
            der: data("pfx-leaf.key"),
            algorithm: Some(KeyAlgorithm::Rsa { bits: 2048 }),
        };
        expected[1].key = BackupKey::Pkcs8 {
            der: base64(P256_PKCS8),
            algorithm: Some(KeyAlgorithm::Ecdsa(Curve::P256)),
        };
        assert_eq!(opened.entries, expected);
        assert_eq!(BackupOpened::from_wire(&opened.to_wire()), Ok(opened));
        // the file is a PFX: two keys, the issued one first with its certificate; every
        // certificate once (the locked entry's certificate is the other's issuer)
        let pfx = pkcs12::read(&file, "pässword", pkcs12::MacPolicy::Required).unwrap();
        assert_eq!(pfx.key_count, 2);
        assert_eq!(
            pfx.private_key_pkcs8.as_deref().map(Vec::as_slice),
            Some(data("pfx-leaf.key").as_slice())
        );
        assert_eq!(pfx.local_key_id.as_deref(), Some(&b"issued"[..]));
        assert_eq!(
            pfx.certificates,
            vec![data("pfx-leaf.crt"), data("pfx-ca.crt")]
        );
        assert_eq!(pfx.data.len(), 1);
        assert!(pfx.data[0].starts_with(BACKUP_MAGIC));
    }

    #[test]
    fn a_key_of_a_kind_this_version_cannot_take_leaves_only_its_entry_out() {
        // an Ed25519 key (RFC 8410), as a later version might keep: that entry comes back
        // without a kind (the restore skips it, saying why), the others with theirs
        let mut ed25519 = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        ed25519.extend(1..=32u8);
        let mut job = job();
        job.entries.push(entry("ed25519", pkcs8(ed25519.clone())));
        job.random = (0..backup_random_bytes(3)).map(|i| i as u8).collect();
        let opened = open(&written(&job), "pässword").unwrap();
        assert_eq!(opened.entries.len(), 4);
        assert_eq!(
            opened.entries[3].key,
            BackupKey::Pkcs8 {
                der: ed25519,
                algorithm: None
            }
        );
        assert!(matches!(
            opened.entries[0].key,
            BackupKey::Pkcs8 {
                algorithm: Some(KeyAlgorithm::Rsa { bits: 2048 }),
                ..
            }
        ));
    }

    #[test]
    fn a_backup_given_to_the_pfx_import_is_sent_to_restore() {
        let import = certreq_wire::PfxImport {
            pfx: written(&job()),
            password: "pässword".into(),
        };
        let (status, why) = serve(OP_PFX_READ, &import.to_wire());
        let why = answer_text(status, why);
        assert!(why.contains("open it with Restore a backup"), "{why}");
    }

    #[test]
    fn a_wrong_password_a_cut_or_altered_file_and_a_plain_pfx_are_refused() {
        let file = written(&job());
        let wrong = open(&file, "password").unwrap_err();
        assert!(wrong.starts_with("the password is wrong"), "{wrong}");
        let cut = open(&file[..file.len() - 40], "pässword").unwrap_err();
        assert!(cut.starts_with("this file is damaged, cut short"), "{cut}");
        for at in [40, file.len() / 2, file.len() - 60] {
            let mut altered = file.clone();
            altered[at] ^= 0x20;
            let why = open(&altered, "pässword").unwrap_err();
            assert!(
                why.starts_with("the password is wrong, or the file was altered")
                    || why.starts_with("this file is damaged"),
                "byte {at}: {why}"
            );
        }
        let (_, pfx) = serve(OP_PFX, &super::job(Profile::Modern).to_wire());
        let plain = open(&pfx, "pässword").unwrap_err();
        assert!(plain.contains("not a certreq-web backup"), "{plain}");
        let mut short = job();
        short.random.truncate(backup_random_bytes(2) - 1);
        let (status, why) = serve(OP_BACKUP, &short.to_wire());
        assert!(answer_text(status, why).contains("more random bytes"));
    }

    #[test]
    fn a_cut_job_answer_or_record_is_refused_not_panicked_on() {
        use certreq_wire::backup::{entries_from_file, entries_to_file};
        let job = job();
        let wire = job.to_wire();
        for cut in 0..wire.len() {
            assert!(
                BackupJob::from_wire(&wire[..cut]).is_err(),
                "job cut at {cut}"
            );
            assert_eq!(serve(OP_BACKUP, &wire[..cut]).0, STATUS_FAILED);
        }
        let opened = open(&written(&job), "pässword").unwrap().to_wire();
        for cut in 0..opened.len() {
            assert!(
                BackupOpened::from_wire(&opened[..cut]).is_err(),
                "answer cut at {cut}"
            );
        }
        let record = entries_to_file(&job.entries);
        for cut in 0..record.len() {
            assert!(
                entries_from_file(&record[..cut]).is_err(),
                "record cut at {cut}"
            );
        }
        let mut longer = record.clone();
        longer.push(0);
        assert!(entries_from_file(&longer).is_err(), "bytes left over");
    }

    /// A denied entry's state comes back from the backup; the record is written in format 2
    /// only when an entry needs it, so that a build reading format 1 still restores the rest.
    #[test]
    fn a_denied_entry_round_trips_and_needs_format_2_only_then() {
        use certreq_wire::backup::{entries_from_file, entries_to_file};
        let format = |record: &[u8]| {
            let at = BACKUP_MAGIC.len();
            u32::from_le_bytes(record[at..at + 4].try_into().unwrap())
        };
        let plain = job();
        assert_eq!(format(&entries_to_file(&plain.entries)), 1);
        let mut denied = job();
        denied.entries[1].state = BackupState::Denied;
        let record = entries_to_file(&denied.entries);
        assert_eq!(format(&record), 2);
        let read = entries_from_file(&record).unwrap();
        let states: Vec<_> = read.iter().map(|e| e.state).collect();
        assert_eq!(
            states,
            [
                BackupState::Issued,
                BackupState::Denied,
                BackupState::Issued
            ]
        );
        let opened = open(&written(&denied), "pässword").unwrap();
        assert_eq!(opened.entries[1].state, BackupState::Denied);
        assert_eq!(opened.entries[1].request_id, denied.entries[1].request_id);
        // format 1 has no denied state: a record that says so is damaged, not misread
        let mut claims_1 = record.clone();
        let at = BACKUP_MAGIC.len();
        claims_1[at..at + 4].copy_from_slice(&1u32.to_le_bytes());
        assert!(entries_from_file(&claims_1).is_err());
    }

    /// A backup whose record is of format 3: what a newer certreq-web might write.
    fn newer_format_file() -> Vec<u8> {
        let mut record = BACKUP_MAGIC.to_vec();
        record.extend_from_slice(&3u32.to_le_bytes());
        record.extend_from_slice(b"whatever format 3 holds");
        let bundle = pkcs12::Bundle {
            keys: &[],
            certificates: &[],
            data: Some(&record),
        };
        let mut n = 0u8;
        let mut counter = |buf: &mut [u8]| {
            for b in buf {
                n = n.wrapping_add(1);
                *b = n;
            }
            Ok(())
        };
        pkcs12::write_bundle(&bundle, "newer", pkcs12::Profile::Modern, &mut counter).unwrap()
    }

    /// `tests/data/backup-format-3.p12` (password `newer`), which the browser tests restore,
    /// is [`newer_format_file`]; `CERTREQ_WRITE_FIXTURES=1` writes it again.
    #[test]
    fn a_newer_format_is_refused_by_name() {
        let file = newer_format_file();
        let why = open(&file, "newer").unwrap_err();
        assert_eq!(
            why,
            "this backup was written by a newer certreq-web (backup format 3; this one reads \
             format 2 and older): restore it with a newer version"
        );
        let path = certreq_testsupport::data_dir().join("backup-format-3.p12");
        if std::env::var_os("CERTREQ_WRITE_FIXTURES").is_some() {
            std::fs::write(&path, &file).unwrap();
        }
        assert_eq!(std::fs::read(&path).unwrap(), file, "{}", path.display());
    }
}
