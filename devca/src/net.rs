//! The connection side of devca's HTTP/1.1 server: hyper on a tokio runtime, plain or TLS
//! (tokio-rustls), with devca's limits. Each connection is a task: a slow or silent client
//! holds only its own task (and one of `max_connections` slots) until a timeout ends it.
//!
//! - The request head must arrive whole within `header_read` (hyper's header read timeout,
//!   which also ends keep-alive connections idle that long); larger than `MAX_HEADER` bytes or
//!   with more than `MAX_HEADERS` fields → 431 (hyper's own answer).
//! - The body must arrive within `body_read`; over `MAX_BODY` → 413, a `Content-Length` over it
//!   before `100 Continue` is sent.
//! - `Content-Length` with `Transfer-Encoding` → 400 (see `watch.rs`).
//! - A write blocked for `write_stall`, or a TLS handshake longer than `tls_handshake`, ends
//!   the connection.
//! - Closing lingers: after the last answer the server stops writing and reads (and drops) what
//!   the client is still sending for up to `linger`, so that a client still sending a refused
//!   body or header sees the answer instead of a reset connection.
//!
//! The handlers (`server::handle`) are synchronous (file I/O, signing): they run on tokio's
//! blocking threads.

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsAcceptor;

use crate::http::{self, BodyError, MAX_BODY, MAX_HEADER, MAX_HEADERS, Request, Response};
use crate::server::{self, Ctx};
use crate::watch::{Heads, Watched};

/// The server's timeouts and its connection limit.
#[derive(Debug, Clone)]
pub struct Limits {
    /// For a whole request head, and for a keep-alive connection's next request.
    pub header_read: Duration,
    /// For a whole request body.
    pub body_read: Duration,
    /// For a write (an answer) the client does not read.
    pub write_stall: Duration,
    /// For the TLS handshake.
    pub tls_handshake: Duration,
    /// For the lingering close.
    pub linger: Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(30),
            write_stall: Duration::from_secs(30),
            tls_handshake: Duration::from_secs(10),
            linger: Duration::from_secs(2),
            max_connections: 512,
        }
    }
}

/// The most bytes a lingering close reads before it gives up.
const MAX_LINGER_BYTES: usize = 16 * 1024 * 1024;

/// The runtime `devca serve` runs on: a worker per core, and at most 64 threads for handlers.
pub fn runtime() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(64)
        .thread_name("devca")
        .build()
}

/// Accepts connections until the process ends, at most `limits.max_connections` at once.
pub async fn run(
    ctx: Arc<Ctx>,
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    limits: Limits,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let acceptor = tls.map(TlsAcceptor::from);
    let limits = Arc::new(limits);
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return; // the semaphore is never closed
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // e.g. out of file descriptors: do not spin
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let (ctx, limits, acceptor) = (ctx.clone(), limits.clone(), acceptor.clone());
        tokio::spawn(connection(stream, ctx, limits, acceptor, slot));
    }
}

async fn connection(
    stream: TcpStream,
    ctx: Arc<Ctx>,
    limits: Arc<Limits>,
    tls: Option<TlsAcceptor>,
    _slot: OwnedSemaphorePermit,
) {
    let _ = stream.set_nodelay(true);
    match tls {
        None => serve(stream, ctx, limits, None).await,
        Some(acceptor) => {
            let handshake = tokio::time::timeout(limits.tls_handshake, acceptor.accept(stream));
            if let Ok(Ok(stream)) = handshake.await {
                let client = stream
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|certs| certs.first())
                    .map(|c| c.as_ref().to_vec());
                serve(stream, ctx, limits, client).await;
            }
        }
    }
}

/// hyper's HTTP/1.1 with devca's limits.
fn http1_builder(limits: &Limits) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .max_header_size(MAX_HEADER)
        .max_headers(MAX_HEADERS)
        .title_case_headers(true)
        .keep_alive(true);
    builder
}

async fn serve<S>(mut stream: S, ctx: Arc<Ctx>, limits: Arc<Limits>, client: Option<Vec<u8>>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let heads = Heads::default();
    {
        let io = TokioIo::new(Watched::new(&mut stream, heads.clone(), limits.write_stall));
        let service = service_fn(|req| {
            let conflicting = heads.next_conflicting();
            answer(
                ctx.clone(),
                limits.clone(),
                conflicting,
                client.clone(),
                req,
            )
        });
        // an error here is the client's (gone, too slow, malformed): hyper has already
        // answered what deserves an answer
        let _ = http1_builder(&limits).serve_connection(io, service).await;
    }
    linger(&mut stream, limits.linger).await;
}

