"""How well repair undoes damage of the kinds the seed shows, on clean real documents.

Damage, drawn with a seeded random generator from the clean texts of shared/corpus:

- ``duplicate``: a paragraph copied to a random place;
- ``near_duplicate``: a paragraph copied to a random place with one word (two or more Chinese
  characters) replaced by another word of the same document;
- ``join``: a paragraph cut at a random character (not right after closing punctuation) and its
  tail moved to a random place after the head;
- ``move``: in a roundup article assembled from several region documents (one speaker header
  each, as in the seed), a run of one to ``--run-max`` consecutive paragraphs moved into another
  speaker's section (the seed's 34-37 are a run of four).

Each damaged document is repaired and every change of the matching kind is scored: recall is
the share of damage undone exactly, precision the share of changes that undo damage. Joins
repair already makes on the undamaged document (real splits in the corpus) are left out of both;
a move on an undamaged roundup counts as a wrong change.

Moves are drawn from every body paragraph, and reported by what in the moved paragraph shows
whose it is, as a reader with a gazetteer sees it (not by what repair does): its speaker's name
or region, a place in that region (杭州 for 浙江省), or the level it calls its own (全区) when
only one speaker's region has that level; a paragraph that shows none itself but sits between two
of its run that do shows its owner by position. The seed's misplaced paragraphs all show one of
these; the issue's target for moves is read on that group, "any sign of its owner". About half of
a work report's paragraphs show none: the same
sentence can stand in two provinces' reports (实施重点领域、重点行业、城乡基层和中小微企业就业
支持计划 is in Guangdong's and Hebei's), so no reader can place them. Their recall is printed too.

Repair's n-gram table (rules/zh/ngrams.tsv) is built from this same corpus, so each document is
repaired with a table that holds out that document's own counts (for roundups, those of every
source document): the scores are for text the table has not seen. ``--hold-out family`` holds out
every document of its family as well (national_*, provincial_*, district_*), whose reports repeat
each other's phrasing from year to year: a stricter reading of how repair does on a new genre.
``--table-docs N`` keeps only N of the other documents in the table: how repair's joins depend on
the amount of background text.

    .venv/bin/python bench/repair.py                      # the defaults
    .venv/bin/python bench/repair.py --seed 7 --rounds 5  # another draw
    .venv/bin/python bench/repair.py --speed 5            # speed instead: the corpus repaired on one core

``--speed N`` repairs every document of the corpus (.txt and .md) and the seed N times over in one
process and prints the best pass in characters/s: warm (rules, dictionaries and the n-gram table
loaded by a first pass), with the caches that are keyed by a paragraph's text emptied before each
pass, so that no pass gains from having seen the texts before.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from itertools import accumulate
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from taizhang import places
from taizhang.repair import ngrams, repair
from taizhang.repair.text import cjk_count, paragraphs, words

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
CLOSING = "。！？!?；;…:：”’\"」』)）】》"
# Region of each roundup source, from the corpus file name.
REGIONS = {
    "guangdong": "广东省", "hebei": "河北省", "hubei": "湖北省", "shandong": "山东省",
    "sichuan": "四川省", "zhejiang": "浙江省", "hailar": "海拉尔区",
}  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国明华志强永军伟东海涛新平春光文斌"
KINDS = ("duplicate", "near_duplicate", "join", "move")
NO_EVIDENCE = "carries no sign of its owner"
WITH_EVIDENCE = "any sign of its owner: the seed's kind"
BETWEEN = "no sign itself, between two of its run that show one"
AT_EDGE = "no sign itself, beside (not between) ones of its run that do"
CHANGE_KIND = {
    "duplicate": "remove_duplicate", "near_duplicate": "remove_near_duplicate",
    "join": "join_fragment", "move": "move",
}  # fmt: skip


@dataclass
class Line:
    text: str
    origin: int | None  # paragraph index in the clean document; None for what damage added
    section: str | None = None  # speaker of the section it came from (roundups)
    touched: bool = False  # already part of one damage: each line takes one, so scoring is clear
    header: bool = False  # a speaker's header line (roundups)


@dataclass
class Damage:
    kind: str
    lines: tuple[int, ...]  # ids of the Line objects the change must name (lines move around)
    owner: str | None = None  # for a move: the speaker it was taken from
    group: str = "all"  # the part of the kind it counts in, for the breakdown


def _body(text: str) -> bool:
    return text[-1] in CLOSING and not text.endswith((":", "："))


def _pick(rng: random.Random, lines: list[Line], min_cjk: int) -> int | None:
    choices = [i for i, line in enumerate(lines) if line.origin is not None and not line.touched
               and _body(line.text) and cjk_count(line.text) >= min_cjk]  # fmt: skip
    if not choices:
        return None
    i = rng.choice(choices)
    lines[i].touched = True
    return i


def duplicate(rng, lines, damages, settings):
    i = _pick(rng, lines, settings.min_cjk)
    if i is None:
        return
    original = lines[i]
    copy = Line(original.text, None, original.section, True)
    lines.insert(rng.randrange(len(lines) + 1), copy)
    damages.append(Damage("duplicate", (id(copy), id(original))))


def near_duplicate(rng, lines, damages, settings):
    i = _pick(rng, lines, settings.min_cjk_near)
    if i is None:
        return
    text = lines[i].text
    vocabulary = sorted({w for line in lines for w in words(line.text) if cjk_count(w) == len(w) >= 2})
    spans, at = [], 0
    for w in words(text):
        if cjk_count(w) == len(w) >= 2:
            spans.append((at, at + len(w)))
        at += len(w)
    if not spans or len(vocabulary) < 2:
        return
    start, end = rng.choice(spans)
    new = rng.choice([w for w in vocabulary if w != text[start:end]])
    changed = text[:start] + new + text[end:]
    original = lines[i]
    copy = Line(changed, None, original.section, True)
    lines.insert(rng.randrange(len(lines) + 1), copy)
    damages.append(Damage("near_duplicate", (id(copy), id(original))))


def cut(rng, lines, damages, settings):
    i = _pick(rng, lines, settings.min_cjk_cut)
    if i is None:
        return
    text = lines[i].text
    points = [k for k in range(settings.edge, len(text) - settings.edge) if text[k - 1] not in CLOSING]
    if not points:
        return
    k = rng.choice(points)
    head = Line(text[:k], None, lines[i].section, True)
    tail = Line(text[k:], None, lines[i].section, True)
    lines[i] = head
    lines.insert(rng.randrange(i + 1, len(lines) + 1), tail)
    if head.text[-1] in "，,、":
        group = "cut after a comma: two clauses, no word across"
    elif _inside_word(head.text, tail.text):
        group = "cut inside a word"
    else:
        group = "cut between words of a clause"
    damages.append(Damage("join", (id(head), id(tail)), group=group))


def move(rng, lines, damages, settings, regions):
    """Move a run of 1 to ``settings.run_max`` consecutive body paragraphs of one section into
    another section, as the seed shows (its paragraphs 34-37 of 崂山区 sit under 市北区)."""
    i = _pick(rng, lines, settings.min_cjk)
    if i is None or lines[i].section is None:  # the lead paragraph belongs to no speaker
        return
    end, length = i + 1, rng.randint(1, settings.run_max)
    while (end - i < length and end < len(lines) and not lines[end].header
           and not lines[end].touched and lines[end].section == lines[i].section):  # fmt: skip
        lines[end].touched = True
        end += 1
    run = lines[i:end]
    del lines[i:end]
    # right after any line under another speaker's header, the header included
    targets, under = [], None
    for k, other in enumerate(lines):
        under = other.section if other.header else under
        if under not in (None, run[0].section):
            targets.append(k + 1)
    if not targets:
        lines[i:i] = run
        return
    at = rng.choice(targets)
    lines[at:at] = run
    signs = [_evidence(line, regions) for line in run]
    for k, line in enumerate(run):
        group = signs[k]
        if group == NO_EVIDENCE and any(g != NO_EVIDENCE for g in signs):
            both = any(g != NO_EVIDENCE for g in signs[:k]) and any(g != NO_EVIDENCE for g in signs[k + 1 :])
            group = BETWEEN if both else AT_EDGE
        damages.append(Damage("move", (id(line),), line.section, group))


def _evidence(line: Line, regions: dict[str, str]) -> str:
    """What in a moved paragraph tells an editor whose it is, by what a reader with a gazetteer
    sees in the text, not by what repair does."""
    region = regions[line.section]
    if any(w in line.text for w in (line.section, region, region[:-1])):
        return "names its speaker or region"
    if any(w in line.text for w in places.inside(region)):
        return "names a place in its region"
    text = line.text
    bounds = {0, *accumulate(len(w) for w in words(text))}  # 全区 as a word, not in 健全|区域
    levels = {text[i + 1] for i in range(len(text) - 1)
              if text[i] in "全我本" and text[i + 1] in "省市区县" and {i, i + 2} <= bounds}  # fmt: skip
    if levels == {region[-1]} and sum(r[-1] == region[-1] for r in regions.values()) == 1:
        return "calls its region by a level no other speaker has (全区)"
    return NO_EVIDENCE


DAMAGE = {"duplicate": duplicate, "near_duplicate": near_duplicate, "join": cut}


def roundup(rng: random.Random, sources: dict[str, str], speakers: int, per_speaker: int,
            regions: dict[str, str]) -> list[Line]:  # fmt: skip
    """A seed-like article: a lead paragraph, then per speaker a header line and a run of
    consecutive body paragraphs of one region's work report. ``regions`` gets name → region."""
    lines = [Line("各地代表热议政府工作报告,纷纷表示要把学习贯彻会议精神作为重要政治任务。", 0)]
    names = set()
    for region, text in rng.sample(sorted(sources.items()), speakers):
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        while name in names:
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
        names.add(name)
        regions[name] = region
        lines.append(Line(f"省人大代表、{region}委书记{name}:", len(lines), name, header=True))
        body = [p.text for p in paragraphs(text) if _body(p.text) and cjk_count(p.text) >= 20]
        start = rng.randrange(max(1, len(body) - per_speaker))
        for para in body[start : start + per_speaker]:
            lines.append(Line(para, len(lines), name))
    return lines


