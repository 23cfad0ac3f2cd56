/**
 * Distributed runs over NATS (checker/distributed/): a real nats-server on loopback and three `tlats serve` node
 * processes. Never skipped: without nats-server the file fails, saying what to install (test/nats-helpers.ts).
 *
 * What must come out, and from where:
 * - every configuration below gives, with 1, 2 and 3 nodes, exactly the output of a single-machine run
 *   (`--workers 1`): the verdict, the counts, the depth, the trace text and the exit code; only the timing lines
 *   differ. The single-machine counts are themselves checked against independent sources by the spec's
 *   expectations (TLC's counts, the "As expected" line), and for grid-deadlock by the hand analysis in the fixture;
 *   the test checks that line and those numbers too, so a wrong single-machine run cannot pass as a reference.
 *   Temporal properties included (ewd840 1b, dining philosophers): the lasso printed byte for byte, its verdict
 *   liveness.md's (the specs' expectations carry it); test/nats-suite.test.ts runs the whole suite in-process.
 * - a node whose spec file differs from the coordinator's is refused, with the reason (exit 64);
 * - `kill -9` of a node in the middle of a run stops the coordinator within the stated timeout with the message,
 *   the statistics so far and exit 155, never "No error has been found"; so does a NATS server restart, after
 *   which the nodes reconnect by themselves and take the next run.
 * - with --checkpoint (written at every level here, --checkpoint-every 0), `kill -9` of a node mid-run followed
 *   by a replacement node, and `kill -9` of the coordinator followed by --resume, end with exactly the output of
 *   the uninterrupted single-machine run (whose counts are TLC's, or the fixture's hand analysis, checked here
 *   too); with no replacement within --nats-rejoin-timeout the run stops with exit 155, never "holds", keeping the
 *   checkpoint, and --resume then finishes it; a corrupt or truncated checkpoint is refused with exit 64, the code
 *   of the one-machine resume's refusal.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runCli } from './cli-helpers.ts';
import { startNatsServer, startNode, untilGeneration, type NatsServer, type ServeNode } from './nats-helpers.ts';

/** The output without the lines that measure time (and the one that reports the wire traffic). */
const comparable = (text: string) => text.split('\n').filter((l) => !/^(Finished in |On \d+ nodes?(, [\d,]+ threads)? \(--nats\)|Progress|Temporal properties: \d+ checked on the behaviour graph of [\d,]+ states in )/.test(l)).join('\n');

interface Case { readonly spec: string; readonly args: string[]; readonly expect: RegExp[] }

const cases: Case[] = [
  // TLC's counts (the spec's expectation): 705 and 14,844 distinct states.
  { spec: 'specs/filter.ts', args: ['--config', 'N3'], expect: [/As expected/, /705 distinct states found/] },
  { spec: 'specs/filter.ts', args: ['--config', 'N4'], expect: [/As expected/, /14,844 distinct states found/] },
  { spec: 'specs/filter.ts', args: ['--config', 'N3.symmetric'], expect: [/As expected/, /366 distinct states found/] },
  { spec: 'specs/try_to_unmap.ts', args: ['--config', 'V0.swap-out'], expect: [/As expected/, /No error has been found/] },
  { spec: 'specs/try_to_unmap.ts', args: ['--config', 'V0.error'], expect: [/As expected/, /Invariant cpuAndDeviceAgree is violated/] },
  { spec: 'specs/kvm_mmu_notifier.ts', args: ['--config', 'retryFull'], expect: [/As expected/, /No error has been found/] },
  { spec: 'specs/kvm_mmu_notifier.ts', args: ['--config', 'retryNone2'], expect: [/As expected/, /Invariant \w+ is violated/] },
  { spec: 'specs/kvm_mmu_notifier.ts', args: ['--config', 'apicRangeStartRequest'], expect: [/As expected/, /Invariant apicVmcsAgreesWithPte is violated/] },
  // The fixture's hand analysis (LIMIT = 30): 961 states, 1,861 generated, depth 61, a trace of 61 states.
  { spec: 'test/fixtures/grid-deadlock.ts', args: [], expect: [/Deadlock reached/, /has 61 states/, /1,861 states generated, 961 distinct states found/, /depth of the complete state graph search is 61/] },
  // Temporal properties, checked on the behaviour graph gathered at the coordinator: liveness.md's verdicts (row 1b:
  // FalseLiveness violated; row 3 of dining philosophers: NobodyStarves holds) and TLC's 302 and 67 states.
  { spec: 'specs/ewd840.ts', args: ['--config', '1b.FalseLiveness'], expect: [/As expected/, /Temporal property FalseLiveness is violated/, /302 distinct states found/] },
  { spec: 'specs/dining-philosophers.ts', args: ['--config', 'DiningPhilosophers.cfg'], expect: [/As expected/, /No error has been found/, /67 distinct states found/] },
  // --continue: every violated property, each with its own trace, and the whole graph explored.
  { spec: 'specs/try_to_unmap.ts', args: ['--config', 'V0.error', '--continue'], expect: [/violated/] },
];

