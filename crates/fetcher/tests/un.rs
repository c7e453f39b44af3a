//! The fetcher against the fake UN (`common::fake_un`), one scenario of UN-SOURCES.md per test:
//! synthetic PDF bodies (no corpus needed), the real broker and database.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::fake_un::{fake_pdf, FaultKind, Missing, Record};
use common::World;
use resingest_fetcher::{FetchError, Source};

fn list(dir: &tempfile::TempDir, lines: &[&str]) -> Source {
    let path = dir.path().join("urls.txt");
    std::fs::write(&path, lines.join("\n")).unwrap();
    Source::Urls(Some(path))
}

/// Symbol and language of every message on the queue, with how many times each came.
async fn delivered(w: &World) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for (e, _, _) in w.drain_documents().await {
        *out.entry((e.symbol.unwrap(), e.language.unwrap()))
            .or_insert(0) += 1;
    }
    out
}

/// Runs a poll that must stop as blocked for `reason`; its error.
async fn blocked(w: &mut World, source: Source, reason: &str) -> FetchError {
    let err = w.try_fetch_once(source).await.unwrap_err();
    assert!(
        matches!(&err, FetchError::Blocked { reason: r, .. } if *r == reason),
        "expected blocked ({reason}): {err}"
    );
    err
}

fn each_once(pairs: &[(&str, &str)]) -> BTreeMap<(String, String), usize> {
    pairs
        .iter()
        .map(|(s, l)| ((s.to_string(), l.to_string()), 1))
        .collect()
}

#[tokio::test]
async fn the_redirect_is_followed_in_lowercase_with_browser_headers_in_each_language() {
    let mut w = World::new("un-lower").await;
    w.config.languages = vec!["en".into(), "fr".into()];
    w.config.probe.ga_after = 4;
    w.server.un(|un| {
        un.publish_fake("A/RES/80/5", &["en", "fr"]);
        un.publish_fake("A/RES/80/6", &["en", "fr"]);
    });
    let s = w.fetch_once(Source::Symbols).await;
    assert_eq!(s.published, 4, "{s:?}");
    assert_eq!(
        delivered(&w).await,
        each_once(&[
            ("A/RES/80/5", "en"),
            ("A/RES/80/5", "fr"),
            ("A/RES/80/6", "en"),
            ("A/RES/80/6", "fr")
        ])
    );
    let paths = w.server.paths();
    assert!(
        paths.iter().any(|p| p.starts_with("/doc/undoc/gen/")),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.starts_with("/doc/UNDOC/")),
        "{paths:?}"
    );
    let h = &w.server.headers("sym A/RES/80/5 fr")[0];
    assert!(h["user-agent"].starts_with("Mozilla/5.0"), "{h:?}");
    assert_eq!(h["accept"], "application/pdf");
    assert_eq!(h["referer"], "https://docs.un.org/fr/A/RES/80/5");
}

#[tokio::test]
async fn every_shape_of_not_there_is_a_miss_once_the_canary_comes_through() {
    for (i, missing) in [Missing::Empty, Missing::AppPage, Missing::ErrorRedirect]
        .into_iter()
        .enumerate()
    {
        let mut w = World::new(&format!("un-miss{i}")).await;
        w.config.probe.ga_after = 4;
        w.server.un(|un| {
            un.missing = missing;
            un.publish_fake("A/RES/80/4", &["en"]);
            un.publish_fake("A/RES/80/5", &["en"]);
        });
        let s = w.fetch_once(Source::Symbols).await;
        // At least three misses per series (GA, SC); lookahead may add a few.
        assert!(s.published == 1 && s.missing >= 6, "{missing:?}: {s:?}");
        for n in 6..=8 {
            let row = w.ledger(&format!("A/RES/80/{n}"));
            assert!(row.starts_with("missing 1"), "{missing:?}: {row}");
        }
        // The canary (80/4, the number --ga-after names) is asked once, and only when an
        // answer was ambiguous.
        let canary = w.server.requests("sym A/RES/80/4 en").len();
        assert_eq!(
            canary,
            usize::from(missing != Missing::Empty),
            "{missing:?}"
        );
        assert_eq!(delivered(&w).await, each_once(&[("A/RES/80/5", "en")]));
    }
}

#[tokio::test]
async fn an_ambiguous_answer_with_no_canary_blocks_the_poll_and_records_nothing() {
    let mut w = World::new("un-nocanary").await;
    w.server.un(|un| un.missing = Missing::AppPage);
    blocked(&mut w, Source::Symbols, "error_page").await;
    assert_eq!(w.ledger_rows(), "");
    let m = &w.handles.metrics;
    assert_eq!(
        m.blocked
            .with_label_values(&["symbols", "error_page"])
            .get(),
        1
    );
    assert_eq!(m.probe_misses.get(), 0);
}

