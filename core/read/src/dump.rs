//! "Decode anything": certificates, PKCS #10 requests, PKCS #7 / CMS SignedData (certs-only,
//! CMC requests and responses), CRLs, public and private keys (never their secret material),
//! PFX files, and any other DER as a generic ASN.1 tree.
//!
//! The result is a tree of labelled values ([`Dump`]) that the web app shows as is and
//! [`render_text`] prints in the manner of `openssl req -text` / `certutil -dump`.
//! Decoding never fails on DER: what does not decode shows as an error line plus hex.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{Any, BitString, OctetString, SetOfVec};
use der::{Decode, Encode, SliceReader, Tag, Tagged};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::attr::Attribute;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::name::Name;
use x509_cert::time::Time;

use certreq_pkix::cert::hex_upper;
use certreq_pkix::cmc::{PkiData, PkiResponse, StatusInfo, TaggedAttribute};
use certreq_pkix::oid::{
    self, ID_CCT_PKI_DATA, ID_CCT_PKI_RESPONSE, ID_DATA, ID_SIGNED_DATA, ObjectIdentifier,
};
use certreq_pkix::pem;

/// `RSA 2048`, `ECC P-256`… of a decoded key.
fn key_description(spki: &SubjectPublicKeyInfoOwned) -> String {
    certreq_pkix::spki::key_description(&spki.to_der().unwrap_or_default())
}

/// One line of the tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    pub label: String,
    pub value: String,
    pub children: Vec<Node>,
}

impl Node {
    /// A leaf line.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Node {
            label: label.into(),
            value: value.into(),
            children: Vec::new(),
        }
    }

    /// A line with children.
    pub fn parent(label: impl Into<String>, value: impl Into<String>, children: Vec<Node>) -> Self {
        Node {
            label: label.into(),
            value: value.into(),
            children,
        }
    }
}

/// A decoded object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dump {
    /// `certificate`, `certificate request`, `CMC request`, `CMC response`, `PKCS #7`,
    /// `CRL`, `private key`, `encrypted private key`, `public key`, `PFX`, `ASN.1`;
    /// `certificate bundle` for several blocks each of which carries certificates (a
    /// certificate, PKCS #7 or a CMC response: what a CA answers), `PEM bundle` for several
    /// blocks of other kinds or mixed ones.
    pub kind: &'static str,
    /// A one-line summary (`Certificate: CN=…`).
    pub title: String,
    pub nodes: Vec<Node>,
}

/// Every [`Dump::kind`] there is.
pub const KINDS: &[&str] = &[
    "certificate",
    "certificate request",
    "CMC request",
    "CMC response",
    "PKCS #7",
    "CRL",
    "private key",
    "encrypted private key",
    "public key",
    "PFX",
    "ASN.1",
    "certificate bundle",
    "PEM bundle",
];

/// Why nothing could be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DumpError {
    Armor(pem::ArmorError),
}

impl core::fmt::Display for DumpError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DumpError::Armor(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for DumpError {}

/// Decodes PEM (any label, several blocks), base64 or DER.
pub fn dump(bytes: &[u8]) -> Result<Dump, DumpError> {
    let blocks = pem::read(bytes).map_err(DumpError::Armor)?;
    let mut dumps: Vec<(Option<String>, Dump)> = blocks
        .into_iter()
        .map(|b| (b.label, dump_der(&b.der)))
        .collect();
    if dumps.len() == 1
        && let Some((label, mut d)) = dumps.pop()
    {
        if let Some(label) = label {
            d.nodes.insert(0, Node::new("PEM label", label));
        }
        return Ok(d);
    }
    let n = dumps.len();
    let answer = dumps
        .iter()
        .all(|(_, d)| matches!(d.kind, "certificate" | "PKCS #7" | "CMC response"));
    let nodes = dumps
        .into_iter()
        .enumerate()
        .map(|(i, (label, d))| {
            let mut children = d.nodes;
            if let Some(label) = label {
                children.insert(0, Node::new("PEM label", label));
            }
            Node::parent(format!("Block {}", i + 1), d.title, children)
        })
        .collect();
    Ok(Dump {
        kind: if answer {
            "certificate bundle"
        } else {
            "PEM bundle"
        },
        title: format!("{n} PEM blocks"),
        nodes,
    })
}

/// Decodes one DER object; falls back to a generic ASN.1 tree.
pub fn dump_der(der: &[u8]) -> Dump {
    if let Ok(cert) = x509_cert::Certificate::from_der(der) {
        return Dump {
            kind: "certificate",
            title: format!(
                "Certificate: {}",
                certreq_pkix::name::display(cert.tbs_certificate().subject())
            ),
            nodes: certificate_nodes(&cert, der),
        };
    }
    if let Ok(req) = x509_cert::request::CertReq::from_der(der) {
        return Dump {
            kind: "certificate request",
            title: format!(
                "Certificate request (PKCS #10): {}",
                subject_or_empty(&req.info.subject)
            ),
            nodes: request_nodes(&req),
        };
    }
    if let Ok(ci) = ContentInfo::from_der(der) {
        return content_info_dump(&ci);
    }
    if let Ok(crl) =
        x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(der)
    {
        return Dump {
            kind: "CRL",
            title: format!(
                "CRL: {}",
                certreq_pkix::name::display(&crl.tbs_cert_list.issuer)
            ),
            nodes: crl_nodes(&crl),
        };
    }
    if let Some(d) = key_dump(der) {
        return d;
    }
    // BER (indefinite lengths, strings in pieces), as BouncyCastle, macOS and PKI.js write
    // PKCS #7 and PFX files: read as its DER, saying so
    if let Some(converted) = crate::ber::to_der(der).filter(|d| d.as_slice() != der) {
        let mut d = dump_der(&converted);
        d.nodes
            .insert(0, Node::new("Encoding", "BER (read as its DER)"));
        return d;
    }
    // BER that does not read (cut short, or bytes after it) is not shown byte by byte: what
    // tells a private key inside from anything else reads only definite lengths
    if der.get(1) == Some(&0x80) {
        return Dump {
            kind: "ASN.1",
            title: "BER (indefinite lengths) that does not decode".into(),
            nodes: vec![Node::new(
                "Bytes",
                format!(
                    "{} bytes, not shown: cut short, or followed by more",
                    der.len()
                ),
            )],
        };
    }
    Dump {
        kind: "ASN.1",
        title: "ASN.1 (not a known structure)".into(),
        nodes: asn1_tree(der, 0),
    }
}

/// A short name for keys, PFX files and the like (for [`crate::response`]'s errors).
pub(crate) fn classify(der: &[u8]) -> Option<&'static str> {
    key_dump(der).map(|d| match d.kind {
        "private key" => "a private key",
        "encrypted private key" => "an encrypted private key",
        "public key" => "a public key",
        "PFX" => "a PFX (PKCS #12) file",
        _ => "a key",
    })
}

