//! HTTP as devca's handlers see it: a [`Request`] read whole (method, path, query, headers,
//! body) and a [`Response`] written whole, and the steps between them and hyper's types. The
//! protocol itself (parsing, framing, keep-alive, `100 Continue`, chunked bodies, the header
//! limits) is hyper's; `net.rs` runs the connections.

use std::fmt::Display;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Bytes};
use hyper::ext::ReasonPhrase;
use hyper::header::{CONNECTION, CONTENT_LENGTH, HeaderMap, HeaderName, HeaderValue, SERVER};
use hyper::{StatusCode, Version};

/// The largest request head (request line and header fields) in bytes; larger → 431.
pub const MAX_HEADER: usize = 16 * 1024;
/// The most header fields a request may carry; more → 431.
pub const MAX_HEADERS: usize = 100;
/// The largest request body in bytes; larger → 413.
pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path, percent-encoded as sent, without the query.
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The TLS client certificate (DER) the client showed and rustls verified against
    /// `--client-ca`. Whom it signs in is the server's to decide (`server::signed_in`).
    pub client_cert: Option<Vec<u8>>,
}

impl Request {
    /// A request as hyper parsed it, with its body read whole. Header values that are not UTF-8
    /// are read lossily.
    pub fn from_parts(parts: &hyper::http::request::Parts, body: Vec<u8>) -> Request {
        Request {
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or("").to_string(),
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| {
                    let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                    (n.as_str().to_string(), value)
                })
                .collect(),
            body,
            client_cert: None,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }
    pub fn html(body: String) -> Response {
        Response::new(200, "text/html; charset=UTF-8", body)
    }
    pub fn text(status: u16, body: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", format!("{body}\n"))
    }
    pub fn with(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
    #[cfg(test)]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The response for hyper to write: the handler's headers in their order, then
    /// `Content-Length`, `Server: devca` and `Connection` (`keep-alive`, or `close` when the
    /// connection ends after it). hyper adds `Date`, and for `HEAD` leaves the body out.
    pub fn into_hyper(self, keep_alive: bool) -> hyper::Response<Full<Bytes>> {
        let Response {
            status,
            headers,
            body,
        } = self;
        let length = body.len();
        let mut out = hyper::Response::new(Full::new(Bytes::from(body)));
        *out.status_mut() =
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let ours = reason(status);
        if ours != "Unknown"
            && out.status().canonical_reason() != Some(ours)
            && let Ok(phrase) = ReasonPhrase::try_from(ours.as_bytes())
        {
            out.extensions_mut().insert(phrase);
        }
        let map = out.headers_mut();
        for (name, value) in headers {
            // header values never carry line breaks; a header that still is not valid is left out
            let value: String = value.chars().filter(|c| *c != '\r' && *c != '\n').collect();
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                map.append(n, v);
            }
        }
        map.insert(CONTENT_LENGTH, HeaderValue::from(length));
        map.insert(SERVER, HeaderValue::from_static("devca"));
        let connection = if keep_alive { "keep-alive" } else { "close" };
        map.insert(CONNECTION, HeaderValue::from_static(connection));
        out
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Whether the client asked to keep the connection open: HTTP/1.1 unless `Connection: close`,
/// HTTP/1.0 only with `Connection: keep-alive` (hyper decides the same way).
pub fn wants_keep_alive(version: Version, headers: &HeaderMap) -> bool {
    let has = |token: &str| {
        headers.get_all(CONNECTION).iter().any(|v| {
            v.as_bytes()
                .split(|b| *b == b',')
                .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
        })
    };
    if version == Version::HTTP_10 {
        has("keep-alive") && !has("close")
    } else {
        !has("close")
    }
}

/// Why a request body was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Longer than the limit (announced by `Content-Length` or found while reading).
    TooLarge,
    /// Not all there before the deadline.
    TimedOut,
    /// The connection or the chunked framing broke.
    Broken(String),
}

/// Reads a whole request body of at most `limit` bytes within `time`. A body whose
/// `Content-Length` is over the limit is refused before a byte of it is read, so a client that
/// waits for `100 Continue` is never told to send it.
pub async fn read_body<B>(body: B, limit: usize, time: Duration) -> Result<Vec<u8>, BodyError>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Display,
{
    let limit_u64 = u64::try_from(limit).unwrap_or(u64::MAX);
    if body.size_hint().lower() > limit_u64 {
        return Err(BodyError::TooLarge);
    }
    let read = async move {
        let mut body = body;
        let mut out = Vec::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| BodyError::Broken(e.to_string()))?;
            // trailers (after a chunked body) are read and dropped
            if let Ok(data) = frame.into_data() {
                if out.len().saturating_add(data.len()) > limit {
                    return Err(BodyError::TooLarge);
                }
                out.extend_from_slice(&data);
            }
        }
        Ok(out)
    };
    tokio::time::timeout(time, read)
        .await
        .unwrap_or(Err(BodyError::TimedOut))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    use hyper::body::Frame;

    fn run<T>(f: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// A body of unknown length (like a chunked one): these pieces, then its end, or (when
    /// `stall`) nothing ever again.
    struct Pieces {
        pieces: VecDeque<&'static [u8]>,
        stall: bool,
    }

    impl Body for Pieces {
        type Data = Bytes;
        type Error = Infallible;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            match self.pieces.pop_front() {
                Some(p) => Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(p))))),
                None if self.stall => Poll::Pending,
                None => Poll::Ready(None),
            }
        }
    }

    fn pieces(pieces: &[&'static [u8]], stall: bool) -> Pieces {
        Pieces {
            pieces: pieces.iter().copied().collect(),
            stall,
        }
    }

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn bodies_are_read_whole_up_to_the_limit() {
        let read = run(read_body(pieces(&[b"abc", b"de"], false), 5, SECOND));
        assert_eq!(read, Ok(b"abcde".to_vec()));
        let read = run(read_body(pieces(&[b"abc", b"def"], false), 5, SECOND));
        assert_eq!(read, Err(BodyError::TooLarge));
        // a known length over the limit is refused before reading
        let full = Full::new(Bytes::from(vec![0u8; 6]));
        assert_eq!(run(read_body(full, 5, SECOND)), Err(BodyError::TooLarge));
    }

    #[test]
    fn a_body_that_stops_arriving_times_out() {
        let started = std::time::Instant::now();
        let read = run(read_body(
            pieces(&[b"ab"], true),
            100,
            Duration::from_millis(200),
        ));
        assert_eq!(read, Err(BodyError::TimedOut));
        assert!(started.elapsed() < 5 * SECOND);
    }

    #[test]
    fn responses_keep_devca_headers_in_order() {
        let r = Response::text(413, "413 too big")
            .with("X-A", "b\r\nInjected: 1")
            .into_hyper(false);
        assert_eq!(r.status(), 413);
        assert_eq!(
            r.extensions().get::<ReasonPhrase>().map(|p| p.as_bytes()),
            Some(&b"Content Too Large"[..])
        );
        let names: Vec<&str> = r.headers().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "content-type",
                "x-a",
                "content-length",
                "server",
                "connection"
            ]
        );
        assert_eq!(r.headers()["x-a"], "bInjected: 1");
        assert_eq!(r.headers()["content-length"], "12");
        assert_eq!(r.headers()["connection"], "close");
        let ok = Response::html("<p>".into()).into_hyper(true);
        assert!(ok.extensions().get::<ReasonPhrase>().is_none());
        assert_eq!(ok.headers()["connection"], "keep-alive");
    }

    #[test]
    fn keep_alive_follows_the_version_and_connection_header() {
        let headers = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(CONNECTION, HeaderValue::from_str(v).unwrap());
            h
        };
        assert!(wants_keep_alive(Version::HTTP_11, &HeaderMap::new()));
        assert!(!wants_keep_alive(Version::HTTP_11, &headers("Close")));
        assert!(!wants_keep_alive(
            Version::HTTP_11,
            &headers("upgrade, close")
        ));
        assert!(!wants_keep_alive(Version::HTTP_10, &HeaderMap::new()));
        assert!(wants_keep_alive(Version::HTTP_10, &headers("Keep-Alive")));
    }
}
