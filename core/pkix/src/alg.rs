//! Algorithms: the keys Web Crypto and the command line both make, the digests, and how a
//! request or certificate is signed — with their identifiers, and the two forms an ECDSA
//! signature comes in.

use der::asn1::{Any, UintRef};
use der::{Decode, Encode, Sequence};
use spki::{AlgorithmIdentifier, AlgorithmIdentifierOwned};

use crate::oid::{self, ObjectIdentifier};
use crate::tlv::tlv;

/// An elliptic curve Web Crypto and the CLI can both make keys on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    /// Every curve, in order of size.
    pub const ALL: [Curve; 3] = [Curve::P256, Curve::P384, Curve::P521];

    /// Web Crypto's `namedCurve` string.
    pub fn web_crypto_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    pub fn bits(self) -> u32 {
        match self {
            Curve::P256 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
        }
    }

    /// The named-curve OID in an EC `SubjectPublicKeyInfo`.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Curve::P256 => oid::SECP256R1,
            Curve::P384 => oid::SECP384R1,
            Curve::P521 => oid::SECP521R1,
        }
    }

    /// The curve named by `oid`, if it is one of ours.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Curve> {
        Curve::ALL.into_iter().find(|c| c.oid() == *oid)
    }

    /// Length of an uncompressed point (`04 ‖ X ‖ Y`).
    pub fn point_len(self) -> usize {
        1 + 2 * self.field_len()
    }

    /// Bytes of one coordinate (and of r or s in a raw signature).
    pub fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

/// The key pair to make (or reuse).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa { bits: u32 },
    Ecdsa(Curve),
}

/// A digest for a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// Every digest, weakest first.
    pub const ALL: [Hash; 4] = [Hash::Sha1, Hash::Sha256, Hash::Sha384, Hash::Sha512];

    /// Web Crypto's hash name.
    pub fn web_crypto_name(self) -> &'static str {
        match self {
            Hash::Sha1 => "SHA-1",
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    /// The hash Web Crypto names `name` (`SHA-256`…).
    pub fn from_web_crypto_name(name: &str) -> Option<Hash> {
        Hash::ALL.into_iter().find(|h| h.web_crypto_name() == name)
    }

    /// Digest length in bytes (also the PSS salt length we use).
    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// The digest algorithm's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Hash::Sha1 => oid::SHA1,
            Hash::Sha256 => oid::SHA256,
            Hash::Sha384 => oid::SHA384,
            Hash::Sha512 => oid::SHA512,
        }
    }

    /// The digest named by `oid`, if it is one of ours.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Hash> {
        Hash::ALL.into_iter().find(|h| h.oid() == *oid)
    }

    /// The digest of `data` (natively: the web app leaves digests to Web Crypto or to its
    /// tools module, and links no SHA-2).
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

/// How something is signed; tells the signer (Web Crypto or native) exactly what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1(Hash),
    /// RSASSA-PSS, MGF1 with the same hash, salt length = hash length (`AlternateSignatureAlgorithm`).
    RsaPss(Hash),
    /// ECDSA; the signature handed to `finish` is DER `Ecdsa-Sig-Value` (convert Web Crypto's r‖s).
    Ecdsa(Hash),
}

impl SignatureScheme {
    pub fn hash(self) -> Hash {
        match self {
            SignatureScheme::RsaPkcs1(h)
            | SignatureScheme::RsaPss(h)
            | SignatureScheme::Ecdsa(h) => h,
        }
    }

    /// The `signatureAlgorithm` of something signed with this scheme.
    pub fn algorithm_identifier(self) -> Result<AlgorithmIdentifierOwned, AlgError> {
        let null = || Some(Any::null());
        Ok(match self {
            SignatureScheme::RsaPkcs1(h) => AlgorithmIdentifierOwned {
                oid: match h {
                    Hash::Sha1 => oid::SHA1_WITH_RSA,
                    Hash::Sha256 => oid::SHA256_WITH_RSA,
                    Hash::Sha384 => oid::SHA384_WITH_RSA,
                    Hash::Sha512 => oid::SHA512_WITH_RSA,
                },
                parameters: null(),
            },
            SignatureScheme::RsaPss(h) => {
                let hash = AlgorithmIdentifierOwned {
                    oid: h.oid(),
                    parameters: null(),
                };
                let is_default = h == Hash::Sha1;
                let params = RsaPssParams {
                    hash_algorithm: (!is_default).then(|| hash.clone()),
                    mask_gen_algorithm: (!is_default).then(|| AlgorithmIdentifier {
                        oid: oid::MGF1,
                        parameters: Some(hash.clone()),
                    }),
                    salt_length: (h.output_len() != 20).then_some(h.output_len() as u32),
                    trailer_field: None,
                };
                AlgorithmIdentifierOwned {
                    oid: oid::RSASSA_PSS,
                    parameters: Some(Any::encode_from(&params).map_err(AlgError::Der)?),
                }
            }
            SignatureScheme::Ecdsa(h) => AlgorithmIdentifierOwned {
                oid: match h {
                    Hash::Sha1 => oid::ECDSA_WITH_SHA1,
                    Hash::Sha256 => oid::ECDSA_WITH_SHA256,
                    Hash::Sha384 => oid::ECDSA_WITH_SHA384,
                    Hash::Sha512 => oid::ECDSA_WITH_SHA512,
                },
                parameters: None,
            },
        })
    }

