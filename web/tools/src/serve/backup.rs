//! The key store's backup ([`certreq_wire::OP_BACKUP`], [`certreq_wire::OP_BACKUP_READ`]):
//! the entries with their exportable keys written as one PFX, and read back.

use certreq_read::pkcs12::{self, Bundle, BundleCert, BundleKey, MacPolicy, Pkcs12Error};
use certreq_wire::PfxImport;
use certreq_wire::backup::{
    self, BACKUP_FORMAT, BACKUP_MAGIC, BackupEntry, BackupJob, BackupKey, BackupOpened, RecordError,
};
use zeroize::Zeroizing;

/// Writes the backup; the keys' bytes (by `BackupKey`'s drop) and the password are wiped once
/// it is made.
pub(super) fn write(mut job: BackupJob) -> Result<Vec<u8>, String> {
    let password = Zeroizing::new(std::mem::take(&mut job.password));
    write_file(&job, &password)
}

fn write_file(job: &BackupJob, password: &str) -> Result<Vec<u8>, String> {
    let with_key = |e: &&BackupEntry| matches!(e.key, BackupKey::Pkcs8 { .. });
    // the keys of issued entries first: OpenSSL's PKCS12_parse (and with it Python's
    // `cryptography`) returns the first key, with the certificate that matches it
    let issued = job
        .entries
        .iter()
        .filter(with_key)
        .filter(|e| e.certificate.is_some());
    let pending = job
        .entries
        .iter()
        .filter(with_key)
        .filter(|e| e.certificate.is_none());
    let keys: Vec<BundleKey<'_>> = issued
        .chain(pending)
        .filter_map(|e| match &e.key {
            BackupKey::Pkcs8 { der, .. } => Some(BundleKey {
                pkcs8: der,
                local_key_id: e.id.as_bytes(),
                friendly_name: Some(&e.friendly_name),
            }),
            _ => None,
        })
        .collect();
    // each certificate once; a leaf whose key is in the file carries the entry's id
    let mut certificates: Vec<BundleCert<'_>> = Vec::new();
    for e in &job.entries {
        if let Some(leaf) = &e.certificate {
            let id = with_key(&e).then_some(e.id.as_bytes());
            add(&mut certificates, leaf, id, Some(&e.friendly_name));
        }
    }
    for e in &job.entries {
        for c in &e.chain {
            add(&mut certificates, c, None, None);
        }
    }
    let record = backup::entries_to_file(&job.entries);
    let bundle = Bundle {
        keys: &keys,
        certificates: &certificates,
        data: Some(&record),
    };
    let mut random = super::drawn_from(&job.random);
    pkcs12::write_bundle(&bundle, password, pkcs12::Profile::Modern, &mut random).map_err(|e| {
        match e {
            Pkcs12Error::RandomUnavailable => {
                "cannot write the backup: it needs more random bytes than it was given".into()
            }
            e => format!("cannot write the backup: {e}"),
        }
    })
}

/// Adds a certificate to the bundle once; the same certificate kept by an entry without its
/// key, then by one with it, carries the key's id.
fn add<'a>(
    certificates: &mut Vec<BundleCert<'a>>,
    der: &'a [u8],
    id: Option<&'a [u8]>,
    name: Option<&'a str>,
) {
    match certificates.iter_mut().find(|c| c.der == der) {
        Some(c) if c.local_key_id.is_none() && id.is_some() => {
            c.local_key_id = id;
            c.friendly_name = name;
        }
        Some(_) => {}
        None => certificates.push(BundleCert {
            der,
            local_key_id: id,
            friendly_name: name,
        }),
    }
}

/// Opens a backup: its entries, each key in it with its bytes and kind. Refused with a
/// sentence for a wrong password or an altered file (the MAC), a file that is not a PFX or is
/// cut short, a PFX that is not a backup, and a newer format.
pub(super) fn open(job: PfxImport) -> Result<Vec<u8>, String> {
    let password = Zeroizing::new(job.password);
    let contents = pkcs12::read(&job.pfx, &password, MacPolicy::Required).map_err(|e| match e {
        Pkcs12Error::WrongPassword => "the password is wrong, or the file was altered since it \
                                       was written (its integrity check does not verify)"
            .to_owned(),
        e => format!("this file is damaged, cut short or not a backup ({e})"),
    })?;
    let record = contents
        .data
        .iter()
        .find(|d| d.starts_with(BACKUP_MAGIC))
        .ok_or(
            "this PFX is not a certreq-web backup (it has no list of entries); import it with \
             Import a PFX instead",
        )?;
    let mut entries = backup::entries_from_file(record).map_err(|e| match e {
        RecordError::Newer(n) => format!(
            "this backup was written by a newer certreq-web (backup format {n}; this one reads \
             format {BACKUP_FORMAT} and older): restore it with a newer version"
        ),
        RecordError::NotOurs | RecordError::Damaged => {
            "this backup's list of entries is damaged".to_owned()
        }
    })?;
    for i in 0..entries.len() {
        let Some(entry) = entries.get_mut(i) else {
            break;
        };
        let id = entry.id.clone();
        if let BackupKey::Pkcs8 { der, algorithm } = &mut entry.key {
            let key = contents
                .keys
                .iter()
                .find(|k| k.local_key_id.as_deref() == Some(id.as_bytes()));
            let Some(key) = key else {
                return Err(format!(
                    "this backup is damaged: the key of entry {id} is missing"
                ));
            };
            // a key of a kind this version cannot take (a later one's, say) leaves that entry
            // out of the restore, said so; the others are restored
            *der = key.pkcs8.to_vec();
            *algorithm = super::pkcs8_key_algorithm(&key.pkcs8);
        }
    }
    // the keys' bytes are wiped as `opened` goes (`BackupKey`'s drop)
    Ok(BackupOpened { entries }.to_wire())
}
