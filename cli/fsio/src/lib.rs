//! Files written whole or not at all: write a temporary file in the same directory, flush it
//! to disk, then rename (or hard-link, to refuse replacing an existing file) it into place.
//! Shared by the CLI (its key store and outputs) and devca (its keys and request records),
//! with the one-line escaping of their `key=value` record files.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// File permission for private keys.
pub const PRIVATE_FILE: u32 = 0o600;
/// Directory permission for the key store.
pub const PRIVATE_DIR: u32 = 0o700;
/// File permission for ordinary output (before the umask).
pub const PUBLIC_FILE: u32 = 0o666;

/// A name for a temporary sibling of `path` that no other process of this program will pick.
pub fn temp_sibling(path: &Path) -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = format!(".{name}.tmp-{}-{n}-{nanos}", std::process::id());
    match path.parent() {
        Some(dir) => dir.join(tmp),
        None => PathBuf::from(tmp),
    }
}

/// Creates a new file (failing if it exists) with `mode` (Unix) and writes all of `bytes`,
/// flushed to disk.
pub fn write_new(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(path);
    }
    written
}

/// Flushes a directory's entries (a completed rename) to disk; a no-op where unsupported.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The directory a path is in, `.` for a bare file name.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `path` atomically. With `replace == false` an existing `path` is never
/// replaced (the error is [`io::ErrorKind::AlreadyExists`]).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32, replace: bool) -> io::Result<()> {
    let tmp = temp_sibling(path);
    write_new(&tmp, bytes, mode)?;
    let placed = if replace {
        fs::rename(&tmp, path)
    } else {
        // A hard link fails if the target exists: an atomic "create, never replace".
        match fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
            Err(_) if path.exists() => Err(io::Error::from(io::ErrorKind::AlreadyExists)),
            // file systems without hard links
            Err(_) => fs::rename(&tmp, path),
        }
    };
    let _ = fs::remove_file(&tmp);
    if placed.is_ok() {
        sync_dir(parent_dir(path));
    }
    placed
}

/// Creates a directory readable only by its owner.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(PRIVATE_DIR);
    }
    builder.create(path)
}

/// Creates a directory and its missing parents; the last component is private.
pub fn create_private_dir_all(path: &Path) -> io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        fs::create_dir_all(parent)?;
    }
    match create_private_dir(path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => Ok(()),
        other => other,
    }
}

/// A value made safe for one line of a `key=value` file (the CLI's key store and devca's
/// request records): `\`, line feed and carriage return become `\\`, `\n`, `\r`.
pub fn escape_line(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// The value [`escape_line`] was given. Never fails: an unknown escape stands for the
/// character after the backslash, a trailing backslash for itself.
pub fn unescape_line(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn line_escaping_round_trips_and_keeps_one_line() {
        for v in [
            "",
            "plain",
            "a\\b",
            "two\nlines\r\n",
            "\\n is not a newline",
            "é ✓",
        ] {
            let e = escape_line(v);
            assert!(!e.contains('\n') && !e.contains('\r'), "{e:?}");
            assert_eq!(unescape_line(&e), v);
        }
        assert_eq!(unescape_line("trailing\\"), "trailing\\");
        assert_eq!(unescape_line("\\q"), "q");
    }

    #[test]
    fn write_atomic_refuses_to_replace_unless_asked() {
        let dir = std::env::temp_dir().join(format!("certreq-fsio-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let f = dir.join("out.req");
        write_atomic(&f, b"one", PUBLIC_FILE, false).unwrap();
        let err = write_atomic(&f, b"two", PUBLIC_FILE, false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&f).unwrap(), b"one");
        write_atomic(&f, b"three", PUBLIC_FILE, true).unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"three");
        // no temporary files left behind
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.req"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
