use super::*;
use certreq_inf::diag::Severity;
use certreq_pkix::name::{display, display_der};
use der::{Encode, Tagged};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn errors(diags: &[LocalDiag]) -> Vec<&LocalDiag> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// Parses and returns the subject DER in hex; fails the test on any error.
fn der_hex(value: &str, flags: u32) -> String {
    let (name, diags) = parse_subject(value, flags);
    assert!(errors(&diags).is_empty(), "{value:?}: {diags:#?}");
    let name = name.unwrap_or_else(|| panic!("{value:?}: no name"));
    hex(&name.to_der().expect("encodes"))
}

/// Parses, expecting exactly one error; returns it.
fn one_error(value: &str, flags: u32) -> LocalDiag {
    let (name, diags) = parse_subject(value, flags);
    assert!(name.is_none(), "{value:?} should fail");
    let errs = errors(&diags);
    assert_eq!(errs.len(), 1, "{value:?}: {diags:#?}");
    errs[0].clone()
}

fn warnings(value: &str, flags: u32) -> Vec<LocalDiag> {
    let (name, diags) = parse_subject(value, flags);
    assert!(name.is_some(), "{value:?}: {diags:#?}");
    diags
        .into_iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect()
}

// ---- Ground truth: real certreq output ----------------------------------------------------

/// Subject DER of corpus req/002, certreq -new output of inf/008.
const REQ_002: &str =
    "3025310b3009060355040613024b473116301406035504030c0d496c67697320557a62656b6f76";
/// req/001 ← inf/009.
const REQ_001: &str = "3036310b3009060355040613024a4f310f300d060355040a0c064e45584150503116301406035504030c0d4e45584150502053747564696f";
/// req/003 ← inf/037.
const REQ_003: &str = "3042310b300906035504061302545231173015060355040a0c0e4170706c65446576656c6f706572311a301806035504030c114152526f6f6d5472616e73666f726d6572";
/// req/006, written by AD CS setup (PrintableString CN, IA5String DC).
const REQ_006: &str = "305d31123010060a0992268993f22c6401191602757331153013060a0992268993f22c64011916056d7377616431173015060a0992268993f22c6401191607686f7573746f6e311730150603550403130e686f7573746f6e2d686f752d4341";

const INF_008: &str = "CN=Ilgis Uzbekov, C=KG";
const INF_009: &str = "CN=NEXAPP Studio, O=NEXAPP, C=JO";
const INF_037: &str = "CN=ARRoomTransformer, O=AppleDeveloper, C=TR";
const SETUP_006: &str = "CN=houston-hou-CA,DC=houston,DC=mswad,DC=us";

#[test]
fn corpus_subjects_are_byte_identical_to_real_certreq_output() {
    assert_eq!(der_hex(INF_008, 0), REQ_002);
    assert_eq!(der_hex(INF_009, 0), REQ_001);
    assert_eq!(der_hex(INF_037, 0), REQ_003);
}

#[test]
fn ad_cs_setup_subject_matches_with_disable_utf8_dir_str() {
    assert_eq!(
        der_hex(SETUP_006, CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG),
        REQ_006
    );
    // With certreq's default the CN is a UTF8String (0c) and DC stays IA5String (16).
    let default = der_hex(SETUP_006, 0);
    assert!(default.contains("06035504030c0e686f7573746f6e2d686f752d4341"));
    assert!(default.contains("060a0992268993f22c64011916027573"));
}

