//! A fake of the UN's publication systems that answers the way UN-SOURCES.md records the real
//! ones do, each behaviour switchable by scenario:
//!
//! - the symbol API (`/api/symbol/access?s=&l=&t=pdf`) redirects a published document to an
//!   uppercase `/doc/UNDOC/...PDF` path; the PDF is served only at the lowercase path, the
//!   uppercase one gives ~1.3 KB of html;
//! - a symbol not (yet) published is a 200 with an empty body, a 200 with the html application
//!   page, or a 302 to `/error` ([`Missing`]), never a 404;
//! - with [`Un::strict_headers`], a request without a browser User-Agent, `Accept:
//!   application/pdf` and the viewer's `Referer` goes to `/error`;
//! - `l=` in a language the UN does not publish in answers the English PDF;
//! - undocs.org links answer 301 to docs.un.org, whose page is a ~4 KB html viewer;
//! - the Digital Library: OAI-PMH `ListRecords` (MARCXML, `from`/`until`, resumption tokens),
//!   most records not resolutions, 856 links with `$y` languages and some without a `-XX`
//!   suffix, files under `/record/<id>/files/`, a robots.txt with `Crawl-Delay`;
//! - faults ([`Fault`]): firewall challenges (202, `x-amzn-waf-action: challenge`, empty
//!   body), 502/503 bursts with a short `Retry-After`, the error page for every request;
//! - a latency added to every answer (milliseconds in tests, seconds in the bench).

use std::collections::HashMap;
use std::time::Duration;

/// How a symbol that is not published answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Empty,
    AppPage,
    ErrorRedirect,
}

/// What a fault answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// 202, `x-amzn-waf-action: challenge`, empty body.
    Challenge,
    /// This status with `Retry-After: <secs>`.
    Unavailable { status: u16, retry_after: u32 },
    /// 302 to `/error`.
    ErrorPage,
}

/// Requests whose route starts with `prefix`: the first `skip` pass, the next `count` fail.
#[derive(Debug, Clone)]
pub struct Fault {
    pub prefix: String,
    pub skip: u32,
    pub count: u32,
    pub kind: FaultKind,
}

/// One Digital Library record.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: u32,
    /// YYYY-MM-DD.
    pub datestamp: String,
    pub symbol: String,
    /// 089 $b; `B01` for an adopted resolution.
    pub kind: Option<String>,
    /// 856: file name, $y label, the bytes served.
    pub links: Vec<(String, Option<String>, Vec<u8>)>,
}

/// An answer of the fake.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Answer {
    fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            content_type,
            body: body.into(),
        }
    }

    fn redirect(status: u16, location: &str) -> Answer {
        let mut a = Answer::new(status, "text/html", Vec::new());
        a.headers.push(("Location".into(), location.into()));
        a
    }

    fn html(page: String) -> Answer {
        Answer::new(200, "text/html; charset=utf-8", page.into_bytes())
    }
}

