//! Debug aid: typesets synthetic resolution SEED, prints our text and the expected meta.
fn main() {
    let seed: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("usage: synthetic SEED");
    let (pdf, meta) = resingest_typeset::synthetic::resolution(seed);
    if let Some(path) = std::env::args().nth(2) {
        std::fs::write(path, &pdf).expect("write pdf");
    }
    let limits = resingest_extract::Limits::default();
    let text =
        resingest_extract::render(&pdf, resingest_extract::Format::Text, &limits).expect("extract");
    println!("{}", String::from_utf8_lossy(&text));
    println!("== expected: {meta:#?}");
}
