//! `certreq -accept [-pfx PfxOut [-p Password] [-legacy]] [-f] [-q] CertIn`: pair an issued
//! certificate (`.cer`, `.p7b` or CMC `.rsp`, PEM or DER) with the key `-new` left in the store.
//!
//! The entry is found by the certificate's public key (the store names entries by it). Nothing
//! changes unless everything can be done: the PFX (when asked for) is built in memory and
//! written first, then `cert.pem` and `chain.p7b` are attached and the entry's state becomes
//! `issued`. Like certreq, an entry already accepted may be accepted again.
//!
//! `-pfx` is an extension (certreq installs into the Windows store; export is certutil's job):
//! it writes a PKCS#12 with the key, the certificate and its chain, only when the INF said
//! `Exportable = TRUE`. The password comes from `-p`, else `CERTREQ_PFX_PASSWORD`.

use std::path::PathBuf;

use certreq_read::pkcs12::{self, PfxInput, Profile};
use certreq_read::response;
use zeroize::Zeroizing;

use crate::args::{Invocation, Opt};
use crate::fsio;
use crate::store::Store;
use crate::submit::{self, Failure};

const ACCEPTED: [Opt; 8] = [
    Opt::Pfx,
    Opt::Password,
    Opt::Legacy,
    Opt::Force,
    Opt::Quiet,
    Opt::User,
    Opt::Verbose,
    Opt::Help,
];

/// Runs `-accept`; returns the exit status.
pub fn run(inv: &Invocation) -> i32 {
    submit::report(accept(inv))
}

