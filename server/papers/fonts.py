"""DejaVu Sans trimmed to the letters a Vietnamese paper uses, for speed.

fpdf2 parses the whole font file for every document and subsets it on output; with DejaVu's 6 000
glyphs that was most of a paper's time. The trimmed copies (Latin with every Vietnamese letter,
punctuation, the usual medical signs) are made once per process into a private temporary folder.
A paper with a character outside them is set in the full fonts, so nothing is ever lost.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from functools import cache
from pathlib import Path

from fontTools import subset, ttLib  # type: ignore[import-untyped]  # no inline types, no stub in the pinned set

from ..printing import FONT_DIR

RANGES = (
    (0x20, 0x7E), (0xA0, 0x24F),  # Latin, Latin-1, Extended-A and -B
    (0x300, 0x36F), (0x370, 0x3FF),  # combining marks (decomposed Vietnamese), Greek (mu, alpha, beta)
    (0x1E00, 0x1EFF),  # Latin Extended Additional: ạ ả ấ ầ ẩ ẫ ậ ... ỹ
    (0x2010, 0x2044), (0x20AB, 0x20AC), (0x2103, 0x2103), (0x2116, 0x2116),  # dashes, quotes, bullet, ellipsis, dong, euro, degree C, numero
    (0x2190, 0x2193), (0x2212, 0x2212), (0x2248, 0x2248), (0x2260, 0x2265),  # arrows, minus, approx., not equal, at most, at least
    (0x2702, 0x2702), (0x2713, 0x2718),  # ✂ ✓ ✔ ✗ ✘
)
COVERED = frozenset(code for first, last in RANGES for code in range(first, last + 1))
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_making = threading.Lock()


def covers(text: str) -> bool:
    return all(ord(char) in COVERED for char in text)


def full_fonts() -> dict[str, Path]:
    return {style: FONT_DIR / name for style, name in FILES.items()}


def trimmed_fonts() -> dict[str, Path]:
    with _making:
        return _trimmed()


@cache
def _trimmed() -> dict[str, Path]:
    folder = Path(tempfile.mkdtemp(prefix="sskdt-paper-fonts-"))  # 0700, a fresh name: nobody else's file
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]  # the font's names and licence stay with it
    options.layout_features = []  # fpdf2 sets text without shaping
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM", "kern"]
    options.hinting = False
    fonts = {}
    for style, path in full_fonts().items():
        with ttLib.TTFont(path, lazy=True, recalcTimestamp=False) as font:
            trimmer = subset.Subsetter(options)
            trimmer.populate(unicodes=COVERED)
            trimmer.subset(font)
            fonts[style] = folder / path.name
            font.save(fonts[style])
    return fonts