// ---- rendering ----

/// Indented text: the title, then `label: value` lines, two spaces per level.
pub fn render_text(dump: &Dump) -> String {
    let mut out = String::new();
    out.push_str(&dump.title);
    out.push('\n');
    for node in &dump.nodes {
        render_node(node, 1, &mut out);
    }
    out
}

fn render_node(node: &Node, depth: usize, out: &mut String) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&node.label);
    if node.value.is_empty() {
        if !node.children.is_empty() {
            out.push(':');
        }
    } else {
        out.push_str(": ");
        // Multi-line values continue under the label.
        let indent = format!("\n{}  ", "  ".repeat(depth));
        out.push_str(&node.value.replace('\n', &indent));
    }
    out.push('\n');
    for child in &node.children {
        render_node(child, depth + 1, out);
    }
}

// ---- names of things ----

/// `Friendly Name (1.2.3)`, or the dotted OID alone (`certreq_pkix::oid::label`).
pub fn oid_label(oid: &ObjectIdentifier) -> String {
    oid::label(oid)
}

// ---- helpers ----

/// What is shown instead of bytes that hold a private key (a PKCS #8, PKCS #1 or SEC 1 key
/// nested in a structure the decoder does not know, or in a value it would otherwise print
/// as hex).
const KEY_NOT_SHOWN: &str = "a private key; the private key material is not shown";

/// Whether `der` is, as a whole, a private key [`key_dump`] recognises (every form of one
/// starts with a SEQUENCE and an INTEGER).
fn is_private_key(der: &[u8]) -> bool {
    let starts_like_one = der.first() == Some(&0x30)
        && certreq_pkix::tlv::header(der)
            .and_then(|(_, header, _)| der.get(header))
            .is_some_and(|tag| *tag == 0x02);
    starts_like_one && key_dump(der).is_some_and(|d| d.kind == "private key")
}

/// How deep [`holds_private_key`] reads into nested values.
const KEY_SEARCH_DEPTH: usize = 32;

/// Whether `bytes` hold a private key anywhere: read as DER from the front, into constructed
/// values and OCTET and BIT STRINGs (a value cut short is read as far as it goes), to a
/// bounded depth. A value nested deeper than the search goes counts as holding one: what
/// cannot be searched is not printed.
fn holds_private_key(bytes: &[u8], depth: usize) -> bool {
    let mut rest = bytes;
    while let Some((tag, header, len)) = certreq_pkix::tlv::header(rest) {
        let end = header.saturating_add(len).min(rest.len());
        let whole = rest.get(..end).unwrap_or_default();
        let content = rest.get(header..end).unwrap_or_default();
        if tag == 0x30 && is_private_key(whole) {
            return true;
        }
        let inner = match tag {
            0x03 => content.get(1..).unwrap_or_default(),
            0x04 => content,
            t if t & 0x20 != 0 => content,
            _ => &[],
        };
        if !inner.is_empty() && (depth >= KEY_SEARCH_DEPTH || holds_private_key(inner, depth + 1)) {
            return true;
        }
        rest = rest.get(end..).unwrap_or_default();
    }
    false
}

fn hex_spaced(bytes: &[u8]) -> String {
    if holds_private_key(bytes, 0) {
        return KEY_NOT_SHOWN.into();
    }
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Hex in rows of 16 bytes.
fn hex_block(bytes: &[u8]) -> String {
    if holds_private_key(bytes, 0) {
        return KEY_NOT_SHOWN.into();
    }
    bytes
        .chunks(16)
        .map(hex_spaced)
        .collect::<Vec<_>>()
        .join("\n")
}

fn time_text(t: &Time) -> String {
    let dt = t.to_date_time();
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minutes(),
        dt.seconds()
    )
}

fn subject_or_empty(name: &Name) -> String {
    let s = certreq_pkix::name::display(name);
    if s.is_empty() {
        "(empty subject)".into()
    } else {
        s
    }
}

fn tag_name(tag: Tag) -> String {
    match tag {
        Tag::Utf8String => "UTF8String".into(),
        Tag::PrintableString => "PrintableString".into(),
        Tag::Ia5String => "IA5String".into(),
        Tag::BmpString => "BMPString".into(),
        Tag::TeletexString => "TeletexString".into(),
        Tag::VisibleString => "VisibleString".into(),
        Tag::NumericString => "NumericString".into(),
        Tag::UtcTime => "UTCTime".into(),
        Tag::GeneralizedTime => "GeneralizedTime".into(),
        Tag::Integer => "INTEGER".into(),
        Tag::OctetString => "OCTET STRING".into(),
        Tag::BitString => "BIT STRING".into(),
        Tag::ObjectIdentifier => "OBJECT IDENTIFIER".into(),
        Tag::Sequence => "SEQUENCE".into(),
        Tag::Set => "SET".into(),
        Tag::Null => "NULL".into(),
        Tag::Boolean => "BOOLEAN".into(),
        Tag::Enumerated => "ENUMERATED".into(),
        other => format!("{other}"),
    }
}

/// The text of a string-typed value (UTF8, Printable, IA5, BMP…), if it is one.
fn string_value(any: &Any) -> Option<String> {
    let bytes = any.value();
    match any.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::NumericString => String::from_utf8(bytes.to_vec()).ok(),
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => bmp_text(bytes),
        _ => None,
    }
}

