/**
 * `npm run bench:compare -- REV [--rounds K] [--n N]`: the filter lock at N (default 6) with 1 and 2 workers,
 * checked by the commit REV and by the working tree, alternately, K rounds (default 3), in one run: only ratios
 * taken in one run mean anything on a shared machine. REV is checked out into a temporary git worktree that
 * borrows this checkout's node_modules. Prints the median search time, distinct states/s and peak RSS of each,
 * and the ratio. Never a test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const rev = argv.find((a, i) => !a.startsWith('--') && !['--rounds', '--n'].includes(argv[i - 1] ?? ''));
if (!rev) { console.error('usage: npm run bench:compare -- REV [--rounds K] [--n N]'); process.exit(64); }
const rounds = option('--rounds', 3);
const N = option('--n', 6);

const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
const base = mkdtempSync(join(tmpdir(), 'tlats-compare-'));
const tree = join(base, 'tree');
const added = git('worktree', 'add', '--detach', tree, rev);
if (added.status !== 0) { console.error(added.stderr); process.exit(1); }
symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
const commit = git('rev-parse', '--short', rev).stdout.trim();

interface Sample { seconds: number; distinct: number; rssMiB: number }

function run(dir: string, workers: number): Sample {
  const out = join(base, 'result.json');
  const args = ['bin/check.mjs', 'specs/filter.ts', '--config', 'N5', '--const', `N=${N}`, '--memory', '150M', '--workers', String(workers), '--quiet', '--json', out];
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  if (!existsSync(out)) throw new Error(`${dir}: no result (exit ${r.status})\n${r.stderr}`);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(out);
  return { seconds: json.results[0].stats.seconds, distinct: json.results[0].stats.distinct, rssMiB: json.peakRssBytes / 2 ** 20 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const samples = new Map<string, Sample[]>();
try {
  for (let round = 0; round < rounds; round++) {
    for (const workers of [1, 2]) {
      for (const [label, dir] of (round % 2 === 0 ? [[commit, tree], ['working tree', root]] : [['working tree', root], [commit, tree]]) as [string, string][]) {
        const s = run(dir, workers);
        const key = `${label}, ${workers} worker${workers > 1 ? 's' : ''}`;
        samples.set(key, [...(samples.get(key) ?? []), s]);
        console.log(`round ${round + 1}: ${key}: ${s.seconds.toFixed(2)} s, ${Math.round(s.distinct / s.seconds).toLocaleString('en-US')} distinct/s, ${s.rssMiB.toFixed(0)} MiB`);
      }
    }
  }
  console.log(`\nfilter N=${N}, medians of ${rounds} rounds (${new Date().toISOString()}):`);
  for (const workers of [1, 2]) {
    const w = `${workers} worker${workers > 1 ? 's' : ''}`;
    const before = samples.get(`${commit}, ${w}`)!;
    const after = samples.get(`working tree, ${w}`)!;
    const t0 = median(before.map((s) => s.seconds));
    const t1 = median(after.map((s) => s.seconds));
    console.log(`  ${w}: ${commit} ${t0.toFixed(2)} s (${median(before.map((s) => s.rssMiB)).toFixed(0)} MiB), working tree ${t1.toFixed(2)} s (${median(after.map((s) => s.rssMiB)).toFixed(0)} MiB); after/before time ${(t1 / t0).toFixed(3)}`);
  }
} finally {
  git('worktree', 'remove', '--force', tree);
  rmSync(base, { recursive: true, force: true });
}
