//! Debug aid: prints the inter-glyph gaps (in em) of lines containing a needle.
use resingest_extract::interp::{Glyph, PageGlyphs};

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("usage: gaps FILE NEEDLE");
    let needle = args.next().expect("usage: gaps FILE NEEDLE");
    let bytes = std::fs::read(file).expect("read");
    let raw = resingest_extract::pdf::read_pages(&bytes, &Default::default()).expect("pdf");
    for page in &raw.pages {
        let mut gl: Vec<&Glyph> = page.glyphs.iter().collect();
        gl.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
        let mut line = Vec::new();
        let mut y = f32::NAN;
        for g in gl {
            if (g.y - y).abs() > 1.0 {
                print_line(page, &line, &needle);
                line.clear();
                y = g.y;
            }
            line.push(*g);
        }
        print_line(page, &line, &needle);
    }
}

fn print_line(page: &PageGlyphs, line: &[Glyph], needle: &str) {
    let text: String = line.iter().map(|g| page.text_of(g)).collect();
    if !text.contains(needle) {
        return;
    }
    let mut prev: Option<&Glyph> = None;
    for g in line {
        let gap = prev.map(|p| (g.x - (p.x + p.w)) / g.size).unwrap_or(0.0);
        print!("{}[{:.3}] ", page.text_of(g), gap);
        prev = Some(g);
    }
    println!();
}
