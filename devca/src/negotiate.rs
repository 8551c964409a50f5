//! Kerberos sign-in (`--auth negotiate`): HTTP Negotiate (RFC 4559) accepted with the system's
//! GSSAPI through `libgssapi`. The key comes from the keytab in `KRB5_KTNAME` (`--keytab FILE`
//! sets it, see `main.rs`), as for any MIT or Heimdal service. Each request carries its own
//! token: Kerberos through SPNEGO completes in one step, so no state is kept between requests.

use base64ct::{Base64, Encoding};
use libgssapi::context::{SecurityContext, ServerCtx};
use libgssapi::credential::{Cred, CredUsage};

/// A Negotiate sign-in that succeeded.
#[derive(Debug)]
pub struct Accepted {
    /// The client's principal, `user@REALM`.
    pub principal: String,
    /// The token for the client (`WWW-Authenticate: Negotiate <token>`), proving the server.
    pub reply_token: Option<String>,
}

/// Accepts the token of an `Authorization: Negotiate <base64>` value.
pub fn accept(token_b64: &str) -> Result<Accepted, String> {
    let token = Base64::decode_vec(token_b64.trim())
        .map_err(|_| "the Negotiate token is not base64".to_string())?;
    let mut ctx = ServerCtx::new(None);
    let out = ctx.step(&token, None).map_err(|e| one_line(&e))?;
    if !ctx.is_complete() {
        // NTLM, or a SPNEGO exchange that needs more legs: not spoken here
        return Err(
            "the Negotiate exchange needs more than one step (NTLM?), which devca does \
                    not keep between requests; use Kerberos"
                .into(),
        );
    }
    let principal = ctx.source_name().map_err(|e| one_line(&e))?.to_string();
    Ok(Accepted {
        principal,
        reply_token: out.map(|t| Base64::encode_string(&t)),
    })
}

/// The user name a principal signs in as: `alice@EXAMPLE.COM` → `alice` (the name template
/// permissions and requests are recorded under, like a Basic user's).
pub fn user_of(principal: &str) -> String {
    match principal.rsplit_once('@') {
        Some((user, _realm)) if !user.is_empty() => user.to_string(),
        _ => principal.to_string(),
    }
}

/// Whether acceptor credentials can be had (the keytab holds a key): checked at start, so that
/// a missing or empty keytab is said then rather than at each sign-in.
pub fn check_acceptor() -> Result<(), String> {
    Cred::acquire(None, None, CredUsage::Accept, None)
        .map(|_| ())
        .map_err(|e| one_line(&e))
}

fn one_line(e: &libgssapi::error::Error) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_map_to_user_names() {
        assert_eq!(user_of("alice@TEST.REALM"), "alice");
        assert_eq!(user_of("svc/admin@R"), "svc/admin");
        assert_eq!(user_of("plain"), "plain");
        assert_eq!(user_of("@R"), "@R");
    }

    #[test]
    fn a_token_that_is_not_base64_is_refused() {
        assert!(accept("%%%").unwrap_err().contains("not base64"));
    }
}
