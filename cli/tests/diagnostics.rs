//! Snapshots of the diagnostics `certreq -new` prints for real INF files from the shared corpus:
//! the exact text a user sees, located, with the source line, caret and help.
//!
//! `UPDATE_SNAPSHOTS=1 cargo test -p certreq-cli --test diagnostics` rewrites the snapshots;
//! review the diff before committing it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failure is the test failing

mod common;

use common::TempDir;
use std::path::PathBuf;

fn corpus_inf(prefix: &str) -> PathBuf {
    let dir = std::env::var_os("CERTREQ_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
        .join("inf");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "corpus not found at {}: {e} (set CERTREQ_CORPUS)",
            dir.display()
        )
    });
    entries
        .map(|e| e.expect("dir entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no corpus file {prefix}-*"))
}

/// Runs `certreq -new` on a copy of corpus file `prefix` named `<prefix>.inf` and compares
/// everything it printed on stderr with `tests/snapshots/<prefix>.stderr`.
fn snapshot(prefix: &str, expect_success: bool) {
    let t = TempDir::new(&format!("snap-{prefix}"));
    let bytes = std::fs::read(corpus_inf(prefix)).expect("read corpus file");
    std::fs::write(t.join(&format!("{prefix}.inf")), bytes).expect("copy");
    let run = t.certreq(&["-new", &format!("{prefix}.inf"), "out.req"]);
    assert_eq!(
        run.code == Some(0),
        expect_success,
        "exit status; stderr:\n{}",
        run.stderr
    );
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{prefix}.stderr"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &run.stderr).expect("write snapshot");
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_SNAPSHOTS=1)", path.display()));
    assert_eq!(
        run.stderr, expected,
        "rendered diagnostics changed for corpus {prefix}"
    );
}

#[test]
fn oid_lines_under_extensions_are_refused_in_certreqs_terms() {
    snapshot("034", false);
}

#[test]
fn a_missing_newrequest_section_is_refused_in_certreqs_terms() {
    snapshot("046", false);
}

#[test]
fn typographic_quotes_and_a_misspelt_key_are_pointed_at() {
    snapshot("047", false);
}

#[test]
fn a_missing_ampersand_between_names_is_warned_at_the_spot() {
    snapshot("032", true);
}

#[test]
fn an_unterminated_quote_is_accepted_with_a_warning() {
    snapshot("021", true);
}
