//! Reading one OAI-PMH `ListRecords` page of MARCXML: per record its header (identifier,
//! datestamp, deleted or not) and the MARC fields the fetcher uses (191 $a symbol, 089 $b
//! document type, 856 $u file links with $s size and $y language), plus the resumption token.
//! Namespace prefixes are ignored.

use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

/// One record of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub identifier: String,
    pub datestamp: String,
    pub deleted: bool,
    /// 191 $a, the document symbol.
    pub symbol: Option<String>,
    /// 089 $b, the document type (`B01` = adopted resolution).
    pub kind: Option<String>,
    /// 856 links, in order.
    pub files: Vec<Link>,
}

/// One 856 field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    /// $u.
    pub url: String,
    /// $s, bytes.
    pub size: Option<String>,
    /// $y, the language written in its own script ("English", "Français", "中文").
    pub language: Option<String>,
}

/// One `ListRecords` response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub records: Vec<Record>,
    /// Empty or absent on the last page.
    pub resumption_token: Option<String>,
    pub complete_list_size: Option<u64>,
    /// An OAI `<error code=...>`; `noRecordsMatch` just means nothing new.
    pub error: Option<(String, String)>,
}

/// Where the reader is, to know what a text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    None,
    Identifier,
    Datestamp,
    Token,
    Error,
    Subfield,
}

