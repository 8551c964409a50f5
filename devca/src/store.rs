//! The request database: one text file per request under `DIR/requests/`, the next request ID in
//! `DIR/next-id`, and `DIR/lock` serialising writers across processes (`devca serve` and
//! `devca approve` may run at once). Every write is atomic: temp file, fsync, rename, fsync dir.

use std::fs::{self, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64ct::{Base64, Encoding};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Issued,
    Denied,
    /// Refused before policy: not parseable, or a bad signature.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Issued => "issued",
            Status::Denied => "denied",
            Status::Failed => "failed",
        }
    }
    fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "pending" => Status::Pending,
            "issued" => Status::Issued,
            "denied" => Status::Denied,
            "failed" => Status::Failed,
            _ => return None,
        })
    }
}

/// One request and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: u64,
    pub status: Status,
    /// "web" (certfnsh.asp) or "est"
    pub origin: String,
    /// Unix seconds.
    pub submitted: u64,
    /// The CertAttrib string as sent (web) or the EST CA label.
    pub attrib: String,
    /// Disposition message ("Issued", "Taken Under Submission", or the denial).
    pub message: String,
    /// The LastStatus line for error pages.
    pub last_status: String,
    /// The request as received (DER when decodable, else the raw bytes).
    pub request: Vec<u8>,
    /// Hex SHA-256 of `request` (EST clients resend the same request while pending).
    pub request_sha256: String,
    /// Whether the request was ever held for approval.
    pub held: bool,
    /// The issued certificate (DER), empty otherwise.
    pub cert: Vec<u8>,
    /// Who sent it (the signed-in user), empty when nobody signed in.
    pub requester: String,
    /// Which of the CA's certificates (its renewal index) issued the certificate.
    pub renewal: u32,
    /// When the certificate was revoked (Unix seconds) and why (RFC 5280 reason code).
    pub revoked: Option<(u64, u32)>,
    /// When a hold on the certificate (revoked as certificateHold) was released (Unix
    /// seconds): a delta CRL over a base CRL that listed it names it removeFromCRL.
    pub released: Option<u64>,
    /// The template the certificate was issued under (`None` unless issued, and in records
    /// written before it was kept): an EST re-enrollment renews under it.
    pub template: Option<String>,
    /// Whether the CA that took the request honoured its `SAN:` attribute (`serve` without
    /// `--no-san-attribute`), so that a later `devca approve` decides as it would have. `None`
    /// in records written before this was kept.
    pub san_attribute: Option<bool>,
}

pub const STATUS_OK: &str = "The operation completed successfully. 0x0 (WIN32: 0 ERROR_SUCCESS)";

