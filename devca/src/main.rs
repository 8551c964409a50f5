//! devca — a development CA that speaks AD CS Web Enrollment (`/certsrv/`) and EST
//! (`/.well-known/est/`), with real signing. For demos and tests; not for production.
//!
//! ```text
//! devca serve --data DIR [--listen ADDR] [--tls] [--basic-auth USER:PASS] [--cors ORIGIN|any]
//!             [--dist DIR] [--policy issue|pending] [--no-san-attribute]
//! devca approve --data DIR ID [--no-san-attribute]
//! devca deny    --data DIR ID [--message TEXT]
//! devca list    --data DIR
//! ```
//!
//! Templates: WebServer (serverAuth, 2 years), User (clientAuth + emailProtection, 1 year),
//! Machine (clientAuth + serverAuth, 1 year), SubCA (CA:TRUE, keyCertSign|cRLSign, 5 years).
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

mod ca;
mod csr;
mod http;
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

use server::{Config, Cors, Ctx, Policy};
use store::{Status, Store};

const USAGE: &str = "usage:
  devca serve --data DIR [--listen ADDR] [--tls] [--basic-auth USER:PASS] [--cors ORIGIN|any]
              [--dist DIR] [--policy issue|pending] [--no-san-attribute]
  devca approve --data DIR ID [--no-san-attribute]
  devca deny --data DIR ID [--message TEXT]
  devca list --data DIR";

pub const ADMIN_DENIED: &str =
    "Denied by the CA administrator. 0x80094014 (-2146877420 CERTSRV_E_ADMIN_DENIED_REQUEST)";

#[derive(Debug, Default, PartialEq, Eq)]
struct Args {
    command: String,
    listen: Option<String>,
    data: Option<PathBuf>,
    tls: bool,
    basic_auth: Option<(String, String)>,
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
    if !["serve", "approve", "deny", "list"].contains(&a.command.as_str()) {
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
                a.basic_auth = Some((u.to_string(), p.to_string()));
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
            s if !s.starts_with("--") && a.id.is_none() => {
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
    if (a.command == "approve" || a.command == "deny") && a.id.is_none() {
        return Err(format!("{} needs a request ID", a.command));
    }
    Ok(a)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("devca: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match args.command.as_str() {
        "serve" => serve(args),
        "approve" => approve(&args),
        "deny" => deny(&args),
        _ => list(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("devca: {e}");
            ExitCode::FAILURE
        }
    }
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
    let tls = if args.tls {
        let (cert, key) = ca.tls_identity(&dir)?;
        Some(Arc::new(net::tls_config(cert, key)?))
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
            cors: args.cors.clone(),
            dist: args.dist.clone(),
            san_attribute: !args.no_san_attribute,
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
    let _ = out.flush();
    runtime.block_on(net::run(ctx, listener, tls, net::Limits::default()));
    Ok(())
}

fn approve(args: &Args) -> Result<(), String> {
    let dir = data_dir(args);
    let id = args.id.unwrap_or(0);
    let store = Store::open(&dir).map_err(|e| e.to_string())?;
    let ca = ca::Ca::load_or_create(&dir)?;
    let san = !args.no_san_attribute;
    let res = store
        .update(id, |rec| {
            if rec.status != Status::Pending {
                return Err(format!(
                    "request {id} is not pending (it is {})",
                    rec.status.as_str()
                ));
            }
            match server::evaluate(rec, san) {
                Ok((plan, req)) => {
                    rec.cert = ca.issue(&plan, &req.public_key)?;
                    rec.status = Status::Issued;
                    rec.message = server::DISPOSITION_ISSUED.into();
                    rec.last_status = store::STATUS_OK.into();
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
        Some(Ok(rec)) => {
            println!("request {id}: {} ({})", rec.status.as_str(), rec.message);
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
            println!("request {id}: denied ({})", rec.message);
            Ok(())
        }
    }
}

fn list(args: &Args) -> Result<(), String> {
    let dir = data_dir(args);
    let store = Store::open(&dir).map_err(|e| e.to_string())?;
    for id in store.ids() {
        if let Some(r) = store.get(id).map_err(|e| e.to_string())? {
            println!(
                "{}\t{}\t{}\t{}",
                r.id,
                r.status.as_str(),
                r.origin,
                r.message
            );
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
    fn serve_arguments() {
        let a = args("serve --listen 127.0.0.1:0 --data /tmp/x --tls --basic-auth u:p:q --cors any --policy pending").unwrap();
        assert_eq!(a.listen.as_deref(), Some("127.0.0.1:0"));
        assert!(a.tls);
        assert_eq!(a.basic_auth, Some(("u".into(), "p:q".into())));
        assert_eq!(a.cors, Some(Cors::Any));
        assert_eq!(a.policy, Some(Policy::Pending));
    }

    #[test]
    fn approve_and_deny_need_an_id() {
        assert_eq!(args("approve --data d 12").unwrap().id, Some(12));
        assert!(args("approve --data d").is_err());
        assert!(args("deny --data d x").is_err());
        assert!(args("serve").is_err());
        assert!(args("serve --data d --policy maybe").is_err());
        assert!(args("frobnicate --data d").is_err());
        assert!(args("serve --data").is_err());
    }
}