#[tokio::test]
async fn a_bare_client_sent_to_the_error_page_is_blocked_not_told_documents_are_missing() {
    let mut w = World::new("un-bare").await;
    w.config.probe.ga_after = 4;
    let browser_like = w.config.http.clone();
    w.config.http.user_agent = "curl/8.5".into();
    w.config.http.referer_base = None;
    w.server.un(|un| {
        un.publish_fake("A/RES/80/4", &["en"]);
        un.publish_fake("A/RES/80/5", &["en"]);
    });
    let err = w.try_fetch_once(Source::Symbols).await.unwrap_err();
    assert!(err.to_string().contains("/error"), "{err}");
    assert_eq!(w.ledger_rows(), "");
    // With the browser-like defaults the same UN serves it.
    w.config.http = browser_like;
    let s = w.fetch_once(Source::Symbols).await;
    assert_eq!(s.published, 1, "{s:?}");
}

#[tokio::test]
async fn a_challenge_leaves_ledger_and_cursors_unchanged_and_the_next_poll_delivers_it() {
    let mut w = World::new("un-challenge").await;
    w.config.languages = vec!["en".into(), "fr".into()];
    w.config.probe.ga_after = 2;
    w.server.un(|un| {
        for n in 1..=4 {
            un.publish_fake(&format!("A/RES/80/{n}"), &["en", "fr"]);
        }
    });
    assert_eq!(w.fetch_once(Source::Symbols).await.published, 4);
    let (before, cursors) = (w.ledger_rows(), w.cursors());
    // Adopted since, and now the firewall challenges every request.
    w.server.un(|un| {
        un.publish_fake("A/RES/80/5", &["en", "fr"]);
        un.publish_fake("A/RES/80/6", &["en", "fr"]);
        un.fault("", 0, u32::MAX, FaultKind::Challenge);
    });
    let err = blocked(&mut w, Source::Symbols, "challenge").await;
    assert!(
        err.to_string().contains("x-amzn-waf-action: challenge"),
        "{err}"
    );
    assert_eq!(w.ledger_rows(), before, "a block writes nothing");
    assert_eq!(w.cursors(), cursors);
    assert_eq!(
        w.handles
            .metrics
            .blocked
            .with_label_values(&["symbols", "challenge"])
            .get(),
        1
    );

    w.server.un(|un| un.faults.clear());
    let s = w.fetch_once(Source::Symbols).await;
    assert_eq!(s.published, 4, "{s:?}");
    let mut want = Vec::new();
    for n in 3..=6 {
        for l in ["en", "fr"] {
            want.push((format!("A/RES/80/{n}"), l));
        }
    }
    let want: Vec<(&str, &str)> = want.iter().map(|(s, l)| (s.as_str(), *l)).collect();
    assert_eq!(delivered(&w).await, each_once(&want));
}

#[tokio::test]
async fn a_503_burst_is_waited_out_from_the_floor_and_past_the_ceiling_stops_the_poll() {
    let mut w = World::new("un-503").await;
    w.config.http.min_retry_after = Duration::from_millis(150);
    let tmp = tempfile::tempdir().unwrap();
    let links = list(&tmp, &["https://undocs.org/en/A/RES/80/5"]);
    w.server.un(|un| {
        un.publish_fake("A/RES/80/5", &["en"]);
        un.fault(
            "sym ",
            0,
            2,
            FaultKind::Unavailable {
                status: 503,
                retry_after: 0,
            },
        );
    });
    let s = w.fetch_once(links.clone()).await;
    assert_eq!(s.published, 1, "{s:?}");
    let times = w.server.requests("sym A/RES/80/5 en");
    assert_eq!(times.len(), 3);
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(150), "retried after {gap:?}");
    }

    // A longer burst than the poll's wait ceiling allows: an outage, nothing recorded.
    let mut w = World::new("un-502").await;
    w.config.http.min_retry_after = Duration::from_millis(100);
    w.config.http.max_attempts = 50;
    w.config.http.max_wait_per_poll = Duration::from_millis(350);
    w.server.un(|un| {
        un.publish_fake("A/RES/80/5", &["en"]);
        un.fault(
            "sym ",
            0,
            20,
            FaultKind::Unavailable {
                status: 502,
                retry_after: 0,
            },
        );
    });
    let err = blocked(&mut w, links.clone(), "outage").await;
    assert!(err.to_string().contains("ceiling"), "{err}");
    assert_eq!(w.server.requests("sym A/RES/80/5 en").len(), 4);
    assert_eq!(w.ledger_rows(), "");
    w.server.un(|un| un.faults.clear());
    assert_eq!(w.fetch_once(links).await.published, 1);
}

