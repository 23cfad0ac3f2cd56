/**
 * The swimlane view without a browser: lanes inferred from labels (tlats's, Quint's `mbt::` variables) or taken from
 * `#meta.actor`, ITF from other tools (a Quint-style and an Apalache-style trace written here by hand, after the
 * ITF ADR and Quint's toItf), the page's markup (escaping, folding, anchors, no network), and `tlats view` on bad
 * input. test/html-browser.test.ts opens the pages in Chromium.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../checker/output/html.ts';
import { toItfTrace } from '../checker/output/itf.ts';
import { decodeItf } from '../checker/view/itf-reader.ts';
import { assignLanes, laneFromLabel, parseLabel, stepLabel } from '../checker/view/lanes.ts';
import { traceView } from '../checker/view/trace-view.ts';
import { expectNoRawStack, fx, runCli } from './cli-helpers.ts';
import { big, quintStyleTrace } from './itf-samples.ts';


describe('lanes', () => {
  it('a label\'s parameters, split at top-level commas only', () => {
    expect(parseLabel('racer_fault(cpu=1, addr=0)')).toEqual({ action: 'racer_fault', params: [['cpu', '1'], ['addr', '0']] });
    expect(parseLabel('take(r="b, c", p=0)').params).toEqual([['r', '"b, c"'], ['p', '0']]);
    expect(parseLabel('send(m={type: "2a", bal: [1, 2]}, q=3)').params).toEqual([['m', '{type: "2a", bal: [1, 2]}'], ['q', '3']]);
    expect(parseLabel('tick')).toEqual({ action: 'tick', params: [] });
    expect(laneFromLabel('device_fill(dev=0, addr=0)')).toBe('dev=0');
    expect(laneFromLabel('tick')).toBeUndefined();
  });

  it('#meta.actor wins; a step without actor or parameter goes to (other); none anywhere: one lane', () => {
    const s = (action: string, actor?: string) => ({ meta: { action, ...(actor ? { actor } : {}) }, vars: [] });
    expect(assignLanes([s('init'), s('fault(cpu=1)', 'CPU1'), s('reclaim(addr=0)'), s('tick')])).toEqual({
      laneOf: [null, 'CPU1', 'addr=0', '(other)'], lanes: ['CPU1', 'addr=0', '(other)'], inferred: false,
    });
    expect(assignLanes([s('init'), s('a'), s('b')])).toEqual({ laneOf: [null, 'steps', 'steps'], lanes: ['steps'], inferred: true });
    // A trace's list of every actor (`#meta.actors`) orders the lanes and keeps the idle ones.
    expect(assignLanes([s('init'), s('fill(dev=0)', 'device'), s('clear(addr=0)', 'unmapper')], ['unmapper', 'CPU1', 'IOMMU', 'device']).lanes)
      .toEqual(['unmapper', 'CPU1', 'IOMMU', 'device']);
  });

  it('a Quint trace: the label from mbt::actionTaken and the picks made (Some), the lane from the first pick', () => {
    const itf = decodeItf(quintStyleTrace(4), 'quint');
    expect(itf.vars).toEqual(['counter', 'owner']);
    expect(itf.states.map(stepLabel)).toEqual([null, 'step(p=1)', 'step(p=0)', 'tick', 'step(p=0)']);
    expect(assignLanes(itf.states).lanes).toEqual(['p=1', 'p=0', '(other)']);
  });
});

describe('reading other tools\' ITF', () => {
  it('an Apalache-style trace: tuples, sets, maps, records and variants, no action labels: one lane', () => {
    // ADR-015's forms; a state has only #meta.index, as Apalache writes.
    const doc = {
      '#meta': { format: 'ITF', description: 'Created by Apalache' },
      vars: ['msgs', 'pair', 'm', 'v'],
      states: [0, 1].map((i) => ({
        '#meta': { index: i },
        msgs: { '#set': [{ type: '1a', bal: big(i) }] },
        pair: { '#tup': [big(i), 'x'] },
        m: { '#map': [['a', big(i)]] },
        v: { tag: 'Ok', value: big(i) },
      })),
    };
    const view = traceView(decodeItf(doc, 'apalache'), { id: 't' });
    expect(view.title).toBe('Created by Apalache');
    expect(view.lanes).toEqual(['steps']);
    expect(view.steps[1]!.changes.map((c) => c.path)).toEqual(['msgs', 'pair[0]', 'm["a"]', 'v']);
    const html = renderHtml({ title: 'x', summary: [], traces: [view], generator: 'test' });
    expect(html).toContain('{ { type: &quot;1a&quot;, bal: 1 } }');
    expect(html).toContain('&lt;&lt;1, &quot;x&quot;&gt;&gt;');
    expect(html).toContain('Map { &quot;a&quot;: 1 }');
    expect(html).toContain('Ok(1)');
  });
});

describe('the page', () => {
  const trace = (n: number, state: (i: number) => unknown, label: (i: number) => string) =>
    toItfTrace(Array.from({ length: n }, (_, i) => ({ label: i === 0 ? null : label(i), state: state(i) })), { description: 'T' });

  it('is self-contained, escapes what the spec wrote, and folds large values', () => {
    const doc = trace(3, (i) => ({ x: i, big: Array.from({ length: 100 }, (_, k) => k + i) }), (i) => `evil(s="<script>alert(${i})</script>")`);
    const html = renderHtml({ title: '<b>t</b>', summary: [], traces: [traceView(decodeItf(doc, 't'), { id: 'trace-1' })], generator: 'test' });
    expect(html).not.toMatch(/<script>alert/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;t&lt;/b&gt;');
    // Nothing to fetch: no src or link attributes, no address, and a policy that forbids fetching anyway.
    expect(html).not.toMatch(/\ssrc=|<link|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain("default-src 'none'");
    // The 100-item array folds (in the state panel); x does not.
    expect(html).toMatch(/<tr><th>big<\/th><td><details><summary><span class="what">sequence, 100 items/);
    expect(html).toMatch(/<tr><th>x<\/th><td><code>0<\/code>/);
  });

  it('in matrix mode, an index whose every link has its anchor in the same page', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tlats-html-')), 'm.html');
    const r = await runCli(['specs/diehard.ts', '--html', out, '-q']);
    expect(r.code, r.stderr).toBe(0); // a matrix whose rows all give what they declare
    const html = readFileSync(out, 'utf8');
    const links = [...html.matchAll(/href="#(trace-\d+)"/g)].map((m) => m[1]);
    // DieHard's two configurations (specs/diehard.ts): one violates NotSolved (TLC's DieHard.cfg), one holds.
    expect(links).toEqual(['trace-1']);
    for (const id of links) expect(html).toContain(`id="${id}"`);
    expect(html).toMatch(/<nav class="index" id="index">/);
    expect(html).toContain('href="#index"'); // each trace links back to the index
    expect((html.match(/<tr><td>/g) ?? []).length).toBe(2);
  });
});

describe.concurrent('tlats view on bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlats-view-'));
  const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

  it('a missing file: 150', async ({ expect }) => {
    const r = await runCli(['view', join(dir, 'nope.itf.json')]);
    expect(r.code).toBe(150);
    expect(r.stderr).toContain('trace file not found');
    expectNoRawStack(expect, r);
  });
  it('not JSON: 150', async ({ expect }) => {
    const r = await runCli(['view', file('bad.itf.json', '{ "states": [ ')]);
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(/not JSON/);
    expectNoRawStack(expect, r);
  });
  it('JSON but not ITF: 150, saying what is wrong and where', async ({ expect }) => {
    const a = await runCli(['view', file('a.json', '[1, 2]')]);
    expect(a.code).toBe(150);
    expect(a.stderr).toContain('not an ITF trace: the document is an array');
    const b = await runCli(['view', file('b.json', JSON.stringify({ vars: ['x'], states: [{ x: { '#bigint': 5 } }] }))]);
    expect(b.code).toBe(150);
    expect(b.stderr).toContain('at states[0].x: #bigint must be a string of decimal digits');
    const c = await runCli(['view', file('c.json', JSON.stringify({ tool: 'tlats', results: [] }))]);
    expect(c.code).toBe(150);
    expect(c.stderr).toContain('--itf DIR writes each as its own file');
    const d = await runCli(['view', file('d.json', JSON.stringify({ states: [{ x: true }], loop: 3 }))]);
    expect(d.code).toBe(150);
    expect(d.stderr).toContain('"loop" must be the index of one of its 1 states');
    for (const r of [a, b, c, d]) expectNoRawStack(expect, r);
  });
  it('bad arguments: 64', async ({ expect }) => {
    const ok = file('ok.itf.json', JSON.stringify(quintStyleTrace(2)));
    for (const args of [['view'], ['view', ok, '--bogus'], ['view', ok, ok], ['view', ok, '-o'], ['view', ok, '-o', join(dir, 'no/such/dir/x.html')]]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(64);
      expectNoRawStack(expect, r);
    }
  });
  it('a good file: the page beside it, and what it drew', async ({ expect }) => {
    const ok = file('good.itf.json', JSON.stringify(quintStyleTrace(3)));
    const r = await runCli(['view', ok]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'good.html'))).toBe(true);
    expect(r.stdout).toContain('4 states in 3 lanes (p=1, p=0, (other); inferred from the action labels)');
  });
});

describe.concurrent('--html and --itf on bad input (64)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlats-out-'));
  const cases: [string, string[], RegExp][] = [
    ['--itf to a file', [fx('basic.ts'), '--itf', fx('basic.ts')], /is a file; give a folder/],
    ['--html to a folder', [fx('basic.ts'), '--html', dir], /is a folder/],
    ['--html to stdout', [fx('basic.ts'), '--html', '-'], /needs a file name/],
    ['--html with --suite', ['--suite', 'specs', '--html', join(dir, 'x.html')], /--suite writes no counterexample files/],
    ['--itf with --simulate', [fx('basic.ts'), '--simulate', '--itf', dir], /--simulate writes no counterexample files/],
    ['--html into a missing folder', [fx('basic.ts'), '--html', join(dir, 'no/such/x.html')], /cannot write there/],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(message);
    expectNoRawStack(expect, r);
  });
});
