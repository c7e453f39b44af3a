//! The read API as researchers and newsrooms use it (issue 20), against a real sink and
//! PostgreSQL: symbols as printed and links, languages, the filters people use, one keyset
//! pagination for lists, cited-by and search, HTTP done properly, the NDJSON export.

mod common;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use common::{gold, gold_one, provenance, wait_until, TestSink};
use resingest_model::{Kind, Resolution};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(30);

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// One HTTP/1.1 request with `headers`; returns status, the lowercased head and the body.
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String, String) {
    let (status, head, body) = request_bytes(addr, method, path, headers).await;
    (status, head, String::from_utf8(body).expect("utf-8"))
}

async fn request_bytes(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String, Vec<u8>) {
    let head: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let line = format!("{method} {path} HTTP/1.1\r\nHost: test\r\n{head}Connection: close\r\n\r\n");
    tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(line.as_bytes()).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("head");
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let status = head[9..12].parse().unwrap();
        let mut body = raw[split + 4..].to_vec();
        if head.contains("transfer-encoding: chunked") {
            body = dechunk(&body);
        }
        (status, head, body)
    })
    .await
    .unwrap()
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&body[..eol]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[eol + 2..eol + 2 + size]);
        body = &body[eol + 4 + size..];
    }
    out
}

fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .map(str::trim)
}

async fn get(sink: &TestSink, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    request(sink.http, "GET", path, headers).await
}

async fn store(sink: &TestSink, items: &[Resolution]) {
    let before = sink.metric("stored");
    let with: Vec<_> = items.iter().cloned().map(|r| (r, None)).collect();
    sink.publish(&with).await;
    wait_until(WAIT, "stored", || {
        sink.metric("stored") == before + items.len() as u64
    })
    .await;
}

/// `base` under another symbol (its own provenance), adopted on `date`.
fn variant(base: &Resolution, symbol: &str, date: Option<&str>) -> Resolution {
    let mut r = base.clone();
    r.symbol = symbol.into();
    r.provenance = provenance(symbol, 0);
    r.adoption_date = date.map(str::to_owned);
    r
}

fn in_language(base: &Resolution, lang: &str) -> Resolution {
    let mut r = base.clone();
    r.language = lang.into();
    r.provenance = provenance(&format!("{}-{lang}", r.symbol), 0);
    r
}

