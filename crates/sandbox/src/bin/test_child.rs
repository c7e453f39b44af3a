//! A stand-in extraction child for the supervisor's tests: echoes a `%PDF-` input back and
//! rejects anything else as not a PDF, so the tests exercise the pool and the failpoints
//! without depending on what the real extractor makes of a file.

use resingest_extract::ExtractError;

fn main() -> std::io::Result<()> {
    resingest_sandbox::child::serve(|pdf, _format, _limits| {
        if pdf.starts_with(b"%PDF-") {
            Ok(pdf.to_vec())
        } else {
            let first_bytes = String::from_utf8_lossy(&pdf[..pdf.len().min(8)]).into_owned();
            Err(ExtractError::NotAPdf { first_bytes })
        }
    })
}
