//! Key archival (`PrivateKeyArchive = TRUE`): the request's private key, as a CAPI
//! `PRIVATEKEYBLOB`, encrypted to the CA's exchange certificate in a CMS `EnvelopedData`, as
//! certreq sends it inside a CMC request (research: certreq-facts §7, checked against
//! Microsoft's `cmc-key-archival-request` dump).
//!
//! ```text
//! Recipient::read(exchange certificate)                    checks: EKU 1.3.6.1.4.1.311.21.5, RSA
//! private_key_blob(PKCS #8) ─▶ blob                         (the one place the engine sees a
//!                                                            private key: to archive it)
//! seal(recipient, blob, cipher, cek, iv) ─▶ KeyTransport { key: the CEK, recipient_spki }
//!          caller: RSA PKCS #1 v1.5 encryption of the CEK to recipient_spki ─▶ encrypted key
//! KeyTransport::finish(encrypted key) ─▶ Archived { content_info, hash }
//! cmc::wrap_with(…, Extras { archived, … })                 hash signed, key unsigned
//! ```
//!
//! * The blob: `BLOBHEADER { 0x07 PRIVATEKEYBLOB, 0x02, 0, CALG_RSA_KEYX 0x0000a400 }`,
//!   `RSAPUBKEY { "RSA2", bit length, public exponent }`, then modulus, prime1, prime2,
//!   exponent1, exponent2, coefficient and private exponent, each little-endian and padded to
//!   the bit length / 8 (modulus, private exponent) or / 16 (the others).
//! * The envelope: `EnvelopedData` version 0, one `KeyTransRecipientInfo` (version 0, named by
//!   the exchange certificate's issuer and serial number, `rsaEncryption` with NULL), the blob
//!   encrypted as `id-data` with 3DES-CBC (or AES-CBC), the IV as the algorithm's parameter,
//!   PKCS #7 padding; no originator information, no unprotected attributes. It travels as a
//!   `ContentInfo`.
//! * The hash: SHA-1 of that whole `ContentInfo`, which the CA recomputes from the unsigned
//!   attribute and compares with the signed one.
//!
//! The content-encryption key and IV are the caller's randomness (the engine has none), and so
//! is the RSA encryption of the key: its padding is random too.

use certreq_pkix::cert::CertParts;
use certreq_pkix::oid;
use der::asn1::{OctetString, SetOfVec, UintRef};
use der::{Decode, Encode, Sequence};
use zeroize::Zeroizing;

use crate::model::Cipher;

/// Why archival could not be prepared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveError {
    /// The exchange certificate is not a DER X.509 certificate.
    NotCertificate,
    /// It lacks the Private Key Archival purpose (1.3.6.1.4.1.311.21.5).
    NotExchangeCertificate,
    /// Its key is not RSA (the key transport is RSA PKCS #1 v1.5).
    ExchangeKeyNotRsa,
    /// The key to archive is not an RSA PKCS #8 key the blob can hold.
    NotRsaKey,
    /// The content-encryption key or IV has the wrong length for the cipher.
    KeyMaterial {
        what: &'static str,
        got: usize,
        want: usize,
    },
    /// No encrypted key handed back.
    EmptyEncryptedKey,
    /// `der` refused a value.
    Der(der::Error),
}

impl core::fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ArchiveError::NotCertificate => {
                f.write_str("the CA exchange certificate is not a DER X.509 certificate")
            }
            ArchiveError::NotExchangeCertificate => f.write_str(
                "the certificate is not a CA exchange certificate: it lacks the Private Key \
                 Archival purpose (1.3.6.1.4.1.311.21.5)",
            ),
            ArchiveError::ExchangeKeyNotRsa => f.write_str(
                "the CA exchange certificate's key is not RSA, so the archived key cannot be \
                 encrypted to it",
            ),
            ArchiveError::NotRsaKey => {
                f.write_str("only RSA keys are archived here (as a CAPI PRIVATEKEYBLOB)")
            }
            ArchiveError::KeyMaterial { what, got, want } => {
                write!(f, "the {what} has {got} bytes; the cipher takes {want}")
            }
            ArchiveError::EmptyEncryptedKey => f.write_str("no encrypted key was handed back"),
            ArchiveError::Der(e) => write!(f, "cannot encode the archived key: {e}"),
        }
    }
}

