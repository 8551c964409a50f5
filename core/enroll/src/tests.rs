use super::*;
use base64ct::{Base64, Encoding};

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

fn adcs(base: &str) -> Endpoint {
    Endpoint::AdCs { base: base.into() }
}

fn est(base: &str, label: Option<&str>) -> Endpoint {
    Endpoint::Est {
        base: base.into(),
        label: label.map(str::to_string),
    }
}

#[test]
fn adcs_urls_are_normalised_to_the_base() {
    for url in [
        "https://ca.example/certsrv",
        "https://ca.example/certsrv/",
        "  https://ca.example/certsrv/certfnsh.asp ",
        "https://ca.example/certsrv/CERTNEW.CER",
        "https://ca.example/certsrv/certnew.p7b",
        "https://ca.example/certsrv/default.asp",
    ] {
        assert_eq!(
            Endpoint::parse(url),
            Ok(adcs("https://ca.example/certsrv")),
            "{url}"
        );
    }
    assert_eq!(
        Endpoint::parse("HTTPS://ca.example/certsrv/"),
        Ok(adcs("HTTPS://ca.example/certsrv"))
    );
    assert!(
        !Endpoint::parse("https://ca/certsrv")
            .unwrap()
            .is_plain_http()
    );
    assert!(
        Endpoint::parse("http://ca/certsrv")
            .unwrap()
            .is_plain_http()
    );
    assert!(
        Endpoint::parse("HTTP://ca/certsrv")
            .unwrap()
            .is_plain_http()
    );
    assert_eq!(
        Endpoint::parse("https://ca.example/certsrv/")
            .unwrap()
            .url(),
        "https://ca.example/certsrv"
    );
}

#[test]
fn est_urls_with_and_without_label_and_operation() {
    let b = "https://ca.example/.well-known/est";
    assert_eq!(Endpoint::parse(b), Ok(est(b, None)));
    assert_eq!(
        Endpoint::parse("https://ca.example:8443/.well-known/est/User/"),
        Ok(est("https://ca.example:8443/.well-known/est", Some("User")))
    );
    assert_eq!(
        Endpoint::parse("https://ca.example/.well-known/est/simpleenroll"),
        Ok(est(b, None))
    );
    assert_eq!(
        Endpoint::parse("https://ca.example/.well-known/est/User/SimpleEnroll"),
        Ok(est(b, Some("User")))
    );
    assert_eq!(
        Endpoint::parse("https://ca.example/.WELL-KNOWN/EST/cacerts"),
        Ok(est("https://ca.example/.WELL-KNOWN/EST", None))
    );
    // behind a proxy path
    assert_eq!(
        Endpoint::parse("https://proxy/pki/.well-known/est/web"),
        Ok(est("https://proxy/pki/.well-known/est", Some("web")))
    );
    assert_eq!(
        Endpoint::parse("https://ca.example:8443/.well-known/est/User")
            .unwrap()
            .url(),
        "https://ca.example:8443/.well-known/est/User"
    );
    // `/.well-known/estimate` is not EST
    assert_eq!(
        Endpoint::parse("https://ca/.well-known/estimate"),
        Ok(adcs("https://ca/.well-known/estimate"))
    );
    assert_eq!(
        Endpoint::parse("https://ca/.well-known/est/a/b/simpleenroll"),
        Err(EnrollError::EstLabel {
            given: "https://ca/.well-known/est/a/b/simpleenroll".into(),
            label: "a/b".into()
        })
    );
}

#[test]
fn windows_config_strings_and_broken_urls_are_refused() {
    let e = Endpoint::parse("ca.example\\Example CA").unwrap_err();
    assert_eq!(
        e,
        EnrollError::NotUrl {
            given: "ca.example\\Example CA".into()
        }
    );
    let text = e.to_string();
    assert!(text.contains("no DCOM/RPC"), "{text}");
    assert!(text.contains("https://host/certsrv"), "{text}");
    assert_eq!(
        Endpoint::parse("https:///certsrv"),
        Err(EnrollError::NoHost {
            given: "https:///certsrv".into()
        })
    );
    assert_eq!(
        Endpoint::parse("https://ca/certsrv?x=1"),
        Err(EnrollError::QueryOrFragment {
            given: "https://ca/certsrv?x=1".into()
        })
    );
    assert!(Endpoint::parse("https://ca/certsrv#top").is_err());
    for odd in [
        "",
        "h",
        "http://",
        "https://é",
        "ftp://ca/certsrv",
        "https://\u{80}/",
    ] {
        let _ = Endpoint::parse(odd);
    }
}

