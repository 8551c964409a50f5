//! The CA itself: an RSA-2048 root created on first start and kept in the data dir, issuing
//! certificates, the CRL, and the TLS server certificate for `--tls`.

use std::path::Path;
use std::time::{Duration, SystemTime};

use certreq_pkix::oid::{self, ObjectIdentifier};
use der::asn1::{Ia5String, OctetString};
use der::{Decode, Encode};
use getrandom::rand_core::UnwrapErr;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use sha1::Digest;
use x509_cert::Certificate;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder, CrlBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CrlNumber, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};
use x509_cert::time::{Time, Validity};

use crate::policy::{IssuePlan, Template};
use crate::store::write_atomic;

type Signer = rsa::pkcs1v15::SigningKey<sha2::Sha256>;

pub const CA_KEY_FILE: &str = "ca-key.pem";
pub const CA_CERT_FILE: &str = "ca.pem";
pub const TLS_CERT_FILE: &str = "tls-cert.pem";
pub const TLS_KEY_FILE: &str = "tls-key.pem";

#[derive(Clone)]
pub struct Ca {
    signer: Signer,
    pub cert: Certificate,
    pub cert_der: Vec<u8>,
    ski: Vec<u8>,
}

/// A profile that hands the builder a fixed subject, issuer and extension list.
struct Fixed {
    subject: Name,
    issuer: Name,
    extensions: Vec<Extension>,
}

impl BuilderProfile for Fixed {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }
    fn get_subject(&self) -> Name {
        self.subject.clone()
    }
    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        Ok(self.extensions.clone())
    }
}

fn ext<T: Encode>(oid: ObjectIdentifier, critical: bool, value: &T) -> Result<Extension, String> {
    let der = value
        .to_der()
        .map_err(|e| format!("encoding extension {oid}: {e}"))?;
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(der).map_err(|e| e.to_string())?,
    })
}

/// RFC 5280 method 1 key identifier: SHA-1 of the subjectPublicKey bits.
pub fn key_id(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    sha1::Sha1::digest(spki.subject_public_key.raw_bytes()).to_vec()
}

fn random_serial() -> Result<SerialNumber, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
    bytes[0] = (bytes[0] & 0x7f) | 0x40; // positive, exactly 16 bytes
    SerialNumber::new(&bytes).map_err(|e| e.to_string())
}

fn time(t: SystemTime) -> Result<Time, String> {
    Time::try_from(t).map_err(|e| format!("time out of range: {e}"))
}

