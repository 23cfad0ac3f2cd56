/**
 * tlats as a package a project installs: `npm pack` (which builds dist/), the tarball installed into a fresh
 * project outside this repository (on Node 20, with the npm cache that `npm ci` filled, so no network is needed
 * for the pinned vitest, typescript and @types/node), then what a user does there: `tlats init`, the CLI on the
 * starter spec (its verdicts by hand: the two-step lock lets two processes in after 4 steps, the atomic one holds
 * in 3 states), the project's own `tsc`, its vitest tests with the tlats matchers, a node:test file with
 * tlats/assert, worker threads from the installed package, and --typecheck on a spec with a type error.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const versionOf = (name: string) => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
let work: string;
let project: string;

/** Runs a command in the project; returns its exit code and output (never throws). */
function run(cmd: string, args: string[]): { code: number | null; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tlats-pack-'));
  project = join(work, 'project');
  execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: root, encoding: 'utf8' });
  const tarball = join(work, `tlats-${versionOf('../')}.tgz`);
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-tlats', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', '--silent', tarball,
    `vitest@${versionOf('vitest')}`, `typescript@${versionOf('typescript')}`, `@types/node@${versionOf('@types/node')}`], { cwd: project, encoding: 'utf8' });
}, 240_000);

afterAll(() => { rmSync(work, { recursive: true, force: true }); });

describe('npm pack, installed into a fresh project', () => {
  test('the package ships the compiled checker and no TypeScript sources', () => {
    const pkg = join(project, 'node_modules', 'tlats');
    const files = execFileSync('find', ['.', '-type', 'f', '-not', '-path', './node_modules/*'], { cwd: pkg, encoding: 'utf8' }).split('\n');
    expect(files).toContain('./dist/src/index.js');
    expect(files).toContain('./dist/src/index.d.ts');
    expect(files).toContain('./dist/checker/parallel/worker-entry.mjs');
    expect(files).toContain('./dist/checker/distributed/serve-thread-entry.mjs');
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.d.mts'))).toEqual([]);
  });

  test('tlats init, then the CLI prints the starter spec\'s verdict matrix', () => {
    const init = run('npx', ['tlats', 'init']);
    expect(init.code).toBe(0);
    expect(init.out).toContain('Wrote lock.ts, lock.test.ts, tsconfig.json.');
    expect(init.out).not.toContain('npm i -D tlats'); // installed already
    const again = run('npx', ['tlats', 'init']);
    expect([again.code, again.out.trim()]).toEqual([64, 'tlats init: lock.ts, lock.test.ts, tsconfig.json already exist; nothing was written (init never overwrites: start in an empty folder, or move them away)']);
    const matrix = run('npx', ['tlats', 'lock.ts']);
    expect(matrix.code).toBe(12);
    expect(matrix.out).toMatch(/twoStep\s+13\s+violated \(4\)\s+holds/);
    expect(matrix.out).toMatch(/atomic\s+3\s+holds\s+holds/);
  }, 60_000);

  test('the project\'s own tsc type-checks the spec and the test against the installed types', () => {
    expect(run('npx', ['tsc', '-p', '.'])).toMatchObject({ code: 0, out: '' });
  }, 60_000);

  test('vitest runs the starter test with the tlats matchers; a failing matcher prints the counterexample', () => {
    const ok = run('npx', ['vitest', 'run', 'lock.test.ts']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/Tests\s+2 passed/);
    writeFileSync(join(project, 'wrong.test.ts'), "import { expect, test } from 'vitest';\nimport 'tlats/vitest';\nimport lock from './lock.ts';\ntest('wrong', async () => { await expect(lock).toHoldAll({ config: 'twoStep' }); });\n");
    const bad = run('npx', ['vitest', 'run', 'wrong.test.ts']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('Lock [twoStep]: mutex violated (13 distinct states, depth 7)');
    expect(bad.out).toContain('The shortest behavior that violates it has 5 states, 2 context switches');
  }, 60_000);

  test('node:test with tlats/assert', () => {
    writeFileSync(join(project, 'lock.node-test.ts'), "import { test } from 'node:test';\nimport { assertHolds, assertViolates } from 'tlats/assert';\nimport lock from './lock.ts';\n"
      + "test('two-step', () => assertViolates(lock, 'mutex', { config: 'twoStep', steps: 4 }));\ntest('atomic', () => assertHolds(lock, { config: 'atomic' }));\n");
    const r = run('node', ['--import', 'tsx', '--test', 'lock.node-test.ts']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/# pass 2\n# fail 0/);
  }, 60_000);

  test('worker threads start from the installed package and agree with one thread', () => {
    const json = (workers: number) => {
      const r = run('npx', ['tlats', 'lock.ts', '--config', 'twoStep', '--const', 'N=10', '--continue', '--workers', String(workers), '-q', '--json', '-']);
      expect(r.code).toBe(12);
      return (JSON.parse(r.stdout) as { results: { stats: Record<string, number> }[] }).results[0]!.stats;
    };
    const one = json(1);
    const two = json(2);
    expect(two.workers).toBe(2);
    expect([two.distinct, two.generated, two.depth]).toEqual([one.distinct, one.generated, one.depth]);
  }, 60_000);

  test('--typecheck refuses a spec with a type error, with the compiler\'s message', () => {
    writeFileSync(join(project, 'typo.ts'), readFileSync(join(project, 'lock.ts'), 'utf8').replace('c.atomic ?', 'c.atomc ?'));
    const r = run('npx', ['tlats', 'typo.ts', '--typecheck']);
    expect(r.code).toBe(150);
    expect(r.out).toContain("typo.ts does not type-check (1 error, with tsconfig.json):\ntypo.ts(20,15): error TS2551: Property 'atomc' does not exist");
  }, 60_000);
});
