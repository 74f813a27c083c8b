"""Extraction time is linear in the text's length, whatever its shape (#11): doubling the input
about doubles the time. A quadratic stage gives a ratio near 4 (before: a 3,200-item 及 list, a
paragraph of goals, a page with no punctuation); the bound of 3 leaves room for a noisy machine.
No absolute timings: only the ratio of two runs of one process, each the best of three."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from taizhang.extract.engine import run
from tests.helpers import best_cpu_seconds

NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"
SHAPES: dict[str, Callable[[int], str]] = {
    # one sentence of many clauses, and one run with no punctuation at all
    "clauses": lambda n: "全区生产总值突破1500亿元，" * n,
    "no punctuation": lambda n: "全区生产总值突破1500亿元并" * n,
    # thousands of quantities joined by 及 in one clause
    "及 list": lambda n: "今年新建" + "及".join(f"{i % 90 + 10}个项目" for i in range(n)) + "。",
    # a paragraph of a part with no year: every sentence looks back for the goal year set before
    "goal paragraph": lambda n: "到2030年，" + "新建学校10所，改造道路5公里。" * n,
    # a 分别 list as long as its values
    "分别 list": lambda n: "、".join(f"指标{i}" for i in range(n)) + "分别增长" + "、".join("5%" for _ in range(n)) + "。",
    # many horizons in one sentence
    "horizons": lambda n: "".join(f"到{2026 + i % 9}年新增{i % 90 + 10}家，" for i in range(n)),
    # a news piece quoting ever more people, each introduced inline
    "speakers": lambda n: "".join(
        f"崂山区委书记{NAMES[i % len(NAMES)]}{NAMES[i // len(NAMES) % len(NAMES)]}表示，新建学校10所。\n" for i in range(n)
    ),
    # many headed parts
    "parts": lambda n: "".join(f"{'一二三'[i % 3]}、2025年重点工作\n新建学校{i % 90 + 10}所。\n" for i in range(n)),
}


def cpu_seconds(text: str) -> float:
    return best_cpu_seconds(lambda: run(text, "scaling.txt", 2025, None, None))


@pytest.mark.parametrize("shape", SHAPES)
def test_doubling_the_input_about_doubles_the_time(shape: str) -> None:
    make = SHAPES[shape]
    run(make(50), "warm-up.txt", 2025, None, None)
    small, large = cpu_seconds(make(800)), cpu_seconds(make(1600))
    assert large / max(small, 1e-3) < 3.0, (shape, small, large)
