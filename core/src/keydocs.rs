//! The INF key reference: what every section and key means, as data, so that
//! `certreq -new -? Key` and the web app's editor show the same text.
//!
//! Three tables:
//!
//! - [`KEYS`]: every key of every section certreq reads for a new request, plus the common
//!   extension OIDs written as keys in `[Extensions]`;
//! - [`SECTIONS`]: the sections themselves;
//! - [`TOKENS`]: the `name=value` tokens inside `{text}` extension values and the `SAN`
//!   attribute, and the `{text}`/`{hex}`/… value prefixes.
//!
//! Each key carries an [`Effect`]: what it acts on in certreq-web. The lowering uses it to pick
//! the note it gives for a key it accepts but does not act on (design principle 3: Windows-only
//! keys are accepted and explained, never silently dropped).
//!
//! All text here is written for this project; facts (names, values, defaults) come from the
//! public certreq documentation and the research notes.

/// What a key acts on in certreq-web.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Changes the request's bytes: subject, extensions, attributes, signature, format.
    Request,
    /// Shapes the key pair that is made or reused: algorithm, size, extractable, container.
    Key,
    /// Labels the stored key entry (browser key store or CLI file store); not in the request.
    Entry,
    /// A Windows key-store setting (which provider, machine or user store, access control,
    /// protection prompts). There is no such store here: accepted, explained, no effect.
    KeyStore,
    /// Only used with `RequestType = Cert` (the self-signed certificate's validity); ignored
    /// when a request is made.
    CertOnly,
    /// Accepted and has no effect anywhere here (prompt suppression, legacy switches, the
    /// `[Version]` signature).
    NoEffect,
    /// A Windows or Active Directory feature certreq-web cannot provide (key archival, subject
    /// from the logged-on account, policy.inf-only sections): accepted with a warning.
    Unsupported,
}

impl Effect {
    /// Whether certreq-web acts on the key at all (`CertOnly` keys only with `RequestType = Cert`).
    pub fn is_acted_on(self) -> bool {
        matches!(
            self,
            Effect::Request | Effect::Key | Effect::Entry | Effect::CertOnly
        )
    }

    /// A short lower-case label (`request`, `key`, `key store`, …) for listings.
    pub fn label(self) -> &'static str {
        match self {
            Effect::Request => "request",
            Effect::Key => "key",
            Effect::Entry => "stored entry",
            Effect::KeyStore => "Windows key store",
            Effect::CertOnly => "RequestType = Cert only",
            Effect::NoEffect => "no effect",
            Effect::Unsupported => "not supported",
        }
    }
}

/// Documentation of one INF key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyDoc {
    /// The section it belongs in, without brackets (`NewRequest`).
    pub section: &'static str,
    /// The key as Microsoft spells it.
    pub key: &'static str,
    /// What values it takes, briefly (`TRUE | FALSE`, `RSA | ECDSA_P256 | …`).
    pub values: &'static str,
    /// What certreq does when the key is absent.
    pub default: &'static str,
    /// What it means, in a few sentences.
    pub summary: &'static str,
    /// What it does in this product, if that differs from Windows (no effect in a browser, …).
    pub here: &'static str,
    /// A one-line example.
    pub example: &'static str,
    /// What it acts on in certreq-web.
    pub effect: Effect,
}

/// Documentation of one section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionDoc {
    /// The name without brackets (`NewRequest`).
    pub name: &'static str,
    /// Whether certreq needs it in a request INF.
    pub required: bool,
    /// What it is for, in a few sentences.
    pub summary: &'static str,
    /// What certreq-web does with it.
    pub here: &'static str,
    /// A short example: the header and one or two lines, separated by `\n`.
    pub example: &'static str,
    /// What it acts on in certreq-web.
    pub effect: Effect,
}

/// Documentation of one token inside a value: a `{text}` token of an extension
/// (`dns=` in `2.5.29.17 = "{text}dns=a&dns=b"`), a tag of the `SAN` attribute, or a value
/// prefix (`{text}`, `{hex}`, `{critical}`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenDoc {
    /// Where the token is used: an extension OID (`2.5.29.17`), [`SAN_ATTRIBUTE`] or
    /// [`VALUE_PREFIX`].
    pub context: &'static str,
    /// The token as usually written.
    pub token: &'static str,
    /// Other accepted spellings (letter case never matters).
    pub also: &'static [&'static str],
    /// What it means and what it becomes.
    pub summary: &'static str,
    /// A short example.
    pub example: &'static str,
}

/// [`TokenDoc::context`] of the tags in `[RequestAttributes] SAN = "dns=…&upn=…"`.
pub const SAN_ATTRIBUTE: &str = "SAN";
/// [`TokenDoc::context`] of the `{…}` prefixes that start an `[Extensions]` value.
pub const VALUE_PREFIX: &str = "{}";
/// The pseudo-section of the keys of a policy section named by `Policies =`
/// (`[PolicyStatementExtension]`, `[ApplicationPolicyStatementExtension]`).
pub const POLICY_SECTION: &str = "<policy>";

const BOOL: &str = "TRUE | FALSE (any letter case; 1 | 0 and YES | NO are read too)";

#[allow(clippy::too_many_arguments)]
const fn k(
    section: &'static str,
    key: &'static str,
    effect: Effect,
    values: &'static str,
    default: &'static str,
    summary: &'static str,
    here: &'static str,
    example: &'static str,
) -> KeyDoc {
    KeyDoc {
        section,
        key,
        values,
        default,
        summary,
        here,
        example,
        effect,
    }
}

const NR: &str = "NewRequest";
const EXT: &str = "Extensions";
const EKU: &str = "EnhancedKeyUsageExtension";
const RA: &str = "RequestAttributes";
const BC: &str = "BasicConstraintsExtension";
const PS: &str = "PolicyStatementExtension";
const APS: &str = "ApplicationPolicyStatementExtension";

use Effect::*;

/// Every documented key.
pub static KEYS: &[KeyDoc] = KEY_TABLE;

