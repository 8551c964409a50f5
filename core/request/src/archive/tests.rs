//! Key archival: the PRIVATEKEYBLOB byte for byte as Microsoft documents it, the envelope as
//! Microsoft's key-archival dump lays it out and as OpenSSL decrypts it, and the refusals.

use super::*;
use crate::testkit::{rsa_certificate, rsa_spki};
use certreq_pkix::tlv;
use certreq_testsupport::rsa_key;
use rsa::pkcs8::EncodePrivateKey;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};

fn exchange_certificate() -> Vec<u8> {
    rsa_certificate(
        "CN=Test CA-Xchg",
        "[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.4.1.311.21.5\n",
    )
}

fn pkcs8() -> Vec<u8> {
    rsa_key().to_pkcs8_der().unwrap().as_bytes().to_vec()
}

/// Little-endian, padded to `len`.
fn le(be: &[u8], len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = be.iter().rev().copied().collect();
    v.resize(len, 0);
    v
}

#[test]
fn the_blob_is_a_capi_privatekeyblob() {
    let key = rsa_key();
    let blob = private_key_blob(&pkcs8()).unwrap();
    // BLOBHEADER: PRIVATEKEYBLOB, version 2, CALG_RSA_KEYX; RSAPUBKEY: "RSA2", 2048, 65537
    assert_eq!(blob[..8], [0x07, 0x02, 0x00, 0x00, 0x00, 0xa4, 0x00, 0x00]);
    assert_eq!(&blob[8..12], b"RSA2");
    assert_eq!(blob[12..16], 2048u32.to_le_bytes());
    assert_eq!(blob[16..20], 65537u32.to_le_bytes());
    let (n, h) = (256, 128);
    assert_eq!(blob.len(), 20 + 2 * n + 5 * h);
    let primes = key.primes();
    let (p, q) = (&primes[0], &primes[1]);
    let d = key.d();
    let field = |at: usize, len: usize| blob[at..at + len].to_vec();
    // modulus, prime1, prime2 … private exponent, little-endian (the example's modulus is the
    // byte-reverse of the request's: research certreq-facts §7)
    assert_eq!(field(20, n), le(&key.n().to_be_bytes(), n));
    assert_eq!(field(20 + n, h), le(&p.to_be_bytes(), h));
    assert_eq!(field(20 + n + h, h), le(&q.to_be_bytes(), h));
    assert_eq!(field(20 + n + 5 * h, n), le(&d.to_be_bytes(), n));
    // exponent1 = d mod (p-1): checked through the numbers
    let dp = rsa::BoxedUint::from_le_slice_vartime(&field(20 + n + 2 * h, h));
    let p1 = p.clone().wrapping_sub(rsa::BoxedUint::one());
    let expected = d.rem_vartime(&p1.to_nz().unwrap());
    assert_eq!(
        dp.to_be_bytes_trimmed_vartime(),
        expected.to_be_bytes_trimmed_vartime()
    );
    // ECDSA keys have no PRIVATEKEYBLOB
    use p256::pkcs8::EncodePrivateKey as _;
    let ec = crate::testkit::ec_key(1).to_pkcs8_der().unwrap();
    assert_eq!(
        private_key_blob(ec.as_bytes()).unwrap_err(),
        ArchiveError::NotRsaKey
    );
    assert_eq!(
        private_key_blob(b"\x30\x00").unwrap_err(),
        ArchiveError::NotRsaKey
    );
}

/// Encrypts the CEK as a caller does (RSA PKCS #1 v1.5 with the rsa crate).
fn encrypt_cek(spki: &[u8], cek: &[u8]) -> Vec<u8> {
    use rsa::pkcs8::DecodePublicKey;
    let public = rsa::PublicKey::from_public_key_der(spki).unwrap();
    public
        .encrypt(&mut getrandom::SysRng, rsa::Pkcs1v15Encrypt, cek)
        .unwrap()
}

fn archived(cipher: Cipher) -> (Archived, Zeroizing<Vec<u8>>) {
    let recipient = Recipient::read(&exchange_certificate()).unwrap();
    let blob = private_key_blob(&pkcs8()).unwrap();
    let cek = vec![0x5a; cipher.key_len()];
    let iv = vec![0x6c; cipher.iv_len()];
    let transport = seal(&recipient, &blob, cipher, &cek, &iv).unwrap();
    assert_eq!(transport.recipient_spki, rsa_spki());
    let encrypted = encrypt_cek(&transport.recipient_spki, &transport.key);
    (transport.finish(&encrypted).unwrap(), blob)
}

