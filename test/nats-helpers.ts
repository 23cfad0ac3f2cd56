/**
 * A NATS server and `tlats serve` nodes on loopback, for test/nats.test.ts. The server is Debian's `nats-server`
 * (apt-get install -y nats-server; .ci/run installs it): when it is missing, `startNatsServer` throws, so the tests
 * fail saying what to install. They never skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { root } from './cli-helpers.ts';

export const natsServerBinary = process.env.NATS_SERVER ?? 'nats-server';

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: '127.0.0.1', port }, () => { c.end(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts nats-server on a free loopback port and waits until it accepts connections. */
export async function startNatsServer(port?: number): Promise<NatsServer> {
  const probe = spawnSync(natsServerBinary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`the NATS tests need ${natsServerBinary} (Debian: apt-get install -y nats-server; or set NATS_SERVER): ${probe.error?.message ?? probe.stderr}`);
  }
  const p = port ?? await freePort();
  const child = spawn(natsServerBinary, ['-a', '127.0.0.1', '-p', String(p)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { log += d; });
  const deadline = Date.now() + 10_000;
  while (!(await accepts(p))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nats-server did not start on port ${p}: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `nats://127.0.0.1:${p}`, port: p, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill(signal); });
}

export interface ServeNode {
  readonly child: ChildProcess;
  /** What it has written to stderr so far. */
  log(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/**
 * Starts `tlats serve --nats URL` in `cwd` (default: the repository), with `extra` arguments (e.g. --workers 2),
 * and waits until it waits for a coordinator.
 */
export async function startNode(url: string, cwd = root, extra: readonly string[] = []): Promise<ServeNode> {
  const child = spawn(process.execPath, [join(root, 'bin/check.mjs'), 'serve', '--nats', url, ...extra], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { log += d; });
  const deadline = Date.now() + 20_000;
  while (!log.includes('waiting for a coordinator')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`tlats serve did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, log: () => log, stop: () => stopChild(child), kill9: () => stopChild(child, 'SIGKILL') };
}

/** Waits until the checkpoint in `dir` is of generation `g` or later (a level boundary written and committed). */
export async function untilGeneration(dir: string, g: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as { generation: number }).generation >= g) return;
    } catch { /* not yet written */ }
    if (Date.now() > deadline) throw new Error(`no checkpoint of generation ${g} in ${dir}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