/// The table behind [`KEYS`], as a constant so [`KEY_NAMES`] can be worked out from it when
/// compiling.
const KEY_TABLE: &[KeyDoc] = &[
    // ---------------------------------------------------------------- [Version]
    k(
        "Version",
        "Signature",
        NoEffect,
        "\"$Windows NT$\" (the closing quote is often missing; that is accepted)",
        "none: [Version] and its Signature are optional in a request INF",
        "Marks the file as a Windows INF. When a [Version] section is present it should hold \
         this key with the fixed text $Windows NT$. Nothing else about the request depends on it.",
        "Checked and otherwise ignored, as certreq does.",
        "Signature = \"$Windows NT$\"",
    ),
    // ---------------------------------------------------------------- [NewRequest]
    k(
        NR,
        "Subject",
        Request,
        "a distinguished name such as \"CN=host.example.com,O=Example,C=US\"; attribute \
         names (CN, O, OU, L, S, C, DC, E, …) are read in any case; an empty value gives an \
         empty subject",
        "empty subject",
        "The subject name of the certificate being asked for. Quote the value when it contains \
         commas or blanks; double a quote to put one inside it. certreq encodes the names in the \
         reverse of the written order, as UTF-8 strings except the country. If you leave it out, \
         put the names in a subject alternative name instead.",
        "Encoded into the request exactly as certreq does it.",
        "Subject = \"CN=web01.contoso.com,O=Contoso,C=US\"",
    ),
    k(
        NR,
        "Exportable",
        Key,
        BOOL,
        "FALSE",
        "Whether the private key may later be exported, for example to a .pfx file to move it to \
         another server. It can only be chosen when the key is made, so it is ignored together \
         with UseExistingKeySet = TRUE. Leave it FALSE unless the key really must travel.",
        "Decides whether the Web Crypto key is extractable. Without it the key can sign but can \
         never leave the browser, and no .pfx can be made.",
        "Exportable = TRUE",
    ),
    k(
        NR,
        "ExportableEncrypted",
        Key,
        BOOL,
        "FALSE",
        "Lets the private key be exported, but only in encrypted form (a password-protected \
         .pfx). Like Exportable, it only applies to a newly made key.",
        "Makes the key extractable, like Exportable = TRUE; every export here is a \
         password-protected .pfx anyway.",
        "ExportableEncrypted = TRUE",
    ),
    k(
        NR,
        "HashAlgorithm",
        Request,
        "SHA256 | SHA384 | SHA512 | SHA1 | MD5 | MD4 | MD2 (any letter case)",
        "SHA1 in certreq; SHA256 in certreq-web",
        "The digest used to sign the request, and so its signature algorithm. Pick SHA256 or \
         stronger; SHA1 and the MD family are obsolete and most CAs refuse them.",
        "One deliberate departure: without this key certreq signs with SHA-1, certreq-web with \
         SHA-256. MD5, MD4 and MD2 are refused because Web Crypto cannot sign with them.",
        "HashAlgorithm = SHA256",
    ),
    k(
        NR,
        "KeyAlgorithm",
        Key,
        "RSA | ECDSA_P256 | ECDSA_P384 | ECDSA_P521 (also ECDSA_nistP256, …) | ECDH_P256 | \
         ECDH_P384 | ECDH_P521 | DSA | DH",
        "RSA",
        "The kind of key pair to make. RSA suits everything; ECDSA_P256 and ECDSA_P384 give \
         shorter keys and signatures. The ECDH, DH and DSA names come from Windows key \
         providers.",
        "RSA and the three ECDSA curves are made with Web Crypto (or natively by the CLI). ECDH, \
         DH and DSA keys cannot sign a request here and are refused.",
        "KeyAlgorithm = ECDSA_P256",
    ),
    k(
        NR,
        "KeyContainer",
        Key,
        "any name; certreq makes up a GUID-like name such as \
         {C347BD28-7F69-4090-AA16-BC58CF4D749C}",
        "a new, generated name",
        "The name the private key is stored under. Leave it out for a new key; set it, with \
         UseExistingKeySet = TRUE, to reuse a key that is already stored. Quote names with \
         blanks or braces.",
        "Names the entry in this browser's key store (or the CLI's file store); with \
         UseExistingKeySet the stored key of that name is reused.",
        "KeyContainer = \"{C347BD28-7F69-4090-AA16-BC58CF4D749C}\"",
    ),
    k(
        NR,
        "KeyLength",
        Key,
        "a number of bits: 2048, 3072, 4096 for RSA; 256, 384, 521 for ECDSA",
        "2048 for RSA (1024 on Windows Server 2003); for ECDSA the curve decides",
        "The size of the key. Longer RSA keys are stronger but slower; 2048 is today's minimum. \
         For an ECDSA key the size follows from KeyAlgorithm.",
        "Sets the RSA modulus size of the generated key. For ECDSA it must match the curve if \
         given.",
        "KeyLength = 2048",
    ),
    k(
        NR,
        "KeySpec",
        Request,
        "AT_KEYEXCHANGE or 1 | AT_SIGNATURE or 2 | AT_NONE or 0",
        "AT_SIGNATURE (2)",
        "The old CryptoAPI slot of the key: 1 for a key that both encrypts and signs, 2 for a \
         signing-only key. It also decides the default key usage: 0xa0 for 1, 0x80 for 2. \
         Prefer the plain number; a quoted symbolic name has been reported to fail.",
        "Written into the request's provider attribute and used for the default key usage, as \
         certreq does. The key itself is made the same way either way.",
        "KeySpec = 1",
    ),
    k(
        NR,
        "KeyUsage",
        Request,
        "a number (0xa0) or symbols joined by | inside quotes: \
         CERT_DIGITAL_SIGNATURE_KEY_USAGE (0x80), CERT_NON_REPUDIATION_KEY_USAGE (0x40), \
         CERT_KEY_ENCIPHERMENT_KEY_USAGE (0x20), CERT_DATA_ENCIPHERMENT_KEY_USAGE (0x10), \
         CERT_KEY_AGREEMENT_KEY_USAGE (0x08), CERT_KEY_CERT_SIGN_KEY_USAGE (0x04), \
         CERT_OFFLINE_CRL_SIGN_KEY_USAGE (0x02), CERT_CRL_SIGN_KEY_USAGE (0x02), \
         CERT_ENCIPHER_ONLY_KEY_USAGE (0x01), CERT_DECIPHER_ONLY_KEY_USAGE (0x8000)",
        "from KeySpec: 0xa0 for AT_KEYEXCHANGE, 0x80 for AT_SIGNATURE",
        "The key usage extension to ask for: the sum of the bits for what the key may do. A TLS \
         server RSA key usually needs 0xa0 (digital signature and key encipherment). certreq \
         always marks the extension critical.",
        "Encoded as a critical key usage extension, as certreq does.",
        "KeyUsage = \"CERT_KEY_CERT_SIGN_KEY_USAGE | CERT_CRL_SIGN_KEY_USAGE\"",
    ),
    k(
        NR,
        "KeyUsageProperty",
        KeyStore,
        "NCRYPT_ALLOW_DECRYPT_FLAG (1) | NCRYPT_ALLOW_SIGNING_FLAG (2) | \
         NCRYPT_ALLOW_KEY_AGREEMENT_FLAG (4) | NCRYPT_ALLOW_ALL_USAGES (0xffffff), or the number",
        "all usages the algorithm allows",
        "Limits what the Windows key provider lets the private key do (decrypt, sign, agree). It \
         is a property of the stored key and does not appear in the request.",
        "No effect: a Web Crypto key's uses are fixed when it is made, and the key made here is \
         always allowed to sign. Use KeyUsage to say what the certificate is for.",
        "KeyUsageProperty = 2",
    ),
    k(
        NR,
        "MachineKeySet",
        KeyStore,
        BOOL,
        "FALSE",
        "Keeps the key in the computer's store rather than the current user's. Set it when the \
         certificate belongs to a service that runs as the machine: a web server, a domain \
         controller.",
        "No effect in a browser: keys live in this browser profile's key store (or the CLI's \
         file store), which has no machine and user split.",
        "MachineKeySet = TRUE",
    ),
    k(
        NR,
        "NotBefore",
        CertOnly,
        "a date, optionally with a time: 7/24/2025 10:31 AM; a month name avoids day/month \
         confusion",
        "the moment the certificate is made",
        "Start of validity of a self-signed certificate. Only read with RequestType = Cert; a CA \
         sets the dates of the certificates it issues.",
        "Used for RequestType = Cert; ignored with a note for requests.",
        "NotBefore = \"7/24/2025 10:31 AM\"",
    ),
    k(
        NR,
        "NotAfter",
        CertOnly,
        "a date, optionally with a time: 7/24/2026 10:31 AM; a month name avoids day/month \
         confusion",
        "NotBefore plus ValidityPeriodUnits × ValidityPeriod (years and months on the \
         calendar), else one year (certreq's own default is not documented)",
        "End of validity of a self-signed certificate. Only read with RequestType = Cert, and \
         not together with ValidityPeriod or ValidityPeriodUnits.",
        "Used for RequestType = Cert; ignored with a note for requests.",
        "NotAfter = \"July 24, 2026\"",
    ),
    k(
        NR,
        "ValidityPeriod",
        CertOnly,
        "Years | Months | Weeks | Days | Hours | Minutes | Seconds",
        "none",
        "The unit of ValidityPeriodUnits: together they give the lifetime of a self-signed \
         certificate. Only read with RequestType = Cert.",
        "Used for RequestType = Cert; ignored with a note for requests (to ask a CA for a \
         lifetime, use the ValidityPeriod request attribute).",
        "ValidityPeriod = Years",
    ),
    k(
        NR,
        "ValidityPeriodUnits",
        CertOnly,
        "a whole number",
        "none",
        "How many ValidityPeriod units a self-signed certificate lasts. Only read with \
         RequestType = Cert.",
        "Used for RequestType = Cert; ignored with a note for requests.",
        "ValidityPeriodUnits = 2",
    ),
    k(
        NR,
        "PrivateKeyArchive",
        Unsupported,
        BOOL,
        "FALSE",
        "Sends an encrypted copy of the private key to the CA so that it can be recovered later. \
         It needs RequestType = CMC and an enterprise CA whose key exchange certificate certreq \
         fetches while building the request.",
        "Not supported: it needs the CA's exchange certificate and would send the private key \
         away. The request is made without archival.",
        "PrivateKeyArchive = TRUE",
    ),
    k(
        NR,
        "EncryptionAlgorithm",
        Unsupported,
        "a symmetric cipher name such as 3des or AES",
        "chosen by Windows",
        "The cipher that protects the private key when it is archived at the CA. Only read with \
         PrivateKeyArchive = TRUE.",
        "Not supported, like PrivateKeyArchive.",
        "EncryptionAlgorithm = AES",
    ),
    k(
        NR,
        "EncryptionLength",
        Unsupported,
        "a number of bits, such as 128 or 256",
        "chosen by Windows",
        "The key size of EncryptionAlgorithm for key archival. Only read with PrivateKeyArchive \
         = TRUE.",
        "Not supported, like PrivateKeyArchive.",
        "EncryptionLength = 256",
    ),
    k(
        NR,
        "ProviderName",
        KeyStore,
        "the display name of a Windows key provider, e.g. \"Microsoft Software Key Storage \
         Provider\", \"Microsoft RSA SChannel Cryptographic Provider\", \"Microsoft Enhanced \
         Cryptographic Provider v1.0\", \"Microsoft Platform Crypto Provider\"",
        "Microsoft Software Key Storage Provider (Microsoft Strong Cryptographic Provider on \
         Windows Server 2003)",
        "Which Windows key provider makes and holds the key: software, TPM, smart card. \
         `certutil -csplist` lists them.",
        "No effect: there are no Windows providers in a browser or on Linux; the key is made by \
         Web Crypto (or by the CLI).",
        "ProviderName = \"Microsoft RSA SChannel Cryptographic Provider\"",
    ),
    k(
        NR,
        "ProviderType",
        KeyStore,
        "a number: 1 (RSA full), 12 (RSA SChannel), 13 (DSS/DH), 24 (RSA AES), …",
        "chosen from ProviderName",
        "Picks a legacy key provider by the kind of algorithms it offers. Usually given together \
         with ProviderName.",
        "No effect: there are no Windows providers in a browser or on Linux.",
        "ProviderType = 12",
    ),
    k(
        NR,
        "RenewalCert",
        Request,
        "the SHA-1 thumbprint of the certificate to renew, or its serial number, in hex; quote it \
         if the bytes are separated by blanks",
        "none (a new request, not a renewal)",
        "Makes a renewal request for a certificate that is still valid and whose key is in the \
         store. The old certificate goes into the request, which is signed with the old key; \
         this needs RequestType = PKCS7 or CMC.",
        "The certificate and its key must be in this browser's key store (or the CLI's file \
         store).",
        "RenewalCert = 4EDF274BD2919C6E9EC6A522F0F3B153E9B1582D",
    ),
    k(
        NR,
        "RequesterName",
        Request,
        "an account as DOMAIN\\user",
        "none",
        "Asks on behalf of another user. The request must be a PKCS7 or CMC request signed with \
         an Enrollment Agent certificate; with PKCS10 the key is ignored.",
        "Becomes a signed attribute of the PKCS7 or CMC wrapper; it needs an Enrollment Agent \
         certificate and key in the store to sign with.",
        "RequesterName = \"CONTOSO\\jsmith\"",
    ),
    k(
        NR,
        "RequestType",
        Request,
        "PKCS10 (1) | PKCS7 (2) | CMC (3) | Cert (4) | SCEP (0xfd00) | PKCS10- (listed by the \
         Windows Server 2003 reference); any letter case",
        "PKCS10",
        "What to produce: a plain PKCS #10 request, a PKCS #7 wrapper (renewal, on behalf of), a \
         CMC request, or, with Cert, a self-signed certificate instead of a request.",
        "PKCS10 is built as certreq builds it. CMC wraps that request as certreq does (a CMS \
         SignedData of PKIData, signed again by the request's key; EST is sent the PKCS #10 \
         inside). For PKCS7 the PKCS #10 it would carry is made, with a warning that the \
         wrapper is not built yet. Cert makes a self-signed \
         certificate (X.509 v3, a random 16-byte serial, the subject as issuer, the request's \
         extensions, no attributes), kept with its key as an issued entry; signing it with \
         another certificate (certreq's -cert) is not supported. SCEP is refused.",
        "RequestType = CMC",
    ),
    k(
        NR,
        "SecurityDescriptor",
        KeyStore,
        "an SDDL string, e.g. D:P(A;;GA;;;SY)(A;;GA;;;BA)",
        "the store's default access rights",
        "Sets who may use the private key, as a Windows access control list. It only matters \
         for keys in the machine store that are not on a smart card.",
        "No effect: Web Crypto keys belong to this browser profile and origin (CLI keys: the \
         file's permissions); there are no Windows access lists.",
        "SecurityDescriptor = \"D:P(A;;GA;;;SY)(A;;GA;;;BA)\"",
    ),
    k(
        NR,
        "AlternateSignatureAlgorithm",
        Request,
        BOOL,
        "FALSE",
        "For an RSA key, TRUE signs the request with RSASSA-PSS (PKCS #1 v2.1) instead of \
         PKCS #1 v1.5. Some CAs do not accept PSS.",
        "Honoured for RSA keys (PSS with MGF1 and a salt as long as the hash); no effect on ECDSA \
         keys.",
        "AlternateSignatureAlgorithm = TRUE",
    ),
    k(
        NR,
        "Silent",
        NoEffect,
        BOOL,
        "FALSE",
        "Stops the key provider from showing any window, such as a smart card PIN prompt, while \
         the key is made or used. Scripts set it so that nothing waits for a user.",
        "No effect: certreq-web never shows provider prompts.",
        "Silent = TRUE",
    ),
    k(
        NR,
        "SMIME",
        Request,
        BOOL,
        "FALSE",
        "Adds the S/MIME capabilities extension (1.2.840.113549.1.9.15), which lists the \
         symmetric ciphers the mail client can decrypt. Mail programs read it to choose a cipher \
         when encrypting to you.",
        "Adds the extension with the same cipher list current certreq writes (RC2, RC4, DES, 3DES).",
        "SMIME = TRUE",
    ),
    k(
        NR,
        "UseExistingKeySet",
        Key,
        BOOL,
        "FALSE",
        "Builds the request for a key that already exists instead of making a new one. Name the \
         key with KeyContainer or RenewalCert; Exportable then has no effect.",
        "Reuses the key stored under KeyContainer in this browser's key store (or the CLI's file \
         store). Not with RequestType = Cert: a self-signed certificate gets a new key, so the \
         stored key keeps the request it is waiting on.",
        "UseExistingKeySet = TRUE",
    ),
    k(
        NR,
        "KeyProtection",
        KeyStore,
        "NCRYPT_UI_NO_PROTECTION_FLAG (0) | NCRYPT_UI_PROTECT_KEY_FLAG (1) | \
         NCRYPT_UI_FORCE_HIGH_PROTECTION_FLAG (2); the XCN_ prefix is accepted too",
        "0 (no protection prompt)",
        "Asks Windows to confirm, or to require a password, whenever the private key is used. \
         With 2 a password is mandatory.",
        "No effect: a browser has no per-key prompts; keys are protected by the browser profile \
         (CLI: by the file store).",
        "KeyProtection = NCRYPT_UI_PROTECT_KEY_FLAG",
    ),
    k(
        NR,
        "SuppressDefaults",
        Request,
        BOOL,
        "FALSE",
        "Leaves out what certreq otherwise adds by itself: the OS version, client and provider \
         attributes, the key usage and the subject key identifier extensions. Gives a minimal \
         request holding only what the INF asks for.",
        "Honoured: the default attributes and extensions are left out.",
        "SuppressDefaults = TRUE",
    ),
    k(
        NR,
        "FriendlyName",
        Entry,
        "any text",
        "none",
        "A display name for the certificate in the store, to tell it apart from others. It is \
         not sent to the CA.",
        "Labels the entry in this browser's key store (or the CLI's file store).",
        "FriendlyName = \"Web server 2025\"",
    ),
    k(
        NR,
        "SubjectNameFlags",
        Unsupported,
        "template, or CT_FLAG_* bits: SUBJECT_REQUIRE_COMMON_NAME 0x40000000, \
         SUBJECT_REQUIRE_DIRECTORY_PATH 0x80000000, SUBJECT_REQUIRE_DNS_AS_CN 0x10000000, \
         SUBJECT_REQUIRE_EMAIL 0x20000000, OLD_CERT_SUPPLIES_SUBJECT_AND_ALT_NAME 0x8, \
         SUBJECT_ALT_REQUIRE_DIRECTORY_GUID 0x1000000, …_DNS 0x8000000, …_DOMAIN_DNS 0x400000, \
         …_EMAIL 0x4000000, …_SPN 0x800000, …_UPN 0x2000000",
        "none",
        "Fills the subject and alternative names from the logged-on user or computer account \
         in Active Directory. With the word template, the template's own name flags decide.",
        "Not supported: a browser does not know the Windows account. Write Subject and the \
         alternative names explicitly.",
        "SubjectNameFlags = template",
    ),
    k(
        NR,
        "X500NameFlags",
        Request,
        "CERT_NAME_STR_* flags or a number: CERT_NAME_STR_NONE 0, CERT_OID_NAME_STR 2, \
         CERT_X500_NAME_STR 3, …SEMICOLON_FLAG 0x40000000, …NO_PLUS_FLAG 0x20000000, \
         …NO_QUOTING_FLAG 0x10000000, …CRLF_FLAG 0x8000000, …COMMA_FLAG 0x4000000, \
         …REVERSE_FLAG 0x2000000, …FORWARD_FLAG 0x1000000, …DISABLE_IE4_UTF8_FLAG 0x10000, \
         …ENABLE_T61_UNICODE_FLAG 0x20000, …ENABLE_UTF8_UNICODE_FLAG 0x40000, \
         …FORCE_UTF8_DIR_STR_FLAG 0x80000, …DISABLE_UTF8_DIR_STR_FLAG 0x100000, \
         …ENABLE_PUNYCODE_FLAG 0x200000",
        "0",
        "Changes how the Subject text is read and encoded: which separators count, whether the \
         order is reversed, which string types are used.",
        "Applied when the Subject is parsed and encoded.",
        "X500NameFlags = \"CERT_NAME_STR_SEMICOLON_FLAG\"",
    ),
    k(
        NR,
        "UserProtected",
        KeyStore,
        BOOL,
        "FALSE",
        "Turns on strong key protection: Windows shows a dialog when the key is made and can \
         ask for a password each time it is used. An older switch that KeyProtection replaced.",
        "No effect: a browser has no per-key prompts; keys are protected by the browser profile.",
        "UserProtected = FALSE",
    ),
    k(
        NR,
        "EncipherOnly",
        NoEffect,
        BOOL,
        "FALSE",
        "A legacy CryptoAPI switch that limited a key-exchange key to encryption, dropping the \
         signature usages. It is ignored with KeySpec = 2, and certreq since Windows Vista \
         refuses it altogether.",
        "No effect: set the usages you want with KeyUsage instead.",
        "EncipherOnly = FALSE",
    ),
    // ---------------------------------------------------------------- [Extensions]
    k(
        EXT,
        "{OID}",
        Request,
        "base64 of the DER extension value (padding optional), or {hex}…, or {text}… for the \
         OIDs that have a text form; {critical} may come first",
        "none",
        "Any extension, keyed by its dotted OID, goes into the request as written. Split long \
         values over _continue_ lines and mark extensions critical with Critical.",
        "Encoded into the request as certreq does.",
        "1.3.6.1.4.1.99999.1 = \"{hex}0c 05 68 65 6c 6c 6f\"",
    ),
    k(
        EXT,
        "_continue_",
        Request,
        "more text for the value of the extension line above",
        "none",
        "Appends its value to the previous extension line, with no separator added. Write the & \
         (SAN) or the comma (EKU) yourself at the end of the previous piece.",
        "Joined exactly as certreq joins it; a missing & is pointed out.",
        "_continue_ = \"dns=www.contoso.com&\"",
    ),
    k(
        EXT,
        "Critical",
        Request,
        "one OID or several separated by commas",
        "only the extensions marked {critical} (and certreq's key usage) are critical",
        "Marks the listed extensions of this section critical: a program that does not \
         understand a critical extension must reject the certificate.",
        "Honoured.",
        "Critical = 2.5.29.17,2.5.29.19",
    ),
    k(
        EXT,
        "2.5.29.17",
        Request,
        "{text}token=value&token=value… with the tokens DNS, Email, UPN, URL, IPAddress, \
         DirectoryName, RegisteredID, GUID or a dotted OID; or base64 / {hex} DER",
        "none",
        "Subject alternative name: the host names, addresses and accounts the certificate is \
         valid for. TLS clients check host names here, not in the subject. Join the names with \
         &.",
        "Encoded into the request as certreq does.",
        "2.5.29.17 = \"{text}dns=www.contoso.com&dns=contoso.com\"",
    ),
    k(
        EXT,
        "2.5.29.37",
        Request,
        "{text}oid,oid,… (purpose OIDs separated by commas); or base64 / {hex} DER",
        "none",
        "Enhanced key usage: what the certificate may be used for, such as server authentication \
         1.3.6.1.5.5.7.3.1 or client authentication 1.3.6.1.5.5.7.3.2. The same as \
         [EnhancedKeyUsageExtension]; use one or the other.",
        "Encoded into the request as certreq does.",
        "2.5.29.37 = \"{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2\"",
    ),
    k(
        EXT,
        "2.5.29.19",
        Request,
        "{text}ca=TRUE|FALSE&pathlength=N (both optional; 1 and 0 also work); or base64 / {hex} \
         DER",
        "none",
        "Basic constraints: whether the subject is a CA and how many CA levels may follow below \
         it. An empty {text} makes an end-entity value.",
        "Encoded into the request as certreq does.",
        "2.5.29.19 = \"{critical}{text}ca=TRUE&pathlength=0\"",
    ),
    k(
        EXT,
        "2.5.29.32",
        Request,
        "{text}OID=oid&Notice=text&URL=url… (each OID followed by its Notice, URL, Flags and GUID \
         tokens); or base64 / {hex} DER",
        "none",
        "Certificate policies: the policy OIDs the certificate is issued under, each optionally \
         with a user notice text and a link to the practice statement.",
        "Encoded into the request as certreq does.",
        "2.5.29.32 = \"{text}OID=2.5.29.32.0&URL=http://pki.contoso.com/cps\"",
    ),
    k(
        EXT,
        "2.5.29.15",
        Request,
        "base64 or {hex} of the DER BIT STRING (AwIFoA== is 0xa0)",
        "certreq adds a critical key usage from KeyUsage or KeySpec",
        "Key usage written by hand. Usually the KeyUsage key is simpler; give one or the other, \
         not both.",
        "Encoded into the request as certreq does.",
        "2.5.29.15 = AwIFoA==",
    ),
    k(
        EXT,
        "2.5.29.14",
        Request,
        "base64 or {hex} of the DER OCTET STRING",
        "certreq adds the SHA-1 hash of the public key",
        "Subject key identifier. certreq computes one from the public key on its own, so writing \
         it by hand is rarely useful.",
        "Encoded into the request as certreq does.",
        "2.5.29.14 = \"{hex}04 04 01 02 03 04\"",
    ),
    k(
        EXT,
        "2.5.29.35",
        Request,
        "base64 or {hex} of the DER AuthorityKeyIdentifier",
        "none",
        "Authority key identifier: which CA key signs the certificate. Mostly useful with \
         RequestType = Cert for a certificate signed by another of your certificates.",
        "Encoded into the request as certreq does.",
        "2.5.29.35 = \"{hex}30 06 80 04 01 02 03 04\"",
    ),
    k(
        EXT,
        "2.5.29.30",
        Request,
        "{text}subtree=Include or subtree=Exclude, each followed by DNS, Email, UPN, URL, \
         IPAddress (address,mask), DirectoryName or RegisteredID tokens, all joined by &; or \
         base64 / {hex} DER",
        "none",
        "Name constraints, for a CA certificate: the names the CA may (Include) or may not \
         (Exclude) issue for. Each subtree= token starts a new list.",
        "Encoded into the request as certreq does.",
        "2.5.29.30 = \"{text}subtree=include&dns=contoso.com\"",
    ),
    k(
        EXT,
        "2.5.29.33",
        Request,
        "{text}issuerPolicyOid=subjectPolicyOid&…; or base64 / {hex} DER",
        "none",
        "Policy mappings, for a CA certificate: which policy of the issuing domain counts as \
         which policy of the subject's domain.",
        "Encoded into the request as certreq does.",
        "2.5.29.33 = \"{text}1.2.3.4=1.2.3.5\"",
    ),
    k(
        EXT,
        "2.5.29.36",
        Request,
        "base64 or {hex} of the DER PolicyConstraints",
        "none",
        "Policy constraints, for a CA certificate: after how many certificates an explicit \
         policy is required or policy mapping is forbidden.",
        "Encoded into the request as certreq does.",
        "2.5.29.36 = \"{hex}30 03 80 01 00\"",
    ),
    k(
        EXT,
        "2.5.29.31",
        Request,
        "base64 or {hex} of the DER CRLDistributionPoints",
        "none",
        "CRL distribution points: where to download the revocation list. CAs normally add this \
         themselves.",
        "Encoded into the request as certreq does.",
        "2.5.29.31 = \"{hex}30 00\"",
    ),
    k(
        EXT,
        "1.3.6.1.5.5.7.1.1",
        Request,
        "base64 or {hex} of the DER AuthorityInfoAccess",
        "none",
        "Authority information access: where to find the issuer's certificate and its OCSP \
         responder. CAs normally add this themselves.",
        "Encoded into the request as certreq does.",
        "1.3.6.1.5.5.7.1.1 = \"{hex}30 00\"",
    ),
    k(
        EXT,
        "1.3.6.1.4.1.311.21.10",
        Request,
        "{text}OID=oid&… (like 2.5.29.32); or base64 / {hex} DER",
        "none",
        "Application policies, Microsoft's counterpart of enhanced key usage that Windows CAs \
         evaluate alongside it.",
        "Encoded into the request as certreq does.",
        "1.3.6.1.4.1.311.21.10 = \"{text}OID=1.3.6.1.5.5.7.3.1\"",
    ),
    k(
        EXT,
        "1.3.6.1.4.1.311.21.11",
        Request,
        "{text}issuerOid=subjectOid&…; or base64 / {hex} DER",
        "none",
        "Application policy mappings, for a CA certificate: the application policy counterpart \
         of 2.5.29.33.",
        "Encoded into the request as certreq does.",
        "1.3.6.1.4.1.311.21.11 = \"{text}1.2.3.4=1.2.3.5\"",
    ),
    k(
        EXT,
        "1.3.6.1.4.1.311.21.12",
        Request,
        "base64 or {hex} of the DER value",
        "none",
        "Application policy constraints, for a CA certificate: the application policy \
         counterpart of 2.5.29.36.",
        "Encoded into the request as certreq does.",
        "1.3.6.1.4.1.311.21.12 = \"{hex}30 03 80 01 00\"",
    ),
    k(
        EXT,
        "1.3.6.1.4.1.311.20.2",
        Request,
        "base64 or {hex} of a DER BMPString holding the template name",
        "none",
        "Certificate template name as an extension (version 1 templates). Usually the \
         CertificateTemplate request attribute is the way to name a template.",
        "Encoded into the request as certreq does; certreq-web never adds it on its own, because \
         it cannot look templates up in Active Directory.",
        "1.3.6.1.4.1.311.20.2 = \"{hex}1e 08 00 55 00 73 00 65 00 72\"",
    ),
    k(
        EXT,
        "1.3.6.1.4.1.311.21.7",
        Request,
        "base64 or {hex} of the DER template OID with optional major and minor versions",
        "none",
        "Certificate template information as an extension (version 2 and later templates): the \
         template's OID and version.",
        "Encoded into the request as certreq does; never added on its own here.",
        "1.3.6.1.4.1.311.21.7 = \"{hex}30 05 06 03 2a 03 04\"",
    ),
    k(
        EXT,
        "1.2.840.113549.1.9.15",
        Request,
        "base64 or {hex} of the DER SMIMECapabilities",
        "none (SMIME = TRUE adds it)",
        "S/MIME capabilities written by hand. The SMIME key is the simpler way.",
        "Encoded into the request as certreq does.",
        "1.2.840.113549.1.9.15 = \"{hex}30 00\"",
    ),
    // ---------------------------------------------------------------- [EnhancedKeyUsageExtension]
    k(
        EKU,
        "OID",
        Request,
        "one dotted purpose OID per line; repeat the key for more",
        "none",
        "Adds one purpose to the enhanced key usage extension, for example 1.3.6.1.5.5.7.3.1 \
         (server authentication) or 1.3.6.1.5.5.7.3.2 (client authentication). Write one OID = \
         line for each purpose.",
        "Encoded into the request as certreq does.",
        "OID = 1.3.6.1.5.5.7.3.1",
    ),
    k(
        EKU,
        "Critical",
        Request,
        BOOL,
        "FALSE",
        "Marks the enhanced key usage extension critical.",
        "Honoured.",
        "Critical = FALSE",
    ),
    // ---------------------------------------------------------------- [RequestAttributes]
    k(
        RA,
        "CertificateTemplate",
        Request,
        "the template's short (common) name or its OID, not its display name",
        "none",
        "Tells an enterprise CA which certificate template to issue from. `certutil -template` \
         lists the names. A stand-alone CA ignores it.",
        "Sent as a name-value attribute. certreq also adds the template's extensions by looking \
         it up in Active Directory; certreq-web cannot, and the CA applies the template anyway.",
        "CertificateTemplate = WebServer",
    ),
    k(
        RA,
        "SAN",
        Request,
        "tag=value pairs joined by &; tags: dns, email, upn, ipaddress, url, guid, oid, dn",
        "none",
        "Asks the CA to put these subject alternative names in the certificate. The CA only \
         honours it when configured to accept names from request attributes; a 2.5.29.17 line \
         in [Extensions] is the more reliable way.",
        "Sent as a name-value attribute, as certreq does; it is not an extension of the request.",
        "SAN = \"dns=www.contoso.com&dns=contoso.com\"",
    ),
    k(
        RA,
        "CertificateUsage",
        Request,
        "purpose OIDs separated by commas",
        "none",
        "Asks the CA for these enhanced key usages. Whether the CA follows it depends on its \
         policy.",
        "Sent as a name-value attribute.",
        "CertificateUsage = \"1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2\"",
    ),
    k(
        RA,
        "ValidityPeriod",
        Request,
        "Seconds | Minutes | Hours | Days | Weeks | Months | Years",
        "none",
        "With ValidityPeriodUnits, asks the CA for a certificate lifetime. The CA honours it \
         only when configured to.",
        "Sent as a name-value attribute.",
        "ValidityPeriod = Years",
    ),
    k(
        RA,
        "ValidityPeriodUnits",
        Request,
        "a whole number",
        "none",
        "How many ValidityPeriod units of lifetime to ask the CA for.",
        "Sent as a name-value attribute.",
        "ValidityPeriodUnits = 2",
    ),
    k(
        RA,
        "ExpirationDate",
        Request,
        "an HTTP-style date: Tue, 21 Jul 2026 10:00:00 GMT",
        "none",
        "Asks the CA for a fixed expiry date. The CA honours it only when configured to.",
        "Sent as a name-value attribute.",
        "ExpirationDate = \"Tue, 21 Jul 2026 10:00:00 GMT\"",
    ),
    k(
        RA,
        "CertType",
        Request,
        "server",
        "none",
        "Tells the CA what kind of certificate a browser-generated (keygen) request is for.",
        "Sent as a name-value attribute.",
        "CertType = server",
    ),
    k(
        RA,
        "cdc",
        Request,
        "a domain controller's DNS name",
        "none",
        "Names the domain controller the CA should ask about the requester.",
        "Sent as a name-value attribute.",
        "cdc = dc01.contoso.com",
    ),
    k(
        RA,
        "rmd",
        Request,
        "a computer's DNS name",
        "none",
        "Names the computer the request comes from, for the CA's records and policy.",
        "Sent as a name-value attribute.",
        "rmd = ws01.contoso.com",
    ),
    // ---------------------------------------------------------------- [BasicConstraintsExtension]
    k(
        BC,
        "PathLength",
        Request,
        "a whole number, or None",
        "no limit",
        "How many levels of CA may exist below this CA. 0 means it may only issue to end \
         entities.",
        "Encoded into the basic constraints extension.",
        "PathLength = 0",
    ),
    k(
        BC,
        "Critical",
        Request,
        BOOL,
        "TRUE",
        "Marks the basic constraints extension critical, as a CA certificate should have it.",
        "Honoured.",
        "Critical = TRUE",
    ),
    // ---------------------------------------------------------------- policy statements
    k(
        PS,
        "Policies",
        Request,
        "names of sections separated by commas; each section describes one policy",
        "none",
        "Lists the policies to put in the certificate policies extension. Each name refers to a \
         section of its own holding OID, Notice and URL lines.",
        "Encoded into the certificate policies extension.",
        "Policies = LegalPolicy",
    ),
    k(
        PS,
        "Critical",
        Request,
        BOOL,
        "FALSE",
        "Marks the certificate policies extension critical.",
        "Honoured.",
        "Critical = FALSE",
    ),
    k(
        APS,
        "Policies",
        Request,
        "names of sections separated by commas; each section describes one policy",
        "none",
        "Lists the application policies to put in Microsoft's application policies extension. \
         Each name refers to a section of its own holding OID, Notice and URL lines.",
        "Encoded into the application policies extension.",
        "Policies = ServerAuthPolicy",
    ),
    k(
        APS,
        "Critical",
        Request,
        BOOL,
        "FALSE",
        "Marks the application policies extension critical.",
        "Honoured.",
        "Critical = FALSE",
    ),
    k(
        POLICY_SECTION,
        "OID",
        Request,
        "a dotted policy OID",
        "none",
        "The OID of the policy this section describes. The section's name is listed in \
         Policies = of a policy statement section.",
        "Encoded into the policy extension.",
        "OID = 1.3.6.1.4.1.311.21.8.1",
    ),
    k(
        POLICY_SECTION,
        "Notice",
        Request,
        "text, quoted when it has blanks",
        "none",
        "A short statement shown to relying parties, stored as a user notice qualifier of the \
         policy. Several Notice lines are allowed.",
        "Encoded into the policy extension.",
        "Notice = \"Issued for internal use only\"",
    ),
    k(
        POLICY_SECTION,
        "URL",
        Request,
        "a URL, quoted when it has blanks",
        "none",
        "Where the practice statement of the policy can be read, stored as a CPS qualifier. \
         Several URL lines are allowed.",
        "Encoded into the policy extension.",
        "URL = \"http://pki.contoso.com/cps.html\"",
    ),
    // ---------------------------------------------------------------- [Strings]
    k(
        "Strings",
        "{name}",
        Request,
        "any text; quote it to keep blanks at either end",
        "none",
        "Defines a name that can be written as %name% anywhere else in the file, in keys and \
         values alike. Write %% for a literal percent sign.",
        "Substituted as certreq does.",
        "szOID_SUBJECT_ALT_NAME2 = \"2.5.29.17\"",
    ),
];

