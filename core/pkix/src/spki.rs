//! Public keys: a `SubjectPublicKeyInfo` read without a decoder, what kind of key it holds,
//! whether that is the key a request plans, and its key identifier.

use crate::alg::{Curve, KeyAlgorithm};
use crate::oid::{self, ObjectIdentifier};
use crate::tlv;

/// A SubjectPublicKeyInfo (RFC 5280) read with [`crate::tlv`], so that making a request links
/// no decoder for it: `SEQUENCE { SEQUENCE { algorithm OID, parameters ANY OPTIONAL },
/// subjectPublicKey BIT STRING }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpkiParts<'a> {
    /// The algorithm OID's content octets.
    pub algorithm: &'a [u8],
    /// The parameters as `(tag, content)`, when present.
    pub parameters: Option<(u8, &'a [u8])>,
    /// The BIT STRING's content: the unused-bits octet, then the key.
    pub bit_string: &'a [u8],
}

impl<'a> SpkiParts<'a> {
    /// Reads `der`; `None` unless it is exactly one SubjectPublicKeyInfo.
    pub fn read(der: &'a [u8]) -> Option<Self> {
        let outer = tlv::Tlv::only(der, 0x30)?;
        let alg = tlv::Tlv::read(outer)?;
        let bits = tlv::Tlv::read(alg.rest)?;
        if alg.tag != 0x30 || bits.tag != 0x03 || !bits.rest.is_empty() || bits.content.is_empty() {
            return None;
        }
        let oid = tlv::Tlv::read(alg.content)?;
        if oid.tag != 0x06 {
            return None;
        }
        let parameters = if oid.rest.is_empty() {
            None
        } else {
            let p = tlv::Tlv::read(oid.rest)?;
            if !p.rest.is_empty() {
                return None;
            }
            Some((p.tag, p.content))
        };
        Some(SpkiParts {
            algorithm: oid.content,
            parameters,
            bit_string: bits.content,
        })
    }

    /// The algorithm OID, if well formed.
    pub fn algorithm_oid(&self) -> Option<ObjectIdentifier> {
        ObjectIdentifier::from_bytes(self.algorithm).ok()
    }

    /// The parameters read as an OID (an EC key's named curve).
    pub fn parameters_oid(&self) -> Option<ObjectIdentifier> {
        match self.parameters {
            Some((0x06, oid)) => ObjectIdentifier::from_bytes(oid).ok(),
            _ => None,
        }
    }

    /// The key's octets, when the BIT STRING has no unused bits.
    pub fn key_bytes(&self) -> Option<&'a [u8]> {
        match self.bit_string {
            [0, key @ ..] => Some(key),
            _ => None,
        }
    }

    /// The key's bits as they are, whatever the unused-bits octet says (what a key identifier
    /// hashes).
    pub fn raw_key(&self) -> &'a [u8] {
        self.bit_string.get(1..).unwrap_or_default()
    }

    /// The kind and size of key this is, when it is one Web Crypto and the CLI make: RSA with
    /// its modulus size, or ECDSA on one of [`Curve::ALL`].
    pub fn key_algorithm(&self) -> Option<KeyAlgorithm> {
        let algorithm = self.algorithm_oid()?;
        if algorithm == oid::RSA_ENCRYPTION {
            let bits = rsa_modulus_bits(self.key_bytes()?)?;
            Some(KeyAlgorithm::Rsa {
                bits: u32::try_from(bits).ok()?,
            })
        } else if algorithm == oid::EC_PUBLIC_KEY {
            Curve::from_oid(&self.parameters_oid()?).map(KeyAlgorithm::Ecdsa)
        } else {
            None
        }
    }
}

/// The bit length of an `RSAPublicKey`'s modulus (`SEQUENCE { modulus INTEGER,
/// publicExponent INTEGER }`, RFC 8017).
pub fn rsa_modulus_bits(rsa_public_key: &[u8]) -> Option<usize> {
    let modulus = tlv::Tlv::read(tlv::Tlv::only(rsa_public_key, 0x30)?)?;
    let exponent = tlv::Tlv::read(modulus.rest)?;
    if modulus.tag != 0x02 || exponent.tag != 0x02 || !exponent.rest.is_empty() {
        return None;
    }
    let m = modulus.content;
    let start = m.iter().position(|&b| b != 0)?;
    let first = m[start];
    Some((m.len() - start - 1) * 8 + (8 - first.leading_zeros() as usize))
}

/// Why a public key is not the key a request plans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyMismatch {
    /// Not a SubjectPublicKeyInfo at all.
    NotSpki,
    /// The BIT STRING has unused bits.
    UnusedBits,
    /// The algorithm is not a valid OID.
    BadAlgorithm,
    /// Another kind of key: the algorithm found (a dotted OID), and the one planned.
    Algorithm {
        found: String,
        planned: &'static str,
    },
    /// The RSA key does not decode.
    BadRsaKey,
    /// An RSA key of another size.
    RsaBits { found: usize, planned: u32 },
    /// An EC key on another curve.
    Curve { planned: Curve },
    /// The EC point is not an uncompressed point of the curve.
    EcPoint { planned: Curve },
}

