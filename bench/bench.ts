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
 *   npm run bench -- --twophase-only  only TwoPhase with RM = r1..r8: specs/twophase.ts (Immutable.js, schema) with 1
 *                                    and 2 workers, the same spec without its schema, specs/twophase-plain.ts (plain
 *                                    arrays), and TLC on the same model (bench/peers/TwoPhase.tla) with 1 and 2 workers
 *   npm run bench -- --live-only     only the liveness benchmark: starvation freedom of the filter lock at N=5 and
 *                                    N=6 with 1 and 2 workers, beside the safety-only runs, and SPIN and TLC on the
 *                                    same property (bench/peers/peers-liveness.sh)
 *   npm run bench -- --sim-only      only the simulation benchmark: random behaviours of the filter lock at N=8
 *                                    (--simulate, 1 and 2 workers) beside TLC's -simulate (1 and 2 workers) and
 *                                    Quint's simulator (bench/peers/peers-simulate.sh); also part of a whole run
 *   npm run bench -- --symmetry-only only the symmetry benchmark: the filter lock at N=5 and try_to_unmap with 3
 *                                    racers and 3 devices, each with --symmetry off, exact and fast, and TLC with
 *                                    and without SYMMETRY on the filter lock (bench/peers/symmetry/run-tlc.sh);
 *                                    also part of the full run
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
const twoPhaseOnly = process.argv.includes('--twophase-only');
const symmetryOnly = process.argv.includes('--symmetry-only');
const diskOnly = process.argv.includes('--disk-only');
const simOnly = process.argv.includes('--sim-only');
const filterArgs = (n: number) => ['specs/filter.ts', '--config', 'N5', '--const', `N=${n}`, '--memory', n <= 5 ? '16M' : '150M'];
const cases: Case[] = liveOnly || twoPhaseOnly || simOnly || symmetryOnly || diskOnly ? [] : [
  { name: `filter N=${N}`, args: filterArgs(N), workers: 1 },
  { name: `filter N=${N}`, args: filterArgs(N), workers: 2 },
];
// The liveness benchmark: the same model with starvation freedom, beside the safety-only run of the same size.
const live = !quick && !twoPhaseOnly && !simOnly && !symmetryOnly && !diskOnly && !process.argv.includes('--filter-only');
if (live) {
  for (const n of [5, 6]) {
    for (const workers of [1, 2]) {
      if (liveOnly || n !== N) cases.push({ name: `filter N=${n}`, args: filterArgs(n), workers });
      cases.push({ name: `filter N=${n} starvationFree`, args: [...filterArgs(n), '--property', 'starvationFree'], workers });
    }
  }
}
// Past RAM (issue 12): the same run with a quarter of the in-memory table's budget, so that it spills to disk.
const spill = !quick && !liveOnly && !twoPhaseOnly && !simOnly && !symmetryOnly && !process.argv.includes('--filter-only');
const spillArgs = ['specs/filter.ts', '--config', 'N5', '--const', 'N=6', '--memory', '38M'];
if (spill) {
  for (const workers of [1, 2]) {
    if (diskOnly) cases.push({ name: 'filter N=6', args: filterArgs(6), workers });
    cases.push({ name: 'filter N=6 spilled (--memory 38M)', args: spillArgs, workers });
  }
}
if (!quick && !liveOnly && !twoPhaseOnly && !simOnly && !symmetryOnly && !diskOnly && !process.argv.includes('--filter-only')) {
  const mmu = [
    ['specs/try_to_unmap.ts', '--config', 'V3.madv-clean.2addr', '--const', 'racers=3', '--const', 'devices=3'],
    ['specs/kvm_mmu_notifier.ts', '--config', 'apicRangeStartRequest', '--const', 'vcpus=3'],
    ['specs/clear_refs.ts', '--config', 'ats', '--const', 'cpus=3', '--const', 'devices=3'],
  ];
  for (const args of mmu) for (const workers of [1, 2]) cases.push({ name: `${args[0]!.replace('specs/', '')} ${args.slice(1).filter((a) => !a.startsWith('--')).join(' ')}`, args: [...args, '--continue'], workers });
}