impl std::error::Error for ArchiveError {}

/// The CA exchange certificate the key is encrypted to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// The whole `IssuerAndSerialNumber` naming it.
    issuer_and_serial: Vec<u8>,
    /// Its `SubjectPublicKeyInfo` (RSA), to encrypt the content-encryption key to.
    pub spki: Vec<u8>,
}

impl Recipient {
    /// Checks that `certificate` (DER) is a CA exchange certificate: the Private Key Archival
    /// purpose among its extended key usages, and an RSA key.
    pub fn read(certificate: &[u8]) -> Result<Recipient, ArchiveError> {
        let parts = CertParts::read(certificate).ok_or(ArchiveError::NotCertificate)?;
        if parts.has_eku(&oid::CA_EXCHANGE) != Some(true) {
            return Err(ArchiveError::NotExchangeCertificate);
        }
        let key = certreq_pkix::spki::SpkiParts::read(parts.spki)
            .and_then(|k| k.algorithm_oid())
            .ok_or(ArchiveError::NotCertificate)?;
        if key != oid::RSA_ENCRYPTION {
            return Err(ArchiveError::ExchangeKeyNotRsa);
        }
        Ok(Recipient {
            issuer_and_serial: parts.issuer_and_serial(),
            spki: parts.spki.to_vec(),
        })
    }
}

/// `RSAPrivateKey` (RFC 8017 A.1.2), two-prime.
#[derive(Sequence)]
struct RsaPrivateKey<'a> {
    version: u8,
    modulus: UintRef<'a>,
    public_exponent: UintRef<'a>,
    private_exponent: UintRef<'a>,
    prime1: UintRef<'a>,
    prime2: UintRef<'a>,
    exponent1: UintRef<'a>,
    exponent2: UintRef<'a>,
    coefficient: UintRef<'a>,
}

/// The CAPI `PRIVATEKEYBLOB` of an RSA private key given as PKCS #8 DER (see the module
/// documentation for the layout), in a buffer wiped when dropped.
pub fn private_key_blob(pkcs8: &[u8]) -> Result<Zeroizing<Vec<u8>>, ArchiveError> {
    use certreq_pkix::tlv;
    // PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, privateKey OCTET STRING, … }
    let info = tlv::only(pkcs8, 0x30).ok_or(ArchiveError::NotRsaKey)?;
    let version = tlv::read(info).ok_or(ArchiveError::NotRsaKey)?;
    let alg = tlv::read(version.rest).ok_or(ArchiveError::NotRsaKey)?;
    let key = tlv::read(alg.rest).ok_or(ArchiveError::NotRsaKey)?;
    let alg_oid = tlv::read(alg.content).ok_or(ArchiveError::NotRsaKey)?;
    if version.tag != 0x02
        || alg.tag != 0x30
        || key.tag != 0x04
        || alg_oid.tag != 0x06
        || alg_oid.content != oid::RSA_ENCRYPTION.as_bytes()
    {
        return Err(ArchiveError::NotRsaKey);
    }
    let rsa = RsaPrivateKey::from_der(key.content).map_err(|_| ArchiveError::NotRsaKey)?;
    if rsa.version != 0 {
        // multi-prime keys have no PRIVATEKEYBLOB
        return Err(ArchiveError::NotRsaKey);
    }
    let n = rsa.modulus.as_bytes();
    let bits = n.len() * 8 - n.first().map_or(8, |b| b.leading_zeros() as usize);
    if bits % 16 != 0 {
        return Err(ArchiveError::NotRsaKey);
    }
    let e = rsa.public_exponent.as_bytes();
    if e.len() > 4 {
        return Err(ArchiveError::NotRsaKey);
    }
    let (full, half) = (bits / 8, bits / 16);
    let mut blob = Zeroizing::new(Vec::with_capacity(20 + full * 2 + half * 5));
    blob.extend_from_slice(&[0x07, 0x02, 0x00, 0x00, 0x00, 0xa4, 0x00, 0x00]);
    blob.extend_from_slice(b"RSA2");
    blob.extend_from_slice(
        &u32::try_from(bits)
            .map_err(|_| ArchiveError::NotRsaKey)?
            .to_le_bytes(),
    );
    let mut exponent = [0u8; 4];
    exponent[4 - e.len()..].copy_from_slice(e);
    blob.extend_from_slice(&u32::from_be_bytes(exponent).to_le_bytes());
    for (value, len) in [
        (rsa.modulus, full),
        (rsa.prime1, half),
        (rsa.prime2, half),
        (rsa.exponent1, half),
        (rsa.exponent2, half),
        (rsa.coefficient, half),
        (rsa.private_exponent, full),
    ] {
        let be = value.as_bytes();
        if be.len() > len {
            return Err(ArchiveError::NotRsaKey);
        }
        let start = blob.len();
        blob.resize(start + len, 0);
        for (i, b) in be.iter().rev().enumerate() {
            blob[start + i] = *b;
        }
    }
    Ok(blob)
}