/// Loads the real requests and compares their subjects with ours. The corpus lives outside the
/// repository: `CERTREQ_CORPUS` or `shared/corpus` beside it.
#[test]
fn corpus_request_files_decode_to_our_subjects() {
    use der::Decode;
    use x509_cert::request::CertReq;
    let dir = certreq_testsupport::corpus_dir();
    let cases = [
        ("req/002-axeronisd-minimal-inf-pkcs10.req", INF_008, 0),
        ("req/001-jaberfree-apple-csr-pkcs10.req", INF_009, 0),
        ("req/003-yurtyuzo-codesign-eku-pkcs10.req", INF_037, 0),
        (
            "req/006-saecyber-subca-setup-request.req",
            SETUP_006,
            CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG,
        ),
    ];
    for (file, subject, flags) in cases {
        let path = dir.join(file);
        let pem =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let b64: String = pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .flat_map(|l| l.trim().chars())
            .collect();
        let der = {
            use ::base64ct::Encoding as _;
            ::base64ct::Base64::decode_vec(&b64).expect("base64")
        };
        let req = CertReq::from_der(&der).expect("PKCS#10");
        let real = req.info.subject.to_der().expect("encode");
        let (ours, diags) = parse_subject(subject, flags);
        assert!(diags.is_empty(), "{diags:#?}");
        assert_eq!(
            hex(&ours.expect("name").to_der().expect("encode")),
            hex(&real),
            "{file}"
        );
    }
}

// ---- Byte-exact vectors (cross-checked with `openssl req -utf8 -multivalue-rdn -subj`) ----

#[test]
fn written_order_is_reversed_in_der() {
    // openssl -subj "/C=US/O=Example/CN=www.example.com"
    let expected = "3039310b30090603550406130255533110300e060355040a0c074578616d706c653118301606035504030c0f7777772e6578616d706c652e636f6d";
    assert_eq!(der_hex("CN=www.example.com, O=Example, C=US", 0), expected);
    assert_eq!(
        der_hex(
            "CN=www.example.com, O=Example, C=US",
            CERT_NAME_STR_REVERSE_FLAG
        ),
        expected
    );
    assert_eq!(
        der_hex(
            "C=US, O=Example, CN=www.example.com",
            CERT_NAME_STR_FORWARD_FLAG
        ),
        expected
    );
}

#[test]
fn microsoft_doc_example_with_dc() {
    // openssl -subj "/DC=com/DC=contoso/CN=Users/CN=John Smith"
    assert_eq!(
        der_hex("CN=John Smith,CN=Users,DC=contoso,DC=com", 0),
        "305331133011060a0992268993f22c6401191603636f6d31173015060a0992268993f22c6401191607636f6e746f736f310e300c06035504030c0555736572733113301106035504030c0a4a6f686e20536d697468"
    );
}

#[test]
fn multi_valued_rdn_is_der_sorted() {
    // openssl -multivalue-rdn -subj "/CN=a+O=b"
    let expected = "30163114300806035504030c01613008060355040a0c0162";
    assert_eq!(der_hex("CN=a+O=b", 0), expected);
    assert_eq!(der_hex("O=b + CN=a", 0), expected);
}

#[test]
fn email_is_ia5_and_cn_utf8() {
    // openssl -subj "/emailAddress=a@b.c/CN=Zoë"
    assert_eq!(
        der_hex("CN=Zoë, E=a@b.c", 0),
        "30253114301206092a864886f70d01090116056140622e63310d300b06035504030c045a6fc3ab"
    );
    assert_eq!(
        der_hex("CN=Zoë, Email=a@b.c", 0),
        der_hex("CN=Zoë, E=a@b.c", 0)
    );
}

#[test]
fn dotted_oid_key_from_corpus_002() {
    // inf/002: "CN=11,2.5.4.15=Private"; openssl -subj "/businessCategory=Private/CN=11"
    let expected = "301f3110300e060355040f0c0750726976617465310b300906035504030c023131";
    assert_eq!(der_hex("CN=11,2.5.4.15=Private", 0), expected);
    assert_eq!(der_hex("CN=11,OID.2.5.4.15=Private", 0), expected);
    assert_eq!(der_hex("CN=11,oid.2.5.4.15=Private", 0), expected);
    assert_eq!(der_hex("CN=11,businessCategory=Private", 0), expected);
}

