//! certreq-schema: the INF key reference as a schema — every section and key certreq reads
//! for a new request, and every token inside a `{text}` value, with what each acts on here.
//!
//! The lowering (`certreq-request`) is driven by it: a `[NewRequest]` key is known exactly when
//! it is in [`KEYS`], and what the lowering does with it follows its [`Effect`]; a key it
//! accepts but does not act on draws a note that quotes [`KeySchema::here`]. The prose of the
//! reference (what each key means, its values and default, an example, the help pages) is
//! `certreq-keydocs`, kept apart so that a build which shows no documentation (the web app's
//! first download, the embedding module) cannot link it. A test there holds the two tables
//! to the same keys in the same order.
//!
//! Facts (names, values, defaults) come from the public certreq documentation and the research
//! notes; the text is written for this project.

#![forbid(unsafe_code)]

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
    pub const fn is_acted_on(self) -> bool {
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

/// One INF key: where it belongs, its name, what it acts on, and what certreq-web does with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySchema {
    /// The section it belongs in, without brackets (`NewRequest`).
    pub section: &'static str,
    /// The key as Microsoft spells it.
    pub key: &'static str,
    /// What it acts on in certreq-web.
    pub effect: Effect,
    /// What it does in this product, if that differs from Windows (no effect in a browser, …).
    /// In [`KEYS`], only for the keys certreq-web does not act on (the lowering quotes it at
    /// their lines); empty for the others, whose text is the reference's: [`key_here`].
    pub here: &'static str,
}

/// One section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionSchema {
    /// The name without brackets (`NewRequest`).
    pub name: &'static str,
    /// Whether certreq needs it in a request INF.
    pub required: bool,
    /// What it acts on in certreq-web.
    pub effect: Effect,
    /// What certreq-web does with it: empty in [`SECTIONS`], which the lowering reads for
    /// names and effects alone; the reference's text is [`section_here`].
    pub here: &'static str,
}

/// One token inside a value: a `{text}` token of an extension (`dns=` in
/// `2.5.29.17 = "{text}dns=a&dns=b"`), a tag of the `SAN` attribute, or a value prefix
/// (`{text}`, `{hex}`, `{critical}`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenName {
    /// Where the token is used: an extension OID (`2.5.29.17`), [`SAN_ATTRIBUTE`] or
    /// [`VALUE_PREFIX`].
    pub context: &'static str,
    /// The token as usually written.
    pub token: &'static str,
    /// Other accepted spellings (letter case never matters).
    pub also: &'static [&'static str],
}

/// [`TokenName::context`] of the tags in `[RequestAttributes] SAN = "dns=…&upn=…"`.
pub const SAN_ATTRIBUTE: &str = "SAN";
/// [`TokenName::context`] of the `{…}` prefixes that start an `[Extensions]` value.
pub const VALUE_PREFIX: &str = "{}";
/// The pseudo-section of the keys of a policy section named by `Policies =`
/// (`[PolicyStatementExtension]`, `[ApplicationPolicyStatementExtension]`).
pub const POLICY_SECTION: &str = "<policy>";
/// The pseudo-section of the keys of a subtree section named by `[NameConstraintsExtension]`'s
/// `Include =` and `Exclude =`.
pub const SUBTREE_SECTION: &str = "<subtree>";

const fn k(
    section: &'static str,
    key: &'static str,
    effect: Effect,
    here: &'static str,
) -> KeySchema {
    KeySchema {
        section,
        key,
        effect,
        here,
    }
}

const fn s(
    name: &'static str,
    required: bool,
    effect: Effect,
    here: &'static str,
) -> SectionSchema {
    SectionSchema {
        name,
        required,
        effect,
        here,
    }
}

const fn t(context: &'static str, token: &'static str, also: &'static [&'static str]) -> TokenName {
    TokenName {
        context,
        token,
        also,
    }
}

const NR: &str = "NewRequest";
const EXT: &str = "Extensions";
const EKU: &str = "EnhancedKeyUsageExtension";
const RA: &str = "RequestAttributes";
const BC: &str = "BasicConstraintsExtension";
const PS: &str = "PolicyStatementExtension";
const APS: &str = "ApplicationPolicyStatementExtension";

const POLICY_INF_ONLY: &str = "Read by certreq -policy (policy.inf) and applied to the request \
     or certificate it is given. Not read for a new request (whether certreq -new reads it is \
     not known): write the extension as a line in [Extensions] instead.";
