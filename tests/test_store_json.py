"""The store's JSON text (``storage.bulk.json_text``, a C encoder made once) is what
``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` writes, for every JSON value:
a stored ledger's columns stay byte for byte what they were before it was made faster."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from taizhang.storage.bulk import json_text

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@given(_VALUES)
@example({"quote": "地区生产总值增长6%左右", "value": 6.0, "high": None, "mentions": [[1, 2]], "big": 1e16})
@example([math.nan, math.inf, -math.inf, -0.0, 2**70, "\u2028\"\\\n"])
def test_json_text_is_json_dumps(value: object) -> None:
    assert json_text(value) == _dumps(value)


def test_a_tuple_is_written_as_a_list() -> None:
    assert json_text((1, "二", (3.5,))) == '[1,"二",[3.5]]'


def test_a_value_json_cannot_write_is_refused_as_json_dumps_refuses_it() -> None:
    with pytest.raises(TypeError):
        json_text({"when": object()})
