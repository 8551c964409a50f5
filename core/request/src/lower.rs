//! From a parsed INF to a typed [`NewRequest`]: every key validated, certreq's defaults applied.
//!
//! # Rules (decisions where certreq's behaviour is unknown are marked *choice*)
//!
//! * No `[NewRequest]` section, or an empty one, is refused with certreq's own words
//!   (`INF file line not found 0xe0000102`, `Incorrect function. 0x1`).
//! * Every `[NewRequest]` key is validated; a bad value is an error located at the value. Each
//!   key then shapes the request, shapes the key, or draws a diagnostic saying it has no effect
//!   here and why (a warning when the value asks for something we do not do, a note when it
//!   restates certreq's default). Unknown keys are warnings with the nearest known key.
//! * *Choice:* a key given twice in `[NewRequest]`: the **first** wins and the others draw a
//!   warning — certreq reads INF files with the Setup API, whose line lookup finds the first line.
//! * Without `HashAlgorithm` we sign with SHA-256 (certreq uses SHA-1) and say so in a note.
//! * `RequestType = CMC` is built (see `crate::cmc`), and `PKCS7` (see `crate::pkcs7`) with
//!   `RenewalCert`, `RequesterName` and `PrivateKeyArchive` for a front end that builds the
//!   life cycle ([`Builds`]; the command line); another gets the PKCS#10 it would carry with a
//!   `wrapper-not-built` warning at each such key. `RequestType = SCEP` is an **error**: the user asked for a SCEP
//!   exchange, and handing them a request file instead would look like success while giving
//!   them something else. `RequestType = Cert` makes a self-signed certificate
//!   (`encode::prepare_certificate`) with a new key: `[RequestAttributes]` draws a warning
//!   there (attributes have no place in a certificate), an empty subject (RFC 5280 wants an
//!   issuer name) and `UseExistingKeySet` (it would replace the key's pending request) are
//!   errors.
//! * Extensions, in certreq's order (corpus req/001–003): `KeyUsage`,
//!   `[EnhancedKeyUsageExtension]`, `[BasicConstraintsExtension]`, `[Extensions]` lines in file
//!   order; then the defaults: S/MIME capabilities, the subject key identifier, the default key
//!   usage. The same extension from two [Extensions] lines is an error at the later one;
//!   from a section (or `KeyUsage`) and an [Extensions] line, the section's is kept and the
//!   line dropped with a warning (edk2's test chain, made by certreq, shows it).
//! * *Choice:* `KeyUsage = 0` (corpus 002 writes `"0x0000"`) means "no key usage extension":
//!   neither an explicit one nor certreq's default.

use certreq_pkix::oid::ObjectIdentifier;
use x509_cert::ext::Extension;
use x509_cert::name::Name;

#[cfg(feature = "lifecycle")]
use crate::model::{ArchivePlan, Cipher, Wrapping};
use crate::model::{
    Curve, Hash, KeyAlgorithm, KeyPlan, KeySpec, NewRequest, Period, RequestType, SignatureScheme,
    ValidityPlan,
};
use certreq_inf::codes;
use certreq_inf::diag::{Diagnostic, LocalDiag, Severity, Span};
use certreq_inf::values::{self, parse_flags};
use certreq_inf::{Entry, Inf, Section};

/// What a front end builds besides what every one does (the PKCS #10 request, the CMC
/// wrapper, the self-signed certificate). Where an INF asks for something its front end does
/// not build, a warning (`wrapper-not-built`) at the key that asks says so and the request is
/// made without it: a plain request is never passed off as the thing asked for.
///
/// Only a build with the `lifecycle` feature can ask for the life cycle: without it (the web
/// app, its tools module) the lowering of those keys is not compiled at all, and the keys draw
/// the same warnings as with the feature and [`Builds::default`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Builds {
    /// The PKCS #7 wrapper, renewals (`RenewalCert`), requests on behalf of others
    /// (`RequesterName`) and key archival (`PrivateKeyArchive`): `certreq -new` on the command
    /// line builds them all (with [`wrapping`] and the store); the web app builds renewals
    /// and requests on behalf of others (`renewal`, `on_behalf`) but not key archival.
    #[cfg(feature = "lifecycle")]
    pub lifecycle: bool,
    /// Renewals (`RenewalCert`, PKCS #7 or CMC): the web app builds them with the wrapper its
    /// tools module writes, signed by the stored certificate's key.
    pub renewal: bool,
    /// Requests on behalf of others (`RequesterName`, PKCS #7 or CMC), read into
    /// [`NewRequest::requester_name`]: the web app has them signed by a stored enrollment
    /// agent's certificate.
    pub on_behalf: bool,
}

impl Builds {
    /// A front end that builds the whole life cycle (the command line).
    #[cfg(feature = "lifecycle")]
    pub const LIFECYCLE: Builds = Builds {
        lifecycle: true,
        renewal: true,
        on_behalf: true,
    };

    /// A front end that builds renewals and requests on behalf of others, each signed by a
    /// stored certificate, and nothing else of the life cycle (the web app).
    pub const APP: Builds = Builds {
        #[cfg(feature = "lifecycle")]
        lifecycle: false,
        renewal: true,
        on_behalf: true,
    };

    /// Whether the life cycle is built (never without the `lifecycle` feature).
    pub const fn lifecycle(self) -> bool {
        #[cfg(feature = "lifecycle")]
        return self.lifecycle;
        #[cfg(not(feature = "lifecycle"))]
        false
    }
}

/// Decides the request an INF describes, for a front end that builds no more than every one
/// does ([`Builds::default`]; see [`lower_for`]).
pub fn lower(inf: &Inf) -> (Option<NewRequest>, Vec<Diagnostic>) {
    lower_for(inf, Builds::default())
}

/// Decides the request an INF describes for a front end that builds `builds`. `None` when
/// there are errors (the diagnostics say why); warnings and notes travel with a successful
/// result too.
pub fn lower_for(inf: &Inf, builds: Builds) -> (Option<NewRequest>, Vec<Diagnostic>) {
    let mut cx = Lowering::new();
    cx.builds = builds;
    let request = cx.lower(inf);
    codes::cap(&mut cx.diags);
    let request = if certreq_inf::diag::has_errors(&cx.diags) {
        None
    } else {
        request
    };
    (request, cx.diags)
}

/// What goes around a compiled request ([`Wrapping`]: on whose behalf, key archival), decided
/// from its INF by the same rules [`compile_for`] applied (and reported on) for a front end
/// that builds the life cycle. Default for an INF that makes no request.
#[cfg(feature = "lifecycle")]
pub fn wrapping(compiled: &Compiled) -> Wrapping {
    let (Some(request), Some(section)) = (&compiled.request, compiled.inf.section("NewRequest"))
    else {
        return Wrapping::default();
    };
    let mut cx = Lowering::new();
    let keys = cx.index_keys(section);
    let rt = Some(request.request_type);
    Wrapping {
        requester_name: cx.requester_name(&keys, rt, request.renewal_cert.is_some()),
        archive: cx.archive(
            &keys,
            rt,
            Some(request.key.algorithm),
            request.key.use_existing,
        ),
    }
}

/// What a policy INF (`certreq -policy`) adds to a request: its extensions, in certreq's
/// order, and its `[RequestAttributes]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicyPlan {
    pub extensions: Vec<Extension>,
    pub name_value_pairs: Vec<(String, String)>,
}

/// A policy INF, read and lowered.
#[derive(Clone, Debug)]
pub struct CompiledPolicy {
    pub inf: Inf,
    /// `None` when any diagnostic is an error.
    pub plan: Option<PolicyPlan>,
    /// Reader and lowering diagnostics, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and lowers a policy INF (`certreq -policy RequestIn PolicyFileIn …`): the extension
/// sections a request INF has, and `[RequestAttributes]`; `[NewRequest]` is not read.
pub fn compile_policy(text: &str) -> CompiledPolicy {
    let (inf, mut diagnostics) = certreq_inf::parse(text);
    let mut cx = Lowering::new();
    let plan = cx.lower_policy(&inf);
    codes::cap(&mut cx.diags);
    diagnostics.extend(cx.diags);
    certreq_inf::diag::sort(&mut diagnostics);
    let plan = if certreq_inf::diag::has_errors(&diagnostics) {
        None
    } else {
        plan
    };
    CompiledPolicy {
        inf,
        plan,
        diagnostics,
    }
}

/// The whole front half of the pipeline for one INF text.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub inf: Inf,
    /// `None` when any diagnostic is an error.
    pub request: Option<NewRequest>,
    /// Reader and lowering diagnostics, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// What goes around the request ([`wrapping`]).
    #[cfg(feature = "lifecycle")]
    pub fn wrapping(&self) -> Wrapping {
        wrapping(self)
    }
}

/// Reads and lowers INF text (already decoded; see [`certreq_inf::text::decode`]) for a front
/// end that builds no more than every one does ([`Builds::default`]; see [`compile_for`]).
pub fn compile(text: &str) -> Compiled {
    compile_for(text, Builds::default())
}

/// Reads and lowers INF text for a front end that builds `builds`.
pub fn compile_for(text: &str, builds: Builds) -> Compiled {
    let (inf, mut diagnostics) = certreq_inf::parse(text);
    let (request, more) = lower_for(&inf, builds);
    diagnostics.extend(more);
    certreq_inf::diag::sort(&mut diagnostics);
    let request = if certreq_inf::diag::has_errors(&diagnostics) {
        None
    } else {
        request
    };
    Compiled {
        inf,
        request,
        diagnostics,
    }
}

use certreq_pkix::oid::{
    APPLICATION_POLICIES as OID_APPLICATION_POLICIES, BASIC_CONSTRAINTS as OID_BASIC_CONSTRAINTS,
    CERTIFICATE_POLICIES as OID_CERTIFICATE_POLICIES, KEY_USAGE as OID_KEY_USAGE,
    SMIME_CAPABILITIES as OID_SMIME, SUBJECT_KEY_IDENTIFIER as OID_SKI,
};

const X500_NAME_FLAGS: &[(&str, u64)] = &[
    ("CERT_NAME_STR_NONE", 0),
    ("CERT_SIMPLE_NAME_STR", 1),
    ("CERT_OID_NAME_STR", 2),
    ("CERT_X500_NAME_STR", 3),
    ("CERT_NAME_STR_SEMICOLON_FLAG", 0x4000_0000),
    ("CERT_NAME_STR_NO_PLUS_FLAG", 0x2000_0000),
    ("CERT_NAME_STR_NO_QUOTING_FLAG", 0x1000_0000),
    ("CERT_NAME_STR_CRLF_FLAG", 0x0800_0000),
    ("CERT_NAME_STR_COMMA_FLAG", 0x0400_0000),
    ("CERT_NAME_STR_REVERSE_FLAG", 0x0200_0000),
    ("CERT_NAME_STR_FORWARD_FLAG", 0x0100_0000),
    ("CERT_NAME_STR_DISABLE_IE4_UTF8_FLAG", 0x10000),
    ("CERT_NAME_STR_ENABLE_T61_UNICODE_FLAG", 0x20000),
    ("CERT_NAME_STR_ENABLE_UTF8_UNICODE_FLAG", 0x40000),
    ("CERT_NAME_STR_FORCE_UTF8_DIR_STR_FLAG", 0x80000),
    ("CERT_NAME_STR_DISABLE_UTF8_DIR_STR_FLAG", 0x100000),
    ("CERT_NAME_STR_ENABLE_PUNYCODE_FLAG", 0x200000),
];

const KEY_SPECS: &[(&str, u64)] = &[("AT_NONE", 0), ("AT_KEYEXCHANGE", 1), ("AT_SIGNATURE", 2)];

const KEY_USAGE_PROPERTY: &[(&str, u64)] = &[
    ("NCRYPT_ALLOW_DECRYPT_FLAG", 1),
    ("NCRYPT_ALLOW_SIGNING_FLAG", 2),
    ("NCRYPT_ALLOW_KEY_AGREEMENT_FLAG", 4),
    ("NCRYPT_ALLOW_KEY_IMPORT_FLAG", 8),
    ("NCRYPT_ALLOW_ALL_USAGES", 0xff_ffff),
];

const KEY_PROTECTION: &[(&str, u64)] = &[
    ("NCRYPT_UI_NO_PROTECTION_FLAG", 0),
    ("NCRYPT_UI_NO_PROTCTION_FLAG", 0),
    ("NCRYPT_UI_PROTECT_KEY_FLAG", 1),
    ("NCRYPT_UI_FORCE_HIGH_PROTECTION_FLAG", 2),
];

const SUBJECT_NAME_FLAGS: &[(&str, u64)] = &[
    ("CT_FLAG_OLD_CERT_SUPPLIES_SUBJECT_AND_ALT_NAME", 0x8),
    ("CT_FLAG_SUBJECT_ALT_REQUIRE_DOMAIN_DNS", 0x40_0000),
    ("CT_FLAG_SUBJECT_ALT_REQUIRE_SPN", 0x80_0000),
    ("CT_FLAG_SUBJECT_ALT_REQUIRE_DIRECTORY_GUID", 0x100_0000),
    ("CT_FLAG_SUBJECT_ALT_REQUIRE_UPN", 0x200_0000),
    ("CT_FLAG_SUBJECT_ALT_REQUIRE_EMAIL", 0x400_0000),
    ("CT_FLAG_SUBJECT_ALT_REQUIRE_DNS", 0x800_0000),
    ("CT_FLAG_SUBJECT_REQUIRE_DNS_AS_CN", 0x1000_0000),
    ("CT_FLAG_SUBJECT_REQUIRE_EMAIL", 0x2000_0000),
    ("CT_FLAG_SUBJECT_REQUIRE_COMMON_NAME", 0x4000_0000),
    ("CT_FLAG_SUBJECT_REQUIRE_DIRECTORY_PATH", 0x8000_0000),
];

/// The sections only a policy file (`certreq -policy`) reads.
const POLICY_ONLY_SECTIONS: [&str; 5] = [
    "NameConstraintsExtension",
    "PolicyMappingsExtension",
    "PolicyConstraintsExtension",
    "ApplicationPolicyMappingsExtension",
    "ApplicationPolicyConstraintsExtension",
];

/// How a key the schema marks as having no effect here is still read, so that a malformed
/// value is reported even though the key changes nothing. Why it has no effect is the schema's
/// `here` text (one home for it), quoted in the diagnostic.
#[derive(Clone, Copy)]
enum Inert {
    /// A boolean; `FALSE` is certreq's default (a note), `TRUE` asks for something (a warning).
    Bool,
    /// Free text: any value draws a warning, an empty one a note.
    Text,
    /// A number: any value draws a warning.
    Number,
    /// `|`-joined symbols (and the prefixes they may carry): any value draws a warning.
    Flags(&'static [(&'static str, u64)], &'static [&'static str]),
}

/// The value syntax of a `[NewRequest]` key the schema marks as not acted on; `None` for a
/// key this module does not know how to read (a test holds every such key of the schema to
/// having one).
fn inert_kind(key: &str) -> Option<Inert> {
    Some(match key {
        "MachineKeySet" | "Silent" | "UserProtected" | "EncipherOnly" => Inert::Bool,
        "ProviderName" | "SecurityDescriptor" => Inert::Text,
        "ProviderType" => Inert::Number,
        "KeyUsageProperty" => Inert::Flags(KEY_USAGE_PROPERTY, &[]),
        "KeyProtection" => Inert::Flags(KEY_PROTECTION, &["XCN_"]),
        "SubjectNameFlags" => Inert::Flags(SUBJECT_NAME_FLAGS, &[]),
        _ => return None,
    })
}

struct Lowering {
    diags: Vec<Diagnostic>,
    /// How many diagnostics of each code were reported, for [`codes::cap`]'s limit.
    counts: Vec<(&'static str, usize)>,
    /// What the front end builds.
    builds: Builds,
}

/// The `[NewRequest]` entries that count: the first one of each known key.
struct Keys<'a> {
    entries: Vec<(&'static str, &'a Entry)>,
}

impl<'a> Keys<'a> {
    fn get(&self, key: &str) -> Option<&'a Entry> {
        self.entries
            .iter()
            .find(|(k, _)| k.len() == key.len() && k.eq_ignore_ascii_case(key))
            .map(|(_, e)| *e)
    }
}

fn header_span(section: &Section) -> Span {
    section.headers.first().cloned().unwrap_or(0..0)
}

/// What became of an extension offered to the request.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Offer {
    Taken,
    /// An [Extensions] line for an extension a section had given: the section's is kept.
    Superseded,
    /// Given twice where certreq stops: an error was reported.
    Refused,
}

/// Where an extension came from, for duplicate reports.
struct Seen {
    oid: ObjectIdentifier,
    span: Span,
    what: Origin,
}

/// What gave an extension, put into words only when a duplicate is reported (most requests
/// have none, so no OID is formatted for them).
enum Origin {
    Said(String),
    ExtensionsLine(ObjectIdentifier),
}

impl From<String> for Origin {
    fn from(said: String) -> Origin {
        Origin::Said(said)
    }
}

impl From<&str> for Origin {
    fn from(said: &str) -> Origin {
        Origin::Said(said.to_owned())
    }
}

impl core::fmt::Display for Origin {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Origin::Said(said) => f.write_str(said),
            Origin::ExtensionsLine(oid) => write!(f, "the [Extensions] line for {oid}"),
        }
    }
}

impl Lowering {
    fn new() -> Lowering {
        Lowering {
            diags: Vec::new(),
            counts: Vec::new(),
            builds: Builds::default(),
        }
    }

    fn push(&mut self, d: Diagnostic) {
        self.count(d.code);
        self.diags.push(d);
    }

