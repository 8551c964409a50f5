//! PKCS #12 / PFX files (RFC 7292): a private key, its certificate and the chain, under a
//! password, for import into Windows, browsers, OpenSSL and Java — and back out of them.
//!
//! Layout written (what OpenSSL and Windows write): the AuthenticatedSafe holds an
//! `encryptedData` with one certBag per certificate, then a `data` with one
//! `pkcs8ShroudedKeyBag`. The leaf's cert bag and the key bag carry `friendlyName` and
//! `localKeyId` (SHA-1 of the leaf DER); an HMAC over the AuthenticatedSafe protects the whole.
//! [`write_bundle`] writes the same layout with any number of keys (a key bag each) and
//! certificates, and the caller's own bytes in a `secretBag` of type `id-data` inside the
//! encrypted safe (the web app's store backup: readers that do not know the bag skip it).
//!
//! Two profiles:
//! - [`Profile::Modern`]: PBES2 (PBKDF2-HMAC-SHA256, 10 000 iterations, AES-256-CBC) for the
//!   key and the certificates, HMAC-SHA256 MAC. Windows 10 1709+/Server 2019+, OpenSSL 1.1+.
//! - [`Profile::Legacy`]: `pbeWithSHAAnd3-KeyTripleDES-CBC` for key and certificates, HMAC-SHA1
//!   MAC, 2048 iterations. Every Windows version; OpenSSL 3 reads it without `-legacy`.
//!
//! What is a library's and what is ours:
//! - PBES2 (RFC 8018) — its parameters' ASN.1, PBKDF2, AES-CBC encryption and decryption — is
//!   RustCrypto's `pkcs5` 0.8 (on der 0.8 and spki 0.8, as the rest of the engine).
//! - The MAC is `hmac` 0.13, checked in constant time (`Mac::verify_slice`); 3DES-CBC is `des`
//!   and `cbc`; the key's PKCS #8 form is checked with `pkcs8`.
//! - Ours: the PKCS #12 key derivation (RFC 7292 Appendix B), which the MAC and
//!   `pbeWithSHAAnd3-KeyTripleDES-CBC` use, and the PFX/SafeBag ASN.1. RustCrypto's `pkcs12`
//!   crate has both, but no release lines up with our crates: 0.1.0 is on der 0.7 and digest
//!   0.10, and 0.2.0-pre.0, the only one on der 0.8, pins `cms = "=0.3.0-pre.1"`, which Cargo
//!   cannot resolve beside our `cms = "=0.3.0-rc.0"`. (`pkcs5`'s PBES1 is PKCS #5's DES/RC2
//!   schemes, not PKCS #12's 3DES.) The tests hold our derivation to OpenSSL's `PKCS12KDF`.
//!
//! Secrets: the decrypted key, derived keys and IVs and the password's BMPString are kept in
//! [`Zeroizing`] buffers, and the reader decodes the file with borrowed types, so a plaintext
//! key is never copied into memory that is not wiped. (`pkcs5` does not yet wipe the key it
//! derives inside `decrypt`; that is the library's open TODO.)
//!
//! Salts and IVs come from the caller's random source, so this module makes no OS calls (it
//! runs in the browser's tools module too).

use core::fmt;

use certreq_pkix::oid::ObjectIdentifier;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::encrypted_data::EncryptedData;
use cms::enveloped_data::EncryptedContentInfo;
use der::asn1::{Any, AnyRef, BmpString, Null, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence, Tagged};
use hmac::digest::block_api::BlockSizeUser;
use hmac::{EagerHash, Hmac, KeyInit, Mac};
use pkcs5::pbes2;
use sha1::{Digest, Sha1};
use sha2::{Sha256, Sha384, Sha512};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use zeroize::Zeroizing;

use crate::ber;

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyIvInit};

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.1");
const SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
const SECRET_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.5");
const X509_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const PBE_SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
// read only (RFC 7292 Appendix C): 2-key 3DES and RC2, for older Windows and OpenSSL files
const PBE_SHA1_2DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.4");
const PBE_SHA1_RC2_128: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.5");
const PBE_SHA1_RC2_40: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.6");
const PBES2: ObjectIdentifier = pbes2::PBES2_OID;
const PBKDF2: ObjectIdentifier = pbes2::PBKDF2_OID;
const SCRYPT: ObjectIdentifier = pbes2::SCRYPT_OID;
const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// Which algorithms protect the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC, HMAC-SHA256 MAC, 10 000 iterations.
    #[default]
    Modern,
    /// PKCS #12 PBE with SHA-1 and 3-key Triple DES, HMAC-SHA1 MAC, 2048 iterations.
    Legacy,
}

impl Profile {
    fn iterations(self) -> u32 {
        match self {
            Profile::Modern => 10_000,
            Profile::Legacy => 2048,
        }
    }
}

/// What goes into a PFX.
#[derive(Clone, Copy)]
pub struct PfxInput<'a> {
    /// The private key as PKCS #8 `PrivateKeyInfo` DER.
    pub private_key_pkcs8: &'a [u8],
    /// The certificate for that key (DER).
    pub leaf: &'a [u8],
    /// Issuing CA certificates (DER), leaf's issuer first.
    pub chain: &'a [&'a [u8]],
    /// `friendlyName` on the key and leaf certificate (Windows shows it in certlm.msc). A
    /// name with characters beyond the Basic Multilingual Plane, which the attribute's
    /// BMPString cannot hold, is left out rather than stopping the PFX.
    pub friendly_name: Option<&'a str>,
}

impl fmt::Debug for PfxInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PfxInput")
            .field("private_key_pkcs8", &"…")
            .field("leaf", &self.leaf.len())
            .field("chain", &self.chain.len())
            .field("friendly_name", &self.friendly_name)
            .finish()
    }
}

/// A private key in a [`Bundle`].
#[derive(Clone, Copy)]
pub struct BundleKey<'a> {
    /// PKCS #8 `PrivateKeyInfo` DER.
    pub pkcs8: &'a [u8],
    /// `localKeyId`: the same bytes on the certificate for this key pair it (readers such
    /// as OpenSSL pair a key with its certificate by it).
    pub local_key_id: &'a [u8],
    pub friendly_name: Option<&'a str>,
}

impl fmt::Debug for BundleKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BundleKey")
            .field("pkcs8", &"…")
            .field("local_key_id", &self.local_key_id)
            .finish()
    }
}