/// Answers one request: its body read whole (within the limits), then the handler.
async fn answer(
    ctx: Arc<Ctx>,
    limits: Arc<Limits>,
    conflicting: bool,
    client: Option<Vec<u8>>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let refuse = |status: u16, why: &str| {
        Ok(Response::text(status, &format!("{status} {why}")).into_hyper(false))
    };
    if conflicting {
        return refuse(
            400,
            "Content-Length and Transfer-Encoding together are refused",
        );
    }
    let keep_alive = http::wants_keep_alive(parts.version, &parts.headers);
    let body = match http::read_body(body, MAX_BODY, limits.body_read).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return refuse(413, "request body larger than 1 MiB"),
        Err(BodyError::TimedOut) => {
            let why = format!(
                "the request body did not arrive within {} s",
                limits.body_read.as_secs()
            );
            return refuse(408, &why);
        }
        Err(BodyError::Broken(e)) => {
            return refuse(400, &format!("the request body could not be read: {e}"));
        }
    };
    let mut request = Request::from_parts(&parts, body);
    request.client_cert = client;
    let response = tokio::task::spawn_blocking(move || server::handle(&ctx, &request))
        .await
        .unwrap_or_else(|_| Response::text(500, "500 the request could not be handled"));
    Ok(response.into_hyper(keep_alive))
}

/// Ends a connection: no more writing, then whatever the client still sends is read and
/// dropped, until it closes, `time` passes or `MAX_LINGER_BYTES` went by.
async fn linger<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, time: Duration) {
    let drain = async {
        let _ = stream.shutdown().await;
        let mut buf = vec![0u8; 16 * 1024];
        let mut total = 0usize;
        while total < MAX_LINGER_BYTES {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => total += n,
            }
        }
    };
    let _ = tokio::time::timeout(time, drain).await;
}