fn bmp_text(bytes: &[u8]) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.chunks_exact(2).map(|c| match c {
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// A value as text: strings as themselves, INTEGERs in decimal (or hex), OIDs named, else hex.
fn any_text(any: &Any) -> String {
    if let Some(s) = string_value(any) {
        return s;
    }
    match any.tag() {
        Tag::Integer => match any.decode_as::<i64>() {
            Ok(n) => n.to_string(),
            Err(_) => hex_upper(any.value()),
        },
        Tag::ObjectIdentifier => match any.decode_as::<ObjectIdentifier>() {
            Ok(oid) => oid_label(&oid),
            Err(_) => hex_spaced(any.value()),
        },
        Tag::Boolean => (any.value() != [0]).to_string(),
        Tag::UtcTime | Tag::GeneralizedTime => {
            match Time::from_der(&any.to_der().unwrap_or_default()) {
                Ok(t) => time_text(&t),
                Err(_) => hex_spaced(any.value()),
            }
        }
        _ => hex_spaced(any.value()),
    }
}

fn undecodable(what: &str, err: impl core::fmt::Display, bytes: &[u8]) -> Vec<Node> {
    vec![
        Node::new("Error", format!("{what} does not decode: {err}")),
        Node::new("Value", hex_block(bytes)),
    ]
}

fn algorithm_node(label: &str, alg: &AlgorithmIdentifierOwned) -> Node {
    let mut node = Node::new(label, oid_label(&alg.oid));
    if let Some(p) = &alg.parameters
        && p.tag() != Tag::Null
    {
        node.children.push(Node::new("Parameters", any_text(p)));
    }
    node
}

// ---- names ----

fn name_node(label: &str, name: &Name) -> Node {
    let mut encoded = Vec::new();
    for (i, rdn) in name.iter_rdn().enumerate() {
        for atv in rdn.iter() {
            let value = string_value(&atv.value).unwrap_or_else(|| hex_spaced(atv.value.value()));
            encoded.push(Node::new(
                format!("[{i}] {}", certreq_pkix::name::attribute_label(&atv.oid)),
                format!("{value} ({})", tag_name(atv.value.tag())),
            ));
        }
    }
    let text = subject_or_empty(name);
    if encoded.is_empty() {
        return Node::new(label, text);
    }
    Node::parent(
        label,
        text,
        vec![Node::parent("As encoded (first RDN first)", "", encoded)],
    )
}

// ---- public keys ----

fn public_key_node(spki: &SubjectPublicKeyInfoOwned) -> Node {
    let mut children = vec![algorithm_node("Algorithm", &spki.algorithm)];
    let key = spki.subject_public_key.raw_bytes();
    match spki.algorithm.oid {
        oid::RSA_ENCRYPTION | oid::RSASSA_PSS => {
            if let Some(bits) = certreq_pkix::spki::rsa_modulus_bits(key) {
                children.push(Node::new("Key Length", format!("{bits} bits")));
            }
            if let Some(e) = rsa_exponent(key) {
                children.push(Node::new("Public Exponent", e));
            }
        }
        oid::EC_PUBLIC_KEY => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            if let Some(c) = curve {
                children.push(Node::new("Curve", oid_label(&c)));
            }
        }
        _ => {}
    }
    children.push(Node::new(
        "Key Id (SHA-1 of the public key)",
        hex_spaced(&Sha1::digest(key)),
    ));
    children.push(Node::new("Public Key", hex_block(key)));
    Node::parent("Public Key", key_description(spki), children)
}

fn rsa_exponent(key: &[u8]) -> Option<String> {
    let seq = Vec::<Any>::from_der(key).ok()?;
    let e = seq.get(1)?;
    Some(any_text(e))
}

// ---- certificates ----

fn certificate_nodes(cert: &x509_cert::Certificate, der: &[u8]) -> Vec<Node> {
    let tbs = cert.tbs_certificate();
    let mut nodes = vec![
        Node::new("Version", format!("V{}", tbs.version() as u8 + 1)),
        Node::new("Serial Number", hex_upper(tbs.serial_number().as_bytes())),
        algorithm_node("Signature Algorithm", tbs.signature()),
        name_node("Issuer", tbs.issuer()),
        Node::new("Not Before", time_text(&tbs.validity().not_before)),
        Node::new("Not After", time_text(&tbs.validity().not_after)),
        name_node("Subject", tbs.subject()),
        public_key_node(tbs.subject_public_key_info()),
    ];
    if let Some(exts) = tbs.extensions() {
        nodes.push(extensions_node(exts));
    }
    nodes.push(Node::new(
        "Signature",
        format!("{} bytes", cert.signature().raw_bytes().len()),
    ));
    nodes.push(Node::new(
        "Thumbprint (SHA-1)",
        hex_upper(&Sha1::digest(der)),
    ));
    nodes.push(Node::new(
        "Thumbprint (SHA-256)",
        hex_upper(&Sha256::digest(der)),
    ));
    nodes
}

fn certificate_summary(cert: &x509_cert::Certificate) -> Node {
    let tbs = cert.tbs_certificate();
    let der = cert.to_der().unwrap_or_default();
    Node::parent(
        "Certificate",
        subject_or_empty(tbs.subject()),
        vec![
            Node::new("Issuer", certreq_pkix::name::display(tbs.issuer())),
            Node::new("Serial Number", hex_upper(tbs.serial_number().as_bytes())),
            Node::new("Not Before", time_text(&tbs.validity().not_before)),
            Node::new("Not After", time_text(&tbs.validity().not_after)),
            Node::new("Public Key", key_description(tbs.subject_public_key_info())),
            Node::new("Thumbprint (SHA-1)", hex_upper(&Sha1::digest(&der))),
        ],
    )
}

// ---- extensions ----

fn extensions_node(exts: &[Extension]) -> Node {
    Node::parent(
        "Extensions",
        exts.len().to_string(),
        exts.iter().map(extension_node).collect(),
    )
}

fn extension_node(ext: &Extension) -> Node {
    let mut children = Vec::new();
    if ext.critical {
        children.push(Node::new("Critical", "yes"));
    }
    let bytes = ext.extn_value.as_bytes();
    let (value, mut decoded) = match decode_extension(&ext.extn_id, bytes) {
        Ok(v) => v,
        Err(e) => (String::new(), undecodable("the value", e, bytes)),
    };
    children.append(&mut decoded);
    Node::parent(oid_label(&ext.extn_id), value, children)
}

type Decoded = Result<(String, Vec<Node>), der::Error>;

fn decode_extension(oid: &ObjectIdentifier, bytes: &[u8]) -> Decoded {
    use x509_cert::ext::pkix as p;
    match *oid {
        oid::KEY_USAGE => {
            let bits = BitString::from_der(bytes)?;
            Ok((key_usage_text(bits.raw_bytes()), Vec::new()))
        }
        oid::EXT_KEY_USAGE => {
            let ekus = Vec::<ObjectIdentifier>::from_der(bytes)?;
            Ok((
                String::new(),
                ekus.iter()
                    .map(|o| Node::new("Usage", oid_label(o)))
                    .collect(),
            ))
        }
        oid::SUBJECT_ALT_NAME | oid::ISSUER_ALT_NAME => {
            let names = Vec::<GeneralName>::from_der(bytes)?;
            Ok((String::new(), names.iter().map(general_name_node).collect()))
        }
        oid::BASIC_CONSTRAINTS => {
            let bc = p::BasicConstraints::from_der(bytes)?;
            let mut v = format!("Subject Type={}", if bc.ca { "CA" } else { "End Entity" });
            v.push_str(&match bc.path_len_constraint {
                Some(n) => format!(", Path Length Constraint={n}"),
                None => ", Path Length Constraint=None".into(),
            });
            Ok((v, Vec::new()))
        }
        oid::SUBJECT_KEY_IDENTIFIER => {
            let ski = OctetString::from_der(bytes)?;
            Ok((hex_spaced(ski.as_bytes()), Vec::new()))
        }
        oid::AUTHORITY_KEY_IDENTIFIER => {
            let aki = p::AuthorityKeyIdentifier::from_der(bytes)?;
            let mut nodes = Vec::new();
            if let Some(k) = &aki.key_identifier {
                nodes.push(Node::new("KeyID", hex_spaced(k.as_bytes())));
            }
            for n in aki.authority_cert_issuer.iter().flatten() {
                let mut node = general_name_node(n);
                node.label = format!("Certificate Issuer: {}", node.label);
                nodes.push(node);
            }
            if let Some(s) = &aki.authority_cert_serial_number {
                nodes.push(Node::new(
                    "Certificate SerialNumber",
                    hex_upper(s.as_bytes()),
                ));
            }
            Ok((String::new(), nodes))
        }
        oid::CERTIFICATE_POLICIES | oid::APPLICATION_POLICIES => {
            let pols = p::CertificatePolicies::from_der(bytes)?;
            let nodes = pols
                .0
                .iter()
                .map(|pi| {
                    let quals = pi
                        .policy_qualifiers
                        .iter()
                        .flatten()
                        .map(|q| {
                            Node::new(
                                oid_label(&q.policy_qualifier_id),
                                q.qualifier.as_ref().map(any_text).unwrap_or_default(),
                            )
                        })
                        .collect();
                    Node::parent("Policy", oid_label(&pi.policy_identifier), quals)
                })
                .collect();
            Ok((String::new(), nodes))
        }
        oid::SMIME_CAPABILITIES => {
            let caps = Vec::<AlgorithmIdentifierOwned>::from_der(bytes)?;
            let nodes = caps
                .iter()
                .map(|c| {
                    let v = match &c.parameters {
                        Some(p) if p.tag() == Tag::Integer => {
                            format!("{}, key length {}", oid_label(&c.oid), any_text(p))
                        }
                        _ => oid_label(&c.oid),
                    };
                    Node::new("Capability", v)
                })
                .collect();
            Ok((String::new(), nodes))
        }
        oid::CERTIFICATE_TEMPLATE_NAME => {
            let any = Any::from_der(bytes)?;
            Ok((any_text(&any), Vec::new()))
        }
        oid::CERTIFICATE_TEMPLATE_INFO => {
            let seq = Vec::<Any>::from_der(bytes)?;
            let mut nodes = Vec::new();
            if let Some(t) = seq.first() {
                nodes.push(Node::new("Template", any_text(t)));
            }
            if let Some(m) = seq.get(1) {
                nodes.push(Node::new("Major Version Number", any_text(m)));
            }
            if let Some(m) = seq.get(2) {
                nodes.push(Node::new("Minor Version Number", any_text(m)));
            }
            Ok((String::new(), nodes))
        }
        oid::CA_VERSION => {
            let n = u32::from_der(bytes)?;
            Ok((format!("V{}.{}", n & 0xFFFF, n >> 16), Vec::new()))
        }
        oid::CRL_DISTRIBUTION_POINTS | oid::FRESHEST_CRL => {
            let dps = p::CrlDistributionPoints::from_der(bytes)?;
            let nodes = dps
                .0
                .iter()
                .map(|dp| {
                    let names = match &dp.distribution_point {
                        Some(DistributionPointName::FullName(names)) => {
                            names.iter().map(general_name_node).collect()
                        }
                        Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => {
                            vec![Node::new("Name", "relative to the CRL issuer")]
                        }
                        None => Vec::new(),
                    };
                    Node::parent("CRL Distribution Point", "", names)
                })
                .collect();
            Ok((String::new(), nodes))
        }
        oid::AUTHORITY_INFO_ACCESS | oid::SUBJECT_INFO_ACCESS => {
            let aia = p::AuthorityInfoAccessSyntax::from_der(bytes)?;
            let nodes = aia
                .0
                .iter()
                .map(|ad| {
                    let mut n = general_name_node(&ad.access_location);
                    n = Node::parent("Access Method", oid_label(&ad.access_method), vec![n]);
                    n
                })
                .collect();
            Ok((String::new(), nodes))
        }
        oid::CRL_NUMBER => Ok((
            hex_upper(der::asn1::UintRef::from_der(bytes)?.as_bytes()),
            Vec::new(),
        )),
        oid::PREVIOUS_CA_CERT_HASH => Ok((
            hex_spaced(OctetString::from_der(bytes)?.as_bytes()),
            Vec::new(),
        )),
        _ => Ok((String::new(), vec![Node::new("Value", hex_block(bytes))])),
    }
}

/// `Digital Signature, Key Encipherment (a0)`, as certutil shows key usage.
fn key_usage_text(raw: &[u8]) -> String {
    const NAMES: [&str; 9] = [
        "Digital Signature",
        "Non-Repudiation",
        "Key Encipherment",
        "Data Encipherment",
        "Key Agreement",
        "Certificate Signing",
        "CRL Signing",
        "Encipher Only",
        "Decipher Only",
    ];
    let bit = |i: usize| raw.get(i / 8).is_some_and(|b| b & (0x80 >> (i % 8)) != 0);
    let names: Vec<&str> = NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| bit(*i))
        .map(|(_, n)| *n)
        .collect();
    let hex = raw
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    if names.is_empty() {
        format!("none ({hex})")
    } else {
        format!("{} ({hex})", names.join(", "))
    }
}