fn symbols(page: &Value, field: &str) -> Vec<String> {
    page[field]
        .as_array()
        .unwrap_or_else(|| panic!("no {field}: {page}"))
        .iter()
        .map(|i| i["symbol"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn symbols_as_printed_and_links_resolve_in_the_language_asked_or_the_fallback() {
    let sink = TestSink::start("readers-lookup").await;
    let sc = gold_one("S/RES/2769(2025)");
    let fr_only = in_language(&variant(&sc, "S/RES/2999(2025)", None), "fr");
    // A revised draft: its symbol keeps the UN's `Rev.` however a reader types it.
    let mut revised = variant(&sc, "A/64/L.63/Rev.1", None);
    revised.kind = Kind::Draft;
    store(
        &sink,
        &[sc.clone(), in_language(&sc, "fr"), fr_only, revised],
    )
    .await;
    for path in [
        "/v1/resolutions/A/64/L.63/Rev.1",
        "/v1/resolutions/a/64/l.63/rev.1",
        "/v1/resolutions/A/64/L.63/REV.1*",
        "/v1/resolutions/https://undocs.org/en/A/64/L.63/Rev.1",
    ] {
        let (status, _, body) = get(&sink, path, &[]).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(json(&body)["symbol"], "A/64/L.63/Rev.1", "{path}");
    }

    for path in [
        "/v1/resolutions/S/RES/2769%20(2025)",
        "/v1/resolutions/s/res/2769(2025)",
        "/v1/resolutions/S%2FRES%2F2769%20%282025%29",
        "/v1/resolutions/https://undocs.org/S/RES/2769(2025)",
        "/v1/resolutions/https://docs.un.org/en/S/RES/2769%20(2025)",
        "/v1/resolutions/undocs.org/en/s/res/2769(2025)",
    ] {
        let (status, head, body) = get(&sink, path, &[]).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(json(&body)["symbol"], "S/RES/2769(2025)", "{path}");
        assert_eq!(header(&head, "content-language"), Some("en"), "{path}");
    }
    // The link's language, then Accept-Language by quality, then English.
    let lang = |head: String| header(&head, "content-language").map(str::to_owned);
    let (_, head, _) = get(
        &sink,
        "/v1/resolutions/https://undocs.org/fr/S/RES/2769(2025)",
        &[],
    )
    .await;
    assert_eq!(lang(head).as_deref(), Some("fr"));
    let (_, head, body) = get(
        &sink,
        "/v1/resolutions/S/RES/2769(2025)",
        &[("Accept-Language", "de, fr;q=0.8, en;q=0.5")],
    )
    .await;
    assert_eq!(lang(head).as_deref(), Some("fr"), "{body}");
    assert_eq!(json(&body)["language"], "fr");
    let (_, head, _) = get(
        &sink,
        "/v1/resolutions/S/RES/2769(2025)",
        &[("Accept-Language", "de")],
    )
    .await;
    assert_eq!(lang(head).as_deref(), Some("en"));
    // Stored only in French: French, whatever the client prefers.
    let (status, head, _) = get(
        &sink,
        "/v1/resolutions/S/RES/2999(2025)",
        &[("Accept-Language", "es")],
    )
    .await;
    assert_eq!((status, lang(head).as_deref()), (200, Some("fr")));
    // `lang` is strict, and the 404 says where to look.
    let (status, _, body) = get(&sink, "/v1/resolutions/S/RES/2769(2025)?lang=ru", &[]).await;
    assert_eq!(status, 404, "{body}");
    let error = json(&body)["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains("in language ru") && error.contains("en, fr"),
        "{error}"
    );
    let (status, _, body) = get(&sink, "/v1/resolutions/hello", &[]).await;
    assert_eq!(status, 400);
    assert!(
        json(&body)["error"].as_str().unwrap().contains("`hello`"),
        "{body}"
    );
    // Cited-by takes the printed form too.
    let (status, _, body) = get(
        &sink,
        "/v1/resolutions/s/res/2769 (2025)/cited-by"
            .replace(' ', "%20")
            .as_str(),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["symbol"], "S/RES/2769(2025)");
    sink.stop().await;
}

/// Gold resolutions and dated variants of them: three organs, committees, agenda items, a
/// draft, undated rows.
fn population() -> Vec<Resolution> {
    let mut items = gold();
    let ga = gold_one("A/RES/78/101");
    let sc = gold_one("S/RES/2769(2025)");
    for (i, date) in ["2024-03-01", "2024-03-01", "2019-06-30", "2021-12-24"]
        .iter()
        .enumerate()
    {
        items.push(variant(&ga, &format!("A/RES/950/{i}"), Some(date)));
        items.push(variant(
            &sc,
            &format!("S/RES/{}(2024)", 3000 + i),
            Some(date),
        ));
    }
    let mut draft = variant(&ga, "A/C.4/78/L.99", None);
    draft.kind = Kind::Draft;
    items.push(draft);
    let mut hrc = variant(&ga, "A/HRC/RES/59/25", Some("2025-07-07"));
    hrc.organ = "Human Rights Council".into();
    hrc.main_committee = None;
    items.push(hrc);
    items
}

/// Walks every page of `path` (`limit` set) and returns the symbols in order and the total.
async fn walk(sink: &TestSink, path: &str, field: &str) -> (Vec<String>, i64, usize) {
    let mut seen = Vec::new();
    let mut next = path.to_owned();
    let mut pages = 0;
    let mut total = None;
    loop {
        let (status, _, body) = get(sink, &next, &[]).await;
        assert_eq!(status, 200, "{next}: {body}");
        let page = json(&body);
        pages += 1;
        let t = page["total"].as_i64().expect("a total");
        assert_eq!(
            *total.get_or_insert(t),
            t,
            "the total is the same on every page"
        );
        seen.extend(symbols(&page, field));
        match page["next_cursor"].as_str() {
            Some(c) => next = format!("{path}&cursor={c}"),
            None => break,
        }
    }
    (seen, total.unwrap(), pages)
}

#[tokio::test]
async fn lists_filter_the_way_readers_ask_sort_newest_adopted_first_and_page_by_keyset() {
    let sink = TestSink::start("readers-lists").await;
    let items = population();
    store(&sink, &items).await;

    // Newest adopted first, undated last; the id breaks ties, so paging is stable.
    let (all, total, pages) = walk(&sink, "/v1/resolutions?limit=4", "items").await;
    assert_eq!(total as usize, items.len());
    assert_eq!(pages, items.len().div_ceil(4));
    assert_eq!(
        all.iter().collect::<HashSet<_>>().len(),
        items.len(),
        "no row twice"
    );
    let date = |s: &String| {
        items
            .iter()
            .find(|r| &r.symbol == s)
            .unwrap()
            .adoption_date
            .clone()
    };
    let dates: Vec<_> = all.iter().map(date).collect();
    let mut want = dates.clone();
    want.sort_by(|a, b| match (a, b) {
        (Some(a), Some(b)) => b.cmp(a),
        (a, b) => b.is_some().cmp(&a.is_some()),
    });
    assert_eq!(dates, want, "{all:?}");
    let (oldest, _, _) = walk(&sink, "/v1/resolutions?limit=5&sort=adoption_date", "items").await;
    assert_eq!(oldest.len(), items.len());
    assert_eq!(date(&oldest[oldest.len() - 1]), Some("2025-12-30".into()));

    let count = |f: &dyn Fn(&Resolution) -> bool| items.iter().filter(|r| f(r)).count();
    let cases: Vec<(&str, usize)> = vec![
        ("organ=SC", count(&|r| r.organ == "Security Council")),
        (
            "organ=security%20council",
            count(&|r| r.organ == "Security Council"),
        ),
        ("organ=GA", count(&|r| r.organ == "General Assembly")),
        ("organ=HRC", 1),
        ("adopted_from=2024-01-01&adopted_to=2024-12-31", 4),
        ("adopted_from=2024-03-01&adopted_to=2024-03-01&organ=SC", 2),
        (
            "committee=C.4",
            count(&|r| r.main_committee.as_deref() == Some("Fourth Committee")),
        ),
        ("committee=fifth", 1),
        (
            "committee=plenary&organ=GA",
            count(&|r| r.organ == "General Assembly" && r.main_committee.is_none()),
        ),
        (
            "agenda_item=126",
            count(&|r| r.agenda_items.iter().any(|a| a == "126")),
        ),
        ("kind=draft", 1),
        ("session=78", count(&|r| r.session == Some(78))),
        ("since=2999-01-01", 0),
    ];
    for (query, want) in cases {
        assert!(
            want > 0 || query.starts_with("since"),
            "{query}: a case that cannot fail"
        );
        let (seen, total, _) =
            walk(&sink, &format!("/v1/resolutions?limit=3&{query}"), "items").await;
        assert_eq!(
            (seen.len(), total as usize),
            (want, want),
            "{query}: {seen:?}"
        );
    }
    for (query, named) in [
        ("organ=XYZ", "`XYZ`"),
        ("adopted_from=last-year", "`last-year`"),
        ("kind=report", "`report`"),
        ("sort=title", "`title`"),
        ("cursor=s~1~1", "another sort"),
    ] {
        let (status, _, body) = get(&sink, &format!("/v1/resolutions?{query}"), &[]).await;
        assert_eq!(status, 400, "{query}: {body}");
        let error = json(&body)["error"].as_str().unwrap().to_owned();
        assert!(error.contains(named), "{query}: {error}");
    }
    let (_, _, body) = get(&sink, "/v1/resolutions?organ=XYZ", &[]).await;
    assert!(
        body.contains("Security Council"),
        "the 400 lists the stored organs: {body}"
    );
    sink.stop().await;
}

#[tokio::test]
async fn cited_by_and_search_page_by_the_same_keyset_past_the_old_offset_cap() {
    let sink = TestSink::start("readers-keyset").await;
    let base = gold_one("A/RES/71/19");
    let citing: Vec<_> = (0..7)
        .map(|i| {
            let mut r = variant(
                &base,
                &format!("A/RES/951/{i}"),
                Some(&format!("2020-01-0{}", i + 1)),
            );
            r.references = vec!["S/RES/2769(2025)".into()];
            r
        })
        .collect();
    store(&sink, &citing).await;
    let (seen, total, pages) = walk(
        &sink,
        "/v1/resolutions/S/RES/2769(2025)/cited-by?limit=3",
        "cited_by",
    )
    .await;
    assert_eq!((total, pages), (7, 3));
    let want: Vec<String> = (0..7).rev().map(|i| format!("A/RES/951/{i}")).collect();
    assert_eq!(seen, want, "newest adopted first");

    // 1,500 matching clauses: deeper than offset's cap of 1,000, reached by cursor.
    let matches = 1_500;
    sink.db.psql(&format!(
        "INSERT INTO clauses (resolution_id, ord, kind, path, text)
         SELECT (SELECT min(id) FROM resolutions), 10000 + g, 'operative', g::text,
                'Encourages lighthouse keepers ' || repeat('and lighthouse builders ', g % 5)
         FROM generate_series(1, {matches}) g"
    ));
    let mut seen = HashSet::new();
    let mut path = "/v1/search?q=lighthouse&limit=100".to_owned();
    let mut last_rank = f64::INFINITY;
    loop {
        let (status, _, body) = get(&sink, &path, &[]).await;
        assert_eq!(status, 200, "{path}: {body}");
        let page = json(&body);
        assert_eq!(page["total"], matches);
        for hit in page["hits"].as_array().unwrap() {
            let rank = hit["rank"].as_f64().unwrap();
            assert!(rank <= last_rank, "best first across pages");
            last_rank = rank;
            assert!(
                seen.insert((hit["symbol"].to_string(), hit["path"].to_string())),
                "no hit twice: {hit}"
            );
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/search?q=lighthouse&limit=100&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), matches);
    let (status, _, body) = get(&sink, "/v1/search?q=lighthouse&cursor=a~1~1", &[]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("`a~1~1`"), "{body}");
    sink.stop().await;
}

#[tokio::test]
async fn conditional_requests_negotiation_and_json_errors_for_every_status() {
    let sink = TestSink::start_with("readers-http", |c| {
        c.cors_origins = vec!["https://newsroom.example".into()]
    })
    .await;
    let r = gold_one("A/RES/71/19");
    store(&sink, std::slice::from_ref(&r)).await;
    let path = "/v1/resolutions/A/RES/71/19";

    let (status, head, _) = get(&sink, path, &[]).await;
    assert_eq!(status, 200);
    let etag = header(&head, "etag").expect("an etag").to_owned();
    assert!(head.contains("\r\nvary: accept, accept-language"), "{head}");
    let (status, head, body) = get(&sink, path, &[("If-None-Match", &etag)]).await;
    assert_eq!((status, body.as_str()), (304, ""));
    assert_eq!(header(&head, "etag"), Some(etag.as_str()));
    let (status, head, body) = get(&sink, path, &[("Accept", "application/akn+xml")]).await;
    assert_eq!(status, 200);
    assert!(
        body.starts_with("<?xml") || body.starts_with("<akomaNtoso"),
        "{body}"
    );
    let akn_etag = header(&head, "etag").unwrap().to_owned();
    assert_ne!(akn_etag, etag, "JSON and XML have their own entity tags");
    // The JSON tag does not validate the XML copy.
    let (status, _, _) = get(
        &sink,
        path,
        &[("Accept", "application/akn+xml"), ("If-None-Match", &etag)],
    )
    .await;
    assert_eq!(status, 200);
    for (accept, want) in [
        (
            "application/json;q=0.4, application/akn+xml;q=0.9",
            "application/akn+xml",
        ),
        ("application/xml", "application/xml"),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/xml",
        ),
        ("application/json;q=0, */*", "application/akn+xml"),
        ("*/*", "application/json"),
    ] {
        let (status, head, _) = get(&sink, path, &[("Accept", accept)]).await;
        assert_eq!(status, 200, "{accept}");
        assert_eq!(header(&head, "content-type"), Some(want), "{accept}");
    }
    let (_, head, _) = get(
        &sink,
        &format!("{path}?format=akn"),
        &[("Accept", "application/json")],
    )
    .await;
    assert_eq!(header(&head, "content-type"), Some("application/akn+xml"));

    // Every error is JSON naming what was wrong.
    for (method, path, headers, status, named) in [
        (
            "GET",
            "/v1/resolutions/A/RES/71/19",
            &[("Accept", "text/html")][..],
            406,
            "application/json",
        ),
        (
            "GET",
            "/v1/resolutions/A/RES/71/19?format=pdf",
            &[][..],
            400,
            "`pdf`",
        ),
        ("GET", "/v1/nothing", &[][..], 404, "/v1/nothing"),
        ("POST", "/v1/resolutions", &[][..], 405, "POST"),
        (
            "DELETE",
            "/v1/resolutions/A/RES/71/19",
            &[][..],
            405,
            "DELETE",
        ),
        (
            "GET",
            "/v1/resolutions/A/RES/1/1",
            &[][..],
            404,
            "A/RES/1/1",
        ),
    ] {
        let (got, head, body) = request(sink.http, method, path, headers).await;
        assert_eq!(got, status, "{method} {path}: {body}");
        assert_eq!(
            header(&head, "content-type"),
            Some("application/json"),
            "{method} {path}"
        );
        let error = json(&body)["error"].as_str().unwrap_or_default().to_owned();
        assert!(error.contains(named), "{method} {path}: {error}");
    }

    // CORS for the configured origin only.
    let (_, head, _) = get(&sink, path, &[("Origin", "https://newsroom.example")]).await;
    assert_eq!(
        header(&head, "access-control-allow-origin"),
        Some("https://newsroom.example")
    );
    assert!(header(&head, "access-control-expose-headers")
        .unwrap()
        .contains("etag"));
    let (_, head, _) = get(&sink, path, &[("Origin", "https://elsewhere.example")]).await;
    assert_eq!(header(&head, "access-control-allow-origin"), None);
    sink.stop().await;
}

#[tokio::test]
async fn an_ndjson_export_streams_every_match_of_a_list_filter() {
    let sink = TestSink::start("readers-export").await;
    let items = population();
    store(&sink, &items).await;
    let want: Vec<&Resolution> = items
        .iter()
        .filter(|r| r.organ == "Security Council")
        .collect();
    for (path, headers) in [
        ("/v1/resolutions?organ=SC&format=ndjson", &[][..]),
        (
            "/v1/resolutions?organ=SC",
            &[("Accept", "application/x-ndjson")][..],
        ),
    ] {
        let (status, head, body) = get(&sink, path, headers).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(header(&head, "content-type"), Some("application/x-ndjson"));
        assert!(
            head.contains("transfer-encoding: chunked"),
            "streamed: {head}"
        );
        let lines: Vec<Resolution> = body
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        assert_eq!(lines.len(), want.len(), "{path}");
        for r in &want {
            assert!(lines.contains(r), "{} exported as stored", r.symbol);
        }
        let dates: Vec<_> = lines.iter().map(|r| r.adoption_date.clone()).collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted, "the list's order: newest adopted first");
    }
    let (status, _, body) = get(&sink, "/v1/resolutions?format=csv", &[]).await;
    assert_eq!(status, 400, "{body}");
    sink.stop().await;
}

#[tokio::test]
async fn the_archived_source_pdf_is_served_beside_the_resolution() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().to_str().unwrap().to_owned();
    let sink = TestSink::start_with("readers-pdf", |c| c.archive_url = Some(url.clone())).await;
    let pdf = std::fs::read(common::gold_dir().join("../corpus/sc/S_RES_2769_2025-EN.pdf"))
        .expect("the corpus beside the gold");
    let key = resingest_archive::Archive::open(&url)
        .unwrap()
        .put(&pdf)
        .await
        .unwrap();
    let mut r = gold_one("S/RES/2769(2025)");
    r.provenance.sha256 = resingest_model::archive::sha256_of_key(&key)
        .unwrap()
        .to_owned();
    // Stored in French too, but that PDF was never archived.
    store(&sink, &[r.clone(), in_language(&r, "fr")]).await;

    let (status, head, body) = request_bytes(
        sink.http,
        "GET",
        "/v1/resolutions/S/RES/2769%20(2025)/pdf",
        &[],
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(header(&head, "content-type"), Some("application/pdf"));
    assert!(body == pdf, "the archived bytes, unchanged");
    // A PDF is compressed already: it goes as it is even to a client that takes gzip.
    let (_, gz_head, gz_body) = request_bytes(
        sink.http,
        "GET",
        "/v1/resolutions/S/RES/2769(2025)/pdf",
        &[("Accept-Encoding", "gzip")],
    )
    .await;
    assert_eq!(header(&gz_head, "content-encoding"), None, "{gz_head}");
    assert!(gz_body == pdf);
    let etag = header(&head, "etag").unwrap().to_owned();
    let (status, _, body) = request_bytes(
        sink.http,
        "GET",
        "/v1/resolutions/S/RES/2769(2025)/pdf",
        &[("If-None-Match", &etag)],
    )
    .await;
    assert_eq!((status, body.len()), (304, 0));
    let (status, _, body) = get(&sink, "/v1/resolutions/S/RES/2769(2025)/pdf?lang=fr", &[]).await;
    assert_eq!(status, 404, "{body}");
    assert!(
        json(&body)["error"]
            .as_str()
            .unwrap()
            .contains("not in the archive"),
        "{body}"
    );
    sink.stop().await;

    // A sink without an archive says so.
    let sink = TestSink::start("readers-nopdf").await;
    store(&sink, &[gold_one("A/RES/71/19")]).await;
    let (status, _, body) = get(&sink, "/v1/resolutions/A/RES/71/19/pdf", &[]).await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("no archive is configured"), "{body}");
    sink.stop().await;
}

