//! Enrollment steps as they cross between the app and its tools module: the app says what
//! the user asked for ([`Start`]), makes each HTTP request the steps ask for
//! ([`HttpRequest`]) and hands back the server's [`Answer`]; the module, which runs
//! `certreq-enroll`'s steps, says what comes [`Next`]. These mirror `certreq_enroll::steps`'
//! types field for field; the tools module converts between them.

use certreq_pkix::cert::Response;

use crate::{Reader, WireError, Writer, response_from_wire, response_to_wire};

/// Which protocol the user chose for the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// AD CS Web Enrollment (`https://host/certsrv`).
    AdCs,
    /// EST (`https://host/.well-known/est`).
    Est,
}

/// What the user asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Send this request (DER) to the CA.
    Submit { request: Vec<u8> },
    /// Ask for the certificate of an earlier request: by the CA's request id (AD CS), or by
    /// sending the same request again (EST, which has no ids).
    Retrieve {
        request_id: Option<u64>,
        request: Option<Vec<u8>>,
    },
}

/// What an enrollment begins with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Start {
    pub protocol: Protocol,
    /// The CA URL as the user typed it.
    pub url: String,
    /// `Name:Value` pairs for AD CS's `CertAttrib` (ignored by EST).
    pub attrib: String,
    pub action: Action,
}

/// An HTTP request to make, and what it asks (`state`, to hand back with the answer).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub url: String,
    /// `POST` with this `Content-Type` and body; `GET` when `None`.
    pub post: Option<(String, String)>,
    /// Opaque to the app.
    pub state: Vec<u8>,
    /// The CA's request id of the request it has just taken, whose certificate this request
    /// downloads: when no answer comes, the CA still holds that request. `None` for a
    /// retrieval.
    pub request_id: Option<u64>,
}

/// What the server answered, as the app received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    /// The `Content-Type` header, or empty.
    pub content_type: String,
    /// The `Retry-After` header, or empty.
    pub retry_after: String,
    pub body: Vec<u8>,
}

/// Where enrollment stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Make this request and hand back its answer.
    Send(HttpRequest),
    /// Issued: the certificates the CA sent (to accept for their key).
    Issued {
        response: Response,
        request_id: Option<u64>,
    },
    /// Waiting for an administrator. `resend`: ask again by sending the same request (EST);
    /// otherwise by the request id, when there is one. `retry_after` in words (`10 seconds`).
    Pending {
        request_id: Option<u64>,
        retry_after: Option<String>,
        resend: bool,
    },
    /// Refused; the CA's reason, and its error code when it gave one (the certsrv page's
    /// disposition, or a code its words name).
    Denied {
        request_id: Option<u64>,
        message: String,
        code: Option<u32>,
    },
    /// Nothing came of it, and why.
    Failed { message: String },
}

fn opt_u64(w: &mut Writer, n: Option<u64>) {
    match n {
        Some(n) => w.flag(true).u64(n),
        None => w.flag(false),
    };
}

fn read_opt_u64(r: &mut Reader<'_>) -> Result<Option<u64>, WireError> {
    Ok(if r.flag()? { Some(r.u64()?) } else { None })
}

impl Start {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.flag(self.protocol == Protocol::Est)
            .str(&self.url)
            .str(&self.attrib);
        match &self.action {
            Action::Submit { request } => {
                w.flag(true).bytes(request);
            }
            Action::Retrieve {
                request_id,
                request,
            } => {
                w.flag(false);
                opt_u64(&mut w, *request_id);
                w.opt_bytes(request.as_deref());
            }
        }
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Start, WireError> {
        let mut r = Reader::new(bytes);
        let protocol = if r.flag()? {
            Protocol::Est
        } else {
            Protocol::AdCs
        };
        let url = r.str()?.to_owned();
        let attrib = r.str()?.to_owned();
        let action = if r.flag()? {
            Action::Submit {
                request: r.bytes()?.to_vec(),
            }
        } else {
            Action::Retrieve {
                request_id: read_opt_u64(&mut r)?,
                request: r.opt_bytes()?.map(<[u8]>::to_vec),
            }
        };
        r.end()?;
        Ok(Start {
            protocol,
            url,
            attrib,
            action,
        })
    }
}

