//! `resingest extract-child` for the worker's own tests: the real extractor served over the
//! sandbox protocol.

fn main() -> std::io::Result<()> {
    resingest_sandbox::child::serve(resingest_extract::render)
}
