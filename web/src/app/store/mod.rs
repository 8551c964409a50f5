//! The key store: the entries kept in this browser (each a key pair, with its request and,
//! once accepted, its certificate), accepting certificates for them, importing a key with its
//! certificates from a PFX, exporting them (`.cer`, `.p7b`, `.pfx`), deleting them, and
//! backing the whole store up to one password-protected file and restoring it.

pub mod jobs;
pub mod view;

use certreq_request::model::NewRequest;

use super::files::looks_like_pfx;
use super::status::{Notice, Out, Status};
use crate::services::store::StoredRequest;

pub use crate::services::store::{CaRef, EntryState, RecordMeta};
pub use certreq_wire::PfxProfile as Profile;

/// What the store list shows about one stored entry (its key stays in the store): the record
/// as stored, and what is read from its key and certificate (not stored).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntryMeta {
    /// What is stored of the entry, beside its request and key pair.
    pub record: RecordMeta,
    /// Whether the browser hands out the private key; `None` when not asked yet or no key
    /// (asked when the store is read, not stored).
    pub exportable: Option<bool>,
    /// `RSA 2048`, `ECC P-256`… of the stored key (read from it, not stored).
    pub key_algorithm: Option<String>,
    /// What the accepted certificate says (read from it by the tools module when the store
    /// is read or the certificate accepted, not stored); `None` until then, or when there is
    /// no certificate.
    pub details: Option<CertDetails>,
    /// Whether a request is stored with the key (not for a self-signed certificate, which
    /// came without one).
    pub has_request: bool,
}

impl EntryMeta {
    /// What the list shows of a stored record before its key and certificate are read.
    pub fn of(stored: &StoredRequest) -> Self {
        EntryMeta {
            record: stored.meta.clone(),
            has_request: stored.has_request(),
            ..EntryMeta::default()
        }
    }
}

/// What the store shows about an accepted certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertDetails {
    pub subject: String,
    pub issuer: String,
    /// Seconds since 1970.
    pub not_before: i64,
    pub not_after: i64,
    pub thumbprint_sha1: String,
    pub key_algorithm: String,
    pub serial: String,
    /// An enrollment agent's certificate (the Certificate Request Agent purpose).
    pub request_agent: bool,
}

/// How a list names an entry: its friendly name, and what tells it from another of the same
/// name (whom its certificate is issued to, that its request was denied, its request number at
/// the CA, or that it was never sent).
pub fn entry_label(
    name: &str,
    state: EntryState,
    subject: Option<&str>,
    request_id: Option<u64>,
) -> String {
    match (state, subject, request_id) {
        (EntryState::Issued, Some(subject), _) => format!("“{name}” (issued to {subject})"),
        (EntryState::Issued, None, _) => format!("“{name}” (issued)"),
        (EntryState::Denied, _, Some(id)) => format!("“{name}” (denied, request {id})"),
        (EntryState::Denied, _, None) => format!("“{name}” (denied)"),
        (EntryState::Pending, _, Some(id)) => format!("“{name}” (pending, request {id})"),
        (EntryState::Pending, _, None) => format!("“{name}” (not sent to a CA)"),
    }
}

impl EntryMeta {
    /// The entry as lists name it ([`entry_label`]).
    pub fn label(&self) -> String {
        let r = &self.record;
        let subject = self.details.as_ref().map(|d| d.subject.as_str());
        // an entry holding a certificate is issued, whatever an older record's state says
        let state = match r.certificate {
            Some(_) => EntryState::Issued,
            None => r.state,
        };
        entry_label(&r.friendly_name, state, subject, r.request_id)
    }
}

impl CertDetails {
    /// What the store shows about `cert`.
    pub fn of(cert: &certreq_pkix::cert::Certificate) -> Self {
        CertDetails {
            subject: cert.subject(),
            issuer: cert.issuer(),
            not_before: cert.not_before(),
            not_after: cert.not_after(),
            thumbprint_sha1: cert.thumbprint_sha1(),
            key_algorithm: cert.key_algorithm(),
            serial: cert.serial_hex(),
            request_agent: cert.facts().request_agent,
        }
    }
}

/// The certificate file formats offered for an issued entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// The certificate, PEM (`-----BEGIN CERTIFICATE-----`).
    CerPem,
    /// The certificate, DER.
    CerDer,
    /// A certs-only PKCS #7 with the certificate and its chain (DER).
    P7b,
}

/// The PFX export dialog.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PfxDialog {
    pub id: String,
    pub password: String,
    pub confirm: String,
    pub profile: Profile,
    /// Why the password was not taken.
    pub problem: Option<String>,
}

/// The PFX import dialog: the file, its password, and whether the key stays exportable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportDialog {
    /// The file's name.
    pub name: String,
    /// The PFX as opened.
    pub pfx: Vec<u8>,
    pub password: String,
    /// Whether the imported private key may leave the browser again (Web Crypto's
    /// `extractable`); not unless the user says so.
    pub extractable: bool,
    /// Why the last try imported nothing (wrong password, no key, a key already kept).
    pub problem: Option<String>,
    /// While the import runs.
    pub importing: bool,
}

/// The backup dialog: backing the store up (`restore` none) or restoring the file `restore`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackupDialog {
    /// The backup file to restore: its name and bytes.
    pub restore: Option<(String, Vec<u8>)>,
    pub password: String,
    /// The password again (backing up only).
    pub confirm: String,
    /// Why the last try did nothing (the store is unchanged).
    pub problem: Option<String>,
    /// While the backup or restore runs.
    pub working: bool,
    /// What a restore did.
    pub report: Option<RestoreReport>,
}

/// What a restore did: the names of the entries added, those skipped (with why), and those
/// whose keys never left the browser they were made in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestoreReport {
    pub added: Vec<String>,
    /// Entries kept here that took the certificate the backup holds for them.
    pub updated: Vec<String>,
    pub skipped: Vec<String>,
    pub lost: Vec<String>,
}

