//! The reader's web pages in a real browser: Debian's Chromium driven over W3C WebDriver
//! against a real sink whose PostgreSQL was filled by the pipeline (`resingest fetch --once` of
//! corpus PDFs, archived and published; a real worker extracting them; the sink storing them).
//! Every expectation comes from the stored resolutions as the JSON API returns them, not from
//! this file.
//!
//! The screenshot goes to `target/web.png`, or where `$RESINGEST_SCREENSHOT` says:
//! `RESINGEST_SCREENSHOT=docs/web.png` regenerates the README's (it is not compared).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use resingest_amqp::testing::TestVhost;
use resingest_e2e::account::{broker_progress, psql_count};
use resingest_e2e::fleet::{self, wait_healthy, Env, Proc};
use resingest_e2e::inputs::corpus_dir;
use resingest_e2e::webdriver::{self, Browser};
use resingest_model::Resolution;
use resingest_runtime::testing::TestDb;
use serde_json::{json, Value};

/// Real resolutions that cite one another (80/239 cites 79/255 and 80/243) beside two of
/// other organs and sessions; which of them the test opens is decided from their stored data.
const FILES: [&str; 5] = [
    "ga/A_RES_80_239-EN.pdf",
    "ga/A_RES_79_255-EN.pdf",
    "ga/A_RES_80_243-EN.pdf",
    "ga/A_RES_78_101-EN.pdf",
    "sc/S_RES_2769_2025-EN.pdf",
];

/// The pipeline's processes on their own vhost and database, removed at the end.
struct Pipeline {
    _vhost: TestVhost,
    vhost_name: String,
    database_url: String,
    _db: TestDb,
    sink: Proc,
    worker: Proc,
    env: Env,
    tmp: tempfile::TempDir,
}

