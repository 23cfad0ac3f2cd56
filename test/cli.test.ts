/**
 * The command line's verdicts and outputs: the real CLI (`node bin/check.mjs`) as a subprocess
 * (test/cli-helpers.ts) on the fixture specs in test/fixtures/: exit codes 0/11/12/13, traces, --continue,
 * --json (ITF traces), --list, --help/--version, a spec file outside this package, and SIGINT (exit 130 with the
 * statistics so far).
 *
 * Expected figures come from the hand analyses written at the top of each fixture (test/fixtures/verdicts.ts),
 * not from the tool's output.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectNoRawStack, fx, root, runCli } from './cli-helpers.ts';

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'tlats-cli-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

describe.concurrent('--help, --version, a spec outside the package', () => {
  // --help and --version are requests, not errors: they print what was asked and exit 0, with nothing on stderr.
  it('--help prints the usage and exits 0', async ({ expect }) => {
    const r = await runCli(['--help']);
    expect(r.stdout).toContain('Usage: tlats');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('--version prints the version and exits 0', async ({ expect }) => {
    const r = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(r.stdout.trim()).toBe(pkg.version);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  // A spec is an ordinary .ts file; one written outside this package (no package.json with "type": "module"
  // above it) must load as well. It imports nothing, so nothing but the loader is involved.
  it('a valid spec outside the package (in the temp directory) loads and holds', async ({ expect }) => {
    const file = join(tmp, 'outside.ts');
    writeFileSync(file, [
      '// x counts 0..2 and stops: 3 states, 1 + 2 generated, depth 3; deadlock checking is off.',
      "export default { name: 'Outside', init: () => ({ x: 0 }),",
      '  actions: { inc: (s: { x: number }) => (s.x < 2 ? { x: s.x + 1 } : null) }, deadlock: false };',
      '',
    ].join('\n'));
    const r = await runCli([file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 states generated, 3 distinct states found');
  });
});

describe.concurrent('verdicts', () => {
  const verdicts = (mode: string, ...more: string[]) => runCli([fx('verdicts.ts'), '--const', `MODE=${mode}`, ...more]);

  it('a holding spec exits 0 with the hand-computed statistics', async ({ expect }) => {
    const r = await verdicts('holds');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No error has been found/);
    expect(r.stdout).toContain('5 states generated, 4 distinct states found');
    expect(r.stdout).toMatch(/depth of the complete state graph search is 4/);
    expectNoRawStack(expect, r);
  });

  it('an invariant violation exits 12 with the 3-state trace', async ({ expect }) => {
    const r = await verdicts('invariant');
    expect(r.code).toBe(12);
    expect(r.stdout).toMatch(/Invariant Small is violated/);
    expect(r.stdout).toMatch(/has 3 states/);
    expect(r.stdout).toMatch(/State 3: inc\n\s+x = 2/);
    expectNoRawStack(expect, r);
  });

  it('a deadlock exits 11 with the 4-state trace', async ({ expect }) => {
    const r = await verdicts('deadlock');
    expect(r.code).toBe(11);
    expect(r.stdout).toMatch(/Deadlock reached/);
    expect(r.stdout).toMatch(/has 4 states/);
    expect(r.stdout).toMatch(/State 4: inc\n\s+x = 3/);
    expectNoRawStack(expect, r);
  });

  it('an action property violation exits 13 with the 5-state trace (and --json FILE writes it in ITF)', async ({ expect }) => {
    const out = join(tmp, 'property.json');
    const r = await verdicts('property', '--json', out);
    expect(r.code).toBe(13);
    expect(r.stdout).toMatch(/Action property Monotone is violated/);
    expect(r.stdout).toMatch(/has 5 states/);
    expect(r.stdout).toMatch(/State 5: reset\n\s+x = 0/);
    expectNoRawStack(expect, r);
    const json = JSON.parse(readFileSync(out, 'utf8')) as any;
    expect(json.exitCode).toBe(13);
    const states = json.results[0].violations[0].trace.states as any[];
    expect(states.map((s) => s.x['#bigint'])).toEqual(['0', '1', '2', '3', '0']);
    expect(states.map((s) => s['#meta'].action)).toEqual(['init', 'inc', 'inc', 'inc', 'reset']);
  });

  it('--continue reports both violations of MODE=both; the exit code is the first one\'s', async ({ expect }) => {
    const r = await verdicts('both', '--continue');
    expect(r.code).toBe(12);
    expect(r.stdout).toMatch(/Invariant Small is violated\.\nThe shortest behavior that violates it has 3 states/);
    expect(r.stdout).toMatch(/Deadlock reached\.\nThe shortest behavior that violates it has 4 states/);
  });

  it('--json=- writes valid JSON with the ITF trace on stdout (human text on stderr)', async ({ expect }) => {
    const r = await verdicts('invariant', '--json=-');
    expect(r.code).toBe(12);
    const json = JSON.parse(r.stdout) as any;
    expect(json.exitCode).toBe(12);
    expect(json.results).toHaveLength(1);
    const v = json.results[0].violations;
    expect(v).toHaveLength(1);
    expect(v[0].property).toBe('Small');
    expect(v[0].traceLength).toBe(3);
    const itf = v[0].trace;
    expect(itf['#meta']).toBeTypeOf('object');
    expect(itf.vars).toEqual(['x']);
    expect(itf.states).toHaveLength(3);
    itf.states.forEach((s: any, i: number) => {
      expect(s['#meta'].index).toBe(i);
      expect(s.x).toEqual({ '#bigint': String(i) });
    });
    expect(r.stderr).toMatch(/Invariant Small is violated/);
  });

  it('--json - (the spelling --help documents: FILE, or - for stdout) is accepted', async ({ expect }) => {
    const r = await verdicts('invariant', '--json', '-');
    expect(r.stderr).not.toMatch(/Unknown argument/);
    expect(r.code).toBe(12);
    const json = JSON.parse(r.stdout) as any;
    expect(json.results[0].violations[0].trace.states).toHaveLength(3);
  });

  // A run that stops at its first violation explored only part of the graph: it cannot say that another property
  // holds. MODE=both deadlocks at x = 3, which the stopped run never expanded; the JSON must not call it "holds".
  it('--json after stopping at the first violation does not claim the unexplored properties hold', async ({ expect }) => {
    const r = await verdicts('both', '--json=-');
    expect(r.code).toBe(12);
    const json = JSON.parse(r.stdout) as any;
    const result = json.results[0];
    expect(result.violations.map((v: any) => v.property)).toEqual(['Small']);
    expect(result.cells.deadlock).not.toMatch(/^holds/);
  });

  it('--list lists constants, configurations, actions and properties', async ({ expect }) => {
    const r = await runCli(['--list', fx('basic.ts')]);
    expect(r.code).toBe(0);
    const o = r.stdout;
    expect(o).toContain('Basic');
    expect(o).toMatch(/N = 3/);
    expect(o).toMatch(/version = "V0".*"V0", "V1"/);
    expect(o).toMatch(/verbose = false/);
    expect(o).toMatch(/label = "hello"/);
    expect(o).toMatch(/small: .*N = 2/);
    expect(o).toMatch(/big: .*N = 5/);
    expect(o).toMatch(/^\s+tick\s*$/m);
    expect(o).toMatch(/^\s+pick\b.*2 instances/m);
    expect(o).toMatch(/^\s+XInRange$/m);
    expect(o).toMatch(/^\s+CpuKnown$/m);
    expect(o).toMatch(/^\s+CpuStable$/m);
    expectNoRawStack(expect, r);
  });
});

describe.concurrent('SIGINT (exit 130, statistics so far)', () => {
  /**
   * Starts the CLI, waits until it has printed its header (which it does after installing its SIGINT handler)
   * plus half a second, sends SIGINT, and kills it if it has not exited `limitMs` after starting.
   */
  const interrupt = (file: string, limitMs: number) => runCli([file], {
    timeoutMs: limitMs,
    started: (child, output) => {
      const poll = setInterval(() => {
        if (!output().includes('Checking')) return;
        clearInterval(poll);
        setTimeout(() => child.kill('SIGINT'), 500);
      }, 50);
      child.on('close', () => clearInterval(poll));
    },
  });

  it('a spec with wide BFS levels (64 million states)', async ({ expect }) => {
    const r = await interrupt(fx('wide.ts'), 20_000);
    expect(r.timedOut, 'the CLI did not stop after SIGINT').toBe(false);
    expect(r.signal).toBe(null);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/Interrupted/);
    expect(r.stdout).toMatch(/[\d,]+ states generated, [\d,]+ distinct states found/);
    expectNoRawStack(expect, r);
  });

  // Every level of this spec holds one state: the engine must notice the interrupt even when no level is large.
  it('a spec whose BFS levels hold one state each (a counter to 10^8)', async ({ expect }) => {
    const r = await interrupt(fx('counter.ts'), 20_000);
    expect(r.timedOut, 'the CLI did not stop after SIGINT (killed 20 s after its start)').toBe(false);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/[\d,]+ states generated, [\d,]+ distinct states found/);
  });
});

