//! The reader's HTML pages over a real sink and database: what they list, filter, find and
//! link, that stored text is escaped, and that errors are pages that say what to do. The
//! browser test (`tests/tests/web.rs`, crate resingest-e2e) clicks through the same pages.

mod common;

use std::time::Duration;

use common::{gold, gold_one, provenance, wait_until, TestSink};

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test]
async fn pages_list_filter_search_and_link_with_stored_text_escaped() {
    let sink = TestSink::start("web").await;
    let mut items: Vec<_> = gold().into_iter().map(|r| (r, None)).collect();
    // A made-up resolution whose text holds markup, citing one stored and one unknown symbol.
    let mut tricky = gold_one("A/RES/71/19");
    tricky.symbol = "A/RES/999/1".into();
    tricky.provenance = provenance(&tricky.symbol, 0);
    tricky.adoption_date = Some("2030-01-02".into());
    let lead = tricky.preamble[0]
        .lead
        .clone()
        .expect("71/19 opens with a lead");
    tricky.preamble[0].text = format!("{lead} the <script>alert(1)</script> lighthouse & keepers,");
    tricky.references = vec!["S/RES/2769(2025)".into(), "A/RES/1/1".into()];
    items.push((tricky, None));
    sink.publish(&items).await;
    wait_until(WAIT, "all stored", || {
        sink.metric("stored") == items.len() as u64
    })
    .await;

    let (status, home) = sink.get("/", None).await;
    assert_eq!(status, 200, "{home}");
    assert_eq!(home.matches("<h1").count(), 1);
    assert!(!home.contains("<script"), "no script, stored or ours");
    for (r, _) in &items {
        assert!(
            home.contains(&format!("href=\"/resolutions/{}\"", r.symbol)),
            "{} listed",
            r.symbol
        );
    }
    // Newest adopted first.
    let first = home.find("A/RES/999/1").unwrap();
    assert!(first < home.find("S/RES/2769(2025)").unwrap());

    let (_, sc) = sink
        .get("/?organ=Security+Council&session=&from=&to=", None)
        .await;
    assert!(
        sc.contains("href=\"/resolutions/S/RES/2769(2025)\""),
        "{sc}"
    );
    assert!(!sc.contains("href=\"/resolutions/A/RES/71/19\""));
    // The session filter: exactly the resolutions of that session, whatever their organ.
    for session in [80, 71] {
        let (status, html) = sink.get(&format!("/?session={session}"), None).await;
        assert_eq!(status, 200, "{html}");
        let want: Vec<String> = items
            .iter()
            .filter(|(r, _)| r.session == Some(session))
            .map(|(r, _)| r.symbol.clone())
            .collect();
        assert!(
            !want.is_empty() && want.len() < items.len(),
            "session {session} picks some of the stored resolutions: {want:?}"
        );
        assert_eq!(
            sorted(listed(&html)),
            sorted(want),
            "/?session={session}: {html}"
        );
        assert!(
            html.contains(&format!(
                "<input id=\"session\" type=\"number\" name=\"session\" min=\"1\" inputmode=\"numeric\" value=\"{session}\">"
            )),
            "the form keeps the session: {html}"
        );
    }
    let (_, dated) = sink.get("/?from=2016-11-21&to=2016-11-21", None).await;
    assert!(dated.contains("href=\"/resolutions/A/RES/71/19\""));
    assert!(!dated.contains("href=\"/resolutions/A/RES/999/1\""));

    let (status, found) = sink.get("/?q=lighthouse+keepers", None).await;
    assert_eq!(status, 200);
    assert!(
        found.contains("href=\"/resolutions/A/RES/999/1#c-p1\""),
        "{found}"
    );
    // ts_headline drops what looks like a tag itself; what it keeps is escaped.
    assert!(
        found.contains("<mark>lighthouse</mark> &amp; <mark>keepers</mark>"),
        "snippet escaped: {found}"
    );
    assert!(!found.contains("<script"), "{found}");

    let (status, page) = sink.get("/resolutions/A/RES/999/1", None).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(
            "<em class=\"lead\">{lead}</em> the &lt;script&gt;"
        )),
        "{page}"
    );
    assert!(
        page.contains("href=\"/resolutions/S/RES/2769(2025)\""),
        "a stored citation links"
    );
    assert!(page.contains("A/RES/1/1 <span class=\"note\">(not stored here)</span>"));
    assert!(
        !page.contains("href=\"/resolutions/A/RES/1/1\""),
        "an unknown one does not"
    );
    let notes = tricky_footnotes(&items);
    assert_eq!(notes, [1, 2, 3], "71/19's preamble cites notes 1 to 3");
    for n in notes {
        assert!(
            page.contains(&format!("href=\"#fn-{n}\" id=\"fnref-{n}-1\"")),
            "marker {n}"
        );
        assert!(page.contains(&format!("<li id=\"fn-{n}\">")), "note {n}");
        assert!(page.contains("href=\"#fnref-"), "back links");
    }

    let (_, cited) = sink.get("/resolutions/S/RES/2769(2025)", None).await;
    assert!(
        cited.contains("<ul class=\"cited-by\"><li><a href=\"/resolutions/A/RES/999/1\">"),
        "{cited}"
    );
    assert!(
        cited.contains("<li id=\"c-2.a\">"),
        "sub-items have their path as id"
    );
    let (status, akn) = sink.get("/resolutions/S/RES/2769(2025)/akn", None).await;
    assert_eq!(status, 200);
    assert!(akn.contains("<akomaNtoso"), "{akn}");

    let (status, missing) = sink.get("/resolutions/A/RES/1/1", None).await;
    assert_eq!(status, 404);
    assert!(missing.contains("no resolution A/RES/1/1"), "{missing}");
    let (status, bad) = sink.get("/?session=seventy", None).await;
    assert_eq!(status, 400);
    assert!(
        bad.contains("session `seventy` is not a session number"),
        "{bad}"
    );
    let (status, css) = sink.get("/assets/style.css", None).await;
    assert_eq!(status, 200);
    assert!(css.contains(":focus-visible"));
    sink.stop().await;
}