impl Pipeline {
    fn start(corpus: &Path) -> Pipeline {
        let vhost = TestVhost::create("e2e-web");
        let db = TestDb::new("e2e_web");
        let tmp = tempfile::Builder::new()
            .prefix("resingest-e2e-web-")
            .tempdir()
            .unwrap();
        let inputs = tmp.path().join("in");
        let logs = tmp.path().join("logs");
        std::fs::create_dir_all(&inputs).unwrap();
        std::fs::create_dir_all(&logs).unwrap();
        for file in FILES {
            let src = corpus.join(file);
            assert!(
                src.is_file(),
                "{} is missing from the corpus",
                src.display()
            );
            let name = Path::new(file).file_name().unwrap();
            std::os::unix::fs::symlink(&src, inputs.join(name)).unwrap();
        }
        let env = Env {
            bin: fleet::resingest_bin(),
            amqp_url: vhost.url.clone(),
            database_url: db.url.clone(),
            archive: tmp.path().join("archive"),
            logs,
            concurrency: 1,
        };
        let mut sink = env.sink();
        wait_healthy(&mut sink, Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
        let worker = env.worker(0);
        Pipeline {
            vhost_name: vhost.name.clone(),
            _vhost: vhost,
            database_url: env.database_url.clone(),
            _db: db,
            sink,
            worker,
            env,
            tmp,
        }
    }

    /// Fetches the files as the fetcher does (archived, then published) and waits until the
    /// sink has stored every one.
    fn fill(&mut self) {
        let mut fetch = self.env.fetcher(&self.tmp.path().join("in"), false);
        let status = fetch.child.wait().expect("fetch --once runs");
        fetch.exit = Some(status);
        assert!(
            status.success(),
            "resingest fetch --once: {status}\n{}",
            fetch.log_tail(20)
        );
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let stored =
                psql_count(&self.database_url, "SELECT count(*) FROM resolutions").unwrap_or(0);
            if stored == FILES.len() as i64 {
                return;
            }
            let dead = broker_progress(&self.vhost_name)
                .map(|(d, _)| d)
                .unwrap_or(0);
            let alive = self.sink.alive() && self.worker.alive();
            if dead > 0 || !alive || Instant::now() > deadline {
                panic!(
                    "{stored} of {} stored, {dead} dead-lettered, processes alive: {alive}\nworker:\n{}\nsink:\n{}",
                    FILES.len(),
                    self.worker.log_tail(30),
                    self.sink.log_tail(30)
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.sink.port)
    }

    /// A JSON answer of the sink's API.
    fn api(&self, path: &str) -> Value {
        let (status, body) = self
            .sink
            .http_get(path)
            .unwrap_or_else(|| panic!("GET {path}: sink unreachable"));
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.worker.terminate(Duration::from_secs(20));
        self.sink.terminate(Duration::from_secs(20));
        // `db` is dropped after this, with its connections.
    }
}

/// What the test looks for in one stored resolution: an italic preambular lead, a sub-item,
/// a footnote marker, and a stored resolution it cites.
struct Subject {
    r: Resolution,
    /// (element id, lead) of a preambular paragraph with a lead.
    lead: (String, String),
    /// (sub-item id, its paragraph's id, the sub-item's text).
    sub: (String, String, String),
    /// (id of a clause with a marker, footnote number, footnote text).
    note: (String, u32, String),
    cited: String,
}

fn subject(r: Resolution, stored: &BTreeSet<String>) -> Result<Subject, String> {
    let sym = &r.symbol;
    let lead = r
        .preamble
        .iter()
        .find_map(|c| Some((format!("c-p{}", c.index), c.lead.clone()?)))
        .ok_or(format!("{sym}: no preambular lead"))?;
    let sub = r
        .operative
        .iter()
        .find_map(|p| {
            let s = p.subparagraphs.first()?;
            Some((
                format!("c-{}.{}", p.number, s.label),
                format!("c-{}", p.number),
                s.text.clone(),
            ))
        })
        .ok_or(format!("{sym}: no sub-item"))?;
    let marked = r
        .preamble
        .iter()
        .map(|c| (format!("c-p{}", c.index), &c.footnote_refs))
        .chain(
            r.operative
                .iter()
                .map(|p| (format!("c-{}", p.number), &p.footnote_refs)),
        )
        .find_map(|(id, refs)| Some((id, *refs.first()?)))
        .ok_or(format!("{sym}: no footnote marker in a paragraph"))?;
    let note_text = r
        .footnotes
        .iter()
        .find(|f| f.number == marked.1)
        .map(|f| f.text.clone())
        .ok_or(format!("{sym}: footnote {} has no text", marked.1))?;
    let cited = r
        .references
        .iter()
        .find(|s| stored.contains(*s) && *s != sym)
        .cloned()
        .ok_or(format!("{sym}: cites no stored resolution"))?;
    Ok(Subject {
        lead,
        sub,
        note: (marked.0, marked.1, note_text),
        cited,
        r,
    })
}

/// A resolution with every line of the details filled and at least one section heading,
/// and what its page must show: the details as (label, value) and (clause id, headings).
struct Detailed {
    r: Resolution,
    details: Vec<(&'static str, String)>,
    headings: Vec<(String, Vec<String>)>,
    sections: Vec<(String, String)>,
}

fn detailed(r: Resolution) -> Result<Detailed, String> {
    let sym = &r.symbol;
    let missing = |what: &str| format!("{sym}: no {what}");
    let session = r.session.ok_or_else(|| missing("session"))?;
    let adopted = r
        .adoption_date
        .as_deref()
        .map(written_out)
        .ok_or_else(|| missing("adoption date"))?;
    let meeting = r.meeting.clone().ok_or_else(|| missing("meeting"))?;
    let committee = r
        .main_committee
        .clone()
        .ok_or_else(|| missing("committee"))?;
    if r.agenda_items.is_empty() {
        return Err(missing("agenda item"));
    }
    let details = vec![
        ("Symbol", sym.clone()),
        ("Organ", r.organ.clone()),
        ("Session", session.to_string()),
        ("Adopted", adopted),
        ("Meeting", meeting),
        ("Committee", committee),
        ("Agenda items", r.agenda_items.join(", ")),
    ];
    let line = |h: &resingest_model::Heading| {
        collapse(&format!(
            "{} {}",
            h.num.as_deref().unwrap_or_default(),
            h.text
        ))
    };
    let mut headings = Vec::new();
    let mut clauses =
        |prefix: &str, pre: &[resingest_model::Clause], op: &[resingest_model::Paragraph]| {
            let pre = pre
                .iter()
                .map(|c| (format!("c-{prefix}p{}", c.index), &c.headings));
            let op = op
                .iter()
                .map(|p| (format!("c-{prefix}{}", p.number), &p.headings));
            for (id, hs) in pre.chain(op).filter(|(_, hs)| !hs.is_empty()) {
                headings.push((id, hs.iter().map(line).collect()));
            }
        };
    clauses("", &r.preamble, &r.operative);
    let mut sections = Vec::new();
    for (i, s) in r.sections.iter().enumerate() {
        let num = s.num.clone().unwrap_or_else(|| format!("s{}", i + 1));
        clauses(&format!("{num}."), &s.preamble, &s.operative);
        let title = match &s.heading {
            Some(h) => format!("Section {num}: {h}"),
            None => format!("Section {num}"),
        };
        sections.push((format!("h-sec-{num}"), collapse(&title)));
    }
    if headings.is_empty() && sections.is_empty() {
        return Err(missing("section heading"));
    }
    Ok(Detailed {
        r,
        details,
        headings,
        sections,
    })
}

/// "2025-03-14" as the page writes it, "14 March 2025".
fn written_out(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    let month: usize = parts[1].parse().unwrap();
    let day: u32 = parts[2].parse().unwrap();
    format!("{day} {} {}", resingest_model::MONTHS[month - 1], parts[0])
}

/// Where the screenshot goes: `$RESINGEST_SCREENSHOT` (relative to the workspace), else
/// `web.png` in the target directory, so a test run leaves the committed one alone.
fn screenshot_path() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    match std::env::var_os("RESINGEST_SCREENSHOT") {
        Some(path) => workspace.join(path),
        None => workspace
            .join(std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into()))
            .join("web.png"),
    }
}

/// The body of a 200 answer to `GET path`, as bytes (a PDF is no text).
fn get_bytes(port: u16, path: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("the sink answers");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("GET {path}: no header end"));
    let head = String::from_utf8_lossy(&raw[..end]);
    assert!(
        head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
        "GET {path}: {head}"
    );
    raw[end + 4..].to_vec()
}

