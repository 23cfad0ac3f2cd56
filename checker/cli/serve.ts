/**
 * `tlats serve --nats URL`: run a node of distributed checks (checker/distributed/serve.ts) until SIGINT or SIGTERM.
 */
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { serve } from '../distributed/serve.ts';

const USAGE = 'Usage: tlats serve --nats URL\n\nRuns a node of distributed checks: it waits on the NATS server at URL for a coordinator\n(tlats SPEC --nats URL --nodes K), loads the spec the coordinator names (the same path; a relative one in\nthis folder), refuses it if the file differs from the coordinator\'s, and explores the states it owns.\nStops on SIGINT or SIGTERM.';

export async function serveCommand(rest: readonly string[], say: (text: string) => void): Promise<number> {
  if (rest.includes('--help') || rest.includes('-h')) { say(USAGE); return ExitCode.ok; }
  let url: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--nats') { url = rest[++i]; if (url === undefined || url === '') throw new UsageError('tlats serve --nats needs the NATS server\'s URL, e.g. nats://127.0.0.1:4222'); }
    else if (a.startsWith('--nats=')) url = a.slice('--nats='.length);
    else throw new UsageError(`tlats serve: unknown argument ${a}\n\n${USAGE}`);
  }
  if (url === undefined) throw new UsageError(`tlats serve needs --nats URL\n\n${USAGE}`);
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  try {
    await serve({ url, log: (line) => process.stderr.write(`${line}\n`), stop });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return ExitCode.cluster;
  }
  return ExitCode.ok;
}