// ---------------------------------------------------------------------------------------------
// AD CS: what is sent
// ---------------------------------------------------------------------------------------------

#[test]
fn attrib_escape_becomes_crlf() {
    assert_eq!(
        attrib_lines("CertificateTemplate:User\\nSAN:upn=a@b.example"),
        "CertificateTemplate:User\r\nSAN:upn=a@b.example"
    );
    assert_eq!(attrib_lines("A:1\nB:2\r\n\r\nC:3\\n"), "A:1\r\nB:2\r\nC:3");
    assert_eq!(attrib_lines("  A : 1 \r B:2"), "A : 1\r\nB:2");
    assert_eq!(attrib_lines(""), "");
    assert_eq!(
        check_attrib("CertificateTemplate:WebServer\\nSAN:dns=a&dns=b"),
        Ok(())
    );
    assert_eq!(
        check_attrib("CertificateTemplate:X\\nbogus"),
        Err(EnrollError::Attribute {
            pair: "bogus".into()
        })
    );
    assert!(check_attrib(":value").is_err());
    assert_eq!(
        EnrollError::Attribute { pair: "x".into() }.to_string(),
        "attribute pair `x` is not Name:Value; separate pairs with \\n or new lines, e.g. \
         CertificateTemplate:WebServer\\nSAN:dns=a.example"
    );
}

#[test]
fn form_encoding() {
    assert_eq!(
        form_encode(&[
            ("Mode", "newreq"),
            ("CertAttrib", "A:b c\r\nSAN:dns=x&dns=y")
        ]),
        "Mode=newreq&CertAttrib=A%3Ab+c%0D%0ASAN%3Adns%3Dx%26dns%3Dy"
    );
    assert_eq!(form_encode(&[("R", "a+b/=")]), "R=a%2Bb%2F%3D");
    assert_eq!(form_encode(&[("é", "-_.*~")]), "%C3%A9=-_.*%7E");
}

#[test]
fn newreq_form_is_what_the_web_enrollment_page_posts() {
    // the request may come as DER, PEM of any label, or bare base64: the CA gets PEM
    let der = [0x30u8, 0x03, 0x02, 0x01, 0x05];
    let expected_body = "Mode=newreq\
&CertRequest=-----BEGIN+CERTIFICATE+REQUEST-----%0D%0AMAMCAQU%3D%0D%0A-----END+CERTIFICATE+REQUEST-----%0D%0A\
&CertAttrib=CertificateTemplate%3AWebServer%0D%0ASAN%3Adns%3Da.example%26dns%3Db.example\
&TargetStoreFlags=0&SaveCert=yes";
    for request in [
        der.to_vec(),
        b"-----BEGIN NEW CERTIFICATE REQUEST-----\nMAMCAQU=\n-----END NEW CERTIFICATE REQUEST-----\n"
            .to_vec(),
        b"MAMCAQU=".to_vec(),
    ] {
        let post = newreq_form(
            "https://ca/certsrv",
            &request,
            "CertificateTemplate:WebServer\\nSAN:dns=a.example&dns=b.example",
        )
        .unwrap();
        assert_eq!(
            post,
            Post {
                url: "https://ca/certsrv/certfnsh.asp".into(),
                content_type: "application/x-www-form-urlencoded",
                body: expected_body.into(),
            }
        );
    }
    let post = newreq_form("https://ca/certsrv", &der, "").unwrap();
    assert!(
        post.body.contains("&CertAttrib=&TargetStoreFlags=0&"),
        "{}",
        post.body
    );
    assert_eq!(
        newreq_form("https://ca/certsrv", &der, "nocolon"),
        Err(EnrollError::Attribute {
            pair: "nocolon".into()
        })
    );
    assert_eq!(
        newreq_form("https://ca/certsrv", b"  \n", ""),
        Err(EnrollError::Request(pem::ArmorError::Empty))
    );
}

