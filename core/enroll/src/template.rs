//! What a CA says about its templates, and a request checked against it.
//!
//! ## AD CS: the advanced request page (`certrqxt.asp`)
//!
//! Web Enrollment lists the templates a user may request on its advanced request page,
//! `GET base/certrqxt.asp`, as a drop-down list:
//!
//! ```text
//! <Select Name=lbCertTemplate ID=lbCertTemplateID>
//! <Option Value="E;WebServer;…;Web Server">Web Server</Option>
//! ```
//!
//! What this reader relies on, and only that (it is what public clients written against real
//! AD CS rely on: Metasploit's ESC8 relay, Certipy's template enumeration, shell scripts that
//! list templates with `awk -F';'`, browser automation that picks `#lbCertTemplateID`):
//!
//! - the list is the `<select>` named `lbCertTemplate` or with the id `lbCertTemplateID`
//!   (markup case does not matter; attribute values may be quoted or not);
//! - each template is an `<option>` whose value is fields separated by `;`: the first is a
//!   letter (`E` or `O`; public clients accept both, and what the letter means is not
//!   documented publicly), the second the template's common name, the name a request gives as
//!   `CertificateTemplate:NAME`; the last field and the option's text are its display name;
//! - the fields between are not documented publicly (they are thought to describe the key and
//!   the providers), so they are kept as given and never interpreted.
//!
//! A page without that list (a sign-in page, a stand-alone CA's page, which has no templates)
//! is [`TemplateListError::NoList`]; a list without options is an empty list, which the
//! caller reports as "the CA offers you no templates".
//!
//! ## EST: `/csrattrs` (RFC 7030 §4.5, clarified by RFC 9908)
//!
//! `GET base[/label]/csrattrs` answers `200 application/csrattrs` with the base64 DER of
//!
//! ```text
//! CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID
//! AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER, attribute Attribute }
//! ```
//!
//! or `204`/`404` when the server asks for nothing. [`read_csrattrs`] decodes it with `der`
//! and [`CsrAttrs::requirements`] reads what it asks: a bare OID names a signature algorithm,
//! a subject attribute type, an extension or a request attribute to include; an attribute
//! `rsaEncryption {INTEGER n}` asks for an RSA key of n bits, `id-ecPublicKey {curve}` for that
//! curve, and `extensionRequest` for extensions (RFC 9908's form: one value, an `Extensions`;
//! RFC 7030's example's form, bare extension OIDs, is read too). RFC 9908's
//! `CertificationRequestInfoTemplate` attribute is not read: public implementations disagree on
//! the OID its arc number was given, so it is reported as an attribute this client does not
//! know rather than guessed at.
//!
//! ## The check
//!
//! [`check`] takes a compiled INF (its text's entries and the [`NewRequest`] they make) and
//! what is known of the CA's template ([`Known`]), and returns warnings located at the INF's
//! lines, with the codes registered in `certreq_inf::codes` (`template-not-offered`,
//! `key-not-asked-for`, …). It never fails: a CA is free to accept what it did not ask for,
//! and to refuse for reasons it never published.

use certreq_inf::codes;
use certreq_inf::diag::{Diagnostic, Span};
use certreq_pkix::alg::{Curve, KeyAlgorithm};
use certreq_pkix::oid::{self, ObjectIdentifier};
use certreq_request::Compiled;
use certreq_request::model::NewRequest;
use der::asn1::Any;
use der::{Decode, Tag, Tagged};
use x509_cert::attr::Attribute;
use x509_cert::ext::Extensions;

use crate::{est_url, media_type, page_title};

/// One template the advanced request page offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferedTemplate {
    /// The common name, as a request names it (`CertificateTemplate:WebServer`).
    pub name: String,
    /// The name people see (`Web Server`).
    pub display: String,
    /// The option value's first field (`E` or `O`), when it is one letter.
    pub kind: Option<char>,
    /// The option value's fields, as given.
    pub fields: Vec<String>,
}

/// Why a page's template list could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateListError {
    /// The page has no `lbCertTemplate` list; its title says what it is instead.
    NoList { title: String },
}

impl core::fmt::Display for TemplateListError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            TemplateListError::NoList { title } if title.is_empty() => f.write_str(
                "the page has no list of certificate templates (no lbCertTemplate drop-down): \
                 is the URL the CA's /certsrv, and is it an enterprise CA?",
            ),
            TemplateListError::NoList { title } => write!(
                f,
                "the page \"{title}\" has no list of certificate templates (no lbCertTemplate \
                 drop-down): is the URL the CA's /certsrv, and is it an enterprise CA?"
            ),
        }
    }
}

impl std::error::Error for TemplateListError {}

