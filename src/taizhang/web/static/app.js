// taizhang dashboard: light interactivity over server-rendered pages (every page works without it).
// No inline script anywhere: data for charts comes in <script type="application/json"> blocks.
"use strict";

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content || "";
const jsonOf = (id) => { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; };

// htmx requests carry the CSRF token as a header; upload progress shows the bytes sent.
document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRF-Token"] = csrfToken();
  if (event.detail.verb === "get") {  // empty filter fields are no filter: keep the shared URL short
    for (const [name, value] of Object.entries(event.detail.parameters)) if (value === "") delete event.detail.parameters[name];
  }
});
// The filters htmx put in the address are kept by the header's links made for the address before:
// the language switch (the same view in the other language) and the login link (back to this view).
document.addEventListener("htmx:pushedIntoHistory", () => {
  const here = new URL(window.location.href);
  const language = document.getElementById("lang-switch");
  if (language) {
    const switched = new URL(here);
    switched.searchParams.set("lang", new URL(language.href).searchParams.get("lang"));
    language.href = switched.pathname + switched.search;
  }
  const login = document.getElementById("login-link");
  if (login) login.href = `/login?next=${encodeURIComponent(here.pathname + here.search)}`;
});
document.addEventListener("htmx:xhr:progress", (event) => {
  const bar = document.getElementById("upload-bytes");
  if (bar && event.detail.lengthComputable) { bar.hidden = false; bar.value = Math.round((event.detail.loaded / event.detail.total) * 100); }
});

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
  // An error page's way back to the form: the history's entry keeps what was typed in it.
  if (event.target.closest("[data-back]") && history.length > 1) { event.preventDefault(); history.back(); }
});

// A form that refuses in place (data-inline-errors): sent in the background, so a refusal shows
// beside the fields, in the page's language (the server's error page, read for its words), and
// what the user typed stays in them; on success the browser goes where the server sent it.
// Without JavaScript the form posts as usual and a refusal is the error page.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-inline-errors]");
  if (!form || event.defaultPrevented) return;
  event.preventDefault();
  const button = form.querySelector("[type=submit]");
  if (button) button.disabled = true;
  let response;
  try {
    // Accept: a page, as the browser's own post asks (an API route answers a program's refusal in JSON).
    response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { Accept: "text/html" } });
  } catch {  // no answer (offline, the server gone): post it as a form without script does
    form.submit();
    return;
  }
  try {
    if (response.ok) {  // the page the server's redirect led to (a fetch drops the redirect's #fragment: the form names it)
      const anchor = form.dataset.anchorFrom ? `#o${form.elements[form.dataset.anchorFrom].value}` : "";
      if (response.url === window.location.href.split("#")[0]) {  // this page again, changed: load it anew at the anchor
        history.replaceState(null, "", response.url + anchor);
        window.location.reload();
      } else {
        window.location.assign(response.url + anchor);
      }
      return;
    }
    showRefusal(form, new DOMParser().parseFromString(await response.text(), "text/html"), response);
  } finally {
    if (button) button.disabled = false;
  }
});

let refusals = 0;  // each refusal's element id: several forms of a page may refuse

function showRefusal(form, answer, response) {
  for (const old of form.querySelectorAll(".form-error")) old.remove();
  for (const field of form.querySelectorAll("[aria-invalid]")) { field.removeAttribute("aria-invalid"); field.removeAttribute("aria-describedby"); }
  const problems = [...answer.querySelectorAll("#error-problems li")];
  const said = ["#error-message", "#login-failed"].map((selector) => answer.querySelector(selector)).find(Boolean);
  const general = problems.length ? [] : [said ? said.textContent : `${response.status} ${response.statusText}`];
  let first = null;
  for (const problem of problems) {
    const field = form.elements[problem.dataset.field];
    if (!field || field.type === "hidden") { general.push(problem.textContent); continue; }
    const note = refusal(problem.textContent);
    (field.closest("label") || field).after(note);
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", note.id);
    first = first || field;
  }
  for (const words of general) form.append(refusal(words));
  (first || form.querySelector(".form-error"))?.focus?.();
}

function refusal(words) {
  const note = document.createElement("p");
  note.className = "form-error";
  note.id = `refusal-${++refusals}`;
  note.setAttribute("role", "alert");
  note.textContent = words.trim();
  return note;
}

// Add a missed pledge: the selection's character offsets in the source's ORIGINAL text. Every run
// of text carries its offset (data-o); JavaScript counts UTF-16 units, Python code points.
function offsetOf(node, offset) {
  const run = (node.nodeType === Node.TEXT_NODE ? node.parentElement : node)?.closest("[data-o]");
  if (!run) return null;
  const before = node.nodeType === Node.TEXT_NODE ? node.textContent.slice(0, offset) : "";
  return Number(run.dataset.o) + Array.from(before).length;
}
document.addEventListener("selectionchange", () => {
  const form = document.getElementById("add-form");
  const text = document.getElementById("source-text");
  const selection = window.getSelection();
  if (!form || !text || !selection || selection.isCollapsed || !text.contains(selection.anchorNode)) return;
  const range = selection.getRangeAt(0);
  const start = offsetOf(range.startContainer, range.startOffset);
  const end = offsetOf(range.endContainer, range.endOffset);
  if (start === null || end === null || end <= start) return;
  form.querySelector("#add-start").value = start;
  form.querySelector("#add-end").value = end;
  form.querySelector("#add-quote").textContent = selection.toString();
});