const NC: &str = "NameConstraintsExtension";
const PM: &str = "PolicyMappingsExtension";
const PC: &str = "PolicyConstraintsExtension";
const APM: &str = "ApplicationPolicyMappingsExtension";
const APC: &str = "ApplicationPolicyConstraintsExtension";

use Effect::*;

/// Every key, in the order of the reference, with what certreq-web does with each.
const KEYS_IN_FULL: &[KeySchema] = &[
    k(
        "Version",
        "Signature",
        NoEffect,
        "Not checked: an INF is read with any Signature or none, as INFs without [Version] \
         are common.",
    ),
    k(
        NR,
        "Subject",
        Request,
        "Encoded into the request exactly as certreq does it.",
    ),
    k(
        NR,
        "Exportable",
        Key,
        "Decides whether the Web Crypto key is extractable. Without it the key can sign but can \
         never leave the browser, and no .pfx can be made.",
    ),
    k(
        NR,
        "ExportableEncrypted",
        Key,
        "Makes the key extractable, like Exportable = TRUE; every export here is a \
         password-protected .pfx anyway.",
    ),
    k(
        NR,
        "HashAlgorithm",
        Request,
        "One deliberate departure: without this key certreq signs with SHA-1, certreq-web with \
         SHA-256. MD5, MD4 and MD2 are refused because Web Crypto cannot sign with them.",
    ),
    k(
        NR,
        "KeyAlgorithm",
        Key,
        "RSA and the three ECDSA curves are made with Web Crypto (or natively by the CLI). ECDH, \
         DH and DSA keys cannot sign a request here and are refused.",
    ),
    k(
        NR,
        "KeyContainer",
        Key,
        "Names the entry in this browser's key store (or the CLI's file store); with \
         UseExistingKeySet the stored key of that name is reused.",
    ),
    k(
        NR,
        "KeyLength",
        Key,
        "Sets the RSA modulus size of the generated key. For ECDSA it must match the curve if \
         given.",
    ),
    k(
        NR,
        "KeySpec",
        Request,
        "Written into the request's provider attribute and used for the default key usage, as \
         certreq does. The key itself is made the same way either way.",
    ),
    k(
        NR,
        "KeyUsage",
        Request,
        "Encoded as a critical key usage extension, as certreq does.",
    ),
    k(
        NR,
        "KeyUsageProperty",
        KeyStore,
        "No effect: a Web Crypto key's uses are fixed when it is made, and the key made here is \
         always allowed to sign. Use KeyUsage to say what the certificate is for.",
    ),
    k(
        NR,
        "MachineKeySet",
        KeyStore,
        "No effect in a browser: keys live in this browser profile's key store (or the CLI's \
         file store), which has no machine and user split.",
    ),
    k(
        NR,
        "NotBefore",
        CertOnly,
        "Used for RequestType = Cert; ignored with a warning for requests.",
    ),
    k(
        NR,
        "NotAfter",
        CertOnly,
        "Used for RequestType = Cert; ignored with a warning for requests.",
    ),
    k(
        NR,
        "ValidityPeriod",
        CertOnly,
        "Used for RequestType = Cert; ignored with a warning for requests (to ask a CA for a \
         lifetime, use the ValidityPeriod request attribute).",
    ),
    k(
        NR,
        "ValidityPeriodUnits",
        CertOnly,
        "Used for RequestType = Cert; ignored with a warning for requests.",
    ),
    k(
        NR,
        "PrivateKeyArchive",
        Request,
        "TRUE sends the private key to the CA, as certreq does: a CAPI PRIVATEKEYBLOB encrypted \
         to the CA's exchange certificate (EnvelopedData, RSA PKCS #1 v1.5 key transport, 3DES \
         unless EncryptionAlgorithm says AES), carried as an unsigned attribute of the CMC \
         request with its SHA-1 hash among the signed CMC attributes. Only with RequestType = \
         CMC and an RSA key that may be read (not with Exportable = FALSE). The exchange \
         certificate comes from -xchg ExchangeCertFile or from the CA named by -config (CLI). \
         Built by the command line; the web app does not archive keys yet and says so.",
    ),
    k(
        NR,
        "EncryptionAlgorithm",
        Request,
        "Chooses how an archived key is encrypted: 3DES (des-ede3-cbc, the default, as certreq) \
         or AES (CBC); other ciphers are refused. No effect without PrivateKeyArchive = TRUE.",
    ),
    k(
        NR,
        "EncryptionLength",
        Request,
        "The archival cipher's key length: 168 for 3DES; 128, 192 or 256 for AES (256 when not \
         given). No effect without PrivateKeyArchive = TRUE.",
    ),
    k(
        NR,
        "ProviderName",
        KeyStore,
        "No effect: there are no Windows providers in a browser or on Linux; the key is made by \
         Web Crypto (or by the CLI).",
    ),
    k(
        NR,
        "ProviderType",
        KeyStore,
        "No effect: there are no Windows providers in a browser or on Linux.",
    ),
    k(
        NR,
        "RenewalCert",
        Request,
        "Makes a renewal, as certreq does: the certificate (found in the key store by its SHA-1 \
         thumbprint or serial number, blanks and any case allowed) goes whole into the PKCS #10 \
         as the renewal-certificate attribute (1.3.6.1.4.1.311.13.1), and its key signs the \
         wrapper. PKCS7: a SignedData of the request signed by the old key alone, no signed \
         attributes, the old certificate included. CMC: the CMC request signed by the new key \
         and, as a second signer, the old key (certreq's own CMC renewal shows only the first; \
         the second proves the renewal). With UseExistingKeySet = TRUE the old certificate's \
         key is kept. Needs RequestType = PKCS7 or CMC. Built by the command line, and by the \
         web app for a certificate in its store (Renew), whose key signs through Web Crypto.",
    ),
    k(
        NR,
        "RequesterName",
        Request,
        "Makes a request on behalf of that user, signed by an enrollment agent's certificate \
         (the CLI's -cert, which must carry the Certificate Request Agent purpose). PKCS7: the \
         agent signs, with the name in a signed name-value attribute (\"RequesterName\", \
         BMPStrings). CMC: the name goes in an id-cmc-regInfo control \
         (RequesterName=DOMAIN%5Cuser&) and the agent signs beside the request's own key. \
         Ignored with PKCS10, as certreq ignores it. Built by the command line, and by the web \
         app with an agent's certificate from its store, chosen under \"Signed by\".",
    ),
    k(
        NR,
        "RequestType",
        Request,
        "PKCS10 is built as certreq builds it. CMC wraps that request as certreq does (a CMS \
         SignedData of PKIData, signed again by the request's key, and by a certificate's key \
         for a renewal or an enrollment agent; EST is sent the PKCS #10 inside). PKCS7 wraps it \
         in a SignedData of id-data signed by the renewed certificate's key (RenewalCert) or by \
         a signing certificate (the CLI's -cert; with RequesterName, an enrollment agent). Cert \
         makes a certificate (X.509 v3, a random 16-byte serial, the request's extensions, no \
         attributes; one year and 20 minutes unless the validity keys say otherwise), \
         self-signed, or signed by a stored CA certificate with the CLI's -cert (issuer = the \
         CA's subject, authority key identifier = its key's), kept with its key as an issued \
         entry. SCEP is refused. The web app builds PKCS7 for a renewal or a request on behalf \
         of another user; otherwise it writes the PKCS #10 and says so.",
    ),
    k(
        NR,
        "SecurityDescriptor",
        KeyStore,
        "No effect: Web Crypto keys belong to this browser profile and origin (CLI keys: the \
         file's permissions); there are no Windows access lists.",
    ),
    k(
        NR,
        "AlternateSignatureAlgorithm",
        Request,
        "Honoured for RSA keys (PSS with MGF1 and a salt as long as the hash); no effect on ECDSA \
         keys.",
    ),
    k(
        NR,
        "Silent",
        NoEffect,
        "No effect: certreq-web never shows provider prompts.",
    ),
    k(
        NR,
        "SMIME",
        Request,
        "Adds the extension with the same cipher list current certreq writes (RC2, RC4, DES, 3DES).",
    ),
    k(
        NR,
        "UseExistingKeySet",
        Key,
        "Reuses the key stored under KeyContainer in this browser's key store (or the CLI's file \
         store). Not with RequestType = Cert: a self-signed certificate gets a new key, so the \
         stored key keeps the request it is waiting on.",
    ),
    k(
        NR,
        "KeyProtection",
        KeyStore,
        "No effect: a browser has no per-key prompts; keys are protected by the browser profile \
         (CLI: by the file store).",
    ),
    k(
        NR,
        "SuppressDefaults",
        Request,
        "Honoured: the default attributes and extensions are left out.",
    ),
    k(
        NR,
        "FriendlyName",
        Entry,
        "Labels the entry in this browser's key store (or the CLI's file store).",
    ),
    k(
        NR,
        "SubjectNameFlags",
        Unsupported,
        "Not supported: a browser does not know the Windows account. Write Subject and the \
         alternative names explicitly.",
    ),
    k(
        NR,
        "X500NameFlags",
        Request,
        "Applied when the Subject is parsed and encoded.",
    ),
    k(
        NR,
        "UserProtected",
        KeyStore,
        "No effect: a browser has no per-key prompts; keys are protected by the browser profile.",
    ),
    k(
        NR,
        "EncipherOnly",
        NoEffect,
        "No effect: set the usages you want with KeyUsage instead; certreq since Windows Vista \
         refuses this key, so an INF for Windows leaves it out.",
    ),
    k(
        EXT,
        "{OID}",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "_continue_",
        Request,
        "Joined exactly as certreq joins it; a missing & is pointed out.",
    ),
    k(EXT, "Critical", Request, "Honoured."),
    k(
        EXT,
        "2.5.29.17",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "2.5.29.37",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "2.5.29.19",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "2.5.29.32",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "2.5.29.15",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "2.5.29.14",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "2.5.29.35",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "2.5.29.30",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "2.5.29.33",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "2.5.29.36",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "2.5.29.31",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "1.3.6.1.5.5.7.1.1",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "1.3.6.1.4.1.311.21.10",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "1.3.6.1.4.1.311.21.11",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "1.3.6.1.4.1.311.21.12",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EXT,
        "1.3.6.1.4.1.311.20.2",
        Request,
        "Encoded into the request as certreq does. Without this line, a [RequestAttributes] \
         CertificateTemplate adds it, first, as certreq does.",
    ),
    k(
        EXT,
        "1.3.6.1.4.1.311.21.7",
        Request,
        "Encoded into the request as certreq does; never added on its own here.",
    ),
    k(
        EXT,
        "1.2.840.113549.1.9.15",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(
        EKU,
        "OID",
        Request,
        "Encoded into the request as certreq does.",
    ),
    k(EKU, "Critical", Request, "Honoured."),
    k(
        RA,
        "CertificateTemplate",
        Request,
        "Sent as a name-value attribute and, as certreq does, as the template-name extension \
         (1.3.6.1.4.1.311.20.2, a BMPString, first among the extensions) — in RequestType = \
         Cert certificates too, where the other attributes are left out. certreq also adds the \
         template's own extensions by looking it up in Active Directory; certreq-web cannot, and \
         the CA applies the template anyway.",
    ),
    k(
        RA,
        "SAN",
        Request,
        "Sent as a name-value attribute, as certreq does; it is not an extension of the request.",
    ),
    k(
        RA,
        "CertificateUsage",
        Request,
        "Sent as a name-value attribute.",
    ),
    k(
        RA,
        "ValidityPeriod",
        Request,
        "Sent as a name-value attribute.",
    ),
    k(
        RA,
        "ValidityPeriodUnits",
        Request,
        "Sent as a name-value attribute.",
    ),
    k(
        RA,
        "ExpirationDate",
        Request,
        "Sent as a name-value attribute.",
    ),
    k(RA, "CertType", Request, "Sent as a name-value attribute."),
    k(RA, "cdc", Request, "Sent as a name-value attribute."),
    k(RA, "rmd", Request, "Sent as a name-value attribute."),
    k(
        BC,
        "CA",
        Request,
        "Encoded as the extension's cA; without it the request asks for a CA certificate, \
         with a note. Microsoft's reference lists only PathLength and Critical here.",
    ),
    k(
        BC,
        "PathLength",
        Request,
        "Encoded into the basic constraints extension.",
    ),
    k(BC, "Critical", Request, "Honoured."),
    k(
        PS,
        "Policies",
        Request,
        "Encoded into the certificate policies extension.",
    ),
    k(PS, "Critical", Request, "Honoured."),
    k(
        APS,
        "Policies",
        Request,
        "Encoded into the application policies extension.",
    ),
    k(APS, "Critical", Request, "Honoured."),
    k(
        POLICY_SECTION,
        "OID",
        Request,
        "Encoded into the policy extension.",
    ),
    k(
        POLICY_SECTION,
        "Notice",
        Request,
        "Encoded into the policy extension.",
    ),
    k(
        POLICY_SECTION,
        "URL",
        Request,
        "Encoded into the policy extension.",
    ),
    k(
        NC,
        "Include",
        Request,
        "Only with certreq -policy: \
         encoded as the permitted subtrees of the name constraints extension.",
    ),
    k(
        NC,
        "Exclude",
        Request,
        "Only with certreq -policy: \
         encoded as the excluded subtrees of the name constraints extension.",
    ),
    k(
        NC,
        "Critical",
        Request,
        "Only with certreq -policy: \
         honoured; the extension is critical unless this says FALSE (RFC 5280 has CAs mark it \
         critical).",
    ),
    k(
        SUBTREE_SECTION,
        "DNS",
        Request,
        "Only with certreq -policy: \
         encoded as a dNSName subtree.",
    ),
    k(
        SUBTREE_SECTION,
        "Email",
        Request,
        "Only with certreq -policy: \
         encoded as an rfc822Name subtree.",
    ),
    k(
        SUBTREE_SECTION,
        "UPN",
        Request,
        "Only with certreq -policy: \
         encoded as a user-principal-name otherName subtree.",
    ),
    k(
        SUBTREE_SECTION,
        "URL",
        Request,
        "Only with certreq -policy: \
         encoded as a uniformResourceIdentifier subtree.",
    ),
    k(
        SUBTREE_SECTION,
        "IPAddress",
        Request,
        "Only with certreq -policy: \
         encoded as an iPAddress subtree: the address and its mask.",
    ),
    k(
        SUBTREE_SECTION,
        "DirectoryName",
        Request,
        "Only with certreq -policy: \
         encoded as a directoryName subtree, the name read as certreq reads a Subject.",
    ),
    k(
        SUBTREE_SECTION,
        "RegisteredId",
        Request,
        "Only with certreq -policy: \
         encoded as a registeredID subtree.",
    ),
    k(
        PM,
        "{OID}",
        Request,
        "Only with certreq -policy: \
         encoded as one mapping of the policy mappings extension (2.5.29.33).",
    ),
    k(
        PM,
        "Critical",
        Request,
        "Only with certreq -policy: \
         honoured; not critical unless given.",
    ),
    k(
        PC,
        "RequireExplicitPolicy",
        Request,
        "Only with certreq -policy: \
         encoded into the policy constraints extension (2.5.29.36).",
    ),
    k(
        PC,
        "InhibitPolicyMapping",
        Request,
        "Only with certreq -policy: \
         encoded into the policy constraints extension (2.5.29.36).",
    ),
    k(
        PC,
        "Critical",
        Request,
        "Only with certreq -policy: \
         honoured; critical unless this says FALSE (RFC 5280 has CAs mark it critical).",
    ),
    k(
        APM,
        "{OID}",
        Request,
        "Only with certreq -policy: \
         encoded as one mapping of the application policy mappings extension \
         (1.3.6.1.4.1.311.21.11).",
    ),
    k(
        APM,
        "Critical",
        Request,
        "Only with certreq -policy: \
         honoured; not critical unless given.",
    ),
    k(
        APC,
        "RequireExplicitPolicy",
        Request,
        "Only with certreq -policy: \
         encoded into the application policy constraints extension (1.3.6.1.4.1.311.21.12).",
    ),
    k(
        APC,
        "InhibitPolicyMapping",
        Request,
        "Only with certreq -policy: \
         encoded into the application policy constraints extension (1.3.6.1.4.1.311.21.12).",
    ),
    k(
        APC,
        "Critical",
        Request,
        "Only with certreq -policy: \
         honoured; critical unless this says FALSE.",
    ),
    k("Strings", "{name}", Request, "Substituted as certreq does."),
];

/// Every key, in the order of the reference. `here` is kept only where the lowering quotes it
/// (the keys certreq-web does not act on); the text of every other key is the reference's
/// ([`key_here`]), so that a build which lowers INF files but shows no reference (the web
/// app's first download) does not link it: 7 KiB of text, 2 KiB of the gzipped download.
pub static KEYS: &[KeySchema] = &quoted_only::<{ KEYS_IN_FULL.len() }>(KEYS_IN_FULL);

/// `keys` with `here` emptied for the keys certreq-web acts on.
const fn quoted_only<const N: usize>(keys: &[KeySchema]) -> [KeySchema; N] {
    let mut out = [KeySchema {
        section: "",
        key: "",
        effect: Effect::NoEffect,
        here: "",
    }; N];
    let mut i = 0;
    while i < N {
        let key = keys[i];
        out[i] = KeySchema {
            here: if key.effect.is_acted_on() {
                ""
            } else {
                key.here
            },
            ..key
        };
        i += 1;
    }
    out
}

/// What certreq-web does with the key at `index` of [`KEYS`], for every key: the reference's
/// text (`certreq-keydocs`, the help pages).
pub fn key_here(index: usize) -> Option<&'static str> {
    KEYS_IN_FULL.get(index).map(|k| k.here)
}