/// A certificate in a [`Bundle`].
#[derive(Clone, Copy, Debug)]
pub struct BundleCert<'a> {
    pub der: &'a [u8],
    /// `localKeyId` when the bundle holds this certificate's private key.
    pub local_key_id: Option<&'a [u8]>,
    pub friendly_name: Option<&'a str>,
}

/// What goes into a PFX of any number of keys and certificates (a store's backup): the
/// keys, each in its own `pkcs8ShroudedKeyBag`, and the certificates, in an `encryptedData`
/// safe with, when there is one, a `secretBag` of type `id-data` holding `data` (an OCTET
/// STRING: the caller's own bytes, encrypted and MACed with the rest).
#[derive(Clone, Copy, Debug)]
pub struct Bundle<'a> {
    pub keys: &'a [BundleKey<'a>],
    pub certificates: &'a [BundleCert<'a>],
    pub data: Option<&'a [u8]>,
}

/// A private key [`read`] found.
#[derive(Clone, PartialEq, Eq)]
pub struct PfxKey {
    /// PKCS #8 `PrivateKeyInfo` DER (decrypted; wiped when dropped).
    pub pkcs8: Zeroizing<Vec<u8>>,
    pub local_key_id: Option<Vec<u8>>,
    pub friendly_name: Option<String>,
}

impl fmt::Debug for PfxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // never print key material
        f.debug_struct("PfxKey")
            .field("pkcs8", &format_args!("<{} bytes>", self.pkcs8.len()))
            .field("local_key_id", &self.local_key_id)
            .field("friendly_name", &self.friendly_name)
            .finish()
    }
}

/// Whether [`read`] accepts a PFX that has no MAC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MacPolicy {
    /// Refuse it with [`Pkcs12Error::MacMissing`].
    #[default]
    Required,
    /// Read it anyway, because the caller asked for it explicitly. Nothing then shows that the
    /// file was not altered.
    AllowMissing,
}

/// The digest of a PFX's MAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MacDigest {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl MacDigest {
    fn from_oid(oid: ObjectIdentifier) -> Result<MacDigest, Pkcs12Error> {
        match oid {
            SHA1 => Ok(MacDigest::Sha1),
            SHA256 => Ok(MacDigest::Sha256),
            SHA384 => Ok(MacDigest::Sha384),
            SHA512 => Ok(MacDigest::Sha512),
            oid => Err(Pkcs12Error::UnsupportedAlgorithm {
                purpose: Purpose::Mac,
                oid,
            }),
        }
    }

    /// `SHA-256`, …
    pub fn name(self) -> &'static str {
        match self {
            MacDigest::Sha1 => "SHA-1",
            MacDigest::Sha256 => "SHA-256",
            MacDigest::Sha384 => "SHA-384",
            MacDigest::Sha512 => "SHA-512",
        }
    }
}

/// How [`read`] found the file's integrity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Integrity {
    /// Its MAC verified under the password.
    Mac(MacDigest),
    /// It has no MAC, and the caller allowed that ([`MacPolicy::AllowMissing`]).
    Unchecked,
}

/// What [`read`] found.
#[derive(Clone, PartialEq, Eq)]
pub struct PfxContents {
    /// The first private key's PKCS #8 `PrivateKeyInfo` DER (decrypted; wiped when dropped).
    pub private_key_pkcs8: Option<Zeroizing<Vec<u8>>>,
    /// How many private keys the file holds (only the first is returned).
    pub key_count: usize,
    /// Every X.509 certificate's DER, in file order.
    pub certificates: Vec<Vec<u8>>,
    /// The first key bag's `friendlyName`.
    pub friendly_name: Option<String>,
    /// The first key bag's `localKeyId`.
    pub local_key_id: Option<Vec<u8>>,
    /// Whether a MAC vouched for the file.
    pub integrity: Integrity,
    /// Every private key, in file order (the first is also `private_key_pkcs8`).
    pub keys: Vec<PfxKey>,
    /// The OCTET STRING of every `secretBag` of type `id-data` ([`Bundle::data`]), in file
    /// order.
    pub data: Vec<Vec<u8>>,
}

impl fmt::Debug for PfxContents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // never print key material
        let key = self
            .private_key_pkcs8
            .as_ref()
            .map(|k| format!("<{} bytes>", k.len()));
        f.debug_struct("PfxContents")
            .field("private_key_pkcs8", &key)
            .field("key_count", &self.key_count)
            .field("certificates", &self.certificates.len())
            .field("friendly_name", &self.friendly_name)
            .field("local_key_id", &self.local_key_id)
            .field("integrity", &self.integrity)
            .field("keys", &self.keys)
            .field("data", &self.data.len())
            .finish()
    }
}

/// The caller's random source could not give bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RandomUnavailable;

/// What an algorithm that is not supported was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// The MAC's digest.
    Mac,
    /// The encryption of a safe or of the key.
    Encryption,
    /// PBES2's key derivation (scrypt is not read).
    KeyDerivation,
    /// PBKDF2's pseudo-random function.
    Prf,
    /// The content type of a safe or of the authenticated safe.
    ContentType,
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Purpose::Mac => "MAC digest",
            Purpose::Encryption => "encryption",
            Purpose::KeyDerivation => "key derivation",
            Purpose::Prf => "PBKDF2 function",
            Purpose::ContentType => "content type",
        })
    }
}

/// Why a PFX could not be written or read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pkcs12Error {
    /// The MAC does not verify: the password is wrong (or the file was altered).
    WrongPassword,
    /// The contents do not decrypt with the password. `mac_verified`: the same password
    /// verified the MAC (the contents were encrypted with another one, as `openssl pkcs12
    /// -twopass` writes them, or the file is damaged); else there was no MAC to check it.
    DoesNotDecrypt { mac_verified: bool },
    /// The file has no MAC, so nothing shows it is what was written, and the caller did not
    /// allow that ([`MacPolicy::Required`]).
    MacMissing,
    /// A PFX version other than 3.
    UnsupportedVersion(u8),
    /// Public-key integrity mode: the authenticated safe is signed, not MACed.
    SignedPfx,
    /// An algorithm this module does not implement.
    UnsupportedAlgorithm {
        purpose: Purpose,
        oid: ObjectIdentifier,
    },
    /// An iteration count of 0, or above [`MAX_READ_ITERATIONS`] (a hostile file could
    /// otherwise keep the reader busy for hours).
    IterationCount(u32),
    /// Key derivations that add up to more than [`MAX_READ_WORK`] iterations in one file
    /// (many bags, each within [`MAX_READ_ITERATIONS`]): how many they came to.
    TooMuchWork(u64),
    /// Input that does not decode (or output that does not encode): which part, and the DER
    /// error when there is one.
    Malformed {
        part: &'static str,
        der: Option<der::Error>,
    },
    /// Writing: the private key is not PKCS #8 `PrivateKeyInfo` DER.
    NotPkcs8,
    /// Writing: certificate `index` (0 the leaf, then the chain) does not decode.
    NotACertificate { index: usize },
    /// Writing: the random source failed; nothing was written.
    RandomUnavailable,
}

