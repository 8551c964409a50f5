//! Every diagnostic code, in one registry: its name (stable: the embedding API and the
//! command line hand it to users and scripts), the severities it comes with, and what it
//! means. A diagnostic can only be made from one of these constants, so no code exists that is
//! not listed here; `docs/diagnostic-codes.md` is this registry as text, held to it by a test.
//!
//! Changing a code's name breaks whoever matches on it: add a new code instead.

pub use crate::diag::Code;
use crate::diag::Severity::{self, Error, Note, Warning};
use crate::diag::{Diagnostic, Span};

macro_rules! codes {
    ($( $group:literal { $( $id:ident = $name:literal, [$($sev:ident),+], $meaning:literal; )* } )*) => {
        $($(
            #[doc = $meaning]
            pub const $id: Code = Code { name: $name, severities: &[$($sev),+], meaning: $meaning };
        )*)*
        /// Every code, by the stage that reports it, in the order of this file.
        pub static ALL: &[(&str, Code)] = &[ $($( ($group, $id), )*)* ];
        /// Every code's name, in the order of [`ALL`] (without the meanings, for a reader that
        /// only turns a name back into the code's own `&'static str`).
        pub static NAMES: &[&str] = &[ $($( $name, )*)* ];
    };
}

codes! {
    "reading the INF" {
        OUTSIDE_SECTION = "outside-section", [Warning],
            "A line before the first [section] header, which certreq ignores.";
        SECTION_HEADER_JUNK = "section-header-junk", [Warning],
            "Text after a section header's closing `]`, which is ignored.";
        UNCLOSED_SECTION_HEADER = "unclosed-section-header", [Warning],
            "A section header without its closing `]`; the section is opened anyway.";
        EMPTY_SECTION_NAME = "empty-section-name", [Warning],
            "A section header with no name (`[]`).";
        SECTION_NAME_TOO_LONG = "section-name-too-long", [Warning],
            "A section name over the 255 characters INF files allow.";
        NO_EQUALS = "no-equals", [Warning],
            "A line with no `=`, read as a key with an empty value.";
        EMPTY_KEY = "empty-key", [Warning],
            "A line with nothing before its `=`.";
        UNTERMINATED_QUOTE = "unterminated-quote", [Warning],
            "A double quote never closed on its line; the value runs to the end of the line.";
        TYPOGRAPHIC_QUOTE = "typographic-quote", [Warning],
            "A typographic quote (“ ” „ ‘ ’) where an ASCII double quote was probably meant; certreq keeps it as a character.";
        UNKNOWN_STRING = "unknown-string", [Warning],
            "A `%name%` that [Strings] does not define, left as written.";
        DUPLICATE_STRING = "duplicate-string", [Warning],
            "A [Strings] name defined again; the first definition is used.";
        ORPHAN_CONTINUE = "orphan-continue", [Warning],
            "A `_continue_` line with no earlier entry in its section to continue.";
        FIELD_TOO_LONG = "field-too-long", [Warning],
            "A key or value over the INF field limit of 4096 characters.";
    }
    "any stage" {
        MORE_OF_THE_SAME = "more-of-the-same", [Note],
            "The same code was reported more than 100 times; the rest are counted here instead of listed.";
    }
    "reading a value" {
        INVALID_BOOLEAN = "invalid-boolean", [Error],
            "A value that should be TRUE or FALSE (or YES/NO, 1/0) and is not.";
        INVALID_NUMBER = "invalid-number", [Error],
            "A value that should be a number (decimal or 0x hex) and is not.";
        INVALID_FLAGS = "invalid-flags", [Error],
            "A flags value (`A | B | 0x10`) with an unknown symbol, an empty part, or too large a number.";
    }
    "reading the Subject" {
        X500_NAME_FLAGS = "x500-name-flags", [Warning],
            "An X500NameFlags bit certreq-web does not know or cannot honour; or two that contradict each other.";
        SUBJECT_ENCODING = "subject-encoding", [Error],
            "A subject or value that cannot be DER-encoded.";
        SUBJECT_TRAILING_SEPARATOR = "subject-trailing-separator", [Warning],
            "A separator at the end of the subject, which is ignored.";
        SUBJECT_EMPTY_RDN = "subject-empty-rdn", [Error],
            "Two separators with nothing between them: an empty relative distinguished name.";
        SUBJECT_MISSING_EQUALS = "subject-missing-equals", [Error],
            "A part of the subject with no `=` (expected NAME=value).";
        SUBJECT_TYPOGRAPHIC_QUOTE = "subject-typographic-quote", [Error, Warning],
            "A typographic quote in the subject: an error in an attribute name, a warning in a value (where it is kept as a character).";
        SUBJECT_EMPTY_NAME = "subject-empty-name", [Error],
            "No attribute name before `=` in the subject.";
        SUBJECT_QUOTED_NAME = "subject-quoted-name", [Error],
            "A quote in an attribute name of the subject.";
        SUBJECT_BAD_OID = "subject-bad-oid", [Error],
            "An attribute written as an OID that is not a valid dotted OID.";
        SUBJECT_UNKNOWN_ATTRIBUTE = "subject-unknown-attribute", [Error],
            "An attribute name CertStrToName does not know (CN, O, OU, L, S, C, E, DC, …).";
        SUBJECT_UNTERMINATED_QUOTE = "subject-unterminated-quote", [Error],
            "A quoted subject value whose quote is never closed.";
        SUBJECT_AFTER_QUOTE = "subject-after-quote", [Error],
            "Text after a quoted subject value's closing quote.";
        SUBJECT_BAD_HEX = "subject-bad-hex", [Error],
            "A `#hex` subject value that is not an even number of hexadecimal digits.";
        SUBJECT_STRAY_QUOTE = "subject-stray-quote", [Warning],
            "A quote inside an unquoted subject value, kept as a character.";
        SUBJECT_UNQUOTED_EQUALS = "subject-unquoted-equals", [Warning],
            "An `=` inside an unquoted subject value, kept as a character.";
        SUBJECT_NOT_PRINTABLE = "subject-not-printable", [Error],
            "A character a PrintableString cannot hold, in an attribute that must be one (C, SERIALNUMBER, …).";
        SUBJECT_NOT_IA5 = "subject-not-ia5", [Error],
            "A character that is not ASCII, in an attribute that must be an IA5String (E).";
        SUBJECT_COUNTRY_LENGTH = "subject-country-length", [Warning],
            "A country (C) that is not a two-letter code.";
    }
    "reading an extension value" {
        EXTENSION_EMPTY = "extension-empty", [Error],
            "An extension value (or a `{text}` list) with nothing in it.";
        EXTENSION_BAD_BASE64 = "extension-bad-base64", [Error],
            "An extension value that should be base64 and is not.";
        EXTENSION_BAD_HEX = "extension-bad-hex", [Error],
            "A `{hex}` extension value with a character that is not a hex digit, or an odd number of digits.";
        EXTENSION_NOT_DER = "extension-not-der", [Error],
            "An extension value that is not DER (one complete ASN.1 value), or cannot be encoded as one.";
        EXTENSION_UNKNOWN_PREFIX = "extension-unknown-prefix", [Error],
            "A `{prefix}` at the start of an extension value that certreq does not know.";
        EXTENSION_NO_TEXT_GRAMMAR = "extension-no-text-grammar", [Error],
            "A `{text}` value for an extension that has no text form.";
        EXTENSION_UNKNOWN_TOKEN = "extension-unknown-token", [Error],
            "A `name=` token the extension's `{text}` form does not have.";
        EXTENSION_BAD_TOKEN = "extension-bad-token", [Error],
            "A `{text}` token whose value is not what the token takes.";
        MISSING_AMPERSAND = "missing-ampersand", [Warning],
            "A `name=` inside the previous token's value: a `&` is probably missing before it.";
        DNS_NAME_CHARACTERS = "dns-name-characters", [Warning],
            "A DNS name with characters DNS names do not have (or an IP address written as a DNS name).";
        EXTENSION_TOKEN_NO_EFFECT = "extension-token-no-effect", [Warning],
            "A `{text}` token certreq accepts that changes nothing in the request.";
        EXTENSION_SUSPICIOUS_VALUE = "extension-suspicious-value", [Warning],
            "An extension value that is valid but probably not what was meant.";
        KEY_USAGE_INVALID = "key-usage-invalid", [Error],
            "A KeyUsage value that is not a number or CERT_*_KEY_USAGE symbols joined by `|`.";
    }
    "deciding the request" {
        NO_NEWREQUEST = "no-newrequest", [Error],
            "No [NewRequest] section: certreq refuses the file (0xe0000102).";
        EMPTY_NEWREQUEST = "empty-newrequest", [Error],
            "An empty [NewRequest] section: certreq refuses the file (0x1).";
        UNKNOWN_KEY = "unknown-key", [Warning],
            "A key [NewRequest] does not have; it has no effect (a spelling is suggested when one is close).";
        DUPLICATE_KEY = "duplicate-key", [Warning],
            "A [NewRequest] key given again; the first value is used.";
        NO_EFFECT = "no-effect", [Note, Warning],
            "A key accepted that changes nothing here: a note when it restates certreq's default, a warning when it asks for something this program does not do.";
        EXPORTABLE_ENCRYPTED = "exportable-encrypted", [Note],
            "ExportableEncrypted, read as Exportable: the key may leave the store, protected by the export's password.";
        EXISTING_KEY_UNNAMED = "existing-key-unnamed", [Error],
            "UseExistingKeySet without KeyContainer: nothing says which stored key to reuse.";
        EXISTING_KEY_EXPORTABLE = "existing-key-exportable", [Warning],
            "Exportable with UseExistingKeySet: a reused key keeps the exportability it was made with.";
        INVALID_REQUEST_TYPE = "invalid-request-type", [Error],
            "A RequestType certreq does not have (PKCS10, PKCS7, CMC, Cert, SCEP).";
        WRAPPER_NOT_BUILT = "wrapper-not-built", [Warning],
            "RequestType = PKCS7, RenewalCert, RequesterName or PrivateKeyArchive (with EncryptionAlgorithm and EncryptionLength) in a front end that does not build them (the web app, for now): the request is made without them, as the warning says.";
        SCEP_NOT_BUILT = "scep-not-built", [Error],
            "RequestType = SCEP: a SCEP exchange with a CA, which this program does not do.";
        INVALID_KEY_ALGORITHM = "invalid-key-algorithm", [Error],
            "A KeyAlgorithm Web Crypto and the command line cannot make (RSA, ECDSA_P256/P384/P521).";
        INVALID_KEY_LENGTH = "invalid-key-length", [Error],
            "An RSA KeyLength that cannot be made.";
        WEAK_KEY_LENGTH = "weak-key-length", [Warning],
            "An RSA KeyLength under 2048 bits, which most CAs refuse.";
        KEY_LENGTH_MISMATCH = "key-length-mismatch", [Error],
            "A KeyLength that does not match the ECDSA curve chosen.";
        DEFAULT_HASH = "default-hash", [Note],
            "No HashAlgorithm: this program signs with SHA-256 where certreq would use SHA-1.";
        WEAK_HASH = "weak-hash", [Warning],
            "HashAlgorithm = SHA1: weak, and many CAs refuse it.";
        BROKEN_HASH = "broken-hash", [Error],
            "HashAlgorithm = MD5 or MD4: broken, and not used to sign here.";
        INVALID_HASH = "invalid-hash", [Error],
            "A HashAlgorithm that is not a hash this program signs with.";
        ALTERNATE_SIGNATURE_ECDSA = "alternate-signature-ecdsa", [Warning],
            "AlternateSignatureAlgorithm with an ECDSA key, where it changes nothing.";
        INVALID_KEY_SPEC = "invalid-key-spec", [Error],
            "A KeySpec that is not AT_NONE, AT_KEYEXCHANGE or AT_SIGNATURE (0, 1, 2).";
        KEY_EXCHANGE_ECDSA = "key-exchange-ecdsa", [Warning],
            "KeySpec = AT_KEYEXCHANGE with an ECDSA key, which cannot encrypt.";
        KEY_USAGE_ZERO = "key-usage-zero", [Note],
            "KeyUsage = 0: no key usage extension at all, neither an explicit one nor certreq's default.";
        CERT_EXISTING_KEY = "cert-existing-key", [Error],
            "UseExistingKeySet with RequestType = Cert, which would replace the key's pending request.";
        ATTRIBUTES_IN_CERT = "attributes-in-cert", [Warning],
            "[RequestAttributes] with RequestType = Cert: a certificate carries no request attributes.";
        CERT_EMPTY_SUBJECT = "cert-empty-subject", [Error],
            "An empty subject with RequestType = Cert: a self-signed certificate needs an issuer name.";
        INVALID_VALIDITY_PERIOD = "invalid-validity-period", [Error],
            "A ValidityPeriod that is not Years, Months, Weeks, Days, Hours, Minutes or Seconds.";
        VALIDITY_INCOMPLETE = "validity-incomplete", [Warning],
            "ValidityPeriod without ValidityPeriodUnits (or the other way round), which has no effect.";
        VALIDITY_NOT_CERT = "validity-not-cert", [Warning],
            "A validity key (NotBefore, NotAfter, ValidityPeriod…) in a request, where only the CA decides the validity.";
        INVALID_DATE = "invalid-date", [Error],
            "A NotBefore or NotAfter that is not a date this program reads.";
        NOTAFTER_WITH_PERIOD = "notafter-with-period", [Error],
            "NotAfter together with ValidityPeriod or ValidityPeriodUnits.";
        NOTAFTER_BEFORE_NOTBEFORE = "notafter-before-notbefore", [Error],
            "A NotAfter that is not later than NotBefore.";
        DUPLICATE_EKU = "duplicate-eku", [Warning],
            "An OID listed twice in [EnhancedKeyUsageExtension]; it is included once.";
        INVALID_OID = "invalid-oid", [Error],
            "A value that should be an object identifier and is not.";
        EMPTY_EKU = "empty-eku", [Warning],
            "[EnhancedKeyUsageExtension] with no OID lines, or a policy statement section naming no policies, which adds nothing.";
        BASIC_CONSTRAINTS_CA = "basic-constraints-ca", [Note],
            "[BasicConstraintsExtension] CA = TRUE: the request asks for a CA certificate.";
        PATH_LENGTH_NOT_CA = "path-length-not-ca", [Error],
            "PathLength without CA = TRUE: a path length only applies to CA certificates.";
        INVALID_PATH_LENGTH = "invalid-path-length", [Error],
            "A PathLength out of range.";
        POLICY_SECTION_MISSING = "policy-section-missing", [Error],
            "`Policies =` names a section the INF does not have.";
        POLICY_WITHOUT_OID = "policy-without-oid", [Error],
            "A policy section with no `OID =` line.";
        STRAY_CONTINUE = "stray-continue", [Warning],
            "An [Extensions] `_continue_` that follows no extension line.";
        OID_IN_EXTENSIONS = "oid-in-extensions", [Error],
            "An [Extensions] key that is not an OID (or `Critical`).";
        CRITICAL_UNKNOWN_EXTENSION = "critical-unknown-extension", [Warning],
            "`Critical` names an OID no line in [Extensions] adds.";
        DUPLICATE_EXTENSION = "duplicate-extension", [Error, Warning],
            "The same extension asked for twice: an error for two [Extensions] lines (certreq stops); a warning when a section (or `KeyUsage`) and an [Extensions] line give it, where certreq keeps the section's and drops the line.";
        ATTRIBUTE_WITHOUT_NAME = "attribute-without-name", [Warning],
            "A [RequestAttributes] line with no `name =`, which is not a request attribute.";
        UNUSED_SECTION = "unused-section", [Warning],
            "A section that making a request does not read (a policy.inf section, a misspelt name…).";
        ENCODE = "encode", [Error],
            "A value that was read but cannot be encoded into the request.";
        EMPTY_EXTENSION_SECTION = "empty-extension-section", [Warning],
            "An extension section (name constraints, policy mappings or constraints) or a policy file with nothing to encode, which adds nothing.";
        NAME_CONSTRAINT_DEPTH = "name-constraint-depth", [Error],
            "A name constraint with a minimum or maximum depth, which RFC 5280 forbids and Windows refuses in chains.";
        INVALID_CERT_ID = "invalid-cert-id", [Error],
            "A RenewalCert that is not a certificate's SHA-1 thumbprint or serial number in hexadecimal.";
        RENEWAL_NEEDS_WRAPPER = "renewal-needs-wrapper", [Error],
            "RenewalCert with a RequestType other than PKCS7 or CMC, which cannot carry the renewed certificate's signature.";
        RENEWAL_AND_REQUESTER = "renewal-and-requester", [Error],
            "RenewalCert and RequesterName together: a request is a renewal or made on behalf of another user, not both here.";
        ARCHIVE_NEEDS_CMC = "archive-needs-cmc", [Error],
            "PrivateKeyArchive = TRUE with a RequestType other than CMC, the only request that carries an archived key.";
        ARCHIVE_KEY_ALGORITHM = "archive-key-algorithm", [Error],
            "PrivateKeyArchive = TRUE with an ECDSA key: only RSA keys are archived here (as a CAPI PRIVATEKEYBLOB).";
        ARCHIVE_NOT_EXPORTABLE = "archive-not-exportable", [Error],
            "PrivateKeyArchive = TRUE with Exportable = FALSE: an archived key must be readable to be sent to the CA.";
        INVALID_ENCRYPTION_ALGORITHM = "invalid-encryption-algorithm", [Error],
            "An EncryptionAlgorithm for key archival that is not 3DES or AES.";
        INVALID_ENCRYPTION_LENGTH = "invalid-encryption-length", [Error],
            "An EncryptionLength the archival cipher does not have (3DES: 168; AES: 128, 192, 256).";
    }
    "signing certificates and the CA" {
        PKCS7_NEEDS_SIGNER = "pkcs7-needs-signer", [Error],
            "RequestType = PKCS7 with neither RenewalCert nor a signing certificate (-cert): nobody would sign the wrapper.";
        RENEWAL_CERT_NOT_FOUND = "renewal-cert-not-found", [Error],
            "RenewalCert names a certificate the key store does not hold.";
        RENEWAL_CERT_AMBIGUOUS = "renewal-cert-ambiguous", [Error],
            "RenewalCert matches more than one certificate in the key store.";
        RENEWAL_CERT_NO_KEY = "renewal-cert-no-key", [Error],
            "RenewalCert names a certificate whose private key the key store does not hold (a CA's, say).";
        REQUESTER_NEEDS_AGENT = "requester-needs-agent", [Error],
            "RequesterName without an enrollment agent's certificate to sign with (-cert).";
        AGENT_WITHOUT_EKU = "agent-without-eku", [Error],
            "The certificate signing on behalf of another user lacks the Certificate Request Agent purpose (1.3.6.1.4.1.311.20.2.1).";
        EXCHANGE_CERT_MISSING = "exchange-cert-missing", [Error],
            "PrivateKeyArchive = TRUE with neither -xchg ExchangeCertFile nor a CA (-config) to get the exchange certificate from.";
        EXCHANGE_CERT_INVALID = "exchange-cert-invalid", [Error],
            "The CA exchange certificate is not one: not a certificate, no Private Key Archival purpose (1.3.6.1.4.1.311.21.5), or not an RSA key.";
    }
    "the key store" {
        KEY_CONTAINER_MISSING = "key-container-missing", [Error],
            "UseExistingKeySet names a KeyContainer the key store does not hold.";
        KEY_CONTAINER_EXISTS = "key-container-exists", [Error],
            "A new key would take a KeyContainer name the key store already holds.";
    }
    "checking against the CA's template" {
        TEMPLATE_NOT_OFFERED = "template-not-offered", [Warning],
            "The request names a certificate template the CA's enrollment page does not offer to this user.";
        TEMPLATE_MISSING = "template-missing", [Warning],
            "The request names no certificate template, and the CA issues by template.";
        KEY_NOT_ASKED_FOR = "key-not-asked-for", [Warning],
            "The key's algorithm, size or curve is not the one the CA asks for (EST CSR attributes).";
        SIGNATURE_NOT_ASKED_FOR = "signature-not-asked-for", [Warning],
            "The request is signed with another algorithm than the one the CA asks for.";
        SUBJECT_ATTRIBUTE_MISSING = "subject-attribute-missing", [Warning],
            "The CA asks for a subject attribute the Subject does not have.";
        EXTENSION_MISSING = "extension-missing", [Warning],
            "The CA asks for an extension the request does not carry.";
        ATTRIBUTE_NOT_SENT = "attribute-not-sent", [Note],
            "The CA asks for a request attribute this program does not send (a challenge password, or one it does not know).";
    }
}

