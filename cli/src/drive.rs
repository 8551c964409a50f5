//! Enrollment over HTTP: certreq-enroll's steps (the same sequencer the web app drives through
//! its tools module), with ureq moving the bytes. The steps decide what to send and what each
//! answer means; this module sends, hands back the answers, and words a failure for the
//! command line.

use certreq_enroll::steps::{self, Answer, Failure, Next, Start};
use certreq_enroll::why;
use certreq_pkix::cert::Response;

use crate::http::{Client, Reply};

/// Nothing when `reply` is a success; otherwise why not, in words (a 401 with the sign-in advice).
pub fn http_ok(client: &Client, url: &str, reply: &Reply) -> Result<(), String> {
    if (200..=299).contains(&reply.status) {
        return Ok(());
    }
    if reply.status == 401 {
        return Err(client.unauthorized(url, reply));
    }
    Err(words(&certreq_enroll::steps::Failure::Http {
        url: url.to_owned(),
        status: reply.status,
        summary: certreq_enroll::body_summary(&reply.content_type, &reply.body),
    }))
}

/// The certificates EST's `/cacerts` answers at `url`.
pub fn est_cacerts(client: &Client, url: &str) -> Result<Response, String> {
    let reply = client.get(url)?;
    http_ok(client, url, &reply)?;
    certreq_read::response::parse(&reply.body)
        .map_err(|e| format!("{url} answered something that is not CA certificates: {e}"))
}

/// Where an enrollment ended, when it did not fail.
pub enum Outcome {
    /// The CA issued: the certificates it sent.
    Issued {
        response: Response,
        request_id: Option<u64>,
    },
    /// Waiting for an administrator.
    Pending {
        request_id: Option<u64>,
        retry_after: Option<String>,
    },
    /// The CA refused, with its reason and the code it names.
    Denied {
        request_id: Option<u64>,
        message: String,
        code: Option<u32>,
    },
    /// The CA holds request `request_id` (it took it, or was asked for it), but its
    /// certificate did not come, and why: to retrieve, not to submit again.
    Undelivered { request_id: u64, why: String },
}

/// More requests than any path of the steps makes (a submission, then one download).
const MAX_REQUESTS: usize = 4;

/// Runs an enrollment to its end; a failure comes back worded for the command line.
pub fn run(client: &Client, start: &Start) -> Result<Outcome, String> {
    let mut next = steps::start(start);
    for _ in 0..MAX_REQUESTS {
        next = match next {
            Next::Send(request) => {
                // a download of a request the CA holds that gets no answer still names it
                let undelivered = |why: String| match request.request_id {
                    Some(request_id) => Ok(Outcome::Undelivered { request_id, why }),
                    None => Err(why),
                };
                let reply = match &request.post {
                    Some((content_type, body)) => {
                        client.post(&request.url, content_type, body.as_bytes())
                    }
                    None => client.get(&request.url),
                };
                let reply = match reply {
                    Ok(reply) => reply,
                    Err(why) => return undelivered(why),
                };
                if reply.status == 401 {
                    return undelivered(client.unauthorized(&request.url, &reply));
                }
                match steps::read(&request.state, &request.url, &answer(reply)) {
                    Next::Failed(failure) if request.request_id.is_some() => {
                        return undelivered(words(&failure));
                    }
                    next => next,
                }
            }
            Next::Issued {
                response,
                request_id,
            } => {
                return Ok(Outcome::Issued {
                    response,
                    request_id,
                });
            }
            Next::Pending {
                request_id,
                retry_after,
                ..
            } => {
                return Ok(Outcome::Pending {
                    request_id,
                    retry_after,
                });
            }
            Next::Denied {
                request_id,
                message,
                code,
            } => {
                return Ok(Outcome::Denied {
                    request_id,
                    message,
                    code,
                });
            }
            Next::Failed(failure) => return Err(words(&failure)),
        };
    }
    Err("the CA kept asking for more requests; giving up".into())
}

