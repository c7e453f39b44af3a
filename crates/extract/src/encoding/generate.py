#!/usr/bin/env python3
"""Writes the generated tables of `resingest_extract::encoding` (run from anywhere):

- `glyphlist.rs`: the Adobe Glyph List (legacy AGL 2.0, BSD-3-Clause, Adobe) from fontTools'
  `agl.LEGACY_AGL2UV`: glyph name -> Unicode text, sorted by name bytes for binary search.
- `tables.rs`: the single-byte base encodings of simple fonts (PDF 32000-1 Annex D):
  WinAnsi as Windows-1252, MacRoman as Python's `mac_roman`, Standard through the glyph
  names of fontTools' `encodings.StandardEncoding`; U+0000 where a code is undefined
  (control codes, codes the code page leaves out, `.notdef`).

Needs fontTools (`pip install fonttools`); then `cargo fmt` formats the output. The files
are checked in: a build never runs this.
"""

import pathlib

from fontTools import agl
from fontTools.encodings.StandardEncoding import StandardEncoding

HERE = pathlib.Path(__file__).resolve().parent


def rust_str(codepoints):
    return "".join("\\u{%x}" % c for c in codepoints)


def rust_char(c):
    return "'\\u{%x}'" % c


def glyphlist():
    names = sorted(agl.LEGACY_AGL2UV, key=lambda n: n.encode())
    rows = "".join(
        '    ("%s", "%s"),\n' % (n, rust_str(agl.LEGACY_AGL2UV[n])) for n in names
    )
    return (
        "//! The Adobe Glyph List (legacy AGL 2.0, BSD-3-Clause, Adobe), generated from fontTools.agl:\n"
        "//! glyph name -> Unicode, sorted by name bytes for binary search.\n\n"
        "pub(crate) static GLYPHS: &[(&str, &str)] = &[\n" + rows + "];\n"
    )


def code_page(codec):
    out = []
    for code in range(256):
        try:
            c = bytes([code]).decode(codec)
        except UnicodeDecodeError:
            c = "\0"
        out.append(0 if code < 0x20 else ord(c))
    return out


def standard():
    out = []
    for name in StandardEncoding:
        uv = agl.LEGACY_AGL2UV.get(name)
        out.append(uv[0] if uv else 0)
    return out


def tables():
    parts = [
        "//! Single-byte encodings of simple fonts (PDF 32000-1 Annex D), generated; U+0000 = undefined.\n\n"
    ]
    for name, table in [
        ("WIN_ANSI", code_page("cp1252")),
        ("MAC_ROMAN", code_page("mac_roman")),
        ("STANDARD", standard()),
    ]:
        parts.append(
            "pub(crate) static %s: [char; 256] = [\n%s\n];\n"
            % (name, ", ".join(rust_char(c) for c in table) + ",")
        )
    return "".join(parts)


if __name__ == "__main__":
    (HERE / "glyphlist.rs").write_text(glyphlist())
    (HERE / "tables.rs").write_text(tables())
