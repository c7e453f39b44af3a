//! Page furniture: the page-1 masthead, running headers, footers and the footnote separator,
//! at the positions Word-made UN resolutions use (US Letter, measured from A/RES/78/101).
//!
//! Produces marks only; the running header and footers never touch the body's layout, which
//! is why the paginator's limits ([`crate::Geometry`]) keep the body clear of them.

use crate::blocks::Masthead;
use crate::content::{Artifact, ContentWriter};
use crate::fonts::{Fonts, Role};
use crate::layout::{Frag, Piece};
use crate::metrics;
use crate::options::{Furniture, Geometry};
use crate::Face;

/// Something drawn outside the text flow.
#[derive(Clone, Debug)]
pub(crate) enum Mark {
    /// Text whose pieces carry absolute x positions.
    Text {
        pieces: Vec<Piece>,
        y: f32,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    Emblem {
        cx: f32,
        cy: f32,
        r: f32,
    },
}

/// A group of marks, wrapped as a header or footer artifact when marked content is on.
#[derive(Clone, Debug, Default)]
pub(crate) struct Group {
    pub artifact: Option<Artifact>,
    pub marks: Vec<Mark>,
}

impl Group {
    pub fn draw(&self, w: &mut ContentWriter) {
        if let Some(kind) = self.artifact {
            w.begin_artifact(kind);
        }
        for mark in &self.marks {
            match mark {
                Mark::Text { pieces, y } => w.furniture_line(pieces, 0.0, *y),
                Mark::Rect { x, y, w: width, h } => w.rect(*x, *y, *width, *h),
                Mark::Emblem { cx, cy, r } => w.emblem(*cx, *cy, *r),
            }
        }
        if self.artifact.is_some() {
            w.end_artifact();
        }
    }
}

fn frag(fonts: &mut Fonts, face: Face, size: f32, text: &str) -> Frag {
    let (font, glyphs) = fonts.shape(face, text, Role::Furniture);
    Frag::new(font, glyphs, size)
}

/// One line of furniture text starting at `x`.
fn text_at(fonts: &mut Fonts, face: Face, size: f32, text: &str, x: f32, y: f32) -> Mark {
    Mark::Text {
        pieces: vec![Piece {
            x,
            frag: frag(fonts, face, size, text),
        }],
        y,
    }
}

/// One line of furniture text ending at `right`.
fn text_right(fonts: &mut Fonts, face: Face, size: f32, text: &str, right: f32, y: f32) -> Mark {
    let f = frag(fonts, face, size, text);
    Mark::Text {
        pieces: vec![Piece {
            x: right - f.width,
            frag: f,
        }],
        y,
    }
}

/// Greedy word wrap at `width` points, for short titles in the running header.
fn wrap(face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if !cur.is_empty() && metrics::text_width(face, size, &candidate) > width {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The page-1 masthead, down to the thick rule just above the first text line (at
/// y = 581.62 with the default geometry).
pub(crate) fn masthead(m: &Masthead, g: &Geometry, fonts: &mut Fonts) -> Group {
    let mut marks = Vec::new();
    let left = g.column_left;
    let un = frag(fonts, Face::Regular, 14.04, "United Nations").scaled(0.957_45);
    marks.push(Mark::Text {
        pieces: vec![Piece { x: left, frag: un }],
        y: 734.16,
    });
    // The symbol's first letter and slash are large ("A/" 20 pt, "RES/71/19" 10 pt).
    let split = m.symbol.find('/').map_or(m.symbol.len(), |i| i + 1);
    let (big, small) = m.symbol.split_at(split);
    let big = frag(fonts, Face::Regular, 20.04, big).scaled(1.0299);
    let small = frag(fonts, Face::Regular, 9.96, small);
    let x = g.furniture_right - big.width - small.width;
    let small_x = x + big.width;
    marks.push(Mark::Text {
        pieces: vec![
            Piece { x, frag: big },
            Piece {
                x: small_x,
                frag: small,
            },
        ],
        y: 735.48,
    });
    marks.push(Mark::Rect {
        x: g.furniture_left,
        y: 726.72,
        w: g.furniture_right + 0.58 - g.furniture_left,
        h: 0.48,
    });
    let organ = frag(fonts, Face::Bold, 20.04, &m.organ).scaled(0.971_83);
    marks.push(Mark::Text {
        pieces: vec![Piece {
            x: left,
            frag: organ,
        }],
        y: 705.58,
    });
    let distr = format!("Distr.: {}", m.distribution);
    marks.push(text_at(fonts, Face::Regular, 9.96, &distr, 397.03, 705.34));
    marks.push(text_at(fonts, Face::Regular, 9.96, &m.date, 397.03, 693.58));
    if m.emblem {
        marks.push(Mark::Emblem {
            cx: 92.73,
            cy: 697.2,
            r: 22.0,
        });
    }
    marks.push(Mark::Rect {
        x: g.furniture_left - 0.72,
        y: g.first_page_top_baseline + 11.88,
        w: g.furniture_right - g.furniture_left + 0.72,
        h: 1.44,
    });
    Group {
        artifact: None,
        marks,
    }
}

/// Running header of page `page_no` (2+): symbol and short title in 8.5 pt bold above a thin
/// rule; the symbol sits on the outer side (left on even pages, right on odd ones).
pub(crate) fn running_header(
    f: &Furniture,
    page_no: usize,
    g: &Geometry,
    fonts: &mut Fonts,
) -> Group {
    const SIZE: f32 = 8.52;
    const LEADING: f32 = 9.84;
    let y = g.header_baseline;
    let (l, r) = (g.furniture_left, g.furniture_right);
    let even = page_no % 2 == 0;
    let mut marks = Vec::new();
    if even {
        marks.push(text_at(fonts, Face::Bold, SIZE, &f.symbol, l, y));
    } else {
        marks.push(text_right(fonts, Face::Bold, SIZE, &f.symbol, r, y));
    }
    if let Some(title) = &f.short_title {
        let lines = wrap(Face::Bold, SIZE, title, 250.0);
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            let ly = y + (n - 1 - i) as f32 * LEADING;
            marks.push(if even {
                text_right(fonts, Face::Bold, SIZE, line, r, ly)
            } else {
                text_at(fonts, Face::Bold, SIZE, line, l, ly)
            });
        }
    }
    marks.push(Mark::Rect {
        x: l - 0.72,
        y: g.header_rule,
        w: r - l + 0.82,
        h: 0.24,
    });
    Group {
        artifact: Some(Artifact::Header),
        marks,
    }
}

/// Footer: on page 1 the job number with its language tag, the release code and the barcode;
/// on later pages `n/N` in bold on the outer side and the bare job number in 7 pt opposite.
pub(crate) fn footer(
    f: &Furniture,
    page_no: usize,
    pages: usize,
    g: &Geometry,
    fonts: &mut Fonts,
) -> Group {
    let (l, r) = (g.furniture_left, g.furniture_right);
    let mut marks = Vec::new();
    if page_no == 1 {
        let y = g.first_page_footer_baseline;
        let job = format!("{} (E)", f.job_number);
        marks.push(text_at(fonts, Face::Regular, 9.96, &job, l + 5.424, y));
        if let Some(code) = &f.release_code {
            marks.push(text_at(fonts, Face::Regular, 9.96, code, l + 74.06, y));
        }
        if f.barcode {
            let digits: String = f.job_number.chars().filter(char::is_ascii_digit).collect();
            let (font, glyphs) = fonts.shape_barcode(&format!("*{digits}*"));
            marks.push(Mark::Text {
                pieces: vec![Piece {
                    x: l + 5.424,
                    frag: Frag::new(font, glyphs, 12.0),
                }],
                y: y - 14.64,
            });
        }
    } else {
        let y = g.footer_baseline;
        let number = format!("{page_no}/{pages}");
        let job_y = y + 1.44;
        if page_no % 2 == 0 {
            marks.push(text_at(fonts, Face::Bold, 8.52, &number, l, y));
            marks.push(text_right(
                fonts,
                Face::Regular,
                6.96,
                &f.job_number,
                r,
                job_y,
            ));
        } else {
            marks.push(text_at(fonts, Face::Regular, 6.96, &f.job_number, l, job_y));
            marks.push(text_right(fonts, Face::Bold, 8.52, &number, r, y));
        }
    }
    Group {
        artifact: Some(Artifact::Footer),
        marks,
    }
}

/// The footnote separator: a row of underscores in 8 pt bold, starting one indent left of
/// the column, `y` being its baseline.
pub(crate) fn separator(g: &Geometry, y: f32, fonts: &mut Fonts) -> Group {
    let x = g.column_left - crate::blocks::INDENT;
    Group {
        artifact: None,
        marks: vec![text_at(fonts, Face::Bold, 8.04, &"_".repeat(18), x, y)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_short_titles_wrap_into_lines_no_wider_than_asked() {
        let t = "Cooperation between the United Nations and the International Criminal Police Organization (INTERPOL)";
        let lines = wrap(Face::Bold, 8.52, t, 250.0);
        assert!(lines.len() >= 2);
        assert_eq!(lines.join(" "), t);
        for line in &lines {
            assert!(metrics::text_width(Face::Bold, 8.52, line) <= 250.0);
        }
    }
}
