//! A small W3C WebDriver client for the browser test: it starts Debian's `chromedriver` on a
//! free port, opens one headless Chromium session with a fresh profile, and speaks the
//! protocol's JSON over plain HTTP/1.1 (loopback only, so no TLS and no HTTP library).
//!
//! Each call panics with the driver's own error message: this is test support, and a failed
//! step should stop the test and say why.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The key under which WebDriver names an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// WebDriver's code points for the keys the tests press.
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";

/// Where Chromium and chromedriver are (`$RESINGEST_CHROMIUM`, `$RESINGEST_CHROMEDRIVER`, else
/// Debian's paths), or why they are not. Debian's `/usr/bin/chromium` is a shell wrapper; the
/// browser itself is `/usr/lib/chromium/chromium`.
pub fn browser() -> Result<(PathBuf, PathBuf), String> {
    let pick = |var: &str, candidates: &[&str]| -> Option<PathBuf> {
        std::env::var_os(var)
            .map(PathBuf::from)
            .or_else(|| candidates.iter().map(PathBuf::from).find(|p| p.is_file()))
    };
    let chromium = pick(
        "RESINGEST_CHROMIUM",
        &["/usr/lib/chromium/chromium", "/usr/bin/chromium"],
    );
    let driver = pick("RESINGEST_CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Ok((c, d)),
        _ => Err("chromium or chromedriver is missing: apt-get install chromium chromium-driver (or set RESINGEST_CHROMIUM and RESINGEST_CHROMEDRIVER)".into()),
    }
}

/// An element reference of the current page.
#[derive(Debug, Clone)]
pub struct Element(String);

