//! certreq-core: Microsoft certreq INF files in, PKCS#10 requests out.
//!
//! The pipeline (see ARCHITECTURE.md):
//!
//! ```text
//! bytes ─text::decode─▶ text ─inf::parse─▶ Inf ─request::lower─▶ NewRequest
//! NewRequest + SPKI ─encode::prepare─▶ Unsigned ─(sign outside)─▶ finish ─▶ DER ─▶ PEM
//! ```
//!
//! Pure Rust, no I/O, no async, no platform calls: the same code runs natively and in
//! WebAssembly. Parsers never fail on input; they return results plus [`diag::Diagnostic`]s.

#![forbid(unsafe_code)]

pub mod cmc;
pub mod diag;
pub mod dump;
pub mod encode;
pub mod enroll;
pub mod ext;
pub mod inf;
pub mod keydocs;
pub mod model;
pub mod msattr;
pub mod name;
pub mod order;
pub mod pem;
pub mod pkcs12;
pub mod request;
pub mod response;
pub mod text;
pub mod time;
pub mod tlv;
pub mod values;
pub mod wire;

#[cfg(test)]
mod testing;
