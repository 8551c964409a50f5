//! Standard output that never stops the work, for the CLI and devca. `println!` panics when
//! stdout cannot be written (a pipe whose reader has quit, `| head -1`; a full disk), and a
//! panic there, after the CA took a request, would lose the request id and the certificate
//! before they are kept. Here a failed write is remembered instead, the command finishes, and
//! [`status`] says what happened: a reader that quit is nobody's error (as for `yes | head`),
//! any other failure is reported on stderr and fails the run.

use std::cell::RefCell;
use std::io::{ErrorKind, Write};

thread_local! {
    /// The first write that failed, if any.
    static FAILED: RefCell<Option<std::io::Error>> = const { RefCell::new(None) };
}

/// Writes `args` to stdout; a failure is kept for [`status`], and later writes are skipped.
pub fn write(args: std::fmt::Arguments<'_>) {
    FAILED.with_borrow_mut(|failed| {
        if failed.is_none()
            && let Err(e) = std::io::stdout().lock().write_fmt(args)
        {
            *failed = Some(e);
        }
    });
}

/// The exit status once stdout's failure, if any, is accounted for: a closed pipe leaves
/// `code` as it was; another failure is said on stderr, after `program`'s name, and turns
/// success into 1.
pub fn status(program: &str, code: i32) -> i32 {
    let flushed = std::io::stdout().lock().flush();
    FAILED.with_borrow_mut(|failed| {
        if let (None, Err(e)) = (&*failed, flushed) {
            *failed = Some(e);
        }
        match failed.take() {
            Some(e) if e.kind() != ErrorKind::BrokenPipe => {
                eprintln!(
                    "{program}: error: standard output could not be written ({e}); the rest was done"
                );
                if code == 0 { 1 } else { code }
            }
            _ => code,
        }
    })
}

/// `println!` through [`write`].
#[macro_export]
macro_rules! outln {
    () => { $crate::out::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::out::write(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` through [`write`].
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::out::write(format_args!($($arg)*)) };
}