/// Now, in Unix seconds: what a record's times are written in.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Record {
    pub fn new(origin: &str, attrib: &str, request: Vec<u8>) -> Record {
        use sha2::Digest;
        let hash = sha2::Sha256::digest(&request);
        let request_sha256 = hash.iter().map(|b| format!("{b:02x}")).collect();
        Record {
            id: 0,
            status: Status::Failed,
            origin: origin.to_string(),
            submitted: unix_now(),
            attrib: attrib.to_string(),
            message: String::new(),
            last_status: STATUS_OK.to_string(),
            request,
            request_sha256,
            held: false,
            cert: Vec::new(),
            requester: String::new(),
            renewal: 0,
            revoked: None,
            released: None,
            template: None,
            san_attribute: None,
        }
    }

    /// Records the certificate issued for this request: by the CA's current certificate
    /// (`renewal`), under `template`. One place for `serve` and `devca approve`.
    pub fn issued(&mut self, cert: Vec<u8>, renewal: u32, template: &str, message: &str) {
        self.status = Status::Issued;
        self.cert = cert;
        self.renewal = renewal;
        self.template = Some(template.to_string());
        self.message = message.to_string();
        self.last_status = STATUS_OK.to_string();
    }

    pub fn to_text(&self) -> String {
        let mut s = String::from("devca-request 1\n");
        let mut put = |k: &str, v: &str| {
            s.push_str(k);
            s.push('=');
            s.push_str(&certreq_fsio::escape_line(v));
            s.push('\n');
        };
        put("id", &self.id.to_string());
        put("status", self.status.as_str());
        put("origin", &self.origin);
        put("submitted", &self.submitted.to_string());
        put("attrib", &self.attrib);
        put("message", &self.message);
        put("last_status", &self.last_status);
        put("request", &Base64::encode_string(&self.request));
        put("request_sha256", &self.request_sha256);
        put("held", if self.held { "1" } else { "0" });
        put("cert", &Base64::encode_string(&self.cert));
        put("requester", &self.requester);
        put("renewal", &self.renewal.to_string());
        if let Some((at, reason)) = self.revoked {
            put("revoked", &format!("{at} {reason}"));
        }
        if let Some(at) = self.released {
            put("released", &at.to_string());
        }
        if let Some(t) = &self.template {
            put("template", t);
        }
        if let Some(san) = self.san_attribute {
            put("san_attribute", if san { "1" } else { "0" });
        }
        s
    }

    pub fn from_text(text: &str) -> Option<Record> {
        let mut lines = text.lines();
        if lines.next()? != "devca-request 1" {
            return None;
        }
        let mut r = Record::new("", "", Vec::new());
        let mut seen_id = false;
        for line in lines {
            let (k, v) = line.split_once('=')?;
            let v = certreq_fsio::unescape_line(v);
            match k {
                "id" => {
                    r.id = v.parse().ok()?;
                    seen_id = true;
                }
                "status" => r.status = Status::parse(&v)?,
                "origin" => r.origin = v,
                "submitted" => r.submitted = v.parse().ok()?,
                "attrib" => r.attrib = v,
                "message" => r.message = v,
                "last_status" => r.last_status = v,
                "request" => r.request = Base64::decode_vec(&v).ok()?,
                "request_sha256" => r.request_sha256 = v,
                "held" => r.held = v == "1",
                "cert" => r.cert = Base64::decode_vec(&v).ok()?,
                "requester" => r.requester = v,
                "renewal" => r.renewal = v.parse().ok()?,
                "revoked" => {
                    let (at, reason) = v.split_once(' ')?;
                    r.revoked = Some((at.parse().ok()?, reason.parse().ok()?));
                }
                "released" => r.released = Some(v.parse().ok()?),
                "template" => r.template = Some(v),
                "san_attribute" => r.san_attribute = Some(v == "1"),
                _ => {} // unknown keys from a newer devca are ignored
            }
        }
        seen_id.then_some(r)
    }
}

/// Writes `data` to `path` atomically (a temp file beside it, fsync, rename, fsync of the
/// dir), replacing what was there; `private` files are the owner's alone.
pub fn write_atomic(path: &Path, data: &[u8], private: bool) -> io::Result<()> {
    let mode = if private {
        certreq_fsio::PRIVATE_FILE
    } else {
        certreq_fsio::PUBLIC_FILE
    };
    certreq_fsio::write_atomic(path, data, mode, true)
}

pub struct Store {
    dir: PathBuf,
    local: Mutex<()>,
}

impl Store {
    pub fn open(dir: &Path) -> io::Result<Store> {
        fs::create_dir_all(dir.join("requests"))?;
        Ok(Store {
            dir: dir.to_path_buf(),
            local: Mutex::new(()),
        })
    }

    fn record_path(&self, id: u64) -> PathBuf {
        self.dir.join("requests").join(format!("{id:08}.req"))
    }