/// The id a restored entry's `renews` link takes in this store: the id the renewed entry has
/// here once the restore is done (`ids` pairs each backup entry's id with it: its own, a new
/// one when another entry had it, or the kept entry it was found to be), else its own when
/// an entry kept here before the restore has it (`before`: ids are random, so that is the
/// same entry, left out of the backup). None when the renewed entry is not here: the id as
/// written would dangle.
pub fn relinked(
    renews: Option<&str>,
    ids: &[(String, String)],
    before: &[String],
) -> Option<String> {
    let old = renews?;
    match ids.iter().find(|(backup, _)| backup == old) {
        Some((_, here)) => Some(here.clone()),
        None => before.iter().find(|id| *id == old).cloned(),
    }
}

/// What can happen in the store.
#[derive(Clone, Debug)]
pub enum Msg {
    /// The outcome of [`Command::Load`].
    Loaded(Result<Vec<EntryMeta>, String>),
    /// A new or remade entry (Generate): listed last.
    Added(EntryMeta),
    /// An entry as it is now (an enrollment's answer): replaced where it is, else listed last.
    Changed(EntryMeta),
    /// Offer a stored request as a file again.
    DownloadEntry(String),
    /// Delete a stored entry and its key (the shell asks the user first).
    Delete(String),
    /// The outcome of [`Command::Delete`]: the id removed, or why not.
    Deleted(Result<String, String>),
    /// What the browser said about keeping storage: `Some(true)` persistent, `Some(false)` may
    /// be evicted, `None` cannot tell.
    Persistence(Option<bool>),
    /// A certificate response (`.cer`, `.p7b`, PEM or DER) to attach to its stored key.
    AcceptFile {
        name: String,
        bytes: Vec<u8>,
    },
    /// The outcome of [`Command::Accept`]: the updated entry, or why nothing changed.
    Accepted(Result<EntryMeta, String>),
    /// Offer the certificate of entry `id` as a file.
    Export {
        id: String,
        format: ExportFormat,
    },
    /// The outcome of an export: what was offered, or why not.
    Exported(Result<String, String>),
    /// Open the PFX dialog for entry `id`.
    PfxOpen(String),
    /// The PFX dialog's fields.
    PfxPassword(String),
    PfxConfirm(String),
    PfxProfile(Profile),
    /// Close the PFX dialog without exporting.
    PfxCancel,
    /// Export the PFX with the dialog's password.
    PfxSubmit,
    /// A PFX (`.pfx`, `.p12`) to import: opens the import dialog.
    ImportFile {
        name: String,
        bytes: Vec<u8>,
    },
    /// The import dialog's fields.
    ImportPassword(String),
    ImportExtractable(bool),
    /// Close the import dialog without importing.
    ImportCancel,
    /// Import with the dialog's password.
    ImportSubmit,
    /// The outcome of [`Command::ImportPfx`]: the new entry, or why nothing was imported.
    Imported(Result<EntryMeta, String>),
    /// Renew issued entry `id`'s certificate, keeping its key (`same_key`) or with a new one:
    /// opens the renewal INF in the editor.
    Renew {
        id: String,
        same_key: bool,
    },
    /// The outcome of [`Command::RenewalInf`]: the INF for entry `id`, or why there is none.
    RenewalInf {
        id: String,
        inf: Result<String, String>,
    },
    /// Open the backup dialog to back the store up.
    BackupOpen,
    /// A backup file to restore: opens the backup dialog for it.
    RestoreFile {
        name: String,
        bytes: Vec<u8>,
    },
    /// The backup dialog's fields.
    BackupPassword(String),
    BackupConfirm(String),
    /// Close the backup dialog.
    BackupCancel,
    /// Back up, or restore, with the dialog's password.
    BackupSubmit,
    /// The outcome of [`Command::Backup`]: what was saved, or why nothing was.
    BackedUp(Result<String, String>),
    /// The outcome of [`Command::Restore`]: what was done, or why nothing was.
    Restored(Result<RestoreReport, String>),
}

/// Browser work the store asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Read the store list, answer with [`Msg::Loaded`].
    Load,
    /// Ask for persistent storage, answer with [`Msg::Persistence`].
    RequestPersistence,
    /// Offer the stored request `id` as a file.
    DownloadEntry(String),
    /// Ask the user `question`, then delete the stored entry `id`; answer with
    /// [`Msg::Deleted`].
    Delete { id: String, question: String },
    /// Match a certificate response to a stored key and attach it; answer with
    /// [`Msg::Accepted`].
    Accept(Vec<u8>),
    /// Offer entry `id`'s certificate as a file; answer with [`Msg::Exported`].
    Export { id: String, format: ExportFormat },
    /// Export entry `id`'s key and certificate as a PFX; answer with [`Msg::Exported`].
    ExportPfx {
        id: String,
        password: String,
        profile: Profile,
    },
    /// Open a PFX with `password`, import its key (`extractable` as the user chose) and keep it
    /// with its certificates as a new entry; answer with [`Msg::Imported`].
    ImportPfx {
        pfx: Vec<u8>,
        password: String,
        extractable: bool,
    },
    /// Read the renewal INF of `certificate` (entry `id`'s) in the tools module; answer with
    /// [`Msg::RenewalInf`].
    RenewalInf {
        id: String,
        certificate: Vec<u8>,
        same_key: bool,
    },
    /// Back the whole store up under `password` and offer the file; answer with
    /// [`Msg::BackedUp`].
    Backup { password: String },
    /// Open the backup `file` with `password` and add what the store does not hold yet;
    /// answer with [`Msg::Restored`].
    Restore { file: Vec<u8>, password: String },
}

/// What the other features hear from the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// Entry `id` and its key are gone.
    Deleted(String),
    /// The INF renewing entry `entry` (its friendly name `name`), for the editor.
    Renewal { name: String, inf: String },
}

/// The store's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// The stored entries, oldest first.
    pub entries: Vec<EntryMeta>,
    /// Whether stored keys survive storage pressure (see [`Msg::Persistence`]).
    pub persistent: Option<bool>,
    /// The PFX export dialog, while open.
    pub pfx: Option<PfxDialog>,
    /// The PFX import dialog, while open.
    pub import: Option<ImportDialog>,
    /// The backup dialog, while open.
    pub backup: Option<BackupDialog>,
    /// The list was changed here since the last reading of the store was applied: a reading
    /// that arrives now may predate the change, so the store is read again instead.
    pub edited: bool,
}

impl State {
    /// The commands to run when the app starts.
    pub fn init() -> Vec<Command> {
        vec![Command::Load]
    }

