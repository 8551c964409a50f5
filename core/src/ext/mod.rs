//! Extensions: the value forms of `[Extensions]` lines and the extensions certreq adds itself.

use crate::diag::LocalDiag;
use der::asn1::ObjectIdentifier;

/// An `[Extensions]` value, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtensionValue {
    /// `{critical}` was given.
    pub critical: bool,
    /// The DER of the extension value (the contents of `extnValue`).
    pub der: Vec<u8>,
}

/// Decodes the value of `oid = value` in `[Extensions]`: base64 (padding optional), `{hex}`,
/// `{text}` (per-OID grammar), with an optional leading `{critical}`. Diagnostics are located
/// within `value`; `None` when the value is unusable.
pub fn parse_value(
    oid: &ObjectIdentifier,
    value: &str,
) -> (Option<ExtensionValue>, Vec<LocalDiag>) {
    let _ = (oid, value);
    unimplemented!("ext::parse_value")
}
