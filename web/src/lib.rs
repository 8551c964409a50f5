//! certreq-web: the browser app.
//!
//! - [`app`]: the Yew component tree, its state (a reducer tested natively) and the jobs that
//!   turn the reducer's commands into browser work.
//! - [`services`]: every call into the browser (Web Crypto, IndexedDB, files, clipboard, DOM).
//!
//! The crate builds natively too (the services then fail at run time), so `cargo test` runs the
//! reducer and view-model tests without a browser; the services are tested in headless
//! Chromium (`cargo test -p certreq-web --target wasm32-unknown-unknown`).

#![forbid(unsafe_code)]

pub mod app;
pub mod embed;
pub mod services;

/// Mounts the app on the page.
pub fn start() {
    app::start();
}
