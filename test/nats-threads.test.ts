/**
 * Distributed runs on multi-threaded nodes (`tlats serve --nats URL --workers N`, checker/distributed/serve.ts):
 * a real nats-server on loopback, as test/nats.test.ts (run after it, in the second vitest run of `npm test`).
 *
 * What must come out, and from where:
 * - a layout mixing thread counts (a node of 2 threads with one of 1: 3 partitions) gives exactly the output of
 *   a single-machine run (`--workers 1`): the verdict, the counts, the depth, the trace text and the exit code;
 *   only the timing lines and the "On K nodes, P threads" line differ. The single-machine output is itself
 *   checked against TLC's counts (filter N3: 705 distinct states, and the spec's "As expected" line), the
 *   fixture's hand analysis (grid-deadlock: 961 distinct, 1,861 generated, a 61-state trace), TLC's 302 states
 *   and its FalseLiveness violation for ewd840 1b (temporal properties: the graph gathered from every partition),
 *   and the spec's
 *   "As expected" line, so a wrong reference cannot pass. The fault cases below add the layouts 1 node x 2
 *   threads and 2 nodes of 3 and 1 threads, each compared with the single-machine run too;
 * - a bad `--workers` value for serve is a usage error (exit 64) that says what to give;
 * - `kill -9` of a 2-thread node mid-run with --checkpoint: the coordinator waits for a replacement (here a node of
 *   3 threads, so the partitions go from 3 to 4 and the checkpoint is dealt out again), rolls back and ends with
 *   the output of the uninterrupted single-machine run;
 * - a thread that dies (the fixture's action calls process.exit, which ends only its worker thread) is a lost
 *   node: exit 155, never "holds"; the node replaces the thread and takes the next run, whose output is the
 *   single-machine one, with 0 bytes on the wire (its partitions talk through MessagePorts only).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.ts';
import { startNatsServer, startNode, untilGeneration, type NatsServer, type ServeNode } from './nats-helpers.ts';

/** The output without the lines that measure time (and the one that reports the layout and the wire traffic). */
const comparable = (text: string) => text.split('\n').filter((l) => !/^(Finished in |On \d+ nodes?(, [\d,]+ threads)? \(--nats\)|Progress|Temporal properties: \d+ checked on the behaviour graph of [\d,]+ states in )/.test(l)).join('\n');

interface Case { readonly spec: string; readonly args: string[]; readonly expect: RegExp[] }

const cases: Case[] = [
  // TLC's counts (the spec's expectation): 705 distinct states.
  { spec: 'specs/filter.ts', args: ['--config', 'N3'], expect: [/As expected/, /705 distinct states found/] },
  // --continue: every violated property, each with its own trace (the spec's expectation).
  { spec: 'specs/try_to_unmap.ts', args: ['--config', 'V0.error', '--continue'], expect: [/As expected/, /Invariant cpuAndDeviceAgree is violated/] },
  // Temporal properties (the behaviour graph gathered from every partition): TLC's 302 states, FalseLiveness violated.
  { spec: 'specs/ewd840.ts', args: ['--config', '1b.FalseLiveness'], expect: [/As expected/, /Temporal property FalseLiveness is violated/, /302 distinct states found/] },
    // The fixture's hand analysis (LIMIT = 30): 961 states, 1,861 generated, depth 61, a trace of 61 states.
  { spec: 'test/fixtures/grid-deadlock.ts', args: [], expect: [/Deadlock reached/, /has 61 states/, /1,861 states generated, 961 distinct states found/] },
];

/** The single-machine run of a case, checked against its independent expectations; run once, shared by the tests. */
const singles = new Map<Case, Promise<Awaited<ReturnType<typeof runCli>>>>();
function singleOf(c: Case): Promise<Awaited<ReturnType<typeof runCli>>> {
  let r = singles.get(c);
  if (!r) {
    r = runCli([c.spec, ...c.args, '--workers', '1']).then((run) => {
      for (const e of c.expect) expect(run.stdout).toMatch(e);
      return run;
    });
    singles.set(c, r);
  }
  return r;
}

/** A 2-thread and a 1-thread node: 2 nodes, 3 partitions. */
let mixed: NatsServer;
const nodes: ServeNode[] = [];

beforeAll(async () => {
  mixed = await startNatsServer();
  nodes.push(...await Promise.all([startNode(mixed.url, undefined, ['--workers', '2']), startNode(mixed.url)]));
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await mixed?.stop();
});

