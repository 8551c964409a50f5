//! devca — a development CA that speaks AD CS Web Enrollment (`/certsrv/`) and EST
//! (`/.well-known/est/`), with real signing. For demos and tests; not for production.
//!
//! ```text
//! devca serve --data DIR [--listen ADDR] [--tls] [--basic-auth USER:PASS] [--cors ORIGIN|any]
//!             [--dist DIR] [--policy issue|pending] [--no-san-attribute]
//!             [--auth negotiate [--keytab FILE]]
//! devca approve --data DIR ID [--no-san-attribute]
//! devca deny    --data DIR ID [--message TEXT]
//! devca revoke  --data DIR ID [--reason REASON]
//! devca unrevoke --data DIR ID
//! devca renew-ca --data DIR
//! devca list    --data DIR
//! ```
//!
//! Templates: WebServer (serverAuth, 2 years), User (clientAuth + emailProtection, 1 year),
//! Machine (clientAuth + serverAuth, 1 year), SubCA (CA:TRUE, keyCertSign|cRLSign, 5 years),
//! EnrollmentAgent (Certificate Request Agent, 2 years; signs requests on behalf of others).
//! The template comes from the `CertificateTemplate:` request attribute (CertAttrib or inside the
//! PKCS#10), the EST CA label (`/.well-known/est/<template>/simpleenroll`), or the PKCS#10's
//! certificate-template extension, in that order. A request that names no template gets
//! **WebServer** (an enterprise AD CS CA would deny it; a development CA is friendlier, and EST
//! clients cannot name one). Any other name is denied with AD CS's 0x80094800 message.
//! The subject and SAN come from the request; `SAN:dns=…&ipaddress=…&email=…&upn=…&url=…` in
//! CertAttrib adds names (like EDITF_ATTRIBUTESUBJECTALTNAME2) unless `--no-san-attribute`.
//!
//! Data dir: `ca-key.pem` (PKCS#8 RSA-2048, mode 0600), `ca.pem`, `next-id`, `lock`,
//! `requests/NNNNNNNN.req` (one text file per request), and with `--tls` `tls-cert.pem` and
//! `tls-key.pem`.

// `outln!`: standard output that a closed pipe does not stop
#[macro_use]
extern crate certreq_fsio;
use certreq_fsio::out;
use certreq_pkix::cert::{CRL_REASONS, REMOVE_FROM_CRL, crl_reason_name};

mod archive;
mod ca;
mod csr;
mod fullcmc;
mod http;
mod lifecycle;
mod negotiate;
mod net;
mod pages;
mod policy;
mod server;
mod store;
mod util;
mod watch;

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use der::Decode;
use server::{Config, Cors, Ctx, Policy};
use store::{Status, Store};

const USAGE: &str = "usage:
  devca serve --data DIR [--listen ADDR] [--tls] [--basic-auth USER:PASS]... [--cors ORIGIN|any]
              [--dist DIR] [--policy issue|pending] [--no-san-attribute]
              [--allow TEMPLATE=USER[,USER]]... [--client-ca FILE]
              [--auth negotiate [--keytab FILE]]
  devca approve --data DIR ID [--no-san-attribute]
  devca deny --data DIR ID [--message TEXT]
  devca revoke --data DIR ID [--reason REASON]   (a hold may be revoked again, for good)
  devca unrevoke --data DIR ID        (releases a hold: revoked as certificateHold)
  devca renew-ca --data DIR
  devca list --data DIR";

pub const ADMIN_DENIED: &str =
    "Denied by the CA administrator. 0x80094014 (-2146877420 CERTSRV_E_ADMIN_DENIED_REQUEST)";

#[derive(Debug, Default, PartialEq, Eq)]
struct Args {
    command: String,
    listen: Option<String>,
    data: Option<PathBuf>,
    tls: bool,
    basic_auth: Vec<(String, String)>,
    allow: Vec<(policy::Template, Vec<String>)>,
    client_ca: Option<PathBuf>,
    negotiate: bool,
    keytab: Option<PathBuf>,
    reason: Option<u32>,
    cors: Option<Cors>,
    dist: Option<PathBuf>,
    policy: Option<Policy>,
    no_san_attribute: bool,
    message: Option<String>,
    id: Option<u64>,
}

