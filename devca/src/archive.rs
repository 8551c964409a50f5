//! Archived keys: the EnvelopedData a CMC request carries (1.3.6.1.4.1.311.21.13), opened with
//! the exchange certificate's key, its CAPI PRIVATEKEYBLOB read back into an RSA key, and
//! kept. Written apart from the engine that builds it (certreq-request's `archive`), so that
//! each checks the other.

use std::path::Path;

use der::Decode;
use rsa::BoxedUint;
use rsa::pkcs8::EncodePrivateKey;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

/// Opens the `ContentInfo(EnvelopedData)`: RSA PKCS #1 v1.5 key transport to `key`, then
/// 3DES- or AES-CBC; returns the archived key as PKCS #8 DER.
pub fn open(key: &rsa::PrivateKey, content_info: &[u8]) -> Result<Vec<u8>, String> {
    use cbc::cipher::block_padding::Pkcs7;
    use cbc::cipher::{BlockModeDecrypt, KeyIvInit};
    use certreq_pkix::oid;
    use cms::enveloped_data::{EnvelopedData, RecipientInfo};
    let info = cms::content_info::ContentInfo::from_der(content_info).map_err(|e| e.to_string())?;
    if info.content_type != oid::ID_ENVELOPED_DATA {
        return Err("not an EnvelopedData".into());
    }
    let env: EnvelopedData = info
        .content
        .decode_as()
        .map_err(|e: der::Error| e.to_string())?;
    let Some(RecipientInfo::Ktri(ktri)) = env.recip_infos.0.iter().next() else {
        return Err("no key transport recipient".into());
    };
    if ktri.key_enc_alg.oid != oid::RSA_ENCRYPTION {
        return Err("not RSA PKCS #1 v1.5 key transport".into());
    }
    let cek = key
        .decrypt(rsa::Pkcs1v15Encrypt, ktri.enc_key.as_bytes())
        .map_err(|e| format!("the content-encryption key does not decrypt: {e}"))?;
    let eci = &env.encrypted_content;
    let iv: der::asn1::OctetString = eci
        .content_enc_alg
        .parameters
        .as_ref()
        .ok_or("no IV")?
        .decode_as()
        .map_err(|e: der::Error| e.to_string())?;
    let mut buf = eci
        .encrypted_content
        .as_ref()
        .ok_or("no encrypted content")?
        .as_bytes()
        .to_vec();
    let alg = eci.content_enc_alg.oid;
    let bad = |e: cbc::cipher::InvalidLength| e.to_string();
    let plain = if alg == oid::DES_EDE3_CBC {
        cbc::Decryptor::<des::TdesEde3>::new_from_slices(&cek, iv.as_bytes())
            .map_err(bad)?
            .decrypt_padded::<Pkcs7>(&mut buf)
    } else if alg == oid::AES128_CBC {
        cbc::Decryptor::<aes::Aes128>::new_from_slices(&cek, iv.as_bytes())
            .map_err(bad)?
            .decrypt_padded::<Pkcs7>(&mut buf)
    } else if alg == oid::AES192_CBC {
        cbc::Decryptor::<aes::Aes192>::new_from_slices(&cek, iv.as_bytes())
            .map_err(bad)?
            .decrypt_padded::<Pkcs7>(&mut buf)
    } else if alg == oid::AES256_CBC {
        cbc::Decryptor::<aes::Aes256>::new_from_slices(&cek, iv.as_bytes())
            .map_err(bad)?
            .decrypt_padded::<Pkcs7>(&mut buf)
    } else {
        return Err(format!("content encryption {alg} is not 3DES or AES"));
    }
    .map_err(|_| "the archived key does not decrypt".to_string())?;
    let key = from_blob(plain)?;
    key.to_pkcs8_der()
        .map(|d| d.as_bytes().to_vec())
        .map_err(|e| e.to_string())
}

/// Reads a CAPI `PRIVATEKEYBLOB` (RSA, `RSA2`, little-endian fields) into an RSA key.
fn from_blob(blob: &[u8]) -> Result<rsa::PrivateKey, String> {
    let header = blob.get(..20).ok_or("the blob is too short")?;
    if header[..8] != [0x07, 0x02, 0x00, 0x00, 0x00, 0xa4, 0x00, 0x00] || &header[8..12] != b"RSA2"
    {
        return Err("not an RSA PRIVATEKEYBLOB".into());
    }
    let word = |at: usize| {
        u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let bits = usize::try_from(word(12)).map_err(|e| e.to_string())?;
    let e = word(16);
    if bits % 16 != 0 || bits == 0 {
        return Err("a bit length the blob cannot have".into());
    }
    let (full, half) = (bits / 8, bits / 16);
    if blob.len() != 20 + 2 * full + 5 * half {
        return Err("the blob's length does not match its bit length".into());
    }
    let mut at = 20;
    let mut take = |len: usize| {
        let v = BoxedUint::from_le_slice_vartime(&blob[at..at + len]);
        at += len;
        v
    };
    let n = take(full);
    let p = take(half);
    let q = take(half);
    let (_dp, _dq, _qinv) = (take(half), take(half), take(half));
    let d = take(full);
    rsa::PrivateKey::from_components(n, BoxedUint::from(u64::from(e)), d, vec![p, q])
        .map_err(|e| format!("the archived key is not a valid RSA key: {e}"))
}

/// Whether the PKCS #8 key is the private half of `spki`.
pub fn matches(pkcs8: &[u8], spki: &SubjectPublicKeyInfoOwned) -> bool {
    use der::Encode;
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    let Ok(key) = rsa::PrivateKey::from_pkcs8_der(pkcs8) else {
        return false;
    };
    let ours = key.to_public_key().to_public_key_der();
    matches!((ours, spki.to_der()), (Ok(a), Ok(b)) if a.as_bytes() == b.as_slice())
}

/// Keeps an archived key as `DIR/archive/<name>.pk8` (mode 0600, written whole).
pub fn keep(dir: &Path, name: &str, pkcs8: &[u8]) -> std::io::Result<()> {
    let folder = dir.join("archive");
    certreq_fsio::create_private_dir_all(&folder)?;
    certreq_fsio::write_atomic(
        &folder.join(format!("{name}.pk8")),
        pkcs8,
        certreq_fsio::PRIVATE_FILE,
        true,
    )
}