#[test]
fn serial_number_is_printable() {
    // openssl -subj "/serialNumber=1234/CN=x"
    assert_eq!(
        der_hex("CN=x, SERIALNUMBER=1234", 0),
        "301b310d300b0603550405130431323334310a300806035504030c0178"
    );
    let e = one_error("SERIALNUMBER=12*4", 0);
    assert_eq!((e.code, e.range), ("subject-not-printable", 15..16));
}

#[test]
fn known_oid_written_as_oid_keeps_its_type() {
    assert_eq!(der_hex("2.5.4.6=US", 0), der_hex("C=US", 0));
    assert_eq!(der_hex("OID.2.5.4.3=x", 0), der_hex("CN=x", 0));
    // An OID not in the table: UTF8String.
    assert_eq!(der_hex("1.2.3=ab", 0), "300c310a300806022a030c026162");
}

// ---- Empty subjects and values ----------------------------------------------------------

#[test]
fn empty_subject_is_an_empty_name() {
    for s in ["", "   ", "\t \r\n"] {
        let (name, diags) = parse_subject(s, 0);
        assert!(diags.is_empty());
        assert_eq!(hex(&name.expect("name").to_der().expect("der")), "3000");
    }
}

#[test]
fn empty_value_is_an_empty_string_of_the_attribute_type() {
    // corpus 044/045: Subject="CN="
    assert_eq!(der_hex("CN=", 0), "300b3109300706035504030c00");
    assert_eq!(der_hex("CN=  ", 0), "300b3109300706035504030c00");
    assert_eq!(der_hex("CN=\"\"", 0), "300b3109300706035504030c00");
    assert_eq!(der_hex("E=", 0), "3011310f300d06092a864886f70d0109011600");
}

// ---- Whitespace and quoting -------------------------------------------------------------

#[test]
fn whitespace_around_keys_and_values_is_ignored() {
    assert_eq!(
        der_hex("  cn =  www.example.com  ,\r\n o= Example ;c =US ", 0),
        der_hex("CN=www.example.com,O=Example,C=US", 0)
    );
    // Inside the value it is kept.
    assert_eq!(der_hex("CN= a  b ", 0), der_hex("CN=\"a  b\"", 0));
}

#[test]
fn quoted_values_keep_spaces_and_special_characters() {
    let (name, _) = parse_subject("CN=\" a, b; c+d=e \"", 0);
    let name = name.expect("name");
    let atv = name.iter().next().expect("one value");
    assert_eq!(atv.value.value(), b" a, b; c+d=e ");
    assert_eq!(name.iter().count(), 1);
}

#[test]
fn doubled_quote_inside_quoted_value() {
    // The documentation's example.
    let (name, _) = parse_subject("CN=\"User \"\"one\"\"\"", 0);
    let name = name.expect("name");
    assert_eq!(
        name.iter().next().expect("value").value.value(),
        b"User \"one\""
    );
}

#[test]
fn quoted_organization_with_comma() {
    // §2.1 rule 6's real-world example after the INF layer removed one level of quotes.
    let (name, _) = parse_subject("C=IN, O=\"Indian Institute of Technology, Delhi\", CN=x", 0);
    let name = name.expect("name");
    assert_eq!(name.iter_rdn().count(), 3);
    assert_eq!(
        display(&name),
        "C=IN, O=\"Indian Institute of Technology, Delhi\", CN=x"
    );
}

#[test]
fn stray_quote_in_unquoted_value_is_a_warning() {
    let w = warnings("CN=a\"b", 0);
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w[0].code, w[0].range.clone()),
        ("subject-stray-quote", 4..5)
    );
    assert_eq!(
        der_hex("CN=a\"b", 0),
        "300e310c300a06035504030c0361 2262".replace(' ', "")
    );
}

#[test]
fn unquoted_equals_is_a_warning() {
    let w = warnings("CN=a=b", 0);
    assert_eq!(
        (w[0].code, w[0].range.clone()),
        ("subject-unquoted-equals", 4..5)
    );
}