#[tokio::test]
async fn one_retry_after_holds_up_only_its_own_candidate() {
    let mut w = World::new("un-concurrent").await;
    w.config.http.min_retry_after = Duration::from_millis(600);
    let tmp = tempfile::tempdir().unwrap();
    let symbols: Vec<String> = (1..=6).map(|n| format!("A/RES/80/{n}")).collect();
    let lines: Vec<String> = symbols
        .iter()
        .map(|s| format!("https://undocs.org/en/{s}"))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    w.server.un(|un| {
        for s in &symbols {
            un.publish_fake(s, &["en"]);
        }
        un.latency = Duration::from_millis(100);
        un.fault(
            "sym A/RES/80/1 ",
            0,
            1,
            FaultKind::Unavailable {
                status: 503,
                retry_after: 1,
            },
        );
    });
    let s = w.fetch_once(list(&tmp, &lines)).await;
    assert_eq!(s.published, 6, "{s:?}");
    let retry = w.server.requests("sym A/RES/80/1 en")[1];
    for sym in &symbols[1..] {
        let done = *w.server.requests(&format!("sym {sym} en")).last().unwrap();
        assert!(done < retry, "{sym} waited for 80/1's Retry-After");
    }
    // The fake saw them side by side: as many at once as the per-host limit, never one by one.
    assert_eq!(w.server.max_in_flight(), 4);
}

#[tokio::test]
async fn no_more_than_concurrency_requests_are_in_flight_to_one_host() {
    let mut w = World::new("un-inflight").await;
    w.config.http.concurrency = 3;
    let tmp = tempfile::tempdir().unwrap();
    let symbols: Vec<String> = (1..=12).map(|n| format!("A/RES/80/{n}")).collect();
    let lines: Vec<String> = symbols
        .iter()
        .map(|s| format!("https://undocs.org/en/{s}"))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    w.server.un(|un| {
        for s in &symbols {
            un.publish_fake(s, &["en"]);
        }
        un.latency = Duration::from_millis(150);
    });
    // The urls source keeps twice the limit of candidates going; the host gets the limit.
    let s = w.fetch_once(list(&tmp, &lines)).await;
    assert_eq!(s.published, 12, "{s:?}");
    assert_eq!(w.server.max_in_flight(), 3);
}

#[tokio::test]
async fn an_answer_that_is_no_document_is_no_probe_miss() {
    let mut w = World::new("un-taken").await;
    w.config.probe.ga_after = 4;
    // One number at a time, so the run of misses alone decides where probing stops.
    w.config.http.concurrency = 1;
    w.config.http.max_body = 4096;
    w.server.un(|un| {
        un.publish_fake("A/RES/80/5", &["en"]);
        let mut big = fake_pdf("A/RES/80/6", "en");
        big.resize(8192, b' ');
        un.publish("A/RES/80/6", "en", big);
        un.publish("A/RES/80/7", "en", b"PK\x03\x04 a zip file".to_vec());
        un.publish("A/RES/80/8", "en", b"PK\x03\x04 a zip file".to_vec());
        un.publish_fake("A/RES/80/9", &["en"]);
    });
    // Three rejections in a row, as many as --max-misses: they are no misses, 9 is reached.
    let s = w.fetch_once(Source::Symbols).await;
    assert_eq!((s.published, s.rejected), (2, 3), "{s:?}");
    for n in 6..=8 {
        let row = w.ledger(&format!("A/RES/80/{n}"));
        assert!(row.starts_with("rejected 1"), "80/{n}: {row}");
    }
    assert!(w.ledger("A/RES/80/9").starts_with("published"));
    // The misses are the three after 9 and the three Security Council numbers, nothing else.
    assert_eq!(w.handles.metrics.probe_misses.get(), 6);
    assert_eq!(
        delivered(&w).await,
        each_once(&[("A/RES/80/5", "en"), ("A/RES/80/9", "en")])
    );
}