fn general_name_node(name: &GeneralName) -> Node {
    match name {
        GeneralName::DnsName(s) => Node::new("DNS Name", s.to_string()),
        GeneralName::Rfc822Name(s) => Node::new("RFC822 Name", s.to_string()),
        GeneralName::UniformResourceIdentifier(s) => Node::new("URL", s.to_string()),
        GeneralName::IpAddress(o) => Node::new("IP Address", ip_text(o.as_bytes())),
        GeneralName::DirectoryName(n) => name_node("Directory Address", n),
        GeneralName::RegisteredId(o) => Node::new("Registered ID", oid_label(o)),
        GeneralName::OtherName(on) => {
            // The value is [0] EXPLICIT; UPN is a UTF8String inside.
            let inner = Any::from_der(on.value.value())
                .ok()
                .map(|a| any_text(&a))
                .unwrap_or_else(|| hex_spaced(on.value.value()));
            match on.type_id {
                oid::UPN => Node::new("Principal Name", inner),
                oid::DIRECTORY_GUID => Node::new("DS Object Guid", inner),
                _ => Node::new(format!("Other Name {}", oid_label(&on.type_id)), inner),
            }
        }
        GeneralName::EdiPartyName(_) => Node::new("EDI Party Name", "(present)"),
    }
}

fn ip_text(b: &[u8]) -> String {
    match b {
        [a, b2, c, d] => format!("{a}.{b2}.{c}.{d}"),
        _ if b.len() == 16 => b
            .chunks(2)
            .map(|c| match c {
                [x, y] => format!("{:x}", u16::from_be_bytes([*x, *y])),
                _ => String::new(),
            })
            .collect::<Vec<_>>()
            .join(":"),
        _ => hex_spaced(b),
    }
}

