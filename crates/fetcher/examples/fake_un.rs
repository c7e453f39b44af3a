//! The tests' fake UN as a process, for `bench/fetch.sh`: publishes `A/RES/<session>/1..=N`
//! in the given languages and answers like the real symbol API (302 to the uppercase path,
//! the PDF at the lowercase one, an empty 200 for what is not published) after a latency drawn
//! uniformly from [min, max] per request. `GET /_requests` gives what it served so far: every
//! request, those to the symbol API, the sum of the latencies it applied (ms), and the most
//! requests it was answering at once.
//!
//! `cargo run -p resingest-fetcher --example fake_un -- <session> <n> <langs> <min_ms> <max_ms>`
//! prints `listening 127.0.0.1:PORT` and serves until killed.

#[path = "../tests/common/fake_un.rs"]
#[allow(dead_code)]
mod fake_un;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt;

#[derive(Default)]
struct Counts {
    served: AtomicU64,
    api: AtomicU64,
    latency_ms: AtomicU64,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or(default.into());
    let session: u32 = arg(1, "79").parse().expect("session");
    let n: u32 = arg(2, "300").parse().expect("count");
    let langs = arg(3, "en,fr");
    let min: u64 = arg(4, "1000").parse().expect("min latency ms");
    let max: u64 = arg(5, &min.to_string()).parse().expect("max latency ms");
    let mut un = fake_un::Un {
        latency: Duration::from_millis(min),
        latency_jitter: Duration::from_millis(max.saturating_sub(min)),
        ..fake_un::Un::default()
    };
    let langs: Vec<&str> = langs.split(',').collect();
    for i in 1..=n {
        let mut pdf = fake_un::fake_pdf(&format!("A/RES/{session}/{i}"), "");
        pdf.resize(64 << 10, b' ');
        for l in &langs {
            let mut body = pdf.clone();
            body.extend_from_slice(l.as_bytes());
            un.publish(&format!("A/RES/{session}/{i}"), l, body);
        }
    }
    let un = Arc::new(Mutex::new(un));
    let counts = Arc::new(Counts::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("listening {}", listener.local_addr().unwrap());
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let (un, c) = (un.clone(), counts.clone());
        tokio::spawn(async move {
            let Some((target, headers)) = fake_un::read_request(&mut stream).await else {
                return;
            };
            let answer = if target == "/_requests" {
                let body = format!(
                    "{} {} {} {}",
                    c.served.load(Ordering::SeqCst),
                    c.api.load(Ordering::SeqCst),
                    c.latency_ms.load(Ordering::SeqCst),
                    c.max_in_flight.load(Ordering::SeqCst)
                );
                fake_un::Answer {
                    status: 200,
                    headers: Vec::new(),
                    content_type: "text/plain",
                    body: body.into_bytes(),
                }
            } else {
                c.served.fetch_add(1, Ordering::SeqCst);
                if target.starts_with("/api/") {
                    c.api.fetch_add(1, Ordering::SeqCst);
                }
                let now = c.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                c.max_in_flight.fetch_max(now, Ordering::SeqCst);
                let (a, latency) = {
                    let mut un = un.lock().unwrap();
                    (un.answer("", &target, &headers), un.latency())
                };
                c.latency_ms
                    .fetch_add(latency.as_millis() as u64, Ordering::SeqCst);
                tokio::time::sleep(latency).await;
                a
            };
            let _ = stream.write_all(&answer.encode()).await;
            if target != "/_requests" {
                c.in_flight.fetch_sub(1, Ordering::SeqCst);
            }
            let _ = stream.shutdown().await;
        });
    }
}
