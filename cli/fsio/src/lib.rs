//! Files written whole or not at all: write a temporary file in the same directory, flush it
//! to disk, then rename (or hard-link, to refuse replacing an existing file) it into place.
//! A symbolic link is written through, to the file it names, as a shell's `>` would; a
//! replaced file keeps its owner and no more than its permissions; what is not a file (a
//! device such as `/dev/stdout` or `/dev/null`, a FIFO) is written into, having no content to
//! keep whole.
//! Shared by the CLI (its key store and outputs) and devca (its keys and request records),
//! with the one-line escaping of their `key=value` record files, and standard output that a
//! closed pipe does not stop ([`out`]).

pub mod out;

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
    let mut tmp = format!(".{name}.tmp-{}-{n}-{nanos}", std::process::id());
    // a long file name has no room for the suffix within the 255 bytes a name may take
    if tmp.len() > 255 {
        tmp = format!(".out.tmp-{}-{n}-{nanos}", std::process::id());
    }
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

/// Where writing `path` goes: through symbolic links to the file they name, and whether that
/// is something other than a file or a folder (a device, a FIFO, a socket: `/dev/stdout` is a
/// link to one), which is written into rather than replaced.
pub fn destination(path: &Path) -> (PathBuf, bool) {
    // what the kernel finds at the end of the links (the links under /proc/self/fd name no
    // file that can be read back as a path, so a device is told by this alone)
    match fs::metadata(path) {
        Ok(m) if !m.is_file() && !m.is_dir() => return (path.to_path_buf(), true),
        Ok(_) => {
            let link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            return match fs::canonicalize(path) {
                Ok(real) if link => (real, false),
                _ => (path.to_path_buf(), false),
            };
        }
        Err(_) => {}
    }
    // nothing there yet, or a link to nothing yet: the name it ends at (as the kernel's limit
    // on links followed in one lookup)
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match fs::read_link(&at) {
            // an absolute target replaces the folder it is joined to
            Ok(to) => at = parent_dir(&at).join(to),
            Err(_) => break,
        }
    }
    (at, false)
}

/// Whether writing `path` would replace something there (a file, or a folder), through
/// symbolic links: a device such as `/dev/stdout` or a FIFO is written into and replaces
/// nothing, so it needs no `-f`.
pub fn would_replace(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() || m.is_dir())
}

/// Writes `bytes` into what is there (a device or a FIFO).
fn write_into(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut out = OpenOptions::new().write(true).open(path)?;
    out.write_all(bytes)?;
    out.flush()
}

/// Gives the written file `tmp` the owner of the file it replaces at `old`, and no more than
/// its permissions (a key written over a public file stays private; a file the user made
/// private stays so). Best effort: a process that may not give a file away leaves it its own.
fn keep_owner_and_mode(old: &Path, tmp: &Path) {
    #[cfg(unix)]
    if let (Ok(old), Ok(new)) = (fs::metadata(old), fs::metadata(tmp))
        && old.is_file()
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let mode = new.mode() & old.mode() & 0o7777;
        let _ = fs::set_permissions(tmp, fs::Permissions::from_mode(mode));
        if (old.uid(), old.gid()) != (new.uid(), new.gid()) {
            let _ = std::os::unix::fs::chown(tmp, Some(old.uid()), Some(old.gid()));
        }
    }
    #[cfg(not(unix))]
    let _ = (old, tmp);
}

/// Writes `bytes` to `path` atomically. With `replace == false` an existing `path` is never
/// replaced (the error is [`io::ErrorKind::AlreadyExists`]). See [`destination`] for links,
/// devices and FIFOs.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32, replace: bool) -> io::Result<()> {
    let (path, stream) = destination(path);
    if stream {
        return write_into(&path, bytes);
    }
    let tmp = temp_sibling(&path);
    write_new(&tmp, bytes, mode)?;
    if replace {
        keep_owner_and_mode(&path, &tmp);
    }
    let placed = place(&tmp, &path, replace);
    let _ = fs::remove_file(&tmp);
    if placed.is_ok() {
        sync_dir(parent_dir(&path));
    }
    placed
}

