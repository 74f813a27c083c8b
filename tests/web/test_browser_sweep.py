"""The dashboard as its users meet it, swept page by page in a real browser (Debian's Chromium via
Playwright, the demo database of conftest.py) in both languages: words in the page's language,
the language kept across links, forms and redirects, every figure reaching the sentence it came
from with its span marked, bad input answered in the page's language (never a 500, what was typed
kept), and the basics a keyboard or screen-reader user meets. Tables of pages × languages × inputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import reduce
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from taizhang.ingest import ingest
from taizhang.ledger import Filters, Ledger
from taizhang.storage import Store
from tests.helpers import DEMO_CORPUS
from tests.web.conftest import EDITOR, PASSWORD

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")
# English a Chinese page may show: formats and names, not words of a sentence.
ALLOWED_IN_ZH = {"JSON", "CSV", "XLSX", "API", "GDP"}
LANG_ATTRIBUTE = {"zh": "zh-CN", "en": "en"}

# Every page the dashboard serves, as an anonymous visitor (False) or an editor (True) meets it;
# {multi}, {judged}, {source} are filled from the demo ledger (an entry with several mentions, one
# judged on an outcome read from a text, a source).
PAGES = {
    "ledger": "/ledger",
    "ledger-filtered": "/ledger?actor=青岛市&children=1&sort=deadline",
    "facets": "/ledger/facets",
    "entry": "/entries/{multi}",
    "entry-judged": "/entries/{judged}",
    "sources": "/sources",
    "source": "/sources/{source}",
    "place": "/places/370200",
    "charts": "/charts",
    "review": "/review",
    "upload": "/upload",
    "login": "/login",
}
SEEN = [(name, False) for name in PAGES] + [(name, True) for name in ("entry", "entry-judged", "review", "source", "upload")]

# Where a user's words in the interface are: labels, headers, buttons, statuses (not the texts' data).
_UI_WORDS = """() => {
  const own = (e) => [...e.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join(" ");
  const found = [];
  const add = (selector, text) => {
    for (const e of document.querySelectorAll(selector)) { const words = text(e).trim(); if (words) found.push(`${selector}: ${words}`); }
  };
  add("header nav a, th, button, summary, dt, .facet h3, #user-role, td .status, #status, .outcomes td:nth-child(2), .history b", (e) => e.textContent);
  add("select[name=status] option, select[name=kind] option, select[name=field] option", (e) => e.textContent);
  add("#error h1, #error-message, #error-problems li, .form-error, #login-failed", (e) => e.textContent);
  add("label", own);
  return found;
}"""


def foreign_words(texts: list[str], lang: str) -> list[str]:
    """The texts showing words of the other language."""
    if lang == "en":
        return [text for text in texts if CJK.search(text)]
    return [text for text in texts if set(WORD.findall(text.split(": ", 1)[1])) - ALLOWED_IN_ZH]


@pytest.fixture(scope="module")
def ids(demo_db: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """Entries of the demo ledger to visit. The demo corpus states each pledge once: a reprint of its
    seed article (another name, a line of its own on top, the manifest's date) gives that article's
    entries a second mention, as a news site reprinting a report does."""
    folder = tmp_path_factory.mktemp("reprint")
    seed = DEMO_CORPUS / "000_352e13108ae5b528.txt"
    (folder / "崂山区新闻转载.txt").write_text("转载自青岛新闻网\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "SOURCES.tsv").write_text("file\tdate\n崂山区新闻转载.txt\t2022\n", encoding="utf-8")
    with Store(demo_db) as store:
        assert ingest(store, [folder]).ok
        with Ledger(store) as ledger:
            ledger.refresh()
            rows = ledger.entries(Filters())
    multi = next(r for r in rows if r["mention_count"] > 1)
    judged = next(r for r in rows if (r.get("outcome_ref") or "").startswith("t") and r.get("outcome_start") is not None)
    return {"multi": multi["entry_id"], "judged": judged["entry_id"], "source": 1}


@pytest.fixture(scope="module")
def editor_state(browser, server: str) -> dict[str, Any]:  # noqa: ANN001 - a Playwright Browser
    """An editor's logged-in cookies, logged in once for the module (Argon2 is slow on purpose)."""
    context = browser.new_context(base_url=server)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=name]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#user-name")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def visit(browser, server: str, editor_state: dict[str, Any]) -> Iterator[Callable[..., Any]]:  # noqa: ANN001
    """A fresh page in language ``lang`` (the cookie the language switch sets), an editor's when
    ``editor``; fails the test on a script error or a CSP violation (an error page's own status
    line in the console is expected)."""
    contexts, problems = [], []

    def open_page(lang: str, editor: bool = False) -> Any:  # noqa: ANN401 - a Playwright Page
        context = browser.new_context(base_url=server, locale="zh-CN", storage_state=editor_state if editor else None)
        context.add_cookies([{"name": "tz_lang", "value": lang, "url": server}])
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, problems


def address(name: str, ids: dict[str, int]) -> str:
    return PAGES[name].format(**ids)


# 1. Every page in both languages: its words, and what a keyboard or screen-reader user meets ----

# Form fields without a name a screen reader can say, tables without headers, headers without words.
_UNNAMED = """() => {
  const named = (e) => (e.labels && e.labels.length) || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby") || e.title;
  const controls = [...document.querySelectorAll("input, select, textarea")].filter((e) => e.type !== "hidden" && e.type !== "submit");
  const tables = [...document.querySelectorAll("table")];
  return {
    unnamed: controls.filter((e) => !named(e)).map((e) => e.outerHTML.slice(0, 120)),
    headless: tables.filter((t) => !t.querySelector("thead th, tr:first-child th")).map((t) => t.outerHTML.slice(0, 120)),
    empty: [...document.querySelectorAll("th")].filter((th) => !th.textContent.trim()).map((th) => th.outerHTML),
  };
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("name", "editor"), SEEN)
def test_every_page_speaks_its_language_and_names_its_fields(visit, ids: dict[str, int], name: str, editor: bool, lang: str) -> None:  # noqa: ANN001
    page = visit(lang, editor)
    response = page.goto(address(name, ids))
    assert response.status == 200
    assert page.get_attribute("html", "lang") == LANG_ATTRIBUTE[lang]
    texts = page.evaluate(_UI_WORDS)
    assert texts and foreign_words(texts, lang) == []
    switch = page.locator("#lang-switch")  # the other language's name, marked as that language
    assert switch.get_attribute("lang") == LANG_ATTRIBUTE["en" if lang == "zh" else "zh"]
    assert page.evaluate(_UNNAMED) == {"unnamed": [], "headless": [], "empty": []}


def test_language_kept_across_links_pages_forms_and_redirects(visit, ids: dict[str, int]) -> None:  # noqa: ANN001
    page = visit("zh")
    page.goto("/ledger")
    page.fill("input[name=actor]", "青岛市")
    page.check("input[name=children]")  # htmx swaps the results and puts the filters in the address
    page.wait_for_url(re.compile(r"children=1"))
    page.click("#lang-switch")  # the same view in English: the filters chosen since the page came are kept
    page.wait_for_selector("html[lang=en]")
    assert parse_qs(urlparse(page.url).query) == {"actor": ["青岛市"], "children": ["1"], "lang": ["en"]}
    assert page.input_value("input[name=actor]") == "青岛市"
    page.goto("/ledger?limit=5")
    page.click("#next-page")  # pagination
    page.wait_for_url(re.compile("_next="))
    assert page.get_attribute("html", "lang") == "en"
    page.select_option("#filters select[name=status]", "未到期")  # the filter form (htmx swaps the results)
    page.wait_for_url(re.compile("status="))
    assert page.locator("#ledger-table tbody tr .status").first.inner_text() == "not due"
    page.click("#ledger-table tbody tr:first-child td:nth-child(4) a")  # a link
    page.wait_for_selector("article.entry")
    assert page.get_attribute("html", "lang") == "en"
    # Logging in from a filtered page comes back to it (a redirect after a POST), in English.
    page.goto("/ledger?actor=崂山区")
    page.click("#login-link")
    page.fill("input[name=name]", EDITOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#user-name")
    assert urlparse(page.url).path == "/ledger" and parse_qs(urlparse(page.url).query) == {"actor": ["崂山区"]}
    assert page.get_attribute("html", "lang") == "en" and page.inner_text("#user-role") == "editor"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_error_page_after_a_form_switches_language_to_a_page_that_exists(browser, server: str, editor_state, lang: str) -> None:  # noqa: ANN001
    """Without JavaScript a refused correction is the error page of a POST: its language switch
    must not lead to that POST's address (a GET there is a 405)."""
    context = browser.new_context(base_url=server, java_script_enabled=False, storage_state=editor_state)
    context.add_cookies([{"name": "tz_lang", "value": lang, "url": server}])
    try:
        page = context.new_page()
        page.goto("/review")
        form = page.locator("form.correct-form").first
        form.locator("select[name=field]").select_option("value")
        form.locator("input[name=value]").fill("1.2.3")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#error")
        assert page.locator("#error").get_attribute("data-status") == "400"
        assert foreign_words(page.evaluate(_UI_WORDS), lang) == []
        other = "en" if lang == "zh" else "zh"
        response = page.goto(page.get_attribute("#lang-switch", "href"))
        assert response.status == 200 and page.get_attribute("html", "lang") == LANG_ATTRIBUTE[other]
    finally:
        context.close()


# 2. Provenance: every figure reaches the sentence it came from, its span marked -----------------


def source_text(page, source_id: int) -> str:  # noqa: ANN001
    return page.request.get(f"/sources/{source_id}.json").json()["text"]


@pytest.mark.parametrize("which", ["multi", "judged"])
def test_each_mention_marks_the_words_at_its_offsets_and_links_to_them(visit, ids: dict[str, int], which: str) -> None:  # noqa: ANN001
    page = visit("zh")
    entry = ids[which]
    page.goto(f"/entries/{entry}")
    mentions = page.locator(".mention")
    assert mentions.count() >= (2 if which == "multi" else 1)
    links = []
    for mention in mentions.all():
        link = mention.locator(".meta a").get_attribute("href")
        source, start = re.fullmatch(r"/sources/(\d+)#o(\d+)", link).groups()
        start, end = map(int, re.search(r"\[(\d+), (\d+)\)", mention.locator(".meta").inner_text()).groups())
        text = source_text(page, int(source))
        marked = mention.locator("mark.quote").inner_text()
        assert marked == text[start:end]  # the highlighted words are the source's at the stored offsets
        assert mention.locator("blockquote").inner_text() in text  # inside its sentence, as the text has it
        links.append((link, start, end, text))
    for link, start, end, text in links:  # each link lands on its words in the source, marked as this entry's
        page.goto(link)
        target = page.locator(":target")
        assert target.count() == 1 and target.get_attribute("data-o") == str(start)
        runs = page.locator(f'#source-text a.pledge[data-entries~="{entry}"]')
        covered = "".join(run.inner_text() for run in runs.all() if start <= int(run.get_attribute("data-o")) < end)
        assert covered == text[start:end]


def test_the_ledger_figures_lead_to_their_sentences(visit) -> None:  # noqa: ANN001
    page = visit("en")
    page.goto("/ledger?actor=崂山区")
    figure = page.locator("#ledger-table tbody tr:first-child a.written")
    entry = page.locator("#ledger-table tbody tr:first-child").get_attribute("data-entry")
    written = figure.inner_text()
    figure.click()
    page.wait_for_selector("#mentions:target")
    assert page.url.endswith(f"/entries/{entry}#mentions") and page.inner_text("#target") == written
    assert page.locator("#mentions mark.quote").count() >= 1


def test_an_outcome_shows_its_words_at_its_offsets_and_links_to_its_source(visit, ids: dict[str, int]) -> None:  # noqa: ANN001
    page = visit("en")
    page.goto(f"/entries/{ids['judged']}")
    chosen = page.locator(".outcomes tr.outcome-chosen")
    assert chosen.count() == 1 and chosen.locator("td:nth-child(2)").inner_text() == "judged on"
    start, end = map(int, re.search(r"\[(\d+), (\d+)\)", chosen.inner_text()).groups())
    marked = chosen.locator("mark.quote").inner_text()
    chosen.locator("a.outcome-source").click()
    page.wait_for_selector("#source-text")
    source = int(re.search(r"/sources/(\d+)", page.url).group(1))
    assert marked == source_text(page, source)[start:end]


# 3. Bad input: an error page in the page's language, never a 500 -------------------------------

BAD_QUERIES = [
    ("/ledger?year=abc", 422, "year"),
    ("/ledger?year=1800", 422, "year"),
    ("/ledger?limit=-1", 422, "limit"),
    ("/ledger?limit=abc", 422, "limit"),
    ("/ledger?status=nonsense", 422, "status"),
    ("/ledger?kind=nonsense", 422, "kind"),
    ("/ledger?sort=nonsense", 422, "sort"),
    ("/ledger?_next=garbage", 422, "_next"),
    ("/ledger?children=maybe", 422, "children"),
    ("/ledger?actor=" + "区" * 65, 422, "actor"),
    ("/ledger?q=" + "字" * 201, 422, "q"),
    ("/ledger/facets?year=abc", 422, "year"),
    ("/charts?year=abc", 422, "year"),
    ("/charts?status=nonsense", 422, "status"),
    ("/entries/999999", 400, None),
    ("/entries/abc", 422, "entry_id"),
    ("/entries/-1", 422, "entry_id"),
    ("/sources/999999", 400, None),
    ("/sources/abc", 422, "source_id"),
    ("/sources/find?name=没有这个文件", 400, None),
    ("/places/abc", 422, "code"),
    ("/places/370200?year=abc", 422, "year"),
    ("/places?name=不存在的地方", 400, None),
    ("/entries/" + "9" * 30, 422, "entry_id"),
    ("/places/999999", 400, None),
    ("/upload/abc", 422, "job_id"),
    ("/upload/abcdefgh12", 404, None),
    ("/nowhere", 404, None),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("url", "status", "field"), BAD_QUERIES)
def test_bad_query_is_answered_in_the_page_language(visit, url: str, status: int, field: str | None, lang: str) -> None:  # noqa: ANN001
    page = visit(lang)
    response = page.goto(url)
    assert response.status == status
    assert page.get_attribute("html", "lang") == LANG_ATTRIBUTE[lang]
    typed = [unquote(part) for part in re.split(r"[/?&=]", url) if part]  # what the user typed comes back as typed
    said = [reduce(lambda text, words: text.replace(words, ""), typed, text) for text in page.evaluate(_UI_WORDS)]
    assert foreign_words(said, lang) == []
    body = page.inner_text("body")
    assert "Traceback" not in body and "Internal Server Error" not in body
    if field:  # the refused field named by its label, beside why
        assert page.locator(f'#error-problems li[data-field="{field}"]').count() == 1
    else:
        assert page.inner_text("#error-message").strip()  # what went wrong, in words


# 4. Forms given wrong values: refused beside the field, in the page's language, what was typed kept


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refused_correction_keeps_what_was_typed(visit, ids: dict[str, int], demo_db: str, lang: str) -> None:  # noqa: ANN001
    page = visit(lang, editor=True)
    page.goto(f"/entries/{ids['multi']}")
    with Ledger(demo_db) as ledger:
        before = len(ledger.corrections())
    form = page.locator("form.correct-form")
    form.locator("select[name=field]").select_option("value")
    form.locator("input[name=value]").fill("1.2.3")
    form.locator("input[name=note]").fill("核对")
    form.locator("button[type=submit]").click()
    refusal = form.locator(".form-error")
    refusal.wait_for()
    assert foreign_words([f"refusal: {refusal.inner_text()}"], lang) == [] and "1.2.3" in refusal.inner_text()
    assert form.locator("input[name=value]").input_value() == "1.2.3" and form.locator("input[name=note]").input_value() == "核对"
    merge = page.locator('form[action$="/merge"]')
    merge.locator("input[name=other]").fill("999999")
    merge.locator("button[type=submit]").click()
    merge.locator(".form-error").wait_for()
    assert "999999" in merge.locator(".form-error").inner_text() and merge.locator("input[name=other]").input_value() == "999999"
    assert foreign_words([f"refusal: {merge.locator('.form-error').inner_text()}"], lang) == []
    with Ledger(demo_db) as ledger:
        assert len(ledger.corrections()) == before  # nothing recorded


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refused_missed_pledge_keeps_the_form(visit, ids: dict[str, int], lang: str) -> None:  # noqa: ANN001
    page = visit(lang, editor=True)
    page.goto(f"/sources/{ids['source']}")
    form = page.locator("#add-form")
    form.locator("input[name=start]").fill("0")
    form.locator("input[name=end]").fill("4")
    form.locator("input[name=metric]").fill("高新技术企业")
    form.locator("input[name=value]").fill("1.2.3")  # not a number
    form.locator("input[name=unit]").fill("家")
    form.locator("#add-submit").click()
    page.wait_for_selector(".form-error")
    note = page.locator(".form-error").first
    assert note.get_attribute("id") == form.locator("input[name=value]").get_attribute("aria-describedby")  # beside its field
    assert foreign_words([f"refusal: {note.inner_text()}"], lang) == []
    assert form.locator("input[name=value]").input_value() == "1.2.3" and form.locator("input[name=metric]").input_value() == "高新技术企业"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_failed_login_says_so_in_the_page_language_and_keeps_the_name(visit, lang: str) -> None:  # noqa: ANN001
    page = visit(lang)
    page.goto("/login")
    page.fill("input[name=name]", EDITOR)
    page.fill("input[name=password]", "wrong password")
    page.click("#login-submit")
    page.wait_for_selector(".form-error, #login-failed")
    said = page.evaluate(_UI_WORDS)
    assert any("form-error" in s or "login-failed" in s for s in said) and foreign_words(said, lang) == []
    assert page.input_value("input[name=name]") == EDITOR
