/**
 * The command line on bad input: the real CLI (`node bin/check.mjs`) as a subprocess (test/cli-helpers.ts), on
 * the small fixture specs in test/fixtures/. Every case checks the exit code (checker/exit-codes.ts) and the key
 * parts of the message, and that no raw stack dump leaks out (at most the one frame of the spec's own file that
 * the engine prints on purpose). The verdicts, --json, --list, --help, a spec outside the package and SIGINT
 * are in test/cli.test.ts (split off so that each file stays well within its time budget).
 *
 * Expected texts come from the fixtures themselves (their hand analyses, and the line numbers of marked lines),
 * not from the tool's output.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectNoRawStack, fx, lineOf, root, runCli } from './cli-helpers.ts';

/** A fixture that cannot live in test/fixtures as a .ts file (tsc would reject it), written at run time. */
let syntaxErrorFile: string;

beforeAll(() => {
  // Inside the repository (so the file is an ES module of this package, as a user's spec would be), in a
  // dot-directory that tsc's include globs skip. Removed afterwards.
  const genDir = join(root, 'test', 'fixtures', `.generated-${process.pid}`);
  mkdirSync(genDir, { recursive: true });
  syntaxErrorFile = join(genDir, 'syntax-error.ts');
  writeFileSync(syntaxErrorFile, "export default {\n  name: 'Broken',\n  init: () => ({ x: 0 ,\n};\n");
});

afterAll(() => {
  rmSync(dirname(syntaxErrorFile), { recursive: true, force: true });
});

describe.concurrent('loading the spec (exit 150)', () => {
  it('a missing spec file', async ({ expect }) => {
    const r = await runCli([fx('no-such-spec.ts')]);
    expect(r.code).toBe(150);
    expect(r.stderr).toContain('not found');
    expect(r.stderr).toContain('no-such-spec.ts');
    expectNoRawStack(expect, r);
  });

  it('a directory instead of a file', async ({ expect }) => {
    const r = await runCli(['test/fixtures']);
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(/not a file/);
    expect(r.stderr).toContain('test/fixtures');
    expectNoRawStack(expect, r);
  });

  it('a module with a syntax error', async ({ expect }) => {
    const r = await runCli([syntaxErrorFile]);
    expect(r.code).toBe(150);
    expect(r.stderr).toContain('could not load');
    expect(r.stderr).toContain('syntax-error.ts');
    // The message points at the offending place: line 4 of the generated file (the `;` where `)` is expected).
    expect(r.stderr).toMatch(/syntax-error\.ts:4/);
    expectNoRawStack(expect, r, 'syntax-error.ts');
  });

  it('a module that throws at top level', async ({ expect }) => {
    const r = await runCli([fx('throws.ts')]);
    expect(r.code).toBe(150);
    expect(r.stderr).toContain('could not load');
    expect(r.stderr).toContain('fixture throws at load time');
    expect(r.stderr).toContain(`throws.ts:${lineOf(fx('throws.ts'), 'THROW-AT-LOAD')}`);
    expectNoRawStack(expect, r, 'throws.ts');
  });

  it('a module with no spec export', async ({ expect }) => {
    const r = await runCli([fx('no-export.ts')]);
    expect(r.code).toBe(150);
    expect(r.stderr).toContain('no-export.ts');
    expect(r.stderr).toMatch(/exports no spec/);
    expect(r.stderr).toContain('defineSpec');
    expectNoRawStack(expect, r);
  });
});

