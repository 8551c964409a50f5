//! The key store's backup: what the app hands the tools module to write one
//! ([`BackupJob`], [`crate::OP_BACKUP`]) and what comes back from one opened
//! ([`BackupOpened`], [`crate::OP_BACKUP_READ`]).
//!
//! The file is a PKCS #12 PFX (`certreq-read`'s `pkcs12::write_bundle`): every exportable
//! private key in its own shrouded key bag, every certificate in a cert bag, and the entries'
//! own record — this module's [`entries_to_file`] — in a `secretBag` of type `id-data` inside
//! the encrypted safe. Unlike the rest of the wire, that record outlives a build, so it is
//! versioned: [`BACKUP_MAGIC`], then [`BACKUP_FORMAT`] as a number; a reader refuses a
//! format newer than its own, and every later format must still read the older ones.

use certreq_pkix::alg::{Curve, KeyAlgorithm};

use crate::{Reader, WireError, Writer};

/// The first bytes of the entries' record: which product wrote it.
pub const BACKUP_MAGIC: &[u8] = b"certreq-web store backup\n";
/// The newest format of the entries' record this build reads. It writes the oldest format that
/// holds what the entries say, so that an older build still restores a backup it can read
/// whole: 1 until an entry is denied; 2 once one is (format 2 adds the denied state where
/// format 1 has the issued flag: 0 pending, 1 issued, 2 denied).
pub const BACKUP_FORMAT: u32 = 2;

/// Where an entry is in its life, as a backup keeps it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BackupState {
    /// Made, its certificate still to come.
    #[default]
    Pending,
    /// Its certificate accepted.
    Issued,
    /// The CA denied its request (the key is kept).
    Denied,
}

impl BackupState {
    fn word(self) -> u32 {
        match self {
            BackupState::Pending => 0,
            BackupState::Issued => 1,
            BackupState::Denied => 2,
        }
    }
}

/// Random bytes a backup of `keys` private keys takes: the MAC's salt, a salt and an IV for
/// the certificates' safe and for each key.
pub fn backup_random_bytes(keys: usize) -> usize {
    16 + 32 * (keys + 1)
}

/// What a backup holds of an entry's private key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackupKey {
    /// The entry has no key.
    None,
    /// A key that cannot leave the browser (made or imported non-exportable): not in the
    /// backup, so the entry cannot be restored from it.
    Kept,
    /// The key's PKCS #8 DER and, once read from a backup, what kind of key it is (wiped by
    /// whoever holds it as soon as it has been used).
    Pkcs8 {
        der: Vec<u8>,
        algorithm: Option<KeyAlgorithm>,
    },
}

/// A key's bytes are overwritten when the value goes, on every path: a job that stops early
/// (an error, a `?`) wipes them as one that finishes does.
impl Drop for BackupKey {
    fn drop(&mut self) {
        if let BackupKey::Pkcs8 { der, .. } = self {
            zeroize::Zeroize::zeroize(der);
        }
    }
}

/// One store entry as a backup keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct BackupEntry {
    pub id: String,
    pub friendly_name: String,
    /// Milliseconds since 1970.
    pub created_ms: f64,
    pub inf: String,
    pub state: BackupState,
    pub container: Option<String>,
    /// The certificate's DER, and its issuers' (issuer first).
    pub certificate: Option<Vec<u8>>,
    pub chain: Vec<Vec<u8>>,
    /// The request's DER (empty when there is none).
    pub request: Vec<u8>,
    /// The CA's request id.
    pub request_id: Option<u64>,
    /// The id of the entry this one renews.
    pub renews: Option<String>,
    /// The CA the request was sent to: its protocol and URL.
    pub ca: Option<BackupCa>,
    /// The key's SubjectPublicKeyInfo (empty when there is no key).
    pub spki: Vec<u8>,
    pub key: BackupKey,
}

/// The CA an entry's request was sent to, as the store keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupCa {
    pub protocol: String,
    pub url: String,
}

pub(crate) fn algorithm_to_wire(w: &mut Writer, a: Option<KeyAlgorithm>) {
    match a {
        None => w.u32(0).u32(0),
        Some(KeyAlgorithm::Rsa { bits }) => w.u32(1).u32(bits),
        Some(KeyAlgorithm::Ecdsa(curve)) => w.u32(2).u32(curve.bits()),
    };
}

pub(crate) fn algorithm_from_wire(r: &mut Reader<'_>) -> Result<Option<KeyAlgorithm>, WireError> {
    Ok(match (r.u32()?, r.u32()?) {
        (0, _) => None,
        (1, bits) => Some(KeyAlgorithm::Rsa { bits }),
        (2, bits) => Some(KeyAlgorithm::Ecdsa(
            Curve::ALL
                .into_iter()
                .find(|c| c.bits() == bits)
                .ok_or(WireError)?,
        )),
        _ => return Err(WireError),
    })
}

impl BackupEntry {
    /// Writes the entry; with `key_bytes` false a key in the backup is only marked (its bytes
    /// are in the file's key bag, under the entry's id as `localKeyId`).
    fn write(&self, w: &mut Writer, key_bytes: bool) {
        w.str(&self.id).str(&self.friendly_name);
        w.u64(self.created_ms.to_bits())
            .str(&self.inf)
            .u32(self.state.word());
        w.opt_str(self.container.as_deref());
        w.opt_bytes(self.certificate.as_deref());
        w.u32(self.chain.len() as u32);
        for c in &self.chain {
            w.bytes(c);
        }
        w.bytes(&self.request);
        w.flag(self.request_id.is_some());
        if let Some(n) = self.request_id {
            w.u64(n);
        }
        w.opt_str(self.renews.as_deref());
        w.flag(self.ca.is_some());
        if let Some(ca) = &self.ca {
            w.str(&ca.protocol).str(&ca.url);
        }
        w.bytes(&self.spki);
        match &self.key {
            BackupKey::None => w.u32(0),
            BackupKey::Kept => w.u32(1),
            BackupKey::Pkcs8 { der, algorithm } => {
                w.u32(2);
                if key_bytes {
                    w.bytes(der);
                    algorithm_to_wire(w, *algorithm);
                }
                w
            }
        };
    }