const fn s(
    name: &'static str,
    required: bool,
    effect: Effect,
    summary: &'static str,
    here: &'static str,
    example: &'static str,
) -> SectionDoc {
    SectionDoc {
        name,
        required,
        summary,
        here,
        example,
        effect,
    }
}

const POLICY_INF_ONLY: &str = "Not read for a new request: this section belongs to policy.inf \
     (certreq -policy) and CAPolicy.inf. Write the extension as a line in [Extensions] instead.";

/// Every documented section, in the order a typical INF has them.
pub static SECTIONS: &[SectionDoc] = SECTION_TABLE;

const SECTION_TABLE: &[SectionDoc] = &[
    s(
        "Version",
        false,
        NoEffect,
        "The INF header. Optional for certreq; when present it holds Signature = \
         \"$Windows NT$\".",
        "Checked and otherwise ignored.",
        "[Version]\nSignature = \"$Windows NT$\"",
    ),
    s(
        "NewRequest",
        true,
        Request,
        "Describes the request and its key: subject, key algorithm and size, hash, request \
         type. An INF for certreq -new must have this section with at least one key in it.",
        "Every key is read: those that shape the request or the key are honoured, Windows \
         key-store keys are accepted and explained.",
        "[NewRequest]\nSubject = \"CN=web01.contoso.com\"",
    ),
    s(
        "Strings",
        false,
        Request,
        "Defines names for texts, mostly OIDs, that the rest of the file uses as %name%. Any key \
         name may be defined here.",
        "Substituted as certreq does.",
        "[Strings]\nszOID_ENHANCED_KEY_USAGE = \"2.5.29.37\"",
    ),
    s(
        "Extensions",
        false,
        Request,
        "Adds extensions to the request, one line per extension keyed by its OID, with \
         _continue_ lines for long values and Critical to mark extensions critical. Needs \
         certreq from Windows Vista or later.",
        "Encoded into the request as certreq does.",
        "[Extensions]\n2.5.29.17 = \"{text}dns=www.contoso.com\"",
    ),
    s(
        "EnhancedKeyUsageExtension",
        false,
        Request,
        "Builds the enhanced key usage extension from one OID = line per purpose. Do not also \
         write a 2.5.29.37 line in [Extensions].",
        "Encoded into the request as certreq does.",
        "[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.1",
    ),
    s(
        "RequestAttributes",
        false,
        Request,
        "Name-value pairs for the CA, such as CertificateTemplate and SAN. Each line is sent as \
         it is; any name is allowed, and the same pairs can be given to certreq -submit -attrib.",
        "Sent as name-value attributes, as certreq does.",
        "[RequestAttributes]\nCertificateTemplate = WebServer",
    ),
    s(
        "BasicConstraintsExtension",
        false,
        Request,
        "Builds the basic constraints extension of a CA certificate: PathLength and Critical. \
         The same can be written as a 2.5.29.19 line in [Extensions].",
        "Encoded into the request.",
        "[BasicConstraintsExtension]\nPathLength = 0",
    ),
    s(
        "PolicyStatementExtension",
        false,
        Request,
        "Builds the certificate policies extension. Policies = names one section per policy, \
         and each of those sections gives the policy's OID, Notice and URL lines.",
        "Encoded into the request.",
        "[PolicyStatementExtension]\nPolicies = LegalPolicy",
    ),
    s(
        "ApplicationPolicyStatementExtension",
        false,
        Request,
        "Builds Microsoft's application policies extension, the same way \
         [PolicyStatementExtension] builds certificate policies.",
        "Encoded into the request.",
        "[ApplicationPolicyStatementExtension]\nPolicies = ServerAuthPolicy",
    ),
    s(
        "NameConstraintsExtension",
        false,
        Unsupported,
        "Name constraints for a cross-certificate or subordinate CA, with Include and Exclude \
         naming sections of permitted and excluded names.",
        POLICY_INF_ONLY,
        "[NameConstraintsExtension]\nInclude = PermittedNames",
    ),
    s(
        "PolicyMappingsExtension",
        false,
        Unsupported,
        "Policy mappings for a cross-certificate or subordinate CA.",
        POLICY_INF_ONLY,
        "[PolicyMappingsExtension]\n1.2.3.4 = 1.2.3.5",
    ),
    s(
        "PolicyConstraintsExtension",
        false,
        Unsupported,
        "Policy constraints for a CA: RequireExplicitPolicy and InhibitPolicyMapping.",
        POLICY_INF_ONLY,
        "[PolicyConstraintsExtension]\nRequireExplicitPolicy = 0",
    ),
    s(
        "ApplicationPolicyMappingsExtension",
        false,
        Unsupported,
        "Application policy mappings for a cross-certificate or subordinate CA.",
        POLICY_INF_ONLY,
        "[ApplicationPolicyMappingsExtension]\n1.2.3.4 = 1.2.3.5",
    ),
    s(
        "ApplicationPolicyConstraintsExtension",
        false,
        Unsupported,
        "Application policy constraints for a CA.",
        POLICY_INF_ONLY,
        "[ApplicationPolicyConstraintsExtension]\nRequireExplicitPolicy = 0",
    ),
];