/// Every section, in the order a typical INF has them.
const SECTIONS_IN_FULL: &[SectionSchema] = &[
    s(
        "Version",
        false,
        NoEffect,
        "Not checked; nothing in it changes the request.",
    ),
    s(
        "NewRequest",
        true,
        Request,
        "Every key is read: those that shape the request or the key are honoured, Windows \
         key-store keys are accepted and explained.",
    ),
    s("Strings", false, Request, "Substituted as certreq does."),
    s(
        "Extensions",
        false,
        Request,
        "Encoded into the request as certreq does.",
    ),
    s(
        "EnhancedKeyUsageExtension",
        false,
        Request,
        "Encoded into the request as certreq does.",
    ),
    s(
        "RequestAttributes",
        false,
        Request,
        "Sent as name-value attributes, as certreq does.",
    ),
    s(
        "BasicConstraintsExtension",
        false,
        Request,
        "Encoded into the request.",
    ),
    s(
        "PolicyStatementExtension",
        false,
        Request,
        "Encoded into the request.",
    ),
    s(
        "ApplicationPolicyStatementExtension",
        false,
        Request,
        "Encoded into the request.",
    ),
    s(
        "NameConstraintsExtension",
        false,
        Unsupported,
        POLICY_INF_ONLY,
    ),
    s(
        "PolicyMappingsExtension",
        false,
        Unsupported,
        POLICY_INF_ONLY,
    ),
    s(
        "PolicyConstraintsExtension",
        false,
        Unsupported,
        POLICY_INF_ONLY,
    ),
    s(
        "ApplicationPolicyMappingsExtension",
        false,
        Unsupported,
        POLICY_INF_ONLY,
    ),
    s(
        "ApplicationPolicyConstraintsExtension",
        false,
        Unsupported,
        POLICY_INF_ONLY,
    ),
];

