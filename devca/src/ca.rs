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
use x509_cert::builder::{Builder, CertificateBuilder};
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
/// The CA exchange certificate (key archival) and its key.
pub const XCHG_CERT_FILE: &str = "ca-xchg.pem";
pub const XCHG_KEY_FILE: &str = "ca-xchg-key.pem";

#[derive(Clone)]
pub struct Ca {
    signer: Signer,
    pub cert: Certificate,
    pub cert_der: Vec<u8>,
    ski: Vec<u8>,
    /// The certificates this CA was renewed from, renewal 0 first.
    pub older: Vec<Issuer>,
    /// The exchange certificate clients encrypt keys to for archival, and its key.
    pub exchange: Exchange,
    /// The data directory (archived keys are kept under it).
    pub dir: std::path::PathBuf,
}

/// The CA exchange certificate (`<CA name>-Xchg`, Private Key Archival purpose
/// 1.3.6.1.4.1.311.21.5) and its RSA key.
#[derive(Clone)]
pub struct Exchange {
    pub cert_der: Vec<u8>,
    pub key: rsa::PrivateKey,
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

/// One of the CA's certificates with its key: the current one, or an earlier one kept after a
/// renewal (it still signs the CRLs for what it issued).
#[derive(Clone)]
pub struct Issuer {
    signer: Signer,
    pub cert: Certificate,
    pub cert_der: Vec<u8>,
}

impl Issuer {
    fn read(key: rsa::PrivateKey, cert_der: Vec<u8>) -> Result<Issuer, String> {
        let cert = Certificate::from_der(&cert_der).map_err(|e| format!("CA certificate: {e}"))?;
        Ok(Issuer {
            signer: Signer::new(key),
            cert,
            cert_der,
        })
    }
}

/// Where renewed-away CA certificates and keys are kept: `N.pem` and `N-key.pem`.
pub const RENEWALS_DIR: &str = "ca-renewals";

fn read_key(path: &Path) -> Result<rsa::PrivateKey, String> {
    let key_pem = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    rsa::PrivateKey::from_pkcs8_pem(&key_pem)
        .map_err(|e| format!("{} is not a PKCS#8 RSA key: {e}", path.display()))
}

fn read_cert(path: &Path) -> Result<Vec<u8>, String> {
    let cert_pem = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    pem_rfc7468::decode_vec(cert_pem.as_bytes())
        .map(|(_, der)| der)
        .map_err(|e| format!("{} is not PEM: {e}", path.display()))
}

fn write_pair(
    key_path: &Path,
    cert_path: &Path,
    key: &rsa::PrivateKey,
    cert_der: &[u8],
) -> Result<(), String> {
    let key_pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| e.to_string())?;
    write_atomic(key_path, key_pem.as_bytes(), true)
        .map_err(|e| format!("cannot write {}: {e}", key_path.display()))?;
    let pem = pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, cert_der)
        .map_err(|e| e.to_string())?;
    write_atomic(cert_path, pem.as_bytes(), false)
        .map_err(|e| format!("cannot write {}: {e}", cert_path.display()))
}

/// Where `renew-ca` puts the new CA certificate before the new key replaces the old one.
const NEW_CERT_SUFFIX: &str = ".new";

/// Whether `cert_der` is a certificate whose public key is `key`'s.
fn certifies(cert_der: &[u8], key: &rsa::PrivateKey) -> bool {
    use rsa::pkcs8::DecodePublicKey;
    Certificate::from_der(cert_der)
        .ok()
        .and_then(|cert| {
            cert.tbs_certificate()
                .subject_public_key_info()
                .to_der()
                .ok()
        })
        .and_then(|spki| rsa::PublicKey::from_public_key_der(&spki).ok())
        .is_some_and(|public| public == key.to_public_key())
}

