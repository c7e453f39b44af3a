//! The fetcher against a local server shaped like the symbol API and OAI-PMH, the real broker
//! and the real database: each test its own server, vhost, database and archive.

mod common;

use std::time::Duration;

use common::{pdf, sha256, sym, Reply, World};
use resingest_fetcher::metrics::outcome;
use resingest_fetcher::{Handles, Source};
use tokio_util::sync::CancellationToken;

const A5: &str = "ga/A_RES_80_5-EN.pdf";
const A7: &str = "ga/A_RES_80_7-EN.pdf";
const A11: &str = "ga/A_RES_80_11-EN.pdf";
const S2768: &str = "sc/S_RES_2768_2025-EN.pdf";
const S2769: &str = "sc/S_RES_2769_2025-EN.pdf";

/// A list of links; a bare symbol stands for its undocs.org link in English.
fn urls_file(dir: &tempfile::TempDir, lines: &[&str]) -> Source {
    let path = dir.path().join("urls.txt");
    let lines: Vec<String> = lines
        .iter()
        .map(|l| match l.contains("://") {
            true => l.to_string(),
            false => format!("https://undocs.org/en/{l}"),
        })
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    Source::Urls(Some(path))
}

#[tokio::test]
async fn new_symbols_are_discovered_and_probing_stops_after_k_misses() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("discover").await;
    // One number at a time: which numbers are asked is exact (lookahead is tested in un.rs).
    w.config.http.concurrency = 1;
    w.config.probe.ga_after = 4;
    w.config.probe.sc_after = 2767;
    w.server
        .reply(&sym("A/RES/80/5"), Reply::Pdf(pdf(&corpus, A5)));
    w.server
        .reply(&sym("A/RES/80/7"), Reply::Pdf(pdf(&corpus, A7)));
    // Beyond three misses in a row (8, 9, 10): not reached this poll.
    w.server
        .reply(&sym("A/RES/80/11"), Reply::Pdf(pdf(&corpus, A11)));
    w.server
        .reply(&sym("S/RES/2768(2025)"), Reply::Pdf(pdf(&corpus, S2768)));
    w.server
        .reply(&sym("S/RES/2769(2025)"), Reply::Pdf(pdf(&corpus, S2769)));

    let s = w.fetch_once(Source::Symbols).await;
    assert_eq!(s.published, 4, "{s:?}");
    assert!(w.server.requests(&sym("A/RES/80/11")).is_empty());
    assert_eq!(w.server.requests(&sym("A/RES/80/10")).len(), 1);
    // Misses: 80/6, 80/8-10, S/RES/2770-2772.
    assert_eq!(w.handles.metrics.probe_misses.get(), 7);
    let docs = w.drain_documents().await;
    let mut symbols: Vec<_> = docs
        .iter()
        .map(|(e, _, _)| e.symbol.clone().unwrap())
        .collect();
    symbols.sort();
    assert_eq!(
        symbols,
        [
            "A/RES/80/5",
            "A/RES/80/7",
            "S/RES/2768(2025)",
            "S/RES/2769(2025)"
        ]
    );
    let (env, ctype, len) = &docs
        .iter()
        .find(|(e, _, _)| e.symbol.as_deref() == Some("A/RES/80/5"))
        .unwrap();
    let a5 = pdf(&corpus, A5);
    assert_eq!(env.sha256, sha256(&a5));
    assert_eq!(env.language.as_deref(), Some("en"));
    assert_eq!((ctype.as_str(), *len), ("application/pdf", a5.len()));
    assert!(env
        .source_url
        .as_deref()
        .unwrap()
        .contains("s=A%2FRES%2F80%2F5"));
    assert!(env.fetched_at.is_some());
    let key = env.archive_key.clone().unwrap();
    assert!(
        w.archive.path().join(&key).is_file(),
        "archived under {key}"
    );
    assert_eq!(
        w.ledger("A/RES/80/5"),
        format!("published 0 {}", sha256(&a5))
    );
    assert!(w.ledger("A/RES/80/6").starts_with("missing 1"));

    // 80/8 adopted since: the next poll notices it, which brings 80/11 within K misses; the
    // gap at 6 is tried again.
    w.server
        .reply(&sym("A/RES/80/8"), Reply::Pdf(pdf(&corpus, A7)));
    let s = w.fetch_once(Source::Symbols).await;
    assert_eq!(s.published, 2, "{s:?}");
    assert_eq!(w.server.requests(&sym("A/RES/80/6")).len(), 2);
    let mut symbols: Vec<_> = w
        .drain_documents()
        .await
        .into_iter()
        .map(|(e, _, _)| e.symbol.unwrap())
        .collect();
    symbols.sort();
    assert_eq!(symbols, ["A/RES/80/11", "A/RES/80/8"]);
}