/// How many diagnostics of one code a stage reports before it only counts the rest: no INF
/// needs more to be understood, and a hostile one (hundreds of thousands of unknown keys or
/// unused sections) would otherwise cost time and memory for each.
pub const MAX_PER_CODE: usize = 100;

/// Keeps the first [`MAX_PER_CODE`] diagnostics of each code and replaces the rest of a code by
/// one note at the first one dropped, saying how many there were. An input with errors keeps
/// at least one of them, so it still makes no request.
pub fn cap(diags: &mut Vec<Diagnostic>) {
    let mut counts: Vec<(&'static str, usize, Option<Span>)> = Vec::new();
    let mut kept = Vec::with_capacity(diags.len().min(4 * MAX_PER_CODE));
    for d in diags.drain(..) {
        let slot = match counts.iter_mut().find(|(c, _, _)| *c == d.code) {
            Some(slot) => slot,
            None => {
                counts.push((d.code, 0, None));
                let last = counts.len() - 1;
                &mut counts[last]
            }
        };
        slot.1 += 1;
        if slot.1 <= MAX_PER_CODE {
            kept.push(d);
        } else if slot.2.is_none() {
            slot.2 = Some(d.span.clone());
        }
    }
    for (code, n, at) in counts {
        if let Some(at) = at {
            kept.push(Diagnostic::new(
                Severity::Note,
                MORE_OF_THE_SAME,
                at,
                format!(
                    "{} more `{code}` diagnostics from here on are not listed",
                    n - MAX_PER_CODE
                ),
            ));
        }
    }
    *diags = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry as text: a heading per stage, a line per code (name, severities,
    /// meaning).
    fn render() -> String {
        let mut out = String::from(
            "# Diagnostic codes\n\n\
             Every code the INF reader and the request lowering report, with its severities and \
             meaning. These names are public: the embedding API returns them (`diagnostics[].code`) \
             and the command line prints them. This file is `core/inf/src/codes.rs` as text; a \
             test holds the two together (`UPDATE_SNAPSHOT=1 cargo test -p certreq-inf` rewrites \
             it after a deliberate change).\n",
        );
        let mut group = "";
        for (g, code) in ALL {
            if *g != group {
                group = g;
                out.push_str(&format!(
                    "\n## {g}\n\n| code | severity | meaning |\n|---|---|---|\n"
                ));
            }
            let sev: Vec<&str> = code.severities.iter().map(|s| s.as_str()).collect();
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                code.name,
                sev.join(", "),
                code.meaning.replace('|', "\\|")
            ));
        }
        out
    }

    #[test]
    fn the_registry_is_the_published_list() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostic-codes.md");
        let text = render();
        if std::env::var_os("UPDATE_SNAPSHOT").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let published = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            published == text,
            "docs/diagnostic-codes.md differs from the registry: a code was added, renamed or \
             changed. Names are public API; if the change is meant, rerun with UPDATE_SNAPSHOT=1."
        );
    }

    #[test]
    fn names_are_unique_kebab_case_and_every_code_says_what_it_means() {
        for (i, (_, code)) in ALL.iter().enumerate() {
            assert!(
                ALL[..i].iter().all(|(_, c)| c.name != code.name),
                "{} is listed twice",
                code.name
            );
            assert!(
                code.name.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{}",
                code.name
            );
            assert!(
                !code.severities.is_empty() && code.meaning.ends_with('.'),
                "{}",
                code.name
            );
        }
    }
}
