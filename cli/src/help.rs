//! Usage text (`-?`, `-v -?`, `-new -?`) and the INF key reference (`-new -? Key`).

use certreq_core::keydocs::{self, KeyDoc};

use crate::args::Verb;

/// Exit status of a successful run (and of help).
pub const EXIT_OK: i32 = 0;
/// Exit status when the work failed: INF errors, files, keys.
pub const EXIT_FAILED: i32 = 1;
/// Exit status when the command line is wrong.
pub const EXIT_USAGE: i32 = 2;

const HEADER: &str =
    "certreq for Linux and macOS (certreq-web): certreq's INF files in, PKCS #10 requests out.\n";

const VERBS_SHORT: &str = "\
Usage:
  CertReq -?
  CertReq [-v] -?
  CertReq [-Command] -?
  CertReq -new -? [KeyName | SectionName]

  CertReq -New [Options] PolicyFileIn [RequestFileOut]
    Create a new key and request as directed by PolicyFileIn (a certreq INF file)

  CertReq [-Submit] [Options] [RequestFileIn [CertFileOut [CertChainFileOut [FullResponseFileOut]]]]
  CertReq -Retrieve [Options] RequestId [CertFileOut [CertChainFileOut [FullResponseFileOut]]]
  CertReq -Accept [Options] [CertChainFileIn | FullResponseFileIn | CertFileIn]
  CertReq -Policy, -Sign, -Enroll
    Not available yet in this version
";

const OPTIONS: &str = "\
Options:
  -binary           Write the request as binary DER instead of base64 (PEM)
  -rfc7468          Armor with the RFC 7468 label CERTIFICATE REQUEST instead of certreq's
                    NEW CERTIFICATE REQUEST (more tools accept it)
  -f                Overwrite existing output files
  -q                Quiet: no notes and no progress lines (errors and warnings still shown)
  -v                Verbose help
  -user             Use the current user's key store (the default; the only store here)
  -config ConfigString, -attrib AttributeString, -cert CertId, -machine
                    Accepted for the verbs that will use them; -new does not
  -?                Show help; `-new -? KeyName` shows the reference for one INF key
  --                End of options: later arguments are file names even if they start with -
";

const DETAILS: &str = "\
Verbs and options start with - or / and are not case-sensitive (-new, /New). A /word argument
that is not a verb or option is a file name, so Unix paths work as they are.

-new without RequestFileOut writes next to PolicyFileIn, with the extension .req (certreq asks
with a Save dialog instead). An existing output file is kept unless -f is given.

Private keys stay in the pending-request store, one directory per key holding key.pk8 (PKCS #8,
mode 0600), request.der, request.inf and meta. The store is $CERTREQ_STORE, else
$XDG_DATA_HOME/certreq-web/store or ~/.local/share/certreq-web/store
(macOS: ~/Library/Application Support/certreq-web/store).

Exit status: 0 success or help, 1 the request could not be made (errors in the INF, files,
keys), 2 the command line is wrong.
";

/// `certreq -?` and `certreq -v -?`.
pub fn general(verbose: bool) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    out.push_str(VERBS_SHORT);
    out.push('\n');
    if verbose {
        out.push_str(OPTIONS);
        out.push('\n');
        out.push_str(DETAILS);
    } else {
        out.push_str("Run `certreq -v -?` for the options, the key store and exit status.\n");
    }
    out
}

/// `certreq -Verb -?`.
pub fn verb(verb: Verb, verbose: bool) -> String {
    match verb {
        Verb::New => new_help(verbose),
        other => format!(
            "Usage:\n  CertReq -{} ...\n\n-{} is not available yet in this version; only -New is.\n",
            other.name(),
            other.name()
        ),
    }
}

fn new_help(verbose: bool) -> String {
    let mut out = String::from(
        "\
Usage:
  CertReq -New [Options] PolicyFileIn [RequestFileOut]
    Create a new key and request as directed by PolicyFileIn (a certreq INF file)

Options:
  -binary           Write DER instead of base64 (PEM)
  -rfc7468          PEM label CERTIFICATE REQUEST instead of NEW CERTIFICATE REQUEST
  -f                Overwrite RequestFileOut if it exists
  -q                No notes and no progress lines
  -user             The current user's key store (the default)

Without RequestFileOut the request goes next to PolicyFileIn with the extension .req.
",
    );
    if verbose {
        out.push('\n');
        out.push_str(DETAILS);
    }
    out.push_str("\nINF sections and keys (`certreq -new -? KeyName` shows one in full):\n");
    out.push_str(&key_list());
    out
}

