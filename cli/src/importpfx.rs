//! `certreq -importpfx [-p Password] [-f] [-allownomac] [-q] PfxFileIn`: an extension (on
//! Windows, `certutil -importPFX` puts a PFX into the certificate store). The PFX's private
//! key and the certificate for it, with the chain the file holds, become an issued entry of
//! the key store, just as `-accept` leaves one, so `-accept -pfx` exports it again and an INF
//! with `UseExistingKeySet` signs new requests with it.
//!
//! Refused, with nothing changed: a wrong password; a PFX without a MAC (unless
//! `-allownomac`), without a private key, with several, or without a certificate for its key;
//! a key the store already has (the entry is named; `-f` replaces it). Everything is read and
//! checked before the store is touched, and the entry is built in a hidden directory and
//! renamed into place ([`Store::create`], [`Store::replace`]), so it is all there or not at
//! all. The password is `-p`, else `CERTREQ_PFX_PASSWORD` (as `-accept -pfx` takes it), else
//! `CERTREQ_PASSWORD` (as `-p` falls back elsewhere).

use std::fmt;
use std::path::{Path, PathBuf};

use certreq_pkix::cert::{Certificate, Response, ResponseKind, build_certs_only_pkcs7};
use certreq_pkix::pem::{self, Label};
use certreq_read::pkcs12::{self, Integrity, MacPolicy, Pkcs12Error};
use certreq_read::response;
use zeroize::Zeroizing;

use crate::args::{Invocation, Opt};
use crate::keys::KeyPair;
use crate::store::{self, Entry, Meta, NewEntry, Store};
use crate::submit::{self, Failure};

const ACCEPTED: [Opt; 7] = [
    Opt::Password,
    Opt::Force,
    Opt::AllowNoMac,
    Opt::Quiet,
    Opt::User,
    Opt::Verbose,
    Opt::Help,
];

/// Runs `-importpfx`; returns the exit status.
pub fn run(inv: &Invocation) -> i32 {
    submit::report(import(inv))
}

/// Why a PFX was not imported (each says that nothing changed).
#[derive(Debug)]
enum Refusal {
    /// The PFX reader's refusal (wrong password, no MAC, unsupported, malformed).
    Pfx(Pkcs12Error),
    NoKey,
    SeveralKeys(usize),
    /// The key is not RSA or ECDSA P-256/384/521, or does not decode.
    Key(String),
    /// A certificate in the PFX does not decode.
    Certificate(String),
    /// No certificate for the key: how many there were, and the key's algorithm.
    NoMatchingCertificate {
        certificates: usize,
        key: String,
    },
    /// The store has this key already (and -f was not given).
    AlreadyStored(Box<Entry>),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Pfx(Pkcs12Error::MacMissing) => f.write_str(
                "the PFX has no integrity check (MAC), so nothing shows it was not altered; \
                 give -allownomac to import it all the same",
            ),
            Refusal::Pfx(Pkcs12Error::WrongPassword) => f.write_str(
                "the password is wrong: the PFX's integrity check (MAC) does not verify with it",
            ),
            Refusal::Pfx(e) => e.fmt(f),
            Refusal::NoKey => f.write_str("it holds no private key, only certificates"),
            Refusal::SeveralKeys(n) => write!(
                f,
                "it holds {n} private keys; this certreq imports one key at a time (split the \
                 file, e.g. with openssl pkcs12)"
            ),
            Refusal::Key(why) => write!(f, "its private key cannot be used here: {why}"),
            Refusal::Certificate(why) => write!(f, "a certificate in it does not decode: {why}"),
            Refusal::NoMatchingCertificate { certificates, key } => match certificates {
                0 => write!(f, "it holds a {key} key but no certificate"),
                1 => write!(f, "its one certificate is not for its {key} key"),
                n => write!(f, "none of its {n} certificates is for its {key} key"),
            },
            Refusal::AlreadyStored(entry) => {
                let m = &entry.meta;
                write!(
                    f,
                    "its key is already in the key store: entry {} (container `{}`, {}) in {}; \
                     give -f to replace that entry",
                    m.id,
                    m.container,
                    if m.state.is_empty() {
                        "no state"
                    } else {
                        &m.state
                    },
                    entry.dir.display()
                )
            }
        }
    }
}