/// Reads the key and certificate at `key_path` and `cert_path` and checks that they are a
/// pair: the key's public key is the certificate's. `renew-ca` writes the new certificate
/// beside the old one (`ca.pem.new`), then the key, then renames the certificate: a renewal
/// cut short after the key is finished here. Any other mismatched pair must not load
/// silently (its certificates and CRLs would verify under nothing).
fn read_pair(key_path: &Path, cert_path: &Path) -> Result<(rsa::PrivateKey, Vec<u8>), String> {
    let key = read_key(key_path)?;
    let mut cert_der = read_cert(cert_path)?;
    Certificate::from_der(&cert_der)
        .map_err(|e| format!("{} is not a certificate: {e}", cert_path.display()))?;
    let mut pending = cert_path.as_os_str().to_owned();
    pending.push(NEW_CERT_SUFFIX);
    let pending = std::path::PathBuf::from(pending);
    if !certifies(&cert_der, &key)
        && let Ok(new) = read_cert(&pending)
        && certifies(&new, &key)
    {
        std::fs::rename(&pending, cert_path)
            .map_err(|e| format!("cannot finish the CA renewal ({}): {e}", pending.display()))?;
        eprintln!(
            "devca: finished the CA renewal that was cut short: {} is the new key's certificate",
            cert_path.display()
        );
        cert_der = new;
    }
    if !certifies(&cert_der, &key) {
        return Err(format!(
            "the CA key {} does not match the CA certificate {} (its public key is another \
             one; was `devca renew-ca` interrupted?): restore the pair from a backup",
            key_path.display(),
            cert_path.display()
        ));
    }
    Ok((key, cert_der))
}

/// A new root key and self-signed certificate named `name`, valid for 10 years.
/// A new self-signed CA certificate and its key. `after`, a renewal's old certificate's
/// notBefore, puts the new one's strictly later: the validity's one-second grain would
/// otherwise let a renewal made soon after leave the two tied, and a client choosing the
/// current CA certificate from EST's `/cacerts` (a DER SET OF, unordered) by its start
/// could take the old one.
fn make_root(name: Name, after: Option<SystemTime>) -> Result<(rsa::PrivateKey, Vec<u8>), String> {
    let mut rng = UnwrapErr(getrandom::SysRng);
    let key = rsa::PrivateKey::new(&mut rng, 2048).map_err(|e| e.to_string())?;
    let signer = Signer::new(key.clone());
    let spki =
        SubjectPublicKeyInfoOwned::from_key(&rsa::signature::Keypair::verifying_key(&signer))
            .map_err(|e| e.to_string())?;
    let ski = key_id(&spki);
    let now = SystemTime::now();
    let mut start = now - Duration::from_secs(600);
    if let Some(after) = after {
        start = start.max(after + Duration::from_secs(1));
    }
    let validity = Validity::new(
        time(start)?,
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
            &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign | KeyUsages::DigitalSignature),
        )?,
        ext(
            oid::SUBJECT_KEY_IDENTIFIER,
            false,
            &SubjectKeyIdentifier(OctetString::new(ski).map_err(|e| e.to_string())?),
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
    Ok((key, cert_der))
}

/// One entry of a CRL: a serial, when it was revoked, the reason code.
pub struct RevokedEntry {
    pub serial: Vec<u8>,
    pub at: u64,
    pub reason: u32,
}

