//! certreq-keydocs: the prose of the INF key reference — what every section, key and token
//! means, its values, default and an example — and the help pages made from it
//! (`certreq -new -? Key`, the web app's reference panel through its tools module).
//!
//! The keys themselves, their effects and what certreq-web does with them are
//! `certreq-schema`'s; this crate adds the prose, table by table in the schema's order (a test
//! holds the two to the same names), so that the app's first download, which needs the schema
//! to lower INF files, cannot link the prose.
//!
//! All text here is written for this project; facts (names, values, defaults) come from the
//! public certreq documentation and the research notes.

#![forbid(unsafe_code)]

use certreq_schema as schema;
pub use certreq_schema::{
    Effect, POLICY_SECTION, SAN_ATTRIBUTE, VALUE_PREFIX, is_dotted_oid, suggest, suggest_section,
};

/// Documentation of one INF key: the schema's facts and the reference's prose.
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

/// Documentation of one token inside a value (see `certreq_schema::TokenName`).
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

/// The prose of one key, named by its section and key.
struct KeyProse {
    section: &'static str,
    key: &'static str,
    values: &'static str,
    default: &'static str,
    summary: &'static str,
    example: &'static str,
}

struct SectionProse {
    name: &'static str,
    summary: &'static str,
    example: &'static str,
}

struct TokenProse {
    context: &'static str,
    token: &'static str,
    summary: &'static str,
    example: &'static str,
}

const fn d(
    section: &'static str,
    key: &'static str,
    values: &'static str,
    default: &'static str,
    summary: &'static str,
    example: &'static str,
) -> KeyProse {
    KeyProse {
        section,
        key,
        values,
        default,
        summary,
        example,
    }
}

const fn sd(name: &'static str, summary: &'static str, example: &'static str) -> SectionProse {
    SectionProse {
        name,
        summary,
        example,
    }
}

const fn td(
    context: &'static str,
    token: &'static str,
    summary: &'static str,
    example: &'static str,
) -> TokenProse {
    TokenProse {
        context,
        token,
        summary,
        example,
    }
}

const NR: &str = "NewRequest";
const EXT: &str = "Extensions";
const EKU: &str = "EnhancedKeyUsageExtension";
const RA: &str = "RequestAttributes";
const BC: &str = "BasicConstraintsExtension";
const PS: &str = "PolicyStatementExtension";
const APS: &str = "ApplicationPolicyStatementExtension";
const NC: &str = "NameConstraintsExtension";
const PM: &str = "PolicyMappingsExtension";
const PC: &str = "PolicyConstraintsExtension";
const APM: &str = "ApplicationPolicyMappingsExtension";
const APC: &str = "ApplicationPolicyConstraintsExtension";
use certreq_schema::SUBTREE_SECTION;

const BOOL: &str = "TRUE | FALSE (any letter case; 1 | 0 and YES | NO are read too)";

