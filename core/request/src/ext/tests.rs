//! Specifications for `[Extensions]` values and the built-in extensions.

use super::*;
use certreq_inf::diag::Severity;
use der::Encode;
use der::asn1::ObjectIdentifier;

fn h(hex: &str) -> Vec<u8> {
    let digits: Vec<u8> = hex
        .bytes()
        .filter(|b| b.is_ascii_hexdigit())
        .map(|b| (b as char).to_digit(16).unwrap() as u8)
        .collect();
    digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect()
}

fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new(s).unwrap()
}

/// Parses and expects success without errors; returns (critical, der, warnings).
fn ok(o: &str, value: &str) -> (bool, Vec<u8>, Vec<LocalDiag>) {
    let (v, diags) = parse_value(&oid(o), value);
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "{o}={value}: unexpected errors {errors:?}"
    );
    let v = v.unwrap_or_else(|| panic!("{o}={value}: no value"));
    (v.critical, v.der, diags)
}

fn der(o: &str, value: &str) -> Vec<u8> {
    let (_, d, diags) = ok(o, value);
    assert!(
        diags.is_empty(),
        "{o}={value}: unexpected diagnostics {diags:?}"
    );
    d
}

/// Parses and expects failure; returns the single error and the text it covers.
fn err<'a>(o: &str, value: &'a str) -> (LocalDiag, &'a str) {
    let (v, diags) = parse_value(&oid(o), value);
    assert!(v.is_none(), "{o}={value}: expected no value");
    let e = diags
        .into_iter()
        .find(|d| d.severity == Severity::Error)
        .unwrap_or_else(|| panic!("{o}={value}: expected an error"));
    let covered = &value[e.range.clone()];
    (e, covered)
}

fn warnings<'a>(
    diags: &[LocalDiag],
    value: &'a str,
    code: certreq_inf::codes::Code,
) -> Vec<&'a str> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Warning && d.code == code)
        .map(|d| &value[d.range.clone()])
        .collect()
}

// ---- §12 conformance vectors --------------------------------------------------------------

#[test]
fn vector_base64_san_without_padding() {
    let d = der(
        "2.5.29.17",
        "MCaCEnd3dzAxLmZhYnJpa2FtLmNvbYIQd3d3LmZhYnJpa2FtLmNvbQ",
    );
    assert_eq!(
        d,
        h("3026 8212 7777773031 2e66616272696b616d2e636f6d 8210 7777772e66616272696b616d2e636f6d")
    );
}

#[test]
fn vector_base64_key_usage() {
    assert_eq!(der("2.5.29.15", "AwIBBg=="), h("03 02 01 06"));
}

#[test]
fn vector_octet_and_asn_othernames() {
    let octet = der("2.5.29.17", "{text}1.2.3.4.6.2={octet}AAECAwQFBgc=");
    assert_eq!(
        octet,
        h("3015 a013 0605 2a03040602 a00a 0408 0001020304050607")
    );
    let asn = der("2.5.29.17", "{text}1.2.3.4.6.3={asn}BAgAAQIDBAUGBw==");
    assert_eq!(
        asn,
        h("3015 a013 0605 2a03040603 a00a 0408 0001020304050607")
    );
    // the same bytes in hex
    assert_eq!(
        der(
            "2.5.29.17",
            "{text}1.2.3.4.6.2={octet}{hex}00 01 02 03 04 05 06 07"
        ),
        octet
    );
    assert_eq!(
        der(
            "2.5.29.17",
            "{text}1.2.3.4.6.3={hex}04 08 00 01 02 03 04 05 06 07"
        ),
        asn
    );
    assert_eq!(
        der(
            "2.5.29.17",
            "{text}1.2.3.4.6.3={asn}{hex}0408 0001020304050607"
        ),
        asn
    );
}

#[test]
fn vector_key_usage_key() {
    let ext = key_usage(key_usage_bits("0xa0").unwrap());
    assert_eq!(ext.extn_id, oid("2.5.29.15"));
    assert!(ext.critical);
    assert_eq!(ext.extn_value.as_bytes(), h("03 02 05 a0"));
    assert_eq!(
        key_usage(key_usage_bits("0x80").unwrap())
            .extn_value
            .as_bytes(),
        h("03 02 07 80")
    );
    assert_eq!(
        key_usage(0xa0).to_der().unwrap(),
        h("300e 0603 551d0f 0101ff 0404 030205a0")
    );
}

#[test]
fn vector_continue_join_with_trailing_ampersands() {
    // "{text}" + "DNS=a&" + "DNS=b&"
    assert_eq!(
        der("2.5.29.17", "{text}DNS=a&DNS=b&"),
        h("3006 8201 61 8201 62")
    );
}

// ---- value forms ---------------------------------------------------------------------------

