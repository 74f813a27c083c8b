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
document.addEventListener("htmx:xhr:progress", (event) => {
  const bar = document.getElementById("upload-bytes");
  if (bar && event.detail.lengthComputable) { bar.hidden = false; bar.value = Math.round((event.detail.loaded / event.detail.total) * 100); }
});

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
});

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
      name: s, type: "bar", stack: "all", itemStyle: { color: STATUS_COLOURS[s] },
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
