/**
 * The defects a new user hit in their first hour with the tool (issue #7, part 2), each with its message and exit
 * code, through the real CLI (test/cli-helpers.ts). The numbers in the test names are the items of that list.
 * Expected figures come from the hand analyses in the fixtures' headers and from the peer benchmark's README
 * (filter lock: N = 3 has 705 states, N = 4 has 14,844), never from this tool's own output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectNoRawStack, fx, root, runCli } from './cli-helpers.ts';

let tmp: string;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'tlats-first-hour-')); });
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

/** Starts the CLI and calls `onOutput` with everything printed so far, until it returns true. */
function watch(args: string[], onOutput: (out: string, child: { kill: (s: NodeJS.Signals) => void }) => boolean, timeoutMs = 30_000) {
  return runCli(args, {
    timeoutMs,
    started: (child, output) => {
      const poll = setInterval(() => { if (onOutput(output(), child)) clearInterval(poll); }, 50);
      child.on('close', () => clearInterval(poll));
    },
  });
}

describe.concurrent('1. --const without --config checks the defaults once', () => {
  it('specs/filter.ts --const N=3: one run of N = 3 (705 states), not three rows named N3, N4, N5', async ({ expect }) => {
    const r = await runCli(['specs/filter.ts', '--const', 'N=3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the spec's default constants \(no configuration/);
    expect(r.stdout).toMatch(/Constants: N = 3 \(N from --const\)/);
    expect(r.stdout).toContain('705 distinct states found');
    expect(r.stdout).not.toMatch(/^N4\b|verdict matrix/m);
  });

  it('--config N4 --const N=3: the configuration with the override, said in the header', async ({ expect }) => {
    const r = await runCli(['specs/filter.ts', '--config', 'N4', '--const', 'N=3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/configuration N4 with --const overrides/);
    expect(r.stdout).toContain('705 distinct states found');
    // The expectation describes N4 as declared: with an override it is not compared.
    expect(r.stdout).not.toMatch(/As expected|Differs from the expectation/);
  });
});

describe.concurrent('2. the matrix prints each row as it finishes, progress during long rows, statistics on SIGINT', () => {
  it('the first row appears while the second runs; progress lines follow; SIGINT prints its statistics (130)', async ({ expect }) => {
    let rowSeenWhileRunning = false;
    let progressSeen = false;
    const r = await watch([fx('slow-matrix.ts')], (out, child) => {
      if (/^quick\s+3\s+violated \(2\)\s+holds$/m.test(out)) rowSeenWhileRunning = true;
      if (/endless: Progress\(\d+\)/.test(out)) progressSeen = true;
      if (rowSeenWhileRunning && progressSeen) { child.kill('SIGINT'); return true; }
      return false;
    });
    expect(r.timedOut).toBe(false);
    expect(rowSeenWhileRunning).toBe(true);
    expect(progressSeen).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^endless\s+[\d,]+\s+violated \(2\)\s+unknown$/m);
    expect(r.stdout).toMatch(/Interrupted \(SIGINT\) in configuration endless, after 1 of 2 configurations/);
    expect(r.stdout).toMatch(/[\d,]+ states generated, [\d,]+ distinct states found, [\d,]+ states left on queue/);
    expectNoRawStack(expect, r);
  });
});

describe.concurrent('3. output paths and folders are checked before the search (exit 64)', () => {
  // counter.ts never ends: a check made after the search would time out.
  it('--json into a folder that does not exist', async ({ expect }) => {
    const r = await runCli([fx('counter.ts'), '--json', join(tmp, 'no-such-dir', 'out.json')]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--json .*no-such-dir.*: cannot write there \(ENOENT\)/);
    expectNoRawStack(expect, r);
  });

  it('--json naming a folder', async ({ expect }) => {
    const r = await runCli([fx('counter.ts'), '--json', tmp]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/is a folder; give a file name/);
  });

  it('--json with no file name', async ({ expect }) => {
    const r = await runCli([fx('counter.ts'), '--json']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--json needs a file name \(or - for stdout\)/);
  });

  it('--json to a file that can be written leaves no empty file behind when refused elsewhere', async ({ expect }) => {
    const out = join(tmp, 'never.json');
    const r = await runCli([fx('counter.ts'), '--json', out, '--workers', 'abc']);
    expect(r.code).toBe(64);
    expect(existsSync(out)).toBe(false);
  });

  it('--suite on a folder that does not exist', async ({ expect }) => {
    const r = await runCli(['--suite', join(tmp, 'missing')]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--suite .*missing: no such folder/);
    expectNoRawStack(expect, r);
  });

  it('--suite on a file', async ({ expect }) => {
    const r = await runCli(['--suite', 'specs/diehard.ts']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--suite specs\/diehard.ts: not a folder/);
  });
});

describe.concurrent('4. a schema of a million elements compiles in linear time, and an absurd one is refused', () => {
  it('1,000,000 two-bit ints: checked (4 states, depth 4)', async ({ expect }) => {
    const r = await runCli([fx('big-schema.ts')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 states generated, 4 distinct states found');
    expect(r.stdout).toMatch(/depth of the complete state graph search is 4/);
  });

  it('2,000,000 words a state: refused up front with the limit and the path (exit 75)', async ({ expect }) => {
    const r = await runCli([fx('big-schema.ts'), '--const', 'HUGE=true']);
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/the spec's schema is refused: state\.a: an array of 2,000,000 elements takes 2,000,000 words per state, over the limit of 1,048,576 words/);
    expectNoRawStack(expect, r);
  });
});

describe.concurrent('5. long values are elided in traces; --full-trace shows them whole', () => {
  it('an array of 1,000,000 numbers and a 5,000-character string', async ({ expect }) => {
    const r = await runCli([fx('big-value.ts')]);
    expect(r.code).toBe(12);
    expect(r.stdout).toMatch(/cells = \[1,000,000 items: 0, 0, 0, 0, 0, …, 0, 0, 0\]/);
    expect(r.stdout).toMatch(/note = "x{60}"…"x{20}" \(5,000 characters\)/);
    expect(r.stdout).toMatch(/cells\[0\] = 1 {3}\(was 0\)/);
    expect(widest(r.stdout)).toBeLessThan(200);
  });

  it('--full-trace prints every element', async ({ expect }) => {
    const r = await runCli([fx('big-value.ts'), '--full-trace']);
    expect(r.code).toBe(12);
    expect(widest(r.stdout)).toBeGreaterThan(2_000_000);
  });
});

describe.concurrent('6. reading an undeclared constant is an error', () => {
  it('names the constant, lists the declared ones, points at the line (exit 75)', async ({ expect }) => {
    const r = await runCli([fx('undeclared-constant.ts')]);
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/the spec reads the constant GOAL, which Undeclared does not declare/);
    expect(r.stderr).toMatch(/LIMIT: number \(default 3\)/);
    const file = 'test/fixtures/undeclared-constant.ts';
    const line = readFileSync(join(root, file), 'utf8').split('\n').findIndex((l) => l.includes('the line that reads GOAL')) + 1;
    expect(r.stderr).toContain(`${file}:${line}:`);
    expectNoRawStack(expect, r, file);
  });
});

describe.concurrent('7. a spec in any folder loads, imports tlats, and reports its own errors at its own line', () => {
  const write = (name: string, text: string[]) => { writeFileSync(join(tmp, name), `${text.join('\n')}\n`); return name; };

  it('imports tlats without installing it, and checks with 1 and 2 workers', async ({ expect }) => {
    const name = write('outside.ts', [
      "import { defineSpec, range } from 'tlats';",
      '// A 100 x 100 grid walk: 10,000 states, 1 + 2 * 100 * 99 = 19,801 generated, depth 199.',
      "export default defineSpec({ name: 'Outside', init: () => ({ x: 0, y: 0 }),",
      '  actions: { right: (s: { x: number; y: number }) => (s.x < range(100).length - 1 ? { ...s, x: s.x + 1 } : null),',
      '             up: (s: { x: number; y: number }) => (s.y < 99 ? { ...s, y: s.y + 1 } : null) },',
      '  deadlock: false });',
    ]);
    for (const workers of ['1', '2']) {
      const r = await runCli([name, '--workers', workers], { cwd: tmp });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('19,801 states generated, 10,000 distinct states found');
      expect(r.stdout).toMatch(/depth of the complete state graph search is 199/);
    }
  });

  it('a misspelt named import is an error naming it (exit 150)', async ({ expect }) => {
    const name = write('typo.ts', ["import { defineSpec, rnage } from 'tlats';",
      "export default defineSpec({ name: 'Typo', init: () => ({ x: rnage(1)[0] }), actions: { a: () => null } });"]);
    const r = await runCli([name], { cwd: tmp });
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(/could not load typo.ts:\nSyntaxError: The requested module 'tlats' does not provide an export named 'rnage' \(did you mean range\?\)/);
    expect(r.stderr).not.toMatch(/require\(\) ES Module|in a cycle/);
    expectNoRawStack(expect, r);
  });

  it('a throw at the top of the module points at its line', async ({ expect }) => {
    const name = write('throws.ts', ["import { defineSpec } from 'tlats';", 'const n = 3;',
      "if (n > 2) throw new Error('no such device');",
      "export default defineSpec({ name: 'T', init: () => ({ x: 0 }), actions: { a: () => null } });"]);
    const r = await runCli([name], { cwd: tmp });
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(/Error: no such device\n {2}at .*throws\.ts:3:\d+/);
  });

  it('a syntax error points at its line and column', async ({ expect }) => {
    const name = write('syntax.ts', ["import { defineSpec } from 'tlats';",
      "export default defineSpec({ name: 'S', init: () => ({ x: 0 }),", '  actions: { a: (s) => { return s.x + } } });']);
    const r = await runCli([name], { cwd: tmp });
    expect(r.code).toBe(150);
    expect(r.stderr).toMatch(/syntax\.ts:3:\d+: ERROR: Unexpected "}"/);
    expect(r.stderr).not.toMatch(/require\(\) ES Module|in a cycle/);
  });
});

describe.concurrent('8. an expectation naming a property that does not exist', () => {
  it('is an error naming the property, not "expected violated, but it holds" (exit 75)', async ({ expect }) => {
    const r = await runCli([fx('bad-expectation.ts')]);
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/expects Smal to be violated, but BadExpectation has no property Smal\. The properties checked: Small/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/but it holds/);
  });
});

describe.concurrent('9. an evaluation error shows the behaviour up to it', () => {
  it('an action that throws at x = 30: the 31-state behaviour from the initial state (exit 75)', async ({ expect }) => {
    const r = await runCli([fx('throws-deep.ts'), '--workers', '1']);
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/Error while evaluating action step: Error: device lost at x = 30/);
    expect(r.stderr).toMatch(/The behavior up to this point is:\nState 1: <initial state>\n {2}x = 0\n {2}y = 0/);
    // The state being expanded has x = 30: BFS reaches it first along a shortest path of 30 steps (31 states).
    expect(r.stderr).toMatch(/State 31: (right|up)\n/);
    expect(r.stderr).not.toMatch(/State 32:/);
  });
});

describe.concurrent('10. bad numbers are refused as typed (exit 64)', () => {
  const cases: [string, string[], RegExp][] = [
    ['--workers abc', ['--workers', 'abc'], /--workers abc: give a whole number of threads from 1 to 256/],
    ['--workers 0', ['--workers', '0'], /--workers 0: give a whole number/],
    ['--workers 1.5', ['--workers', '1.5'], /--workers 1\.5: give a whole number/],
    ['--memory 0', ['--memory', '0'], /--memory 0: 0 bytes is too small for the fingerprint table; give at least 64K/],
    ['--memory 512', ['--memory', '512'], /--memory 512: 512 bytes is too small .*for megabytes write 512M/],
    ['--max-depth 2x', ['--max-depth', '2x'], /--max-depth 2x: give a whole number of levels/],
    ['--const LIMIT=0x4', ['--const', 'LIMIT=0x4'], /--const LIMIT=0x4: LIMIT is an integer; "0x4" is not one/],
    ['--const LIMIT=1e1', ['--const', 'LIMIT=1e1'], /--const LIMIT=1e1: LIMIT is an integer; "1e1" is not one/],
    ['--const "LIMIT= 4"', ['--const', 'LIMIT= 4'], /LIMIT is an integer; " 4" is not one/],
    ['--const LIMIT=4 twice', ['--const', 'LIMIT=4', '--const', 'LIMIT=5'], /--const LIMIT is given twice/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async ({ expect }) => {
      const r = await runCli([fx('counter.ts'), ...args]);
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expectNoRawStack(expect, r);
    });
  }
});

describe.concurrent('11. the matrix validates every configuration before the first row', () => {
  it('a bad --const is a usage error before the header', async ({ expect }) => {
    const r = await runCli(['specs/diehard.ts', '--config', 'all', '--const', 'GOAL=x']);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--const GOAL=x: GOAL is an integer/);
  });

  it('a configuration the spec gets wrong says so in its row; the others run', async ({ expect }) => {
    const r = await runCli([fx('matrix-rows.ts')]);
    expect(r.stdout).toMatch(/^two\s+3\s+violated \(2\)\s+yes$/m);
    expect(r.stdout).toMatch(/^one\s+2\s+holds\s+yes$/m);
    expect(r.stdout).toMatch(/^broken\s+-\s+error: configuration broken sets LIMTI, which is not a constant of MatrixRows/m);
    // Every row declares an expectation, and one could not be checked: the matrix is a failed test (exit 1).
    expect(r.code).toBe(1);
  });
});

describe.concurrent('12. the matrix keeps the state count in its own column and fits 120 columns', () => {
  it('the flagship matrix: 63 rows, every line within 120 characters, cells holds or violated', async ({ expect }) => {
    const r = await runCli(['specs/try_to_unmap.ts']);
    expect(widest(r.stdout)).toBeLessThanOrEqual(120);
    const rows = r.stdout.split('\n').filter((l) => /^V\d/.test(l));
    expect(rows).toHaveLength(63);
    for (const row of rows) {
      const cells = row.split(/\s{2,}/);
      expect(cells[1]).toMatch(/^[\d,]+$/);
      for (const c of cells.slice(2, -1)) expect(c).toMatch(/^(holds|✗ \d+)$/);
    }
    expect(r.stdout).toMatch(/\[1\] noSecondaryTlbMapsFreedPage/);
  });

  it('a matrix with short property names keeps the names and the words', async ({ expect }) => {
    const r = await runCli(['specs/diehard.ts']);
    expect(r.stdout).toMatch(/^configuration\s+states\s+TypeOK\s+NotSolved\s+deadlock\s+expected\?$/m);
    expect(r.stdout).toMatch(/^solve\s+16\s+holds\s+violated \(6\)\s+holds\s+yes$/m);
  });

  // The suite table (`--suite specs`) is checked for its width and for machine paths in test/suite.test.ts, on the
  // rows the regression suite computes anyway: the CLI prints formatSuite of the same rows.
});

describe.concurrent('13. the matrix exit code', () => {
  it('every row as declared: 0, so `npx check specs/try_to_unmap.ts && npm test` runs both', async ({ expect }) => {
    const r = await runCli(['specs/try_to_unmap.ts', '--quiet']);
    expect(r.code).toBe(0);
  });

  it('a row that differs from its expectation: 1', async ({ expect }) => {
    const r = await runCli([fx('matrix-rows.ts')], { env: { TLATS_FIXTURE_WRONG: '1' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^wrong\s+4\s+violated \(2\)\s+NO$/m);
    expect(r.stdout).toMatch(/wrong: differs from its expectation .*\n {2}Small: expected to hold, but violated \(trace of 3 states\)/);
  });

  it('rows without expectations: TLC\'s code of the first violation (12)', async ({ expect }) => {
    const r = await watch([fx('slow-matrix.ts')], (out, child) => {
      if (/^quick/m.test(out)) { child.kill('SIGINT'); return true; }
      return false;
    });
    // Interrupted during the second row: 130 wins over the first row's 12.
    expect(r.code).toBe(130);
    const quick = await runCli([fx('slow-matrix.ts'), '--config', 'quick']);
    expect(quick.code).toBe(12);
  });
});

describe.concurrent('14. no machine paths; the README\'s example exists; docs/json-output.md matches the output', () => {
  it('--list and expectation lines name files relative to the repository', async ({ expect }) => {
    for (const args of [['--list', 'specs/diehard.ts'], ['specs/diehard.ts', '--config', 'solve']]) {
      const r = await runCli(args);
      expect(`${r.stdout}${r.stderr}`).not.toContain(root);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/\/work\//);
    }
  });

  it('the README\'s specs/naive_lock.ts is a file, and the README shows its code', async ({ expect }) => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const spec = readFileSync(join(root, 'specs/naive_lock.ts'), 'utf8');
    const block = /```ts\n\/\/ specs\/naive_lock\.ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    for (const line of block!.split('\n').filter((l) => /actions|next:|invariants|mutex/.test(l))) expect(spec).toContain(line.trim());
  });

  it('every field docs/json-output.md lists is in the output, and the other way round', async ({ expect }) => {
    const doc = readFileSync(join(root, 'docs/json-output.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([\w.[\]]+)` \|(.*)$/gm)];
    const documented = new Set(rows.map((m) => m[1]!));
    // A field documented as present "only with" some outcome need not be in this one.
    const conditional = new Set(rows.filter((m) => /\bonly with\b/.test(m[2]!)).map((m) => m[1]!));
    const r = await runCli([fx('verdicts.ts'), '--const', 'MODE=invariant', '--json=-']);
    const json = JSON.parse(r.stdout) as Record<string, any>;
    const result = json.results[0] as Record<string, any>;
    const produced = [
      ...Object.keys(json).map((k) => (k === 'spec' ? ['spec.name', 'spec.file'] : [k])).flat(),
      ...Object.keys(result), ...Object.keys(result.stats), ...Object.keys(result.violations[0]),
    ];
    for (const f of produced) expect(documented, `${f} is produced but not documented`).toContain(f);
    for (const f of documented) if (!conditional.has(f)) expect(produced, `${f} is documented but not produced`).toContain(f);
    for (const cell of ['unknown', 'holds', 'violated (K)']) expect(doc).toContain(`\`${cell}\``);
  });
});

