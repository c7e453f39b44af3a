//! Hostile PDFs, written byte by byte (lopdf's writer cannot express most of them), for the
//! isolation tests and the fuzz seed corpus. Each targets one known way PDF readers have been
//! made to crash, hang or exhaust memory. Never used on the production path.

use std::fmt::Write as _;

/// A PDF whose objects are `bodies` (numbered from 1, object 1 the catalog), with a correct
/// classic xref table and `trailer_extra` added to the trailer dictionary.
pub fn classic(bodies: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(bodies.len());
    for (i, body) in bodies.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(&xref_table(&offsets));
    let trailer = format!(
        "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
        bodies.len() + 1
    );
    pdf.extend_from_slice(trailer.as_bytes());
    pdf
}

fn xref_table(offsets: &[usize]) -> Vec<u8> {
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for offset in offsets {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    table.into_bytes()
}

/// The smallest well-formed one-page document drawing `content` with Helvetica.
pub fn one_page(content: &[u8]) -> Vec<u8> {
    classic(&page_objects(stream(b"", content)), "")
}

fn page_objects(content_stream: Vec<u8>) -> Vec<Vec<u8>> {
    vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
           /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_vec(),
        content_stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ]
}

fn stream(dict_extra: &[u8], data: &[u8]) -> Vec<u8> {
    let mut obj = format!("<< /Length {} ", data.len()).into_bytes();
    obj.extend_from_slice(dict_extra);
    obj.extend_from_slice(b" >>\nstream\n");
    obj.extend_from_slice(data);
    obj.extend_from_slice(b"\nendstream");
    obj
}

/// `depth` nested arrays in an object the catalog points to: recursive-descent object
/// parsers overflow their stack on it (RUSTSEC-2026-0187).
pub fn nested_arrays(depth: usize) -> Vec<u8> {
    let mut objects = page_objects(stream(b"", b"BT /F1 12 Tf 72 720 Td (nested) Tj ET"));
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /Deep 6 0 R >>".to_vec();
    let mut deep = vec![b'['; depth];
    deep.extend(std::iter::repeat_n(b']', depth));
    objects.push(deep);
    classic(&objects, "")
}

/// `depth` nested arrays inside a page's content stream, for our own interpreter.
pub fn nested_arrays_in_content(depth: usize) -> Vec<u8> {
    let mut content = b"BT /F1 12 Tf 72 720 Td ".to_vec();
    content.extend(std::iter::repeat_n(b'[', depth));
    content.extend(std::iter::repeat_n(b']', depth));
    content.extend_from_slice(b" TJ ET");
    one_page(&content)
}

/// Two xref sections whose trailers name each other in `/Prev`: a reader that follows
/// `/Prev` without remembering where it has been loops forever.
pub fn xref_prev_loop() -> Vec<u8> {
    let objects = page_objects(stream(b"", b"BT /F1 12 Tf 72 720 Td (loop) Tj ET"));
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let size = objects.len() + 1;
    // Both sections have the same length, so the second's offset is known before writing.
    let first = pdf.len();
    let section = |prev: usize| {
        let mut s = xref_table(&offsets);
        s.extend_from_slice(
            format!("trailer\n<< /Size {size} /Root 1 0 R /Prev {prev:010} >>\n").as_bytes(),
        );
        s
    };
    let second = first + section(0).len();
    pdf.extend_from_slice(&section(second));
    pdf.extend_from_slice(&section(first));
    pdf.extend_from_slice(format!("startxref\n{first}\n%%EOF\n").as_bytes());
    pdf
}

/// An xref stream with `/W [0 0 0]` and `/Index [0 1000000000]`: zero-width entries that
/// cost nothing to store and a billion of them to decode (lopdf #532, #553).
pub fn xref_stream_zero_widths() -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let objects = page_objects(stream(b"", b"BT /F1 12 Tf 72 720 Td (xref) Tj ET"));
    for (i, body) in objects.iter().enumerate() {
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(b"6 0 obj\n");
    pdf.extend_from_slice(&stream(
        b"/Type /XRef /W [0 0 0] /Index [0 1000000000] /Size 1000000000 /Root 1 0 R",
        b"",
    ));
    pdf.extend_from_slice(format!("\nendobj\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    pdf
}

/// A page whose content stream is `layers` nested FlateDecode filters around `zeros` zero
/// bytes: about a kilobyte on disk for gigabytes decoded.
pub fn flate_bomb(zeros: u64, layers: usize) -> Vec<u8> {
    let mut data = zlib_of_zeros(zeros);
    for _ in 1..layers {
        data = zlib_of_repeats(&data);
    }
    let filters = vec!["/FlateDecode"; layers].join(" ");
    let dict = format!("/Filter [{filters}]");
    classic(&page_objects(stream(dict.as_bytes(), &data)), "")
}

/// Catalog -> Pages -> Pages -> the first Pages again: unbounded recursion for a reader that
/// walks `/Kids` without a visited set.
pub fn pages_cycle() -> Vec<u8> {
    classic(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>".to_vec(),
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>".to_vec(),
            stream(b"", b"BT ET"),
        ],
        "",
    )
}

/// `len` pseudo-random bytes behind a `%PDF-1.7` header, the same for the same `seed`.
pub fn random_after_header(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..len).map(|_| {
        // xorshift64*: deterministic and dependency-free.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
    }));
    pdf
}