/// Reads one request head: its target (path and query) and headers (lowercase names).
pub async fn read_request(
    stream: &mut tokio::net::TcpStream,
) -> Option<(String, HashMap<String, String>)> {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 << 10 {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let headers = head
        .split("\r\n")
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some((target, headers))
}

impl Answer {
    /// The answer as HTTP/1.1 bytes, the connection closed after it.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.status,
            self.content_type,
            self.body.len()
        );
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        let mut out = out.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

pub const LANGUAGES: [&str; 6] = ["ar", "zh", "en", "fr", "ru", "es"];

/// The state of the fake UN.
#[derive(Debug)]
pub struct Un {
    /// Published documents: (canonical symbol, language) -> PDF.
    pub docs: HashMap<(String, String), Vec<u8>>,
    pub missing: Missing,
    pub strict_headers: bool,
    pub faults: Vec<Fault>,
    pub latency: Duration,
    /// Up to this much more latency, uniformly drawn per answer (the bench's 1-2 s).
    pub latency_jitter: Duration,
    pub records: Vec<Record>,
    /// Records per OAI page.
    pub page_size: usize,
    /// robots.txt `Crawl-Delay`, seconds.
    pub crawl_delay: Option<f64>,
    /// The `Host` that plays undocs.org (a test gives `localhost:PORT`).
    pub undocs_host: String,
    /// Where undocs.org sends its 301s: the viewer (a test gives its own server).
    pub docs_origin: String,
}

impl Default for Un {
    fn default() -> Un {
        Un {
            docs: HashMap::new(),
            missing: Missing::Empty,
            strict_headers: true,
            faults: Vec::new(),
            latency: Duration::ZERO,
            latency_jitter: Duration::ZERO,
            records: Vec::new(),
            page_size: 2,
            crawl_delay: None,
            undocs_host: "undocs.org".into(),
            docs_origin: "https://docs.un.org".into(),
        }
    }
}

/// A small PDF-looking body that names its document, distinct per symbol and language.
pub fn fake_pdf(symbol: &str, language: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {symbol} {language}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
        .into_bytes()
}

/// The ODS path a document is redirected to, in the uppercase the symbol API uses.
pub fn ods_path(symbol: &str, language: &str) -> String {
    let digest = symbol
        .bytes()
        .chain(language.bytes())
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let job = format!("N25{:05}", digest % 100_000);
    format!(
        "/doc/UNDOC/GEN/N25/{}/{}/PDF/{job}{}.PDF",
        &job[3..6],
        &job[6..8],
        language.to_ascii_uppercase()
    )
}

fn app_page() -> String {
    let mut page = String::from("<!DOCTYPE html><html><head><title>Official Document System</title></head><body><div id=\"root\"></div>");
    while page.len() < 1300 {
        page.push_str("<script src=\"/static/js/main.chunk.js\"></script>");
    }
    page.push_str("</body></html>");
    page
}

fn browser_like(headers: &HashMap<String, String>, language: &str, symbol: &str) -> bool {
    let ua = headers.get("user-agent").map(String::as_str).unwrap_or("");
    let accept = headers.get("accept").map(String::as_str).unwrap_or("");
    let referer = headers.get("referer").map(String::as_str).unwrap_or("");
    ua.starts_with("Mozilla/")
        && accept.contains("application/pdf")
        && referer.ends_with(&format!("/{language}/{symbol}"))
}

impl Un {
    /// The latency of one answer: `latency` plus a uniform share of `latency_jitter`.
    pub fn latency(&self) -> Duration {
        use std::hash::{BuildHasher, Hasher};
        if self.latency_jitter.is_zero() {
            return self.latency;
        }
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        let unit = (h.finish() >> 11) as f64 / (1u64 << 53) as f64;
        self.latency + self.latency_jitter.mul_f64(unit)
    }

    pub fn publish(&mut self, symbol: &str, language: &str, pdf: Vec<u8>) {
        self.docs.insert((symbol.into(), language.into()), pdf);
    }

    /// Publishes `fake_pdf` of `symbol` in each language.
    pub fn publish_fake(&mut self, symbol: &str, languages: &[&str]) {
        for l in languages {
            self.publish(symbol, l, fake_pdf(symbol, l));
        }
    }

    pub fn fault(&mut self, prefix: &str, skip: u32, count: u32, kind: FaultKind) {
        self.faults.push(Fault {
            prefix: prefix.into(),
            skip,
            count,
            kind,
        });
    }

    fn take_fault(&mut self, route: &str) -> Option<FaultKind> {
        for f in &mut self.faults {
            if !route.starts_with(&f.prefix) {
                continue;
            }
            if f.skip > 0 {
                f.skip -= 1;
                continue;
            }
            if f.count > 0 {
                f.count -= 1;
                return Some(f.kind.clone());
            }
        }
        None
    }

    /// The answer to `path_and_query` (route `route`) with request `headers` (lowercase names).
    pub fn answer(
        &mut self,
        route: &str,
        path_and_query: &str,
        headers: &HashMap<String, String>,
    ) -> Answer {
        if let Some(kind) = self.take_fault(route) {
            return match kind {
                FaultKind::Challenge => {
                    let mut a = Answer::new(202, "text/html", Vec::new());
                    a.headers
                        .push(("x-amzn-waf-action".into(), "challenge".into()));
                    a
                }
                FaultKind::Unavailable {
                    status,
                    retry_after,
                } => {
                    let mut a = Answer::new(status, "text/html", Vec::new());
                    a.headers
                        .push(("Retry-After".into(), retry_after.to_string()));
                    a
                }
                FaultKind::ErrorPage => Answer::redirect(302, "/error"),
            };
        }
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let args: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let host = headers.get("host").map(String::as_str).unwrap_or("");
        match path {
            "/api/symbol/access" => {
                let symbol: String = args
                    .get("s")
                    .map(|s| {
                        s.split_whitespace()
                            .collect::<String>()
                            .to_ascii_uppercase()
                    })
                    .unwrap_or_default();
                let asked = args.get("l").cloned().unwrap_or_default();
                if self.strict_headers && !browser_like(headers, &asked, &symbol) {
                    return Answer::redirect(302, "/error");
                }
                // Any other language answers the English PDF, byte for byte.
                let language = if LANGUAGES.contains(&asked.as_str()) {
                    asked
                } else {
                    "en".into()
                };
                if self.docs.contains_key(&(symbol.clone(), language.clone())) {
                    return Answer::redirect(302, &ods_path(&symbol, &language));
                }
                match self.missing {
                    Missing::Empty => Answer::new(200, "application/pdf", Vec::new()),
                    Missing::AppPage => Answer::html(app_page()),
                    Missing::ErrorRedirect => Answer::redirect(302, "/error"),
                }
            }
            "/error" => Answer::html(app_page()),
            "/oai2d" => self.oai(&args),
            "/robots.txt" => {
                let mut text = String::from("User-agent: *\nDisallow: /search\nDisallow: /rss\n");
                if let Some(d) = self.crawl_delay {
                    text.push_str(&format!("Crawl-delay: {d}\n"));
                }
                Answer::new(200, "text/plain", text.into_bytes())
            }
            p if p.starts_with("/doc/") => {
                let found = self
                    .docs
                    .iter()
                    .find(|((s, l), _)| ods_path(s, l).eq_ignore_ascii_case(p))
                    .map(|(_, pdf)| pdf.clone());
                match found {
                    Some(pdf) if p == p.to_ascii_lowercase() => {
                        Answer::new(200, "application/pdf", pdf)
                    }
                    // The uppercase path: a small html page, not the document.
                    _ => Answer::html(app_page()),
                }
            }
            p if p.starts_with("/record/") => {
                let found = self.records.iter().find_map(|r| {
                    r.links.iter().find_map(|(name, _, pdf)| {
                        (p == format!("/record/{}/files/{name}", r.id)).then(|| pdf.clone())
                    })
                });
                match found {
                    Some(pdf) => Answer::new(200, "application/pdf", pdf),
                    None => Answer::new(404, "text/html", Vec::new()),
                }
            }
            // undocs.org/<lang>/<symbol> -> docs.un.org, a viewer page around the symbol API.
            p if host.eq_ignore_ascii_case(&self.undocs_host) => {
                Answer::redirect(301, &format!("{}{p}", self.docs_origin))
            }
            p if p.len() > 4
                && LANGUAGES
                    .iter()
                    .any(|l| p[1..].starts_with(&format!("{l}/"))) =>
            {
                let (lang, symbol) = p[1..].split_once('/').unwrap_or_default();
                let mut page = format!(
                    "<!DOCTYPE html><html><body><iframe src=\"https://documents.un.org/api/symbol/access?s={symbol}&l={lang}&t=pdf\"></iframe>"
                );
                while page.len() < 4000 {
                    page.push_str("<div class=\"viewer-toolbar\"></div>");
                }
                page.push_str("</body></html>");
                Answer::html(page)
            }
            _ => Answer::new(404, "text/html", Vec::new()),
        }
    }

    fn oai(&self, args: &HashMap<String, String>) -> Answer {
        // A token carries the window and the offset: `<from>|<until>|<offset>`.
        let (from, until, offset) = match args.get("resumptionToken") {
            Some(t) => {
                let mut parts = t.split('|');
                let from = parts.next().unwrap_or_default().to_owned();
                let until = parts.next().unwrap_or_default().to_owned();
                let offset = parts.next().and_then(|o| o.parse().ok()).unwrap_or(0);
                (from, until, offset)
            }
            None => (
                args.get("from").cloned().unwrap_or_default(),
                args.get("until").cloned().unwrap_or("9999-12-31".into()),
                0usize,
            ),
        };
        let from_ok = |d: &str| from.is_empty() || d >= from.as_str();
        let matching: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| from_ok(&r.datestamp) && r.datestamp.as_str() <= until.as_str())
            .collect();
        let mut xml = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">"#,
        );
        if matching.is_empty() {
            xml.push_str(r#"<error code="noRecordsMatch">no records</error></OAI-PMH>"#);
            return Answer::new(200, "text/xml", xml.into_bytes());
        }
        xml.push_str("<ListRecords>");
        for r in matching.iter().skip(offset).take(self.page_size) {
            xml.push_str(&format!(
                r#"<record><header><identifier>oai:digitallibrary.un.org:{}</identifier><datestamp>{}T10:00:00Z</datestamp></header><metadata><marc:record xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:datafield tag="191" ind1=" " ind2=" "><marc:subfield code="a">{}</marc:subfield></marc:datafield>"#,
                r.id, r.datestamp, r.symbol
            ));
            if let Some(k) = &r.kind {
                xml.push_str(&format!(
                    r#"<marc:datafield tag="089" ind1=" " ind2=" "><marc:subfield code="b">{k}</marc:subfield></marc:datafield>"#
                ));
            }
            for (name, label, pdf) in &r.links {
                xml.push_str(&format!(
                    r#"<marc:datafield tag="856" ind1="4" ind2=" "><marc:subfield code="u">{{BASE}}/record/{}/files/{name}</marc:subfield><marc:subfield code="s">{}</marc:subfield>"#,
                    r.id,
                    pdf.len()
                ));
                if let Some(l) = label {
                    xml.push_str(&format!(r#"<marc:subfield code="y">{l}</marc:subfield>"#));
                }
                xml.push_str("</marc:datafield>");
            }
            xml.push_str("</marc:record></metadata></record>");
        }
        let next = offset + self.page_size;
        if next < matching.len() {
            xml.push_str(&format!(
                r#"<resumptionToken completeListSize="{}">{from}|{until}|{next}</resumptionToken>"#,
                matching.len()
            ));
        } else {
            xml.push_str(&format!(
                r#"<resumptionToken completeListSize="{}"/>"#,
                matching.len()
            ));
        }
        xml.push_str("</ListRecords></OAI-PMH>");
        Answer::new(200, "text/xml", xml.into_bytes())
    }
}
