//! The pending-request store: where `certreq -new` keeps each private key until `-accept`
//! pairs it with the issued certificate, and where `-importpfx` puts a key and certificate
//! that came in a PFX.
//!
//! Layout (one directory per key, named by its id):
//!
//! ```text
//! $CERTREQ_STORE/                      mode 0700
//!   <id>/                              mode 0700; id = hex of the first 16 bytes of SHA-256(SPKI)
//!     key.pk8                          PKCS#8 PrivateKeyInfo DER, unencrypted, mode 0600
//!     request.der                      the last request made with the key (PKCS#10 DER);
//!                                      none for a self-signed certificate or an imported key
//!     request.inf                      the INF text it was made from (as decoded, UTF-8);
//!                                      none for an imported key (until a request reuses it)
//!     meta                             `name=value` lines (see [`Meta`])
//!     cert.pem                         after `-accept`: the issued certificate; from the
//!                                      start for a self-signed one (`RequestType = Cert`)
//!                                      and for an imported one (`-importpfx`)
//!     chain.p7b                        with cert.pem: certs-only PKCS#7 DER, leaf → root
//!     ca.p7b                           the CA certificates the CA sent with the issued
//!                                      certificate (`-submit`, `-retrieve`), certs-only
//!                                      PKCS#7 DER: `-accept` of the bare .cer finds them
//! ```
//!
//! `meta` lines added after format 1 (`request_id`, `ca`, `disposition`, `thumbprint`,
//! `imported_from`) are optional; entries written before them read as before.
//!
//! An entry is built in a temporary directory inside the store and renamed into place, so a
//! reader sees either the whole entry or none of it. The default location is
//! `$XDG_DATA_HOME/certreq-web/store`, else `~/.local/share/certreq-web/store` (macOS:
//! `~/Library/Application Support/certreq-web/store`); `CERTREQ_STORE` overrides it.

use std::fs;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::fsio;

pub const KEY_FILE: &str = "key.pk8";
pub const REQUEST_FILE: &str = "request.der";
pub const INF_FILE: &str = "request.inf";
pub const META_FILE: &str = "meta";
pub const CA_FILE: &str = "ca.p7b";
pub const CERT_FILE: &str = "cert.pem";
pub const CHAIN_FILE: &str = "chain.p7b";

/// What the store records about an entry besides the key and request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The entry id (directory name).
    pub id: String,
    /// The key container name (`KeyContainer`, or the id when the INF gives none).
    pub container: String,
    /// `FriendlyName`, if any.
    pub friendly_name: Option<String>,
    /// Creation time, seconds since the Unix epoch.
    pub created: u64,
    /// `pending` until a certificate is accepted.
    pub state: String,
    /// `RSA-2048`, `ECDSA-P256`, …
    pub algorithm: String,
    /// `Exportable = TRUE` in the INF.
    pub exportable: bool,
    /// Where the request (or self-signed certificate) was written (absolute when it could be
    /// made so).
    pub request_file: Option<String>,
    /// The CA's request id, after `-submit` to AD CS Web Enrollment.
    pub request_id: Option<String>,
    /// The CA (`-config` URL) the request was submitted to.
    pub ca: Option<String>,
    /// The CA's last answer: `issued`, `pending`, `est-pending`, `denied: MESSAGE`.
    pub disposition: Option<String>,
    /// SHA-1 thumbprint of the accepted certificate.
    pub thumbprint: Option<String>,
    /// The PFX file the key came from (`-importpfx`; absolute when it could be made so).
    pub imported_from: Option<String>,
}