fn parse_args(argv: &[String]) -> Result<Args, String> {
    let mut it = argv.iter();
    let mut a = Args {
        command: it.next().cloned().ok_or("a command is needed")?,
        ..Args::default()
    };
    if ![
        "serve", "approve", "deny", "list", "revoke", "unrevoke", "renew-ca",
    ]
    .contains(&a.command.as_str())
    {
        return Err(format!("unknown command {:?}", a.command));
    }
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--listen" => a.listen = Some(value("--listen")?),
            "--data" => a.data = Some(PathBuf::from(value("--data")?)),
            "--tls" => a.tls = true,
            "--basic-auth" => {
                let v = value("--basic-auth")?;
                let (u, p) = v.split_once(':').ok_or("--basic-auth takes USER:PASS")?;
                a.basic_auth.push((u.to_string(), p.to_string()));
            }
            "--allow" => {
                let v = value("--allow")?;
                let (t, users) = v
                    .split_once('=')
                    .ok_or("--allow takes TEMPLATE=USER[,USER]")?;
                let t = policy::Template::from_name(t)
                    .ok_or_else(|| format!("--allow: no template {t:?}"))?;
                let users = users
                    .split(',')
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty())
                    .collect();
                a.allow.push((t, users));
            }
            "--client-ca" => a.client_ca = Some(PathBuf::from(value("--client-ca")?)),
            "--auth" => match value("--auth")?.to_ascii_lowercase().as_str() {
                "negotiate" | "kerberos" => a.negotiate = true,
                // Basic is on with --basic-auth users; named here for symmetry
                "basic" => {}
                other => {
                    return Err(format!(
                        "--auth is negotiate (Kerberos) or basic, not {other:?}"
                    ));
                }
            },
            "--keytab" => a.keytab = Some(PathBuf::from(value("--keytab")?)),
            "--reason" => {
                let v = value("--reason")?;
                a.reason = Some(reason_code(&v).ok_or_else(|| {
                    format!(
                        "--reason {v:?} is not a reason: give a number (RFC 5280) or one of \
                         unspecified, keyCompromise, cACompromise, affiliationChanged, \
                         superseded, cessationOfOperation, certificateHold, privilegeWithdrawn, \
                         aACompromise (8, removeFromCRL, is not a revocation: `devca unrevoke` \
                         releases a hold)"
                    )
                })?);
            }
            "--cors" => {
                let v = value("--cors")?;
                a.cors = Some(if v == "any" || v == "*" {
                    Cors::Any
                } else {
                    Cors::Origin(v)
                });
            }
            "--dist" => a.dist = Some(PathBuf::from(value("--dist")?)),
            "--policy" => {
                a.policy = Some(match value("--policy")?.as_str() {
                    "issue" => Policy::Issue,
                    "pending" => Policy::Pending,
                    other => return Err(format!("--policy is issue or pending, not {other:?}")),
                })
            }
            "--no-san-attribute" => a.no_san_attribute = true,
            "--message" => a.message = Some(value("--message")?),
            // a request ID, for the commands that take one
            s if !s.starts_with('-')
                && a.id.is_none()
                && TAKES_ID.contains(&a.command.as_str()) =>
            {
                a.id = Some(
                    s.parse()
                        .map_err(|_| format!("request ID {s:?} is not a number"))?,
                )
            }
            s => return Err(format!("unexpected argument {s:?}")),
        }
    }
    if a.data.is_none() {
        return Err("--data DIR is required".into());
    }
    if a.keytab.is_some() && !a.negotiate {
        return Err("--keytab is for --auth negotiate".into());
    }
    if TAKES_ID.contains(&a.command.as_str()) && a.id.is_none() {
        return Err(format!("{} needs a request ID", a.command));
    }
    Ok(a)
}

/// `devca --help`, `devca help`, `devca serve -h`…: the usage is what was asked for, not an
/// error (a `--help` given as an option's value, `--message --help`, is that value).
fn wants_help(argv: &[String]) -> bool {
    let takes_value = |a: &str| a.starts_with("--") && !matches!(a, "--tls" | "--no-san-attribute");
    argv.first().is_some_and(|a| a == "help")
        || argv.iter().enumerate().any(|(i, a)| {
            matches!(a.as_str(), "--help" | "-h") && (i == 0 || !takes_value(&argv[i - 1]))
        })
}