    fn read(r: &mut Reader<'_>, key_bytes: bool) -> Result<Self, WireError> {
        let text = |r: &mut Reader<'_>| r.str().map(str::to_owned);
        let id = text(r)?;
        let friendly_name = text(r)?;
        let created_ms = f64::from_bits(r.u64()?);
        let inf = text(r)?;
        let state = match r.u32()? {
            0 => BackupState::Pending,
            1 => BackupState::Issued,
            2 => BackupState::Denied,
            _ => return Err(WireError),
        };
        let container = r.opt_str()?.map(str::to_owned);
        let certificate = r.opt_bytes()?.map(<[u8]>::to_vec);
        let count = r.u32()? as usize;
        let mut chain = Vec::with_capacity(count.min(64));
        for _ in 0..count {
            chain.push(r.bytes()?.to_vec());
        }
        let request = r.bytes()?.to_vec();
        let request_id = if r.flag()? { Some(r.u64()?) } else { None };
        let renews = r.opt_str()?.map(str::to_owned);
        let ca = if r.flag()? {
            Some(BackupCa {
                protocol: text(r)?,
                url: text(r)?,
            })
        } else {
            None
        };
        let spki = r.bytes()?.to_vec();
        let key = match r.u32()? {
            0 => BackupKey::None,
            1 => BackupKey::Kept,
            2 if key_bytes => BackupKey::Pkcs8 {
                der: r.bytes()?.to_vec(),
                algorithm: algorithm_from_wire(r)?,
            },
            2 => BackupKey::Pkcs8 {
                der: Vec::new(),
                algorithm: None,
            },
            _ => return Err(WireError),
        };
        Ok(BackupEntry {
            id,
            friendly_name,
            created_ms,
            inf,
            state,
            container,
            certificate,
            chain,
            request,
            request_id,
            renews,
            ca,
            spki,
            key,
        })
    }
}

fn entries_to_wire(w: &mut Writer, entries: &[BackupEntry], key_bytes: bool) {
    w.u32(entries.len() as u32);
    for e in entries {
        e.write(w, key_bytes);
    }
}

fn entries_from_wire(r: &mut Reader<'_>, key_bytes: bool) -> Result<Vec<BackupEntry>, WireError> {
    let count = r.u32()? as usize;
    let mut entries = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        entries.push(BackupEntry::read(r, key_bytes)?);
    }
    Ok(entries)
}

/// The entries' record as the backup file keeps it: [`BACKUP_MAGIC`], the format (the oldest
/// that holds the entries, see [`BACKUP_FORMAT`]), then the entries, keys only marked.
pub fn entries_to_file(entries: &[BackupEntry]) -> Vec<u8> {
    let mut w = Writer::new();
    w.0.extend_from_slice(BACKUP_MAGIC);
    let denied = entries.iter().any(|e| e.state == BackupState::Denied);
    w.u32(if denied { 2 } else { 1 });
    entries_to_wire(&mut w, entries, false);
    w.finish()
}

/// Why a backup's record cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// Not a certreq-web backup's record.
    NotOurs,
    /// Written in a newer format than [`BACKUP_FORMAT`].
    Newer(u32),
    /// Ours, of a format we read, but it does not decode.
    Damaged,
}

/// The entries a backup's record holds (keys only marked), or why not.
pub fn entries_from_file(bytes: &[u8]) -> Result<Vec<BackupEntry>, RecordError> {
    let Some(rest) = bytes.strip_prefix(BACKUP_MAGIC) else {
        return Err(RecordError::NotOurs);
    };
    let mut r = Reader::new(rest);
    let format = match r.u32() {
        Ok(n) if n > BACKUP_FORMAT => return Err(RecordError::Newer(n)),
        Ok(0) | Err(_) => return Err(RecordError::Damaged),
        Ok(n) => n,
    };
    let entries = entries_from_wire(&mut r, false).map_err(|_| RecordError::Damaged)?;
    r.end().map_err(|_| RecordError::Damaged)?;
    // format 1's state is a flag: issued or not
    if format == 1 && entries.iter().any(|e| e.state == BackupState::Denied) {
        return Err(RecordError::Damaged);
    }
    Ok(entries)
}

/// A backup to write: the entries with their exportable keys, the password, and
/// [`backup_random_bytes`] random bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct BackupJob {
    pub entries: Vec<BackupEntry>,
    pub password: String,
    pub random: Vec<u8>,
}

impl BackupJob {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        entries_to_wire(&mut w, &self.entries, true);
        w.str(&self.password).bytes(&self.random);
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let entries = entries_from_wire(&mut r, true)?;
        let password = r.str()?.to_owned();
        let random = r.bytes()?.to_vec();
        r.end()?;
        Ok(BackupJob {
            entries,
            password,
            random,
        })
    }
}

/// A backup opened: its entries, each exportable key with its bytes and kind.
#[derive(Clone, Debug, PartialEq)]
pub struct BackupOpened {
    pub entries: Vec<BackupEntry>,
}

impl BackupOpened {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        entries_to_wire(&mut w, &self.entries, true);
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(bytes);
        let entries = entries_from_wire(&mut r, true)?;
        r.end()?;
        Ok(BackupOpened { entries })
    }
}