/// The prose of [`schema::KEYS`], in the same order.
static KEY_PROSE: &[KeyProse] = &[
    d(
        "Version",
        "Signature",
        "\"$Windows NT$\" (the closing quote is often missing; that is accepted)",
        "none: [Version] and its Signature are optional in a request INF",
        "Marks the file as a Windows INF. When a [Version] section is present it should hold \
         this key with the fixed text $Windows NT$. Nothing else about the request depends on it.",
        "Signature = \"$Windows NT$\"",
    ),
    d(
        NR,
        "Subject",
        "a distinguished name such as \"CN=host.example.com,O=Example,C=US\"; attribute \
         names (CN, O, OU, L, S, C, DC, E, …) are read in any case; an empty value gives an \
         empty subject",
        "empty subject",
        "The subject name of the certificate being asked for. Quote the value when it contains \
         commas or blanks; double a quote to put one inside it. certreq encodes the names in the \
         reverse of the written order, as UTF-8 strings except the country. If you leave it out, \
         put the names in a subject alternative name instead.",
        "Subject = \"CN=web01.contoso.com,O=Contoso,C=US\"",
    ),
    d(
        NR,
        "Exportable",
        BOOL,
        "FALSE",
        "Whether the private key may later be exported, for example to a .pfx file to move it to \
         another server. It can only be chosen when the key is made, so it is ignored together \
         with UseExistingKeySet = TRUE. Leave it FALSE unless the key really must travel.",
        "Exportable = TRUE",
    ),
    d(
        NR,
        "ExportableEncrypted",
        BOOL,
        "FALSE",
        "Lets the private key be exported, but only in encrypted form (a password-protected \
         .pfx). Like Exportable, it only applies to a newly made key.",
        "ExportableEncrypted = TRUE",
    ),
    d(
        NR,
        "HashAlgorithm",
        "SHA256 | SHA384 | SHA512 | SHA1 | MD5 | MD4 | MD2 (any letter case)",
        "SHA1 in certreq; SHA256 in certreq-web",
        "The digest used to sign the request, and so its signature algorithm. Pick SHA256 or \
         stronger; SHA1 and the MD family are obsolete and most CAs refuse them.",
        "HashAlgorithm = SHA256",
    ),
    d(
        NR,
        "KeyAlgorithm",
        "RSA | ECDSA_P256 | ECDSA_P384 | ECDSA_P521 (also ECDSA_nistP256, …) | ECDH_P256 | \
         ECDH_P384 | ECDH_P521 | DSA | DH",
        "RSA",
        "The kind of key pair to make. RSA suits everything; ECDSA_P256 and ECDSA_P384 give \
         shorter keys and signatures. The ECDH, DH and DSA names come from Windows key \
         providers.",
        "KeyAlgorithm = ECDSA_P256",
    ),
    d(
        NR,
        "KeyContainer",
        "any name; certreq makes up a GUID-like name such as \
         {C347BD28-7F69-4090-AA16-BC58CF4D749C}",
        "a new, generated name",
        "The name the private key is stored under. Leave it out for a new key; set it, with \
         UseExistingKeySet = TRUE, to reuse a key that is already stored. Quote names with \
         blanks or braces.",
        "KeyContainer = \"{C347BD28-7F69-4090-AA16-BC58CF4D749C}\"",
    ),
    d(
        NR,
        "KeyLength",
        "a number of bits: 2048, 3072, 4096 for RSA; 256, 384, 521 for ECDSA",
        "2048 for RSA (1024 on Windows Server 2003); for ECDSA the curve decides",
        "The size of the key. Longer RSA keys are stronger but slower; 2048 is today's minimum. \
         For an ECDSA key the size follows from KeyAlgorithm.",
        "KeyLength = 2048",
    ),
    d(
        NR,
        "KeySpec",
        "AT_KEYEXCHANGE or 1 | AT_SIGNATURE or 2 | AT_NONE or 0",
        "AT_SIGNATURE (2)",
        "The old CryptoAPI slot of the key: 1 for a key that both encrypts and signs, 2 for a \
         signing-only key. It also decides the default key usage: 0xa0 for an RSA key with 1, \
         else 0x80. \
         Prefer the plain number; a quoted symbolic name has been reported to fail.",
        "KeySpec = 1",
    ),
    d(
        NR,
        "KeyUsage",
        "a number (0xa0) or symbols joined by | inside quotes: \
         CERT_DIGITAL_SIGNATURE_KEY_USAGE (0x80), CERT_NON_REPUDIATION_KEY_USAGE (0x40), \
         CERT_KEY_ENCIPHERMENT_KEY_USAGE (0x20), CERT_DATA_ENCIPHERMENT_KEY_USAGE (0x10), \
         CERT_KEY_AGREEMENT_KEY_USAGE (0x08), CERT_KEY_CERT_SIGN_KEY_USAGE (0x04), \
         CERT_OFFLINE_CRL_SIGN_KEY_USAGE (0x02), CERT_CRL_SIGN_KEY_USAGE (0x02), \
         CERT_ENCIPHER_ONLY_KEY_USAGE (0x01), CERT_DECIPHER_ONLY_KEY_USAGE (0x8000)",
        "from KeySpec: 0xa0 for an RSA key with AT_KEYEXCHANGE, else 0x80; none with \
         SuppressDefaults",
        "The key usage extension to ask for: the sum of the bits for what the key may do. A TLS \
         server RSA key usually needs 0xa0 (digital signature and key encipherment). certreq \
         always marks the extension critical.",
        "KeyUsage = \"CERT_KEY_CERT_SIGN_KEY_USAGE | CERT_CRL_SIGN_KEY_USAGE\"",
    ),
    d(
        NR,
        "KeyUsageProperty",
        "NCRYPT_ALLOW_DECRYPT_FLAG (1) | NCRYPT_ALLOW_SIGNING_FLAG (2) | \
         NCRYPT_ALLOW_KEY_AGREEMENT_FLAG (4) | NCRYPT_ALLOW_ALL_USAGES (0xffffff), or the number",
        "all usages the algorithm allows",
        "Limits what the Windows key provider lets the private key do (decrypt, sign, agree). It \
         is a property of the stored key and does not appear in the request.",
        "KeyUsageProperty = 2",
    ),
    d(
        NR,
        "MachineKeySet",
        BOOL,
        "FALSE",
        "Keeps the key in the computer's store rather than the current user's. Set it when the \
         certificate belongs to a service that runs as the machine: a web server, a domain \
         controller.",
        "MachineKeySet = TRUE",
    ),
    d(
        NR,
        "NotBefore",
        "a date, optionally with a time: 7/24/2025 10:31 AM (month/day/year), 2025-07-24, or \
         with an English month name, which avoids day/month confusion: July 24, 2025",
        "the moment the certificate is made",
        "Start of validity of a self-signed certificate. Only read with RequestType = Cert; a CA \
         sets the dates of the certificates it issues.",
        "NotBefore = \"7/24/2025 10:31 AM\"",
    ),
    d(
        NR,
        "NotAfter",
        "a date, optionally with a time: 7/24/2026 10:31 AM (month/day/year), 2026-07-24, or \
         with an English month name, which avoids day/month confusion: July 24, 2026",
        "NotBefore plus ValidityPeriodUnits × ValidityPeriod (years and months on the \
         calendar), else one year (certreq's own default is not documented)",
        "End of validity of a self-signed certificate. Only read with RequestType = Cert, and \
         not together with ValidityPeriod or ValidityPeriodUnits.",
        "NotAfter = \"7/24/2026 10:31 AM\"",
    ),
    d(
        NR,
        "ValidityPeriod",
        "Years | Months | Weeks | Days | Hours | Minutes | Seconds",
        "none",
        "The unit of ValidityPeriodUnits: together they give the lifetime of a self-signed \
         certificate. Only read with RequestType = Cert.",
        "ValidityPeriod = Years",
    ),
    d(
        NR,
        "ValidityPeriodUnits",
        "a whole number",
        "none",
        "How many ValidityPeriod units a self-signed certificate lasts. Only read with \
         RequestType = Cert.",
        "ValidityPeriodUnits = 2",
    ),
    d(
        NR,
        "PrivateKeyArchive",
        BOOL,
        "FALSE",
        "Sends an encrypted copy of the private key to the CA so that it can be recovered later. \
         It needs RequestType = CMC and the CA's exchange certificate, which certreq takes from \
         -xchg ExchangeCertFile or fetches from the CA.",
        "PrivateKeyArchive = TRUE",
    ),
    d(
        NR,
        "EncryptionAlgorithm",
        "a symmetric cipher name such as 3des or AES",
        "3DES",
        "The cipher that protects the private key when it is archived at the CA. Only read with \
         PrivateKeyArchive = TRUE.",
        "EncryptionAlgorithm = AES",
    ),
    d(
        NR,
        "EncryptionLength",
        "a number of bits, such as 128 or 256",
        "the cipher's (3DES: 168)",
        "The key size of EncryptionAlgorithm for key archival. Only read with PrivateKeyArchive \
         = TRUE.",
        "EncryptionLength = 256",
    ),
    d(
        NR,
        "ProviderName",
        "the display name of a Windows key provider, e.g. \"Microsoft Software Key Storage \
         Provider\", \"Microsoft RSA SChannel Cryptographic Provider\", \"Microsoft Enhanced \
         Cryptographic Provider v1.0\", \"Microsoft Platform Crypto Provider\"",
        "Microsoft Software Key Storage Provider (Microsoft Strong Cryptographic Provider on \
         Windows Server 2003)",
        "Which Windows key provider makes and holds the key: software, TPM, smart card. \
         `certutil -csplist` lists them.",
        "ProviderName = \"Microsoft RSA SChannel Cryptographic Provider\"",
    ),
    d(
        NR,
        "ProviderType",
        "a number: 1 (RSA full), 12 (RSA SChannel), 13 (DSS/DH), 24 (RSA AES), …",
        "chosen from ProviderName",
        "Picks a legacy key provider by the kind of algorithms it offers. Usually given together \
         with ProviderName.",
        "ProviderType = 12",
    ),
    d(
        NR,
        "RenewalCert",
        "the SHA-1 thumbprint of the certificate to renew, or its serial number, in hex; quote it \
         if the bytes are separated by blanks",
        "none (a new request, not a renewal)",
        "Makes a renewal request for a certificate that is still valid and whose key is in the \
         store. The old certificate goes into the request, which is signed with the old key; \
         this needs RequestType = PKCS7 or CMC.",
        "RenewalCert = 4EDF274BD2919C6E9EC6A522F0F3B153E9B1582D",
    ),
    d(
        NR,
        "RequesterName",
        "an account as DOMAIN\\user",
        "none",
        "Asks on behalf of another user. The request must be a PKCS7 or CMC request signed with \
         an Enrollment Agent certificate; with PKCS10 the key is ignored.",
        "RequesterName = \"CONTOSO\\jsmith\"",
    ),
    d(
        NR,
        "RequestType",
        "PKCS10 (1) | PKCS7 (2) | CMC (3) | Cert (4) | SCEP (0xfd00) | PKCS10- (listed by the \
         Windows Server 2003 reference without a meaning; refused here); any letter case",
        "PKCS10",
        "What to produce: a plain PKCS #10 request, a PKCS #7 wrapper (renewal, on behalf of), a \
         CMC request, or, with Cert, a self-signed certificate instead of a request.",
        "RequestType = CMC",
    ),
    d(
        NR,
        "SecurityDescriptor",
        "an SDDL string, e.g. D:P(A;;GA;;;SY)(A;;GA;;;BA)",
        "the store's default access rights",
        "Sets who may use the private key, as a Windows access control list. It only matters \
         for keys in the machine store that are not on a smart card.",
        "SecurityDescriptor = \"D:P(A;;GA;;;SY)(A;;GA;;;BA)\"",
    ),
    d(
        NR,
        "AlternateSignatureAlgorithm",
        BOOL,
        "FALSE",
        "For an RSA key, TRUE signs the request with RSASSA-PSS (PKCS #1 v2.1) instead of \
         PKCS #1 v1.5. Some CAs do not accept PSS.",
        "AlternateSignatureAlgorithm = TRUE",
    ),
    d(
        NR,
        "Silent",
        BOOL,
        "FALSE",
        "Stops the key provider from showing any window, such as a smart card PIN prompt, while \
         the key is made or used. Scripts set it so that nothing waits for a user.",
        "Silent = TRUE",
    ),
    d(
        NR,
        "SMIME",
        BOOL,
        "TRUE with KeySpec = 1 (AT_KEYEXCHANGE), unless SuppressDefaults; else FALSE",
        "Adds the S/MIME capabilities extension (1.2.840.113549.1.9.15), which lists the \
         symmetric ciphers the mail client can decrypt. Mail programs read it to choose a cipher \
         when encrypting to you.",
        "SMIME = TRUE",
    ),
    d(
        NR,
        "UseExistingKeySet",
        BOOL,
        "FALSE",
        "Builds the request for a key that already exists instead of making a new one. Name the \
         key with KeyContainer or RenewalCert; Exportable then has no effect.",
        "UseExistingKeySet = TRUE",
    ),
    d(
        NR,
        "KeyProtection",
        "NCRYPT_UI_NO_PROTECTION_FLAG (0) | NCRYPT_UI_PROTECT_KEY_FLAG (1) | \
         NCRYPT_UI_FORCE_HIGH_PROTECTION_FLAG (2); the XCN_ prefix is accepted too",
        "0 (no protection prompt)",
        "Asks Windows to confirm, or to require a password, whenever the private key is used. \
         With 2 a password is mandatory.",
        "KeyProtection = NCRYPT_UI_PROTECT_KEY_FLAG",
    ),
    d(
        NR,
        "SuppressDefaults",
        BOOL,
        "FALSE",
        "Leaves out what certreq otherwise adds by itself: the OS version, client and provider \
         attributes, the key usage and the subject key identifier extensions. Gives a minimal \
         request holding only what the INF asks for.",
        "SuppressDefaults = TRUE",
    ),
    d(
        NR,
        "FriendlyName",
        "any text",
        "none",
        "A display name for the certificate in the store, to tell it apart from others. It is \
         not sent to the CA.",
        "FriendlyName = \"Web server 2025\"",
    ),
    d(
        NR,
        "SubjectNameFlags",
        "template, or CT_FLAG_* bits: SUBJECT_REQUIRE_COMMON_NAME 0x40000000, \
         SUBJECT_REQUIRE_DIRECTORY_PATH 0x80000000, SUBJECT_REQUIRE_DNS_AS_CN 0x10000000, \
         SUBJECT_REQUIRE_EMAIL 0x20000000, OLD_CERT_SUPPLIES_SUBJECT_AND_ALT_NAME 0x8, \
         SUBJECT_ALT_REQUIRE_DIRECTORY_GUID 0x1000000, …_DNS 0x8000000, …_DOMAIN_DNS 0x400000, \
         …_EMAIL 0x4000000, …_SPN 0x800000, …_UPN 0x2000000",
        "none",
        "Fills the subject and alternative names from the logged-on user or computer account \
         in Active Directory. With the word template, the template's own name flags decide.",
        "SubjectNameFlags = template",
    ),
    d(
        NR,
        "X500NameFlags",
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
        "X500NameFlags = \"CERT_NAME_STR_SEMICOLON_FLAG\"",
    ),
    d(
        NR,
        "UserProtected",
        BOOL,
        "FALSE",
        "Turns on strong key protection: Windows shows a dialog when the key is made and can \
         ask for a password each time it is used. An older switch that KeyProtection replaced.",
        "UserProtected = FALSE",
    ),
    d(
        NR,
        "EncipherOnly",
        BOOL,
        "FALSE",
        "A legacy CryptoAPI switch that limited a key-exchange key to encryption, dropping the \
         signature usages. It is ignored with KeySpec = 2, and certreq since Windows Vista \
         refuses it altogether.",
        "EncipherOnly = FALSE",
    ),
    d(
        EXT,
        "{OID}",
        "base64 of the DER extension value (padding optional), or {hex}…, or {text}… for the \
         OIDs that have a text form; {critical} may come first",
        "none",
        "Any extension, keyed by its dotted OID, goes into the request as written. Split long \
         values over _continue_ lines and mark extensions critical with Critical.",
        "1.3.6.1.4.1.99999.1 = \"{hex}0c 05 68 65 6c 6c 6f\"",
    ),
    d(
        EXT,
        "_continue_",
        "more text for the value of the extension line above",
        "none",
        "Appends its value to the previous extension line, with no separator added. Write the & \
         (SAN) or the comma (EKU) yourself at the end of the previous piece.",
        "_continue_ = \"dns=www.contoso.com&\"",
    ),
    d(
        EXT,
        "Critical",
        "one OID or several separated by commas",
        "only the extensions marked {critical} (and certreq's key usage) are critical",
        "Marks the listed extensions of this section critical: a program that does not \
         understand a critical extension must reject the certificate.",
        "Critical = 2.5.29.17,2.5.29.19",
    ),
    d(
        EXT,
        "2.5.29.17",
        "{text}token=value&token=value… with the tokens DNS, Email, UPN, URL, IPAddress, \
         DirectoryName, RegisteredID, GUID or a dotted OID; or base64 / {hex} DER",
        "none",
        "Subject alternative name: the host names, addresses and accounts the certificate is \
         valid for. TLS clients check host names here, not in the subject. Join the names with \
         &.",
        "2.5.29.17 = \"{text}dns=www.contoso.com&dns=contoso.com\"",
    ),
    d(
        EXT,
        "2.5.29.37",
        "{text}oid,oid,… (purpose OIDs separated by commas); or base64 / {hex} DER",
        "none",
        "Enhanced key usage: what the certificate may be used for, such as server authentication \
         1.3.6.1.5.5.7.3.1 or client authentication 1.3.6.1.5.5.7.3.2. The same as \
         [EnhancedKeyUsageExtension]; use one or the other.",
        "2.5.29.37 = \"{text}1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2\"",
    ),
    d(
        EXT,
        "2.5.29.19",
        "{text}ca=TRUE|FALSE&pathlength=N (both optional; 1 and 0 also work); or base64 / {hex} \
         DER",
        "none",
        "Basic constraints: whether the subject is a CA and how many CA levels may follow below \
         it. An empty {text} makes an end-entity value.",
        "2.5.29.19 = \"{critical}{text}ca=TRUE&pathlength=0\"",
    ),
    d(
        EXT,
        "2.5.29.32",
        "{text}OID=oid&Notice=text&URL=url… (each OID followed by its Notice, URL, Flags and GUID \
         tokens); or base64 / {hex} DER",
        "none",
        "Certificate policies: the policy OIDs the certificate is issued under, each optionally \
         with a user notice text and a link to the practice statement.",
        "2.5.29.32 = \"{text}OID=2.5.29.32.0&URL=http://pki.contoso.com/cps\"",
    ),
    d(
        EXT,
        "2.5.29.15",
        "base64 or {hex} of the DER BIT STRING (AwIFoA== is 0xa0)",
        "certreq adds a critical key usage from KeyUsage or KeySpec",
        "Key usage written by hand. Usually the KeyUsage key is simpler; give one or the other, \
         not both.",
        "2.5.29.15 = AwIFoA==",
    ),
    d(
        EXT,
        "2.5.29.14",
        "base64 or {hex} of the DER OCTET STRING",
        "certreq adds the SHA-1 hash of the public key",
        "Subject key identifier. certreq computes one from the public key on its own, so writing \
         it by hand is rarely useful.",
        "2.5.29.14 = \"{hex}04 04 01 02 03 04\"",
    ),
    d(
        EXT,
        "2.5.29.35",
        "base64 or {hex} of the DER AuthorityKeyIdentifier",
        "none",
        "Authority key identifier: which CA key signs the certificate. Mostly useful with \
         RequestType = Cert for a certificate signed by another of your certificates.",
        "2.5.29.35 = \"{hex}30 06 80 04 01 02 03 04\"",
    ),
    d(
        EXT,
        "2.5.29.30",
        "{text}subtree=Include or subtree=Exclude, each followed by DNS, Email, UPN, URL, \
         IPAddress (address,mask), DirectoryName or RegisteredID tokens, all joined by &; or \
         base64 / {hex} DER",
        "none",
        "Name constraints, for a CA certificate: the names the CA may (Include) or may not \
         (Exclude) issue for. Each subtree= token starts a new list.",
        "2.5.29.30 = \"{text}subtree=include&dns=contoso.com\"",
    ),
    d(
        EXT,
        "2.5.29.33",
        "{text}issuerPolicyOid=subjectPolicyOid&…; or base64 / {hex} DER",
        "none",
        "Policy mappings, for a CA certificate: which policy of the issuing domain counts as \
         which policy of the subject's domain.",
        "2.5.29.33 = \"{text}1.2.3.4=1.2.3.5\"",
    ),
    d(
        EXT,
        "2.5.29.36",
        "base64 or {hex} of the DER PolicyConstraints",
        "none",
        "Policy constraints, for a CA certificate: after how many certificates an explicit \
         policy is required or policy mapping is forbidden.",
        "2.5.29.36 = \"{hex}30 03 80 01 00\"",
    ),
    d(
        EXT,
        "2.5.29.31",
        "base64 or {hex} of the DER CRLDistributionPoints",
        "none",
        "CRL distribution points: where to download the revocation list. CAs normally add this \
         themselves.",
        "2.5.29.31 = \"{hex}30 00\"",
    ),
    d(
        EXT,
        "1.3.6.1.5.5.7.1.1",
        "base64 or {hex} of the DER AuthorityInfoAccess",
        "none",
        "Authority information access: where to find the issuer's certificate and its OCSP \
         responder. CAs normally add this themselves.",
        "1.3.6.1.5.5.7.1.1 = \"{hex}30 00\"",
    ),
    d(
        EXT,
        "1.3.6.1.4.1.311.21.10",
        "{text}OID=oid&… (like 2.5.29.32); or base64 / {hex} DER",
        "none",
        "Application policies, Microsoft's counterpart of enhanced key usage that Windows CAs \
         evaluate alongside it.",
        "1.3.6.1.4.1.311.21.10 = \"{text}OID=1.3.6.1.5.5.7.3.1\"",
    ),
    d(
        EXT,
        "1.3.6.1.4.1.311.21.11",
        "{text}issuerOid=subjectOid&…; or base64 / {hex} DER",
        "none",
        "Application policy mappings, for a CA certificate: the application policy counterpart \
         of 2.5.29.33.",
        "1.3.6.1.4.1.311.21.11 = \"{text}1.2.3.4=1.2.3.5\"",
    ),
    d(
        EXT,
        "1.3.6.1.4.1.311.21.12",
        "base64 or {hex} of the DER value",
        "none",
        "Application policy constraints, for a CA certificate: the application policy \
         counterpart of 2.5.29.36.",
        "1.3.6.1.4.1.311.21.12 = \"{hex}30 03 80 01 00\"",
    ),
    d(
        EXT,
        "1.3.6.1.4.1.311.20.2",
        "base64 or {hex} of a DER BMPString holding the template name",
        "none",
        "Certificate template name as an extension (version 1 templates). Usually the \
         CertificateTemplate request attribute is the way to name a template.",
        "1.3.6.1.4.1.311.20.2 = \"{hex}1e 08 00 55 00 73 00 65 00 72\"",
    ),
    d(
        EXT,
        "1.3.6.1.4.1.311.21.7",
        "base64 or {hex} of the DER template OID with optional major and minor versions",
        "none",
        "Certificate template information as an extension (version 2 and later templates): the \
         template's OID and version.",
        "1.3.6.1.4.1.311.21.7 = \"{hex}30 05 06 03 2a 03 04\"",
    ),
    d(
        EXT,
        "1.2.840.113549.1.9.15",
        "base64 or {hex} of the DER SMIMECapabilities",
        "none (SMIME = TRUE adds it)",
        "S/MIME capabilities written by hand. The SMIME key is the simpler way.",
        "1.2.840.113549.1.9.15 = \"{hex}30 00\"",
    ),
    d(
        EKU,
        "OID",
        "one dotted purpose OID per line; repeat the key for more",
        "none",
        "Adds one purpose to the enhanced key usage extension, for example 1.3.6.1.5.5.7.3.1 \
         (server authentication) or 1.3.6.1.5.5.7.3.2 (client authentication). Write one OID = \
         line for each purpose.",
        "OID = 1.3.6.1.5.5.7.3.1",
    ),
    d(
        EKU,
        "Critical",
        BOOL,
        "FALSE",
        "Marks the enhanced key usage extension critical.",
        "Critical = FALSE",
    ),
    d(
        RA,
        "CertificateTemplate",
        "the template's short (common) name or its OID, not its display name",
        "none",
        "Tells an enterprise CA which certificate template to issue from. `certutil -template` \
         lists the names. A stand-alone CA ignores it.",
        "CertificateTemplate = WebServer",
    ),
    d(
        RA,
        "SAN",
        "tag=value pairs joined by &; tags: dns, email, upn, ipaddress, url, guid, oid, dn",
        "none",
        "Asks the CA to put these subject alternative names in the certificate. The CA only \
         honours it when configured to accept names from request attributes; a 2.5.29.17 line \
         in [Extensions] is the more reliable way.",
        "SAN = \"dns=www.contoso.com&dns=contoso.com\"",
    ),
    d(
        RA,
        "CertificateUsage",
        "purpose OIDs separated by commas",
        "none",
        "Asks the CA for these enhanced key usages. Whether the CA follows it depends on its \
         policy.",
        "CertificateUsage = \"1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2\"",
    ),
    d(
        RA,
        "ValidityPeriod",
        "Seconds | Minutes | Hours | Days | Weeks | Months | Years",
        "none",
        "With ValidityPeriodUnits, asks the CA for a certificate lifetime. The CA honours it \
         only when configured to.",
        "ValidityPeriod = Years",
    ),
    d(
        RA,
        "ValidityPeriodUnits",
        "a whole number",
        "none",
        "How many ValidityPeriod units of lifetime to ask the CA for.",
        "ValidityPeriodUnits = 2",
    ),
    d(
        RA,
        "ExpirationDate",
        "an HTTP-style date: Tue, 21 Jul 2026 10:00:00 GMT",
        "none",
        "Asks the CA for a fixed expiry date. The CA honours it only when configured to.",
        "ExpirationDate = \"Tue, 21 Jul 2026 10:00:00 GMT\"",
    ),
    d(
        RA,
        "CertType",
        "server",
        "none",
        "Tells the CA what kind of certificate a browser-generated (keygen) request is for.",
        "CertType = server",
    ),
    d(
        RA,
        "cdc",
        "a domain controller's DNS name",
        "none",
        "Names the domain controller the CA should ask about the requester.",
        "cdc = dc01.contoso.com",
    ),
    d(
        RA,
        "rmd",
        "a computer's DNS name",
        "none",
        "Names the computer the request comes from, for the CA's records and policy.",
        "rmd = ws01.contoso.com",
    ),
    d(
        BC,
        "CA",
        BOOL,
        "TRUE (the section is meant for CAs)",
        "Whether the certificate is a CA's (cA in the extension). FALSE makes the extension \
         say the subject is not a CA; PathLength then has no place.",
        "CA = TRUE",
    ),
    d(
        BC,
        "PathLength",
        "a whole number",
        "no limit",
        "How many levels of CA may exist below this CA. 0 means it may only issue to end \
         entities.",
        "PathLength = 0",
    ),
    d(
        BC,
        "Critical",
        BOOL,
        "TRUE",
        "Marks the basic constraints extension critical, as a CA certificate should have it.",
        "Critical = TRUE",
    ),
    d(
        PS,
        "Policies",
        "names of sections separated by commas; each section describes one policy",
        "none",
        "Lists the policies to put in the certificate policies extension. Each name refers to a \
         section of its own holding OID, Notice and URL lines.",
        "Policies = LegalPolicy",
    ),
    d(
        PS,
        "Critical",
        BOOL,
        "FALSE",
        "Marks the certificate policies extension critical.",
        "Critical = FALSE",
    ),
    d(
        APS,
        "Policies",
        "names of sections separated by commas; each section describes one policy",
        "none",
        "Lists the application policies to put in Microsoft's application policies extension. \
         Each name refers to a section of its own holding OID, Notice and URL lines.",
        "Policies = ServerAuthPolicy",
    ),
    d(
        APS,
        "Critical",
        BOOL,
        "FALSE",
        "Marks the application policies extension critical.",
        "Critical = FALSE",
    ),
    d(
        POLICY_SECTION,
        "OID",
        "a dotted policy OID",
        "none",
        "The OID of the policy this section describes. The section's name is listed in \
         Policies = of a policy statement section.",
        "OID = 1.3.6.1.4.1.311.21.8.1",
    ),
    d(
        POLICY_SECTION,
        "Notice",
        "text, quoted when it has blanks",
        "none",
        "A short statement shown to relying parties, stored as a user notice qualifier of the \
         policy. Several Notice lines are allowed.",
        "Notice = \"Issued for internal use only\"",
    ),
    d(
        POLICY_SECTION,
        "URL",
        "a URL, quoted when it has blanks",
        "none",
        "Where the practice statement of the policy can be read, stored as a CPS qualifier. \
         Several URL lines are allowed.",
        "URL = \"http://pki.contoso.com/cps.html\"",
    ),
    d(
        NC,
        "Include",
        "names of sections, separated by commas, each listing names",
        "none",
        "The names the CA may issue for: each line of the named sections (DNS = example.com, \
         Email = example.com, IPAddress = 10.0.0.0, 255.0.0.0, …) becomes a permitted subtree.",
        "Include = PermittedNames",
    ),
    d(
        NC,
        "Exclude",
        "names of sections, separated by commas, each listing names",
        "none",
        "The names the CA may not issue for: each line of the named sections becomes an excluded \
         subtree.",
        "Exclude = ExcludedNames",
    ),
    d(
        NC,
        "Critical",
        BOOL,
        "TRUE here (RFC 5280 has CAs mark name constraints critical)",
        "Marks the name constraints extension critical.",
        "Critical = TRUE",
    ),
    d(
        SUBTREE_SECTION,
        "DNS",
        "a DNS domain; every name in it and below it matches",
        "none",
        "A DNS name subtree: example.com covers example.com and host.example.com.",
        "DNS = example.com",
    ),
    d(
        SUBTREE_SECTION,
        "Email",
        "a mailbox, a host, or a domain starting with a dot",
        "none",
        "An email address subtree (rfc822Name).",
        "Email = example.com",
    ),
    d(
        SUBTREE_SECTION,
        "UPN",
        "a user principal name or its domain",
        "none",
        "A user principal name subtree (the UPN other name).",
        "UPN = example.com",
    ),
    d(
        SUBTREE_SECTION,
        "URL",
        "a host or a domain starting with a dot",
        "none",
        "A URI subtree: the host part of URLs must fall in it.",
        "URL = .example.com",
    ),
    d(
        SUBTREE_SECTION,
        "IPAddress",
        "an address and a mask separated by a comma, IPv4 or IPv6",
        "none",
        "An IP address range subtree.",
        "IPAddress = 10.0.0.0, 255.0.0.0",
    ),
    d(
        SUBTREE_SECTION,
        "DirectoryName",
        "a distinguished name in Subject syntax, quoted",
        "none",
        "A directory name subtree: every name under this one.",
        "DirectoryName = \"O=Contoso, C=US\"",
    ),
    d(
        SUBTREE_SECTION,
        "RegisteredId",
        "a dotted OID",
        "none",
        "A registered identifier subtree.",
        "RegisteredId = 1.2.3.4",
    ),
    d(
        PM,
        "{OID}",
        "the subject CA's policy OID, with the issuer's policy OID as the key",
        "none",
        "Says that the issuing CA's policy (the key) is the same as the subject CA's (the \
         value), for a cross-certificate or subordinate CA.",
        "1.3.6.1.4.1.311.21.8.1 = 1.3.6.1.4.1.311.21.8.2",
    ),
    d(
        PM,
        "Critical",
        BOOL,
        "FALSE",
        "Marks the policy mappings extension critical.",
        "Critical = FALSE",
    ),
    d(
        PC,
        "RequireExplicitPolicy",
        "a whole number of certificates",
        "none",
        "How many certificates below this CA may follow before every certificate must name an \
         acceptable policy.",
        "RequireExplicitPolicy = 0",
    ),
    d(
        PC,
        "InhibitPolicyMapping",
        "a whole number of certificates",
        "none",
        "How many certificates below this CA may follow before policy mapping stops being \
         allowed.",
        "InhibitPolicyMapping = 0",
    ),
    d(
        PC,
        "Critical",
        BOOL,
        "TRUE here (RFC 5280 has CAs mark policy constraints critical)",
        "Marks the policy constraints extension critical.",
        "Critical = TRUE",
    ),
    d(
        APM,
        "{OID}",
        "the subject CA's application policy OID, with the issuer's as the key",
        "none",
        "Maps one application policy of the issuing CA to one of the subject CA, in Microsoft's \
         application policy mappings extension.",
        "1.3.6.1.5.5.7.3.1 = 1.3.6.1.5.5.7.3.1",
    ),
    d(
        APM,
        "Critical",
        BOOL,
        "FALSE",
        "Marks the application policy mappings extension critical.",
        "Critical = FALSE",
    ),
    d(
        APC,
        "RequireExplicitPolicy",
        "a whole number of certificates",
        "none",
        "The application-policy version of RequireExplicitPolicy.",
        "RequireExplicitPolicy = 0",
    ),
    d(
        APC,
        "InhibitPolicyMapping",
        "a whole number of certificates",
        "none",
        "The application-policy version of InhibitPolicyMapping.",
        "InhibitPolicyMapping = 0",
    ),
    d(
        APC,
        "Critical",
        BOOL,
        "TRUE here",
        "Marks the application policy constraints extension critical.",
        "Critical = TRUE",
    ),
    d(
        "Strings",
        "{name}",
        "any text; quote it to keep blanks at either end",
        "none",
        "Defines a name that can be written as %name% anywhere else in the file, in keys and \
         values alike. Write %% for a literal percent sign.",
        "szOID_SUBJECT_ALT_NAME2 = \"2.5.29.17\"",
    ),
];