/// Every section certreq reads; `here` is empty (see [`SectionSchema::here`]), so a build that
/// shows no reference does not link that text.
pub static SECTIONS: &[SectionSchema] =
    &without_text::<{ SECTIONS_IN_FULL.len() }>(SECTIONS_IN_FULL);

const fn without_text<const N: usize>(sections: &[SectionSchema]) -> [SectionSchema; N] {
    let mut out = [SectionSchema {
        name: "",
        required: false,
        effect: Effect::NoEffect,
        here: "",
    }; N];
    let mut i = 0;
    while i < N {
        out[i] = SectionSchema {
            here: "",
            ..sections[i]
        };
        i += 1;
    }
    out
}

/// What certreq-web does with the section at `index` of [`SECTIONS`]: the reference's text.
pub fn section_here(index: usize) -> Option<&'static str> {
    SECTIONS_IN_FULL.get(index).map(|s| s.here)
}

/// Every token inside a value.
pub static TOKENS: &[TokenName] = &[
    t(VALUE_PREFIX, "{text}", &[]),
    t(VALUE_PREFIX, "{hex}", &[]),
    t(VALUE_PREFIX, "{critical}", &[]),
    t(VALUE_PREFIX, "{utf8}", &[]),
    t(VALUE_PREFIX, "{octet}", &[]),
    t(VALUE_PREFIX, "{asn}", &[]),
    t("2.5.29.17", "DNS", &[]),
    t("2.5.29.17", "Email", &[]),
    t("2.5.29.17", "UPN", &[]),
    t("2.5.29.17", "URL", &[]),
    t("2.5.29.17", "IPAddress", &["IP Address"]),
    t("2.5.29.17", "DirectoryName", &[]),
    t("2.5.29.17", "RegisteredID", &["RegisteredId"]),
    t("2.5.29.17", "GUID", &[]),
    t("2.5.29.17", "{OID}", &[]),
    t("2.5.29.19", "ca", &[]),
    t("2.5.29.19", "pathlength", &[]),
    t("2.5.29.32", "OID", &[]),
    t("2.5.29.32", "Notice", &[]),
    t("2.5.29.32", "URL", &[]),
    t("2.5.29.32", "Flags", &[]),
    t("2.5.29.32", "GUID", &[]),
    t("1.3.6.1.4.1.311.21.10", "OID", &[]),
    t("1.3.6.1.4.1.311.21.10", "Notice", &[]),
    t("1.3.6.1.4.1.311.21.10", "URL", &[]),
    t("1.3.6.1.4.1.311.21.10", "Flags", &[]),
    t("1.3.6.1.4.1.311.21.10", "GUID", &[]),
    t("2.5.29.30", "subtree", &[]),
    t("2.5.29.30", "DNS", &[]),
    t("2.5.29.30", "Email", &[]),
    t("2.5.29.30", "UPN", &[]),
    t("2.5.29.30", "URL", &[]),
    t("2.5.29.30", "IPAddress", &["IP Address"]),
    t("2.5.29.30", "DirectoryName", &[]),
    t("2.5.29.30", "RegisteredID", &["RegisteredId"]),
    t(SAN_ATTRIBUTE, "dns", &[]),
    t(SAN_ATTRIBUTE, "email", &[]),
    t(SAN_ATTRIBUTE, "upn", &[]),
    t(SAN_ATTRIBUTE, "ipaddress", &[]),
    t(SAN_ATTRIBUTE, "url", &[]),
    t(SAN_ATTRIBUTE, "guid", &[]),
    t(SAN_ATTRIBUTE, "oid", &[]),
    t(SAN_ATTRIBUTE, "dn", &[]),
];