/// `[id="..."]`: ids hold dots (`c-3.b`), which `#` selectors would need escaped.
fn by_id(id: &str) -> String {
    format!("[id=\"{id}\"]")
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_reader_lists_searches_and_follows_notes_and_citations_in_a_real_browser() {
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let (chromium, chromedriver) = match webdriver::browser() {
        Ok(found) => found,
        Err(e) if !ci => {
            eprintln!("skipped: {e}");
            return;
        }
        Err(e) => panic!("{e}; CI needs them (.ci/run installs them)"),
    };
    let started = Instant::now();
    let corpus = corpus_dir();
    let mut p = Pipeline::start(&corpus);
    p.fill();
    let filled = started.elapsed();

    // What is stored, as the JSON API tells it.
    let listed = p.api("/v1/resolutions?limit=100");
    let stored: BTreeSet<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["symbol"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(stored.len(), FILES.len(), "{listed}");
    let mut reasons = Vec::new();
    let mut found = None;
    let mut with_details = None;
    for symbol in &stored {
        let r: Resolution =
            serde_json::from_value(p.api(&format!("/v1/resolutions/{symbol}"))).unwrap();
        if with_details.is_none() {
            match detailed(r.clone()) {
                Ok(d) => with_details = Some(d),
                Err(e) => reasons.push(e),
            }
        }
        if found.is_none() {
            match subject(r, &stored) {
                Ok(s) => found = Some(s),
                Err(e) => reasons.push(e),
            }
        }
    }
    let s = found.unwrap_or_else(|| panic!("no stored resolution to look at: {reasons:?}"));
    let d = with_details
        .unwrap_or_else(|| panic!("no stored resolution with details and headings: {reasons:?}"));
    let sym = s.r.symbol.clone();

    let logs = p.tmp.path().join("logs");
    let b = Browser::start(
        &chromium,
        &chromedriver,
        &logs.join("chromedriver.log"),
        (1200, 1400),
    );
    let base = p.base();

    // The list: every stored resolution, one h1, landmarks, a skip link, no script.
    b.goto(&format!("{base}/"));
    assert_eq!(b.find_all("h1").len(), 1, "one h1 on the list");
    for landmark in ["header", "nav", "main#main", "footer", "form[role=search]"] {
        assert_eq!(b.find_all(landmark).len(), 1, "landmark {landmark}");
    }
    let skip = b.find("body > a.skip");
    assert_eq!(b.attribute(&skip, "href").as_deref(), Some("#main"));
    assert_eq!(
        b.css(&skip, "position"),
        "absolute",
        "the stylesheet is served and applied"
    );
    assert!(b.find_all("script").is_empty(), "the pages need no script");
    for field in b.find_all("form input, form select") {
        let id = b
            .attribute(&field, "id")
            .expect("every form field has an id");
        assert_eq!(
            b.find_all(&format!("label[for=\"{id}\"]")).len(),
            1,
            "a label for #{id}"
        );
    }
    let shown: BTreeSet<String> = b
        .find_all("ol.listing > li > a")
        .iter()
        .map(|a| b.text(a))
        .collect();
    assert_eq!(shown, stored, "the list shows what is stored");

    // The keyboard: the first Tab from the top reaches the skip link, which comes into view
    // (it waits above the page) with a focus ring; following it lands on main, so the next
    // Tab goes to main's first field and not through the banner again.
    let (_, y, _, height) = b.rect(&skip);
    assert!(
        y + height <= 0.0,
        "the skip link is out of sight until focused: y {y}, height {height}"
    );
    b.press(&[webdriver::TAB]);
    assert!(b.has_focus(&skip), "the first Tab focuses the skip link");
    let (_, y, _, _) = b.rect(&skip);
    assert!(y >= 0.0, "the focused skip link is in view: y {y}");
    assert_eq!(b.css(&skip, "outline-style"), "solid", "a focus ring");
    let ring: f64 = b
        .css(&skip, "outline-width")
        .trim_end_matches("px")
        .parse()
        .expect("outline-width in px");
    assert!(ring >= 2.0, "the focus ring is {ring}px wide");
    b.press(&[webdriver::ENTER]);
    b.wait_url("the skip link's target", |u| u.ends_with("#main"));
    let main = b.find("main#main");
    assert!(b.has_focus(&main), "following the skip link focuses main");
    b.press(&[webdriver::TAB]);
    let next = b.script(
        "const a = document.activeElement, m = document.getElementById('main');
         return a !== m && m.contains(a) ? a.id : null",
        vec![],
    );
    assert_eq!(
        next,
        json!("q"),
        "the Tab after the skip link goes to main's first field"
    );

    // Filter by organ through the form: only that organ's resolutions remain.
    let organ = s.r.organ.clone();
    let option = b.find(&format!("select#organ option[value=\"{organ}\"]"));
    b.click(&option);
    b.click(&b.find("form button[type=submit]"));
    b.wait_url("the organ filter", |u| u.contains("organ="));
    let of_organ: BTreeSet<String> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["organ"] == json!(organ))
        .map(|i| i["symbol"].as_str().unwrap().to_owned())
        .collect();
    let shown: BTreeSet<String> = b
        .find_all("ol.listing > li > a")
        .iter()
        .map(|a| b.text(a))
        .collect();
    assert_eq!(shown, of_organ, "filtered by organ {organ}: {}", b.url());

    // Search for the sub-item's three longest words: its resolution is a hit, the words marked.
    let mut words: Vec<&str> = s
        .sub
        .2
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 5)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.dedup();
    words.truncate(3);
    assert!(
        !words.is_empty(),
        "sub-item {} has no words to search",
        s.sub.0
    );
    b.goto(&format!("{base}/"));
    let q = b.find("input#q");
    b.type_into(&q, &words.join(" "));
    b.click(&b.find("form button[type=submit]"));
    b.wait_url("the search in the URL", |u| u.contains("q="));
    let marks: Vec<String> = b
        .find_all("ol.hits mark")
        .iter()
        .map(|m| b.text(m).to_lowercase())
        .collect();
    assert!(
        words.iter().any(|w| marks.contains(&w.to_lowercase())),
        "searched {words:?}, marked {marks:?}"
    );
    let hit = b
        .find_all("ol.hits > li > a")
        .into_iter()
        .find(|a| b.text(a).starts_with(&format!("{sym},")))
        .unwrap_or_else(|| panic!("no hit in {sym} for {words:?}"));
    b.click(&hit);
    let clause = format!("{base}/resolutions/{sym}#c-");
    b.wait_url("the hit's clause", |u| u.starts_with(&clause));
    assert_eq!(b.find_all("h1").len(), 1, "one h1 on a resolution");
    assert_eq!(b.text(&b.find("h1 .symbol")), sym);
    assert!(b.find_all("script").is_empty(), "the pages need no script");

    // The preambular lead is in italics.
    let (lead_id, lead) = &s.lead;
    let em = b.find(&format!("{} em", by_id(lead_id)));
    assert_eq!(collapse(&b.text(&em)), collapse(lead));
    assert_eq!(b.css(&em, "font-style"), "italic");

    // The sub-item sits in its paragraph's list, indented from it.
    let (sub_id, para_id, _) = &s.sub;
    let sub = b.find(&by_id(sub_id));
    assert_eq!(b.tag(&sub), "li");
    let parent = b.script(
        "return arguments[0].parentElement.closest('li').id",
        vec![Browser::arg(&sub)],
    );
    assert_eq!(parent, json!(para_id), "{sub_id} is nested under {para_id}");
    let para = b.find(&by_id(para_id));
    assert!(
        b.rect(&sub).0 > b.rect(&para).0,
        "{sub_id} is indented from {para_id}"
    );

    // The screenshot, from the top of the page.
    b.goto(&format!("{base}/resolutions/{sym}"));
    let png = b.screenshot();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    let shot = screenshot_path();
    std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
    std::fs::write(&shot, &png).unwrap();

    // The source-PDF link serves the very PDF the resolution was extracted from.
    let pdf_link = b
        .find_all("ul.formats a")
        .into_iter()
        .find(|a| b.text(a) == "Source PDF")
        .unwrap_or_else(|| panic!("no source-PDF link on {sym}"));
    let href = b
        .attribute(&pdf_link, "href")
        .expect("the link has an href");
    let path = href.strip_prefix(&base).unwrap_or(&href).to_owned();
    let pdf = get_bytes(p.sink.port, &path);
    assert!(pdf.starts_with(b"%PDF"), "GET {path} is no PDF");
    assert_eq!(
        resingest_archive::sha256_hex(&pdf),
        s.r.provenance.sha256,
        "GET {path} is not the PDF {sym} was extracted from"
    );

    // A footnote marker lands on its note, and the note leads back.
    let (marked_id, n, note_text) = &s.note;
    let marker = b.find(&format!("{} a[href=\"#fn-{n}\"]", by_id(marked_id)));
    let marker_id = b
        .attribute(&marker, "id")
        .expect("a marker has an id to come back to");
    b.click(&marker);
    assert!(b.url().ends_with(&format!("#fn-{n}")), "{}", b.url());
    let target = b.script(
        "const t = document.querySelector(':target'); return t && t.id",
        vec![],
    );
    assert_eq!(target, json!(format!("fn-{n}")));
    let note = b.find(&by_id(&format!("fn-{n}")));
    let want: String = collapse(note_text).chars().take(60).collect();
    assert!(
        collapse(&b.text(&note)).contains(&want),
        "note {n} shows its text: {want}"
    );
    b.click(&b.find_in(&note, "a.back")[0]);
    assert!(b.url().ends_with(&format!("#{marker_id}")), "{}", b.url());

    // The cited resolution lists this one under "Cited by", and the link opens it.
    b.goto(&format!("{base}/resolutions/{}", s.cited));
    let back = b
        .find_all("ul.cited-by a")
        .into_iter()
        .find(|a| b.text(a) == sym)
        .unwrap_or_else(|| panic!("{} is not shown as cited by {sym}", s.cited));
    b.click(&back);
    let citing = format!("{base}/resolutions/{sym}");
    b.wait_url("the citing resolution", |u| u == citing);
    assert_eq!(b.text(&b.find("h1 .symbol")), sym);

    // The details, each label beside its value, and the section headings over their clauses.
    let dsym = d.r.symbol.clone();
    b.goto(&format!("{base}/resolutions/{dsym}"));
    let labels = b.find_all("dl.meta > dt");
    let values = b.find_all("dl.meta > dd");
    assert_eq!(labels.len(), values.len(), "{dsym}: one value per label");
    let shown: Vec<(String, String)> = labels
        .iter()
        .zip(&values)
        .map(|(l, v)| (b.text(l), collapse(&b.text(v))))
        .collect();
    for (label, value) in &d.details {
        assert!(
            shown.iter().any(|(l, v)| l == label && v == value),
            "{dsym}: {label} {value:?} not among {shown:?}"
        );
    }
    for (id, want) in &d.headings {
        // [text, font weight] of each heading printed over the clause: inside its item for
        // an operative paragraph, the paragraphs just before it for a preambular one.
        let got = b.script(
            "const el = document.getElementById(arguments[0]);
             let hs = [];
             if (el.tagName === 'LI') {
               hs = [...el.querySelectorAll(':scope > p.section-heading')];
             } else {
               for (let p = el.previousElementSibling; p && p.matches('p.section-heading');
                    p = p.previousElementSibling) hs.unshift(p);
             }
             return hs.map(h => [h.textContent.replace(/\\s+/g, ' ').trim(),
                                 getComputedStyle(h).fontWeight]);",
            vec![json!(id)],
        );
        let bold: Vec<Value> = want.iter().map(|w| json!([w, "700"])).collect();
        assert_eq!(got, json!(bold), "{dsym}: the headings over {id}, in bold");
    }
    for (id, title) in &d.sections {
        let h = b.find(&by_id(id));
        assert_eq!(b.tag(&h), "h2", "{dsym}: {id}");
        assert_eq!(collapse(&b.text(&h)), *title);
    }

    eprintln!(
        "browser test: pipeline filled in {:.1} s, whole test {:.1} s, screenshot {}, details of {dsym} ({} headed clauses, {} sections)",
        filled.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        shot.display(),
        d.headings.len(),
        d.sections.len()
    );
}