describe.concurrent('memory budget (exit 152, statistics so far)', () => {
  // Filter N4 has 14,844 states (bench/peers README). A 64 KiB budget holds 64 Ki / 12.25 = 5,350 slots, of which
  // 3/4 may be used before the table must grow, and it cannot: with --no-disk the run stops cleanly, with 2 workers
  // as with 1 (without it, the fingerprints go to disk: test/disk.test.ts).
  for (const workers of ['1', '2']) {
    it(`--memory 64K --no-disk with ${workers} worker(s) stops with a message and the statistics`, async ({ expect }) => {
      const r = await runCli(['specs/filter.ts', '--config', 'N4', '--memory', '64K', '--no-disk', '--workers', workers]);
      expect(r.code).toBe(152);
      expect(r.stdout).toMatch(/memory budget exhausted/);
      expect(r.stdout).toMatch(/[\d,]+ states generated, [\d,]+ distinct states found/);
      expect(r.stdout).not.toMatch(/No error has been found|As expected/);
      expectNoRawStack(expect, r);
    });
  }

  it('--memory 64K spills to disk and finishes with the in-memory answer (TLC\'s counts, the configuration\'s expectation)', async ({ expect }) => {
    const r = await runCli(['specs/filter.ts', '--config', 'N4', '--memory', '64K', '--workers', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('14,844 distinct states found');
    expect(r.stdout).toContain('As expected');
    // The pause while the full table is written out is announced (it lasts minutes on a run of 10^8 states).
    expect(r.stdout).toMatch(/^Progress\(\d+\) at .*; the table is full: writing its fingerprints to disk/m);
  });

  it('a --memory that is not a size is a usage error', async ({ expect }) => {
    const r = await runCli(['specs/filter.ts', '--memory', 'lots']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--memory lots: give a size such as 512M or 4G/);
  });
});

describe('a reader that goes away', () => {
  // `check spec.ts | head`: once the reader has closed the pipe, the CLI stops quietly with 141 (128 + SIGPIPE),
  // the shell's code for a process killed by SIGPIPE; never a stack dump.
  it('stops with 141 and prints no stack when stdout is closed', async ({ expect }) => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['bin/check.mjs', fx('counter.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(141);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});

describe.concurrent('tlats init and --typecheck', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tlats-init-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('init writes the three starter files into a new folder, whose spec gives the hand-analysed verdicts', async ({ expect }) => {
    const folder = join(tmp, 'fresh', 'nested');
    const r = await runCli(['init', folder], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Wrote fresh/nested/lock.ts, fresh/nested/lock.test.ts, fresh/nested/tsconfig.json.');
    expect(r.stdout).toContain('  cd fresh/nested\n  npm init -y && npm pkg set type=module\n');
    // The two-step lock is NaiveLock (13 states, mutex after 4 steps; specs/naive_lock.ts); the atomic one has the
    // idle state and one state per process in cs: 3 states.
    const m = await runCli([join(folder, 'lock.ts')], { cwd: tmp });
    expect(m.code).toBe(12);
    expect(m.stdout).toMatch(/twoStep\s+13\s+violated \(4\)\s+holds\natomic\s+3\s+holds\s+holds/);
    // --typecheck compiles the spec language from its sources here (from dist/ in an installed package): slow.
    const t = await runCli([join(folder, 'lock.ts'), '--typecheck', '--config', 'atomic', '-q'], { cwd: tmp, timeoutMs: 120_000 });
    expect([t.code, t.stderr]).toEqual([0, '']);
  }, 180_000);

  it('init never overwrites; bad arguments are usage errors', async ({ expect }) => {
    const folder = join(tmp, 'taken');
    mkdirSync(folder);
    writeFileSync(join(folder, 'tsconfig.json'), '{}');
    const r = await runCli(['init', folder], { cwd: tmp });
    expect([r.code, r.stderr.trim()]).toEqual([64, 'tlats init: taken/tsconfig.json already exists; nothing was written (init never overwrites: start in an empty folder, or move it away)']);
    expect(readFileSync(join(folder, 'tsconfig.json'), 'utf8')).toBe('{}');
    expect(existsSync(join(folder, 'lock.ts'))).toBe(false);
    const two = await runCli(['init', 'a', 'b'], { cwd: tmp });
    expect([two.code, two.stderr.trim()]).toEqual([64, 'tlats init takes one folder, not 2: a b']);
    const flag = await runCli(['init', '--force'], { cwd: tmp });
    expect([flag.code, flag.stderr.trim()]).toEqual([64, 'tlats init: unknown option --force; the only argument is the folder']);
    writeFileSync(join(tmp, 'a-file'), '');
    const file = await runCli(['init', 'a-file'], { cwd: tmp });
    expect([file.code, file.stderr.trim()]).toEqual([64, `tlats init ${join(tmp, 'a-file')}: not a folder`]);
  });

  it('--typecheck refuses a spec with a type error (exit 150) with the compiler\'s message, before running it', async ({ expect }) => {
    const file = join(tmp, 'typo.ts');
    writeFileSync(file, "import { defineSpec } from 'tlats';\nexport default defineSpec({ name: 'Typo', init: () => ({ x: 0 }), actions: { inc: (s) => ({ x: s.y + 1 }) } });\n");
    const r = await runCli([file, '--typecheck'], { cwd: tmp, timeoutMs: 120_000 });
    expect(r.code).toBe(150);
    expect(r.stderr).toContain('typo.ts does not type-check (1 error, with default options: no tsconfig.json found):\ntypo.ts(2,98): error TS2339: Property \'y\' does not exist on type \'{ x: number; }\'.');
    expect(r.stdout).toBe('');
    // Without --typecheck, tsx runs it: s.y is undefined, x becomes NaN, which the codec refuses (exit 75).
    expect((await runCli([file], { cwd: tmp })).code).toBe(75);
  }, 180_000);
});
