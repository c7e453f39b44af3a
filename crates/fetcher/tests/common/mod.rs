//! Shared by the fetcher's integration tests: a local HTTP server that plays the UN
//! ([`fake_un::Un`]: the symbol API, the viewer, the Digital Library, each behaviour of
//! UN-SOURCES.md by scenario), with scripted replies per route on top for odd bodies and a
//! request log; a private database and vhost per test, corpus PDFs, and a reader of the
//! documents queue.
#![allow(dead_code)]

pub mod fake_un;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use resingest_amqp::lapin::options::BasicGetOptions;
use resingest_amqp::testing::TestVhost;
use resingest_amqp::{table, Session, SessionConfig};
use resingest_fetcher::{Config, Handles, HttpConfig, Mode, ProbeConfig, Source, Summary};
use resingest_model::topology::{self, Envelope, Topology};
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

/// A corpus PDF's bytes, by its path under the corpus (`ga/A_RES_80_5-EN.pdf`).
pub fn pdf(corpus: &Path, name: &str) -> Vec<u8> {
    std::fs::read(corpus.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
}

/// What the server answers on a route.
#[derive(Debug, Clone)]
pub enum Reply {
    Pdf(Vec<u8>),
    /// A status with headers and no body.
    Status(u16, Vec<(String, String)>),
    Html,
    /// 200 with an empty body.
    Empty,
    /// 302 to this location.
    Redirect(String),
    /// Headers and the first bytes at once, the rest after the delay.
    Slow(Duration, Vec<u8>),
    /// Content-Length of the whole body, then half of it and the connection closes.
    Truncated(Vec<u8>),
    /// A chunked `%PDF-` body that goes on for up to 64 MiB, until the client hangs up.
    Endless,
    /// A body declared (Content-Length) as 1 GiB; nothing sent after the headers.
    Huge,
    Xml(String),
    /// What the fake UN answers.
    Un(fake_un::Answer),
}

#[derive(Default)]
struct State {
    scripted: HashMap<String, VecDeque<Reply>>,
    fixed: HashMap<String, Reply>,
    log: Vec<(String, Instant)>,
    /// Every request: its path and query and its headers (lowercase names).
    full_log: Vec<(String, HashMap<String, String>)>,
    un: fake_un::Un,
    /// Requests being answered now, and the most at once.
    in_flight: usize,
    max_in_flight: usize,
}

/// The local HTTP/1.1 server: one request per connection, routes named by [`route_of`].
pub struct Server {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: CancellationToken,
}

impl Server {
    pub async fn start() -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let stop = CancellationToken::new();
        let (s, st) = (state.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                let conn = tokio::select! {
                    _ = st.cancelled() => return,
                    c = listener.accept() => c,
                };
                let Ok((stream, _)) = conn else { continue };
                tokio::spawn(serve(stream, s.clone(), st.clone()));
            }
        });
        Server { addr, state, stop }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answers `route` with `reply` whenever nothing is scripted.
    pub fn reply(&self, route: &str, reply: Reply) {
        self.state.lock().unwrap().fixed.insert(route.into(), reply);
    }

    /// Answers the next requests of `route` with `replies`, in order.
    pub fn script(&self, route: &str, replies: Vec<Reply>) {
        self.state
            .lock()
            .unwrap()
            .scripted
            .insert(route.into(), replies.into());
    }

    /// Times of the requests to `route`.
    pub fn requests(&self, route: &str) -> Vec<Instant> {
        self.state
            .lock()
            .unwrap()
            .log
            .iter()
            .filter(|(r, _)| r == route)
            .map(|(_, t)| *t)
            .collect()
    }

    /// Changes the fake UN's state or scenario.
    pub fn un<T>(&self, f: impl FnOnce(&mut fake_un::Un) -> T) -> T {
        f(&mut self.state.lock().unwrap().un)
    }

    /// Paths (with query) requested, in order.
    pub fn paths(&self) -> Vec<String> {
        let s = self.state.lock().unwrap();
        s.full_log.iter().map(|(p, _)| p.clone()).collect()
    }

    /// Headers of every request to `route`.
    pub fn headers(&self, route: &str) -> Vec<HashMap<String, String>> {
        let s = self.state.lock().unwrap();
        s.log
            .iter()
            .zip(&s.full_log)
            .filter(|((r, _), _)| r == route)
            .map(|(_, (_, h))| h.clone())
            .collect()
    }

    /// Times of the requests whose route starts with `prefix`.
    pub fn times_matching(&self, prefix: &str) -> Vec<Instant> {
        let s = self.state.lock().unwrap();
        s.log
            .iter()
            .filter(|(r, _)| r.starts_with(prefix))
            .map(|(_, t)| *t)
            .collect()
    }

    /// The most requests the server was answering at once (read, not yet written back).
    pub fn max_in_flight(&self) -> usize {
        self.state.lock().unwrap().max_in_flight
    }

    /// Requests whose `Host` header is `host`.
    pub fn requests_to_host(&self, host: &str) -> usize {
        let s = self.state.lock().unwrap();
        s.full_log
            .iter()
            .filter(|(_, h)| h.get("host").is_some_and(|v| v.eq_ignore_ascii_case(host)))
            .count()
    }

    pub fn request_count(&self) -> usize {
        self.state.lock().unwrap().log.len()
    }

    pub fn routes_requested(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .log
            .iter()
            .map(|(r, _)| r.clone())
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// `sym <symbol> <lang>` for the symbol API, `oai <token or first>` for OAI-PMH, else the path.
pub fn route_of(path_and_query: &str) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let args: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    match path {
        "/api/symbol/access" => format!(
            "sym {} {}",
            args.get("s")
                .map(|s| s.split_whitespace().collect::<String>())
                .unwrap_or_default(),
            args.get("l").cloned().unwrap_or_default()
        ),
        "/oai2d" => format!(
            "oai {}",
            args.get("resumptionToken")
                .cloned()
                .unwrap_or_else(|| "first".into())
        ),
        _ => path.to_owned(),
    }
}