impl fmt::Display for Pkcs12Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pkcs12Error::WrongPassword => {
                f.write_str("the password is wrong: the PFX integrity check (MAC) does not verify")
            }
            Pkcs12Error::DoesNotDecrypt {
                mac_verified: false,
            } => f.write_str("the password is wrong: the PFX's contents do not decrypt with it"),
            Pkcs12Error::DoesNotDecrypt { mac_verified: true } => f.write_str(
                "the password verifies the PFX's integrity check (MAC) but does not decrypt its \
                 contents: they were encrypted with another password, or the file is damaged",
            ),
            Pkcs12Error::MacMissing => f.write_str(
                "the PFX has no integrity check (MAC), so nothing shows it was not altered; \
                 it is read only when that is allowed explicitly",
            ),
            Pkcs12Error::UnsupportedVersion(v) => {
                write!(f, "unsupported in PFX files: version {v}")
            }
            Pkcs12Error::SignedPfx => {
                f.write_str("unsupported in PFX files: public-key integrity mode (signed PFX)")
            }
            Pkcs12Error::UnsupportedAlgorithm { purpose, oid } => {
                let name = match *oid {
                    SCRYPT => " (scrypt)",
                    DES_EDE3_CBC => " (DES-EDE3-CBC)",
                    _ => "",
                };
                write!(f, "unsupported in PFX files: {purpose} {oid}{name}")
            }
            Pkcs12Error::IterationCount(0) => {
                f.write_str("not a valid PFX: an iteration count of 0")
            }
            Pkcs12Error::IterationCount(n) => write!(
                f,
                "unsupported in PFX files: an iteration count of {n} (at most \
                 {MAX_READ_ITERATIONS} is read)"
            ),
            Pkcs12Error::TooMuchWork(n) => write!(
                f,
                "unsupported in PFX files: key derivations adding up to {n} iterations (at most \
                 {MAX_READ_WORK} are done for one file)"
            ),
            Pkcs12Error::Malformed { part, der: Some(e) } => {
                write!(f, "not a valid PFX: {part}: {e}")
            }
            Pkcs12Error::Malformed { part, der: None } => write!(f, "not a valid PFX: {part}"),
            Pkcs12Error::NotPkcs8 => {
                f.write_str("the private key is not PKCS #8 PrivateKeyInfo DER")
            }
            Pkcs12Error::NotACertificate { index: 0 } => {
                f.write_str("the certificate does not decode")
            }
            Pkcs12Error::NotACertificate { index } => {
                write!(f, "chain certificate {index} does not decode")
            }
            Pkcs12Error::RandomUnavailable => {
                f.write_str("the random source failed: no salts or IVs to write the PFX with")
            }
        }
    }
}

impl std::error::Error for Pkcs12Error {}

/// `des-ede3-cbc` under PBES2 (not read: see the workspace's note on `pkcs5`'s "3des").
const DES_EDE3_CBC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.3.7");

fn malformed(part: &'static str) -> impl Fn(der::Error) -> Pkcs12Error {
    move |e| Pkcs12Error::Malformed { part, der: Some(e) }
}

// ---- ASN.1 (RFC 7292, RFC 8018) ----
//
// Writing uses owned types; reading borrows from the input or from a wiped buffer, so that a
// plaintext key (an unencrypted keyBag, a decrypted safe) is never copied elsewhere.

/// `PFX`, as read.
#[derive(Sequence)]
struct PfxRef<'a> {
    version: u8,
    auth_safe: ContentInfoRef<'a>,
    #[asn1(optional = "true")]
    mac_data: Option<MacData>,
}

/// `PFX`, as written.
#[derive(Sequence)]
struct Pfx {
    version: u8,
    auth_safe: ContentInfo,
    #[asn1(optional = "true")]
    mac_data: Option<MacData>,
}

/// `ContentInfo`, borrowed.
#[derive(Sequence)]
struct ContentInfoRef<'a> {
    content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    content: AnyRef<'a>,
}

/// `MacData`.
#[derive(Clone, Debug, Sequence)]
struct MacData {
    mac: DigestInfo,
    mac_salt: OctetString,
    #[asn1(default = "one")]
    iterations: u32,
}

fn one() -> u32 {
    1
}

/// `DigestInfo`.
#[derive(Clone, Debug, Sequence)]
struct DigestInfo {
    algorithm: AlgorithmIdentifierOwned,
    digest: OctetString,
}

/// `SafeBag`, as written.
#[derive(Sequence)]
struct SafeBag {
    bag_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    bag_value: Any,
    #[asn1(optional = "true")]
    bag_attributes: Option<SetOfVec<Attribute>>,
}

/// `SafeBag`, as read.
#[derive(Sequence)]
struct SafeBagRef<'a> {
    bag_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    bag_value: AnyRef<'a>,
    #[asn1(optional = "true")]
    bag_attributes: Option<SetOfVec<Attribute>>,
}

/// `CertBag`.
#[derive(Sequence)]
struct CertBag {
    cert_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    cert_value: OctetString,
}

/// `SecretBag` (RFC 7292 4.2.5).
#[derive(Sequence)]
struct SecretBag {
    secret_type_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    secret_value: Any,
}

/// `SecretBag`, as read.
#[derive(Sequence)]
struct SecretBagRef<'a> {
    secret_type_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    secret_value: AnyRef<'a>,
}

/// `EncryptedPrivateKeyInfo` (the ciphertext is no secret: owned).
#[derive(Sequence)]
struct EncryptedPrivateKeyInfo {
    algorithm: AlgorithmIdentifierOwned,
    data: OctetString,
}

/// `pkcs-12PbeParams`.
#[derive(Sequence)]
struct PbeParams {
    salt: OctetString,
    iterations: u32,
}

/// `PBES2-params`, read loosely only to say why `pkcs5` refused them.
#[derive(Sequence)]
struct Pbes2Outline {
    key_derivation_func: AlgorithmIdentifierOwned,
    encryption_scheme: AlgorithmIdentifierOwned,
}