#[tokio::test]
async fn the_atom_feed_lists_the_newest_stored_per_organ() {
    let sink = TestSink::start("readers-feed").await;
    store(&sink, &[gold_one("A/RES/71/19")]).await;
    store(
        &sink,
        &[gold_one("S/RES/2769(2025)"), gold_one("A/RES/80/239")],
    )
    .await;
    let (status, head, body) = get(&sink, "/v1/feed.atom", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(header(&head, "content-type"), Some("application/atom+xml"));
    assert_eq!(body.matches("<entry>").count(), 3);
    // Newest stored first: 71/19 was stored before the other two.
    assert!(body.find("A/RES/71/19").unwrap() > body.find("S/RES/2769(2025)").unwrap());
    assert!(
        body.contains("<title>S/RES/2769(2025)</title>"),
        "named by symbol: {body}"
    );
    assert!(body.contains("href=\"/v1/resolutions/S/RES/2769(2025)/pdf?lang=en\""));
    let (status, _, sc) = get(&sink, "/v1/feed.atom?organ=SC", &[]).await;
    assert_eq!(status, 200, "{sc}");
    assert_eq!(sc.matches("<entry>").count(), 1);
    assert!(sc.contains("<category term=\"Security Council\"/>"), "{sc}");
    assert!(
        sc.contains("rel=\"self\" href=\"/v1/feed.atom?organ=SC\""),
        "{sc}"
    );
    let (status, _, body) = get(&sink, "/v1/feed.atom?organ=UNESCO", &[]).await;
    assert_eq!(status, 400, "{body}");
    assert!(json(&body)["error"].as_str().unwrap().contains("`UNESCO`"));
    sink.stop().await;
}

#[tokio::test]
async fn real_responses_validate_against_the_schemas_the_api_serves() {
    let sink = TestSink::start("readers-schema").await;
    let mut citing = gold_one("A/RES/78/101");
    citing.references.push("S/RES/2769(2025)".into());
    store(&sink, &[gold_one("S/RES/2769(2025)"), citing]).await;
    let (_, _, doc) = get(&sink, "/v1/openapi.json", &[]).await;
    let doc = json(&doc);
    for (path, schema) in [
        ("/v1/resolutions?limit=1", "Page"),
        ("/v1/resolutions?organ=SC", "Page"),
        ("/v1/resolutions/S/RES/2769(2025)/cited-by", "CitedBy"),
        ("/v1/search?q=decides&limit=2", "SearchResult"),
        ("/v1/resolutions?organ=XYZ", "Error"),
        ("/v1/nothing", "Error"),
    ] {
        // The served document as the root, so its `#/components/...` references resolve.
        let mut root = doc.clone();
        root["$ref"] = format!("#/components/schemas/{schema}").into();
        let validator = jsonschema::draft202012::new(&root).expect("a valid schema");
        let (_, _, body) = get(&sink, path, &[]).await;
        let body = json(&body);
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{path} against {schema}: {errors:?}\n{body}"
        );
        // A response that breaks the schema is caught (the check can fail).
        let mut broken = body.clone();
        broken
            .as_object_mut()
            .unwrap()
            .insert("total".into(), "many".into());
        broken
            .as_object_mut()
            .unwrap()
            .insert("error".into(), 7.into());
        assert!(
            !validator.is_valid(&broken),
            "{path}: a broken copy passes {schema}"
        );
    }
    // The resolution itself against the schema generated from the contract's types, for each
    // stored shape (v1 gold files, the v2 fields, a Security Council resolution with no title).
    for path in [
        "/v1/resolutions/S/RES/2769(2025)",
        "/v1/resolutions/A/RES/78/101",
    ] {
        let mut root = doc.clone();
        root["$ref"] = "#/components/schemas/Resolution".into();
        let validator = jsonschema::draft202012::new(&root).expect("a valid schema");
        let (_, _, body) = get(&sink, path, &[]).await;
        let body = json(&body);
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{path} against Resolution: {errors:?}");
        for (field, wrong) in [
            ("operative", Value::from("none")),
            ("kind", Value::from("treaty")),
            ("session", Value::from("seventy-eighth")),
        ] {
            let mut broken = body.clone();
            broken[field] = wrong;
            assert!(
                !validator.is_valid(&broken),
                "{path}: {field} broken passes Resolution"
            );
        }
    }
    sink.stop().await;
}