// ---- Hex values -------------------------------------------------------------------------

#[test]
fn hex_value_is_an_octet_string_and_whitespace_is_ignored() {
    let expected = "300d310b300906022a030403abcd01";
    assert_eq!(der_hex("1.2.3 = # AB CD 01", 0), expected);
    assert_eq!(der_hex("1.2.3=#ABCD01", 0), expected);
    assert_eq!(der_hex("1.2.3=#abcd01", 0), expected);
    // A known attribute with a hex value is an OCTET STRING too.
    assert_eq!(
        der_hex("CN=#00", 0),
        "300c310a3008060355040304 0100".replace(' ', "")
    );
    // Quoted `#` is text.
    assert_eq!(der_hex("CN=\"#00\"", 0), "300e310c300a06035504030c03233030");
}

#[test]
fn bad_hex_is_located() {
    let e = one_error("CN=#AG", 0);
    assert_eq!((e.code, e.range), ("subject-bad-hex", 5..6));
    assert!(e.message.contains("CRYPT_E_INVALID_X500_STRING"));
    let e = one_error("CN=#ABC , O=x", 0);
    assert_eq!((e.code, e.range), ("subject-bad-hex", 3..7));
    let e = one_error("CN=#", 0);
    assert_eq!((e.code, e.range), ("subject-bad-hex", 3..4));
}

// ---- Flags ------------------------------------------------------------------------------

#[test]
fn semicolon_flag_makes_comma_ordinary() {
    assert_eq!(
        der_hex("O=a,b;CN=c", CERT_NAME_STR_SEMICOLON_FLAG),
        der_hex("O=\"a,b\",CN=c", 0)
    );
}

#[test]
fn comma_flag_makes_semicolon_ordinary() {
    assert_eq!(
        der_hex("O=a;b,CN=c", CERT_NAME_STR_COMMA_FLAG),
        der_hex("O=\"a;b\",CN=c", 0)
    );
}

#[test]
fn crlf_flag_separates_on_line_breaks_only() {
    assert_eq!(
        der_hex("O=a,b;c\r\nCN=d\nL=e", CERT_NAME_STR_CRLF_FLAG),
        der_hex("O=\"a,b;c\",CN=d,L=e", 0)
    );
}

#[test]
fn no_plus_flag_makes_plus_ordinary() {
    assert_eq!(
        der_hex("CN=a+b", CERT_NAME_STR_NO_PLUS_FLAG),
        der_hex("CN=\"a+b\"", 0)
    );
}

#[test]
fn no_quoting_flag_keeps_quotes() {
    let (name, diags) = parse_subject("CN=\"a\"", CERT_NAME_STR_NO_QUOTING_FLAG);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(
        name.expect("name").iter().next().expect("v").value.value(),
        b"\"a\""
    );
}

#[test]
fn disable_utf8_dir_str_picks_printable_then_bmp() {
    let f = CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG;
    assert_eq!(der_hex("CN=ab", f), "300d310b3009060355040313026162");
    // ë is not printable: BMPString (1e) in UTF-16BE.
    assert_eq!(
        der_hex("CN=ë", f),
        "300d310b30090603550403 1e0200eb".replace(' ', "")
    );
    // …TeletexString (14) with ENABLE_T61_UNICODE, UTF8String with ENABLE_UTF8_UNICODE.
    assert_eq!(
        der_hex("CN=ë", f | CERT_NAME_STR_ENABLE_T61_UNICODE_FLAG),
        "300c310a3008060355040314 01eb".replace(' ', "")
    );
    assert_eq!(
        der_hex("CN=ë", f | CERT_NAME_STR_ENABLE_UTF8_UNICODE_FLAG),
        "300d310b300906035504030c02c3ab"
    );
    // Beyond the BMP: UTF8String.
    assert_eq!(der_hex("CN=😀", f), "300f310d300b06035504030c04f09f9880");
    // C stays PrintableString; FORCE wins over DISABLE (with a warning).
    assert_eq!(der_hex("C=US", f), der_hex("C=US", 0));
    let both = f | CERT_NAME_STR_FORCE_UTF8_DIR_STR_FLAG;
    assert_eq!(der_hex("CN=ab", both), der_hex("CN=ab", 0));
    assert_eq!(warnings("CN=ab", both)[0].code, "x500-name-flags");
}