#[test]
fn critical_prefix_in_any_case_with_hex() {
    let (critical, d, _) = ok("2.5.29.15", "{CRITICAL}{hex}03 02 01 06");
    assert!(critical);
    assert_eq!(d, h("03020106"));
    let (critical, d, _) = ok("2.5.29.15", "{Critical}{Hex}0302\t0106");
    assert!(critical);
    assert_eq!(d, h("03020106"));
    let (critical, _, _) = ok("2.5.29.15", "AwIBBg==");
    assert!(!critical);
}

#[test]
fn base64_whitespace_is_ignored() {
    assert_eq!(der("2.5.29.15", "AwI BBg"), h("03020106"));
}

#[test]
fn bare_word_is_not_base64() {
    // corpus 023 and 024
    let (e, covered) = err("2.5.29.14", "Subject_key_id_AllJoynTest");
    assert_eq!(e.code, codes::EXTENSION_BAD_BASE64);
    assert_eq!(covered, "Subject_key_id_AllJoynTest");
    assert!(e.message.contains("not base64"), "{}", e.message);
    let help = e.help.unwrap();
    assert!(help.contains("{hex}") && help.contains("{text}") && help.contains("base64"));
    let (e, _) = err("2.5.29.35", "Subject_key_id_AllJoynTest");
    assert_eq!(e.code, codes::EXTENSION_BAD_BASE64);
}

#[test]
fn base64_of_something_that_is_not_der() {
    // "abcd" decodes to 69 b7 1d: not a complete TLV
    let (e, covered) = err("2.5.29.14", "{critical}abcd");
    assert_eq!(e.code, codes::EXTENSION_NOT_DER);
    assert_eq!(covered, "abcd");
    // two elements are not one
    let (e, _) = err("2.5.29.15", "{hex}0302010603020106");
    assert_eq!(e.code, codes::EXTENSION_NOT_DER);
}

#[test]
fn hex_errors_point_at_the_digit() {
    let (e, covered) = err("2.5.29.15", "{hex}03 0g 01 06");
    assert_eq!(e.code, codes::EXTENSION_BAD_HEX);
    assert_eq!(covered, "g");
    let (e, covered) = err("2.5.29.15", "{hex}03 02 01 0");
    assert_eq!(e.code, codes::EXTENSION_BAD_HEX);
    assert_eq!(covered, "0");
    assert_eq!(e.range, 14..15);
}

#[test]
fn octet_and_utf8_forms_at_top_level() {
    assert_eq!(
        der("1.2.3.4", "{octet}AAECAwQFBgc="),
        h("0408 0001020304050607")
    );
    assert_eq!(der("1.2.3.4", "{octet}{hex}0001"), h("0402 0001"));
    assert_eq!(der("1.2.3.4", "{utf8}Hi"), h("0c02 4869"));
    assert_eq!(
        der("1.2.3.4", "{asn}BAgAAQIDBAUGBw"),
        h("0408 0001020304050607")
    );
}

#[test]
fn empty_and_unknown_prefix() {
    let (e, _) = err("2.5.29.15", "{critical}");
    assert_eq!(e.code, codes::EXTENSION_EMPTY);
    let (e, covered) = err("2.5.29.15", "{bin}0101");
    assert_eq!(e.code, codes::EXTENSION_UNKNOWN_PREFIX);
    assert_eq!(covered, "{bin}");
}

#[test]
fn text_for_an_oid_without_grammar() {
    let (e, covered) = err("2.5.29.14", "{critical}{text}abc");
    assert_eq!(e.code, codes::EXTENSION_NO_TEXT_GRAMMAR);
    assert_eq!(covered, "{text}");
    assert!(e.help.unwrap().contains("{hex}"));
}

// ---- SAN -----------------------------------------------------------------------------------

#[test]
fn san_dns_and_ip_addresses() {
    // TextExtension doc example
    assert_eq!(
        der(
            "2.5.29.17",
            "{text}DNS=localhost&IPAddress=127.0.0.1&IPAddress=::1"
        ),
        h("3023 8209 6c6f63616c686f7374 8704 7f000001 8710 00000000000000000000000000000001")
    );
}

#[test]
fn san_every_simple_token() {
    assert_eq!(
        der("2.5.29.17", "{text}email=a@b.c"),
        h("3007 8105 6140622e63")
    );
    assert_eq!(
        der("2.5.29.17", "{text}UPN=u@x"),
        h("3015 a013 060a 2b060104018237140203 a005 0c03 754078")
    );
    assert_eq!(
        der("2.5.29.17", "{text}url=http://x"),
        h("300a 8608 687474703a2f2f78")
    );
    assert_eq!(
        der("2.5.29.17", "{text}RegisteredId=1.2.3.4"),
        h("3005 8803 2a0304")
    );
    assert_eq!(
        der("2.5.29.17", "{text}1.2.3.4.6.1={utf8}String"),
        h("3013 a011 0605 2a03040601 a008 0c06 537472696e67")
    );
    // an otherName without a prefix is a UTF8String too
    assert_eq!(
        der("2.5.29.17", "{text}1.2.3.4.6.1=String"),
        h("3013 a011 0605 2a03040601 a008 0c06 537472696e67")
    );
    // issuer alternative name takes the same grammar
    assert_eq!(der("2.5.29.18", "{text}dns=a"), h("3003 8201 61"));
}