    /// Asks for persistent storage once a key is kept here, unless it is persistent already.
    fn persist(&self) -> Vec<Out<Command, Event>> {
        if self.persistent == Some(true) || self.entries.is_empty() {
            Vec::new()
        } else {
            vec![Out::Run(Command::RequestPersistence)]
        }
    }

    /// Applies a message; returns the browser work it calls for and news for the others.
    pub fn update(&mut self, msg: Msg, status: &mut Status) -> Vec<Out<Command, Event>> {
        let run = |c| vec![Out::Run(c)];
        match msg {
            // a reading that may have started before an entry was added, changed or deleted
            // here would undo that in the list: read again
            Msg::Loaded(Ok(_)) if self.edited => {
                self.edited = false;
                return run(Command::Load);
            }
            Msg::Loaded(Ok(entries)) => {
                self.entries = entries;
                return self.persist();
            }
            Msg::Added(entry) => {
                self.edited = true;
                self.entries.retain(|e| e.record.id != entry.record.id);
                self.entries.push(entry);
                return self.persist();
            }
            Msg::Changed(entry) => self.put(entry),
            Msg::DownloadEntry(id) => return run(Command::DownloadEntry(id)),
            // not while a job may write the entry back whole (an accept, an import, a restore)
            Msg::Delete(id) => {
                let importing = self.import.as_ref().is_some_and(|d| d.importing);
                if status.idle() && !importing && !self.backup_working() {
                    let question = self.delete_question(&id);
                    return run(Command::Delete { id, question });
                }
            }
            Msg::Deleted(Ok(id)) => {
                self.edited = true;
                self.entries.retain(|e| e.record.id != id);
                status.notice = Some(Notice::info("request and key deleted"));
                return vec![Out::Tell(Event::Deleted(id))];
            }
            Msg::Deleted(Err(why)) | Msg::Loaded(Err(why)) => {
                status.notice = Some(Notice::error(why));
            }
            Msg::Persistence(persistent) => self.persistent = persistent,
            // a PFX dropped or picked here is imported, not accepted
            Msg::AcceptFile { name, bytes } if looks_like_pfx(&name, &bytes) => {
                return self.update(Msg::ImportFile { name, bytes }, status);
            }
            // the certificates are read in the accept job (in the lazily loaded module); here
            // only what is not even PEM, base64 or DER is turned away
            Msg::AcceptFile { name, bytes } => match certreq_pkix::pem::read(&bytes) {
                Ok(_) if !status.idle() => {
                    status.notice = Some(Notice::error(format!(
                        "{name} was not accepted: wait for the job under way to finish, then \
                         accept it again"
                    )));
                }
                Ok(_) => {
                    status.busy = Some("accepting the certificate…".into());
                    return run(Command::Accept(bytes));
                }
                Err(e) => {
                    status.notice = Some(Notice::error(format!(
                        "{name} is not a certificate to accept: {e}; nothing was changed"
                    )));
                }
            },
            Msg::Accepted(Ok(meta)) => {
                status.busy = None;
                let what = match &meta.details {
                    Some(d) => format!("certificate for {} accepted", d.subject),
                    None => "certificate accepted".to_owned(),
                };
                status.notice = Some(Notice::info(format!(
                    "{what}; it is kept with its key as “{}”",
                    meta.record.friendly_name
                )));
                self.put(meta);
            }
            Msg::Accepted(Err(why)) => {
                status.busy = None;
                status.notice = Some(Notice::error(why));
            }
            Msg::Exported(Err(why)) => status.notice = Some(Notice::error(why)),
            Msg::Exported(Ok(what)) => status.notice = Some(Notice::info(what)),
            Msg::Export { id, format } => return run(Command::Export { id, format }),
            Msg::PfxOpen(id) => {
                let exportable = self.entries.iter().any(|e| {
                    e.record.id == id
                        && e.record.certificate.is_some()
                        && e.exportable == Some(true)
                });
                if exportable {
                    self.pfx = Some(PfxDialog {
                        id,
                        ..PfxDialog::default()
                    });
                } else {
                    status.notice = Some(Notice::error(
                        "this key cannot be exported (it was made with Exportable = FALSE) or \
                         has no certificate yet; export the certificate alone instead",
                    ));
                }
            }
            Msg::PfxPassword(p) => {
                if let Some(d) = self.pfx.as_mut() {
                    d.password = p;
                    d.problem = None;
                }
            }
            Msg::PfxConfirm(p) => {
                if let Some(d) = self.pfx.as_mut() {
                    d.confirm = p;
                    d.problem = None;
                }
            }
            Msg::PfxProfile(profile) => {
                if let Some(d) = self.pfx.as_mut() {
                    d.profile = profile;
                }
            }
            Msg::PfxCancel => self.pfx = None,
            Msg::PfxSubmit => {
                let Some(d) = self.pfx.as_mut() else {
                    return Vec::new();
                };
                if d.password.is_empty() {
                    d.problem = Some("type a password to protect the private key".into());
                    return Vec::new();
                }
                if d.password != d.confirm {
                    d.problem = Some("the two passwords differ; type them again".into());
                    return Vec::new();
                }
                let Some(d) = self.pfx.take() else {
                    return Vec::new();
                };
                return run(Command::ExportPfx {
                    id: d.id,
                    password: d.password,
                    profile: d.profile,
                });
            }
            // an import under way keeps its dialog until its answer: the key may already be
            // on its way into the store, and the answer belongs to that dialog
            Msg::ImportFile { .. } | Msg::ImportCancel
                if self.import.as_ref().is_some_and(|d| d.importing) =>
            {
                status.notice = Some(Notice::error(
                    "a PFX is being imported; wait for it to finish",
                ));
            }
            Msg::ImportFile { name, bytes } => {
                self.import = Some(ImportDialog {
                    name,
                    pfx: bytes,
                    ..ImportDialog::default()
                });
            }
            Msg::ImportPassword(p) => {
                if let Some(d) = self.import.as_mut() {
                    d.password = p;
                    d.problem = None;
                }
            }
            Msg::ImportExtractable(extractable) => {
                if let Some(d) = self.import.as_mut() {
                    d.extractable = extractable;
                }
            }
            Msg::ImportCancel => self.import = None,
            Msg::ImportSubmit => {
                let Some(d) = self.import.as_mut().filter(|d| !d.importing) else {
                    return Vec::new();
                };
                d.importing = true;
                d.problem = None;
                return run(Command::ImportPfx {
                    pfx: d.pfx.clone(),
                    password: d.password.clone(),
                    extractable: d.extractable,
                });
            }
            // the dialog stays open with the reason, so the password can be typed again
            Msg::Imported(Err(why)) => {
                if let Some(d) = self.import.as_mut() {
                    d.importing = false;
                    d.problem = Some(why);
                }
            }
            Msg::Imported(Ok(meta)) => {
                self.import = None;
                status.notice = Some(Notice::info(format!(
                    "imported “{}” with its key ({}){}",
                    meta.record.friendly_name,
                    if meta.exportable == Some(true) {
                        "exportable"
                    } else {
                        "not exportable"
                    },
                    match meta.record.chain.len() {
                        0 => String::new(),
                        1 => " and 1 issuing certificate".to_owned(),
                        n => format!(" and {n} issuing certificates"),
                    }
                )));
                self.put(meta);
                return self.persist();
            }
            Msg::Renew { id, same_key } => {
                let entry = self.entry(&id);
                match entry.and_then(|e| e.record.certificate.clone()) {
                    Some(certificate) if status.idle() => {
                        return run(Command::RenewalInf {
                            id,
                            certificate,
                            same_key,
                        });
                    }
                    Some(_) => {}
                    None => {
                        status.notice = Some(Notice::error(
                            "only an issued entry, with its certificate, can be renewed",
                        ));
                    }
                }
            }
            Msg::RenewalInf { id, inf: Ok(inf) } => {
                let name = self
                    .entry(&id)
                    .map(|e| e.record.friendly_name.clone())
                    .unwrap_or(id);
                status.notice = Some(Notice::info(format!(
                    "the renewal of “{name}” is in the editor: check it, then Generate"
                )));
                return vec![Out::Tell(Event::Renewal { name, inf })];
            }
            Msg::RenewalInf { inf: Err(why), .. } => status.notice = Some(Notice::error(why)),
            // a backup or restore under way keeps its dialog until it answers: the job cannot
            // be stopped, and its answer (what was added) belongs in that dialog
            _ if self.backup_working()
                && matches!(
                    msg,
                    Msg::BackupOpen | Msg::RestoreFile { .. } | Msg::BackupCancel
                ) => {}
            Msg::BackupOpen => self.backup = Some(BackupDialog::default()),
            Msg::RestoreFile { name, bytes } => {
                self.backup = Some(BackupDialog {
                    restore: Some((name, bytes)),
                    ..BackupDialog::default()
                });
            }
            Msg::BackupPassword(p) => {
                if let Some(d) = self.backup.as_mut() {
                    d.password = p;
                    d.problem = None;
                }
            }
            Msg::BackupConfirm(p) => {
                if let Some(d) = self.backup.as_mut() {
                    d.confirm = p;
                    d.problem = None;
                }
            }
            Msg::BackupCancel => self.backup = None,
            Msg::BackupSubmit => return self.backup_submit(),
            Msg::BackedUp(outcome) => {
                if let Some(d) = self.backup.as_mut() {
                    d.working = false;
                }
                match outcome {
                    Ok(what) => {
                        self.backup = None;
                        status.notice = Some(Notice::info(what));
                    }
                    Err(why) => {
                        if let Some(d) = self.backup.as_mut() {
                            d.problem = Some(why);
                        }
                    }
                }
            }
            Msg::Restored(outcome) => {
                let Some(d) = self.backup.as_mut() else {
                    return Vec::new();
                };
                d.working = false;
                match outcome {
                    // the dialog stays open with what was done; the list is read again
                    Ok(report) => {
                        let added = !(report.added.is_empty() && report.updated.is_empty());
                        d.report = Some(report);
                        d.password.clear();
                        if added {
                            return run(Command::Load);
                        }
                    }
                    Err(why) => d.problem = Some(why),
                }
            }
        }
        Vec::new()
    }