/// The advanced request page of a Web Enrollment base (`base/certrqxt.asp`).
pub fn templates_url(base: &str) -> String {
    format!("{base}/certrqxt.asp")
}

/// Reads the template list of the advanced request page (see the module documentation).
pub fn read_template_page(html: &str) -> Result<Vec<OfferedTemplate>, TemplateListError> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|r| r.find("<select")) {
        let start = from + at;
        let tag_end = lower
            .get(start..)
            .and_then(|r| r.find('>'))
            .map(|e| start + e);
        let Some(tag_end) = tag_end else { break };
        let tag = lower.get(start..tag_end).unwrap_or("");
        let named = attribute(tag, "name").as_deref() == Some("lbcerttemplate")
            || attribute(tag, "id").as_deref() == Some("lbcerttemplateid");
        if named {
            let end = lower
                .get(tag_end..)
                .and_then(|r| r.find("</select"))
                .map_or(html.len(), |e| tag_end + e);
            return Ok(options(html.get(tag_end + 1..end).unwrap_or("")));
        }
        from = tag_end;
    }
    Err(TemplateListError::NoList {
        title: page_title(html),
    })
}

/// The value of `name=` in an opening tag (lower-cased text), quoted or not.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let bytes = tag.as_bytes();
    let mut from = 0;
    while let Some(at) = tag.get(from..).and_then(|r| r.find(name)) {
        let start = from + at;
        from = start + name.len();
        let before = start.checked_sub(1).and_then(|i| bytes.get(i));
        if !before.is_some_and(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let rest = tag.get(from..)?.trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        return Some(attribute_value(rest.trim_start()).0);
    }
    None
}

/// A quoted or unquoted attribute value at the start of `rest`, and the length it took.
fn attribute_value(rest: &str) -> (String, usize) {
    match rest.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let body = rest.get(1..).unwrap_or("");
            let end = body.find(q).unwrap_or(body.len());
            (body.get(..end).unwrap_or("").to_owned(), end + 2)
        }
        _ => {
            let end = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .unwrap_or(rest.len());
            (rest.get(..end).unwrap_or("").to_owned(), end)
        }
    }
}

/// The `<option>`s of a select's inner markup.
fn options(inner: &str) -> Vec<OfferedTemplate> {
    let lower = inner.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|r| r.find("<option")) {
        let start = from + at;
        let Some(tag_end) = lower
            .get(start..)
            .and_then(|r| r.find('>'))
            .map(|e| start + e)
        else {
            break;
        };
        // the value, with its case kept: find `value` in the lower-cased tag, read the original
        let tag_lower = lower.get(start..tag_end).unwrap_or("");
        let value = value_at(tag_lower, inner.get(start..tag_end).unwrap_or(""));
        let text_end = lower
            .get(tag_end..)
            .and_then(|r| r.find('<'))
            .map_or(inner.len(), |e| tag_end + e);
        let text = crate::unescape_html(inner.get(tag_end + 1..text_end).unwrap_or("").trim());
        from = tag_end;
        let value = crate::unescape_html(&value.unwrap_or_default());
        if let Some(t) = offered(&value, &text) {
            out.push(t);
        }
    }
    out
}

/// The `value=` of an option tag: found in the lower-cased tag, read from the original.
fn value_at(tag_lower: &str, tag: &str) -> Option<String> {
    let bytes = tag_lower.as_bytes();
    let mut from = 0;
    while let Some(at) = tag_lower.get(from..).and_then(|r| r.find("value")) {
        let start = from + at;
        from = start + 5;
        let before = start.checked_sub(1).and_then(|i| bytes.get(i));
        if !before.is_some_and(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let after = tag_lower.get(from..)?;
        let trimmed = after.trim_start();
        let Some(rest) = trimmed.strip_prefix('=') else {
            continue;
        };
        let offset = from + (after.len() - trimmed.len()) + 1;
        let rest_lower = rest.trim_start();
        let offset = offset + (rest.len() - rest_lower.len());
        return Some(attribute_value(tag.get(offset..)?).0);
    }
    None
}

/// A template from an option's value and text; `None` for an empty option (a "choose one"
/// line).
fn offered(value: &str, text: &str) -> Option<OfferedTemplate> {
    let fields: Vec<String> = value.split(';').map(str::to_owned).collect();
    let kind = fields
        .first()
        .filter(|f| f.len() == 1)
        .and_then(|f| f.chars().next())
        .filter(char::is_ascii_alphabetic);
    let (name, display) = match (kind, fields.get(1)) {
        (Some(_), Some(name)) if !name.trim().is_empty() => {
            let last = fields.last().map(|l| l.trim()).unwrap_or("");
            let display = if !text.is_empty() {
                text.to_owned()
            } else if fields.len() > 2 && !last.is_empty() {
                last.to_owned()
            } else {
                name.trim().to_owned()
            };
            (name.trim().to_owned(), display)
        }
        _ if !text.is_empty() => (text.to_owned(), text.to_owned()),
        _ => return None,
    };
    Some(OfferedTemplate {
        name,
        display,
        kind,
        fields,
    })
}

// ---------------------------------------------------------------------------------------------
// EST /csrattrs
// ---------------------------------------------------------------------------------------------

/// `base[/label]/csrattrs`.
pub fn csrattrs_url(base: &str, label: Option<&str>) -> String {
    est_url(base, label, "csrattrs")
}

/// `application/csrattrs`.
pub const CSRATTRS_CONTENT_TYPE: &str = "application/csrattrs";

/// One item of a `CsrAttrs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttrOrOid {
    Oid(ObjectIdentifier),
    Attribute(Attribute),
}

