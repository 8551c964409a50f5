//! certreq-pkix: the ASN.1 and PKIX layer every other crate of certreq-web shares.
//!
//! - [`oid`]: every OID the project names, once, with its friendly name;
//! - [`pem`]: PEM armor, read leniently and written one way (CRLF, 64 columns);
//! - [`tlv`]: DER one TLV at a time, strictly, for code that should not link a decoder;
//! - [`time`]: calendar fields of timestamps and X.509 `Time`, without der's date types;
//! - [`alg`]: curves, digests, signature schemes and their identifiers, ECDSA's two forms;
//! - [`ip`]: IP addresses written as text, read as the standard library reads them;
//! - [`spki`]: public keys read without a decoder, the one key check, key identifiers;
//! - [`name`]: distinguished names shown as certreq shows them;
//! - [`cert`]: certificates and CA answers as plain values;
//! - [`msattr`], [`cmc`]: the Microsoft request attributes and CMC as `der` types, and a
//!   CMC request read;
//! - [`signed`]: any CMS `SignedData` read in its parts (PKCS #7 requests, several signers).
//!
//! Pure Rust, no I/O; builds for wasm32 and native.

#![forbid(unsafe_code)]

pub mod alg;
pub mod cert;
pub mod cmc;
pub mod ip;
pub mod msattr;
pub mod name;
pub mod oid;
pub mod pem;
pub mod signed;
pub mod spki;
pub mod time;
pub mod tlv;
