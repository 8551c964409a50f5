//! Reading AD CS Web Enrollment result pages (enrollment-protocols.md §1.3).
//!
//! HTTP status says nothing about the disposition: every outcome is a `200 text/html` page.
//! The rules, most reliable first:
//!
//! 1. a `certnew.cer?ReqID=N&` link (never translated) → issued, request N;
//! 2. `The disposition message is "…"` with `Your Request Id is N` → denied (or failed), N;
//! 3. `Your Request Id is N` alone → pending, N;
//! 4. the error page's definition list (`Disposition message:` … two TABs … message): `Taken
//!    Under Submission` there means pending (what `certnew.cer` answers for a pending request),
//!    anything else is the CA's error (`The requested property value is empty …` for an
//!    unknown request id);
//! 5. `still pending` (the `chkpnd` answer) → pending.
//!
//! The English sentences are translated on localised CAs; rule 1 is not, and a page that
//! matches nothing is reported with its title so the user can read it.

/// What a result page says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disposition {
    Issued {
        id: u64,
    },
    Pending {
        id: Option<u64>,
    },
    Denied {
        id: Option<u64>,
        message: String,
    },
    /// The error page: the disposition message and, when present, `LastStatus`.
    Error {
        message: String,
        status: Option<String>,
    },
    /// Not a page this client recognises; carries the page title (or its start).
    Unknown {
        title: String,
    },
}

/// Classifies a result page.
pub fn parse_page(html: &str) -> Disposition {
    if let Some(id) = number_after(html, "certnew.cer?ReqID=") {
        let after = html
            .find("certnew.cer?ReqID=")
            .and_then(|i| html.get(i + "certnew.cer?ReqID=".len()..))
            .unwrap_or("");
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if after[digits..].starts_with('&') {
            return Disposition::Issued { id };
        }
    }
    let request_id = number_after(html, "Your Request Id is ");
    if let Some(message) = quoted_after(html, "The disposition message is \"")
        && (request_id.is_some() || html.contains("was denied"))
    {
        return Disposition::Denied {
            id: request_id,
            message: unescape_html(&message),
        };
    }
    if request_id.is_some() {
        return Disposition::Pending { id: request_id };
    }
    if let Some(message) = two_tab_value(html, "Disposition message:") {
        if message.contains("Taken Under Submission") {
            return Disposition::Pending { id: None };
        }
        return Disposition::Error {
            message,
            status: two_tab_value(html, "LastStatus:"),
        };
    }
    if html.contains("still pending") {
        return Disposition::Pending { id: None };
    }
    Disposition::Unknown {
        title: page_title(html),
    }
}

