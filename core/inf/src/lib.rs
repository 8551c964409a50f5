//! certreq-inf: the syntax of certreq INF files, and nothing of what they mean.
//!
//! ```text
//! bytes ─text::decode─▶ text ─parse─▶ Inf (sections, entries, byte maps) + diagnostics
//! ```
//!
//! The reader applies every lexical rule certreq's INF files follow (sections, comments,
//! quoting, `[Strings]` substitution, `_continue_` and `\` continuation) and never fails:
//! problems are [`diag::Diagnostic`]s with byte spans into the decoded text, rendered at the
//! edge ([`diag::LineIndex`]). [`values`] reads the scalar forms (booleans, numbers, `A | B`
//! flags) every later stage shares. Nothing here knows ASN.1 or what a key means; that is
//! `certreq-request`'s job, driven by `certreq-schema`.

#![forbid(unsafe_code)]

pub mod codes;
pub mod diag;
pub mod order;
mod reader;
pub mod text;
pub mod values;

pub use reader::{
    CONTINUE_KEY, Entry, FIELD_LIMIT, Inf, Section, TYPOGRAPHIC_QUOTES, Value, parse,
};
