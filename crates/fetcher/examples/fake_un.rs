//! The tests' fake UN as a process, for `bench/fetch.sh`: publishes `A/RES/<session>/1..=N`
//! in the given languages and answers like the real symbol API (302 to the uppercase path,
//! the PDF at the lowercase one, an empty 200 for what is not published) after `latency` per
//! request. `GET /_requests` gives the requests served so far: all, and those to the symbol API.
//!
//! `cargo run -p resingest-fetcher --example fake_un -- <session> <n> <langs> <latency_ms>`
//! prints `listening 127.0.0.1:PORT` and serves until killed.

#[path = "../tests/common/fake_un.rs"]
#[allow(dead_code)]
mod fake_un;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or(default.into());
    let session: u32 = arg(1, "79").parse().expect("session");
    let n: u32 = arg(2, "300").parse().expect("count");
    let langs = arg(3, "en,fr");
    let latency = Duration::from_millis(arg(4, "100").parse().expect("latency ms"));
    let mut un = fake_un::Un {
        latency,
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
    let served = Arc::new(AtomicU64::new(0));
    let api = Arc::new(AtomicU64::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("listening {}", listener.local_addr().unwrap());
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let (un, served, api) = (un.clone(), served.clone(), api.clone());
        tokio::spawn(async move {
            let Some((target, headers)) = fake_un::read_request(&mut stream).await else {
                return;
            };
            let answer = if target == "/_requests" {
                let body = format!(
                    "{} {}",
                    served.load(Ordering::Relaxed),
                    api.load(Ordering::Relaxed)
                );
                fake_un::Answer {
                    status: 200,
                    headers: Vec::new(),
                    content_type: "text/plain",
                    body: body.into_bytes(),
                }
            } else {
                served.fetch_add(1, Ordering::Relaxed);
                if target.starts_with("/api/") {
                    api.fetch_add(1, Ordering::Relaxed);
                }
                let (a, latency) = {
                    let mut un = un.lock().unwrap();
                    (un.answer("", &target, &headers), un.latency)
                };
                tokio::time::sleep(latency).await;
                a
            };
            let _ = stream.write_all(&answer.encode()).await;
            let _ = stream.shutdown().await;
        });
    }
}