@dataclass
class Settings:
    seed: int
    rounds: int
    per_doc: int
    speakers: int
    per_speaker: int
    min_cjk: int
    min_cjk_near: int
    min_cjk_cut: int
    edge: int
    run_max: int


def score(lines: list[Line], damages: list[Damage], baseline: set[tuple[str, tuple[int, ...]]],
          tally: dict[str, Counter]) -> None:  # fmt: skip
    """Repair the damaged lines and count, per kind, damage undone and changes that undo damage."""
    result = _repair(lines)
    position = {id(line): k for k, line in enumerate(lines)}
    found = {kind: [c for c in result.changes if c.kind == CHANGE_KIND[kind]] for kind in KINDS}
    used: set[int] = set()
    for d in damages:
        want = {position[x] for x in d.lines}
        hits = [c for c in found[d.kind] if want <= set(c.paragraphs)
                and (d.kind != "join" or set(c.paragraphs) == want)
                and (d.kind != "move" or c.values[1] == d.owner)]  # fmt: skip
        t = tally[d.kind]
        groups = [d.group] + ([WITH_EVIDENCE] if d.kind == "move" and d.group not in (NO_EVIDENCE, AT_EDGE) else [])
        t["damage"] += 1
        for group in groups:
            t[group, "damage"] += 1
        if hits:
            t["undone"] += 1
            for group in groups:
                t[group, "undone"] += 1
            used.update(id(c) for c in hits)
            if d.kind == "near_duplicate":  # the copy with the changed word should be the one dropped
                t["kept the original"] += result.section_of(position[d.lines[1]]) is not None
    for kind in KINDS:
        for c in found[kind]:
            origins = tuple(lines[i].origin for i in c.paragraphs)
            if kind != "move" and None not in origins and (c.kind, origins) in baseline:
                # Repair makes this change on the undamaged text too: a real split of the corpus.
                # A move on an undamaged roundup has no such excuse and counts as wrong.
                continue
            tally[kind]["changes"] += 1
            tally[kind]["right"] += id(c) in used