impl core::fmt::Display for KeyMismatch {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            KeyMismatch::NotSpki => f.write_str("the public key is not a SubjectPublicKeyInfo"),
            KeyMismatch::UnusedBits => f.write_str("the public key BIT STRING has unused bits"),
            KeyMismatch::BadAlgorithm => {
                f.write_str("the public key's algorithm is not a valid OID")
            }
            KeyMismatch::Algorithm { found, planned } => write!(
                f,
                "the public key is {found}, but the request plans an {planned} key"
            ),
            KeyMismatch::BadRsaKey => f.write_str("the RSA public key does not decode"),
            KeyMismatch::RsaBits { found, planned } => write!(
                f,
                "the RSA key has {found} bits, but the request plans {planned}"
            ),
            KeyMismatch::Curve { planned } => write!(
                f,
                "the EC key is not on {}, which the request plans",
                planned.web_crypto_name()
            ),
            KeyMismatch::EcPoint { planned } => write!(
                f,
                "the EC public key is not an uncompressed {} point",
                planned.web_crypto_name()
            ),
        }
    }
}

impl std::error::Error for KeyMismatch {}

/// Checks a public key (SubjectPublicKeyInfo DER) against the key a request plans: the
/// algorithm, and the RSA modulus size or the curve and point. The one key check: the
/// encoder, the web app and the embedding API all go through it.
pub fn check_key(spki_der: &[u8], plan: KeyAlgorithm) -> Result<(), KeyMismatch> {
    let spki = SpkiParts::read(spki_der).ok_or(KeyMismatch::NotSpki)?;
    let key_bytes = spki.key_bytes().ok_or(KeyMismatch::UnusedBits)?;
    let algorithm = spki.algorithm_oid().ok_or(KeyMismatch::BadAlgorithm)?;
    match plan {
        KeyAlgorithm::Rsa { bits } => {
            if algorithm != oid::RSA_ENCRYPTION {
                return Err(KeyMismatch::Algorithm {
                    found: algorithm.to_string(),
                    planned: "RSA",
                });
            }
            let found = rsa_modulus_bits(key_bytes).ok_or(KeyMismatch::BadRsaKey)?;
            if found != bits as usize {
                return Err(KeyMismatch::RsaBits {
                    found,
                    planned: bits,
                });
            }
            Ok(())
        }
        KeyAlgorithm::Ecdsa(curve) => {
            if algorithm != oid::EC_PUBLIC_KEY {
                return Err(KeyMismatch::Algorithm {
                    found: algorithm.to_string(),
                    planned: "EC",
                });
            }
            if spki.parameters_oid() != Some(curve.oid()) {
                return Err(KeyMismatch::Curve { planned: curve });
            }
            if key_bytes.len() != curve.point_len() || key_bytes.first() != Some(&4) {
                return Err(KeyMismatch::EcPoint { planned: curve });
            }
            Ok(())
        }
    }
}

/// The 20-byte key identifier of a SubjectPublicKeyInfo: SHA-1 of the subjectPublicKey BIT
/// STRING's contents (RFC 5280 §4.2.1.2 method 1), as certreq computes it. If `spki_der` does
/// not read as one, the bytes are taken to be the public key itself.
pub fn key_identifier(spki_der: &[u8]) -> [u8; 20] {
    use sha1::{Digest, Sha1};
    let digest = match SpkiParts::read(spki_der) {
        Some(spki) => Sha1::digest(spki.raw_key()),
        None => Sha1::digest(spki_der),
    };
    digest.into()
}

