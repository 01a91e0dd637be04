//! A throwaway PostgreSQL cluster for the tests: `initdb` into a directory
//! under /tmp, the server on a free loopback port, trusted logins as
//! `candor`. One cluster serves the whole test process ([`cluster`], each
//! test in its own [`Cluster::fresh_database`]); a test that stops the server
//! takes one of its own ([`own_cluster`]). Debian's `postgresql` is installed
//! on first use when missing, so `cargo test` needs nothing set up by hand.
//!
//! Rust tests have no teardown at the end of the process: each cluster has a
//! watchdog (`sh`) that starts and stops the server when asked, and when the
//! test process is gone (its end of the watchdog's stdin closes, however the
//! process ended) stops the server and removes the directory.
//!
//! Everything here blocks (processes, polling): from an async test, call it
//! before the work that needs the runtime, or through `spawn_blocking`.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::debian::is_root;

/// The login every cluster trusts (a superuser).
pub const USER: &str = "candor";

/// How long the server may take to start, or to stop.
const PATIENCE: Duration = Duration::from_secs(30);

/// Attempts at a free port when another process takes the one picked before
/// the server binds it.
const PORT_ATTEMPTS: u32 = 5;

/// The watchdog of one cluster, `sh -c WATCHDOG watchdog DIR POSTGRES...`.
/// Reads lines from the test process: `start PORT` runs the server command
/// (with `-p PORT`) in the background, logging to DIR/postgres.log, and
/// prints `exited STATUS` when that server ends; `stop` asks the server for a
/// fast shutdown (SIGINT) and waits for it. At the end of its input (the test
/// process is gone, or dropped the cluster) it stops the server the same way
/// and removes DIR (which may not even be there yet). It runs as the test's
/// own user, so it may signal the server even when that runs as `nobody`.
const WATCHDOG: &str = r#"
dir=$1
shift
pid_file=$dir/data/postmaster.pid
halt() {
    [ -f "$pid_file" ] || return 0
    pm=$(head -n 1 "$pid_file")
    [ -n "$pm" ] || return 0
    kill -INT "$pm" 2>/dev/null || return 0
    n=0
    while kill -0 "$pm" 2>/dev/null && [ "$n" -lt 300 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -KILL "$pm" 2>/dev/null
}
while read -r cmd port; do
    case $cmd in
        start) ( "$@" -p "$port" </dev/null >>"$dir/postgres.log" 2>&1; echo "exited $?" ) & ;;
        stop) halt ;;
    esac
done
halt
wait
# An initdb of a process killed meanwhile may still be writing there.
n=0
while ! rm -rf "$dir" 2>/dev/null && [ "$n" -lt 100 ]; do
    sleep 0.1
    n=$((n + 1))
done
"#;

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static BINARIES: OnceLock<Binaries> = OnceLock::new();
/// Numbers the clusters' directories within this process.
static CLUSTERS: AtomicU32 = AtomicU32::new(0);
/// Numbers the databases `t_N`, across clusters.
static DATABASES: AtomicU32 = AtomicU32::new(0);

/// The cluster of this test process (started on first use).
pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(Cluster::new)
}

/// A cluster of the calling test's own, for a test that stops or restarts
/// the server (the shared [`cluster`] serves tests running concurrently).
/// Dropping it stops the server and removes its directory.
pub fn own_cluster() -> Cluster {
    Cluster::new()
}

/// A PostgreSQL server on 127.0.0.1 with its data directory (see the module's
/// documentation for its end).
pub struct Cluster {
    /// /tmp/candor-pg-PID-N: `data/` (the cluster), the server's log and its
    /// Unix socket.
    dir: PathBuf,
    port: u16,
    watchdog: Mutex<Watchdog>,
}

/// The cluster's watchdog process and what it reports.
struct Watchdog {
    child: Child,
    /// Closing it (drop) ends the watchdog: it stops the server and removes
    /// the directory.
    commands: Option<ChildStdin>,
    /// Its lines: `exited STATUS` whenever a server it started ends.
    events: Receiver<String>,
}