/// Puts the written file `tmp` at `path` (its sibling); `tmp` may be left for the caller to
/// remove.
fn place(tmp: &Path, path: &Path, replace: bool) -> io::Result<()> {
    if replace {
        return fs::rename(tmp, path);
    }
    // A hard link fails if the target exists: an atomic "create, never replace".
    match fs::hard_link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) if path.exists() => Err(io::Error::from(io::ErrorKind::AlreadyExists)),
        // file systems without hard links
        Err(_) => fs::rename(tmp, path),
    }
}

/// Writes several files as one: each is written whole to a temporary sibling first (a failure
/// there leaves none of them), then each is put in place; when one cannot be, those put
/// before it are taken back (a new one removed, a replaced one given its old content again).
/// A device or a FIFO among them ([`destination`]) is written into last, once the files are
/// in place, as it cannot be taken back. `replace` as in [`write_atomic`]. The error names the
/// file that failed, as it was given.
pub fn write_all_atomic(
    files: &[(&Path, &[u8], u32)],
    replace: bool,
) -> Result<(), (PathBuf, io::Error)> {
    let targets: Vec<(PathBuf, bool)> = files.iter().map(|(p, ..)| destination(p)).collect();
    let mut temps: Vec<Option<PathBuf>> = Vec::with_capacity(files.len());
    let mut failed = None;
    for ((path, bytes, mode), (target, stream)) in files.iter().zip(&targets) {
        if *stream {
            temps.push(None);
            continue;
        }
        let tmp = temp_sibling(target);
        match write_new(&tmp, bytes, *mode) {
            Ok(()) => {
                if replace {
                    keep_owner_and_mode(target, &tmp);
                }
                temps.push(Some(tmp));
            }
            Err(e) => {
                failed = Some((path.to_path_buf(), e));
                break;
            }
        }
    }
    // each file put in place, with the copy of what it replaced
    let mut placed: Vec<(&Path, Option<PathBuf>)> = Vec::new();
    if failed.is_none() {
        for (((path, ..), (target, _)), tmp) in files.iter().zip(&targets).zip(&temps) {
            let Some(tmp) = tmp else { continue };
            // what a replaced file held, kept under a hard link until every file is in place
            let existing = fs::symlink_metadata(target).is_ok_and(|m| !m.is_dir());
            let old = if replace && existing {
                let old = temp_sibling(target);
                match fs::hard_link(target, &old).or_else(|_| fs::copy(target, &old).map(|_| ())) {
                    Ok(()) => Some(old),
                    Err(e) => {
                        let _ = fs::remove_file(&old);
                        failed = Some((path.to_path_buf(), e));
                        break;
                    }
                }
            } else {
                None
            };
            match place(tmp, target, replace) {
                Ok(()) => placed.push((target.as_path(), old)),
                Err(e) => {
                    if let Some(old) = old {
                        let _ = fs::remove_file(old);
                    }
                    failed = Some((path.to_path_buf(), e));
                    break;
                }
            }
        }
    }
    if failed.is_none() {
        for ((path, bytes, _), (target, stream)) in files.iter().zip(&targets) {
            if *stream && let Err(e) = write_into(target, bytes) {
                failed = Some((path.to_path_buf(), e));
                break;
            }
        }
    }
    for tmp in temps.iter().flatten() {
        let _ = fs::remove_file(tmp);
    }
    if let Some((failed, e)) = failed {
        let mut unrestored = Vec::new();
        for (path, old) in placed.into_iter().rev() {
            let undone = match &old {
                Some(old) => fs::rename(old, path),
                None => fs::remove_file(path),
            };
            if undone.is_err() {
                unrestored.push(match old {
                    Some(old) => format!(
                        "{} (its old content is in {})",
                        path.display(),
                        old.display()
                    ),
                    None => path.display().to_string(),
                });
            }
        }
        if unrestored.is_empty() {
            return Err((failed, e));
        }
        let e = io::Error::new(
            e.kind(),
            format!("{e}; and could not take back {}", unrestored.join(", ")),
        );
        return Err((failed, e));
    }
    for (path, old) in placed {
        if let Some(old) = old {
            let _ = fs::remove_file(old);
        }
        sync_dir(parent_dir(path));
    }
    Ok(())
}