impl Ca {
    /// Loads the CA from `dir`, creating a new root key and certificate there on first use.
    pub fn load_or_create(dir: &Path) -> Result<Ca, String> {
        let key_path = dir.join(CA_KEY_FILE);
        let cert_path = dir.join(CA_CERT_FILE);
        if key_path.exists() && cert_path.exists() {
            let key_pem = std::fs::read_to_string(&key_path)
                .map_err(|e| format!("cannot read {}: {e}", key_path.display()))?;
            let key = rsa::PrivateKey::from_pkcs8_pem(&key_pem)
                .map_err(|e| format!("{} is not a PKCS#8 RSA key: {e}", key_path.display()))?;
            let cert_pem = std::fs::read_to_string(&cert_path)
                .map_err(|e| format!("cannot read {}: {e}", cert_path.display()))?;
            let (_, cert_der) = pem_rfc7468::decode_vec(cert_pem.as_bytes())
                .map_err(|e| format!("{} is not PEM: {e}", cert_path.display()))?;
            return Ca::from_parts(key, cert_der);
        }
        let mut rng = UnwrapErr(getrandom::SysRng);
        let key = rsa::PrivateKey::new(&mut rng, 2048).map_err(|e| e.to_string())?;
        let signer = Signer::new(key.clone());
        let mut suffix = [0u8; 3];
        getrandom::fill(&mut suffix).map_err(|e| e.to_string())?;
        let cn = format!(
            "CN=devca Development CA {:02X}{:02X}{:02X},O=devca (not for production)",
            suffix[0], suffix[1], suffix[2]
        );
        let name: Name = cn.parse().map_err(|e| format!("CA name: {e}"))?;
        let spki =
            SubjectPublicKeyInfoOwned::from_key(&rsa::signature::Keypair::verifying_key(&signer))
                .map_err(|e| e.to_string())?;
        let ski = key_id(&spki);
        let now = SystemTime::now();
        let validity = Validity::new(
            time(now - Duration::from_secs(600))?,
            time(now + Duration::from_secs(10 * 365 * 86400))?,
        );
        let extensions = vec![
            ext(
                oid::BASIC_CONSTRAINTS,
                true,
                &BasicConstraints {
                    ca: true,
                    path_len_constraint: None,
                },
            )?,
            ext(
                oid::KEY_USAGE,
                true,
                &KeyUsage(
                    KeyUsages::KeyCertSign | KeyUsages::CRLSign | KeyUsages::DigitalSignature,
                ),
            )?,
            ext(
                oid::SUBJECT_KEY_IDENTIFIER,
                false,
                &SubjectKeyIdentifier(OctetString::new(ski.clone()).map_err(|e| e.to_string())?),
            )?,
        ];
        let profile = Fixed {
            subject: name.clone(),
            issuer: name,
            extensions,
        };
        let builder = CertificateBuilder::new(profile, random_serial()?, validity, spki)
            .map_err(|e| e.to_string())?;
        let cert = builder
            .build::<_, rsa::pkcs1v15::Signature>(&signer)
            .map_err(|e| e.to_string())?;
        let cert_der = cert.to_der().map_err(|e| e.to_string())?;
        let key_pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| e.to_string())?;
        write_atomic(&key_path, key_pem.as_bytes(), true)
            .map_err(|e| format!("cannot write {}: {e}", key_path.display()))?;
        let pem = pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, &cert_der)
            .map_err(|e| e.to_string())?;
        write_atomic(&cert_path, pem.as_bytes(), false)
            .map_err(|e| format!("cannot write {}: {e}", cert_path.display()))?;
        Ok(Ca {
            signer,
            cert,
            cert_der,
            ski,
        })
    }

    fn from_parts(key: rsa::PrivateKey, cert_der: Vec<u8>) -> Result<Ca, String> {
        let cert = Certificate::from_der(&cert_der).map_err(|e| format!("CA certificate: {e}"))?;
        let ski = key_id(cert.tbs_certificate().subject_public_key_info());
        Ok(Ca {
            signer: Signer::new(key),
            cert,
            cert_der,
            ski,
        })
    }

    pub fn name(&self) -> &Name {
        self.cert.tbs_certificate().subject()
    }

    /// Issues a certificate for `public_key` following `plan`. Returns its DER.
    pub fn issue(
        &self,
        plan: &IssuePlan,
        public_key: &SubjectPublicKeyInfoOwned,
    ) -> Result<Vec<u8>, String> {
        let t = plan.template;
        let now = SystemTime::now();
        let ca_end = self
            .cert
            .tbs_certificate()
            .validity()
            .not_after
            .to_system_time();
        let mut end = now + Duration::from_secs(t.validity_days() * 86400);
        if end > ca_end {
            end = ca_end;
        }
        let validity = Validity::new(time(now - Duration::from_secs(600))?, time(end)?);
        let rsa_key = public_key.algorithm.oid == oid::RSA_ENCRYPTION;
        let mut extensions = Vec::new();
        if t.is_ca() {
            extensions.push(ext(
                oid::BASIC_CONSTRAINTS,
                true,
                &BasicConstraints {
                    ca: true,
                    path_len_constraint: None,
                },
            )?);
            extensions.push(ext(
                oid::KEY_USAGE,
                true,
                &KeyUsage(
                    KeyUsages::KeyCertSign | KeyUsages::CRLSign | KeyUsages::DigitalSignature,
                ),
            )?);
        } else {
            let ku = if rsa_key {
                KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment
            } else {
                KeyUsages::DigitalSignature | KeyUsages::KeyAgreement
            };
            extensions.push(ext(oid::KEY_USAGE, true, &KeyUsage(ku))?);
            extensions.push(ext(
                oid::EXT_KEY_USAGE,
                false,
                &ExtendedKeyUsage(t.ekus().to_vec()),
            )?);
        }
        if !plan.san.is_empty() {
            // critical when the subject is empty (RFC 5280 4.2.1.6)
            extensions.push(ext(
                oid::SUBJECT_ALT_NAME,
                plan.subject.is_empty(),
                &SubjectAltName(plan.san.clone()),
            )?);
        }
        extensions.push(ext(
            oid::SUBJECT_KEY_IDENTIFIER,
            false,
            &SubjectKeyIdentifier(OctetString::new(key_id(public_key)).map_err(|e| e.to_string())?),
        )?);
        extensions.push(ext(
            oid::AUTHORITY_KEY_IDENTIFIER,
            false,
            &AuthorityKeyIdentifier {
                key_identifier: Some(
                    OctetString::new(self.ski.clone()).map_err(|e| e.to_string())?,
                ),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
        )?);
        let profile = Fixed {
            subject: plan.subject.clone(),
            issuer: self.name().clone(),
            extensions,
        };
        let builder =
            CertificateBuilder::new(profile, random_serial()?, validity, public_key.clone())
                .map_err(|e| e.to_string())?;
        let cert = builder
            .build::<_, rsa::pkcs1v15::Signature>(&self.signer)
            .map_err(|e| format!("signing failed: {e}"))?;
        cert.to_der().map_err(|e| e.to_string())
    }

    /// A fresh, empty base CRL valid for 7 days (devca does not revoke).
    pub fn crl(&self) -> Result<Vec<u8>, String> {
        let now = SystemTime::now();
        let secs = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(1);
        let number = der::asn1::Uint::new(&secs.to_be_bytes()).map_err(|e| e.to_string())?;
        let builder = CrlBuilder::<x509_cert::certificate::Rfc5280>::new_with_this_update(
            &self.cert,
            CrlNumber(number),
            time(now - Duration::from_secs(600))?,
        )
        .map_err(|e| e.to_string())?
        .with_next_update(Some(time(now + Duration::from_secs(7 * 86400))?));
        let crl = builder
            .build::<_, rsa::pkcs1v15::Signature>(&self.signer)
            .map_err(|e| e.to_string())?;
        crl.to_der().map_err(|e| e.to_string())
    }

    /// The TLS server certificate and PKCS#8 key for `--tls`: kept in `dir` and reused while it
    /// is issued by this CA; otherwise made anew (P-256, for localhost, 127.0.0.1 and ::1).
    pub fn tls_identity(&self, dir: &Path) -> Result<(Vec<u8>, Vec<u8>), String> {
        let cert_path = dir.join(TLS_CERT_FILE);
        let key_path = dir.join(TLS_KEY_FILE);
        if let (Ok(c), Ok(k)) = (std::fs::read(&cert_path), std::fs::read(&key_path))
            && let (Ok((_, cert)), Ok((_, key))) =
                (pem_rfc7468::decode_vec(&c), pem_rfc7468::decode_vec(&k))
            && let Ok(parsed) = Certificate::from_der(&cert)
        {
            let tbs = parsed.tbs_certificate();
            let fresh = tbs.validity().not_after.to_system_time()
                > SystemTime::now() + Duration::from_secs(86400);
            // the key must still be the one the certificate was made for
            let same_key = p256::SecretKey::from_pkcs8_der(&key)
                .ok()
                .and_then(|k| SubjectPublicKeyInfoOwned::from_key(&k.public_key()).ok())
                .is_some_and(|spki| &spki == tbs.subject_public_key_info());
            if tbs.issuer() == self.name() && fresh && same_key {
                return Ok((cert, key));
            }
        }
        let mut rng = UnwrapErr(getrandom::SysRng);
        let key = <p256::SecretKey as p256::elliptic_curve::Generate>::generate_from_rng(&mut rng);
        let key_der = key
            .to_pkcs8_der()
            .map_err(|e| e.to_string())?
            .as_bytes()
            .to_vec();
        let spki =
            SubjectPublicKeyInfoOwned::from_key(&key.public_key()).map_err(|e| e.to_string())?;
        let localhost = Ia5String::new("localhost").map_err(|e| e.to_string())?;
        let plan = IssuePlan {
            template: Template::WebServer,
            subject: "CN=localhost".parse().map_err(|e| format!("{e}"))?,
            san: vec![
                GeneralName::DnsName(localhost),
                GeneralName::from(std::net::IpAddr::from([127, 0, 0, 1])),
                GeneralName::from(std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST)),
            ],
        };
        let cert = self.issue(&plan, &spki)?;
        let cert_pem =
            pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, &cert)
                .map_err(|e| e.to_string())?;
        let key_pem =
            pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, &key_der)
                .map_err(|e| e.to_string())?;
        write_atomic(&key_path, key_pem.as_bytes(), true).map_err(|e| e.to_string())?;
        write_atomic(&cert_path, cert_pem.as_bytes(), false).map_err(|e| e.to_string())?;
        Ok((cert, key_der))
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::csr::{parse_and_verify, tests::ec_csr};
    use std::sync::OnceLock;

    /// One CA per test run: RSA key generation is slow.
    pub fn test_ca() -> &'static Ca {
        static CA: OnceLock<(tempdir::Dir, Ca)> = OnceLock::new();
        &CA.get_or_init(|| {
            let dir = tempdir::Dir::new("ca");
            let ca = Ca::load_or_create(dir.path()).unwrap();
            (dir, ca)
        })
        .1
    }

    pub mod tempdir {
        use std::path::{Path, PathBuf};
        use std::sync::atomic::{AtomicU32, Ordering};
        pub struct Dir(PathBuf);
        impl Dir {
            pub fn new(tag: &str) -> Dir {
                static N: AtomicU32 = AtomicU32::new(0);
                let p = std::env::temp_dir().join(format!(
                    "devca-test-{}-{}-{}",
                    std::process::id(),
                    tag,
                    N.fetch_add(1, Ordering::SeqCst)
                ));
                let _ = std::fs::remove_dir_all(&p);
                std::fs::create_dir_all(&p).unwrap();
                Dir(p)
            }
            pub fn path(&self) -> &Path {
                &self.0
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    fn extension(cert: &Certificate, oid: ObjectIdentifier) -> Option<&Extension> {
        cert.tbs_certificate()
            .extensions()?
            .iter()
            .find(|e| e.extn_id == oid)
    }

    #[test]
    fn ca_is_kept_and_reloaded() {
        let dir = tempdir::Dir::new("reload");
        let a = Ca::load_or_create(dir.path()).unwrap();
        let b = Ca::load_or_create(dir.path()).unwrap();
        assert_eq!(a.cert_der, b.cert_der);
        let bc = extension(&a.cert, oid::BASIC_CONSTRAINTS).unwrap();
        assert!(bc.critical);
        assert_eq!(bc.extn_value.as_bytes(), &[0x30, 0x03, 0x01, 0x01, 0xff]);
    }

    #[test]
    fn issued_web_server_certificate_has_template_extensions() {
        let ca = test_ca();
        let req = parse_and_verify(&ec_csr("CN=web.example", &["web.example"])).unwrap();
        let plan = crate::policy::decide(&req, &[], None, true).unwrap();
        let der = ca.issue(&plan, &req.public_key).unwrap();
        let cert = Certificate::from_der(&der).unwrap();
        let tbs = cert.tbs_certificate();
        assert_eq!(tbs.issuer(), ca.name());
        assert_eq!(tbs.subject().to_string(), "CN=web.example");
        assert_eq!(tbs.serial_number().as_bytes().len(), 16);
        let eku = extension(&cert, oid::EXT_KEY_USAGE).unwrap();
        // SEQUENCE { serverAuth }
        assert_eq!(
            eku.extn_value.as_bytes(),
            &[
                0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01
            ]
        );
        let aki = extension(&cert, oid::AUTHORITY_KEY_IDENTIFIER).unwrap();
        assert!(aki.extn_value.as_bytes().ends_with(&ca.ski));
        assert!(extension(&cert, oid::SUBJECT_ALT_NAME).is_some());
        let days = (tbs.validity().not_after.to_unix_duration().as_secs()
            - tbs.validity().not_before.to_unix_duration().as_secs())
            / 86400;
        assert_eq!(days, 730);
        // the signature verifies under the CA key
        use rsa::pkcs8::DecodePublicKey;
        let ca_pub = rsa::PublicKey::from_public_key_der(
            &ca.cert
                .tbs_certificate()
                .subject_public_key_info()
                .to_der()
                .unwrap(),
        )
        .unwrap();
        let hash = sha2::Sha256::digest(tbs.to_der().unwrap());
        ca_pub
            .verify(
                rsa::pkcs1v15::Pkcs1v15Sign::new::<sha2::Sha256>(),
                &hash,
                cert.signature().raw_bytes(),
            )
            .unwrap();
    }

    #[test]
    fn sub_ca_template_makes_a_ca() {
        let ca = test_ca();
        let req = parse_and_verify(&ec_csr("CN=Sub", &[])).unwrap();
        let plan = crate::policy::decide(&req, &[], Some("SubCA"), true).unwrap();
        let cert = Certificate::from_der(&ca.issue(&plan, &req.public_key).unwrap()).unwrap();
        let bc = extension(&cert, oid::BASIC_CONSTRAINTS).unwrap();
        assert_eq!(bc.extn_value.as_bytes(), &[0x30, 0x03, 0x01, 0x01, 0xff]);
        let ku = extension(&cert, oid::KEY_USAGE).unwrap();
        assert!(ku.critical);
        assert!(extension(&cert, oid::EXT_KEY_USAGE).is_none());
    }

    #[test]
    fn crl_is_signed_by_the_ca() {
        let ca = test_ca();
        let der = ca.crl().unwrap();
        let crl =
            x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(&der)
                .unwrap();
        assert_eq!(&crl.tbs_cert_list.issuer, ca.name());
        assert!(crl.tbs_cert_list.revoked_certificates.is_none());
    }
}