/// Every documented token inside a value.
pub static TOKENS: &[TokenDoc] = &[
    // Value prefixes.
    t(
        VALUE_PREFIX,
        "{text}",
        &[],
        "The rest is the extension's text form: name=value tokens \
      joined by & (or OIDs joined by commas for 2.5.29.37).",
        "2.5.29.17 = \"{text}dns=a.example\"",
    ),
    t(
        VALUE_PREFIX,
        "{hex}",
        &[],
        "The rest is DER written as hex bytes; blanks between bytes \
      are allowed.",
        "2.5.29.15 = \"{hex}03 02 05 a0\"",
    ),
    t(
        VALUE_PREFIX,
        "{critical}",
        &[],
        "Marks the extension critical. It goes first, right \
      after the =, before any other prefix.",
        "2.5.29.19 = \"{critical}{text}ca=TRUE\"",
    ),
    t(
        VALUE_PREFIX,
        "{utf8}",
        &[],
        "Inside a SAN OID token: the value is text, encoded as a \
      UTF8String.",
        "1.2.3.4={utf8}Some text",
    ),
    t(
        VALUE_PREFIX,
        "{octet}",
        &[],
        "Inside a SAN OID token: the value is base64 (or {hex}) \
      bytes, wrapped in an OCTET STRING.",
        "1.2.3.4={octet}AAECAw==",
    ),
    t(
        VALUE_PREFIX,
        "{asn}",
        &[],
        "Inside a SAN OID token: the value is base64 (or {hex}) of \
      complete DER, used as it is.",
        "1.2.3.4={asn}BAIAAQ==",
    ),
    // Subject alternative name, 2.5.29.17.
    t(
        "2.5.29.17",
        "DNS",
        &[],
        "A host name (dNSName). Wildcards such as *.contoso.com are \
      passed as written.",
        "dns=www.contoso.com",
    ),
    t(
        "2.5.29.17",
        "Email",
        &[],
        "An e-mail address (rfc822Name).",
        "email=jsmith@contoso.com",
    ),
    t(
        "2.5.29.17",
        "UPN",
        &[],
        "A Windows user principal name, as a Microsoft otherName \
      (1.3.6.1.4.1.311.20.2.3) holding UTF-8 text. Service principal names are written here too.",
        "upn=jsmith@contoso.com",
    ),
    t(
        "2.5.29.17",
        "URL",
        &[],
        "A URI (uniformResourceIdentifier).",
        "url=https://www.contoso.com/",
    ),
    t(
        "2.5.29.17",
        "IPAddress",
        &["IP Address"],
        "An IPv4 or IPv6 address (iPAddress).",
        "ipaddress=192.168.1.10",
    ),
    t(
        "2.5.29.17",
        "DirectoryName",
        &[],
        "A distinguished name (directoryName), written like \
      Subject; quote it because it contains commas.",
        "DirectoryName=\"CN=web01,DC=contoso,DC=com\"",
    ),
    t(
        "2.5.29.17",
        "RegisteredID",
        &["RegisteredId"],
        "An OID used as a name (registeredID).",
        "RegisteredID=1.2.3.4",
    ),
    t(
        "2.5.29.17",
        "GUID",
        &[],
        "An Active Directory object GUID, as a Microsoft otherName \
      (1.3.6.1.4.1.311.25.1).",
        "guid=f7c3ac41-b8ce-4fb4-aa58-3d1dc0e36b39",
    ),
    t(
        "2.5.29.17",
        "{OID}",
        &[],
        "Any other otherName: the dotted OID, then a {utf8}, \
      {octet}, {asn} or {hex} value.",
        "1.2.3.4={utf8}Some text",
    ),
    // Basic constraints, 2.5.29.19.
    t(
        "2.5.29.19",
        "ca",
        &[],
        "Whether the subject is a CA: TRUE or FALSE (1 or 0).",
        "ca=TRUE",
    ),
    t(
        "2.5.29.19",
        "pathlength",
        &[],
        "How many CA levels may follow below; only with ca=TRUE.",
        "pathlength=0",
    ),
    // Certificate policies 2.5.29.32 and application policies 1.3.6.1.4.1.311.21.10.
    t(
        "2.5.29.32",
        "OID",
        &[],
        "Starts a policy; the tokens after it belong to it.",
        "OID=1.3.6.1.4.1.311.21.8.1",
    ),
    t(
        "2.5.29.32",
        "Notice",
        &[],
        "A user notice text for the policy before it.",
        "Notice=Internal use only",
    ),
    t(
        "2.5.29.32",
        "URL",
        &[],
        "A link to the practice statement of the policy before it.",
        "URL=http://pki.contoso.com/cps",
    ),
    t(
        "2.5.29.32",
        "Flags",
        &[],
        "Qualifier flags for the policy before it, in hex.",
        "Flags=0x0",
    ),
    t(
        "2.5.29.32",
        "GUID",
        &[],
        "A GUID qualifier for the policy before it.",
        "GUID=f7c3ac41-b8ce-4fb4-aa58-3d1dc0e36b39",
    ),
    t(
        "1.3.6.1.4.1.311.21.10",
        "OID",
        &[],
        "Starts an application policy; the tokens after it \
      belong to it.",
        "OID=1.3.6.1.5.5.7.3.1",
    ),
    t(
        "1.3.6.1.4.1.311.21.10",
        "Notice",
        &[],
        "A user notice text for the policy before it.",
        "Notice=Internal use only",
    ),
    t(
        "1.3.6.1.4.1.311.21.10",
        "URL",
        &[],
        "A link to the practice statement of the policy \
      before it.",
        "URL=http://pki.contoso.com/cps",
    ),
    t(
        "1.3.6.1.4.1.311.21.10",
        "Flags",
        &[],
        "Qualifier flags for the policy before it, in hex.",
        "Flags=0x0",
    ),
    t(
        "1.3.6.1.4.1.311.21.10",
        "GUID",
        &[],
        "A GUID qualifier for the policy before it.",
        "GUID=f7c3ac41-b8ce-4fb4-aa58-3d1dc0e36b39",
    ),
    // Name constraints, 2.5.29.30.
    t(
        "2.5.29.30",
        "subtree",
        &[],
        "Include or Exclude: whether the names that follow are \
      permitted or excluded.",
        "subtree=Include",
    ),
    t(
        "2.5.29.30",
        "DNS",
        &[],
        "A permitted or excluded DNS domain.",
        "dns=contoso.com",
    ),
    t(
        "2.5.29.30",
        "Email",
        &[],
        "A permitted or excluded mail domain or address.",
        "email=contoso.com",
    ),
    t(
        "2.5.29.30",
        "UPN",
        &[],
        "A permitted or excluded UPN suffix.",
        "upn=contoso.com",
    ),
    t(
        "2.5.29.30",
        "URL",
        &[],
        "A permitted or excluded URI host.",
        "url=contoso.com",
    ),
    t(
        "2.5.29.30",
        "IPAddress",
        &["IP Address"],
        "A permitted or excluded address range, \
      written address,mask.",
        "ipaddress=10.0.0.0,255.0.0.0",
    ),
    t(
        "2.5.29.30",
        "DirectoryName",
        &[],
        "A permitted or excluded directory subtree.",
        "DirectoryName=\"DC=contoso,DC=com\"",
    ),
    t(
        "2.5.29.30",
        "RegisteredID",
        &["RegisteredId"],
        "A permitted or excluded registered ID.",
        "RegisteredID=1.2.3.4",
    ),
    // [RequestAttributes] SAN = "…".
    t(
        SAN_ATTRIBUTE,
        "dns",
        &[],
        "A host name.",
        "dns=www.contoso.com",
    ),
    t(
        SAN_ATTRIBUTE,
        "email",
        &[],
        "An e-mail address.",
        "email=jsmith@contoso.com",
    ),
    t(
        SAN_ATTRIBUTE,
        "upn",
        &[],
        "A Windows user principal name.",
        "upn=jsmith@contoso.com",
    ),
    t(
        SAN_ATTRIBUTE,
        "ipaddress",
        &[],
        "An IP address.",
        "ipaddress=192.168.1.10",
    ),
    t(
        SAN_ATTRIBUTE,
        "url",
        &[],
        "A URI.",
        "url=https://www.contoso.com/",
    ),
    t(
        SAN_ATTRIBUTE,
        "guid",
        &[],
        "An Active Directory object GUID.",
        "guid=f7c3ac41-b8ce-4fb4-aa58-3d1dc0e36b39",
    ),
    t(
        SAN_ATTRIBUTE,
        "oid",
        &[],
        "An OID used as a name (registered ID).",
        "oid=1.2.3.4",
    ),
    t(
        SAN_ATTRIBUTE,
        "dn",
        &[],
        "A distinguished name; quote it.",
        "dn=\"CN=web01,DC=contoso,DC=com\"",
    ),
];