/// `PBKDF2-params`, read loosely only to name an unknown PRF.
#[derive(Sequence)]
struct Pbkdf2Outline {
    salt: Any,
    iteration_count: Any,
    #[asn1(optional = "true")]
    key_length: Option<u32>,
    #[asn1(optional = "true")]
    prf: Option<AlgorithmIdentifierOwned>,
}

// ---- writing ----

/// Writes a PFX protected by `password`. `random` fills buffers with cryptographically
/// secure random bytes (salts and IVs), or says it cannot.
pub fn write(
    input: &PfxInput<'_>,
    password: &str,
    profile: Profile,
    random: &mut dyn FnMut(&mut [u8]) -> Result<(), RandomUnavailable>,
) -> Result<Vec<u8>, Pkcs12Error> {
    let password_bmp = kdf_passwords(password).swap_remove(0);
    write_as(input, password, &password_bmp, profile, random)
}

/// [`write`] with the password's form for the PKCS #12 KDF given (the tests write the "no
/// bytes" form of an empty password that some writers use).
fn write_as(
    input: &PfxInput<'_>,
    password: &str,
    password_bmp: &[u8],
    profile: Profile,
    random: &mut dyn FnMut(&mut [u8]) -> Result<(), RandomUnavailable>,
) -> Result<Vec<u8>, Pkcs12Error> {
    let local_key_id = Sha1::digest(input.leaf).to_vec();
    let key = BundleKey {
        pkcs8: input.private_key_pkcs8,
        local_key_id: &local_key_id,
        friendly_name: input.friendly_name,
    };
    let mut certificates = vec![BundleCert {
        der: input.leaf,
        local_key_id: Some(&local_key_id),
        friendly_name: input.friendly_name,
    }];
    certificates.extend(input.chain.iter().map(|der| BundleCert {
        der,
        local_key_id: None,
        friendly_name: None,
    }));
    let bundle = Bundle {
        keys: &[key],
        certificates: &certificates,
        data: None,
    };
    write_bundle_as(&bundle, password, password_bmp, profile, random)
}

/// Writes a PFX of any number of keys and certificates, and the caller's data in a secret
/// bag ([`Bundle`]), protected by `password`; `random` as for [`write`]. Each key has its own
/// shrouded key bag; the certificates and the data share one encrypted safe.
pub fn write_bundle(
    bundle: &Bundle<'_>,
    password: &str,
    profile: Profile,
    random: &mut dyn FnMut(&mut [u8]) -> Result<(), RandomUnavailable>,
) -> Result<Vec<u8>, Pkcs12Error> {
    let password_bmp = kdf_passwords(password).swap_remove(0);
    write_bundle_as(bundle, password, &password_bmp, profile, random)
}

fn write_bundle_as(
    bundle: &Bundle<'_>,
    password: &str,
    password_bmp: &[u8],
    profile: Profile,
    random: &mut dyn FnMut(&mut [u8]) -> Result<(), RandomUnavailable>,
) -> Result<Vec<u8>, Pkcs12Error> {
    let iterations = profile.iterations();
    if let Some(first) = bundle.certificates.first() {
        x509_cert::Certificate::from_der(first.der)
            .map_err(|_| Pkcs12Error::NotACertificate { index: 0 })?;
    }
    for key in bundle.keys {
        pkcs8::PrivateKeyInfoRef::from_der(key.pkcs8).map_err(|_| Pkcs12Error::NotPkcs8)?;
    }

    // Certificates (those with a key carry its attributes) and the data, in an encryptedData.
    let mut bags = Vec::with_capacity(bundle.certificates.len() + 1);
    for (i, c) in bundle.certificates.iter().enumerate() {
        bags.push(cert_bag(
            c.der,
            i,
            bag_attributes(c.friendly_name, c.local_key_id)?,
        )?);
    }
    if let Some(data) = bundle.data {
        let secret = SecretBag {
            secret_type_id: ID_DATA,
            secret_value: Any::encode_from(&octets(data.to_vec())?)
                .map_err(malformed("secret bag"))?,
        };
        bags.push(SafeBag {
            bag_id: SECRET_BAG,
            bag_value: Any::encode_from(&secret).map_err(malformed("secret bag"))?,
            bag_attributes: None,
        });
    }
    let secrets = Secrets {
        password,
        kdf_password: password_bmp,
        // writing derives keys with the count it was given, not one read from a file
        work: &Work::default(),
    };
    let mut infos = Vec::with_capacity(2);
    if !bags.is_empty() {
        let cert_safe = bags.to_der().map_err(malformed("certificate bags"))?;
        let (cert_alg, cert_cipher) = encrypt(profile, &secrets, iterations, &cert_safe, random)?;
        let encrypted = EncryptedData {
            version: CmsVersion::V0,
            enc_content_info: EncryptedContentInfo {
                content_type: ID_DATA,
                content_enc_alg: cert_alg,
                encrypted_content: Some(octets(cert_cipher)?),
            },
            unprotected_attrs: None,
        };
        infos.push(ContentInfo {
            content_type: ID_ENCRYPTED_DATA,
            content: Any::encode_from(&encrypted).map_err(malformed("encryptedData"))?,
        });
    }

    // The keys: pkcs8ShroudedKeyBags in a plain data safe.
    let mut key_bags = Vec::with_capacity(bundle.keys.len());
    for key in bundle.keys {
        let (key_alg, key_cipher) = encrypt(profile, &secrets, iterations, key.pkcs8, random)?;
        let epki = EncryptedPrivateKeyInfo {
            algorithm: key_alg,
            data: octets(key_cipher)?,
        };
        key_bags.push(SafeBag {
            bag_id: SHROUDED_KEY_BAG,
            bag_value: Any::encode_from(&epki).map_err(malformed("key bag"))?,
            bag_attributes: bag_attributes(key.friendly_name, Some(key.local_key_id))?,
        });
    }
    if !key_bags.is_empty() {
        let key_safe = key_bags.to_der().map_err(malformed("key bag"))?;
        infos.push(data_content_info(key_safe)?);
    }

    let auth_safe = infos.to_der().map_err(malformed("authenticated safe"))?;

    let mac_salt = random_bytes(random, if profile == Profile::Modern { 16 } else { 8 })?;
    let (mac_alg, mac) = match profile {
        Profile::Modern => (
            SHA256,
            hmac_pkcs12::<Sha256>(password_bmp, &mac_salt, iterations, &auth_safe)?,
        ),
        Profile::Legacy => (
            SHA1,
            hmac_pkcs12::<Sha1>(password_bmp, &mac_salt, iterations, &auth_safe)?,
        ),
    };
    let pfx = Pfx {
        version: 3,
        auth_safe: data_content_info(auth_safe)?,
        mac_data: Some(MacData {
            mac: DigestInfo {
                algorithm: AlgorithmIdentifierOwned {
                    oid: mac_alg,
                    parameters: Some(Any::from(Null)),
                },
                digest: octets(mac)?,
            },
            mac_salt: octets(mac_salt)?,
            iterations,
        }),
    };
    pfx.to_der().map_err(malformed("PFX"))
}