    /// Whether a backup or restore job is under way.
    pub fn backup_working(&self) -> bool {
        self.backup.as_ref().is_some_and(|d| d.working)
    }

    /// The backup dialog's submit: checks the password, then backs up or restores.
    fn backup_submit(&mut self) -> Vec<Out<Command, Event>> {
        let Some(d) = self.backup.as_mut().filter(|d| !d.working) else {
            return Vec::new();
        };
        if d.password.is_empty() {
            d.problem = Some("type the backup's password".into());
            return Vec::new();
        }
        let command = match &d.restore {
            Some((_, file)) => Command::Restore {
                file: file.clone(),
                password: d.password.clone(),
            },
            None if d.password != d.confirm => {
                d.problem = Some("the two passwords differ; type them again".into());
                return Vec::new();
            }
            None => Command::Backup {
                password: d.password.clone(),
            },
        };
        d.working = true;
        d.problem = None;
        d.report = None;
        vec![Out::Run(command)]
    }

    /// Replaces the entry with `entry`'s id, or lists `entry` last.
    fn put(&mut self, entry: EntryMeta) {
        self.edited = true;
        match self
            .entries
            .iter_mut()
            .find(|e| e.record.id == entry.record.id)
        {
            Some(e) => *e = entry,
            None => self.entries.push(entry),
        }
    }

    /// The entry a renewal with `RenewalCert = cert_id` renews: the one issued entry whose
    /// certificate has this SHA-1 thumbprint or serial number (hexadecimal, blanks, colons and
    /// case aside), with its key; else why there is none, at `RenewalCert`.
    pub fn renewal_of(&self, cert_id: &str) -> Result<&EntryMeta, String> {
        let wanted = certreq_pkix::cert::cert_id_digits(cert_id).to_ascii_lowercase();
        let mut found = self.entries.iter().filter(|e| {
            e.details.as_ref().is_some_and(|d| {
                d.thumbprint_sha1.to_ascii_lowercase().replace(' ', "") == wanted
                    || d.serial.to_ascii_lowercase().replace(' ', "") == wanted
            })
        });
        let why = match (found.next(), found.next()) {
            (Some(one), None) if one.key_algorithm.is_some() => return Ok(one),
            (Some(one), None) => format!(
                "“{}” is kept in this browser without its key, so nothing can sign its renewal",
                one.record.friendly_name
            ),
            (None, _) => "names no certificate kept in this browser; renew from the store's \
                          Renew button"
                .into(),
            (Some(_), Some(_)) => "names more than one certificate kept in this browser; name \
                                   the one to renew by its SHA-1 thumbprint"
                .into(),
        };
        Err(format!("RenewalCert = {cert_id}: {why}"))
    }