#[test]
fn chkpnd_form_and_download_urls() {
    assert_eq!(
        chkpnd_form("https://ca/certsrv", 13),
        Post {
            url: "https://ca/certsrv/certfnsh.asp".into(),
            content_type: "application/x-www-form-urlencoded",
            body: "Mode=chkpnd&ReqID=13&TargetStoreFlags=0&SaveCert=yes".into(),
        }
    );
    assert_eq!(
        cert_url("https://ca/certsrv", 3, Enc::B64, false),
        "https://ca/certsrv/certnew.cer?ReqID=3&Enc=b64"
    );
    assert_eq!(
        cert_url("https://ca/certsrv", 3, Enc::Bin, true),
        "https://ca/certsrv/certnew.p7b?ReqID=3&Enc=bin"
    );
    assert_eq!(
        ca_cert_url("https://ca/certsrv", 2, Enc::Bin, false),
        "https://ca/certsrv/certnew.cer?ReqID=CACert&Renewal=2&Enc=bin"
    );
    assert_eq!(
        ca_cert_url("https://ca/certsrv", 0, Enc::B64, true),
        "https://ca/certsrv/certnew.p7b?ReqID=CACert&Renewal=0&Enc=b64"
    );
    assert_eq!(
        renewals_url("https://ca/certsrv"),
        "https://ca/certsrv/certcarc.asp"
    );
    assert_eq!(
        parse_renewals("<Script>\r\nvar nRenewals=3;\r\n</Script>"),
        Some(3)
    );
    assert_eq!(parse_renewals("var nRenewals=;"), None);
    assert_eq!(parse_renewals("var nRenewals=99999999999;"), None);
}

// ---------------------------------------------------------------------------------------------
// AD CS: result pages
// ---------------------------------------------------------------------------------------------

// Pages written from the markers in enrollment-protocols.md §1.3 (not copied from a CA).
const ISSUED: &str = "<HTML><Head><Title>Certificate Issued</Title></Head><Body>\r\n\
<P>The certificate you requested was issued to you.</P>\r\n\
<A Href=\"certnew.cer?ReqID=42&amp;Enc=bin\">DER</A>\r\n\
<A Href=\"certnew.p7b?ReqID=42&amp;Enc=b64\">chain</A></Body></HTML>";
const ISSUED_SCRIPT: &str = "<Script>function handleGetCert() { \
location=\"certnew.cer?ReqID=7&\"+getEncoding(); }</Script>";
const PENDING: &str = "<Title>Certificate Pending</Title><P>Your certificate request has been \
received. However, you must wait for an administrator to issue the certificate you requested.</P>\r\n\
<P>Your Request Id is 13.</P>";
const DENIED_MESSAGE: &str = "Denied by Policy Module  0x80094800, The request was for a \
certificate template that is not supported by the Active Directory Certificate Services policy: \
Bogus.";
const ERROR_PENDING: &str = "<Title>Certificate Services Error</Title><DL>\r\n\
<DT><Font Size=-1><B>Disposition message:</B></Font></DT><DD>\r\n\t\tTaken Under Submission\r\n</DD>\r\n\
<DT><Font Size=-1><B>LastStatus:</B></Font></DT><DD>\r\n\t\tThe operation completed successfully. 0x0 (WIN32: 0 ERROR_SUCCESS)\r\n</DD></DL>";
const ERROR_UNKNOWN: &str = "<DT><B>Disposition message:</B></DT><DD>\r\n\t\tThe requested \
property value is empty. 0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)\r\n</DD>";
const PROPERTY_EMPTY: &str =
    "The requested property value is empty. 0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)";

fn denied_page() -> String {
    format!(
        "<Title>Certificate Request Denied</Title>\
<P>Your certificate request was denied.</P>\r\n<P>Your Request Id is 9. The disposition message is \
\"{DENIED_MESSAGE}\".</P>"
    )
}

/// devca's error page (devca/src/pages.rs `error`): it also states the disposition message in
/// the sentence submit clients look for, but names no request id.
fn devca_error_page(disposition: &str, last_status: &str) -> String {
    format!(
        "<HTML>\r\n<Head>\r\n<Title>Certificate Services Error</Title>\r\n</Head>\r\n<Body>\r\n\
<P>An error occurred while processing your request. The disposition message is \"{disposition}\".</P>\r\n\
<P><DL>\r\n\
<DT><Font Size=-1><B>Disposition message:</B></Font></DT><DD>\r\n\t\t{disposition}\r\n</DD>\r\n\
<DT><Font Size=-1><B>LastStatus:</B></Font></DT><DD>\r\n\t\t{last_status}\r\n</DD>\r\n\
</DL></P>\r\n</Body>\r\n</HTML>\r\n"
    )
}

