//! Test support shared by the tests of every crate (a dev-dependency only; no engine crate
//! depends on it for anything else, and it depends on none of them, so each crate's tests
//! see its own types):
//!
//! - [`corpus_dir`]: the shared corpus of real INF files, certreq output and CA answers;
//! - [`data_file`], [`data_der`]: this repository's own test data (`tests/data/`);
//! - [`rsa_key`], [`rsa_sign`]: the fixed RSA-2048 test key;
//! - [`Rng`]: a small deterministic generator for generated inputs;
//! - [`tool`], [`openssl`], [`python_with`]: the independent tools tests check results with
//!   (OpenSSL, Python `cryptography`). A missing tool
//!   skips the check with a note on a developer's machine, and fails the test under
//!   `CI=true`, so that no check passes because its tool was absent.

// test support: a failure here is a test failure, stated where it happens
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The shared corpus of real INF files and certreq output: `$CERTREQ_CORPUS`, or
/// `shared/corpus` beside the repository (where CI puts it). Panics when it is missing, so
/// corpus tests cannot pass vacuously.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("CERTREQ_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpus"));
    assert!(
        dir.join("inf").is_dir(),
        "corpus not found at {}: set CERTREQ_CORPUS to the shared corpus directory",
        dir.display()
    );
    dir
}

/// The repository's top folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The repository's own test data folder (`tests/data/`).
pub fn data_dir() -> PathBuf {
    repo_root().join("tests/data")
}

/// A file of the repository's test data (`tests/data/NAME`), as stored.
pub fn data_file(name: &str) -> Vec<u8> {
    let path = data_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The DER of the first PEM block of test data file `name`, or the file itself when it is
/// not PEM.
pub fn data_der(name: &str) -> Vec<u8> {
    let bytes = data_file(name);
    match std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| t.find("-----BEGIN").map(|at| &t[at..]))
    {
        Some(pem) => {
            let end = pem.find("-----END").expect("a PEM END line");
            let end = pem[end + 8..].find("-----").expect("a whole END line") + end + 13;
            pem_rfc7468::decode_vec(&pem.as_bytes()[..end])
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .1
        }
        None => bytes,
    }
}

/// The fixed RSA-2048 test key (`tests/data/test-rsa-2048.pk8.pem`).
pub fn rsa_key() -> rsa::PrivateKey {
    use rsa::pkcs8::DecodePrivateKey;
    rsa::PrivateKey::from_pkcs8_pem(include_str!("../../data/test-rsa-2048.pk8.pem"))
        .expect("test key")
}

/// An RSA PKCS #1 v1.5 signature of `msg` with the hash Web Crypto names `hash`
/// (`SHA-1`, `SHA-256`, `SHA-384`, `SHA-512`).
pub fn rsa_sign(key: &rsa::PrivateKey, hash: &str, msg: &[u8]) -> Vec<u8> {
    use rsa::pkcs1v15::SigningKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let k = key.clone();
    match hash {
        "SHA-1" => SigningKey::<sha1::Sha1>::new(k).sign(msg).to_vec(),
        "SHA-256" => SigningKey::<sha2::Sha256>::new(k).sign(msg).to_vec(),
        "SHA-384" => SigningKey::<sha2::Sha384>::new(k).sign(msg).to_vec(),
        "SHA-512" => SigningKey::<sha2::Sha512>::new(k).sign(msg).to_vec(),
        other => panic!("no such hash: {other}"),
    }
}

/// Whether this run is CI's (`CI` set to 1, true or yes, in any case, as the Python tests
/// read it), where every check must run.
pub fn in_ci() -> bool {
    std::env::var("CI")
        .is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

/// The command `name` when it runs here (`name --version` or `name version` answers).
/// Missing, it is `None` with a note on a developer's machine, and a failed test under
/// `CI=true`: an oracle check never passes because its tool was absent.
pub fn tool(name: &str) -> Option<PathBuf> {
    let answers = |arg: &str| {
        Command::new(name)
            .arg(arg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    };
    if answers("version") || answers("--version") {
        return Some(PathBuf::from(name));
    }
    assert!(
        !in_ci(),
        "{name} is not installed, and CI=true: this check must run (scripts/setup.sh installs it)"
    );
    eprintln!("note: {name} not found; the check it makes is skipped here (it runs in CI)");
    None
}

/// A Python interpreter that can `import module` (e.g. `cryptography`): the project's venv
/// (`$CERTREQ_VENV`, default `~/.cache/certreq-web/venv`, made by scripts/setup.sh), else
/// `python3`. Missing, it is `None` with a note on a developer's machine, and a failed test
/// under `CI=true` (see [`tool`]).
pub fn python_with(module: &str) -> Option<PathBuf> {
    let venv = std::env::var_os("CERTREQ_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/certreq-web/venv"))
        })
        .map(|v| v.join("bin/python"))
        .filter(|p| p.is_file());
    for python in venv.into_iter().chain([PathBuf::from("python3")]) {
        let imports = Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if imports {
            return Some(python);
        }
    }
    assert!(
        !in_ci(),
        "no Python with `{module}`, and CI=true: this check must run (scripts/setup.sh installs it)"
    );
    eprintln!(
        "note: no Python with `{module}`; the check it makes is skipped here (it runs in CI)"
    );
    None
}

/// Runs `openssl` with `args`, where each `{}` is replaced by the path of a temporary file
/// holding `input`; `None` when OpenSSL is not installed (see [`tool`]).
pub fn openssl(args: &[&str], input: &[u8]) -> Option<Output> {
    let openssl = tool("openssl")?;
    let dir = scratch_dir("openssl");
    let path = dir.join(format!("{:016x}", fingerprint(input)));
    std::fs::write(&path, input).expect("write a temporary file");
    let out = Command::new(openssl)
        .args(args.iter().map(|a| {
            if *a == "{}" {
                path.as_os_str()
            } else {
                std::ffi::OsStr::new(a)
            }
        }))
        .output()
        .expect("run openssl");
    let _ = std::fs::remove_file(&path);
    Some(out)
}

/// Like [`openssl`], and asserts that it succeeded.
pub fn openssl_ok(args: &[&str], input: &[u8], what: &str) -> Option<Output> {
    let out = openssl(args, input)?;
    assert!(
        out.status.success(),
        "openssl {} failed on {what}: {}{}",
        args.first().unwrap_or(&""),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out)
}

/// A new empty folder for one test's files, under the system's temporary folder.
pub fn scratch_dir(what: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "certreq-test-{what}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// A short fingerprint of some bytes (for file names).
pub fn fingerprint(bytes: &[u8]) -> u64 {
    use sha2::Digest;
    let d = sha2::Sha256::digest(bytes);
    u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
}

/// A small deterministic generator (xorshift64*) for tests that make their inputs: the same
/// seed gives the same inputs, so a failure names a reproducible case, with no dependency.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 bits.
    #[allow(
        clippy::should_implement_trait,
        reason = "a generator, not an iterator"
    )]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (not quite uniform; enough for test inputs).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