/// What certreq-web does with `key` of `section` ([`KeySchema::here`]), when the reference
/// says.
pub fn here_note(section: &str, key: &str) -> Option<&'static str> {
    find_key(section, key)
        .and_then(key_here)
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
    KEYS.iter()
        .position(|d| d.section.eq_ignore_ascii_case(section) && d.key == key)
}

/// The documentation of `key` in `section` (brackets optional), case-insensitively. Blanks
/// around the key are ignored, blanks inside it are not: `Key Exportable` is not
/// `Exportable`. In `[Extensions]` any dotted OID without its own page gets the general
/// `{OID}` page; in `[Strings]` every key gets the `{name}` page.
pub fn lookup_in(section: &str, key: &str) -> Option<&'static KeySchema> {
    find_key(section, key).and_then(|i| KEYS.get(i))
}

/// [`lookup_in`]'s answer as an index into [`KEYS`] (and `certreq-keydocs`' prose).
pub fn find_key(section: &str, key: &str) -> Option<usize> {
    let section = bare_section(section);
    let key = key.trim();
    if key.is_empty() {
        return None;
    }
    if let Some(i) = KEYS
        .iter()
        .position(|d| d.section.eq_ignore_ascii_case(section) && d.key.eq_ignore_ascii_case(key))
    {
        return Some(i);
    }
    if is_dotted_oid(key) {
        for with_oids in ["Extensions", PM, APM] {
            if section.eq_ignore_ascii_case(with_oids) {
                return placeholder(with_oids, "{OID}");
            }
        }
    }
    if section.eq_ignore_ascii_case("Strings") {
        return placeholder("Strings", "{name}");
    }
    None
}