fn main() -> ExitCode {
    // what devca says on stdout goes through `outln!`: `devca list | head -1` must not panic
    let code = run();
    ExitCode::from(u8::try_from(out::status("devca", i32::from(code))).unwrap_or(1))
}

/// The exit status: 0 done, 1 failed, 2 a wrong command line.
fn run() -> u8 {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if wants_help(&argv) {
        outln!("{USAGE}");
        return 0;
    }
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("devca: {e}\n{USAGE}");
            return 2;
        }
    };
    if let Some(keytab) = &args.keytab
        && let Err(e) = use_keytab(keytab)
    {
        eprintln!("devca: {e}");
        return 1;
    }
    let result = match args.command.as_str() {
        "serve" => serve(args),
        "approve" => approve(&args),
        "deny" => deny(&args),
        "revoke" => revoke(&args),
        "unrevoke" => unrevoke(&args),
        "renew-ca" => renew_ca(&args),
        _ => list(&args),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("devca: {e}");
            1
        }
    }
}

/// `--keytab FILE`: GSSAPI takes the acceptor's keytab from `KRB5_KTNAME`, read when the library
/// starts. Setting a variable in a running program is `unsafe` in Rust 2024 (other threads may
/// read the environment), so devca starts itself again, in place (same process ID, same output),
/// with `KRB5_KTNAME=FILE:<the keytab>`; the second start finds it set and goes on.
fn use_keytab(keytab: &std::path::Path) -> Result<(), String> {
    let path =
        std::path::absolute(keytab).map_err(|e| format!("--keytab {}: {e}", keytab.display()))?;
    std::fs::File::open(&path)
        .map_err(|e| format!("cannot read the keytab {}: {e}", path.display()))?;
    let wanted = format!("FILE:{}", path.display());
    if std::env::var_os("KRB5_KTNAME").is_some_and(|v| v == wanted.as_str()) {
        return Ok(());
    }
    restart_with("KRB5_KTNAME", &wanted)
}

#[cfg(unix)]
fn restart_with(name: &str, value: &str) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find devca's program: {e}"))?;
    let mut argv = std::env::args_os();
    let arg0 = argv.next().unwrap_or_else(|| exe.clone().into_os_string());
    let err = std::process::Command::new(&exe)
        .arg0(arg0)
        .args(argv)
        .env(name, value)
        .exec();
    Err(format!(
        "cannot start devca again with {name}={value}: {err}"
    ))
}

#[cfg(not(unix))]
fn restart_with(name: &str, value: &str) -> Result<(), String> {
    Err(format!(
        "--keytab works on Unix only here; set {name}={value} before starting devca"
    ))
}

fn data_dir(args: &Args) -> PathBuf {
    args.data.clone().unwrap_or_else(|| PathBuf::from("."))
}