#[test]
fn san_guid_matches_corpus_007_base64() {
    // corpus 007 gives this SAN as base64: dNSName + GUID otherName (DC object GUID)
    let base64 = der(
        "2.5.29.17",
        "MDiCFURDNC5sb3JlLnVuaS1kdWJuYS5ydaAfBgkrBgEEAYI3GQGgEgQQhePOUDQ+7Uy5GtDgYOzldA==",
    );
    let text = der(
        "2.5.29.17",
        "{text}dns=DC4.lore.uni-dubna.ru&guid={50cee385-3e34-4ced-b91a-d0e060ece574}",
    );
    assert_eq!(text, base64);
    assert_eq!(
        der("2.5.29.17", "{text}guid=50cee3853e344cedb91ad0e060ece574"),
        h("3021 a01f 0609 2b0601040182371901 a012 0410 85e3ce50343eed4cb91ad0e060ece574")
    );
}

#[test]
fn san_token_names_ignore_case_blanks_and_spaces() {
    let d = der(
        "2.5.29.17",
        "{text} dns = a & iPAddress=1.2.3.4 & IP Address = 1.2.3.4 &",
    );
    assert_eq!(d, h("300f 8201 61 8704 01020304 8704 01020304"));
}

#[test]
fn san_bad_ip_address_is_an_error_at_the_value() {
    let (e, covered) = err("2.5.29.17", "{text}dns=a&IPAddress=300.1.1.1");
    assert_eq!(e.code, codes::EXTENSION_BAD_TOKEN);
    assert_eq!(covered, "300.1.1.1");
}

#[test]
fn san_unknown_token_lists_the_valid_ones() {
    let (e, covered) = err("2.5.29.17", "{text}dns=a&host=b");
    assert_eq!(e.code, codes::EXTENSION_UNKNOWN_TOKEN);
    assert_eq!(covered, "host");
    let help = e.help.unwrap();
    assert!(help.contains("DNS=") && help.contains("IPAddress=") && help.contains("&"));
}

#[test]
fn san_without_name_value_pairs() {
    // corpus 026 and 030: unexpanded script placeholders
    let (e, covered) = err("2.5.29.17", "{text}$subjectAltName");
    assert_eq!(e.code, codes::EXTENSION_UNKNOWN_TOKEN);
    assert_eq!(covered, "$subjectAltName");
    assert!(e.help.unwrap().contains("placeholder"));
    let (_, covered) = err("2.5.29.17", "{text}##DNSSAN##");
    assert_eq!(covered, "##DNSSAN##");
    // corpus 048: nothing after {text}
    let (e, _) = err("2.5.29.17", "{text}");
    assert_eq!(e.code, codes::EXTENSION_EMPTY);
}

#[test]
fn san_non_ascii_dns_is_an_error() {
    let (e, covered) = err("2.5.29.17", "{text}dns=bücher.example");
    assert_eq!(covered, "bücher.example");
    assert!(e.help.unwrap().contains("punycode"));
}

#[test]
fn missing_ampersand_corpus_036_glues_but_warns() {
    let value = "{text}DNS=example.comDNS=www.example.comIP Address=192.168.1.1";
    let (_, d, diags) = ok("2.5.29.17", value);
    // certreq makes one DNS name of the whole run
    let glued = "example.comDNS=www.example.comIP Address=192.168.1.1";
    let mut expected = vec![0x30, (glued.len() + 2) as u8, 0x82, glued.len() as u8];
    expected.extend_from_slice(glued.as_bytes());
    assert_eq!(d, expected);
    assert_eq!(
        warnings(&diags, value, codes::MISSING_AMPERSAND),
        ["DNS=", "IP Address="]
    );
    let w = diags
        .iter()
        .find(|d| d.code == codes::MISSING_AMPERSAND)
        .unwrap();
    assert!(w.help.as_deref().unwrap().contains("joined with `&`"));
    // no further complaints about the DNS pieces themselves
    assert!(warnings(&diags, value, codes::DNS_NAME_CHARACTERS).is_empty());
}