#[tokio::test]
async fn a_restart_publishes_nothing_new_and_downloads_nothing_known() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("restart").await;
    w.config.probe.ga_after = 4;
    w.server
        .reply(&sym("A/RES/80/5"), Reply::Pdf(pdf(&corpus, A5)));
    let tmp = tempfile::tempdir().unwrap();
    let list = urls_file(
        &tmp,
        &["A/RES/80/5", &w.server.url("/files/A_RES_80_7-EN.pdf")],
    );
    w.server
        .reply("/files/A_RES_80_7-EN.pdf", Reply::Pdf(pdf(&corpus, A7)));

    assert_eq!(w.fetch_once(Source::Symbols).await.published, 1);
    assert_eq!(w.fetch_once(list.clone()).await.published, 1);
    assert_eq!(w.drain_documents().await.len(), 2);
    let before = w.server.requests(&sym("A/RES/80/5")).len();

    // A new process on the same ledger: nothing published, nothing downloaded again.
    let s = w.fetch_once(Source::Symbols).await;
    assert_eq!((s.published, s.unchanged), (0, 0), "{s:?}");
    let s = w.fetch_once(list).await;
    assert_eq!((s.published, s.unchanged), (0, 2), "{s:?}");
    assert_eq!(w.server.requests(&sym("A/RES/80/5")).len(), before);
    assert_eq!(w.server.requests("/files/A_RES_80_7-EN.pdf").len(), 1);
    assert!(w.drain_documents().await.is_empty());
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("ratelimit").await;
    let tmp = tempfile::tempdir().unwrap();
    let retry_after = vec![("Retry-After".to_owned(), "1".to_owned())];
    w.server.script(
        &sym("A/RES/80/5"),
        vec![
            Reply::Status(429, retry_after),
            Reply::Pdf(pdf(&corpus, A5)),
        ],
    );
    let s = w.fetch_once(urls_file(&tmp, &["A/RES/80/5"])).await;
    assert_eq!(s.published, 1, "{s:?}");
    let times = w.server.requests(&sym("A/RES/80/5"));
    assert_eq!(times.len(), 2);
    let gap = times[1] - times[0];
    assert!(gap >= Duration::from_millis(1000), "retried after {gap:?}");
    let retries = w.handles.metrics.retries.with_label_values(&["429"]).get();
    assert_eq!(retries, 1);
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff_and_an_outage_records_nothing() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("5xx").await;
    let tmp = tempfile::tempdir().unwrap();
    w.server.script(
        &sym("A/RES/80/5"),
        vec![
            Reply::Status(500, vec![]),
            Reply::Status(503, vec![]),
            Reply::Pdf(pdf(&corpus, A5)),
        ],
    );
    // Four 500s in a row: gives up (max_attempts 4). An outage: the poll stops, nothing about
    // 80/7 is written, and the next poll fetches it.
    w.server
        .reply(&sym("A/RES/80/7"), Reply::Status(500, vec![]));
    let list = urls_file(&tmp, &["A/RES/80/5", "A/RES/80/7"]);
    let err = w
        .try_fetch_once(list.clone())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("outage") && err.contains("status 500"),
        "{err}"
    );
    assert_eq!(w.server.requests(&sym("A/RES/80/5")).len(), 3);
    assert_eq!(w.server.requests(&sym("A/RES/80/7")).len(), 4);
    assert_eq!(
        w.handles.metrics.retries.with_label_values(&["5xx"]).get(),
        5
    );
    let m = &w.handles.metrics;
    assert_eq!(m.blocked.with_label_values(&["urls", "outage"]).get(), 1);
    assert!(w.ledger("A/RES/80/5").starts_with("published"));
    assert_eq!(w.ledger("A/RES/80/7"), "", "an outage is never recorded");

    w.server
        .reply(&sym("A/RES/80/7"), Reply::Pdf(pdf(&corpus, A7)));
    let s = w.fetch_once(list).await;
    assert_eq!((s.published, s.unchanged), (1, 1), "{s:?}");
    assert_eq!(w.drain_documents().await.len(), 2);
}