#[tokio::test]
async fn a_page_in_another_language_says_so_and_arabic_runs_right_to_left() {
    let sink = TestSink::start("weblang").await;
    let en = gold_one("A/RES/71/19");
    let mut fr = en.clone();
    fr.language = "fr".into();
    fr.title = Some("Coopération entre l’Organisation des Nations Unies et la Communauté".into());
    fr.provenance = provenance(&fr.symbol, 101);
    let mut ar = gold_one("S/RES/2769(2025)");
    ar.language = "ar".into();
    ar.title = Some("الحالة في اليمن".into());
    ar.provenance = provenance(&ar.symbol, 102);
    let items = vec![(en, None), (fr, None), (ar, None)];
    sink.publish(&items).await;
    wait_until(WAIT, "all stored", || sink.metric("stored") == 3).await;

    let (status, page) = sink.get("/resolutions/A/RES/71/19?lang=fr", None).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<html lang=\"fr\">"), "{page}");
    assert!(
        page.contains("<header class=\"banner\" lang=\"en\">"),
        "the banner is English: {page}"
    );
    assert!(page.contains("<dt lang=\"en\">Symbol</dt>"), "{page}");
    assert!(
        !page.contains("dir="),
        "French runs left to right like the English: {page}"
    );

    let (status, page) = sink
        .get("/resolutions/S/RES/2769(2025)?lang=ar", None)
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"), "{page}");
    assert!(
        page.contains("<header class=\"banner\" lang=\"en\" dir=\"ltr\">"),
        "the English banner runs left to right: {page}"
    );

    let (_, page) = sink.get("/resolutions/A/RES/71/19", None).await;
    assert!(page.contains("<html lang=\"en\">"), "{page}");
    assert_eq!(
        page.matches(" lang=").count(),
        1,
        "an English page marks nothing else: {page}"
    );

    let (_, home) = sink.get("/", None).await;
    assert!(home.contains("<html lang=\"en\">"), "{home}");
    assert!(
        home.contains("<span class=\"title\" lang=\"fr\">Coopération entre"),
        "a French title in the list: {home}"
    );
    assert!(
        home.contains("<span class=\"title\" lang=\"ar\" dir=\"rtl\">الحالة في اليمن</span>"),
        "an Arabic title in the list: {home}"
    );
    sink.stop().await;
}

/// The symbols the list shows, in its order.
fn listed(html: &str) -> Vec<String> {
    let start = html
        .find("<ol class=\"listing\">")
        .unwrap_or_else(|| panic!("no list in {html}"));
    let list = &html[start..start + html[start..].find("</ol>").unwrap()];
    list.split("<li><a href=\"/resolutions/")
        .skip(1)
        .map(|item| item[..item.find('"').unwrap()].to_owned())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn tricky_footnotes(items: &[(resingest_model::Resolution, Option<String>)]) -> Vec<u32> {
    let r = &items.last().unwrap().0;
    r.preamble
        .iter()
        .flat_map(|c| c.footnote_refs.iter().copied())
        .chain(
            r.operative
                .iter()
                .flat_map(|p| p.footnote_refs.iter().copied()),
        )
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}