#[test]
fn missing_ampersand_corpus_032_and_ip_in_dns() {
    let value = "{text}DNS=$fqdn&DNS=$shortNameDNS=$ip";
    let (_, _, diags) = ok("2.5.29.17", value);
    assert_eq!(warnings(&diags, value, codes::MISSING_AMPERSAND), ["DNS="]);
    // the unexpanded PowerShell variables are not host names
    assert_eq!(
        warnings(&diags, value, codes::DNS_NAME_CHARACTERS),
        ["$fqdn", "$shortName", "$ip"]
    );
    // once the script has filled them in: the IP address sits in a DNS= entry
    let value = "{text}DNS=host.example.com&DNS=hostDNS=10.0.0.5";
    let (_, _, diags) = ok("2.5.29.17", value);
    assert_eq!(warnings(&diags, value, codes::MISSING_AMPERSAND), ["DNS="]);
    assert_eq!(
        warnings(&diags, value, codes::DNS_NAME_CHARACTERS),
        ["10.0.0.5"]
    );
    let value = "{text}dns=10.0.0.5";
    let (_, _, diags) = ok("2.5.29.17", value);
    let w = diags
        .iter()
        .find(|d| d.code == codes::DNS_NAME_CHARACTERS)
        .unwrap();
    assert_eq!(&value[w.range.clone()], "10.0.0.5");
    assert!(w.help.as_deref().unwrap().contains("IPAddress=10.0.0.5"));
}

#[test]
fn dns_name_with_a_space_warns() {
    let value = "{text}dns=my host.example.com";
    let (_, _, diags) = ok("2.5.29.17", value);
    assert_eq!(
        warnings(&diags, value, codes::DNS_NAME_CHARACTERS),
        ["my host.example.com"]
    );
    // wildcards, hyphens and underscores are fine
    assert!(
        ok(
            "2.5.29.17",
            "{text}dns=*.ex-ample.com&dns=_ldap.example.com"
        )
        .2
        .is_empty()
    );
}

#[test]
fn bad_guid_and_registered_id() {
    let (_, covered) = err("2.5.29.17", "{text}guid=1234");
    assert_eq!(covered, "1234");
    let (_, covered) = err("2.5.29.17", "{text}registeredid=serverAuth");
    assert_eq!(covered, "serverAuth");
}

#[test]
fn other_name_with_bad_asn() {
    let (e, covered) = err("2.5.29.17", "{text}dns=a&1.2.3={asn}abcd&dns=b");
    assert_eq!(e.code, codes::EXTENSION_NOT_DER);
    assert_eq!(covered, "{asn}abcd");
}

#[test]
fn san_directory_name() {
    let d = der("2.5.29.17", "{text}DirectoryName=CN=a");
    // [4] EXPLICIT Name: SEQUENCE { SET { SEQUENCE { 2.5.4.3, UTF8String "a" } } }
    assert_eq!(d, h("3010 a40e 300c 310a 3008 0603 550403 0c01 61"));
}

// ---- EKU -----------------------------------------------------------------------------------

#[test]
fn eku_list_with_blanks_and_trailing_comma() {
    // corpus 035 ends the first line with a comma
    let expected = h("3014 0608 2b06010505070301 0608 2b06010505070302");
    assert_eq!(
        der("2.5.29.37", "{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2"),
        expected
    );
    assert_eq!(
        der(
            "2.5.29.37",
            "{text} 1.3.6.1.5.5.7.3.1 , 1.3.6.1.5.5.7.3.2 ,"
        ),
        expected
    );
}

#[test]
fn eku_names_are_refused_with_a_hint() {
    let (e, covered) = err("2.5.29.37", "{text}1.3.6.1.5.5.7.3.1, serverAuth");
    assert_eq!(covered, "serverAuth");
    assert!(e.help.unwrap().contains("1.3.6.1.5.5.7.3.1"));
    let (e, covered) = err("2.5.29.37", "{text}%szOID_CODE_SIGN%");
    assert_eq!(covered, "%szOID_CODE_SIGN%");
    assert!(e.help.unwrap().contains("[Strings]"));
    let (e, _) = err("2.5.29.37", "{text},");
    assert_eq!(e.code, codes::EXTENSION_EMPTY);
}

// ---- basic constraints ---------------------------------------------------------------------

#[test]
fn basic_constraints_forms() {
    assert_eq!(der("2.5.29.19", "{text}"), h("3000"));
    assert_eq!(
        der("2.5.29.19", "{text}ca=true&pathlength=0"),
        h("3006 0101ff 020100")
    );
    assert_eq!(der("2.5.29.19", "{text}CA=TRUE"), h("3003 0101ff"));
    assert_eq!(
        der("2.5.29.19", "{text}ca=1&pathlength=12"),
        h("3006 0101ff 02010c")
    );
    assert_eq!(der("2.5.29.19", "{text}CA=false"), h("3000"));
    let (critical, d, _) = ok("2.5.29.19", "{critical}{text}ca=true&pathlength=2");
    assert!(critical);
    assert_eq!(d, h("3006 0101ff 020102"));
}

#[test]
fn basic_constraints_corpus_015_path_length_with_a_space() {
    let value = "{text}ca=0&path length=0";
    let (_, d, diags) = ok("2.5.29.19", value);
    // the path length is dropped: RFC 5280 allows it only for a CA
    assert_eq!(d, h("3000"));
    assert_eq!(
        warnings(&diags, value, codes::EXTENSION_SUSPICIOUS_VALUE),
        ["path length=0"]
    );
}

