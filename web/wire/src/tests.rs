use super::*;

#[test]
fn fields_read_back_in_the_order_written_and_nothing_is_left_over() {
    let mut w = Writer::new();
    w.u32(7)
        .bytes(b"abc")
        .str("é")
        .i64(-5)
        .u64(u64::MAX)
        .flag(true)
        .opt_str(None)
        .opt_bytes(Some(b""));
    let bytes = w.finish();
    let mut r = Reader::new(&bytes);
    assert_eq!(r.u32(), Ok(7));
    assert_eq!(r.bytes(), Ok(&b"abc"[..]));
    assert_eq!(r.str(), Ok("é"));
    assert_eq!(r.i64(), Ok(-5));
    assert_eq!(r.u64(), Ok(u64::MAX));
    assert_eq!(r.flag(), Ok(true));
    assert_eq!(r.opt_str(), Ok(None));
    assert_eq!(r.opt_bytes(), Ok(Some(&b""[..])));
    assert_eq!(r.end(), Ok(()));
}

#[test]
fn malformed_fields_are_refused() {
    let mut r = Reader::new(&[5, 0, 0, 0, b'a']);
    assert_eq!(r.bytes(), Err(WireError), "shorter than its length");
    let mut r = Reader::new(&[2, 0, 0, 0]);
    assert_eq!(r.flag(), Err(WireError), "a flag is 0 or 1");
    let mut r = Reader::new(&[1, 0, 0, 0, 0xff]);
    assert_eq!(r.str(), Err(WireError), "not UTF-8");
    let r = Reader::new(&[0]);
    assert_eq!(r.end(), Err(WireError), "bytes left over");
}

#[test]
fn a_dump_crosses_whole_and_a_cut_or_runaway_one_is_refused() {
    let dump = Dump {
        kind: "certificate".into(),
        title: "Certificate: CN=x".into(),
        nodes: vec![Node {
            label: "Subject".into(),
            value: "CN=x".into(),
            children: vec![Node {
                label: "CN".into(),
                value: "x".into(),
                children: Vec::new(),
            }],
        }],
    };
    let wire = dump_to_wire(&dump);
    assert_eq!(dump_from_wire(&wire), Ok(dump));
    for cut in 0..wire.len() {
        assert!(dump_from_wire(&wire[..cut]).is_err(), "cut at {cut}");
    }
    let mut deep = Writer::new();
    deep.str("ASN.1").str("deep");
    for _ in 0..200 {
        deep.u32(1).str("x").str("");
    }
    deep.u32(0);
    assert_eq!(dump_from_wire(&deep.finish()), Err(WireError));
}

#[test]
fn every_step_crosses_whole() {
    use enroll::{HttpRequest, Next};
    for next in [
        Next::Send(HttpRequest {
            url: "https://ca/certsrv/certfnsh.asp".into(),
            post: Some((
                "application/x-www-form-urlencoded".into(),
                "Mode=newreq".into(),
            )),
            state: b"submit\nhttps://ca/certsrv".to_vec(),
            request_id: None,
        }),
        Next::Send(HttpRequest {
            url: "https://ca/certsrv/certnew.p7b?ReqID=1".into(),
            post: None,
            state: Vec::new(),
            request_id: Some(1),
        }),
        Next::Issued {
            response: Response::from_parts(ResponseKind::Pkcs7, Vec::new(), None),
            request_id: Some(9),
        },
        Next::Pending {
            request_id: None,
            retry_after: Some("10 seconds".into()),
            resend: true,
        },
        Next::Denied {
            request_id: Some(u64::MAX),
            message: "Denied by Policy Module".into(),
            code: Some(0x8009_4014),
        },
        Next::Denied {
            request_id: None,
            message: "denied".into(),
            code: None,
        },
        Next::Failed {
            message: "nothing at the URL".into(),
        },
    ] {
        let wire = next.to_wire();
        assert_eq!(Next::from_wire(&wire), Ok(next.clone()));
        for cut in 0..wire.len() {
            assert!(Next::from_wire(&wire[..cut]).is_err(), "cut at {cut}");
        }
    }
}