/// What the lowering and [`suggest`] need of a key: where it belongs, its name, and what
/// certreq-web does with it ([`KeyDoc::here`], quoted in notes about keys with no effect here).
/// Kept apart from the prose so that a build which shows no documentation (the web app's first
/// download, the embedding module) does not carry it: only [`KEYS`] refers to the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct KeyName {
    section: &'static str,
    key: &'static str,
    here: &'static str,
}

/// [`KEYS`] without their documentation, in the same order.
static KEY_NAMES: [KeyName; KEY_TABLE.len()] = {
    let mut out = [KeyName {
        section: "",
        key: "",
        here: "",
    }; KEY_TABLE.len()];
    let mut i = 0;
    while i < KEY_TABLE.len() {
        let d = &KEY_TABLE[i];
        out[i] = KeyName {
            section: d.section,
            key: d.key,
            here: d.here,
        };
        i += 1;
    }
    out
};

/// The names of [`SECTIONS`], in the same order.
static SECTION_NAMES: [&str; SECTION_TABLE.len()] = {
    let mut out = [""; SECTION_TABLE.len()];
    let mut i = 0;
    while i < SECTION_TABLE.len() {
        out[i] = SECTION_TABLE[i].name;
        i += 1;
    }
    out
};

const fn t(
    context: &'static str,
    token: &'static str,
    also: &'static [&'static str],
    summary: &'static str,
    example: &'static str,
) -> TokenDoc {
    TokenDoc {
        context,
        token,
        also,
        summary,
        example,
    }
}