/// certreq takes OpenSSL's syntax and writes a critical, empty basic constraints extension
/// (the certificate it made from corpus INF 001: `30 0c 06 03 55 1d 13 01 01 ff 04 02 30 00`);
/// so does this, with a warning that says so.
#[test]
fn basic_constraints_openssl_syntax_corpus_001() {
    let value = "{text}critical, CA:TRUE";
    let (critical, d, diags) = ok("2.5.29.19", value);
    assert!(critical, "critical, as certreq wrote it");
    assert_eq!(d, h("3000"), "cA false, no path length");
    assert_eq!(
        warnings(&diags, value, codes::EXTENSION_SUSPICIOUS_VALUE),
        ["critical, CA:TRUE"]
    );
    let w = &diags[0];
    assert!(
        w.message.contains("OpenSSL") && w.message.contains("not a CA"),
        "{}",
        w.message
    );
    assert!(
        w.help
            .as_deref()
            .unwrap()
            .contains("{critical}{text}ca=true&pathlength=0")
    );
    // without the word, not critical
    let (critical, d, _) = ok("2.5.29.19", "{text}CA:TRUE, pathlen:0");
    assert!(!critical);
    assert_eq!(d, h("3000"));
}

#[test]
fn basic_constraints_errors() {
    let (e, covered) = err("2.5.29.19", "{text}ca=0pathlength=3");
    assert_eq!(covered, "0pathlength=3");
    assert!(e.help.unwrap().contains("&"));
    let (_, covered) = err("2.5.29.19", "{text}ca=maybe");
    assert_eq!(covered, "maybe");
    let (_, covered) = err("2.5.29.19", "{text}ca=1&pathlength=300");
    assert_eq!(covered, "300");
    let (e, covered) = err("2.5.29.19", "{text}ca=1&depth=3");
    assert_eq!(e.code, codes::EXTENSION_UNKNOWN_TOKEN);
    assert_eq!(covered, "depth");
}

// ---- policies, mappings, name constraints, key usage ----------------------------------------

#[test]
fn certificate_policies_with_notice_and_url() {
    let expected = h("3031 302f 0603 2a0304 3028 \
         3010 0608 2b06010505070202 3004 0c02 4869 \
         3014 0608 2b06010505070201 1608 687474703a2f2f78");
    assert_eq!(
        der("2.5.29.32", "{text}OID=1.2.3.4&Notice=Hi&URL=http://x"),
        expected
    );
    // application policies share the syntax
    assert_eq!(
        der(
            "1.3.6.1.4.1.311.21.10",
            "{text}oid=1.3.6.1.5.5.7.3.1&oid=1.3.6.1.5.5.7.3.2"
        ),
        h("3018 300a 0608 2b06010505070301 300a 0608 2b06010505070302")
    );
}

#[test]
fn policy_flags_and_guid_are_accepted_with_a_warning() {
    let value = "{text}OID=1.2.3.4&Flags=0x1&GUID={50cee385-3e34-4ced-b91a-d0e060ece574}";
    let (_, d, diags) = ok("2.5.29.32", value);
    assert_eq!(d, h("3007 3005 0603 2a0304"));
    assert_eq!(
        warnings(&diags, value, codes::EXTENSION_TOKEN_NO_EFFECT),
        ["Flags=0x1", "GUID={50cee385-3e34-4ced-b91a-d0e060ece574}"]
    );
}

#[test]
fn policy_qualifier_before_oid() {
    let (_, covered) = err("2.5.29.32", "{text}Notice=Hi&OID=1.2.3.4");
    assert_eq!(covered, "Notice");
    let (_, covered) = err("2.5.29.32", "{text}OID=anyPolicy");
    assert_eq!(covered, "anyPolicy");
}

#[test]
fn policy_mappings() {
    let expected = h("300c 300a 0603 2a0304 0603 2a0305");
    assert_eq!(der("2.5.29.33", "{text}1.2.3.4=1.2.3.5"), expected);
    assert_eq!(
        der("1.3.6.1.4.1.311.21.11", "{text}1.2.3.4 = 1.2.3.5&"),
        expected
    );
    let (_, covered) = err("2.5.29.33", "{text}1.2.3.4=x");
    assert_eq!(covered, "x");
}

#[test]
fn name_constraints_include_and_exclude() {
    let d = der(
        "2.5.29.30",
        "{text}subtree=include&DNS=example.com&IPAddress=10.0.0.0,255.0.0.0&subtree=Exclude&Email=bad.com",
    );
    assert_eq!(
        d,
        h(
            "302a a01b 300d 820b 6578616d706c652e636f6d 300a 8708 0a000000ff000000 \
           a10b 3009 8107 6261642e636f6d"
        )
    );
    let (_, covered) = err("2.5.29.30", "{text}subtree=include&IPAddress=10.0.0.0");
    assert_eq!(covered, "10.0.0.0");
    let (_, covered) = err("2.5.29.30", "{text}DNS=example.com");
    assert_eq!(covered, "DNS");
    let (_, covered) = err("2.5.29.30", "{text}subtree=maybe");
    assert_eq!(covered, "maybe");
}