// TwoPhase with RM = r1..r8 (1,745,408 distinct states): the Immutable.js spec with and without its schema, the
// plain-array spec, and TLC on the same model (bench/peers/TwoPhase.tla, TwoPhase_R8.cfg).
const RM8 = 'RM=r1,r2,r3,r4,r5,r6,r7,r8';
const twoPhase = !quick && !liveOnly && !simOnly && !symmetryOnly && !diskOnly && !process.argv.includes('--filter-only');
if (twoPhase) {
  for (const workers of [1, 2]) cases.push({ name: 'twophase RM=8', args: ['specs/twophase.ts', '--const', RM8], workers });
  cases.push({ name: 'twophase RM=8 no schema', args: ['bench/twophase-generic.ts', '--const', RM8], workers: 1 });
  for (const workers of [1, 2]) cases.push({ name: 'twophase-plain RM=8', args: ['specs/twophase-plain.ts', '--const', RM8], workers });
}

// Symmetry reduction: the same models with --symmetry off, exact and fast (one worker: the per-state cost).
const symmetry = !quick && !liveOnly && !twoPhaseOnly && !simOnly && !diskOnly && !process.argv.includes('--filter-only');
const symmetryModels = [
  { name: 'filter N=5', args: ['specs/filter.ts', '--config', 'N5.symmetric', '--memory', '16M'] },
  { name: 'try_to_unmap V3.madv-clean.2addr racers=3 devices=3', args: ['specs/try_to_unmap.ts', '--config', 'V3.madv-clean.2addr', '--const', 'racers=3', '--const', 'devices=3', '--continue'] },
];
if (symmetry) {
  for (const m of symmetryModels) for (const mode of ['off', 'exact', 'fast']) cases.push({ name: `${m.name} symmetry=${mode}`, args: [...m.args, '--symmetry', mode], workers: 1 });
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

interface SimRow { workers: number; behaviours: number; steps: number; seconds: number; wall: number; rate: number }

/** One `--simulate` run through the CLI; its figures parsed from the text it prints (simulation has no --json). */
function runSimulation(n: number, workers: number, traces: number): SimRow {
  const args = ['bin/check.mjs', 'specs/filter.ts', '--const', `N=${n}`, '--simulate', '--seed', '1', '--depth', '100', '--traces', String(traces), '--workers', String(workers), '--quiet'];
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  const counts = /([\d,]+) behaviours, ([\d,]+) steps/.exec(r.stdout);
  const time = /Finished in ([\d.]+) s \(([\d,]+) steps\/s/.exec(r.stdout);
  if (r.status !== 0 || !counts || !time) throw new Error(`--simulate workers=${workers}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  const num = (x: string) => Number(x.replace(/,/g, ''));
  return { workers, behaviours: num(counts[1]!), steps: num(counts[2]!), seconds: Number(time[1]), wall, rate: num(time[2]!) };
}

interface SimPeer { peer: string; traces: number; steps: number; wall: number; rate: number }

function runSimPeers(n: number): SimPeer[] {
  const r = spawnSync('bash', [resolve(root, 'bench/peers/peers-simulate.sh'), String(n)], { encoding: 'utf8' });
  if (r.status !== 0) { console.log(`(simulation peers failed: ${r.stderr.trim()})`); }
  return r.stdout.trim().split('\n').filter((l) => l.startsWith('peer=')).map((line) => {
    const f = Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string]));
    return { peer: f.peer!, traces: Number(f.traces), steps: Number(f.steps), wall: Number(f.wall_s), rate: Number(f.steps_per_s) };
  });
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
const peerRows = peers && !simOnly && !twoPhaseOnly && !symmetryOnly && !diskOnly ? runPeers() : [];
for (const p of peerRows) console.log(`peer ${p.peer} n=${N}: ${fmt(p.states)} states, ${fmt(p.wall, 2)} s wall, ${fmt(p.rate)} states/s, peak RSS ${fmt(p.rssMiB)} MiB (${fmt((p.rssMiB * 2 ** 20) / p.states, 1)} B/state)`);

/** TLC on bench/peers/TwoPhase.tla with RM = r1..r8: whole-process wall time, as for tlats. */
function runTlcTwoPhase(workers: number): { wall: number; distinct: number } | undefined {
  const jar = process.env.TLA2TOOLS ?? resolve(root, '../shared/bench/peers/tla2tools.jar');
  if (!existsSync(jar)) { console.log(`(TLC skipped: ${jar} not found)`); return undefined; }
  const meta = mkdtempSync(join(tmpdir(), 'tlats-tlc-'));
  const started = performance.now();
  const r = spawnSync('java', ['-XX:+UseParallelGC', '-Xmx6g', '-cp', jar, 'tlc2.TLC', '-workers', String(workers), '-config', 'TwoPhase_R8.cfg',
    '-metadir', meta, 'TwoPhase.tla'], { cwd: resolve(root, 'bench/peers'), encoding: 'utf8' });
  const wall = (performance.now() - started) / 1000;
  rmSync(meta, { recursive: true, force: true });
  // The last count: the earlier ones are TLC's progress lines.
  const m = [...(r.stdout ?? '').matchAll(/([\d,]+) distinct states found/g)].at(-1);
  if (!m) { console.log(`(TLC failed on TwoPhase: ${(r.stderr || r.stdout || String(r.error)).trim().slice(0, 300)})`); return undefined; }
  return { wall, distinct: Number(m[1]!.replace(/,/g, '')) };
}

if (twoPhase) {
  const tlc = peers ? [1, 2].map((w) => ({ workers: w, r: runTlcTwoPhase(w) })) : [];
  for (const { workers, r } of tlc) if (r) console.log(`peer TLC TwoPhase RM=8 workers=${workers}: ${fmt(r.distinct)} distinct, ${fmt(r.wall, 2)} s wall`);
  const row = (name: string, w: number) => rows.find((r) => r.name === name && r.workers === w)!;
  const tlc1 = tlc.find((x) => x.workers === 1)?.r;
  console.log('\nTwoPhase RM=8 (whole-process wall time; goals of issue #9):');
  const s1 = row('twophase RM=8', 1), s2 = row('twophase RM=8', 2), g1 = row('twophase RM=8 no schema', 1);
  const p1 = row('twophase-plain RM=8', 1), p2 = row('twophase-plain RM=8', 2);
  if (tlc1) {
    console.log(`  schema, 1 worker / TLC 1 worker: ${fmt(tlc1.wall / s1.wall, 2)}x (goal 5x)`);
    console.log(`  no schema, 1 worker / TLC 1 worker: ${fmt(tlc1.wall / g1.wall, 2)}x (goal 3x)`);
    console.log(`  plain arrays, 1 worker / TLC 1 worker: ${fmt(tlc1.wall / p1.wall, 2)}x`);
  }
  console.log(`  schema, 2 workers / 1 worker: ${fmt(s1.wall / s2.wall, 2)}x (goal 1.7x); plain arrays: ${fmt(p1.wall / p2.wall, 2)}x`);
  // The spec's own next-state code alone (bench/spec-floor.ts): what no engine can go below, so TLC's time over it
  // is the most any engine could reach with the spec as written.
  for (const spec of ['specs/twophase.ts', 'specs/twophase-plain.ts']) {
    const f = spawnSync(process.execPath, ['--import', 'tsx', 'bench/spec-floor.ts', spec, RM8], { cwd: root, encoding: 'utf8' });
    const secs = /best of 3\): ([\d.]+) s/.exec(f.stdout)?.[1];
    const decode = /decoding each state: ([\d.]+) s/.exec(f.stdout)?.[1];
    if (!secs) { console.log(`  (spec floor of ${spec} failed: ${(f.stderr || f.stdout).trim().slice(0, 200)})`); continue; }
    console.log(`  ${spec}: its own next-state code alone ${secs} s (decoding the states ${decode} s)${tlc1 ? `; TLC 1 worker / that: ${fmt(tlc1.wall / Number(secs), 2)}x, the ceiling of any engine` : ''}`);
  }
}
if (twoPhaseOnly) process.exit(0);

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
if (symmetry) {
  console.log('\nSymmetry (one worker; search time, whole-process wall time in brackets):');
  for (const m of symmetryModels) {
    const at = (mode: string) => rows.find((r) => r.name === `${m.name} symmetry=${mode}`)!;
    const off = at('off');
    for (const mode of ['exact', 'fast']) {
      const r = at(mode);
      console.log(`  ${m.name} ${mode}: ${fmt(r.distinct)} distinct (${fmt(off.distinct / r.distinct, 1)}x fewer than ${fmt(off.distinct)}), ${fmt(r.seconds, 2)} s [${fmt(r.wall, 2)} s] vs ${fmt(off.seconds, 2)} s [${fmt(off.wall, 2)} s] off; ${fmt((r.seconds * 1e6) / r.generated, 1)} us per generated state vs ${fmt((off.seconds * 1e6) / off.generated, 2)} off`);
    }
  }
  if (peers) {
    // TLC on the same filter lock (processes as model values), with and without SYMMETRY, in the same run.
    for (const cfg of ['FilterSym_N5', 'FilterSym_N5_nosym']) {
      const started = performance.now();
      const r = spawnSync('bash', [resolve(root, 'bench/peers/symmetry/run-tlc.sh'), cfg], { encoding: 'utf8' });
      const wall = (performance.now() - started) / 1000;
      console.log(`  TLC 2.19 ${cfg}: ${r.stdout.trim().replace(/^[^:]*: /, '')} (${fmt(wall, 2)} s wall, 1 worker)`);
    }
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
if (liveOnly || symmetryOnly || diskOnly) process.exit(0);

// The simulation benchmark (issue 10): steps/s of random behaviours of 100 states at N=8, against TLC and Quint.
const sim = simOnly || (!quick && !process.argv.includes('--filter-only'));
if (sim) {
  const SIM_N = 8;
  const simRows = [1, 2].map((workers) => runSimulation(SIM_N, workers, 100_000));
  for (const r of simRows) console.log(`tlats --simulate filter N=${SIM_N} workers=${r.workers}: ${fmt(r.behaviours)} behaviours, ${fmt(r.steps)} steps, ${fmt(r.seconds, 2)} s (${fmt(r.wall, 2)} s wall), ${fmt(r.rate)} steps/s`);
  const simPeers = peers ? runSimPeers(SIM_N) : [];
  for (const p of simPeers) console.log(`peer ${p.peer} n=${SIM_N}: ${fmt(p.traces)} behaviours, ${fmt(p.steps)} steps, ${fmt(p.wall, 2)} s wall, ${fmt(p.rate)} steps/s`);
  const two = simRows.find((r) => r.workers === 2)!;
  console.log(`\nSimulation ratios (filter lock N=${SIM_N}, steps/s; tlats by its own time, and by whole-process wall time in brackets; goals: 3x TLC, 50x Quint):`);
  console.log(`  tlats 2 workers / 1 worker: ${fmt(two.rate / simRows[0]!.rate, 2)}x`);
  for (const p of simPeers) console.log(`  tlats 2 workers / ${p.peer}: ${fmt(two.rate / p.rate, 2)}x  [${fmt(two.steps / two.wall / p.rate, 2)}x]`);
  if (simOnly) process.exit(0);
}

const one = rows.find((r) => r.name.startsWith('filter') && r.workers === 1)!;
const two = rows.find((r) => r.name.startsWith('filter') && r.workers === 2)!;
const wallRate = (r: Row) => r.distinct / r.wall;
console.log('\nRatios (filter lock; tlats rates by search time, and by whole-process wall time in brackets):');
console.log(`  2 workers / 1 worker: ${fmt(two.rate / one.rate, 2)}x  [${fmt(wallRate(two) / wallRate(one), 2)}x]`);
for (const p of peerRows) {
  console.log(`  tlats 2 workers / ${p.peer}: ${fmt(two.rate / p.rate, 2)}x  [${fmt(wallRate(two) / p.rate, 2)}x];  tlats 1 worker / ${p.peer}: ${fmt(one.rate / p.rate, 2)}x  [${fmt(wallRate(one) / p.rate, 2)}x]`);
}
console.log(`  peak RSS per distinct state: 1 worker ${fmt((one.rssMiB * 2 ** 20) / one.distinct, 1)} B, 2 workers ${fmt((two.rssMiB * 2 ** 20) / two.distinct, 1)} B`);
