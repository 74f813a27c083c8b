"""Corpus-level deduplication: stored sources that reprint the same article, linked to the first.

Five outlets reprinting one article are five sources of one text; the link lets listings and the
ledger show them as one article with its reprints rather than as independent confirmations.

Each source's MinHash signature is cut into LSH band keys when it is ingested
(:func:`taizhang.repair.duplicates.band_keys`, stored in ``reprint_bands``), and ingest links a new
source by looking its keys up: the groups it touches are worked out again, the rest stay
(:mod:`taizhang.storage.reprint_index`). :func:`link_reprints` works every group out again from the keys.
"""

from __future__ import annotations

from taizhang.repair.duplicates import REPRINT_THRESHOLD, band_keys, reprint_groups, signature
from taizhang.storage import Store
from taizhang.storage.batch import add_bands, latest_bands

DEFAULT_THRESHOLD = REPRINT_THRESHOLD  # estimated Jaccard similarity of character 4-grams


def link_reprints(store: Store, threshold: float = DEFAULT_THRESHOLD) -> dict[int, int]:
    """Find reprints among the latest versions of all stored files and store the links.

    Returns reprint source id → original source id (the earliest stored of its group). At the
    default threshold the keys ingest stored are used (a source stored before they were kept
    gets its keys now, its text read alone); another threshold cuts every signature anew, one
    text at a time. Either way no text is held beyond its own turn.
    """
    keys = latest_bands(store)
    for source_id in sorted(keys):
        if threshold != DEFAULT_THRESHOLD or not keys[source_id]:
            keys[source_id] = band_keys(signature(store.source_text(source_id)), threshold)
            if threshold == DEFAULT_THRESHOLD:
                add_bands(store, source_id, keys[source_id])
    return store.replace_reprints([set(group) for group in reprint_groups(keys) if len(group) > 1])