#[test]
fn name_constraints_ipv6_mask_is_32_octets() {
    let d = der("2.5.29.30", "{text}subtree=include&IPAddress=fd00::,ffff::");
    assert_eq!(d.len(), 2 + 2 + 2 + 2 + 32);
    assert_eq!(&d[6..8], &[0x87, 32]);
}

#[test]
fn key_usage_text_form() {
    let (critical, d, _) = ok(
        "2.5.29.15",
        "{critical}{text}CERT_KEY_CERT_SIGN_KEY_USAGE | CERT_CRL_SIGN_KEY_USAGE",
    );
    assert!(critical);
    assert_eq!(d, h("03020106"));
    let (_, covered) = err("2.5.29.15", "{text}0x80|CERT_SIGN");
    assert_eq!(covered, "CERT_SIGN");
}

// ---- KeyUsage key and builders --------------------------------------------------------------

#[test]
fn key_usage_key_syntax() {
    assert_eq!(key_usage_bits("0xa0"), Ok(0xa0));
    assert_eq!(key_usage_bits("0XA0"), Ok(0xa0));
    assert_eq!(key_usage_bits("160"), Ok(0xa0));
    assert_eq!(key_usage_bits("\"0x0000\""), Ok(0));
    assert_eq!(
        key_usage_bits("CERT_DIGITAL_SIGNATURE_KEY_USAGE | CERT_KEY_ENCIPHERMENT_KEY_USAGE"),
        Ok(0xa0)
    );
    assert_eq!(
        key_usage_bits("\"CERT_DIGITAL_SIGNATURE_KEY_USAGE|0x20|CERT_DECIPHER_ONLY_KEY_USAGE\""),
        Ok(0x80a0)
    );
    assert_eq!(key_usage_bits("cert_offline_crl_sign_key_usage"), Ok(0x02));
    let value = "CERT_DIGITAL_SIGNATURE_KEY_USAGE | CERT_BOGUS_KEY_USAGE";
    let e = key_usage_bits(value).unwrap_err();
    assert_eq!(&value[e.range.clone()], "CERT_BOGUS_KEY_USAGE");
    assert!(e.help.unwrap().contains("CERT_KEY_ENCIPHERMENT_KEY_USAGE"));
    let value = "0xa0 |";
    let e = key_usage_bits(value).unwrap_err();
    assert_eq!(e.range, 6..6);
    let e = key_usage_bits("0x10000").unwrap_err();
    assert_eq!(e.range, 0..7);
    assert!(key_usage_bits("").is_err());
}

#[test]
fn key_usage_bit_strings_are_minimal() {
    assert_eq!(builtin::key_usage_der(0xa0), h("03 02 05 a0"));
    assert_eq!(builtin::key_usage_der(0x80), h("03 02 07 80"));
    assert_eq!(builtin::key_usage_der(0xf0), h("03 02 04 f0"));
    assert_eq!(builtin::key_usage_der(0x06), h("03 02 01 06"));
    assert_eq!(builtin::key_usage_der(0x01), h("03 02 00 01"));
    assert_eq!(builtin::key_usage_der(0x8000), h("03 03 07 00 80"));
    assert_eq!(builtin::key_usage_der(0x8001), h("03 03 07 01 80"));
    assert_eq!(builtin::key_usage_der(0), h("03 01 00"));
    // x509-cert reads our layout back as the named bits we meant
    let ku: x509_cert::ext::pkix::KeyUsage =
        der::Decode::from_der(&builtin::key_usage_der(0x80a0)).unwrap();
    assert!(ku.digital_signature() && ku.key_encipherment() && ku.decipher_only());
    assert!(!ku.non_repudiation() && !ku.encipher_only());
}

#[test]
fn extended_key_usage_builder() {
    let ext = extended_key_usage(&[oid("1.3.6.1.5.5.7.3.3")], false);
    assert_eq!(ext.extn_id, oid("2.5.29.37"));
    assert!(!ext.critical);
    // corpus req/003 (codeSigning)
    assert_eq!(ext.extn_value.as_bytes(), h("300A06082B06010505070303"));
    assert!(extended_key_usage(&[], true).critical);
}

#[test]
fn smime_capabilities_match_corpus_req_001() {
    let ext = smime_capabilities();
    assert_eq!(ext.extn_id, oid("1.2.840.113549.1.9.15"));
    assert!(!ext.critical);
    assert_eq!(
        ext.extn_value.as_bytes(),
        h(
            "3035300E06082A864886F70D030202020080300E06082A864886F70D030402020080\
           300706052B0E030207300A06082A864886F70D0307"
        )
    );
}