fn is_placeholder(key: &str) -> bool {
    key.starts_with('{')
}

/// A section by name (brackets optional, any letter case).
pub fn section(name: &str) -> Option<&'static SectionSchema> {
    find_section(name).and_then(|i| SECTIONS.get(i))
}

/// Whether `name` (brackets optional, any letter case) is a documented section.
pub fn is_section(name: &str) -> bool {
    find_section(name).is_some()
}

pub fn find_section(name: &str) -> Option<usize> {
    let name = bare_section(name);
    SECTIONS
        .iter()
        .position(|s| s.name.eq_ignore_ascii_case(name))
}

/// The known section names, in the order of [`SECTIONS`].
pub fn sections() -> impl Iterator<Item = &'static str> {
    SECTIONS.iter().map(|s| s.name)
}

/// The sections a key is documented in (for "`Subject` belongs in [NewRequest]").
pub fn sections_of(key: &str) -> impl Iterator<Item = &'static str> + '_ {
    let key = key.trim();
    KEYS.iter()
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
pub fn keys_in(section: &str) -> impl Iterator<Item = &'static KeySchema> + '_ {
    section_keys(section).iter()
}

/// The keys documented for a section (brackets optional): the run of the table that holds
/// them, empty for a section the table does not know.
pub fn section_keys(section: &str) -> &'static [KeySchema] {
    let section = bare_section(section);
    // a section's keys stand together in the table (a test holds that); each run's first key
    // names it (the length first: in the size-optimised wasm build the comparison is a call)
    for run in RUNS.windows(2) {
        let keys = run
            .first()
            .zip(run.last())
            .and_then(|(&from, &to)| KEYS.get(from..to))
            .unwrap_or_default();
        if keys.first().is_some_and(|k| {
            k.section.len() == section.len() && k.section.eq_ignore_ascii_case(section)
        }) {
            return keys;
        }
    }
    &[]
}