    /// [`SignatureScheme::algorithm_identifier`] as DER, written with [`tlv`] rather than
    /// `der`'s generic encoders: every request, certificate and CMS signer carries one, and the
    /// encoders for `RSASSA-PSS-params` alone were 4.4 KB of the embedding module's code. A test
    /// holds it to `der`'s encoding of [`SignatureScheme::algorithm_identifier`] for every
    /// scheme.
    pub fn algorithm_identifier_der(self) -> Vec<u8> {
        let hash = self.hash();
        let with_null = |oid: ObjectIdentifier| {
            let mut content = tlv(0x06, oid.as_bytes());
            content.extend_from_slice(&[0x05, 0x00]);
            tlv(0x30, &content)
        };
        match self {
            SignatureScheme::RsaPkcs1(_) => with_null(match hash {
                Hash::Sha1 => oid::SHA1_WITH_RSA,
                Hash::Sha256 => oid::SHA256_WITH_RSA,
                Hash::Sha384 => oid::SHA384_WITH_RSA,
                Hash::Sha512 => oid::SHA512_WITH_RSA,
            }),
            SignatureScheme::Ecdsa(_) => {
                let oid = match hash {
                    Hash::Sha1 => oid::ECDSA_WITH_SHA1,
                    Hash::Sha256 => oid::ECDSA_WITH_SHA256,
                    Hash::Sha384 => oid::ECDSA_WITH_SHA384,
                    Hash::Sha512 => oid::ECDSA_WITH_SHA512,
                };
                tlv(0x30, &tlv(0x06, oid.as_bytes()))
            }
            SignatureScheme::RsaPss(_) => {
                // RSASSA-PSS-params: SHA-1, MGF1 with SHA-1 and a 20-byte salt are the
                // defaults, left out as DER requires; the trailer is always the default
                let mut params = Vec::new();
                if hash != Hash::Sha1 {
                    let digest = with_null(hash.oid());
                    params.extend(tlv(0xA0, &digest));
                    let mut mgf = tlv(0x06, oid::MGF1.as_bytes());
                    mgf.extend(digest);
                    params.extend(tlv(0xA1, &tlv(0x30, &mgf)));
                    // 32, 48 or 64: one content byte, high bit clear
                    params.extend(tlv(0xA2, &[0x02, 0x01, hash.output_len() as u8]));
                }
                let mut content = tlv(0x06, oid::RSASSA_PSS.as_bytes());
                content.extend(tlv(0x30, &params));
                tlv(0x30, &content)
            }
        }
    }

    /// The scheme a `signatureAlgorithm` names, when it is one of ours (PSS only with the
    /// parameters [`SignatureScheme::algorithm_identifier`] writes).
    pub fn from_algorithm_identifier(alg: &AlgorithmIdentifierOwned) -> Option<SignatureScheme> {
        let schemes = Hash::ALL.into_iter().flat_map(|h| {
            [
                SignatureScheme::RsaPkcs1(h),
                SignatureScheme::RsaPss(h),
                SignatureScheme::Ecdsa(h),
            ]
        });
        let der = alg.to_der().ok()?;
        schemes
            .into_iter()
            .find(|s| s.algorithm_identifier_der() == der)
    }
}

/// Why a signature or an algorithm identifier could not be written or taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlgError {
    /// `der` refused a value (never for the values this module writes).
    Der(der::Error),
    /// A raw ECDSA signature whose halves are not of equal length up to 66 bytes.
    RawEcdsaLength(usize),
    /// An ECDSA signature that is not one DER `Ecdsa-Sig-Value`.
    NotEcdsaDer,
    /// An ECDSA signature with r or s zero.
    ZeroEcdsaPart,
}

impl core::fmt::Display for AlgError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AlgError::Der(e) => write!(f, "cannot encode the algorithm: {e}"),
            AlgError::RawEcdsaLength(n) => write!(
                f,
                "a raw ECDSA signature has two halves of equal length up to 66 bytes; got {n} bytes"
            ),
            AlgError::NotEcdsaDer => f.write_str(
                "the ECDSA signature is not DER (SEQUENCE of two INTEGERs); convert raw r‖s with \
                 ecdsa_raw_to_der",
            ),
            AlgError::ZeroEcdsaPart => f.write_str("the ECDSA signature has a zero r or s"),
        }
    }
}