/// What a PFX yields for the store, all checked.
struct Opened {
    key: KeyPair,
    spki: Vec<u8>,
    friendly_name: Option<String>,
    integrity: Integrity,
    leaf: Certificate,
    /// Leaf first, then its issuers among the PFX's certificates.
    chain: Vec<Certificate>,
    /// Certificates in the PFX outside that chain (left out).
    others: usize,
}

fn import(inv: &Invocation) -> Result<(), Failure> {
    submit::check_options(inv, "importpfx", &ACCEPTED)?;
    let path = match inv.args.as_slice() {
        [one] => PathBuf::from(one),
        [] => {
            return Err(Failure::Usage(
                "-importpfx needs the PFX file: certreq -importpfx [-p Password] PfxFileIn".into(),
            ));
        }
        [_, extra, ..] => {
            return Err(Failure::Usage(format!(
                "unexpected argument `{extra}`: certreq -importpfx takes one PFX file"
            )));
        }
    };
    let env = |k: &str| std::env::var(k).ok();
    let Some(password) = password(inv.value(Opt::Password), &env) else {
        return Err(Failure::Usage(
            "-importpfx needs the PFX password: give -p Password (-p \"\" for none) or set \
             CERTREQ_PFX_PASSWORD"
                .into(),
        ));
    };
    let mac_policy = if inv.has(Opt::AllowNoMac) {
        MacPolicy::AllowMissing
    } else {
        MacPolicy::Required
    };
    let force = inv.has(Opt::Force);
    let refused =
        |r: Refusal| -> Failure { format!("{}: {r}; nothing was imported", path.display()).into() };

    // 1. read and check everything before the store is touched
    let bytes = Zeroizing::new(submit::read_limited(&path)?);
    let opened = open(&bytes, &password, mac_policy).map_err(refused)?;
    let store = Store::from_env()?;
    // what a run killed mid-write left behind goes first
    store.sweep();
    let existing = store.find_spki(&opened.spki);
    if let Some(entry) = &existing
        && !force
    {
        return Err(refused(Refusal::AlreadyStored(Box::new(entry.clone()))));
    }

    // 2. the entry, as -accept leaves one
    let id = store::entry_id(&opened.spki);
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let meta = Meta {
        // a replaced entry keeps its container name, which INF files may name
        container: existing
            .as_ref()
            .map_or_else(|| id.clone(), |e| e.meta.container.clone()),
        id,
        friendly_name: opened.friendly_name.clone(),
        created,
        state: "issued".into(),
        algorithm: opened.key.describe(),
        // it came in a PFX: whoever has the file has the key; -accept -pfx may export it
        exportable: true,
        thumbprint: Some(opened.leaf.thumbprint_sha1()),
        imported_from: Some(absolute(&path).display().to_string()),
        ..Meta::default()
    };
    let pkcs8 = opened.key.pkcs8_der()?;
    let cert_pem = pem::write(Label::Certificate, opened.leaf.der());
    let p7b = build_certs_only_pkcs7(opened.chain.iter().map(Certificate::der));
    let entry = NewEntry {
        meta,
        key_pkcs8: &pkcs8,
        request_der: None,
        inf_text: None,
        issued: Some((&cert_pem, &p7b)),
    };
    // 3. into place, whole
    let dir = match &existing {
        Some(old) => store.replace(old, &entry)?,
        None => store.create(&entry)?,
    };

    if opened.integrity == Integrity::Unchecked {
        eprintln!(
            "certreq: warning: {} has no integrity check (MAC); imported because -allownomac was given",
            path.display()
        );
    }
    if !inv.has(Opt::Quiet) {
        let leaf = &opened.leaf;
        outln!("Imported PFX: {}", path.display());
        outln!(
            "  Serial Number: {}",
            leaf.serial_hex().to_ascii_lowercase()
        );
        outln!("  Subject: {}", leaf.subject());
        outln!("  Issuer: {}", leaf.issuer());
        outln!("  NotBefore: {}", date(leaf.not_before()));
        outln!("  NotAfter: {}", date(leaf.not_after()));
        outln!(
            "  Thumbprint: {}",
            leaf.thumbprint_sha1().to_ascii_lowercase()
        );
        outln!(
            "  Chain: {} certificate{}",
            opened.chain.len(),
            if opened.chain.len() == 1 { "" } else { "s" }
        );
        if opened.others > 0 {
            outln!(
                "  ({} other certificate{} in the PFX, not in this chain, left out)",
                opened.others,
                if opened.others == 1 { "" } else { "s" }
            );
        }
        outln!(
            "Key: {} {} in {} (container `{}`)",
            opened.key.describe(),
            if existing.is_some() {
                "replaced"
            } else {
                "stored"
            },
            dir.display(),
            entry.meta.container
        );
    }
    Ok(())
}

