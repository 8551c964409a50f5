//! The stream under hyper, watched: a write that makes no progress for too long fails (a client
//! that stops reading cannot hold a connection), and every request head that goes by is checked
//! for `Content-Length` together with `Transfer-Encoding`.
//!
//! hyper reads such a request by its `Transfer-Encoding` alone, drops the `Content-Length` and
//! closes the connection after answering, as RFC 9112 §6.1 allows; it leaves no trace of the
//! conflict for the service to see. devca refuses those requests instead (they are how request
//! smuggling starts), so [`HeadWatch`] follows the framing of the bytes hyper reads — heads with
//! `httparse`, the parser hyper itself uses, then each body by its length or its chunks — and
//! notes for each head, in order, whether it carried both. The service takes one note per
//! request. Should the watch lose its way (bytes hyper refuses anyway), it notes nothing more
//! and requests are served as hyper read them.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use crate::http::{MAX_HEADER, MAX_HEADERS};

/// What the watch found in each request head, in order, for the service to take.
#[derive(Debug, Clone, Default)]
pub struct Heads(Arc<Mutex<VecDeque<bool>>>);

impl Heads {
    fn push(&self, conflicting: bool) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push_back(conflicting);
    }

    /// Whether the next request's head had both `Content-Length` and `Transfer-Encoding`.
    pub fn next_conflicting(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front()
            .unwrap_or(false)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    /// Reading a request head, line by line.
    Head,
    /// Inside a body of known length: this many bytes to go.
    Fixed(u64),
    /// Reading a chunk-size line.
    ChunkSize,
    /// Inside a chunk: this many bytes to go.
    ChunkData(u64),
    /// The line end after a chunk's data.
    ChunkEnd,
    /// Trailer lines after the last chunk, up to an empty line.
    Trailers,
    /// Bytes that do not frame as HTTP/1.1 requests: hyper refuses them and closes.
    Lost,
}

/// Follows the framing of a request stream; see the module comment.
#[derive(Debug)]
pub struct HeadWatch {
    state: Framing,
    /// The current line (or, in `Head`, the head so far).
    pending: Vec<u8>,
    heads: Heads,
}

/// The longest chunk-size or trailer line the watch follows.
const MAX_LINE: usize = 4096;

impl HeadWatch {
    pub fn new(heads: Heads) -> HeadWatch {
        HeadWatch {
            state: Framing::Head,
            pending: Vec::new(),
            heads,
        }
    }

    /// Takes the next bytes read from the client.
    pub fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            match self.state {
                Framing::Lost => return,
                Framing::Fixed(left) | Framing::ChunkData(left) => {
                    let take = usize::try_from(left).unwrap_or(usize::MAX).min(data.len());
                    data = &data[take..];
                    let left = left - take as u64;
                    self.state = match (self.state, left) {
                        (Framing::Fixed(_), 0) => Framing::Head,
                        (Framing::Fixed(_), n) => Framing::Fixed(n),
                        (_, 0) => Framing::ChunkEnd,
                        (_, n) => Framing::ChunkData(n),
                    };
                }
                Framing::Head | Framing::ChunkSize | Framing::ChunkEnd | Framing::Trailers => {
                    let end = data.iter().position(|b| *b == b'\n').map(|i| i + 1);
                    let take = end.unwrap_or(data.len());
                    self.pending.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    let limit = if self.state == Framing::Head {
                        MAX_HEADER
                    } else {
                        MAX_LINE
                    };
                    if self.pending.len() > limit {
                        self.lose();
                    } else if end.is_some() {
                        self.line();
                    }
                }
            }
        }
    }

    fn lose(&mut self) {
        self.state = Framing::Lost;
        self.pending = Vec::new();
    }

    /// A complete line is in `pending`.
    fn line(&mut self) {
        let blank = matches!(self.pending.as_slice(), b"\r\n" | b"\n");
        match self.state {
            Framing::Head => {
                if blank {
                    // empty lines before a request line are skipped (hyper does the same)
                    self.pending.clear();
                } else if self.pending.ends_with(b"\n\r\n") || self.pending.ends_with(b"\n\n") {
                    self.head();
                }
            }
            Framing::ChunkSize => {
                match httparse::parse_chunk_size(&self.pending) {
                    Ok(httparse::Status::Complete((_, 0))) => self.state = Framing::Trailers,
                    Ok(httparse::Status::Complete((_, n))) => self.state = Framing::ChunkData(n),
                    _ => return self.lose(),
                }
                self.pending.clear();
            }
            Framing::ChunkEnd => {
                if !blank {
                    return self.lose();
                }
                self.state = Framing::ChunkSize;
                self.pending.clear();
            }
            Framing::Trailers => {
                if blank {
                    self.state = Framing::Head;
                }
                self.pending.clear();
            }
            Framing::Fixed(_) | Framing::ChunkData(_) | Framing::Lost => {}
        }
    }

    /// A complete head is in `pending`.
    fn head(&mut self) {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        let Ok(httparse::Status::Complete(_)) = request.parse(&self.pending) else {
            return self.lose();
        };
        let named = |name: &str| {
            request
                .headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| h.value)
                .collect::<Vec<_>>()
        };
        let lengths = named("content-length");
        let encodings = named("transfer-encoding");
        self.heads
            .push(!lengths.is_empty() && !encodings.is_empty());
        self.state = if !encodings.is_empty() {
            Framing::ChunkSize
        } else if let Some(length) = lengths.first() {
            match std::str::from_utf8(length)
                .ok()
                .map(str::trim)
                .map(str::parse)
            {
                Some(Ok(0)) => Framing::Head,
                Some(Ok(n)) => Framing::Fixed(n),
                _ => Framing::Lost,
            }
        } else {
            Framing::Head
        };
        if self.state == Framing::Lost {
            self.pending = Vec::new();
        } else {
            self.pending.clear();
        }
    }
}