fn accept(inv: &Invocation) -> Result<(), Failure> {
    submit::check_options(inv, "accept", &ACCEPTED)?;
    let path = match inv.args.as_slice() {
        [one] => PathBuf::from(one),
        [] => {
            return Err(Failure::Usage(
                "-accept needs the certificate file: certreq -accept CertIn (.cer, .p7b or .rsp)"
                    .into(),
            ));
        }
        [_, extra, ..] => {
            return Err(Failure::Usage(format!(
                "unexpected argument `{extra}`: certreq -accept takes one certificate file"
            )));
        }
    };
    if inv.has(Opt::Legacy) && !inv.has(Opt::Pfx) {
        return Err(Failure::Usage(
            "-legacy chooses the PFX encryption; it needs -pfx PfxFileOut".into(),
        ));
    }
    let pfx_out = inv.value(Opt::Pfx).map(PathBuf::from);
    let password = match &pfx_out {
        None => {
            if inv.has(Opt::Password) {
                return Err(Failure::Usage(
                    "-p is the PFX password here; it needs -pfx PfxFileOut".into(),
                ));
            }
            None
        }
        Some(_) => match inv
            .value(Opt::Password)
            .map(str::to_string)
            .or_else(|| std::env::var("CERTREQ_PFX_PASSWORD").ok())
        {
            Some(p) => Some(Zeroizing::new(p)),
            None => {
                return Err(Failure::Usage(
                    "-pfx needs a password to protect the key: give -p Password or set CERTREQ_PFX_PASSWORD"
                        .into(),
                ));
            }
        },
    };
    let force = inv.has(Opt::Force);
    if let Some(pfx) = &pfx_out
        && fsio::same_file(pfx, &path)
    {
        return Err(Failure::Usage(format!(
            "{} is also the certificate to accept: writing the PFX there would destroy it; name \
             another PfxFileOut",
            pfx.display()
        )));
    }
    if let Some(pfx) = &pfx_out
        && !force
        && fsio::would_replace(pfx)
    {
        return Err(Failure::Message(format!(
            "{} already exists; use -f to overwrite it",
            pfx.display()
        )));
    }

    let bytes = submit::read_limited(&path)?;
    let parsed = response::parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(status) = &parsed.cmc_status
        && status.status != certreq_pkix::cert::CmcStatus::Success
    {
        let text = status.text.as_deref().unwrap_or("no status text");
        return Err(format!(
            "{}: the CA's response says {} ({text}), not success: there is no certificate to accept",
            path.display(),
            status.status.name()
        )
        .into());
    }
    let store = Store::from_env()?;
    // what a run killed mid-write left behind goes first
    store.sweep();
    // the certificate the answer is for first, then those that are not a CA's: a chain that
    // lists its CA first binds the leaf, even when the CA's key is in the store too
    let leaf_der = parsed.leaf().map(|c| c.der());
    let mut candidates: Vec<_> = parsed.certificates().iter().collect();
    candidates.sort_by_key(|c| (Some(c.der()) != leaf_der, c.is_ca()));
    let found = candidates
        .into_iter()
        .find_map(|c| store.find_spki(c.spki_der()).map(|e| (c, e)));
    let Some((leaf, entry)) = found else {
        let leaf = parsed.leaf();
        let what = leaf.map_or_else(String::new, |c| {
            format!(
                " ({}, thumbprint {})",
                c.subject(),
                c.thumbprint_sha1().to_ascii_lowercase()
            )
        });
        return Err(format!(
            "no key in the key store {} matches the certificate{what}: it was requested with \
             another key, on another machine, or by another user; nothing was changed",
            store.root.display()
        )
        .into());
    };
    // issuers the CA left out (a bare .cer accepted after its .p7b, say) come from the CA
    // certificates the store holds already, as Windows' stores keep what certreq installed
    let mut pool = parsed.certificates().to_vec();
    for held in store.certificates() {
        if held.cert.is_ca() && !pool.iter().any(|c| c.der() == held.cert.der()) {
            pool.push(held.cert);
        }
    }
    let pool = certreq_pkix::cert::Response::from_parts(parsed.kind, pool, None);
    let chain = pool.chain_for(leaf);
    let p7b = certreq_pkix::cert::build_certs_only_pkcs7(chain.iter().map(|c| c.der()));

    // the PFX first: it is the step that may be refused
    if let (Some(pfx_path), Some(password)) = (&pfx_out, &password) {
        if !entry.meta.exportable {
            return Err(format!(
                "the key of {} is not exportable: its INF did not say Exportable = TRUE; \
                 make a new request with Exportable = TRUE to get a PFX; nothing was changed",
                leaf.subject()
            )
            .into());
        }
        let key = entry.read_key()?;
        let issuers: Vec<&[u8]> = chain.iter().skip(1).map(|c| c.der()).collect();
        let friendly = entry.meta.friendly_name.as_deref();
        if let Some(name) = friendly.filter(|n| n.chars().any(|c| u32::from(c) > 0xFFFF)) {
            eprintln!(
                "certreq: warning: the PFX has no friendly name: {name:?} has characters beyond \
                 U+FFFF, which PKCS #12's BMPString cannot hold (the store keeps it)"
            );
        }
        let input = PfxInput {
            private_key_pkcs8: &key,
            leaf: leaf.der(),
            chain: &issuers,
            friendly_name: friendly,
        };
        let profile = if inv.has(Opt::Legacy) {
            Profile::Legacy
        } else {
            Profile::Modern
        };
        let mut random =
            |buf: &mut [u8]| getrandom::fill(buf).map_err(|_| pkcs12::RandomUnavailable);
        let pfx = pkcs12::write(&input, password, profile, &mut random)
            .map_err(|e| format!("cannot build the PFX: {e}"))?;
        fsio::write_atomic(pfx_path, &pfx, fsio::PRIVATE_FILE, force)
            .map_err(|e| crate::submit::write_error(pfx_path, &e))?;
    }

    // the store keeps one certificate with a key: one it held before is said to be replaced
    // (Windows keeps both in its store)
    let thumbprint = leaf.thumbprint_sha1();
    if let Some(old) = entry.meta.thumbprint.as_deref()
        && !old.eq_ignore_ascii_case(&thumbprint)
    {
        eprintln!(
            "certreq: warning: the key's certificate {} is replaced by this one ({}); keep \
             its file if you still need it",
            old.to_ascii_lowercase(),
            thumbprint.to_ascii_lowercase()
        );
    }
    let mut meta = entry.meta.clone();
    meta.state = "issued".into();
    meta.disposition = Some("issued".into());
    meta.thumbprint = Some(thumbprint);
    let cert_pem = certreq_pkix::pem::write(certreq_pkix::pem::Label::Certificate, leaf.der());
    store.attach(&entry, &cert_pem, &p7b, &meta)?;

    if !inv.has(Opt::Quiet) {
        outln!("Installed Certificate:");
        outln!(
            "  Serial Number: {}",
            leaf.serial_hex().to_ascii_lowercase()
        );
        outln!("  Subject: {}", leaf.subject());
        outln!("  NotBefore: {}", date(leaf.not_before()));
        outln!("  NotAfter: {}", date(leaf.not_after()));
        outln!(
            "  Thumbprint: {}",
            leaf.thumbprint_sha1().to_ascii_lowercase()
        );
        outln!("Key: {} in {}", entry.meta.algorithm, entry.dir.display());
        if let Some(pfx) = &pfx_out {
            outln!(
                "PFX: {} ({})",
                pfx.display(),
                if inv.has(Opt::Legacy) {
                    "legacy: 3DES, SHA-1 MAC"
                } else {
                    "AES-256, SHA-256 MAC"
                }
            );
        }
    }
    Ok(())
}

fn date(secs: i64) -> String {
    crate::store::rfc3339(u64::try_from(secs).unwrap_or(0))
}