    /// Entry `id`, if it is listed.
    pub fn entry(&self, id: &str) -> Option<&EntryMeta> {
        self.entries.iter().find(|e| e.record.id == id)
    }

    /// The CA a renewal request `id` goes to: the one the certificate it renews came from.
    pub fn renewed_ca(&self, id: &str) -> Option<&CaRef> {
        let renews = self.entry(id)?.record.renews.as_deref()?;
        self.entry(renews)?.record.ca.as_ref()
    }

    /// The CA entry `id` belongs with: the one its request was sent to, else (a renewal not
    /// sent yet) the renewed certificate's.
    pub fn ca_of(&self, id: &str) -> Option<&CaRef> {
        let own = self.entry(id)?.record.ca.as_ref();
        own.or_else(|| self.renewed_ca(id))
    }

    /// Whether stored entry `e` may sign a request on behalf of another user at `now_ms`
    /// (an enrollment agent's certificate, valid, with its key here); else why not.
    pub fn agent_fitness(e: &EntryMeta, now_ms: f64) -> Result<(), &'static str> {
        let now = (now_ms / 1000.0) as i64;
        Self::agent_capable(e)?;
        let Some(d) = &e.details else {
            return Err("no certificate yet");
        };
        if now > d.not_after {
            return Err("expired");
        }
        if now < d.not_before {
            return Err("not valid yet");
        }
        Ok(())
    }

    /// Whether stored entry `e` may sign on behalf of others whatever the clock says: an
    /// enrollment agent's certificate with its key here; else why not.
    pub fn agent_capable(e: &EntryMeta) -> Result<(), &'static str> {
        let Some(d) = &e.details else {
            return Err("no certificate yet");
        };
        if !d.request_agent {
            return Err(
                "not an enrollment agent's certificate (its EKU lacks Certificate \
                        Request Agent, 1.3.6.1.4.1.311.20.2.1)",
            );
        }
        if e.key_algorithm.is_none() {
            return Err("no private key kept here to sign with");
        }
        Ok(())
    }

    /// Whether entry `id` has been renewed: an entry renewing it holds its new certificate.
    pub fn is_renewed(&self, id: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.record.renews.as_deref() == Some(id) && e.record.certificate.is_some())
    }

    /// The pending entry `id` that has not been sent to a CA yet (no request id).
    pub fn unsent(&self, id: &str) -> Option<&EntryMeta> {
        self.entries.iter().find(|e| {
            e.record.id == id
                && e.record.state == EntryState::Pending
                && e.record.request_id.is_none()
        })
    }

    /// Entry `id` when its own Submit may send it: not sent yet ([`State::unsent`]), or denied
    /// (sent again, the CA takes it as a new request).
    pub fn submittable(&self, id: &str) -> Option<&EntryMeta> {
        self.unsent(id).or_else(|| {
            self.entry(id)
                .filter(|e| e.record.state == EntryState::Denied)
        })
    }

    /// What Delete asks before entry `id` and its key go: the entry by name, and what is lost
    /// with it (an issued entry's certificate here; a pending one's answer to come).
    fn delete_question(&self, id: &str) -> String {
        let entry = self.entry(id);
        let name = entry.map_or("", |e| e.record.friendly_name.as_str());
        let issued = entry.is_some_and(|e| e.record.certificate.is_some());
        // entries made with UseExistingKeySet hold the same key under one container name
        let sharer = entry
            .and_then(|e| e.record.container.as_ref())
            .and_then(|c| {
                self.entries
                    .iter()
                    .find(|o| o.record.id != id && o.record.container.as_ref() == Some(c))
            });
        if let Some(other) = sharer {
            let what = if issued {
                "its certificate"
            } else {
                "the request"
            };
            format!(
                "Delete “{name}”: {what}? Its private key stays, for “{}” uses it too.",
                other.record.friendly_name
            )
        } else if issued {
            format!(
                "Delete “{name}”: its certificate and its private key? Neither can be used in \
                 this browser again unless a backup or a PFX of them is restored."
            )
        } else {
            format!(
                "Delete the request “{name}” and its private key? A certificate issued for it \
                 later cannot be used without the key."
            )
        }
    }

    /// Which stored key signs `request`: `Ok(Some(id))` the pending entry whose container
    /// `UseExistingKeySet` names, `Ok(None)` a new key; an error when the named key is not
    /// here, or a new key would take a container name a pending key already has.
    pub fn key_to_use(&self, request: &NewRequest) -> Result<Option<String>, String> {
        let container = request.key.container.as_deref();
        // Windows container names are case-insensitive (the fold is a pure function, done
        // by the browser in the app and by Rust in native tests)
        // a key still waiting for its certificate: pending, or denied (the request fixed and
        // sent again with the same key)
        let pending = |name: &str| {
            self.entries.iter().rev().find(|e| {
                e.record.state != EntryState::Issued
                    && e.record
                        .container
                        .as_deref()
                        .is_some_and(|c| crate::services::same_name_any_case(c, name))
            })
        };
        // a renewal's key is the renewed entry's (same key) or a new one: Generate decides
        if request.renewal_cert.is_some() {
            return Ok(None);
        }
        match (request.key.use_existing, container) {
            (true, None) => Err("UseExistingKeySet = TRUE needs KeyContainer to name the \
                                 stored key to reuse"
                .into()),
            (true, Some(name)) => match pending(name) {
                Some(entry) => Ok(Some(entry.record.id.clone())),
                None => Err(format!(
                    "no pending key named “{name}” is kept in this browser; make one first \
                     with KeyContainer = \"{name}\" and UseExistingKeySet = FALSE"
                )),
            },
            (false, Some(name)) if pending(name).is_some() => Err(format!(
                "a pending key named “{name}” is already kept here; set UseExistingKeySet = \
                 TRUE to reuse it, or choose another KeyContainer name"
            )),
            (false, _) => Ok(None),
        }
    }
}