fn answer(reply: Reply) -> Answer {
    Answer {
        status: reply.status,
        content_type: reply.content_type,
        retry_after: reply.retry_after.unwrap_or_default(),
        body: reply.body,
    }
}

/// What the table of codes (`certreq_enroll::why`) says about a CA's refusal: its code, what
/// it means and what to do, as lines to print after the CA's own words; empty when the CA
/// named no code the table knows.
pub fn explanation(message: &str, code: Option<u32>) -> String {
    code.and_then(why::explain_code)
        .or_else(|| why::explain_text(message))
        .map(|e| format!("\n{}", indent(&e.lines())))
        .unwrap_or_default()
}

fn indent(lines: &str) -> String {
    lines
        .lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A failure in the words a user of the command line needs: which option or variable to set,
/// and what the CA's code means.
pub fn words(failure: &Failure) -> String {
    let text = plain_words(failure);
    let more = match failure {
        Failure::Page(page) => explanation(&page.message(), page_code(page)),
        Failure::Http { status, url, .. } if url.contains("/.well-known/est") => {
            why::est_status(*status)
                .map(|s| format!("\n{}", indent(&why::Explanation::of_est(s).lines())))
                .unwrap_or_default()
        }
        _ => String::new(),
    };
    format!("{text}{more}")
}

/// The CA's code on a page that refuses or fails, when it names one.
pub fn page_code(page: &certreq_enroll::Disposition) -> Option<u32> {
    match page {
        certreq_enroll::Disposition::Denied { code, .. }
        | certreq_enroll::Disposition::Error { code, .. } => *code,
        _ => None,
    }
}

fn plain_words(failure: &Failure) -> String {
    match failure {
        Failure::Http {
            url,
            status,
            summary,
        } => match status {
            401 => format!(
                "the CA refused the credentials (HTTP 401 at {url}): give -username UserName and \
                 -p Password, or set CERTREQ_USER and CERTREQ_PASSWORD"
            ),
            403 => format!("the CA refused the request (HTTP 403 at {url}): {summary}"),
            404 => format!(
                "nothing at {url} (HTTP 404): check that -config names the Web Enrollment \
                 (https://host/certsrv) or EST (https://host/.well-known/est) base URL"
            ),
            // a server that is not the CA's Web Enrollment site (its root, a mistyped EST
            // path taken for one) refuses the form's POST
            405 => format!(
                "{url} does not take a request (HTTP 405): check that -config names the Web \
                 Enrollment (https://host/certsrv) or EST (https://host/.well-known/est) base URL"
            ),
            413 => format!("the CA refused the request as too large (HTTP 413 at {url})"),
            415 => {
                format!("the CA does not take this kind of request (HTTP 415 at {url}): {summary}")
            }
            s if *s >= 500 => format!(
                "the CA failed (HTTP {s} at {url}): {summary}; try again later or ask its \
                 administrator"
            ),
            s => format!("unexpected answer HTTP {s} from {url}: {summary}"),
        },
        Failure::NotAnAnswer { url, what } if what.ends_with("a Web Enrollment page") => {
            format!("{url} answered {what}: is -config the /certsrv URL?")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_say_which_option_to_use() {
        let http = |status| Failure::Http {
            url: "u".into(),
            status,
            summary: "The server was unable to authorize the request.".into(),
        };
        assert!(words(&http(401)).contains("CERTREQ_USER"));
        assert_eq!(
            words(&http(413)),
            "the CA refused the request as too large (HTTP 413 at u)"
        );
        assert!(words(&http(503)).contains("try again later"));
        // -config naming the server's root: the form's POST refused there
        assert!(words(&http(405)).contains("check that -config names the Web Enrollment"));
        assert!(
            words(&Failure::NotAnAnswer {
                url: "u".into(),
                what: "application/json instead of a Web Enrollment page".into()
            })
            .ends_with("is -config the /certsrv URL?")
        );
    }
}