#[tokio::test]
async fn answers_are_gzipped_for_clients_that_ask_and_only_for_them() {
    let sink = TestSink::start("readers-gzip").await;
    store(&sink, &population()).await;
    for path in [
        "/v1/resolutions?organ=SC&format=ndjson",
        "/v1/resolutions?organ=GA",
        "/v1/resolutions/A/RES/71/19",
        "/",
    ] {
        let (status, plain_head, plain) = request_bytes(sink.http, "GET", path, &[]).await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&plain));
        assert_eq!(header(&plain_head, "content-encoding"), None, "{path}");
        let (status, head, body) =
            request_bytes(sink.http, "GET", path, &[("Accept-Encoding", "gzip")]).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            header(&head, "content-encoding"),
            Some("gzip"),
            "{path}: {head}"
        );
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut unzipped)
            .unwrap_or_else(|e| panic!("{path}: not gzip: {e}"));
        assert!(unzipped == plain, "{path}: gzip holds the same answer");
        assert!(
            body.len() < plain.len(),
            "{path}: {} >= {}",
            body.len(),
            plain.len()
        );
    }
    sink.stop().await;
}

#[tokio::test]
async fn french_spanish_and_russian_search_find_another_form_of_the_word() {
    let sink = TestSink::start("readers-stemmed").await;
    let base = gold_one("A/RES/71/19");
    let mut stored = Vec::new();
    for (lang, symbol, text) in [
        (
            "fr",
            "A/RES/954/1",
            "Rappelant ses résolutions antérieures sur le développement durable,",
        ),
        (
            "es",
            "A/RES/954/2",
            "Recordando sus resoluciones anteriores sobre el desarrollo sostenible,",
        ),
        (
            "ru",
            "A/RES/954/3",
            "ссылаясь на свои предыдущие резолюции об устойчивом развитии,",
        ),
    ] {
        let mut r = in_language(&variant(&base, symbol, None), lang);
        r.preamble[0].text = text.into();
        stored.push(r);
    }
    store(&sink, &stored).await;
    // The singular finds the plural, the plural the singular, each in its language only
    // (`simple` would find none of them).
    for (lang, q, want) in [
        ("fr", "résolution", "A/RES/954/1"),
        ("fr", "développements", "A/RES/954/1"),
        ("es", "resolución", "A/RES/954/2"),
        ("es", "sostenibles", "A/RES/954/2"),
        ("ru", "резолюция", "A/RES/954/3"),
        ("ru", "устойчивое развитие", "A/RES/954/3"),
    ] {
        assert_eq!(
            found(&sink, q, lang).await,
            vec![want.to_owned()],
            "{lang}: q={q}"
        );
    }
    // The French resolution is not searched in Spanish.
    assert_eq!(found(&sink, "rappelant", "es").await, Vec::<String>::new());
    assert_eq!(
        found(&sink, "rappelant", "fr").await,
        vec!["A/RES/954/1".to_owned()]
    );
    sink.stop().await;
}