fn random_bytes(
    random: &mut dyn FnMut(&mut [u8]) -> Result<(), RandomUnavailable>,
    len: usize,
) -> Result<Vec<u8>, Pkcs12Error> {
    let mut buf = vec![0u8; len];
    random(&mut buf).map_err(|RandomUnavailable| Pkcs12Error::RandomUnavailable)?;
    Ok(buf)
}

fn octets(bytes: Vec<u8>) -> Result<OctetString, Pkcs12Error> {
    OctetString::new(bytes).map_err(malformed("octet string"))
}

fn data_content_info(bytes: Vec<u8>) -> Result<ContentInfo, Pkcs12Error> {
    Ok(ContentInfo {
        content_type: ID_DATA,
        content: Any::encode_from(&octets(bytes)?).map_err(malformed("data"))?,
    })
}

fn bag_attributes(
    friendly_name: Option<&str>,
    local_key_id: Option<&[u8]>,
) -> Result<Option<SetOfVec<Attribute>>, Pkcs12Error> {
    let mut attrs = SetOfVec::new();
    // a name beyond the Basic Multilingual Plane has no BMPString: left out (the store keeps
    // every name whole)
    if let Some(bmp) = friendly_name.and_then(|name| BmpString::from_utf8(name).ok()) {
        attrs
            .insert(attribute(FRIENDLY_NAME, Any::encode_from(&bmp))?)
            .map_err(malformed("friendlyName"))?;
    }
    if let Some(id) = local_key_id {
        let id = octets(id.to_vec())?;
        attrs
            .insert(attribute(LOCAL_KEY_ID, Any::encode_from(&id))?)
            .map_err(malformed("localKeyId"))?;
    }
    Ok((!attrs.is_empty()).then_some(attrs))
}

fn attribute(oid: ObjectIdentifier, value: der::Result<Any>) -> Result<Attribute, Pkcs12Error> {
    let mut values = SetOfVec::new();
    values
        .insert(value.map_err(malformed("attribute"))?)
        .map_err(malformed("attribute"))?;
    Ok(Attribute { oid, values })
}

fn cert_bag(
    der: &[u8],
    index: usize,
    attrs: Option<SetOfVec<Attribute>>,
) -> Result<SafeBag, Pkcs12Error> {
    x509_cert::Certificate::from_der(der).map_err(|_| Pkcs12Error::NotACertificate { index })?;
    let bag = CertBag {
        cert_id: X509_CERTIFICATE,
        cert_value: octets(der.to_vec())?,
    };
    Ok(SafeBag {
        bag_id: CERT_BAG,
        bag_value: Any::encode_from(&bag).map_err(malformed("cert bag"))?,
        bag_attributes: attrs,
    })
}

/// Encrypts `plain` under the profile's scheme; returns the AlgorithmIdentifier and ciphertext.
fn encrypt(
    profile: Profile,
    secrets: &Secrets<'_>,
    iterations: u32,
    plain: &[u8],
    random: &mut dyn FnMut(&mut [u8]) -> Result<(), RandomUnavailable>,
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>), Pkcs12Error> {
    match profile {
        Profile::Legacy => {
            let salt = random_bytes(random, 8)?;
            let (key, iv) = des3_key_iv(secrets.kdf_password, &salt, iterations);
            let cipher = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                .map_err(|_| Pkcs12Error::Malformed {
                    part: "3DES key length",
                    der: None,
                })?
                .encrypt_padded_vec::<Pkcs7>(plain);
            let params = PbeParams {
                salt: octets(salt)?,
                iterations,
            };
            Ok((
                AlgorithmIdentifierOwned {
                    oid: PBE_SHA1_3DES,
                    parameters: Some(Any::encode_from(&params).map_err(malformed("PBE"))?),
                },
                cipher,
            ))
        }
        Profile::Modern => {
            let salt = random_bytes(random, 16)?;
            let mut iv = [0u8; 16];
            random(&mut iv).map_err(|RandomUnavailable| Pkcs12Error::RandomUnavailable)?;
            let params = pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(iterations, &salt, iv)
                .map_err(pbes2_error)?;
            let cipher = params
                .encrypt(secrets.password.as_bytes(), plain)
                .map_err(pbes2_error)?;
            Ok((
                AlgorithmIdentifierOwned {
                    oid: PBES2,
                    parameters: Some(Any::encode_from(&params).map_err(malformed("PBES2"))?),
                },
                cipher,
            ))
        }
    }
}

impl Pkcs12Error {
    /// A decryption's error once the MAC's outcome is known.
    fn given(self, integrity: Integrity) -> Pkcs12Error {
        match self {
            Pkcs12Error::DoesNotDecrypt { .. } => Pkcs12Error::DoesNotDecrypt {
                mac_verified: matches!(integrity, Integrity::Mac(_)),
            },
            e => e,
        }
    }
}

/// `pkcs5`'s errors in this module's terms.
fn pbes2_error(e: pkcs5::Error) -> Pkcs12Error {
    match e {
        pkcs5::Error::DecryptFailed => Pkcs12Error::DoesNotDecrypt {
            mac_verified: false,
        },
        pkcs5::Error::UnsupportedAlgorithm { oid } => Pkcs12Error::UnsupportedAlgorithm {
            purpose: Purpose::Encryption,
            oid,
        },
        _ => Pkcs12Error::Malformed {
            part: "PBES2 parameters",
            der: None,
        },
    }
}

// ---- key derivation (RFC 7292 Appendix B) ----

/// The password as the PKCS #12 KDF takes it: a NUL-terminated big-endian BMPString
/// (RFC 7292 B.1). An empty password has a second form, no bytes at all, which OpenSSL and
/// Python `cryptography` use for "no password": readers try both, as OpenSSL does.
fn kdf_passwords(password: &str) -> Vec<Zeroizing<Vec<u8>>> {
    let mut bmp = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
    for unit in password.encode_utf16() {
        bmp.extend_from_slice(&unit.to_be_bytes());
    }
    bmp.extend_from_slice(&[0, 0]);
    let mut forms = vec![bmp];
    if password.is_empty() {
        forms.push(Zeroizing::new(Vec::new()));
    }
    forms
}

