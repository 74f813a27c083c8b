"""Per-call cost of extraction's shared primitives, on the calls a real pass makes.

    .venv/bin/python bench/primitives.py [CORPUS_DIR] [--repeat N]

One pass of ``extract`` (with outcomes) over every ``*.txt`` and ``*.md`` of CORPUS_DIR (default
``../shared/corpus`` beside the checkout) records every call of the primitives pledges and results
share — naming a metric (``metrics.name``, ``metrics.clean``), reading a quantity's value and unit
(``quantities.read``), its kind (``quantities.kind_and_sign``), turning down codes and names
(``quantities.is_code_or_name``), finding quantities (``quantities.find``), a sentence's horizons
(``horizons.find_horizons``) and spreading lists (``lists.distribute``) — with its arguments; then each
primitive is replayed alone on its recorded calls and timed: CPU time, best of N, per call and per
pass. The calls are recorded through the modules' names, as the engine makes them (a call one
primitive makes of another is counted in both). Timings are only worth comparing on one machine
under the same load: run the code before and after back to back (``PYTHONPATH=<other checkout>/src``).
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from taizhang.extract import context, extract, lists, metrics, quantities

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
# (label, module whose name the callers look up, the name): find_horizons is called through context.
PRIMITIVES: list[tuple[str, ModuleType, str]] = [
    ("metrics.name", metrics, "name"),
    ("metrics.clean", metrics, "clean"),
    ("quantities.read", quantities, "read"),
    ("quantities.kind_and_sign", quantities, "kind_and_sign"),
    ("quantities.is_code_or_name", quantities, "is_code_or_name"),
    ("quantities.find", quantities, "find"),
    ("horizons.find_horizons", context, "find_horizons"),
    ("lists.distribute", lists, "distribute"),
]
Call = tuple[tuple[Any, ...], dict[str, Any]]


def record(texts: list[tuple[str, str]]) -> dict[str, list[Call]]:
    """Every call of the primitives in one pass of extract over ``texts``, with its arguments."""
    calls: dict[str, list[Call]] = {label: [] for label, _, _ in PRIMITIVES}
    originals = {label: getattr(module, name) for label, module, name in PRIMITIVES}

    def recording(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            # find's spans may be an iterator, used up by the call: kept as a list
            calls[label].append(((args[0], list(args[1])) if label == "quantities.find" else args, kwargs))
            return function(*args, **kwargs)

        return call

    try:
        for label, module, name in PRIMITIVES:
            setattr(module, name, recording(label, originals[label]))
        for name, text in texts:
            extract(text, name)
    finally:
        for label, module, name in PRIMITIVES:
            setattr(module, name, originals[label])
    return calls


def replay(function: Callable[..., Any], calls: list[Call], repeat: int, mutated: bool) -> float:
    """Best CPU seconds of running ``calls`` through ``function``; ``mutated``: the call changes its
    second argument (kind_and_sign negates a decrease), so each run gets fresh copies, made untimed."""
    best = float("inf")
    for _ in range(repeat):
        runs = [((a[0], copy.copy(a[1]), *a[2:]), k) for a, k in calls] if mutated else calls
        started = time.process_time()
        for args, kwargs in runs:
            function(*args, **kwargs)
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    files = sorted(p for p in args.corpus.iterdir() if p.suffix in (".txt", ".md")) if args.corpus.is_dir() else []
    if not files:
        print(f"no *.txt or *.md in {args.corpus}", file=sys.stderr)
        return 1
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in files]
    for name, text in texts:
        extract(text, name)  # warm: rule files read, regexes compiled
    calls = record(texts)
    print(f"{len(texts)} documents; each primitive replayed on the calls of one pass, CPU time, best of {args.repeat}")
    for label, module, name in PRIMITIVES:
        seconds = replay(getattr(module, name), calls[label], args.repeat, label == "quantities.kind_and_sign")
        n = len(calls[label])
        print(f"{label:28s} {n:6d} calls  {seconds * 1e6 / max(1, n):8.2f} µs a call  {seconds * 1e3:7.2f} ms a pass")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