fn serve(args: Args) -> Result<(), String> {
    let dir = data_dir(&args);
    let store = Store::open(&dir).map_err(|e| format!("cannot open {}: {e}", dir.display()))?;
    let ca = ca::Ca::load_or_create(&dir)?;
    let listen = args
        .listen
        .clone()
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let runtime = net::runtime().map_err(|e| format!("cannot start the server's threads: {e}"))?;
    let listener = TcpListener::bind(&listen)
        .and_then(|l| {
            l.set_nonblocking(true)?;
            let _in_runtime = runtime.enter();
            tokio::net::TcpListener::from_std(l)
        })
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    // with the file's, every certificate devca's own key had: `renew-ca` replaces DIR/ca.pem,
    // and what the earlier keys issued must still sign in (EST's simplereenroll renews them)
    let client_roots = match &args.client_ca {
        Some(path) => {
            let mut roots = read_certificates(path)?;
            for own in ca.all_certs() {
                if !roots.iter().any(|r| r.as_slice() == own) {
                    roots.push(own.to_vec());
                }
            }
            Some(roots)
        }
        None => None,
    };
    if client_roots.is_some() && !args.tls {
        return Err("--client-ca needs --tls (client certificates are a TLS matter)".into());
    }
    if client_roots.is_some() && args.basic_auth.is_empty() && !args.negotiate {
        return Err(
            "--client-ca signs in the user devca issued a certificate to: give --basic-auth \
             or --auth negotiate too, so that users can sign in to get one"
                .into(),
        );
    }
    if args.negotiate {
        negotiate::check_acceptor().map_err(|e| {
            format!(
                "--auth negotiate: no Kerberos key to accept sign-ins with ({e}): give \
                 --keytab FILE holding HTTP/<host>@REALM, or set KRB5_KTNAME"
            )
        })?;
    }
    let tls = if args.tls {
        let (cert, key) = ca.tls_identity(&dir)?;
        Some(Arc::new(net::tls_config(cert, key, client_roots)?))
    } else {
        None
    };
    let scheme = if args.tls { "https" } else { "http" };
    let host = if addr.ip().is_unspecified() {
        "localhost".to_string()
    } else if addr.is_ipv6() {
        format!("[{}]", addr.ip())
    } else {
        addr.ip().to_string()
    };
    let ctx = Arc::new(Ctx {
        ca,
        store,
        config: Config {
            policy: args.policy.unwrap_or(Policy::Issue),
            basic_auth: args.basic_auth.clone(),
            client_certs: args.client_ca.is_some(),
            negotiate: args.negotiate,
            permissions: policy::Permissions(args.allow.clone()),
            cors: args.cors.clone(),
            dist: args.dist.clone(),
            san_attribute: !args.no_san_attribute,
            tls: args.tls,
        },
    });
    let mut out = std::io::stdout();
    let _ = writeln!(out, "devca: CA {}", ctx.ca.name());
    let _ = writeln!(out, "devca: trust {}", dir.join(ca::CA_CERT_FILE).display());
    let _ = writeln!(
        out,
        "devca: listening on {scheme}://{host}:{}/certsrv/",
        addr.port()
    );
    let _ = writeln!(
        out,
        "devca: EST at {scheme}://{host}:{}/.well-known/est/",
        addr.port()
    );
    if args.negotiate {
        let keytab = std::env::var("KRB5_KTNAME").unwrap_or_else(|_| "the default keytab".into());
        let _ = writeln!(
            out,
            "devca: Kerberos sign-in (Negotiate) for HTTP/<host> with {keytab}"
        );
    }
    let _ = out.flush();
    runtime.block_on(net::run(ctx, listener, tls, net::Limits::default()));
    Ok(())
}