pub fn parse(xml: &[u8]) -> Result<Page, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut page = Page::default();
    let mut record: Option<Record> = None;
    let mut field = Field::None;
    let mut text = String::new();
    let mut tag = String::new();
    let mut code = String::new();
    let mut link: Option<Link> = None;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => {
                start(
                    &e,
                    &mut page,
                    &mut record,
                    &mut field,
                    &mut tag,
                    &mut code,
                    &mut link,
                    &mut text,
                )?;
            }
            // `<resumptionToken completeListSize="3"/>` on the last page: no text, no end.
            Event::Empty(e) => {
                start(
                    &e,
                    &mut page,
                    &mut record,
                    &mut field,
                    &mut tag,
                    &mut code,
                    &mut link,
                    &mut text,
                )?;
                field = Field::None;
            }
            Event::Text(t) if field != Field::None => {
                text.push_str(&t.decode().map_err(|e| e.to_string())?);
            }
            Event::CData(t) if field != Field::None => {
                text.push_str(&t.decode().map_err(|e| e.to_string())?);
            }
            Event::GeneralRef(r) if field != Field::None => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| e.to_string())? {
                    text.push(c);
                } else {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    text.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(e) => {
                let name = e.local_name();
                let value = std::mem::take(&mut text).trim().to_owned();
                match (name.as_ref(), field) {
                    (b"identifier", Field::Identifier) => {
                        if let Some(r) = record.as_mut() {
                            r.identifier = value;
                        }
                    }
                    (b"datestamp", Field::Datestamp) => {
                        if let Some(r) = record.as_mut() {
                            r.datestamp = value;
                        }
                    }
                    (b"resumptionToken", Field::Token) => {
                        page.resumption_token = (!value.is_empty()).then_some(value);
                    }
                    (b"error", Field::Error) => {
                        if let Some((_, message)) = page.error.as_mut() {
                            *message = value;
                        }
                    }
                    (b"subfield", Field::Subfield) => {
                        if let Some(r) = record.as_mut() {
                            match (tag.as_str(), code.as_str()) {
                                ("191", "a") if r.symbol.is_none() => r.symbol = Some(value),
                                ("089", "b") if r.kind.is_none() => r.kind = Some(value),
                                ("856", code) => {
                                    if let Some(l) = link.as_mut() {
                                        match code {
                                            "u" => l.url = value,
                                            "s" => l.size = Some(value),
                                            "y" => l.language = Some(value),
                                            _ => {}
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    (b"datafield", _) => {
                        if let (Some(l), Some(r)) = (link.take(), record.as_mut()) {
                            if !l.url.is_empty() {
                                r.files.push(l);
                            }
                        }
                        tag.clear();
                    }
                    _ => {}
                }
                field = Field::None;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if let Some(r) = record.take() {
        page.records.push(r);
    }
    Ok(page)
}

#[allow(clippy::too_many_arguments)]
fn start(
    e: &BytesStart<'_>,
    page: &mut Page,
    record: &mut Option<Record>,
    field: &mut Field,
    tag: &mut String,
    code: &mut String,
    link: &mut Option<Link>,
    text: &mut String,
) -> Result<(), String> {
    let attr = |name: &str| -> Result<Option<String>, String> {
        match e.try_get_attribute(name).map_err(|e| e.to_string())? {
            Some(a) => Ok(Some(
                a.normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| e.to_string())?
                    .into_owned(),
            )),
            None => Ok(None),
        }
    };
    text.clear();
    match e.local_name().as_ref() {
        // A record starts at its OAI header and ends where the next one starts (MARC's own
        // <record> nests inside OAI's, so closing tags cannot tell them apart cheaply).
        b"header" => {
            if let Some(r) = record.take() {
                page.records.push(r);
            }
            *record = Some(Record {
                deleted: attr("status")?.as_deref() == Some("deleted"),
                ..Record::default()
            });
        }
        b"identifier" => *field = Field::Identifier,
        b"datestamp" => *field = Field::Datestamp,
        b"resumptionToken" => {
            *field = Field::Token;
            page.complete_list_size = attr("completeListSize")?.and_then(|s| s.parse().ok());
        }
        b"error" => {
            *field = Field::Error;
            page.error = Some((attr("code")?.unwrap_or_default(), String::new()));
        }
        b"datafield" => {
            *tag = attr("tag")?.unwrap_or_default();
            if tag == "856" {
                *link = Some(Link::default());
            }
        }
        b"subfield" => {
            *code = attr("code")?.unwrap_or_default();
            *field = Field::Subfield;
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_symbols_links_and_the_token() {
        let xml = br#"<?xml version="1.0"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>
 <record><header><identifier>oai:dl:1</identifier><datestamp>2025-12-01T10:00:00Z</datestamp></header>
  <metadata><marc:record xmlns:marc="http://www.loc.gov/MARC21/slim">
   <marc:datafield tag="191" ind1=" " ind2=" "><marc:subfield code="a">A/RES/80/5</marc:subfield></marc:datafield>
   <marc:datafield tag="856" ind1="4" ind2=" "><marc:subfield code="u">http://h/record/1/files/A_RES_80_5-EN.pdf?a=1&amp;b=2</marc:subfield><marc:subfield code="s">123</marc:subfield></marc:datafield>
   <marc:datafield tag="089" ind1=" " ind2=" "><marc:subfield code="b">B01</marc:subfield></marc:datafield>
   <marc:datafield tag="856" ind1="4" ind2=" "><marc:subfield code="u">http://h/record/1/files/A_RES_80_5-FR.pdf</marc:subfield><marc:subfield code="y">Fran&#231;ais</marc:subfield></marc:datafield>
  </marc:record></metadata></record>
 <record><header status="deleted"><identifier>oai:dl:2</identifier><datestamp>2025-12-02</datestamp></header></record>
 <resumptionToken completeListSize="7">tok&#45;2</resumptionToken>
</ListRecords></OAI-PMH>"#;
        let page = parse(xml).unwrap();
        assert_eq!(page.records.len(), 2);
        let r = &page.records[0];
        assert_eq!(r.identifier, "oai:dl:1");
        assert_eq!(r.symbol.as_deref(), Some("A/RES/80/5"));
        assert_eq!(
            r.files,
            vec![
                Link {
                    url: "http://h/record/1/files/A_RES_80_5-EN.pdf?a=1&b=2".to_owned(),
                    size: Some("123".to_owned()),
                    language: None,
                },
                Link {
                    url: "http://h/record/1/files/A_RES_80_5-FR.pdf".to_owned(),
                    size: None,
                    language: Some("Français".to_owned()),
                },
            ]
        );
        assert_eq!(r.kind.as_deref(), Some("B01"));
        assert!(page.records[1].deleted);
        assert_eq!(page.resumption_token.as_deref(), Some("tok-2"));
        assert_eq!(page.complete_list_size, Some(7));
    }

    #[test]
    fn no_records_and_an_empty_last_token() {
        let page =
            parse(br#"<OAI-PMH><error code="noRecordsMatch">none</error></OAI-PMH>"#).unwrap();
        assert_eq!(page.error, Some(("noRecordsMatch".into(), "none".into())));
        let page = parse(br#"<OAI-PMH><ListRecords><resumptionToken completeListSize="1"/></ListRecords></OAI-PMH>"#).unwrap();
        assert_eq!(page.resumption_token, None);
        assert!(parse(b"<a></b>").is_err());
    }
}
