//! Enrollment's browser work: runs the tools module's enrollment steps
//! (`certreq_wire::enroll`), making each HTTP request they ask for, and acts on where they
//! end: accepts an issued certificate for its stored key, keeps a pending request's id, or
//! says why nothing came of it.

use certreq_pkix::cert as response;
use certreq_wire::ca::{
    CaDownloadsQuery, Download, ExplainQuery, Finding, HttpAnswer, TemplateCheck,
};
use certreq_wire::enroll::{self as steps, Action, Next, Protocol};

use super::{CaFacts, EndpointKind, Enrollment, Outcome, Status, Then};
use crate::app::store::jobs::{self as store, Accepting};
use crate::services::enroll as http;
use crate::services::tools;

/// An issued answer: accepted for its key at once (entry `id`'s, whose request it answers,
/// first), or shown for download when no stored key matches it.
async fn accept_answer(
    response: &response::Response,
    id: Option<&str>,
    request_id: Option<u64>,
    unstored: bool,
) -> Result<Outcome, String> {
    // the certificate handed back without an entry, and why it is not in the store
    let (leaf, why) = if unstored {
        // the page keeps its keys itself: the certificate goes back to it as the CA sent it
        let leaf = response
            .leaf()
            .ok_or("the CA's answer holds no certificate")?;
        let why = "it is handed back, not kept in this browser's store";
        (leaf.der().to_vec(), why.to_owned())
    } else {
        match store::accept_parsed(response, id).await {
            Ok(Accepting::Stored(entry)) => {
                return Ok(Outcome {
                    status: Status::Issued,
                    message: match request_id {
                        Some(n) => format!(
                            "request {n} was issued; the certificate was accepted automatically"
                        ),
                        None => "the certificate was issued and accepted automatically".to_owned(),
                    },
                    request_id,
                    entry: Some(*entry),
                    certificate: None,
                    explanation: None,
                    then: None,
                });
            }
            Ok(Accepting::NoKey(Some(leaf), _)) => (
                leaf,
                "no key kept in this browser matches its public key, so it was not added to the \
                 store: download the certificate (.cer) and install it where the key is"
                    .to_owned(),
            ),
            // the store could not be read or written (a browser without storage for this page,
            // say): the certificate is not lost with it
            Err(e) if response.leaf().is_some() => (
                response
                    .leaf()
                    .map(|c| c.der().to_vec())
                    .unwrap_or_default(),
                format!(
                    "it was not kept in this browser's store ({e}): download the certificate \
                     (.cer) and keep it with its key"
                ),
            ),
            Ok(Accepting::NoKey(None, why)) | Err(why) => {
                return Err(format!(
                    "the CA issued a certificate but it was not accepted: {why}"
                ));
            }
        }
    };
    Ok(Outcome {
        status: Status::Issued,
        message: format!(
            "{} was issued; {why}",
            request_id.map_or_else(|| "the request".to_owned(), |n| format!("request {n}"))
        ),
        request_id,
        entry: None,
        certificate: Some(leaf),
        explanation: None,
        then: None,
    })
}

/// Runs an enrollment through the tools module's steps. `id`: the stored entry the request
/// is, when it is one. A refusal or an error comes with what it means and what to do.
async fn enroll(id: Option<&str>, start: steps::Start, unstored: bool) -> Result<Outcome, String> {
    let mut challenge = None;
    let outcome = match steps_to_end(id, start, unstored, &mut challenge).await {
        // a denial comes explained from its code or its words (`steps_to_end`)
        Ok(o) => return Ok(o),
        Err(why) => super::error_outcome(why),
    };
    Ok(explained(outcome, challenge, None).await)
}

/// `outcome` with the tools module's explanation of the CA's words, when it has one; a 401's
/// `WWW-Authenticate` (`challenge`) says which sign-in the browser could not give, and a
/// denial's `code` (a certsrv page's disposition) what the CA meant.
async fn explained(mut outcome: Outcome, challenge: Option<String>, code: Option<u32>) -> Outcome {
    let text = match &challenge {
        Some(c) => format!("{}\nWWW-Authenticate: {c}", outcome.message),
        None => outcome.message.clone(),
    };
    let query = ExplainQuery {
        text,
        code,
        est_status: challenge.map(|_| 401),
    };
    outcome.explanation = tools::explain(&query).await.ok().flatten();
    outcome
}