fn approve(args: &Args) -> Result<(), String> {
    let dir = data_dir(args);
    let id = args.id.unwrap_or(0);
    let store = Store::open(&dir).map_err(|e| e.to_string())?;
    let ca = ca::Ca::load_or_create(&dir)?;
    let res = store
        .update(id, |rec| {
            // a denied request may be approved after all (AD CS resubmits one): the policy
            // decides again, as for a pending one
            if !matches!(rec.status, Status::Pending | Status::Denied) {
                return Err(format!(
                    "request {id} is neither pending nor denied (it is {})",
                    rec.status.as_str()
                ));
            }
            // the `SAN:` attribute is honoured only if `serve` took it when the request came
            // (recorded then; older records: this command's setting), and `--no-san-attribute`
            // here may still refuse it
            let san = rec.san_attribute.unwrap_or(true) && !args.no_san_attribute;
            match server::evaluate(&ca, rec, san, &|der| store.is_revoked(der)) {
                Ok((plan, req)) => {
                    let cert = ca.issue(&plan, &req.public_key)?;
                    // which CA certificate issued it: after `renew-ca`, not the one current
                    // when the request came (certnew.p7b's chain, the CRL it goes on)
                    rec.issued(
                        cert,
                        ca.renewals(),
                        plan.template.name(),
                        server::DISPOSITION_ISSUED,
                    );
                }
                Err(d) => {
                    rec.status = Status::Denied;
                    rec.message = d.message;
                    rec.last_status = d.status;
                }
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    match res {
        None => Err(format!("there is no request {id} in {}", dir.display())),
        Some(Err(e)) => Err(e),
        // the policy refused it again: recorded as denied, and the command fails, so that a
        // script approving requests does not take it for issued
        Some(Ok(rec)) if rec.status == Status::Denied => Err(format!(
            "request {id} was denied again by the policy: {} (it is recorded as denied)",
            rec.message
        )),
        Some(Ok(rec)) => {
            outln!("request {id}: {} ({})", rec.status.as_str(), rec.message);
            Ok(())
        }
    }
}

fn deny(args: &Args) -> Result<(), String> {
    let dir = data_dir(args);
    let id = args.id.unwrap_or(0);
    let store = Store::open(&dir).map_err(|e| e.to_string())?;
    let message = args
        .message
        .clone()
        .unwrap_or_else(|| ADMIN_DENIED.to_string());
    let res = store
        .update(id, |rec| {
            if rec.status != Status::Pending {
                return Err(format!(
                    "request {id} is not pending (it is {})",
                    rec.status.as_str()
                ));
            }
            rec.status = Status::Denied;
            rec.message = message.replace(['\r', '\n'], " ");
            rec.last_status = ADMIN_DENIED.into();
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    match res {
        None => Err(format!("there is no request {id} in {}", dir.display())),
        Some(Err(e)) => Err(e),
        Some(Ok(rec)) => {
            outln!("request {id}: denied ({})", rec.message);
            Ok(())
        }
    }
}

/// The commands that take a request ID.
const TAKES_ID: [&str; 4] = ["approve", "deny", "revoke", "unrevoke"];

/// RFC 5280's reason codes by name (as certutil -revoke takes them) or number. 8,
/// removeFromCRL, is no reason to revoke: a delta CRL lists a held certificate released with it
/// (RFC 5280 §5.3.1), which `unrevoke` does.
fn reason_code(v: &str) -> Option<u32> {
    CRL_REASONS
        .iter()
        .filter(|(_, c)| *c != REMOVE_FROM_CRL)
        .find(|(n, c)| n.eq_ignore_ascii_case(v) || v.parse() == Ok(*c))
        .map(|(_, c)| *c)
}

/// Every certificate in a PEM or DER file (`--client-ca`).
fn read_certificates(path: &std::path::Path) -> Result<Vec<Vec<u8>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let blocks = certreq_pkix::pem::read(&bytes)
        .map_err(|e| format!("{} holds no certificate: {e}", path.display()))?;
    let certs: Vec<Vec<u8>> = blocks.into_iter().map(|b| b.der).collect();
    if certs.is_empty() {
        return Err(format!("{} holds no certificate", path.display()));
    }
    Ok(certs)
}

fn revoke(args: &Args) -> Result<(), String> {
    let dir = data_dir(args);
    let id = args.id.unwrap_or(0);
    let reason = args.reason.unwrap_or(0);
    let store = Store::open(&dir).map_err(|e| e.to_string())?;
    let now = store::unix_now();
    let res = store
        .update(id, |rec| {
            if rec.status != Status::Issued {
                return Err(format!(
                    "request {id} has no certificate to revoke (it is {})",
                    rec.status.as_str()
                ));
            }
            // a hold may be made final with another reason, as certutil -revoke allows; any
            // other revocation stands
            match rec.revoked {
                Some((_, 6)) if reason == 6 => {
                    return Err(format!(
                        "the certificate of request {id} is already on hold"
                    ));
                }
                Some((_, 6)) | None => {}
                Some((_, was)) => {
                    return Err(format!(
                        "the certificate of request {id} is already revoked (reason {was})"
                    ));
                }
            }
            rec.revoked = Some((now, reason));
            rec.released = None;
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    match res {
        None => Err(format!("there is no request {id} in {}", dir.display())),
        Some(Err(e)) => Err(e),
        Some(Ok(rec)) => {
            let serial = x509_cert::Certificate::from_der(&rec.cert)
                .map(|c| {
                    c.tbs_certificate()
                        .serial_number()
                        .as_bytes()
                        .iter()
                        .map(|b| format!("{b:02X}"))
                        .collect::<String>()
                })
                .unwrap_or_default();
            outln!("request {id}: revoked (serial {serial}, reason {reason})");
            Ok(())
        }
    }
}

/// Releases a certificate on hold (revoked as certificateHold), as `certutil -revoke SERIAL
/// unrevoke` does: it is valid again, and a delta CRL over a base CRL that listed it names it
/// removeFromCRL (RFC 5280 §5.3.1). Any other revocation is final.
fn unrevoke(args: &Args) -> Result<(), String> {
    let dir = data_dir(args);
    let id = args.id.unwrap_or(0);
    let store = Store::open(&dir).map_err(|e| e.to_string())?;
    let now = store::unix_now();
    let res = store
        .update(id, |rec| match rec.revoked {
            None => Err(format!("the certificate of request {id} is not revoked")),
            Some((_, 6)) => {
                rec.revoked = None;
                rec.released = Some(now);
                Ok(())
            }
            Some((_, reason)) => Err(format!(
                "the certificate of request {id} was revoked (reason {reason}), not put on \
                 hold: only a hold (certificateHold, 6) can be released"
            )),
        })
        .map_err(|e| e.to_string())?;
    match res {
        None => Err(format!("there is no request {id} in {}", dir.display())),
        Some(Err(e)) => Err(e),
        Some(Ok(_)) => {
            outln!("request {id}: hold released, the certificate is valid again");
            Ok(())
        }
    }
}

fn renew_ca(args: &Args) -> Result<(), String> {
    let dir = data_dir(args);
    let n = ca::Ca::renew(&dir)?;
    outln!(
        "devca: CA renewed: renewal {n} is current ({}); restart a running devca serve",
        dir.join(ca::CA_CERT_FILE).display()
    );
    Ok(())
}

fn list(args: &Args) -> Result<(), String> {
    let dir = data_dir(args);
    let store = Store::open(&dir).map_err(|e| e.to_string())?;
    for id in store.ids() {
        if let Some(r) = store.get(id).map_err(|e| e.to_string())? {
            // an issued certificate since revoked is listed as such, as AD CS's console does
            // with the reason in the message's column
            match r.revoked {
                Some((_, reason)) => outln!(
                    "{}\trevoked\t{}\trevoked: {}",
                    r.id,
                    r.origin,
                    crl_reason_name(reason).map_or_else(|| reason.to_string(), str::to_owned)
                ),
                // (a message is one column: its tabs and line breaks written as spaces)
                None => outln!(
                    "{}\t{}\t{}\t{}",
                    r.id,
                    r.status.as_str(),
                    r.origin,
                    r.message.replace(['\t', '\r', '\n'], " ")
                ),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse_args(&s.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn help_is_asked_for_not_an_error() {
        let v = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        for asked in [
            "--help",
            "-h",
            "help",
            "serve --help",
            "serve --tls -h",
            "approve --help",
        ] {
            assert!(wants_help(&v(asked)), "{asked}");
        }
        for not in [
            "serve",
            "serve --message --help",
            "deny --data d --message -h 3",
            "",
        ] {
            assert!(!wants_help(&v(not)), "{not}");
        }
    }

    #[test]
    fn serve_arguments() {
        let a = args("serve --listen 127.0.0.1:0 --data /tmp/x --tls --basic-auth u:p:q --cors any --policy pending").unwrap();
        assert_eq!(a.listen.as_deref(), Some("127.0.0.1:0"));
        assert!(a.tls);
        assert_eq!(a.basic_auth, vec![("u".into(), "p:q".into())]);
        let b = args(
            "serve --data d --basic-auth a:1 --basic-auth b:2 --allow User=a,b --allow subca=b",
        )
        .unwrap();
        assert_eq!(b.basic_auth.len(), 2);
        assert_eq!(
            b.allow,
            vec![
                (
                    policy::Template::User,
                    vec!["a".to_string(), "b".to_string()]
                ),
                (policy::Template::SubCa, vec!["b".to_string()]),
            ]
        );
        assert!(args("serve --data d --allow Nope=a").is_err());
        assert_eq!(
            args("revoke --data d 3 --reason keyCompromise")
                .unwrap()
                .reason,
            Some(1)
        );
        assert!(args("revoke --data d 3 --reason 7").is_err());
        // removeFromCRL releases a hold in a delta CRL; it revokes nothing
        assert!(args("revoke --data d 3 --reason 8").is_err());
        assert_eq!(
            args("revoke --data d 3 --reason 10").unwrap().reason,
            Some(10)
        );
        assert!(args("revoke --data d").is_err());
        assert!(args("unrevoke --data d").is_err());
        assert_eq!(args("unrevoke --data d 3").unwrap().id, Some(3));
        let k = args("serve --data d --auth negotiate --keytab /k").unwrap();
        assert!(k.negotiate);
        assert_eq!(k.keytab, Some(PathBuf::from("/k")));
        assert!(args("serve --data d --keytab /k").is_err());
        assert!(args("serve --data d --auth ntlm").is_err());
        assert_eq!(a.cors, Some(Cors::Any));
        assert_eq!(a.policy, Some(Policy::Pending));
    }

    /// A request held before `renew-ca` and approved after it is issued by the current key,
    /// and recorded so: certnew.p7b then ships that key's CA certificate and a revocation
    /// lands on that key's CRL.
    #[test]
    fn approve_records_which_ca_certificate_issued() {
        let dir = ca::tests::tempdir::Dir::new("approve-renewed");
        let store = Store::open(dir.path()).unwrap();
        ca::Ca::load_or_create(dir.path()).unwrap();
        assert_eq!(ca::Ca::renew(dir.path()).unwrap(), 1);
        let mut held = store::Record::new("web", "", csr::tests::ec_csr("CN=later", &[]));
        held.status = Status::Pending;
        held.held = true;
        let id = store.insert(held).unwrap().id;
        approve(&args(&format!("approve --data {} {id}", dir.path().display())).unwrap()).unwrap();
        let rec = store.get(id).unwrap().unwrap();
        assert_eq!(rec.status, Status::Issued);
        assert_eq!(rec.renewal, 1, "issued by renewal 1's key");
        let ca = ca::Ca::load_or_create(dir.path()).unwrap();
        assert_eq!(ca.cert_of(rec.renewal), Some(ca.cert_der.as_slice()));
    }

    /// `serve --no-san-attribute` ignored a request's `SAN:` attribute; `devca approve`
    /// (without the option) must not honour it later.
    #[test]
    fn approve_keeps_the_san_attribute_setting_serve_ran_with() {
        let dir = ca::tests::tempdir::Dir::new("approve-san");
        let mut c = server::tests::ctx(dir.path(), Policy::Pending, false);
        c.config.san_attribute = false;
        let csr = csr::tests::ec_csr("CN=asked.example", &["asked.example"]);
        let Ok(server::Outcome::Pending(held)) = c.submit("web", "SAN:dns=evil.example", csr, None)
        else {
            panic!("not held");
        };
        approve(
            &args(&format!(
                "approve --data {} {}",
                dir.path().display(),
                held.id
            ))
            .unwrap(),
        )
        .unwrap();
        let rec = c.store.get(held.id).unwrap().unwrap();
        assert_eq!(rec.status, Status::Issued, "{}", rec.message);
        let names = |needle: &[u8]| rec.cert.windows(needle.len()).any(|w| w == needle);
        assert!(names(b"asked.example"));
        assert!(!names(b"evil.example"), "the SAN: attribute serve ignored");
    }

    /// An approval the policy refuses is recorded as denied and fails the command: a script
    /// running `devca approve N && …` must not carry on as if it were issued.
    #[test]
    fn approve_fails_when_the_policy_denies() {
        let dir = ca::tests::tempdir::Dir::new("approve-denied");
        let store = Store::open(dir.path()).unwrap();
        ca::Ca::load_or_create(dir.path()).unwrap();
        let mut held = store::Record::new("web", "", b"not a request".to_vec());
        held.status = Status::Pending;
        let id = store.insert(held).unwrap().id;
        let err = approve(&args(&format!("approve --data {} {id}", dir.path().display())).unwrap())
            .unwrap_err();
        assert!(err.contains(&format!("request {id} was denied")), "{err}");
        let rec = store.get(id).unwrap().unwrap();
        assert_eq!(rec.status, Status::Denied);
        assert!(err.contains(&rec.message), "{err} / {}", rec.message);
    }

    #[test]
    fn approve_and_deny_need_an_id() {
        // list takes none: an option it does not know is not taken for one
        for extra in ["-v", "3"] {
            let err = args(&format!("list --data d {extra}")).unwrap_err();
            assert_eq!(err, format!("unexpected argument {extra:?}"));
        }
        assert_eq!(args("approve --data d 12").unwrap().id, Some(12));
        assert!(args("approve --data d").is_err());
        assert!(args("deny --data d x").is_err());
        assert!(args("serve").is_err());
        assert!(args("serve --data d --policy maybe").is_err());
        assert!(args("frobnicate --data d").is_err());
        assert!(args("serve --data").is_err());
    }
}