/// The prose of [`schema::SECTIONS`], in the same order.
static SECTION_PROSE: &[SectionProse] = &[
    sd(
        "Version",
        "The INF header. Optional for certreq; when present it holds Signature = \
         \"$Windows NT$\".",
        "[Version]\nSignature = \"$Windows NT$\"",
    ),
    sd(
        "NewRequest",
        "Describes the request and its key: subject, key algorithm and size, hash, request \
         type. An INF for certreq -new must have this section with at least one key in it.",
        "[NewRequest]\nSubject = \"CN=web01.contoso.com\"",
    ),
    sd(
        "Strings",
        "Defines names for texts, mostly OIDs, that the rest of the file uses as %name%. Any key \
         name may be defined here.",
        "[Strings]\nszOID_ENHANCED_KEY_USAGE = \"2.5.29.37\"",
    ),
    sd(
        "Extensions",
        "Adds extensions to the request, one line per extension keyed by its OID, with \
         _continue_ lines for long values and Critical to mark extensions critical. Needs \
         certreq from Windows Vista or later.",
        "[Extensions]\n2.5.29.17 = \"{text}dns=www.contoso.com\"",
    ),
    sd(
        "EnhancedKeyUsageExtension",
        "Builds the enhanced key usage extension from one OID = line per purpose. Do not also \
         write a 2.5.29.37 line in [Extensions].",
        "[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.1",
    ),
    sd(
        "RequestAttributes",
        "Name-value pairs for the CA, such as CertificateTemplate and SAN. Each line is sent as \
         it is; any name is allowed, and the same pairs can be given to certreq -submit -attrib.",
        "[RequestAttributes]\nCertificateTemplate = WebServer",
    ),
    sd(
        "BasicConstraintsExtension",
        "Builds the basic constraints extension of a CA certificate: PathLength and Critical \
         (and CA, which certreq-web reads too). \
         The same can be written as a 2.5.29.19 line in [Extensions].",
        "[BasicConstraintsExtension]\nPathLength = 0",
    ),
    sd(
        "PolicyStatementExtension",
        "Builds the certificate policies extension. Policies = names one section per policy, \
         and each of those sections gives the policy's OID, Notice and URL lines.",
        "[PolicyStatementExtension]\nPolicies = LegalPolicy",
    ),
    sd(
        "ApplicationPolicyStatementExtension",
        "Builds Microsoft's application policies extension, the same way \
         [PolicyStatementExtension] builds certificate policies.",
        "[ApplicationPolicyStatementExtension]\nPolicies = ServerAuthPolicy",
    ),
    sd(
        "NameConstraintsExtension",
        "Name constraints for a cross-certificate or subordinate CA, with Include and Exclude \
         naming sections of permitted and excluded names. Read from a policy file \
         (certreq -policy) only.",
        "[NameConstraintsExtension]\nInclude = PermittedNames",
    ),
    sd(
        "PolicyMappingsExtension",
        "Policy mappings for a cross-certificate or subordinate CA. Read from a policy file \
         (certreq -policy) only.",
        "[PolicyMappingsExtension]\n1.2.3.4 = 1.2.3.5",
    ),
    sd(
        "PolicyConstraintsExtension",
        "Policy constraints for a CA: RequireExplicitPolicy and InhibitPolicyMapping. Read from \
         a policy file (certreq -policy) only.",
        "[PolicyConstraintsExtension]\nRequireExplicitPolicy = 0",
    ),
    sd(
        "ApplicationPolicyMappingsExtension",
        "Application policy mappings for a cross-certificate or subordinate CA. Read from a \
         policy file (certreq -policy) only.",
        "[ApplicationPolicyMappingsExtension]\n1.2.3.4 = 1.2.3.5",
    ),
    sd(
        "ApplicationPolicyConstraintsExtension",
        "Application policy constraints for a CA. Read from a policy file (certreq -policy) \
         only.",
        "[ApplicationPolicyConstraintsExtension]\nRequireExplicitPolicy = 0",
    ),
];