/// What an EST server's `/csrattrs` holds, item by item, in its order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsrAttrs {
    pub items: Vec<AttrOrOid>,
}

/// Why a `/csrattrs` answer could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CsrAttrsError {
    /// An HTTP status that is neither 200 nor "nothing to ask" (204, 404).
    Status { status: u16, summary: String },
    /// The body is not base64 (nor DER).
    NotBase64,
    /// The DER is not a `CsrAttrs`: the decoder's reason.
    NotCsrAttrs(String),
}

impl core::fmt::Display for CsrAttrsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CsrAttrsError::Status { status, summary } => {
                write!(
                    f,
                    "the server answered HTTP {status} for /csrattrs: {summary}"
                )
            }
            CsrAttrsError::NotBase64 => {
                f.write_str("the server's CSR attributes (/csrattrs) are not base64")
            }
            CsrAttrsError::NotCsrAttrs(why) => write!(
                f,
                "the server's CSR attributes (/csrattrs) are not an RFC 7030 CsrAttrs: {why}"
            ),
        }
    }
}

impl std::error::Error for CsrAttrsError {}

/// Reads a `/csrattrs` answer: 204 or 404 is "nothing asked" (an empty list); 200 is base64
/// (RFC 8951: whatever `Content-Transfer-Encoding` says), or DER when the body is binary.
pub fn read_csrattrs(
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<CsrAttrs, CsrAttrsError> {
    match status {
        204 | 404 => return Ok(CsrAttrs::default()),
        200 => {}
        _ => {
            return Err(CsrAttrsError::Status {
                status,
                summary: crate::body_summary(content_type, body),
            });
        }
    }
    let der = if body.first() == Some(&0x30) && !media_type(content_type).starts_with("text/") {
        body.to_vec()
    } else {
        let text: String = String::from_utf8_lossy(body)
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        if text.is_empty() {
            return Ok(CsrAttrs::default());
        }
        use base64ct::{Base64, Encoding};
        Base64::decode_vec(&text).map_err(|_| CsrAttrsError::NotBase64)?
    };
    decode_csrattrs(&der)
}

/// Decodes the DER of a `CsrAttrs`.
pub fn decode_csrattrs(der: &[u8]) -> Result<CsrAttrs, CsrAttrsError> {
    let bad = |e: der::Error| CsrAttrsError::NotCsrAttrs(e.to_string());
    let list = Vec::<Any>::from_der(der).map_err(bad)?;
    let mut items = Vec::with_capacity(list.len());
    for any in list {
        let item_der = der::Encode::to_der(&any).map_err(bad)?;
        let item = match any.tag() {
            Tag::ObjectIdentifier => {
                AttrOrOid::Oid(ObjectIdentifier::from_der(&item_der).map_err(bad)?)
            }
            Tag::Sequence => AttrOrOid::Attribute(Attribute::from_der(&item_der).map_err(bad)?),
            other => {
                return Err(CsrAttrsError::NotCsrAttrs(format!(
                    "an item is {other}, neither an OID nor an attribute"
                )));
            }
        };
        items.push(item);
    }
    Ok(CsrAttrs { items })
}

/// The key a CA asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRequirement {
    /// RSA, of this many bits when said.
    Rsa { bits: Option<u32> },
    /// ECDSA, on this curve when said (the curve's OID, which may be one certreq does not do).
    Ec { curve: Option<ObjectIdentifier> },
}

/// What is known of the template a request is for: what the CA's page or CSR attributes say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Known {
    /// AD CS: the templates the advanced request page offers this user (`None`: not known).
    pub offered: Option<Vec<OfferedTemplate>>,
    /// The template the request will name when it is not in the INF (`-attrib
    /// CertificateTemplate:X`).
    pub attrib_template: Option<String>,
    /// EST: the key asked for.
    pub key: Option<KeyRequirement>,
    /// EST: signature algorithms asked for (any one of them will do).
    pub signature: Vec<ObjectIdentifier>,
    /// EST: subject attribute types asked for.
    pub subject: Vec<ObjectIdentifier>,
    /// EST: extensions asked for.
    pub extensions: Vec<ObjectIdentifier>,
    /// EST: a challenge password asked for (RFC 7030 §3.5: the TLS channel binding).
    pub challenge_password: bool,
    /// EST: attributes or OIDs this client does not know what to do with.
    pub unknown: Vec<ObjectIdentifier>,
}

