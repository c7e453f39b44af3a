//! The wire format between supervisor and child: one frame per message on the child's
//! stdin (requests) and stdout (responses).
//!
//! A frame is `header_len: u32 LE`, `body_len: u64 LE`, then `header_len` bytes of JSON header
//! and `body_len` bytes of body (the PDF in a request, the rendered output in a response).
//! Both lengths come first so the supervisor can reject an oversized frame before reading it.
//! This module owns the encoding only; it never decides what a failure means.

use std::io::{self, Read, Write};

use resingest_extract::{ExtractError, Format, Limits};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Size of the two length fields that open every frame.
pub const PREFIX_LEN: usize = 12;
/// Largest header accepted; headers are small JSON objects.
pub const MAX_HEADER_LEN: u32 = 1 << 20;

/// A request: render `body` (the PDF) in `format` under `limits`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub format: Format,
    pub limits: Limits,
    /// CPU seconds this job may use; the child arms `RLIMIT_CPU` with it.
    pub cpu_seconds: Option<u64>,
}

/// A response to request `id`; on [`Outcome::Ok`] the body is the rendered output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub id: u64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Err(ExtractError),
    Panicked(String),
}

/// The frame prefix and header for `header` with a body of `body_len` bytes; the body follows
/// separately so a large PDF is never copied.
pub fn encode_head(header: &impl Serialize, body_len: usize) -> Vec<u8> {
    let json = serde_json::to_vec(header).expect("protocol headers serialise");
    let mut head = Vec::with_capacity(PREFIX_LEN + json.len());
    head.extend_from_slice(&(json.len() as u32).to_le_bytes());
    head.extend_from_slice(&(body_len as u64).to_le_bytes());
    head.extend_from_slice(&json);
    head
}

/// Writes one frame (blocking); the child's side.
pub fn write_frame(w: &mut impl Write, header: &impl Serialize, body: &[u8]) -> io::Result<()> {
    w.write_all(&encode_head(header, body.len()))?;
    w.write_all(body)?;
    w.flush()
}

/// Reads one frame (blocking); `Ok(None)` on a clean end of input between frames.
pub fn read_frame<H: DeserializeOwned>(
    r: &mut impl Read,
    max_body: u64,
) -> io::Result<Option<(H, Vec<u8>)>> {
    let mut prefix = [0u8; PREFIX_LEN];
    let mut got = 0;
    while got < PREFIX_LEN {
        match r.read(&mut prefix[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let (header_len, body_len) = check_prefix(&prefix, max_body).map_err(invalid)?;
    let mut header = vec![0u8; header_len];
    r.read_exact(&mut header)?;
    let mut body = vec![0u8; body_len];
    r.read_exact(&mut body)?;
    let header =
        serde_json::from_slice(&header).map_err(|e| invalid(format!("bad header: {e}")))?;
    Ok(Some((header, body)))
}

/// Validates a frame prefix and returns the header and body lengths.
pub fn check_prefix(prefix: &[u8; PREFIX_LEN], max_body: u64) -> Result<(usize, usize), String> {
    let header_len = u32::from_le_bytes(prefix[..4].try_into().unwrap());
    let body_len = u64::from_le_bytes(prefix[4..].try_into().unwrap());
    if header_len > MAX_HEADER_LEN {
        return Err(format!(
            "header of {header_len} bytes, the limit is {MAX_HEADER_LEN}"
        ));
    }
    if body_len > max_body {
        return Err(format!("body of {body_len} bytes, the limit is {max_body}"));
    }
    Ok((header_len as usize, body_len as usize))
}

/// Accumulates bytes read without blocking and yields a frame once it is complete.
#[derive(Debug, Default)]
pub struct FrameBuffer {
    buf: Vec<u8>,
}

impl FrameBuffer {
    pub fn extend(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The first complete frame, if there is one; an error when the bytes cannot be a frame
    /// or the body would exceed `max_body`.
    pub fn take<H: DeserializeOwned>(
        &mut self,
        max_body: u64,
    ) -> Result<Option<(H, Vec<u8>)>, String> {
        let Some(prefix) = self.buf.first_chunk::<PREFIX_LEN>() else {
            return Ok(None);
        };
        let (header_len, body_len) = check_prefix(prefix, max_body)?;
        let total = PREFIX_LEN + header_len + body_len;
        if self.buf.len() < total {
            self.buf.reserve(total - self.buf.len());
            return Ok(None);
        }
        let header = serde_json::from_slice(&self.buf[PREFIX_LEN..PREFIX_LEN + header_len])
            .map_err(|e| format!("bad header: {e}"))?;
        let body = self.buf[PREFIX_LEN + header_len..total].to_vec();
        self.buf.drain(..total);
        Ok(Some((header, body)))
    }
}

fn invalid(detail: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, detail.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request {
            id: 7,
            format: Format::Text,
            limits: Limits::default(),
            cpu_seconds: Some(3),
        }
    }

    #[test]
    fn frame_round_trips_through_blocking_and_incremental_readers() {
        let mut wire = Vec::new();
        write_frame(&mut wire, &request(), b"%PDF-1.7 body").unwrap();
        let (header, body): (Request, _) =
            read_frame(&mut wire.as_slice(), 1 << 20).unwrap().unwrap();
        assert_eq!(
            (header, body.as_slice()),
            (request(), &b"%PDF-1.7 body"[..])
        );

        let mut buf = FrameBuffer::default();
        for byte in &wire[..wire.len() - 1] {
            buf.extend(std::slice::from_ref(byte));
            assert!(buf.take::<Request>(1 << 20).unwrap().is_none());
        }
        buf.extend(&wire[wire.len() - 1..]);
        let (header, body): (Request, _) = buf.take(1 << 20).unwrap().unwrap();
        assert_eq!(
            (header, body.as_slice()),
            (request(), &b"%PDF-1.7 body"[..])
        );
        assert!(buf.is_empty());
    }

    #[test]
    fn oversized_body_is_rejected_from_the_prefix_alone() {
        let head = encode_head(&request(), 1 << 40);
        let mut buf = FrameBuffer::default();
        buf.extend(&head[..PREFIX_LEN]);
        let err = buf.take::<Request>(1 << 30).unwrap_err();
        assert_eq!(err, "body of 1099511627776 bytes, the limit is 1073741824");
    }

    #[test]
    fn clean_end_between_frames_is_none_and_mid_frame_is_an_error() {
        assert!(read_frame::<Request>(&mut &b""[..], 10).unwrap().is_none());
        assert!(read_frame::<Request>(&mut &b"\x01\x00"[..], 10).is_err());
    }
}