#[test]
fn force_utf8_is_the_default() {
    assert_eq!(
        der_hex(INF_009, CERT_NAME_STR_FORCE_UTF8_DIR_STR_FLAG),
        REQ_001
    );
}

#[test]
fn unknown_flag_bits_warn() {
    let w = warnings("CN=a", 0x8000_0000 | 0x400);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].code, "x500-name-flags");
    assert!(w[0].message.contains("0x80000400"), "{}", w[0].message);
    // Known bits alone do not warn.
    assert!(
        warnings(
            "CN=a",
            CERT_X500_NAME_STR_FOR_TEST | CERT_NAME_STR_ENABLE_PUNYCODE_FLAG
        )
        .is_empty()
    );
}
const CERT_X500_NAME_STR_FOR_TEST: u32 = 3;

#[test]
fn reverse_and_forward_together_reverse_with_a_warning() {
    let flags = CERT_NAME_STR_REVERSE_FLAG | CERT_NAME_STR_FORWARD_FLAG;
    assert_eq!(der_hex(INF_009, flags), REQ_001);
    assert_eq!(warnings(INF_009, flags).len(), 1);
}

// ---- Attribute names and string types ---------------------------------------------------

#[test]
fn every_documented_name_and_alias_is_accepted() {
    let pairs = [
        ("CN", "2.5.4.3"),
        ("L", "2.5.4.7"),
        ("O", "2.5.4.10"),
        ("OU", "2.5.4.11"),
        ("E", "1.2.840.113549.1.9.1"),
        ("Email", "1.2.840.113549.1.9.1"),
        ("C", "2.5.4.6"),
        ("S", "2.5.4.8"),
        ("ST", "2.5.4.8"),
        ("STREET", "2.5.4.9"),
        ("T", "2.5.4.12"),
        ("Title", "2.5.4.12"),
        ("G", "2.5.4.42"),
        ("GivenName", "2.5.4.42"),
        ("I", "2.5.4.43"),
        ("Initials", "2.5.4.43"),
        ("SN", "2.5.4.4"),
        ("DC", "0.9.2342.19200300.100.1.25"),
        ("SERIALNUMBER", "2.5.4.5"),
        ("POSTALCODE", "2.5.4.17"),
        ("DESCRIPTION", "2.5.4.13"),
        ("UID", "0.9.2342.19200300.100.1.1"),
        ("userid", "0.9.2342.19200300.100.1.1"),
        ("businessCategory", "2.5.4.15"),
        ("pseudonym", "2.5.4.65"),
        ("generationQualifier", "2.5.4.44"),
        ("dnQualifier", "2.5.4.46"),
        ("unstructuredName", "1.2.840.113549.1.9.2"),
        ("unstructuredAddress", "1.2.840.113549.1.9.8"),
    ];
    for (key, oid) in pairs {
        for k in [key.to_string(), key.to_lowercase(), key.to_uppercase()] {
            let (name, diags) = parse_subject(&format!("{k}=AB"), 0);
            let name = name.unwrap_or_else(|| panic!("{k}: {diags:?}"));
            let atv = name.iter().next().expect("value");
            assert_eq!(atv.oid.to_string(), oid, "{k}");
        }
    }
}