/// One browser session; the browser and its driver are ended when it is dropped.
pub struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver (its log in `log`) and a headless Chromium of `width` x `height`.
    pub fn start(chromium: &Path, chromedriver: &Path, log: &Path, size: (u32, u32)) -> Browser {
        let port = crate::fleet::free_port();
        let log_file = std::fs::File::create(log).expect("creating the chromedriver log");
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", chromedriver.display()));
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let profile = tempfile::Builder::new()
            .prefix("resingest-chromium-")
            .tempdir()
            .unwrap();
        let mut browser = Browser {
            driver,
            addr,
            session: String::new(),
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = request(addr, "GET", "/status", None)
                .ok()
                .is_some_and(|(_, v)| v["value"]["ready"] == json!(true));
            if ready {
                break;
            }
            if let Ok(Some(status)) = browser.driver.try_wait() {
                panic!("chromedriver exited with {status}; see {}", log.display());
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver not ready within 20 s; see {}",
                log.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--window-size={},{}", size.0, size.1),
            format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": { "binary": chromium, "args": args },
            }}
        });
        let v = browser.call("POST", "/session", Some(caps));
        browser.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("new session without an id: {v}"))
            .to_owned();
        browser
    }

    /// One command; its `value`. Panics with the driver's error when the command fails.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, v) = request(self.addr, method, path, body.as_ref())
            .unwrap_or_else(|e| panic!("webdriver {method} {path}: {e}"));
        if status != 200 {
            panic!(
                "webdriver {method} {path}: {status} {}: {}",
                v["value"]["error"], v["value"]["message"]
            );
        }
        v["value"].clone()
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    pub fn goto(&self, url: &str) {
        self.session_call("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.session_call("GET", "/url", None)
            .as_str()
            .expect("url is a string")
            .to_owned()
    }

    /// Waits up to 10 s for the current URL to satisfy `ok` (a click's navigation may still be
    /// under way when the click returns); the URL, or a panic naming `what`.
    pub fn wait_url(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let url = self.url();
            if ok(&url) {
                return url;
            }
            assert!(
                Instant::now() < deadline,
                "waiting for {what}: still at {url}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every element matching a CSS selector, in document order.
    pub fn find_all(&self, css: &str) -> Vec<Element> {
        elements(self.session_call(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        ))
    }

    /// The one element matching `css`; panics naming the selector when there is none.
    pub fn find(&self, css: &str) -> Element {
        self.find_all(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element matches `{css}` on {}", self.url()))
    }

    /// Elements matching `css` inside `el`.
    pub fn find_in(&self, el: &Element, css: &str) -> Vec<Element> {
        elements(self.session_call(
            "POST",
            &format!("/element/{}/elements", el.0),
            Some(json!({ "using": "css selector", "value": css })),
        ))
    }

    pub fn click(&self, el: &Element) {
        self.session_call("POST", &format!("/element/{}/click", el.0), Some(json!({})));
    }

    pub fn type_into(&self, el: &Element, text: &str) {
        self.session_call(
            "POST",
            &format!("/element/{}/value", el.0),
            Some(json!({ "text": text })),
        );
    }

    /// The rendered text, as a reader sees it.
    pub fn text(&self, el: &Element) -> String {
        self.session_call("GET", &format!("/element/{}/text", el.0), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn tag(&self, el: &Element) -> String {
        self.session_call("GET", &format!("/element/{}/name", el.0), None)
            .as_str()
            .unwrap_or_default()
            .to_ascii_lowercase()
    }

    pub fn attribute(&self, el: &Element, name: &str) -> Option<String> {
        self.session_call("GET", &format!("/element/{}/attribute/{name}", el.0), None)
            .as_str()
            .map(str::to_owned)
    }

    /// The computed value of a CSS property (`font-style` -> `italic`).
    pub fn css(&self, el: &Element, property: &str) -> String {
        self.session_call("GET", &format!("/element/{}/css/{property}", el.0), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// `{x, y, width, height}` of the element on the page.
    pub fn rect(&self, el: &Element) -> (f64, f64, f64, f64) {
        let v = self.session_call("GET", &format!("/element/{}/rect", el.0), None);
        let n = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        (n("x"), n("y"), n("width"), n("height"))
    }

    /// Presses and releases each key in turn, as a keyboard does ([`TAB`], [`ENTER`], or
    /// plain characters), to whatever has focus.
    pub fn press(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|k| {
                [
                    json!({ "type": "keyDown", "value": k }),
                    json!({ "type": "keyUp", "value": k }),
                ]
            })
            .collect();
        self.session_call(
            "POST",
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        );
    }

    /// Whether `el` is the element that has focus.
    pub fn has_focus(&self, el: &Element) -> bool {
        self.script(
            "return document.activeElement === arguments[0]",
            vec![Self::arg(el)],
        ) == json!(true)
    }

    /// Runs a script in the page (the test's probe; the pages themselves have none).
    pub fn script(&self, js: &str, args: Vec<Value>) -> Value {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": js, "args": args })),
        )
    }

    /// The element as a script argument.
    pub fn arg(el: &Element) -> Value {
        json!({ ELEMENT: el.0 })
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Vec<u8> {
        use base64::Engine as _;
        let b64 = self.session_call("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().expect("screenshot is base64 text"))
            .expect("screenshot decodes")
    }
}

/// The element references of a Find Elements answer.
fn elements(v: Value) -> Vec<Element> {
    v.as_array()
        .expect("elements is an array")
        .iter()
        .map(|e| Element(e[ELEMENT].as_str().expect("element id").to_owned()))
        .collect()
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = request(
                self.addr,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One HTTP/1.1 request with a JSON body; the status and the JSON answer.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut s =
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open after its answer: read by Content-Length.
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let split = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the http head".into());
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head}"))?;
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    let mut body = raw[split + 4..].to_vec();
    loop {
        let done = match length {
            Some(len) => body.len() >= len,
            None if chunked => body.ends_with(b"0\r\n\r\n"),
            None => false,
        };
        if done {
            break;
        }
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    if chunked {
        body = dechunk(&body);
    }
    let v = serde_json::from_slice(&body)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&body)))?;
    Ok((status, v))
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&body[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || body.len() < eol + 2 + size {
            break;
        }
        out.extend_from_slice(&body[eol + 2..eol + 2 + size]);
        body = &body[(eol + 4 + size).min(body.len())..];
    }
    out
}