#[test]
fn the_envelope_is_laid_out_as_microsofts_dump() {
    let (a, _) = archived(Cipher::TripleDes);
    assert_eq!(
        a.hash.to_vec(),
        certreq_pkix::alg::Hash::Sha1.digest(&a.content_info),
        "the hash is of the whole ContentInfo"
    );
    let info = tlv::items(tlv::only(&a.content_info, 0x30).unwrap()).unwrap();
    assert_eq!(info[0].1, oid::ID_ENVELOPED_DATA.as_bytes());
    let env = tlv::items(tlv::only(info[1].1, 0x30).unwrap()).unwrap();
    assert_eq!(
        env.len(),
        3,
        "no originator info, no unprotected attributes"
    );
    assert_eq!(env[0], (0x02, &[0u8][..]), "EnvelopedData version 0");
    let ktri = tlv::items(tlv::only(env[1].1, 0x30).unwrap()).unwrap();
    assert_eq!(
        ktri[0],
        (0x02, &[0u8][..]),
        "KeyTransRecipientInfo version 0"
    );
    let xchg = exchange_certificate();
    let parts = CertParts::read(&xchg).unwrap();
    assert_eq!(
        tlv::tlv(0x30, ktri[1].1),
        parts.issuer_and_serial(),
        "issuer and serial"
    );
    let alg = tlv::items(ktri[2].1).unwrap();
    assert_eq!(
        alg,
        [(0x06, oid::RSA_ENCRYPTION.as_bytes()), (0x05, &[][..])]
    );
    let eci = tlv::items(env[2].1).unwrap();
    assert_eq!(eci[0].1, oid::ID_DATA.as_bytes());
    let cea = tlv::items(eci[1].1).unwrap();
    assert_eq!(cea[0].1, oid::DES_EDE3_CBC.as_bytes());
    assert_eq!(cea[1], (0x04, &[0x6c; 8][..]), "the IV as an OCTET STRING");
    assert_eq!(eci[2].0, 0x80, "[0] IMPLICIT, primitive");
    assert_eq!(eci[2].1.len() % 8, 0);
}

/// OpenSSL, given the exchange certificate's key, gets the blob back.
#[test]
fn openssl_decrypts_the_archived_key() {
    for cipher in [Cipher::TripleDes, Cipher::Aes256, Cipher::Aes128] {
        let (a, blob) = archived(cipher);
        let Some(openssl) = certreq_testsupport::tool("openssl") else {
            return;
        };
        let dir = certreq_testsupport::scratch_dir("archive");
        std::fs::write(dir.join("env.der"), &a.content_info).unwrap();
        let key_pem = rsa_key().to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).unwrap();
        std::fs::write(dir.join("key.pem"), key_pem.as_bytes()).unwrap();
        let out = std::process::Command::new(openssl)
            .args(["cms", "-decrypt", "-inform", "DER", "-binary", "-in"])
            .arg(dir.join("env.der"))
            .arg("-inkey")
            .arg(dir.join("key.pem"))
            .arg("-out")
            .arg(dir.join("blob"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{cipher:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(std::fs::read(dir.join("blob")).unwrap(), blob.as_slice());
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[test]
fn only_an_exchange_certificate_is_a_recipient() {
    let plain = rsa_certificate("CN=Not Xchg", "");
    assert_eq!(
        Recipient::read(&plain).unwrap_err(),
        ArchiveError::NotExchangeCertificate
    );
    let other_eku = rsa_certificate(
        "CN=Server",
        "[EnhancedKeyUsageExtension]\nOID = 1.3.6.1.5.5.7.3.1\n",
    );
    assert_eq!(
        Recipient::read(&other_eku).unwrap_err(),
        ArchiveError::NotExchangeCertificate
    );
    assert_eq!(
        Recipient::read(b"junk").unwrap_err(),
        ArchiveError::NotCertificate
    );
    let recipient = Recipient::read(&exchange_certificate()).unwrap();
    let e = seal(&recipient, b"x", Cipher::TripleDes, &[1; 16], &[0; 8]).unwrap_err();
    assert!(
        matches!(e, ArchiveError::KeyMaterial { want: 24, .. }),
        "{e}"
    );
    let e = seal(&recipient, b"x", Cipher::Aes128, &[1; 16], &[0; 8]).unwrap_err();
    assert!(
        matches!(e, ArchiveError::KeyMaterial { want: 16, .. }),
        "{e}"
    );
    let t = seal(&recipient, b"x", Cipher::TripleDes, &[0; 24], &[0; 8]).unwrap();
    assert!(t.key.iter().all(|b| b.count_ones() % 2 == 1), "DES parity");
    assert_eq!(t.finish(&[]).unwrap_err(), ArchiveError::EmptyEncryptedKey);
}
