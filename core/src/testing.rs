//! Test support shared by the unit tests of every module.

use std::path::PathBuf;

/// The shared corpus of real INF files and certreq output: `$CERTREQ_CORPUS`, or `shared/corpus`
/// beside the repository (where CI puts it). Panics when it is missing, so corpus tests cannot
/// pass vacuously.
pub fn corpus_dir() -> PathBuf {
    let dir = std::env::var_os("CERTREQ_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    assert!(
        dir.join("inf").is_dir(),
        "corpus not found at {}: set CERTREQ_CORPUS to the shared corpus directory",
        dir.display()
    );
    dir
}