/// The RSA-2048 SubjectPublicKeyInfo of corpus req/001.
const REQ_001_SPKI: &str = "30820122300d06092a864886f70d01010105000382010f003082010a0282010100a8a85ae656f25f5a6370835e80481b8daba1c5c8f2e2ef53e5c45cd6e618bd957d498cf8fbac97462c2c2ab53e1ae35ebd73663115618b175a3737623c0e8e408b800fd1c513f96f3d9ecfb14011006ed22233b9ff7f5f1de4a46e1b689ba9a276271481d14dcfc2e2b89a8e9f1807a0ef32640381a2502bbbef01680d8bed722d05b16e33d1d8b07bd08a5c05d73711a06e3f038211f5000f17e6ef4821205712d92d09adf0e64d2a9555edcaa40d998530c642dc331141c06aa6fcab955945795112613b20e2881ace33f69edf13a7882366404c0ccb947b76af1b91c404224a568a93a07f642738c239cdf870964810c90eada670f30fd8fb81c081d785890203010001";

#[test]
fn subject_key_identifier_matches_corpus_req_001() {
    let ext = subject_key_identifier(&h(REQ_001_SPKI));
    assert_eq!(ext.extn_id, oid("2.5.29.14"));
    assert!(!ext.critical);
    assert_eq!(
        ext.extn_value.as_bytes(),
        h("0414 93D593DFFD15B45F28F6F04C7756CB0DD801DABF")
    );
}

#[test]
fn to_extension_ors_criticality() {
    let (v, _) = parse_value(&oid("2.5.29.17"), "{text}dns=a");
    let ext = v.unwrap().to_extension(oid("2.5.29.17"), true).unwrap();
    assert!(ext.critical);
    assert_eq!(ext.extn_value.as_bytes(), h("3003 8201 61"));
}

// ---- every 2.5.29.* value in the corpus ----------------------------------------------------

#[test]
fn corpus_values() {
    // (file, oid, value as the INF reader hands it over, accepted?)
    let cases: &[(&str, &str, &str, bool)] = &[
        ("001", "2.5.29.19", "{text}critical, CA:TRUE", true),
        (
            "003",
            "2.5.29.17",
            "{text}dns=*.example.com&dns=example.com&",
            true,
        ),
        (
            "007",
            "2.5.29.17",
            "MDiCFURDNC5sb3JlLnVuaS1kdWJuYS5ydaAfBgkrBgEEAYI3GQGgEgQQhePOUDQ+7Uy5GtDgYOzldA==",
            true,
        ),
        (
            "011",
            "2.5.29.17",
            "{text}dns=sts.tailspintoys.ca&dns=legacy.tailspintoys.ca&dns=zorg.tailspintoys.ca&",
            true,
        ),
        (
            "013",
            "2.5.29.17",
            "{text}dns=$san1&dns=$san2&dns=$san3&dns=$san4&dns=$san5&dns=$san6&dns=$san7&dns=$san8&dns=$san9&dns=$san10&dns=$san11&dns=$san12&dns=$san13&dns=$san14&dns=$san15&dns=$san16&dns=$san17&dns=$san18&dns=$san19&dns=$san20",
            true,
        ),
        (
            "014",
            "2.5.29.17",
            "{text}dns=$fqdn&IPAddress=$IPaddr&",
            false,
        ),
        ("015", "2.5.29.37", "{text}1.3.6.1.5.5.7.3.3", true),
        ("015", "2.5.29.19", "{text}ca=0&path length=0", true),
        ("017", "2.5.29.17", "{text}dns=www.makemepassword.org", true),
        (
            "017",
            "2.5.29.37",
            "{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2",
            true,
        ),
        (
            "018",
            "2.5.29.17",
            "{text}DNS=bshwjtfn.bshwjt.com&iPAddress=20.49.104.56",
            true,
        ),
        ("019", "2.5.29.17", "{text}dns=name.contoso.com&", true),
        (
            "021",
            "2.5.29.17",
            "{text}dns=$ShortName&dns=$CertName&",
            true,
        ),
        (
            "022",
            "2.5.29.17",
            "{text}dns=intranet.miscomanditos.loc",
            true,
        ),
        ("023", "2.5.29.14", "Subject_key_id_AllJoynTest", false),
        ("024", "2.5.29.35", "Subject_key_id_AllJoynTest", false),
        ("026", "2.5.29.17", "{text}$subjectAltName", false),
        (
            "027",
            "2.5.29.17",
            "{text}DNS=$FederationServiceName&DNS=certauth.$FederationServiceName&DNS=enterpriseregistration.$DomainName&",
            true,
        ),
        ("027", "2.5.29.37", "{text}1.3.6.1.5.5.7.3.1", true),
        (
            "028",
            "2.5.29.37",
            "{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2",
            true,
        ),
        (
            "029",
            "2.5.29.17",
            "{text}DNS={LDAPSAN}&DNS={HOSTSAN}&DNS={DOMAINSAN}&DNS={NBNSAN}&",
            true,
        ),
        ("030", "2.5.29.17", "{text}##DNSSAN##", false),
        ("031", "2.5.29.37", "{text}1.3.6.1.4.1.311.80.1", true),
        (
            "032",
            "2.5.29.17",
            "{text}DNS=$fqdn&DNS=$shortNameDNS=$ip",
            true,
        ),
        (
            "035",
            "2.5.29.37",
            "{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2",
            true,
        ),
        (
            "036",
            "2.5.29.17",
            "{text}DNS=example.comDNS=www.example.comIP Address=192.168.1.1",
            true,
        ),
        (
            "043",
            "2.5.29.17",
            "{text}dns=app.tudominio.corp&dns=nombre2.tudominio.copr&",
            true,
        ),
        (
            "046",
            "2.5.29.17",
            "{text}dns=www.intra.tmctests.internal",
            true,
        ),
        ("048", "2.5.29.17", "{text}", false),
        ("049", "2.5.29.17", "{text}dns=[REPLACEME]", true),
        (
            "049",
            "2.5.29.37",
            "{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2",
            true,
        ),
    ];
    for (file, o, value, accepted) in cases {
        let (v, diags) = parse_value(&oid(o), value);
        assert_eq!(
            v.is_some(),
            *accepted,
            "corpus {file} {o}={value}: {diags:?}"
        );
        for d in &diags {
            assert!(
                d.range.end <= value.len() && d.range.start <= d.range.end,
                "{file}: {d:?}"
            );
            assert!(
                d.message.starts_with(|c: char| !c.is_uppercase()) && !d.message.ends_with('.'),
                "{file}: {}",
                d.message
            );
        }
        if !accepted {
            assert!(
                diags.iter().any(|d| d.severity == Severity::Error),
                "{file}"
            );
        }
    }
}

