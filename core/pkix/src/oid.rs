//! Every object identifier this project names, once, with the friendly name it is shown by.
//!
//! [`friendly`] is the one naming of OIDs (previews, the decoder, diagnostics); attribute types
//! of distinguished names are named by [`crate::name`] (certreq's short names: `CN`, `S`, …).
//! Each constant below is also an entry of the table [`friendly`] reads, so a named OID always
//! has its friendly name. Names follow Windows' wording where Windows shows one (`certutil`,
//! the certificate dialog), RFC names otherwise.

pub use der::asn1::ObjectIdentifier;

/// Declares each OID as a constant and lists it, with its friendly name, in [`NAMES`].
macro_rules! oids {
    ($( $(#[$doc:meta])* $name:ident = $dotted:literal, $friendly:literal; )*) => {
        $( $(#[$doc])* pub const $name: ObjectIdentifier = ObjectIdentifier::new_unwrap($dotted); )*
        /// Every OID above with its friendly name, in declaration order.
        pub static NAMES: &[(ObjectIdentifier, &str)] = &[ $( ($name, $friendly), )* ];
    };
}

oids! {
    // ---- certificate extensions (RFC 5280 §4.2, Microsoft's)
    SUBJECT_KEY_IDENTIFIER = "2.5.29.14", "Subject Key Identifier";
    KEY_USAGE = "2.5.29.15", "Key Usage";
    SUBJECT_ALT_NAME = "2.5.29.17", "Subject Alternative Name";
    ISSUER_ALT_NAME = "2.5.29.18", "Issuer Alternative Name";
    BASIC_CONSTRAINTS = "2.5.29.19", "Basic Constraints";
    NAME_CONSTRAINTS = "2.5.29.30", "Name Constraints";
    CRL_DISTRIBUTION_POINTS = "2.5.29.31", "CRL Distribution Points";
    CERTIFICATE_POLICIES = "2.5.29.32", "Certificate Policies";
    POLICY_MAPPINGS = "2.5.29.33", "Policy Mappings";
    AUTHORITY_KEY_IDENTIFIER = "2.5.29.35", "Authority Key Identifier";
    POLICY_CONSTRAINTS = "2.5.29.36", "Policy Constraints";
    EXT_KEY_USAGE = "2.5.29.37", "Extended Key Usage";
    INHIBIT_ANY_POLICY = "2.5.29.54", "Inhibit anyPolicy";
    AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1", "Authority Information Access";
    SUBJECT_INFO_ACCESS = "1.3.6.1.5.5.7.1.11", "Subject Information Access";
    SMIME_CAPABILITIES = "1.2.840.113549.1.9.15", "S/MIME Capabilities";
    /// The template name as an extension (BMPString), certreq's `CertificateTemplate`.
    CERTIFICATE_TEMPLATE_NAME = "1.3.6.1.4.1.311.20.2", "Certificate Template Name";
    CA_VERSION = "1.3.6.1.4.1.311.21.1", "CA Version";
    PREVIOUS_CA_CERT_HASH = "1.3.6.1.4.1.311.21.2", "Previous CA Certificate Hash";
    CERTIFICATE_TEMPLATE_INFO = "1.3.6.1.4.1.311.21.7", "Certificate Template Information";
    APPLICATION_POLICIES = "1.3.6.1.4.1.311.21.10", "Application Policies";
    APPLICATION_POLICY_MAPPINGS = "1.3.6.1.4.1.311.21.11", "Application Policy Mappings";
    APPLICATION_POLICY_CONSTRAINTS = "1.3.6.1.4.1.311.21.12", "Application Policy Constraints";
    NTDS_CA_SECURITY = "1.3.6.1.4.1.311.25.2", "NTDS CA Security";
    SECURITY_IDENTIFIER = "1.3.6.1.4.1.311.25.2.1", "Security Identifier";
    /// Microsoft's older extension-request attribute.
    MS_CERTIFICATE_EXTENSIONS = "1.3.6.1.4.1.311.2.1.14", "Certificate Extensions (Microsoft)";

    // ---- CRL extensions
    CRL_NUMBER = "2.5.29.20", "CRL Number";
    CRL_REASON = "2.5.29.21", "CRL Reason Code";
    DELTA_CRL_INDICATOR = "2.5.29.27", "Delta CRL Indicator";
    ISSUING_DISTRIBUTION_POINT = "2.5.29.28", "Issuing Distribution Point";
    FRESHEST_CRL = "2.5.29.46", "Freshest CRL";
    VIRTUAL_BASE_CRL = "1.3.6.1.4.1.311.21.3", "Virtual Base CRL";
    NEXT_CRL_PUBLISH = "1.3.6.1.4.1.311.21.4", "Next CRL Publish";
    CRL_SELF_CDP = "1.3.6.1.4.1.311.21.14", "CRL Self CDP";

    // ---- extended key usages and policies
    SERVER_AUTH = "1.3.6.1.5.5.7.3.1", "Server Authentication";
    CLIENT_AUTH = "1.3.6.1.5.5.7.3.2", "Client Authentication";
    CODE_SIGNING = "1.3.6.1.5.5.7.3.3", "Code Signing";
    EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4", "Secure Email";
    TIME_STAMPING = "1.3.6.1.5.5.7.3.8", "Time Stamping";
    OCSP_SIGNING = "1.3.6.1.5.5.7.3.9", "OCSP Signing";
    IPSEC_IKE_INTERMEDIATE = "1.3.6.1.5.5.7.3.17", "IP security IKE intermediate";
    KDC_AUTH = "1.3.6.1.5.2.3.5", "KDC Authentication";
    TRUST_LIST_SIGNING = "1.3.6.1.4.1.311.10.3.1", "Microsoft Trust List Signing";
    EFS = "1.3.6.1.4.1.311.10.3.4", "Encrypting File System";
    EFS_RECOVERY = "1.3.6.1.4.1.311.10.3.4.1", "File Recovery";
    DOCUMENT_SIGNING = "1.3.6.1.4.1.311.10.3.12", "Document Signing";
    /// Certificate Request Agent: the EKU an enrollment agent's certificate carries.
    ENROLLMENT_AGENT = "1.3.6.1.4.1.311.20.2.1", "Certificate Request Agent";
    SMART_CARD_LOGON = "1.3.6.1.4.1.311.20.2.2", "Smart Card Logon";
    KEY_RECOVERY_AGENT = "1.3.6.1.4.1.311.21.6", "Key Recovery Agent";
    /// Private Key Archival: the EKU of a CA's exchange certificate.
    CA_EXCHANGE = "1.3.6.1.4.1.311.21.5", "Private Key Archival";
    DOCUMENT_ENCRYPTION = "1.3.6.1.4.1.311.80.1", "Document Encryption";
    ANY_POLICY = "2.5.29.32.0", "Any Policy";
    ANY_EKU = "2.5.29.37.0", "Any Purpose";
    CPS = "1.3.6.1.5.5.7.2.1", "CPS";
    USER_NOTICE = "1.3.6.1.5.5.7.2.2", "User Notice";
    OCSP = "1.3.6.1.5.5.7.48.1", "OCSP";
    CA_ISSUERS = "1.3.6.1.5.5.7.48.2", "Certification Authority Issuer";

    // ---- other names in a subject alternative name
    UPN = "1.3.6.1.4.1.311.20.2.3", "User Principal Name";
    DIRECTORY_GUID = "1.3.6.1.4.1.311.25.1", "Directory GUID";

    // ---- keys and signatures
    RSA_ENCRYPTION = "1.2.840.113549.1.1.1", "RSA";
    MD5_WITH_RSA = "1.2.840.113549.1.1.4", "md5RSA";
    SHA1_WITH_RSA = "1.2.840.113549.1.1.5", "sha1RSA";
    MGF1 = "1.2.840.113549.1.1.8", "MGF1";
    RSASSA_PSS = "1.2.840.113549.1.1.10", "RSASSA-PSS";
    SHA256_WITH_RSA = "1.2.840.113549.1.1.11", "sha256RSA";
    SHA384_WITH_RSA = "1.2.840.113549.1.1.12", "sha384RSA";
    SHA512_WITH_RSA = "1.2.840.113549.1.1.13", "sha512RSA";
    RSAES_OAEP = "1.2.840.113549.1.1.7", "RSAES-OAEP";
    EC_PUBLIC_KEY = "1.2.840.10045.2.1", "ECC";
    ECDSA_WITH_SHA1 = "1.2.840.10045.4.1", "sha1ECDSA";
    ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2", "sha256ECDSA";
    ECDSA_WITH_SHA384 = "1.2.840.10045.4.3.3", "sha384ECDSA";
    ECDSA_WITH_SHA512 = "1.2.840.10045.4.3.4", "sha512ECDSA";
    SECP256R1 = "1.2.840.10045.3.1.7", "P-256 (secP256r1)";
    SECP384R1 = "1.3.132.0.34", "P-384 (secP384r1)";
    SECP521R1 = "1.3.132.0.35", "P-521 (secP521r1)";
    ED25519 = "1.3.101.112", "Ed25519";
    ED448 = "1.3.101.113", "Ed448";
    DSA = "1.2.840.10040.4.1", "DSA";

    // ---- digests, ciphers, password-based encryption
    SHA1 = "1.3.14.3.2.26", "sha1";
    SHA256 = "2.16.840.1.101.3.4.2.1", "sha256";
    SHA384 = "2.16.840.1.101.3.4.2.2", "sha384";
    SHA512 = "2.16.840.1.101.3.4.2.3", "sha512";
    MD5 = "1.2.840.113549.2.5", "md5";
    HMAC_SHA1 = "1.2.840.113549.2.7", "hmacWithSHA1";
    HMAC_SHA256 = "1.2.840.113549.2.9", "hmacWithSHA256";
    RC2_CBC = "1.2.840.113549.3.2", "rc2CBC";
    RC4 = "1.2.840.113549.3.4", "rc4";
    DES_EDE3_CBC = "1.2.840.113549.3.7", "des-ede3-cbc";
    DES_CBC = "1.3.14.3.2.7", "desCBC";
    AES128_CBC = "2.16.840.1.101.3.4.1.2", "aes128-CBC";
    AES192_CBC = "2.16.840.1.101.3.4.1.22", "aes192-CBC";
    AES256_CBC = "2.16.840.1.101.3.4.1.42", "aes256-CBC";
    AES128_WRAP = "2.16.840.1.101.3.4.1.5", "aes128-wrap";
    AES256_WRAP = "2.16.840.1.101.3.4.1.45", "aes256-wrap";
    PBKDF2 = "1.2.840.113549.1.5.12", "PBKDF2";
    PBES2 = "1.2.840.113549.1.5.13", "PBES2";
    PBE_SHA1_3DES = "1.2.840.113549.1.12.1.3", "pbeWithSHAAnd3-KeyTripleDES-CBC";
    PBE_SHA1_RC2_40 = "1.2.840.113549.1.12.1.6", "pbeWithSHAAnd40BitRC2-CBC";

    // ---- CMS and PKCS #9, #12
    ID_DATA = "1.2.840.113549.1.7.1", "id-data";
    ID_SIGNED_DATA = "1.2.840.113549.1.7.2", "id-signedData";
    ID_ENVELOPED_DATA = "1.2.840.113549.1.7.3", "id-envelopedData";
    ID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6", "id-encryptedData";
    CONTENT_TYPE = "1.2.840.113549.1.9.3", "Content Type";
    MESSAGE_DIGEST = "1.2.840.113549.1.9.4", "Message Digest";
    SIGNING_TIME = "1.2.840.113549.1.9.5", "Signing Time";
    CHALLENGE_PASSWORD = "1.2.840.113549.1.9.7", "Challenge Password";
    EXTENSION_REQUEST = "1.2.840.113549.1.9.14", "Certificate Extensions";
    FRIENDLY_NAME = "1.2.840.113549.1.9.20", "Friendly Name";
    LOCAL_KEY_ID = "1.2.840.113549.1.9.21", "Local Key Id";
    X509_CERTIFICATE = "1.2.840.113549.1.9.22.1", "x509Certificate";
    KEY_BAG = "1.2.840.113549.1.12.10.1.1", "keyBag";
    PKCS8_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2", "pkcs8ShroudedKeyBag";
    CERT_BAG = "1.2.840.113549.1.12.10.1.3", "certBag";

    // ---- CMC (RFC 5272)
    ID_CCT_PKI_DATA = "1.3.6.1.5.5.7.12.2", "id-cct-PKIData (CMC Data)";
    ID_CCT_PKI_RESPONSE = "1.3.6.1.5.5.7.12.3", "id-cct-PKIResponse (CMC Response)";
    ID_CMC_STATUS_INFO = "1.3.6.1.5.5.7.7.1", "id-cmc-statusInfo";
    ID_CMC_IDENTIFICATION = "1.3.6.1.5.5.7.7.2", "id-cmc-identification";
    ID_CMC_IDENTITY_PROOF = "1.3.6.1.5.5.7.7.3", "id-cmc-identityProof";
    ID_CMC_DATA_RETURN = "1.3.6.1.5.5.7.7.4", "id-cmc-dataReturn";
    ID_CMC_TRANSACTION_ID = "1.3.6.1.5.5.7.7.5", "id-cmc-transactionId";
    ID_CMC_SENDER_NONCE = "1.3.6.1.5.5.7.7.6", "id-cmc-senderNonce";
    ID_CMC_RECIPIENT_NONCE = "1.3.6.1.5.5.7.7.7", "id-cmc-recipientNonce";
    ID_CMC_ADD_EXTENSIONS = "1.3.6.1.5.5.7.7.8", "id-cmc-addExtensions";
    ID_CMC_REG_INFO = "1.3.6.1.5.5.7.7.18", "id-cmc-regInfo";
    ID_CMC_RESPONSE_INFO = "1.3.6.1.5.5.7.7.19", "id-cmc-responseInfo";
    ID_CMC_STATUS_INFO_V2 = "1.3.6.1.5.5.7.7.25", "id-cmc-statusInfoV2";
    /// certreq's CMC control holding the request's attributes.
    CMC_ATTRIBUTES = "1.3.6.1.4.1.311.10.10.1", "CMC Attributes";

    // ---- Microsoft request attributes (MS-WCCE)
    RENEWAL_CERTIFICATE = "1.3.6.1.4.1.311.13.1", "Renewal Certificate";
    NAME_VALUE_PAIR = "1.3.6.1.4.1.311.13.2.1", "Enrollment Name Value Pair";
    ENROLLMENT_CSP = "1.3.6.1.4.1.311.13.2.2", "Enrollment CSP";
    OS_VERSION = "1.3.6.1.4.1.311.13.2.3", "OS Version";
    DUMMY_SIGNER = "1.3.6.1.4.1.311.21.9", "Dummy Signer";
    ENCRYPTED_PRIVATE_KEY = "1.3.6.1.4.1.311.21.13", "Encrypted Private Key";
    ARCHIVED_KEY_CERT_HASH = "1.3.6.1.4.1.311.21.16", "Archived Key Certificate Hash";
    ISSUED_CERT_HASH = "1.3.6.1.4.1.311.21.17", "Issued Certificate Hash";
    CLIENT_INFO = "1.3.6.1.4.1.311.21.20", "Client Information";
    ENCRYPTED_KEY_HASH = "1.3.6.1.4.1.311.21.21", "Encrypted Key Hash";
}

/// The friendly name of `oid`, if this project names it.
pub fn friendly(oid: &ObjectIdentifier) -> Option<&'static str> {
    NAMES.iter().find(|(o, _)| o == oid).map(|(_, name)| *name)
}

/// `Friendly Name (1.2.3)`, or the dotted OID alone.
pub fn label(oid: &ObjectIdentifier) -> String {
    match friendly(oid) {
        Some(name) => format!("{name} ({oid})"),
        None => oid.to_string(),
    }
}

/// Whether `s` is a dotted OID such as `2.5.29.17` (at least two arcs, digits only).
pub fn is_dotted(s: &str) -> bool {
    let mut arcs = 0usize;
    for arc in s.split('.') {
        if arc.is_empty() || !arc.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        arcs += 1;
    }
    arcs >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_oid_is_named_once() {
        for (i, (oid, name)) in NAMES.iter().enumerate() {
            assert!(!name.is_empty(), "{oid} has an empty name");
            assert!(
                NAMES[..i].iter().all(|(o, _)| o != oid),
                "{oid} ({name}) is listed twice"
            );
        }
    }

    #[test]
    fn names_read_back_by_oid() {
        assert_eq!(friendly(&KEY_USAGE), Some("Key Usage"));
        assert_eq!(friendly(&SECP256R1), Some("P-256 (secP256r1)"));
        assert_eq!(
            friendly(&ObjectIdentifier::new_unwrap("1.2.3.4")),
            None,
            "an OID nobody named"
        );
        assert_eq!(
            label(&SUBJECT_ALT_NAME),
            "Subject Alternative Name (2.5.29.17)"
        );
    }

    #[test]
    fn the_constants_agree_with_what_the_rustcrypto_crates_call_them() {
        use const_oid::db::{rfc5280, rfc5911, rfc5912};
        for (ours, theirs) in [
            (KEY_USAGE, rfc5280::ID_CE_KEY_USAGE),
            (EXT_KEY_USAGE, rfc5280::ID_CE_EXT_KEY_USAGE),
            (SUBJECT_ALT_NAME, rfc5280::ID_CE_SUBJECT_ALT_NAME),
            (BASIC_CONSTRAINTS, rfc5280::ID_CE_BASIC_CONSTRAINTS),
            (
                SUBJECT_KEY_IDENTIFIER,
                rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER,
            ),
            (
                AUTHORITY_KEY_IDENTIFIER,
                rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER,
            ),
            (CRL_NUMBER, rfc5280::ID_CE_CRL_NUMBER),
            (SERVER_AUTH, rfc5280::ID_KP_SERVER_AUTH),
            (CLIENT_AUTH, rfc5280::ID_KP_CLIENT_AUTH),
            (ID_SIGNED_DATA, rfc5911::ID_SIGNED_DATA),
            (ID_DATA, rfc5911::ID_DATA),
            (CONTENT_TYPE, rfc5911::ID_CONTENT_TYPE),
            (MESSAGE_DIGEST, rfc5911::ID_MESSAGE_DIGEST),
            (RSA_ENCRYPTION, rfc5912::RSA_ENCRYPTION),
            (EC_PUBLIC_KEY, rfc5912::ID_EC_PUBLIC_KEY),
            (SECP256R1, rfc5912::SECP_256_R_1),
            (SECP384R1, rfc5912::SECP_384_R_1),
            (SECP521R1, rfc5912::SECP_521_R_1),
            (SHA256, rfc5912::ID_SHA_256),
            (ECDSA_WITH_SHA256, rfc5912::ECDSA_WITH_SHA_256),
            (SHA256_WITH_RSA, rfc5912::SHA_256_WITH_RSA_ENCRYPTION),
        ] {
            assert_eq!(ours, theirs);
        }
    }
}