impl Cluster {
    /// initdb, then the server on a free port.
    fn new() -> Self {
        let bin = binaries();
        let n = CLUSTERS.fetch_add(1, Ordering::Relaxed);
        let dir = PathBuf::from(format!("/tmp/candor-pg-{}-{n}", std::process::id()));
        let data = dir.join("data");
        // A directory of an earlier process that had this id and was killed
        // before its watchdog could remove it.
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .unwrap_or_else(|e| panic!("could not remove the stale {}: {e}", dir.display()));
        }
        // The watchdog first: it removes the directory however this process
        // ends from here on (a panic below drops the cluster).
        let mut cluster = Self {
            watchdog: Mutex::new(Watchdog::spawn(bin, &dir)),
            dir,
            port: 0,
        };
        // Made by the server's owner (`nobody` when the tests run as root),
        // 0700 as PostgreSQL wants its directories.
        let made = bin
            .as_owner("mkdir")
            .args(["-m", "0700"])
            .arg(&cluster.dir)
            .output()
            .expect("could not run mkdir for the PostgreSQL cluster's directory");
        assert!(
            made.status.success(),
            "could not make {} for the PostgreSQL cluster{}: {}",
            cluster.dir.display(),
            bin.owner_note(),
            String::from_utf8_lossy(&made.stderr).trim()
        );