/// What certreq-web does with `key` of `section` ([`KeyDoc::here`]), when the reference says;
/// read from the names alone, so the lowering's notes do not pull in the documentation.
pub fn here_note(section: &str, key: &str) -> Option<&'static str> {
    find_key(section, key)
        .map(|i| KEY_NAMES[i].here)
        .filter(|here| !here.is_empty())
}

/// A section name as written in a header or message, without brackets and outer blanks.
fn bare_section(section: &str) -> &str {
    let s = section.trim();
    let s = s.strip_prefix('[').unwrap_or(s);
    let s = s.strip_suffix(']').unwrap_or(s);
    s.trim()
}

/// Whether `s` is a dotted OID such as `2.5.29.17` (at least two arcs, digits only).
pub fn is_dotted_oid(s: &str) -> bool {
    let mut arcs = 0usize;
    for arc in s.split('.') {
        if arc.is_empty() || !arc.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        arcs += 1;
    }
    arcs >= 2
}

fn placeholder(section: &str, key: &str) -> Option<usize> {
    KEY_NAMES
        .iter()
        .position(|d| d.section.eq_ignore_ascii_case(section) && d.key == key)
}

/// The documentation of `key` in `section` (brackets optional), case-insensitively. Blanks
/// around the key are ignored, blanks inside it are not: `Key Exportable` is not
/// `Exportable`. In `[Extensions]` any dotted OID without its own page gets the general
/// `{OID}` page; in `[Strings]` every key gets the `{name}` page.
pub fn lookup_in(section: &str, key: &str) -> Option<&'static KeyDoc> {
    find_key(section, key).map(|i| &KEYS[i])
}

/// [`lookup_in`]'s answer as an index into [`KEYS`] and [`KEY_NAMES`].
fn find_key(section: &str, key: &str) -> Option<usize> {
    let section = bare_section(section);
    let key = key.trim();
    if key.is_empty() {
        return None;
    }
    if let Some(i) = KEY_NAMES
        .iter()
        .position(|d| d.section.eq_ignore_ascii_case(section) && d.key.eq_ignore_ascii_case(key))
    {
        return Some(i);
    }
    if section.eq_ignore_ascii_case("Extensions") && is_dotted_oid(key) {
        return placeholder("Extensions", "{OID}");
    }
    if section.eq_ignore_ascii_case("Strings") {
        return placeholder("Strings", "{name}");
    }
    None
}

fn is_placeholder(key: &str) -> bool {
    key.starts_with('{')
}

/// The documentation of a section (brackets optional, any letter case).
pub fn section_doc(name: &str) -> Option<&'static SectionDoc> {
    find_section(name).map(|i| &SECTIONS[i])
}

/// Whether `name` (brackets optional, any letter case) is a documented section.
pub fn is_section(name: &str) -> bool {
    find_section(name).is_some()
}

fn find_section(name: &str) -> Option<usize> {
    let name = bare_section(name);
    SECTION_NAMES
        .iter()
        .position(|n| n.eq_ignore_ascii_case(name))
}

/// The known section names, in the order of [`SECTIONS`].
pub fn sections() -> impl Iterator<Item = &'static str> {
    SECTION_NAMES.iter().copied()
}

/// The sections a key is documented in (for "`Subject` belongs in [NewRequest]").
pub fn sections_of(key: &str) -> impl Iterator<Item = &'static str> + '_ {
    let key = key.trim();
    KEY_NAMES
        .iter()
        .filter(move |d| !is_placeholder(d.key) && d.key.eq_ignore_ascii_case(key))
        .map(|d| d.section)
}

/// Whether a section takes keys of any name: `[Strings]` defines names, and every line of
/// `[RequestAttributes]` is passed to the CA as it is.
pub fn any_key_allowed(section: &str) -> bool {
    let section = bare_section(section);
    section.eq_ignore_ascii_case("Strings") || section.eq_ignore_ascii_case("RequestAttributes")
}

/// The keys documented for a section (brackets optional), in table order.
pub fn keys_in(section: &str) -> impl Iterator<Item = &'static KeyDoc> + '_ {
    let section = bare_section(section);
    KEYS.iter()
        .filter(move |d| d.section.eq_ignore_ascii_case(section))
}

/// The documentation of a token in a value: `context` is an extension OID (`2.5.29.17`),
/// [`SAN_ATTRIBUTE`] or [`VALUE_PREFIX`]. Letter case and blanks do not matter
/// (`IP Address` is `IPAddress`); a dotted OID in a SAN is the otherName token `{OID}`.
/// Application policies (1.3.6.1.4.1.311.21.10) share the tokens of 2.5.29.32.
pub fn token_doc(context: &str, token: &str) -> Option<&'static TokenDoc> {
    let context = context.trim();
    let wanted = squash(token);
    if wanted.is_empty() {
        return None;
    }
    let found = TOKENS.iter().find(|d| {
        d.context.eq_ignore_ascii_case(context)
            && !(d.token.starts_with('{') && context != VALUE_PREFIX)
            && (squash(d.token) == wanted || d.also.iter().any(|a| squash(a) == wanted))
    });
    if found.is_some() {
        return found;
    }
    if context == "2.5.29.17" && is_dotted_oid(token.trim()) {
        return TOKENS
            .iter()
            .find(|d| d.context == "2.5.29.17" && d.token == "{OID}");
    }
    None
}

/// The tokens documented for a context (see [`token_doc`]).
pub fn tokens(context: &str) -> impl Iterator<Item = &'static TokenDoc> + '_ {
    let context = context.trim();
    TOKENS
        .iter()
        .filter(move |d| d.context.eq_ignore_ascii_case(context))
}

/// Lower case without blanks.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Longest input [`suggest`] measures; longer text is not a misspelt key.
const SUGGEST_MAX: usize = 64;

/// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions).
fn osa_distance(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    // Three rows: two back, one back, current.
    let mut prev2: Vec<usize> = vec![0; width];
    let mut prev: Vec<usize> = (0..width).collect();
    let mut cur: Vec<usize> = vec![0; width];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut best = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca) {
                best = best.min(prev2[j - 1] + 1);
            }
            cur[j + 1] = best;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// How many edits a misspelling of a name this long may have.
fn tolerance(len: usize) -> usize {
    (len / 4).clamp(1, 3)
}

/// The nearest of `names` to `written`: an exact match after dropping blanks
/// (`Key Length` → `KeyLength`), then a word that is a name on its own (`Key Exportable` →
/// `Exportable`), then the closest spelling within a tolerance that grows with the length.
fn nearest(written: &str, names: &[&'static str]) -> Option<&'static str> {
    let joined = squash(written);
    if joined.is_empty() || joined.chars().count() > SUGGEST_MAX {
        return None;
    }
    if let Some(n) = names.iter().find(|n| squash(n) == joined) {
        return Some(n);
    }
    let words: Vec<String> = written.split_whitespace().map(squash).collect();
    if words.len() > 1 {
        let mut best: Option<&'static str> = None;
        for w in &words {
            if let Some(n) = names.iter().find(|n| squash(n) == *w)
                && best.is_none_or(|b| n.len() > b.len())
            {
                best = Some(n);
            }
        }
        if best.is_some() {
            return best;
        }
    }
    let mut tries: Vec<Vec<char>> = vec![joined.chars().collect()];
    if words.len() > 1 {
        tries.extend(words.iter().map(|w| w.chars().collect()));
    }
    let mut best: Option<(usize, &'static str)> = None;
    for n in names {
        let name: Vec<char> = squash(n).chars().collect();
        let limit = tolerance(name.len());
        for t in &tries {
            let d = osa_distance(t, &name);
            if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, n));
            }
        }
    }
    best.map(|(_, n)| n)
}