impl Meta {
    /// The `meta` file text.
    pub fn to_text(&self) -> String {
        let mut out = String::from("# certreq-web pending request\nformat=1\n");
        let mut line = |k: &str, v: &str| {
            out.push_str(k);
            out.push('=');
            out.push_str(&certreq_fsio::escape_line(v));
            out.push('\n');
        };
        line("id", &self.id);
        line("container", &self.container);
        if let Some(f) = &self.friendly_name {
            line("friendly_name", f);
        }
        line("created", &self.created.to_string());
        line("created_utc", &rfc3339(self.created));
        line("state", &self.state);
        line("algorithm", &self.algorithm);
        line("exportable", if self.exportable { "true" } else { "false" });
        for (k, v) in [
            ("request_file", &self.request_file),
            ("request_id", &self.request_id),
            ("ca", &self.ca),
            ("disposition", &self.disposition),
            ("thumbprint", &self.thumbprint),
            ("imported_from", &self.imported_from),
        ] {
            if let Some(v) = v {
                line(k, v);
            }
        }
        out
    }

    /// Reads a `meta` file; unknown lines are ignored.
    pub fn parse(text: &str) -> Meta {
        let mut meta = Meta::default();
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let v = certreq_fsio::unescape_line(v);
            match k {
                "id" => meta.id = v,
                "container" => meta.container = v,
                "friendly_name" => meta.friendly_name = Some(v),
                "created" => meta.created = v.parse().unwrap_or(0),
                "state" => meta.state = v,
                "algorithm" => meta.algorithm = v,
                "exportable" => meta.exportable = v == "true",
                "request_file" => meta.request_file = Some(v),
                "request_id" => meta.request_id = Some(v),
                "ca" => meta.ca = Some(v),
                "disposition" => meta.disposition = Some(v),
                "thumbprint" => meta.thumbprint = Some(v),
                "imported_from" => meta.imported_from = Some(v),
                _ => {}
            }
        }
        meta
    }
}

/// `1970-01-01T00:00:00Z` from seconds since the epoch.
pub fn rfc3339(secs: u64) -> String {
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm, unsigned form).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

/// The id of the entry for a public key: hex of the first 16 bytes of SHA-256(SPKI DER).
pub fn entry_id(spki_der: &[u8]) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(spki_der);
    hash.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// An entry found in the store.
#[derive(Clone, Debug)]
pub struct Entry {
    pub dir: PathBuf,
    pub meta: Meta,
}

impl Entry {
    pub fn key_path(&self) -> PathBuf {
        self.dir.join(KEY_FILE)
    }

    /// The entry's PKCS#8 key, read into a buffer that is wiped when dropped (and sized up
    /// front, so no copy is left behind by a reallocation).
    pub fn read_key(&self) -> Result<Zeroizing<Vec<u8>>, String> {
        use std::io::Read;
        let path = self.key_path();
        let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
        let file = fs::File::open(&path).map_err(cannot)?;
        let len = file.metadata().map_err(cannot)?.len();
        if len > MAX_KEY_BYTES {
            return Err(format!(
                "{} is larger than {MAX_KEY_BYTES} bytes; that is not a key",
                path.display()
            ));
        }
        let mut key = Zeroizing::new(Vec::with_capacity(usize::try_from(len).unwrap_or(0) + 1));
        file.take(MAX_KEY_BYTES)
            .read_to_end(&mut key)
            .map_err(cannot)?;
        Ok(key)
    }
}

/// A certificate the store holds: an entry's own (with the entry, whose key it is) or one of
/// the chain kept beside it (a CA's: without a key).
#[derive(Clone, Debug)]
pub struct StoredCert {
    pub cert: certreq_pkix::cert::Certificate,
    /// The entry holding the certificate's private key, when the store has it.
    pub entry: Option<Entry>,
}

/// How a certificate may be named (certreq's CertId).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertIdKind {
    /// SHA-1 thumbprint or serial number (`RenewalCert`).
    ThumbprintOrSerial,
    /// Those, or else text of the subject (`-cert`).
    Any,
}

/// What a CertId matched.
#[derive(Debug)]
pub enum CertMatch {
    One(Box<StoredCert>),
    None,
    Many(Vec<StoredCert>),
}

