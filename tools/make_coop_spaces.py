"""Build styles/fonts/CoopSpaces-Regular.ttf: the space characters the bundled text fonts lack (U+202F...).

Run: .venv/bin/python tools/make_coop_spaces.py (the font is committed; run only to change it).
"""
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

SPACES = {0x202F: ("uni202F", 200), 0x2009: ("uni2009", 200), 0x200A: ("uni200A", 100), 0x2060: ("uni2060", 0)}
fb = FontBuilder(1000, isTTF=True)
order = [".notdef"] + [name for name, _ in SPACES.values()]
fb.setupGlyphOrder(order)
fb.setupCharacterMap({code: name for code, (name, _) in SPACES.items()})
empty = TTGlyphPen(None).glyph()
fb.setupGlyf({name: empty for name in order})
fb.setupHorizontalMetrics({".notdef": (500, 0), **{name: (width, 0) for name, width in SPACES.values()}})
fb.setupHorizontalHeader(ascent=800, descent=-200)
fb.setupNameTable({"familyName": "Coop Spaces", "styleName": "Regular", "uniqueFontIdentifier": "CoopSpaces-Regular",
                   "fullName": "Coop Spaces Regular", "psName": "CoopSpaces-Regular", "version": "Version 1.000",
                   "copyright": "Public domain (CC0): written for coopbrochure", "licenseDescription": "CC0 1.0"})
fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
fb.setupPost()
fb.save(str(Path(__file__).resolve().parent.parent / "styles/fonts/CoopSpaces-Regular.ttf"))
