/**
 * Checkpoint and resume (issue 12): a run killed at a random point (kill -9, SIGINT) and resumed from its last
 * checkpoint gives the same final result as an uninterrupted run; a checkpoint that is corrupt, truncated, of a
 * changed spec or of other constants is refused with the reason; a disk that fills up stops the run cleanly with
 * exit 154. The expected results are the uninterrupted runs of the same command (the filter lock's counts are
 * also TLC's: the configuration's own expectation, checked by the "As expected" line).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig, type CheckResult } from '../checker/run/check.ts';
import { loadSpec } from '../checker/run/load.ts';
import { shutdownCrews } from '../checker/parallel/crew.ts';
import { ExitCode } from '../checker/exit-codes.ts';
import { tableBytes } from '../checker/store/seen-table.ts';
import { root, runCli } from './cli-helpers.ts';

afterAll(shutdownCrews);
const scratch = mkdtempSync(join(tmpdir(), 'tlats-ckpt-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The result text without its timing line. */
const result = (stdout: string) => stdout.split('\n').filter((l) => !l.startsWith('Finished in')).join('\n');

function observable(r: CheckResult): string {
  return JSON.stringify({
    generated: r.stats.generated, distinct: r.stats.distinct, depth: r.stats.depth, queue: r.stats.queue, verdict: r.outcome.verdict,
    violations: r.violations.map((v) => ({ property: v.property, length: v.length, trace: v.trace.map((s) => [s.label, JSON.stringify(s.state)]) })),
    coverage: r.coverage,
  });
}

// filter N4: 14,844 states, 37 levels; 64K of table hold about 4,000: the run spills to disk from level ~20 on.
const filterN4 = ['specs/filter.ts', '--config', 'N4', '--memory', '64K', '-q'];

describe('kill -9 at a random point, then --resume', () => {
  test('gives the uninterrupted result, repeatedly (before and after the spill, 1 and 2 workers)', async () => {
    const whole = await runCli([...filterN4, '--workers', '1']);
    expect(whole.code).toBe(0);
    expect(whole.stdout).toContain('As expected');
    const seed = Date.now() % 100_000;
    let x = seed;
    const random = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
    for (let round = 0; round < 4; round++) {
      const dir = join(scratch, `kill-${round}`);
      const workers = String(1 + (round % 2));
      const delay = 50 + Math.floor(random() * 1200);
      const killed = await runCli([...filterN4, '--workers', workers, '--checkpoint', dir, '--checkpoint-every', '0'], {
        started: (child) => {
          const poll = setInterval(() => {
            if (!existsSync(join(dir, 'checkpoint.json'))) return;
            clearInterval(poll);
            setTimeout(() => child.kill('SIGKILL'), delay);
          }, 20);
          child.on('close', () => clearInterval(poll));
        },
      });
      const what = `round ${round} (seed ${seed}, killed ${delay} ms after the first checkpoint, ${workers} workers)`;
      if (killed.code === 0) continue; // it finished first: nothing to resume
      expect(killed.signal, what).toBe('SIGKILL');
      const resumed = await runCli(['--resume', dir, '--memory', '64K', '-q', '--workers', workers]);
      expect(resumed.code, `${what}\n${resumed.stderr}`).toBe(0);
      expect(result(resumed.stdout), what).toBe(result(whole.stdout));
    }
  }, 120_000);

  test('SIGINT stops at once; --resume finishes the run', async () => {
    const dir = join(scratch, 'sigint');
    const whole = await runCli([...filterN4, '--workers', '1']);
    const stopped = await runCli([...filterN4, '--workers', '1', '--checkpoint', dir, '--checkpoint-every', '0'], {
      started: (child) => {
        const poll = setInterval(() => { if (existsSync(join(dir, 'checkpoint.json'))) { clearInterval(poll); setTimeout(() => child.kill('SIGINT'), 300); } }, 20);
      },
    });
    if (stopped.code === 0) return;
    expect(stopped.code).toBe(ExitCode.interrupted);
    const resumed = await runCli(['--resume', dir, '--memory', '64K', '-q', '--workers', '1']);
    expect(result(resumed.stdout)).toBe(result(whole.stdout));
  }, 60_000);
});

describe('stopped at every few levels and resumed (in process), equal to the uninterrupted run', () => {
  // Violations found before the checkpoint (--continue) must come back with their traces; coverage too.
  const cases = [
    { file: 'specs/kvm_mmu_notifier.ts', config: 'zapApicRangeStartRequest2', memoryBytes: undefined },
    { file: 'specs/filter.ts', config: 'N4', memoryBytes: tableBytes(2600) },
  ];
  for (const c of cases) {
    test(`${c.file} ${c.config}${c.memoryBytes ? ' (spilled)' : ''}`, async () => {
      const loaded = await loadSpec(c.file);
      const base = { config: c.config, workers: 1, continueAfterViolation: true, memoryBytes: c.memoryBytes };
      const whole = await checkConfig(loaded, base);
      for (const stopAfter of [3, 9, 17]) {
        const dir = join(scratch, `stop-${c.config}-${stopAfter}`);
        let levels = 0;
        const first = await checkConfig(loaded, {
          ...base, checkpoint: { dir, everySeconds: 0 }, progressEveryMs: 0,
          onProgress: (p) => { levels = p.depth; }, shouldStop: () => levels >= stopAfter,
        });
        if (!first.interrupted) continue;
        const resumed = await checkConfig(loaded, { ...base, resume: dir, checkpoint: { dir, everySeconds: 0 } });
        expect(observable(resumed), `stopped at depth ${stopAfter}`).toBe(observable(whole));
      }
    }, 60_000);
  }
});

