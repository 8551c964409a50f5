use super::*;

/// Every INF the tests have: the corpus (decoded as the app decodes an opened file), the
/// app's templates, and shapes that stress the outline (merged sections, continuations,
/// entries without keys, text before the first section).
fn infs() -> Vec<(String, String)> {
    let mut all = Vec::new();
    let dir = certreq_testsupport::corpus_dir().join("inf");
    for entry in std::fs::read_dir(dir).expect("the corpus") {
        let path = entry.expect("a corpus file").path();
        let bytes = std::fs::read(&path).expect("readable");
        all.push((
            path.display().to_string(),
            certreq_inf::text::decode(&bytes).text,
        ));
    }
    let templates = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/templates");
    for entry in std::fs::read_dir(templates).expect("the templates") {
        let path = entry.expect("a template").path();
        all.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).expect("UTF-8"),
        ));
    }
    for (name, text) in [
        (
            "merged",
            "[NewRequest]\nSubject = \"CN=a\"\n[Extensions]\n2.5.29.17 = \"{text}\"\n\
             _continue_ = \"dns=a.example&\"\n_continue_ = \"dns=b.example\"\n\
             [NewRequest]\nKeyLength = 2048\nno equals here\n= empty key\n",
        ),
        (
            "before",
            "Key = outside\n\n[Version]\nSignature=\"$Windows NT$\"\n[]\n",
        ),
        ("empty", ""),
        (
            "errors",
            "[NewRequest]\nKeyLength = many\nExportabel = TRUE\n",
        ),
    ] {
        all.push((name.to_owned(), text.to_owned()));
    }
    all
}

/// The parsed INF's own answer to "which section and key is on this line", the way the editor
/// asked it of the INF before it kept an outline: the first section, in the INF's order, with
/// an entry spanning the line.
fn key_in_inf<'a>(inf: &'a Inf, lines: &LineIndex, line: usize) -> Option<(&'a str, &'a str)> {
    inf.sections.iter().find_map(|s| {
        s.entries
            .iter()
            .find(|e| {
                !e.key.is_empty()
                    && lines.line_of(e.span.start) <= line
                    && line <= lines.line_of(e.span.end)
            })
            .map(|e| (s.name.as_str(), e.key.as_str()))
    })
}

fn header_in_inf<'a>(inf: &'a Inf, lines: &LineIndex, line: usize) -> Option<&'a str> {
    inf.sections
        .iter()
        .find(|s| s.headers.iter().any(|h| lines.line_of(h.start) == line))
        .map(|s| s.name.as_str())
}

#[test]
fn the_outline_finds_what_the_parsed_inf_has_on_every_line() {
    for (name, text) in infs() {
        let compiled = certreq_request::compile_for(&text, BUILDS);
        let outline = Outline::of(&compiled.inf);
        let lines = LineIndex::new(&text);
        for line in 0..lines.line_count() + 1 {
            assert_eq!(
                outline.key_on(&text, &lines, line),
                key_in_inf(&compiled.inf, &lines, line),
                "{name}: key on line {line}"
            );
            assert_eq!(
                outline.header_on(&text, &lines, line),
                header_in_inf(&compiled.inf, &lines, line),
                "{name}: header on line {line}"
            );
        }
    }
}

#[test]
fn a_reading_crosses_the_wire_unchanged() {
    let mut requests = 0;
    for (name, text) in infs() {
        let reading = read(&text);
        requests += usize::from(reading.request.is_some());
        let back = Reading::from_wire(&reading.to_wire()).expect(&name);
        assert_eq!(back, reading, "{name}");
    }
    // the corpus and the templates make requests: the request's fields crossed, not only None
    assert!(requests >= 8, "only {requests} requests");
}

#[test]
fn every_field_of_a_request_crosses() {
    let text = "[NewRequest]\nSubject = \"CN=a+O=b, C=DE\"\nKeyAlgorithm = ECDSA_P384\n\
                Exportable = TRUE\nKeyContainer = box\nFriendlyName = \"mine\"\n\
                RequestType = Cert\nValidityPeriod = Days\nValidityPeriodUnits = 9\n\
                NotBefore = \"01/02/2030 10:00\"\nKeySpec = 1\n\
                [Extensions]\n2.5.29.17 = \"{text}dns=a.example\"\nCritical = 2.5.29.17\n\
                [RequestAttributes]\nCertificateTemplate = WebServer\nSAN = \"dns=b\"\n";
    let reading = read(text);
    let q = reading.request.as_ref().expect("a request");
    assert_ne!(q.validity, ValidityPlan::default());
    assert!(q.key.exportable && q.key.container.is_some() && q.friendly_name.is_some());
    assert!(!q.extensions.is_empty() && !q.name_value_pairs.is_empty());
    assert_eq!(Reading::from_wire(&reading.to_wire()), Ok(reading));
    for (text, renews) in [
        (
            "RenewalCert = 00112233445566778899aabbccddeeff00112233\n",
            true,
        ),
        ("RequesterName = \"EXAMPLE\\\\alice\"\n", false),
    ] {
        let text = format!("[NewRequest]\nSubject = \"CN=a\"\nRequestType = CMC\n{text}");
        let reading = read(&text);
        let q = reading.request.as_ref().expect(&text);
        assert_eq!(q.renewal_cert.is_some(), renews, "{text}");
        assert_eq!(q.requester_name.is_some(), !renews, "{text}");
        assert_eq!(Reading::from_wire(&reading.to_wire()), Ok(reading));
    }
}

#[test]
fn a_long_infs_outline_crosses_in_one_piece() {
    let text: String = core::iter::once("[NewRequest]\nSubject = \"CN=a\"\n".to_owned())
        .chain((0..20_000).map(|i| format!("[S{i}]\nA=1\n")))
        .collect();
    let reading = read(&text);
    let back = Reading::from_wire(&reading.to_wire()).expect("read back");
    let lines = LineIndex::new(&text);
    assert_eq!(
        back.outline.key_on(&text, &lines, 2 * 12_345 + 3),
        Some(("S12345", "A"))
    );
    assert_eq!(
        back.outline.header_on(&text, &lines, 2 * 19_999 + 2),
        Some("S19999")
    );
    assert_eq!(back, reading);
}

#[test]
fn damaged_readings_are_refused() {
    let bytes = read("[NewRequest]\nSubject = \"CN=a\"\nExportabel = 1\n").to_wire();
    // cut anywhere, it is refused, never read as something else
    for n in 0..bytes.len() {
        assert_eq!(
            Reading::from_wire(&bytes[..n]),
            Err(WireError),
            "cut at {n}"
        );
    }
    // a code the registry does not have
    let mut w = Writer::new();
    w.u32(1)
        .u32(1)
        .str("no-such-code")
        .str("m")
        .u32(0)
        .u32(0)
        .opt_str(None);
    w.flag(false);
    Outline::default().to_wire(&mut w);
    assert_eq!(Reading::from_wire(&w.finish()), Err(WireError));
    // a key range outside the keys
    let mut w = Writer::new();
    w.u32(0)
        .flag(false)
        .str("S")
        .str("k")
        .u32(1)
        .u32(0)
        .u32(1)
        .u32(0)
        .u32(1);
    w.u32(0).u32(0).u32(5).u32(0).u32(1);
    assert_eq!(Reading::from_wire(&w.finish()), Err(WireError));
}

#[test]
fn every_request_type_has_its_own_number() {
    for t in REQUEST_TYPES {
        assert_eq!(REQUEST_TYPES[request_type_number(t) as usize], t);
    }
}