/// Every documented key, grouped by section in the reference's order.
fn key_list() -> String {
    let mut sections: Vec<&str> = Vec::new();
    for doc in keydocs::KEYS {
        if !sections.contains(&doc.section) {
            sections.push(doc.section);
        }
    }
    if sections.is_empty() {
        return "  (the key reference is not available in this build)\n".into();
    }
    let mut out = String::new();
    for section in sections {
        out.push_str(&format!("  [{section}]\n"));
        let keys: Vec<&str> = keydocs::KEYS
            .iter()
            .filter(|d| d.section == section)
            .map(|d| d.key)
            .collect();
        out.push_str(&wrap(&keys, "    ", 78));
    }
    out
}

/// Words joined with spaces, wrapped at `width` columns.
fn wrap(words: &[&str], indent: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for w in words {
        if line.len() > indent.len() && line.len() + 1 + w.len() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if line.len() > indent.len() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `certreq -new -? Name`: the reference for a key (or the keys of a section). `Err` carries
/// the message for an unknown name, with a suggestion when one is close.
pub fn key(name: &str) -> Result<String, String> {
    let name = name.trim().trim_start_matches('[');
    // `Section.Key`, `[Section]Key` or `Key`
    let (section, key) = match name.split_once([']', '.']) {
        Some((s, k)) if !k.trim().is_empty() => (Some(s.trim()), k.trim()),
        Some((s, _)) => (None, s.trim()),
        None => (None, name),
    };
    let matches: Vec<&KeyDoc> = keydocs::KEYS
        .iter()
        .filter(|d| d.key.eq_ignore_ascii_case(key))
        .filter(|d| section.is_none_or(|s| d.section.eq_ignore_ascii_case(s)))
        .collect();
    if !matches.is_empty() {
        let texts: Vec<String> = matches.iter().map(|d| render_key(d)).collect();
        return Ok(texts.join("\n"));
    }
    if section.is_none() {
        let in_section: Vec<&str> = keydocs::KEYS
            .iter()
            .filter(|d| d.section.eq_ignore_ascii_case(key))
            .map(|d| d.key)
            .collect();
        if let Some(first) = keydocs::KEYS
            .iter()
            .find(|d| d.section.eq_ignore_ascii_case(key))
        {
            return Ok(format!(
                "[{}]\n{}\nRun `certreq -new -? KeyName` for one of them.\n",
                first.section,
                wrap(&in_section, "  ", 78).trim_end()
            ));
        }
    }
    let mut message = format!("no INF key named `{name}`");
    if let Some(best) = suggest(key) {
        message.push_str(&format!("; did you mean `{best}`?"));
    } else {
        message.push_str("; run `certreq -new -?` for the list of keys");
    }
    Err(message)
}

/// One key's reference text.
fn render_key(doc: &KeyDoc) -> String {
    keydocs_render(doc)
}

/// Stand-in for `keydocs::render_text` until it lands in core.
fn keydocs_render(doc: &KeyDoc) -> String {
    let mut out = format!("[{}] {}\n", doc.section, doc.key);
    let mut field = |label: &str, value: &str| {
        if !value.is_empty() {
            out.push_str(&format!("  {label:<9}{value}\n"));
        }
    };
    field("Values:", doc.values);
    field("Default:", doc.default);
    field("", doc.summary);
    field("Here:", doc.here);
    field("Example:", doc.example);
    out
}

/// The documented key closest to `name`, if any is close enough to be a likely typo.
pub fn suggest(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let limit = (lower.chars().count() / 3).max(2);
    keydocs::KEYS
        .iter()
        .map(|d| (distance(&lower, &d.key.to_ascii_lowercase()), d.key))
        .filter(|(dist, _)| *dist <= limit)
        .min_by_key(|(dist, _)| *dist)
        .map(|(_, key)| key)
}

/// Levenshtein distance between two strings, by characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev_diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j] + 1).min(row[j + 1] + 1).min(prev_diag + cost);
            prev_diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(distance("keylenght", "keylength"), 2);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("subject", "subject"), 0);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn wrap_keeps_lines_within_width() {
        let words = ["alpha", "beta", "gamma", "delta"];
        assert_eq!(wrap(&words, "  ", 14), "  alpha beta\n  gamma delta\n");
    }

    #[test]
    fn general_help_lists_the_verbs_and_verbose_help_the_options() {
        let short = general(false);
        assert!(short.contains("CertReq -New [Options] PolicyFileIn [RequestFileOut]"));
        assert!(!short.contains("-binary"));
        let long = general(true);
        assert!(long.contains("  -binary ") && long.contains("Exit status: 0"));
    }

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let err = key("NoSuchKeyAnywhere").unwrap_err();
        assert!(
            err.starts_with("no INF key named `NoSuchKeyAnywhere`"),
            "{err}"
        );
    }
}