impl CsrAttrs {
    /// What the server asks for, sorted into [`Known`]'s fields.
    pub fn requirements(&self) -> Known {
        let mut k = Known::default();
        for item in &self.items {
            match item {
                AttrOrOid::Oid(o) => classify_oid(&mut k, o),
                AttrOrOid::Attribute(a) => classify_attribute(&mut k, a),
            }
        }
        k
    }
}

fn is_signature_algorithm(o: &ObjectIdentifier) -> bool {
    [
        oid::MD5_WITH_RSA,
        oid::SHA1_WITH_RSA,
        oid::SHA256_WITH_RSA,
        oid::SHA384_WITH_RSA,
        oid::SHA512_WITH_RSA,
        oid::RSASSA_PSS,
        oid::ECDSA_WITH_SHA1,
        oid::ECDSA_WITH_SHA256,
        oid::ECDSA_WITH_SHA384,
        oid::ECDSA_WITH_SHA512,
    ]
    .contains(o)
}

fn is_extension(o: &ObjectIdentifier) -> bool {
    let s = o.to_string();
    s.starts_with("2.5.29.")
        || s.starts_with("1.3.6.1.5.5.7.1.")
        || *o == oid::SMIME_CAPABILITIES
        || s.starts_with("1.3.6.1.4.1.311.20.2")
        || s.starts_with("1.3.6.1.4.1.311.21.")
}

fn classify_oid(k: &mut Known, o: &ObjectIdentifier) {
    let push = |list: &mut Vec<ObjectIdentifier>| {
        if !list.contains(o) {
            list.push(*o);
        }
    };
    if is_signature_algorithm(o) {
        push(&mut k.signature);
    } else if *o == oid::CHALLENGE_PASSWORD {
        k.challenge_password = true;
    } else if certreq_pkix::name::by_oid(o).is_some() {
        push(&mut k.subject);
    } else if is_extension(o) {
        push(&mut k.extensions);
    } else if *o == oid::RSA_ENCRYPTION {
        k.key.get_or_insert(KeyRequirement::Rsa { bits: None });
    } else if *o == oid::EC_PUBLIC_KEY {
        k.key.get_or_insert(KeyRequirement::Ec { curve: None });
    } else {
        push(&mut k.unknown);
    }
}

fn classify_attribute(k: &mut Known, a: &Attribute) {
    let first = a.values.iter().next();
    if a.oid == oid::RSA_ENCRYPTION {
        let bits = first
            .and_then(|v| v.decode_as::<der::asn1::Uint>().ok())
            .and_then(|n| {
                let b = n.as_bytes();
                (b.len() <= 4).then(|| b.iter().fold(0u32, |acc, x| (acc << 8) | u32::from(*x)))
            });
        k.key = Some(KeyRequirement::Rsa { bits });
    } else if a.oid == oid::EC_PUBLIC_KEY {
        let curve = first.and_then(|v| v.decode_as::<ObjectIdentifier>().ok());
        k.key = Some(KeyRequirement::Ec { curve });
    } else if a.oid == oid::EXTENSION_REQUEST {
        for v in a.values.iter() {
            // RFC 9908: one value, an Extensions; RFC 7030's example: extension OIDs
            if let Ok(exts) = v.decode_as::<Extensions>() {
                for e in exts {
                    if !k.extensions.contains(&e.extn_id) {
                        k.extensions.push(e.extn_id);
                    }
                }
            } else if let Ok(o) = v.decode_as::<ObjectIdentifier>()
                && !k.extensions.contains(&o)
            {
                k.extensions.push(o);
            }
        }
    } else if a.oid == oid::CHALLENGE_PASSWORD {
        k.challenge_password = true;
    } else if certreq_pkix::name::by_oid(&a.oid).is_some() {
        if !k.subject.contains(&a.oid) {
            k.subject.push(a.oid);
        }
    } else if !k.unknown.contains(&a.oid) {
        k.unknown.push(a.oid);
    }
}

// ---------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------