    /// Counts one more diagnostic of `code`.
    fn count(&mut self, code: &'static str) {
        match self.counts.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((code, 1)),
        }
    }

    /// Whether another diagnostic of `code` will be listed: past [`codes::MAX_PER_CODE`] they
    /// are only counted (by [`codes::cap`]), so a hostile INF with hundreds of thousands of them
    /// costs neither a suggestion search nor a message for each.
    fn room(&self, code: codes::Code) -> bool {
        self.counts
            .iter()
            .find(|(c, _)| *c == code.name)
            .is_none_or(|(_, n)| *n < codes::MAX_PER_CODE)
    }

    fn local(&mut self, entry: &Entry, local: LocalDiag) {
        let d = entry.value.diag(local);
        self.diags.push(d);
    }

    fn value_diag(
        &mut self,
        entry: &Entry,
        severity: Severity,
        code: codes::Code,
        message: String,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::new(severity, code, entry.value.span.clone(), message);
        d.help = help;
        self.diags.push(d);
    }

    fn bool_of(&mut self, entry: &Entry) -> Option<bool> {
        match values::expect_bool(&entry.value.text) {
            Ok(b) => Some(b),
            Err(l) => {
                self.local(entry, l);
                None
            }
        }
    }

    fn number_of(&mut self, entry: &Entry) -> Option<u64> {
        match values::expect_number(&entry.value.text) {
            Ok(n) => Some(n),
            Err(l) => {
                self.local(entry, l);
                None
            }
        }
    }

    fn flags_of(&mut self, entry: &Entry, table: &[(&str, u64)], prefixes: &[&str]) -> Option<u64> {
        match parse_flags(&entry.value.text, table, prefixes) {
            Ok(n) => Some(n),
            Err(ls) => {
                for l in ls {
                    self.local(entry, l);
                }
                None
            }
        }
    }

    fn lower(&mut self, inf: &Inf) -> Option<NewRequest> {
        let Some(section) = inf.section("NewRequest") else {
            let span = inf
                .sections
                .first()
                .and_then(|s| s.headers.first().cloned())
                .unwrap_or(0..0);
            self.push(
                Diagnostic::error(
                    codes::NO_NEWREQUEST,
                    span,
                    "no [NewRequest] section; certreq stops with \
                     \"INF file line not found 0xe0000102 (INF: -536870654)\"",
                )
                .with_help(
                    "every request INF needs a [NewRequest] section, e.g.\n[NewRequest]\nSubject = \"CN=host.example.com\"",
                ),
            );
            return None;
        };
        if section.entries.is_empty() {
            self.push(
                Diagnostic::error(
                    codes::EMPTY_NEWREQUEST,
                    header_span(section),
                    "the [NewRequest] section has no entries; certreq stops with \
                     \"Incorrect function. 0x1 (WIN32: 1)\"",
                )
                .with_help("add at least one key, e.g. Subject = \"CN=host.example.com\""),
            );
            return None;
        }
        let keys = self.index_keys(section);

        let request_type = self.request_type(&keys);
        let algorithm = self.key_algorithm(&keys);
        let hash = self.hash(&keys, section);
        let signature = self.signature(&keys, algorithm, hash);
        let key_spec = self.key_spec(&keys, algorithm);
        let subject = self.subject(&keys);

        let bool_key = |cx: &mut Self, key: &str| keys.get(key).and_then(|e| cx.bool_of(e));
        let mut exportable = bool_key(self, "Exportable").unwrap_or(false);
        if bool_key(self, "ExportableEncrypted") == Some(true) {
            if let Some(e) = keys.get("ExportableEncrypted") {
                self.value_diag(
                    e,
                    Severity::Note,
                    codes::EXPORTABLE_ENCRYPTED,
                    "`ExportableEncrypted = TRUE` makes the private key exportable; here it is \
                     only ever exported password-protected (PKCS#12)"
                        .into(),
                    None,
                );
            }
            exportable = true;
        }
        let container = keys
            .get("KeyContainer")
            .map(|e| e.value.text.trim().to_string())
            .filter(|s| !s.is_empty());
        let use_existing = bool_key(self, "UseExistingKeySet").unwrap_or(false);
        let renewal_cert = self.renewal(&keys, request_type);
        if use_existing && let Some(e) = keys.get("UseExistingKeySet") {
            // with RenewalCert, the key reused is the renewed certificate's
            if container.is_none() && renewal_cert.is_none() {
                self.value_diag(
                    e,
                    Severity::Error,
                    codes::EXISTING_KEY_UNNAMED,
                    "`UseExistingKeySet = TRUE` needs KeyContainer to say which key to reuse"
                        .into(),
                    Some("add KeyContainer = \"<the key's name>\"".into()),
                );
            }
            if keys.get("Exportable").is_some() {
                self.value_diag(
                    e,
                    Severity::Warning,
                    codes::EXISTING_KEY_EXPORTABLE,
                    "`Exportable` has no effect on a reused key: its exportability was \
                         fixed when it was made"
                        .into(),
                    Some("remove Exportable, as certreq's documentation asks".into()),
                );
            }
        }
        let friendly_name = keys
            .get("FriendlyName")
            .map(|e| e.value.text.clone())
            .filter(|s| !s.is_empty());
        let smime = bool_key(self, "SMIME");
        let suppress = bool_key(self, "SuppressDefaults").unwrap_or(false);
        let validity = self.validity(&keys, request_type);
        let requester_name = self.around(
            &keys,
            request_type,
            algorithm,
            use_existing,
            renewal_cert.is_some(),
        );
        self.inert_keys(&keys);

        // Extensions, in certreq's order.
        let mut exts: Vec<Extension> = Vec::new();
        let mut seen: Vec<Seen> = Vec::new();
        let explicit_ku = self.key_usage(&keys);
        if let Some((Some(bits), e)) = &explicit_ku {
            if *bits != 0 {
                exts.push(crate::ext::key_usage(*bits));
                seen.push(Seen {
                    oid: OID_KEY_USAGE,
                    span: e.value.span.clone(),
                    what: "`KeyUsage` in [NewRequest]".into(),
                });
            } else {
                self.value_diag(
                    e,
                    Severity::Note,
                    codes::KEY_USAGE_ZERO,
                    "`KeyUsage = 0`: the request has no key usage extension (not even certreq's \
                     default)"
                        .into(),
                    None,
                );
            }
        }
        let policy_sections = self.extension_sections(inf, &mut exts, &mut seen);
        if let Some(s) = inf.section("Extensions") {
            self.extensions_section(s, &mut exts, &mut seen);
        }
        self.other_sections(inf, &policy_sections, false);
        let name_value_pairs = inf
            .section("RequestAttributes")
            .map(|s| self.request_attributes(s))
            .unwrap_or_default();
        if let Some(ext) = self.template_extension(inf, &seen) {
            // certreq writes it first, before every other extension (research:
            // certreq-facts §1), in requests and in RequestType = Cert certificates alike
            exts.insert(0, ext);
        }
        if request_type == Some(RequestType::Cert) {
            self.cert_checks(
                &keys,
                subject.as_ref(),
                !name_value_pairs.is_empty(),
                use_existing,
            );
        }

        let has = |oid: &ObjectIdentifier| seen.iter().any(|s| &s.oid == oid);
        let smime_on = match smime {
            Some(true) => true,
            Some(false) => false,
            None => key_spec == KeySpec::KeyExchange && !suppress,
        };
        if smime_on && !has(&OID_SMIME) {
            exts.push(crate::ext::smime_capabilities());
        }
        let ski_position = exts.len();
        let subject_key_identifier = !suppress && !has(&OID_SKI);
        if !suppress && explicit_ku.is_none() && !has(&OID_KEY_USAGE) {
            let bits = match (key_spec, algorithm) {
                (KeySpec::KeyExchange, Some(KeyAlgorithm::Rsa { .. })) => 0xa0,
                _ => 0x80,
            };
            exts.push(crate::ext::key_usage(bits));
        }

        let algorithm = algorithm?;
        let signature = signature?;
        let subject = subject?;
        Some(NewRequest {
            request_type: request_type?,
            subject,
            key: KeyPlan {
                algorithm,
                exportable,
                key_spec,
                container,
                use_existing,
            },
            signature,
            extensions: exts,
            subject_key_identifier,
            ski_position,
            name_value_pairs,
            default_attributes: !suppress,
            friendly_name,
            validity,
            renewal_cert,
            requester_name,
        })
    }

    /// The sections of request INFs that add extensions before `[Extensions]`, in certreq's
    /// order: `[EnhancedKeyUsageExtension]`, `[BasicConstraintsExtension]`, the policy
    /// statements. Returns the names of the policy sections they name, which are read too.
    fn extension_sections<'a>(
        &mut self,
        inf: &'a Inf,
        exts: &mut Vec<Extension>,
        seen: &mut Vec<Seen>,
    ) -> Vec<&'a str> {
        if let Some(s) = inf.section("EnhancedKeyUsageExtension") {
            self.eku_section(s, exts, seen);
        }
        if let Some(s) = inf.section("BasicConstraintsExtension") {
            self.basic_constraints_section(s, exts, seen);
        }
        let mut used: Vec<&str> = Vec::new();
        for (name, oid) in [
            ("PolicyStatementExtension", OID_CERTIFICATE_POLICIES),
            (
                "ApplicationPolicyStatementExtension",
                OID_APPLICATION_POLICIES,
            ),
        ] {
            if let Some(s) = inf.section(name) {
                let named = self.policy_statement(inf, s, oid, exts, seen);
                used.extend(named);
            }
        }
        used
    }

    /// The sections only a policy file (`certreq -policy`) reads: the policy mappings and
    /// constraints (certificate, then application), then `[NameConstraintsExtension]`. A
    /// request INF reports them as unused, as before (whether `certreq -new` honours them is
    /// not known; `[Extensions]` lines are its documented way). Kept apart so that a build
    /// that only makes requests (the web app) links none of it. Returns the names of the
    /// subtree sections read.
    fn policy_sections<'a>(
        &mut self,
        inf: &'a Inf,
        exts: &mut Vec<Extension>,
        seen: &mut Vec<Seen>,
    ) -> Vec<&'a str> {
        use certreq_pkix::oid::{
            APPLICATION_POLICY_CONSTRAINTS, APPLICATION_POLICY_MAPPINGS, POLICY_CONSTRAINTS,
            POLICY_MAPPINGS,
        };
        for (name, oid) in [
            ("PolicyMappingsExtension", POLICY_MAPPINGS),
            (
                "ApplicationPolicyMappingsExtension",
                APPLICATION_POLICY_MAPPINGS,
            ),
        ] {
            if let Some(s) = inf.section(name) {
                self.policy_mappings_section(s, oid, exts, seen);
            }
        }
        for (name, oid) in [
            ("PolicyConstraintsExtension", POLICY_CONSTRAINTS),
            (
                "ApplicationPolicyConstraintsExtension",
                APPLICATION_POLICY_CONSTRAINTS,
            ),
        ] {
            if let Some(s) = inf.section(name) {
                self.policy_constraints_section(s, oid, exts, seen);
            }
        }
        match inf.section("NameConstraintsExtension") {
            Some(s) => self.name_constraints_section(inf, s, exts, seen),
            None => Vec::new(),
        }
    }

    /// A policy INF (`certreq -policy`): the extension sections and `[RequestAttributes]`,
    /// nothing of `[NewRequest]`.
    fn lower_policy(&mut self, inf: &Inf) -> Option<PolicyPlan> {
        let mut exts: Vec<Extension> = Vec::new();
        let mut seen: Vec<Seen> = Vec::new();
        let mut used = self.extension_sections(inf, &mut exts, &mut seen);
        used.extend(self.policy_sections(inf, &mut exts, &mut seen));
        if let Some(s) = inf.section("Extensions") {
            self.extensions_section(s, &mut exts, &mut seen);
        }
        self.other_sections(inf, &used, true);
        let name_value_pairs = inf
            .section("RequestAttributes")
            .map(|s| self.request_attributes(s))
            .unwrap_or_default();
        if let Some(ext) = self.template_extension(inf, &seen) {
            exts.insert(0, ext);
        }
        if exts.is_empty() && name_value_pairs.is_empty() {
            let span = inf
                .sections
                .first()
                .and_then(|s| s.headers.first().cloned())
                .unwrap_or(0..0);
            self.push(
                Diagnostic::warning(
                    codes::EMPTY_EXTENSION_SECTION,
                    span,
                    "this policy file adds no extension and no request attribute, so it changes \
                     nothing",
                )
                .with_help(
                    "a policy file holds extension sections such as [PolicyStatementExtension], \
                     [BasicConstraintsExtension] or [NameConstraintsExtension]",
                ),
            );
        }
        Some(PolicyPlan {
            extensions: exts,
            name_value_pairs,
        })
    }

    /// `[PolicyMappingsExtension]` or `[ApplicationPolicyMappingsExtension]`: lines
    /// `issuerDomainPolicy = subjectDomainPolicy` (dotted OIDs, as the policy.inf samples
    /// write them) and `Critical` (FALSE unless given).
    fn policy_mappings_section(
        &mut self,
        s: &Section,
        ext_oid: ObjectIdentifier,
        exts: &mut Vec<Extension>,
        seen: &mut Vec<Seen>,
    ) {
        let mut list = Vec::new();
        let mut critical = false;
        let mut bad = false;
        for e in &s.entries {
            let k = e.key.trim();
            if k.eq_ignore_ascii_case("Critical") {
                match self.bool_of(e) {
                    Some(b) => critical = b,
                    None => bad = true,
                }
                continue;
            }
            let Ok(issuer) = ObjectIdentifier::new(k) else {
                self.push(
                    Diagnostic::warning(
                        codes::UNKNOWN_KEY,
                        e.key_span.clone(),
                        format!(
                            "`{k}` in [{}] is not a policy OID, so it has no effect",
                            s.name
                        ),
                    )
                    .with_help("write issuerPolicyOid = subjectPolicyOid, one mapping a line"),
                );
                continue;
            };
            let t = e.value.text.trim();
            match ObjectIdentifier::new(t) {
                Ok(subject) => list.push((issuer, subject)),
                Err(_) => {
                    bad = true;
                    self.value_diag(
                        e,
                        Severity::Error,
                        codes::INVALID_OID,
                        format!("`{t}` is not an object identifier"),
                        Some("write the subject CA's policy as a dotted OID".into()),
                    );
                }
            }
        }
        if bad {
            return;
        }
        if list.is_empty() {
            self.empty_section(s, "issuerPolicyOid = subjectPolicyOid lines");
            return;
        }
        let der = crate::ext::write::policy_mappings(&list);
        self.add_der(exts, seen, s, ext_oid, critical, der);
    }

    /// `[PolicyConstraintsExtension]` or `[ApplicationPolicyConstraintsExtension]`:
    /// `RequireExplicitPolicy = n`, `InhibitPolicyMapping = n` (certificates below this one
    /// before the constraint applies) and `Critical` (TRUE unless given: RFC 5280 §4.2.1.11
    /// has CAs mark it critical).
    fn policy_constraints_section(
        &mut self,
        s: &Section,
        ext_oid: ObjectIdentifier,
        exts: &mut Vec<Extension>,
        seen: &mut Vec<Seen>,
    ) {
        // requireExplicitPolicy, inhibitPolicyMapping
        let (mut require, mut inhibit) = (None, None);
        let mut critical = true;
        let mut bad = false;
        for e in &s.entries {
            let k = e.key.trim();
            let slot = if k.eq_ignore_ascii_case("RequireExplicitPolicy") {
                &mut require
            } else if k.eq_ignore_ascii_case("InhibitPolicyMapping") {
                &mut inhibit
            } else if k.eq_ignore_ascii_case("Critical") {
                match self.bool_of(e) {
                    Some(b) => critical = b,
                    None => bad = true,
                }
                continue;
            } else {
                self.push(
                    Diagnostic::warning(
                        codes::UNKNOWN_KEY,
                        e.key_span.clone(),
                        format!("unknown key `{}` in [{}] has no effect", e.key, s.name),
                    )
                    .with_help("this section takes RequireExplicitPolicy, InhibitPolicyMapping and Critical"),
                );
                continue;
            };
            match values::expect_number(&e.value.text) {
                Ok(n) => match u32::try_from(n) {
                    Ok(n) => *slot = Some(n),
                    Err(_) => {
                        bad = true;
                        self.value_diag(
                            e,
                            Severity::Error,
                            codes::INVALID_NUMBER,
                            format!("{n} is too large a certificate count"),
                            None,
                        );
                    }
                },
                Err(l) => {
                    bad = true;
                    self.local(e, l);
                }
            }
        }
        if bad {
            return;
        }
        if require.is_none() && inhibit.is_none() {
            self.empty_section(s, "RequireExplicitPolicy = n or InhibitPolicyMapping = n");
            return;
        }
        let der = crate::ext::write::policy_constraints(require, inhibit);
        self.add_der(exts, seen, s, ext_oid, critical, der);
    }

    /// `[NameConstraintsExtension]`: `Include =` and `Exclude =` name sections of names
    /// (`DNS =`, `Email =`, `UPN =`, `URL =`, `IPAddress = address, mask`, `DirectoryName =`,
    /// `RegisteredId =`, or a dotted OID for an other name), as policy.inf writes them;
    /// `Critical` (TRUE unless given: RFC 5280 §4.2.1.10 has CAs mark it critical). Returns the
    /// names of the sections read.
    fn name_constraints_section<'a>(
        &mut self,
        inf: &'a Inf,
        s: &Section,
        exts: &mut Vec<Extension>,
        seen: &mut Vec<Seen>,
    ) -> Vec<&'a str> {
        let mut critical = true;
        let mut bad = false;
        let mut named: Vec<(bool, &Entry)> = Vec::new();
        for e in &s.entries {
            let k = e.key.trim();
            if k.eq_ignore_ascii_case("Include") {
                named.push((true, e));
            } else if k.eq_ignore_ascii_case("Exclude") {
                named.push((false, e));
            } else if k.eq_ignore_ascii_case("Critical") {
                match self.bool_of(e) {
                    Some(b) => critical = b,
                    None => bad = true,
                }
            } else {
                self.push(
                    Diagnostic::warning(
                        codes::UNKNOWN_KEY,
                        e.key_span.clone(),
                        format!(
                            "unknown key `{}` in [NameConstraintsExtension] has no effect",
                            e.key
                        ),
                    )
                    .with_help("this section takes Include, Exclude (section names) and Critical"),
                );
            }
        }
        let mut used = Vec::new();
        let (mut permitted, mut excluded) = (Vec::new(), Vec::new());
        for (include, at) in named {
            for name in at
                .value
                .text
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
            {
                let Some(sub) = inf.section(name) else {
                    bad = true;
                    self.value_diag(
                        at,
                        Severity::Error,
                        codes::POLICY_SECTION_MISSING,
                        format!(
                            "`{}` names [{name}], which this INF does not have",
                            at.key.trim()
                        ),
                        Some(format!(
                            "add a [{name}] section with lines such as DNS = example.com"
                        )),
                    );
                    continue;
                };
                used.push(sub.name.as_str());
                for e in &sub.entries {
                    let kind = e.key.trim();
                    let text = e.value.text.as_str();
                    // policy.inf allows a minimum and a maximum depth after a name; RFC 5280
                    // §4.2.1.10 wants neither, and CryptoAPI refuses chains that use them
                    let is_ip = kind
                        .replace([' ', '\t'], "")
                        .eq_ignore_ascii_case("ipaddress");
                    if !is_ip && let Some(comma) = text.find(',') {
                        bad = true;
                        self.local(
                            e,
                            LocalDiag::error(
                                codes::NAME_CONSTRAINT_DEPTH,
                                comma..text.len(),
                                "a minimum or maximum depth after a name constraint is not \
                                 written here: RFC 5280 wants neither, and Windows refuses \
                                 chains whose constraints use them",
                            )
                            .with_help("keep only the name"),
                        );
                        continue;
                    }
                    let mut local = Vec::new();
                    match crate::ext::text::constraint_name(kind, text, &mut local) {
                        Some(Some(base)) => {
                            for d in local {
                                self.local(e, d);
                            }
                            if include {
                                permitted.push(base);
                            } else {
                                excluded.push(base);
                            }
                        }
                        Some(None) => {
                            bad = true;
                            for d in local {
                                self.local(e, d);
                            }
                        }
                        None => self.push(
                            Diagnostic::warning(
                                codes::UNKNOWN_KEY,
                                e.key_span.clone(),
                                format!(
                                    "`{kind}` in [{}] is not a kind of name, so it has no effect",
                                    sub.name
                                ),
                            )
                            .with_help(
                                "the kinds are DNS, Email, UPN, URL, IPAddress (address, mask), \
                                 DirectoryName, RegisteredId, or a dotted OID for an other name",
                            ),
                        ),
                    }
                }
            }
        }
        if bad {
            return used;
        }
        if permitted.is_empty() && excluded.is_empty() {
            self.empty_section(s, "Include = <section> or Exclude = <section> naming names");
            return used;
        }
        let nc = crate::ext::write::name_constraints(&permitted, &excluded);
        self.add_der(
            exts,
            seen,
            s,
            certreq_pkix::oid::NAME_CONSTRAINTS,
            critical,
            nc,
        );
        used
    }

    /// A warning that an extension section adds nothing.
    fn empty_section(&mut self, s: &Section, wants: &str) {
        self.push(
            Diagnostic::warning(
                codes::EMPTY_EXTENSION_SECTION,
                header_span(s),
                format!("[{}] has nothing to encode, so it adds nothing", s.name),
            )
            .with_help(format!("add {wants}, or remove the section")),
        );
    }

    /// Adds the extension `[s]` makes, its value already encoded.
    fn add_der(
        &mut self,
        exts: &mut Vec<Extension>,
        seen: &mut Vec<Seen>,
        s: &Section,
        extn_id: ObjectIdentifier,
        critical: bool,
        der: Vec<u8>,
    ) {
        match der::asn1::OctetString::new(der) {
            Ok(extn_value) => self.add_extension(
                exts,
                seen,
                Extension {
                    extn_id,
                    critical,
                    extn_value,
                },
                header_span(s),
                format!("[{}]", s.name).into(),
            ),
            Err(e) => self.push(Diagnostic::error(
                codes::ENCODE,
                header_span(s),
                format!("[{}] could not be encoded: {e}", s.name),
            )),
        }
    }

    /// Finds each entry's canonical key; warns about unknown and repeated keys.
    fn index_keys<'a>(&mut self, section: &'a Section) -> Keys<'a> {
        let mut entries: Vec<(&'static str, &'a Entry)> = Vec::with_capacity(section.entries.len());
        // the section's keys picked out of the schema once, not again for every entry
        let known = certreq_schema::section_keys("NewRequest");
        for e in &section.entries {
            let key = e.key.trim();
            let canon = known.iter().map(|k| k.key).find(|k| {
                k.len() == key.len() && !k.starts_with('{') && k.eq_ignore_ascii_case(key)
            });
            let Some(canon) = canon else {
                if !self.room(codes::UNKNOWN_KEY) {
                    // past the limit it is only counted (codes::cap drops it for a note), so
                    // it gets no message and no suggestion search
                    self.push(Diagnostic::warning(
                        codes::UNKNOWN_KEY,
                        e.key_span.clone(),
                        "",
                    ));
                    continue;
                }
                let mut d = Diagnostic::warning(
                    codes::UNKNOWN_KEY,
                    e.key_span.clone(),
                    format!("unknown key `{}` in [NewRequest] has no effect", e.key),
                );
                if let Some(s) = certreq_schema::suggest("NewRequest", &e.key) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                self.push(d);
                continue;
            };
            if entries.iter().any(|(k, _)| *k == canon) {
                self.push(
                    Diagnostic::warning(
                        codes::DUPLICATE_KEY,
                        e.key_span.clone(),
                        format!(
                            "`{canon}` is given again; the first value is used, this one is ignored"
                        ),
                    )
                    .with_help("certreq reads the first line of a key; remove one of them"),
                );
                continue;
            }
            entries.push((canon, e));
        }
        Keys { entries }
    }

    fn request_type(&mut self, keys: &Keys<'_>) -> Option<RequestType> {
        let Some(e) = keys.get("RequestType") else {
            return Some(RequestType::Pkcs10);
        };
        let t = e.value.text.trim();
        let rt = match t.to_ascii_uppercase().as_str() {
            "PKCS10" | "1" => RequestType::Pkcs10,
            "PKCS7" | "2" => RequestType::Pkcs7,
            "CMC" | "3" => RequestType::Cmc,
            "CERT" | "4" => RequestType::Cert,
            "SCEP" | "0XFD00" | "64768" => RequestType::Scep,
            _ => {
                self.value_diag(
                    e,
                    Severity::Error,
                    codes::INVALID_REQUEST_TYPE,
                    format!("`{t}` is not a request type"),
                    Some("use PKCS10, CMC, PKCS7, Cert or SCEP".into()),
                );
                return None;
            }
        };
        match rt {
            RequestType::Pkcs10 | RequestType::Cmc | RequestType::Cert | RequestType::Pkcs7 => {}
            RequestType::Scep => {
                self.value_diag(
                    e,
                    Severity::Error,
                    codes::SCEP_NOT_BUILT,
                    "`RequestType = SCEP` needs a SCEP exchange with the CA, which this version \
                     cannot do"
                        .into(),
                    Some("write RequestType = PKCS10 and submit the request to the CA".into()),
                );
                return None;
            }
        }
        Some(rt)
    }

    fn key_algorithm(&mut self, keys: &Keys<'_>) -> Option<KeyAlgorithm> {
        let length = match keys.get("KeyLength") {
            Some(e) => match self.number_of(e) {
                Some(n) => Some((n, e)),
                None => return None,
            },
            None => None,
        };
        let alg = keys.get("KeyAlgorithm");
        let name = alg.map(|e| e.value.text.trim().to_ascii_uppercase());
        let curve = match name.as_deref() {
            None | Some("RSA") => None,
            Some("ECDSA_P256" | "ECDSA_NISTP256") => Some(Curve::P256),
            Some("ECDSA_P384" | "ECDSA_NISTP384") => Some(Curve::P384),
            Some("ECDSA_P521" | "ECDSA_NISTP521") => Some(Curve::P521),
            Some(other) => {
                let e = alg?;
                let (msg, help) = if other.starts_with("ECDH") || other == "DH" || other == "DSA" {
                    (
                        format!(
                            "`{}` keys cannot be made here: only RSA and ECDSA keys can sign a \
                             request in a browser and on the command line",
                            e.value.text.trim()
                        ),
                        "use KeyAlgorithm = RSA or ECDSA_P256 / ECDSA_P384 / ECDSA_P521",
                    )
                } else {
                    (
                        format!("`{}` is not a key algorithm", e.value.text.trim()),
                        "use RSA, ECDSA_P256, ECDSA_P384 or ECDSA_P521",
                    )
                };
                self.value_diag(
                    e,
                    Severity::Error,
                    codes::INVALID_KEY_ALGORITHM,
                    msg,
                    Some(help.into()),
                );
                return None;
            }
        };
        match curve {
            None => {
                let Some((bits, e)) = length else {
                    return Some(KeyAlgorithm::Rsa { bits: 2048 });
                };
                if !(512..=16384).contains(&bits) || bits % 8 != 0 {
                    self.value_diag(
                        e,
                        Severity::Error,
                        codes::INVALID_KEY_LENGTH,
                        format!("an RSA key of {bits} bits cannot be made"),
                        Some(
                            "use a multiple of 8 from 512 to 16384 (most CAs want 2048 or more), \
                             e.g. KeyLength = 2048"
                                .into(),
                        ),
                    );
                    return None;
                }
                if bits < 2048 {
                    self.value_diag(
                        e,
                        Severity::Warning,
                        codes::WEAK_KEY_LENGTH,
                        format!("an RSA key of {bits} bits is weak; most CAs refuse keys under 2048 bits"),
                        Some("use KeyLength = 2048 or more".into()),
                    );
                }
                Some(KeyAlgorithm::Rsa { bits: bits as u32 })
            }
            Some(curve) => {
                if let Some((bits, e)) = length
                    && bits != u64::from(curve.bits())
                {
                    self.value_diag(
                            e,
                            Severity::Error,
                            codes::KEY_LENGTH_MISMATCH,
                            format!(
                                "`KeyLength = {bits}` does not match the {} curve, whose keys are {} bits",
                                curve.web_crypto_name(),
                                curve.bits()
                            ),
                            Some(format!(
                                "write KeyLength = {} or remove KeyLength",
                                curve.bits()
                            )),
                        );
                    return None;
                }
                Some(KeyAlgorithm::Ecdsa(curve))
            }
        }
    }

    fn hash(&mut self, keys: &Keys<'_>, section: &Section) -> Option<Hash> {
        let Some(e) = keys.get("HashAlgorithm") else {
            self.push(
                Diagnostic::note(
                    codes::DEFAULT_HASH,
                    header_span(section),
                    "no HashAlgorithm: the request is signed with SHA-256, where certreq would \
                     use SHA-1",
                )
                .with_help(
                    "write HashAlgorithm = sha256 to make this explicit (or sha1 to match certreq)",
                ),
            );
            return Some(Hash::Sha256);
        };
        let t = e.value.text.trim();
        let norm: String = t
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        match norm.as_str() {
            "sha1" => {
                self.value_diag(
                    e,
                    Severity::Warning,
                    codes::WEAK_HASH,
                    "SHA-1 signatures are weak; many CAs refuse them".into(),
                    Some("use HashAlgorithm = sha256".into()),
                );
                Some(Hash::Sha1)
            }
            "sha256" => Some(Hash::Sha256),
            "sha384" => Some(Hash::Sha384),
            "sha512" => Some(Hash::Sha512),
            "md5" | "md4" | "md2" => {
                self.value_diag(
                    e,
                    Severity::Error,
                    codes::BROKEN_HASH,
                    format!("`{t}` is broken and cannot sign requests here"),
                    Some("use HashAlgorithm = sha256".into()),
                );
                None
            }
            _ => {
                self.value_diag(
                    e,
                    Severity::Error,
                    codes::INVALID_HASH,
                    format!("`{t}` is not a hash algorithm"),
                    Some("use sha256, sha384, sha512 or sha1".into()),
                );
                None
            }
        }
    }

    fn signature(
        &mut self,
        keys: &Keys<'_>,
        algorithm: Option<KeyAlgorithm>,
        hash: Option<Hash>,
    ) -> Option<SignatureScheme> {
        let alt = match keys.get("AlternateSignatureAlgorithm") {
            Some(e) => Some((self.bool_of(e)?, e)),
            None => None,
        };
        let hash = hash?;
        match algorithm? {
            KeyAlgorithm::Rsa { .. } => match alt {
                Some((true, _)) => Some(SignatureScheme::RsaPss(hash)),
                _ => Some(SignatureScheme::RsaPkcs1(hash)),
            },
            KeyAlgorithm::Ecdsa(_) => {
                if let Some((true, e)) = alt {
                    self.value_diag(
                        e,
                        Severity::Warning,
                        codes::ALTERNATE_SIGNATURE_ECDSA,
                        "`AlternateSignatureAlgorithm` only changes RSA signatures (to RSA-PSS); \
                         this ECDSA request is signed with plain ECDSA"
                            .into(),
                        Some("remove AlternateSignatureAlgorithm".into()),
                    );
                }
                Some(SignatureScheme::Ecdsa(hash))
            }
        }
    }

    fn key_spec(&mut self, keys: &Keys<'_>, algorithm: Option<KeyAlgorithm>) -> KeySpec {
        let Some(e) = keys.get("KeySpec") else {
            return KeySpec::Signature;
        };
        let spec = match self.flags_of(e, KEY_SPECS, &["XCN_"]) {
            Some(0) => KeySpec::None,
            Some(1) => KeySpec::KeyExchange,
            Some(2) => KeySpec::Signature,
            Some(n) => {
                self.value_diag(
                    e,
                    Severity::Error,
                    codes::INVALID_KEY_SPEC,
                    format!("`{n}` is not a key spec"),
                    Some("use AT_KEYEXCHANGE (1) or AT_SIGNATURE (2)".into()),
                );
                KeySpec::Signature
            }
            None => KeySpec::Signature,
        };
        if spec == KeySpec::KeyExchange && matches!(algorithm, Some(KeyAlgorithm::Ecdsa(_))) {
            self.value_diag(
                e,
                Severity::Warning,
                codes::KEY_EXCHANGE_ECDSA,
                "an ECDSA key cannot encrypt, so AT_KEYEXCHANGE only changes the S/MIME and CSP \
                 attributes; the default key usage is digitalSignature"
                    .into(),
                Some("write KeySpec = AT_SIGNATURE for an ECDSA key".into()),
            );
        }
        spec
    }

    fn subject(&mut self, keys: &Keys<'_>) -> Option<Name> {
        let flags = match keys.get("X500NameFlags") {
            Some(e) => match self.flags_of(e, X500_NAME_FLAGS, &[]) {
                Some(n) => match u32::try_from(n) {
                    Ok(n) => n,
                    Err(_) => {
                        self.value_diag(
                            e,
                            Severity::Error,
                            codes::INVALID_FLAGS,
                            "X500NameFlags does not fit in 32 bits".into(),
                            None,
                        );
                        return None;
                    }
                },
                None => return None,
            },
            None => 0,
        };
        let flags_entry = keys.get("X500NameFlags");
        let subject = keys
            .get("Subject")
            .filter(|e| !e.value.text.trim().is_empty());
        let Some(e) = subject else {
            // the flags' own warnings, said at X500NameFlags though there is no subject
            if let Some(f) = flags_entry {
                for d in crate::subject::check_flags(flags) {
                    self.local(f, d);
                }
            }
            return Some(Name::default());
        };
        let (name, diags) = crate::subject::parse_subject(&e.value.text, flags);
        for d in diags {
            // what is said of the flags is said at X500NameFlags, the rest within the subject
            match flags_entry {
                Some(f) if d.code == codes::X500_NAME_FLAGS => self.local(f, d),
                _ => self.local(e, d),
            }
        }
        name
    }

    /// `KeyUsage`: `Some((None, e))` when it is given but invalid (already reported), so that no
    /// default key usage is added on top of the error.
    fn key_usage<'a>(&mut self, keys: &Keys<'a>) -> Option<(Option<u16>, &'a Entry)> {
        let e = keys.get("KeyUsage")?;
        match crate::ext::key_usage_bits(&e.value.text) {
            Ok(bits) => Some((Some(bits), e)),
            Err(l) => {
                self.local(e, l);
                Some((None, e))
            }
        }
    }

    /// What a self-signed certificate cannot carry or must not lack, said at `RequestType`.
    fn cert_checks(
        &mut self,
        keys: &Keys<'_>,
        subject: Option<&Name>,
        has_attributes: bool,
        use_existing: bool,
    ) {
        if use_existing && let Some(e) = keys.get("UseExistingKeySet") {
            self.value_diag(
                e,
                Severity::Error,
                codes::CERT_EXISTING_KEY,
                "a self-signed certificate is made with a new key here: reusing a stored key \
                 would replace the request it is waiting on"
                    .into(),
                Some("remove UseExistingKeySet (and KeyContainer, or name a new one)".into()),
            );
        }
        let Some(e) = keys.get("RequestType") else {
            return;
        };
        if has_attributes {
            self.value_diag(
                e,
                Severity::Warning,
                codes::ATTRIBUTES_IN_CERT,
                "a self-signed certificate has no request attributes: [RequestAttributes] is \
                 left out (a CertificateTemplate stays, as certreq keeps it, as the \
                 template-name extension)"
                    .into(),
                Some(
                    "put what the certificate should carry in [Extensions] (a SAN as \
                     2.5.29.17 = \"{text}dns=…\")"
                        .into(),
                ),
            );
        }
        if subject.is_some_and(Name::is_empty) {
            self.value_diag(
                e,
                Severity::Error,
                codes::CERT_EMPTY_SUBJECT,
                "a self-signed certificate needs a Subject: it is also the issuer, and RFC 5280 \
                 forbids an empty issuer"
                    .into(),
                Some("add Subject = \"CN=…\"".into()),
            );
        }
    }

    /// `RenewalCert`, read only by a front end that builds the life cycle ([`Builds`]); for
    /// another the request is a new one ([`Lowering::not_built`] says so at the key).
    fn renewal(&mut self, keys: &Keys<'_>, request_type: Option<RequestType>) -> Option<String> {
        if self.builds.lifecycle() || self.builds.renewal {
            return self.renewal_cert(keys, request_type);
        }
        None
    }

    /// What goes around the request: decided (and reported) here by a front end that builds
    /// the life cycle (`wrapping` decides it again for a compiled request, by the same
    /// methods); for another, each key that asks for part of it is told what it gets. The
    /// requester name, when this front end builds requests on behalf of others.
    fn around(
        &mut self,
        keys: &Keys<'_>,
        request_type: Option<RequestType>,
        algorithm: Option<KeyAlgorithm>,
        use_existing: bool,
        renewal: bool,
    ) -> Option<String> {
        #[cfg(feature = "lifecycle")]
        if self.builds.lifecycle {
            let name = self.requester_name(keys, request_type, renewal);
            self.archive(keys, request_type, algorithm, use_existing);
            return name;
        }
        let _ = (algorithm, use_existing);
        let renewal = renewal && self.builds.renewal;
        let name = if self.builds.on_behalf {
            self.requester_name(keys, request_type, renewal)
        } else {
            None
        };
        self.not_built(keys, request_type, renewal || name.is_some(), renewal);
        name
    }

    /// For a front end that does not build the life cycle ([`Builds`]): a warning at each key
    /// that asks for part of it (the PKCS #7 wrapper, a renewal, a requester name, key archival
    /// and its cipher), saying what is made instead. The keys are not read further: what a
    /// front end that builds them would check of their values is not this one's to say.
    /// With `wrapped` (a renewal or a request on behalf of another user this front end
    /// builds), the PKCS #7 wrapper is built and not warned about; with `renewal`,
    /// `RenewalCert`; with `Builds::on_behalf`, `RequesterName` (read by
    /// [`Lowering::requester_name`]).
    fn not_built(
        &mut self,
        keys: &Keys<'_>,
        request_type: Option<RequestType>,
        wrapped: bool,
        renewal: bool,
    ) {
        static WHAT: [(&str, &str); 6] = [
            (
                "RequestType",
                "this front end does not build PKCS #7 requests yet: it makes the PKCS #10 \
                 request the wrapper would carry",
            ),
            (
                "RenewalCert",
                "this front end does not make renewals yet: the request is a new one",
            ),
            (
                "RequesterName",
                "this front end does not make requests on behalf of others yet: the request \
                 is not signed by an enrollment agent",
            ),
            (
                "PrivateKeyArchive",
                "this front end does not archive keys yet: the key is not sent to the CA",
            ),
            (
                "EncryptionAlgorithm",
                "this front end does not archive keys yet, so this has no effect",
            ),
            (
                "EncryptionLength",
                "this front end does not archive keys yet, so this has no effect",
            ),
        ];
        for (i, (key, message)) in WHAT.iter().enumerate() {
            let Some(e) = keys.get(key) else {
                continue;
            };
            let asked = match i {
                0 if wrapped => false,
                1 if renewal => false,
                2 if self.builds.on_behalf => false,
                0 => request_type == Some(RequestType::Pkcs7),
                // FALSE asks for nothing; a value that is not a boolean is reported as such
                3 => self.bool_of(e) == Some(true),
                _ => !e.value.text.trim().is_empty(),
            };
            if asked {
                self.value_diag(
                    e,
                    Severity::Warning,
                    codes::WRAPPER_NOT_BUILT,
                    (*message).into(),
                    Some("certreq -new on the command line builds it".into()),
                );
            }
        }
    }

    /// `RenewalCert`: the certificate a renewal renews, by SHA-1 thumbprint or serial number
    /// (hexadecimal, blanks allowed, any case), found by the caller in its store. A renewal is
    /// signed with the renewed certificate's key, which only a PKCS #7 or CMC wrapper carries.
    fn renewal_cert(
        &mut self,
        keys: &Keys<'_>,
        request_type: Option<RequestType>,
    ) -> Option<String> {
        let e = keys.get("RenewalCert")?;
        let text = e.value.text.trim();
        if text.is_empty() {
            self.push(
                Diagnostic::note(
                    codes::NO_EFFECT,
                    e.span.clone(),
                    "`RenewalCert` is empty: the request is a new one, not a renewal",
                )
                .with_help("name the certificate to renew by its thumbprint or serial number"),
            );
            return None;
        }
        let digits = certreq_pkix::cert::cert_id_digits(text);
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            self.value_diag(
                e,
                Severity::Error,
                codes::INVALID_CERT_ID,
                format!("`{text}` is not a certificate thumbprint or serial number"),
                Some(
                    "write the certificate's SHA-1 thumbprint (40 hexadecimal digits) or its \
                     serial number in hexadecimal; blanks or colons between the digits are \
                     allowed"
                        .into(),
                ),
            );
            return None;
        }
        match request_type {
            Some(RequestType::Pkcs7 | RequestType::Cmc) | None => Some(text.to_string()),
            Some(other) => {
                let found = match other {
                    RequestType::Cert => "Cert",
                    _ => "PKCS10",
                };
                self.value_diag(
                    e,
                    Severity::Error,
                    codes::RENEWAL_NEEDS_WRAPPER,
                    format!(
                        "a renewal is signed with the renewed certificate's key, which \
                         `RequestType = {found}` cannot carry"
                    ),
                    Some(
                        "write RequestType = PKCS7 (as certreq's renewal example does) or CMC"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    /// `RequesterName = DOMAIN\\user`: a request on behalf of that user, signed by an
    /// enrollment agent's certificate. certreq's documentation: only with PKCS7 or CMC; with
    /// PKCS10 the key is ignored.
    fn requester_name(
        &mut self,
        keys: &Keys<'_>,
        request_type: Option<RequestType>,
        renewal: bool,
    ) -> Option<String> {
        let e = keys.get("RequesterName")?;
        let name = e.value.text.trim();
        if name.is_empty() {
            self.push(Diagnostic::note(
                codes::NO_EFFECT,
                e.span.clone(),
                "`RequesterName` is empty: the request is made for the signer itself",
            ));
            return None;
        }
        match request_type {
            Some(RequestType::Pkcs7 | RequestType::Cmc) => {}
            Some(_) => {
                self.push(
                    Diagnostic::warning(
                        codes::NO_EFFECT,
                        e.span.clone(),
                        "`RequesterName` has no effect here: certreq ignores it unless \
                         RequestType is PKCS7 or CMC, where an enrollment agent signs the request",
                    )
                    .with_help(
                        "write RequestType = CMC (or PKCS7) and sign with -cert AgentCertId",
                    ),
                );
                return None;
            }
            None => return None,
        }
        if renewal {
            self.value_diag(
                e,
                Severity::Error,
                codes::RENEWAL_AND_REQUESTER,
                "a request is either a renewal (signed with the renewed certificate's key) or \
                 made on behalf of another user (signed by an enrollment agent), not both here"
                    .into(),
                Some("remove RequesterName, or RenewalCert".into()),
            );
            return None;
        }
        if name.chars().any(|c| u32::from(c) > 0xffff) {
            self.value_diag(
                e,
                Severity::Error,
                codes::ENCODE,
                "the requester name has characters outside the Basic Multilingual Plane, which \
                 its BMPString cannot hold"
                    .into(),
                None,
            );
            return None;
        }
        Some(name.to_string())
    }

    /// `PrivateKeyArchive = TRUE` with `EncryptionAlgorithm` and `EncryptionLength`: the key
    /// goes to the CA, encrypted to its exchange certificate, in a CMC request (research:
    /// certreq-facts §7). The key must be one the CAPI PRIVATEKEYBLOB holds (RSA) and that may
    /// be read to be encrypted.
    #[cfg(feature = "lifecycle")]
    fn archive(
        &mut self,
        keys: &Keys<'_>,
        request_type: Option<RequestType>,
        algorithm: Option<KeyAlgorithm>,
        use_existing: bool,
    ) -> Option<ArchivePlan> {
        let entry = keys.get("PrivateKeyArchive");
        let on = match entry {
            Some(e) => match self.bool_of(e) {
                Some(true) => true,
                Some(false) => {
                    self.push(Diagnostic::note(
                        codes::NO_EFFECT,
                        e.span.clone(),
                        "`PrivateKeyArchive = FALSE` changes nothing: keys are not archived \
                             unless asked",
                    ));
                    false
                }
                None => return None,
            },
            None => false,
        };
        let cipher = self.archive_cipher(keys, on);
        if !on {
            return None;
        }
        let e = entry?;
        let mut ok = true;
        if request_type.is_some_and(|t| t != RequestType::Cmc) {
            ok = false;
            self.value_diag(
                e,
                Severity::Error,
                codes::ARCHIVE_NEEDS_CMC,
                "key archival is sent in a CMC request, as certreq sends it".into(),
                Some("write RequestType = CMC".into()),
            );
        }
        if let Some(KeyAlgorithm::Ecdsa(_)) = algorithm {
            ok = false;
            self.value_diag(
                e,
                Severity::Error,
                codes::ARCHIVE_KEY_ALGORITHM,
                "key archival here sends an RSA key (a CAPI PRIVATEKEYBLOB); this request's key \
                 is ECDSA"
                    .into(),
                Some("use KeyAlgorithm = RSA, or remove PrivateKeyArchive".into()),
            );
        }
        let said = |key: &str| {
            keys.get(key)
                .and_then(|x| values::expect_bool(&x.value.text).ok())
        };
        if !use_existing
            && said("Exportable") == Some(false)
            && said("ExportableEncrypted") != Some(true)
            && let Some(x) = keys.get("Exportable")
        {
            ok = false;
            self.value_diag(
                x,
                Severity::Error,
                codes::ARCHIVE_NOT_EXPORTABLE,
                "`PrivateKeyArchive = TRUE` sends the private key to the CA, so it must be \
                 readable; this line says it may not be exported"
                    .into(),
                Some(
                    "remove this line (or write Exportable = TRUE), or remove PrivateKeyArchive"
                        .into(),
                ),
            );
        }
        (ok && cipher.is_some()).then(|| ArchivePlan {
            cipher: cipher.unwrap_or_default(),
        })
    }

    /// `EncryptionAlgorithm` and `EncryptionLength`: 3DES (certreq's default, 168 bits) or AES
    /// (128, 192 or 256 bits; 256 unless told). `None` when one of them is wrong (reported);
    /// explained as having no effect without archival.
    #[cfg(feature = "lifecycle")]
    fn archive_cipher(&mut self, keys: &Keys<'_>, archiving: bool) -> Option<Cipher> {
        let alg = keys.get("EncryptionAlgorithm");
        let len = keys.get("EncryptionLength");
        if !archiving {
            for e in [alg, len].into_iter().flatten() {
                self.push(
                    Diagnostic::warning(
                        codes::NO_EFFECT,
                        e.span.clone(),
                        format!(
                            "`{}` has no effect here: it chooses how an archived key is \
                             encrypted, and this request archives none",
                            e.key.trim()
                        ),
                    )
                    .with_help("add PrivateKeyArchive = TRUE (with RequestType = CMC), or remove this line"),
                );
            }
            return Some(Cipher::default());
        }
        let bits = match len {
            Some(e) => Some((self.number_of(e)?, e)),
            None => None,
        };
        let name = alg.map(|e| e.value.text.trim().to_ascii_lowercase());
        let aes = match name.as_deref() {
            None | Some("3des" | "des3" | "tripledes" | "des-ede3-cbc" | "1.2.840.113549.3.7") => {
                false
            }
            Some("aes" | "aes128" | "aes192" | "aes256") => true,
            Some(other) => {
                let e = alg?;
                let msg = if matches!(other, "des" | "rc2" | "rc4") {
                    format!(
                        "`{}` is too weak to protect an archived key here",
                        e.value.text.trim()
                    )
                } else {
                    format!("`{}` is not an encryption algorithm", e.value.text.trim())
                };
                self.value_diag(
                    e,
                    Severity::Error,
                    codes::INVALID_ENCRYPTION_ALGORITHM,
                    msg,
                    Some("use 3DES (certreq's default) or AES".into()),
                );
                return None;
            }
        };
        let named_bits = match name.as_deref() {
            Some("aes128") => Some(128),
            Some("aes192") => Some(192),
            Some("aes256") => Some(256),
            _ => None,
        };
        let bits_value = bits.map(|(b, _)| b).or(named_bits);
        let cipher = match (aes, bits_value) {
            (false, None | Some(168 | 192)) => Some(Cipher::TripleDes),
            (true, None | Some(256)) => Some(Cipher::Aes256),
            (true, Some(128)) => Some(Cipher::Aes128),
            (true, Some(192)) => Some(Cipher::Aes192),
            _ => None,
        };
        if cipher.is_none()
            && let Some((b, e)) = bits
        {
            self.value_diag(
                e,
                Severity::Error,
                codes::INVALID_ENCRYPTION_LENGTH,
                format!(
                    "{} cannot encrypt with a {b}-bit key",
                    if aes { "AES" } else { "3DES" }
                ),
                Some(if aes {
                    "AES takes 128, 192 or 256".into()
                } else {
                    "3DES takes 168 (its default)".into()
                }),
            );
        }
        if let (Some(n), Some((b, e))) = (named_bits, bits)
            && n != b
        {
            self.value_diag(
                e,
                Severity::Error,
                codes::INVALID_ENCRYPTION_LENGTH,
                format!("`EncryptionLength = {b}` contradicts the algorithm's {n} bits"),
                Some("remove EncryptionLength".into()),
            );
            return None;
        }
        cipher
    }

    fn validity(&mut self, keys: &Keys<'_>, request_type: Option<RequestType>) -> ValidityPlan {
        let mut plan = ValidityPlan::default();
        let period = keys.get("ValidityPeriod");
        let units = keys.get("ValidityPeriodUnits");
        // one unit: in calendar months, or in seconds
        let unit = period.and_then(|e| {
            let t = e.value.text.trim();
            let unit = match t.to_ascii_lowercase().as_str() {
                "years" => Period::Months(12),
                "months" => Period::Months(1),
                "weeks" => Period::Seconds(7 * 86_400),
                "days" => Period::Seconds(86_400),
                "hours" => Period::Seconds(3600),
                "minutes" => Period::Seconds(60),
                "seconds" => Period::Seconds(1),
                _ => {
                    self.value_diag(
                        e,
                        Severity::Error,
                        codes::INVALID_VALIDITY_PERIOD,
                        format!("`{t}` is not a validity period"),
                        Some(
                            "use Years, Months, Weeks, Days, Hours, Minutes or Seconds (plural)"
                                .into(),
                        ),
                    );
                    return None;
                }
            };
            Some(unit)
        });
        let count = units.and_then(|e| self.number_of(e));
        match (period, units) {
            (Some(p), None) => self.value_diag(
                p,
                Severity::Warning,
                codes::VALIDITY_INCOMPLETE,
                "`ValidityPeriod` without `ValidityPeriodUnits` has no effect".into(),
                Some("add ValidityPeriodUnits = <number>".into()),
            ),
            (None, Some(u)) => self.value_diag(
                u,
                Severity::Warning,
                codes::VALIDITY_INCOMPLETE,
                "`ValidityPeriodUnits` without `ValidityPeriod` has no effect".into(),
                Some("add ValidityPeriod = Years (or Months, Weeks, Days…)".into()),
            ),
            _ => {}
        }
        if let (Some(unit), Some(n)) = (unit, count) {
            let n = i64::try_from(n).ok();
            plan.period = match unit {
                Period::Months(m) => n.and_then(|n| n.checked_mul(m)).map(Period::Months),
                Period::Seconds(s) => n.and_then(|n| n.checked_mul(s)).map(Period::Seconds),
            };
            if plan.period.is_none()
                && let Some(u) = units
            {
                self.value_diag(
                    u,
                    Severity::Error,
                    codes::INVALID_VALIDITY_PERIOD,
                    "the validity period is too long".into(),
                    None,
                );
            }
        }
        for (key, slot) in [("NotBefore", 0), ("NotAfter", 1)] {
            let Some(e) = keys.get(key) else { continue };
            match parse_date(&e.value.text) {
                Some(t) => {
                    if slot == 0 {
                        plan.not_before = Some(t);
                    } else {
                        plan.not_after = Some(t);
                    }
                }
                None => self.value_diag(
                    e,
                    Severity::Error,
                    codes::INVALID_DATE,
                    format!(
                        "`{}` is not a date this program can read",
                        e.value.text.trim()
                    ),
                    Some(
                        "write month/day/year with an optional time, e.g. 7/24/2026 10:31 AM, \
                         July 24, 2026, or 2026-07-24 10:31:00"
                            .into(),
                    ),
                ),
            }
        }
        if let Some(e) = keys.get("NotAfter")
            && (period.is_some() || units.is_some())
        {
            self.value_diag(
                e,
                Severity::Error,
                codes::NOTAFTER_WITH_PERIOD,
                "`NotAfter` cannot be used with `ValidityPeriod` or `ValidityPeriodUnits`".into(),
                Some("keep either NotAfter or the ValidityPeriod pair".into()),
            );
        }
        if let (Some(b), Some(a)) = (plan.not_before, plan.not_after)
            && a <= b
            && let Some(e) = keys.get("NotAfter")
        {
            self.value_diag(
                e,
                Severity::Error,
                codes::NOTAFTER_BEFORE_NOTBEFORE,
                "`NotAfter` is not later than `NotBefore`".into(),
                None,
            );
        }
        if request_type != Some(RequestType::Cert) && request_type.is_some() {
            for key in [
                "ValidityPeriod",
                "ValidityPeriodUnits",
                "NotBefore",
                "NotAfter",
            ] {
                if let Some(e) = keys.get(key) {
                    self.push(
                        Diagnostic::warning(
                            codes::VALIDITY_NOT_CERT,
                            e.key_span.clone(),
                            format!(
                                "`{key}` only applies to RequestType = Cert; in a request the CA \
                                 decides the validity"
                            ),
                        )
                        .with_help(
                            "to ask an AD CS CA for a validity, use ValidityPeriod and \
                             ValidityPeriodUnits in [RequestAttributes]",
                        ),
                    );
                }
            }
        }
        plan
    }

    /// The keys the schema says change nothing here: each value is still read (a bad one is
    /// an error like anywhere else), then explained with the schema's reason.
    fn inert_keys(&mut self, keys: &Keys<'_>) {
        for schema in certreq_schema::keys_in("NewRequest") {
            if schema.effect.is_acted_on() {
                continue;
            }
            let key = schema.key;
            let Some(e) = keys.get(key) else { continue };
            let Some(kind) = inert_kind(key) else {
                continue;
            };
            let severity = match kind {
                Inert::Bool => match self.bool_of(e) {
                    Some(false) => Severity::Note,
                    Some(true) => Severity::Warning,
                    None => continue,
                },
                Inert::Text if e.value.text.trim().is_empty() => Severity::Note,
                Inert::Text => Severity::Warning,
                Inert::Number => match self.number_of(e) {
                    Some(_) => Severity::Warning,
                    None => continue,
                },
                Inert::Flags(table, prefixes) => {
                    let is_template = key == "SubjectNameFlags"
                        && e.value.text.trim().eq_ignore_ascii_case("template");
                    if !is_template && self.flags_of(e, table, prefixes).is_none() {
                        continue;
                    }
                    Severity::Warning
                }
            };
            let why = schema.here;
            let switched_off = matches!(kind, Inert::Bool) && severity == Severity::Note;
            let mut d = if switched_off {
                Diagnostic::new(
                    severity,
                    codes::NO_EFFECT,
                    e.span.clone(),
                    format!("`{key} = FALSE` changes nothing here"),
                )
                .with_help(why.trim().to_string())
            } else {
                Diagnostic::new(
                    severity,
                    codes::NO_EFFECT,
                    e.span.clone(),
                    no_effect_message(key, why),
                )
            };
            if severity == Severity::Warning {
                d = d.with_help(format!(
                    "remove the {key} line if you do not need it on Windows"
                ));
            }
            self.push(d);
        }
    }

    fn add_extension(
        &mut self,
        exts: &mut Vec<Extension>,
        seen: &mut Vec<Seen>,
        ext: Extension,
        span: Span,
        what: Origin,
    ) {
        self.offer_extension(exts, seen, ext, span, what);
    }

    /// [`Self::add_extension`], saying what became of the extension.
    fn offer_extension(
        &mut self,
        exts: &mut Vec<Extension>,
        seen: &mut Vec<Seen>,
        ext: Extension,
        span: Span,
        what: Origin,
    ) -> Offer {
        let line = matches!(what, Origin::ExtensionsLine(_));
        let same = |s: &&Seen| s.oid == ext.extn_id;
        // a line after a line, else anything after what came first
        let prev = match line {
            true => seen
                .iter()
                .filter(same)
                .find(|s| matches!(s.what, Origin::ExtensionsLine(_)))
                .or_else(|| seen.iter().find(same)),
            false => seen.iter().find(same),
        };
        if let Some(prev) = prev {
            // A section (or `KeyUsage`) and an [Extensions] line for the same extension: certreq
            // keeps the section's, where the section puts it, and drops the line. Seen in
            // edk2's test chain, made with `certreq -new`, for the EKU and basic constraints
            // sections: an issuing CA's INF gives its EKU in [EnhancedKeyUsageExtension] and
            // again as an [Extensions] line, and `[BasicConstraintsExtension] PathLength = 0`
            // beside an [Extensions] 2.5.29.19 line without a path length; its certificate has
            // one EKU extension, then one basic constraints extension with the path length of
            // 0. `KeyUsage` and the policy sections follow by analogy. Two [Extensions] lines
            // for one extension stay an error, with or without a section.
            if line && !matches!(prev.what, Origin::ExtensionsLine(_)) {
                self.push(
                    Diagnostic::warning(
                        codes::DUPLICATE_EXTENSION,
                        span.clone(),
                        format!(
                            "extension {} is already given by {}, which certreq keeps: this \
                             line, and a `Critical` naming it, are ignored",
                            ext.extn_id, prev.what
                        ),
                    )
                    .with_help("keep only one of them"),
                );
                seen.push(Seen {
                    oid: ext.extn_id,
                    span,
                    what,
                });
                return Offer::Superseded;
            }
            let (later, earlier_what) = if span.start >= prev.span.start {
                (span.clone(), &prev.what)
            } else {
                (prev.span.clone(), &what)
            };
            self.push(
                Diagnostic::error(
                    codes::DUPLICATE_EXTENSION,
                    later,
                    format!(
                        "extension {} is already given by {earlier_what}; certreq refuses the \
                         same extension twice",
                        ext.extn_id
                    ),
                )
                .with_help("keep only one of them"),
            );
            return Offer::Refused;
        }
        seen.push(Seen {
            oid: ext.extn_id,
            span,
            what,
        });
        exts.push(ext);
        Offer::Taken
    }

    fn eku_section(&mut self, s: &Section, exts: &mut Vec<Extension>, seen: &mut Vec<Seen>) {
        let mut oids: Vec<ObjectIdentifier> = Vec::new();
        let mut critical = false;
        let mut first_span: Option<Span> = None;
        for e in &s.entries {
            if e.key.eq_ignore_ascii_case("OID") {
                let t = e.value.text.trim();
                match ObjectIdentifier::new(t) {
                    Ok(oid) => {
                        if oids.contains(&oid) {
                            self.value_diag(
                                e,
                                Severity::Warning,
                                codes::DUPLICATE_EKU,
                                format!("{oid} is listed already; it is included once"),
                                Some("remove this line".into()),
                            );
                        } else {
                            oids.push(oid);
                        }
                        first_span.get_or_insert(e.span.clone());
                    }
                    Err(_) => self.value_diag(
                        e,
                        Severity::Error,
                        codes::INVALID_OID,
                        format!("`{t}` is not an object identifier"),
                        Some(
                            "write a dotted OID such as 1.3.6.1.5.5.7.3.1 (server authentication)"
                                .into(),
                        ),
                    ),
                }
            } else if e.key.eq_ignore_ascii_case("Critical") {
                if let Some(b) = self.bool_of(e) {
                    critical = b;
                }
            } else {
                self.push(
                    Diagnostic::warning(
                        codes::UNKNOWN_KEY,
                        e.key_span.clone(),
                        format!(
                            "unknown key `{}` in [EnhancedKeyUsageExtension] has no effect",
                            e.key
                        ),
                    )
                    .with_help("this section takes OID = <oid> lines and Critical = TRUE|FALSE"),
                );
            }
        }
        match first_span {
            Some(span) => {
                let ext = crate::ext::extended_key_usage(&oids, critical);
                self.add_extension(exts, seen, ext, span, "[EnhancedKeyUsageExtension]".into());
            }
            None => self.push(
                Diagnostic::warning(
                    codes::EMPTY_EKU,
                    header_span(s),
                    "[EnhancedKeyUsageExtension] has no OID lines, so it adds nothing",
                )
                .with_help(
                    "add OID = 1.3.6.1.5.5.7.3.1 (or another purpose), or remove the section",
                ),
            ),
        }
    }

    fn basic_constraints_section(
        &mut self,
        s: &Section,
        exts: &mut Vec<Extension>,
        seen: &mut Vec<Seen>,
    ) {
        let mut ca: Option<bool> = None;
        let mut path: Option<(u64, &Entry)> = None;
        let mut critical = true;
        let mut bad = false;
        for e in &s.entries {
            let k = e.key.trim();
            if k.eq_ignore_ascii_case("CA") {
                ca = self.bool_of(e).or_else(|| {
                    bad = true;
                    None
                });
            } else if k.eq_ignore_ascii_case("PathLength") {
                match self.number_of(e) {
                    Some(n) => path = Some((n, e)),
                    None => bad = true,
                }
            } else if k.eq_ignore_ascii_case("Critical") {
                match self.bool_of(e) {
                    Some(b) => critical = b,
                    None => bad = true,
                }
            } else {
                self.push(
                    Diagnostic::warning(
                        codes::UNKNOWN_KEY,
                        e.key_span.clone(),
                        format!(
                            "unknown key `{}` in [BasicConstraintsExtension] has no effect",
                            e.key
                        ),
                    )
                    .with_help("this section takes CA, PathLength and Critical"),
                );
            }
        }
        if bad {
            return;
        }
        let is_ca = ca.unwrap_or(true);
        if ca.is_none() {
            self.push(Diagnostic::note(
                codes::BASIC_CONSTRAINTS_CA,
                header_span(s),
                "[BasicConstraintsExtension] without CA = …: the request asks for a CA \
                 certificate (cA = TRUE), as this section is meant for CAs",
            ));
        }
        let path_len = match path {
            Some((n, e)) => {
                if !is_ca {
                    self.value_diag(
                        e,
                        Severity::Error,
                        codes::PATH_LENGTH_NOT_CA,
                        "`PathLength` only applies to CA certificates (CA = TRUE)".into(),
                        Some("remove PathLength or write CA = TRUE".into()),
                    );
                    return;
                }
                match u8::try_from(n) {
                    Ok(n) => Some(n),
                    Err(_) => {
                        self.value_diag(
                            e,
                            Severity::Error,
                            codes::INVALID_PATH_LENGTH,
                            format!("a path length of {n} is out of range"),
                            Some("use a number from 0 to 255".into()),
                        );
                        return;
                    }
                }
            }
            None => None,
        };
        let bc = crate::ext::write::basic_constraints(is_ca, path_len);
        match der::asn1::OctetString::new(bc) {
            Ok(value) => self.add_extension(
                exts,
                seen,
                Extension {
                    extn_id: OID_BASIC_CONSTRAINTS,
                    critical,
                    extn_value: value,
                },
                header_span(s),
                "[BasicConstraintsExtension]".into(),
            ),
            Err(e) => self.push(Diagnostic::error(
                codes::ENCODE,
                header_span(s),
                format!("basic constraints could not be encoded: {e}"),
            )),
        }
    }

    fn extensions_section(&mut self, s: &Section, exts: &mut Vec<Extension>, seen: &mut Vec<Seen>) {
        let mut criticals: Vec<(ObjectIdentifier, &Entry)> = Vec::new();
        // lines a section's extension took the place of: their `Critical` goes with them
        let mut superseded: Vec<ObjectIdentifier> = Vec::new();
        let first_here = exts.len();
        for e in &s.entries {
            let k = e.key.trim();
            if k.eq_ignore_ascii_case("Critical") {
                let mut offset = 0usize;
                for part in e.value.text.split(',') {
                    let range = offset..offset + part.len();
                    offset = range.end + 1;
                    let t = part.trim();
                    if t.is_empty() {
                        continue;
                    }
                    match ObjectIdentifier::new(t) {
                        Ok(oid) => criticals.push((oid, e)),
                        Err(_) => self.local(
                            e,
                            LocalDiag::error(
                                codes::INVALID_OID,
                                range,
                                format!("`{t}` is not an object identifier"),
                            )
                            .with_help("Critical = takes the OIDs of extensions in this section, separated by commas"),
                        ),
                    }
                }
                continue;
            }
            if k.eq_ignore_ascii_case("OID") {
                self.push(
                    Diagnostic::error(
                        codes::OID_IN_EXTENSIONS,
                        e.span.clone(),
                        "`OID =` lines do not belong in [Extensions]; certreq stops with \"The \
                         parameter is incorrect. 0x80070057 (WIN32: 87 ERROR_INVALID_PARAMETER)\"",
                    )
                    .with_help(
                        "move the OID = lines to an [EnhancedKeyUsageExtension] section (one \
                         purpose per line), or write 2.5.29.37 = \"{text}oid,oid\" here",
                    ),
                );
                continue;
            }
            if k.eq_ignore_ascii_case("_continue_") {
                self.push(Diagnostic::warning(
                    codes::STRAY_CONTINUE,
                    e.key_span.clone(),
                    "`_continue_` follows no extension line, so it has no effect",
                ));
                continue;
            }
            let oid = match ObjectIdentifier::new(k) {
                Ok(oid) => oid,
                Err(_) => {
                    self.push(
                        Diagnostic::error(
                            codes::INVALID_OID,
                            e.key_span.clone(),
                            format!("`{k}` is not an extension OID"),
                        )
                        .with_help(
                            "[Extensions] lines are <dotted oid> = <value>, e.g. 2.5.29.17 = \"{text}dns=host.example.com\"",
                        ),
                    );
                    continue;
                }
            };
            let (value, diags) = crate::ext::parse_value(&oid, &e.value.text);
            for d in diags {
                self.local(e, d);
            }
            let Some(value) = value else { continue };
            match der::asn1::OctetString::new(value.der) {
                Ok(v) => {
                    let added = self.offer_extension(
                        exts,
                        seen,
                        Extension {
                            extn_id: oid,
                            critical: value.critical,
                            extn_value: v,
                        },
                        e.key_span.clone(),
                        Origin::ExtensionsLine(oid),
                    );
                    if added == Offer::Superseded {
                        superseded.push(oid);
                    }
                }
                Err(err) => self.push(Diagnostic::error(
                    codes::ENCODE,
                    e.value.span.clone(),
                    format!("the extension value could not be encoded: {err}"),
                )),
            }
        }
        for (oid, e) in criticals {
            if superseded.contains(&oid) {
                continue;
            }
            match exts
                .get_mut(first_here..)
                .and_then(|xs| xs.iter_mut().find(|x| x.extn_id == oid))
            {
                Some(x) => x.critical = true,
                None => self.value_diag(
                    e,
                    Severity::Warning,
                    codes::CRITICAL_UNKNOWN_EXTENSION,
                    format!("`Critical` names {oid}, which no line in [Extensions] adds"),
                    Some("list only OIDs of extensions written in this section".into()),
                ),
            }
        }
    }

    fn request_attributes(&mut self, s: &Section) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for e in &s.entries {
            let name = e.key.trim();
            if name.is_empty() {
                self.push(
                    Diagnostic::warning(
                        codes::ATTRIBUTE_WITHOUT_NAME,
                        e.span.clone(),
                        "this line has no `name =`, so it is not a request attribute",
                    )
                    .with_help("write Name = Value, e.g. CertificateTemplate = WebServer"),
                );
                continue;
            }
            let value = e.value.text.trim();
            // a request attribute is a pair of BMPStrings: characters below U+FFFF (der, like
            // Windows, takes U+FFFF, which is no character, for a value error)
            let outside = |t: &str| t.chars().find(|c| u32::from(*c) >= 0xFFFF);
            let (part, span, found) = match (outside(name), outside(value)) {
                (Some(c), _) => ("name", e.key_span.clone(), c),
                (None, Some(c)) => ("value", e.value.span.clone(), c),
                (None, None) => {
                    pairs.push((name.to_string(), value.to_string()));
                    continue;
                }
            };
            self.push(
                Diagnostic::error(
                    codes::ENCODE,
                    span,
                    format!(
                        "the {part} of request attribute `{name}` has U+{:04X}, a character a \
                         request attribute cannot carry (it is a BMPString: only characters \
                         below U+FFFF)",
                        u32::from(found)
                    ),
                )
                .with_help("write the attribute without that character"),
            );
        }
        pairs
    }

    /// `[RequestAttributes] CertificateTemplate = X`: certreq writes the template's name a
    /// second time, as the extension 1.3.6.1.4.1.311.20.2 (a BMPString, not critical), from
    /// the INF text alone (research: certreq-facts §1: a workgroup machine wrote it too). Not
    /// when `[Extensions]` gives that extension itself.
    fn template_extension(&mut self, inf: &Inf, seen: &[Seen]) -> Option<Extension> {
        use certreq_pkix::oid::CERTIFICATE_TEMPLATE_NAME;
        let section = inf.section("RequestAttributes")?;
        let e = section
            .entries
            .iter()
            .find(|e| e.key.trim().eq_ignore_ascii_case("CertificateTemplate"))?;
        let name = e.value.text.trim();
        if name.is_empty() || seen.iter().any(|s| s.oid == CERTIFICATE_TEMPLATE_NAME) {
            return None;
        }
        match crate::ext::template_name(name) {
            Some(ext) => Some(ext),
            None => {
                self.value_diag(
                    e,
                    Severity::Error,
                    codes::ENCODE,
                    "the template name has characters outside the Basic Multilingual Plane, \
                     which its BMPString cannot hold"
                        .into(),
                    None,
                );
                None
            }
        }
    }

    /// `[PolicyStatementExtension]` or `[ApplicationPolicyStatementExtension]`: `Policies =`
    /// names sections (comma-separated), each with one `OID =` and any number of `Notice =`
    /// and `URL =` lines (the user notice and CPS qualifiers, in file order); `Critical =`
    /// makes the extension critical. Both extensions are a `CertificatePolicies` (the
    /// application policies one is Microsoft's, 1.3.6.1.4.1.311.21.10). The names of the
    /// policy sections read are returned, so they are not reported as unused.
    fn policy_statement<'a>(
        &mut self,
        inf: &'a Inf,
        s: &Section,
        ext_oid: ObjectIdentifier,
        exts: &mut Vec<Extension>,
        seen: &mut Vec<Seen>,
    ) -> Vec<&'a str> {
        let mut critical = false;
        let mut names: Vec<(String, &Entry)> = Vec::new();
        let mut bad = false;
        for e in &s.entries {
            let k = e.key.trim();
            if k.eq_ignore_ascii_case("Policies") {
                names.extend(
                    e.value
                        .text
                        .split(',')
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(|n| (n.to_string(), e)),
                );
            } else if k.eq_ignore_ascii_case("Critical") {
                match self.bool_of(e) {
                    Some(b) => critical = b,
                    None => bad = true,
                }
            } else {
                self.push(
                    Diagnostic::warning(
                        codes::UNKNOWN_KEY,
                        e.key_span.clone(),
                        format!("unknown key `{}` in [{}] has no effect", e.key, s.name),
                    )
                    .with_help("this section takes Policies and Critical"),
                );
            }
        }
        let mut used = Vec::new();
        // each policy and its qualifiers, written
        let mut list: Vec<(ObjectIdentifier, Vec<Vec<u8>>)> = Vec::new();
        for (name, at) in &names {
            let Some(p) = inf.section(name) else {
                self.value_diag(
                    at,
                    Severity::Error,
                    codes::POLICY_SECTION_MISSING,
                    format!("`Policies` names [{name}], which this INF does not have"),
                    Some(format!(
                        "add a [{name}] section with OID = <policy OID>, and any Notice = and URL = lines"
                    )),
                );
                bad = true;
                continue;
            };
            used.push(p.name.as_str());
            let mut oid: Option<ObjectIdentifier> = None;
            let mut qualifiers = Vec::new();
            for e in &p.entries {
                let k = e.key.trim();
                let text = e.value.text.trim();
                if k.eq_ignore_ascii_case("OID") {
                    match ObjectIdentifier::new(text) {
                        Ok(o) if oid.is_none() => oid = Some(o),
                        Ok(_) => self.push(
                            Diagnostic::warning(
                                codes::DUPLICATE_KEY,
                                e.key_span.clone(),
                                format!("[{}] has an OID already; this one is ignored", p.name),
                            )
                            .with_help(
                                "a policy section names one policy; give each its own section",
                            ),
                        ),
                        Err(_) => {
                            self.value_diag(
                                e,
                                Severity::Error,
                                codes::INVALID_OID,
                                format!("`{text}` is not an object identifier"),
                                None,
                            );
                            bad = true;
                        }
                    }
                } else if k.eq_ignore_ascii_case("Notice") {
                    if text.chars().count() > crate::ext::NOTICE_LIMIT {
                        self.value_diag(
                            e,
                            Severity::Warning,
                            codes::EXTENSION_SUSPICIOUS_VALUE,
                            "a policy notice may be at most 200 characters (RFC 5280); this one \
                             is longer"
                                .into(),
                            None,
                        );
                    }
                    qualifiers.push(crate::ext::user_notice(text));
                } else if k.eq_ignore_ascii_case("URL") {
                    match crate::ext::cps_uri(text) {
                        Some(q) => qualifiers.push(q),
                        None => {
                            self.value_diag(
                                e,
                                Severity::Error,
                                codes::EXTENSION_BAD_TOKEN,
                                "a policy URL must be ASCII".into(),
                                Some("percent-encode other characters (RFC 3986)".into()),
                            );
                            bad = true;
                        }
                    }
                } else {
                    self.push(
                        Diagnostic::warning(
                            codes::UNKNOWN_KEY,
                            e.key_span.clone(),
                            format!(
                                "unknown key `{}` in policy section [{}] has no effect",
                                e.key, p.name
                            ),
                        )
                        .with_help("a policy section takes OID, Notice and URL"),
                    );
                }
            }
            match oid {
                Some(policy_identifier) => list.push((policy_identifier, qualifiers)),
                None => {
                    self.push(
                        Diagnostic::error(
                            codes::POLICY_WITHOUT_OID,
                            header_span(p),
                            format!("policy section [{}] has no OID line", p.name),
                        )
                        .with_help("add OID = <the policy's object identifier>"),
                    );
                    bad = true;
                }
            }
        }
        if bad {
            return used;
        }
        if list.is_empty() {
            self.push(
                Diagnostic::warning(
                    codes::EMPTY_EKU,
                    header_span(s),
                    format!("[{}] names no policies, so it adds nothing", s.name),
                )
                .with_help("add Policies = <section name>, and that section with OID = …"),
            );
            return used;
        }
        match der::asn1::OctetString::new(crate::ext::write::certificate_policies(&list)) {
            Ok(extn_value) => self.add_extension(
                exts,
                seen,
                Extension {
                    extn_id: ext_oid,
                    critical,
                    extn_value,
                },
                header_span(s),
                format!("[{}]", s.name).into(),
            ),
            Err(e) => self.push(Diagnostic::error(
                codes::ENCODE,
                header_span(s),
                format!("the policies could not be encoded: {e}"),
            )),
        }
        used
    }

    /// Sections making a request does not read: the schema says which ones it does (and the
    /// policy and subtree sections named by `Policies =`, `Include =` and `Exclude =` are read
    /// too). A policy INF (`policy`) does not read `[NewRequest]` either.
    fn other_sections(&mut self, inf: &Inf, policy_sections: &[&str], policy: bool) {
        for s in &inf.sections {
            let new_request = s.name.eq_ignore_ascii_case("NewRequest");
            let policy_only = POLICY_ONLY_SECTIONS
                .iter()
                .any(|p| p.eq_ignore_ascii_case(&s.name));
            let read = (certreq_schema::section(&s.name).is_some_and(|d| d.effect.is_acted_on())
                && !(policy && new_request))
                || (policy && policy_only)
                || s.name.eq_ignore_ascii_case("Version")
                || policy_sections
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&s.name));
            if read {
                continue;
            }
            if !self.room(codes::UNUSED_SECTION) {
                // counted only, as for unknown keys
                self.push(Diagnostic::warning(
                    codes::UNUSED_SECTION,
                    header_span(s),
                    "",
                ));
                continue;
            }
            self.push(
                Diagnostic::warning(
                    codes::UNUSED_SECTION,
                    header_span(s),
                    if policy {
                        format!("section [{}] is not used by certreq -policy", s.name)
                    } else {
                        format!("section [{}] is not used when making a request", s.name)
                    },
                )
                .with_help(
                    "requests read [NewRequest], [Extensions], [EnhancedKeyUsageExtension], \
                     [BasicConstraintsExtension], [PolicyStatementExtension], \
                     [ApplicationPolicyStatementExtension] (with the sections their Policies \
                     name) and [RequestAttributes]; policy files (-policy) also the name \
                     constraints and policy mappings and constraints sections; write other \
                     extensions as [Extensions] lines",
                ),
            );
        }
    }
}