describe('nodes with several threads give the single-machine results', () => {
  for (const c of cases) {
    it(`${c.spec} ${c.args.join(' ')}`, async () => {
      const [single, r] = await Promise.all([singleOf(c), runCli([c.spec, ...c.args, '--nats', mixed.url, '--nodes', '2'])]);
      expect(r.stderr).toBe('');
      expect(comparable(r.stdout)).toBe(comparable(single.stdout));
      expect(r.code).toBe(single.code);
      expect(r.stdout).toContain('On 2 nodes, 3 threads (--nats)');
    }, 60_000);
  }
});

describe('wrong input', () => {
  it('a bad --workers for serve is a usage error (exit 64) saying what to give', async () => {
    const url = 'nats://127.0.0.1:1';
    const [missing, ...runs] = await Promise.all([[], ['two']].map((w) => runCli(['serve', '--nats', url, '--workers', ...w])));
    for (const r of runs) {
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(/^tlats serve --workers \S+: give a whole number of threads from 1 to 256\n/);
    }
    expect(missing.code).toBe(64);
    expect(missing.stderr).toMatch(/tlats serve --workers needs a whole number of threads from 1 to 256/);
    for (const r of [...runs, missing]) expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at |internal error/);
  });
});

describe('faults on multi-threaded nodes', () => {
  let own: NatsServer;
  beforeAll(async () => { own = await startNatsServer(); });
  afterAll(async () => { await own?.stop(); });

  it('kill -9 of a 2-thread node mid-run: a 3-thread node replaces it, the checkpoint is dealt out to 4 partitions, and the run ends as an uninterrupted one', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tlats-nats-threads-ck-')), 'ck');
    const grid = cases.find((c) => c.spec.includes('grid-deadlock'))!;
    let started: ServeNode[] = [];
    let spare: ServeNode | undefined;
    try {
      const [reference, two, one] = await Promise.all([
        singleOf(grid),
        startNode(own.url, undefined, ['--workers', '2']),
        startNode(own.url),
      ]);
      started = [two, one];
      const run = runCli([grid.spec, '--nats', own.url, '--nodes', '2', '--nats-timeout', '1', '--checkpoint', dir, '--checkpoint-every', '0'], { timeoutMs: 40_000 });
      await untilGeneration(dir, 20); // past level 20 of 61: the next levels are under way
      await two.kill9();
      spare = await startNode(own.url, undefined, ['--workers', '3']);
      const r = await run;
      expect(r.stderr).toMatch(/^tlats: node \d \(.* pid \d+, thread [12] of 2\) stopped answering: nothing from it for 1 s \(--nats-timeout\) while (expanding level \d+|closing level \d+|writing the checkpoint of depth \d+)\.\n/);
      expect(r.stderr).toMatch(/Waiting up to 60 s \(--nats-rejoin-timeout\) for 2 idle nodes .*, then every node goes back to the checkpoint of depth ([2-5]\d) in /);
      expect(r.stderr).toMatch(/tlats: the checkpoint in .* is of 2 nodes, 3 threads: its states are dealt out again to the 4 threads of 2 \(--nodes\)\.\n$/);
      expect(comparable(r.stdout)).toBe(comparable(reference.stdout));
      expect(r.stdout).toContain('On 2 nodes, 4 threads (--nats)');
      expect(r.code).toBe(reference.code);
    } finally {
      await Promise.all([...started, spare].map((n) => n?.stop()));
    }
  }, 60_000);

  it('a thread that dies is a lost node (exit 155, never "holds"); its node replaces the thread and takes the next run', async () => {
    const filter = cases[0]!;
    const [node, single] = await Promise.all([startNode(own.url, undefined, ['--workers', '2']), singleOf(filter)]);
    try {
      // x reaches 30 at depth 31: the thread that expands such a state ends (process.exit in a worker thread).
      const r = await runCli(['test/fixtures/worker-exits.ts', '--nats', own.url, '--nodes', '1', '--nats-timeout', '1'], { timeoutMs: 30_000 });
      expect(r.code).toBe(155);
      expect(r.stdout).toMatch(/Error: node \d \(.* pid \d+, thread [12] of 2\) stopped answering: nothing from it for 1 s \(--nats-timeout\) while (expanding|closing) level 3[01]\./);
      expect(r.stdout).toMatch(/states may have been lost, so nothing is claimed to hold/);
      expect(r.stdout).not.toMatch(/No error has been found/);
      expect(node.log()).toMatch(/thread [12] of 2 ended \(its partition [01] is lost for the coordinator\); a new thread takes its place/);
      const again = await runCli([filter.spec, ...filter.args, '--nats', own.url, '--nodes', '1']);
      expect(comparable(again.stdout)).toBe(comparable(single.stdout));
      expect(again.code).toBe(single.code);
      expect(again.stdout).toContain('On 1 node, 2 threads (--nats): 0 bytes of state traffic between them');
    } finally {
      await node.stop();
    }
  }, 60_000);
});