#[tokio::test]
async fn a_bounded_backfill_counts_its_total_before_it_starts() {
    let mut w = World::new("un-total").await;
    w.config.languages = vec!["en".into(), "fr".into()];
    w.config.probe.ga_until = Some(8);
    // One miss would end an unbounded probe at 80/4.
    w.config.probe.max_misses = 1;
    w.server.un(|un| {
        for n in (1..=8).filter(|n| *n != 4) {
            un.publish_fake(&format!("A/RES/80/{n}"), &["en", "fr"]);
        }
        un.latency = Duration::from_millis(20);
    });
    let handles = resingest_fetcher::Handles::default();
    let progress = handles.progress.clone();
    let first_total = tokio::spawn(async move {
        loop {
            let (_, total, _) = progress.snapshot();
            if total > 0 {
                return total;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let s = resingest_fetcher::run(
        w.config.clone(),
        Source::Symbols,
        resingest_fetcher::Mode::Once,
        handles.clone(),
        tokio_util::sync::CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(s.published, 14, "{s:?}");
    assert!(w.ledger("A/RES/80/4").starts_with("missing 1"));
    // 8 numbers x 2 languages, known before the first request; the Security Council numbers
    // probed after them are added as they start, so done ends equal to total.
    assert_eq!(first_total.await.unwrap(), 16);
    let (done, total, published) = handles.progress.snapshot();
    assert_eq!((done, published), (total, 14));
    assert!(total > 16, "{total}");
}

#[tokio::test]
async fn security_council_probing_runs_on_across_the_year_boundary_leaving_no_wrong_year_row() {
    let mut w = World::new("un-sc").await;
    w.config.probe.ga_session = Some(80);
    w.config.probe.sc_year = None;
    w.config.probe.sc_after = 2789;
    w.config.probe.today = chrono::NaiveDate::from_ymd_opt(2025, 12, 20);
    w.server.un(|un| {
        un.publish_fake("S/RES/2789(2025)", &["en"]);
        un.publish_fake("S/RES/2790(2025)", &["en"]);
    });
    assert_eq!(w.fetch_once(Source::Symbols).await.published, 1);
    // January: 2791 adopted on 30 December and published late, 2792 the first of 2026.
    w.config.probe.today = chrono::NaiveDate::from_ymd_opt(2026, 1, 12);
    w.server.un(|un| {
        un.publish_fake("S/RES/2791(2025)", &["en"]);
        un.publish_fake("S/RES/2792(2026)", &["en"]);
    });
    assert_eq!(w.fetch_once(Source::Symbols).await.published, 2);
    // Each number has one row, under the year it carries: 2791 was asked as 2026 first and
    // 2792 had a December row as 2025; neither is left to be retried.
    let sc_rows = |w: &World| {
        w.db.psql(
            "SELECT string_agg(symbol || ' ' || status, ',' ORDER BY symbol) FROM fetch_ledger \
             WHERE symbol LIKE 'S/RES/%'",
        )
    };
    let rows = sc_rows(&w);
    assert!(rows.contains("S/RES/2791(2025) published"), "{rows}");
    assert!(rows.contains("S/RES/2792(2026) published"), "{rows}");
    assert!(
        !rows.contains("S/RES/2791(2026)") && !rows.contains("S/RES/2792(2025)"),
        "{rows}"
    );
    let twice = w.db.psql(
        "SELECT count(*) FROM (SELECT split_part(symbol, '(', 1) FROM fetch_ledger \
         WHERE symbol LIKE 'S/RES/%' GROUP BY 1 HAVING count(*) > 1) d",
    );
    assert_eq!(twice, "0", "a number with rows under two years: {rows}");
    let wrong_year = w.server.requests("sym S/RES/2791(2026) en").len();
    // March: only this year's symbols, still numbered from the highest ever seen.
    w.config.probe.today = chrono::NaiveDate::from_ymd_opt(2026, 3, 20);
    w.server
        .un(|un| un.publish_fake("S/RES/2793(2026)", &["en"]));
    let last_year = |w: &World| {
        w.server
            .routes_requested()
            .iter()
            .filter(|r| r.contains("(2025)"))
            .count()
    };
    let before = last_year(&w);
    assert_eq!(w.fetch_once(Source::Symbols).await.published, 1);
    assert_eq!(last_year(&w), before, "last year's symbols probed in March");
    assert_eq!(
        w.server.requests("sym S/RES/2791(2026) en").len(),
        wrong_year,
        "a wrong-year symbol retried as a gap"
    );
    assert!(!sc_rows(&w).contains("S/RES/2791(2026)"));
    assert!(w.server.requests("sym S/RES/1(2026) en").is_empty());
    assert_eq!(
        delivered(&w).await,
        each_once(&[
            ("S/RES/2790(2025)", "en"),
            ("S/RES/2791(2025)", "en"),
            ("S/RES/2792(2026)", "en"),
            ("S/RES/2793(2026)", "en")
        ])
    );
}

#[tokio::test]
async fn general_assembly_probing_covers_the_current_and_the_previous_session() {
    let mut w = World::new("un-ga").await;
    w.config.probe.ga_session = None;
    w.config.probe.ga_after = 0;
    w.config.probe.ga_previous_after = 330;
    w.config.probe.today = chrono::NaiveDate::from_ymd_opt(2025, 10, 10);
    w.server.un(|un| {
        un.publish_fake("A/RES/79/331", &["en"]);
        un.publish_fake("A/RES/79/332", &["en"]);
        un.publish_fake("A/RES/80/1", &["en"]);
        un.publish_fake("A/RES/80/2", &["en"]);
    });
    assert_eq!(w.fetch_once(Source::Symbols).await.published, 4);
    // A late one of the old session, weeks later.
    w.config.probe.today = chrono::NaiveDate::from_ymd_opt(2025, 10, 30);
    w.server.un(|un| un.publish_fake("A/RES/79/333", &["en"]));
    assert_eq!(w.fetch_once(Source::Symbols).await.published, 1);
    assert_eq!(delivered(&w).await.len(), 5);
}

#[tokio::test]
async fn the_previous_session_is_dropped_once_quiet_for_the_quiet_period() {
    let mut w = World::new("un-quiet").await;
    w.config.probe.ga_session = None;
    w.config.probe.ga_previous_after = 330;
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
    w.config.probe.today = day(2025, 10, 10);
    w.server.un(|un| un.publish_fake("A/RES/79/331", &["en"]));
    assert_eq!(w.fetch_once(Source::Symbols).await.published, 1);
    // 59 days after that find (in the probe's clock) the session is still probed.
    w.config.probe.today = day(2025, 12, 8);
    w.server.un(|un| un.publish_fake("A/RES/79/332", &["en"]));
    assert_eq!(w.fetch_once(Source::Symbols).await.published, 1);
    assert!(
        w.cursors().contains("symbols:found:A/RES/79/ 2025-12-08"),
        "{}",
        w.cursors()
    );
    // 60 days (the default quiet period) after the last find: no longer asked.
    assert_eq!(w.config.probe.quiet_days, 60);
    w.config.probe.today = day(2026, 2, 6);
    w.server.un(|un| un.publish_fake("A/RES/79/333", &["en"]));
    let old_session = |w: &World| {
        w.server
            .routes_requested()
            .iter()
            .filter(|r| r.starts_with("sym A/RES/79/"))
            .count()
    };
    let (before, current) = (
        old_session(&w),
        w.server.requests("sym A/RES/80/1 en").len(),
    );
    assert_eq!(w.fetch_once(Source::Symbols).await.published, 0);
    assert_eq!(old_session(&w), before, "the quiet session was probed");
    assert_eq!(w.server.requests("sym A/RES/80/1 en").len(), current + 1);
}

#[tokio::test]
async fn the_canary_is_the_newest_document_in_the_ledger() {
    let mut w = World::new("un-canary").await;
    w.config.probe.ga_after = 4;
    w.server.un(|un| un.publish_fake("A/RES/80/5", &["en"]));
    assert_eq!(w.fetch_once(Source::Symbols).await.published, 1);
    // No number named on the command line any more: only the ledger knows a document.
    w.config.probe.ga_after = 0;
    w.server.un(|un| un.missing = Missing::AppPage);
    let s = w.fetch_once(Source::Symbols).await;
    assert_eq!(s.published, 0, "{s:?}");
    assert_eq!(
        w.server.requests("sym A/RES/80/5 en").len(),
        2,
        "the canary (80/5, from the ledger) asked once"
    );
    let row = w.ledger("A/RES/80/6");
    assert!(row.starts_with("missing 2"), "{row}");
    // The canary refused as well: blocked, nothing written.
    let before = w.ledger_rows();
    w.server
        .un(|un| un.fault("sym A/RES/80/5 ", 0, u32::MAX, FaultKind::ErrorPage));
    blocked(&mut w, Source::Symbols, "error_page").await;
    assert_eq!(w.ledger_rows(), before);
}

#[tokio::test]
async fn an_undocs_link_becomes_its_symbol_and_is_never_downloaded_as_a_page() {
    let mut w = World::new("un-undocs").await;
    let tmp = tempfile::tempdir().unwrap();
    // localhost plays undocs.org on the fake, whose 301 goes to its own viewer pages.
    let undocs = format!("localhost:{}", w.server.addr.port());
    let docs = w.server.url("");
    w.server.un(|un| {
        un.undocs_host = undocs.clone();
        un.docs_origin = docs;
        un.publish_fake("A/RES/80/5", &["fr"]);
    });
    w.config.http.allowed_hosts.push(format!("http://{undocs}"));
    w.config.http.private_hosts = vec!["localhost".into()];
    let links = list(&tmp, &[&format!("http://{undocs}/fr/A/RES/80/5")]);
    // Taken as a plain link it is the 301 and a viewer page: no document.
    w.config.viewer_hosts = vec![];
    let err = w.try_fetch_once(links.clone()).await.unwrap_err();
    assert!(err.to_string().contains("html page"), "{err}");
    assert_eq!(w.server.requests_to_host(&undocs), 1);
    assert_eq!(
        w.server.requests("/fr/A/RES/80/5").len(),
        2,
        "301 then the viewer"
    );
    assert_eq!(w.ledger_rows(), "");
    // As a viewer host, its link becomes the symbol and goes to the symbol API.
    w.config.viewer_hosts = vec![undocs.clone()];
    let s = w.fetch_once(links).await;
    assert_eq!(s.published, 1, "{s:?}");
    assert_eq!(w.server.requests_to_host(&undocs), 1, "undocs asked again");
    assert_eq!(w.server.requests("sym A/RES/80/5 fr").len(), 1);
    assert_eq!(delivered(&w).await, each_once(&[("A/RES/80/5", "fr")]));
}

#[tokio::test]
async fn opt_in_series_are_probed() {
    let mut w = World::new("un-series").await;
    w.config.probe.series = vec![
        "A/RES/ES-11".into(),
        "A/RES/S-32".into(),
        "A/HRC/RES/59".into(),
        "E/RES/2025".into(),
    ];
    w.server.un(|un| {
        for s in [
            "A/RES/ES-11/1",
            "A/RES/S-32/1",
            "A/HRC/RES/59/1",
            "A/HRC/RES/59/2",
            "E/RES/2025/1",
        ] {
            un.publish_fake(s, &["en"]);
        }
    });
    let s = w.fetch_once(Source::Symbols).await;
    assert_eq!(s.published, 5, "{s:?}");
}

#[tokio::test]
async fn a_language_the_un_does_not_publish_in_is_refused() {
    let mut w = World::new("un-ja").await;
    w.config.languages = vec!["en".into(), "ja".into()];
    let err = w
        .try_fetch_once(Source::Symbols)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`ja`") && err.contains("ar, zh, en, fr, ru or es"),
        "{err}"
    );
    assert_eq!(w.server.request_count(), 0);

    // What it guards against: asked `l=ja`, the UN (and the fake) answers the English PDF.
    let answer = w.server.un(|un| {
        un.strict_headers = false;
        un.publish_fake("A/RES/80/5", &["en"]);
        un.answer(
            "sym A/RES/80/5 ja",
            "/api/symbol/access?s=A/RES/80/5&l=ja&t=pdf",
            &Default::default(),
        )
    });
    let location = answer.headers.iter().find(|(k, _)| k == "Location");
    assert_eq!(
        location.map(|(_, v)| v.as_str()),
        Some(common::fake_un::ods_path("A/RES/80/5", "en").as_str())
    );
    // A link naming `l=ja` is refused the same way, by its line, before any request.
    w.config.languages = vec!["en".into()];
    let tmp = tempfile::tempdir().unwrap();
    let link = format!("{}?s=A/RES/80/5&l=ja&t=pdf", w.config.symbol_api);
    let err = w
        .try_fetch_once(list(&tmp, &["# one link", &link]))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains(":2:") && err.contains("`ja`"), "{err}");
    assert_eq!(w.server.request_count(), 0);
}

#[tokio::test]
async fn viewer_links_become_symbol_api_requests_and_a_line_that_is_no_url_is_an_error() {
    let mut w = World::new("un-urls").await;
    w.config.languages = vec!["en".into(), "fr".into()];
    let tmp = tempfile::tempdir().unwrap();
    w.server.un(|un| {
        un.publish_fake("A/RES/80/5", &["fr"]);
        un.publish_fake("S/RES/2769(2025)", &["en", "fr"]);
    });
    let links = list(
        &tmp,
        &[
            "# a comment",
            "https://undocs.org/fr/A/RES/80/5",
            "https://docs.un.org/S/RES/2769%20(2025)",
        ],
    );
    let s = w.fetch_once(links).await;
    assert_eq!(s.published, 3, "{s:?}");
    assert!(w.server.paths().iter().all(|p| !p.contains("/fr/A/RES")));
    assert_eq!(
        delivered(&w).await,
        each_once(&[
            ("A/RES/80/5", "fr"),
            ("S/RES/2769(2025)", "en"),
            ("S/RES/2769(2025)", "fr")
        ])
    );

    let bad = list(
        &tmp,
        &["https://undocs.org/en/A/RES/80/5", "", "A/RES/80/6"],
    );
    let err = w.try_fetch_once(bad).await.unwrap_err().to_string();
    assert!(err.contains(":3:") && err.contains("`A/RES/80/6`"), "{err}");
}

fn record(id: u32, date: &str, symbol: &str, kind: Option<&str>) -> Record {
    Record {
        id,
        datestamp: date.into(),
        symbol: symbol.into(),
        kind: kind.map(str::to_owned),
        links: Vec::new(),
    }
}

#[tokio::test]
async fn an_oai_window_interrupted_by_a_challenge_is_harvested_again_whole() {
    let mut w = World::new("un-oai").await;
    w.config.languages = vec!["en".into(), "fr".into()];
    w.config.oai_window_days = 10;
    let today = chrono::Utc::now().date_naive();
    let day = |ago: i64| (today - chrono::Duration::days(ago)).to_string();
    w.config.oai_from = Some(day(15));
    let mut a5 = record(1, &day(14), "A/RES/80/5", None);
    a5.links = vec![
        (
            "A_RES_80_5-EN.pdf".into(),
            Some("English".into()),
            fake_pdf("A/RES/80/5", "en"),
        ),
        // No language suffix: its language is only in $y.
        (
            "A_RES_80_5.pdf".into(),
            Some("Français".into()),
            fake_pdf("A/RES/80/5", "fr"),
        ),
    ];
    let mut ngo = record(2, &day(3), "E/CN.6/2004/NGO/4", None);
    ngo.links = vec![(
        "E_CN.6_2004_NGO_4-EN.pdf".into(),
        None,
        fake_pdf("ngo", "en"),
    )];
    // No 856 at all: through the symbol API.
    let s2769 = record(3, &day(2), "S/RES/2769(2025)", Some("B01"));
    let a6 = record(4, &day(1), "A/RES/80/6", None);
    w.server.un(|un| {
        un.records = vec![a5, ngo, s2769, a6];
        un.page_size = 1;
        un.crawl_delay = Some(0.05);
        un.publish_fake("S/RES/2769(2025)", &["en", "fr"]);
        un.publish_fake("A/RES/80/6", &["en", "fr"]);
        // The first window's page and the second window's first page pass; its second page
        // is challenged.
        un.fault("oai", 2, 1, FaultKind::Challenge);
    });
    blocked(&mut w, Source::Oai, "challenge").await;
    // The first window is whole: delivered, the cursor past it. Nothing of the second.
    assert_eq!(w.cursors(), format!("oai {}", day(5)));
    assert_eq!(
        delivered(&w).await,
        each_once(&[("A/RES/80/5", "en"), ("A/RES/80/5", "fr")])
    );
    assert!(!w.ledger_rows().contains("2769"));

    let s = w.fetch_once(Source::Oai).await;
    assert_eq!(s.published, 4, "{s:?}");
    assert_eq!(
        delivered(&w).await,
        each_once(&[
            ("A/RES/80/6", "en"),
            ("A/RES/80/6", "fr"),
            ("S/RES/2769(2025)", "en"),
            ("S/RES/2769(2025)", "fr")
        ])
    );
    assert_eq!(w.cursors(), format!("oai {today}"));
    assert!(w
        .server
        .requests("/record/2/files/E_CN.6_2004_NGO_4-EN.pdf")
        .is_empty());
    // robots.txt's Crawl-Delay (50 ms here) spaces the Digital Library's pages.
    let pages = w.server.times_matching("oai");
    assert!(pages.len() >= 6, "{}", pages.len());
    for pair in pages.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(45),
            "{:?}",
            pair[1] - pair[0]
        );
    }
}

fn days_ago(ago: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(ago)).to_string()
}

