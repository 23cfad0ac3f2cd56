/**
 * `tlats serve --nats URL [--workers N]`: run a node of distributed checks (checker/distributed/serve.ts) until SIGINT or SIGTERM.
 */
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { serve } from '../distributed/serve.ts';
import { MAX_WORKERS } from '../parallel/crew.ts';

const USAGE = 'Usage: tlats serve --nats URL [--workers N]\n\nRuns a node of distributed checks: it waits on the NATS server at URL for a coordinator\n(tlats SPEC --nats URL --nodes K), loads the spec the coordinator names (the same path; a relative one in\nthis folder), refuses it if the file differs from the coordinator\'s, and explores the states it owns.\nWith --workers N (default 1) the node runs N threads, each a partition of the run (so a machine\nwith N cores needs one node); the result is the same for any mix of nodes and threads.\nStops on SIGINT or SIGTERM.';

export async function serveCommand(rest: readonly string[], say: (text: string) => void): Promise<number> {
  if (rest.includes('--help') || rest.includes('-h')) { say(USAGE); return ExitCode.ok; }
  let url: string | undefined;
  let workers: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--nats') { url = rest[++i]; if (url === undefined || url === '') throw new UsageError('tlats serve --nats needs the NATS server\'s URL, e.g. nats://127.0.0.1:4222'); }
    else if (a.startsWith('--nats=')) url = a.slice('--nats='.length);
    else if (a === '--workers') { workers = rest[++i]; if (workers === undefined) throw new UsageError(`tlats serve --workers needs a whole number of threads from 1 to ${MAX_WORKERS}`); }
    else if (a.startsWith('--workers=')) workers = a.slice('--workers='.length);
    else throw new UsageError(`tlats serve: unknown argument ${a}\n\n${USAGE}`);
  }
  if (url === undefined) throw new UsageError(`tlats serve needs --nats URL\n\n${USAGE}`);
  // As the one-machine --workers (checker/cli/args.ts): a whole number of threads, at most MAX_WORKERS.
  const threads = workers === undefined ? 1 : /^\d+$/.test(workers) ? Number(workers) : NaN;
  if (!(threads >= 1 && threads <= MAX_WORKERS)) throw new UsageError(`tlats serve --workers ${workers}: give a whole number of threads from 1 to ${MAX_WORKERS}`);
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  try {
    await serve({ url, workers: threads, log: (line) => process.stderr.write(`${line}\n`), stop });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return ExitCode.cluster;
  }
  return ExitCode.ok;
}