/// The decimal number right after `marker`.
fn number_after(text: &str, marker: &str) -> Option<u64> {
    let start = text.find(marker)? + marker.len();
    let digits: String = text
        .get(start..)?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The text between `marker` (which ends with a quote) and the next `"`.
fn quoted_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let rest = text.get(start..)?;
    let end = rest.find('"')?;
    let value = rest.get(..end)?.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// `Label:` … (no TAB) … two TABs, then the value up to the line end.
fn two_tab_value(text: &str, label: &str) -> Option<String> {
    let start = text.find(label)? + label.len();
    let rest = text.get(start..)?;
    let tabs = rest.find("\t\t")?;
    if rest.get(..tabs)?.contains('\t') {
        return None;
    }
    let value = rest.get(tabs + 2..)?;
    let end = value.find(['\r', '\n']).unwrap_or(value.len());
    let value = unescape_html(value.get(..end)?.trim());
    (!value.is_empty()).then_some(value)
}

/// The `<title>`, else the first 80 characters of the text without tags.
pub fn page_title(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if let Some(open) = lower.find("<title>") {
        let start = open + "<title>".len();
        if let Some(len) = lower.get(start..).and_then(|r| r.find("</title>"))
            && let Some(t) = html.get(start..start + len)
        {
            let t = unescape_html(t.trim());
            if !t.is_empty() {
                return t;
            }
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(if c.is_whitespace() { ' ' } else { c }),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.chars().take(80).collect()
}

fn unescape_html(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `certnew.cer?ReqID=N&Enc=b64`.
pub fn cert_url(base: &str, id: u64) -> String {
    format!("{base}/certnew.cer?ReqID={id}&Enc=b64")
}

/// `certnew.p7b?ReqID=N&Enc=b64`.
pub fn chain_url(base: &str, id: u64) -> String {
    format!("{base}/certnew.p7b?ReqID={id}&Enc=b64")
}

/// `certfnsh.asp`.
pub fn submit_url(base: &str) -> String {
    format!("{base}/certfnsh.asp")
}

/// certreq's request id: decimal, or hex with `0x`.
pub fn parse_request_id(text: &str) -> Option<u64> {
    let t = text.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Pages written from the markers in enrollment-protocols.md §1.3 (not copied from a CA).
    const ISSUED: &str = "<HTML><Head><Title>Certificate Issued</Title></Head><Body>\r\n\
<P>The certificate you requested was issued to you.</P>\r\n\
<A Href=\"certnew.cer?ReqID=42&amp;Enc=bin\">DER</A>\r\n\
<A Href=\"certnew.p7b?ReqID=42&amp;Enc=b64\">chain</A></Body></HTML>";
    const ISSUED_SCRIPT: &str = "<Script>function handleGetCert() { \
location=\"certnew.cer?ReqID=7&\"+getEncoding(); }</Script>";
    const PENDING: &str = "<Title>Certificate Pending</Title><P>Your certificate request has been \
received. However, you must wait for an administrator to issue the certificate you requested.</P>\r\n\
<P>Your Request Id is 13.</P>";
    const DENIED: &str = "<Title>Certificate Request Denied</Title>\
<P>Your certificate request was denied.</P>\r\n<P>Your Request Id is 9. The disposition message is \
\"Denied by Policy Module  0x80094800, The request was for a certificate template that is not \
supported by the Active Directory Certificate Services policy: Bogus.\".</P>";
    const ERROR_PENDING: &str = "<Title>Certificate Services Error</Title><DL>\r\n\
<DT><Font Size=-1><B>Disposition message:</B></Font></DT><DD>\r\n\t\tTaken Under Submission\r\n</DD>\r\n\
<DT><Font Size=-1><B>LastStatus:</B></Font></DT><DD>\r\n\t\tThe operation completed successfully. 0x0 (WIN32: 0 ERROR_SUCCESS)\r\n</DD></DL>";
    const ERROR_UNKNOWN: &str = "<DT><B>Disposition message:</B></DT><DD>\r\n\t\tThe requested \
property value is empty. 0x80094004 (-2146877436 CERTSRV_E_PROPERTY_EMPTY)\r\n</DD>";

    #[test]
    fn issued_pages_by_link_or_script() {
        assert_eq!(parse_page(ISSUED), Disposition::Issued { id: 42 });
        assert_eq!(parse_page(ISSUED_SCRIPT), Disposition::Issued { id: 7 });
        // a localised page: only the link is left
        let localised = "<P>Zertifikat ausgestellt</P><A Href=\"certnew.cer?ReqID=5&amp;Enc=b64\">";
        assert_eq!(parse_page(localised), Disposition::Issued { id: 5 });
    }

    #[test]
    fn pending_page() {
        assert_eq!(parse_page(PENDING), Disposition::Pending { id: Some(13) });
        assert_eq!(
            parse_page("<P>Your certificate request is still pending.</P>"),
            Disposition::Pending { id: None }
        );
    }

    #[test]
    fn denied_page_keeps_the_message_with_its_two_spaces() {
        assert_eq!(
            parse_page(DENIED),
            Disposition::Denied {
                id: Some(9),
                message: "Denied by Policy Module  0x80094800, The request was for a certificate \
template that is not supported by the Active Directory Certificate Services policy: Bogus."
                    .into()
            }
        );
    }

    #[test]
    fn error_pages_pending_and_unknown_id() {
        assert_eq!(parse_page(ERROR_PENDING), Disposition::Pending { id: None });
        assert_eq!(
            parse_page(ERROR_UNKNOWN),
            Disposition::Error {
                message: "The requested property value is empty. 0x80094004 (-2146877436 \
CERTSRV_E_PROPERTY_EMPTY)"
                    .into(),
                status: None
            }
        );
        let with_status = ERROR_PENDING.replace("Taken Under Submission", "Error Parsing Request");
        assert_eq!(
            parse_page(&with_status),
            Disposition::Error {
                message: "Error Parsing Request".into(),
                status: Some(
                    "The operation completed successfully. 0x0 (WIN32: 0 ERROR_SUCCESS)".into()
                )
            }
        );
    }

    #[test]
    fn unknown_pages_are_named_by_title() {
        assert_eq!(
            parse_page("<html><title>Server Error</title><body>boom</body></html>"),
            Disposition::Unknown {
                title: "Server Error".into()
            }
        );
        assert_eq!(
            parse_page("<p>hello   <b>world</b></p>"),
            Disposition::Unknown {
                title: "hello world".into()
            }
        );
        // a link without the `&` is not an issued page
        assert!(matches!(
            parse_page("certnew.cer?ReqID=12"),
            Disposition::Unknown { .. }
        ));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "",
            "certnew.cer?ReqID=",
            "Your Request Id is ",
            "The disposition message is \"",
            "Disposition message:\t\t",
            "Disposition message:\tx\t\ty",
            "<title>",
            "<TITLE>é</title>",
            "certnew.cer?ReqID=99999999999999999999999&",
        ] {
            let _ = parse_page(s);
        }
    }

    #[test]
    fn every_truncation_and_splice_of_the_sample_pages_is_classified_without_panic() {
        let pages = [
            ISSUED,
            ISSUED_SCRIPT,
            PENDING,
            DENIED,
            ERROR_PENDING,
            ERROR_UNKNOWN,
        ];
        for page in pages {
            for (i, _) in page.char_indices() {
                let _ = parse_page(&page[..i]);
                let _ = parse_page(&page[i..]);
                for other in pages {
                    let _ = parse_page(&format!("{}{}", &page[..i], other));
                }
            }
        }
    }

    #[test]
    fn request_ids_decimal_or_hex() {
        assert_eq!(parse_request_id("42"), Some(42));
        assert_eq!(parse_request_id("0x2A"), Some(42));
        assert_eq!(parse_request_id("x"), None);
        assert_eq!(parse_request_id("-1"), None);
    }

    #[test]
    fn urls() {
        assert_eq!(
            cert_url("https://ca/certsrv", 3),
            "https://ca/certsrv/certnew.cer?ReqID=3&Enc=b64"
        );
        assert_eq!(
            chain_url("https://ca/certsrv", 3),
            "https://ca/certsrv/certnew.p7b?ReqID=3&Enc=b64"
        );
        assert_eq!(
            submit_url("https://ca/certsrv"),
            "https://ca/certsrv/certfnsh.asp"
        );
    }
}