#[tokio::test]
async fn slow_and_truncated_bodies_are_retried() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("slow").await;
    w.config.http.timeout = Duration::from_secs(1);
    let tmp = tempfile::tempdir().unwrap();
    let a5 = pdf(&corpus, A5);
    w.server.script(
        &sym("A/RES/80/5"),
        vec![
            Reply::Slow(Duration::from_secs(3), a5.clone()),
            Reply::Pdf(a5.clone()),
        ],
    );
    let a7 = pdf(&corpus, A7);
    w.server.script(
        &sym("A/RES/80/7"),
        vec![Reply::Truncated(a7.clone()), Reply::Pdf(a7.clone())],
    );
    let s = w
        .fetch_once(urls_file(&tmp, &["A/RES/80/5", "A/RES/80/7"]))
        .await;
    assert_eq!(s.published, 2, "{s:?}");
    let m = &w.handles.metrics;
    assert_eq!(m.retries.with_label_values(&["timeout"]).get(), 1);
    assert_eq!(m.retries.with_label_values(&["transport"]).get(), 1);
    // What was published is the whole document, not the part that came before the cut.
    let docs = w.drain_documents().await;
    let a7_doc = docs
        .iter()
        .find(|(e, _, _)| e.symbol.as_deref() == Some("A/RES/80/7"))
        .unwrap();
    assert_eq!((a7_doc.0.sha256.clone(), a7_doc.2), (sha256(&a7), a7.len()));
}

#[tokio::test]
async fn an_empty_200_is_a_miss_and_bytes_that_are_no_pdf_are_rejected() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("notpdf").await;
    let tmp = tempfile::tempdir().unwrap();
    let list = urls_file(&tmp, &["A/RES/80/5", "A/RES/80/7"]);
    w.server.reply(
        &sym("A/RES/80/5"),
        Reply::Slow(Duration::ZERO, b"GIF89a not a pdf at all".to_vec()),
    );
    w.server.reply(&sym("A/RES/80/7"), Reply::Empty);
    let s = w.fetch_once(list.clone()).await;
    assert_eq!((s.published, s.rejected, s.missing), (0, 1, 1), "{s:?}");
    // Not retried within the poll: the source said what it has.
    assert_eq!(w.server.request_count(), 2);
    let m = &w.handles.metrics;
    assert_eq!(m.rejected.with_label_values(&["not_a_pdf"]).get(), 1);
    assert_eq!(m.documents_count("urls", outcome::REJECTED), 1);
    assert_eq!(m.documents_count("urls", outcome::MISSING), 1);
    assert!(w.ledger("A/RES/80/5").starts_with("rejected 1"));
    assert!(w.ledger("A/RES/80/7").starts_with("missing 1"));
    let error =
        w.db.psql("SELECT last_error FROM fetch_ledger WHERE symbol = 'A/RES/80/5'");
    assert!(
        error.contains("not a PDF") && error.contains("GIF89a"),
        "{error}"
    );
    assert!(w.drain_documents().await.is_empty());

    // Published since: the next poll gets it.
    w.server
        .reply(&sym("A/RES/80/5"), Reply::Pdf(pdf(&corpus, A5)));
    let s = w.fetch_once(list).await;
    assert_eq!((s.published, s.missing), (1, 1), "{s:?}");
    assert!(w.ledger("A/RES/80/5").starts_with("published 0"));
}

#[tokio::test]
async fn a_redirect_off_the_allow_list_is_refused_and_one_on_it_followed() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("redirect").await;
    let tmp = tempfile::tempdir().unwrap();
    let port = w.server.addr.port();
    // `localhost` is this same server, but not on the allow-list (only 127.0.0.1 is).
    w.server.reply(
        &sym("A/RES/80/5"),
        Reply::Redirect(format!("http://localhost:{port}/files/evil.pdf")),
    );
    w.server
        .reply("/files/evil.pdf", Reply::Pdf(pdf(&corpus, A5)));
    w.server.reply(
        &sym("A/RES/80/7"),
        Reply::Redirect("/files/A_RES_80_7-EN.pdf".into()),
    );
    w.server
        .reply("/files/A_RES_80_7-EN.pdf", Reply::Pdf(pdf(&corpus, A7)));
    let s = w
        .fetch_once(urls_file(&tmp, &["A/RES/80/5", "A/RES/80/7"]))
        .await;
    assert_eq!((s.published, s.rejected), (1, 1), "{s:?}");
    assert!(w.server.requests("/files/evil.pdf").is_empty());
    let m = &w.handles.metrics;
    assert_eq!(m.rejected.with_label_values(&["redirect_refused"]).get(), 1);
    let error =
        w.db.psql("SELECT last_error FROM fetch_ledger WHERE symbol = 'A/RES/80/5'");
    assert!(
        error.contains("localhost") && error.contains("allow-list"),
        "{error}"
    );
    let docs = w.drain_documents().await;
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].0.symbol.as_deref(), Some("A/RES/80/7"));
}