async fn serve(
    mut stream: tokio::net::TcpStream,
    state: Arc<Mutex<State>>,
    stop: CancellationToken,
) {
    let Some((target, headers)) = fake_un::read_request(&mut stream).await else {
        return;
    };
    let route = route_of(&target);
    let (reply, latency) = {
        let mut s = state.lock().unwrap();
        s.log.push((route.clone(), Instant::now()));
        s.in_flight += 1;
        s.max_in_flight = s.max_in_flight.max(s.in_flight);
        s.full_log.push((target.clone(), headers.clone()));
        let scripted = s.scripted.get_mut(&route).and_then(VecDeque::pop_front);
        let reply = scripted.or_else(|| s.fixed.get(&route).cloned());
        let reply = reply.unwrap_or_else(|| {
            let mut a = s.un.answer(&route, &target, &headers);
            if a.content_type == "text/xml" {
                let base = format!(
                    "http://{}",
                    headers.get("host").cloned().unwrap_or_default()
                );
                a.body = String::from_utf8_lossy(&a.body)
                    .replace("{BASE}", &base)
                    .into_bytes();
            }
            Reply::Un(a)
        });
        (reply, s.un.latency())
    };
    let _ = tokio::select! {
        _ = stop.cancelled() => Ok(()),
        r = async {
            tokio::time::sleep(latency).await;
            write_reply(&mut stream, reply).await
        } => r,
    };
    state.lock().unwrap().in_flight -= 1;
    let _ = stream.shutdown().await;
}

async fn write_reply(stream: &mut tokio::net::TcpStream, reply: Reply) -> std::io::Result<()> {
    let full = |status: &str, ctype: &str, body: &[u8]| {
        let mut out = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(body);
        out
    };
    match reply {
        Reply::Un(a) => stream.write_all(&a.encode()).await,
        Reply::Pdf(b) => {
            stream
                .write_all(&full("200 OK", "application/pdf", &b))
                .await
        }
        Reply::Xml(x) => {
            stream
                .write_all(&full("200 OK", "text/xml", x.as_bytes()))
                .await
        }
        Reply::Html => {
            let page = b"<!DOCTYPE html><html><body>Please enable JavaScript</body></html>";
            stream.write_all(&full("200 OK", "text/html", page)).await
        }
        Reply::Empty => {
            stream
                .write_all(&full("200 OK", "application/pdf", b""))
                .await
        }
        Reply::Status(code, headers) => {
            let mut out =
                format!("HTTP/1.1 {code} X\r\nContent-Length: 0\r\nConnection: close\r\n");
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            stream.write_all(out.as_bytes()).await
        }
        Reply::Redirect(to) => {
            let out = format!(
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(out.as_bytes()).await
        }
        Reply::Slow(delay, b) => {
            let out = full("200 OK", "application/pdf", &b);
            let split = out.len() - b.len() + 16.min(b.len());
            stream.write_all(&out[..split]).await?;
            tokio::time::sleep(delay).await;
            stream.write_all(&out[split..]).await
        }
        Reply::Truncated(b) => {
            let out = full("200 OK", "application/pdf", &b);
            let split = out.len() - b.len() / 2;
            stream.write_all(&out[..split]).await
        }
        Reply::Huge => {
            let out = "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 1073741824\r\nConnection: close\r\n\r\n%PDF-";
            stream.write_all(out.as_bytes()).await
        }
        Reply::Endless => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            let mut chunk = b"%PDF-1.7\n".to_vec();
            chunk.resize(64 << 10, b' ');
            for _ in 0..1024 {
                stream
                    .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .await?;
                stream.write_all(&chunk).await?;
                stream.write_all(b"\r\n").await?;
            }
            stream.write_all(b"0\r\n\r\n").await
        }
    }
}

