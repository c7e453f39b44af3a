//! Where candidates come from. Each source turns one poll into downloads (or file reads) handed
//! to [`crate::deliver::Fetcher`]:
//!
//! - [`symbols`]: probes the next sequential symbols of the General Assembly's current (and
//!   previous) session, the Security Council and opt-in series on the symbol API, stopping
//!   after K consecutive misses.
//! - [`oai`]: harvests the Digital Library's OAI-PMH `ListRecords` (MARCXML) from the last
//!   harvest's date, following resumption tokens, and downloads the 856 $u files.
//! - [`urls`]: links, one a line, from a file or stdin; links to the UN's viewer become symbols.
//! - [`dir`]: PDFs in a local folder.

pub mod dir;
pub mod oai;
pub mod oai_xml;
pub mod symbols;
pub mod urls;

use std::path::PathBuf;
use std::str::FromStr;

use crate::deliver::{Fetcher, Summary};
use crate::FetchError;

/// A `--source` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Symbols,
    Oai,
    /// `urls:FILE`; `None` = stdin (`urls:-`).
    Urls(Option<PathBuf>),
    Dir(PathBuf),
}

impl Source {
    /// The bounded label used in metrics and the ledger.
    pub fn label(&self) -> &'static str {
        match self {
            Source::Symbols => "symbols",
            Source::Oai => "oai",
            Source::Urls(_) => "urls",
            Source::Dir(_) => "dir",
        }
    }
}

impl FromStr for Source {
    type Err = FetchError;

    fn from_str(s: &str) -> Result<Source, FetchError> {
        let bad = |detail: &str| FetchError::Source {
            source_spec: s.into(),
            detail: detail.into(),
        };
        match s.split_once(':') {
            None if s == "symbols" => Ok(Source::Symbols),
            None if s == "oai" => Ok(Source::Oai),
            Some(("urls", "-")) => Ok(Source::Urls(None)),
            Some(("urls", f)) if !f.is_empty() => Ok(Source::Urls(Some(f.into()))),
            Some(("dir", d)) if !d.is_empty() => Ok(Source::Dir(d.into())),
            _ => Err(bad(
                "expected one of symbols, oai, urls:FILE, urls:- (stdin) or dir:PATH",
            )),
        }
    }
}

/// A source ready to poll; `urls:-` reads stdin once, here.
pub enum Poller {
    Symbols,
    Oai,
    Urls(Vec<urls::Line>),
    Dir(PathBuf),
}

impl Poller {
    pub fn new(source: &Source) -> Result<Poller, FetchError> {
        Ok(match source {
            Source::Symbols => Poller::Symbols,
            Source::Oai => Poller::Oai,
            Source::Urls(file) => Poller::Urls(urls::read_lines(file.as_deref())?),
            Source::Dir(d) => Poller::Dir(d.clone()),
        })
    }

    pub async fn poll(&self, f: &Fetcher) -> Result<Summary, FetchError> {
        match self {
            Poller::Symbols => symbols::poll(f).await,
            Poller::Oai => oai::poll(f).await,
            Poller::Urls(lines) => urls::poll(f, lines).await,
            Poller::Dir(d) => dir::poll(f, d).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse() {
        assert_eq!("symbols".parse::<Source>().unwrap(), Source::Symbols);
        assert_eq!("urls:-".parse::<Source>().unwrap(), Source::Urls(None));
        assert_eq!(
            "dir:/x".parse::<Source>().unwrap(),
            Source::Dir("/x".into())
        );
        let err = "ftp:x".parse::<Source>().unwrap_err().to_string();
        assert!(err.contains("`ftp:x`"), "{err}");
    }
}