/// Every hostile file with a stable name, for seed corpora and test tables.
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("nested-arrays-10000.pdf", nested_arrays(10_000)),
        (
            "nested-arrays-in-content-10000.pdf",
            nested_arrays_in_content(10_000),
        ),
        ("xref-prev-loop.pdf", xref_prev_loop()),
        ("xref-stream-w000-index-1e9.pdf", xref_stream_zero_widths()),
        ("flate-bomb-4gib.pdf", flate_bomb(4 << 30, 3)),
        ("pages-cycle.pdf", pages_cycle()),
        (
            "random-after-header.pdf",
            random_after_header(64 << 10, 0x5eed),
        ),
    ]
}

/// A zlib stream of `n` zero bytes, built directly: one literal zero, then back-references of
/// length 258 at distance 1 (13 bits each, so ~1/160 of a byte per output byte).
fn zlib_of_zeros(n: u64) -> Vec<u8> {
    let mut bits = BitWriter::default();
    bits.put(0b011, 3); // final block, fixed Huffman codes
    if n > 0 {
        bits.literal(0);
        let rest = n - 1;
        for _ in 0..rest / 258 {
            bits.copy_258(1);
        }
        for _ in 0..rest % 258 {
            bits.literal(0);
        }
    }
    bits.end_of_block();
    // Adler-32 of n zeros: a stays 1, b grows by 1 per byte.
    let adler = (((n % 65521) as u32) << 16) | 1;
    zlib_wrap(bits.finish(), adler)
}

/// A zlib stream of `data`, compressed only by back-references of length 258 to the same
/// bytes one period earlier; enough for the periodic output of [`zlib_of_zeros`].
fn zlib_of_repeats(data: &[u8]) -> Vec<u8> {
    let period = (1..=64).max_by_key(|&p| repeats_at(data, p)).unwrap_or(1);
    let mut bits = BitWriter::default();
    bits.put(0b011, 3);
    let mut i = 0;
    while i < data.len() {
        if i >= period
            && i + 258 <= data.len()
            && data[i..i + 258] == data[i - period..i - period + 258]
        {
            bits.copy_258(period);
            i += 258;
        } else {
            bits.literal(data[i]);
            i += 1;
        }
    }
    bits.end_of_block();
    zlib_wrap(bits.finish(), adler32(data))
}

fn repeats_at(data: &[u8], period: usize) -> usize {
    let sample = &data[data.len() / 4..data.len() / 4 + (data.len() / 4).min(4096)];
    sample
        .iter()
        .zip(&sample[period.min(sample.len())..])
        .filter(|(a, b)| a == b)
        .count()
}

fn zlib_wrap(deflate: Vec<u8>, adler: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(deflate.len() + 6);
    out.extend_from_slice(&[0x78, 0x9c]);
    out.extend_from_slice(&deflate);
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += byte as u32;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// Deflate's bit order: fields LSB first, Huffman codes MSB first.
#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    len: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= (value as u64) << self.len;
        self.len += count;
        while self.len >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    fn code(&mut self, code: u32, count: u32) {
        self.put(code.reverse_bits() >> (32 - count), count);
    }

    fn literal(&mut self, byte: u8) {
        match byte {
            0..=143 => self.code(0x30 + byte as u32, 8),
            _ => self.code(0x190 + (byte as u32 - 144), 9),
        }
    }

    /// A back-reference of length 258 (symbol 285, no extra bits) at `distance`.
    fn copy_258(&mut self, distance: usize) {
        self.code(0xc5, 8);
        let (code, extra_bits, base) = distance_code(distance);
        self.code(code, 5);
        self.put((distance - base) as u32, extra_bits);
    }

    fn end_of_block(&mut self) {
        self.code(0, 7);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.len > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

fn distance_code(distance: usize) -> (u32, u32, usize) {
    const BASES: [usize; 16] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193];
    let code = BASES
        .iter()
        .rposition(|&b| b <= distance)
        .expect("distance at least 1");
    assert!(distance < 257, "only short periods are used");
    (
        code as u32,
        (code as u32 / 2).saturating_sub(1),
        BASES[code],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_of_zeros_matches_the_closed_form() {
        assert_eq!(
            adler32(&[0; 100_000]),
            (((100_000 % 65521) as u32) << 16) | 1
        );
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    }

    #[test]
    fn bombs_are_small_on_disk() {
        let bomb = flate_bomb(4 << 30, 3);
        assert!(bomb.len() < 8 << 10, "{} bytes", bomb.len());
    }

    #[test]
    fn prev_loop_trailers_point_at_each_other() {
        let pdf = xref_prev_loop();
        let text = String::from_utf8_lossy(&pdf);
        let sections: Vec<usize> = text.match_indices("xref\n0 ").map(|(i, _)| i).collect();
        assert_eq!(sections.len(), 2);
        assert!(text.contains(&format!("/Prev {:010}", sections[1])));
        assert!(text.contains(&format!("/Prev {:010}", sections[0])));
        assert!(text.contains(&format!("startxref\n{}\n", sections[0])));
    }
}

#[cfg(test)]
mod dump {
    #[test]
    #[ignore = "writes the hostile files to $HOSTILE_OUT for inspection and seed corpora"]
    fn write_hostile_files() {
        let dir = std::env::var("HOSTILE_OUT").expect("set HOSTILE_OUT to a folder");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in super::all() {
            std::fs::write(std::path::Path::new(&dir).join(name), bytes).unwrap();
        }
        std::fs::write(
            std::path::Path::new(&dir).join("bomb-small.zlib"),
            super::flate_bomb(10_000_000, 2),
        )
        .unwrap();
    }
}