/// `RSA 2048`, `ECC P-256`, `Ed25519`, the algorithm's dotted OID, or `key` when `spki_der`
/// is not a SubjectPublicKeyInfo.
pub fn key_description(spki_der: &[u8]) -> String {
    let Some(spki) = SpkiParts::read(spki_der) else {
        return "key".to_string();
    };
    let Some(algorithm) = spki.algorithm_oid() else {
        return "key".to_string();
    };
    if algorithm == oid::RSA_ENCRYPTION || algorithm == oid::RSASSA_PSS {
        return match rsa_modulus_bits(spki.raw_key()) {
            Some(bits) => format!("RSA {bits}"),
            None => "RSA".to_string(),
        };
    }
    if algorithm == oid::EC_PUBLIC_KEY {
        return match spki.parameters_oid() {
            Some(c) => match Curve::from_oid(&c) {
                Some(curve) => format!("ECC {}", curve.web_crypto_name()),
                None => format!("ECC {c}"),
            },
            None => "ECC".to_string(),
        };
    }
    for (o, name) in [
        (oid::ED25519, "Ed25519"),
        (oid::ED448, "Ed448"),
        (oid::DSA, "DSA"),
    ] {
        if algorithm == o {
            return name.to_string();
        }
    }
    algorithm.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use certreq_testsupport::rsa_key;
    use der::{Decode, Encode};
    use x509_cert::request::CertReq;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn spki_parts_read_what_the_spki_crate_decodes_and_refuse_the_rest() {
        use p256::pkcs8::EncodePublicKey as _;
        use spki::SubjectPublicKeyInfoOwned;
        let ec = p256::ecdsa::SigningKey::from_slice(&[0x11; 32]).unwrap();
        let mut keys: Vec<Vec<u8>> = vec![
            rsa_key()
                .to_public_key()
                .to_public_key_der()
                .unwrap()
                .to_vec(),
            ec.verifying_key().to_public_key_der().unwrap().to_vec(),
        ];
        for entry in std::fs::read_dir(certreq_testsupport::corpus_dir().join("req")).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            for block in crate::pem::read(&bytes).unwrap_or_default() {
                if let Ok(req) = CertReq::from_der(&block.der) {
                    keys.push(req.info.public_key.to_der().unwrap());
                }
            }
        }
        assert!(keys.len() >= 6, "{} keys", keys.len());
        let (mut rsa, mut ec) = (0, 0);
        for der in &keys {
            let parts = SpkiParts::read(der).unwrap();
            let by_crate = SubjectPublicKeyInfoOwned::from_der(der).unwrap();
            assert_eq!(parts.algorithm_oid(), Some(by_crate.algorithm.oid));
            assert_eq!(parts.raw_key(), by_crate.subject_public_key.raw_bytes());
            let curve = by_crate
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            assert_eq!(parts.parameters_oid(), curve);
            if by_crate.algorithm.oid == oid::RSA_ENCRYPTION {
                let bits = rsa_modulus_bits(parts.key_bytes().unwrap()).unwrap();
                assert!([1024, 2048, 3072, 4096].contains(&bits), "{bits}");
                rsa += 1;
            } else {
                ec += 1;
            }
            for cut in [1, der.len() / 2, der.len() - 1] {
                assert_eq!(SpkiParts::read(&der[..cut]), None);
            }
            let mut longer = der.clone();
            longer.push(0);
            assert_eq!(SpkiParts::read(&longer), None, "bytes after it");
        }
        assert!(rsa >= 4 && ec >= 1, "{rsa} RSA, {ec} EC");
        assert_eq!(rsa_modulus_bits(&hex("3007020200ff020103")), Some(8));
        assert_eq!(rsa_modulus_bits(&hex("300702020100020103")), Some(9));
        assert_eq!(rsa_modulus_bits(&hex("3003020100")), None, "no exponent");
    }

    #[test]
    fn the_key_check_names_what_differs() {
        use p256::pkcs8::EncodePublicKey as _;
        let rsa = rsa_key()
            .to_public_key()
            .to_public_key_der()
            .unwrap()
            .to_vec();
        let ec = p256::ecdsa::SigningKey::from_slice(&[0x11; 32])
            .unwrap()
            .verifying_key()
            .to_public_key_der()
            .unwrap()
            .to_vec();
        assert_eq!(check_key(&rsa, KeyAlgorithm::Rsa { bits: 2048 }), Ok(()));
        assert_eq!(
            check_key(&rsa, KeyAlgorithm::Rsa { bits: 4096 }),
            Err(KeyMismatch::RsaBits {
                found: 2048,
                planned: 4096
            })
        );
        assert!(matches!(
            check_key(&rsa, KeyAlgorithm::Ecdsa(Curve::P256)),
            Err(KeyMismatch::Algorithm { planned: "EC", .. })
        ));
        assert_eq!(check_key(&ec, KeyAlgorithm::Ecdsa(Curve::P256)), Ok(()));
        assert_eq!(
            check_key(&ec, KeyAlgorithm::Ecdsa(Curve::P384)),
            Err(KeyMismatch::Curve {
                planned: Curve::P384
            })
        );
        assert_eq!(
            check_key(b"\x30\x00", KeyAlgorithm::Rsa { bits: 2048 }),
            Err(KeyMismatch::NotSpki)
        );
        let spki = SpkiParts::read(&ec).unwrap();
        assert_eq!(spki.key_algorithm(), Some(KeyAlgorithm::Ecdsa(Curve::P256)));
        assert_eq!(
            SpkiParts::read(&rsa).unwrap().key_algorithm(),
            Some(KeyAlgorithm::Rsa { bits: 2048 })
        );
        assert_eq!(key_description(&rsa), "RSA 2048");
        assert_eq!(key_description(&ec), "ECC P-256");
        assert_eq!(key_description(b"junk"), "key");
    }
}