#[tokio::test]
async fn chinese_search_finds_a_word_inside_a_run_of_characters_and_stored_rows_migrate() {
    let sink = TestSink::start("readers-chinese").await;
    let base = in_language(&gold_one("A/RES/71/19"), "zh");
    let mut recalling = variant(&base, "A/RES/953/1", None);
    recalling.preamble[0].text = "回顾其关于可持续发展的以往各项决议，包括第70/1号决议，".into();
    let mut stressing = variant(&base, "A/RES/953/2", None);
    stressing.preamble[0].text = "强调国际和平与安全的重要性，".into();
    store(&sink, &[recalling, stressing]).await;
    let first = || vec!["A/RES/953/1".to_owned()];
    let second = || vec!["A/RES/953/2".to_owned()];
    let both = || vec!["A/RES/953/1".to_owned(), "A/RES/953/2".to_owned()];
    for (q, want) in [
        // Words inside a run that `simple` read as one word, at its start, middle and end.
        ("可持续发展", first()),
        ("发展", first()),
        ("回顾", first()),
        ("平与安", second()),
        // One character: inside a run and the run's last one.
        ("顾", first()),
        ("议", first()),
        ("性", second()),
        // Two terms must both occur; a symbol beside characters is still a word.
        ("安全 重要性", second()),
        ("70/1号决议", first()),
        ("和平 or 发展", both()),
        ("和平 -决议", second()),
        // Characters that occur, but not side by side, are not the word.
        ("展可", vec![]),
        ("发展 -决议", vec![]),
        ("和平 发展", vec![]),
    ] {
        assert_eq!(found(&sink, q, "zh").await, want, "q={q}");
    }

    // A database from before: the generated column read the text as printed and Chinese
    // clauses were `simple`, where no word inside a run is found. The migration re-indexes.
    sink.db.psql(
        "ALTER TABLE clauses DROP COLUMN tsv;
         ALTER TABLE clauses ADD COLUMN tsv tsvector
             GENERATED ALWAYS AS (to_tsvector(ts_config, text)) STORED;
         UPDATE clauses SET ts_config = 'simple'
           FROM resolutions r WHERE r.id = clauses.resolution_id AND r.language = 'zh'",
    );
    assert_eq!(found(&sink, "发展", "zh").await, Vec::<String>::new());
    sink.db.psql(include_str!(
        "../migrations/20261207000001_search_chinese.sql"
    ));
    assert_eq!(found(&sink, "发展", "zh").await, first());
    assert_eq!(found(&sink, "可持续发展", "zh").await, first());
    sink.stop().await;
}

