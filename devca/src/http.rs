//! A small HTTP/1.1 server core: request parsing with size limits, chunked bodies, keep-alive,
//! and response writing. Enough for a development CA; every limit answers with a status code
//! instead of failing.

use std::io::{self, Read, Write};

pub const MAX_HEADER: usize = 16 * 1024;
pub const MAX_BODY: usize = 1024 * 1024;
/// How much of an oversized body is read and thrown away before answering 413, so that the
/// client sees the answer instead of a reset connection.
const MAX_DRAIN: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path, percent-encoded as sent, without the query.
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub keep_alive: bool,
}

impl Request {
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

/// What went wrong reading a request: an answer to send (then close), or a dead connection.
#[derive(Debug)]
pub enum ReadError {
    Respond(u16, &'static str),
    Closed,
}

/// Reads requests from one connection, keeping bytes that arrive after a request for the next.
pub struct Reader<R> {
    inner: R,
    buf: Vec<u8>,
}

impl<R: Read> Reader<R> {
    pub fn new(inner: R) -> Self {
        Reader {
            inner,
            buf: Vec::new(),
        }
    }

    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    fn fill(&mut self) -> Result<usize, ReadError> {
        let mut chunk = [0u8; 8192];
        loop {
            match self.inner.read(&mut chunk) {
                Ok(0) => return Ok(0),
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return Err(ReadError::Closed),
            }
        }
    }

    /// Ensures `n` bytes are buffered.
    fn need(&mut self, n: usize) -> Result<(), ReadError> {
        while self.buf.len() < n {
            if self.fill()? == 0 {
                return Err(ReadError::Closed);
            }
        }
        Ok(())
    }

    fn read_line(&mut self, limit: usize) -> Result<Vec<u8>, ReadError> {
        loop {
            if let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=pos).collect();
                return Ok(line);
            }
            if self.buf.len() > limit {
                return Err(ReadError::Respond(400, "line too long"));
            }
            if self.fill()? == 0 {
                return Err(ReadError::Closed);
            }
        }
    }

    fn discard(&mut self, mut n: usize) -> Result<(), ReadError> {
        while n > 0 {
            if self.buf.is_empty() && self.fill()? == 0 {
                return Err(ReadError::Closed);
            }
            let take = n.min(self.buf.len());
            self.buf.drain(..take);
            n -= take;
        }
        Ok(())
    }

    /// Reads one request. `Ok(None)` when the peer closed cleanly between requests.
    #[cfg(test)]
    pub fn read_request(&mut self) -> Result<Option<Request>, ReadError> {
        self.read_request_with(|_| {})
    }