#[tokio::test]
async fn an_oversized_body_is_cut_off_while_it_streams() {
    let mut w = World::new("oversize").await;
    w.config.http.max_body = 256 << 10;
    let tmp = tempfile::tempdir().unwrap();
    w.server.reply(&sym("A/RES/80/5"), Reply::Endless);
    w.server.reply(&sym("A/RES/80/7"), Reply::Huge);
    let s = w
        .fetch_once(urls_file(&tmp, &["A/RES/80/5", "A/RES/80/7"]))
        .await;
    assert_eq!((s.published, s.rejected), (0, 2), "{s:?}");
    let m = &w.handles.metrics;
    assert_eq!(m.rejected.with_label_values(&["too_large"]).get(), 2);
    // The stream was abandoned near the limit, not read to its 64 MiB end.
    let read = m.bytes.get();
    assert!(read <= (256 << 10) + (128 << 10), "read {read} bytes");
    assert_eq!(w.server.requests(&sym("A/RES/80/5")).len(), 1);
    assert!(w.drain_documents().await.is_empty());
}

fn oai_page(records: &[(&str, &str, &str, &str)], token: Option<&str>) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>"#,
    );
    for (id, datestamp, symbol, file) in records {
        xml.push_str(&format!(
            r#"<record><header><identifier>{id}</identifier><datestamp>{datestamp}</datestamp></header><metadata><marc:record xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:datafield tag="191" ind1=" " ind2=" "><marc:subfield code="a">{symbol}</marc:subfield></marc:datafield><marc:datafield tag="856" ind1="4" ind2=" "><marc:subfield code="u">{file}</marc:subfield></marc:datafield></marc:record></metadata></record>"#
        ));
    }
    if let Some(t) = token {
        xml.push_str(&format!(
            r#"<resumptionToken completeListSize="2">{t}</resumptionToken>"#
        ));
    }
    xml.push_str("</ListRecords></OAI-PMH>");
    xml
}

#[tokio::test]
async fn a_changed_document_is_published_again_as_a_new_version() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("reissue").await;
    let f5 = w.server.url("/record/1/files/A_RES_80_5-EN.pdf");
    let f7 = w.server.url("/record/2/files/A_RES_80_7-EN.pdf");
    w.server.reply(
        "oai first",
        Reply::Xml(oai_page(
            &[("oai:1", "2025-12-01", "A/RES/80/5", &f5)],
            Some("p2"),
        )),
    );
    w.server.reply(
        "oai p2",
        Reply::Xml(oai_page(
            &[("oai:2", "2025-12-01", "A/RES/80/7", &f7)],
            None,
        )),
    );
    w.server.reply(
        "/record/1/files/A_RES_80_5-EN.pdf",
        Reply::Pdf(pdf(&corpus, A5)),
    );
    w.server.reply(
        "/record/2/files/A_RES_80_7-EN.pdf",
        Reply::Pdf(pdf(&corpus, A7)),
    );
    let s = w.fetch_once(Source::Oai).await;
    assert_eq!(s.published, 2, "{s:?}");
    let first = w.drain_documents().await;
    assert_eq!(first.len(), 2);

    // The same records again: nothing downloaded, nothing published.
    let s = w.fetch_once(Source::Oai).await;
    assert_eq!((s.published, s.unchanged), (0, 2), "{s:?}");
    assert_eq!(
        w.server.requests("/record/1/files/A_RES_80_5-EN.pdf").len(),
        1
    );

    // 80/5 reissued: a new datestamp and other bytes. Published again, as version 2.
    w.server.reply(
        "oai first",
        Reply::Xml(oai_page(
            &[("oai:1", "2025-12-09", "A/RES/80/5", &f5)],
            Some("p2"),
        )),
    );
    let reissue = pdf(&corpus, A11);
    w.server.reply(
        "/record/1/files/A_RES_80_5-EN.pdf",
        Reply::Pdf(reissue.clone()),
    );
    let s = w.fetch_once(Source::Oai).await;
    assert_eq!((s.published, s.unchanged), (1, 1), "{s:?}");
    let again = w.drain_documents().await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].0.sha256, sha256(&reissue));
    assert_eq!(
        w.db.psql(
            "SELECT string_agg(version || ':' || left(sha256, 8), ',' ORDER BY version) \
             FROM fetch_versions WHERE symbol = 'A/RES/80/5'"
        ),
        format!(
            "1:{},2:{}",
            &sha256(&pdf(&corpus, A5))[..8],
            &sha256(&reissue)[..8]
        )
    );
    assert_eq!(
        w.db.psql("SELECT cursor IS NOT NULL FROM fetch_cursors WHERE source = 'oai'"),
        "t"
    );
}