#[test]
fn issued_pages_by_link_or_script() {
    assert_eq!(
        classify_page(ISSUED),
        Disposition::Issued { request_id: 42 }
    );
    assert_eq!(
        classify_page(ISSUED_SCRIPT),
        Disposition::Issued { request_id: 7 }
    );
    // a localised page: only the link is left
    let localised = "<P>Zertifikat ausgestellt</P><A Href=\"certnew.cer?ReqID=5&amp;Enc=b64\">";
    assert_eq!(
        classify_page(localised),
        Disposition::Issued { request_id: 5 }
    );
    // the CA certificate link of certcarc.asp is not an issued request; a later one is
    let both = "certnew.cer?ReqID=CACert&amp;Renewal=0 … certnew.cer?ReqID=8&amp;Enc=bin";
    assert_eq!(classify_page(both), Disposition::Issued { request_id: 8 });
}

#[test]
fn pending_pages() {
    assert_eq!(
        classify_page(PENDING),
        Disposition::Pending {
            request_id: Some(13)
        }
    );
    assert_eq!(
        classify_page("<P>Your certificate request is still pending.</P>"),
        Disposition::Pending { request_id: None }
    );
    // devca's chkpnd answer carries the id too
    assert_eq!(
        classify_page(
            "<P>Your certificate request is still pending. You must wait for an administrator \
             to issue the certificate you requested.</P>\r\n<P>Your Request Id is 4.</P>"
        ),
        Disposition::Pending {
            request_id: Some(4)
        }
    );
    // certnew.cer for a pending request: the error page saying Taken Under Submission
    assert_eq!(
        classify_page(ERROR_PENDING),
        Disposition::Pending { request_id: None }
    );
    // the same page from the corpus (an AD CS simulator's template) as a German CA sends it,
    // terms and message translated, the terms' element ids kept: the disposition's number,
    // 5 (under submission), says it
    let path = certreq_testsupport::corpus_dir().join("pages/003-certnew-error-pending.html");
    let page = std::fs::read_to_string(&path).expect("corpus page 003");
    let localised = page
        .replace("Disposition message:", "Dispositionsmeldung:")
        .replace("Disposition:", "Disposition (Status):")
        .replace("LastStatus:", "Letzter Status:")
        .replace("{{ .DispositionMessage }}", "Wird bearbeitet")
        .replace(
            "{{ .LastStatus }}",
            "Der Vorgang wurde erfolgreich beendet. 0x0 (WIN32: 0)",
        );
    assert!(!localised.contains("Disposition message:") && !localised.contains("LastStatus:"));
    assert_eq!(
        classify_page(&localised),
        Disposition::Pending { request_id: None }
    );
    // 2 (denied), the message in German
    let denied = localised
        .replace("\t\t5 <LocID", "\t\t2 <LocID")
        .replace("Wird bearbeitet", "Vom Richtlinienmodul verweigert");
    assert_eq!(
        classify_page(&denied),
        Disposition::Denied {
            request_id: None,
            message: "Vom Richtlinienmodul verweigert".into(),
            code: None
        }
    );
    // and a message in another language with neither number is the CA's error, not pending
    match classify_page(&localised.replace("\t\t5 <LocID", "\t\t1 <LocID")) {
        Disposition::Error {
            message, status, ..
        } => {
            assert_eq!(message, "Wird bearbeitet");
            assert_eq!(
                status.as_deref(),
                Some("Der Vorgang wurde erfolgreich beendet. 0x0 (WIN32: 0)")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        classify_page(&devca_error_page(
            "Taken Under Submission",
            "The operation completed successfully. 0x0 (WIN32: 0 ERROR_SUCCESS)"
        )),
        Disposition::Pending { request_id: None }
    );
    // a request id the CA does not have: the call failed, so there is no disposition message;
    // LastStatus says what (MS-WCCE 3.2.1.4.3.1.2: CERTSRV_E_PROPERTY_EMPTY)
    let empty = "The requested property value is empty. 0x80094004 (-2146877436 \
                 CERTSRV_E_PROPERTY_EMPTY)";
    let unknown_id = page
        .replace("{{ .DispositionMessage }}", "")
        .replace("{{ .LastStatus }}", empty);
    assert_eq!(
        classify_page(&unknown_id),
        Disposition::Error {
            message: empty.into(),
            status: None,
            code: Some(0x8009_4004),
        }
    );
    // the same in German: found by the fields' element ids
    assert!(matches!(
        classify_page(&unknown_id.replace("LastStatus:", "Letzter Status:")),
        Disposition::Error {
            code: Some(0x8009_4004),
            ..
        }
    ));
    // an empty message and a status of success say nothing known: the page is named
    let nothing = page.replace("{{ .DispositionMessage }}", "").replace(
        "{{ .LastStatus }}",
        "The operation completed successfully. 0x0 (WIN32: 0)",
    );
    assert!(matches!(
        classify_page(&nothing),
        Disposition::Unknown { .. }
    ));
}

#[test]
fn denied_page_keeps_the_message_with_its_two_spaces_and_code() {
    let d = classify_page(&denied_page());
    assert_eq!(
        d,
        Disposition::Denied {
            request_id: Some(9),
            message: DENIED_MESSAGE.into(),
            code: Some(0x8009_4800),
        }
    );
    assert_eq!(d.request_id(), Some(9));
    assert_eq!(d.message(), DENIED_MESSAGE);
    // quotes escaped in the page come back
    let page = "Your certificate request was denied. The disposition message is \"a &quot;b&quot; &amp; c\".";
    assert_eq!(
        classify_page(page),
        Disposition::Denied {
            request_id: None,
            message: "a \"b\" & c".into(),
            code: None,
        }
    );
}

#[test]
fn error_pages_unknown_id_and_parse_errors() {
    assert_eq!(
        classify_page(ERROR_UNKNOWN),
        Disposition::Error {
            message: PROPERTY_EMPTY.into(),
            status: None,
            code: Some(0x8009_4004),
        }
    );
    let with_status = ERROR_PENDING.replace("Taken Under Submission", "Error Parsing Request");
    let d = classify_page(&with_status);
    assert_eq!(
        d,
        Disposition::Error {
            message: "Error Parsing Request".into(),
            status: Some(
                "The operation completed successfully. 0x0 (WIN32: 0 ERROR_SUCCESS)".into()
            ),
            code: None,
        }
    );
    assert_eq!(
        d.message(),
        "Error Parsing Request (The operation completed successfully. 0x0 (WIN32: 0 ERROR_SUCCESS))"
    );
    // devca's unknown-request page: message and status are the same line, said once
    let d = classify_page(&devca_error_page(PROPERTY_EMPTY, PROPERTY_EMPTY));
    assert_eq!(
        d,
        Disposition::Error {
            message: PROPERTY_EMPTY.into(),
            status: Some(PROPERTY_EMPTY.into()),
            code: Some(0x8009_4004),
        }
    );
    assert_eq!(d.message(), PROPERTY_EMPTY);
    assert_eq!(d.request_id(), None);
    // the code may only be in LastStatus; a policy module's refusal is a denial
    let d = classify_page(&devca_error_page(
        "Denied by Policy Module",
        "The request is not supported. 0x80070032 (WIN32: 50 ERROR_NOT_SUPPORTED)",
    ));
    assert!(
        matches!(
            d,
            Disposition::Denied {
                code: Some(0x8007_0032),
                ..
            }
        ),
        "{d:?}"
    );
}

#[test]
fn unknown_pages_are_named_by_title() {
    let d = classify_page("<html><title>Server Error</title><body>boom</body></html>");
    assert_eq!(
        d,
        Disposition::Unknown {
            title: "Server Error".into()
        }
    );
    assert_eq!(
        d.message(),
        "the CA answered a page this client does not recognise: \"Server Error\""
    );
    assert_eq!(
        classify_page("<p>hello   <b>world</b></p>"),
        Disposition::Unknown {
            title: "hello world".into()
        }
    );
    // a link without the `&` is not an issued page
    assert!(matches!(
        classify_page("certnew.cer?ReqID=12"),
        Disposition::Unknown { .. }
    ));
    // IIS's 401 page
    assert_eq!(
        classify_page(
            "<HTML><Head><Title>401 - Unauthorized: Access is denied due to invalid \
             credentials.</Title></Head></HTML>"
        ),
        Disposition::Unknown {
            title: "401 - Unauthorized: Access is denied due to invalid credentials.".into()
        }
    );
}

#[test]
fn odd_pages_never_panic() {
    for s in [
        "",
        "certnew.cer?ReqID=",
        "certnew.cer?ReqID=&",
        "Your Request Id is ",
        "The disposition message is \"",
        "Disposition message:\t\t",
        "Disposition message:\tx\t\ty",
        "<title>",
        "<TITLE>é</title>",
        "certnew.cer?ReqID=99999999999999999999999&",
        "0x",
        "Your certificate request was denied. The disposition message is \"0xFFFFFFFFF\"",
    ] {
        let _ = classify_page(s);
    }
}

#[test]
fn every_truncation_and_splice_of_the_sample_pages_is_classified_without_panic() {
    let denied = denied_page();
    let devca = devca_error_page(PROPERTY_EMPTY, PROPERTY_EMPTY);
    let pages = [
        ISSUED,
        ISSUED_SCRIPT,
        PENDING,
        denied.as_str(),
        ERROR_PENDING,
        ERROR_UNKNOWN,
        devca.as_str(),
    ];
    for page in pages {
        for (i, _) in page.char_indices() {
            let _ = classify_page(&page[..i]);
            let _ = classify_page(&page[i..]);
            for other in pages {
                let _ = classify_page(&format!("{}{}", &page[..i], other));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Answers that carry certificates
// ---------------------------------------------------------------------------------------------

const LEAF_PEM: &[u8] = include_bytes!("../../../tests/data/pfx-leaf.crt");
const CA_PEM: &[u8] = include_bytes!("../../../tests/data/pfx-ca.crt");

fn leaf() -> Certificate {
    let der = pem::read(LEAF_PEM).unwrap().remove(0).der;
    response::certificate(&der).unwrap()
}

fn ca() -> Certificate {
    let der = pem::read(CA_PEM).unwrap().remove(0).der;
    response::certificate(&der).unwrap()
}

/// A certs-only PKCS #7 with the CA first, as a CA may send it.
fn p7b() -> Vec<u8> {
    certreq_pkix::cert::build_certs_only_pkcs7([ca().der(), leaf().der()])
}

#[test]
fn retrieval_of_a_certificate_a_chain_or_a_page() {
    // certnew.cer?Enc=b64: PEM under application/pkix-cert
    let Ok(Retrieval::Object { response, der }) =
        classify_retrieval("application/pkix-cert", LEAF_PEM)
    else {
        panic!("certificate not recognised");
    };
    assert_eq!(response.kind, ResponseKind::Certificate);
    assert_eq!(der, leaf().der());
    // certnew.p7b?Enc=b64: PKCS #7 labelled CERTIFICATE, as AD CS does
    let body = pem::write(pem::Label::Certificate, &p7b());
    let Ok(Retrieval::Object { response, der }) =
        classify_retrieval("application/x-pkcs7-certificates", body.as_bytes())
    else {
        panic!("chain not recognised");
    };
    assert_eq!(response.kind, ResponseKind::Pkcs7);
    assert_eq!(response.certificates().len(), 2);
    assert_eq!(der, p7b());
    // certnew.cer for a pending request: a page, whatever the charset parameter
    assert_eq!(
        classify_retrieval("Text/HTML; charset=UTF-8", ERROR_PENDING.as_bytes()),
        Ok(Retrieval::Page(Disposition::Pending { request_id: None }))
    );
    // a page sent without its content type is still read as a page
    assert_eq!(
        classify_retrieval("", ERROR_UNKNOWN.as_bytes()),
        Ok(Retrieval::Page(Disposition::Error {
            message: PROPERTY_EMPTY.into(),
            status: None,
            code: Some(0x8009_4004),
        }))
    );
    // anything else is an unusable answer
    assert!(matches!(
        classify_retrieval("application/pkix-cert", b"garbage!"),
        Err(ResponseError::Armor(_))
    ));
}

#[test]
fn issued_picks_the_requested_leaf_and_keeps_the_chain_as_sent() {
    let p7b = p7b();
    let response = response::parse(&p7b).unwrap();
    let leaf = leaf();
    let got = issued(&response, &p7b, Some(leaf.spki_der())).unwrap();
    assert_eq!(got.leaf, leaf);
    assert_eq!(got.chain_p7b, p7b);
    // without the request's key: the end-entity certificate
    assert_eq!(issued(&response, &p7b, None).unwrap().leaf, leaf);
    // a bare certificate: the chain is built from it
    let response = response::parse(leaf.der()).unwrap();
    let got = issued(&response, leaf.der(), Some(b"other key")).unwrap();
    assert_eq!(got.leaf, leaf);
    assert_eq!(
        got.chain_p7b,
        certreq_pkix::cert::build_certs_only_pkcs7([leaf.der()])
    );
}

#[test]
fn request_spki_of_a_pkcs10_request() {
    use rsa::pkcs8::EncodePublicKey;
    let spki = certreq_testsupport::rsa_key()
        .to_public_key()
        .to_public_key_der()
        .unwrap();
    let request = include_bytes!("../../../tests/data/golden-008-minimal.der");
    assert_eq!(request_spki(request).as_deref(), Some(spki.as_bytes()));
    assert_eq!(request_spki(b"not a request"), None);
    assert_eq!(request_spki(leaf().der()), None);
}

// ---------------------------------------------------------------------------------------------
// EST
// ---------------------------------------------------------------------------------------------

#[test]
fn simpleenroll_posts_wrapped_base64_pkcs10() {
    let post = simpleenroll(
        "https://ca/.well-known/est",
        Some("User"),
        false,
        &[0u8; 60],
    );
    assert_eq!(post.url, "https://ca/.well-known/est/User/simpleenroll");
    assert_eq!(post.content_type, "application/pkcs10");
    assert_eq!(
        post.body,
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\nAAAAAAAAAAAAAAAA\r\n"
    );
    assert_eq!(
        simpleenroll("https://ca/.well-known/est", None, false, &[]).url,
        "https://ca/.well-known/est/simpleenroll"
    );
    assert_eq!(simpleenroll("b", None, false, &[]).body, "");
    assert_eq!(
        est_url("https://ca/.well-known/est", None, "cacerts"),
        "https://ca/.well-known/est/cacerts"
    );
}

#[test]
fn est_issued_answer_is_the_certs_only_pkcs7() {
    // RFC 7030: base64 body, 76-column lines as globalsign/est writes them
    let b64 = Base64::encode_string(&p7b());
    let body: String = b64
        .as_bytes()
        .chunks(76)
        .map(|c| format!("{}\n", String::from_utf8_lossy(c)))
        .collect();
    let Ok(EstOutcome::Issued { response, der }) = classify_est(
        200,
        None,
        "application/pkcs7-mime; smime-type=certs-only",
        body.as_bytes(),
    ) else {
        panic!("not issued");
    };
    assert_eq!(response.kind, ResponseKind::Pkcs7);
    assert_eq!(der, p7b());
    let got = issued(&response, &der, Some(leaf().spki_der())).unwrap();
    assert_eq!(got.leaf.subject(), leaf().subject());
    // a 200 without certificates is unusable
    assert!(classify_est(200, None, "application/pkcs7-mime", b"").is_err());
}

#[test]
fn est_pending_waits_as_the_server_asks() {
    assert_eq!(
        classify_est(202, Some("10"), "", b""),
        Ok(EstOutcome::Pending {
            retry_after: Some(RetryAfter::Seconds(10))
        })
    );
    assert_eq!(
        classify_est(
            202,
            Some(" Wed, 21 Oct 2026 07:28:00 GMT "),
            "text/plain",
            b"202 pending"
        ),
        Ok(EstOutcome::Pending {
            retry_after: Some(RetryAfter::Date("Wed, 21 Oct 2026 07:28:00 GMT".into()))
        })
    );
    assert_eq!(
        classify_est(202, Some(""), "", b""),
        Ok(EstOutcome::Pending { retry_after: None })
    );
    assert_eq!(
        classify_est(202, None, "", b""),
        Ok(EstOutcome::Pending { retry_after: None })
    );
    assert_eq!(RetryAfter::Seconds(10).words(), "10 seconds");
    assert_eq!(RetryAfter::Seconds(1).words(), "1 second");
    assert_eq!(
        RetryAfter::Date("Wed, 21 Oct 2026 07:28:00 GMT".into()).words(),
        "until Wed, 21 Oct 2026 07:28:00 GMT"
    );
    assert_eq!(
        RetryAfter::parse("99999999999999999999999"),
        Some(RetryAfter::Seconds(u64::MAX))
    );
}

#[test]
fn est_errors_carry_the_servers_reason() {
    assert_eq!(
        classify_est(
            401,
            None,
            "text/plain",
            b"The server was unable to authorize the request.\n"
        ),
        Ok(EstOutcome::Failed {
            status: 401,
            message: "The server was unable to authorize the request.".into()
        })
    );
    assert_eq!(
        classify_est(
            415,
            None,
            "text/plain; charset=utf-8",
            b"\n  expected Content-Type: application/pkcs10\nmore"
        ),
        Ok(EstOutcome::Failed {
            status: 415,
            message: "expected Content-Type: application/pkcs10".into()
        })
    );
    assert_eq!(
        classify_est(
            503,
            None,
            "text/html",
            b"<title>Service Unavailable</title>"
        ),
        Ok(EstOutcome::Failed {
            status: 503,
            message: "Service Unavailable".into()
        })
    );
}

#[test]
fn body_summaries_are_one_short_line() {
    assert_eq!(body_summary("text/plain", &[b'x'; 500]).len(), 200);
    assert_eq!(body_summary("text/plain", b""), "");
    assert_eq!(
        body_summary("application/octet-stream", &[0xff, b'a']),
        "\u{fffd}a"
    );
    assert_eq!(media_type(" Text/HTML ; charset=UTF-8"), "text/html");
}

#[test]
fn a_denial_reported_later_through_the_error_layout_is_a_denial() {
    // what certnew.cer answers for a request a CA manager denied after holding it
    let status = "The request was denied by a certificate manager or CA administrator. \
                  0x80094014 (-2146877420 CERTSRV_E_ADMIN_DENIED_REQUEST)";
    // (its message in another language: the code alone says it)
    let page = ERROR_PENDING.replace(
        "Taken Under Submission",
        "Von der Zertifizierungsstelle verweigert",
    );
    let page = page.replace(
        "The operation completed successfully. 0x0 (WIN32: 0 ERROR_SUCCESS)",
        status,
    );
    match classify_page(&page) {
        Disposition::Denied {
            request_id: None,
            message,
            code,
        } => {
            assert_eq!(message, "Von der Zertifizierungsstelle verweigert");
            assert_eq!(code, Some(ADMIN_DENIED));
        }
        other => panic!("expected a denial, got {other:?}"),
    }
    // an error page that is not a denial stays an error
    assert!(matches!(
        classify_page(&devca_error_page(PROPERTY_EMPTY, PROPERTY_EMPTY)),
        Disposition::Error { .. }
    ));
}

#[test]
fn a_response_parsed_elsewhere_classifies_as_one_parsed_here() {
    // the classification does not depend on who parsed the body or on its error type
    let cert = std::fs::read(certreq_testsupport::data_dir().join("pfx-leaf.crt")).unwrap();
    let elsewhere = |body: &[u8]| certreq_read::response::parse(body).map_err(|e| e.to_string());
    let Ok(EstOutcome::Issued { response, .. }) = classify_parsed_est(
        EST_ISSUED,
        None,
        "application/pkix-cert",
        &cert,
        Some(elsewhere(&cert)),
    ) else {
        panic!("an issued EST answer");
    };
    assert_eq!(response, certreq_read::response::parse(&cert).unwrap());
    let refused = classify_parsed_est(200, None, "", b"junk", Some(elsewhere(b"junk")));
    assert_eq!(
        refused.unwrap_err(),
        certreq_read::response::parse(b"junk")
            .unwrap_err()
            .to_string()
    );
    assert!(
        matches!(
            classify_parsed_est::<String>(200, None, "", &cert, None),
            Ok(EstOutcome::Failed { status: 200, .. })
        ),
        "a 200 whose body was not read is not taken as issued"
    );
    assert!(matches!(
        classify_parsed_est::<String>(202, Some("5"), "", b"", None),
        Ok(EstOutcome::Pending { .. })
    ));

    assert!(is_page("text/html; charset=utf-8") && !is_page("application/pkix-cert"));
    let page = b"<html><body>Your certificate request is still pending</body></html>";
    assert!(matches!(
        classify_parsed_retrieval(page, elsewhere(page)),
        Ok(Retrieval::Page(_))
    ));
    assert!(matches!(
        classify_parsed_retrieval(&cert, elsewhere(&cert)),
        Ok(Retrieval::Object { .. })
    ));
}
