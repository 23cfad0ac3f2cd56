/**
 * The HTML view in a real browser: Debian's Chromium (`apt-get install chromium`; .ci/run installs it), driven by
 * puppeteer-core with the system browser (no browser download). The page is the one `check --html` writes for the
 * flagship counterexample try_to_unmap V2.error. What must be seen comes from the hand analysis in
 * docs/mmu_notifier.md ("V1.error and V2.error, 8 states"): reclaim clears the pte and leaves the walk, the racing
 * CPU faults the new page in while the device still caches the old one. So: 8 steps, the unmapper's, the racer's
 * and the device's steps each in a lane of their own, the racer's fault last, and its state shows pte "new"
 * beside the device's "old". A lasso (kvm_mmu_notifier liveWholeVmStall) must have its loop drawn back.
 *
 * The test never skips: if the browser cannot start it fails, saying what to install. A screenshot of each page
 * is saved in test-artifacts/ (gitignored) for a person to look at.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runCli } from './cli-helpers.ts';
import { quintStyleTrace } from './itf-samples.ts';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = join(root, 'test-artifacts');
const work = mkdtempSync(join(tmpdir(), 'tlats-html-'));
let browser: Browser;

beforeAll(async () => {
  try {
    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      // Root in a container has no user namespace for Chromium's sandbox.
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  } catch (e) {
    throw new Error(`the browser test needs Chromium at ${chromium} (Debian: apt-get install -y chromium; or set CHROMIUM_PATH), and it could not start: ${(e as Error).message}`);
  }
  mkdirSync(artifacts, { recursive: true });
});
afterAll(async () => { await browser?.close(); });

async function open(html: string, width = 1366, height = 768): Promise<Page> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.setViewport({ width, height });
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  // Self-contained: nothing fetched from anywhere, and the script ran without an error.
  expect(requests).toEqual([]);
  expect(errors).toEqual([]);
  return page;
}

/** What the page's elements are read for (the tests are type-checked without the DOM library). */
interface Dataset { dataset: Record<string, string | undefined> }
interface Row { step: number; lane: string; label: string; column: number; changes: string }
const rowsOf = (page: Page) => page.$$eval('section.trace tr.step', (trs) => trs.map((tr) => {
  const cells = [...tr.children];
  const act = cells.findIndex((c) => c.classList.contains('act'));
  return {
    step: Number((tr as unknown as Dataset).dataset.step),
    lane: (tr as unknown as Dataset).dataset.lane ?? '',
    label: tr.querySelector('.box .label')?.textContent ?? '',
    column: act - 1,
    changes: tr.querySelector('td.changes')?.textContent ?? '',
  };
}));