#[tokio::test]
async fn reprocess_republishes_from_the_archive_without_downloading() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("reprocess").await;
    let tmp = tempfile::tempdir().unwrap();
    w.server
        .reply(&sym("A/RES/80/5"), Reply::Pdf(pdf(&corpus, A5)));
    w.server
        .reply(&sym("A/RES/80/7"), Reply::Pdf(pdf(&corpus, A7)));
    let s = w
        .fetch_once(urls_file(&tmp, &["A/RES/80/5", "A/RES/80/7"]))
        .await;
    assert_eq!(s.published, 2);
    let first = w.drain_documents().await;
    let requests = w.server.request_count();

    let n = resingest_fetcher::reprocess(
        w.config.clone(),
        None,
        Handles::default(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(n, 2);
    assert_eq!(w.server.request_count(), requests, "nothing downloaded");
    let again = w.drain_documents().await;
    let ids = |d: &[(resingest_model::topology::Envelope, String, usize)]| {
        let mut v: Vec<_> = d
            .iter()
            .map(|(e, _, len)| (e.sha256.clone(), *len))
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&again), ids(&first));

    // --since after every download: nothing to do.
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    let n = resingest_fetcher::reprocess(
        w.config.clone(),
        Some(later),
        Handles::default(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_folder_is_deduplicated_by_sha256_and_a_crash_before_the_confirm_republishes() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("dir").await;
    let dir = tempfile::tempdir().unwrap();
    for name in [A5, A7, S2768] {
        let file = std::path::Path::new(name).file_name().unwrap();
        std::fs::write(dir.path().join(file), pdf(&corpus, name)).unwrap();
    }
    std::fs::write(dir.path().join("notes.pdf"), b"<html>not a pdf</html>").unwrap();
    let source = Source::Dir(dir.path().into());
    let s = w.fetch_once(source.clone()).await;
    assert_eq!((s.published, s.rejected), (3, 1), "{s:?}");
    assert_eq!(w.drain_documents().await.len(), 3);

    let s = w.fetch_once(source.clone()).await;
    assert_eq!((s.published, s.unchanged), (0, 3), "{s:?}");

    // A file replaced by other bytes is a new version; a crash between archive and confirm
    // (the row left `archived`) is published again at the next start.
    std::fs::write(dir.path().join("A_RES_80_7-EN.pdf"), pdf(&corpus, A11)).unwrap();
    w.db.psql("UPDATE fetch_ledger SET status = 'archived' WHERE symbol = 'S/RES/2768(2025)'");
    let s = w.fetch_once(source).await;
    assert_eq!((s.published, s.unchanged), (1, 2), "{s:?}");
    let mut symbols: Vec<_> = w
        .drain_documents()
        .await
        .into_iter()
        .map(|(e, _, _)| e.symbol.unwrap())
        .collect();
    symbols.sort();
    assert_eq!(symbols, ["A/RES/80/7", "S/RES/2768(2025)"]);
    assert!(w.ledger("S/RES/2768(2025)").starts_with("published"));
}

#[tokio::test]
async fn a_file_whose_name_names_no_symbol_is_rejected_not_stored_under_its_path() {
    let Some(corpus) = resingest_runtime::testing::corpus() else {
        return;
    };
    let mut w = World::new("nosym").await;
    let dir = tempfile::tempdir().unwrap();
    // A real resolution, but a name no symbol can be read from.
    std::fs::write(dir.path().join("report.pdf"), pdf(&corpus, A5)).unwrap();
    let s = w.fetch_once(Source::Dir(dir.path().into())).await;
    assert_eq!((s.published, s.rejected), (0, 1), "{s:?}");
    assert!(w.drain_documents().await.is_empty());
    assert_eq!(w.ledger_rows(), "");
}

#[tokio::test]
async fn healthz_says_how_the_last_poll_ended_and_fails_on_a_hung_poll_or_a_lost_ledger() {
    let mut w = World::new("healthz").await;
    // One attempt and short timeouts, so a live fetcher is quiet for seconds at most (the
    // defaults allow half an hour: five attempts of two minutes, fifteen of Retry-After).
    w.config.http.max_attempts = 1;
    w.config.http.connect_timeout = Duration::from_secs(1);
    w.config.http.timeout = Duration::from_secs(1);
    w.config.http.backoff_max = Duration::from_millis(100);
    w.config.http.max_wait_per_poll = Duration::from_secs(1);
    w.config.http.concurrency = 1;
    w.config.publish_timeout = Duration::from_secs(1);
    let budget = resingest_fetcher::health::quiet_budget(&w.config);
    assert!(budget < Duration::from_secs(20), "{budget:?}");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    w.config.metrics_addr = Some(([127, 0, 0, 1], port).into());
    let cancel = CancellationToken::new();
    // Every symbol is a miss: each poll probes and ends, half a second apart.
    let run = resingest_fetcher::run(
        w.config.clone(),
        Source::Symbols,
        resingest_fetcher::Mode::Watch {
            interval: Duration::from_millis(500),
        },
        Handles::default(),
        cancel.clone(),
    );
    // HTTP/1.0 over a plain socket, as the compose healthcheck asks.
    let healthz = || async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
            return (0, "not listening".to_owned());
        };
        let mut answer = String::new();
        let asked = stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").await;
        if asked.is_err() || stream.read_to_string(&mut answer).await.is_err() {
            return (0, answer);
        }
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (status, body.to_owned())
    };
    let until = |what: &'static str, wait: Duration, ok: fn(u16, &str) -> bool| {
        let healthz = &healthz;
        async move {
            let end = std::time::Instant::now() + wait;
            loop {
                let (status, body) = healthz().await;
                if ok(status, &body) {
                    return body;
                }
                assert!(
                    std::time::Instant::now() < end,
                    "{what} not seen within {wait:?}: last {status} {body}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    // The checks run beside the fetcher in this task (its future is not Send).
    let checks = async {
        let body = until("a poll that ended", Duration::from_secs(20), |s, b| {
            s == 200 && b.contains("last poll ended")
        })
        .await;
        assert!(body.trim_end().ends_with(": ok"), "{body}");

        // A lock on the ledger (a migration, a stuck session) hangs the next poll: nothing ends,
        // and once the budget is spent the fetcher says it is stalled, while the database answers.
        let mut lock = std::process::Command::new("psql")
            .args(["-X", "-q", &w.db.url, "-c"])
            .arg("BEGIN; LOCK TABLE fetch_ledger IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(600);")
            .env("PGAPPNAME", "healthz-lock")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("psql");
        let body = until("stalled", budget + Duration::from_secs(15), |s, b| {
            s == 503 && b.starts_with("stalled: ")
        })
        .await;
        assert!(body.contains("a live fetcher may be quiet"), "{body}");
        // The backend outlives a killed client while it sleeps: end the session itself.
        w.db.psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE application_name = 'healthz-lock' AND datname = current_database()",
        );
        lock.wait().unwrap();
        until("polling again", Duration::from_secs(20), |s, b| {
            s == 200 && b.trim_end().ends_with(": ok")
        })
        .await;

        // The ledger gone: nothing can be recorded, and /healthz names the database.
        w.db.drop_now().expect("dropping the ledger database");
        until("ledger unavailable", Duration::from_secs(20), |s, b| {
            s == 503 && b.starts_with("ledger database unavailable")
        })
        .await;
        cancel.cancel();
    };
    let (result, ()) = tokio::time::timeout(Duration::from_secs(120), async {
        tokio::join!(run, checks)
    })
    .await
    .expect("the checks end within 120 s");
    result.expect("the watch ends cleanly when cancelled");
}