describe.concurrent('command-line arguments (exit 64)', () => {
  it('--const N=abc for a numeric constant', async ({ expect }) => {
    const r = await runCli([fx('basic.ts'), '--config', 'small', '--const', 'N=abc']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('N=abc');
    expect(r.stderr).toMatch(/N is an integer; "abc" is not one/);
    expectNoRawStack(expect, r);
  });

  it('--const nope=1 names the unknown constant and lists the allowed ones', async ({ expect }) => {
    const r = await runCli([fx('basic.ts'), '--config', 'small', '--const', 'nope=1']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('nope');
    for (const c of ['N', 'version', 'verbose', 'label']) expect(r.stderr).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    expect(r.stderr).toContain('"V0" | "V1"');
    expectNoRawStack(expect, r);
  });

  it('--const version=V9 for a oneOf constant lists its values', async ({ expect }) => {
    const r = await runCli([fx('basic.ts'), '--config', 'small', '--const', 'version=V9']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('version=V9');
    expect(r.stderr).toContain('"V0"');
    expect(r.stderr).toContain('"V1"');
    expectNoRawStack(expect, r);
  });

  it('an unknown option', async ({ expect }) => {
    const r = await runCli([fx('basic.ts'), '--frobnicate']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('frobnicate');
    expect(r.stderr).toContain('--help');
    expectNoRawStack(expect, r);
  });

  it('--max-depth 0', async ({ expect }) => {
    const r = await runCli([fx('basic.ts'), '--max-depth', '0']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--max-depth');
    expect(r.stderr).toMatch(/at least 1/);
    expectNoRawStack(expect, r);
  });

  it('--invariant naming an unknown invariant lists the known ones', async ({ expect }) => {
    const r = await runCli([fx('basic.ts'), '--config', 'small', '--invariant', 'Nope']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('Nope');
    expect(r.stderr).toContain('XInRange');
    expect(r.stderr).toContain('CpuKnown');
    expectNoRawStack(expect, r);
  });
});

describe.concurrent('evaluation errors (exit 75)', () => {
  it('an action that throws: names fault(cpu=1), shows the state and the spec frame', async ({ expect }) => {
    const file = fx('action-throws.ts');
    const r = await runCli([file]);
    expect(r.code).toBe(75);
    expect(r.stderr).toContain('fault(cpu=1)');
    expect(r.stderr).toContain('page fault on cpu 1');
    // The state it was applied to: { x: 1, cpu: 0 } (hand analysis in the fixture).
    expect(r.stderr).toMatch(/^\s+x = 1$/m);
    expect(r.stderr).toMatch(/^\s+cpu = 0$/m);
    expect(r.stderr).toContain(`action-throws.ts:${lineOf(file, 'THROW-HERE')}`);
    expectNoRawStack(expect, r, 'action-throws.ts');
  });

  const bad: [string, RegExp][] = [
    ['function', /function/],
    ['undefined', /undefined/],
    ['NaN', /NaN/],
    ['symbol', /symbol/],
    ['class', /class Page|instance/],
    ['cycle', /cycle/],
  ];
  for (const [what, problem] of bad) {
    it(`a state holding ${what === 'class' ? 'a class instance' : what === 'cycle' ? 'a cycle' : `a ${what}`} at state.tlb[0].page`, async ({ expect }) => {
      const r = await runCli([fx('unfingerprintable.ts'), '--const', `WHAT=${what}`]);
      expect(r.code).toBe(75);
      expect(r.stderr).toContain('load(cpu=1)');
      expect(r.stderr).toContain('state.tlb[0].page');
      const afterPath = r.stderr.slice(r.stderr.indexOf('state.tlb[0].page'));
      expect(afterPath).toMatch(problem);
      expectNoRawStack(expect, r, 'unfingerprintable.ts');
    });
  }

  it('an invariant returning a non-boolean', async ({ expect }) => {
    const r = await runCli([fx('bad-invariant.ts')]);
    expect(r.code).toBe(75);
    expect(r.stderr).toContain('Count');
    // The initial state x = 0 is the first one checked: Count returns the number 0.
    expect(r.stderr).toMatch(/returned 0\b/);
    expect(r.stderr).toMatch(/not a boolean/);
    expectNoRawStack(expect, r, 'bad-invariant.ts');
  });

  it('an action returning a number instead of a state', async ({ expect }) => {
    const r = await runCli([fx('bad-return.ts')]);
    expect(r.code).toBe(75);
    expect(r.stderr).toContain('step');
    expect(r.stderr).toContain('42');
    expect(r.stderr).toMatch(/not a state/);
    expectNoRawStack(expect, r, 'bad-return.ts');
  });

  it('a state violating the declared schema names the path and the expected range', async ({ expect }) => {
    const r = await runCli([fx('schema-violation.ts')]);
    expect(r.code).toBe(75);
    expect(r.stderr).toContain('overload(cpu=1)');
    expect(r.stderr).toContain('state.cpus[1].load');
    expect(r.stderr).toContain('0..3');
    expect(r.stderr).toMatch(/\b4\b/);
    expectNoRawStack(expect, r, 'schema-violation.ts');
  });
});

