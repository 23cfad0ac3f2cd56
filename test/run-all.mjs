// `npm test`: every test file, in two vitest processes started together.
// - The distributed-run files (test/nats*.test.ts: each starts a NATS server and its `tlats serve` nodes, which
//   take one run at a time) run one after the other in their own process. They wait on the network and on
//   barriers much of the time, so running them beside the rest instead of after it takes minutes off CI.
// - Everything else runs on two vitest workers, its output shown as it comes.
// The distributed files' output is held and printed after the rest, so the two reports do not interleave; the exit
// code is the first failing process's (0 when both pass). One file alone: `npx vitest run test/FILE`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';

const vitest = new URL('../node_modules/vitest/vitest.mjs', import.meta.url).pathname;
const root = new URL('..', import.meta.url).pathname;
const distributed = readdirSync(new URL('.', import.meta.url)).filter((f) => /^nats.*\.test\.ts$/.test(f)).map((f) => `test/${f}`);

const held = [];
const nats = spawn(process.execPath, [vitest, 'run', '--maxWorkers=1', ...distributed], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
nats.stdout.on('data', (d) => held.push(d));
nats.stderr.on('data', (d) => held.push(d));
const natsDone = new Promise((resolve) => nats.on('close', (code) => resolve(code ?? 1)));

const rest = spawn(process.execPath, [vitest, 'run', '--maxWorkers=2', ...distributed.flatMap((f) => ['--exclude', f])], { cwd: root, stdio: 'inherit' });
const restCode = await new Promise((resolve) => rest.on('close', (code) => resolve(code ?? 1)));

const natsCode = await natsDone;
process.stdout.write(`\n---- the distributed-run files (${distributed.join(', ')}), run alongside ----\n`);
for (const d of held) process.stdout.write(d);
process.exit(restCode !== 0 ? restCode : natsCode);