/// Where each section's run of [`KEYS`] starts, in table order, and last the table's length:
/// worked out when the crate is compiled, so a look-up compares one name a section.
static RUNS: [usize; run_count(KEYS_IN_FULL) + 1] = run_starts(KEYS_IN_FULL);

/// How many runs of one section the table has.
const fn run_count(keys: &[KeySchema]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < keys.len() {
        if i == 0 || !same_text(keys[i - 1].section, keys[i].section) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The index where each run starts, then the table's length.
const fn run_starts<const N: usize>(keys: &[KeySchema]) -> [usize; N] {
    let mut out = [0; N];
    let mut n = 0;
    let mut i = 0;
    while i < keys.len() {
        if i == 0 || !same_text(keys[i - 1].section, keys[i].section) {
            out[n] = i;
            n += 1;
        }
        i += 1;
    }
    out[n] = keys.len();
    out
}

/// `a == b`, for `const` evaluation.
const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The documentation of a token in a value: `context` is an extension OID (`2.5.29.17`),
/// [`SAN_ATTRIBUTE`] or [`VALUE_PREFIX`]. Letter case and blanks do not matter
/// (`IP Address` is `IPAddress`); a dotted OID in a SAN is the otherName token `{OID}`.
/// Application policies (1.3.6.1.4.1.311.21.10) share the tokens of 2.5.29.32.
pub fn token(context: &str, token: &str) -> Option<&'static TokenName> {
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

/// The tokens documented for a context (see [`token`]).
pub fn tokens(context: &str) -> impl Iterator<Item = &'static TokenName> + '_ {
    let context = context.trim();
    TOKENS
        .iter()
        .filter(move |d| d.context.eq_ignore_ascii_case(context))
}

/// Whether `name` is `squashed` once lower-cased without blanks (no allocation).
fn same_squashed(name: &str, squashed: &str) -> bool {
    let mut a = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase());
    let mut b = squashed.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x == y => {}
            _ => return false,
        }
    }
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
    if let Some(n) = names.iter().find(|n| same_squashed(n, &joined)) {
        return Some(n);
    }
    let words: Vec<String> = written.split_whitespace().map(squash).collect();
    if words.len() > 1 {
        let mut best: Option<&'static str> = None;
        for w in &words {
            if let Some(n) = names.iter().find(|n| same_squashed(n, w))
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
        // lengths apart by more than the tolerance are that many edits at least: such a name
        // is skipped before anything is allocated for it (most unknown keys are near no name,
        // and an INF may hold hundreds of thousands of them)
        let len = n.chars().filter(|c| !c.is_whitespace()).count();
        let limit = tolerance(len);
        if tries.iter().all(|t| t.len().abs_diff(len) > limit) {
            continue;
        }
        let name: Vec<char> = squash(n).chars().collect();
        for t in &tries {
            if t.len().abs_diff(name.len()) > limit {
                continue;
            }
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
    let known = is_section(section) || KEYS.iter().any(|d| d.section.eq_ignore_ascii_case(section));
    let mut names: Vec<&'static str> = KEYS
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