#[tokio::test]
async fn a_refused_or_unlabelled_856_link_falls_back_to_the_symbol_api() {
    let mut w = World::new("un-856").await;
    w.config.oai_window_days = 10;
    w.config.oai_from = Some(days_ago(5));
    let mut a5 = record(1, &days_ago(3), "A/RES/80/5", None);
    a5.links = vec![(
        "A_RES_80_5-EN.pdf".into(),
        Some("English".into()),
        fake_pdf("A/RES/80/5", "en"),
    )];
    // Neither $y nor a -XX suffix: the link's language is unknown.
    let mut a6 = record(2, &days_ago(2), "A/RES/80/6", None);
    a6.links = vec![("A_RES_80_6.pdf".into(), None, fake_pdf("A/RES/80/6", "en"))];
    w.server.un(|un| {
        un.records = vec![a5, a6];
        un.publish_fake("A/RES/80/5", &["en"]);
        un.publish_fake("A/RES/80/6", &["en"]);
    });
    w.server.reply(
        "/record/1/files/A_RES_80_5-EN.pdf",
        common::Reply::Status(403, Vec::new()),
    );
    let s = w.fetch_once(Source::Oai).await;
    assert_eq!(s.published, 2, "{s:?}");
    assert_eq!(
        delivered(&w).await,
        each_once(&[("A/RES/80/5", "en"), ("A/RES/80/6", "en")])
    );
    assert_eq!(
        w.server.requests("/record/1/files/A_RES_80_5-EN.pdf").len(),
        1
    );
    assert!(w
        .server
        .requests("/record/2/files/A_RES_80_6.pdf")
        .is_empty());
    assert_eq!(w.server.requests("sym A/RES/80/5 en").len(), 1);
    assert_eq!(w.server.requests("sym A/RES/80/6 en").len(), 1);
    assert_eq!(w.cursors(), format!("oai {}", days_ago(0)));
}