/// The exchange certificate kept in `dir`, made anew (RSA-2048, a year) when there is
/// none, it is not this CA's current key's, or it ends within a day. AD CS makes one per CA too
/// (`<CA name>-Xchg`) and hands it out through `GetCACert(GETCERT_CAXCHGCERT)` and
/// `certutil -cainfo xchg`; devca serves it as `certnew.cer?ReqID=CAXchgCert`.
fn exchange_in(
    signer: &Signer,
    ca_name: &Name,
    ca_ski: &[u8],
    dir: &Path,
) -> Result<Exchange, String> {
    let cert_path = dir.join(XCHG_CERT_FILE);
    let key_path = dir.join(XCHG_KEY_FILE);
    if let (Ok(c), Ok(k)) = (
        std::fs::read_to_string(&cert_path),
        std::fs::read_to_string(&key_path),
    ) && let Ok((_, cert_der)) = pem_rfc7468::decode_vec(c.as_bytes())
        && let Ok(cert) = Certificate::from_der(&cert_der)
        && let Ok(key) = rsa::PrivateKey::from_pkcs8_pem(&k)
    {
        let tbs = cert.tbs_certificate();
        let fresh = tbs.validity().not_after.to_system_time()
            > SystemTime::now() + Duration::from_secs(86400);
        // signed by the current key (a renewed CA has the same name and a new key)
        let by_current = tbs
            .get_extension::<AuthorityKeyIdentifier>()
            .ok()
            .flatten()
            .and_then(|(_, aki)| aki.key_identifier)
            .is_some_and(|id| id.as_bytes() == ca_ski);
        if tbs.issuer() == ca_name && fresh && by_current {
            return Ok(Exchange { cert_der, key });
        }
    }
    let mut rng = UnwrapErr(getrandom::SysRng);
    let key = rsa::PrivateKey::new(&mut rng, 2048).map_err(|e| e.to_string())?;
    let spki =
        SubjectPublicKeyInfoOwned::from_key(&key.to_public_key()).map_err(|e| e.to_string())?;
    let cn = ca_name
        .to_string()
        .split(',')
        .find_map(|rdn| rdn.trim().strip_prefix("CN=").map(str::to_string))
        .unwrap_or_else(|| "devca".into());
    let subject: Name = format!("CN={cn}-Xchg,O=devca (not for production)")
        .parse()
        .map_err(|e| format!("exchange certificate name: {e}"))?;
    let now = SystemTime::now();
    let validity = Validity::new(
        time(now - Duration::from_secs(600))?,
        time(now + Duration::from_secs(365 * 86400))?,
    );
    let extensions = vec![
        ext(
            oid::KEY_USAGE,
            true,
            &KeyUsage(KeyUsages::KeyEncipherment.into()),
        )?,
        ext(
            oid::EXT_KEY_USAGE,
            false,
            &ExtendedKeyUsage(vec![oid::CA_EXCHANGE]),
        )?,
        ext(
            oid::SUBJECT_KEY_IDENTIFIER,
            false,
            &SubjectKeyIdentifier(OctetString::new(key_id(&spki)).map_err(|e| e.to_string())?),
        )?,
        ext(
            oid::AUTHORITY_KEY_IDENTIFIER,
            false,
            &AuthorityKeyIdentifier {
                key_identifier: Some(OctetString::new(ca_ski.to_vec()).map_err(|e| e.to_string())?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
        )?,
    ];
    let profile = Fixed {
        subject,
        issuer: ca_name.clone(),
        extensions,
    };
    let cert = CertificateBuilder::new(profile, random_serial()?, validity, spki)
        .map_err(|e| e.to_string())?
        .build::<_, rsa::pkcs1v15::Signature>(signer)
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
    Ok(Exchange { cert_der, key })
}

impl Ca {
    /// Loads the CA from `dir`, creating a new root key and certificate there on first use.
    /// Certificates it was renewed from are loaded from `DIR/ca-renewals/`.
    pub fn load_or_create(dir: &Path) -> Result<Ca, String> {
        let key_path = dir.join(CA_KEY_FILE);
        let cert_path = dir.join(CA_CERT_FILE);
        let mut ca = if key_path.exists() && cert_path.exists() {
            let (key, cert_der) = read_pair(&key_path, &cert_path)?;
            Ca::from_parts(key, cert_der, dir)?
        } else {
            let mut suffix = [0u8; 3];
            getrandom::fill(&mut suffix).map_err(|e| e.to_string())?;
            let cn = format!(
                "CN=devca Development CA {:02X}{:02X}{:02X},O=devca (not for production)",
                suffix[0], suffix[1], suffix[2]
            );
            let name: Name = cn.parse().map_err(|e| format!("CA name: {e}"))?;
            let (key, cert_der) = make_root(name, None)?;
            write_pair(&key_path, &cert_path, &key, &cert_der)?;
            Ca::from_parts(key, cert_der, dir)?
        };
        let renewals = dir.join(RENEWALS_DIR);
        for n in 0.. {
            let cert = renewals.join(format!("{n}.pem"));
            if !cert.exists() {
                break;
            }
            let (key, cert_der) = read_pair(&renewals.join(format!("{n}-key.pem")), &cert)?;
            ca.older.push(Issuer::read(key, cert_der)?);
        }
        Ok(ca)
    }

    /// Renews the CA certificate with a new key (AD CS's renewal with a new key pair): the
    /// current certificate and key move to `DIR/ca-renewals/N` and a new self-signed
    /// certificate with the same name becomes `DIR/ca.pem`. Returns the new renewal index.
    pub fn renew(dir: &Path) -> Result<u32, String> {
        let ca = Ca::load_or_create(dir)?;
        let n = ca.older.len();
        let renewals = dir.join(RENEWALS_DIR);
        std::fs::create_dir_all(&renewals)
            .map_err(|e| format!("cannot create {}: {e}", renewals.display()))?;
        let old_key = read_key(&dir.join(CA_KEY_FILE))?;
        write_pair(
            &renewals.join(format!("{n}-key.pem")),
            &renewals.join(format!("{n}.pem")),
            &old_key,
            &ca.cert_der,
        )?;
        let old_start = ca
            .cert
            .tbs_certificate()
            .validity()
            .not_before
            .to_system_time();
        let (key, cert_der) = make_root(ca.name().clone(), Some(old_start))?;
        // the certificate beside the old one first, then the key, then the certificate in
        // place: cut short after the key, the next load finishes it (`read_pair`)
        let cert_path = dir.join(CA_CERT_FILE);
        let pending = dir.join(format!("{CA_CERT_FILE}{NEW_CERT_SUFFIX}"));
        let pem = pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, &cert_der)
            .map_err(|e| e.to_string())?;
        write_atomic(&pending, pem.as_bytes(), true)
            .map_err(|e| format!("cannot write {}: {e}", pending.display()))?;
        let key_path = dir.join(CA_KEY_FILE);
        let key_pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| e.to_string())?;
        write_atomic(&key_path, key_pem.as_bytes(), true)
            .map_err(|e| format!("cannot write {}: {e}", key_path.display()))?;
        std::fs::rename(&pending, &cert_path)
            .map_err(|e| format!("cannot write {}: {e}", cert_path.display()))?;
        u32::try_from(n + 1).map_err(|e| e.to_string())
    }

    /// How often the CA certificate was renewed (`nRenewals`); the current one is this index.
    pub fn renewals(&self) -> u32 {
        u32::try_from(self.older.len()).unwrap_or(u32::MAX)
    }

    /// Every CA certificate, the current one and those it was renewed from: EST's /cacerts (RFC 7030 §4.1.3), so that what the older keys issued still
    /// verifies for a client that takes its trust from there.
    pub fn all_certs(&self) -> Vec<&[u8]> {
        let older = self.older.iter().rev().map(|i| i.cert_der.as_slice());
        core::iter::once(self.cert_der.as_slice())
            .chain(older)
            .collect()
    }

    /// The CA certificate of renewal `n` (0: the first), if there is one.
    pub fn cert_of(&self, n: u32) -> Option<&[u8]> {
        let n = usize::try_from(n).ok()?;
        match n.cmp(&self.older.len()) {
            core::cmp::Ordering::Less => self.older.get(n).map(|i| i.cert_der.as_slice()),
            core::cmp::Ordering::Equal => Some(&self.cert_der),
            core::cmp::Ordering::Greater => None,
        }
    }

    /// A CRL signed by the key of renewal `renewal`, valid for 7 days: number `number`,
    /// listing `entries`; a delta CRL (with a critical delta CRL indicator naming the base
    /// CRL `delta_of`) when given. A base CRL names where its delta CRLs are, `freshest`, in
    /// a Freshest CRL extension (RFC 5280 §5.2.6), as AD CS's do once it publishes deltas:
    /// without it OpenSSL (`-use_deltas`) and others never apply a delta to the base.
    pub fn crl_for(
        &self,
        renewal: u32,
        number: u64,
        entries: &[RevokedEntry],
        delta_of: Option<u64>,
        freshest: Option<&str>,
    ) -> Result<Vec<u8>, String> {
        use rsa::signature::{SignatureEncoding, Signer as _};
        use x509_cert::crl::{RevokedCert, TbsCertList};
        use x509_cert::ext::pkix::CrlReason;
        use x509_cert::ext::pkix::crl::BaseCrlNumber;
        let (signer, cert) = match usize::try_from(renewal)
            .ok()
            .and_then(|r| self.older.get(r))
        {
            Some(i) => (&i.signer, &i.cert),
            None if renewal == self.renewals() => (&self.signer, &self.cert),
            None => return Err(format!("the CA has no certificate of renewal {renewal}")),
        };
        let uint = |n: u64| der::asn1::Uint::new(&n.to_be_bytes()).map_err(|e| e.to_string());
        let ski = key_id(cert.tbs_certificate().subject_public_key_info());
        let mut extensions = vec![
            ext(
                oid::AUTHORITY_KEY_IDENTIFIER,
                false,
                &AuthorityKeyIdentifier {
                    key_identifier: Some(OctetString::new(ski).map_err(|e| e.to_string())?),
                    authority_cert_issuer: None,
                    authority_cert_serial_number: None,
                },
            )?,
            ext(oid::CRL_NUMBER, false, &CrlNumber(uint(number)?))?,
        ];
        if let Some(base) = delta_of {
            extensions.push(ext(
                oid::DELTA_CRL_INDICATOR,
                true,
                &BaseCrlNumber(uint(base)?),
            )?);
        } else if let Some(url) = freshest {
            use x509_cert::ext::pkix::FreshestCrl;
            use x509_cert::ext::pkix::crl::dp::DistributionPoint;
            use x509_cert::ext::pkix::name::DistributionPointName;
            let uri = Ia5String::new(url).map_err(|e| format!("the delta CRL's URL: {e}"))?;
            let point = DistributionPoint {
                distribution_point: Some(DistributionPointName::FullName(vec![
                    GeneralName::UniformResourceIdentifier(uri),
                ])),
                reasons: None,
                crl_issuer: None,
            };
            extensions.push(ext(oid::FRESHEST_CRL, false, &FreshestCrl(vec![point]))?);
        }
        let reason = |code: u32| -> Option<CrlReason> {
            Some(match code {
                0 => return None,
                1 => CrlReason::KeyCompromise,
                2 => CrlReason::CaCompromise,
                3 => CrlReason::AffiliationChanged,
                4 => CrlReason::Superseded,
                5 => CrlReason::CessationOfOperation,
                6 => CrlReason::CertificateHold,
                8 => CrlReason::RemoveFromCRL,
                9 => CrlReason::PrivilegeWithdrawn,
                10 => CrlReason::AaCompromise,
                _ => return None,
            })
        };
        let mut revoked = Vec::new();
        for e in entries {
            let at = SystemTime::UNIX_EPOCH + Duration::from_secs(e.at);
            revoked.push(RevokedCert {
                serial_number: SerialNumber::new(&e.serial).map_err(|e| e.to_string())?,
                revocation_date: time(at)?,
                crl_entry_extensions: match reason(e.reason) {
                    Some(r) => Some(vec![ext(oid::CRL_REASON, false, &r)?]),
                    None => None,
                },
            });
        }
        let now = SystemTime::now();
        let tbs = TbsCertList::<x509_cert::certificate::Rfc5280> {
            version: x509_cert::Version::V2,
            signature: x509_cert::spki::AlgorithmIdentifierOwned {
                oid: oid::SHA256_WITH_RSA,
                parameters: Some(der::asn1::Any::null()),
            },
            issuer: cert.tbs_certificate().subject().clone(),
            this_update: time(now - Duration::from_secs(60))?,
            next_update: Some(time(now + Duration::from_secs(7 * 86400))?),
            revoked_certificates: (!revoked.is_empty()).then_some(revoked),
            crl_extensions: Some(extensions),
        };
        let tbs_der = tbs.to_der().map_err(|e| e.to_string())?;
        let signature = signer
            .try_sign(&tbs_der)
            .map_err(|e| format!("signing the CRL: {e}"))?;
        let crl = x509_cert::crl::CertificateList {
            signature_algorithm: tbs.signature.clone(),
            tbs_cert_list: tbs,
            signature: der::asn1::BitString::from_bytes(&signature.to_bytes())
                .map_err(|e| e.to_string())?,
        };
        crl.to_der().map_err(|e| e.to_string())
    }

    fn from_parts(key: rsa::PrivateKey, cert_der: Vec<u8>, dir: &Path) -> Result<Ca, String> {
        let Issuer {
            signer,
            cert,
            cert_der,
        } = Issuer::read(key, cert_der)?;
        let ski = key_id(cert.tbs_certificate().subject_public_key_info());
        let exchange = exchange_in(&signer, cert.tbs_certificate().subject(), &ski, dir)?;
        Ok(Ca {
            signer,
            cert,
            cert_der,
            ski,
            older: Vec::new(),
            exchange,
            dir: dir.to_path_buf(),
        })
    }

    /// Whether this CA issued `der`: its issuer is this CA and the signature verifies with
    /// the current key or that of an earlier renewal (a renewal may renew a certificate the
    /// CA issued before it was itself renewed).
    pub fn issued(&self, der: &[u8]) -> bool {
        use rsa::pkcs8::DecodePublicKey;
        let Ok(cert) = Certificate::from_der(der) else {
            return false;
        };
        if cert.tbs_certificate().issuer() != self.name() {
            return false;
        }
        let Some(parts) = certreq_pkix::cert::CertParts::read(der) else {
            return false;
        };
        let hash = match cert.signature_algorithm().oid {
            o if o == oid::SHA256_WITH_RSA => sha2::Sha256::digest(parts.tbs).to_vec(),
            _ => return false,
        };
        std::iter::once(&self.cert)
            .chain(self.older.iter().map(|i| &i.cert))
            .filter_map(|c| c.tbs_certificate().subject_public_key_info().to_der().ok())
            .filter_map(|spki| rsa::PublicKey::from_public_key_der(&spki).ok())
            .any(|k| {
                k.verify(
                    rsa::pkcs1v15::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    &hash,
                    cert.signature().raw_bytes(),
                )
                .is_ok()
            })
    }

    /// Signs `data` with the CA key (RSA PKCS #1 v1.5, SHA-256), for the CMC full response.
    pub fn sign(&self, data: &[u8]) -> Result<Vec<u8>, String> {
        use rsa::signature::{SignatureEncoding, Signer as _};
        self.signer
            .try_sign(data)
            .map(|s| s.to_vec())
            .map_err(|e| format!("signing failed: {e}"))
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
        let now = SystemTime::now();
        let ca_end = self
            .cert
            .tbs_certificate()
            .validity()
            .not_after
            .to_system_time();
        let mut end = now + Duration::from_secs(plan.template.validity_days() * 86400);
        if end > ca_end {
            end = ca_end;
        }
        self.issue_between(plan, public_key, now - Duration::from_secs(600), end)
    }

    /// [`Ca::issue`] for a validity of its own (tests make expired certificates with it).
    pub fn issue_between(
        &self,
        plan: &IssuePlan,
        public_key: &SubjectPublicKeyInfoOwned,
        start: SystemTime,
        end: SystemTime,
    ) -> Result<Vec<u8>, String> {
        let t = plan.template;
        let validity = Validity::new(time(start)?, time(end)?);
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
        // what the request asked for and the template takes: in place of the template's own,
        // or after them
        for asked in &plan.extensions {
            match extensions.iter_mut().find(|e| e.extn_id == asked.extn_id) {
                Some(slot) => *slot = asked.clone(),
                None => extensions.push(asked.clone()),
            }
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

    /// A fresh, empty base CRL of the current CA certificate.
    #[cfg(test)]
    pub fn crl(&self) -> Result<Vec<u8>, String> {
        self.crl_for(self.renewals(), 1, &[], None, None)
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
            // issued by the current key (a renewed CA has the same name and a new key)
            let by_current = tbs
                .get_extension::<AuthorityKeyIdentifier>()
                .ok()
                .flatten()
                .and_then(|(_, aki)| aki.key_identifier)
                .is_some_and(|id| id.as_bytes() == self.ski.as_slice());
            if tbs.issuer() == self.name() && fresh && same_key && by_current {
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
            extensions: Vec::new(),
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

    /// A renewal may renew a certificate issued before the CA itself was renewed (`devca
    /// renew-ca`): it is still this CA's. The exchange certificate follows the new key.
    #[test]
    fn what_the_ca_issued_before_its_renewal_is_still_its_own() {
        let dir = tempdir::Dir::new("renewed");
        let ca = Ca::load_or_create(dir.path()).unwrap();
        let req = parse_and_verify(&ec_csr("CN=before", &[])).unwrap();
        let plan = crate::policy::decide(&req, &[], None, true).unwrap();
        let before = ca.issue(&plan, &req.public_key).unwrap();
        assert!(ca.issued(&before));
        Ca::renew(dir.path()).unwrap();
        let renewed = Ca::load_or_create(dir.path()).unwrap();
        assert_ne!(renewed.cert_der, ca.cert_der);
        // renewed at once, the new certificate still starts after the old: a client picks
        // the current one from /cacerts by its start
        let start = |c: &Ca| {
            c.cert
                .tbs_certificate()
                .validity()
                .not_before
                .to_unix_duration()
        };
        assert!(start(&renewed) > start(&ca));
        assert!(renewed.issued(&before), "issued by renewal 0's key");
        let after = renewed.issue(&plan, &req.public_key).unwrap();
        assert!(renewed.issued(&after) && !ca.issued(&after));
        assert_ne!(
            renewed.exchange.cert_der, ca.exchange.cert_der,
            "a new exchange certificate, signed by the new key"
        );
        let aki = extension(
            &Certificate::from_der(&renewed.exchange.cert_der).unwrap(),
            oid::AUTHORITY_KEY_IDENTIFIER,
        )
        .unwrap()
        .extn_value
        .as_bytes()
        .to_vec();
        assert!(aki.ends_with(&renewed.ski));
        // another CA of another name did not issue it
        assert!(!test_ca().issued(&before));
    }

    /// A CA key that is not the CA certificate's (e.g. `renew-ca` interrupted between its two
    /// renames) stops loading with a message naming both files, instead of signing
    /// certificates nothing verifies.
    #[test]
    fn a_key_that_is_not_the_certificates_is_refused() {
        let dir = tempdir::Dir::new("mismatch");
        Ca::load_or_create(dir.path()).unwrap();
        let mut rng = UnwrapErr(getrandom::SysRng);
        let other = rsa::PrivateKey::new(&mut rng, 1024).unwrap();
        let pem = other.to_pkcs8_pem(LineEnding::LF).unwrap();
        std::fs::write(dir.path().join(CA_KEY_FILE), pem.as_bytes()).unwrap();
        let Err(e) = Ca::load_or_create(dir.path()) else {
            panic!("a mismatched pair was loaded");
        };
        assert!(
            e.contains(CA_KEY_FILE) && e.contains(CA_CERT_FILE) && e.contains("does not match"),
            "{e}"
        );
    }

    #[test]
    fn a_ca_renewal_cut_short_after_its_key_is_finished_at_the_next_load() {
        let dir = tempdir::Dir::new("renew-cut");
        let old = Ca::load_or_create(dir.path()).unwrap();
        assert_eq!(Ca::renew(dir.path()).unwrap(), 1);
        let renewed = Ca::load_or_create(dir.path()).unwrap();
        assert_ne!(renewed.cert_der, old.cert_der);
        // as a crash between the key's write and the certificate's rename leaves it: the new
        // key, the old certificate in place, the new one beside it
        let cert = dir.path().join(CA_CERT_FILE);
        let pending = dir.path().join(format!("{CA_CERT_FILE}{NEW_CERT_SUFFIX}"));
        std::fs::rename(&cert, &pending).unwrap();
        std::fs::copy(dir.path().join(RENEWALS_DIR).join("0.pem"), &cert).unwrap();
        let loaded = Ca::load_or_create(dir.path()).unwrap();
        assert_eq!(loaded.cert_der, renewed.cert_der);
        assert_eq!(loaded.renewals(), 1);
        assert!(!pending.exists());
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