/// The rustls server configuration for `--tls` (ring provider). With `client_roots`
/// (`--client-ca`), a client may show a certificate issued under one of them; it signs in the
/// requester devca recorded for that very certificate (`server::signed_in`). Clients without
/// one are still served (and may sign in otherwise).
pub fn tls_config(
    cert_der: Vec<u8>,
    key_der: Vec<u8>,
    client_roots: Option<Vec<Vec<u8>>>,
) -> Result<rustls::ServerConfig, String> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = match client_roots {
        None => builder.with_no_client_auth(),
        Some(roots) => {
            let mut store = rustls::RootCertStore::empty();
            for der in roots {
                store
                    .add(CertificateDer::from(der))
                    .map_err(|e| format!("--client-ca: {e}"))?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(store),
                provider,
            )
            .allow_unauthenticated()
            .build()
            .map_err(|e| format!("--client-ca: {e}"))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    builder
        .with_single_cert(
            vec![CertificateDer::from(cert_der)],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_der)),
        )
        .map_err(|e| format!("TLS certificate: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ca::tests::tempdir;
    use crate::server::Policy;
    use crate::server::tests::{ctx, form};
    use std::io::{Read, Write};
    use std::net::SocketAddr;
    use std::time::Instant;

    /// A devca server on a loopback port, on its own runtime, stopped when dropped.
    struct Server {
        addr: SocketAddr,
        runtime: Option<tokio::runtime::Runtime>,
        _dir: tempdir::Dir,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            if let Some(rt) = self.runtime.take() {
                rt.shutdown_background();
            }
        }
    }

    /// Limits short enough for tests.
    fn quick() -> Limits {
        Limits {
            header_read: Duration::from_secs(1),
            body_read: Duration::from_secs(1),
            write_stall: Duration::from_secs(1),
            tls_handshake: Duration::from_secs(1),
            linger: Duration::from_millis(500),
            max_connections: 64,
        }
    }

    fn start_with(limits: Limits, tls: bool, dist: Option<&std::path::Path>) -> Server {
        let dir = tempdir::Dir::new("net");
        let mut ctx = ctx(dir.path(), Policy::Issue, false);
        ctx.config.dist = dist.map(|d| d.to_path_buf());
        let tls = tls.then(|| {
            let (cert, key) = ctx.ca.tls_identity(dir.path()).unwrap();
            Arc::new(tls_config(cert, key, None).unwrap())
        });
        let runtime = runtime().unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let ctx = Arc::new(ctx);
        runtime.spawn(async move {
            let listener = TcpListener::from_std(listener).unwrap();
            run(ctx, listener, tls, limits).await;
        });
        Server {
            addr,
            runtime: Some(runtime),
            _dir: dir,
        }
    }

    fn start() -> Server {
        start_with(quick(), false, None)
    }

    fn connect(addr: SocketAddr) -> std::net::TcpStream {
        let s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s
    }

    /// Everything the server sends until it closes the connection.
    fn read_all(s: &mut std::net::TcpStream) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 65536];
        loop {
            match s.read(&mut buf) {
                Ok(0) => return out,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return out,
                Err(e) => panic!("reading the answer: {e} (after {out:?})"),
            }
        }
    }

    /// Sends `raw` on a new connection and returns all of the answer.
    fn exchange(addr: SocketAddr, raw: &[u8]) -> String {
        let mut s = connect(addr);
        s.write_all(raw).unwrap();
        String::from_utf8_lossy(&read_all(&mut s)).into_owned()
    }

    /// One answer's head: the lines before the empty line, without `Date`.
    fn head(answer: &str) -> Vec<&str> {
        let (head, _) = answer.split_once("\r\n\r\n").unwrap_or((answer, ""));
        head.split("\r\n")
            .filter(|l| !l.starts_with("Date: "))
            .collect()
    }

    fn body(answer: &str) -> &str {
        answer.split_once("\r\n\r\n").map_or("", |(_, b)| b)
    }

    const CHKPND: &str = "Mode=chkpnd&ReqID=7";

    fn chkpnd_page() -> String {
        crate::pages::unknown_request()
    }

    fn assert_up(addr: SocketAddr) {
        let answer = exchange(
            addr,
            b"GET /certsrv/certcarc.asp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    }

    #[test]
    fn answers_carry_the_same_head_and_body_as_before() {
        let server = start();
        let answer = exchange(
            server.addr,
            b"GET /certsrv/certcarc.asp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        let page = crate::pages::certcarc(0);
        assert_eq!(
            head(&answer),
            [
                "HTTP/1.1 200 OK",
                "Content-Type: text/html; charset=UTF-8",
                &format!("Content-Length: {}", page.len()),
                "Server: devca",
                "Connection: close",
            ]
        );
        assert_eq!(body(&answer), page);
        assert!(answer.contains("\r\nDate: "));
        // HEAD: the same head, no body
        let answer = exchange(
            server.addr,
            b"HEAD /certsrv/certcarc.asp HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        assert!(head(&answer).contains(&format!("Content-Length: {}", page.len()).as_str()));
        assert_eq!(body(&answer), "");
        // the reason phrases are devca's, not hyper's
        let answer = exchange(
            server.addr,
            format!(
                "POST /x HTTP/1.1\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
                MAX_BODY + 1
            )
            .as_bytes(),
        );
        assert_eq!(head(&answer)[0], "HTTP/1.1 413 Content Too Large");
        assert_eq!(body(&answer), "413 request body larger than 1 MiB\n");
    }

    #[test]
    fn keep_alive_serves_several_requests_on_one_connection() {
        let server = start();
        let mut s = connect(server.addr);
        let get = b"GET /certsrv/certcarc.asp HTTP/1.1\r\nHost: x\r\n\r\n";
        s.write_all(get).unwrap();
        let mut first = vec![0u8; 4096];
        let n = s.read(&mut first).unwrap();
        let first = String::from_utf8_lossy(&first[..n]).into_owned();
        assert!(head(&first).contains(&"Connection: keep-alive"), "{first}");
        // then two more, pipelined, the last one closing
        s.write_all(get).unwrap();
        s.write_all(b"GET /certsrv/certcarc.asp HTTP/1.1\r\nConnection: close\r\n\r\n")
            .unwrap();
        let rest = String::from_utf8_lossy(&read_all(&mut s)).into_owned();
        assert_eq!(rest.matches("HTTP/1.1 200 OK\r\n").count(), 2, "{rest}");
        // HTTP/1.0 keeps the connection only when asked to
        let answer = exchange(server.addr, b"GET /certsrv/certcarc.asp HTTP/1.0\r\n\r\n");
        assert!(head(&answer).contains(&"Connection: close"), "{answer}");
    }

    #[test]
    fn expect_100_continue_is_answered_before_the_body_is_sent() {
        let server = start();
        let mut s = connect(server.addr);
        s.write_all(
            format!(
                "POST /certsrv/certfnsh.asp HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                CHKPND.len()
            )
            .as_bytes(),
        )
        .unwrap();
        let mut interim = [0u8; 25];
        s.read_exact(&mut interim).unwrap();
        assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
        s.write_all(CHKPND.as_bytes()).unwrap();
        let answer = String::from_utf8_lossy(&read_all(&mut s)).into_owned();
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert_eq!(body(&answer), chkpnd_page());
        // too large: 413 at once, and no 100
        let answer = exchange(
            server.addr,
            format!(
                "POST /certsrv/certfnsh.asp HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
                2 * MAX_BODY
            )
            .as_bytes(),
        );
        assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    }

    #[test]
    fn chunked_bodies_are_read() {
        let server = start();
        let answer = exchange(
            server.addr,
            format!(
                "POST /certsrv/certfnsh.asp HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;x=y\r\n{}\r\n{:x}\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n",
                &CHKPND[..5],
                CHKPND.len() - 5,
                &CHKPND[5..]
            )
            .as_bytes(),
        );
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert_eq!(body(&answer), chkpnd_page());
    }

    #[test]
    fn bodies_over_the_limit_get_413_and_the_server_stays_up() {
        let server = start();
        let big = vec![b'a'; 2 * MAX_BODY];
        let mut raw = format!(
            "POST /certsrv/certfnsh.asp HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            big.len()
        )
        .into_bytes();
        raw.extend_from_slice(&big);
        let answer = exchange(server.addr, &raw);
        assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
        assert!(head(&answer).contains(&"Connection: close"));
        let mut raw =
            b"POST /certsrv/certfnsh.asp HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for piece in big.chunks(64 * 1024) {
            raw.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
            raw.extend_from_slice(piece);
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"0\r\n\r\n");
        let answer = exchange(server.addr, &raw);
        assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
        assert_up(server.addr);
    }

    #[test]
    fn content_length_with_transfer_encoding_is_refused() {
        let server = start();
        for raw in [
            "POST /certsrv/certfnsh.asp HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /certsrv/certfnsh.asp HTTP/1.1\r\ntransfer-encoding: chunked\r\ncontent-length: 5\r\n\r\n0\r\n\r\n",
        ] {
            let answer = exchange(server.addr, raw.as_bytes());
            assert!(
                answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
                "{answer}"
            );
            assert_eq!(
                body(&answer),
                "400 Content-Length and Transfer-Encoding together are refused\n"
            );
        }
        // a conflicting request behind good ones on a kept connection is found too
        let chunked = format!(
            "POST /certsrv/certfnsh.asp HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{CHKPND}\r\n0\r\n\r\n",
            CHKPND.len()
        );
        let raw = format!(
            "{chunked}{chunked}POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"
        );
        let answer = exchange(server.addr, raw.as_bytes());
        let statuses: Vec<&str> = answer
            .split("\r\n")
            .filter(|l| l.starts_with("HTTP/1.1 "))
            .collect();
        assert_eq!(
            statuses,
            [
                "HTTP/1.1 200 OK",
                "HTTP/1.1 200 OK",
                "HTTP/1.1 400 Bad Request"
            ]
        );
        assert_up(server.addr);
    }

    #[test]
    fn too_many_or_too_large_headers_get_431_and_the_server_stays_up() {
        let server = start();
        let mut many = b"GET /certsrv/ HTTP/1.1\r\n".to_vec();
        for i in 0..10_000 {
            many.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        let mut large = b"GET /certsrv/ HTTP/1.1\r\nX-Big: ".to_vec();
        large.extend(vec![b'a'; 1024 * 1024]);
        large.extend_from_slice(b"\r\n\r\n");
        let mut just_over = b"GET /certsrv/ HTTP/1.1\r\n".to_vec();
        for i in 0..=MAX_HEADERS {
            just_over.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
        }
        just_over.extend_from_slice(b"\r\n");
        for raw in [&many, &large, &just_over] {
            let answer = exchange(server.addr, raw);
            assert!(
                answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
                "{answer}"
            );
        }
        assert_up(server.addr);
    }

    #[test]
    fn a_slow_head_is_cut_off_while_others_are_served() {
        let server = start();
        let mut slow: Vec<std::net::TcpStream> = (0..20).map(|_| connect(server.addr)).collect();
        let started = Instant::now();
        let request = b"GET /certsrv/ HTTP/1.1\r\nHost: x\r\n";
        let mut closed_after = vec![None; slow.len()];
        for (i, byte) in request.iter().cycle().take(40).enumerate() {
            for (s, closed) in slow.iter_mut().zip(closed_after.iter_mut()) {
                if closed.is_none() && s.write_all(&[*byte]).is_err() {
                    *closed = Some(started.elapsed());
                }
            }
            if i == 2 {
                // meanwhile a normal client enrolls
                let csr = crate::csr::tests::ec_csr("CN=busy.example", &[]);
                let body = form(&csr, "");
                let mut raw = format!(
                    "POST /certsrv/certfnsh.asp HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                raw.extend_from_slice(&body);
                let t = Instant::now();
                let answer = exchange(server.addr, &raw);
                assert!(
                    answer.contains("certnew.cer?ReqID=1&amp;Enc=bin"),
                    "{answer}"
                );
                assert!(t.elapsed() < Duration::from_secs(2));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // each slow client was ended by the server after the header timeout (1 s) and linger
        for (s, closed) in slow.iter_mut().zip(&closed_after) {
            if closed.is_none() {
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let _ = read_all(s);
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(6),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn idle_connections_and_slow_bodies_are_ended() {
        let server = start();
        // idle after an answer: closed after the header timeout
        let mut s = connect(server.addr);
        s.write_all(b"GET /certsrv/certcarc.asp HTTP/1.1\r\n\r\n")
            .unwrap();
        let started = Instant::now();
        let answer = String::from_utf8_lossy(&read_all(&mut s)).into_owned();
        assert!(answer.starts_with("HTTP/1.1 200 OK"));
        assert!(started.elapsed() < Duration::from_secs(5));
        // a body that stops arriving: 408
        let mut s = connect(server.addr);
        s.write_all(b"POST /certsrv/certfnsh.asp HTTP/1.1\r\nContent-Length: 100\r\n\r\nMode=")
            .unwrap();
        let answer = String::from_utf8_lossy(&read_all(&mut s)).into_owned();
        assert!(
            answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "{answer}"
        );
        assert!(answer.ends_with("408 the request body did not arrive within 1 s\n"));
    }

    #[test]
    fn a_silent_tls_client_is_dropped_after_the_handshake_timeout() {
        let server = start_with(quick(), true, None);
        let mut s = connect(server.addr);
        let started = Instant::now();
        assert!(read_all(&mut s).is_empty());
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_client_that_stops_reading_gives_its_slot_back() {
        let dist = tempdir::Dir::new("net-dist");
        std::fs::write(dist.path().join("big.bin"), vec![0u8; 64 * 1024 * 1024]).unwrap();
        let limits = Limits {
            max_connections: 1,
            ..quick()
        };
        let server = start_with(limits, false, Some(dist.path()));
        let mut reader_that_never_reads = connect(server.addr);
        reader_that_never_reads
            .write_all(b"GET /big.bin HTTP/1.1\r\n\r\n")
            .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        // the only slot is taken; the next client is served once the stalled write gives up
        let started = Instant::now();
        assert_up(server.addr);
        assert!(started.elapsed() < Duration::from_secs(8));
    }

    #[test]
    fn many_clients_at_once() {
        let server = start_with(
            Limits {
                max_connections: 512,
                ..quick()
            },
            false,
            None,
        );
        let addr = server.addr;
        let clients: Vec<_> = (0..100)
            .map(|_| {
                std::thread::spawn(move || {
                    exchange(
                        addr,
                        b"GET /certsrv/certcarc.asp HTTP/1.1\r\nConnection: close\r\n\r\n",
                    )
                })
            })
            .collect();
        for c in clients {
            assert!(c.join().unwrap().starts_with("HTTP/1.1 200 OK\r\n"));
        }
    }
}