/// The question of [`crate::OP_ENROLL_READ`]: the state, the URL and the answer.
pub fn read_to_wire(state: &[u8], url: &str, answer: &Answer) -> Vec<u8> {
    let mut w = Writer::new();
    w.bytes(state)
        .str(url)
        .u32(u32::from(answer.status))
        .str(&answer.content_type)
        .str(&answer.retry_after)
        .bytes(&answer.body);
    w.finish()
}

/// The state, URL and answer [`read_to_wire`] wrote.
pub fn read_from_wire(bytes: &[u8]) -> Result<(Vec<u8>, String, Answer), WireError> {
    let mut r = Reader::new(bytes);
    let state = r.bytes()?.to_vec();
    let url = r.str()?.to_owned();
    let answer = Answer {
        status: u16::try_from(r.u32()?).map_err(|_| WireError)?,
        content_type: r.str()?.to_owned(),
        retry_after: r.str()?.to_owned(),
        body: r.bytes()?.to_vec(),
    };
    r.end()?;
    Ok((state, url, answer))
}

impl Next {
    pub fn to_wire(&self) -> Vec<u8> {
        let mut w = Writer::new();
        match self {
            Next::Send(send) => {
                w.u32(0).str(&send.url);
                match &send.post {
                    Some((content_type, body)) => w.flag(true).str(content_type).str(body),
                    None => w.flag(false),
                };
                w.bytes(&send.state);
                opt_u64(&mut w, send.request_id);
            }
            Next::Issued {
                response,
                request_id,
            } => {
                w.u32(1);
                opt_u64(&mut w, *request_id);
                w.bytes(&response_to_wire(response));
            }
            Next::Pending {
                request_id,
                retry_after,
                resend,
            } => {
                w.u32(2);
                opt_u64(&mut w, *request_id);
                w.opt_str(retry_after.as_deref()).flag(*resend);
            }
            Next::Denied {
                request_id,
                message,
                code,
            } => {
                w.u32(3);
                opt_u64(&mut w, *request_id);
                w.str(message);
                opt_u64(&mut w, code.map(u64::from));
            }
            Next::Failed { message } => {
                w.u32(4).str(message);
            }
        }
        w.finish()
    }

    pub fn from_wire(bytes: &[u8]) -> Result<Next, WireError> {
        let mut r = Reader::new(bytes);
        let next = match r.u32()? {
            0 => {
                let url = r.str()?.to_owned();
                let post = if r.flag()? {
                    Some((r.str()?.to_owned(), r.str()?.to_owned()))
                } else {
                    None
                };
                Next::Send(HttpRequest {
                    url,
                    post,
                    state: r.bytes()?.to_vec(),
                    request_id: read_opt_u64(&mut r)?,
                })
            }
            1 => Next::Issued {
                request_id: read_opt_u64(&mut r)?,
                response: response_from_wire(r.bytes()?)?,
            },
            2 => Next::Pending {
                request_id: read_opt_u64(&mut r)?,
                retry_after: r.opt_str()?.map(str::to_owned),
                resend: r.flag()?,
            },
            3 => Next::Denied {
                request_id: read_opt_u64(&mut r)?,
                message: r.str()?.to_owned(),
                code: match read_opt_u64(&mut r)? {
                    Some(n) => Some(u32::try_from(n).map_err(|_| WireError)?),
                    None => None,
                },
            },
            4 => Next::Failed {
                message: r.str()?.to_owned(),
            },
            _ => return Err(WireError),
        };
        r.end()?;
        Ok(next)
    }
}