let server: NatsServer;
const nodes: ServeNode[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nodes.push(...await Promise.all([0, 1, 2].map(() => startNode(server.url))));
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await server?.stop();
});

describe('1, 2 and 3 nodes give the single-machine results', () => {
  for (const c of cases) {
    it(`${c.spec} ${c.args.join(' ')}`, async () => {
      const single = await runCli([c.spec, ...c.args, '--workers', '1']);
      for (const e of c.expect) expect(single.stdout).toMatch(e);
      for (const k of [1, 2, 3]) {
        const r = await runCli([c.spec, ...c.args, '--nats', server.url, '--nodes', String(k)]);
        expect(r.stderr, `--nodes ${k}`).toBe('');
        expect(comparable(r.stdout), `--nodes ${k}`).toBe(comparable(single.stdout));
        expect(r.code, `--nodes ${k}`).toBe(single.code);
        expect(r.stdout).toContain(`On ${k} node${k === 1 ? '' : 's'} (--nats)`);
      }
    }, 60_000);
  }
});

describe('wrong input: a clear message and a distinct exit code', () => {
  it('refuses what a distributed run cannot do, before anything runs', async () => {
    const url = 'nats://127.0.0.1:1';
    const [noNodes, noNats, workers, matrix, temporal, unreachable, rejoinAlone] = await Promise.all([
      runCli(['specs/filter.ts', '--config', 'N3', '--nats', url]),
      runCli(['specs/filter.ts', '--config', 'N3', '--nodes', '2']),
      runCli(['specs/filter.ts', '--config', 'N3', '--nats', url, '--nodes', '2', '--workers', '2']),
      runCli(['specs/filter.ts', '--nats', url, '--nodes', '2']),
      runCli(['specs/filter.ts', '--config', 'N3.starvationFree', '--nats', url, '--nodes', '2', '--checkpoint', join(mkdtempSync(join(tmpdir(), 'tlats-nats-live-')), 'ck')]),
      runCli(['specs/filter.ts', '--config', 'N3', '--nats', url, '--nodes', '2']),
      runCli(['specs/filter.ts', '--config', 'N3', '--nats', url, '--nodes', '2', '--nats-rejoin-timeout', '5']),
    ]);
    expect(rejoinAlone.code).toBe(64);
    expect(rejoinAlone.stderr).toMatch(/--nats-rejoin-timeout goes with --checkpoint DIR \(or --resume DIR\): without a checkpoint a lost node ends the run \(exit 155\)/);
    expect(noNodes.code).toBe(64);
    expect(noNodes.stderr).toMatch(/--nats nats:\/\/127\.0\.0\.1:1: say how many nodes with --nodes K \(start each with tlats serve --nats/);
    expect(noNats.code).toBe(64);
    expect(noNats.stderr).toMatch(/--nodes goes with --nats URL/);
    expect(workers.code).toBe(64);
    expect(workers.stderr).toMatch(/--nats does not go with --workers \(the coordinator explores nothing: give the threads to the nodes, tlats serve --nats nats:\/\/127\.0\.0\.1:1 --workers N\)/);
    expect(matrix.code).toBe(64);
    expect(matrix.stderr).toMatch(/--nats checks one configuration: give --config NAME \(Filter has N3, N4/);
    expect(temporal.code).toBe(64);
    expect(temporal.stderr).toMatch(/--nats with --checkpoint does not check temporal properties \(starvationFree\): a cluster checkpoint holds no behaviour graph/);
    expect(unreachable.code).toBe(155);
    expect(unreachable.stderr).toMatch(/--nats nats:\/\/127\.0\.0\.1:1: cannot connect to the NATS server/);
    for (const r of [noNodes, noNats, workers, matrix, temporal, unreachable, rejoinAlone]) expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at |internal error/);
  }, 60_000);
});

describe('faults', () => {
  let other: NatsServer;
  beforeAll(async () => { other = await startNatsServer(); });
  afterAll(async () => { await other?.stop(); });

  it('refuses a node whose spec file differs from the coordinator\'s, with the reason', async () => {
    // A checkout of its own where specs/filter.ts differs by one comment: same path, another SHA-256.
    const elsewhere = mkdtempSync(join(tmpdir(), 'tlats-nats-other-'));
    mkdirSync(join(elsewhere, 'specs'));
    writeFileSync(join(elsewhere, 'specs/filter.ts'), `${readFileSync(join(root, 'specs/filter.ts'), 'utf8')}\n// changed\n`);
    const odd = await startNode(other.url, elsewhere);
    const good = await startNode(other.url);
    try {
      const r = await runCli(['specs/filter.ts', '--config', 'N3', '--nats', other.url, '--nodes', '2']);
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(/a node refused the run: node \d \(.*\): its spec file .*specs\/filter\.ts is not the coordinator's \(SHA-256 [0-9a-f]{12}… here, [0-9a-f]{12}… there\)/);
      expect(r.stdout).not.toMatch(/No error has been found/);
      expect(odd.log()).toMatch(/refused/);
      // The good node was released by the refused run: alone, it takes the next one.
      await odd.stop();
      const alone = await runCli(['specs/filter.ts', '--config', 'N3', '--nats', other.url, '--nodes', '1']);
      expect(alone.stdout).toMatch(/705 distinct states found/);
      expect(alone.code).toBe(0);
    } finally {
      await Promise.all([odd.stop(), good.stop()]);
    }
  }, 60_000);

  it('a NATS server restart mid-run stops the run (exit 155); the nodes reconnect and take the next run', async () => {
    const own = await startNatsServer();
    const a = await startNode(own.url);
    const b = await startNode(own.url);
    let restarted: NatsServer | undefined;
    try {
      const run = runCli(['specs/filter.ts', '--config', 'N5', '--const', 'N=6', '--nats', own.url, '--nodes', '2'], { timeoutMs: 40_000 });
      const deadline = Date.now() + 20_000;
      while (!/node \d of 2/.test(b.log()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1500));
      await own.stop();
      const r = await run;
      expect(r.code).toBe(155);
      expect(r.stdout).toMatch(/Error: lost the connection to the NATS server at nats:\/\/127\.0\.0\.1:\d+\./);
      expect(r.stdout).toMatch(/The search was stopped at depth \d+\./);
      expect(r.stdout).not.toMatch(/No error has been found/);
      restarted = await startNatsServer(own.port);
      const until = Date.now() + 15_000;
      while (!(/reconnected/.test(a.log()) && /reconnected/.test(b.log())) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      const again = await runCli(['specs/filter.ts', '--config', 'N3', '--nats', own.url, '--nodes', '2']);
      expect(again.stdout).toMatch(/705 distinct states found/);
      expect(again.code).toBe(0);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await restarted?.stop();
    }
  }, 90_000);

  it('kill -9 of a node mid-level stops the run: message, statistics, exit 155, never "holds"', async () => {
    const a = await startNode(other.url);
    const b = await startNode(other.url);
    try {
      // filter N=6 (the N5 configuration, which checks no temporal property, with N=6): 8.8 M states, ~20 s on two
      // nodes, so the kill lands in the middle of a level.
      const run = runCli(['specs/filter.ts', '--config', 'N5', '--const', 'N=6', '--nats', other.url, '--nodes', '2', '--nats-timeout', '2'], {
        timeoutMs: 40_000,
      });
      const deadline = Date.now() + 20_000;
      while (!/node \d of 2/.test(b.log()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 1500));
      const killedAt = Date.now();
      await b.kill9();
      const r = await run;
      const took = Date.now() - killedAt;
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(155);
      expect(r.stdout).toMatch(/Error: node \d \(.* pid \d+\) stopped answering: nothing from it for 2 s \(--nats-timeout\) while (expanding|closing) level \d+\./);
      expect(r.stdout).toMatch(/states may have been lost, so nothing is claimed to hold/);
      expect(r.stdout).toMatch(/[\d,]+ states generated, [\d,]+ distinct states found, [\d,]+ states left on queue\./);
      expect(r.stdout).toMatch(/The search was stopped at depth \d+\./);
      expect(r.stdout).not.toMatch(/No error has been found/);
      // Detected by the heartbeat timeout (2 s), not by a hang: allow for the coordinator's start and exit.
      expect(took).toBeLessThan(10_000);
      // The surviving node was told, and waits for the next run.
      const until = Date.now() + 5000;
      while (!/aborted by the coordinator|went silent/.test(a.log()) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(a.log()).toMatch(/aborted by the coordinator|went silent/);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 60_000);
});

describe('checkpoints and recovery (--checkpoint, --resume)', () => {
  let own: NatsServer;
  beforeAll(async () => { own = await startNatsServer(); });
  afterAll(async () => { await own?.stop(); });

  // TLC's counts for filter N=4 (the spec's expectation: 14,844 distinct); the fixture's hand analysis for the grid.
  const filter = { spec: 'specs/filter.ts', args: ['--config', 'N4'], expect: [/As expected/, /14,844 distinct states found/, /depth of the complete state graph search is 37/] };
  const grid = { spec: 'test/fixtures/grid-deadlock.ts', args: [] as string[], expect: [/Deadlock reached/, /has 61 states/, /1,861 states generated, 961 distinct states found/] };
  const single = async (c: typeof filter) => {
    const r = await runCli([c.spec, ...c.args, '--workers', '1']);
    for (const e of c.expect) expect(r.stdout).toMatch(e);
    return r;
  };

  it('kill -9 of a node mid-run: the coordinator waits for a replacement, rolls every node back, and ends as an uninterrupted run', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tlats-nats-ck-')), 'ck');
    let started: ServeNode[] = [];
    let spare: ServeNode | undefined;
    try {
      // The reference run and the nodes' start at once (each takes a second or two).
      const [reference, nodes] = await Promise.all([single(filter), Promise.all([0, 1, 2].map(() => startNode(own.url)))]);
      started = nodes;
      const run = runCli([filter.spec, ...filter.args, '--nats', own.url, '--nodes', '3', '--nats-timeout', '1', '--checkpoint', dir, '--checkpoint-every', '0'], { timeoutMs: 30_000 });
      await untilGeneration(dir, 12); // past level 12 of 37: the next levels are under way
      await started[1]!.kill9();
      spare = await startNode(own.url);
      const r = await run;
      expect(r.stderr).toMatch(/^tlats: node \d \(.* pid \d+\) stopped answering: nothing from it for 1 s \(--nats-timeout\) while (expanding level \d+|closing level \d+|writing the checkpoint of depth \d+)\.\n/);
      expect(r.stderr).toMatch(/Waiting up to 60 s \(--nats-rejoin-timeout\) for 3 idle nodes .*, then every node goes back to the checkpoint of depth (1[2-9]|[2-3]\d) in /);
      expect(comparable(r.stdout)).toBe(comparable(reference.stdout));
      expect(r.code).toBe(reference.code);
      expect(spare.log()).toMatch(/node \d of 3/);
    } finally {
      await Promise.all([...started, spare].map((n) => n?.stop()));
    }
  }, 60_000);

  it('no replacement within --nats-rejoin-timeout: exit 155, never "holds", the checkpoint kept; --resume on the one node left finishes the run', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tlats-nats-ck-')), 'ck');
    let started: ServeNode[] = [];
    try {
      // The reference run and the nodes' start at once (each takes a second or two).
      const [reference, nodes] = await Promise.all([single(grid), Promise.all([0, 1].map(() => startNode(own.url)))]);
      started = nodes;
      const run = runCli([grid.spec, '--nats', own.url, '--nodes', '2', '--nats-timeout', '1', '--nats-rejoin-timeout', '1', '--checkpoint', dir, '--checkpoint-every', '0'], { timeoutMs: 30_000 });
      await untilGeneration(dir, 20);
      await started[0]!.kill9();
      const r = await run;
      expect(r.code).toBe(155);
      expect(r.stdout).toMatch(/Error: node \d \(.*\) stopped answering: .*, and only 1 of the 2 nodes asked for \(--nodes\) answered at nats:\/\/127\.0\.0\.1:\d+ within 1 s \(--nats-rejoin-timeout\) to take its place\. The checkpoint of depth \d+ in .* is kept: once 2 nodes serve, resume with `tlats test\/fixtures\/grid-deadlock\.ts --nats nats:\/\/127\.0\.0\.1:\d+ --nodes 2 --resume .*`\./);
      expect(r.stdout).toMatch(/states may have been lost, so nothing is claimed to hold/);
      expect(r.stdout).not.toMatch(/No error has been found|Deadlock reached/);
      // The survivor alone: the checkpoint's two partitions are dealt out again to one node.
      const resumed = await runCli(['--nats', own.url, '--nodes', '1', '--resume', dir, '--nats-rejoin-timeout', '10']);
      expect(resumed.stderr).toMatch(/^tlats: the checkpoint in .* is of 2 nodes: its states are dealt out again to 1 \(--nodes\)\.\n$/);
      expect(comparable(resumed.stdout)).toBe(comparable(reference.stdout));
      expect(resumed.code).toBe(reference.code);
    } finally {
      await Promise.all(started.map((n) => n.stop()));
    }
  }, 60_000);

  it('a node lost before any checkpoint, with --continue: the search starts again and shows each violation once', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tlats-nats-ck-')), 'ck');
    let started: ServeNode[] = [];
    let spare: ServeNode | undefined;
    try {
      // The fixture's hand analysis: xBelow3 fails at depth 4, the deadlock at 121; 3,721 distinct, 7,321 generated.
      const [reference, nodes] = await Promise.all([single({
        spec: 'test/fixtures/grid-violations.ts', args: ['--continue'],
        expect: [/Invariant xBelow3 is violated\.\nThe shortest behavior that violates it has 4 states/, /Deadlock reached\.\nThe shortest behavior that violates it has 121 states/, /7,321 states generated, 3,721 distinct states found/],
      }), Promise.all([0, 1, 2].map(() => startNode(own.url)))]);
      started = nodes;
      let killing: Promise<void> | undefined;
      const r = await runCli(['test/fixtures/grid-violations.ts', '--continue', '--nats', own.url, '--nodes', '3', '--nats-timeout', '1', '--checkpoint', dir], {
        timeoutMs: 30_000,
        // The first trace is printed at depth 4 of 121: the node goes while the search is under way.
        started: (_child, output) => {
          const poll = setInterval(() => {
            if (!/xBelow3 is violated/.test(output())) return;
            clearInterval(poll);
            killing = started[2]!.kill9().then(async () => { spare = await startNode(own.url); });
          }, 5);
        },
      });
      await killing;
      expect(r.stderr).toMatch(/then the search starts again from the initial states \(no checkpoint had been written yet\)\.\n$/);
      expect(comparable(r.stdout)).toBe(comparable(reference.stdout));
      expect(r.stdout.match(/Invariant xBelow3 is violated/g)).toHaveLength(1);
      expect(r.code).toBe(reference.code);
    } finally {
      await Promise.all([...started, spare].map((n) => n?.stop()));
    }
  }, 60_000);

  it('kill -9 of the coordinator, then --resume with the same nodes: the output of an uninterrupted run; a corrupt checkpoint is refused', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tlats-nats-ck-')), 'ck');
    let started: ServeNode[] = [];
    try {
      // The reference run and the nodes' start at once (each takes a second or two).
      const [reference, nodes] = await Promise.all([single(grid), Promise.all([0, 1, 2].map(() => startNode(own.url)))]);
      started = nodes;
      const run = runCli([grid.spec, '--nats', own.url, '--nodes', '3', '--nats-timeout', '1', '--checkpoint', dir, '--checkpoint-every', '0'], {
        timeoutMs: 30_000,
        started: (child) => { void untilGeneration(dir, 25).then(() => child.kill('SIGKILL'), () => {}); },
      });
      const killed = await run;
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stdout).not.toMatch(/Deadlock reached/);
      const saved = join(dirname(dir), 'saved'), cut = join(dirname(dir), 'cut');
      cpSync(dir, saved, { recursive: true });
      cpSync(dir, cut, { recursive: true });
      // The nodes drop the dead coordinator's run after --nats-timeout (1 s); the resume waits for them.
      const resumed = await runCli([grid.spec, '--nats', own.url, '--nodes', '3', '--resume', dir]);
      expect(resumed.stderr).toBe('');
      expect(comparable(resumed.stdout)).toBe(comparable(reference.stdout));
      expect(resumed.code).toBe(reference.code);

      // The same checkpoint with one byte changed, or cut short: refused before any node is asked, exit 64.
      // The generation the manifest names (a gen-N+1 folder half-written when the coordinator was killed may be there too).
      const gen = `gen-${(JSON.parse(readFileSync(join(saved, 'checkpoint.json'), 'utf8')) as { generation: number }).generation}`;
      const file = join(saved, gen, 'owned-1.bin');
      const bytes = readFileSync(file);
      bytes[bytes.length >> 1] ^= 0xff;
      writeFileSync(file, bytes);
      truncateSync(join(cut, gen, 'owned-1.bin'), 8);
      const [corrupt, truncated, oneMachine] = await Promise.all([
        runCli([grid.spec, '--nats', own.url, '--nodes', '3', '--resume', saved]),
        runCli([grid.spec, '--nats', own.url, '--nodes', '3', '--resume', cut]),
        runCli([grid.spec, '--resume', dir]),
      ]);
      expect(corrupt.code).toBe(64);
      expect(corrupt.stderr).toMatch(/--resume .*saved: the checkpoint is corrupt: .*owned-1\.bin does not have the content the manifest records \(SHA-256 differs\)/);
      expect(truncated.code).toBe(64);
      expect(truncated.stderr).toMatch(/--resume .*cut: the checkpoint is truncated or corrupt: .*owned-1\.bin has 8 bytes, the manifest says \d+/);
      expect(oneMachine.code).toBe(64);
      expect(oneMachine.stderr).toMatch(/written by a distributed run on 3 nodes: resume it with --nats URL --nodes 3/);
      for (const r of [corrupt, truncated, oneMachine]) expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at |internal error|No error/);
      expect(existsSync(join(dir, 'checkpoint.json'))).toBe(true);
    } finally {
      await Promise.all(started.map((n) => n.stop()));
    }
  }, 60_000);
});