/// Warnings about `compiled`'s request measured against what is known of the template; each
/// located at the INF line it is about (the key's entry, the `[NewRequest]` header when the
/// key is not written). Nothing when the INF did not compile to a request.
pub fn check(compiled: &Compiled, known: &Known) -> Vec<Diagnostic> {
    let Some(request) = &compiled.request else {
        return Vec::new();
    };
    let at = Places { compiled };
    let mut out = Vec::new();
    check_template(&at, request, known, &mut out);
    check_key(&at, request, known, &mut out);
    check_signature(&at, request, known, &mut out);
    check_subject(&at, request, known, &mut out);
    check_extensions(&at, request, known, &mut out);
    if known.challenge_password {
        out.push(Diagnostic::note(
            codes::ATTRIBUTE_NOT_SENT,
            at.header(),
            "the server asks for a challenge password (RFC 7030 §3.5), which this program does \
             not send",
        )
        .with_help("the server may refuse the request; ask its administrator how it wants clients identified"));
    }
    for o in &known.unknown {
        out.push(Diagnostic::note(
            codes::ATTRIBUTE_NOT_SENT,
            at.header(),
            format!(
                "the server asks for {}, which this program does not know how to provide",
                oid::label(o)
            ),
        ));
    }
    certreq_inf::diag::sort(&mut out);
    out
}

/// Where things are in the INF.
struct Places<'a> {
    compiled: &'a Compiled,
}

impl Places<'_> {
    /// The `[NewRequest]` header, or the start of the text.
    fn header(&self) -> Span {
        self.compiled
            .inf
            .section("NewRequest")
            .and_then(|s| s.headers.first().cloned())
            .unwrap_or(0..0)
    }

    /// The value of a key of a section, else the section's header, else `[NewRequest]`'s.
    fn value(&self, section: &str, keys: &[&str]) -> Span {
        let s = self.compiled.inf.section(section);
        keys.iter()
            .find_map(|k| s.and_then(|s| s.get(k)).map(|e| e.value.span.clone()))
            .or_else(|| s.and_then(|s| s.headers.first().cloned()))
            .unwrap_or_else(|| self.header())
    }
}

fn template_named(request: &NewRequest) -> Option<&str> {
    request
        .name_value_pairs
        .iter()
        .rev()
        .find(|(n, _)| {
            n.replace([' ', '-'], "")
                .eq_ignore_ascii_case("CertificateTemplate")
        })
        .map(|(_, v)| v.trim())
}