/// Whether `a` and `b` name one file: resolved (symbolic links, `.` and `..`) when they
/// exist, else by the resolved folder each would be in and its name.
pub fn same_file(a: &Path, b: &Path) -> bool {
    if let (Ok(a), Ok(b)) = (fs::canonicalize(a), fs::canonicalize(b)) {
        return a == b;
    }
    let place = |p: &Path| {
        let dir = fs::canonicalize(parent_dir(p)).ok()?;
        Some(dir.join(p.file_name()?))
    };
    match (place(a), place(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
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

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("certreq-fsio-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_group_whose_last_file_cannot_be_written_leaves_none_of_them() {
        let dir = scratch("group-missing");
        let (a, b) = (dir.join("a.req"), dir.join("missing").join("b.req"));
        let (path, _) = write_all_atomic(
            &[(&a, b"one", PUBLIC_FILE), (&b, b"two", PUBLIC_FILE)],
            false,
        )
        .unwrap_err();
        assert_eq!(path, b);
        assert!(names(&dir).is_empty(), "{:?}", names(&dir));
        // a file that exists is not replaced without being asked, and the one before it goes
        fs::write(dir.join("b.req"), b"kept").unwrap();
        let b = dir.join("b.req");
        let (path, e) = write_all_atomic(
            &[(&a, b"one", PUBLIC_FILE), (&b, b"two", PUBLIC_FILE)],
            false,
        )
        .unwrap_err();
        assert_eq!((path, e.kind()), (b.clone(), io::ErrorKind::AlreadyExists));
        assert_eq!(names(&dir), ["b.req"]);
        assert_eq!(fs::read(&b).unwrap(), b"kept");
        write_all_atomic(
            &[(&a, b"one", PUBLIC_FILE), (&b, b"two", PUBLIC_FILE)],
            true,
        )
        .unwrap();
        assert_eq!(
            (fs::read(&a).unwrap(), fs::read(&b).unwrap()),
            (b"one".to_vec(), b"two".to_vec())
        );
        assert_eq!(names(&dir), ["a.req", "b.req"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_group_that_fails_late_gives_a_replaced_file_its_old_content_back() {
        let dir = scratch("group-replace");
        let a = dir.join("a.req");
        fs::write(&a, b"old").unwrap();
        // a folder where the second file would go: written beside it, then not put in place
        let b = dir.join("b.req");
        fs::create_dir(&b).unwrap();
        let (path, _) = write_all_atomic(
            &[(&a, b"new", PUBLIC_FILE), (&b, b"two", PUBLIC_FILE)],
            true,
        )
        .unwrap_err();
        assert_eq!(path, b);
        assert_eq!(fs::read(&a).unwrap(), b"old");
        assert_eq!(names(&dir), ["a.req", "b.req"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_symbolic_link_is_given_back_as_a_link() {
        let dir = scratch("group-link");
        fs::write(dir.join("target.req"), b"target").unwrap();
        let a = dir.join("a.req");
        std::os::unix::fs::symlink("target.req", &a).unwrap();
        let dangling = dir.join("d.req");
        std::os::unix::fs::symlink("nowhere.req", &dangling).unwrap();
        let b = dir.join("b.req");
        fs::create_dir(&b).unwrap();
        let files = [
            (a.as_path(), &b"new"[..], PUBLIC_FILE),
            (dangling.as_path(), &b"new"[..], PUBLIC_FILE),
            (b.as_path(), &b"two"[..], PUBLIC_FILE),
        ];
        let (path, _) = write_all_atomic(&files, true).unwrap_err();
        assert_eq!(path, b);
        for (link, to) in [(&a, "target.req"), (&dangling, "nowhere.req")] {
            assert_eq!(fs::read_link(link).unwrap(), Path::new(to));
        }
        assert_eq!(fs::read(dir.join("target.req")).unwrap(), b"target");
        assert_eq!(names(&dir), ["a.req", "b.req", "d.req", "target.req"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_written_through_and_a_replaced_file_stays_as_private() {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let dir = scratch("through");
        let real = dir.join("real.cer");
        fs::write(&real, b"old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
        let link = dir.join("current.cer");
        symlink("real.cer", &link).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        write_atomic(&link, b"new", PUBLIC_FILE, true).unwrap();
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("real.cer"));
        assert_eq!(
            (fs::read(&real).unwrap(), mode(&real)),
            (b"new".to_vec(), 0o600)
        );
        write_all_atomic(&[(&link, b"group", PUBLIC_FILE)], true).unwrap();
        assert_eq!(fs::read_link(&link).unwrap(), Path::new("real.cer"));
        assert_eq!(
            (fs::read(&real).unwrap(), mode(&real)),
            (b"group".to_vec(), 0o600)
        );
        let refused = write_atomic(&link, b"x", PUBLIC_FILE, false).unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::AlreadyExists);
        // a link to nothing yet: the file it names is made
        let dangling = dir.join("d.cer");
        symlink("made.cer", &dangling).unwrap();
        write_atomic(&dangling, b"made", PUBLIC_FILE, false).unwrap();
        assert_eq!(fs::read(dir.join("made.cer")).unwrap(), b"made");
        assert_eq!(fs::read_link(&dangling).unwrap(), Path::new("made.cer"));
        assert_eq!(
            names(&dir),
            ["current.cer", "d.cer", "made.cer", "real.cer"]
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_into_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = scratch("fifo");
        let fifo = dir.join("out.req");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // the reader holds the FIFO by a second name, so that a FIFO wrongly replaced can
        // still be closed for it (the test fails rather than hangs)
        let spare = dir.join("spare");
        fs::hard_link(&fifo, &spare).unwrap();
        let reader = std::thread::spawn({
            let spare = spare.clone();
            move || fs::read(spare).unwrap()
        });
        let written = write_atomic(&fifo, b"hello", PUBLIC_FILE, true);
        let still = fs::symlink_metadata(&fifo).is_ok_and(|m| m.file_type().is_fifo());
        if !still {
            let _ = OpenOptions::new().write(true).open(&spare);
        }
        let got = reader.join().unwrap();
        written.unwrap();
        assert!(still, "the FIFO was replaced by a file");
        assert_eq!(got, b"hello");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_long_file_name_is_written() {
        // 244 bytes: the temporary name beside it cannot carry it and its suffix in 255
        let dir = scratch("long");
        let long = dir.join(format!("{}.cer", "b".repeat(240)));
        write_atomic(&long, b"x", PUBLIC_FILE, false).unwrap();
        write_all_atomic(&[(&long, b"y", PUBLIC_FILE)], true).unwrap();
        assert_eq!(fs::read(&long).unwrap(), b"y");
        assert_eq!(names(&dir).len(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn one_file_named_two_ways_is_one_file() {
        let dir = scratch("same");
        fs::create_dir(dir.join("sub")).unwrap();
        let a = dir.join("x.req");
        let b = dir.join("sub").join("..").join("x.req");
        assert!(same_file(&a, &b), "not written yet");
        fs::write(&a, b"x").unwrap();
        assert!(same_file(&a, &b), "written");
        assert!(!same_file(&a, &dir.join("y.req")));
        fs::remove_dir_all(&dir).unwrap();
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