DUMP: list = []  # an open file while --dump is given: every repair's whole output, one JSON line each


def _repair(lines: list[Line]):  # noqa: ANN202 - a Repair
    result = repair("\n".join(line.text for line in lines))
    if DUMP:
        DUMP[0].write(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    return result


def _inside_word(head: str, tail: str) -> bool:
    joined = head[-6:] + tail[:6]
    at = 0
    for w in words(joined):
        if at < min(6, len(head)) < at + len(w):
            return True
        at += len(w)
    return False


def baseline_changes(lines: list[Line], counts: Counter, where: str) -> set[tuple[str, tuple[int, ...]]]:
    """The changes repair makes on the undamaged lines (counted in ``counts`` under ``where``)."""
    result = _repair(lines)
    for c in result.changes:
        counts[where, c.kind] += 1
    return {(c.kind, tuple(lines[i].origin for i in c.paragraphs)) for c in result.changes}


def hold_out(texts: list[str], table: ngrams.Counts) -> None:
    """Make repair read ``table`` less the counts of ``texts`` as its background n-grams."""
    held = table.without(ngrams.count(p.text for text in texts for p in paragraphs(text)))
    ngrams.background = lambda lang: held  # core looks the table up through the module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3, help="damaged copies of each document")
    ap.add_argument("--per-doc", type=int, default=2, help="damage of each kind per copy")
    ap.add_argument("--speakers", type=int, default=4, help="speakers per roundup article")
    ap.add_argument("--per-speaker", type=int, default=5, help="paragraphs per speaker")
    ap.add_argument("--run-max", type=int, default=3, help="most paragraphs moved together (1: single paragraphs)")
    ap.add_argument("--hold-out", choices=("document", "family"), default="document",
                    help="what of the corpus the n-gram table leaves out for each document")
    ap.add_argument("--table-docs", type=int, default=None,
                    help="the table keeps at most this many other documents (drawn apart from the damage): "
                         "how repair does with less background text")
    ap.add_argument("--dump", type=Path, help="write every repair's whole output here, one JSON line each "
                    "(two runs of one seed with equal dumps repaired alike)")
    ap.add_argument("--speed", type=int, metavar="N", help="measure repair's speed over the corpus instead (best of N passes)")
    args = ap.parse_args(argv)
    if args.speed:
        return speed(args.corpus, args.speed)
    if args.dump:
        DUMP.append(args.dump.open("w", encoding="utf-8"))
    s = Settings(args.seed, args.rounds, args.per_doc, args.speakers, args.per_speaker,
                 min_cjk=10, min_cjk_near=20, min_cjk_cut=30, edge=8, run_max=args.run_max)  # fmt: skip
    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"no .txt files in {args.corpus}", file=sys.stderr)
        return 2
    rng = random.Random(s.seed)
    table_rng = random.Random(-s.seed)  # apart, so that --table-docs leaves the damage as it is
    texts = {f.name: f.read_text(encoding="utf-8") for f in files}
    sources = {}
    for name, text in texts.items():
        for key, region in REGIONS.items():
            if key in name:
                sources.setdefault(region, text)  # one document per region
    print("damage generator:", s)
    print("corpus:", args.corpus, f"({len(files)} files; roundups from {', '.join(sorted(sources))})")
    print("reproduce:", f".venv/bin/python bench/repair.py --corpus {args.corpus} --seed {s.seed} --rounds {s.rounds}"
          f" --per-doc {s.per_doc} --speakers {s.speakers} --per-speaker {s.per_speaker} --run-max {s.run_max}"
          f" --hold-out {args.hold_out}" + (f" --table-docs {args.table_docs}" if args.table_docs is not None else ""))  # fmt: skip
    table = ngrams.background("zh")
    tally: dict[str, Counter] = {k: Counter() for k in KINDS}
    undamaged: Counter = Counter()
    started = time.perf_counter()
    documents = 0
    for _ in range(s.rounds):
        for name in sorted(texts):
            family = name.split("_")[0] if args.hold_out == "family" else name
            held = [n for n in texts if n == name or n.split("_")[0] == family]
            others = [n for n in sorted(texts) if n not in held]
            if args.table_docs is not None:
                kept = set(table_rng.sample(others, min(args.table_docs, len(others))))
                held += [n for n in others if n not in kept]
            hold_out([texts[n] for n in held], table)
            clean = [Line(p.text, p.index) for p in paragraphs(texts[name])]
            base = baseline_changes(clean, undamaged, "corpus documents")
            lines = list(clean)
            damages: list[Damage] = []
            for kind in ("duplicate", "near_duplicate", "join"):
                for _ in range(s.per_doc):
                    DAMAGE[kind](rng, lines, damages, s)
            score(lines, damages, base, tally)
            documents += 1
        hold_out(list(sources.values()), table)
        for _ in range(len(texts)):
            regions: dict[str, str] = {}
            clean = roundup(rng, sources, s.speakers, s.per_speaker, regions)
            base = baseline_changes(clean, undamaged, "roundups")
            lines = list(clean)
            damages = []
            for _ in range(s.per_doc):
                move(rng, lines, damages, s, regions)
            score(lines, damages, base, tally)
            documents += 1
    elapsed = time.perf_counter() - started
    print(f"\n{documents} damaged documents repaired in {elapsed:.1f} s\n")
    print(f"{'kind':<56}{'damage':>7}{'undone':>7}{'changes':>8}{'right':>6}{'recall':>8}{'precision':>10}")
    for kind in KINDS:
        t = tally[kind]
        print(f"{kind:<56}{t['damage']:>7}{t['undone']:>7}{t['changes']:>8}{t['right']:>6}"
              f"{_ratio(t['undone'], t['damage']):>8}{_ratio(t['right'], t['changes']):>10}")  # fmt: skip
        for group in sorted({g for g, _ in (k for k in t if isinstance(k, tuple))}):
            if group != "all":
                print(f"  {group:<54}{t[group, 'damage']:>7}{t[group, 'undone']:>7}{'':>14}"
                      f"{_ratio(t[group, 'undone'], t[group, 'damage']):>8}")  # fmt: skip
    near = tally["near_duplicate"]
    print(f"\nnear_duplicate: kept the original (not the copy with the changed word) in "
          f"{near['kept the original']} of {near['undone']}")  # fmt: skip
    if DUMP:
        DUMP.pop().close()
    print("changes on the undamaged inputs (joins left out above, moves counted as wrong):",
          ", ".join(f"{n} {kind} on {where}" for (where, kind), n in sorted(undamaged.items())) or "none")
    return 0


def speed(corpus: Path, passes: int) -> int:
    """Repair the corpus and the seed ``passes`` times; print the best pass's speed."""
    from taizhang.repair import fragments, text

    files = sorted([*corpus.glob("*.txt"), *corpus.glob("*.md"), *(corpus.parent / "seed").glob("*.txt")])
    texts = [(f.name, f.read_text(encoding="utf-8")) for f in files]
    chars = sum(len(t) for _, t in texts)
    by_text = (text.normalise, text._route_logp, fragments._shape, text.word_bounds)
    for name, t in texts:  # warm-up: what a process loads once
        repair(t, name)
    best = float("inf")
    for _ in range(passes):
        for cached in by_text:
            cached.cache_clear()
        started = time.process_time()
        for name, t in texts:
            repair(t, name)
        best = min(best, time.process_time() - started)
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"corpus: {len(files)} documents of {corpus} and the seed, {chars:,} characters")
    print(f"repair: best of {passes} passes {best:.3f} s of CPU = {chars / best / 1e6:.2f} M chars/s on one core")
    return 0


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "-"


if __name__ == "__main__":
    sys.exit(main())