/// The prose of [`schema::TOKENS`], in the same order.
static TOKEN_PROSE: &[TokenProse] = &[
    td(
        VALUE_PREFIX,
        "{text}",
        "The rest is the extension's text form: name=value tokens \
      joined by & (or OIDs joined by commas for 2.5.29.37).",
        "2.5.29.17 = \"{text}dns=a.example\"",
    ),
    td(
        VALUE_PREFIX,
        "{hex}",
        "The rest is DER written as hex bytes; blanks between bytes \
      are allowed.",
        "2.5.29.15 = \"{hex}03 02 05 a0\"",
    ),
    td(
        VALUE_PREFIX,
        "{critical}",
        "Marks the extension critical. It goes first, right \
      after the =, before any other prefix.",
        "2.5.29.19 = \"{critical}{text}ca=TRUE\"",
    ),
    td(
        VALUE_PREFIX,
        "{utf8}",
        "Inside a SAN OID token: the value is text, encoded as a \
      UTF8String.",
        "1.2.3.4={utf8}Some text",
    ),
    td(
        VALUE_PREFIX,
        "{octet}",
        "Inside a SAN OID token: the value is base64 (or {hex}) \
      bytes, wrapped in an OCTET STRING.",
        "1.2.3.4={octet}AAECAw==",
    ),
    td(
        VALUE_PREFIX,
        "{asn}",
        "Inside a SAN OID token: the value is base64 (or {hex}) of \
      complete DER, used as it is.",
        "1.2.3.4={asn}BAIAAQ==",
    ),
    td(
        "2.5.29.17",
        "DNS",
        "A host name (dNSName). Wildcards such as *.contoso.com are \
      passed as written.",
        "dns=www.contoso.com",
    ),
    td(
        "2.5.29.17",
        "Email",
        "An e-mail address (rfc822Name).",
        "email=jsmith@contoso.com",
    ),
    td(
        "2.5.29.17",
        "UPN",
        "A Windows user principal name, as a Microsoft otherName \
      (1.3.6.1.4.1.311.20.2.3) holding UTF-8 text. Service principal names are written here too.",
        "upn=jsmith@contoso.com",
    ),
    td(
        "2.5.29.17",
        "URL",
        "A URI (uniformResourceIdentifier).",
        "url=https://www.contoso.com/",
    ),
    td(
        "2.5.29.17",
        "IPAddress",
        "An IPv4 or IPv6 address (iPAddress).",
        "ipaddress=192.168.1.10",
    ),
    td(
        "2.5.29.17",
        "DirectoryName",
        "A distinguished name (directoryName), written like \
      Subject, without quotes of its own inside the {text} value.",
        "DirectoryName=CN=web01,DC=contoso,DC=com",
    ),
    td(
        "2.5.29.17",
        "RegisteredID",
        "An OID used as a name (registeredID).",
        "RegisteredID=1.2.3.4",
    ),
    td(
        "2.5.29.17",
        "GUID",
        "An Active Directory object GUID, as a Microsoft otherName \
      (1.3.6.1.4.1.311.25.1).",
        "guid=f7c3ac41-b8ce-4fb4-aa58-3d1dc0e36b39",
    ),
    td(
        "2.5.29.17",
        "{OID}",
        "Any other otherName: the dotted OID, then a {utf8}, \
      {octet}, {asn} or {hex} value.",
        "1.2.3.4={utf8}Some text",
    ),
    td(
        "2.5.29.19",
        "ca",
        "Whether the subject is a CA: TRUE or FALSE (1 or 0).",
        "ca=TRUE",
    ),
    td(
        "2.5.29.19",
        "pathlength",
        "How many CA levels may follow below; only with ca=TRUE.",
        "pathlength=0",
    ),
    td(
        "2.5.29.32",
        "OID",
        "Starts a policy; the tokens after it belong to it.",
        "OID=1.3.6.1.4.1.311.21.8.1",
    ),
    td(
        "2.5.29.32",
        "Notice",
        "A user notice text for the policy before it.",
        "Notice=Internal use only",
    ),
    td(
        "2.5.29.32",
        "URL",
        "A link to the practice statement of the policy before it.",
        "URL=http://pki.contoso.com/cps",
    ),
    td(
        "2.5.29.32",
        "Flags",
        "Qualifier flags for the policy before it, in hex. Read but not written here: a \
         warning says it has no effect.",
        "Flags=0x0",
    ),
    td(
        "2.5.29.32",
        "GUID",
        "A GUID qualifier for the policy before it. Read but not written here: a warning \
         says it has no effect.",
        "GUID=f7c3ac41-b8ce-4fb4-aa58-3d1dc0e36b39",
    ),
    td(
        "1.3.6.1.4.1.311.21.10",
        "OID",
        "Starts an application policy; the tokens after it \
      belong to it.",
        "OID=1.3.6.1.5.5.7.3.1",
    ),
    td(
        "1.3.6.1.4.1.311.21.10",
        "Notice",
        "A user notice text for the policy before it.",
        "Notice=Internal use only",
    ),
    td(
        "1.3.6.1.4.1.311.21.10",
        "URL",
        "A link to the practice statement of the policy \
      before it.",
        "URL=http://pki.contoso.com/cps",
    ),
    td(
        "1.3.6.1.4.1.311.21.10",
        "Flags",
        "Qualifier flags for the policy before it, in hex. Read but not written here: a \
         warning says it has no effect.",
        "Flags=0x0",
    ),
    td(
        "1.3.6.1.4.1.311.21.10",
        "GUID",
        "A GUID qualifier for the policy before it. Read but not written here: a warning \
         says it has no effect.",
        "GUID=f7c3ac41-b8ce-4fb4-aa58-3d1dc0e36b39",
    ),
    td(
        "2.5.29.30",
        "subtree",
        "Include or Exclude: whether the names that follow are \
      permitted or excluded.",
        "subtree=Include",
    ),
    td(
        "2.5.29.30",
        "DNS",
        "A permitted or excluded DNS domain.",
        "dns=contoso.com",
    ),
    td(
        "2.5.29.30",
        "Email",
        "A permitted or excluded mail domain or address.",
        "email=contoso.com",
    ),
    td(
        "2.5.29.30",
        "UPN",
        "A permitted or excluded UPN suffix.",
        "upn=contoso.com",
    ),
    td(
        "2.5.29.30",
        "URL",
        "A permitted or excluded URI host.",
        "url=contoso.com",
    ),
    td(
        "2.5.29.30",
        "IPAddress",
        "A permitted or excluded address range, \
      written address,mask.",
        "ipaddress=10.0.0.0,255.0.0.0",
    ),
    td(
        "2.5.29.30",
        "DirectoryName",
        "A permitted or excluded directory subtree.",
        "DirectoryName=\"DC=contoso,DC=com\"",
    ),
    td(
        "2.5.29.30",
        "RegisteredID",
        "A permitted or excluded registered ID.",
        "RegisteredID=1.2.3.4",
    ),
    td(SAN_ATTRIBUTE, "dns", "A host name.", "dns=www.contoso.com"),
    td(
        SAN_ATTRIBUTE,
        "email",
        "An e-mail address.",
        "email=jsmith@contoso.com",
    ),
    td(
        SAN_ATTRIBUTE,
        "upn",
        "A Windows user principal name.",
        "upn=jsmith@contoso.com",
    ),
    td(
        SAN_ATTRIBUTE,
        "ipaddress",
        "An IP address.",
        "ipaddress=192.168.1.10",
    ),
    td(
        SAN_ATTRIBUTE,
        "url",
        "A URI.",
        "url=https://www.contoso.com/",
    ),
    td(
        SAN_ATTRIBUTE,
        "guid",
        "An Active Directory object GUID.",
        "guid=f7c3ac41-b8ce-4fb4-aa58-3d1dc0e36b39",
    ),
    td(
        SAN_ATTRIBUTE,
        "oid",
        "An OID used as a name (registered ID).",
        "oid=1.2.3.4",
    ),
    td(
        SAN_ATTRIBUTE,
        "dn",
        "A distinguished name; quote it.",
        "dn=\"CN=web01,DC=contoso,DC=com\"",
    ),
];