/// A reminder when a certificate expires within 30 days (or has expired), `now_ms` being the
/// clock in milliseconds since 1970.
pub fn expiry_reminder(not_after: i64, now_ms: f64) -> Option<String> {
    let now = (now_ms / 1000.0) as i64;
    let left = not_after.saturating_sub(now);
    if left < 0 {
        Some("this certificate has expired; request a new one".into())
    } else if left <= 30 * 86_400 {
        let days = left / 86_400;
        Some(match days {
            0 => "this certificate expires within a day; renew it now".into(),
            1 => "this certificate expires in 1 day; renew it soon".into(),
            n => format!("this certificate expires in {n} days; renew it soon"),
        })
    } else {
        None
    }
}

/// A response matched to a stored key: the key's index, the leaf DER, its issuers' DER.
pub type Matched = (usize, Vec<u8>, Vec<Vec<u8>>);

/// Which stored key a response is for: among `keys` (entry id, state, SPKI DER), an entry
/// still waiting (pending, or denied: an administrator may issue it yet) first, then an issued
/// one (which `accept_parsed` leaves as it is). Returns the
/// entry's index, the leaf DER and its issuers' DER (issuer first), or why none matches.
pub fn match_response(
    response: &certreq_pkix::cert::Response,
    keys: &[(String, EntryState, Vec<u8>)],
    prefer: Option<&str>,
) -> Result<Matched, String> {
    // the entry whose request was sent, when its key is the certificate's (two entries may
    // share a key), then waiting entries, then the rest
    let preferred = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| prefer == Some(k.0.as_str()));
    let order = preferred
        .chain(
            keys.iter()
                .enumerate()
                .filter(|(_, k)| k.1 != EntryState::Issued),
        )
        .chain(
            keys.iter()
                .enumerate()
                .filter(|(_, k)| k.1 == EntryState::Issued),
        );
    for (i, (_, _, spki)) in order {
        if let Some(leaf) = response.leaf_for(spki) {
            let chain = response
                .chain_for(leaf)
                .into_iter()
                .skip(1)
                .map(|c| c.der().to_vec())
                .collect();
            return Ok((i, leaf.der().to_vec(), chain));
        }
    }
    let about = response
        .leaf()
        .map(|c| format!(" (it is for {}, a {} key)", c.subject(), c.key_algorithm()))
        .unwrap_or_default();
    Err(format!(
        "this certificate{about} belongs to none of the keys kept in this browser, so nothing \
         was changed; accept it in the browser (and on the origin) where its request was made"
    ))
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::app::testing::{CA_PEM, LEAF_PEM, cert, pending, pending_record, request};

    #[test]
    fn a_restored_renewal_links_to_the_renewed_entry_under_its_id_here() {
        let ids = [
            ("kept-as-is".to_owned(), "kept-as-is".to_owned()),
            ("renumbered".to_owned(), "new-id".to_owned()),
            ("matched".to_owned(), "the-kept-entry".to_owned()),
        ];
        let before = ["the-kept-entry".to_owned(), "not-in-the-backup".to_owned()];
        let link = |renews| relinked(renews, &ids, &before);
        assert_eq!(link(None), None);
        assert_eq!(link(Some("kept-as-is")).as_deref(), Some("kept-as-is"));
        assert_eq!(link(Some("renumbered")).as_deref(), Some("new-id"));
        assert_eq!(link(Some("matched")).as_deref(), Some("the-kept-entry"));
        // left out of the backup but kept here: the same entry
        assert_eq!(
            link(Some("not-in-the-backup")).as_deref(),
            Some("not-in-the-backup")
        );
        // not restored (a lost key), or never in the backup nor here: no link, not a stale id
        assert_eq!(link(Some("lost")), None);
    }

    #[test]
    fn lists_tell_entries_of_one_name_apart() {
        let mut never_sent = pending("a", None);
        never_sent.record.friendly_name = "web".into();
        let mut sent = never_sent.clone();
        sent.record.request_id = Some(17);
        let mut issued = sent.clone();
        let leaf = cert(LEAF_PEM);
        issued.record.certificate = Some(leaf.der().to_vec());
        issued.details = Some(CertDetails::of(&leaf));
        let labels = [never_sent.label(), sent.label(), issued.label()];
        assert_eq!(labels[0], "“web” (not sent to a CA)");
        assert_eq!(labels[1], "“web” (pending, request 17)");
        assert_eq!(labels[2], format!("“web” (issued to {})", leaf.subject()));
        // its details not read yet: still told apart as issued
        issued.details = None;
        assert_eq!(issued.label(), "“web” (issued)");
        // denied, with the CA's request id or without one (an EST CA gives none)
        let mut denied = sent.clone();
        denied.record.state = EntryState::Denied;
        assert_eq!(denied.label(), "“web” (denied, request 17)");
        denied.record.request_id = None;
        assert_eq!(denied.label(), "“web” (denied)");
    }

    #[test]
    fn use_existing_key_set_reuses_the_pending_key_with_that_container() {
        let mut s = State {
            entries: vec![
                pending("old", Some("web-key")),
                pending("other", Some("Other")),
            ],
            ..State::default()
        };
        let mut r = request(None);
        r.key.use_existing = true;
        r.key.container = Some("WEB-KEY".into());
        assert_eq!(
            s.key_to_use(&r),
            Ok(Some("old".into())),
            "names match case-insensitively"
        );

        s.entries.push(pending("umlaut", Some("Schlüssel")));
        r.key.container = Some("SCHLÜSSEL".into());
        assert_eq!(
            s.key_to_use(&r),
            Ok(Some("umlaut".into())),
            "beyond ASCII too"
        );

        r.key.container = Some("missing".into());
        let err = s.key_to_use(&r).unwrap_err();
        assert!(err.contains("“missing”"), "{err}");

        r.key.container = None;
        assert!(s.key_to_use(&r).unwrap_err().contains("KeyContainer"));

        // an issued entry's key is not offered for reuse
        s.entries = vec![EntryMeta {
            record: RecordMeta {
                state: EntryState::Issued,
                ..pending_record("done", Some("web-key"))
            },
            ..Default::default()
        }];
        r.key.container = Some("web-key".into());
        assert!(s.key_to_use(&r).is_err());

        // a new key may not take a pending key's name
        s.entries = vec![pending("old", Some("web-key"))];
        r.key.use_existing = false;
        assert!(s.key_to_use(&r).unwrap_err().contains("already kept"));
        r.key.container = Some("fresh".into());
        assert_eq!(s.key_to_use(&r), Ok(None));

        // a denied entry's key waits still: reused by name, and its name not taken again
        s.entries = vec![EntryMeta {
            record: RecordMeta {
                state: EntryState::Denied,
                ..pending_record("denied", Some("web-key"))
            },
            ..Default::default()
        }];
        r.key.container = Some("web-key".into());
        assert!(s.key_to_use(&r).unwrap_err().contains("already kept"));
        r.key.use_existing = true;
        assert_eq!(s.key_to_use(&r), Ok(Some("denied".into())));
    }

    #[test]
    fn entry_states_read_back_safely() {
        assert_eq!(EntryState::parse("issued"), EntryState::Issued);
        assert_eq!(EntryState::parse("pending"), EntryState::Pending);
        assert_eq!(EntryState::parse("denied"), EntryState::Denied);
        assert_eq!(EntryState::parse("garbage"), EntryState::Pending);
        assert_eq!(EntryState::Pending.as_str(), "pending");
    }

    #[test]
    fn a_p7b_is_matched_to_the_pending_key_with_its_chain() {
        let (leaf, ca) = (cert(LEAF_PEM), cert(CA_PEM));
        let p7b = certreq_pkix::cert::build_certs_only_pkcs7([ca.der(), leaf.der()]);
        let response = certreq_read::response::parse(&p7b).unwrap();
        let keys = vec![
            ("other".to_owned(), EntryState::Pending, vec![0x30, 0x00]),
            (
                "issued".to_owned(),
                EntryState::Issued,
                leaf.spki_der().to_vec(),
            ),
            (
                "mine".to_owned(),
                EntryState::Pending,
                leaf.spki_der().to_vec(),
            ),
        ];
        let (i, leaf_der, chain) = match_response(&response, &keys, None).unwrap();
        assert_eq!(
            i, 2,
            "the pending entry wins over an issued one with the same key"
        );
        // the entry whose request was sent wins over another pending one with its key
        let mut shared = keys.clone();
        shared.push((
            "sent".to_owned(),
            EntryState::Pending,
            leaf.spki_der().to_vec(),
        ));
        assert_eq!(
            match_response(&response, &shared, Some("sent")).unwrap().0,
            3
        );
        assert_eq!(match_response(&response, &shared, None).unwrap().0, 2);
        assert_eq!(leaf_der, leaf.der());
        assert_eq!(chain, vec![ca.der().to_vec()]);

        let err = match_response(&response, &keys[..1], None)
            .map(|_| ())
            .unwrap_err();
        assert!(err.contains("CN=pfx-test.example"), "{err}");
        assert!(err.contains("nothing was changed"), "{err}");
    }

    #[test]
    fn a_pfx_is_imported_after_its_password_and_a_failure_changes_nothing() {
        use crate::app::testing::{CA_PEM, cert};
        let mut status = Status::default();
        let mut s = State {
            entries: vec![pending("a", None)],
            ..State::default()
        };
        // a .pfx dropped on the accept box opens the import dialog instead
        assert!(
            s.update(
                Msg::AcceptFile {
                    name: "me.pfx".into(),
                    bytes: vec![0x30, 0x03, 0x02, 0x01, 0x03],
                },
                &mut status,
            )
            .is_empty()
        );
        let dialog = s.import.clone().unwrap();
        assert_eq!(
            (dialog.name.as_str(), dialog.extractable, dialog.importing),
            ("me.pfx", false, false),
            "not exportable unless the user says so"
        );

        s.update(Msg::ImportPassword("wrong".into()), &mut status);
        s.update(Msg::ImportExtractable(true), &mut status);
        let asked = s.update(Msg::ImportSubmit, &mut status);
        assert_eq!(
            asked,
            vec![Out::Run(Command::ImportPfx {
                pfx: vec![0x30, 0x03, 0x02, 0x01, 0x03],
                password: "wrong".into(),
                extractable: true,
            })]
        );
        assert!(
            s.update(Msg::ImportSubmit, &mut status).is_empty(),
            "one import at a time"
        );
        // neither Cancel nor another file takes the dialog from the import under way
        s.update(Msg::ImportCancel, &mut status);
        let other = Msg::ImportFile {
            name: "other.pfx".into(),
            bytes: vec![0x30, 0x00],
        };
        s.update(other, &mut status);
        let dialog = s.import.clone().unwrap();
        assert_eq!((dialog.name.as_str(), dialog.importing), ("me.pfx", true));

        // a wrong password: said in the dialog, which stays open; the store is unchanged
        let why = "the password is wrong: the PFX integrity check (MAC) does not verify";
        s.update(Msg::Imported(Err(why.into())), &mut status);
        let dialog = s.import.clone().unwrap();
        assert_eq!(dialog.problem.as_deref(), Some(why));
        assert!(!dialog.importing);
        assert_eq!(s.entries, vec![pending("a", None)]);
        s.update(Msg::ImportPassword("right".into()), &mut status);
        assert_eq!(s.import.as_ref().unwrap().problem, None);

        // imported: the dialog closes and the entry is listed with its certificate
        s.update(Msg::ImportSubmit, &mut status);
        let leaf = cert(LEAF_PEM);
        let imported = EntryMeta {
            record: RecordMeta {
                state: EntryState::Issued,
                certificate: Some(leaf.der().to_vec()),
                chain: vec![cert(CA_PEM).der().to_vec()],
                ..pending_record("imported", None)
            },
            details: Some(CertDetails::of(&leaf)),
            exportable: Some(true),
            ..Default::default()
        };
        s.update(Msg::Imported(Ok(imported.clone())), &mut status);
        assert_eq!(s.import, None);
        assert_eq!(s.entries, vec![pending("a", None), imported]);
        assert_eq!(
            status.notice,
            Some(Notice::info(
                "imported “imported” with its key (exportable) and 1 issuing certificate"
            ))
        );

        // cancelling forgets the file and the password
        s.update(
            Msg::ImportFile {
                name: "other.p12".into(),
                bytes: vec![1],
            },
            &mut status,
        );
        s.update(Msg::ImportCancel, &mut status);
        assert_eq!(s.import, None);
    }

    #[test]
    fn a_backup_asks_for_its_password_twice() {
        let mut status = Status::default();
        let mut s = State {
            entries: vec![pending("a", None)],
            ..State::default()
        };
        s.update(Msg::BackupOpen, &mut status);
        assert!(s.update(Msg::BackupSubmit, &mut status).is_empty());
        let problem = |s: &State| s.backup.as_ref().and_then(|d| d.problem.clone());
        assert_eq!(problem(&s).as_deref(), Some("type the backup's password"));
        s.update(Msg::BackupPassword("pw".into()), &mut status);
        assert_eq!(problem(&s), None, "typing clears the problem");
        s.update(Msg::BackupConfirm("pW".into()), &mut status);
        assert!(s.update(Msg::BackupSubmit, &mut status).is_empty());
        assert!(problem(&s).unwrap().contains("differ"));
        s.update(Msg::BackupConfirm("pw".into()), &mut status);
        assert_eq!(
            s.update(Msg::BackupSubmit, &mut status),
            vec![Out::Run(Command::Backup {
                password: "pw".into()
            })]
        );
        assert!(
            s.update(Msg::BackupSubmit, &mut status).is_empty(),
            "one backup at a time"
        );
        // a failure stays in the dialog; success closes it and says what was saved
        s.update(Msg::BackedUp(Err("cannot write".into())), &mut status);
        assert_eq!(problem(&s).as_deref(), Some("cannot write"));
        assert!(!s.backup.as_ref().unwrap().working);
        s.update(Msg::BackupSubmit, &mut status);
        s.update(Msg::BackedUp(Ok("saved".into())), &mut status);
        assert_eq!(s.backup, None);
        assert_eq!(status.notice, Some(Notice::info("saved")));
    }

    #[test]
    fn a_refused_restore_changes_nothing_and_a_done_one_reports_and_reloads() {
        let mut status = Status::default();
        let before = vec![pending("a", None)];
        let mut s = State {
            entries: before.clone(),
            ..State::default()
        };
        s.update(
            Msg::RestoreFile {
                name: "store.p12".into(),
                bytes: vec![1, 2, 3],
            },
            &mut status,
        );
        s.update(Msg::BackupPassword("pw".into()), &mut status);
        // no confirmation is asked when restoring
        assert_eq!(
            s.update(Msg::BackupSubmit, &mut status),
            vec![Out::Run(Command::Restore {
                file: vec![1, 2, 3],
                password: "pw".into()
            })]
        );
        let why = "the password is wrong, or the file was altered since it was written";
        s.update(Msg::Restored(Err(why.into())), &mut status);
        let d = s.backup.clone().unwrap();
        assert_eq!(d.problem.as_deref(), Some(why));
        assert_eq!(d.report, None);
        assert_eq!(s.entries, before, "the store is unchanged");

        s.update(Msg::BackupSubmit, &mut status);
        let report = RestoreReport {
            added: vec!["b".into()],
            skipped: vec!["a: kept here already".into()],
            lost: vec!["c".into()],
            ..RestoreReport::default()
        };
        assert_eq!(
            s.update(Msg::Restored(Ok(report.clone())), &mut status),
            vec![Out::Run(Command::Load)],
            "the list is read again with what was added"
        );
        let d = s.backup.clone().unwrap();
        assert_eq!(d.report, Some(report));
        assert_eq!((d.password.as_str(), d.working), ("", false));
        // a certificate added to an entry kept here: read again too
        s.update(Msg::BackupPassword("pw".into()), &mut status);
        s.update(Msg::BackupSubmit, &mut status);
        let updated = RestoreReport {
            updated: vec!["a: its certificate added".into()],
            ..RestoreReport::default()
        };
        assert_eq!(
            s.update(Msg::Restored(Ok(updated)), &mut status),
            vec![Out::Run(Command::Load)]
        );
        // nothing added: nothing to read again
        s.update(Msg::BackupPassword("pw".into()), &mut status);
        s.update(Msg::BackupSubmit, &mut status);
        assert!(
            s.update(Msg::Restored(Ok(RestoreReport::default())), &mut status)
                .is_empty()
        );
        s.update(Msg::BackupCancel, &mut status);
        assert_eq!(s.backup, None);
    }

    #[test]
    fn a_restore_under_way_keeps_its_dialog_until_it_answers() {
        // the job cannot be stopped: Cancel, another file or Back up must not drop the dialog
        // its report (and the list's reload) belongs to
        let mut status = Status::default();
        let mut s = State {
            entries: vec![pending("a", None)],
            ..State::default()
        };
        let file = |bytes: Vec<u8>| Msg::RestoreFile {
            name: "store.p12".into(),
            bytes,
        };
        s.update(file(vec![1, 2, 3]), &mut status);
        s.update(Msg::BackupPassword("pw".into()), &mut status);
        s.update(Msg::BackupSubmit, &mut status);
        let working = s.backup.clone();
        for msg in [Msg::BackupCancel, file(vec![9]), Msg::BackupOpen] {
            s.update(msg, &mut status);
            assert_eq!(
                s.backup, working,
                "the dialog of the restore under way stays"
            );
        }
        // nor is an entry deleted under it (the restore matched the store as it read it)
        assert!(s.update(Msg::Delete("a".into()), &mut status).is_empty());
        let report = RestoreReport {
            added: vec!["b".into()],
            ..RestoreReport::default()
        };
        assert_eq!(
            s.update(Msg::Restored(Ok(report.clone())), &mut status),
            vec![Out::Run(Command::Load)]
        );
        assert_eq!(
            s.backup.as_ref().and_then(|d| d.report.clone()),
            Some(report)
        );
        // answered: Cancel closes it again
        s.update(Msg::BackupCancel, &mut status);
        assert_eq!(s.backup, None);
    }

    #[test]
    fn expiry_reminders_start_thirty_days_before() {
        let day = 86_400_i64;
        let now_ms = 1_000_000.0 * 1000.0;
        let now = 1_000_000_i64;
        assert_eq!(expiry_reminder(now + 31 * day, now_ms), None);
        assert_eq!(
            expiry_reminder(now + 30 * day, now_ms).as_deref(),
            Some("this certificate expires in 30 days; renew it soon")
        );
        assert!(
            expiry_reminder(now - 1, now_ms)
                .unwrap()
                .contains("expired")
        );
    }
}
