//! Loading a PDF under our limits and running the interpreter over every page.

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

use crate::interp::{Budget, Fonts, Interpreter, PageGlyphs};
use crate::{ExtractError, Limits};

/// All pages' glyphs plus the fonts they index.
pub struct RawDocument {
    pub pages: Vec<PageGlyphs>,
    pub fonts: Fonts,
}

/// Loads `pdf` and interprets every page.
pub fn read_pages(pdf: &[u8], limits: &Limits) -> Result<RawDocument, ExtractError> {
    if pdf.len() as u64 > limits.max_bytes {
        return Err(ExtractError::OverLimit {
            what: "file size in bytes".into(),
            actual: pdf.len() as u64,
            limit: limits.max_bytes,
        });
    }
    let head = &pdf[..pdf.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        let first: String = pdf
            .iter()
            .take(16)
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        return Err(ExtractError::NotAPdf { first_bytes: first });
    }
    let options = LoadOptions {
        max_decompressed_size: Some(limits.max_stream_bytes as usize),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(pdf, options).map_err(load_error)?;
    if doc.is_encrypted() && doc.trailer.get(b"Encrypt").is_ok() && doc.encryption_state.is_none() {
        return Err(ExtractError::Encrypted);
    }
    let page_ids: Vec<ObjectId> = doc
        .page_iter()
        .take(limits.max_pages as usize + 1)
        .collect();
    if page_ids.len() > limits.max_pages as usize {
        return Err(ExtractError::OverLimit {
            what: "pages".into(),
            actual: doc.page_iter().take(1_000_000).count() as u64,
            limit: limits.max_pages as u64,
        });
    }
    if page_ids.is_empty() {
        return Err(ExtractError::Corrupt {
            detail: "the page tree has no pages".into(),
        });
    }
    let mut fonts = Fonts::default();
    let mut budget = Budget {
        stream_limit: limits.max_stream_bytes,
        remaining: limits.max_document_bytes,
        max_depth: limits.max_nesting_depth,
    };
    let mut pages = Vec::with_capacity(page_ids.len());
    for id in page_ids {
        pages.push(read_page(&doc, id, &mut fonts, &mut budget, limits)?);
    }
    if pages.iter().all(|p| p.glyphs.is_empty()) {
        return Err(ExtractError::NoTextLayer {
            pages: pages.len() as u32,
        });
    }
    Ok(RawDocument { pages, fonts })
}

fn load_error(e: lopdf::Error) -> ExtractError {
    match e {
        lopdf::Error::Decryption(_)
        | lopdf::Error::InvalidPassword
        | lopdf::Error::UnsupportedSecurityHandler(_) => ExtractError::Encrypted,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit }) => {
            ExtractError::OverLimit {
                what: "decompressed bytes of one stream".into(),
                actual: limit as u64 + 1,
                limit: limit as u64,
            }
        }
        other => ExtractError::Corrupt {
            detail: other.to_string(),
        },
    }
}

/// Walks up the page tree for an inherited attribute (Resources, MediaBox), bounded.
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..64 {
        if let Ok(v) = node.get(key) {
            return doc.dereference(v).ok().map(|(_, o)| o);
        }
        let parent = node
            .get(b"Parent")
            .ok()
            .and_then(|p| doc.dereference(p).ok())
            .and_then(|(_, o)| o.as_dict().ok())?;
        node = parent;
    }
    None
}

fn read_page(
    doc: &Document,
    id: ObjectId,
    fonts: &mut Fonts,
    budget: &mut Budget,
    limits: &Limits,
) -> Result<PageGlyphs, ExtractError> {
    let page = doc.get_dictionary(id).map_err(|e| ExtractError::Corrupt {
        detail: format!("page object: {e}"),
    })?;
    let resources = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok());
    let (width, height) = inherited(doc, page, b"MediaBox")
        .and_then(|o| o.as_array().ok())
        .and_then(|a| {
            let v: Vec<f32> = a
                .iter()
                .filter_map(|o| doc.dereference(o).ok())
                .filter_map(|(_, o)| o.as_float().ok())
                .collect();
            (v.len() == 4).then(|| ((v[2] - v[0]).abs(), (v[3] - v[1]).abs()))
        })
        .unwrap_or((612.0, 792.0));
    let remaining_page_budget = limits.max_stream_bytes.min(budget.remaining);
    let content = doc
        .get_page_content_with_limit(id, remaining_page_budget as usize)
        .map_err(|e| match e {
            lopdf::Error::Decompress(_) => ExtractError::OverLimit {
                what: "decompressed content bytes of a page".into(),
                actual: remaining_page_budget + 1,
                limit: remaining_page_budget,
            },
            other => ExtractError::Corrupt {
                detail: other.to_string(),
            },
        })?;
    budget.take(
        "decompressed content bytes in the document",
        content.len() as u64,
        limits.max_document_bytes,
    )?;
    let mut interp = Interpreter::new(doc, fonts, budget, limits.max_document_bytes, width, height);
    interp.run(&content, resources, 0)?;
    Ok(interp.finish())
}
