"""Corpus-level deduplication: stored sources that reprint the same article, linked to the first.

Five outlets reprinting one article are five sources of one text; the link lets listings and the
ledger show them as one article with its reprints rather than as independent confirmations.
"""

from __future__ import annotations

from taizhang.repair import find_reprints
from taizhang.storage import Store

DEFAULT_THRESHOLD = 0.8  # estimated Jaccard similarity of character 4-grams


def link_reprints(store: Store, threshold: float = DEFAULT_THRESHOLD) -> dict[int, int]:
    """Find reprints among the latest versions of all stored files and store the links.

    Returns reprint source id → original source id (the earliest stored of its group). Runs over
    the whole store each time, so links stay right as sources come and go.
    """
    texts = store.latest_texts()
    groups = find_reprints({str(source_id): text for source_id, text in texts.items()}, threshold=threshold)
    return store.replace_reprints([{int(member) for member in group} for group in groups])