    /// Runs `f` holding both the in-process mutex and the cross-process file lock.
    fn locked<T>(&self, f: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
        let _guard = self.local.lock().unwrap_or_else(|p| p.into_inner());
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join("lock"))?;
        lock.lock()?;
        let out = f();
        let _ = lock.unlock();
        out
    }

    /// The IDs of all stored requests, ascending.
    pub fn ids(&self) -> Vec<u64> {
        let Ok(entries) = fs::read_dir(self.dir.join("requests")) else {
            return Vec::new();
        };
        let mut ids: Vec<u64> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".req")?.parse::<u64>().ok()
            })
            .collect();
        ids.sort_unstable();
        ids
    }

    fn highest_on_disk(&self) -> u64 {
        self.ids().last().copied().unwrap_or(0)
    }

    /// Gives `rec` the next request ID and saves it. IDs only grow, across restarts too.
    pub fn insert(&self, mut rec: Record) -> io::Result<Record> {
        self.locked(|| {
            let counter_path = self.dir.join("next-id");
            let from_counter = fs::read_to_string(&counter_path)
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(1);
            let id = from_counter
                .max(self.highest_on_disk().saturating_add(1))
                .max(1);
            let next = id
                .checked_add(1)
                .ok_or_else(|| io::Error::other("request IDs exhausted"))?;
            write_atomic(&counter_path, format!("{next}\n").as_bytes(), false)?;
            rec.id = id;
            write_atomic(&self.record_path(id), rec.to_text().as_bytes(), false)?;
            Ok(rec)
        })
    }

    pub fn get(&self, id: u64) -> io::Result<Option<Record>> {
        match fs::read_to_string(self.record_path(id)) {
            Ok(text) => Ok(Record::from_text(&text).filter(|r| r.id == id)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Changes a record under the lock. `f` returns Err to leave it unchanged.
    pub fn update<E>(
        &self,
        id: u64,
        f: impl FnOnce(&mut Record) -> Result<(), E>,
    ) -> io::Result<Option<Result<Record, E>>> {
        self.locked(|| {
            let Some(mut rec) = self.get(id)? else {
                return Ok(None);
            };
            if let Err(e) = f(&mut rec) {
                return Ok(Some(Err(e)));
            }
            write_atomic(&self.record_path(id), rec.to_text().as_bytes(), false)?;
            Ok(Some(Ok(rec)))
        })
    }

    /// Every record, in id order (records that do not read are left out).
    pub fn all(&self) -> Vec<Record> {
        self.ids()
            .into_iter()
            .filter_map(|id| self.get(id).ok().flatten())
            .collect()
    }

    /// The next CRL number (CRLs and delta CRLs share one sequence, RFC 5280 §5.2.3), kept
    /// in `DIR/crl-number` under the lock.
    pub fn next_crl_number(&self) -> io::Result<u64> {
        self.locked(|| {
            let path = self.dir.join("crl-number");
            let n = fs::read_to_string(&path)
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(1)
                .max(1);
            write_atomic(&path, format!("{}\n", n + 1).as_bytes(), false)?;
            Ok(n)
        })
    }

    /// The last base CRL published for a CA renewal: its number and what it listed, each
    /// request id with the revocation's time and reason (`None` in files written before they
    /// were kept). A delta CRL lists what changed since (RFC 5280 §5.2.4): a revocation the
    /// base did not list as it stands now (a hold released, then revoked for good, is new).
    #[allow(clippy::type_complexity)] // read once, by `crl`
    pub fn last_base_crl(&self, renewal: u32) -> Option<(u64, Vec<(u64, Option<(u64, u32)>)>)> {
        let text = fs::read_to_string(self.dir.join(format!("crl-base-{renewal}"))).ok()?;
        let mut words = text.split_whitespace();
        let n = words.next()?.parse().ok()?;
        let listed = words
            .filter_map(|w| {
                let mut parts = w.split(':');
                let id = parts.next()?.parse().ok()?;
                match (parts.next(), parts.next()) {
                    (Some(at), Some(reason)) => {
                        Some((id, Some((at.parse().ok()?, reason.parse().ok()?))))
                    }
                    _ => Some((id, None)),
                }
            })
            .collect();
        Some((n, listed))
    }

    /// Records the base CRL just published: its number and the request ids it lists with
    /// their revocations' times and reasons (`id:time:reason`).
    pub fn set_last_base_crl(
        &self,
        renewal: u32,
        number: u64,
        listed: &[(u64, (u64, u32))],
    ) -> io::Result<()> {
        let words: Vec<String> = listed
            .iter()
            .map(|(id, (at, reason))| format!("{id}:{at}:{reason}"))
            .collect();
        write_atomic(
            &self.dir.join(format!("crl-base-{renewal}")),
            format!("{number} {}\n", words.join(" ")).as_bytes(),
            false,
        )
    }

    /// The issued request whose certificate is exactly `cert` (DER), newest first.
    ///
    /// A certificate is known by its signed part (`TBSCertificate`): the outer signature
    /// algorithm and the signature's encoding are outside the signature, so a copy with them
    /// re-encoded still verifies and is still that certificate. When two records hold it, a
    /// revoked one is the one found.
    pub fn find_issued(&self, cert: &[u8]) -> Option<Record> {
        let tbs = |der: &[u8]| certreq_pkix::cert::CertParts::read(der).map(|p| p.tbs.to_vec());
        let wanted = tbs(cert)?;
        let mut found: Option<Record> = None;
        for r in self.ids().into_iter().rev() {
            let Some(r) = self.get(r).ok().flatten() else {
                continue;
            };
            if r.status != Status::Issued || tbs(&r.cert).as_deref() != Some(wanted.as_slice()) {
                continue;
            }
            if r.revoked.is_some() {
                return Some(r);
            }
            found.get_or_insert(r);
        }
        found
    }

    /// Whether `cert` (DER) is a certificate devca issued and then revoked.
    pub fn is_revoked(&self, cert: &[u8]) -> bool {
        self.find_issued(cert).is_some_and(|r| r.revoked.is_some())
    }

    /// The newest held EST request with this request hash and CA label that `requester` (empty:
    /// nobody signed in) sent, for the 202 retry loop. Another user's request of the same
    /// bytes is not theirs to see.
    pub fn find_held_est(&self, sha256: &str, label: &str, requester: &str) -> Option<Record> {
        self.ids()
            .into_iter()
            .rev()
            .filter_map(|id| self.get(id).ok().flatten())
            .find(|r| {
                r.origin == "est"
                    && r.held
                    && r.request_sha256 == sha256
                    && r.attrib == label
                    && r.requester.eq_ignore_ascii_case(requester)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ca::tests::tempdir;

    #[test]
    fn record_text_round_trip() {
        let mut r = Record::new(
            "web",
            "CertificateTemplate:WebServer\r\nSAN:dns=a\\b",
            vec![0, 1, 2],
        );
        r.id = 7;
        r.status = Status::Denied;
        r.message = "Denied by Policy Module  \"x\"\nnext".into();
        r.cert = vec![9; 40];
        r.held = true;
        r.requester = "alice".into();
        r.renewal = 2;
        r.revoked = Some((1_700_000_000, 1));
        r.released = Some(1_700_000_100);
        r.template = Some("User".into());
        let back = Record::from_text(&r.to_text()).unwrap();
        assert_eq!(back, r);
        for san in [Some(false), Some(true)] {
            r.san_attribute = san;
            assert_eq!(Record::from_text(&r.to_text()).unwrap(), r);
        }
        assert!(Record::from_text("garbage").is_none());
        assert!(Record::from_text("devca-request 1\nstatus=bogus\n").is_none());
    }

    #[test]
    fn ids_grow_and_survive_reopen_and_counter_loss() {
        let dir = tempdir::Dir::new("store");
        let s = Store::open(dir.path()).unwrap();
        let a = s.insert(Record::new("web", "", vec![1])).unwrap();
        let b = s.insert(Record::new("web", "", vec![2])).unwrap();
        assert_eq!((a.id, b.id), (1, 2));
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.insert(Record::new("web", "", vec![3])).unwrap().id, 3);
        // a lost or corrupt counter never makes IDs go back
        fs::write(dir.path().join("next-id"), "garbage").unwrap();
        assert_eq!(s.insert(Record::new("web", "", vec![4])).unwrap().id, 4);
        assert_eq!(s.get(2).unwrap().unwrap().request, vec![2]);
        assert!(s.get(99).unwrap().is_none());
        // no temp files are left behind, beside the records or the counter
        // (certreq-fsio names them `.{name}.tmp-{pid}-{n}-{nanos}`)
        for d in [dir.path().to_path_buf(), dir.path().join("requests")] {
            let leftovers: Vec<String> = fs::read_dir(&d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with('.') && name.contains(".tmp-"))
                .collect();
            assert!(
                leftovers.is_empty(),
                "left in {}: {leftovers:?}",
                d.display()
            );
        }
        let names = |d: &Path| {
            let mut names: Vec<String> = fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(
            names(&dir.path().join("requests")),
            [
                "00000001.req",
                "00000002.req",
                "00000003.req",
                "00000004.req"
            ]
        );
        assert_eq!(names(dir.path()), ["lock", "next-id", "requests"]);
    }

    #[test]
    fn update_and_find_held() {
        let dir = tempdir::Dir::new("update");
        let s = Store::open(dir.path()).unwrap();
        let mut r = Record::new("est", "", vec![5, 5]);
        r.status = Status::Pending;
        r.held = true;
        let r = s.insert(r).unwrap();
        let hash = r.request_sha256.clone();
        let found = s.find_held_est(&hash, "", "").unwrap();
        assert_eq!(found.id, r.id);
        assert!(
            s.find_held_est(&hash, "User", "").is_none(),
            "another label"
        );
        assert!(
            s.find_held_est(&hash, "", "bob").is_none(),
            "another requester"
        );
        let res = s
            .update(r.id, |rec| {
                rec.status = Status::Issued;
                Ok::<(), ()>(())
            })
            .unwrap()
            .unwrap()
            .unwrap();
        assert_eq!(res.status, Status::Issued);
        assert_eq!(s.get(r.id).unwrap().unwrap().status, Status::Issued);
        assert!(s.update(999, |_| Ok::<(), ()>(())).unwrap().is_none());
        let refused = s.update(r.id, |_| Err("no")).unwrap().unwrap();
        assert_eq!(refused.unwrap_err(), "no");
    }
}