/// The archived key, encrypted with the content-encryption key, waiting for that key to be
/// encrypted to the CA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyTransport {
    /// The content-encryption key (with DES parity set for 3DES): what the caller encrypts
    /// to [`KeyTransport::recipient_spki`] with RSA PKCS #1 v1.5.
    pub key: Zeroizing<Vec<u8>>,
    /// The CA exchange certificate's public key.
    pub recipient_spki: Vec<u8>,
    recipient: Vec<u8>,
    cipher: Cipher,
    iv: Vec<u8>,
    encrypted: Vec<u8>,
}

/// Encrypts `plaintext` (the blob) for `recipient` with `cipher`, the content-encryption key
/// `cek` and the initialisation vector `iv` (both the caller's random bytes, of the cipher's
/// lengths).
pub fn seal(
    recipient: &Recipient,
    plaintext: &[u8],
    cipher: Cipher,
    cek: &[u8],
    iv: &[u8],
) -> Result<KeyTransport, ArchiveError> {
    use cbc::cipher::block_padding::Pkcs7;
    use cbc::cipher::{BlockModeEncrypt, KeyIvInit};
    let check = |what: &'static str, got: usize, want: usize| {
        if got == want {
            Ok(())
        } else {
            Err(ArchiveError::KeyMaterial { what, got, want })
        }
    };
    check("content-encryption key", cek.len(), cipher.key_len())?;
    check("initialisation vector", iv.len(), cipher.iv_len())?;
    let mut key = Zeroizing::new(cek.to_vec());
    if cipher == Cipher::TripleDes {
        // DES keys carry odd parity in each byte's low bit (FIPS 46-3)
        for b in key.iter_mut() {
            *b = (*b & 0xfe) | u8::from((*b >> 1).count_ones() % 2 == 0);
        }
    }
    let bad = |_| ArchiveError::KeyMaterial {
        what: "content-encryption key",
        got: cek.len(),
        want: cipher.key_len(),
    };
    let encrypted = match cipher {
        Cipher::TripleDes => cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, iv)
            .map_err(bad)?
            .encrypt_padded_vec::<Pkcs7>(plaintext),
        Cipher::Aes128 => cbc::Encryptor::<aes::Aes128>::new_from_slices(&key, iv)
            .map_err(bad)?
            .encrypt_padded_vec::<Pkcs7>(plaintext),
        Cipher::Aes192 => cbc::Encryptor::<aes::Aes192>::new_from_slices(&key, iv)
            .map_err(bad)?
            .encrypt_padded_vec::<Pkcs7>(plaintext),
        Cipher::Aes256 => cbc::Encryptor::<aes::Aes256>::new_from_slices(&key, iv)
            .map_err(bad)?
            .encrypt_padded_vec::<Pkcs7>(plaintext),
    };
    Ok(KeyTransport {
        key,
        recipient_spki: recipient.spki.clone(),
        recipient: recipient.issuer_and_serial.clone(),
        cipher,
        iv: iv.to_vec(),
        encrypted,
    })
}

