/**
 * `npm run bench`: the speed and memory benchmark. Runs each benchmark spec through the real CLI (one process
 * each, so peak RSS is that run's own), then the peer checkers (SPIN, Rumur) on the same filter-lock model with
 * ../shared/bench/peers/run-peers.sh in the same run, and prints one table with the ratios the issues set as
 * goals. Only ratios from one run mean anything on a shared machine. Never a test: nothing here asserts.
 *
 *   npm run bench                 everything (filter N=6 with 1 and 2 workers, the mmu_notifier specs, peers)
 *   npm run bench -- --quick      filter N=5 only, no peers (a smoke run)
 *   npm run bench -- --no-peers   skip run-peers.sh
 *   npm run bench -- --filter-only   only the filter lock (and the peers)
 *   npm run bench -- --live-only     only the liveness benchmark: starvation freedom of the filter lock at N=5 and
 *                                    N=6 with 1 and 2 workers, beside the safety-only runs, and SPIN and TLC on the
 *                                    same property (bench/peers/peers-liveness.sh)
 *   npm run bench -- --disk-only     only the spill benchmark: filter N=6 in memory and with a quarter of its table
 *                                    (--memory 38M of 150M: the fingerprints go to disk), 1 and 2 workers
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const peers = !quick && !process.argv.includes('--no-peers');

interface Case { name: string; args: string[]; workers: number }

const N = quick ? 5 : 6;
const liveOnly = process.argv.includes('--live-only');
const diskOnly = process.argv.includes('--disk-only');
const filterArgs = (n: number) => ['specs/filter.ts', '--config', 'N5', '--const', `N=${n}`, '--memory', n <= 5 ? '16M' : '150M'];
const cases: Case[] = liveOnly || diskOnly ? [] : [
  { name: `filter N=${N}`, args: filterArgs(N), workers: 1 },
  { name: `filter N=${N}`, args: filterArgs(N), workers: 2 },
];
// The liveness benchmark: the same model with starvation freedom, beside the safety-only run of the same size.
const live = !quick && !diskOnly && !process.argv.includes('--filter-only');
if (live) {
  for (const n of [5, 6]) {
    for (const workers of [1, 2]) {
      if (liveOnly || n !== N) cases.push({ name: `filter N=${n}`, args: filterArgs(n), workers });
      cases.push({ name: `filter N=${n} starvationFree`, args: [...filterArgs(n), '--property', 'starvationFree'], workers });
    }
  }
}
// Past RAM (issue 12): the same run with a quarter of the in-memory table's budget, so that it spills to disk.
const spill = !quick && !liveOnly && !process.argv.includes('--filter-only');
const spillArgs = ['specs/filter.ts', '--config', 'N5', '--const', 'N=6', '--memory', '38M'];
if (spill) {
  for (const workers of [1, 2]) {
    if (diskOnly) cases.push({ name: 'filter N=6', args: filterArgs(6), workers });
    cases.push({ name: 'filter N=6 spilled (--memory 38M)', args: spillArgs, workers });
  }
}
if (!quick && !liveOnly && !diskOnly && !process.argv.includes('--filter-only')) {
  const mmu = [
    ['specs/try_to_unmap.ts', '--config', 'V3.madv-clean.2addr', '--const', 'racers=3', '--const', 'devices=3'],
    ['specs/kvm_mmu_notifier.ts', '--config', 'apicRangeStartRequest', '--const', 'vcpus=3'],
    ['specs/clear_refs.ts', '--config', 'ats', '--const', 'cpus=3', '--const', 'devices=3'],
  ];
  for (const args of mmu) for (const workers of [1, 2]) cases.push({ name: `${args[0]!.replace('specs/', '')} ${args.slice(1).filter((a) => !a.startsWith('--')).join(' ')}`, args: [...args, '--continue'], workers });
}

interface Row { name: string; workers: number; distinct: number; generated: number; seconds: number; wall: number; rssMiB: number; rate: number; liveSeconds: number; diskBytes: number }

function runCase(c: Case, dir: string): Row {
  const out = join(dir, 'result.json');
  const started = performance.now();
  const r = spawnSync(process.execPath, ['bin/check.mjs', ...c.args, '--workers', String(c.workers), '--quiet', '--json', out], { cwd: root, encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  if (!existsSync(out)) throw new Error(`${c.name}: no result (exit ${r.status})\n${r.stderr}`);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(out);
  const stats = json.results[0].stats;
  return {
    name: c.name, workers: c.workers, distinct: stats.distinct, generated: stats.generated, seconds: stats.seconds, wall,
    rssMiB: json.peakRssBytes / 2 ** 20, rate: stats.distinct / stats.seconds, liveSeconds: json.results[0].liveness?.seconds ?? 0,
    diskBytes: stats.diskBytes ?? 0,
  };
}

interface Peer { peer: string; states: number; wall: number; rssMiB: number; rate: number }

function runPeers(): Peer[] {
  const script = resolve(root, '../shared/bench/peers/run-peers.sh');
  if (!existsSync(script)) { console.log(`(peers skipped: ${script} not found)`); return []; }
  const r = spawnSync('bash', [script, String(N)], { encoding: 'utf8' });
  if (r.status !== 0) { console.log(`(peers failed: ${r.stderr.trim()})`); return []; }
  return r.stdout.trim().split('\n').filter((l) => l.startsWith('peer=')).map((line) => {
    const f = Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string]));
    return { peer: f.peer!, states: Number(f.states), wall: Number(f.wall_s), rssMiB: Number(f.rss_mib), rate: Number(f.states_per_s) };
  });
}

interface LivePeer { peer: string; n: number; states: number; wall: number; rssMiB: number; errors: string }

function runLivePeers(): LivePeer[] {
  const out: LivePeer[] = [];
  for (const [n, tlcN] of [[5, 5], [6, 0]] as const) {
    const r = spawnSync('bash', [resolve(root, 'bench/peers/peers-liveness.sh'), String(n), String(tlcN)], { encoding: 'utf8' });
    if (r.status !== 0) { console.log(`(liveness peers failed at N=${n}: ${r.stderr.trim()})`); continue; }
    for (const line of r.stdout.trim().split('\n').filter((l) => l.startsWith('peer='))) {
      const f = Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string]));
      out.push({ peer: f.peer!, n: Number(f.n), states: Number(f.states), wall: Number(f.wall_s), rssMiB: Number(f.rss_mib), errors: f.errors ?? '?' });
    }
  }
  return out;
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const dir = mkdtempSync(join(tmpdir(), 'tlats-bench-'));
console.log(`tlats benchmark, ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model}), ${fmt(totalmem() / 2 ** 30)} GiB`);
const rows: Row[] = [];
for (const c of cases) {
  const row = runCase(c, dir);
  rows.push(row);
  console.log(`tlats ${row.name} workers=${row.workers}: ${fmt(row.distinct)} distinct, ${fmt(row.generated)} generated, ${fmt(row.seconds, 2)} s search (${fmt(row.wall, 2)} s wall), ${fmt(row.rate)} distinct/s, peak RSS ${fmt(row.rssMiB)} MiB (${fmt((row.rssMiB * 2 ** 20) / row.distinct, 1)} B/state)`);
}
rmSync(dir, { recursive: true, force: true });
const peerRows = peers ? runPeers() : [];
for (const p of peerRows) console.log(`peer ${p.peer} n=${N}: ${fmt(p.states)} states, ${fmt(p.wall, 2)} s wall, ${fmt(p.rate)} states/s, peak RSS ${fmt(p.rssMiB)} MiB (${fmt((p.rssMiB * 2 ** 20) / p.states, 1)} B/state)`);

const livePeers = live && peers ? runLivePeers() : [];
for (const p of livePeers) console.log(`peer ${p.peer} n=${p.n}: ${fmt(p.states)} states stored, ${fmt(p.wall, 2)} s wall, peak RSS ${fmt(p.rssMiB)} MiB, errors ${p.errors}`);
if (live) {
  console.log('\nLiveness (filter lock, starvation freedom; whole-process wall time):');
  for (const n of [5, 6]) {
    const safe = (w: number) => rows.find((r) => r.name === `filter N=${n}` && r.workers === w)!;
    const liv = (w: number) => rows.find((r) => r.name === `filter N=${n} starvationFree` && r.workers === w)!;
    for (const w of [1, 2]) {
      const a = safe(w), b = liv(w);
      console.log(`  N=${n}, ${w} worker(s): safety ${fmt(a.wall, 2)} s, with starvation freedom ${fmt(b.wall, 2)} s (${fmt(b.wall / a.wall, 2)}x; liveness phase ${fmt(b.liveSeconds, 2)} s); peak RSS +${fmt(((b.rssMiB - a.rssMiB) * 2 ** 20) / b.distinct, 1)} B/state`);
    }
    console.log(`  N=${n}: 2 workers / 1 worker with starvation freedom: ${fmt(liv(1).wall / liv(2).wall, 2)}x`);
    for (const p of livePeers.filter((x) => x.n === n)) console.log(`  N=${n}: ${p.peer} ${fmt(p.wall, 2)} s / tlats 2 workers ${fmt(liv(2).wall, 2)} s = ${fmt(p.wall / liv(2).wall, 2)}x`);
  }
}
if (spill) {
  console.log('\nPast RAM (filter N=6, a quarter of the in-memory table; goal: at most 1.5x the in-memory time):');
  for (const w of [1, 2]) {
    const a = rows.find((r) => r.name === 'filter N=6' && r.workers === w);
    const b = rows.find((r) => r.name.startsWith('filter N=6 spilled') && r.workers === w)!;
    if (!a) continue;
    console.log(`  ${w} worker(s): in memory ${fmt(a.wall, 2)} s, spilled ${fmt(b.wall, 2)} s (${fmt(b.wall / a.wall, 2)}x), peak RSS ${fmt(a.rssMiB)} -> ${fmt(b.rssMiB)} MiB, disk ${fmt(b.diskBytes / b.distinct, 1)} B/state`);
  }
}
if (liveOnly || diskOnly) process.exit(0);

const one = rows.find((r) => r.name.startsWith('filter') && r.workers === 1)!;
const two = rows.find((r) => r.name.startsWith('filter') && r.workers === 2)!;
const wallRate = (r: Row) => r.distinct / r.wall;
console.log('\nRatios (filter lock; tlats rates by search time, and by whole-process wall time in brackets):');
console.log(`  2 workers / 1 worker: ${fmt(two.rate / one.rate, 2)}x  [${fmt(wallRate(two) / wallRate(one), 2)}x]`);
for (const p of peerRows) {
  console.log(`  tlats 2 workers / ${p.peer}: ${fmt(two.rate / p.rate, 2)}x  [${fmt(wallRate(two) / p.rate, 2)}x];  tlats 1 worker / ${p.peer}: ${fmt(one.rate / p.rate, 2)}x  [${fmt(wallRate(one) / p.rate, 2)}x]`);
}
console.log(`  peak RSS per distinct state: 1 worker ${fmt((one.rssMiB * 2 ** 20) / one.distinct, 1)} B, 2 workers ${fmt((two.rssMiB * 2 ** 20) / two.distinct, 1)} B`);
