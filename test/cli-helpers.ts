/**
 * Running the real CLI (`node bin/check.mjs`) as a subprocess, for test/bad-input.test.ts and test/cli.test.ts.
 *
 * The processes are started with the asynchronous `spawn` (not spawnSync) so that `describe.concurrent` tests can
 * run a few at once: each CLI start costs about a second of CPU (tsx registering its loader, yargs, compiling the
 * checker), and ~35 of them one after the other would not fit the time budget of the test files. A small
 * semaphore keeps at most (cores + 1) of them running.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExpectStatic } from 'vitest';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const fx = (name: string) => `test/fixtures/${name}`;

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  /** The working directory (default: the repository root). */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Called with the child once it is started (to send it signals). */
  started?: (child: ReturnType<typeof spawn>, output: () => string) => void;
}

/** At most this many CLI processes at once (each start costs about a second of CPU). */
const slots = Math.max(2, availableParallelism() + 1);
let running = 0;
const waiting: (() => void)[] = [];
async function acquire(): Promise<void> {
  if (running < slots) { running++; return; }
  await new Promise<void>((resolve) => waiting.push(resolve));
}
function release(): void {
  const next = waiting.shift();
  if (next) next(); else running--;
}

/** Runs `node bin/check.mjs ...args` from the repository root; never rejects. */
export async function runCli(args: string[], opts: RunOptions = {}): Promise<Run> {
  await acquire();
  try {
    return await new Promise<Run>((done) => {
      const child = spawn(process.execPath, [join(root, 'bin/check.mjs'), ...args], {
        cwd: opts.cwd ?? root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...opts.env },
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 30_000);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        done({ code, signal, stdout, stderr, timedOut });
      });
      opts.started?.(child, () => stdout + stderr);
    });
  } finally {
    release();
  }
}

/** The 1-based line of the fixture that carries `marker` (a comment), computed from the file itself. */
export function lineOf(file: string, marker: string): number {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`marker ${marker} not in ${file}`);
  return i + 1;
}

/**
 * No raw stack dump: no node-internal or node_modules frames, no "internal error", and at most one `    at ` line,
 * which must point into `specFile` (the spec's own frame, printed on purpose).
 */
export function expectNoRawStack(expect: ExpectStatic, r: Run, specFile?: string): void {
  const text = `${r.stdout}\n${r.stderr}`;
  expect(text).not.toMatch(/node:internal|node_modules|triggerUncaughtException|internal error|Node\.js v\d/);
  const frames = text.split('\n').filter((l) => /^\s+at\s/.test(l));
  if (specFile === undefined) {
    expect(frames).toEqual([]);
  } else {
    expect(frames.length).toBeLessThanOrEqual(1);
    for (const f of frames) expect(f).toContain(specFile);
  }
}