impl std::error::Error for AlgError {}

/// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 5480 / X9.62).
#[derive(Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// An RSASSA-PSS `signatureAlgorithm` as any signer may write it: the message's hash, MGF1's
/// hash and the salt's length, defaults applied (SHA-1, MGF1 with SHA-1, 20 bytes). `None` for
/// another algorithm, a hash this crate does not know, another mask function or a trailer
/// other than 1.
pub fn pss_parameters(alg: &AlgorithmIdentifierOwned) -> Option<(Hash, Hash, usize)> {
    if alg.oid != oid::RSASSA_PSS {
        return None;
    }
    let params: RsaPssParams = alg.parameters.as_ref()?.decode_as().ok()?;
    let hash = match &params.hash_algorithm {
        Some(h) => Hash::from_oid(&h.oid)?,
        None => Hash::Sha1,
    };
    let mask = match &params.mask_gen_algorithm {
        Some(m) if m.oid == oid::MGF1 => Hash::from_oid(&m.parameters.as_ref()?.oid)?,
        Some(_) => return None,
        None => Hash::Sha1,
    };
    if params.trailer_field.is_some_and(|t| t != 1) {
        return None;
    }
    Some((hash, mask, params.salt_length.map_or(20, |s| s as usize)))
}

/// `RSASSA-PSS-params` (RFC 4055 §3.1). Fields equal to their DEFAULT are left out, as DER
/// requires; `trailerField` is always the default when written.
#[derive(Sequence)]
struct RsaPssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen_algorithm: Option<AlgorithmIdentifier<AlgorithmIdentifierOwned>>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_length: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer_field: Option<u32>,
}

/// Checks that `sig` is exactly one DER `Ecdsa-Sig-Value` with positive r and s.
pub fn check_ecdsa_der(sig: &[u8]) -> Result<(), AlgError> {
    let value = EcdsaSigValue::from_der(sig).map_err(|_| AlgError::NotEcdsaDer)?;
    let zero = |u: &UintRef<'_>| u.as_bytes().iter().all(|&b| b == 0);
    if zero(&value.r) || zero(&value.s) {
        return Err(AlgError::ZeroEcdsaPart);
    }
    Ok(())
}

