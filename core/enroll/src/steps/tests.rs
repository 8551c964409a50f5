use super::*;
use base64ct::{Base64, Encoding};
use certreq_pkix::cert::{Certificate, ResponseKind, build_certs_only_pkcs7};
use certreq_pkix::pem;

const LEAF_PEM: &[u8] = include_bytes!("../../../../tests/data/pfx-leaf.crt");
const CA_PEM: &[u8] = include_bytes!("../../../../tests/data/pfx-ca.crt");
const ADCS: &str = "https://ca.example/certsrv";
const EST: &str = "https://ca.example/.well-known/est";

fn cert(pem_bytes: &[u8]) -> Certificate {
    certreq_read::response::certificate(&pem::read(pem_bytes).unwrap().remove(0).der).unwrap()
}

fn p7b() -> Vec<u8> {
    build_certs_only_pkcs7([cert(CA_PEM).der(), cert(LEAF_PEM).der()])
}

fn begin(protocol: Protocol, url: &str, action: Action) -> Next {
    let start = Start {
        protocol,
        url: url.into(),
        attrib: "CertificateTemplate:WebServer".into(),
        action,
    };
    self::start(&start)
}

fn submit(protocol: Protocol, url: &str) -> Next {
    begin(
        protocol,
        url,
        Action::Submit {
            request: b"\x30\x03\x02\x01\x00".to_vec(),
        },
    )
}

fn send(next: Next) -> HttpRequest {
    match next {
        Next::Send(send) => send,
        other => panic!("expected a request to send, got {other:?}"),
    }
}

