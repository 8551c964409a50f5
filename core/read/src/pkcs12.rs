//! PKCS #12 / PFX files (RFC 7292): a private key, its certificate and the chain, under a
//! password, for import into Windows, browsers, OpenSSL and Java.
//!
//! Layout (what OpenSSL and Windows write): the AuthenticatedSafe holds an `encryptedData`
//! with one certBag per certificate, then a `data` with one `pkcs8ShroudedKeyBag`. The leaf's
//! cert bag and the key bag carry `friendlyName` and `localKeyId` (SHA-1 of the leaf DER);
//! an HMAC over the AuthenticatedSafe protects the whole.
//!
//! Two profiles:
//! - [`Profile::Modern`]: PBES2 (PBKDF2-HMAC-SHA256, 10 000 iterations, AES-256-CBC) for the
//!   key and the certificates, HMAC-SHA256 MAC. Windows 10 1709+/Server 2019+, OpenSSL 1.1+.
//! - [`Profile::Legacy`]: `pbeWithSHAAnd3-KeyTripleDES-CBC` for key and certificates, HMAC-SHA1
//!   MAC, 2048 iterations. Every Windows version; OpenSSL 3 reads it without `-legacy`.
//!
//! Salts and IVs come from the caller's random source, so this module makes no OS calls.

use certreq_pkix::oid::ObjectIdentifier;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::encrypted_data::EncryptedData;
use cms::enveloped_data::EncryptedContentInfo;
use der::asn1::{Any, BmpString, Null, OctetString, SetOfVec};
use der::{Decode, Encode, Sequence};
use hmac::{Hmac, KeyInit, Mac};
use sha1::{Digest, Sha1};
use sha2::Sha256;
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_ENCRYPTED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.6");
const KEY_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.1");
const SHROUDED_KEY_BAG: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.10.1.3");
const X509_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.22.1");
const FRIENDLY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.20");
const LOCAL_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.21");
const PBE_SHA1_3DES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.12.1.3");
const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");
const PBKDF2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.12");
const HMAC_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.2.7");
const HMAC_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.2.9");
const AES128_CBC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.2");
const AES192_CBC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.22");
const AES256_CBC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.42");
const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

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
#[derive(Clone, Copy, Debug)]
pub struct PfxInput<'a> {
    /// The private key as PKCS #8 `PrivateKeyInfo` DER.
    pub private_key_pkcs8: &'a [u8],
    /// The certificate for that key (DER).
    pub leaf: &'a [u8],
    /// Issuing CA certificates (DER), leaf's issuer first.
    pub chain: &'a [&'a [u8]],
    /// `friendlyName` on the key and leaf certificate (Windows shows it in certlm.msc).
    pub friendly_name: Option<&'a str>,
}

/// What [`read`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PfxContents {
    /// The decrypted PKCS #8 `PrivateKeyInfo` DER.
    pub private_key_pkcs8: Option<Vec<u8>>,
    /// Every certificate's DER, in file order.
    pub certificates: Vec<Vec<u8>>,
    /// The key bag's `friendlyName`.
    pub friendly_name: Option<String>,
    /// The key bag's `localKeyId`.
    pub local_key_id: Option<Vec<u8>>,
}

/// Why a PFX could not be written or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pkcs12Error {
    /// The MAC does not verify: the password is wrong (or the file was altered).
    WrongPassword,
    /// An algorithm this module does not implement (named).
    Unsupported(String),
    /// Input that does not decode.
    Malformed(String),
}

impl core::fmt::Display for Pkcs12Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Pkcs12Error::WrongPassword => {
                f.write_str("the password is wrong: the PFX integrity check (MAC) does not verify")
            }
            Pkcs12Error::Unsupported(what) => write!(f, "unsupported in PFX files: {what}"),
            Pkcs12Error::Malformed(what) => write!(f, "not a valid PFX: {what}"),
        }
    }
}

impl std::error::Error for Pkcs12Error {}

fn malformed(what: &str) -> impl Fn(der::Error) -> Pkcs12Error + '_ {
    move |e| Pkcs12Error::Malformed(format!("{what}: {e}"))
}

// ---- ASN.1 (RFC 7292, RFC 8018) ----

