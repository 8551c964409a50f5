//! The INF key reference: what every section and key means, as data, so that
//! `certreq -new -? Key` and the web app's editor show the same text.

/// Documentation of one INF key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyDoc {
    /// The section it belongs in, without brackets (`NewRequest`).
    pub section: &'static str,
    /// The key as Microsoft spells it.
    pub key: &'static str,
    /// What values it takes, briefly (`TRUE | FALSE`, `RSA | ECDSA_P256 | …`).
    pub values: &'static str,
    /// What certreq does when the key is absent.
    pub default: &'static str,
    /// What it means, in a few sentences.
    pub summary: &'static str,
    /// What it does in this product, if that differs from Windows (no effect in a browser, …).
    pub here: &'static str,
    /// A one-line example.
    pub example: &'static str,
}

/// Every documented key.
pub static KEYS: &[KeyDoc] = &[];

/// The documentation of a key, looked up case-insensitively (by key alone; the first match).
pub fn lookup(key: &str) -> Option<&'static KeyDoc> {
    KEYS.iter().find(|d| d.key.eq_ignore_ascii_case(key))
}
