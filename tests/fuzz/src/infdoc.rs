//! INF documents built from the schema, for a structure-aware target: sections and keys that
//! exist (most of the time), values of the shapes those keys take, and enough noise (unknown
//! names, quoting, `%subst%`, continuation lines, comments) to reach the reader's corners while
//! most documents still lower.

use arbitrary::{Arbitrary, Result, Unstructured};
use certreq_schema::{KEYS, SECTIONS, TOKENS};

/// A whole INF file.
#[derive(Debug)]
pub struct Doc(pub String);

impl<'a> Arbitrary<'a> for Doc {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut out = String::new();
        if u.ratio(1, 8)? {
            out.push_str("; a comment\r\n");
        }
        // almost every request INF has these two
        if u.ratio(7, 8)? {
            out.push_str("[Version]\nSignature=\"$Windows NT$\"\n");
        }
        let newrequest = u.ratio(7, 8)?;
        if newrequest {
            out.push_str("[NewRequest]\n");
            let n = u.int_in_range(0..=12)?;
            for _ in 0..n {
                entry(u, "NewRequest", &mut out)?;
            }
        }
        let sections = u.int_in_range(0..=4)?;
        for _ in 0..sections {
            let name = if u.ratio(7, 8)? {
                u.choose(SECTIONS)?.name.to_string()
            } else {
                word(u)?
            };
            out.push_str(&format!("[{name}]\n"));
            let n = u.int_in_range(0..=6)?;
            for _ in 0..n {
                entry(u, &name, &mut out)?;
            }
        }
        Ok(Doc(out))
    }
}

fn word(u: &mut Unstructured<'_>) -> Result<String> {
    let s: String = u.arbitrary()?;
    Ok(s.chars()
        .filter(|c| !matches!(c, '\n' | '\r'))
        .take(24)
        .collect())
}

fn entry(u: &mut Unstructured<'_>, section: &str, out: &mut String) -> Result<()> {
    let keys: Vec<_> = KEYS.iter().filter(|k| k.section == section).collect();
    let key = if !keys.is_empty() && u.ratio(6, 7)? {
        u.choose(&keys)?.key.to_string()
    } else if section == "Extensions" || u.ratio(1, 2)? {
        oid_text(u)?
    } else {
        word(u)?
    };
    let value = value(u, &key)?;
    let sep = *u.choose(&[" = ", "=", " =", "\t=\t"])?;
    match u.int_in_range(0u8..=9)? {
        0 => out.push_str(&format!("{key}{sep}{value}\n")),
        1 => out.push_str(&format!("{key}{sep}\"{value}\"\r\n")),
        2 => {
            // continued over two lines
            let cut = value.char_indices().nth(value.chars().count() / 2);
            let (a, b) = value.split_at(cut.map_or(value.len(), |(i, _)| i));
            out.push_str(&format!("_continue_ = \"{a}\"\n_continue_ = \"{b}\"\n"));
            let _ = key;
        }
        3 => {
            out.push_str(&format!("{key}{sep}%S%\n"));
            out.push_str(&format!("[Strings]\nS = \"{value}\"\n[{section}]\n"));
        }
        4 => out.push_str(&format!("{key}{sep}\"{value}\" ; note\n")),
        _ => out.push_str(&format!("{key}{sep}\"{value}\"\n")),
    }
    Ok(())
}

fn oid_text(u: &mut Unstructured<'_>) -> Result<String> {
    let known = [
        "2.5.29.17",
        "2.5.29.37",
        "2.5.29.19",
        "2.5.29.15",
        "2.5.29.32",
        "2.5.29.30",
        "2.5.29.14",
        "1.3.6.1.4.1.311.20.2",
        "1.3.6.1.4.1.311.21.7",
        "1.3.6.1.4.1.311.21.10",
        "1.2.840.113549.1.9.15",
    ];
    if u.ratio(4, 5)? {
        Ok(u.choose(&known)?.to_string())
    } else {
        let arcs: Vec<u32> = u.arbitrary()?;
        let mut s = format!("{}.{}", u.int_in_range(0..=2)?, u.int_in_range(0..=39)?);
        for a in arcs.iter().take(8) {
            s.push_str(&format!(".{a}"));
        }
        Ok(s)
    }
}