/// Makes the requests the steps ask for until they end; a 401's challenge is kept.
async fn steps_to_end(
    id: Option<&str>,
    start: steps::Start,
    unstored: bool,
    challenge: &mut Option<String>,
) -> Result<Outcome, String> {
    let mut next = tools::enroll_start(&start)
        .await
        .map_err(|e| e.to_string())?;
    // a submission leads to at most one certificate download (the steps end there); the
    // bound only keeps a broken module from looping
    for _ in 0..4 {
        let send = match next {
            Next::Send(send) => send,
            done => return ended(id, done, unstored).await,
        };
        let (answer, auth) = match http::send(&send).await {
            Ok(answered) => answered,
            Err(e) => return undelivered(id, send.request_id, e.to_string(), unstored).await,
        };
        if answer.status == 401 {
            *challenge = Some(auth);
        }
        next = tools::enroll_read(&send, &answer)
            .await
            .map_err(|e| e.to_string())?;
        if let (Next::Failed { message }, Some(_)) = (&next, send.request_id) {
            return undelivered(id, send.request_id, message.clone(), unstored).await;
        }
    }
    Err("the CA's answers kept asking for more requests; stopped".into())
}

/// A download of request `request_id`'s certificate that got no usable answer (`why`): the
/// CA holds the request, so the entry keeps its id and the user is told to retrieve it, not to
/// submit it again (which would make the CA issue another). Without an id, the failure.
async fn undelivered(
    id: Option<&str>,
    request_id: Option<u64>,
    why: String,
    unstored: bool,
) -> Result<Outcome, String> {
    let Some(n) = request_id else {
        return Err(why);
    };
    let entry = match id {
        Some(id) if !unstored => store::remember_pending(id, Some(n)).await?,
        _ => None,
    };
    Ok(Outcome {
        status: Status::Error,
        message: format!(
            "the CA holds this request as request {n}, but its certificate did not come: \
             {why}. Retrieve asks for it again; submitting the request again would make the \
             CA take another"
        ),
        request_id: Some(n),
        then: Some(match entry {
            Some(_) => Then::RetrieveEntry,
            None => Then::RetrieveId(n),
        }),
        entry,
        certificate: None,
        explanation: None,
    })
}

/// The outcome of an enrollment that ended as `next`.
async fn ended(id: Option<&str>, next: Next, unstored: bool) -> Result<Outcome, String> {
    match next {
        Next::Issued {
            response,
            request_id,
        } => accept_answer(&response, id, request_id, unstored).await,
        Next::Pending {
            retry_after,
            resend: true,
            ..
        } => Ok(Outcome {
            status: Status::Pending,
            message: format!(
                "the EST server accepted the request and waits for an administrator{}",
                retry_after
                    .map(|r| format!(" (it asks to wait {r})"))
                    .unwrap_or_default()
            ),
            request_id: None,
            // a denied entry sent again and held is pending again
            entry: match id {
                Some(id) => store::remember_pending(id, None).await?,
                None => None,
            },
            certificate: None,
            explanation: None,
            then: Some(Then::SendAgain),
        }),
        Next::Pending { request_id, .. } => {
            let entry = match id {
                Some(id) => store::remember_pending(id, request_id).await?,
                None => None,
            };
            let request = request_id
                .map(|n| format!(" (request {n})"))
                .unwrap_or_default();
            let then = match (&entry, request_id) {
                (Some(_), Some(_)) => Then::RetrieveEntry,
                (None, Some(n)) => Then::RetrieveId(n),
                // no id to ask for it by: the request (the entry's, when kept) is sent again
                (_, None) => Then::SubmitAgain,
            };
            Ok(Outcome {
                status: Status::Pending,
                message: format!(
                    "Taken Under Submission: the CA waits for an administrator{request}"
                ),
                request_id,
                entry,
                certificate: None,
                explanation: None,
                then: Some(then),
            })
        }
        Next::Denied {
            request_id,
            message,
            code,
        } => {
            // only a stored entry's key is kept: a request sent as it is has none here; the
            // entry says it was denied (and keeps the request id, for an administrator who
            // issues it yet)
            // (a store that fails to keep that still has the denial said)
            let mut unkept = None;
            let entry = match id {
                Some(id) => match store::remember_denied(id, request_id).await {
                    Ok(entry) => entry,
                    Err(why) => {
                        unkept = Some(why);
                        store::entry(id).await
                    }
                },
                None => None,
            };
            let denied = Outcome {
                status: Status::Denied,
                message,
                request_id,
                entry,
                certificate: None,
                explanation: None,
                then: None,
            };
            // what the CA's code means and what to do: the code the answer carried, else one
            // its words name
            let mut denied = explained(denied, None, code).await;
            if denied.entry.is_some() {
                // the app lists the entry with its Delete; a portal's users have no such button
                #[cfg(not(certreq_embed))]
                const KEPT: &str = " (the key is kept; delete it when it is no longer needed)";
                #[cfg(certreq_embed)]
                const KEPT: &str = " (the key is kept in this browser's store)";
                denied.message += KEPT;
            }
            if let Some(why) = unkept {
                denied.message = format!("{}; {why}", denied.message);
            }
            Ok(denied)
        }
        Next::Failed { message } => Err(message),
        Next::Send(_) => Err("the enrollment stopped halfway".into()),
    }
}