/// The symbols of a search's hits, sorted and deduplicated.
async fn found(sink: &TestSink, q: &str, lang: &str) -> Vec<String> {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let path = format!("/v1/search?q={q}&lang={lang}&limit=100");
    let (status, _, body) = get(sink, &path, &[]).await;
    assert_eq!(status, 200, "{path}: {body}");
    let mut symbols = symbols(&json(&body), "hits");
    symbols.sort();
    symbols.dedup();
    symbols
}

#[tokio::test]
async fn arabic_search_finds_a_word_however_the_reader_spells_it_and_stored_rows_migrate() {
    let sink = TestSink::start("readers-arabic").await;
    let base = in_language(&gold_one("A/RES/71/19"), "ar");
    let mut recalling = variant(&base, "A/RES/952/1", None);
    recalling.preamble[0].text = "وإذ تشير إلى قراراتها السابقة بشأن التنمية المستدامة،".into();
    let mut stressing = variant(&base, "A/RES/952/2", None);
    stressing.preamble[0].text = "وإذ تؤكد أهمية السلام والأمن الدوليين،".into();
    store(&sink, &[recalling, stressing]).await;
    let first = || vec!["A/RES/952/1".to_owned()];
    // Without the article, with diacritics, and both words without their article: each is
    // in the first resolution only ("السابقة", "تشير", "التنمية المستدامة" as printed).
    for q in ["سابقة", "تُشِيرُ", "تنمية مستدامة"] {
        assert_eq!(found(&sink, q, "ar").await, first(), "q={q}");
    }
    let second = || vec!["A/RES/952/2".to_owned()];
    assert_eq!(
        found(&sink, "اهمية", "ar").await,
        second(),
        "an alef written without its hamza"
    );
    // "والأمن" as printed: the conjunction before the article is dropped on both sides.
    for q in ["الأمن", "أمن", "والأمن"] {
        assert_eq!(found(&sink, q, "ar").await, second(), "q={q}");
    }

    // A database from before: Arabic clauses indexed with `simple`, where the bare word is
    // not found. The migration re-indexes them in place.
    sink.db.psql(
        "UPDATE clauses SET ts_config = 'simple'
           FROM resolutions r WHERE r.id = clauses.resolution_id AND r.language = 'ar'",
    );
    assert_eq!(found(&sink, "سابقة", "ar").await, Vec::<String>::new());
    sink.db.psql(include_str!(
        "../migrations/20261203000001_search_arabic.sql"
    ));
    assert_eq!(found(&sink, "سابقة", "ar").await, first());
}