/// The key at `i` of the schema, with its prose.
fn key_doc(i: usize) -> Option<KeyDoc> {
    let (s, p) = (schema::KEYS.get(i)?, KEY_PROSE.get(i)?);
    // the tables are held to each other by a test; a mismatch never shows the wrong prose
    if (p.section, p.key) != (s.section, s.key) {
        return None;
    }
    Some(KeyDoc {
        section: s.section,
        key: s.key,
        values: p.values,
        default: p.default,
        summary: p.summary,
        here: schema::key_here(i)?,
        example: p.example,
        effect: s.effect,
    })
}

fn section_doc_at(i: usize) -> Option<SectionDoc> {
    let (s, p) = (schema::SECTIONS.get(i)?, SECTION_PROSE.get(i)?);
    if p.name != s.name {
        return None;
    }
    Some(SectionDoc {
        name: s.name,
        required: s.required,
        summary: p.summary,
        here: schema::section_here(i)?,
        example: p.example,
        effect: s.effect,
    })
}

fn token_doc_at(i: usize) -> Option<TokenDoc> {
    let (s, p) = (schema::TOKENS.get(i)?, TOKEN_PROSE.get(i)?);
    if (p.context, p.token) != (s.context, s.token) {
        return None;
    }
    Some(TokenDoc {
        context: s.context,
        token: s.token,
        also: s.also,
        summary: p.summary,
        example: p.example,
    })
}