// ---- attributes (PKCS #10, CMS) ----

fn attributes_node(label: &str, attrs: &[Attribute]) -> Node {
    Node::parent(
        label,
        attrs.len().to_string(),
        attrs.iter().map(attribute_node).collect(),
    )
}

fn attribute_node(attr: &Attribute) -> Node {
    let mut children = Vec::new();
    let mut value = String::new();
    let single = attr.values.len() == 1;
    for v in attr.values.iter() {
        let (text, mut nodes) = decode_attribute(&attr.oid, v);
        if single {
            value = text;
            children.append(&mut nodes);
        } else {
            children.push(Node::parent("Value", text, nodes));
        }
    }
    Node::parent(oid_label(&attr.oid), value, children)
}

/// RFC 5272 `RequestClientInfoClientId` names, from the CertEnroll enumeration.
fn client_id_name(n: i64) -> &'static str {
    match n {
        0 => "ClientIdNone",
        1 => "ClientIdXEnroll2003",
        2 => "ClientIdAutoEnroll2003",
        3 => "ClientIdWizard2003",
        4 => "ClientIdCertReq2003",
        5 => "ClientIdDefaultRequest",
        6 => "ClientIdAutoEnroll",
        7 => "ClientIdRequestWizard",
        8 => "ClientIdEOBO",
        9 => "ClientIdCertReq",
        10 => "ClientIdTest",
        11 => "ClientIdWinRT",
        1000 => "ClientIdUserStart",
        _ => "",
    }
}

fn decode_attribute(oid: &ObjectIdentifier, v: &Any) -> (String, Vec<Node>) {
    let bytes = v.to_der().unwrap_or_default();
    match *oid {
        oid::EXTENSION_REQUEST | oid::MS_CERTIFICATE_EXTENSIONS => {
            match Vec::<Extension>::from_der(&bytes) {
                Ok(exts) => (
                    exts.len().to_string(),
                    exts.iter().map(extension_node).collect(),
                ),
                Err(e) => (String::new(), undecodable("the extensions", e, &bytes)),
            }
        }
        oid::CHALLENGE_PASSWORD => ("(present; not shown)".into(), Vec::new()),
        oid::CLIENT_INFO => match Vec::<Any>::from_der(&bytes) {
            Ok(seq) => {
                let mut nodes = Vec::new();
                let labels = ["ClientId", "Machine", "User", "Process"];
                for (label, item) in labels.iter().zip(seq.iter()) {
                    let mut text = any_text(item);
                    if *label == "ClientId"
                        && let Ok(n) = item.decode_as::<i64>()
                    {
                        let name = client_id_name(n);
                        if !name.is_empty() {
                            text = format!("{n} ({name})");
                        }
                    }
                    nodes.push(Node::new(*label, text));
                }
                (String::new(), nodes)
            }
            Err(e) => (
                String::new(),
                undecodable("the client information", e, &bytes),
            ),
        },
        oid::ENROLLMENT_CSP => match Vec::<Any>::from_der(&bytes) {
            Ok(seq) => {
                let mut nodes = Vec::new();
                if let Some(ks) = seq.first() {
                    let n = ks.decode_as::<i64>().ok();
                    let name = match n {
                        Some(0) => " (none: CNG key)",
                        Some(1) => " (AT_KEYEXCHANGE)",
                        Some(2) => " (AT_SIGNATURE)",
                        _ => "",
                    };
                    nodes.push(Node::new("KeySpec", format!("{}{name}", any_text(ks))));
                }
                if let Some(p) = seq.get(1) {
                    nodes.push(Node::new("Provider", any_text(p)));
                }
                if let Some(sig) = seq.get(2) {
                    let len = BitString::from_der(&sig.to_der().unwrap_or_default())
                        .map(|b| b.raw_bytes().len())
                        .unwrap_or(0);
                    nodes.push(Node::new(
                        "Signature",
                        if len == 0 {
                            "empty".to_string()
                        } else {
                            format!("{len} bytes")
                        },
                    ));
                }
                (String::new(), nodes)
            }
            Err(e) => (String::new(), undecodable("the enrollment CSP", e, &bytes)),
        },
        oid::NAME_VALUE_PAIR => match Vec::<Any>::from_der(&bytes) {
            Ok(seq) => {
                let name = seq.first().map(any_text).unwrap_or_default();
                let value = seq.get(1).map(any_text).unwrap_or_default();
                (format!("{name}={value}"), Vec::new())
            }
            Err(e) => (String::new(), undecodable("the name-value pair", e, &bytes)),
        },
        oid::RENEWAL_CERTIFICATE => match x509_cert::Certificate::from_der(&bytes) {
            Ok(c) => (String::new(), vec![certificate_summary(&c)]),
            Err(e) => (
                String::new(),
                undecodable("the renewal certificate", e, &bytes),
            ),
        },
        oid::CMC_ATTRIBUTES => cmc_add_attributes(&bytes),
        oid::ID_CMC_STATUS_INFO | oid::ID_CMC_STATUS_INFO_V2 => match v.decode_as::<StatusInfo>() {
            Ok(si) => {
                let s = si.summary();
                let mut nodes = Vec::new();
                if let Some(t) = &s.text {
                    nodes.push(Node::new("Status String", t.clone()));
                }
                if let Some(f) = s.fail_info {
                    nodes.push(Node::new("Fail Info", fail_info_name(f)));
                }
                (s.status.name(), nodes)
            }
            Err(e) => (String::new(), undecodable("the status", e, &bytes)),
        },
        oid::MESSAGE_DIGEST
        | oid::ISSUED_CERT_HASH
        | oid::ENCRYPTED_KEY_HASH
        | oid::ARCHIVED_KEY_CERT_HASH => match v.decode_as::<OctetString>() {
            Ok(o) => (hex_spaced(o.as_bytes()), Vec::new()),
            Err(_) => (any_text(v), Vec::new()),
        },
        _ => {
            if string_value(v).is_some()
                || matches!(
                    v.tag(),
                    Tag::Integer | Tag::ObjectIdentifier | Tag::UtcTime | Tag::GeneralizedTime
                )
            {
                (any_text(v), Vec::new())
            } else {
                (String::new(), vec![Node::new("Value", hex_block(&bytes))])
            }
        }
    }
}

fn fail_info_name(n: u32) -> String {
    const NAMES: [&str; 14] = [
        "badAlg",
        "badMessageCheck",
        "badRequest",
        "badTime",
        "badCertId",
        "unsupportedExt",
        "mustArchiveKeys",
        "badIdentity",
        "popRequired",
        "popFailed",
        "noKeyReuse",
        "internalCAError",
        "tryLater",
        "authDataFail",
    ];
    match usize::try_from(n).ok().and_then(|i| NAMES.get(i)) {
        Some(name) => format!("{n} ({name})"),
        None => n.to_string(),
    }
}

