//! Subject strings to X.509 names, by the rules of Windows' `CertStrToName`, encoded the way
//! current certreq encodes them.

use crate::diag::LocalDiag;
use x509_cert::name::Name;

/// Parses a `Subject` value. `flags` are the INF's `X500NameFlags` (`CERT_NAME_STR_*` bits);
/// 0 means certreq's default. The returned name is in encoding order (the reverse of the
/// written order, unless `CERT_NAME_STR_FORWARD_FLAG` says otherwise). Errors and warnings are
/// located within `value`.
pub fn parse_subject(value: &str, flags: u32) -> (Option<Name>, Vec<LocalDiag>) {
    let _ = (value, flags);
    unimplemented!("name::parse_subject")
}