/// What the user chose: the protocol, the URL and the attributes, for `action`.
fn start(settings: &Enrollment, action: Action) -> steps::Start {
    steps::Start {
        protocol: match settings.kind {
            EndpointKind::AdCs => Protocol::AdCs,
            EndpointKind::Est => Protocol::Est,
        },
        url: settings.url.clone(),
        attrib: settings.attrib(),
        action,
    }
}

/// Sends entry `id`'s request to the CA and acts on the answer.
/// The entry remembers the CA it is sent to (before sending, so that a reload while the CA
/// answers still knows where to retrieve it from).
pub async fn submit(id: String, settings: Enrollment) -> Result<Outcome, String> {
    // an entry never remembers a CA it cannot be sent to
    if let Some(why) = settings.url_problem() {
        return Err(why);
    }
    let mut entry = crate::services::store::get_entry(&id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("that request is no longer in the store")?;
    entry.meta.ca = Some(settings.ca());
    crate::services::store::put(&entry)
        .await
        .map_err(|e| format!("the request was not sent: {e}"))?;
    let action = Action::Submit {
        request: entry.request_der,
    };
    enroll(Some(&id), start(&settings, action), false).await
}

/// Sends a loaded request (PKCS #10 DER) to the CA; an issued certificate is accepted for its
/// stored key if there is one. A stored entry's own request is sent as that entry (its
/// pending request id is kept on it); the store is only looked in when it can be read, and
/// neither read nor written when `settings.unstored`.
pub async fn submit_request(der: Vec<u8>, settings: Enrollment) -> Result<Outcome, String> {
    let records = match settings.unstored {
        true => None,
        false => crate::services::store::list().await.ok(),
    };
    let id = records
        .and_then(|records| records.into_iter().find(|r| r.request_der == der))
        .map(|r| r.meta.id);
    match id {
        // the entry's own request: sent as the entry, which keeps its CA
        Some(id) => submit(id, settings).await,
        None => {
            enroll(
                None,
                start(&settings, Action::Submit { request: der }),
                settings.unstored,
            )
            .await
        }
    }
}

/// Asks the CA for a certificate: pending entry `id`'s (by its request id; EST sends the
/// request again), or request `number`'s (accepted for whichever stored key it is for).
pub async fn retrieve(
    id: Option<String>,
    number: Option<u64>,
    settings: Enrollment,
) -> Result<Outcome, String> {
    let entry = match &id {
        Some(id) => Some(
            crate::services::store::get_entry(id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("that request is no longer in the store")?,
        ),
        None => None,
    };
    // an issued entry has nothing to ask for (and "send it again" would make the CA issue a
    // second certificate)
    if number.is_none()
        && let Some(e) = entry.as_ref().filter(|e| e.meta.certificate.is_some())
    {
        return Err(format!(
            "“{}” is issued already: its certificate is kept with it in this browser",
            e.meta.friendly_name
        ));
    }
    let action = Action::Retrieve {
        request_id: number.or_else(|| entry.as_ref().and_then(|e| e.meta.request_id)),
        request: entry.map(|e| e.request_der),
    };
    enroll(id.as_deref(), start(&settings, action), settings.unstored).await
}

/// `GET url` with the browser's credentials, whatever its HTTP status.
async fn fetch(url: &str) -> Result<steps::Answer, String> {
    let send = steps::HttpRequest {
        url: url.to_owned(),
        post: None,
        state: Vec::new(),
        request_id: None,
    };
    http::send(&send)
        .await
        .map(|(answer, _)| answer)
        .map_err(|e| e.to_string())
}

/// `GET url` with the browser's credentials; an HTTP error is a sentence.
async fn get(url: String) -> Result<steps::Answer, String> {
    let answer = fetch(&url).await?;
    match answer.status {
        200..=299 => Ok(answer),
        n => Err(format!("{url} answered HTTP {n}")),
    }
}

/// What the CA says of its templates: AD CS's advanced request page's list, or EST's CSR
/// attributes.
pub async fn templates(settings: Enrollment) -> Result<Box<CaFacts>, String> {
    if let Some(why) = settings.url_problem() {
        return Err(why);
    }
    let (wire, label) = match settings.kind {
        EndpointKind::AdCs => {
            let base = settings.url.trim().trim_end_matches('/');
            let page = get(format!("{base}/certrqxt.asp")).await?;
            let list = tools::template_list(&page.body)
                .await
                .map_err(|e| e.to_string())?;
            (list, None)
        }
        EndpointKind::Est => {
            // the URL may name an operation (…/simpleenroll), which is not a label
            let places = tools::est_places(&settings.url)
                .await
                .map_err(|e| e.to_string())?;
            // every status goes to the reader: 204 and 404 say the server asks nothing
            // (RFC 7030 §4.5.2; servers without the operation answer 404)
            let a = fetch(&places.csrattrs).await?;
            let answer = HttpAnswer {
                status: a.status,
                content_type: a.content_type,
                body: a.body,
            };
            let facts = tools::csrattrs(&answer)
                .await
                .map_err(|e| format!("{}: {e}", places.csrattrs))?;
            (facts, Some(places.label))
        }
    };
    let offered = certreq_wire::ca::offered_of(&wire).map_err(|e| e.to_string())?;
    Ok(Box::new(CaFacts {
        offered,
        wire,
        label,
    }))
}

/// The INF's mismatches with the facts, at byte spans of `inf`. A long INF is checked in the
/// editor's reading worker, as it is read there (the check reads it again, which would hold
/// the page for as long); without the worker, on the page's thread.
pub async fn check(
    inf: &str,
    template: Option<String>,
    facts: Vec<u8>,
) -> Result<Vec<Finding>, String> {
    let check = TemplateCheck {
        inf: inf.to_owned(),
        template,
        facts,
    };
    if inf.len() > crate::app::editor::DEFER_ABOVE
        && let Ok(found) = crate::services::reader::template_check(&check).await
    {
        return Ok(found);
    }
    tools::template_check(&check)
        .await
        .map_err(|e| e.to_string())
}

/// The CA's certificates, chains and CRLs at `url` (for AD CS after reading `certcarc.asp`,
/// which says how often the CA was renewed).
pub async fn ca_files(url: String) -> Result<Vec<Download>, String> {
    let mut query = CaDownloadsQuery {
        url,
        certcarc_page: None,
    };
    for _ in 0..2 {
        let list = tools::ca_downloads(&query)
            .await
            .map_err(|e| e.to_string())?;
        match list.first() {
            Some(d) if d.what == "page" => {
                let page = get(d.url.clone()).await?;
                query.certcarc_page = Some(String::from_utf8_lossy(&page.body).into_owned());
            }
            _ => return Ok(list),
        }
    }
    Err("the CA's certificate page led nowhere".into())
}

/// A CA file's bytes; a CRL (`name` ends in `.crl`) only when it parses as the kind its name
/// says (`ca-delta-…`: a delta CRL), certificates only when they read as certificates, else
/// why not (a sign-in page is not saved as a `.cer`). A `.p7b` is saved as DER, a `.cer` as
/// its certificate's DER: EST's `/cacerts` comes as bare base64, which tools that open a
/// `.p7b` do not read. To `open` in the decoder, the bytes as the CA sent them (the decoder
/// says what they are).
pub async fn ca_file(url: String, name: &str, open: bool) -> Result<Vec<u8>, String> {
    let bytes = get(url).await?.body;
    if open {
        return Ok(bytes);
    }
    if !name.ends_with(".crl") {
        let read = tools::response(&bytes)
            .await
            .map_err(|e| format!("{e}; nothing was saved"))?;
        let certs = read.certificates();
        return match (name.ends_with(".p7b"), certs) {
            (true, _) => Ok(certreq_pkix::cert::build_certs_only_pkcs7(
                certs.iter().map(|c| c.der()),
            )),
            (false, [one]) => Ok(one.der().to_vec()),
            (false, _) => Err(format!(
                "the CA sent {} certificates for one; nothing was saved",
                certs.len()
            )),
        };
    }
    let query = certreq_wire::ca::CrlQuery {
        bytes,
        delta: name.starts_with("ca-delta-"),
        issuer: None,
    };
    tools::crl(&query)
        .await
        .map_err(|e| format!("{e}; nothing was saved"))?;
    Ok(query.bytes)
}
