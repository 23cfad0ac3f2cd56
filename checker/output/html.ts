/**
 * The swimlane view of counterexamples (`check … --html FILE`, `tlats view FILE.itf.json`): one self-contained
 * HTML page (its CSS and script inline, a Content-Security-Policy that forbids fetching anything), in which each
 * trace is a table with one column per actor and one row per step. A step's label and doc sit in its actor's lane,
 * what it changed beside it; clicking a step (or moving with the arrow keys) shows the whole state in a side
 * panel, its large values folded. A lasso's cycle is marked and an arrow drawn from its last step back to the
 * state it returns to. Several traces (a verdict matrix) share the page, after an index that links to each by
 * anchor (`#trace-N`).
 *
 * A pure function of the traces and the run's facts, so it is tested without a browser, and in one
 * (test/html-browser.test.ts).
 */
import type { Value } from '../view/itf-reader.ts';
import type { StepView, TraceView } from '../view/trace-view.ts';
import { formatValue, sizeOf } from '../view/values.ts';

export interface IndexRow {
  /** The configuration (or `defaults`). */
  readonly config: string;
  /** Its verdict in words: `holds`, `violated`, `error: …`. */
  readonly verdict: string;
  /** Its traces: the property each violates, and the trace's anchor id. */
  readonly traces: readonly { readonly property: string; readonly id: string }[];
}