/// A connection's stream as hyper sees it: reads feed a [`HeadWatch`]; a write, flush or
/// shutdown that stays blocked for `write_stall` fails with `TimedOut`.
pub struct Watched<'a, S> {
    inner: &'a mut S,
    watch: HeadWatch,
    write_stall: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<'a, S> Watched<'a, S> {
    pub fn new(inner: &'a mut S, heads: Heads, write_stall: Duration) -> Self {
        Watched {
            inner,
            watch: HeadWatch::new(heads),
            write_stall,
            stalled: None,
        }
    }

    fn bounded<T>(&mut self, cx: &mut Context<'_>, r: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if r.is_ready() {
            self.stalled = None;
            return r;
        }
        let stall = self.write_stall;
        let timer = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(stall)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the client read nothing for {} s", stall.as_secs()),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<'_, S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let r = Pin::new(&mut *this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = r {
            this.watch.feed(&buf.filled()[before..]);
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<'_, S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut *this.inner).poll_write(cx, buf);
        this.bounded(cx, r)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut *this.inner).poll_write_vectored(cx, bufs);
        this.bounded(cx, r)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut *this.inner).poll_flush(cx);
        this.bounded(cx, r)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut *this.inner).poll_shutdown(cx);
        this.bounded(cx, r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The notes the watch takes for `stream`, fed in pieces of `step` bytes.
    fn notes(stream: &[u8], step: usize) -> Vec<bool> {
        let heads = Heads::default();
        let mut watch = HeadWatch::new(heads.clone());
        for piece in stream.chunks(step) {
            watch.feed(piece);
        }
        heads.0.lock().unwrap().iter().copied().collect()
    }

    #[test]
    fn conflicting_heads_are_noted_in_order_across_bodies() {
        let stream = b"\r\nPOST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello\
POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n\
3;ext=1\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n\
GET /c HTTP/1.1\r\nHost: x\r\n\r\n\
POST /d HTTP/1.1\r\ncontent-length: 11\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n\
POST /e HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nGE\r\n0\r\n\r\n";
        for step in [1, 2, 7, stream.len()] {
            assert_eq!(
                notes(stream, step),
                [false, true, false, true, false],
                "in pieces of {step}"
            );
        }
    }

    #[test]
    fn a_body_that_looks_like_a_head_is_not_read_as_one() {
        let body = b"GET /x HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n";
        let mut stream =
            format!("POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
        stream.extend_from_slice(body);
        assert_eq!(notes(&stream, 3), [false]);
    }

    #[test]
    fn unframeable_bytes_stop_the_watch() {
        assert!(
            notes(
                b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\nGET / HTTP/1.1\r\n\r\n",
                4
            )
            .len()
                == 1
        );
        let mut huge = b"GET / HTTP/1.1\r\nX: ".to_vec();
        huge.extend(vec![b'a'; MAX_HEADER + 1]);
        huge.extend_from_slice(b"\r\n\r\n");
        assert!(notes(&huge, 1000).is_empty());
        assert!(notes(b"\x16\x03\x01garbage\r\n\r\n", 5).is_empty());
    }
}