describe('a checkpoint that cannot be used is refused with the reason (exit 64)', () => {
  const make = async (name: string, extra: string[] = [], spec = 'specs/filter.ts') => {
    const dir = join(scratch, name);
    const r = await runCli([spec, '--config', 'N3', '-q', '--max-depth', '8', '--checkpoint', dir, '--checkpoint-every', '0', ...extra]);
    expect(r.code).toBe(0);
    return dir;
  };
  const gen = (dir: string) => join(dir, `gen-${JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).generation}`);

  test('a corrupt file, a truncated file, a missing file, a garbled manifest, no checkpoint at all', async () => {
    const dir = await make('corrupt');
    const fresh = join(scratch, 'corrupt-copy');
    const variants: [string, (d: string) => void, RegExp][] = [
      ['flipped byte', (d) => { const f = join(gen(d), 'table.bin'); const b = readFileSync(f); b[100] ^= 0xff; writeFileSync(f, b); }, /table\.bin does not have the content the manifest records/],
      ['truncated', (d) => truncateSync(join(gen(d), 'frontier.bin'), 12), /truncated or corrupt: .*frontier\.bin has 12 bytes/],
      ['missing', (d) => rmSync(join(gen(d), 'marks.bin')), /incomplete: .*marks\.bin is missing/],
      ['garbled manifest', (d) => appendFileSync(join(d, 'checkpoint.json'), '}{'), /manifest .* is corrupt/],
      ['no manifest', (d) => rmSync(join(d, 'checkpoint.json')), /no checkpoint there/],
    ];
    for (const [what, damage, message] of variants) {
      rmSync(fresh, { recursive: true, force: true });
      cpSync(dir, fresh, { recursive: true });
      damage(fresh);
      const r = await runCli(['--resume', fresh, '-q']);
      expect(r.code, what).toBe(ExitCode.usage);
      expect(r.stderr, what).toMatch(message);
      expect(r.stderr, what).not.toMatch(/\n\s+at /);
    }
    const none = await runCli(['--resume', join(scratch, 'nothing-here'), '-q']);
    expect(none.code).toBe(ExitCode.usage);
    expect(none.stderr).toMatch(/no such folder/);
  }, 60_000);

  test('a changed spec source or other constants', async () => {
    const copy = join(root, 'specs', `.ckpt-test-${process.pid}.ts`);
    copyFileSync(join(root, 'specs/filter.ts'), copy);
    try {
      const dir = await make('changed', [], copy);
      appendFileSync(copy, '\n// changed\n');
      const r = await runCli(['--resume', dir, '-q']);
      expect(r.code).toBe(ExitCode.usage);
      expect(r.stderr).toMatch(/the spec's source changed since the checkpoint was written/);
    } finally {
      rmSync(copy, { force: true });
    }
    const dir = await make('constants', ['--const', 'N=3']);
    const r = await runCli(['--resume', dir, '--config', 'N3', '--const', 'N=2', '-q']);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toMatch(/the constants or options differ from the checkpoint's/);
  }, 60_000);
});

describe('disk full', () => {
  test('the spill folder fills up (simulated: --disk-limit, a write limit behind the store): exit 154, statistics, checkpoint kept', async () => {
    const dir = join(scratch, 'full');
    const r = await runCli([...filterN4, '--workers', '1', '--checkpoint', dir, '--checkpoint-every', '0', '--disk-limit', '2000000']);
    expect(r.code).toBe(ExitCode.disk);
    expect(r.stdout).toMatch(/Error: cannot write .*: the disk is full \(ENOSPC\)/);
    expect(r.stdout).toMatch(/distinct states found/);
    // The checkpoint before the failure is whole: resuming (with room now) finishes the run.
    const resumed = await runCli(['--resume', dir, '--memory', '64K', '-q']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('14,844 distinct states found');
  }, 60_000);

  test('an unwritable --disk folder: exit 154 with the reason', async () => {
    const file = join(scratch, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = await runCli([...filterN4, '--workers', '1', '--disk', join(file, 'sub')]);
    expect(r.code).toBe(ExitCode.disk);
    expect(r.stdout).toMatch(/cannot create the spill folder in --disk .*not-a-folder\/sub/);
  }, 30_000);
});
