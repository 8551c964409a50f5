//! certreq-request: what a certreq INF asks for, and the request that makes it.
//!
//! ```text
//! Inf ─lower─▶ NewRequest (+ diagnostics)          compile(text) = parse + lower
//!   (compile_for(text, Builds::LIFECYCLE): for a front end that builds renewals, PKCS #7,
//!   on-behalf-of requests and key archival; others are told at those keys what they get)
//! NewRequest + SPKI ─encode::prepare─▶ Unsigned ─(sign outside)─▶ finish ─▶ DER
//! PKCS #10 + SPKI ─cmc::wrap─▶ Content ─(digest outside)─▶ prepare ─(sign)─▶ finish ─▶ DER
//! ```
//!
//! The lowering is driven by `certreq-schema`: every key of `[NewRequest]` is the schema's,
//! and each is acted on or explained. Signing is always the caller's (two phases): this
//! crate never holds a private key, a clock or a source of randomness.

#![forbid(unsafe_code)]

#[cfg(feature = "lifecycle")]
pub mod archive;
pub mod cmc;
pub mod encode;
mod error;
pub mod ext;
mod lower;
pub mod model;
pub mod pkcs7;
pub mod policy;
pub mod signed;
pub mod subject;
#[cfg(test)]
mod testkit;

#[cfg(feature = "lifecycle")]
pub use lower::wrapping;
pub use lower::{
    Builds, Compiled, CompiledPolicy, PolicyPlan, compile, compile_for, compile_policy, lower,
    lower_for, parse_date,
};