export interface HtmlPage {
  /** The page's heading: `try_to_unmap (specs/try_to_unmap.ts)`. */
  readonly title: string;
  /** Lines under it: the configuration, its constants, the verdict of the run. */
  readonly summary: readonly string[];
  /** A verdict matrix's configurations, linking to their traces; none for a single run. */
  readonly index?: readonly IndexRow[];
  readonly traces: readonly TraceView[];
  /** Who made the page: `tlats 0.1.0`. */
  readonly generator: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
const e = escapeHtml;

/** A label with break opportunities after `_`, `(` and `, `, so a long one wraps at its words in a narrow lane. */
function breakable(label: string): string {
  return e(label).replace(/(_|\(|, )/g, '$1<wbr>');
}

/** A value this small (in leaves) or this short (in characters) is shown on one line, never folded. */
const INLINE_LEAVES = 8;
const INLINE_CHARS = 80;
/** Changes shown beside a step; the rest are in the state panel. */
const CHANGES_SHOWN = 8;

/** A value as a tree: short ones inline, bigger ones folded (details/summary) with a one-line preview. */
function valueTree(v: Value): string {
  const whole = formatValue(v, true);
  if (sizeOf(v) <= INLINE_LEAVES || whole.length <= INLINE_CHARS) return `<code>${e(whole)}</code>`;
  const line = formatValue(v);
  const preview = line.length > INLINE_CHARS ? `${line.slice(0, INLINE_CHARS)}…` : line;
  let rows: [string, Value][];
  let what: string;
  switch (v.kind) {
    case 'seq': case 'tup': rows = v.items.map((x, i) => [`[${i}]`, x]); what = `${v.kind === 'seq' ? 'sequence' : 'tuple'}, ${v.items.length} items`; break;
    case 'set': rows = v.items.map((x) => ['∈', x]); what = `set, ${v.items.length} items`; break;
    case 'map': rows = v.entries.map(([k, x]) => [formatValue(k), x]); what = `map, ${v.entries.length} entries`; break;
    case 'record': rows = v.fields.map(([k, x]) => [k, x]); what = `record, ${v.fields.length} fields`; break;
    case 'variant': rows = [[v.tag, v.value]]; what = 'variant'; break;
    default: return `<code>${e(formatValue(v, true))}</code>`;
  }
  return `<details><summary><span class="what">${e(what)}</span> <code>${e(preview)}</code></summary>`
    + `<table class="tree">${rows.map(([k, x]) => `<tr><th>${e(k)}</th><td>${valueTree(x)}</td></tr>`).join('')}</table></details>`;
}

/** The whole state of a step, for the side panel: one row per variable, the ones this step changed marked. */
function statePanel(t: TraceView, s: StepView): string {
  const changed = new Set(s.changes.map((c) => c.path.split(/[.[]/)[0]));
  const head = s.label === null ? 'initial state' : s.label;
  return `<h3>State ${s.index + 1} <span class="muted">of ${t.steps.length}</span></h3>`
    + `<p class="panel-step">${s.lane ? `<span class="lane-tag">${e(s.lane)}</span> ` : ''}${e(head)}</p>`
    + (s.doc ? `<p class="doc">${e(s.doc)}</p>` : '')
    + `<table class="vars">${s.state.map(([k, v]) => `<tr${changed.has(k) ? ' class="changed"' : ''}><th>${e(k)}</th><td>${valueTree(v)}</td></tr>`).join('')}</table>`;
}

function changesCell(s: StepView): string {
  if (s.index === 0) return `<span class="muted">${s.state.length} variables (click for the state)</span>`;
  if (s.changes.length === 0) return '<span class="muted">(no change)</span>';
  const shown = s.changes.slice(0, CHANGES_SHOWN).map((c) => {
    const after = c.after ? formatValue(c.after) : '(absent)';
    const before = c.before ? formatValue(c.before) : '(absent)';
    return `<div class="change"><code class="path">${e(c.path)}</code> = <code>${e(after)}</code> <span class="was">was <code>${e(before)}</code></span></div>`;
  });
  const more = s.changes.length - CHANGES_SHOWN;
  return shown.join('') + (more > 0 ? `<div class="muted">… ${more} more (click for the state)</div>` : '');
}

function traceSection(t: TraceView, n: number, withIndex: boolean): string {
  const lanes = t.lanes;
  const inCycle = (i: number) => t.loop !== undefined && !t.loop.stutter && i >= t.loop.index;
  const rows = t.steps.map((s) => {
    const cls = ['step', s.index === 0 ? 'init' : '', inCycle(s.index) ? 'cycle' : '', t.loop?.index === s.index ? 'loop-target' : ''].filter(Boolean).join(' ');
    const cells = s.lane === null
      ? `<td class="lane span" colspan="${Math.max(1, lanes.length)}"><div class="box init-box">initial state</div></td>`
      : lanes.map((l) => (l === s.lane
        ? `<td class="lane act"><div class="box"><span class="label">${breakable(s.label ?? '')}</span>${s.doc ? `<span class="doc">${e(s.doc)}</span>` : ''}</div></td>`
        : '<td class="lane"></td>')).join('');
    return `<tr class="${cls}" data-step="${s.index}" data-lane="${e(s.lane ?? '')}" tabindex="-1"><td class="num">${s.index + 1}</td>${cells}<td class="changes">${changesCell(s)}</td></tr>`;
  });
  if (t.loop) {
    const back = t.loop.stutter
      ? `State ${t.steps.length + 1}: stuttering for ever (the last state repeats)`
      : `Back to state ${t.loop.index + 1}${t.loop.label ? `: ${t.loop.label}` : ''}`;
    rows.push(`<tr class="loop-row"><td class="num">↺</td><td colspan="${Math.max(1, lanes.length) + 1}"><a href="#" class="loop-link" data-target="${t.loop.index}">${e(back)}</a></td></tr>`);
  }
  const panels = t.steps.map((s) => `<template data-step="${s.index}">${statePanel(t, s)}</template>`).join('');
  const lasso = t.loop ? (t.loop.stutter ? ', ending in a stutter' : `, a lasso: states ${t.loop.index + 1}–${t.steps.length} repeat`) : '';
  return `<section class="trace" id="${e(t.id)}" data-trace="${n}">
<h2>${e(t.title)}${withIndex ? ' <a class="to-index" href="#index">↑ configurations</a>' : ''}</h2>
<p class="verdict">${e(t.verdict ?? (t.property ? `${t.property} violated` : 'a trace'))} <span class="muted">${t.steps.length} state${t.steps.length === 1 ? '' : 's'}${lasso}; ${lanes.length} lane${lanes.length === 1 ? '' : 's'}${t.lanesInferred ? ' (inferred from the action labels)' : ''}</span></p>
<div class="grid-wrap"><svg class="loop-arrow" aria-hidden="true"></svg>
<table class="grid"><thead><tr><th class="num">#</th>${(lanes.length ? lanes : ['']).map((l) => `<th class="lane-head">${e(l)}</th>`).join('')}<th class="changes-head">changed</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>
${panels}
</section>`;
}

function indexTable(rows: readonly IndexRow[]): string {
  return `<nav class="index" id="index"><h2>Configurations</h2><table><thead><tr><th>configuration</th><th>verdict</th><th>traces</th></tr></thead><tbody>${
    rows.map((r) => `<tr><td>${e(r.config)}</td><td class="${r.traces.length ? 'bad' : 'good'}">${e(r.verdict)}</td><td>${
      r.traces.map((t) => `<a href="#${e(t.id)}">${e(t.property)}</a>`).join(', ') || '<span class="muted">—</span>'}</td></tr>`).join('')
  }</tbody></table></nav>`;
}

const CSS = `
:root { --lane: #f6f8fa; --act: #dbeafe; --act-border: #3b82f6; --cycle: #f59e0b; --sel: #fde68a; --muted: #6b7280; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827; }
main { padding: 12px 16px; margin-right: var(--panel-w, 0); }
header h1 { font-size: 18px; margin: 0 0 4px; }
header p { margin: 2px 0; }
.muted { color: var(--muted); font-weight: normal; }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
h2 { font-size: 16px; margin: 18px 0 4px; }
.verdict { margin: 0 0 8px; font-weight: 600; color: #b91c1c; }
.index table { border-collapse: collapse; }
.index td, .index th { border-bottom: 1px solid #e5e7eb; padding: 2px 10px 2px 0; text-align: left; }
.index .bad { color: #b91c1c; } .index .good { color: #15803d; }
h2 .to-index { font-size: 12px; font-weight: normal; margin-left: 8px; }
.grid-wrap { position: relative; padding-left: 26px; }
.loop-arrow { position: absolute; left: 0; top: 0; width: 26px; height: 100%; overflow: visible; pointer-events: none; }
table.grid { border-collapse: separate; border-spacing: 0; width: 100%; table-layout: auto; }
.grid thead th { position: sticky; top: 0; background: #fff; z-index: 1; border-bottom: 2px solid #9ca3af; padding: 4px 6px; text-align: left; font-size: 13px; white-space: nowrap; }
.grid td { padding: 2px 6px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
.grid td.lane { background: var(--lane); border-left: 1px solid #e5e7eb; min-width: 7rem; max-width: 16rem; }
.grid td.num { color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; width: 2.5rem; }
.grid tr.step { cursor: pointer; }
.grid tr.step:hover td { background-color: #eef2ff; }
.grid tr.selected td { background-color: var(--sel) !important; }
.grid tr.cycle td.num { box-shadow: inset 3px 0 0 var(--cycle); }
.box { border: 1px solid var(--act-border); background: var(--act); border-radius: 4px; padding: 1px 5px; overflow-wrap: break-word; }
.box .label { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-weight: 600; }
.box .doc, p.doc { display: block; font-size: 12px; color: #374151; }
.init-box { border-color: #9ca3af; background: #f3f4f6; text-align: center; }
td.changes { min-width: 14rem; max-width: 34rem; }
.change { overflow-wrap: anywhere; }
.change .path { font-weight: 600; }
.was { color: var(--muted); font-size: 12px; }
tr.loop-row td { color: #92400e; font-weight: 600; border-bottom: none; }
#panel { position: fixed; top: 0; right: 0; bottom: 0; width: var(--panel-w, 0); overflow: auto; border-left: 1px solid #d1d5db; background: #fcfcfd; padding: 10px 12px; display: none; }
body.with-panel { --panel-w: min(40vw, 560px); }
body.with-panel #panel { display: block; }
#panel h3 { margin: 0 0 4px; font-size: 15px; }
#panel code { overflow-wrap: anywhere; }
#panel .close { float: right; border: 1px solid #d1d5db; background: #fff; border-radius: 4px; cursor: pointer; }
.panel-step { margin: 0 0 6px; font: 12px ui-monospace, monospace; font-weight: 600; }
.lane-tag { background: var(--act); border: 1px solid var(--act-border); border-radius: 3px; padding: 0 4px; font-family: system-ui, sans-serif; font-weight: normal; }
table.vars, table.tree { border-collapse: collapse; width: 100%; }
table.vars > tbody > tr > th, table.tree > tbody > tr > th { text-align: left; vertical-align: top; padding: 1px 8px 1px 0; font: 12px ui-monospace, monospace; white-space: nowrap; color: #374151; }
table.vars > tbody > tr > td, table.tree > tbody > tr > td { padding: 1px 0; }
table.vars > tbody > tr.changed > th { color: #b45309; }
table.vars > tbody > tr.changed > th::after { content: " •"; }
details > summary { cursor: pointer; }
details > summary .what { color: var(--muted); font-size: 12px; }
table.tree { margin-left: 12px; }
footer { color: var(--muted); font-size: 12px; margin: 16px 0; }
`;

/** The page's script: selecting a step fills the side panel; the lasso's arrow is drawn once the table is laid out. */
const SCRIPT = `
(function () {
  var panel = document.getElementById('panel');
  var body = document.getElementById('panel-body');
  function select(row) {
    var section = row.closest('section.trace');
    var prev = document.querySelector('tr.selected');
    if (prev) prev.classList.remove('selected');
    row.classList.add('selected');
    var tpl = section.querySelector('template[data-step="' + row.dataset.step + '"]');
    body.innerHTML = '';
    body.appendChild(tpl.content.cloneNode(true));
    panel.dataset.trace = section.dataset.trace;
    panel.dataset.step = row.dataset.step;
    document.body.classList.add('with-panel');
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: 'nearest' });
    drawAll();
  }
  document.addEventListener('click', function (ev) {
    var link = ev.target.closest('a.loop-link');
    if (link) {
      ev.preventDefault();
      var r = link.closest('section.trace').querySelector('tr.step[data-step="' + link.dataset.target + '"]');
      if (r) select(r);
      return;
    }
    if (ev.target.closest('#panel .close')) { document.body.classList.remove('with-panel'); var s = document.querySelector('tr.selected'); if (s) s.classList.remove('selected'); drawAll(); return; }
    var row = ev.target.closest('tr.step');
    if (row) select(row);
  });
  document.addEventListener('keydown', function (ev) {
    var cur = document.querySelector('tr.selected');
    if (!cur) return;
    if (ev.key === 'Escape') { document.body.classList.remove('with-panel'); cur.classList.remove('selected'); drawAll(); return; }
    var next = ev.key === 'ArrowDown' || ev.key === 'j' ? cur.nextElementSibling : ev.key === 'ArrowUp' || ev.key === 'k' ? cur.previousElementSibling : null;
    if (next && next.classList.contains('step')) { ev.preventDefault(); select(next); }
  });
  var NS = 'http://www.w3.org/2000/svg';
  function draw(section) {
    var svg = section.querySelector('svg.loop-arrow');
    var target = section.querySelector('tr.loop-target');
    var rows = section.querySelectorAll('tr.step');
    svg.innerHTML = '';
    if (!target || !section.querySelector('tr.cycle')) return;
    var last = rows[rows.length - 1];
    var top = svg.getBoundingClientRect().top;
    var y1 = last.getBoundingClientRect().top + last.offsetHeight / 2 - top;
    var y0 = target.getBoundingClientRect().top + target.offsetHeight / 2 - top;
    var path = document.createElementNS(NS, 'path');
    path.setAttribute('d', 'M 24 ' + y1 + ' C 2 ' + y1 + ', 2 ' + y0 + ', 22 ' + y0);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', '#f59e0b');
    path.setAttribute('stroke-width', '2');
    path.setAttribute('class', 'loop-path');
    var head = document.createElementNS(NS, 'path');
    head.setAttribute('d', 'M 22 ' + y0 + ' l -7 -4 l 0 8 z');
    head.setAttribute('fill', '#f59e0b');
    svg.appendChild(path);
    svg.appendChild(head);
  }
  function drawAll() { document.querySelectorAll('section.trace').forEach(draw); }
  window.addEventListener('resize', drawAll);
  document.addEventListener('toggle', drawAll, true);
  drawAll();
})();
`;

export function renderHtml(page: HtmlPage): string {
  const title = page.traces.length === 1 ? `${page.traces[0]!.title}: ${page.traces[0]!.verdict ?? ''}` : page.title;
  const body = page.traces.length === 0 ? '<p class="muted">No counterexample: nothing to draw.</p>' : page.traces.map((t, n) => traceSection(t, n, page.index !== undefined)).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${e(page.generator)}">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>${e(page.title)}</h1>${page.summary.map((l) => `<p>${e(l)}</p>`).join('')}</header>
${page.index ? indexTable(page.index) : ''}
${body}
<footer>Made by ${e(page.generator)}. Click a step (then ↑/↓) for its whole state; Esc closes the panel.</footer>
</main>
<aside id="panel" aria-label="state"><button class="close" title="close (Esc)">×</button><div id="panel-body"></div></aside>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