/// Microsoft `CmcAddAttributes { pkiDataReference, certReferences, attributes }`.
fn cmc_add_attributes(bytes: &[u8]) -> (String, Vec<Node>) {
    let seq = match Vec::<Any>::from_der(bytes) {
        Ok(s) => s,
        Err(e) => return (String::new(), undecodable("the CMC attributes", e, bytes)),
    };
    let mut nodes = Vec::new();
    if let Some(r) = seq.first() {
        nodes.push(Node::new("Data Reference", any_text(r)));
    }
    if let Some(refs) = seq.get(1) {
        let list = Vec::<Any>::from_der(&refs.to_der().unwrap_or_default())
            .map(|v| v.iter().map(any_text).collect::<Vec<_>>().join(", "))
            .unwrap_or_default();
        nodes.push(Node::new("Certificate References", list));
    }
    if let Some(attrs) = seq.get(2) {
        match SetOfVec::<Attribute>::from_der(&attrs.to_der().unwrap_or_default()) {
            Ok(a) => nodes.push(attributes_node("Attributes", a.as_slice())),
            Err(e) => nodes.extend(undecodable("the attributes", e, attrs.value())),
        }
    }
    (String::new(), nodes)
}

// ---- requests ----

fn request_nodes(req: &x509_cert::request::CertReq) -> Vec<Node> {
    let info = &req.info;
    vec![
        Node::new("Version", (info.version as u8).to_string()),
        name_node("Subject", &info.subject),
        public_key_node(&info.public_key),
        attributes_node("Attributes", info.attributes.as_slice()),
        algorithm_node("Signature Algorithm", &req.algorithm),
        Node::new(
            "Signature",
            format!("{} bytes (not verified)", req.signature.raw_bytes().len()),
        ),
    ]
}

// ---- CMS ----

fn content_info_dump(ci: &ContentInfo) -> Dump {
    if ci.content_type != ID_SIGNED_DATA {
        return Dump {
            kind: "PKCS #7",
            title: format!("PKCS #7 {}", oid_label(&ci.content_type)),
            nodes: vec![
                Node::new("Content Type", oid_label(&ci.content_type)),
                Node::parent(
                    "Content",
                    "",
                    asn1_tree(&ci.content.to_der().unwrap_or_default(), 0),
                ),
            ],
        };
    }
    let sd: SignedData = match ci.content.decode_as() {
        Ok(sd) => sd,
        Err(e) => {
            return Dump {
                kind: "PKCS #7",
                title: "PKCS #7 SignedData (malformed)".into(),
                nodes: undecodable("the SignedData", e, ci.content.value()),
            };
        }
    };
    let econtent_type = sd.encap_content_info.econtent_type;
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .and_then(|a| a.decode_as::<OctetString>().ok())
        .map(|o| o.into_bytes().into_vec());
    let (kind, title) = if econtent_type == ID_CCT_PKI_DATA {
        (
            "CMC request",
            "CMC request (PKCS #7 SignedData with PKIData)",
        )
    } else if econtent_type == ID_CCT_PKI_RESPONSE {
        (
            "CMC response",
            "CMC response (PKCS #7 SignedData with PKIResponse)",
        )
    } else if sd.signer_infos.0.is_empty() {
        (
            "PKCS #7",
            "PKCS #7 certificates (SignedData without signers)",
        )
    } else {
        ("PKCS #7", "PKCS #7 SignedData")
    };
    let mut nodes = vec![
        Node::new("Content Type", oid_label(&ID_SIGNED_DATA)),
        Node::new("Version", (sd.version as u8).to_string()),
        Node::parent(
            "Digest Algorithms",
            sd.digest_algorithms.len().to_string(),
            sd.digest_algorithms
                .iter()
                .map(|a| algorithm_node("Algorithm", a))
                .collect(),
        ),
    ];
    let mut content = Node::new("Encapsulated Content Type", oid_label(&econtent_type));
    match (&econtent, econtent_type) {
        (Some(bytes), t) if t == ID_CCT_PKI_DATA => content.children = pki_data_nodes(bytes),
        (Some(bytes), t) if t == ID_CCT_PKI_RESPONSE => {
            content.children = pki_response_nodes(bytes)
        }
        (Some(bytes), t) if t == ID_DATA => {
            content.children = match x509_cert::Certificate::from_der(bytes) {
                Ok(c) => vec![certificate_summary(&c)],
                Err(_) => vec![Node::new("Content", hex_block(bytes))],
            }
        }
        (Some(bytes), _) => content.children = asn1_tree(bytes, 0),
        (None, _) => content.children.push(Node::new("Content", "none")),
    }
    nodes.push(content);
    if let Some(certs) = &sd.certificates {
        let children: Vec<Node> = certs
            .0
            .iter()
            .map(|c| match c {
                cms::cert::CertificateChoices::Certificate(c) => certificate_summary(c),
                cms::cert::CertificateChoices::Other(o) => {
                    Node::new("Other Certificate", oid_label(&o.other_cert_format))
                }
            })
            .collect();
        nodes.push(Node::parent(
            "Certificates",
            children.len().to_string(),
            children,
        ));
    }
    if let Some(crls) = &sd.crls {
        nodes.push(Node::new("CRLs", crls.0.len().to_string()));
    }
    nodes.push(Node::parent(
        "Signers",
        sd.signer_infos.0.len().to_string(),
        sd.signer_infos.0.iter().map(signer_node).collect(),
    ));
    Dump {
        kind,
        title: title.into(),
        nodes,
    }
}

fn signer_node(si: &SignerInfo) -> Node {
    let sid = match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => Node::parent(
            "Signer Identifier",
            "issuer and serial number",
            vec![
                Node::new("Issuer", certreq_pkix::name::display(&ias.issuer)),
                Node::new("Serial Number", hex_upper(ias.serial_number.as_bytes())),
            ],
        ),
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            Node::new("Signer Identifier (Key Id)", hex_spaced(ski.0.as_bytes()))
        }
    };
    let mut children = vec![
        Node::new("Version", (si.version as u8).to_string()),
        sid,
        algorithm_node("Digest Algorithm", &si.digest_alg),
    ];
    if let Some(attrs) = &si.signed_attrs {
        children.push(attributes_node("Signed Attributes", attrs.as_slice()));
    }
    children.push(algorithm_node(
        "Signature Algorithm",
        &si.signature_algorithm,
    ));
    children.push(Node::new(
        "Signature",
        format!("{} bytes (not verified)", si.signature.as_bytes().len()),
    ));
    if let Some(attrs) = &si.unsigned_attrs {
        children.push(attributes_node("Unsigned Attributes", attrs.as_slice()));
    }
    Node::parent("Signer", "", children)
}