/// `PFX`.
#[derive(Clone, Debug, Sequence)]
struct Pfx {
    version: u8,
    auth_safe: ContentInfo,
    #[asn1(optional = "true")]
    mac_data: Option<MacData>,
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

/// `SafeBag`.
#[derive(Clone, Debug, Sequence)]
struct SafeBag {
    bag_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    bag_value: Any,
    #[asn1(optional = "true")]
    bag_attributes: Option<SetOfVec<Attribute>>,
}

/// `CertBag`.
#[derive(Clone, Debug, Sequence)]
struct CertBag {
    cert_id: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    cert_value: OctetString,
}

/// `EncryptedPrivateKeyInfo`.
#[derive(Clone, Debug, Sequence)]
struct EncryptedPrivateKeyInfo {
    algorithm: AlgorithmIdentifierOwned,
    data: OctetString,
}

/// `pkcs-12PbeParams`.
#[derive(Clone, Debug, Sequence)]
struct PbeParams {
    salt: OctetString,
    iterations: u32,
}

/// `PBES2-params`.
#[derive(Clone, Debug, Sequence)]
struct Pbes2Params {
    key_derivation_func: AlgorithmIdentifierOwned,
    encryption_scheme: AlgorithmIdentifierOwned,
}

/// `PBKDF2-params` (salt always `specified`).
#[derive(Clone, Debug, Sequence)]
struct Pbkdf2Params {
    salt: OctetString,
    iteration_count: u32,
    #[asn1(optional = "true")]
    key_length: Option<u32>,
    #[asn1(optional = "true")]
    prf: Option<AlgorithmIdentifierOwned>,
}

// ---- writing ----

/// Writes a PFX protected by `password`. `random` fills buffers with cryptographically
/// secure random bytes (salts and IVs).
pub fn write(
    input: &PfxInput<'_>,
    password: &str,
    profile: Profile,
    random: &mut dyn FnMut(&mut [u8]),
) -> Result<Vec<u8>, Pkcs12Error> {
    let iterations = profile.iterations();
    x509_cert::Certificate::from_der(input.leaf)
        .map_err(malformed("the certificate does not decode"))?;
    // PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm SEQUENCE, key OCTET STRING, … }
    let is_pkcs8 = Vec::<Any>::from_der(input.private_key_pkcs8).is_ok_and(|items| {
        let tags: Vec<der::Tag> = items.iter().take(3).map(der::Tagged::tag).collect();
        tags == [der::Tag::Integer, der::Tag::Sequence, der::Tag::OctetString]
    });
    if !is_pkcs8 {
        return Err(Pkcs12Error::Malformed(
            "the private key is not PKCS #8 PrivateKeyInfo DER".into(),
        ));
    }
    let local_key_id = Sha1::digest(input.leaf).to_vec();
    let leaf_attrs = bag_attributes(input.friendly_name, &local_key_id)?;

    // Certificates: leaf (with attributes) then chain, in an encryptedData.
    let mut cert_bags = Vec::new();
    cert_bags.push(cert_bag(input.leaf, Some(leaf_attrs.clone()))?);
    for ca in input.chain {
        cert_bags.push(cert_bag(ca, None)?);
    }
    let cert_safe = cert_bags.to_der().map_err(malformed("certificate bags"))?;
    let (cert_alg, cert_cipher) = encrypt(profile, password, iterations, &cert_safe, random)?;
    let encrypted = EncryptedData {
        version: CmsVersion::V0,
        enc_content_info: EncryptedContentInfo {
            content_type: ID_DATA,
            content_enc_alg: cert_alg,
            encrypted_content: Some(octets(cert_cipher)?),
        },
        unprotected_attrs: None,
    };
    let cert_info = ContentInfo {
        content_type: ID_ENCRYPTED_DATA,
        content: Any::encode_from(&encrypted).map_err(malformed("encryptedData"))?,
    };

    // The key: a pkcs8ShroudedKeyBag in a plain data safe.
    let (key_alg, key_cipher) = encrypt(
        profile,
        password,
        iterations,
        input.private_key_pkcs8,
        random,
    )?;
    let epki = EncryptedPrivateKeyInfo {
        algorithm: key_alg,
        data: octets(key_cipher)?,
    };
    let key_bag = SafeBag {
        bag_id: SHROUDED_KEY_BAG,
        bag_value: Any::encode_from(&epki).map_err(malformed("key bag"))?,
        bag_attributes: Some(leaf_attrs),
    };
    let key_safe = vec![key_bag].to_der().map_err(malformed("key bag"))?;
    let key_info = data_content_info(key_safe)?;

    let auth_safe = vec![cert_info, key_info]
        .to_der()
        .map_err(malformed("authenticated safe"))?;

    let mut mac_salt = vec![0u8; if profile == Profile::Modern { 16 } else { 8 }];
    random(&mut mac_salt);
    let (mac_alg, mac) = match profile {
        Profile::Modern => (
            SHA256,
            hmac_pkcs12::<Sha256>(password, &mac_salt, iterations, &auth_safe)?,
        ),
        Profile::Legacy => (
            SHA1,
            hmac_pkcs12::<Sha1>(password, &mac_salt, iterations, &auth_safe)?,
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
    local_key_id: &[u8],
) -> Result<SetOfVec<Attribute>, Pkcs12Error> {
    let mut attrs = SetOfVec::new();
    if let Some(name) = friendly_name {
        let bmp = BmpString::from_utf8(name).map_err(|_| {
            Pkcs12Error::Malformed(
                "the friendly name has characters outside the Basic Multilingual Plane".into(),
            )
        })?;
        attrs
            .insert(attribute(FRIENDLY_NAME, Any::encode_from(&bmp))?)
            .map_err(malformed("friendlyName"))?;
    }
    let id = octets(local_key_id.to_vec())?;
    attrs
        .insert(attribute(LOCAL_KEY_ID, Any::encode_from(&id))?)
        .map_err(malformed("localKeyId"))?;
    Ok(attrs)
}

fn attribute(oid: ObjectIdentifier, value: der::Result<Any>) -> Result<Attribute, Pkcs12Error> {
    let mut values = SetOfVec::new();
    values
        .insert(value.map_err(malformed("attribute"))?)
        .map_err(malformed("attribute"))?;
    Ok(Attribute { oid, values })
}

fn cert_bag(der: &[u8], attrs: Option<SetOfVec<Attribute>>) -> Result<SafeBag, Pkcs12Error> {
    x509_cert::Certificate::from_der(der).map_err(malformed("a chain certificate"))?;
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
    password: &str,
    iterations: u32,
    plain: &[u8],
    random: &mut dyn FnMut(&mut [u8]),
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>), Pkcs12Error> {
    match profile {
        Profile::Legacy => {
            let mut salt = vec![0u8; 8];
            random(&mut salt);
            let key = pkcs12_kdf::<Sha1>(password, &salt, 1, iterations, 24);
            let iv = pkcs12_kdf::<Sha1>(password, &salt, 2, iterations, 8);
            let cipher = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                .map_err(|_| Pkcs12Error::Malformed("3DES key length".into()))?
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
            let mut salt = vec![0u8; 16];
            random(&mut salt);
            let mut iv = vec![0u8; 16];
            random(&mut iv);
            let mut key = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, iterations, &mut key);
            let cipher = cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, &iv)
                .map_err(|_| Pkcs12Error::Malformed("AES key length".into()))?
                .encrypt_padded_vec::<Pkcs7>(plain);
            let kdf = Pbkdf2Params {
                salt: octets(salt)?,
                iteration_count: iterations,
                key_length: None,
                prf: Some(AlgorithmIdentifierOwned {
                    oid: HMAC_SHA256,
                    parameters: Some(Any::from(Null)),
                }),
            };
            let params = Pbes2Params {
                key_derivation_func: AlgorithmIdentifierOwned {
                    oid: PBKDF2,
                    parameters: Some(Any::encode_from(&kdf).map_err(malformed("PBKDF2"))?),
                },
                encryption_scheme: AlgorithmIdentifierOwned {
                    oid: AES256_CBC,
                    parameters: Some(Any::encode_from(&octets(iv)?).map_err(malformed("IV"))?),
                },
            };
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

// ---- key derivation ----

/// The password as a NUL-terminated big-endian BMPString (RFC 7292 B.1).
fn bmp_password(password: &str) -> Vec<u8> {
    let mut out: Vec<u8> = password
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect();
    out.extend_from_slice(&[0, 0]);
    out
}

/// The RFC 7292 Appendix B key derivation for SHA-1 and SHA-256 (both have a 64-byte block).
/// `id`: 1 key, 2 IV, 3 MAC key.
fn pkcs12_kdf<D: Digest>(
    password: &str,
    salt: &[u8],
    id: u8,
    iterations: u32,
    len: usize,
) -> Vec<u8> {
    const V: usize = 64;
    let fill = |src: &[u8]| -> Vec<u8> {
        if src.is_empty() {
            return Vec::new();
        }
        let n = src.len().div_ceil(V) * V;
        src.iter().copied().cycle().take(n).collect()
    };
    let pass = bmp_password(password);
    let mut i_buf = fill(salt);
    i_buf.extend(fill(&pass));
    let d = [id; V];
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        let mut a = D::new().chain_update(d).chain_update(&i_buf).finalize();
        for _ in 1..iterations.max(1) {
            a = D::digest(&a);
        }
        out.extend_from_slice(&a);
        if out.len() >= len {
            break;
        }
        let b: Vec<u8> = a.iter().copied().cycle().take(V).collect();
        for block in i_buf.chunks_mut(V) {
            // block = (block + b + 1) mod 2^(8V), big-endian.
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

fn hmac_pkcs12<D>(
    password: &str,
    salt: &[u8],
    iterations: u32,
    data: &[u8],
) -> Result<Vec<u8>, Pkcs12Error>
where
    D: Digest + hmac::EagerHash,
    Hmac<D>: KeyInit + Mac,
{
    let key = pkcs12_kdf::<D>(password, salt, 3, iterations, <D as Digest>::output_size());
    let mut mac = <Hmac<D> as KeyInit>::new_from_slice(&key)
        .map_err(|_| Pkcs12Error::Malformed("MAC key".into()))?;
    mac.update(data);
    Ok(mac.finalize().into_bytes().to_vec().to_vec())
}

// ---- reading ----

/// Iteration counts above this are refused when reading: a hostile file could otherwise keep
/// the browser busy for hours. (Windows and OpenSSL write 2 000–600 000.)
const MAX_READ_ITERATIONS: u32 = 10_000_000;

fn check_iterations(n: u32) -> Result<u32, Pkcs12Error> {
    match n {
        0 => Err(Pkcs12Error::Malformed("an iteration count of 0".into())),
        n if n > MAX_READ_ITERATIONS => Err(Pkcs12Error::Unsupported(format!(
            "an iteration count of {n} (at most {MAX_READ_ITERATIONS} is read)"
        ))),
        n => Ok(n),
    }
}

/// Reads a PFX: checks the MAC, decrypts the key and certificate safes. Supports what
/// [`write`] produces plus PBES2 with HMAC-SHA1 and AES-128/192; RC2 is refused.
pub fn read(pfx: &[u8], password: &str) -> Result<PfxContents, Pkcs12Error> {
    let pfx = Pfx::from_der(pfx).map_err(malformed("the PFX does not decode"))?;
    if pfx.version != 3 {
        return Err(Pkcs12Error::Unsupported(format!(
            "PFX version {}",
            pfx.version
        )));
    }
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(Pkcs12Error::Unsupported(
            "public-key integrity mode (signed PFX)".into(),
        ));
    }
    let auth_safe = pfx
        .auth_safe
        .content
        .decode_as::<OctetString>()
        .map_err(malformed("authSafe"))?
        .into_bytes()
        .into_vec();
    if let Some(mac) = &pfx.mac_data {
        let salt = mac.mac_salt.as_bytes();
        check_iterations(mac.iterations)?;
        let expected = mac.mac.digest.as_bytes();
        let computed = match mac.mac.algorithm.oid {
            SHA1 => hmac_pkcs12::<Sha1>(password, salt, mac.iterations, &auth_safe)?,
            SHA256 => hmac_pkcs12::<Sha256>(password, salt, mac.iterations, &auth_safe)?,
            other => return Err(Pkcs12Error::Unsupported(format!("MAC digest {other}"))),
        };
        if computed != expected {
            return Err(Pkcs12Error::WrongPassword);
        }
    }
    let infos =
        Vec::<ContentInfo>::from_der(&auth_safe).map_err(malformed("authenticated safe"))?;
    let mut out = PfxContents::default();
    for info in infos {
        let safe = if info.content_type == ID_DATA {
            info.content
                .decode_as::<OctetString>()
                .map_err(malformed("data safe"))?
                .into_bytes()
                .into_vec()
        } else if info.content_type == ID_ENCRYPTED_DATA {
            let ed: EncryptedData = info
                .content
                .decode_as()
                .map_err(malformed("encryptedData"))?;
            let cipher = ed
                .enc_content_info
                .encrypted_content
                .ok_or_else(|| Pkcs12Error::Malformed("encryptedData has no content".into()))?;
            decrypt(
                &ed.enc_content_info.content_enc_alg,
                password,
                cipher.as_bytes(),
            )?
        } else {
            return Err(Pkcs12Error::Unsupported(format!(
                "safe content type {}",
                info.content_type
            )));
        };
        let bags = Vec::<SafeBag>::from_der(&safe).map_err(malformed("safe contents"))?;
        for bag in bags {
            match bag.bag_id {
                CERT_BAG => {
                    let cb: CertBag = bag.bag_value.decode_as().map_err(malformed("cert bag"))?;
                    out.certificates.push(cb.cert_value.into_bytes().into_vec());
                }
                KEY_BAG | SHROUDED_KEY_BAG => {
                    let key = if bag.bag_id == KEY_BAG {
                        bag.bag_value.to_der().map_err(malformed("key bag"))?
                    } else {
                        let epki: EncryptedPrivateKeyInfo =
                            bag.bag_value.decode_as().map_err(malformed("key bag"))?;
                        decrypt(&epki.algorithm, password, epki.data.as_bytes())?
                    };
                    out.private_key_pkcs8 = Some(key);
                    for attr in bag.bag_attributes.iter().flat_map(|a| a.iter()) {
                        let Some(value) = attr.values.iter().next() else {
                            continue;
                        };
                        if attr.oid == FRIENDLY_NAME {
                            out.friendly_name =
                                value.decode_as::<BmpString>().ok().map(|b| b.to_string());
                        } else if attr.oid == LOCAL_KEY_ID {
                            out.local_key_id = value
                                .decode_as::<OctetString>()
                                .ok()
                                .map(|o| o.into_bytes().into_vec());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

fn decrypt(
    alg: &AlgorithmIdentifierOwned,
    password: &str,
    cipher: &[u8],
) -> Result<Vec<u8>, Pkcs12Error> {
    let wrong = |_| Pkcs12Error::WrongPassword;
    let params = alg
        .parameters
        .as_ref()
        .ok_or_else(|| Pkcs12Error::Malformed("encryption parameters missing".into()))?;
    match alg.oid {
        PBE_SHA1_3DES => {
            let p: PbeParams = params.decode_as().map_err(malformed("PBE parameters"))?;
            check_iterations(p.iterations)?;
            let key = pkcs12_kdf::<Sha1>(password, p.salt.as_bytes(), 1, p.iterations, 24);
            let iv = pkcs12_kdf::<Sha1>(password, p.salt.as_bytes(), 2, p.iterations, 8);
            cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                .map_err(|_| Pkcs12Error::Malformed("3DES key length".into()))?
                .decrypt_padded_vec::<Pkcs7>(cipher)
                .map_err(wrong)
        }
        PBES2 => {
            let p: Pbes2Params = params.decode_as().map_err(malformed("PBES2 parameters"))?;
            if p.key_derivation_func.oid != PBKDF2 {
                return Err(Pkcs12Error::Unsupported(format!(
                    "key derivation {}",
                    p.key_derivation_func.oid
                )));
            }
            let kdf: Pbkdf2Params = p
                .key_derivation_func
                .parameters
                .as_ref()
                .ok_or_else(|| Pkcs12Error::Malformed("PBKDF2 parameters missing".into()))?
                .decode_as()
                .map_err(malformed("PBKDF2 parameters"))?;
            let iv = p
                .encryption_scheme
                .parameters
                .as_ref()
                .ok_or_else(|| Pkcs12Error::Malformed("IV missing".into()))?
                .decode_as::<OctetString>()
                .map_err(malformed("IV"))?;
            let key_len = match p.encryption_scheme.oid {
                AES128_CBC => 16,
                AES192_CBC => 24,
                AES256_CBC => 32,
                other => return Err(Pkcs12Error::Unsupported(format!("cipher {other}"))),
            };
            let mut key = vec![0u8; key_len];
            check_iterations(kdf.iteration_count)?;
            let prf = kdf.prf.as_ref().map_or(HMAC_SHA1, |a| a.oid);
            let pw = password.as_bytes();
            let salt = kdf.salt.as_bytes();
            match prf {
                HMAC_SHA1 => pbkdf2::pbkdf2_hmac::<Sha1>(pw, salt, kdf.iteration_count, &mut key),
                HMAC_SHA256 => {
                    pbkdf2::pbkdf2_hmac::<Sha256>(pw, salt, kdf.iteration_count, &mut key)
                }
                other => return Err(Pkcs12Error::Unsupported(format!("PBKDF2 PRF {other}"))),
            }
            let iv = iv.as_bytes();
            let bad = |_| Pkcs12Error::Malformed("AES key or IV length".into());
            match key_len {
                16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, iv)
                    .map_err(bad)?
                    .decrypt_padded_vec::<Pkcs7>(cipher)
                    .map_err(wrong),
                24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(&key, iv)
                    .map_err(bad)?
                    .decrypt_padded_vec::<Pkcs7>(cipher)
                    .map_err(wrong),
                _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, iv)
                    .map_err(bad)?
                    .decrypt_padded_vec::<Pkcs7>(cipher)
                    .map_err(wrong),
            }
        }
        other => Err(Pkcs12Error::Unsupported(format!(
            "encryption {other} (RC2 and other legacy schemes are not read)"
        ))),
    }
}

#[cfg(test)]
mod tests;