/// The RFC 7292 Appendix B.2 derivation with hash `D` (SHA-1 or SHA-2: block size `v` of 64
/// or 128 bytes). `password` is in its KDF form ([`kdf_passwords`]); `id`: 1 key, 2 IV, 3 MAC
/// key.
fn pkcs12_kdf<D: Digest + BlockSizeUser>(
    password: &[u8],
    salt: &[u8],
    id: u8,
    iterations: u32,
    len: usize,
) -> Zeroizing<Vec<u8>> {
    let v = D::block_size();
    let stretched = |src: &[u8]| src.len().div_ceil(v) * v;
    // I = S || P, each repeated to a multiple of v bytes
    let mut i_buf = Zeroizing::new(Vec::with_capacity(stretched(salt) + stretched(password)));
    for src in [salt, password] {
        i_buf.extend(src.iter().copied().cycle().take(stretched(src)));
    }
    let d = vec![id; v];
    let mut out = Zeroizing::new(Vec::with_capacity(len + <D as Digest>::output_size()));
    let mut b = Zeroizing::new(vec![0u8; v]);
    loop {
        let mut a = D::new().chain_update(&d).chain_update(&*i_buf).finalize();
        for _ in 1..iterations.max(1) {
            a = D::digest(&a);
        }
        out.extend_from_slice(&a);
        if out.len() >= len {
            break;
        }
        for (dst, src) in b.iter_mut().zip(a.iter().cycle()) {
            *dst = *src;
        }
        for block in i_buf.chunks_mut(v) {
            // block = (block + B + 1) mod 2^(8v), big-endian
            let mut carry = 1u16;
            for (x, y) in block.iter_mut().rev().zip(b.iter().rev()) {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = (sum & 0xFF) as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(len);
    out
}

/// The 3DES key and IV of `pbeWithSHAAnd3-KeyTripleDES-CBC`.
fn des3_key_iv(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
) -> (Zeroizing<Vec<u8>>, Zeroizing<Vec<u8>>) {
    (
        pkcs12_kdf::<Sha1>(password, salt, 1, iterations, 24),
        pkcs12_kdf::<Sha1>(password, salt, 2, iterations, 8),
    )
}

fn hmac_for<D>(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    data: &[u8],
) -> Result<Hmac<D>, Pkcs12Error>
where
    D: Digest + EagerHash,
    Hmac<D>: KeyInit + Mac,
{
    let key = pkcs12_kdf::<D>(password, salt, 3, iterations, <D as Digest>::output_size());
    let mut mac =
        <Hmac<D> as KeyInit>::new_from_slice(&key).map_err(|_| Pkcs12Error::Malformed {
            part: "MAC key",
            der: None,
        })?;
    mac.update(data);
    Ok(mac)
}

fn hmac_pkcs12<D>(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    data: &[u8],
) -> Result<Vec<u8>, Pkcs12Error>
where
    D: Digest + EagerHash,
    Hmac<D>: KeyInit + Mac,
{
    Ok(hmac_for::<D>(password, salt, iterations, data)?
        .finalize()
        .into_bytes()
        .to_vec())
}

/// Whether `expected` is the MAC of `data`, compared in constant time.
fn mac_verifies(
    digest: MacDigest,
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    data: &[u8],
    expected: &[u8],
) -> Result<bool, Pkcs12Error> {
    Ok(match digest {
        MacDigest::Sha1 => hmac_for::<Sha1>(password, salt, iterations, data)?
            .verify_slice(expected)
            .is_ok(),
        MacDigest::Sha256 => hmac_for::<Sha256>(password, salt, iterations, data)?
            .verify_slice(expected)
            .is_ok(),
        MacDigest::Sha384 => hmac_for::<Sha384>(password, salt, iterations, data)?
            .verify_slice(expected)
            .is_ok(),
        MacDigest::Sha512 => hmac_for::<Sha512>(password, salt, iterations, data)?
            .verify_slice(expected)
            .is_ok(),
    })
}

// ---- reading ----

/// Iteration counts above this are refused when reading: a hostile file could otherwise keep
/// the browser busy for hours. (Windows and OpenSSL write 2 000–600 000.)
pub const MAX_READ_ITERATIONS: u32 = 10_000_000;

fn check_iterations(n: u32) -> Result<u32, Pkcs12Error> {
    match n {
        0 => Err(Pkcs12Error::IterationCount(0)),
        n if n > MAX_READ_ITERATIONS => Err(Pkcs12Error::IterationCount(n)),
        n => Ok(n),
    }
}

/// The key derivation one read may do in all, in iterations summed over the MAC (each
/// password form tried) and every encrypted safe and key bag: each count is at most
/// [`MAX_READ_ITERATIONS`], but a hostile file could ask for that in each of thousands of
/// bags. (A file from Windows, OpenSSL or [`write`] needs a few of them, of at most 600 000.)
pub const MAX_READ_WORK: u64 = MAX_READ_ITERATIONS as u64;

/// The key derivation done so far in one read ([`MAX_READ_WORK`]).
#[derive(Default)]
struct Work(core::cell::Cell<u64>);

impl Work {
    /// Counts `runs` derivations of `iterations` each, before they are done; refuses them
    /// when they would take the read past [`MAX_READ_WORK`].
    fn charge(&self, iterations: u32, runs: u64) -> Result<(), Pkcs12Error> {
        let done = self
            .0
            .get()
            .saturating_add(u64::from(iterations).saturating_mul(runs));
        if done > MAX_READ_WORK {
            return Err(Pkcs12Error::TooMuchWork(done));
        }
        self.0.set(done);
        Ok(())
    }
}

/// The bytes of an OCTET STRING, borrowed.
fn octet_string<'a>(any: AnyRef<'a>, part: &'static str) -> Result<&'a [u8], Pkcs12Error> {
    if any.tag() == der::Tag::OctetString {
        Ok(any.value())
    } else {
        Err(Pkcs12Error::Malformed { part, der: None })
    }
}

/// `bytes` decoded as `T`: as DER, else as BER made DER (`ber`) into `slot`, which holds that
/// rewrite, wiped when dropped, for as long as what is decoded borrows from it.
fn der_or_ber<'a, T: Decode<'a, Error = der::Error>>(
    bytes: &'a [u8],
    slot: &'a mut Option<Zeroizing<Vec<u8>>>,
    part: &'static str,
) -> Result<T, Pkcs12Error> {
    match T::from_der(bytes) {
        Ok(value) => Ok(value),
        Err(e) => {
            let der = ber::to_der(bytes).ok_or(Pkcs12Error::Malformed { part, der: Some(e) })?;
            T::from_der(slot.insert(der)).map_err(malformed(part))
        }
    }
}

/// Reads a PFX: checks the MAC (in constant time), decrypts the key and certificate safes.
/// Reads what [`write`] produces; PBES2 with PBKDF2-HMAC-SHA1/SHA-2 and AES-128/192/256
/// (OpenSSL 3's default), PKCS #12's 3DES, 2-key 3DES and RC2-40/128 (`openssl -legacy`,
/// OpenSSL 1.x, older Windows); MACs with SHA-1, SHA-256, SHA-384 and SHA-512. scrypt and
/// signed PFX files are refused, and so is a PFX without a MAC unless `mac_policy` allows it.
pub fn read(pfx: &[u8], password: &str, mac_policy: MacPolicy) -> Result<PfxContents, Pkcs12Error> {
    // DER as written here and by OpenSSL; else BER, as Java's and macOS's writers send it,
    // made DER first (`ber`): the reader never sees the difference, nor does the MAC
    let mut pfx_der = None;
    let pfx: PfxRef<'_> = der_or_ber(pfx, &mut pfx_der, "the PFX does not decode")?;
    if pfx.version != 3 {
        return Err(Pkcs12Error::UnsupportedVersion(pfx.version));
    }
    match pfx.auth_safe.content_type {
        ID_DATA => {}
        ID_SIGNED_DATA => return Err(Pkcs12Error::SignedPfx),
        oid => {
            return Err(Pkcs12Error::UnsupportedAlgorithm {
                purpose: Purpose::ContentType,
                oid,
            });
        }
    }
    let auth_safe = octet_string(pfx.auth_safe.content, "authSafe")?;
    let mut passwords = kdf_passwords(password);
    let work = Work::default();
    let (integrity, kdf_password) = match &pfx.mac_data {
        Some(mac) => {
            let iterations = check_iterations(mac.iterations)?;
            let digest = MacDigest::from_oid(mac.mac.algorithm.oid)?;
            let salt = mac.mac_salt.as_bytes();
            let expected = mac.mac.digest.as_bytes();
            let mut found = None;
            for (i, form) in passwords.iter().enumerate() {
                work.charge(iterations, 1)?;
                if mac_verifies(digest, form, salt, iterations, auth_safe, expected)? {
                    found = Some(i);
                    break;
                }
            }
            match found {
                Some(i) => (Integrity::Mac(digest), passwords.swap_remove(i)),
                None => return Err(Pkcs12Error::WrongPassword),
            }
        }
        None if mac_policy == MacPolicy::Required => return Err(Pkcs12Error::MacMissing),
        None => (Integrity::Unchecked, passwords.swap_remove(0)),
    };
    let secrets = Secrets {
        password,
        kdf_password: &kdf_password,
        work: &work,
    };

    let mut auth_safe_der = None;
    let infos: Vec<ContentInfoRef<'_>> =
        der_or_ber(auth_safe, &mut auth_safe_der, "authenticated safe")?;
    let mut out = PfxContents {
        private_key_pkcs8: None,
        key_count: 0,
        certificates: Vec::new(),
        friendly_name: None,
        local_key_id: None,
        integrity,
        keys: Vec::new(),
        data: Vec::new(),
    };
    for info in infos {
        let decrypted: Zeroizing<Vec<u8>>;
        let safe: &[u8] = match info.content_type {
            ID_DATA => octet_string(info.content, "data safe")?,
            ID_ENCRYPTED_DATA => {
                let ed: EncryptedData = match info.content.decode_as() {
                    Ok(ed) => ed,
                    // its encryptedContent in pieces (BER)
                    Err(e) => info
                        .content
                        .to_der()
                        .ok()
                        .and_then(|d| ber::to_der(&d))
                        .and_then(|d| ber::implicit_octets(&d))
                        .and_then(|d| EncryptedData::from_der(&d).ok())
                        .ok_or(Pkcs12Error::Malformed {
                            part: "encryptedData",
                            der: Some(e),
                        })?,
                };
                let cipher =
                    ed.enc_content_info
                        .encrypted_content
                        .ok_or(Pkcs12Error::Malformed {
                            part: "encryptedData has no content",
                            der: None,
                        })?;
                decrypted = decrypt(
                    &ed.enc_content_info.content_enc_alg,
                    &secrets,
                    cipher.as_bytes(),
                )
                .map_err(|e| e.given(integrity))?;
                &decrypted
            }
            oid => {
                return Err(Pkcs12Error::UnsupportedAlgorithm {
                    purpose: Purpose::ContentType,
                    oid,
                });
            }
        };
        let mut safe_der = None;
        let bags: Vec<SafeBagRef<'_>> = der_or_ber(safe, &mut safe_der, "safe contents")?;
        for bag in bags {
            match bag.bag_id {
                CERT_BAG => {
                    let cb: CertBag = bag.bag_value.decode_as().map_err(malformed("cert bag"))?;
                    // SDSI certificates and other kinds are left out
                    if cb.cert_id == X509_CERTIFICATE {
                        out.certificates.push(cb.cert_value.into_bytes().into_vec());
                    }
                }
                KEY_BAG | SHROUDED_KEY_BAG => {
                    let key = if bag.bag_id == KEY_BAG {
                        Zeroizing::new(bag.bag_value.to_der().map_err(malformed("key bag"))?)
                    } else {
                        let epki: EncryptedPrivateKeyInfo =
                            bag.bag_value.decode_as().map_err(malformed("key bag"))?;
                        decrypt(&epki.algorithm, &secrets, epki.data.as_bytes())
                            .map_err(|e| e.given(integrity))?
                    };
                    if pkcs8::PrivateKeyInfoRef::from_der(&key).is_err() {
                        // padding that happened to check out under a wrong password, when no
                        // MAC said the password was right; else a broken file
                        return Err(match out.integrity {
                            Integrity::Unchecked => Pkcs12Error::DoesNotDecrypt {
                                mac_verified: false,
                            },
                            Integrity::Mac(_) => Pkcs12Error::Malformed {
                                part: "the key bag does not hold a PKCS #8 private key",
                                der: None,
                            },
                        });
                    }
                    out.key_count += 1;
                    let mut found = PfxKey {
                        pkcs8: key,
                        local_key_id: None,
                        friendly_name: None,
                    };
                    for attr in bag.bag_attributes.iter().flat_map(|a| a.iter()) {
                        let Some(value) = attr.values.iter().next() else {
                            continue;
                        };
                        if attr.oid == FRIENDLY_NAME {
                            found.friendly_name =
                                value.decode_as::<BmpString>().ok().map(|b| b.to_string());
                        } else if attr.oid == LOCAL_KEY_ID {
                            found.local_key_id = value
                                .decode_as::<OctetString>()
                                .ok()
                                .map(|o| o.into_bytes().into_vec());
                        }
                    }
                    if out.private_key_pkcs8.is_none() {
                        out.private_key_pkcs8 = Some(found.pkcs8.clone());
                        out.friendly_name = found.friendly_name.clone();
                        out.local_key_id = found.local_key_id.clone();
                    }
                    out.keys.push(found);
                }
                SECRET_BAG => {
                    let secret: SecretBagRef<'_> =
                        bag.bag_value.decode_as().map_err(malformed("secret bag"))?;
                    if secret.secret_type_id == ID_DATA {
                        out.data
                            .push(octet_string(secret.secret_value, "secret bag")?.to_vec());
                    }
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// The password in both forms: UTF-8 for PBES2, the KDF's BMPString (the form the MAC
/// verified with) for the PKCS #12 PBE.
struct Secrets<'a> {
    password: &'a str,
    kdf_password: &'a [u8],
    /// The read's key derivation so far.
    work: &'a Work,
}

fn decrypt(
    alg: &AlgorithmIdentifierOwned,
    secrets: &Secrets<'_>,
    cipher: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Pkcs12Error> {
    let params = alg.parameters.as_ref().ok_or(Pkcs12Error::Malformed {
        part: "encryption parameters missing",
        der: None,
    })?;
    let mut buf = Zeroizing::new(cipher.to_vec());
    let len = match alg.oid {
        PBE_SHA1_3DES | PBE_SHA1_2DES | PBE_SHA1_RC2_128 | PBE_SHA1_RC2_40 => {
            let p: PbeParams = params.decode_as().map_err(malformed("PBE parameters"))?;
            let iterations = check_iterations(p.iterations)?;
            // two derivations: the key and the IV
            secrets.work.charge(iterations, 2)?;
            let salt = p.salt.as_bytes();
            let key_len = match alg.oid {
                PBE_SHA1_3DES => 24,
                PBE_SHA1_2DES | PBE_SHA1_RC2_128 => 16,
                _ => 5,
            };
            let key = pkcs12_kdf::<Sha1>(secrets.kdf_password, salt, 1, iterations, key_len);
            let iv = pkcs12_kdf::<Sha1>(secrets.kdf_password, salt, 2, iterations, 8);
            let bad = |_| Pkcs12Error::Malformed {
                part: "cipher key or IV length",
                der: None,
            };
            let plain = match alg.oid {
                PBE_SHA1_3DES => cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                    .map_err(bad)?
                    .decrypt_padded::<Pkcs7>(&mut buf),
                PBE_SHA1_2DES => cbc::Decryptor::<des::TdesEde2>::new_from_slices(&key, &iv)
                    .map_err(bad)?
                    .decrypt_padded::<Pkcs7>(&mut buf),
                _ => {
                    let rc2 = rc2::Rc2::new_with_eff_key_len(&key, key_len * 8);
                    cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(rc2, &iv)
                        .map_err(bad)?
                        .decrypt_padded::<Pkcs7>(&mut buf)
                }
            };
            plain
                .map_err(|_| Pkcs12Error::DoesNotDecrypt {
                    mac_verified: false,
                })?
                .len()
        }
        PBES2 => {
            let p: pbes2::Parameters = params.decode_as().map_err(|e| why_not_pbes2(params, e))?;
            match p.kdf.pbkdf2() {
                Some(kdf) => secrets
                    .work
                    .charge(check_iterations(kdf.iteration_count)?, 1)?,
                None => {
                    return Err(Pkcs12Error::UnsupportedAlgorithm {
                        purpose: Purpose::KeyDerivation,
                        oid: p.kdf.oid(),
                    });
                }
            };
            p.decrypt_in_place(secrets.password.as_bytes(), &mut buf)
                .map_err(pbes2_error)?
                .len()
        }
        oid => {
            return Err(Pkcs12Error::UnsupportedAlgorithm {
                purpose: Purpose::Encryption,
                oid,
            });
        }
    };
    buf.truncate(len);
    Ok(buf)
}

/// Why `pkcs5` did not take PBES2 parameters: an algorithm it (or this module) does not
/// support, named, or else malformed parameters.
fn why_not_pbes2(params: &Any, e: der::Error) -> Pkcs12Error {
    let unsupported = |purpose, oid| Pkcs12Error::UnsupportedAlgorithm { purpose, oid };
    let Ok(outline) = params.decode_as::<Pbes2Outline>() else {
        return malformed("PBES2 parameters")(e);
    };
    let kdf = &outline.key_derivation_func;
    if kdf.oid != PBKDF2 && kdf.oid != SCRYPT {
        return unsupported(Purpose::KeyDerivation, kdf.oid);
    }
    let cipher = outline.encryption_scheme.oid;
    let known_ciphers = [
        pbes2::AES_128_CBC_OID,
        pbes2::AES_192_CBC_OID,
        pbes2::AES_256_CBC_OID,
        pbes2::AES_128_GCM_OID,
        pbes2::AES_256_GCM_OID,
    ];
    if !known_ciphers.contains(&cipher) {
        return unsupported(Purpose::Encryption, cipher);
    }
    let prf = kdf
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<Pbkdf2Outline>().ok())
        .and_then(|p| p.prf);
    let known_prfs = [
        pbes2::Pbkdf2Prf::HmacWithSha1,
        pbes2::Pbkdf2Prf::HmacWithSha224,
        pbes2::Pbkdf2Prf::HmacWithSha256,
        pbes2::Pbkdf2Prf::HmacWithSha384,
        pbes2::Pbkdf2Prf::HmacWithSha512,
    ]
    .map(pbes2::Pbkdf2Prf::oid);
    match prf {
        Some(prf) if kdf.oid == PBKDF2 && !known_prfs.contains(&prf.oid) => {
            unsupported(Purpose::Prf, prf.oid)
        }
        _ => malformed("PBES2 parameters")(e),
    }
}

#[cfg(test)]
mod tests;