// Charts with the vendored Apache ECharts.
const STATUS_COLOURS = { "已完成": "#2da44e", "部分完成": "#d4a72c", "未完成": "#cf222e", "待核实": "#8c959f", "未到期": "#0969da", "无法核实": "#6e7781" };

function drawCharts() {
  const data = jsonOf("charts-data");
  const labels = jsonOf("chart-labels");
  if (!data || !window.echarts) return;
  const years = [...new Set(data.by_year_status.map((r) => r.year === null ? "—" : String(r.year)))];
  const statuses = labels.statuses.filter((s) => data.by_year_status.some((r) => r.status === s));
  chart("chart-years", {
    tooltip: { trigger: "axis" }, legend: {}, xAxis: { type: "category", data: years }, yAxis: { type: "value" },
    series: statuses.map((s) => ({
      name: labels.status_names[s] || s, type: "bar", stack: "all", itemStyle: { color: STATUS_COLOURS[s] },
      data: years.map((y) => data.by_year_status.filter((r) => (r.year === null ? "—" : String(r.year)) === y && r.status === s).reduce((n, r) => n + r.count, 0)),
    })),
  });
  const judged = data.against_outcomes;
  chart("chart-outcomes", {
    tooltip: { trigger: "axis" }, legend: {},
    xAxis: { type: "category", data: judged.map((r) => `#${r.entry_id} ${r.actor || ""} ${r.metric}`), axisLabel: { rotate: 30 } },
    yAxis: { type: "value" },
    series: [
      { name: labels.target, type: "bar", data: judged.map((r) => r.target) },
      { name: labels.outcome, type: "bar", data: judged.map((r) => ({ value: r.outcome, itemStyle: { color: STATUS_COLOURS[r.status] } })) },
    ],
  });
  const places = [...new Set(data.series.map((r) => r.place))].slice(0, 20);
  const seriesYears = [...new Set(data.series.map((r) => r.year))].sort();
  chart("chart-series", {
    tooltip: { trigger: "axis" }, legend: { type: "scroll" },
    xAxis: { type: "category", data: seriesYears.map(String) }, yAxis: { type: "value", name: data.series[0]?.unit || "" },
    series: places.map((p) => ({
      name: p, type: "line", connectNulls: true,
      data: seriesYears.map((y) => { const r = data.series.find((s) => s.place === p && s.year === y); return r ? r.value : null; }),
    })),
  });
}

// Large values (normalised: 150,000,000,000 CNY) as a Chinese reader says them: 1500亿.
const compact = new Intl.NumberFormat(document.documentElement.lang || "zh-CN", { notation: "compact", maximumFractionDigits: 2 });
const short = (value) => (typeof value === "number" && Math.abs(value) >= 10000 ? compact.format(value) : String(value));

function chart(id, option) {
  const el = document.getElementById(id);
  if (!el) return null;
  const made = window.echarts.init(el);
  if (option.yAxis) option.yAxis.axisLabel = { formatter: short };
  if (option.legend) option.legend = Object.assign({ top: 0 }, option.legend);
  made.setOption(Object.assign({ animation: false, grid: { containLabel: true, left: 10, right: 20, top: 40, bottom: 20 } }, option));
  // A full-page screenshot or print briefly lays the page out at another size: resize once it settles,
  // and never to an empty box (a map laid out in 0×0 fails inside ECharts).
  let pending = 0;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => { if (el.clientWidth > 0 && el.clientHeight > 0) made.resize(); }, 100);
  });
  el.dataset.drawn = "yes";
  return made;
}

async function drawMap() {
  const el = document.getElementById("place-map");
  if (!el || !window.echarts) return;
  const code = el.dataset.map;
  const areas = jsonOf(el.dataset.json) || [];
  const response = await fetch(`/geo/${code}.json`);
  if (!response.ok) return;
  const geo = await response.json();
  window.echarts.registerMap(code, geo);
  const values = areas.map((a) => a.value).filter((v) => v !== null);
  chart("place-map", {
    tooltip: { trigger: "item", formatter: (p) => `${p.name}: ${p.value === undefined || isNaN(p.value) ? "—" : short(p.value)}` },
    visualMap: values.length ? { min: Math.min(...values), max: Math.max(...values), calculable: true, left: 10, bottom: 10, formatter: short, inRange: { color: ["#fde0dd", "#b4232a"] } } : undefined,
    series: [{
      type: "map", map: code, nameProperty: "name", roam: true, label: { show: true, fontSize: 10 },
      data: areas.map((a) => ({ name: a.name, value: a.value === null ? NaN : a.value, selected: a.code === el.dataset.highlight })),
      itemStyle: { areaColor: "#eee", borderColor: "#999" }, select: { itemStyle: { borderColor: "#000", borderWidth: 2 } },
    }],
  });
  el.dataset.features = String(geo.features.length);
}

document.addEventListener("DOMContentLoaded", () => { drawCharts(); drawMap(); });