/// The message for a key that has no effect here, from its key reference text
/// (`"No effect: there are no …."` → "`ProviderName` has no effect here: there are no …").
fn no_effect_message(key: &str, why: &str) -> String {
    let why = why.trim().trim_end_matches('.');
    if let Some(rest) = why.strip_prefix("Not supported: ") {
        return format!("`{key}` is not supported here: {rest}");
    }
    let rest = match why.split_once(": ") {
        Some((head, rest)) if head.starts_with("No effect") => rest,
        _ => why,
    };
    format!("`{key}` has no effect here: {rest}")
}

/// The month an English month name or its abbreviation of three letters or more names
/// (`July`, `Jul`, `jul.`, `Sept`), 1–12.
fn month_named(word: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.strip_suffix('.').unwrap_or(word).as_bytes();
    if w.len() < 3 {
        return None;
    }
    let i = MONTHS.iter().position(|m| {
        m.as_bytes()
            .get(..w.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(w))
    })?;
    i64::try_from(i + 1).ok()
}

/// Reads `M/D/YYYY [H:MM[:SS] [AM|PM]]` (certreq's documented US form),
/// `YYYY-MM-DD[ HH:MM[:SS]]`, or a date with an English month name, which Microsoft's
/// reference suggests to avoid day/month confusion (`July 24, 2026`, `24 July 2026`, `Jul 24
/// 2026 10:31 AM`), as UTC, to seconds since the Unix epoch.
pub fn parse_date(text: &str) -> Option<i64> {
    // a comma ends a word (`July 24, 2026`)
    let mut parts = text
        .split_whitespace()
        .map(|w| w.strip_suffix(',').unwrap_or(w));
    let date = parts.next()?;
    let second = parts.clone().next().unwrap_or("");
    let named = match (month_named(date), month_named(second)) {
        (Some(m), None) => Some((second, m)),
        (None, Some(m)) => Some((date, m)),
        _ => None,
    };
    let (y, m, d) = if let Some((day, m)) = named {
        parts.next()?;
        let y = parts.next()?.parse::<i64>().ok()?;
        (y, m, day.parse::<i64>().ok()?)
    } else if date.contains('-') {
        let mut it = date.split('-');
        let y = it.next()?.parse::<i64>().ok()?;
        let m = it.next()?.parse::<i64>().ok()?;
        let d = it.next()?.parse::<i64>().ok()?;
        if it.next().is_some() {
            return None;
        }
        (y, m, d)
    } else {
        let mut it = date.split('/');
        let m = it.next()?.parse::<i64>().ok()?;
        let d = it.next()?.parse::<i64>().ok()?;
        let y = it.next()?.parse::<i64>().ok()?;
        if it.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1601..=9999).contains(&y) {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mdays = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d > *mdays.get((m - 1) as usize)? {
        return None;
    }
    let (mut h, mut min, mut sec) = (0i64, 0i64, 0i64);
    if let Some(time) = parts.next() {
        let mut it = time.split(':');
        h = it.next()?.parse().ok()?;
        min = it.next()?.parse().ok()?;
        sec = match it.next() {
            Some(s) => s.parse().ok()?,
            None => 0,
        };
        if it.next().is_some() || !(0..60).contains(&min) || !(0..60).contains(&sec) {
            return None;
        }
        match parts.next() {
            Some(ampm) => {
                if !(1..=12).contains(&h) {
                    return None;
                }
                let pm = if ampm.eq_ignore_ascii_case("PM") {
                    true
                } else if ampm.eq_ignore_ascii_case("AM") {
                    false
                } else {
                    return None;
                };
                h = (h % 12) + if pm { 12 } else { 0 };
            }
            None => {
                if !(0..24).contains(&h) {
                    return None;
                }
            }
        }
    }
    if parts.next().is_some() {
        return None;
    }
    let days = certreq_pkix::time::days_from_civil(y, m, d);
    Some(days * 86_400 + h * 3600 + min * 60 + sec)
}

#[cfg(test)]
mod tests {
    //! One test per rule, each from INF text.
    use super::*;

    /// The rules as a front end that builds the whole life cycle sees them; what one that
    /// does not is told is `a_front_end_that_does_not_build_the_life_cycle_says_so`.
    fn compile(text: &str) -> Compiled {
        compile_for(text, Builds::LIFECYCLE)
    }

    /// (severity, code, the source text the diagnostic points at)
    fn diags(text: &str) -> Vec<(Severity, &'static str, String)> {
        compile(text)
            .diagnostics
            .into_iter()
            .map(|d| {
                (
                    d.severity,
                    d.code,
                    text.get(d.span.clone()).unwrap_or("").to_string(),
                )
            })
            .collect()
    }

    fn has(text: &str, sev: Severity, code: codes::Code, at: &str) -> bool {
        diags(text)
            .iter()
            .any(|(s, c, a)| *s == sev && *c == code && a == at)
    }

    fn req(text: &str) -> NewRequest {
        let c = compile(text);
        c.request
            .unwrap_or_else(|| panic!("no request: {:#?}", c.diagnostics))
    }

    #[test]
    fn encipher_only_says_that_certreq_refuses_it() {
        // the request is made, but an INF taken to Windows would stop there (KB 931351's
        // template still carries the line)
        for value in ["FALSE", "TRUE"] {
            let t = format!("[NewRequest]\nSubject = \"CN=a\"\nEncipherOnly = {value}\n");
            let c = compile(&t);
            assert!(c.request.is_some(), "{t:?}");
            let d = c
                .diagnostics
                .iter()
                .find(|d| d.code == "no-effect")
                .unwrap_or_else(|| panic!("{t:?}: {:#?}", c.diagnostics));
            let said = format!("{} {}", d.message, d.help.as_deref().unwrap_or(""));
            assert!(
                said.contains("certreq since Windows Vista refuses"),
                "{said}"
            );
        }
    }

    #[test]
    fn what_is_said_of_x500_name_flags_is_said_at_that_key() {
        // with a subject and without one: at X500NameFlags' value, not at the subject's
        for subject in ["Subject = \"CN=a\"\n", ""] {
            let t = format!("[NewRequest]\n{subject}X500NameFlags = 0x8000\n");
            let c = compile(&t);
            let d = c
                .diagnostics
                .iter()
                .find(|d| d.code == "x500-name-flags")
                .unwrap_or_else(|| panic!("{t:?}: {:#?}", c.diagnostics));
            assert_eq!(d.span.start, t.find("0x8000").unwrap(), "{t:?}: {d:?}");
        }
    }

    #[test]
    fn missing_or_empty_newrequest_is_refused_in_certreq_terms() {
        let c = compile("[Version]\nSignature=\"$Windows NT$\"\n");
        assert!(c.request.is_none());
        let d = &c.diagnostics[0];
        assert_eq!(d.code, "no-newrequest");
        assert!(
            d.message
                .contains("INF file line not found 0xe0000102 (INF: -536870654)")
        );
        assert_eq!(d.span, 0..9);
        let c = compile("[NewRequest]\n[RequestAttributes]\nA=B\n");
        assert_eq!(c.diagnostics[0].code, "empty-newrequest");
        assert!(
            c.diagnostics[0]
                .message
                .contains("Incorrect function. 0x1 (WIN32: 1)")
        );
        assert_eq!(c.diagnostics[0].span, 0..12);
    }

    #[test]
    fn defaults_are_certreqs_except_the_hash() {
        let r = req("[NewRequest]\nSubject = \"CN=a\"\n");
        assert_eq!(r.request_type, RequestType::Pkcs10);
        assert_eq!(r.key.algorithm, KeyAlgorithm::Rsa { bits: 2048 });
        assert_eq!(r.key.key_spec, KeySpec::Signature);
        assert!(!r.key.exportable);
        assert_eq!(r.signature, SignatureScheme::RsaPkcs1(Hash::Sha256));
        assert!(r.subject_key_identifier && r.default_attributes);
        assert_eq!(r.ski_position, 0);
        assert_eq!(r.extensions.len(), 1);
        assert_eq!(r.extensions[0].extn_value.as_bytes(), &[3, 2, 7, 0x80]);
        assert!(has(
            "[NewRequest]\nSubject = \"CN=a\"\n",
            Severity::Note,
            codes::DEFAULT_HASH,
            "[NewRequest]"
        ));
    }

    #[test]
    fn key_exchange_gets_a0_and_smime_unless_smime_false() {
        let r = req("[NewRequest]\nKeySpec = AT_KEYEXCHANGE\n");
        let ids: Vec<String> = r.extensions.iter().map(|e| e.extn_id.to_string()).collect();
        assert_eq!(ids, ["1.2.840.113549.1.9.15", "2.5.29.15"]);
        assert_eq!(r.ski_position, 1);
        assert_eq!(r.extensions[1].extn_value.as_bytes(), &[3, 2, 5, 0xa0]);
        let r = req("[NewRequest]\nKeySpec = 1\nSMIME = false\n");
        assert_eq!(r.extensions.len(), 1);
        let r = req("[NewRequest]\nSMIME = TRUE\nSuppressDefaults = TRUE\n");
        assert_eq!(r.extensions.len(), 1);
        assert!(!r.subject_key_identifier && !r.default_attributes);
    }

    #[test]
    fn key_usage_zero_means_no_key_usage_extension() {
        let r = req("[NewRequest]\nKeyUsage = \"0x0000\"\n");
        assert!(r.extensions.is_empty());
    }

    #[test]
    fn booleans_numbers_and_symbols_are_validated_at_the_value() {
        assert!(has(
            "[NewRequest]\nExportable = maybe\n",
            Severity::Error,
            codes::INVALID_BOOLEAN,
            "maybe"
        ));
        assert!(has(
            "[NewRequest]\nKeyLength = 2k\n",
            Severity::Error,
            codes::INVALID_NUMBER,
            "2k"
        ));
        assert!(has(
            "[NewRequest]\nKeySpec = AT_BOGUS\n",
            Severity::Error,
            codes::INVALID_FLAGS,
            "AT_BOGUS"
        ));
        assert!(has(
            "[NewRequest]\nKeyProtection = XCN_NCRYPT_UI_PROTECT_KEY_FLAG\n",
            Severity::Warning,
            codes::NO_EFFECT,
            "KeyProtection = XCN_NCRYPT_UI_PROTECT_KEY_FLAG"
        ));
        assert!(req("[NewRequest]\nExportable = yes\n").key.exportable);
    }

    #[test]
    fn key_algorithms_and_lengths() {
        assert_eq!(
            req("[NewRequest]\nKeyAlgorithm = ECDSA_nistP384\n")
                .key
                .algorithm,
            KeyAlgorithm::Ecdsa(Curve::P384)
        );
        assert_eq!(
            req("[NewRequest]\nKeyAlgorithm = ecdsa_p521\nKeyLength = 521\n").signature,
            SignatureScheme::Ecdsa(Hash::Sha256)
        );
        assert!(has(
            "[NewRequest]\nKeyAlgorithm = ECDSA_P256\nKeyLength = 384\n",
            Severity::Error,
            codes::KEY_LENGTH_MISMATCH,
            "384"
        ));
        assert!(has(
            "[NewRequest]\nKeyAlgorithm = DSA\n",
            Severity::Error,
            codes::INVALID_KEY_ALGORITHM,
            "DSA"
        ));
        assert!(has(
            "[NewRequest]\nKeyAlgorithm = ECDH_P256\n",
            Severity::Error,
            codes::INVALID_KEY_ALGORITHM,
            "ECDH_P256"
        ));
        assert!(has(
            "[NewRequest]\nKeyLength = 1024\n",
            Severity::Warning,
            codes::WEAK_KEY_LENGTH,
            "1024"
        ));
        assert!(has(
            "[NewRequest]\nKeyLength = 256\n",
            Severity::Error,
            codes::INVALID_KEY_LENGTH,
            "256"
        ));
        assert!(has(
            "[NewRequest]\nKeyLength = 2049\n",
            Severity::Error,
            codes::INVALID_KEY_LENGTH,
            "2049"
        ));
        // the help names the range that is taken: 2047 is refused, 1024 above is only weak
        let refused = compile("[NewRequest]\nKeyLength = 2047\n").diagnostics;
        let refused = refused.iter().find(|d| d.code == codes::INVALID_KEY_LENGTH);
        let help = refused.and_then(|d| d.help.as_deref()).unwrap_or_default();
        assert!(help.contains("from 512 to 16384"), "{help}");
        assert!(!has(
            "[NewRequest]\nKeyLength = 512\n",
            Severity::Error,
            codes::INVALID_KEY_LENGTH,
            "512"
        ));
    }

    #[test]
    fn hash_and_alternate_signature() {
        assert_eq!(
            req("[NewRequest]\nHashAlgorithm = SHA384\n").signature,
            SignatureScheme::RsaPkcs1(Hash::Sha384)
        );
        assert!(has(
            "[NewRequest]\nHashAlgorithm = sha1\n",
            Severity::Warning,
            codes::WEAK_HASH,
            "sha1"
        ));
        assert!(has(
            "[NewRequest]\nHashAlgorithm = md5\n",
            Severity::Error,
            codes::BROKEN_HASH,
            "md5"
        ));
        assert_eq!(
            req("[NewRequest]\nHashAlgorithm = sha512\nAlternateSignatureAlgorithm = TRUE\n")
                .signature,
            SignatureScheme::RsaPss(Hash::Sha512)
        );
        assert!(has(
            "[NewRequest]\nKeyAlgorithm = ECDSA_P256\nAlternateSignatureAlgorithm = 1\n",
            Severity::Warning,
            codes::ALTERNATE_SIGNATURE_ECDSA,
            "1"
        ));
    }

    #[test]
    fn request_types() {
        assert_eq!(
            req("[NewRequest]\nRequestType = cmc\n").request_type,
            RequestType::Cmc
        );
        // PKCS7 is built: no warning; who signs is the caller's (RenewalCert or -cert)
        let p7 = compile("[NewRequest]\nRequestType = PKCS7\nHashAlgorithm = SHA256\n");
        assert!(p7.diagnostics.is_empty(), "{:?}", p7.diagnostics);
        assert_eq!(p7.request.unwrap().request_type, RequestType::Pkcs7);
        let cmc = compile("[NewRequest]\nRequestType = CMC\nHashAlgorithm = SHA256\n");
        assert!(cmc.diagnostics.is_empty(), "{:?}", cmc.diagnostics);
        assert_eq!(
            req("[NewRequest]\nSubject = \"CN=x\"\nRequestType = Cert\n").request_type,
            RequestType::Cert
        );
        assert!(has(
            "[NewRequest]\nRequestType = Cert\n[RequestAttributes]\nA = b\n",
            Severity::Warning,
            codes::ATTRIBUTES_IN_CERT,
            "Cert"
        ));
        assert!(has(
            "[NewRequest]\nRequestType = Cert\n",
            Severity::Error,
            codes::CERT_EMPTY_SUBJECT,
            "Cert"
        ));
        assert!(!has(
            "[NewRequest]\nSubject = \"CN=x\"\nRequestType = Cert\n",
            Severity::Error,
            codes::CERT_EMPTY_SUBJECT,
            "Cert"
        ));
        assert!(has(
            "[NewRequest]\nSubject = \"CN=x\"\nRequestType = Cert\nUseExistingKeySet = TRUE\n\
             KeyContainer = k\n",
            Severity::Error,
            codes::CERT_EXISTING_KEY,
            "TRUE"
        ));
        assert!(has(
            "[NewRequest]\nRequestType = X\n",
            Severity::Error,
            codes::INVALID_REQUEST_TYPE,
            "X"
        ));
    }

    #[test]
    fn validity_keys_are_checked_and_only_apply_to_cert() {
        let t = "[NewRequest]\nValidityPeriod = Years\nValidityPeriodUnits = 2\n";
        assert_eq!(req(t).validity.period, Some(Period::Months(24)));
        assert_eq!(
            req("[NewRequest]\nValidityPeriod = weeks\nValidityPeriodUnits = 2\n")
                .validity
                .period,
            Some(Period::Seconds(14 * 86_400))
        );
        assert!(has(
            t,
            Severity::Warning,
            codes::VALIDITY_NOT_CERT,
            "ValidityPeriod"
        ));
        assert!(has(
            "[NewRequest]\nValidityPeriod = Fortnights\nValidityPeriodUnits = 2\n",
            Severity::Error,
            codes::INVALID_VALIDITY_PERIOD,
            "Fortnights"
        ));
        assert!(has(
            "[NewRequest]\nValidityPeriod = Days\nValidityPeriodUnits = 2\nNotAfter = 7/24/2030 10:31 AM\n",
            Severity::Error,
            codes::NOTAFTER_WITH_PERIOD,
            "7/24/2030 10:31 AM"
        ));
        assert_eq!(parse_date("7/24/2012 10:31 PM"), Some(1_343_169_060));
        assert_eq!(parse_date("1970-01-02"), Some(86_400));
        assert_eq!(parse_date("2/30/2020"), None);
        // month names, as Microsoft's reference suggests: the same moment every way
        for text in [
            "July 24, 2012 10:31 PM",
            "24 July 2012 10:31 PM",
            "Jul 24 2012 22:31",
            "jul. 24, 2012 10:31 pm",
        ] {
            assert_eq!(parse_date(text), Some(1_343_169_060), "{text}");
        }
        assert_eq!(parse_date("Sept 1, 2020"), parse_date("9/1/2020"));
        assert_eq!(parse_date("1 May 2020"), parse_date("5/1/2020"));
        for bad in [
            "Ju 24 2012",
            "July 2012",
            "July 32, 2012",
            "July May 2012",
            "Juli 24 2012",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn unknown_and_duplicate_keys_warn() {
        let t = "[NewRequest]\nKeyLenght = 2048\nSubject = \"CN=a\"\nSubject = \"CN=b\"\n";
        assert!(has(t, Severity::Warning, codes::UNKNOWN_KEY, "KeyLenght"));
        let c = compile(t);
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.code == "unknown-key")
            .unwrap();
        assert_eq!(d.help.as_deref(), Some("did you mean `KeyLength`?"));
        assert!(
            diags(t)
                .iter()
                .any(|(s, c, _)| *s == Severity::Warning && *c == "duplicate-key")
        );
    }

    #[test]
    fn eku_section_and_extensions_section() {
        let r = req(
            "[NewRequest]\nSubject = CN=a\n[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.1\nOID = 1.3.6.1.5.5.7.3.2\nCritical = yes\n",
        );
        let eku = r
            .extension(&ObjectIdentifier::new_unwrap("2.5.29.37"))
            .unwrap();
        assert!(eku.critical);
        assert_eq!(eku.extn_value.as_bytes()[..2], [0x30, 0x14]);
        let r = req(
            "[NewRequest]\nSubject = CN=a\n[Extensions]\n2.5.29.17 = MCaCEnd3dzAxLmZhYnJpa2FtLmNvbYIQd3d3LmZhYnJpa2FtLmNvbQ\nCritical = 2.5.29.17\n",
        );
        let san = r
            .extension(&ObjectIdentifier::new_unwrap("2.5.29.17"))
            .unwrap();
        assert!(san.critical);
        assert_eq!(san.extn_value.as_bytes()[..4], [0x30, 0x26, 0x82, 0x12]);
    }

    #[test]
    fn oid_lines_in_extensions_are_refused_like_certreq() {
        let t = "[NewRequest]\nSubject = \"CN=a\"\n[Extensions]\nOID = 1.3.6.1.5.5.7.3.1\n";
        let c = compile(t);
        assert!(c.request.is_none());
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.code == "oid-in-extensions")
            .unwrap();
        assert!(
            d.message
                .contains("0x80070057 (WIN32: 87 ERROR_INVALID_PARAMETER)")
        );
        assert_eq!(&t[d.span.clone()], "OID = 1.3.6.1.5.5.7.3.1");
    }

    #[test]
    fn the_same_extension_twice_is_an_error_at_the_second() {
        // two [Extensions] lines, in one section or in two of that name, even with one value,
        // and after a section that gives the extension too
        for t in [
            "[NewRequest]\nSubject=CN=a\n[Extensions]\n2.5.29.37 = MAoGCCsGAQUFBwMB\n2.5.29.37 = MAoGCCsGAQUFBwMB\n",
            "[NewRequest]\nSubject=CN=a\n[Extensions]\n2.5.29.37 = MAoGCCsGAQUFBwMB\n[Extensions]\n2.5.29.37 = MAoGCCsGAQUFBwMB\n",
            "[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.1\n[NewRequest]\nSubject=CN=a\n[Extensions]\n2.5.29.37 = MAoGCCsGAQUFBwMB\n2.5.29.37 = MAoGCCsGAQUFBwMB\n",
        ] {
            assert!(has(
                t,
                Severity::Error,
                codes::DUPLICATE_EXTENSION,
                "2.5.29.37"
            ));
        }
    }

    #[test]
    fn a_section_keeps_its_extension_over_an_extensions_line() {
        // The shape of edk2's issuing-CA INF (its test chain is made with `certreq -new`): the
        // EKU in its section and again as an [Extensions] line; a path length of 0 in
        // [BasicConstraintsExtension] beside an [Extensions] line for basic constraints
        // without one, made critical there; two [Extensions] sections.
        let t = "[Strings]\nbc = \"2.5.29.19\"\n\
                 [EnhancedKeyUsageExtension]\nOID = 1.3.6.1.4.1.311.76.9.21.1\n\
                 [NewRequest]\nSubject = \"CN=Issuing\"\nKeyAlgorithm = ECDSA_P256\n\
                 KeyLength = 256\nKeyUsage = \"CERT_KEY_CERT_SIGN_KEY_USAGE\"\nRequestType = cert\n\
                 [Extensions]\n%bc% = \"{text}\"\n    _continue_ = \"ca=True\"\n\nCritical=%bc%\n\
                 [BasicConstraintsExtension]\nPathLength=0\n\
                 [Extensions]\n    2.5.29.37 = \"{text}\"\n    _continue_ = \"1.3.6.1.4.1.311.76.9.21.1\"\n";
        assert!(has(
            t,
            Severity::Warning,
            codes::DUPLICATE_EXTENSION,
            "2.5.29.37"
        ));
        assert!(has(
            t,
            Severity::Warning,
            codes::DUPLICATE_EXTENSION,
            "%bc%"
        ));
        // a `Critical` naming a dropped line goes with it: the section's EKU stays as it was
        let critical = format!("{t}Critical = 2.5.29.37\n");
        let eku = req(&critical)
            .extensions
            .into_iter()
            .find(|e| e.extn_id == certreq_pkix::oid::EXT_KEY_USAGE)
            .unwrap();
        assert!(!eku.critical);
        // the line's `Critical` goes with it: no word that it names nothing
        assert!(
            !diags(t)
                .iter()
                .any(|(_, c, _)| *c == codes::CRITICAL_UNKNOWN_EXTENSION.name),
            "{:#?}",
            diags(t)
        );
        // The key usage, EKU and basic constraints extensions of the certificate edk2 made
        // from it (CN=TestEKUParsingIssuingCA, in CryptoPkg's Pkcs7EkuTestSignatures.h), in
        // its order: (OID, critical, extnValue).
        let edk2: [(&str, bool, &[u8]); 3] = [
            ("2.5.29.15", true, &[0x03, 0x02, 0x02, 0x04]),
            (
                "2.5.29.37",
                false,
                &[
                    0x30, 0x0D, 0x06, 0x0B, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x4C, 0x09,
                    0x15, 0x01,
                ],
            ),
            (
                "2.5.29.19",
                true,
                &[0x30, 0x06, 0x01, 0x01, 0xFF, 0x02, 0x01, 0x00],
            ),
        ];
        let r = req(t);
        let ours: Vec<(String, bool, &[u8])> = r
            .extensions
            .iter()
            .take(3)
            .map(|e| (e.extn_id.to_string(), e.critical, e.extn_value.as_bytes()))
            .collect();
        let edk2: Vec<(String, bool, &[u8])> = edk2
            .iter()
            .map(|(o, c, v)| (o.to_string(), *c, *v))
            .collect();
        assert_eq!(ours, edk2);
        assert_eq!(
            r.extensions
                .iter()
                .filter(|e| e.extn_id == certreq_pkix::oid::EXT_KEY_USAGE
                    || e.extn_id == OID_BASIC_CONSTRAINTS)
                .count(),
            2
        );
    }

    #[test]
    fn basic_constraints_section() {
        let r = req(
            "[NewRequest]\nSubject = CN=a\n[BasicConstraintsExtension]\nPathLength = 0\nCritical = TRUE\n",
        );
        let bc = r.extension(&OID_BASIC_CONSTRAINTS).unwrap();
        assert!(bc.critical);
        assert_eq!(
            bc.extn_value.as_bytes(),
            &[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00]
        );
        assert!(has(
            "[NewRequest]\nSubject = CN=a\n[BasicConstraintsExtension]\nCA = FALSE\nPathLength = 1\n",
            Severity::Error,
            codes::PATH_LENGTH_NOT_CA,
            "1"
        ));
    }

    /// Found by the `inf` fuzz target: such an INF lowered without an error and then could
    /// not be encoded.
    #[test]
    fn request_attributes_outside_the_bmp_are_an_error() {
        for (inf, at) in [
            (
                "[NewRequest]\nSubject = CN=a\n[RequestAttributes]\nProviderName = \"a\u{1F600}\"\n",
                "\"a",
            ),
            (
                "[NewRequest]\nSubject = CN=a\n[RequestAttributes]\n\u{1D11E}x = v\n",
                "\u{1D11E}x",
            ),
        ] {
            let c = compile(inf);
            assert!(c.request.is_none(), "{inf:?}");
            let d = c.diagnostics.iter().find(|d| d.code == "encode");
            let d = d.unwrap_or_else(|| panic!("{:?}", c.diagnostics));
            assert_eq!(d.span.start, inf.find(at).unwrap(), "{inf:?}: {d:?}");
            assert!(d.message.contains("U+1"), "{}", d.message);
        }
        // nor U+FFFF (the inf fuzz target's first find: UTF-16 text decoded with U+FFFF in it)
        let c = compile("[NewRequest]\nSubject = CN=a\n[RequestAttributes]\nP = \"\u{FFFF}\"\n");
        assert!(c.request.is_none() && c.diagnostics.iter().any(|d| d.code == "encode"));
        // below U+FFFF is fine
        assert!(
            compile("[NewRequest]\nSubject = CN=a\n[RequestAttributes]\nA = \"\u{FFFD}\"\n")
                .request
                .is_some()
        );
    }

    #[test]
    fn request_attributes_keep_file_order_and_trim() {
        let r = req(
            "[NewRequest]\nSubject = CN=a\n[RequestAttributes]\nCertificateTemplate= WebServer\nSAN = \"dns=a&dns=b\"\n",
        );
        assert_eq!(
            r.name_value_pairs,
            vec![
                ("CertificateTemplate".to_string(), "WebServer".to_string()),
                ("SAN".to_string(), "dns=a&dns=b".to_string())
            ]
        );
    }

    #[test]
    fn windows_only_keys_are_explained() {
        let t = "[NewRequest]\nMachineKeySet = TRUE\nProviderName = \"Microsoft RSA SChannel Cryptographic Provider\"\nSilent = FALSE\n";
        let d = diags(t);
        assert!(d.iter().any(|(s, c, a)| *s == Severity::Warning
            && *c == "no-effect"
            && a.starts_with("MachineKeySet")));
        assert!(d.iter().any(|(s, c, a)| *s == Severity::Warning
            && *c == "no-effect"
            && a.starts_with("ProviderName")));
        assert!(
            d.iter().any(|(s, c, a)| *s == Severity::Note
                && *c == "no-effect"
                && a.starts_with("Silent"))
        );
        assert!(compile(t).request.is_some());
    }

    /// A value for each `[NewRequest]` key of the schema that changes something when the key
    /// acts, and the lines it needs around it (`None` for the key alone).
    fn sample(key: &str) -> Option<(&'static str, &'static str)> {
        Some(match key {
            "Subject" => ("\"CN=other, O=Org\"", ""),
            "X500NameFlags" => ("CERT_NAME_STR_FORWARD_FLAG", ""),
            "Exportable"
            | "ExportableEncrypted"
            | "AlternateSignatureAlgorithm"
            | "SMIME"
            | "SuppressDefaults" => ("TRUE", ""),
            "HashAlgorithm" => ("sha384", ""),
            "KeyAlgorithm" => ("ECDSA_P384", ""),
            "KeyContainer" => ("my-key", ""),
            "KeyLength" => ("4096", ""),
            "KeySpec" => ("AT_KEYEXCHANGE", ""),
            "KeyUsage" => ("0xa0", ""),
            "UseExistingKeySet" => ("TRUE", "KeyContainer = my-key\n"),
            "RequestType" => ("CMC", ""),
            "RenewalCert" => ("\"0a 1b 2c\"", "RequestType = PKCS7\n"),
            "RequesterName" => ("\"CONTOSO\\alice\"", "RequestType = CMC\n"),
            "PrivateKeyArchive" => ("TRUE", "RequestType = CMC\n"),
            "EncryptionAlgorithm" => ("AES", "RequestType = CMC\nPrivateKeyArchive = TRUE\n"),
            "EncryptionLength" => (
                "128",
                "RequestType = CMC\nPrivateKeyArchive = TRUE\nEncryptionAlgorithm = AES\n",
            ),
            "FriendlyName" => ("web01", ""),
            "NotBefore" => ("2030-01-01", "RequestType = Cert\n"),
            "NotAfter" => ("2040-01-01", "RequestType = Cert\n"),
            "ValidityPeriod" => ("Years", "RequestType = Cert\nValidityPeriodUnits = 3\n"),
            "ValidityPeriodUnits" => ("3", "RequestType = Cert\nValidityPeriod = Years\n"),
            // keys that change nothing here, with a valid value
            "MachineKeySet" | "Silent" | "UserProtected" | "EncipherOnly" => ("TRUE", ""),
            "ProviderName" | "SecurityDescriptor" => ("something", ""),
            "ProviderType" => ("12", ""),
            "KeyUsageProperty" => ("NCRYPT_ALLOW_SIGNING_FLAG", ""),
            "KeyProtection" => ("NCRYPT_UI_PROTECT_KEY_FLAG", ""),
            "SubjectNameFlags" => ("template", ""),
            _ => return None,
        })
    }

    /// The schema is the one list of `[NewRequest]` keys: a key it says acts on the request,
    /// the key or the stored entry changes what the lowering decides; a key it says has no
    /// effect changes nothing and is explained at its line (never silently dropped); and a
    /// key it does not list is unknown.
    #[test]
    fn every_new_request_key_does_what_the_schema_says() {
        // the subject is one of the keys: the base has it unless it is the key under test
        let base = |key: &str, extra: &str| {
            let subject = if key == "Subject" {
                ""
            } else {
                "Subject = \"CN=base, O=Org\"\n"
            };
            format!("[NewRequest]\n{subject}{extra}")
        };
        let mut checked = 0;
        for key in certreq_schema::keys_in("NewRequest") {
            let name = key.key;
            let (value, context) = sample(name).unwrap_or_else(|| {
                panic!("[NewRequest] {name} is in the schema: give it a sample here")
            });
            let without = compile(&base(
                name,
                &format!("{context}Subject = \"CN=base, O=Org\"\n"),
            ));
            let with = compile(&base(name, &format!("{context}{name} = {value}\n")));
            let line = format!("{name} = {value}");
            let at_line = |c: &Compiled| {
                let entry = c
                    .inf
                    .section("NewRequest")
                    .and_then(|s| s.get(name))
                    .map(|e| e.span.clone())
                    .unwrap_or(0..0);
                c.diagnostics
                    .iter()
                    .filter(|d| d.span.start >= entry.start && d.span.start <= entry.end)
                    .map(|d| d.code)
                    .collect::<Vec<_>>()
            };
            assert!(with.request.is_some(), "{line}: {:#?}", with.diagnostics);
            // what goes around the request (on whose behalf, archival) is part of it
            let decided = |c: &Compiled| (c.request.clone(), c.wrapping());
            if key.effect.is_acted_on() {
                assert_ne!(
                    decided(&with),
                    decided(&without),
                    "{name} is documented as acting on the {} but changes nothing",
                    key.effect.label()
                );
            } else {
                assert_eq!(
                    decided(&with),
                    decided(&without),
                    "{name} is documented as {} but changes the request",
                    key.effect.label()
                );
                assert!(
                    at_line(&with).contains(&codes::NO_EFFECT.name),
                    "{name}: no note or warning says it has no effect: {:?}",
                    with.diagnostics
                );
            }
            checked += 1;
        }
        assert!(checked >= 30, "{checked}");
        let unknown = compile(&base("", "KeyColour = blue\n"));
        assert_eq!(unknown.request, compile(&base("", "")).request);
        assert!(
            unknown
                .diagnostics
                .iter()
                .any(|d| d.code == codes::UNKNOWN_KEY)
        );
    }

    /// The same for sections: a section the schema says a request reads changes the request;
    /// any other is reported as unused.
    #[test]
    fn every_section_is_read_or_reported_as_the_schema_says() {
        let base = "[NewRequest]\nSubject = \"CN=base\"\n";
        let sample = |name: &str| -> &'static str {
            match name {
                "NewRequest" => "[NewRequest]\nKeyLength = 4096\n",
                "Strings" => {
                    "[Strings]\nCN = other\n[Extensions]\n2.5.29.17 = \"{text}dns=%CN%.example\"\n"
                }
                "Extensions" => "[Extensions]\n2.5.29.17 = \"{text}dns=a.example\"\n",
                "EnhancedKeyUsageExtension" => {
                    "[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.1\n"
                }
                "RequestAttributes" => "[RequestAttributes]\nCertificateTemplate = WebServer\n",
                "BasicConstraintsExtension" => "[BasicConstraintsExtension]\nCA = TRUE\n",
                "PolicyStatementExtension" => {
                    "[PolicyStatementExtension]\nPolicies = P\n[P]\nOID = 1.2.3.4\n"
                }
                "ApplicationPolicyStatementExtension" => {
                    "[ApplicationPolicyStatementExtension]\nPolicies = P\n[P]\nOID = 1.3.6.1.5.5.7.3.1\n"
                }
                "Version" => "[Version]\nSignature = \"$Windows NT$\"\n",
                _ => "",
            }
        };
        let without = compile(base);
        for section in certreq_schema::SECTIONS {
            let mut text = sample(section.name).to_string();
            if text.is_empty() {
                text = format!("[{}]\nSomething = 1\n", section.name);
            }
            let with = compile(&format!("{base}{text}"));
            // [Strings] acts through the values it fills in: compare with the same lines
            // without the section
            let without = match section.name {
                "Strings" => compile(&format!(
                    "{base}[Extensions]\n2.5.29.17 = \"{{text}}dns=%CN%.example\"\n"
                )),
                _ => without.clone(),
            };
            let unused = with
                .diagnostics
                .iter()
                .any(|d| d.code == codes::UNUSED_SECTION);
            if section.effect.is_acted_on() {
                assert!(
                    !unused,
                    "[{}] is read: {:#?}",
                    section.name, with.diagnostics
                );
                assert_ne!(
                    with.request, without.request,
                    "[{}] changes nothing",
                    section.name
                );
            } else if section.name != "Version" {
                assert!(unused, "[{}] is not read but not reported", section.name);
                assert_eq!(with.request, without.request, "[{}]", section.name);
            }
        }
    }

    #[test]
    fn policy_statement_sections_become_certificate_and_application_policies() {
        use der::Decode;
        use x509_cert::ext::pkix::certpolicy::CertificatePolicies;
        let inf = "[NewRequest]\nSubject = \"CN=a\"\n\
                   [PolicyStatementExtension]\nPolicies = Legal, Other\nCritical = TRUE\n\
                   [Legal]\nOID = 1.2.3.4.1455.67.89.5\nNotice = \"Legal Policy Statement\"\n\
                   URL = http://pki.example.com/cps.txt\nURL = \"http://pki.example.com/cps 2.txt\"\n\
                   [Other]\nOID = 2.5.29.32.0\n\
                   [ApplicationPolicyStatementExtension]\nPolicies = Apps\n\
                   [Apps]\nOID = 1.3.6.1.5.5.7.3.2\n";
        let c = compile(inf);
        assert!(
            !c.diagnostics
                .iter()
                .any(|d| d.code == codes::UNUSED_SECTION),
            "{:#?}",
            c.diagnostics
        );
        let r = c.request.expect("a request");
        let cp = r
            .extension(&OID_CERTIFICATE_POLICIES)
            .expect("certificate policies");
        assert!(cp.critical);
        let policies = CertificatePolicies::from_der(cp.extn_value.as_bytes()).unwrap();
        assert_eq!(policies.0.len(), 2);
        assert_eq!(
            policies.0[0].policy_identifier.to_string(),
            "1.2.3.4.1455.67.89.5"
        );
        let qualifiers = policies.0[0].policy_qualifiers.as_ref().unwrap();
        let ids: Vec<String> = qualifiers
            .iter()
            .map(|q| q.policy_qualifier_id.to_string())
            .collect();
        assert_eq!(
            ids,
            [
                "1.3.6.1.5.5.7.2.2",
                "1.3.6.1.5.5.7.2.1",
                "1.3.6.1.5.5.7.2.1"
            ]
        );
        assert!(policies.0[1].policy_qualifiers.is_none());
        let ap = r
            .extension(&OID_APPLICATION_POLICIES)
            .expect("application policies");
        assert!(!ap.critical);
        let apps = CertificatePolicies::from_der(ap.extn_value.as_bytes()).unwrap();
        assert_eq!(apps.0[0].policy_identifier.to_string(), "1.3.6.1.5.5.7.3.2");
        // the same extension from [Extensions] too: the section's is kept
        assert!(has(
            &format!("{inf}[Extensions]\n2.5.29.32 = \"{{text}}OID=1.2.3\"\n"),
            Severity::Warning,
            codes::DUPLICATE_EXTENSION,
            "2.5.29.32"
        ));
        assert!(has(
            "[NewRequest]\nSubject = CN=a\n[PolicyStatementExtension]\nPolicies = Nowhere\n",
            Severity::Error,
            codes::POLICY_SECTION_MISSING,
            "Nowhere"
        ));
        assert!(has(
            "[NewRequest]\nSubject = CN=a\n[PolicyStatementExtension]\nPolicies = P\n[P]\nURL = http://x/\n",
            Severity::Error,
            codes::POLICY_WITHOUT_OID,
            "[P]"
        ));
        assert!(has(
            "[NewRequest]\nSubject = CN=a\n[PolicyStatementExtension]\nPolicies = P\n[P]\nOID = 1.2.3\nURL = http://é/\n",
            Severity::Error,
            codes::EXTENSION_BAD_TOKEN,
            "http://é/"
        ));
    }

    #[test]
    fn renewal_cert_is_a_thumbprint_or_serial_for_a_wrapped_request() {
        let r = req("[NewRequest]\nRequestType = PKCS7\nRenewalCert = \"4E DF 27 4b\"\n");
        assert_eq!(r.renewal_cert.as_deref(), Some("4E DF 27 4b"));
        assert!(has(
            "[NewRequest]\nRenewalCert = 0a1b\n",
            Severity::Error,
            codes::RENEWAL_NEEDS_WRAPPER,
            "0a1b"
        ));
        assert!(has(
            "[NewRequest]\nSubject = \"CN=x\"\nRequestType = Cert\nRenewalCert = 0a1b\n",
            Severity::Error,
            codes::RENEWAL_NEEDS_WRAPPER,
            "0a1b"
        ));
        assert!(has(
            "[NewRequest]\nRequestType = CMC\nRenewalCert = CN=old\n",
            Severity::Error,
            codes::INVALID_CERT_ID,
            "CN=old"
        ));
        // UseExistingKeySet keeps the renewed certificate's key: no KeyContainer needed
        let r =
            req("[NewRequest]\nRequestType = CMC\nRenewalCert = 0a1b\nUseExistingKeySet = TRUE\n");
        assert!(r.key.use_existing && r.key.container.is_none());
        assert!(has(
            "[NewRequest]\nRequestType = CMC\nRenewalCert = 0a1b\nRequesterName = D\\u\n",
            Severity::Error,
            codes::RENEWAL_AND_REQUESTER,
            "D\\u"
        ));
    }

    #[test]
    fn requester_name_goes_with_pkcs7_or_cmc() {
        let c = compile("[NewRequest]\nRequestType = CMC\nRequesterName = CONTOSO\\alice\n");
        assert_eq!(
            c.wrapping().requester_name.as_deref(),
            Some("CONTOSO\\alice")
        );
        // certreq ignores it with PKCS10: said at the line
        let t = "[NewRequest]\nRequesterName = CONTOSO\\alice\n";
        assert!(has(
            t,
            Severity::Warning,
            codes::NO_EFFECT,
            "RequesterName = CONTOSO\\alice"
        ));
        assert_eq!(compile(t).wrapping().requester_name, None);
    }

    #[test]
    fn key_archival_needs_cmc_an_rsa_key_and_a_readable_one() {
        let c = compile("[NewRequest]\nRequestType = CMC\nPrivateKeyArchive = TRUE\n");
        assert_eq!(
            c.wrapping().archive,
            Some(ArchivePlan {
                cipher: Cipher::TripleDes
            })
        );
        let aes = |extra: &str| {
            compile(&format!(
                "[NewRequest]\nRequestType = CMC\nPrivateKeyArchive = TRUE\n{extra}"
            ))
            .wrapping()
            .archive
            .map(|a| a.cipher)
        };
        assert_eq!(aes("EncryptionAlgorithm = AES\n"), Some(Cipher::Aes256));
        assert_eq!(
            aes("EncryptionAlgorithm = aes\nEncryptionLength = 128\n"),
            Some(Cipher::Aes128)
        );
        assert_eq!(
            aes("EncryptionAlgorithm = 3DES\nEncryptionLength = 168\n"),
            Some(Cipher::TripleDes)
        );
        assert!(has(
            "[NewRequest]\nRequestType = CMC\nPrivateKeyArchive = TRUE\nEncryptionAlgorithm = RC4\n",
            Severity::Error,
            codes::INVALID_ENCRYPTION_ALGORITHM,
            "RC4"
        ));
        assert!(has(
            "[NewRequest]\nRequestType = CMC\nPrivateKeyArchive = TRUE\nEncryptionLength = 128\n",
            Severity::Error,
            codes::INVALID_ENCRYPTION_LENGTH,
            "128"
        ));
        assert!(has(
            "[NewRequest]\nPrivateKeyArchive = TRUE\n",
            Severity::Error,
            codes::ARCHIVE_NEEDS_CMC,
            "TRUE"
        ));
        assert!(has(
            "[NewRequest]\nRequestType = CMC\nKeyAlgorithm = ECDSA_P256\nPrivateKeyArchive = TRUE\n",
            Severity::Error,
            codes::ARCHIVE_KEY_ALGORITHM,
            "TRUE"
        ));
        // the key's line says it may not be read: the error is there
        assert!(has(
            "[NewRequest]\nRequestType = CMC\nExportable = FALSE\nPrivateKeyArchive = TRUE\n",
            Severity::Error,
            codes::ARCHIVE_NOT_EXPORTABLE,
            "FALSE"
        ));
        assert!(has(
            "[NewRequest]\nEncryptionAlgorithm = AES\n",
            Severity::Warning,
            codes::NO_EFFECT,
            "EncryptionAlgorithm = AES"
        ));
    }

    /// certreq writes `[RequestAttributes] CertificateTemplate` as the first extension too
    /// (research: certreq-facts §1), in requests and `RequestType = Cert` certificates, and
    /// keeps the name-value pair in requests.
    #[test]
    fn the_template_name_is_also_the_first_extension() {
        use certreq_pkix::oid::CERTIFICATE_TEMPLATE_NAME;
        let t = "[NewRequest]\nSubject = \"CN=a\"\nKeyUsage = 0xa0\n\
                 [EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.1\n\
                 [RequestAttributes]\nCertificateTemplate = WebServer\n";
        let r = req(t);
        let ids: Vec<String> = r.extensions.iter().map(|e| e.extn_id.to_string()).collect();
        assert_eq!(ids, ["1.3.6.1.4.1.311.20.2", "2.5.29.15", "2.5.29.37"]);
        assert_eq!(r.ski_position, 3, "the SKI still comes after them");
        assert_eq!(r.name_value_pairs.len(), 1);
        let cert = req(&t.replace("KeyUsage", "RequestType = Cert\nKeyUsage"));
        assert_eq!(cert.extensions[0].extn_id, CERTIFICATE_TEMPLATE_NAME);
        // given in [Extensions] itself, it is not added a second time
        let own = req(
            "[NewRequest]\nSubject = CN=a\n[Extensions]\n1.3.6.1.4.1.311.20.2 = \"{hex}1e 02 00 58\"\n\
                       [RequestAttributes]\nCertificateTemplate = WebServer\n",
        );
        assert_eq!(
            own.extensions
                .iter()
                .filter(|e| e.extn_id == CERTIFICATE_TEMPLATE_NAME)
                .count(),
            1
        );
    }

    /// A front end that does not build the life cycle (the web app, for now) is told at each
    /// key asking for part of it what it gets instead, and gets no renewal to make.
    #[test]
    fn a_front_end_that_does_not_build_the_life_cycle_says_so() {
        let text = "[NewRequest]\nSubject = \"CN=a\"\nRequestType = PKCS7\nRenewalCert = 0a1b\n";
        let c = super::compile(text);
        let warned: Vec<&str> = c
            .diagnostics
            .iter()
            .filter(|d| d.code == codes::WRAPPER_NOT_BUILT.name && d.severity == Severity::Warning)
            .map(|d| &text[d.span.clone()])
            .collect();
        assert_eq!(warned, ["PKCS7", "0a1b"], "{:#?}", c.diagnostics);
        assert_eq!(c.request.unwrap().renewal_cert, None);
        let cmc = "[NewRequest]\nSubject = \"CN=a\"\nRequestType = CMC\nRequesterName = D\\u\n\
                   PrivateKeyArchive = TRUE\n";
        let c = super::compile(cmc);
        let warned: Vec<&str> = c
            .diagnostics
            .iter()
            .filter(|d| d.code == codes::WRAPPER_NOT_BUILT.name)
            .map(|d| &cmc[d.span.clone()])
            .collect();
        assert_eq!(warned, ["D\\u", "TRUE"], "{:#?}", c.diagnostics);
        // the command line's front end builds them: no such warning
        for t in [text, cmc] {
            assert!(
                !compile(t)
                    .diagnostics
                    .iter()
                    .any(|d| d.code == codes::WRAPPER_NOT_BUILT.name)
            );
        }
        assert!(compile(text).request.unwrap().renewal_cert.is_some());
    }

    /// The web app's front end reads `RenewalCert` (PKCS7 or CMC) and `RequesterName` and is
    /// not warned about them; the rest of the life cycle still is.
    /// The key reference (`certreq -new -? Key`, the app's panel) says of each life-cycle key
    /// what the web app's front end does with it: built where the app builds it, "does not"
    /// where the app warns at it and makes the request without it.
    #[test]
    fn the_key_reference_says_which_life_cycle_keys_the_app_builds() {
        let asks = [
            (
                "RenewalCert",
                "[NewRequest]\nSubject = \"CN=a\"\nRequestType = PKCS7\nRenewalCert = 0a1b\n",
            ),
            (
                "RequesterName",
                "[NewRequest]\nSubject = \"CN=a\"\nRequestType = CMC\nRequesterName = D\\u\n",
            ),
            (
                "PrivateKeyArchive",
                "[NewRequest]\nSubject = \"CN=a\"\nRequestType = CMC\nPrivateKeyArchive = TRUE\n",
            ),
        ];
        for (key, inf) in asks {
            let warned = compile_for(inf, Builds::APP)
                .diagnostics
                .iter()
                .any(|d| d.code == codes::WRAPPER_NOT_BUILT.name);
            let here = certreq_schema::here_note("NewRequest", key).unwrap_or_default();
            let says_not = [
                "web app does not",
                "not by the web app",
                "web app does not yet",
            ]
            .iter()
            .any(|not| here.contains(not));
            assert_eq!(warned, says_not, "{key}: {here}");
            assert_eq!(
                !warned,
                here.contains("and by the web app"),
                "{key}: {here}"
            );
        }
    }

    #[test]
    fn the_apps_front_end_builds_renewals_and_requests_on_behalf_of_others() {
        let warned = |text: &str| -> Vec<String> {
            compile_for(text, Builds::APP)
                .diagnostics
                .iter()
                .filter(|d| d.code == codes::WRAPPER_NOT_BUILT.name)
                .map(|d| text[d.span.clone()].to_string())
                .collect()
        };
        let p7 = "[NewRequest]\nSubject = \"CN=a\"\nRequestType = PKCS7\nRenewalCert = 0a1b\n\
                  UseExistingKeySet = TRUE\n";
        let c = compile_for(p7, Builds::APP);
        assert!(
            c.diagnostics.iter().all(|d| d.severity != Severity::Error),
            "{:#?}",
            c.diagnostics
        );
        assert!(warned(p7).is_empty());
        assert_eq!(c.request.unwrap().renewal_cert.as_deref(), Some("0a1b"));
        // a renewal on behalf of another user: refused at the name, as certreq's rules say
        let both = format!("{p7}RequesterName = D\\u\n");
        assert!(warned(&both).is_empty());
        assert!(compile_for(&both, Builds::APP).request.is_none());
        let cmc = "[NewRequest]\nSubject = \"CN=a\"\nRequestType = CMC\nRenewalCert = 0a1b\n";
        assert!(warned(cmc).is_empty());
        let c = compile_for(cmc, Builds::APP).request.unwrap();
        assert_eq!(c.renewal_cert.as_deref(), Some("0a1b"));
        for rt in ["PKCS7", "CMC"] {
            let eobo = format!(
                "[NewRequest]\nSubject = \"CN=b\"\nRequestType = {rt}\nRequesterName = D\\u\n"
            );
            assert!(warned(&eobo).is_empty(), "{eobo}");
            let r = compile_for(&eobo, Builds::APP).request.unwrap();
            assert_eq!(r.requester_name.as_deref(), Some("D\\u"));
            assert_eq!(r.renewal_cert, None);
        }
        // PKCS10 ignores the name (said at its line) and makes no request on behalf of anyone
        let p10 = "[NewRequest]\nSubject = \"CN=b\"\nRequesterName = D\\u\n";
        assert_eq!(
            compile_for(p10, Builds::APP)
                .request
                .unwrap()
                .requester_name,
            None
        );
        // a front end that builds none of it is warned at the name, which is not read
        let c = compile_for(
            "[NewRequest]\nRequestType = CMC\nRequesterName = D\\u\n",
            Builds::default(),
        );
        assert!(
            c.diagnostics
                .iter()
                .any(|d| d.code == codes::WRAPPER_NOT_BUILT.name)
        );
        assert_eq!(c.request.unwrap().requester_name, None);
        // PKCS7 without a renewal or a requester name is still not built here
        let plain = "[NewRequest]\nSubject = \"CN=a\"\nRequestType = PKCS7\n";
        assert_eq!(warned(plain), ["PKCS7"]);
    }

    /// The sections only policy files have: read by compile_policy, reported as unused in a
    /// request INF.
    #[test]
    fn name_constraints_and_policy_mappings_sections_in_a_policy_file() {
        let text = "[NewRequest]\nSubject = \"CN=Sub\"\n\
                    [NameConstraintsExtension]\nInclude = P\nCritical = FALSE\n[P]\nEmail = example.com\nUPN = example.com\n\
                    [ApplicationPolicyMappingsExtension]\n1.3.6.1.5.5.7.3.1 = 1.3.6.1.5.5.7.3.2\n\
                    [ApplicationPolicyConstraintsExtension]\nInhibitPolicyMapping = 0\n";
        let plan = compile_policy(text).plan.unwrap();
        let ext = |oid| plan.extensions.iter().find(|e| e.extn_id == oid);
        let nc = ext(certreq_pkix::oid::NAME_CONSTRAINTS).unwrap();
        assert!(!nc.critical);
        assert!(ext(certreq_pkix::oid::APPLICATION_POLICY_MAPPINGS).is_some());
        assert!(ext(certreq_pkix::oid::APPLICATION_POLICY_CONSTRAINTS).is_some());
        let c = compile_policy(
            "[NameConstraintsExtension]\nInclude = P\n[P]\nDNS = a.example\nFax = 1\n",
        );
        assert!(
            c.diagnostics
                .iter()
                .any(|d| d.code == codes::UNKNOWN_KEY.name)
        );
        // in a request INF: unused, and the request does not change
        let r = compile(text);
        let unused = r
            .diagnostics
            .iter()
            .filter(|d| d.code == codes::UNUSED_SECTION.name)
            .count();
        assert_eq!(unused, 4, "{:#?}", r.diagnostics);
        assert!(
            r.request
                .unwrap()
                .extension(&certreq_pkix::oid::NAME_CONSTRAINTS)
                .is_none()
        );
    }

    /// Past 100 diagnostics of one code the rest are counted in one note: a hostile INF costs
    /// neither a message nor a suggestion for each, and a person still sees the first ones.
    #[test]
    fn the_same_diagnostic_past_a_hundred_is_counted_not_listed() {
        let mut inf = String::from("[NewRequest]\nSubject = \"CN=a\"\n");
        for i in 0..150 {
            inf.push_str(&format!("Unknown{i} = 1\n"));
        }
        for i in 0..150 {
            inf.push_str(&format!("[Unused{i}]\n"));
        }
        let c = compile(&inf);
        assert!(c.request.is_some());
        let of = |code: codes::Code| c.diagnostics.iter().filter(|d| d.code == code).count();
        assert_eq!(of(codes::UNKNOWN_KEY), 100);
        assert_eq!(of(codes::UNUSED_SECTION), 100);
        let notes: Vec<&str> = c
            .diagnostics
            .iter()
            .filter(|d| d.code == codes::MORE_OF_THE_SAME)
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            notes,
            [
                "50 more `unknown-key` diagnostics from here on are not listed",
                "50 more `unused-section` diagnostics from here on are not listed"
            ]
        );
        assert!(c.diagnostics.iter().all(|d| !d.message.is_empty()));
        // an input with more than a hundred errors still makes no request
        let mut bad =
            String::from("[NewRequest]\nSubject = \"CN=a\"\n[EnhancedKeyUsageExtension]\n");
        for _ in 0..150 {
            bad.push_str("OID = not-an-oid\n");
        }
        assert!(compile(&bad).request.is_none());
    }
}