describe.concurrent('15. hints name `npx tlats`', () => {
  it('the matrix hint', async ({ expect }) => {
    const r = await runCli(['specs/diehard.ts']);
    expect(r.stdout).toMatch(/Traces: npx tlats specs\/diehard\.ts --config NAME/);
    expect(r.stdout).not.toMatch(/Traces: check /);
  });

  it('the README and the tutorial say `npx tlats` outside this repository', async ({ expect }) => {
    for (const file of ['README.md', 'docs/tutorial.md']) expect(readFileSync(join(root, file), 'utf8')).toMatch(/npx tlats/);
  });
});

describe.concurrent('16. small things seen on the screen', () => {
  it('--continue prints each violation as soon as it is found', async ({ expect }) => {
    // counter.ts with an invariant violated at n = 5 would need a fixture; slow-matrix's endless row is one:
    // Small fails at x = 2 and the search goes on towards 10^8.
    let early = false;
    const r = await watch([fx('slow-matrix.ts'), '--config', 'endless', '--continue'], (out, child) => {
      if (/Invariant Small is violated\.\nThe shortest behavior that violates it has 3 states/.test(out)) { early = true; child.kill('SIGINT'); return true; }
      return false;
    });
    expect(early).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/Interrupted \(SIGINT\)/);
  });

  it('an empty Set prints as Set {}', async ({ expect }) => {
    const { formatValue } = await import('../checker/output/values.ts');
    const { Set: ISet, Map: IMap } = await import('immutable');
    expect(formatValue({ s: ISet(), m: IMap(), a: [], o: {} })).toBe('{ s: Set {}, m: Map {}, a: [], o: {} }');
  });

  it('a run of milliseconds says so, without a rate', async ({ expect }) => {
    const r = await runCli(['specs/diehard.ts', '--config', 'unreachableGoal']);
    expect(r.stdout).toMatch(/^Finished in \d+ ms\.$/m);
    expect(r.stdout).not.toMatch(/0\.00 s/);
  });

  it('the status line on a terminal is erased by Ctrl-C', async ({ expect }) => {
    // `script` gives the CLI a pseudo-terminal, so it draws its status line (\r\x1b[K...) on stderr.
    const { spawn } = await import('node:child_process');
    const child = spawn('script', ['-qfec', `${process.execPath} bin/check.mjs ${fx('counter.ts')}`, '/dev/null'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (!out.includes('Progress(')) return;
        clearInterval(poll);
        child.stdin!.write('\x03'); // Ctrl-C, through the terminal
        resolve();
      }, 50);
    });
    await new Promise((resolve) => child.on('close', resolve));
    const lastStatus = out.lastIndexOf('Progress(');
    const erasedAfter = out.indexOf('\r\x1b[K', lastStatus);
    expect(erasedAfter).toBeGreaterThan(lastStatus);
    // After the erase comes the report, not the rest of a half-drawn status line.
    expect(out.slice(erasedAfter)).toMatch(/Interrupted \(SIGINT\)/);
  });
});

describe.concurrent('17. the constraint docs', () => {
  it('say that a state the constraint drops must still fit the schema', async ({ expect }) => {
    const doc = readFileSync(join(root, 'docs/spec-api.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## `constraint` and `actionConstraint`'), doc.indexOf('## `view`'));
    expect(section).toMatch(/must still fit the schema/);
  });
});

describe.concurrent('internal errors are not blamed on the spec', () => {
  it('a trace that cannot be replayed is an internal error (153) that says what to look for', async ({ expect }) => {
    const r = await runCli([fx('nondeterministic.ts')]);
    expect(r.code).toBe(153);
    expect(r.stderr).toMatch(/could not replay the trace of Below10 .*not a function of its state/);
    expectNoRawStack(expect, r);
  });
});