#[test]
fn string_types_follow_current_certreq() {
    let tag_of = |s: &str| {
        let (name, d) = parse_subject(s, 0);
        let name = name.unwrap_or_else(|| panic!("{s}: {d:?}"));
        name.iter().next().expect("v").value.tag()
    };
    assert_eq!(tag_of("CN=ab"), Tag::Utf8String);
    assert_eq!(tag_of("O=ab"), Tag::Utf8String);
    assert_eq!(tag_of("2.5.4.15=ab"), Tag::Utf8String);
    assert_eq!(tag_of("C=AB"), Tag::PrintableString);
    assert_eq!(tag_of("SERIALNUMBER=1"), Tag::PrintableString);
    assert_eq!(tag_of("E=a@b"), Tag::Ia5String);
    assert_eq!(tag_of("DC=com"), Tag::Ia5String);
    assert_eq!(tag_of("DC=café"), Tag::Utf8String);
}

#[test]
fn country_must_be_printable_and_should_be_two_letters() {
    let e = one_error("CN=x, C=Ü", 0);
    assert_eq!((e.code, e.range), ("subject-not-printable", 8..10));
    assert!(e.message.contains("CRYPT_E_INVALID_PRINTABLE_STRING"));
    let w = warnings("CN=x, C=USA", 0);
    assert_eq!(
        (w[0].code, w[0].range.clone()),
        ("subject-country-length", 8..11)
    );
    assert_eq!(warnings("C=", 0)[0].code, "subject-country-length");
    assert!(warnings("C=us", 0).is_empty());
}

#[test]
fn email_must_be_ascii() {
    let e = one_error("E=jörg@example.com", 0);
    assert_eq!((e.code, e.range), ("subject-not-ia5", 3..5));
    assert!(e.message.contains("CRYPT_E_INVALID_IA5_STRING"));
}

// ---- Errors, located --------------------------------------------------------------------

#[test]
fn missing_equals() {
    let e = one_error("CN", 0);
    assert_eq!((e.code, e.range), ("subject-missing-equals", 0..2));
    assert!(e.message.contains("CRYPT_E_INVALID_X500_STRING"));
    // An unquoted comma inside a value: the text after it has no `=`.
    let e = one_error("CN=x, O=Example, Inc.", 0);
    assert_eq!(
        (e.code, e.range.clone()),
        ("subject-missing-equals", 17..21)
    );
    assert!(e.help.unwrap_or_default().contains("quote"));
}

#[test]
fn empty_attribute_name() {
    let e = one_error("CN=a, =b", 0);
    assert_eq!((e.code, e.range), ("subject-empty-name", 6..7));
}

#[test]
fn empty_rdns() {
    let e = one_error("CN=a,,O=b", 0);
    assert_eq!((e.code, e.range), ("subject-empty-rdn", 5..6));
    let e = one_error("CN=a+", 0);
    assert_eq!((e.code, e.range), ("subject-empty-rdn", 5..5));
    let e = one_error("CN=a++O=b", 0);
    assert_eq!((e.code, e.range), ("subject-empty-rdn", 5..6));
    let e = one_error(",CN=a", 0);
    assert_eq!((e.code, e.range), ("subject-empty-rdn", 0..1));
}

#[test]
fn trailing_separator_is_ignored_with_a_warning() {
    let w = warnings("CN=a, ", 0);
    assert_eq!(
        (w[0].code, w[0].range.clone()),
        ("subject-trailing-separator", 4..5)
    );
    assert_eq!(der_hex("CN=a, ", 0), der_hex("CN=a", 0));
}

#[test]
fn unterminated_quote() {
    let e = one_error("O=x, CN=\"abc, O=y", 0);
    assert_eq!((e.code, e.range), ("subject-unterminated-quote", 8..9));
}

#[test]
fn junk_after_closing_quote() {
    let e = one_error("CN=\"a\"b c , O=x", 0);
    assert_eq!((e.code, e.range), ("subject-after-quote", 6..9));
}