#[tokio::test]
async fn an_oai_503_with_retry_after_is_waited_out() {
    let mut w = World::new("un-oai503").await;
    w.config.oai_window_days = 10;
    w.config.oai_from = Some(days_ago(5));
    w.server.un(|un| {
        un.records = vec![record(3, &days_ago(2), "S/RES/2769(2025)", Some("B01"))];
        un.publish_fake("S/RES/2769(2025)", &["en"]);
        un.fault(
            "oai",
            0,
            1,
            FaultKind::Unavailable {
                status: 503,
                retry_after: 1,
            },
        );
    });
    let s = w.fetch_once(Source::Oai).await;
    assert_eq!(s.published, 1, "{s:?}");
    let pages = w.server.requests("oai first");
    assert_eq!(pages.len(), 2);
    assert!(
        pages[1] - pages[0] >= Duration::from_secs(1),
        "asked again after {:?}",
        pages[1] - pages[0]
    );
    assert_eq!(w.cursors(), format!("oai {}", days_ago(0)));
}

#[tokio::test]
async fn an_error_page_for_a_document_in_the_ledger_blocks_and_changes_nothing() {
    let mut w = World::new("un-known").await;
    w.config.oai_window_days = 10;
    w.config.oai_from = Some(days_ago(5));
    let mut a5 = record(1, &days_ago(3), "A/RES/80/5", None);
    a5.links = vec![(
        "A_RES_80_5-EN.pdf".into(),
        Some("English".into()),
        fake_pdf("A/RES/80/5", "en"),
    )];
    w.server.un(|un| un.records = vec![a5]);
    assert_eq!(w.fetch_once(Source::Oai).await.published, 1);
    let (rows, cursors) = (w.ledger_rows(), w.cursors());
    // Catalogued again today, and its file now answers an html page: a refusal of a
    // document known to exist, never a miss.
    w.server.un(|un| un.records[0].datestamp = days_ago(0));
    w.server
        .reply("/record/1/files/A_RES_80_5-EN.pdf", common::Reply::Html);
    blocked(&mut w, Source::Oai, "error_page").await;
    assert_eq!(
        w.server.requests("/record/1/files/A_RES_80_5-EN.pdf").len(),
        2
    );
    assert_eq!(w.ledger_rows(), rows);
    assert_eq!(w.cursors(), cursors);
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused_unless_trusted() {
    let mut w = World::new("un-ssrf").await;
    let tmp = tempfile::tempdir().unwrap();
    let port = w.server.addr.port();
    w.config
        .http
        .allowed_hosts
        .push(format!("http://localhost:{port}"));
    w.server.reply(
        "/files/A_RES_80_5-EN.pdf",
        common::Reply::Pdf(fake_pdf("A/RES/80/5", "en")),
    );
    let links = list(
        &tmp,
        &[&format!("http://localhost:{port}/files/A_RES_80_5-EN.pdf")],
    );
    let s = w.fetch_once(links.clone()).await;
    assert_eq!((s.published, s.rejected), (0, 1), "{s:?}");
    assert_eq!(w.server.request_count(), 0, "no connection was made");
    let error = w.db.psql("SELECT last_error FROM fetch_ledger");
    assert!(
        error.contains("private") && error.contains("127.0.0.1"),
        "{error}"
    );

    w.config.http.private_hosts = vec!["localhost".into()];
    let s = w.fetch_once(links).await;
    assert_eq!(s.published, 1, "{s:?}");
}

#[tokio::test]
async fn a_folder_skips_fifos_dangling_links_and_loops_and_caps_file_size() {
    let mut w = World::new("un-dir").await;
    w.config.http.max_body = 1024;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("A_RES_80_5-EN.pdf"), fake_pdf("A/RES/80/5", "en")).unwrap();
    let mut big = fake_pdf("A/RES/80/6", "en");
    big.resize(4096, b' ');
    std::fs::write(d.join("A_RES_80_6-EN.pdf"), big).unwrap();
    let fifo = d.join("A_RES_80_7-EN.pdf");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink(d.join("gone.pdf"), d.join("A_RES_80_8-EN.pdf")).unwrap();
    std::fs::create_dir(d.join("sub")).unwrap();
    std::os::unix::fs::symlink(d, d.join("sub/loop")).unwrap();
    let s = w.fetch_once(Source::Dir(d.into())).await;
    assert_eq!((s.published, s.rejected), (1, 1), "{s:?}");
    assert!(w.ledger("A/RES/80/6").starts_with("rejected 1"));
    assert_eq!(w.ledger("A/RES/80/7"), "");
    assert_eq!(w.ledger("A/RES/80/8"), "");
}