/// The known key nearest to a misspelt or unknown `key` in `section` (for "unknown key
/// 'Exportabel'; did you mean 'Exportable'?"). Case-insensitive; tolerates a stray word
/// (`Key Exportable` → `Exportable`) and blanks inside a name (`Key Length` → `KeyLength`).
/// `None` when the key is already known there, when nothing is close enough, or for dotted
/// OIDs (any OID is a valid `[Extensions]` key). With an unknown section every key is a
/// candidate.
pub fn suggest(section: &str, key: &str) -> Option<&'static str> {
    let key = key.trim();
    if key.is_empty() || is_dotted_oid(key) || find_key(section, key).is_some() {
        return None;
    }
    let section = bare_section(section);
    let known = is_section(section)
        || KEY_NAMES
            .iter()
            .any(|d| d.section.eq_ignore_ascii_case(section));
    let mut names: Vec<&'static str> = KEY_NAMES
        .iter()
        .filter(|d| !known || d.section.eq_ignore_ascii_case(section))
        .map(|d| d.key)
        .filter(|k| !is_placeholder(k) && !is_dotted_oid(k))
        .collect();
    names.dedup();
    nearest(key, &names)
}

/// The known section nearest to a misspelt section name (`NewReqest` → `NewRequest`).
pub fn suggest_section(name: &str) -> Option<&'static str> {
    let name = bare_section(name);
    if name.is_empty() || is_section(name) {
        return None;
    }
    let names: Vec<&'static str> = sections().collect();
    nearest(name, &names)
}

/// Width of the pages [`render_text`] and [`render_section_text`] make.
pub const TEXT_WIDTH: usize = 78;

/// Appends `text` wrapped at [`TEXT_WIDTH`]: the first line starts with `first`, the others
/// with blanks as wide as `first`. A word longer than a line stands on a line of its own.
fn wrap_into(out: &mut String, first: &str, text: &str) {
    let indent = " ".repeat(first.chars().count());
    let mut line = String::from(first);
    let mut line_len = first.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        let wlen = word.chars().count();
        if !empty && line_len + 1 + wlen > TEXT_WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.clone();
            line_len = indent.len();
            empty = true;
        }
        if !empty {
            line.push(' ');
            line_len += 1;
        }
        line.push_str(word);
        line_len += wlen;
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn section_label(section: &str) -> String {
    if section == POLICY_SECTION {
        "a section named by Policies =".to_string()
    } else {
        format!("[{section}]")
    }
}

/// The plain-text page `certreq -new -? Key` prints: key and section, values, default,
/// effect, summary, what certreq-web does, and an example, wrapped at 78 columns.
pub fn render_text(doc: &KeyDoc) -> String {
    let mut out = String::new();
    wrap_into(
        &mut out,
        "",
        &format!("{} in {}", doc.key, section_label(doc.section)),
    );
    out.push('\n');
    wrap_into(&mut out, "Values:   ", doc.values);
    wrap_into(&mut out, "Default:  ", doc.default);
    wrap_into(&mut out, "Affects:  ", doc.effect.label());
    out.push('\n');
    wrap_into(&mut out, "", doc.summary);
    out.push('\n');
    wrap_into(&mut out, "In certreq-web: ", doc.here);
    out.push('\n');
    out.push_str("Example:\n");
    out.push_str("    ");
    out.push_str(doc.example);
    out.push('\n');
    out
}