#[test]
fn unknown_names_suggest_the_certreq_spelling() {
    let e = one_error("CN=a, emailAddress=a@b", 0);
    assert_eq!(
        (e.code, e.range.clone()),
        ("subject-unknown-attribute", 6..18)
    );
    assert_eq!(e.help.as_deref(), Some("did you mean `E`?"));
    let e = one_error("STRET=x", 0);
    assert_eq!(e.help.as_deref(), Some("did you mean `STREET`?"));
    let e = one_error("XYZZY=x", 0);
    assert_eq!(e.range, 0..5);
    assert!(e.help.unwrap_or_default().contains("dotted OID"));
}

#[test]
fn bad_oids() {
    let e = one_error("OID.2.5.=x", 0);
    assert_eq!((e.code, e.range), ("subject-bad-oid", 4..8));
    let e = one_error("1.2..3=x", 0);
    assert_eq!((e.code, e.range), ("subject-bad-oid", 0..6));
    let e = one_error("9.1=x", 0);
    assert_eq!(e.code, "subject-bad-oid");
    let e = one_error("OID.=x", 0);
    assert_eq!((e.code, e.range), ("subject-bad-oid", 4..4));
}

#[test]
fn typographic_quotes_from_corpus_047() {
    // Subject=”CN=server.contoso.com” — the INF layer leaves the U+201D characters in.
    let e = one_error("”CN=server.contoso.com”", 0);
    assert_eq!(
        (e.code, e.range.clone()),
        ("subject-typographic-quote", 0..3)
    );
    assert!(e.message.contains("U+201D"), "{}", e.message);
    assert!(e.message.contains("not a quote"));
    // Inside a value they are characters: a warning.
    let w = warnings("CN=“x”", 0);
    assert_eq!(
        (w[0].code, w[0].range.clone()),
        ("subject-typographic-quote", 3..6)
    );
}

#[test]
fn quote_in_attribute_name() {
    // A subject quoted once too often: `"CN=a, O=b"`.
    let (name, diags) = parse_subject("\"CN=a, O=b\"", 0);
    assert!(name.is_none());
    let errs = errors(&diags);
    assert_eq!(
        (errs[0].code, errs[0].range.clone()),
        ("subject-quoted-name", 0..1)
    );
}

#[test]
fn several_errors_are_all_reported() {
    let (name, diags) = parse_subject("XX=1, C=Ü, CN=\"a\"b", 0);
    assert!(name.is_none());
    let codes: Vec<_> = errors(&diags).iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "subject-unknown-attribute",
            "subject-not-printable",
            "subject-after-quote"
        ]
    );
}

// ---- display ----------------------------------------------------------------------------

#[test]
fn display_uses_written_order() {
    let (name, _) = parse_subject(INF_009, 0);
    assert_eq!(display(&name.expect("name")), INF_009);
    let (name, _) = parse_subject("CN=a + O=b, DC=com, 1.2.3=#ABCD, 1.2.4=x", 0);
    assert_eq!(
        display(&name.expect("name")),
        "CN=a + O=b, DC=com, 1.2.3=#ABCD, 1.2.4=x"
    );
    let (name, _) = parse_subject("CN=\" lead\", O=\"a\"\"b\", L=\"#1\"", 0);
    assert_eq!(
        display(&name.expect("name")),
        "CN=\" lead\", O=\"a\"\"b\", L=\"#1\""
    );
    let (name, _) = parse_subject("CN=ë", CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG);
    assert_eq!(display(&name.expect("name")), "CN=ë");
    assert_eq!(display(&Name::default()), "");
}

#[test]
fn display_round_trips() {
    for s in [
        INF_008,
        INF_009,
        "CN=a\"b",
        "CN=\"x, y\" + SERIALNUMBER=12, O=\"q;r+s=t\", STREET=\"  sp  \"",
        "E=a@b, DC=x, 1.2.3=#00FF, CN=",
    ] {
        let (name, _) = parse_subject(s, 0);
        let name = name.expect("name");
        let shown = display(&name);
        let (again, diags) = parse_subject(&shown, 0);
        assert!(errors(&diags).is_empty(), "{shown}: {diags:?}");
        assert_eq!(again.expect("name"), name, "{s} → {shown}");
    }
}