fn check_template(at: &Places<'_>, request: &NewRequest, known: &Known, out: &mut Vec<Diagnostic>) {
    let Some(offered) = &known.offered else {
        return;
    };
    let names = || {
        offered
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (name, span) = match (known.attrib_template.as_deref(), template_named(request)) {
        (Some(n), _) => (n.trim(), at.header()),
        (None, Some(n)) => (n, at.value("RequestAttributes", &["CertificateTemplate"])),
        (None, None) => {
            if !offered.is_empty() {
                out.push(
                    Diagnostic::warning(
                        codes::TEMPLATE_MISSING,
                        at.header(),
                        "the request names no certificate template, and this CA issues by \
                         template (an enterprise CA denies it: 0x80094801 CERTSRV_E_NO_CERT_TYPE)",
                    )
                    .with_help(format!(
                        "add `CertificateTemplate = NAME` to [RequestAttributes], or submit with \
                         -attrib CertificateTemplate:NAME; the CA offers: {}",
                        names()
                    )),
                );
            }
            return;
        }
    };
    if offered.iter().any(|t| t.name.eq_ignore_ascii_case(name)) {
        return;
    }
    let by_display = offered
        .iter()
        .find(|t| t.display.eq_ignore_ascii_case(name));
    let help = match by_display {
        Some(t) => format!(
            "`{name}` is the display name of the template `{}`; requests name templates by \
             their common name",
            t.name
        ),
        None if offered.is_empty() => {
            "the CA's page lists no template you may request; ask its administrator for \
             Enroll permission"
                .to_owned()
        }
        None => format!("the CA offers: {}", names()),
    };
    out.push(
        Diagnostic::warning(
            codes::TEMPLATE_NOT_OFFERED,
            span,
            format!(
                "the CA does not offer the template `{name}` to you (0x80094800 \
                 CERTSRV_E_UNSUPPORTED_CERT_TYPE, or 0x80094012 CERTSRV_E_TEMPLATE_DENIED, \
                 is the likely answer)"
            ),
        )
        .with_help(help),
    );
}

fn curve_name(o: &ObjectIdentifier) -> String {
    match Curve::from_oid(o) {
        Some(c) => format!("{c:?}"),
        None => oid::label(o),
    }
}

fn check_key(at: &Places<'_>, request: &NewRequest, known: &Known, out: &mut Vec<Diagnostic>) {
    let Some(want) = &known.key else {
        return;
    };
    let has = request.key.algorithm;
    let message = match (want, has) {
        (KeyRequirement::Rsa { bits: Some(b) }, KeyAlgorithm::Rsa { bits }) if *b != bits => {
            Some((
                format!(
                    "the server asks for an RSA key of {b} bits; this request's key has {bits}"
                ),
                format!("set `KeyLength = {b}`"),
                at.value("NewRequest", &["KeyLength"]),
            ))
        }
        (KeyRequirement::Rsa { bits }, KeyAlgorithm::Ecdsa(c)) => Some((
            format!(
                "the server asks for an RSA key{}; this request's key is ECDSA on {c:?}",
                bits.map(|b| format!(" of {b} bits")).unwrap_or_default()
            ),
            format!(
                "set `KeyAlgorithm = RSA` and `KeyLength = {}`",
                bits.unwrap_or(2048)
            ),
            at.value("NewRequest", &["KeyAlgorithm", "KeyLength"]),
        )),
        (KeyRequirement::Ec { curve }, KeyAlgorithm::Rsa { bits }) => Some((
            format!(
                "the server asks for an ECDSA key{}; this request's key is RSA of {bits} bits",
                curve
                    .map(|c| format!(" on {}", curve_name(&c)))
                    .unwrap_or_default()
            ),
            "set `KeyAlgorithm = ECDSA_P256` (or the curve the server names)".to_owned(),
            at.value("NewRequest", &["KeyAlgorithm", "KeyLength"]),
        )),
        (KeyRequirement::Ec { curve: Some(o) }, KeyAlgorithm::Ecdsa(c)) if *o != c.oid() => Some((
            format!(
                "the server asks for a key on {}; this request's key is on {c:?}",
                curve_name(o)
            ),
            match Curve::from_oid(o) {
                Some(w) => format!("set `KeyAlgorithm = ECDSA_{w:?}`"),
                None => "certreq-web cannot make a key on that curve".to_owned(),
            },
            at.value("NewRequest", &["KeyAlgorithm", "KeyLength"]),
        )),
        _ => None,
    };
    if let Some((message, help, span)) = message {
        out.push(Diagnostic::warning(codes::KEY_NOT_ASKED_FOR, span, message).with_help(help));
    }
}

fn check_signature(
    at: &Places<'_>,
    request: &NewRequest,
    known: &Known,
    out: &mut Vec<Diagnostic>,
) {
    if known.signature.is_empty() {
        return;
    }
    let Ok(ours) = request.signature.algorithm_identifier() else {
        return;
    };
    if known.signature.contains(&ours.oid) {
        return;
    }
    let wanted = known
        .signature
        .iter()
        .map(oid::label)
        .collect::<Vec<_>>()
        .join(" or ");
    out.push(
        Diagnostic::warning(
            codes::SIGNATURE_NOT_ASKED_FOR,
            at.value("NewRequest", &["HashAlgorithm", "KeyAlgorithm"]),
            format!(
                "the server asks for requests signed with {wanted}; this one is signed with {}",
                oid::label(&ours.oid)
            ),
        )
        .with_help("choose the HashAlgorithm (and key) that gives that signature"),
    );
}

fn check_subject(at: &Places<'_>, request: &NewRequest, known: &Known, out: &mut Vec<Diagnostic>) {
    for want in &known.subject {
        let present = request
            .subject
            .iter_rdn()
            .any(|rdn| rdn.iter().any(|atv| atv.oid == *want));
        if !present {
            let name = certreq_pkix::name::attribute_label(want);
            out.push(
                Diagnostic::warning(
                    codes::SUBJECT_ATTRIBUTE_MISSING,
                    at.value("NewRequest", &["Subject"]),
                    format!("the server asks for a subject with {name}; this Subject has none"),
                )
                .with_help(format!("add `{name}=…` to the Subject")),
            );
        }
    }
}

fn check_extensions(
    at: &Places<'_>,
    request: &NewRequest,
    known: &Known,
    out: &mut Vec<Diagnostic>,
) {
    for want in &known.extensions {
        let present = request.extension(want).is_some()
            || (*want == oid::SUBJECT_KEY_IDENTIFIER && request.subject_key_identifier);
        if !present {
            out.push(
                Diagnostic::warning(
                    codes::EXTENSION_MISSING,
                    at.value("Extensions", &[]),
                    format!(
                        "the server asks for the extension {} ({want}); this request does not carry it",
                        oid::label(want)
                    ),
                )
                .with_help(format!("add it in [Extensions]: `{want} = …`")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<HTML><Body>\r\n<Select Name=lbCertTemplate ID=lbCertTemplateID \
        OnChange=\"handleTemplateChange();\">\r\n\
        <Option Value=\"E;WebServer;1;1;2;0;0;0;1;0;2048;0;0;Web Server\">Web Server</Option>\r\n\
        <Option Value=\"O;WebServerv1.0Template;1;134;x;Web Server v1.0 Template\">Web Server v1.0 Template</Option>\r\n\
        <option value='E;User;1;1;41;16;0;0;0;0;0;0;0;User'>User &amp; Mail</option>\r\n\
        </Select>\r\n<Select Name=lbOther><Option Value=\"E;Nope;x\">Nope</Option></Select>";

    #[test]
    fn the_list_gives_common_and_display_names() {
        let list = read_template_page(PAGE).unwrap();
        let names: Vec<(&str, &str, Option<char>)> = list
            .iter()
            .map(|t| (t.name.as_str(), t.display.as_str(), t.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("WebServer", "Web Server", Some('E')),
                (
                    "WebServerv1.0Template",
                    "Web Server v1.0 Template",
                    Some('O')
                ),
                ("User", "User & Mail", Some('E')),
            ]
        );
        assert_eq!(list[0].fields.len(), 14);
        assert_eq!(list[0].fields[13], "Web Server");
    }

    #[test]
    fn a_page_without_the_list_or_without_options() {
        let e =
            read_template_page("<html><title>Sign in</title><select name=x></select>").unwrap_err();
        assert_eq!(
            e,
            TemplateListError::NoList {
                title: "Sign in".into()
            }
        );
        assert!(
            e.to_string()
                .contains("\"Sign in\" has no list of certificate templates")
        );
        assert_eq!(
            read_template_page("<SELECT id=\"lbCertTemplateID\"></SELECT>"),
            Ok(vec![])
        );
        // an option without a value uses its text; an empty one is skipped
        let list = read_template_page(
            "<select name=lbCertTemplate><option>Plain</option><option value=''></option></select>",
        )
        .unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].name, "Plain");
    }

    fn b64(der: &[u8]) -> Vec<u8> {
        use base64ct::{Base64, Encoding};
        Base64::encode_string(der).into_bytes()
    }

    /// RFC 7030 §4.5.2's example: challengePassword; ecPublicKey {secp384r1};
    /// extensionRequest {macAddress}; ecdsa-with-SHA384.
    const RFC7030_EXAMPLE: &str = "MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqGSIb3DQEJDjEJBgcrBgEBAQEWBggqhkjOPQQDAw==";

    #[test]
    fn rfc_7030s_example_is_read() {
        let attrs = read_csrattrs(200, "application/csrattrs", RFC7030_EXAMPLE.as_bytes()).unwrap();
        assert_eq!(attrs.items.len(), 4);
        let k = attrs.requirements();
        assert!(k.challenge_password);
        assert_eq!(
            k.key,
            Some(KeyRequirement::Ec {
                curve: Some(Curve::P384.oid())
            })
        );
        assert_eq!(k.signature, [oid::ECDSA_WITH_SHA384]);
        assert_eq!(
            k.extensions,
            [ObjectIdentifier::new_unwrap("1.3.6.1.1.1.1.22")]
        );
    }

    #[test]
    fn rfc_9908s_extension_request_and_rsa_size() {
        use der::Encode;
        use der::asn1::SetOfVec;
        use x509_cert::ext::Extension;
        let exts: Extensions = vec![Extension {
            extn_id: oid::SUBJECT_ALT_NAME,
            critical: false,
            extn_value: der::asn1::OctetString::new(vec![0x30, 0]).unwrap(),
        }];
        let ext_req = Attribute {
            oid: oid::EXTENSION_REQUEST,
            values: SetOfVec::try_from(vec![Any::encode_from(&exts).unwrap()]).unwrap(),
        };
        let rsa = Attribute {
            oid: oid::RSA_ENCRYPTION,
            values: SetOfVec::try_from(vec![
                Any::encode_from(&der::asn1::Uint::new(&[0x10, 0x00]).unwrap()).unwrap(),
            ])
            .unwrap(),
        };
        let items = vec![
            Any::encode_from(&ext_req).unwrap(),
            Any::encode_from(&rsa).unwrap(),
            Any::encode_from(&oid::SHA256_WITH_RSA).unwrap(),
            Any::encode_from(&ObjectIdentifier::new_unwrap("2.5.4.5")).unwrap(),
        ];
        let der = items.to_der().unwrap();
        let k = read_csrattrs(200, "application/csrattrs", &b64(&der))
            .unwrap()
            .requirements();
        assert_eq!(k.key, Some(KeyRequirement::Rsa { bits: Some(4096) }));
        assert_eq!(k.extensions, [oid::SUBJECT_ALT_NAME]);
        assert_eq!(k.signature, [oid::SHA256_WITH_RSA]);
        assert_eq!(k.subject, [ObjectIdentifier::new_unwrap("2.5.4.5")]);
        // the DER itself is read too
        assert_eq!(
            read_csrattrs(200, "application/csrattrs", &der)
                .unwrap()
                .items
                .len(),
            4
        );
    }

    #[test]
    fn nothing_asked_and_malformed_answers() {
        assert_eq!(read_csrattrs(204, "", b""), Ok(CsrAttrs::default()));
        assert_eq!(
            read_csrattrs(404, "text/plain", b"no"),
            Ok(CsrAttrs::default())
        );
        assert_eq!(
            read_csrattrs(200, "application/csrattrs", b"MAA="),
            Ok(CsrAttrs::default())
        );
        assert_eq!(
            read_csrattrs(200, "application/csrattrs", b"!!!"),
            Err(CsrAttrsError::NotBase64)
        );
        // a SET where the SEQUENCE belongs, a truncated list, an INTEGER item
        for der in [&[0x31, 0][..], &[0x30, 5, 6, 3, 42], &[0x30, 3, 2, 1, 5]] {
            let e = read_csrattrs(200, "application/csrattrs", &b64(der)).unwrap_err();
            assert!(matches!(e, CsrAttrsError::NotCsrAttrs(_)), "{der:?}: {e:?}");
            assert!(e.to_string().starts_with("the server's CSR attributes"));
        }
        assert!(matches!(
            read_csrattrs(500, "text/plain", b"down"),
            Err(CsrAttrsError::Status { status: 500, .. })
        ));
    }

    const INF: &str = "[NewRequest]\r\nSubject = \"CN=a.example\"\r\nKeyLength = 2048\r\n\
                       HashAlgorithm = SHA256\r\n[RequestAttributes]\r\nCertificateTemplate = Web Server\r\n";

    fn line_of(text: &str, d: &Diagnostic) -> usize {
        text[..d.span.start].matches('\n').count() + 1
    }

    #[test]
    fn the_template_is_checked_against_the_page() {
        let compiled = certreq_request::compile(INF);
        let known = Known {
            offered: Some(read_template_page(PAGE).unwrap()),
            ..Known::default()
        };
        let d = check(&compiled, &known);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "template-not-offered");
        assert_eq!(line_of(INF, &d[0]), 6);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("display name of the template `WebServer`")
        );
        let fine = INF.replace("Web Server", "webserver");
        assert!(check(&certreq_request::compile(&fine), &known).is_empty());
        // -attrib names it instead: it is checked, and the INF's is not
        let known_attrib = Known {
            attrib_template: Some("Bogus".into()),
            ..known.clone()
        };
        let d = check(&certreq_request::compile(&fine), &known_attrib);
        assert_eq!(d[0].code, "template-not-offered");
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("WebServer, WebServerv1.0Template, User")
        );
        let none = "[NewRequest]\r\nSubject = \"CN=a\"\r\n";
        let d = check(&certreq_request::compile(none), &known);
        assert_eq!(d[0].code, "template-missing");
        assert_eq!(line_of(none, &d[0]), 1);
    }

    #[test]
    fn the_request_is_checked_against_csr_attributes() {
        let k = read_csrattrs(200, "", RFC7030_EXAMPLE.as_bytes())
            .unwrap()
            .requirements();
        let d = check(&certreq_request::compile(INF), &k);
        let codes: Vec<(&str, usize)> = d.iter().map(|d| (d.code, line_of(INF, d))).collect();
        assert_eq!(
            codes,
            [
                ("extension-missing", 1),
                ("attribute-not-sent", 1),
                ("key-not-asked-for", 3),
                ("signature-not-asked-for", 4),
            ]
        );
        assert!(
            d[2].message.contains("ECDSA key on P384"),
            "{}",
            d[2].message
        );
        // what the server asks for, given: nothing to say
        let ec = "[NewRequest]\r\nSubject = \"CN=a\"\r\nKeyAlgorithm = ECDSA_P384\r\n\
                  HashAlgorithm = SHA384\r\n[Extensions]\r\n1.3.6.1.1.1.1.22 = \"{hex}0400\"\r\n";
        let compiled = certreq_request::compile(ec);
        assert!(compiled.request.is_some(), "{:?}", compiled.diagnostics);
        let d = check(&compiled, &k);
        assert_eq!(
            d.iter().map(|d| d.code).collect::<Vec<_>>(),
            ["attribute-not-sent"]
        );
        // a subject attribute asked for
        let k = Known {
            subject: vec![ObjectIdentifier::new_unwrap("2.5.4.5")],
            key: Some(KeyRequirement::Rsa { bits: Some(4096) }),
            ..Known::default()
        };
        let d = check(&certreq_request::compile(INF), &k);
        assert_eq!(
            d.iter()
                .map(|d| (d.code, line_of(INF, d)))
                .collect::<Vec<_>>(),
            [("subject-attribute-missing", 2), ("key-not-asked-for", 3)]
        );
    }
}