/// The PFX password: `-p`, else `CERTREQ_PFX_PASSWORD`, else `CERTREQ_PASSWORD`.
fn password(
    given: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Zeroizing<String>> {
    given
        .map(str::to_string)
        .or_else(|| env("CERTREQ_PFX_PASSWORD"))
        .or_else(|| env("CERTREQ_PASSWORD"))
        .map(Zeroizing::new)
}

/// Opens the PFX and finds in it what the store needs.
fn open(pfx: &[u8], password: &str, mac_policy: MacPolicy) -> Result<Opened, Refusal> {
    let contents = pkcs12::read(pfx, password, mac_policy).map_err(Refusal::Pfx)?;
    if contents.key_count > 1 {
        return Err(Refusal::SeveralKeys(contents.key_count));
    }
    let pkcs8 = contents.private_key_pkcs8.as_ref().ok_or(Refusal::NoKey)?;
    let key = KeyPair::from_pkcs8_der(pkcs8).map_err(Refusal::Key)?;
    let spki = key.spki_der().map_err(Refusal::Key)?;
    let certificates = contents
        .certificates
        .iter()
        .map(|der| response::certificate(der).map_err(|e| Refusal::Certificate(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let count = certificates.len();
    let bundle = Response::from_parts(ResponseKind::CertificateBundle, certificates, None);
    let leaf = bundle
        .leaf_for(&spki)
        .ok_or_else(|| Refusal::NoMatchingCertificate {
            certificates: count,
            key: key.describe(),
        })?;
    let chain: Vec<Certificate> = bundle.chain_for(leaf).into_iter().cloned().collect();
    Ok(Opened {
        spki,
        friendly_name: contents.friendly_name.clone(),
        integrity: contents.integrity,
        leaf: leaf.clone(),
        others: bundle.certificates().len() - chain.len(),
        chain,
        key,
    })
}

fn date(secs: i64) -> String {
    store::rfc3339(u64::try_from(secs).unwrap_or(0))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_comes_from_p_then_the_pfx_then_the_general_variable() {
        let both = |k: &str| match k {
            "CERTREQ_PFX_PASSWORD" => Some("pfx".to_string()),
            "CERTREQ_PASSWORD" => Some("general".to_string()),
            _ => None,
        };
        let general = |k: &str| (k == "CERTREQ_PASSWORD").then(|| "general".to_string());
        let none = |_: &str| None;
        let got = |given, env: &dyn Fn(&str) -> Option<String>| {
            password(given, env).map(|p| p.as_str().to_string())
        };
        assert_eq!(got(Some("given"), &both).as_deref(), Some("given"));
        assert_eq!(got(Some(""), &both).as_deref(), Some(""));
        assert_eq!(got(None, &both).as_deref(), Some("pfx"));
        assert_eq!(got(None, &general).as_deref(), Some("general"));
        assert_eq!(got(None, &none), None);
    }
}
