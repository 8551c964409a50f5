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

/// A file of this crate's own test data (`core/tests/data/NAME`), as stored.
pub fn data_file(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The DER of the first PEM block (or the DER) in test data file `name`.
pub fn data_der(name: &str) -> Vec<u8> {
    crate::pem::read(&data_file(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .remove(0)
        .der
}