    /// Reads one request; `send_continue` is called on the stream when the client waits for
    /// `100 Continue` before sending an acceptable body.
    pub fn read_request_with(
        &mut self,
        mut send_continue: impl FnMut(&mut R),
    ) -> Result<Option<Request>, ReadError> {
        // the head
        let end = loop {
            if let Some(pos) = find(&self.buf, b"\r\n\r\n") {
                break pos + 4;
            }
            if self.buf.len() > MAX_HEADER {
                return Err(ReadError::Respond(431, "request header too large"));
            }
            if self.fill()? == 0 {
                return if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
                    Ok(None)
                } else {
                    Err(ReadError::Closed)
                };
            }
        };
        if end > MAX_HEADER {
            return Err(ReadError::Respond(431, "request header too large"));
        }
        let head: Vec<u8> = self.buf.drain(..end).collect();
        let head = String::from_utf8_lossy(&head);
        let mut lines = head.split("\r\n").skip_while(|l| l.is_empty());
        let request_line = lines.next().unwrap_or("");
        let mut parts = request_line.split(' ');
        let (Some(method), Some(target), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ReadError::Respond(400, "malformed request line"));
        };
        if !version.starts_with("HTTP/1.") {
            return Err(ReadError::Respond(505, "only HTTP/1.x is spoken here"));
        }
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ReadError::Respond(400, "malformed method"));
        }
        let mut headers = Vec::new();
        for line in lines {
            if line.is_empty() {
                continue;
            }
            let Some((name, value)) = line.split_once(':') else {
                return Err(ReadError::Respond(400, "malformed header line"));
            };
            if name.is_empty() || name.contains(' ') {
                return Err(ReadError::Respond(400, "malformed header name"));
            }
            headers.push((name.to_string(), value.trim().to_string()));
            if headers.len() > 100 {
                return Err(ReadError::Respond(431, "too many header fields"));
            }
        }
        let get = |n: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.clone())
        };
        let connection = get("connection").unwrap_or_default().to_ascii_lowercase();
        let keep_alive = if version == "HTTP/1.0" {
            connection.contains("keep-alive")
        } else {
            !connection.contains("close")
        };
        let expects_continue = get("expect")
            .map(|v| v.trim().eq_ignore_ascii_case("100-continue"))
            .unwrap_or(false);
        let chunked = get("transfer-encoding")
            .map(|v| v.to_ascii_lowercase().contains("chunked"))
            .unwrap_or(false);
        let body = if chunked {
            if expects_continue {
                send_continue(&mut self.inner);
            }
            self.read_chunked()?
        } else if let Some(len) = get("content-length") {
            let len: usize = len
                .trim()
                .parse()
                .map_err(|_| ReadError::Respond(400, "bad Content-Length"))?;
            if len > MAX_BODY {
                // a client waiting for 100 Continue has not sent the body: nothing to drain
                if len <= MAX_DRAIN && !expects_continue {
                    self.discard(len)?;
                }
                return Err(ReadError::Respond(413, "request body larger than 1 MiB"));
            }
            if expects_continue && len > 0 && self.buf.len() < len {
                send_continue(&mut self.inner);
            }
            self.need(len)?;
            self.buf.drain(..len).collect()
        } else {
            Vec::new()
        };
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (target.to_string(), String::new()),
        };
        Ok(Some(Request {
            method: method.to_string(),
            path,
            query,
            headers,
            body,
            keep_alive,
        }))
    }

    fn read_chunked(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        let mut too_big = false;
        let mut total = 0usize;
        loop {
            let line = self.read_line(1024)?;
            let line = String::from_utf8_lossy(&line);
            let size_text = line
                .trim()
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            let size = usize::from_str_radix(&size_text, 16)
                .map_err(|_| ReadError::Respond(400, "bad chunk size"))?;
            if size == 0 {
                // trailers up to the empty line
                loop {
                    let l = self.read_line(MAX_HEADER)?;
                    if l == b"\r\n" || l == b"\n" {
                        break;
                    }
                }
                break;
            }
            total = total.saturating_add(size);
            if total > MAX_DRAIN {
                return Err(ReadError::Respond(413, "request body larger than 1 MiB"));
            }
            if total > MAX_BODY {
                too_big = true;
                self.discard(size)?;
            } else {
                self.need(size)?;
                body.extend(self.buf.drain(..size));
            }
            let crlf = self.read_line(2)?;
            if crlf != b"\r\n" && crlf != b"\n" {
                return Err(ReadError::Respond(400, "bad chunk framing"));
            }
        }
        if too_big {
            return Err(ReadError::Respond(413, "request body larger than 1 MiB"));
        }
        Ok(body)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Writes `resp`; `head_only` for HEAD requests.
pub fn write_response<W: Write>(
    w: &mut W,
    resp: &Response,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (n, v) in &resp.headers {
        // header values never carry line breaks
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    out.push_str("Server: devca\r\n");
    out.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&resp.body);
    }
    w.write_all(&bytes)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(raw: &[u8]) -> Result<Option<Request>, ReadError> {
        Reader::new(raw).read_request()
    }

    #[test]
    fn parses_request_with_body_and_pipelining() {
        let raw = b"POST /certsrv/certfnsh.asp?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nConnection: close\r\n\r\n";
        let mut r = Reader::new(&raw[..]);
        let a = r.read_request().unwrap().unwrap();
        assert_eq!(a.method, "POST");
        assert_eq!(a.path, "/certsrv/certfnsh.asp");
        assert_eq!(a.query, "x=1");
        assert_eq!(a.body, b"abc");
        assert!(a.keep_alive);
        assert_eq!(a.header("HOST"), Some("a"));
        let b = r.read_request().unwrap().unwrap();
        assert_eq!(b.path, "/");
        assert!(!b.keep_alive);
        assert!(r.read_request().unwrap().is_none());
    }

    #[test]
    fn expect_continue_is_answered_only_for_acceptable_bodies() {
        let raw = b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab";
        let mut r = Reader::new(&raw[..]);
        let mut called = 0;
        // the body is already buffered here, so no 100 is needed
        let req = r.read_request_with(|_| called += 1).unwrap().unwrap();
        assert_eq!((req.body.as_slice(), called), (&b"ab"[..], 0));
        let raw = format!(
            "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        let mut r = Reader::new(raw.as_bytes());
        let res = r.read_request_with(|_| called += 1);
        assert!(matches!(res, Err(ReadError::Respond(413, _))));
        assert_eq!(called, 0);
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                // hand out the head first, the body on a later read
                let n = self.0.len().min(buf.len()).min(self.1);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                self.1 = usize::MAX;
                Ok(n)
            }
        }
        let raw = b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab";
        let mut r = Reader::new(Slow(raw, raw.len() - 2));
        let req = r.read_request_with(|_| called += 1).unwrap().unwrap();
        assert_eq!((req.body.as_slice(), called), (&b"ab"[..], 1));
    }

    #[test]
    fn chunked_body() {
        let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(read(raw).unwrap().unwrap().body, b"abcde");
    }

    #[test]
    fn limits_answer_with_status() {
        let big = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            2 * 1024 * 1024
        );
        let mut raw = big.into_bytes();
        raw.extend(vec![b'a'; 2 * 1024 * 1024]);
        assert!(matches!(read(&raw), Err(ReadError::Respond(413, _))));
        let mut huge = b"GET / HTTP/1.1\r\nX: ".to_vec();
        huge.extend(vec![b'a'; MAX_HEADER + 10]);
        assert!(matches!(read(&huge), Err(ReadError::Respond(431, _))));
        assert!(matches!(
            read(b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
            Err(ReadError::Respond(400, _))
        ));
        assert!(matches!(
            read(b"garbage\r\n\r\n"),
            Err(ReadError::Respond(400, _))
        ));
        assert!(matches!(
            read(b"GET / SPDY/3\r\n\r\n"),
            Err(ReadError::Respond(505, _))
        ));
        assert!(matches!(
            read(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"),
            Err(ReadError::Closed)
        ));
        assert!(matches!(
            read(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
            Err(ReadError::Respond(400, _))
        ));
    }

    #[test]
    fn response_format() {
        let mut out = Vec::new();
        let r = Response::text(404, "nope").with("X-A", "b\r\nInjected: 1");
        write_response(&mut out, &r, false, false).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(s.contains("X-A: bInjected: 1\r\n"));
        assert!(s.contains("Content-Length: 5\r\n"));
        assert!(s.contains("Connection: close\r\n\r\nnope\n"));
    }
}