fn tagged_attribute_node(ta: &TaggedAttribute) -> Node {
    let attr = Attribute {
        oid: ta.attr_type,
        values: ta.attr_values.clone(),
    };
    let mut node = attribute_node(&attr);
    node.children
        .insert(0, Node::new("Body Part Id", ta.body_part_id.to_string()));
    node
}

fn pki_data_nodes(bytes: &[u8]) -> Vec<Node> {
    let data = match PkiData::from_der(bytes) {
        Ok(d) => d,
        Err(e) => return undecodable("the PKIData", e, bytes),
    };
    let mut nodes = vec![Node::parent(
        "Control Sequence",
        data.control_sequence.len().to_string(),
        data.control_sequence
            .iter()
            .map(tagged_attribute_node)
            .collect(),
    )];
    let reqs = data.req_sequence.iter().map(tagged_request_node).collect();
    nodes.push(Node::parent(
        "Request Sequence",
        data.req_sequence.len().to_string(),
        reqs,
    ));
    nodes.push(Node::new(
        "CMS Sequence",
        data.cms_sequence.len().to_string(),
    ));
    nodes.push(Node::new(
        "Other Message Sequence",
        data.other_msg_sequence.len().to_string(),
    ));
    nodes
}

/// `TaggedRequest`: `tcr [0]` holds `{ bodyPartID, CertificationRequest }`.
fn tagged_request_node(req: &Any) -> Node {
    let tag = req.tag();
    if tag.is_context_specific() && tag.number().value() == 0 {
        let mut reader = match SliceReader::new(req.value()) {
            Ok(r) => r,
            Err(e) => return Node::parent("Tagged Request", "", undecodable("it", e, req.value())),
        };
        let id = u32::decode(&mut reader);
        let cr = x509_cert::request::CertReq::decode(&mut reader);
        return match (id, cr) {
            (Ok(id), Ok(cr)) => {
                let mut children = vec![Node::new("Body Part Id", id.to_string())];
                children.extend(request_nodes(&cr));
                Node::parent(
                    "Tagged Certification Request (PKCS #10)",
                    subject_or_empty(&cr.info.subject),
                    children,
                )
            }
            (Err(e), _) | (_, Err(e)) => Node::parent(
                "Tagged Certification Request",
                "",
                undecodable("the request", e, req.value()),
            ),
        };
    }
    let label = match tag.number().value() {
        1 => "CRMF Request (crm)",
        2 => "Other Request (orm)",
        _ => "Request",
    };
    Node::parent(label, "", asn1_tree(req.value(), 1))
}

fn pki_response_nodes(bytes: &[u8]) -> Vec<Node> {
    let resp = match PkiResponse::from_der(bytes) {
        Ok(r) => r,
        Err(e) => return undecodable("the PKIResponse", e, bytes),
    };
    vec![
        Node::parent(
            "Control Sequence",
            resp.control_sequence.len().to_string(),
            resp.control_sequence
                .iter()
                .map(tagged_attribute_node)
                .collect(),
        ),
        Node::new("CMS Sequence", resp.cms_sequence.len().to_string()),
        Node::new(
            "Other Message Sequence",
            resp.other_msg_sequence.len().to_string(),
        ),
    ]
}

// ---- CRLs ----

fn crl_nodes(crl: &x509_cert::crl::CertificateList) -> Vec<Node> {
    let tbs = &crl.tbs_cert_list;
    let mut nodes = vec![
        Node::new("Version", format!("V{}", tbs.version as u8 + 1)),
        algorithm_node("Signature Algorithm", &tbs.signature),
        name_node("Issuer", &tbs.issuer),
        Node::new("This Update", time_text(&tbs.this_update)),
    ];
    if let Some(n) = &tbs.next_update {
        nodes.push(Node::new("Next Update", time_text(n)));
    }
    let revoked: Vec<Node> = tbs
        .revoked_certificates
        .iter()
        .flatten()
        .map(|r| {
            let mut n = Node::new("Serial Number", hex_upper(r.serial_number.as_bytes()));
            n.children
                .push(Node::new("Revocation Date", time_text(&r.revocation_date)));
            if let Some(exts) = &r.crl_entry_extensions {
                n.children.push(extensions_node(exts));
            }
            n
        })
        .collect();
    nodes.push(Node::parent(
        "Revoked Certificates",
        revoked.len().to_string(),
        revoked,
    ));
    if let Some(exts) = &tbs.crl_extensions {
        nodes.push(extensions_node(exts));
    }
    nodes
}

// ---- keys and PFX ----

fn key_dump(der: &[u8]) -> Option<Dump> {
    if let Ok(spki) = SubjectPublicKeyInfoOwned::from_der(der) {
        return Some(Dump {
            kind: "public key",
            title: format!("Public key: {}", key_description(&spki)),
            nodes: vec![public_key_node(&spki)],
        });
    }
    let seq = Vec::<Any>::from_der(der).ok()?;
    let first = seq.first()?;
    let second = seq.get(1)?;
    // PrivateKeyInfo / OneAsymmetricKey: version, algorithm, OCTET STRING key, …
    if first.tag() == Tag::Integer && second.tag() == Tag::Sequence {
        let version = first.decode_as::<u8>().ok()?;
        let alg = second.decode_as::<AlgorithmIdentifierOwned>().ok()?;
        if version <= 1 && seq.get(2).is_some_and(|k| k.tag() == Tag::OctetString) {
            let size = private_key_size(&alg, seq.get(2)?);
            return Some(Dump {
                kind: "private key",
                title: format!("Private key (PKCS #8): {size}"),
                nodes: vec![
                    Node::new("Version", version.to_string()),
                    algorithm_node("Algorithm", &alg),
                    Node::new(
                        "Key",
                        format!("{size}; the private key material is not shown"),
                    ),
                ],
            });
        }
    }
    // EncryptedPrivateKeyInfo: algorithm, OCTET STRING.
    if seq.len() == 2 && first.tag() == Tag::Sequence && second.tag() == Tag::OctetString {
        let alg = first.decode_as::<AlgorithmIdentifierOwned>().ok()?;
        let mut alg_node = algorithm_node("Encryption", &alg);
        if alg.oid == oid::PBES2 {
            alg_node.children = alg
                .parameters
                .as_ref()
                .map(|p| asn1_tree(&p.to_der().unwrap_or_default(), 0))
                .unwrap_or_default();
        }
        return Some(Dump {
            kind: "encrypted private key",
            title: "Encrypted private key (PKCS #8)".into(),
            nodes: vec![alg_node],
        });
    }
    // PKCS #1 RSAPrivateKey: version 0 and eight more INTEGERs.
    if seq.len() >= 9 && seq.iter().all(|a| a.tag() == Tag::Integer) {
        let bits = seq
            .get(1)
            .and_then(|n| n.decode_as::<der::asn1::UintRef>().ok())
            .and_then(|n| {
                let b = n.as_bytes();
                b.first()
                    .map(|f| (b.len() - 1) * 8 + (8 - f.leading_zeros() as usize))
            });
        let size = bits.map_or("RSA".to_string(), |b| format!("RSA {b}"));
        return Some(Dump {
            kind: "private key",
            title: format!("Private key (PKCS #1): {size}"),
            nodes: vec![Node::new(
                "Key",
                format!("{size}; the private key material is not shown"),
            )],
        });
    }
    // SEC 1 ECPrivateKey: version 1, OCTET STRING, [0] curve, [1] public key.
    if first.decode_as::<u8>().ok() == Some(1) && second.tag() == Tag::OctetString {
        return Some(Dump {
            kind: "private key",
            title: "Private key (SEC 1 EC)".into(),
            nodes: vec![Node::new(
                "Key",
                "ECC; the private key material is not shown",
            )],
        });
    }
    // PFX: version 3, ContentInfo, MacData.
    if first.decode_as::<u8>().ok() == Some(3) && second.decode_as::<ContentInfo>().is_ok() {
        return Some(Dump {
            kind: "PFX",
            title: "PFX (PKCS #12): its contents are encrypted; open it with its password".into(),
            nodes: vec![Node::new("Version", "3")],
        });
    }
    None
}

