//! The page's server on `127.0.0.1` ([`Server`]): `js-host/page.html` and `js-host/host.mjs` with
//! the headers that make the page cross-origin isolated, and the page's WebSocket.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{ensure, Context, Result};

/// What the server serves: the page, the host program, and the token the page must present.
pub(crate) struct Files {
    pub page: Vec<u8>,
    pub host: Vec<u8>,
    pub token: String,
}

/// The page's server on `127.0.0.1`: the page and the host program over HTTP, each with the
/// headers that make the page cross-origin isolated, and the page's WebSocket, handed to the
/// session when the page presents the session's token.
pub(crate) struct Server {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    pub sockets: mpsc::Receiver<TcpStream>,
}

impl Server {
    pub(crate) fn start(files: Files) -> Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").context("binding the page's server")?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let (send, sockets) = mpsc::channel();
        let stopping = stop.clone();
        let files = Arc::new(files);
        let thread = std::thread::Builder::new()
            .name("membench-page-server".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stopping.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    // A thread per connection: a browser may open one it sends nothing on (a
                    // preconnect), which must not hold up the page's. A bad request only loses
                    // its own connection.
                    let (files, send) = (files.clone(), send.clone());
                    let _ = std::thread::Builder::new()
                        .name("membench-page-request".into())
                        .spawn(move || {
                            if let Ok(Some(socket)) = serve(stream, &files) {
                                let _ = send.send(socket);
                            }
                        });
                }
            })
            .context("starting the page's server")?;
        Ok(Server {
            port,
            stop,
            thread: Some(thread),
            sockets,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers one connection: a file, a 404, or (for the page's WebSocket with the right token) the
/// handshake, returning the stream for the session.
fn serve(mut stream: TcpStream, files: &Files) -> Result<Option<TcpStream>> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf)?;
        ensure!(n > 0, "the connection closed inside its request head");
        head.extend_from_slice(&buf[..n]);
        ensure!(head.len() < 64 << 10, "a request head over 64 KiB");
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    request.parse(&head)?;
    let path = request.path.unwrap_or("/").to_string();
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .and_then(|h| std::str::from_utf8(h.value).ok())
    };
    let (route, query) = path.split_once('?').unwrap_or((path.as_str(), ""));
    let token_ok = query
        .split('&')
        .any(|kv| kv == format!("token={}", files.token));
    if route == "/ws" {
        let key = header("Sec-WebSocket-Key");
        let upgrade = header("Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
        if let (true, true, Some(key)) = (token_ok, upgrade, key) {
            let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
            write!(
                stream,
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                 Sec-WebSocket-Accept: {accept}\r\n\r\n"
            )?;
            stream.set_read_timeout(None)?;
            stream.set_nodelay(true)?;
            return Ok(Some(stream));
        }
        respond(&mut stream, "403 Forbidden", "text/plain", b"forbidden")?;
        return Ok(None);
    }
    match route {
        "/" if token_ok => respond(
            &mut stream,
            "200 OK",
            "text/html; charset=utf-8",
            &files.page,
        )?,
        "/host.mjs" => respond(
            &mut stream,
            "200 OK",
            "text/javascript; charset=utf-8",
            &files.host,
        )?,
        _ => respond(&mut stream, "404 Not Found", "text/plain", b"not found")?,
    }
    Ok(None)
}

/// One HTTP response with the headers that make the page cross-origin isolated.
fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) -> Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cross-Origin-Opener-Policy: same-origin\r\nCross-Origin-Embedder-Policy: require-corp\r\n\
         Cross-Origin-Resource-Policy: same-origin\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_serves_the_page_isolated_and_hands_over_the_socket_only_with_the_token() {
        let server = Server::start(Files {
            page: b"<p>page</p>".to_vec(),
            host: b"export {}".to_vec(),
            token: "t0k".into(),
        })
        .unwrap();
        let get = |path: &str, extra: &str| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n").unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut text = String::new();
            let _ = s.read_to_string(&mut text);
            text
        };
        let page = get("/?token=t0k", "");
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(
            page.contains("Cross-Origin-Opener-Policy: same-origin"),
            "{page}"
        );
        assert!(
            page.contains("Cross-Origin-Embedder-Policy: require-corp"),
            "{page}"
        );
        assert!(page.ends_with("<p>page</p>"), "{page}");
        assert!(get("/?token=wrong", "").starts_with("HTTP/1.1 404"));
        let host = get("/host.mjs", "");
        assert!(host.contains("Content-Type: text/javascript"), "{host}");
        let upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
                       Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        assert!(get("/ws?token=wrong", upgrade).starts_with("HTTP/1.1 403"));
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        write!(
            s,
            "GET /ws?token=t0k HTTP/1.1\r\nHost: 127.0.0.1\r\n{upgrade}\r\n"
        )
        .unwrap();
        let handed = server.sockets.recv_timeout(Duration::from_secs(5)).unwrap();
        drop(handed);
        let mut text = String::new();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = s.read_to_string(&mut text);
        // RFC 6455's own example key and answer.
        assert!(
            text.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
            "{text}"
        );
    }
}