/// The archived key, ready for the CMC request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archived {
    /// The `ContentInfo` holding the `EnvelopedData`, DER.
    pub content_info: Vec<u8>,
    /// Its SHA-1 hash.
    pub hash: [u8; 20],
}

impl KeyTransport {
    /// Takes the content-encryption key encrypted to the CA (RSA PKCS #1 v1.5) and writes the
    /// envelope.
    pub fn finish(&self, encrypted_key: &[u8]) -> Result<Archived, ArchiveError> {
        use cms::content_info::{CmsVersion, ContentInfo};
        use cms::enveloped_data::{
            EncryptedContentInfo, EnvelopedData, KeyTransRecipientInfo, RecipientIdentifier,
            RecipientInfo, RecipientInfos,
        };
        use spki::AlgorithmIdentifierOwned;
        if encrypted_key.is_empty() {
            return Err(ArchiveError::EmptyEncryptedKey);
        }
        let issuer_and_serial = cms::cert::IssuerAndSerialNumber::from_der(&self.recipient)
            .map_err(ArchiveError::Der)?;
        let null = der::asn1::Any::null();
        let ktri = KeyTransRecipientInfo {
            version: CmsVersion::V0,
            rid: RecipientIdentifier::IssuerAndSerialNumber(issuer_and_serial),
            key_enc_alg: AlgorithmIdentifierOwned {
                oid: oid::RSA_ENCRYPTION,
                parameters: Some(null),
            },
            enc_key: OctetString::new(encrypted_key.to_vec()).map_err(ArchiveError::Der)?,
        };
        let mut recipients = SetOfVec::new();
        recipients
            .insert(RecipientInfo::Ktri(ktri))
            .map_err(ArchiveError::Der)?;
        let iv = der::asn1::Any::encode_from(
            &OctetString::new(self.iv.clone()).map_err(ArchiveError::Der)?,
        )
        .map_err(ArchiveError::Der)?;
        let enveloped = EnvelopedData {
            version: CmsVersion::V0,
            originator_info: None,
            recip_infos: RecipientInfos(recipients),
            encrypted_content: EncryptedContentInfo {
                content_type: oid::ID_DATA,
                content_enc_alg: AlgorithmIdentifierOwned {
                    oid: self.cipher.oid(),
                    parameters: Some(iv),
                },
                encrypted_content: Some(
                    OctetString::new(self.encrypted.clone()).map_err(ArchiveError::Der)?,
                ),
            },
            unprotected_attrs: None,
        };
        let info = ContentInfo {
            content_type: oid::ID_ENVELOPED_DATA,
            content: der::asn1::Any::encode_from(&enveloped).map_err(ArchiveError::Der)?,
        };
        let content_info = info.to_der().map_err(ArchiveError::Der)?;
        let mut hash = [0u8; 20];
        hash.copy_from_slice(&certreq_pkix::alg::Hash::Sha1.digest(&content_info));
        Ok(Archived { content_info, hash })
    }
}

impl Archived {
    /// The encrypted-key-hash attribute (1.3.6.1.4.1.311.21.21 = OCTET STRING), for the CMC
    /// attributes, which the request's key signs.
    pub fn hash_attribute(&self) -> Vec<u8> {
        crate::signed::attribute(
            oid::ENCRYPTED_KEY_HASH,
            &certreq_pkix::tlv::tlv(0x04, &self.hash),
        )
    }

    /// The encrypted-private-key attribute (1.3.6.1.4.1.311.21.13 = the `ContentInfo`), an
    /// unsigned attribute of the request key's signer.
    pub fn key_attribute(&self) -> Vec<u8> {
        crate::signed::attribute(oid::ENCRYPTED_PRIVATE_KEY, &self.content_info)
    }
}

#[cfg(test)]
mod tests;