/// Every documented key, in the reference's order.
pub fn keys() -> impl Iterator<Item = KeyDoc> {
    (0..schema::KEYS.len()).filter_map(key_doc)
}

/// Every documented section, in the order a typical INF has them.
pub fn sections() -> impl Iterator<Item = SectionDoc> {
    (0..schema::SECTIONS.len()).filter_map(section_doc_at)
}

/// Every documented token.
pub fn all_tokens() -> impl Iterator<Item = TokenDoc> {
    (0..schema::TOKENS.len()).filter_map(token_doc_at)
}

/// The documentation of `key` in `section` (brackets optional), as
/// `certreq_schema::lookup_in` finds it.
pub fn lookup_in(section: &str, key: &str) -> Option<KeyDoc> {
    schema::find_key(section, key).and_then(key_doc)
}

/// The documentation of a section (brackets optional, any letter case).
pub fn section_doc(name: &str) -> Option<SectionDoc> {
    schema::find_section(name).and_then(section_doc_at)
}

/// The keys documented for a section (brackets optional), in table order.
pub fn keys_in(section: &str) -> impl Iterator<Item = KeyDoc> + '_ {
    let section = section
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    keys().filter(move |d| d.section.eq_ignore_ascii_case(section))
}

/// The documentation of a token in a value (see `certreq_schema::token`).
pub fn token_doc(context: &str, token: &str) -> Option<TokenDoc> {
    let found = schema::token(context, token)?;
    let i = schema::TOKENS
        .iter()
        .position(|t| core::ptr::eq(t, found))?;
    token_doc_at(i)
}

