//! Debug aid: prints the glyphs of lines containing a needle in drawing order, with their x
//! (from the left), advance, font and text: how a producer lays out a line.
use resingest_extract::interp::Glyph;

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args.next().expect("usage: drawn FILE NEEDLE");
    let needle = args.next().expect("usage: drawn FILE NEEDLE");
    let bytes = std::fs::read(file).expect("read");
    let raw = resingest_extract::pdf::read_pages(&bytes, &Default::default()).expect("pdf");
    // `PAGE=N` limits the search to page N (from 1).
    let only: Option<usize> = std::env::var("PAGE").ok().and_then(|v| v.parse().ok());
    for (number, page) in raw.pages.iter().enumerate() {
        if only.is_some_and(|n| n != number + 1) {
            continue;
        }
        // Lines by baseline, glyphs kept in drawing order.
        let mut lines: Vec<(f32, Vec<(usize, &Glyph)>)> = Vec::new();
        for (i, g) in page.glyphs.iter().enumerate() {
            match lines.iter_mut().find(|(y, _)| (g.y - y).abs() < 1.0) {
                Some((_, l)) => l.push((i, g)),
                None => lines.push((g.y, vec![(i, g)])),
            }
        }
        for (y, line) in lines {
            let text: String = line.iter().map(|(_, g)| page.text_of(g)).collect();
            // `y=N` picks the lines within 10 of that baseline.
            let near = needle
                .strip_prefix("y=")
                .and_then(|v| v.parse::<f32>().ok())
                .is_some_and(|v| (v - y).abs() < 10.0);
            if !near && !text.contains(&needle) {
                continue;
            }
            println!("y {y:.1}");
            for (i, g) in line {
                println!(
                    "  #{i:5} x {:7.2} w {:5.2} f{} {:?}",
                    g.x,
                    g.w,
                    g.font,
                    page.text_of(g)
                );
            }
        }
    }
}
