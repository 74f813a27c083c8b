"""Repair: put a scraped, broken article back together before extraction.

``repair(text)`` returns a :class:`Repair`: the article as speaker sections of repaired
paragraphs (fragments joined, duplicates removed, misplaced paragraphs moved to their owner),
every change made and every problem found but left, each with paragraph indexes and character
spans into the ORIGINAL text, and an offset map (``segments`` / ``to_original``) from the repaired
text back to it. ``find_reprints`` groups sources of a corpus that reprint one article.

>>> from taizhang.repair import repair, render
>>> r = repair("省党代表、崂山区委书记张元升:\\n将打造创新企业雁阵,高新技术企业突破800家。\\n")
>>> r.sections[0].official, r.sections[0].region
('张元升', '崂山区')
"""

from taizhang.repair.core import repair
from taizhang.repair.duplicates import find_reprints
from taizhang.repair.model import Change, Paragraph, Piece, Repair, Section, Segment, Unit
from taizhang.repair.render import FORMATS, render

__all__ = [
    "FORMATS", "Change", "Paragraph", "Piece", "Repair", "Section", "Segment", "Unit",
    "find_reprints", "render", "repair",
]  # fmt: skip