pub use resingest_runtime::testing::TestDb;

/// A server, a database, a vhost and an archive folder for one test.
pub struct World {
    pub server: Server,
    pub db: TestDb,
    pub vhost: TestVhost,
    pub archive: tempfile::TempDir,
    pub config: Config,
    pub handles: Handles,
}

impl World {
    pub async fn new(prefix: &str) -> World {
        let server = Server::start().await;
        let db = TestDb::new(&format!("fetch_{prefix}"));
        let vhost = TestVhost::create(&format!("fetch-{prefix}"));
        let archive = tempfile::tempdir().unwrap();
        let config = Config {
            amqp_url: vhost.url.clone(),
            database_url: db.url.clone(),
            archive_url: archive.path().to_str().unwrap().into(),
            metrics_addr: None,
            languages: vec!["en".into()],
            symbol_api: server.url("/api/symbol/access"),
            oai_url: server.url("/oai2d"),
            oai_from: None,
            http: HttpConfig {
                connect_timeout: Duration::from_secs(2),
                timeout: Duration::from_secs(3),
                max_attempts: 4,
                backoff_base: Duration::from_millis(20),
                backoff_max: Duration::from_millis(200),
                max_retry_after: Duration::from_secs(5),
                min_retry_after: Duration::from_millis(20),
                max_wait_per_poll: Duration::from_secs(10),
                per_host_interval: Duration::from_millis(1),
                concurrency: 4,
                max_body: 16 << 20,
                // Only the local server (added from the source URLs).
                allowed_hosts: vec![],
                ..HttpConfig::default()
            },
            probe: ProbeConfig {
                ga_session: Some(80),
                sc_year: Some(2025),
                max_misses: 3,
                ..ProbeConfig::default()
            },
            oai_min_interval: Duration::from_millis(1),
            publish_timeout: Duration::from_secs(10),
            ..Config::default()
        };
        World {
            server,
            db,
            vhost,
            archive,
            config,
            handles: Handles::default(),
        }
    }

    /// One `--once` run with fresh counters; a bounded test never waits more than 60 s.
    pub async fn fetch_once(&mut self, source: Source) -> Summary {
        self.try_fetch_once(source).await.expect("fetch run")
    }

    /// The same, its error returned (a blocked poll).
    pub async fn try_fetch_once(
        &mut self,
        source: Source,
    ) -> Result<Summary, resingest_fetcher::FetchError> {
        self.handles = Handles::default();
        let run = resingest_fetcher::run(
            self.config.clone(),
            source,
            Mode::Once,
            self.handles.clone(),
            CancellationToken::new(),
        );
        tokio::time::timeout(Duration::from_secs(60), run)
            .await
            .expect("a fetch run finishes within 60 s")
    }

    /// Every ledger row as `symbol language status`, sorted: what a blocked poll must leave
    /// as it was.
    pub fn ledger_rows(&self) -> String {
        self.db.psql(
            "SELECT coalesce(string_agg(symbol || ' ' || language || ' ' || status || ' ' || \
             attempts, E'\\n' ORDER BY symbol, language), '') FROM fetch_ledger",
        )
    }

    /// Every cursor as `source cursor`.
    pub fn cursors(&self) -> String {
        self.db.psql(
            "SELECT coalesce(string_agg(source || ' ' || cursor, ',' ORDER BY source), '') \
             FROM fetch_cursors",
        )
    }

    /// Takes every message on `resingest.documents`: envelope, content type, body length.
    pub async fn drain_documents(&self) -> Vec<(Envelope, String, usize)> {
        let session = Session::open(&SessionConfig {
            url: self.vhost.url.clone(),
            prefetch: 0,
            topology: Topology::default(),
        })
        .await
        .expect("broker session");
        let mut out = Vec::new();
        while let Some(m) = session
            .channel
            .basic_get(topology::DOCUMENTS.into(), BasicGetOptions { no_ack: true })
            .await
            .expect("basic.get")
        {
            let props = &m.delivery.properties;
            let id = props.message_id().as_ref().map(|s| s.as_str().to_owned());
            let envelope = match props.headers() {
                Some(h) => Envelope::from_headers(id.as_deref(), table::from_field_table(h)),
                None => Envelope::from_headers(id.as_deref(), []),
            };
            let ctype = props
                .content_type()
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default();
            out.push((envelope, ctype, m.delivery.data.len()));
        }
        session.close().await;
        out
    }

    pub fn ledger(&self, symbol: &str) -> String {
        self.db.psql(&format!(
            "SELECT status || ' ' || attempts || ' ' || coalesce(sha256, '-') FROM fetch_ledger \
             WHERE symbol = '{symbol}' AND language = 'en'"
        ))
    }
}

/// `sym <symbol> en`.
pub fn sym(symbol: &str) -> String {
    format!("sym {symbol} en")
}

#[allow(unused_imports)] // not every test binary hashes
pub use resingest_archive::sha256_hex as sha256;
