//! A real SMTP server for the tests: the `mailin` protocol state machine over
//! tokio TCP on loopback. It records every message accepted and can refuse
//! chosen recipients with 550.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin::response::{NO_MAILBOX, OK};
use mailin::{Action, Handler, Response, SessionBuilder};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    /// The whole message as received (headers and body).
    pub data: String,
}

impl Mail {
    /// A header's value (first occurrence; folded lines joined).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        let prefix = format!("{}:", name.to_ascii_lowercase());
        unfolded
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_owned())
    }

    /// The message with quoted-printable undone (soft breaks joined, `=XX`
    /// bytes decoded), as a mail client shows it.
    pub fn decoded(&self) -> String {
        let joined = self.data.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let hex = |b: u8| (b as char).to_digit(16);
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && let (Some(hi), Some(lo)) = (
                    bytes.get(i + 1).and_then(|b| hex(*b)),
                    bytes.get(i + 2).and_then(|b| hex(*b)),
                )
            {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[derive(Clone, Default)]
struct Shared {
    mails: Arc<Mutex<Vec<Mail>>>,
    refuse: Arc<Mutex<HashSet<String>>>,
    /// The listener's task, for `stop`.
    tasks: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
    /// Set by `stop`: every connection says goodbye.
    stopping: Arc<tokio::sync::Notify>,
    /// How long each reply waits (a slow server, to catch work midway).
    delay: Arc<Mutex<Duration>>,
}

#[derive(Clone)]
pub struct Smtp {
    pub addr: SocketAddr,
    shared: Shared,
}

impl Smtp {
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    /// Listens on `addr` (for a server that "comes back" on a known port).
    pub async fn start_on(addr: &str) -> Self {
        let listener = TcpListener::bind(addr).await.unwrap();
        let smtp = Self {
            addr: listener.local_addr().unwrap(),
            shared: Shared::default(),
        };
        let shared = smtp.shared.clone();
        let accepting = tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                tokio::spawn(serve(stream, peer.ip(), shared.clone()));
            }
        });
        smtp.shared
            .tasks
            .lock()
            .unwrap()
            .push(accepting.abort_handle());
        smtp
    }

    /// Stops the server as a restart does: it stops listening, and every open
    /// connection is closed from its side (FIN). A client holding one in a
    /// pool sees it only when it next sends, and then reads the end of the
    /// stream where it waited for a reply ("incomplete response"); what it
    /// sends is read and ignored, as a peer across a network would still be
    /// there to take it when the client reads.
    pub async fn stop(&self) {
        for task in self.shared.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
        self.shared.stopping.notify_waiters();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Answers 550 to RCPT TO for this address.
    pub fn refuse(&self, address: &str) {
        self.shared
            .refuse
            .lock()
            .unwrap()
            .insert(address.to_owned());
    }

    /// Makes every reply wait `delay`.
    pub fn slow_down(&self, delay: Duration) {
        *self.shared.delay.lock().unwrap() = delay;
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.shared.mails.lock().unwrap().clone()
    }

    /// The mails whose subject contains `part`.
    pub fn with_subject(&self, part: &str) -> Vec<Mail> {
        (self.mails().into_iter())
            .filter(|m| m.header("subject").is_some_and(|s| s.contains(part)))
            .collect()
    }

    /// Waits until a mail whose subject contains `part` has arrived (fails
    /// after 15 s): a broadcast has started.
    pub async fn wait_for_subject(&self, part: &str) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while self.with_subject(part).is_empty() {
            assert!(Instant::now() < deadline, "no mail about {part:?} arrived");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Mails to `to`, waiting until at least `n` arrived (fails after 20 s).
    pub async fn wait_for(&self, to: &str, n: usize) -> Vec<Mail> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got: Vec<Mail> = self
                .mails()
                .into_iter()
                .filter(|m| m.to.iter().any(|t| t == to))
                .collect();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {n} mail(s) to {to}; got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

struct Recorder {
    shared: Shared,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.shared.refuse.lock().unwrap().contains(to) {
            NO_MAILBOX
        } else {
            OK
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mail = Mail {
            to: std::mem::take(&mut self.to),
            data: String::from_utf8_lossy(&self.data).into_owned(),
        };
        self.shared.mails.lock().unwrap().push(mail);
        OK
    }
}

async fn serve(stream: tokio::net::TcpStream, peer: IpAddr, shared: Shared) {
    let shared_stop = shared.stopping.clone();
    let shared_delay = shared.delay.clone();
    let recorder = Recorder {
        shared,
        to: Vec::new(),
        data: Vec::new(),
    };
    let mut session = SessionBuilder::new("test-smtp").build(peer, recorder);
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    if write
        .write_all(&session.greeting().buffer().unwrap())
        .await
        .is_err()
    {
        return;
    }
    let mut line = Vec::new();
    let stopping = shared_stop.clone();
    loop {
        line.clear();
        let read = tokio::select! {
            read = reader.read_until(b'\n', &mut line) => read,
            () = stopping.notified() => {
                let _ = write.shutdown().await;
                let mut sink = Vec::new();
                let _ = tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut sink).await;
                return;
            }
        };
        match read {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let delay = *shared_delay.lock().unwrap();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let response = session.process(&line);
        match response.action {
            Action::NoReply => continue,
            Action::Close => {
                let _ = write.write_all(&response.buffer().unwrap()).await;
                return;
            }
            _ => {
                if write.write_all(&response.buffer().unwrap()).await.is_err() {
                    return;
                }
            }
        }
    }
}
