//! The store's one connection to PostgreSQL, on a thread of its own.
//!
//! The storage traits are synchronous and are called from the async
//! executor, where rust-postgres's blocking client cannot run (it drives its
//! own runtime). So one thread owns the connection and runs each operation
//! the store hands it, in order; the caller waits for the answer, as it
//! waits for sled. One connection also keeps commit order equal to id order
//! (outbox jobs, subscriber ids). A broken connection is dropped and made
//! again by the next operation, so a database restarted under Candor is
//! used again as soon as it is back.

use std::sync::mpsc;
use std::time::Duration;

use postgres::{Client, Config};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::store::StoreError;

/// One operation on the connection, with its answer channel inside.
type Task = Box<dyn FnOnce(&mut Link) + Send>;

/// How long a connection attempt may take unless the URL says
/// (`connect_timeout`): a database that is down must fail an operation, not
/// hang it.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A connection whose sent data goes unacknowledged this long is broken (a
/// host gone, a partition): the operation fails rather than waiting for TCP's
/// own ~15 minutes.
const USER_TIMEOUT: Duration = Duration::from_secs(10);

pub(super) struct Link {
    config: Config,
    tls: MakeRustlsConnect,
    client: Option<Client>,
}

impl Link {
    /// Parses `url` (libpq's URL or key=value form). The error never
    /// repeats the URL, which may hold a password.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let mut config: Config = url
            .parse()
            .map_err(|e| StoreError::Database(format!("the URL does not parse: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.tcp_user_timeout(USER_TIMEOUT);
        config.application_name("candor");
        Ok(Self {
            config,
            tls: tls()?,
            client: None,
        })
    }

    /// The open connection, connecting first if there is none or it broke.
    pub fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.client = None;
            let client = self.config.connect(self.tls.clone()).map_err(|e| {
                StoreError::Backend(format!("cannot connect to PostgreSQL: {}", chain(&e)))
            })?;
            self.client = Some(client);
        }
        match self.client.as_mut() {
            Some(client) => Ok(client),
            None => Err(StoreError::Backend("no connection to PostgreSQL".into())),
        }
    }

    /// After an error: a connection that broke is made again next time.
    fn after_error(&mut self) {
        if self.client.as_ref().is_some_and(Client::is_closed) {
            self.client = None;
        }
    }
}

/// TLS for `sslmode=prefer` (the default) and `require`: rustls with the
/// ring provider, the server's certificate checked against the system's
/// roots. `sslmode=disable` never uses it.
fn tls() -> Result<MakeRustlsConnect, StoreError> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| StoreError::Backend(format!("cannot set up TLS to PostgreSQL: {e}")))?
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// The sending side: cheap to share between threads.
pub(super) struct Sender(mpsc::Sender<Task>);

impl Sender {
    /// Starts the connection's thread. It ends when the store is dropped.
    pub fn spawn(link: Link) -> Result<Self, StoreError> {
        let (tx, rx) = mpsc::channel::<Task>();
        std::thread::Builder::new()
            .name("candor-postgres".into())
            .spawn(move || {
                let mut link = link;
                for task in rx {
                    task(&mut link);
                }
            })
            .map_err(|e| StoreError::Backend(format!("cannot start the database thread: {e}")))?;
        Ok(Self(tx))
    }

    /// Runs `f` on the connection and waits for its answer.
    pub fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let (answer, answered) = mpsc::sync_channel(1);
        let task: Task = Box::new(move |link: &mut Link| {
            let done = link.client().and_then(f);
            if done.is_err() {
                link.after_error();
            }
            // The caller may have gone (a cancelled request): nothing to tell.
            let _ = answer.send(done);
        });
        let stopped = || StoreError::Backend("the database thread has stopped".into());
        self.0.send(task).map_err(|_| stopped())?;
        answered.recv().map_err(|_| stopped())?
    }
}

/// An error and its causes, as one line ("error performing TLS handshake:
/// invalid peer certificate: UnknownIssuer").
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// A PostgreSQL error in Candor's words, with the server's message when it
/// sent one.
pub(super) fn backend(e: postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => StoreError::Backend(format!(
            "PostgreSQL: {}: {}",
            db.code().code(),
            db.message()
        )),
        None => StoreError::Backend(format!("PostgreSQL: {}", chain(&e))),
    }
}