fn private_key_size(alg: &AlgorithmIdentifierOwned, key: &Any) -> String {
    match alg.oid {
        oid::RSA_ENCRYPTION | oid::RSASSA_PSS => {
            let bits = key
                .decode_as::<OctetString>()
                .ok()
                .and_then(|o| Vec::<Any>::from_der(o.as_bytes()).ok())
                .and_then(|s| {
                    s.get(1)
                        .and_then(|n| n.decode_as::<der::asn1::UintRef>().ok())
                        .map(|n| n.as_bytes().to_vec())
                })
                .and_then(|b| {
                    b.first()
                        .map(|f| (b.len() - 1) * 8 + (8 - f.leading_zeros() as usize))
                });
            bits.map_or("RSA".into(), |b| format!("RSA {b}"))
        }
        oid::EC_PUBLIC_KEY => {
            let curve = alg
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            match curve {
                Some(c) => format!("ECC {}", oid::friendly(&c).unwrap_or("curve")),
                None => "ECC".into(),
            }
        }
        _ => oid::friendly(&alg.oid).unwrap_or("key").to_string(),
    }
}

// ---- generic ASN.1 ----

/// A generic TLV tree. Constructed values and OCTET/BIT STRINGs that hold DER recurse.
fn asn1_tree(bytes: &[u8], depth: usize) -> Vec<Node> {
    let mut nodes = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let Some(certreq_pkix::tlv::Tlv {
            tag,
            content,
            rest: tail,
            ..
        }) = certreq_pkix::tlv::read(rest)
        else {
            let label = match certreq_pkix::tlv::header(rest) {
                Some(_) => "Truncated value",
                None => "Undecodable bytes",
            };
            nodes.push(Node::new(label, hex_block(rest)));
            break;
        };
        let whole = rest.get(..rest.len() - tail.len()).unwrap_or_default();
        if tag == 0x30 && is_private_key(whole) {
            nodes.push(Node::new("Private key", KEY_NOT_SHOWN));
        } else {
            nodes.push(tlv_node(tag, content, depth));
        }
        rest = tail;
    }
    nodes
}

fn tlv_node(tag: u8, content: &[u8], depth: usize) -> Node {
    let constructed = tag & 0x20 != 0;
    let class = tag & 0xC0;
    let number = tag & 0x1F;
    let label = match (class, number) {
        (0x00, 1) => "BOOLEAN".to_string(),
        (0x00, 2) => "INTEGER".into(),
        (0x00, 3) => "BIT STRING".into(),
        (0x00, 4) => "OCTET STRING".into(),
        (0x00, 5) => "NULL".into(),
        (0x00, 6) => "OBJECT IDENTIFIER".into(),
        (0x00, 10) => "ENUMERATED".into(),
        (0x00, 12) => "UTF8String".into(),
        (0x00, 16) => "SEQUENCE".into(),
        (0x00, 17) => "SET".into(),
        (0x00, 19) => "PrintableString".into(),
        (0x00, 20) => "TeletexString".into(),
        (0x00, 22) => "IA5String".into(),
        (0x00, 23) => "UTCTime".into(),
        (0x00, 24) => "GeneralizedTime".into(),
        (0x00, 30) => "BMPString".into(),
        (0x80, n) => format!("[{n}]"),
        (0x40, n) => format!("[APPLICATION {n}]"),
        (_, n) => format!("tag {n} (class {class:#x})"),
    };
    if depth > 24 {
        return Node::new(label, "(nested too deeply)");
    }
    if constructed {
        return Node::parent(label, "", asn1_tree(content, depth + 1));
    }
    let value = match (class, number) {
        (0x00, 6) => ObjectIdentifier::from_bytes(content)
            .map(|o| oid_label(&o))
            .unwrap_or_else(|_| hex_spaced(content)),
        (0x00, 12 | 19 | 22 | 26 | 18) => String::from_utf8_lossy(content).into_owned(),
        (0x00, 30) => bmp_text(content).unwrap_or_else(|| hex_spaced(content)),
        (0x00, 23 | 24) => String::from_utf8_lossy(content).into_owned(),
        (0x00, 1) => (content != [0]).to_string(),
        (0x00, 5) => String::new(),
        (0x00, 2) if content.len() <= 8 => {
            let mut n: i64 = if content.first().is_some_and(|b| b & 0x80 != 0) {
                -1
            } else {
                0
            };
            for b in content {
                n = (n << 8) | i64::from(*b);
            }
            n.to_string()
        }
        _ => {
            // OCTET STRING or BIT STRING holding DER: show it decoded.
            let inner = match number {
                3 => content.get(1..).unwrap_or_default(),
                _ => content,
            };
            if (number == 3 || number == 4)
                && class == 0
                && inner.first().is_some_and(|b| *b == 0x30 || *b == 0x31)
                && certreq_pkix::tlv::Tlv::read(inner).is_some_and(|t| t.rest.is_empty())
            {
                return Node::parent(label, "(encapsulates)", asn1_tree(inner, depth + 1));
            }
            if holds_private_key(inner, 0) {
                return Node::new(label, KEY_NOT_SHOWN);
            }
            hex_block(content)
        }
    };
    Node::new(label, value)
}

#[cfg(test)]
mod tests;
