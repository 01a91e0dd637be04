//! A real HTTP server on loopback whose answer a test flips at will.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;

#[derive(Clone, Debug)]
pub enum Mode {
    /// Answer with this status and body.
    Answer(u16, &'static str),
    /// Accept, read the request, never answer.
    Hang,
}

#[derive(Clone)]
pub struct Target {
    pub addr: SocketAddr,
    mode: Arc<Mutex<Mode>>,
    hits: Arc<AtomicUsize>,
}

impl Target {
    pub async fn start(mode: Mode) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let t = Self {
            addr: listener.local_addr().unwrap(),
            mode: Arc::new(Mutex::new(mode)),
            hits: Arc::default(),
        };
        let served = t.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(served.clone().serve(stream));
            }
        });
        t
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn set(&self, mode: Mode) {
        *self.mode.lock().await = mode;
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    async fn serve(self, mut stream: TcpStream) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 1024];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        self.hits.fetch_add(1, Ordering::SeqCst);
        let mode = self.mode.lock().await.clone();
        match mode {
            Mode::Answer(status, body) => {
                let reply = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
            }
            Mode::Hang => {
                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            }
        }
    }
}
