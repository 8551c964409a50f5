//! Kerberos sign-in over HTTP (`Authorization: Negotiate`, RFC 4559): SPNEGO tokens from the
//! system's GSSAPI (MIT Kerberos, or Heimdal) through `libgssapi`, with the user's ticket cache
//! (`kinit`; `KRB5CCNAME` selects it). The service is the host-based name `HTTP@host`, which
//! Kerberos turns into `HTTP/host@REALM`, as browsers and Windows do.

use base64ct::{Base64, Encoding};
use libgssapi::context::{ClientCtx, CtxFlags};
use libgssapi::credential::{Cred, CredUsage};
use libgssapi::error::{Error, MajorFlags};
use libgssapi::name::Name;
use libgssapi::oid::{GSS_MECH_SPNEGO, GSS_NT_HOSTBASED_SERVICE, OidSet};

/// One sign-in: the context whose first token went to the CA, kept to check the CA's answer.
pub struct Negotiation {
    ctx: ClientCtx,
    host: String,
}

impl Negotiation {
    /// A new context for `HTTP@host` with the default credentials, and the header value of its
    /// first token (`Negotiate <base64>`).
    pub fn start(host: &str) -> Result<(Negotiation, String), String> {
        let mut mechs = OidSet::new();
        mechs.add(GSS_MECH_SPNEGO).map_err(|e| explain(host, &e))?;
        // the user's ticket (the default cache): its absence or expiry is said here, before the
        // KDC is asked for the service ticket
        let cred = Cred::acquire(None, None, CredUsage::Initiate, Some(&mechs))
            .map_err(|e| explain(host, &e))?;
        let service = format!("HTTP@{host}");
        let target = Name::new(service.as_bytes(), Some(GSS_NT_HOSTBASED_SERVICE))
            .map_err(|e| explain(host, &e))?;
        let mut ctx = ClientCtx::new(
            Some(cred),
            target,
            CtxFlags::GSS_C_MUTUAL_FLAG,
            Some(GSS_MECH_SPNEGO),
        );
        let token = ctx
            .step(None, None)
            .map_err(|e| explain(host, &e))?
            .ok_or_else(|| {
                format!("Kerberos made no token for HTTP/{host}: the GSSAPI library misbehaves")
            })?;
        let header = format!("Negotiate {}", Base64::encode_string(&token));
        Ok((
            Negotiation {
                ctx,
                host: host.to_string(),
            },
            header,
        ))
    }

    /// Checks the CA's final token (`WWW-Authenticate: Negotiate <base64>` on its answer): the
    /// proof that the answer comes from the holder of `HTTP/host`'s key. An answer without one
    /// is taken as it is (servers may leave it out).
    pub fn finish(mut self, www_authenticate: &[String]) -> Result<(), String> {
        let token = www_authenticate.iter().find_map(|h| {
            let (scheme, rest) = h.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("negotiate")
                .then(|| rest.trim().to_string())
        });
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Ok(());
        };
        let bytes = Base64::decode_vec(&token).map_err(|_| {
            format!(
                "the CA's Kerberos answer (WWW-Authenticate: Negotiate) is not base64; it cannot \
                 prove it is HTTP/{}",
                self.host
            )
        })?;
        self.ctx.step(Some(&bytes), None).map(|_| ()).map_err(|e| {
            format!(
                "the CA's Kerberos answer does not prove it is HTTP/{} (mutual \
                 authentication failed: {}); do not trust this server",
                self.host,
                one_line(&e)
            )
        })
    }
}

/// What the CLI says when the CA refuses the ticket it was sent (a 401 after a Negotiate token).
pub fn refused(host: &str, url: &str) -> String {
    format!(
        "the CA did not accept the Kerberos ticket for HTTP/{host} (HTTP 401 at {url}): its \
         server may have no key for HTTP/{host} in its keytab, or an older one (ask the CA's \
         administrator), or the clocks differ by more than 5 minutes"
    )
}

/// A GSSAPI failure in words, with what to do.
fn explain(host: &str, e: &Error) -> String {
    let detail = one_line(e);
    let lower = detail.to_ascii_lowercase();
    if e.major.contains(MajorFlags::GSS_S_CREDENTIALS_EXPIRED)
        || lower.contains("expired")
        || lower.contains("ticket not yet valid")
    {
        return format!(
            "your Kerberos ticket has expired ({detail}): get a new one with `kinit` (or \
             `kinit -R` while it is renewable), then try again"
        );
    }
    if e.major.contains(MajorFlags::GSS_S_NO_CRED)
        || lower.contains("no credentials")
        || lower.contains("credentials cache")
        || lower.contains("no kerberos credentials")
    {
        return format!(
            "no Kerberos ticket ({detail}): sign in with `kinit` (e.g. `kinit user@REALM`) \
             first; KRB5CCNAME selects the ticket cache"
        );
    }
    if lower.contains("server not found") || lower.contains("unknown server") {
        return format!(
            "the Kerberos KDC knows no service HTTP/{host} ({detail}): use the CA's host name \
             as registered in Kerberos in -config, or ask the administrator to add \
             HTTP/{host}"
        );
    }
    if lower.contains("cannot contact any kdc") || lower.contains("cannot find kdc") {
        return format!(
            "cannot reach a Kerberos KDC for your realm ({detail}): check the network and \
             krb5.conf (KRB5_CONFIG)"
        );
    }
    format!("Kerberos sign-in to HTTP/{host} failed: {detail}")
}

/// GSSAPI's message on one line.
fn one_line(e: &Error) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