fn value(u: &mut Unstructured<'_>, key: &str) -> Result<String> {
    let k = key.to_ascii_lowercase();
    Ok(match k.as_str() {
        "subject" => {
            let attrs = [
                "CN",
                "O",
                "OU",
                "L",
                "S",
                "C",
                "E",
                "DC",
                "STREET",
                "SN",
                "G",
                "T",
                "I",
                "SERIALNUMBER",
                "POSTALCODE",
                "1.2.3.4",
                "UID",
            ];
            let n = u.int_in_range(0..=4)?;
            let mut parts = Vec::new();
            for _ in 0..n {
                let attr = u.choose(&attrs)?;
                let mut v = word(u)?;
                if u.ratio(1, 3)? {
                    v = format!("\"\"{v}\"\"");
                }
                parts.push(format!("{attr}={v}"));
            }
            let sep = u.choose(&[", ", ",", "; ", "+"])?;
            parts.join(sep)
        }
        "keylength" => u
            .choose(&["2048", "1024", "3072", "4096", "256", "384", "521", "0"])?
            .to_string(),
        "keyalgorithm" => u
            .choose(&["RSA", "ECDSA_P256", "ECDSA_P384", "ECDSA_P521", "ECC"])?
            .to_string(),
        "hashalgorithm" => u
            .choose(&["sha256", "SHA384", "sha512", "sha1", "md5"])?
            .to_string(),
        "requesttype" => u.choose(&["PKCS10", "CMC", "Cert", "PKCS7"])?.to_string(),
        "keyusage" => {
            let flags = [
                "CERT_DIGITAL_SIGNATURE_KEY_USAGE",
                "CERT_KEY_ENCIPHERMENT_KEY_USAGE",
                "CERT_KEY_CERT_SIGN_KEY_USAGE",
                "0xa0",
                "0x80",
                "0x1",
            ];
            let n = u.int_in_range(1..=3)?;
            let mut v = Vec::new();
            for _ in 0..n {
                v.push(*u.choose(&flags)?);
            }
            v.join(" | ")
        }
        "notbefore" | "notafter" => {
            let y = u.int_in_range(1940..=10000)?;
            let m = u.int_in_range(0..=13)?;
            let d = u.int_in_range(0..=32)?;
            format!(
                "{m}/{d}/{y} {}:{:02}",
                u.int_in_range(0..=25)?,
                u.int_in_range(0..=61)?
            )
        }
        "validityperiod" => u
            .choose(&[
                "Years", "Months", "Weeks", "Days", "Hours", "Minutes", "Seconds",
            ])?
            .to_string(),
        "validityperiodunits" | "x500nameflags" | "keyspec" | "providertype" => {
            let n: i64 = u.arbitrary()?;
            if u.ratio(1, 2)? {
                (n % 100).to_string()
            } else {
                n.to_string()
            }
        }
        "exportable"
        | "machinekeyset"
        | "suppressdefaults"
        | "silent"
        | "usexistingkeyset"
        | "smime"
        | "alternatesignaturealgorithm" => u
            .choose(&["TRUE", "FALSE", "true", "1", "0", "yes"])?
            .to_string(),
        _ => ext_value(u, key)?,
    })
}

/// An `[Extensions]` value (or anything, for other keys).
fn ext_value(u: &mut Unstructured<'_>, key: &str) -> Result<String> {
    let tokens: Vec<_> = TOKENS.iter().filter(|t| t.context == key).collect();
    let mut v = String::new();
    if u.ratio(1, 6)? {
        v.push_str("{critical}");
    }
    if !tokens.is_empty() && u.ratio(4, 5)? {
        v.push_str("{text}");
        let n = u.int_in_range(1..=4)?;
        let mut parts = Vec::new();
        for _ in 0..n {
            let t = u.choose(&tokens)?;
            parts.push(format!("{}={}", t.token, word(u)?));
        }
        v.push_str(&parts.join(*u.choose(&["&", ", ", "&\n_continue_ = \""])?));
    } else {
        match u.int_in_range(0u8..=3)? {
            0 => {
                let bytes: Vec<u8> = u.arbitrary()?;
                v.push_str("{hex}");
                for b in bytes.iter().take(40) {
                    v.push_str(&format!("{b:02x} "));
                }
            }
            1 => {
                use base64ct::{Base64, Encoding};
                let bytes: Vec<u8> = u.arbitrary()?;
                v.push_str(&Base64::encode_string(&bytes));
            }
            _ => v.push_str(&word(u)?),
        }
    }
    Ok(v)
}