/// A CertId's hexadecimal digits, upper-case, with blanks and colons left out; `None` when it
/// holds anything else.
fn hex_id(id: &str) -> Option<String> {
    let digits = certreq_pkix::cert::cert_id_digits(id);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| digits.to_ascii_uppercase())
}

/// A serial number in hex without the leading zeros an INTEGER may need.
fn serial_key(hex: &str) -> &str {
    let trimmed = hex.trim_start_matches('0');
    if trimmed.is_empty() { "0" } else { trimmed }
}

/// The largest key file read: an RSA-16384 PKCS#8 key is about 9.3 KiB.
const MAX_KEY_BYTES: u64 = 64 << 10;

/// What goes into a new entry.
pub struct NewEntry<'a> {
    pub meta: Meta,
    pub key_pkcs8: &'a [u8],
    /// The request made with the key; none for a self-signed certificate or an imported key.
    pub request_der: Option<&'a [u8]>,
    /// The INF the request was made from; none for an imported key.
    pub inf_text: Option<&'a str>,
    /// A certificate that came with the key (`RequestType = Cert`): its PEM and a certs-only
    /// PKCS #7 chain, as `-accept` would attach them.
    pub issued: Option<(&'a str, &'a [u8])>,
}

/// The pending-request store.
#[derive(Clone, Debug)]
pub struct Store {
    pub root: PathBuf,
}

impl Store {
    /// The store the environment points at (see the module documentation).
    pub fn from_env() -> Result<Store, String> {
        if let Some(dir) = std::env::var_os("CERTREQ_STORE").filter(|d| !d.is_empty()) {
            return Ok(Store {
                root: PathBuf::from(dir),
            });
        }
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
        let data = if cfg!(target_os = "macos") {
            home.map(|h| PathBuf::from(h).join("Library/Application Support"))
        } else {
            std::env::var_os("XDG_DATA_HOME")
                .filter(|d| Path::new(d).is_absolute())
                .map(PathBuf::from)
                .or_else(|| home.map(|h| PathBuf::from(h).join(".local/share")))
        };
        match data {
            Some(d) => Ok(Store {
                root: d.join("certreq-web").join("store"),
            }),
            None => Err(
                "cannot find the key store: neither CERTREQ_STORE nor HOME is set; set CERTREQ_STORE to a directory"
                    .into(),
            ),
        }
    }

    /// Every readable entry, in directory order (entries without a readable `meta` are skipped).
    pub fn entries(&self) -> Vec<Entry> {
        let Ok(dir) = fs::read_dir(&self.root) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in dir.flatten() {
            let name = item.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = item.path();
            if let Ok(text) = fs::read_to_string(path.join(META_FILE)) {
                out.push(Entry {
                    dir: path,
                    meta: Meta::parse(&text),
                });
            }
        }
        out
    }

    /// The entry whose container name is `name` (compared case-insensitively, as Windows
    /// compares key container names).
    pub fn find_container(&self, name: &str) -> Option<Entry> {
        self.entries()
            .into_iter()
            .find(|e| e.meta.container.eq_ignore_ascii_case(name))
    }

    /// The entry holding the key whose public half is `spki_der` (its directory is named by
    /// [`entry_id`]), if it exists and still has its key.
    pub fn find_spki(&self, spki_der: &[u8]) -> Option<Entry> {
        let dir = self.root.join(entry_id(spki_der));
        let text = fs::read_to_string(dir.join(META_FILE)).ok()?;
        if !dir.join(KEY_FILE).is_file() {
            return None;
        }
        Some(Entry {
            meta: Meta::parse(&text),
            dir,
        })
    }

    /// The entry whose last request is exactly `request_der` (for a request whose key
    /// cannot be read from it).
    pub fn find_request(&self, request_der: &[u8]) -> Option<Entry> {
        self.entries()
            .into_iter()
            .find(|e| fs::read(e.dir.join(REQUEST_FILE)).is_ok_and(|r| r == request_der))
    }