#[test]
fn hostile_values_never_panic() {
    let oids = [
        "2.5.29.17",
        "2.5.29.18",
        "2.5.29.37",
        "2.5.29.19",
        "2.5.29.32",
        "2.5.29.33",
        "2.5.29.30",
        "2.5.29.15",
        "1.3.6.1.4.1.311.21.10",
        "2.5.29.14",
    ];
    let pieces = [
        "",
        "{critical}",
        "{text}",
        "{hex}",
        "{asn}",
        "{octet}",
        "{utf8}",
        "{",
        "}",
        "&",
        "=",
        ",",
        "|",
        " ",
        "é",
        "日本=",
        "dns=",
        "DNSé=",
        "IP Address=",
        "ip address=",
        "0x",
        "ca=",
        "pathlength=",
        "subtree=include",
        "OID=",
        "Notice=",
        "1.2.3=",
        "{hex}0",
        "==",
        "%x%",
        "guid={",
        "::1",
        "1.2.3.4,255.0.0.0",
        "\u{0}",
        "\t",
    ];
    let mut seed: u32 = 1;
    for _ in 0..4000 {
        let mut value = String::new();
        for _ in 0..6 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            value.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
        }
        for o in oids {
            let (_, diags) = parse_value(&oid(o), &value);
            for d in diags {
                assert!(value.get(d.range.clone()).is_some(), "{o}={value:?}: {d:?}");
            }
        }
        let _ = key_usage_bits(&value);
    }
}

// ---- an independent decoder ----------------------------------------------------------------

#[test]
fn openssl_parses_san_eku_and_basic_constraints() {
    use std::process::{Command, Stdio};
    let Some(openssl) = certreq_testsupport::tool("openssl") else {
        return;
    };
    let values = [
        (
            "2.5.29.17",
            "{text}DNS=www.example.com&IPAddress=10.1.2.3&IPAddress=::1&UPN=u@example.com&Email=a@example.com&URL=http://example.com/&guid={50cee385-3e34-4ced-b91a-d0e060ece574}&1.2.3.4={utf8}x",
        ),
        ("2.5.29.37", "{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2"),
        ("2.5.29.19", "{critical}{text}ca=true&pathlength=0"),
        (
            "2.5.29.32",
            "{text}OID=1.2.3.4&Notice=Hello&URL=http://example.com/cps",
        ),
        (
            "2.5.29.30",
            "{text}subtree=include&DNS=example.com&IPAddress=10.0.0.0,255.0.0.0",
        ),
    ];
    for (o, value) in values {
        let (v, diags) = parse_value(&oid(o), value);
        let v = v.unwrap_or_else(|| panic!("{value}: {diags:?}"));
        let ext = v.to_extension(oid(o), false).unwrap();
        for bytes in [v.der.clone(), ext.to_der().unwrap()] {
            let mut child = Command::new(&openssl)
                .args(["asn1parse", "-inform", "DER", "-i"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&bytes).unwrap();
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{o}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!text.contains("Error"), "{o}: {text}");
            // the outermost element spans all the bytes
            let first = text.lines().next().unwrap_or("");
            assert!(first.contains("d=0"), "{o}: {text}");
        }
    }
}