/// Converts a raw ECDSA signature `r ‖ s` (what Web Crypto returns; both halves the same
/// length) to DER `Ecdsa-Sig-Value`.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, AlgError> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) || raw.len() > 2 * 66 {
        return Err(AlgError::RawEcdsaLength(raw.len()));
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    fn strip(b: &[u8]) -> &[u8] {
        let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
        b.get(first..).unwrap_or_default()
    }
    let (r, s) = (strip(r), strip(s));
    if r.is_empty() || s.is_empty() {
        return Err(AlgError::ZeroEcdsaPart);
    }
    // each half a positive DER INTEGER: a 0x00 before a high first bit
    let mut content = Vec::with_capacity(raw.len() + 6);
    for half in [r, s] {
        let pad = half[0] >> 7;
        // at most 66 + 1 content bytes: a short-form length
        content.extend_from_slice(&[0x02, half.len() as u8 + pad]);
        if pad == 1 {
            content.push(0);
        }
        content.extend_from_slice(half);
    }
    Ok(tlv(0x30, &content))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn signature_algorithm_identifiers_are_exact() {
        let enc = |s: SignatureScheme| s.algorithm_identifier_der();
        assert_eq!(
            enc(SignatureScheme::RsaPkcs1(Hash::Sha256)),
            hex("300d06092a864886f70d01010b0500")
        );
        assert_eq!(
            enc(SignatureScheme::RsaPkcs1(Hash::Sha1)),
            hex("300d06092a864886f70d0101050500")
        );
        assert_eq!(
            enc(SignatureScheme::Ecdsa(Hash::Sha384)),
            hex("300a06082a8648ce3d040303")
        );
        // RFC 4055 PSS with SHA-256: hash, MGF1(SHA-256), salt 32; trailer left at its default.
        assert_eq!(
            enc(SignatureScheme::RsaPss(Hash::Sha256)),
            hex(
                "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120"
            )
        );
        // PSS with SHA-1 is all defaults: an empty parameter SEQUENCE.
        assert_eq!(
            enc(SignatureScheme::RsaPss(Hash::Sha1)),
            hex("300d06092a864886f70d01010a3000")
        );
    }

    #[test]
    fn every_signature_identifier_is_what_der_writes() {
        // the hand-written DER against the der crate's encoding of the same identifier
        for h in Hash::ALL {
            for s in [
                SignatureScheme::RsaPkcs1(h),
                SignatureScheme::RsaPss(h),
                SignatureScheme::Ecdsa(h),
            ] {
                let by_der = s.algorithm_identifier().unwrap().to_der().unwrap();
                assert_eq!(s.algorithm_identifier_der(), by_der, "{s:?}");
            }
        }
    }

    #[test]
    fn ecdsa_signatures_are_what_der_writes() {
        // every half length up to P-521's, with the first byte that decides the padding and
        // leading zeros that are stripped
        let by_der = |raw: &[u8]| {
            let (r, s) = raw.split_at(raw.len() / 2);
            let strip = |b: &[u8]| b[b.iter().position(|&x| x != 0).unwrap()..].to_vec();
            let (r, s) = (strip(r), strip(s));
            EcdsaSigValue {
                r: UintRef::new(&r).unwrap(),
                s: UintRef::new(&s).unwrap(),
            }
            .to_der()
            .unwrap()
        };
        for half in 1..=66usize {
            for first in [0x00u8, 0x01, 0x7f, 0x80, 0xff] {
                for zeros in [0, 1, half.saturating_sub(1)] {
                    let mut r = vec![0xa5u8; half];
                    r[..zeros.min(half - 1)].fill(0);
                    r[zeros.min(half - 1)] = first.max(1);
                    let mut s: Vec<u8> = (0..half as u8).map(|i| i.wrapping_mul(37)).collect();
                    s[0] = first;
                    s[half - 1] |= 1;
                    let raw = [r, s].concat();
                    let ours = ecdsa_raw_to_der(&raw).unwrap();
                    assert_eq!(ours, by_der(&raw), "{half} {first:#x} {zeros}");
                    check_ecdsa_der(&ours).unwrap();
                }
            }
        }
    }

    #[test]
    fn pss_parameters_read_what_is_written_and_the_defaults() {
        for h in Hash::ALL {
            let alg = SignatureScheme::RsaPss(h).algorithm_identifier().unwrap();
            assert_eq!(pss_parameters(&alg), Some((h, h, h.output_len())), "{h:?}");
        }
        let read = |hex_der: &str| {
            pss_parameters(&AlgorithmIdentifierOwned::from_der(&hex(hex_der)).unwrap())
        };
        // SHA-256 with MGF1(SHA-256), salt and trailer 1 written out: salt 222 (OpenSSL's
        // longest for a 2048-bit key)
        assert_eq!(
            read(
                "304706092a864886f70d01010a303aa00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a204020200dea303020101"
            ),
            Some((Hash::Sha256, Hash::Sha256, 222))
        );
        // trailer 2 is not RFC 4055's: none
        assert_eq!(
            read(
                "304706092a864886f70d01010a303aa00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a204020200dea303020102"
            ),
            None
        );
        // not PSS at all
        let rsa = SignatureScheme::RsaPkcs1(Hash::Sha256)
            .algorithm_identifier()
            .unwrap();
        assert_eq!(pss_parameters(&rsa), None);
    }

    #[test]
    fn ecdsa_raw_to_der_handles_high_bits_and_leading_zeros() {
        let mut raw = vec![0u8; 64];
        raw[0] = 0x80; // r needs a 0x00 pad
        raw[31] = 1;
        raw[63] = 5; // s = 5 after stripping zeros
        let der = ecdsa_raw_to_der(&raw).unwrap();
        assert_eq!(&der[..5], &[0x30, 0x26, 0x02, 0x21, 0x00]);
        assert_eq!(&der[der.len() - 3..], &[0x02, 0x01, 0x05]);
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_err());
        assert!(ecdsa_raw_to_der(&[0; 64]).is_err());
        assert!(ecdsa_raw_to_der(&[]).is_err());
    }

    #[test]
    fn every_scheme_is_read_back_from_its_identifier() {
        for h in Hash::ALL {
            for s in [
                SignatureScheme::RsaPkcs1(h),
                SignatureScheme::RsaPss(h),
                SignatureScheme::Ecdsa(h),
            ] {
                let alg = s.algorithm_identifier().unwrap();
                assert_eq!(SignatureScheme::from_algorithm_identifier(&alg), Some(s));
            }
            assert_eq!(Hash::from_oid(&h.oid()), Some(h));
            assert_eq!(Hash::from_web_crypto_name(h.web_crypto_name()), Some(h));
            assert_eq!(h.digest(b"abc").len(), h.output_len());
        }
        for c in Curve::ALL {
            assert_eq!(Curve::from_oid(&c.oid()), Some(c));
        }
    }

    #[test]
    fn ecdsa_signatures_in_der_are_checked() {
        let der = ecdsa_raw_to_der(&[1u8; 64]).unwrap();
        assert_eq!(check_ecdsa_der(&der), Ok(()));
        assert_eq!(check_ecdsa_der(&[1u8; 64]), Err(AlgError::NotEcdsaDer));
        assert_eq!(
            check_ecdsa_der(&[0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01]),
            Err(AlgError::ZeroEcdsaPart)
        );
    }
}