    /// Every certificate the store holds, each once: the entries' own certificates (with
    /// their entries), then the certificates of their chains that are no entry's own.
    pub fn certificates(&self) -> Vec<StoredCert> {
        let mut out: Vec<StoredCert> = Vec::new();
        let mut chains: Vec<certreq_pkix::cert::Certificate> = Vec::new();
        let has_key = |e: &Entry| e.dir.join(KEY_FILE).is_file();
        for entry in self.entries() {
            if let Ok(pem) = fs::read(entry.dir.join(CERT_FILE))
                && let Ok(r) = certreq_read::response::parse(&pem)
                && let Some(cert) = r.certificates().first()
            {
                let entry = has_key(&entry).then_some(entry.clone());
                out.push(StoredCert {
                    cert: cert.clone(),
                    entry,
                });
            }
            for name in [CHAIN_FILE, CA_FILE] {
                if let Ok(p7b) = fs::read(entry.dir.join(name))
                    && let Ok(r) = certreq_read::response::parse(&p7b)
                {
                    chains.extend(r.certificates().iter().cloned());
                }
            }
        }
        for cert in chains {
            if !out.iter().any(|c| c.cert.der() == cert.der()) {
                out.push(StoredCert { cert, entry: None });
            }
        }
        out
    }

    /// The certificates `id` names (certreq's CertId): by SHA-1 thumbprint or serial number
    /// (hexadecimal, any case, blanks allowed), and for [`CertIdKind::Any`], when neither
    /// matches, by text of the subject (any case).
    pub fn find_cert(&self, id: &str, kind: CertIdKind) -> CertMatch {
        let all = self.certificates();
        let mut found: Vec<StoredCert> = match hex_id(id) {
            Some(hex) => all
                .iter()
                .filter(|c| {
                    c.cert.thumbprint_sha1() == hex
                        || serial_key(&c.cert.serial_hex()) == serial_key(&hex)
                })
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        if found.is_empty() && kind == CertIdKind::Any {
            let needle = id.trim().to_lowercase();
            if !needle.is_empty() {
                found = all
                    .into_iter()
                    .filter(|c| c.cert.subject().to_lowercase().contains(&needle))
                    .collect();
            }
        }
        match found.len() {
            0 => CertMatch::None,
            1 => found
                .pop()
                .map_or(CertMatch::None, |c| CertMatch::One(Box::new(c))),
            _ => CertMatch::Many(found),
        }
    }

    /// Replaces an entry's `meta` atomically.
    pub fn set_meta(&self, entry: &Entry, meta: &Meta) -> Result<(), String> {
        let path = entry.dir.join(META_FILE);
        fsio::write_atomic(&path, meta.to_text().as_bytes(), fsio::PRIVATE_FILE, true)
            .map_err(|e| format!("cannot update {}: {e}", path.display()))
    }

    /// Keeps the CA certificates among `certs` with an entry whose certificate the CA issued
    /// ([`CA_FILE`]), so that accepting the bare certificate later still finds its issuers;
    /// nothing is written when there are none.
    pub fn keep_ca_certificates(
        &self,
        entry: &Entry,
        certs: &[certreq_pkix::cert::Certificate],
    ) -> Result<(), String> {
        let cas: Vec<&[u8]> = certs
            .iter()
            .filter(|c| c.is_ca())
            .map(|c| c.der())
            .collect();
        if cas.is_empty() {
            return Ok(());
        }
        let p7b = certreq_pkix::cert::build_certs_only_pkcs7(cas);
        let path = entry.dir.join(CA_FILE);
        fsio::write_atomic(&path, &p7b, fsio::PRIVATE_FILE, true)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// Attaches the issued certificate (PEM) and chain (PKCS#7 DER) to an entry, then writes
    /// its `meta` (the last step, so a reader never sees `issued` without the files).
    pub fn attach(
        &self,
        entry: &Entry,
        cert_pem: &str,
        chain_p7b: &[u8],
        meta: &Meta,
    ) -> Result<(), String> {
        for (name, bytes) in [(CERT_FILE, cert_pem.as_bytes()), (CHAIN_FILE, chain_p7b)] {
            let path = entry.dir.join(name);
            fsio::write_atomic(&path, bytes, fsio::PRIVATE_FILE, true)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        self.set_meta(entry, meta)
    }

    /// Writes a new entry atomically and returns its directory. Fails if an entry with the
    /// same id exists.
    pub fn create(&self, entry: &NewEntry<'_>) -> Result<PathBuf, String> {
        let target = self.root.join(&entry.meta.id);
        if target.exists() {
            return Err(format!(
                "the key store already has an entry {}",
                target.display()
            ));
        }
        let staging = self.stage(entry, &target)?;
        match fs::rename(&staging, &target) {
            Ok(()) => {
                fsio::sync_dir(&self.root);
                Ok(target)
            }
            Err(e) => {
                let _ = fs::remove_dir_all(&staging);
                Err(format!(
                    "cannot write the key store entry {}: {e}",
                    target.display()
                ))
            }
        }
    }

    /// Puts a new entry in the place of `old` (same id: the same key), whole or not at all:
    /// the new entry is built beside it first, the old one is moved aside, the new one moved
    /// in, and only then the old one removed. If the new one cannot be moved in, the old one
    /// is moved back.
    pub fn replace(&self, old: &Entry, entry: &NewEntry<'_>) -> Result<PathBuf, String> {
        let target = self.root.join(&entry.meta.id);
        if old.dir != target {
            return Err(format!(
                "cannot replace {} with an entry for another key",
                old.dir.display()
            ));
        }
        let staging = self.stage(entry, &target)?;
        let aside = fsio::temp_sibling(&target);
        if let Err(e) = fs::rename(&target, &aside) {
            let _ = fs::remove_dir_all(&staging);
            return Err(format!("cannot replace {}: {e}", target.display()));
        }
        if let Err(e) = fs::rename(&staging, &target) {
            let restored = fs::rename(&aside, &target);
            let _ = fs::remove_dir_all(&staging);
            return Err(match restored {
                Ok(()) => format!(
                    "cannot replace {}: {e}; it was kept as it was",
                    target.display()
                ),
                Err(r) => format!(
                    "cannot replace {}: {e}; and the old entry could not be moved back from {}: {r}",
                    target.display(),
                    aside.display()
                ),
            });
        }
        fsio::sync_dir(&self.root);
        if let Err(e) = fs::remove_dir_all(&aside) {
            eprintln!(
                "certreq: warning: the entry was replaced, but its old files are left in {}: {e}",
                aside.display()
            );
        }
        Ok(target)
    }

    /// Builds an entry's files in a hidden directory beside `target` and flushes them to
    /// disk; returns that directory (removed again on failure).
    fn stage(&self, entry: &NewEntry<'_>, target: &Path) -> Result<PathBuf, String> {
        let root = &self.root;
        fsio::create_private_dir_all(root)
            .map_err(|e| format!("cannot create the key store {}: {e}", root.display()))?;
        let staging = fsio::temp_sibling(target);
        let built = (|| -> std::io::Result<()> {
            fsio::create_private_dir(&staging)?;
            fsio::write_new(&staging.join(KEY_FILE), entry.key_pkcs8, fsio::PRIVATE_FILE)?;
            if let Some(request) = entry.request_der {
                fsio::write_new(&staging.join(REQUEST_FILE), request, fsio::PRIVATE_FILE)?;
            }
            if let Some((cert_pem, chain_p7b)) = entry.issued {
                fsio::write_new(
                    &staging.join(CERT_FILE),
                    cert_pem.as_bytes(),
                    fsio::PRIVATE_FILE,
                )?;
                fsio::write_new(&staging.join(CHAIN_FILE), chain_p7b, fsio::PRIVATE_FILE)?;
            }
            if let Some(inf_text) = entry.inf_text {
                fsio::write_new(
                    &staging.join(INF_FILE),
                    inf_text.as_bytes(),
                    fsio::PRIVATE_FILE,
                )?;
            }
            fsio::write_new(
                &staging.join(META_FILE),
                entry.meta.to_text().as_bytes(),
                fsio::PRIVATE_FILE,
            )?;
            fsio::sync_dir(&staging);
            Ok(())
        })();
        match built {
            Ok(()) => Ok(staging),
            Err(e) => {
                let _ = fs::remove_dir_all(&staging);
                Err(format!(
                    "cannot write the key store entry {}: {e}",
                    target.display()
                ))
            }
        }
    }

    /// Replaces the request, INF and meta of an existing entry (reusing its key), each file
    /// atomically.
    pub fn update(
        &self,
        entry: &Entry,
        meta: &Meta,
        request_der: &[u8],
        inf_text: &str,
    ) -> Result<(), String> {
        let put = |name: &str, bytes: &[u8]| {
            fsio::write_atomic(&entry.dir.join(name), bytes, fsio::PRIVATE_FILE, true)
                .map_err(|e| format!("cannot update {}: {e}", entry.dir.join(name).display()))
        };
        put(REQUEST_FILE, request_der)?;
        put(INF_FILE, inf_text.as_bytes())?;
        put(META_FILE, meta.to_text().as_bytes())
    }

    /// Removes an entry (used to undo [`Store::create`] when the request cannot be written).
    pub fn remove(&self, dir: &Path) -> Result<(), String> {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
        fsio::sync_dir(&self.root);
        Ok(())
    }

    /// Clears what a run killed while writing left behind (its temporary names, which carry
    /// its process id, [`fsio::temp_sibling`]), once that process is gone: a staging
    /// directory whose entry exists, or was never moved into place, is removed; a whole entry
    /// (`meta` and key) kept under a temporary name while its place is empty (`replace`, killed
    /// between its two moves) is moved back, so the store is left in the old state or the new
    /// one; a temporary file in the store or in an entry is removed. Nothing is touched where
    /// no process table can be read (a live process's files are never taken for leftovers).
    pub fn sweep(&self) {
        let Ok(items) = fs::read_dir(&self.root) else {
            return;
        };
        for item in items.flatten() {
            let path = item.path();
            let name = item.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') {
                if path.is_dir()
                    && let Ok(inner) = fs::read_dir(&path)
                {
                    for file in inner.flatten() {
                        let inner_name = file.file_name().to_string_lossy().into_owned();
                        if left_by_a_dead_run(&inner_name).is_some() {
                            let _ = fs::remove_file(file.path());
                        }
                    }
                }
                continue;
            }
            let Some(entry_name) = left_by_a_dead_run(&name) else {
                continue;
            };
            let place = self.root.join(entry_name);
            let whole = path.join(META_FILE).is_file() && path.join(KEY_FILE).is_file();
            if path.is_dir() && whole && !place.exists() && fs::rename(&path, &place).is_ok() {
                fsio::sync_dir(&self.root);
            } else if path.is_dir() {
                let _ = fs::remove_dir_all(&path);
            } else {
                let _ = fs::remove_file(&path);
            }
        }
    }
}

/// For a temporary name (`.{name}.tmp-{pid}-{n}-{nanos}`) whose process is no longer running,
/// the name it stood in for; `None` for any other name, or while that process runs, or where
/// there is no `/proc` to tell.
fn left_by_a_dead_run(file_name: &str) -> Option<&str> {
    let rest = file_name.strip_prefix('.')?;
    let at = rest.rfind(".tmp-")?;
    let (name, tail) = (&rest[..at], &rest[at + 5..]);
    let mut parts = tail.split('-');
    let pid: u32 = parts.next()?.parse().ok()?;
    let well_formed = parts.clone().count() == 2 && parts.all(|p| p.parse::<u64>().is_ok());
    let proc_fs = Path::new("/proc/self");
    if name.is_empty() || !well_formed || !proc_fs.exists() || pid == std::process::id() {
        return None;
    }
    (!Path::new("/proc").join(pid.to_string()).exists()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `certreq` killed with SIGKILL leaves (tests/cli/test_cli_faults.py kills it): the next
    /// run moves a whole entry back into its empty place and clears the rest, and leaves a
    /// running process's files alone.
    #[test]
    fn sweep_puts_back_or_clears_what_a_killed_run_left() {
        let root = std::env::temp_dir().join(format!("certreq-sweep-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let dead = 4_000_000_000u32; // above any pid_max
        let make = |name: &str, files: &[&str]| {
            let d = root.join(name);
            fs::create_dir_all(&d).unwrap();
            for f in files {
                fs::write(d.join(f), "x\n").unwrap();
            }
        };
        // an entry moved aside by `replace`, whose place is empty: moved back
        make(&format!(".aa.tmp-{dead}-1-5"), &[META_FILE, KEY_FILE]);
        // a staging directory for an entry that exists: removed
        make("bb", &[META_FILE, KEY_FILE]);
        make(&format!(".bb.tmp-{dead}-0-5"), &[KEY_FILE]);
        // a half-built staging directory (no meta yet): removed
        make(&format!(".cc.tmp-{dead}-0-7"), &[KEY_FILE]);
        // a temporary file inside an entry: removed
        fs::write(
            root.join("bb").join(format!(".meta.tmp-{dead}-2-9")),
            "half",
        )
        .unwrap();
        // this process's own staging directory, and names that are not temporary: kept
        let own = format!(".dd.tmp-{}-0-1", std::process::id());
        make(&own, &[KEY_FILE]);
        make(".hidden", &[]);
        Store { root: root.clone() }.sweep();
        let mut names: Vec<String> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut want = vec![".hidden".to_string(), own, "aa".into(), "bb".into()];
        want.sort();
        assert_eq!(names, want);
        assert!(root.join("aa").join(KEY_FILE).is_file());
        let in_bb: Vec<_> = fs::read_dir(root.join("bb")).unwrap().collect();
        assert_eq!(in_bb.len(), 2);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn meta_round_trips_with_awkward_characters() {
        let meta = Meta {
            id: "00ff".into(),
            container: "Web = {1}".into(),
            friendly_name: Some("line\nbreak \\ back".into()),
            created: 86_400 * 365,
            state: "pending".into(),
            algorithm: "RSA-2048".into(),
            exportable: true,
            request_file: Some("/tmp/a=b.req".into()),
            request_id: Some("12".into()),
            ca: Some("https://ca/certsrv".into()),
            disposition: Some("denied: Denied by Policy Module  0x80094800".into()),
            thumbprint: None,
            imported_from: Some("/home/u/a=b.pfx".into()),
        };
        let text = meta.to_text();
        assert!(
            text.contains("friendly_name=line\\nbreak \\\\ back\n"),
            "{text}"
        );
        assert!(
            text.contains("created_utc=1971-01-01T00:00:00Z\n"),
            "{text}"
        );
        assert_eq!(Meta::parse(&text), meta);
    }

    #[test]
    fn format_1_meta_without_the_newer_lines_still_reads() {
        let text = "# certreq-web pending request\nformat=1\nid=ab\ncontainer=ab\ncreated=5\n\
state=pending\nalgorithm=RSA-2048\nexportable=true\n";
        let meta = Meta::parse(text);
        assert_eq!(meta.id, "ab");
        assert!(meta.exportable);
        assert_eq!(meta.request_id, None);
        assert_eq!(meta.disposition, None);
        // a meta without `exportable` means not exportable
        assert!(!Meta::parse("format=1\nid=ab\n").exportable);
    }

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_764_079_859), "2025-11-25T14:10:59Z");
    }

    #[test]
    fn entry_id_is_32_hex_digits_of_the_spki_hash() {
        // SHA-256("") = e3b0c442 98fc1c14 9afbf4c8 996fb924 …
        assert_eq!(entry_id(b""), "e3b0c44298fc1c149afbf4c8996fb924");
    }

    #[test]
    fn create_find_and_remove_an_entry() {
        let root = std::env::temp_dir().join(format!("certreq-store-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let store = Store {
            root: root.join("nested/store"),
        };
        let meta = Meta {
            id: "abc".into(),
            container: "MyKey".into(),
            state: "pending".into(),
            ..Meta::default()
        };
        let dir = store
            .create(&NewEntry {
                meta: meta.clone(),
                key_pkcs8: b"key",
                request_der: Some(b"req"),
                inf_text: Some("[NewRequest]\n"),
                issued: None,
            })
            .unwrap();
        assert_eq!(fs::read(dir.join(KEY_FILE)).unwrap(), b"key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir.join(KEY_FILE)), 0o600);
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(&store.root), 0o700);
        }
        assert_eq!(store.find_container("mykey").unwrap().meta, meta);
        assert_eq!(
            store
                .find_container("mykey")
                .unwrap()
                .read_key()
                .unwrap()
                .as_slice(),
            b"key"
        );
        assert!(store.find_container("other").is_none());
        assert!(
            store
                .create(&NewEntry {
                    meta: meta.clone(),
                    key_pkcs8: b"k2",
                    request_der: Some(b"r2"),
                    inf_text: Some(""),
                    issued: None,
                })
                .is_err()
        );
        store.remove(&dir).unwrap();
        assert!(store.entries().is_empty());
        // only the store directory itself is left: no staging directories
        assert_eq!(fs::read_dir(&store.root).unwrap().count(), 0);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn replace_swaps_a_whole_entry_and_leaves_nothing_behind() {
        let root = std::env::temp_dir().join(format!("certreq-store-r-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let store = Store { root: root.clone() };
        let meta = |container: &str| Meta {
            id: "abc".into(),
            container: container.into(),
            state: "pending".into(),
            ..Meta::default()
        };
        store
            .create(&NewEntry {
                meta: meta("old"),
                key_pkcs8: b"key",
                request_der: Some(b"req"),
                inf_text: Some("[NewRequest]\n"),
                issued: None,
            })
            .unwrap();
        let old = store.find_container("old").unwrap();
        let dir = store
            .replace(
                &old,
                &NewEntry {
                    meta: meta("new"),
                    key_pkcs8: b"key",
                    request_der: None,
                    inf_text: None,
                    issued: Some(("PEM", b"p7b")),
                },
            )
            .unwrap();
        assert_eq!(dir, old.dir);
        // the new entry's files, none of the old one's
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [CERT_FILE, CHAIN_FILE, KEY_FILE, META_FILE]);
        assert!(store.find_container("old").is_none());
        assert_eq!(store.find_container("new").unwrap().dir, dir);
        // one directory in the store: no staging or set-aside copies
        assert_eq!(fs::read_dir(&root).unwrap().count(), 1);
        // an entry for another key is not put in its place
        let other = NewEntry {
            meta: Meta {
                id: "def".into(),
                ..meta("x")
            },
            key_pkcs8: b"k",
            request_der: None,
            inf_text: None,
            issued: None,
        };
        let current = store.find_container("new").unwrap();
        assert!(store.replace(&current, &other).is_err());
        assert_eq!(fs::read_dir(&root).unwrap().count(), 1);
        fs::remove_dir_all(&root).unwrap();
    }
}