/// The plain-text page for a section: what it is for, what certreq-web does with it, its
/// documented keys and an example, wrapped at 78 columns.
pub fn render_section_text(doc: &SectionDoc) -> String {
    let mut out = String::new();
    let required = if doc.required { "required" } else { "optional" };
    wrap_into(&mut out, "", &format!("[{}] ({required})", doc.name));
    out.push('\n');
    wrap_into(&mut out, "", doc.summary);
    out.push('\n');
    wrap_into(&mut out, "In certreq-web: ", doc.here);
    let keys: Vec<&str> = keys_in(doc.name).map(|d| d.key).collect();
    if !keys.is_empty() {
        out.push('\n');
        wrap_into(&mut out, "Keys: ", &keys.join(", "));
    }
    out.push('\n');
    out.push_str("Example:\n");
    for line in doc.example.lines() {
        out.push_str("    ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The page for what a user typed after `-?`: a section (`[Extensions]`, `NewRequest`), a key
/// in a section (`[NewRequest] Exportable`), or a key alone (`Exportable`, `2.5.29.17`).
/// `None` when nothing matches; [`suggest`] and [`suggest_section`] then offer a spelling.
pub fn help(query: &str) -> Option<String> {
    let q = query.trim();
    if let Some(rest) = q.strip_prefix('[') {
        let (section, key) = match rest.split_once(']') {
            Some((s, k)) => (s, k.trim()),
            None => (rest, ""),
        };
        if key.is_empty() {
            return section_doc(section).map(render_section_text);
        }
        return lookup_in(section, key).map(render_text);
    }
    if let Some(doc) = KEYS
        .iter()
        .find(|d| !is_placeholder(d.key) && d.key.eq_ignore_ascii_case(q))
    {
        return Some(render_text(doc));
    }
    if let Some(doc) = section_doc(q) {
        return Some(render_section_text(doc));
    }
    lookup_in("Extensions", q).map(render_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Every key the seed reference (certreq-inf-reference.txt) documents, as (section, key),
    /// spelt as the seed spells them.
    const SEED_KEYS: &[(&str, &str)] = &[
        ("Version", "Signature"),
        ("NewRequest", "EncipherOnly"),
        ("NewRequest", "Exportable"),
        ("NewRequest", "KeyContainer"),
        ("NewRequest", "KeyLength"),
        ("NewRequest", "KeySpec"),
        ("NewRequest", "KeyUsage"),
        ("NewRequest", "MachineKeySet"),
        ("NewRequest", "PrivateKeyArchive"),
        ("NewRequest", "ProviderName"),
        ("NewRequest", "ProviderType"),
        ("NewRequest", "RenewalCert"),
        ("NewRequest", "Requestername"),
        ("NewRequest", "RequestType"),
        ("NewRequest", "Silent"),
        ("NewRequest", "SMIME"),
        ("NewRequest", "Subject"),
        ("NewRequest", "UseExistingKeySet"),
        ("NewRequest", "UserProtected"),
        ("EnhancedKeyUsageExtension", "OID"),
        ("Extensions", "{OID}"),
        ("Extensions", "Critical"),
        ("Extensions", "_continue_"),
        ("RequestAttributes", "CertificateTemplate"),
        ("RequestAttributes", "SAN"),
    ];

    /// The sections the seed reference documents.
    const SEED_SECTIONS: &[&str] = &[
        "Version",
        "NewRequest",
        "EnhancedKeyUsageExtension",
        "Extensions",
        "RequestAttributes",
    ];

    /// The SAN attribute tags the seed reference lists (plus `dn` from its examples).
    const SEED_SAN_TAGS: &[&str] = &[
        "email",
        "upn",
        "dns",
        "guid",
        "url",
        "ipaddress",
        "oid",
        "dn",
    ];

    /// The [NewRequest] keys of the research notes (§3.1) beyond the seed.
    const RESEARCH_NEWREQUEST_KEYS: &[&str] = &[
        "ExportableEncrypted",
        "HashAlgorithm",
        "KeyAlgorithm",
        "KeyUsageProperty",
        "NotBefore",
        "NotAfter",
        "ValidityPeriod",
        "ValidityPeriodUnits",
        "EncryptionAlgorithm",
        "EncryptionLength",
        "SecurityDescriptor",
        "AlternateSignatureAlgorithm",
        "KeyProtection",
        "SuppressDefaults",
        "FriendlyName",
        "SubjectNameFlags",
        "X500NameFlags",
    ];

    #[test]
    fn every_seed_key_is_documented() {
        for (section, key) in SEED_KEYS {
            let doc = lookup_in(section, key)
                .unwrap_or_else(|| panic!("[{section}] {key} is not documented"));
            assert!(doc.section.eq_ignore_ascii_case(section));
        }
        for section in SEED_SECTIONS {
            assert!(
                section_doc(section).is_some(),
                "[{section}] is not documented"
            );
        }
        for tag in SEED_SAN_TAGS {
            assert!(
                token_doc(SAN_ATTRIBUTE, tag).is_some(),
                "SAN tag {tag} is not documented"
            );
        }
        for key in RESEARCH_NEWREQUEST_KEYS {
            assert!(lookup_in("NewRequest", key).is_some(), "[NewRequest] {key}");
        }
    }

    #[test]
    fn common_extension_oids_have_their_own_page() {
        for oid in [
            "2.5.29.17",
            "2.5.29.37",
            "2.5.29.19",
            "2.5.29.32",
            "2.5.29.15",
            "2.5.29.30",
            "2.5.29.33",
        ] {
            assert_eq!(lookup_in("Extensions", oid).map(|d| d.key), Some(oid));
        }
        // Any other OID gets the general page.
        assert_eq!(
            lookup_in("Extensions", "1.2.3.4").map(|d| d.key),
            Some("{OID}")
        );
        assert_eq!(lookup_in("Extensions", "1.2.").map(|d| d.key), None);
        assert_eq!(lookup_in("NewRequest", "2.5.29.17"), None);
    }

    #[test]
    fn lookups_ignore_case_and_brackets_but_not_inner_blanks() {
        assert_eq!(
            lookup_in("newrequest", "Hashalgorithm").map(|d| d.key),
            Some("HashAlgorithm")
        );
        assert_eq!(
            lookup_in("[NewRequest]", "  EXPORTABLE ").map(|d| d.key),
            Some("Exportable")
        );
        assert_eq!(
            lookup_in("NewRequest", "Requestername").map(|d| d.key),
            Some("RequesterName")
        );
        assert_eq!(lookup_in("NewRequest", "Key Exportable"), None);
        assert_eq!(lookup_in("NewRequest", ""), None);
        // Section-aware: Critical means different things in different sections.
        assert_eq!(
            lookup_in("Extensions", "critical").map(|d| d.values),
            Some("one OID or several separated by commas")
        );
        assert_eq!(
            lookup_in("EnhancedKeyUsageExtension", "Critical").map(|d| d.values),
            Some(BOOL)
        );
        assert_eq!(lookup_in("RequestAttributes", "Subject"), None);
        assert_eq!(
            lookup_in("Strings", "anything at all").map(|d| d.key),
            Some("{name}")
        );
        assert_eq!(
            section_doc("[extensions]").map(|d| d.name),
            Some("Extensions")
        );
        assert_eq!(
            lookup_in("NewRequest", "smime").map(|d| d.key),
            Some("SMIME")
        );
    }

    #[test]
    fn suggest_finds_the_intended_key() {
        let cases = [
            ("NewRequest", "Exportabel", "Exportable"),
            ("NewRequest", "Key Exportable", "Exportable"),
            ("NewRequest", "Key Length", "KeyLength"),
            ("NewRequest", "HashAlgorithim", "HashAlgorithm"),
            ("NewRequest", "KeyLenght", "KeyLength"),
            ("NewRequest", "Subjet", "Subject"),
            ("NewRequest", "MachineKeyst", "MachineKeySet"),
            ("NewRequest", "ProvderName", "ProviderName"),
            ("NewRequest", "RequestTyp", "RequestType"),
            ("NewRequest", "SuppressDefault", "SuppressDefaults"),
            ("NewRequest", "keyusgae", "KeyUsage"),
            ("Extensions", "Critcal", "Critical"),
            ("Extensions", "_continu_", "_continue_"),
            (
                "RequestAttributes",
                "CertificateTemplte",
                "CertificateTemplate",
            ),
            ("EnhancedKeyUsageExtension", "OIDs", "OID"),
            ("NoSuchSection", "Exportabel", "Exportable"),
        ];
        for (section, written, expected) in cases {
            assert_eq!(suggest(section, written), Some(expected), "{written}");
        }
    }

    #[test]
    fn suggest_stays_quiet_when_nothing_is_close() {
        assert_eq!(
            suggest("NewRequest", "Exportable"),
            None,
            "known keys need no suggestion"
        );
        assert_eq!(suggest("NewRequest", "Colour"), None);
        assert_eq!(suggest("NewRequest", "X"), None);
        assert_eq!(suggest("NewRequest", ""), None);
        assert_eq!(suggest("Extensions", "2.5.29.71"), None);
        assert_eq!(suggest("Strings", "Whatever"), None);
        assert_eq!(suggest("NewRequest", &"a".repeat(5000)), None);
        // A key of another section is not offered as a spelling.
        assert_eq!(suggest("RequestAttributes", "Subject"), None);
        assert_eq!(sections_of("subject").collect::<Vec<_>>(), ["NewRequest"]);
    }

    #[test]
    fn suggest_section_finds_the_intended_section() {
        assert_eq!(suggest_section("[NewReqest]"), Some("NewRequest"));
        assert_eq!(suggest_section("Extension"), Some("Extensions"));
        assert_eq!(
            suggest_section("RequestAttribute"),
            Some("RequestAttributes")
        );
        assert_eq!(suggest_section("NewRequest"), None);
        assert_eq!(suggest_section("Colours"), None);
    }

    #[test]
    fn no_duplicate_section_and_key() {
        let mut seen = HashSet::new();
        for d in KEYS {
            let id = (d.section.to_ascii_lowercase(), d.key.to_ascii_lowercase());
            assert!(seen.insert(id), "[{}] {} twice", d.section, d.key);
        }
        let mut names = HashSet::new();
        for d in SECTIONS {
            assert!(
                names.insert(d.name.to_ascii_lowercase()),
                "[{}] twice",
                d.name
            );
        }
        let mut tokens = HashSet::new();
        for d in TOKENS {
            let id = (d.context, d.token.to_ascii_lowercase());
            assert!(tokens.insert(id), "{} {} twice", d.context, d.token);
        }
    }

    #[test]
    fn every_key_belongs_to_a_documented_section() {
        for d in KEYS {
            assert!(
                d.section == POLICY_SECTION || section_doc(d.section).is_some(),
                "[{}] {} has no section page",
                d.section,
                d.key
            );
        }
    }

    /// `key = value` split the way an INF line is: at the first `=`.
    fn split_line(line: &str) -> Option<(&str, &str)> {
        let (k, v) = line.split_once('=')?;
        Some((k.trim(), v.trim()))
    }

    #[test]
    fn every_example_is_a_line_for_its_own_key() {
        for d in KEYS {
            assert!(!d.example.contains('\n'), "{}: one line", d.key);
            let (key, value) =
                split_line(d.example).unwrap_or_else(|| panic!("{}: no '='", d.example));
            assert!(!value.is_empty(), "{}: empty value", d.example);
            match d.key {
                "{OID}" => assert!(is_dotted_oid(key), "{}", d.example),
                "{name}" => assert!(!key.is_empty() && !key.contains(' '), "{}", d.example),
                _ => assert!(key.eq_ignore_ascii_case(d.key), "{}", d.example),
            }
            // The example's key finds this very page again.
            if d.section != POLICY_SECTION {
                assert_eq!(lookup_in(d.section, key), Some(d), "{}", d.example);
            }
            // Quotes, when used, enclose the whole value.
            if value.starts_with('"') {
                assert!(value.ends_with('"') && value.len() > 1, "{}", d.example);
            }
        }
        for d in SECTIONS {
            let mut lines = d.example.lines();
            assert_eq!(lines.next(), Some(format!("[{}]", d.name).as_str()));
            for line in lines {
                assert!(split_line(line).is_some(), "{line}");
            }
        }
    }

    #[test]
    fn every_text_is_filled_in_and_short() {
        for d in KEYS {
            for (what, text) in [
                ("values", d.values),
                ("default", d.default),
                ("summary", d.summary),
                ("here", d.here),
            ] {
                assert!(!text.trim().is_empty(), "[{}] {} {what}", d.section, d.key);
                assert!(
                    !text.contains("  "),
                    "[{}] {} {what}: double blank",
                    d.section,
                    d.key
                );
            }
            let sentences = d.summary.matches(". ").count() + 1;
            assert!(
                sentences <= 4,
                "[{}] {}: {sentences} sentences",
                d.section,
                d.key
            );
        }
    }

    #[test]
    fn windows_only_keys_are_explained_not_dropped() {
        for key in [
            "MachineKeySet",
            "ProviderName",
            "ProviderType",
            "KeyProtection",
            "SecurityDescriptor",
            "UserProtected",
            "KeyUsageProperty",
        ] {
            let d = lookup_in("NewRequest", key).unwrap_or_else(|| panic!("{key}"));
            assert_eq!(d.effect, Effect::KeyStore, "{key}");
            assert!(d.here.starts_with("No effect"), "{key}: {}", d.here);
            assert!(!d.effect.is_acted_on());
        }
        for key in [
            "NotBefore",
            "NotAfter",
            "ValidityPeriod",
            "ValidityPeriodUnits",
        ] {
            assert_eq!(
                lookup_in("NewRequest", key).map(|d| d.effect),
                Some(Effect::CertOnly)
            );
        }
        for (key, effect) in [
            ("Subject", Effect::Request),
            ("HashAlgorithm", Effect::Request),
            ("Exportable", Effect::Key),
            ("KeyLength", Effect::Key),
            ("KeyAlgorithm", Effect::Key),
            ("FriendlyName", Effect::Entry),
            ("Silent", Effect::NoEffect),
            ("PrivateKeyArchive", Effect::Unsupported),
        ] {
            assert_eq!(
                lookup_in("NewRequest", key).map(|d| d.effect),
                Some(effect),
                "{key}"
            );
        }
        // The one deliberate departure from certreq is stated where users look for it.
        let hash = lookup_in("NewRequest", "HashAlgorithm")
            .map(|d| d.here)
            .unwrap_or("");
        assert!(hash.contains("SHA-1") && hash.contains("SHA-256"), "{hash}");
    }

    #[test]
    fn tokens_resolve_with_any_case_and_blanks() {
        assert_eq!(
            token_doc("2.5.29.17", "IP Address").map(|d| d.token),
            Some("IPAddress")
        );
        assert_eq!(token_doc("2.5.29.17", "dns").map(|d| d.token), Some("DNS"));
        assert_eq!(
            token_doc("2.5.29.17", "RegisteredId").map(|d| d.token),
            Some("RegisteredID")
        );
        assert_eq!(
            token_doc("2.5.29.17", "1.2.3.4").map(|d| d.token),
            Some("{OID}")
        );
        assert_eq!(token_doc("2.5.29.17", "{OID}"), None);
        assert_eq!(
            token_doc("2.5.29.19", "PathLength").map(|d| d.token),
            Some("pathlength")
        );
        assert_eq!(
            token_doc(VALUE_PREFIX, "{TEXT}").map(|d| d.token),
            Some("{text}")
        );
        assert_eq!(token_doc("2.5.29.17", "fax"), None);
        // Every SAN {text} token of the research notes.
        for t in [
            "UPN",
            "Email",
            "DNS",
            "DirectoryName",
            "URL",
            "IPAddress",
            "RegisteredID",
            "GUID",
        ] {
            assert!(token_doc("2.5.29.17", t).is_some(), "{t}");
        }
        assert_eq!(tokens("2.5.29.19").count(), 2);
    }

    #[test]
    fn every_page_fits_78_columns() {
        for d in KEYS {
            let page = render_text(d);
            for line in page.lines() {
                assert!(
                    line.chars().count() <= TEXT_WIDTH,
                    "[{}] {}: {line}",
                    d.section,
                    d.key
                );
            }
        }
        for d in SECTIONS {
            for line in render_section_text(d).lines() {
                assert!(line.chars().count() <= TEXT_WIDTH, "[{}]: {line}", d.name);
            }
        }
    }

    #[test]
    fn render_text_of_exportable() {
        let doc = lookup_in("NewRequest", "Exportable").expect("documented");
        let expected = "\
Exportable in [NewRequest]

Values:   TRUE | FALSE (any letter case; 1 | 0 and YES | NO are read too)
Default:  FALSE
Affects:  key

Whether the private key may later be exported, for example to a .pfx file to
move it to another server. It can only be chosen when the key is made, so it
is ignored together with UseExistingKeySet = TRUE. Leave it FALSE unless the
key really must travel.

In certreq-web: Decides whether the Web Crypto key is extractable. Without it
                the key can sign but can never leave the browser, and no .pfx
                can be made.

Example:
    Exportable = TRUE
";
        assert_eq!(render_text(doc), expected);
    }

    #[test]
    fn render_section_text_lists_the_keys() {
        let doc = section_doc("EnhancedKeyUsageExtension").expect("documented");
        let page = render_section_text(doc);
        assert!(
            page.starts_with("[EnhancedKeyUsageExtension] (optional)\n"),
            "{page}"
        );
        assert!(page.contains("\nKeys: OID, Critical\n"), "{page}");
        assert!(
            page.ends_with(
                "Example:\n    [EnhancedKeyUsageExtension]\n    OID = 1.3.6.1.5.5.7.3.1\n"
            )
        );
    }

    #[test]
    fn help_answers_keys_sections_and_oids() {
        let key = help("exportable").expect("key");
        assert!(key.starts_with("Exportable in [NewRequest]\n"));
        let in_section = help("[EnhancedKeyUsageExtension] critical").expect("key in section");
        assert!(in_section.starts_with("Critical in [EnhancedKeyUsageExtension]\n"));
        let section = help("[Extensions]").expect("section");
        assert!(section.starts_with("[Extensions] (optional)\n"));
        assert!(help("Extensions").is_some_and(|p| p.starts_with("[Extensions]")));
        let oid = help("2.5.29.17").expect("oid");
        assert!(oid.starts_with("2.5.29.17 in [Extensions]\n"));
        assert_eq!(help("Exportabel"), None);
        assert_eq!(help("[Nope"), None);
        assert_eq!(help(""), None);
    }

    #[test]
    fn dotted_oids() {
        assert!(is_dotted_oid("2.5.29.17"));
        assert!(is_dotted_oid("1.2"));
        assert!(!is_dotted_oid("1"));
        assert!(!is_dotted_oid("1..2"));
        assert!(!is_dotted_oid("2.5.29.17."));
        assert!(!is_dotted_oid("%szOID_X%"));
        assert!(!is_dotted_oid(""));
    }
}