        let started = Instant::now();
        let init = bin
            .as_owner(&bin.initdb.to_string_lossy())
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ])
            .current_dir(&cluster.dir)
            .env("LC_ALL", "C")
            .output()
            .unwrap_or_else(|e| panic!("could not run {}: {e}", bin.initdb.display()));
        let initdb_time = started.elapsed();
        assert!(
            init.status.success(),
            "{} failed ({}){}:\n{}{}",
            bin.initdb.display(),
            init.status,
            bin.owner_note(),
            String::from_utf8_lossy(&init.stdout),
            String::from_utf8_lossy(&init.stderr)
        );

        let started = Instant::now();
        for attempt in 1..=PORT_ATTEMPTS {
            cluster.port = free_port();
            match cluster.run_server() {
                Ok(()) => break,
                // Another process bound the port first: try another.
                Err(Failure::PortTaken) if attempt < PORT_ATTEMPTS => continue,
                Err(failure) => panic!("{}", cluster.failure(failure, "start")),
            }
        }
        eprintln!(
            "postgres: {} in {} on port {} (initdb {:.2} s, start {:.2} s)",
            bin.version,
            cluster.dir.display(),
            cluster.port,
            initdb_time.as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
        cluster
    }

    /// A new, empty database on the cluster; returns its URL, e.g.
    /// "postgres://candor@127.0.0.1:PORT/t_3" (each call a new database name).
    pub fn fresh_database(&self) -> String {
        let name = format!("t_{}", DATABASES.fetch_add(1, Ordering::Relaxed) + 1);
        psql(&self.url("postgres"), &format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("could not create the database {name}: {e}"));
        self.url(&name)
    }

    /// The cluster's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server ("fast" shutdown) and waits until it no longer
    /// accepts connections.
    pub fn stop(&self) {
        let watchdog = self.watchdog.lock().unwrap_or_else(PoisonError::into_inner);
        watchdog.send("stop");
        match watchdog
            .events
            .recv_timeout(PATIENCE + Duration::from_secs(5))
        {
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => panic!(
                "{}",
                self.failure(Failure::Other("it has not ended".into()), "stop")
            ),
            Err(RecvTimeoutError::Disconnected) => panic!(
                "{}",
                self.failure(Failure::Other("its watchdog is gone".into()), "stop")
            ),
        }
        let deadline = Instant::now() + PATIENCE;
        while self.accepts_tcp() {
            assert!(
                Instant::now() < deadline,
                "port {} still accepts connections after the PostgreSQL server in {} ended",
                self.port,
                self.dir.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts it again on the same port and data directory, waits until it
    /// accepts connections.
    pub fn start(&self) {
        if let Err(failure) = self.run_server() {
            panic!("{}", self.failure(failure, "restart"));
        }
    }

    /// `postgres://candor@127.0.0.1:PORT/DATABASE`.
    fn url(&self, database: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Has the watchdog start the server on [`Self::port`], and waits until
    /// this cluster's server accepts connections there.
    fn run_server(&self) -> Result<(), Failure> {
        let watchdog = self.watchdog.lock().unwrap_or_else(PoisonError::into_inner);
        // Reports of servers that ended before (a crash) are old news.
        while watchdog.events.try_recv().is_ok() {}
        watchdog.send(&format!("start {}", self.port));
        let bin = binaries();
        let deadline = Instant::now() + PATIENCE;
        loop {
            if watchdog.events.try_recv().is_ok() {
                let log = self.log_tail();
                return Err(if log.contains("Address already in use") {
                    Failure::PortTaken
                } else {
                    Failure::Exited
                });
            }
            let ready = self.accepts_tcp()
                && bin.pg_isready.as_ref().is_none_or(|pg_isready| {
                    let mut probe = Command::new(pg_isready);
                    clear_pg_env(&mut probe);
                    probe
                        .args([
                            "-q",
                            "-h",
                            "127.0.0.1",
                            "-U",
                            USER,
                            "-d",
                            "postgres",
                            "-t",
                            "2",
                        ])
                        .arg("-p")
                        .arg(self.port.to_string())
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .is_ok_and(|s| s.success())
                });
            if ready {
                // Ours, not a server another process started on the port.
                let theirs = psql(&self.url("postgres"), "SHOW data_directory");
                if theirs.as_deref() == Ok(&*self.dir.join("data").to_string_lossy()) {
                    return Ok(());
                }
                if let Ok(theirs) = theirs {
                    // Ours will fail to bind and end: wait for that.
                    let _ = watchdog.events.recv_timeout(PATIENCE);
                    return Err(Failure::Other(format!(
                        "another PostgreSQL server (of {theirs}) answers on the port"
                    )));
                }
            }
            if Instant::now() > deadline {
                return Err(Failure::Other(format!(
                    "it does not accept connections after {} s",
                    PATIENCE.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether something accepts TCP connections on the cluster's port.
    fn accepts_tcp(&self) -> bool {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
    }

    /// The message of a server that could not `action` (start, stop), with
    /// the end of its log.
    fn failure(&self, failure: Failure, action: &str) -> String {
        let why = match failure {
            Failure::PortTaken => {
                format!("port {} was taken each of {PORT_ATTEMPTS} times", self.port)
            }
            Failure::Exited => "it exited".to_owned(),
            Failure::Other(why) => why,
        };
        format!(
            "could not {action} the PostgreSQL server of {} on 127.0.0.1:{}{}: {why}; \
             the end of {}:\n{}",
            self.dir.display(),
            self.port,
            binaries().owner_note(),
            self.dir.join("postgres.log").display(),
            self.log_tail()
        )
    }

    /// The last 30 lines of the server's log.
    fn log_tail(&self) -> String {
        let path = self.dir.join("postgres.log");
        match std::fs::read_to_string(&path) {
            Ok(log) => {
                let lines: Vec<&str> = log.lines().collect();
                lines[lines.len().saturating_sub(30)..].join("\n")
            }
            Err(e) => format!("(could not read {}: {e})", path.display()),
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let watchdog = self
            .watchdog
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        // The end of its input: the watchdog stops the server, removes the
        // directory and exits.
        watchdog.commands = None;
        let _ = watchdog.child.wait();
    }
}

impl Watchdog {
    /// The watchdog of the cluster in `dir`, and the thread passing on its
    /// reports.
    fn spawn(bin: &Binaries, dir: &Path) -> Self {
        let mut watchdog = Command::new("sh");
        watchdog
            .args(["-c", WATCHDOG, "candor-pg-watchdog"])
            .arg(dir)
            .args(&bin.owner_prefix)
            .arg(&bin.postgres)
            .arg("-D")
            .arg(dir.join("data"))
            .arg("-k")
            .arg(dir)
            .args(["-h", "127.0.0.1"])
            // A throwaway cluster: nothing needs to survive a crash.
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off"])
            .current_dir("/")
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            // Not in the terminal's process group: a ^C ends the tests, and
            // then the watchdog (seeing its input end) ends the server.
            .process_group(0);
        clear_pg_env(&mut watchdog);
        let mut child = watchdog
            .spawn()
            .expect("could not start sh, the PostgreSQL cluster's watchdog");
        let commands = child.stdin.take().expect("the watchdog's stdin is piped");
        let reports = child.stdout.take().expect("the watchdog's stdout is piped");
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(reports).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            commands: Some(commands),
            events,
        }
    }

    /// One command line to the watchdog.
    fn send(&self, line: &str) {
        let mut commands = self
            .commands
            .as_ref()
            .expect("the cluster's watchdog has its input until dropped");
        if let Err(e) = writeln!(commands, "{line}") {
            panic!("the PostgreSQL cluster's watchdog is gone ({e}): could not `{line}`");
        }
    }
}

/// Why a server did not come up.
enum Failure {
    /// It could not bind its port (another process took it).
    PortTaken,
    /// It exited (the log says why).
    Exited,
    Other(String),
}

/// Runs `sql` with psql against `url` (a `postgres://` URL); returns what it
/// printed (unaligned, tuples only, trimmed), or its error.
pub fn psql(url: &str, sql: &str) -> Result<String, String> {
    let bin = binaries();
    let mut cmd = Command::new(&bin.psql);
    clear_pg_env(&mut cmd);
    let out = cmd
        .args(["-X", "-A", "-t", "-q", "-w", "-v", "ON_ERROR_STOP=1"])
        .args(["-d", url, "-c", sql])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {}: {e}", bin.psql.display()))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    } else {
        Err(format!(
            "psql -d {url} -c {sql:?} exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A loopback port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("no free loopback port for PostgreSQL")
        .port()
}

/// The engineer's `PGHOST`, `PGSSLMODE`, `PGOPTIONS`... are for their own
/// servers, not the tests'.
fn clear_pg_env(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PG") {
            cmd.env_remove(key);
        }
    }
}

/// The PostgreSQL programs, all of one version, and how to run the server
/// as its owner.
struct Binaries {
    initdb: PathBuf,
    postgres: PathBuf,
    psql: PathBuf,
    pg_isready: Option<PathBuf>,
    /// `postgres --version`.
    version: String,
    /// What runs a program as the clusters' owner: nothing, or (as root,
    /// which PostgreSQL refuses) `runuser -u nobody --` or `setpriv ...`.
    owner_prefix: Vec<String>,
}

impl Binaries {
    /// `program` to run as the clusters' owner.
    fn as_owner(&self, program: &str) -> Command {
        let mut cmd = match self.owner_prefix.split_first() {
            Some((first, rest)) => {
                let mut cmd = Command::new(first);
                cmd.args(rest).arg(program);
                cmd
            }
            None => Command::new(program),
        };
        clear_pg_env(&mut cmd);
        cmd
    }

    /// " (run as nobody)" when the clusters' owner is not the test's user.
    fn owner_note(&self) -> &'static str {
        if self.owner_prefix.is_empty() {
            ""
        } else {
            " (run as nobody)"
        }
    }
}

/// The binaries, installed first if missing (once per process).
fn binaries() -> &'static Binaries {
    BINARIES.get_or_init(|| {
        let (initdb, postgres, psql, pg_isready) = find().unwrap_or_else(|| {
            let started = Instant::now();
            if let Err(e) = install() {
                panic!("{e}");
            }
            eprintln!(
                "postgres: installed Debian's postgresql in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            find().unwrap_or_else(|| {
                panic!(
                    "installed Debian's postgresql, yet found no initdb, postgres and psql on \
                     PATH or in /usr/lib/postgresql/*/bin; install PostgreSQL's server and \
                     client by hand (Debian: apt-get install postgresql)"
                )
            })
        });
        let version = Command::new(&postgres)
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|e| panic!("could not run {}: {e}", postgres.display()));
        Binaries {
            initdb,
            postgres,
            psql,
            pg_isready,
            version,
            owner_prefix: owner_prefix(),
        }
    })
}

/// initdb, postgres, psql and pg_isready (if there): those next to the
/// `postgres` on PATH (its real directory: /usr/local/bin/postgres may link
/// to /usr/lib/postgresql/15/bin), else in the highest
/// /usr/lib/postgresql/VERSION/bin.
fn find() -> Option<(PathBuf, PathBuf, PathBuf, Option<PathBuf>)> {
    let dir = match (on_path("postgres"), on_path("initdb")) {
        (Some(postgres), Some(initdb)) => {
            let real = std::fs::canonicalize(&postgres).unwrap_or(postgres);
            let dir = real.parent()?.to_path_buf();
            if !executable(&dir.join("initdb")) {
                // Lone programs on PATH: take them as they are.
                return Some((real, initdb, on_path("psql")?, on_path("pg_isready")));
            }
            dir
        }
        _ => highest_versioned_bin()?,
    };
    let next_to = |name: &str| Some(dir.join(name)).filter(|p| executable(p));
    Some((
        next_to("initdb")?,
        next_to("postgres")?,
        next_to("psql").or_else(|| on_path("psql"))?,
        next_to("pg_isready").or_else(|| on_path("pg_isready")),
    ))
}

/// Debian's /usr/lib/postgresql/VERSION/bin with the highest VERSION that
/// has initdb and postgres.
fn highest_versioned_bin() -> Option<PathBuf> {
    let version = |name: &str| -> Option<Vec<u32>> {
        name.split('.').map(|part| part.parse().ok()).collect()
    };
    std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let bin = entry.path().join("bin");
            let v = version(&entry.file_name().to_string_lossy())?;
            (executable(&bin.join("initdb")) && executable(&bin.join("postgres")))
                .then_some((v, bin))
        })
        .max()
        .map(|(_, bin)| bin)
}

/// `name` in a directory of PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| executable(p))
}

fn executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// PostgreSQL will not run as root (CI runs the tests as root): there, the
/// clusters belong to `nobody`, and initdb and the server run as it through
/// `runuser` or `setpriv` (util-linux). Elsewhere, as the test's own user.
fn owner_prefix() -> Vec<String> {
    if !is_root() {
        return Vec::new();
    }
    let util = |name: &str| {
        on_path(name).or_else(|| {
            ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
                .iter()
                .map(|dir| Path::new(dir).join(name))
                .find(|p| executable(p))
        })
    };
    if let Some(runuser) = util("runuser") {
        let runuser = runuser.to_string_lossy().into_owned();
        return [&*runuser, "-u", "nobody", "--"]
            .map(str::to_owned)
            .to_vec();
    }
    if let Some(setpriv) = util("setpriv") {
        let gid = Command::new("id")
            .args(["-g", "nobody"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .expect("the tests run as root, so PostgreSQL runs as the user nobody: there is none");
        return vec![
            setpriv.to_string_lossy().into_owned(),
            "--reuid=nobody".to_owned(),
            format!("--regid={gid}"),
            "--clear-groups".to_owned(),
            "--".to_owned(),
        ];
    }
    panic!(
        "the tests run as root, which PostgreSQL refuses, and neither runuser nor setpriv \
         (Debian: util-linux) is there to run it as nobody; install util-linux or run the \
         tests as another user"
    )
}

/// Installs Debian's `postgresql` (the server, initdb and the psql client).
fn install() -> Result<(), String> {
    crate::debian::apt_install(
        &["--no-install-recommends", "postgresql"],
        "the PostgreSQL tests",
    )
}

#[test]
fn fresh_databases_are_distinct() {
    let cluster = cluster();
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| cluster.fresh_database());
        let b = s.spawn(|| cluster.fresh_database());
        (
            a.join().expect("creating a database panicked"),
            b.join().expect("creating a database panicked"),
        )
    });
    assert_ne!(a, b);
    for url in [&a, &b] {
        assert_eq!(psql(url, "SELECT 1"), Ok("1".to_owned()), "{url}");
        let name = url.rsplit('/').next().expect("a URL has a path");
        assert_eq!(psql(url, "SELECT current_database()"), Ok(name.to_owned()));
        assert!(url.starts_with(&format!(
            "postgres://candor@127.0.0.1:{}/t_",
            cluster.port()
        )));
    }
    // A table in one is not in the other.
    psql(&a, "CREATE TABLE only_here (x int)").expect("a table in a fresh database");
    assert_eq!(
        psql(
            &b,
            "SELECT count(*) FROM pg_tables WHERE tablename = 'only_here'"
        ),
        Ok("0".to_owned())
    );
}

#[test]
fn own_cluster_stops_and_starts_again() {
    let cluster = own_cluster();
    let dir = cluster.dir.clone();
    let url = cluster.fresh_database();
    psql(
        &url,
        "CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)",
    )
    .expect("a table in a fresh database");
    let addr = SocketAddr::from(([127, 0, 0, 1], cluster.port()));

    cluster.stop();
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "a stopped server accepts connections"
    );
    assert!(psql(&url, "SELECT 1").is_err());

    cluster.start();
    assert_eq!(psql(&url, "SELECT x FROM kept"), Ok("7".to_owned()));

    drop(cluster);
    assert!(!dir.exists(), "{} is left after the drop", dir.display());
}
