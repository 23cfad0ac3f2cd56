/**
 * `--dot FILE`: the explored state graph in Graphviz DOT. NaiveLock's graph is known by hand (specs/naive_lock.ts:
 * 13 states, 25 generated, so 24 steps, one initial state, mutex broken by the 5-state trace); the permission-
 * upgrade livelock's graph at one device and no CPU thread has 10 states and a 2+2 lasso (docs/mmu_notifier.md,
 * section 10). The file is parsed here, and rendered by Graphviz's `dot -Tsvg` (.ci/run installs graphviz).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, test } from 'vitest';
import { runCli } from './cli-helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'tlats-dot-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Parsed { nodes: Map<string, string>; edges: { from: string; to: string; attrs: string }[]; red: Set<string> }

/** A small reader for the DOT the checker writes: one statement per line. */
function parseDot(text: string): Parsed {
  const lines = text.trim().split('\n');
  if (!/^digraph ".*" \{$/.test(lines[0]!) || lines.at(-1) !== '}') throw new Error('not a digraph');
  const nodes = new Map<string, string>();
  const edges: Parsed['edges'] = [];
  const red = new Set<string>();
  for (const line of lines.slice(1, -1)) {
    const edge = /^ {2}(s\d+) -> (s\d+) \[(.*)\];$/.exec(line);
    const node = /^ {2}(s\d+) \[(.*)\];$/.exec(line);
    if (edge) edges.push({ from: edge[1]!, to: edge[2]!, attrs: edge[3]! });
    else if (node) { nodes.set(node[1]!, node[2]!); if (node[2]!.includes('color=red')) red.add(node[1]!); }
    else if (!/^ {2}(label|labelloc|node|edge)\b/.test(line)) throw new Error(`unexpected line: ${line}`);
  }
  return { nodes, edges, red };
}

const graphviz = spawnSync('dot', ['-V']).status === 0;

describe.concurrent('--dot', () => {
  test('NaiveLock: every state and step, the initial state doubled, the counterexample in red', async ({ expect }) => {
    const file = join(tmp, 'naive.dot');
    const r = await runCli(['specs/naive_lock.ts', '--dot', file, '-q']);
    expect(r.code).toBe(12); // the verdict's exit code: the graph was written
    expect(r.stdout).toContain(`State graph (13 states, 24 steps) written to ${file}`);
    const g = parseDot(readFileSync(file, 'utf8'));
    expect([g.nodes.size, g.edges.length]).toEqual([13, 24]);
    expect([...g.nodes.values()].filter((a) => a.includes('peripheries=2'))).toHaveLength(1);
    expect(g.nodes.get('s0')).toContain('label=" pc = [\\"idle\\", \\"idle\\"]\\l locked = false\\l"');
    // The trace: 5 states, 4 steps, ending where both are in cs.
    expect(g.red.size).toBe(5);
    const redEdges = g.edges.filter((e) => e.attrs.includes('color=red'));
    expect(redEdges).toHaveLength(4);
    const last = [...g.red].find((id) => g.nodes.get(id)!.includes('pc = [\\"cs\\", \\"cs\\"]'));
    expect(last).toBeDefined();
    expect(redEdges.some((e) => e.to === last)).toBe(true);
    if (graphviz) expect(execFileSync('dot', ['-Tsvg', file], { encoding: 'utf8' })).toContain('<svg');
  });

  test('a lasso: its cycle\'s closing step is drawn too', async ({ expect }) => {
    const file = join(tmp, 'lasso.dot');
    const r = await runCli(['specs/permission_upgrade.ts', '--config', 'arm64Pre66NoCpu', '--dot', file, '-q']);
    expect(r.stdout).toContain('State graph (10 states,');
    const g = parseDot(readFileSync(file, 'utf8'));
    expect(g.nodes.size).toBe(10);
    // 4 states in the lasso (2 before the cycle, 2 in it): 3 steps along it and the step back into the cycle.
    expect(g.red.size).toBe(4);
    expect(g.edges.filter((e) => e.attrs.includes('color=red'))).toHaveLength(4);
    if (graphviz) expect(execFileSync('dot', ['-Tsvg', file], { encoding: 'utf8' })).toContain('<svg');
  });

  test('refused: a graph too big to draw (after the run, whose verdict stands), a matrix, stdout, --list', async ({ expect }) => {
    const file = join(tmp, 'big.dot');
    const big = await runCli(['specs/filter.ts', '--config', 'N4', '--dot', file, '-q']);
    expect(big.code).toBe(64);
    expect(big.stdout).toContain('Model checking completed. No error has been found.');
    expect(big.stderr.trim()).toBe(`--dot: the state graph has more than 10,000 states, too many to draw; give smaller constants or --max-depth (it draws the levels explored). ${file} was not written.`);
    const bounded = await runCli(['specs/filter.ts', '--config', 'N4', '--max-depth', '6', '--dot', file, '-q']);
    expect(bounded.stdout).toMatch(/State graph \([\d,]+ states, [\d,]+ steps\) written/);
    const matrix = await runCli(['specs/filter.ts', '--dot', file]);
    expect([matrix.code, matrix.stderr.trim()]).toEqual([64, '--dot draws one configuration\'s graph: give --config NAME (Filter has N3, N4, N5, N3.symmetric, N4.symmetric, N5.symmetric, N3.starvationFree, N4.starvationFree)']);
    expect((await runCli(['specs/filter.ts', '--dot', '-'])).stderr.trim()).toBe('--dot needs a file name (the graph is not written to stdout)');
    expect((await runCli(['--list', 'specs/filter.ts', '--dot', file])).stderr.trim()).toBe('--dot: --list draws no graph');
  });
});

test('graphviz is installed where CI runs (dot -V)', () => {
  if (!graphviz && process.env.CI_REQUIRES_GRAPHVIZ) throw new Error('.ci/run installs graphviz, but dot -V failed');
});
