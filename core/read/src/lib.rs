//! certreq-read: reading what comes back and what is handed in.
//!
//! - [`response`]: what a CA sends back (a certificate, a certs-only PKCS #7, a CMC full
//!   response) → `certreq_pkix::cert::Response`, detected by content;
//! - [`dump`]: "decode anything" — requests, certificates, PKCS #7/CMC, CRLs, keys (never
//!   their private material), PFX, any DER — as a tree of labelled values;
//! - [`pkcs12`]: PFX files, written and read;
//! - `ber`: BER made DER, for the PFX files and PKCS #7 answers that come in BER.
//!
//! Nothing in the web app's first download may use this crate: the app cannot name it (it is
//! not among the app's dependencies); its tools module, loaded on first use, does.

#![forbid(unsafe_code)]

mod ber;
pub mod dump;
pub mod pkcs12;
pub mod response;