fn message(next: &Next) -> String {
    match next {
        Next::Failed(failure) => failure.to_string(),
        Next::Denied { message, .. } => message.clone(),
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn failure(next: Next) -> Failure {
    match next {
        Next::Failed(failure) => failure,
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn answer(status: u16, content_type: &str, retry_after: &str, body: &[u8]) -> Answer {
    Answer {
        status,
        content_type: content_type.into(),
        retry_after: retry_after.into(),
        body: body.to_vec(),
    }
}

fn reply(send: &HttpRequest, answer: &Answer) -> Next {
    read(&send.state, &send.url, answer)
}

fn page(html: &str) -> Answer {
    answer(200, "text/html; charset=utf-8", "", html.as_bytes())
}

#[test]
fn an_adcs_submission_posts_the_web_enrollment_form() {
    let post = send(submit(
        Protocol::AdCs,
        "https://ca.example/certsrv/certfnsh.asp",
    ));
    assert_eq!(post.url, "https://ca.example/certsrv/certfnsh.asp");
    let (content_type, body) = post.post.expect("a POST");
    assert_eq!(content_type, "application/x-www-form-urlencoded");
    assert!(body.starts_with("Mode=newreq&CertRequest=-----BEGIN+CERTIFICATE+REQUEST-----"));
    assert!(body.contains("&CertAttrib=CertificateTemplate%3AWebServer&"));
}

#[test]
fn an_issued_page_leads_to_its_chain_and_the_chain_is_issued() {
    let post = send(submit(Protocol::AdCs, ADCS));
    let issued = "<A Href=\"certnew.cer?ReqID=17&amp;Enc=bin\">Download certificate</A>";
    let fetch = send(reply(&post, &page(issued)));
    assert_eq!(
        fetch.url,
        "https://ca.example/certsrv/certnew.p7b?ReqID=17&Enc=bin"
    );
    assert_eq!(fetch.post, None, "a GET");
    // the CA holds request 17 now: a download that gets no answer still names it
    assert_eq!((post.request_id, fetch.request_id), (None, Some(17)));
    let next = reply(
        &fetch,
        &answer(200, "application/x-pkcs7-certificates", "", &p7b()),
    );
    let Next::Issued {
        response,
        request_id,
    } = next
    else {
        panic!("not issued: {next:?}");
    };
    assert_eq!(request_id, Some(17));
    assert_eq!(response.kind, ResponseKind::Pkcs7);
    assert_eq!(response.certificates().len(), 2);
}

#[test]
fn a_certificate_download_never_asks_for_another() {
    let fetch = send(begin(
        Protocol::AdCs,
        ADCS,
        Action::Retrieve {
            request_id: Some(0x11),
            request: None,
        },
    ));
    assert_eq!(
        fetch.url,
        "https://ca.example/certsrv/certnew.p7b?ReqID=17&Enc=bin"
    );
    // a retrieval: the caller gave the id, and the CA may not know it
    assert_eq!(fetch.request_id, None);
    let issued_page = page("<A Href=\"certnew.cer?ReqID=17&amp;Enc=bin\">");
    assert_eq!(
        failure(reply(&fetch, &issued_page)),
        Failure::IssuedWithoutCertificate {
            url: "https://ca.example/certsrv/certnew.p7b?ReqID=17&Enc=bin".into(),
            request_id: 17
        }
    );
    let pending = "<DT><B>Disposition message:</B></DT><DD>\r\n\t\tTaken Under Submission\r\n";
    assert_eq!(
        reply(&fetch, &page(pending)),
        Next::Pending {
            request_id: Some(17),
            retry_after: None,
            resend: false
        },
        "the page names no id; the one asked about is kept"
    );
    let denied = "<DT><B>Disposition message:</B></DT><DD>\r\n\t\tDenied by Policy Module\r\n";
    assert_eq!(
        reply(&fetch, &page(denied)),
        Next::Denied {
            request_id: Some(17),
            message: "Denied by Policy Module".into(),
            code: None,
        }
    );
    let garbage = answer(200, "application/pkix-cert", "", b"\x04\x02hi");
    assert!(matches!(
        failure(reply(&fetch, &garbage)),
        Failure::NotAnAnswer { url, what }
            if url == "https://ca.example/certsrv/certnew.p7b?ReqID=17&Enc=bin"
                && what.starts_with("something that is not a certificate")
    ));
    for html in ["", "<html>", "still pending", "Your Request Id is 17."] {
        assert!(
            !matches!(reply(&fetch, &page(html)), Next::Send(_)),
            "{html}"
        );
    }
}

#[test]
fn pending_and_denied_pages_keep_the_request_id() {
    let post = send(submit(Protocol::AdCs, ADCS));
    assert_eq!(
        reply(&post, &page("<P>Your Request Id is 42.</P>")),
        Next::Pending {
            request_id: Some(42),
            retry_after: None,
            resend: false
        }
    );
    let denied = "<P>Your Request Id is 9. The disposition message is \"Denied by Policy \
                  Module  0x80094800\".</P>";
    assert_eq!(
        reply(&post, &page(denied)),
        Next::Denied {
            request_id: Some(9),
            message: "Denied by Policy Module  0x80094800".into(),
            code: Some(0x8009_4800),
        }
    );
    // a page that says nothing known: named, and the request may be the CA's now, so the
    // user is told where to look before sending it again
    let unknown = failure(reply(&post, &page("<title>Sign in to continue</title>")));
    assert_eq!(
        unknown,
        Failure::UnknownAfterSubmit {
            title: "Sign in to continue".into()
        }
    );
    let said = unknown.to_string();
    assert!(
        said.starts_with(
            "the CA answered a page this client does not recognise: \"Sign in to continue\". \
             If the request reached the CA, the CA may hold it"
        ) && said.contains("View the status of a pending certificate request"),
        "{said}"
    );
    // what is not a page at all is not read as one
    let json = reply(&post, &answer(200, "application/json", "", b"{}"));
    assert!(matches!(
        failure(json),
        Failure::NotAnAnswer { what, .. } if what == "application/json instead of a Web Enrollment page"
    ));
}

#[test]
fn http_errors_are_failures_with_their_status_and_what_the_body_said() {
    let post = send(submit(Protocol::AdCs, ADCS));
    let url = "https://ca.example/certsrv/certfnsh.asp";
    for status in [401, 403, 404, 500] {
        let failed = reply(
            &post,
            &answer(status, "text/html", "", b"<title>Server Error</title>"),
        );
        assert_eq!(
            failure(failed),
            Failure::Http {
                url: url.into(),
                status,
                summary: "Server Error".into()
            }
        );
    }
}

#[test]
fn unusable_urls_and_kinds_fail_before_anything_is_sent() {
    let not_url = submit(Protocol::AdCs, "CA01\\Corp Issuing CA");
    assert!(message(&not_url).contains("is not a URL"), "{not_url:?}");
    assert_eq!(
        failure(submit(Protocol::AdCs, EST)),
        Failure::WrongProtocol { est: true }
    );
    assert_eq!(
        failure(submit(Protocol::Est, ADCS)),
        Failure::WrongProtocol { est: false }
    );
    let no_id = begin(
        Protocol::AdCs,
        ADCS,
        Action::Retrieve {
            request_id: None,
            request: Some(vec![0x30, 0]),
        },
    );
    assert_eq!(failure(no_id), Failure::NoRequestId);
    let no_request = begin(
        Protocol::Est,
        EST,
        Action::Retrieve {
            request_id: Some(3),
            request: None,
        },
    );
    assert_eq!(failure(no_request), Failure::NoRequestToResend);
    let bad_attrib = self::start(&Start {
        protocol: Protocol::AdCs,
        url: ADCS.into(),
        attrib: "no colon here".into(),
        action: Action::Submit {
            request: vec![0x30, 0],
        },
    });
    assert!(message(&bad_attrib).contains("is not Name:Value"));
}

#[test]
fn est_re_enrolls_where_the_url_names_simplereenroll_and_enrolls_elsewhere() {
    let at = |url: &str| send(submit(Protocol::Est, url)).url;
    assert_eq!(at(EST), format!("{EST}/simpleenroll"));
    assert_eq!(
        at(&format!("{EST}/User")),
        format!("{EST}/User/simpleenroll")
    );
    assert_eq!(
        at(&format!("{EST}/User/simpleenroll")),
        format!("{EST}/User/simpleenroll")
    );
    // the re-enrollment named is the operation used, not changed into a first enrollment
    assert_eq!(
        at(&format!("{EST}/User/simplereenroll/")),
        format!("{EST}/User/simplereenroll")
    );
    assert_eq!(
        at(&format!("{EST}/SimpleReEnroll")),
        format!("{EST}/simplereenroll")
    );
}

#[test]
fn est_enrolls_waits_and_refuses_by_status() {
    let request = vec![0x30, 0x03, 0x02, 0x01, 0x00];
    let post = send(begin(
        Protocol::Est,
        "https://ca.example/.well-known/est/User",
        Action::Retrieve {
            request_id: None,
            request: Some(request.clone()),
        },
    ));
    assert_eq!(
        post.url,
        "https://ca.example/.well-known/est/User/simpleenroll"
    );
    assert_eq!(
        post.post,
        Some(("application/pkcs10".into(), "MAMCAQA=\r\n".into()))
    );
    let body = Base64::encode_string(&p7b());
    let issued = reply(
        &post,
        &answer(200, "application/pkcs7-mime", "", body.as_bytes()),
    );
    assert!(
        matches!(&issued, Next::Issued { request_id: None, response } if response.certificates().len() == 2),
        "{issued:?}"
    );
    assert_eq!(
        reply(&post, &answer(202, "", "10", b"")),
        Next::Pending {
            request_id: None,
            retry_after: Some("10 seconds".into()),
            resend: true
        }
    );
    assert_eq!(
        reply(&post, &answer(400, "text/plain", "", b"\nbad key size\n")),
        Next::Denied {
            request_id: None,
            message: "bad key size (HTTP 400)".into(),
            code: None,
        }
    );
    assert!(matches!(
        failure(reply(&post, &answer(401, "text/plain", "", b""))),
        Failure::Http { status: 401, .. }
    ));
    assert_eq!(
        failure(reply(&post, &answer(503, "text/plain", "", b"CA offline"))),
        Failure::Http {
            url: post.url.clone(),
            status: 503,
            summary: "CA offline".into()
        }
    );
    assert!(matches!(
        failure(reply(&post, &answer(200, "application/pkcs7-mime", "", b""))),
        Failure::NotAnAnswer { what, .. } if what.starts_with("an answer that holds no certificate")
    ));
}

#[test]
fn a_lost_or_broken_state_is_a_failure_not_a_panic() {
    let next = read(b"\xff", ADCS, &page(""));
    assert_eq!(message(&next), "the enrollment step was lost; submit again");
    for broken in [
        &b"fetch\nx\nhttps://a"[..],
        b"submit",
        b"est\n",
        b"fetch\n1\na\nb",
    ] {
        let next = read(broken, ADCS, &page(""));
        assert_eq!(message(&next), "the enrollment step was lost; submit again");
    }
}

#[test]
fn est_never_sends_a_request_stripped_of_its_archived_key() {
    // a CMC request archiving its key (built by certreq-request's tests): over EST only its
    // PKCS #10 would go, and the CA would issue without archiving; nothing is sent
    let archived =
        std::fs::read(certreq_testsupport::data_dir().join("cmc-archived-key.der")).unwrap();
    let est = |request: &[u8]| {
        begin(
            Protocol::Est,
            EST,
            Action::Submit {
                request: request.to_vec(),
            },
        )
    };
    assert!(matches!(failure(est(&archived)), Failure::EstWouldDropKey));
    let said = message(&est(&archived));
    assert!(said.contains("without archiving the key"), "{said}");
    assert!(said.contains("/certsrv"), "{said}");
    // the same request goes to Web Enrollment whole
    let sent = send(begin(
        Protocol::AdCs,
        ADCS,
        Action::Submit {
            request: archived.clone(),
        },
    ));
    assert!(sent.post.is_some());
    // certreq's PKCS #7 renewal (Microsoft's MS-WSTEP example) goes over EST as the PKCS #10
    // it carries: EST re-enrolls by its sign-in, and the CA decides
    let text =
        std::fs::read(certreq_testsupport::corpus_dir().join("mswstep/pkcs7-renewal-request.b64"))
            .unwrap();
    let renewal = pem::read(&text).unwrap().remove(0).der;
    let inner = certreq_pkix::cmc::pkcs10_in_any(&renewal);
    assert_ne!(inner, renewal.as_slice());
    let (_, body) = send(est(&renewal)).post.unwrap();
    assert_eq!(body, pem::base64_lines(inner));
}