/// The tokens documented for a context (see [`token_doc`]).
pub fn tokens(context: &str) -> impl Iterator<Item = TokenDoc> + '_ {
    let context = context.trim();
    all_tokens().filter(move |d| d.context.eq_ignore_ascii_case(context))
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
    } else if section == SUBTREE_SECTION {
        "a section named by Include = or Exclude =".to_string()
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
            return section_doc(section).as_ref().map(render_section_text);
        }
        return lookup_in(section, key).as_ref().map(render_text);
    }
    if let Some(doc) = keys().find(|d| !d.key.starts_with('{') && d.key.eq_ignore_ascii_case(q)) {
        return Some(render_text(&doc));
    }
    if let Some(doc) = section_doc(q) {
        return Some(render_section_text(&doc));
    }
    lookup_in("Extensions", q).as_ref().map(render_text)
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
        assert_eq!(
            schema::sections_of("subject").collect::<Vec<_>>(),
            ["NewRequest"]
        );
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
    fn the_prose_follows_the_schema_table_by_table() {
        assert_eq!(
            KEY_PROSE.len(),
            schema::KEYS.len(),
            "a key without prose, or prose without a key"
        );
        for (p, s) in KEY_PROSE.iter().zip(schema::KEYS) {
            assert_eq!((p.section, p.key), (s.section, s.key));
        }
        assert_eq!(SECTION_PROSE.len(), schema::SECTIONS.len());
        for (p, s) in SECTION_PROSE.iter().zip(schema::SECTIONS) {
            assert_eq!(p.name, s.name);
        }
        assert_eq!(TOKEN_PROSE.len(), schema::TOKENS.len());
        for (p, s) in TOKEN_PROSE.iter().zip(schema::TOKENS) {
            assert_eq!((p.context, p.token), (s.context, s.token));
        }
    }

    #[test]
    fn no_duplicate_section_and_key() {
        let mut seen = HashSet::new();
        for d in keys() {
            let id = (d.section.to_ascii_lowercase(), d.key.to_ascii_lowercase());
            assert!(seen.insert(id), "[{}] {} twice", d.section, d.key);
        }
        let mut names = HashSet::new();
        for d in sections() {
            assert!(
                names.insert(d.name.to_ascii_lowercase()),
                "[{}] twice",
                d.name
            );
        }
        let mut tokens = HashSet::new();
        for d in all_tokens() {
            let id = (d.context, d.token.to_ascii_lowercase());
            assert!(tokens.insert(id), "{} {} twice", d.context, d.token);
        }
    }

    #[test]
    fn every_key_belongs_to_a_documented_section() {
        for d in keys() {
            assert!(
                d.section == POLICY_SECTION
                    || d.section == SUBTREE_SECTION
                    || section_doc(d.section).is_some(),
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
        for d in keys() {
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
            if d.section != POLICY_SECTION && d.section != SUBTREE_SECTION {
                assert_eq!(lookup_in(d.section, key), Some(d), "{}", d.example);
            }
            // Quotes, when used, enclose the whole value.
            if value.starts_with('"') {
                assert!(value.ends_with('"') && value.len() > 1, "{}", d.example);
            }
        }
        for d in sections() {
            let mut lines = d.example.lines();
            assert_eq!(lines.next(), Some(format!("[{}]", d.name).as_str()));
            for line in lines {
                assert!(split_line(line).is_some(), "{line}");
            }
        }
    }

    #[test]
    fn every_text_is_filled_in_and_short() {
        for d in keys() {
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
            ("PrivateKeyArchive", Effect::Request),
            ("RenewalCert", Effect::Request),
            ("RequesterName", Effect::Request),
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
        for d in keys() {
            let page = render_text(&d);
            for line in page.lines() {
                assert!(
                    line.chars().count() <= TEXT_WIDTH,
                    "[{}] {}: {line}",
                    d.section,
                    d.key
                );
            }
        }
        for d in sections() {
            for line in render_section_text(&d).lines() {
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
        assert_eq!(render_text(&doc), expected);
    }

    #[test]
    fn render_section_text_lists_the_keys() {
        let doc = section_doc("EnhancedKeyUsageExtension").expect("documented");
        let page = render_section_text(&doc);
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