#[test]
fn display_der_reads_the_encoding_as_display_reads_the_name() {
    for s in [
        INF_008,
        INF_009,
        "CN=a + O=b, DC=com, 1.2.3=#ABCD, 1.2.4=x",
        "CN=\"x, y\" + SERIALNUMBER=12, O=\"q;r+s=t\", STREET=\"  sp  \"",
        "E=a@b, DC=x, 1.2.3=#00FF, CN=",
        "CN=ë",
        "",
    ] {
        let (name, _) = parse_subject(s, 0);
        let name = name.expect("name");
        assert_eq!(
            display_der(&name.to_der().unwrap()).as_deref(),
            Some(display(&name).as_str()),
            "{s}"
        );
    }
    let (name, _) = parse_subject("CN=ë", CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG);
    let der = name.expect("name").to_der().unwrap();
    assert_eq!(display_der(&der).as_deref(), Some("CN=ë"), "BMPString");
    // not a Name: another outer tag, an RDN that is not a SET, an attribute without an OID,
    // bytes after the value, a cut
    for bad in [
        &[0x31, 0x00][..],
        &[0x30, 0x02, 0x30, 0x00],
        &[0x30, 0x06, 0x31, 0x04, 0x30, 0x02, 0x05, 0x00],
        &[
            0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x01, 0x2a, 0x0c, 0x01, 0x61, 0x05, 0x00,
        ],
        &der[..der.len() - 1],
    ] {
        assert_eq!(display_der(bad), None, "{bad:02x?}");
    }
}

// ---- Robustness -------------------------------------------------------------------------

#[test]
fn no_panics_on_malformed_input() {
    let pieces = [
        "", "CN", "=", "\"", "\"\"", "#", "#A", "#AB", " ", ",", ";", "+", "\r", "\n", "OID.",
        "OID.1", "1.", "2.5.4.3", "C", "E", "ë", "😀", "”", "“", "=x", "x", "\u{0}", "\\", "#G",
        "\t", "..", "=\"", "\"=",
    ];
    let flag_sets = [
        0,
        CERT_NAME_STR_SEMICOLON_FLAG,
        CERT_NAME_STR_CRLF_FLAG | CERT_NAME_STR_NO_PLUS_FLAG,
        CERT_NAME_STR_NO_QUOTING_FLAG | CERT_NAME_STR_FORWARD_FLAG,
        CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG | CERT_NAME_STR_ENABLE_T61_UNICODE_FLAG,
        u32::MAX,
    ];
    let mut inputs = Vec::new();
    for a in pieces {
        for b in pieces {
            for c in pieces {
                inputs.push(format!("{a}{b}{c}"));
            }
        }
    }
    for s in &inputs {
        for &flags in &flag_sets {
            let (name, diags) = parse_subject(s, flags);
            for d in &diags {
                assert!(
                    d.range.start <= d.range.end && d.range.end <= s.len(),
                    "{s:?} {d:?}"
                );
                assert!(
                    s.is_char_boundary(d.range.start) && s.is_char_boundary(d.range.end),
                    "{s:?} {d:?}"
                );
                assert!(
                    d.message
                        .starts_with(|c: char| !c.is_uppercase() || d.code == "x500-name-flags")
                        && !d.message.ends_with('.'),
                    "{d:?}"
                );
            }
            match name {
                Some(n) => {
                    assert!(errors(&diags).is_empty());
                    n.to_der().expect("encodes");
                    let _ = display(&n);
                }
                None => assert!(!errors(&diags).is_empty(), "{s:?} failed silently"),
            }
        }
    }
}