describe('check --html in Chromium', () => {
  it('try_to_unmap V2.error: the lanes, the steps, a step\'s state in the side panel', async () => {
    const html = join(work, 'v2-error.html');
    const r = await runCli(['specs/try_to_unmap.ts', '--config', 'V2.error', '--html', html, '-q']);
    expect(r.code, r.stderr).toBe(12);
    const page = await open(html);

    expect(await page.$eval('header h1', (h) => h.textContent)).toContain('try_to_unmap');
    expect(await page.$eval('section.trace .verdict', (p) => p.textContent)).toContain('cpuAndDeviceAgree');
    const lanes = await page.$$eval('section.trace th.lane-head', (ths) => ths.map((th) => th.textContent ?? ''));
    // Every actor the spec declares has a lane, idle ones too (the unmapper, racer, device and IOMMU).
    expect(lanes).toEqual(expect.arrayContaining(['unmapper', 'CPU1', 'device', 'IOMMU']));
    const rows: Row[] = await rowsOf(page);
    expect(rows).toHaveLength(8);
    expect(rows[0]!.lane).toBe(''); // the initial state spans the lanes
    // Each step's box is in the column of its own lane.
    for (const row of rows.slice(1)) expect(lanes[row.column], row.label).toBe(row.lane);
    const laneOf = (action: string) => rows.find((x) => x.label.startsWith(`${action}(`))?.lane;
    const unmapper = laneOf('ptep_get_and_clear');
    const racer = laneOf('racer_fault');
    const device = laneOf('device_fill');
    expect([unmapper, racer, device].every((x) => x !== undefined)).toBe(true);
    expect(new Set([unmapper, racer, device]).size).toBe(3);
    // The walk's steps are the unmapper's, whatever the lanes are called.
    expect(laneOf('mmu_notifier_invalidate_range_start')).toBe(unmapper);
    expect(rows.at(-1)!.label).toMatch(/^racer_fault\(/);
    expect(rows.at(-1)!.changes).toContain('"new"');

    // Click the racer's fault: the panel shows the whole state, pte "new" and the device's cached "old".
    await page.click('section.trace tr.step:last-child td.changes');
    await page.waitForSelector('body.with-panel #panel table.vars');
    const panel = await page.$$eval('#panel table.vars > tbody > tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent])));
    expect(await page.$eval('#panel h3', (h) => h.textContent)).toContain('State 8');
    expect(panel.pte).toBe('["new"]');
    expect(panel.atc).toBe('[["old"]]');
    expect(await page.$$eval('#panel table.vars tr.changed > th', (ths) => ths.map((t) => t.textContent).sort())).toEqual(['newOrder', 'pte']);
    // The arrow keys move the selection; the panel follows.
    await page.keyboard.press('ArrowUp');
    expect(await page.$eval('#panel h3', (h) => h.textContent)).toContain('State 7');
    expect(await page.$eval('tr.selected', (tr) => (tr as unknown as Dataset).dataset.step)).toBe('6');
    await page.screenshot({ path: join(artifacts, 'html-try_to_unmap-V2.error.png'), fullPage: true });
    await page.close();
  });

  it('a lasso: the cycle marked and its loop drawn back to its target', async () => {
    const html = join(work, 'lasso.html');
    const r = await runCli(['specs/kvm_mmu_notifier.ts', '--config', 'liveWholeVmStall', '--html', html, '-q']);
    expect(r.code, r.stderr).toBe(13);
    const page = await open(html);
    const loop = await page.$eval('tr.loop-row', (tr) => tr.textContent ?? '');
    const target = await page.$eval('tr.loop-target', (tr) => Number((tr as unknown as Dataset).dataset.step));
    expect(loop).toContain(`Back to state ${target + 1}`);
    // The arrow goes from the middle of the last step up to the middle of the target's row.
    const geometry = await page.evaluate(() => {
      // Runs in the page (the tests are type-checked without the DOM library).
      const document = (globalThis as unknown as { document: { querySelector(s: string): Box; querySelectorAll(s: string): { length: number } } }).document;
      type Box = { getBoundingClientRect(): { top: number; height: number }; getAttribute(name: string): string | null };
      const svg = document.querySelector('svg.loop-arrow')!.getBoundingClientRect();
      const path = document.querySelector('svg.loop-arrow path.loop-path')!.getAttribute('d')!;
      const ys = [...path.matchAll(/-?\d+(\.\d+)?/g)].map((m) => Number(m[0]));
      const mid = (sel: string) => { const b = document.querySelector(sel)!.getBoundingClientRect(); return b.top + b.height / 2 - svg.top; };
      const steps = document.querySelectorAll('tr.step');
      return { from: ys[1]!, to: ys.at(-1)!, last: mid(`tr.step[data-step="${steps.length - 1}"]`), target: mid('tr.loop-target') };
    });
    expect(geometry.from).toBeCloseTo(geometry.last, 0);
    expect(geometry.to).toBeCloseTo(geometry.target, 0);
    expect(geometry.from).toBeGreaterThan(geometry.to);
    await page.click('a.loop-link');
    expect(await page.$eval('tr.selected', (tr) => (tr as unknown as Dataset).dataset.step)).toBe(String(target));
    await page.screenshot({ path: join(artifacts, 'html-kvm-liveWholeVmStall.png'), fullPage: true });
    await page.close();
  });
});

describe('tlats view in Chromium', () => {
  it('a 60-step Quint trace is readable on a laptop screen', async () => {
    const itf = join(work, 'quint60.itf.json');
    writeFileSync(itf, JSON.stringify(quintStyleTrace(60)));
    const html = join(work, 'quint60.html');
    const r = await runCli(['view', itf, '-o', html]);
    expect(r.code, r.stderr).toBe(0);
    const page = await open(html, 1366, 768);
    const facts = await page.evaluate(() => {
      const g = globalThis as unknown as { innerWidth: number; scrollTo(x: number, y: number): void; document: { documentElement: { scrollWidth: number }; querySelectorAll(s: string): ArrayLike<{ getBoundingClientRect(): { top: number; height: number } }>; querySelector(s: string): { getBoundingClientRect(): { top: number } } } };
      const rows = Array.from(g.document.querySelectorAll('tr.step'));
      const heights = rows.map((x) => x.getBoundingClientRect().height);
      g.scrollTo(0, 1200);
      return { width: g.innerWidth, scrollWidth: g.document.documentElement.scrollWidth, rows: rows.length, tallest: Math.max(...heights), headTop: g.document.querySelector('section.trace thead th').getBoundingClientRect().top };
    });
    expect(facts.rows).toBe(61);
    expect(facts.scrollWidth).toBeLessThanOrEqual(facts.width); // no sideways scrolling
    expect(facts.tallest).toBeLessThanOrEqual(48); // two lines at most: 15 or more steps on a 768-pixel screen
    expect(facts.headTop).toBe(0); // the lane names stay on top while scrolling
    expect(await page.$$eval('th.lane-head', (ths) => ths.map((th) => th.textContent))).toEqual(['p=1', 'p=0', '(other)']);
    await page.screenshot({ path: join(artifacts, 'view-quint-60-steps.png') });
    await page.close();
  });
});
