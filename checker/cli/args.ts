/**
 * The command line, parsed (yargs) and validated before anything is loaded or run: every value is checked as
 * typed, and a bad one is a UsageError (exit 64) that repeats what was typed. Output paths are tried for writing
 * up front, so a run never ends by failing to write its result.
 */
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import yargs from 'yargs';
import { UsageError } from '../errors.ts';
import { MAX_WORKERS } from '../parallel/crew.ts';
import { checkSuiteFolder } from '../run/suite.ts';
import { parseSize } from '../units.ts';
import { DOT_MAX_STATES } from '../run/state-graph.ts';
import { MAX_BEHAVIOURS } from '../run/simulate.ts';
import { SYMMETRY_MODES, type SymmetryMode } from '../../src/symmetry.ts';

export interface CliArgs {
  readonly spec?: string;
  readonly config?: string;
  /** `--const` items as typed (NAME=VALUE); parsed by type once the spec is loaded (./constants.ts). */
  readonly const: readonly string[];
  readonly invariant: readonly string[];
  /** `--property`: the temporal properties to check. */
  readonly property: readonly string[];
  readonly deadlock: boolean;
  readonly maxDepth?: number;
  readonly continue: boolean;
  readonly fullTrace: boolean;
  /** A file, or '-' for stdout. */
  readonly json?: string;
  readonly quiet: boolean;
  readonly list: boolean;
  readonly suite?: string;
  readonly workers?: number;
  readonly memory?: number;
  /** Type-check the spec with the TypeScript compiler before running it. */
  readonly typecheck: boolean;
  /** Print the action coverage table. */
  readonly coverage: boolean;
  /** Write the explored state graph in Graphviz DOT to this file. */
  readonly dot?: string;
  /** Random simulation instead of the exhaustive search, with its seed, depth and budget. */
  readonly simulate: boolean;
  readonly seed?: number;
  readonly depth?: number;
  readonly traces?: number;
  readonly seconds?: number;
  /** Symmetry reduction: overrides the configuration's (undefined: what the configuration says, else off). */
  readonly symmetry?: SymmetryMode;
  /** Write the counterexamples as one self-contained HTML page (swimlanes) to this file. */
  readonly html?: string;
  /** Write each counterexample as its own ITF file into this folder. */
  readonly itf?: string;
  /** Where the fingerprints spill when the budget is reached: a folder, true (the OS temp dir), or false (--no-disk). */
  readonly disk: string | boolean;
  readonly checkpoint?: string;
  readonly checkpointEvery: number;
  readonly resume?: string;
  /** Testing only (hidden): the disk fails as full after this many bytes. */
  readonly diskLimit?: number;
  /** A distributed run: the NATS server's URL, the number of nodes, and the seconds of silence that lose a node. */
  readonly nats?: string;
  readonly nodes?: number;
  readonly natsTimeout?: number;
  /** With --nats and a checkpoint: seconds to wait for nodes to replace a lost one. */
  readonly natsRejoinTimeout?: number;
}

/** A whole number from `min` to `max`, written in decimal digits only. */
function wholeNumber(option: string, raw: unknown, min: number, max: number, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`--${option} ${text}: give ${what}`);
  return value;
}

/** Fails now if `path` cannot be written (missing folder, a folder, no permission, read-only file system). */
export function checkWritable(option: string, path: string): void {
  if (path === '') throw new UsageError(`--${option} needs a file name (or - for stdout)`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--${option} ${path}: is a folder; give a file name`);
  const existed = existsSync(path);
  try {
    closeSync(openSync(path, 'a'));
  } catch (e) {
    throw new UsageError(`--${option} ${path}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!existed) unlinkSync(path);
}

function symmetryMode(raw: string | undefined): SymmetryMode | undefined {
  if (raw === undefined) return undefined;
  if (raw === '') throw new UsageError('--symmetry needs a mode: exact, fast or off');
  if (!(SYMMETRY_MODES as readonly string[]).includes(raw)) throw new UsageError(`--symmetry ${raw}: give exact, fast or off`);
  return raw as SymmetryMode;
}

/** --disk DIR, --disk (the OS temp dir), --no-disk. */
function diskOption(raw: unknown): string | boolean {
  if (raw === undefined || raw === true || raw === '') return true;
  if (raw === false) return false;
  if (Array.isArray(raw)) throw new UsageError(`--disk is given ${raw.length} times; give it once`);
  return String(raw);
}

export type Parsed = { readonly kind: 'run'; readonly args: CliArgs } | { readonly kind: 'done' };

export function parseArgs(argv: readonly string[], version: string, columns: number): Parsed {
  let failure: string | undefined;
  // `--json -` means stdout (and `--dot -` is refused by name); yargs would otherwise read the lone dash as a positional.
  const dashable = (a: string | undefined) => a === '--json' || a === '--dot' || a === '--html' || a === '--itf';
  const args = argv.map((a, i) => (a === '-' && dashable(argv[i - 1]) ? `${argv[i - 1]}=-` : a)).filter((a, i, all) => !(dashable(a) && all[i + 1] === `${a}=-`));
  const parsed = yargs(args)
    .scriptName('tlats')
    .usage('Usage: tlats <spec.ts> [options]\n       tlats --list <spec.ts>\n       tlats --suite <folder>\n       tlats init [folder]   (a starter spec, tsconfig.json and test)\n       tlats view FILE.itf.json [-o out.html]   (draw an ITF trace as an HTML page)\n\n(`check` is the same command inside the tlats repository.)')
    .command('$0 [spec]', 'Check a spec: every reachable state, breadth-first', (y) =>
      y.positional('spec', { type: 'string', describe: 'the spec module (.ts)' }))
    .option('config', { type: 'string', describe: 'check one named configuration (all: the verdict matrix of every one)' })
    .option('const', { type: 'string', array: true, default: [], describe: 'override a constant: --const N=4 (repeatable)' })
    .option('invariant', { type: 'string', array: true, default: [], describe: 'check only this invariant (repeatable)' })
    .option('property', { type: 'string', array: true, default: [], describe: 'check only this temporal property (repeatable)' })
    .option('deadlock', { type: 'boolean', default: true, describe: 'check for deadlock (--no-deadlock turns it off)' })
    .option('max-depth', { type: 'string', describe: 'explore at most N levels (initial states are level 1)' })
    .option('continue', { type: 'boolean', default: false, describe: 'report every violated property, each with its shortest trace' })
    .option('full-trace', { type: 'boolean', default: false, describe: 'print whole states in traces, not only what changed, and long values whole' })
    .option('json', { type: 'string', describe: 'write the result as JSON (traces in ITF) to FILE, or - for stdout' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only the verdict, traces and statistics' })
    .option('list', { type: 'boolean', default: false, describe: 'list the spec\'s constants, configurations, actions and properties' })
    .option('workers', { type: 'string', describe: 'worker threads for big BFS levels (default: the number of cores)' })
    .option('memory', { type: 'string', describe: 'budget for the fingerprint table: 512M, 4G, ... (default: a quarter of RAM)' })
    .option('coverage', { type: 'boolean', default: false, describe: 'print how often each action (and instance) was enabled, its successors and the new states it found' })
    .option('dot', { type: 'string', describe: `write the explored state graph (up to ${DOT_MAX_STATES.toLocaleString('en-US')} states) in Graphviz DOT to FILE, the first counterexample in red` })
    .option('simulate', { type: 'boolean', default: false, describe: 'random behaviours instead of every state (TLC -simulate): --seed, --depth, --traces, --seconds' })
    .option('seed', { type: 'string', describe: 'with --simulate: the random seed (default: a random one, printed)' })
    .option('depth', { type: 'string', describe: 'with --simulate: states per behaviour at most (default 100)' })
    .option('traces', { type: 'string', describe: 'with --simulate: behaviours to run (default: 1,000 unless --seconds is given)' })
    .option('seconds', { type: 'string', describe: 'with --simulate: a time budget in seconds' })
    .option('symmetry', { type: 'string', describe: 'symmetry reduction over the spec\'s declared sets of ids: exact (one state per orbit), fast (sort only) or off (default: the configuration\'s symmetry, else off)' })
    .option('typecheck', { type: 'boolean', default: false, describe: 'type-check the spec (TypeScript, its tsconfig.json) before running it' })
    .option('disk', { type: 'string', describe: 'when the fingerprint table reaches --memory, go on with the fingerprints on disk in a fresh folder in DIR (default: the OS temp dir); --no-disk stops with exit 152 instead' })
    .option('checkpoint', { type: 'string', describe: 'write a checkpoint into DIR at level boundaries (see --checkpoint-every); resume with --resume DIR' })
    .option('checkpoint-every', { type: 'string', describe: 'with --checkpoint: seconds between checkpoints at least (default 300; 0: every level)' })
    .option('resume', { type: 'string', describe: 'continue the run whose checkpoint is in DIR (same spec, configuration and constants; the spec may be left out)' })
    .option('disk-limit', { type: 'string', hidden: true, describe: 'testing only: the disk fails as full after this many bytes written' })
    .option('nats', { type: 'string', describe: 'explore on the nodes (tlats serve --nats URL) of the NATS server at URL, e.g. nats://127.0.0.1:4222; with --nodes' })
    .option('nodes', { type: 'string', describe: 'with --nats: how many nodes share the states (by fingerprint)' })
    .option('nats-timeout', { type: 'string', describe: 'with --nats: seconds without a heartbeat after which a node counts as lost (default 10)' })
    .option('nats-rejoin-timeout', { type: 'string', describe: 'with --nats and --checkpoint: seconds to wait for idle nodes to replace a lost one before the run stops (default 60)' })
    .option('suite', { type: 'string', describe: 'check every spec in FOLDER against its declared expectations' })
    .option('html', { type: 'string', describe: 'write the counterexamples as one self-contained HTML page (a lane per actor) to FILE' })
    .option('itf', { type: 'string', describe: 'write each counterexample as its own ITF trace, CONFIG.PROPERTY.itf.json, into folder DIR' })
    .strict()
    .version(version)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, columns || 110))
    .exitProcess(false)
    .fail((msg, err) => { failure = msg || err?.message || 'bad arguments'; })
    .parseSync() as unknown as Record<string, unknown>;
  if (failure) throw new UsageError(`${failure}\nRun tlats --help for the options.`);
  if (parsed.help || parsed.version) return { kind: 'done' };
  const one = (name: string): string | undefined => {
    const v = parsed[name];
    if (Array.isArray(v)) throw new UsageError(`--${name} is given ${v.length} times; give it once`);
    return v as string | undefined;
  };
  const cli: CliArgs = {
    spec: parsed.spec as string | undefined,
    config: one('config'),
    const: (parsed.const as string[]) ?? [],
    invariant: (parsed.invariant as string[]) ?? [],
    property: (parsed.property as string[]) ?? [],
    deadlock: parsed.deadlock as boolean,
    maxDepth: wholeNumber('max-depth', one('maxDepth'), 1, Number.MAX_SAFE_INTEGER, 'a whole number of levels, at least 1'),
    continue: parsed.continue as boolean,
    fullTrace: parsed.fullTrace as boolean,
    json: one('json'),
    quiet: parsed.quiet as boolean,
    list: parsed.list as boolean,
    suite: one('suite'),
    workers: wholeNumber('workers', one('workers'), 1, MAX_WORKERS, `a whole number of threads from 1 to ${MAX_WORKERS}`),
    memory: one('memory') === undefined ? undefined : parseSize(String(one('memory'))),
    typecheck: parsed.typecheck as boolean,
    coverage: parsed.coverage as boolean,
    dot: one('dot'),
    simulate: parsed.simulate as boolean,
    seed: wholeNumber('seed', one('seed'), 0, 2 ** 32 - 1, 'a whole number from 0 to 4294967295'),
    depth: wholeNumber('depth', one('depth'), 1, 1e9, 'a whole number of states, at least 1'),
    traces: wholeNumber('traces', one('traces'), 1, MAX_BEHAVIOURS, `a whole number of behaviours from 1 to ${MAX_BEHAVIOURS}`),
    seconds: wholeNumber('seconds', one('seconds'), 1, 1e9, 'a whole number of seconds, at least 1'),
    symmetry: symmetryMode(one('symmetry')),
    html: one('html'),
    itf: one('itf'),
    disk: diskOption(parsed.disk),
    checkpoint: one('checkpoint'),
    checkpointEvery: wholeNumber('checkpoint-every', one('checkpointEvery'), 0, 1e9, 'a whole number of seconds (0: every level)') ?? 300,
    resume: one('resume'),
    diskLimit: wholeNumber('disk-limit', one('diskLimit'), 0, Number.MAX_SAFE_INTEGER, 'a whole number of bytes'),
    nats: one('nats'),
    nodes: wholeNumber('nodes', one('nodes'), 1, 4096, 'a whole number of nodes from 1 to 4096'),
    natsTimeout: wholeNumber('nats-timeout', one('natsTimeout'), 1, 86400, 'a whole number of seconds from 1 to 86400'),
    natsRejoinTimeout: wholeNumber('nats-rejoin-timeout', one('natsRejoinTimeout'), 1, 86400, 'a whole number of seconds from 1 to 86400'),
  };
  checkNats(cli);
  for (const k of ['checkpoint', 'resume'] as const) if (cli[k] === '') throw new UsageError(`--${k} needs a folder`);
  if (cli.checkpointEvery !== 300 && cli.checkpoint === undefined && cli.resume === undefined) throw new UsageError('--checkpoint-every goes with --checkpoint DIR');
  const single = (['checkpoint', 'resume'] as const).find((k) => cli[k] !== undefined);
  if (single && (cli.suite !== undefined || cli.simulate || cli.list)) throw new UsageError(`--${single} checkpoints one exhaustive check: it does not go with --${cli.suite !== undefined ? 'suite' : cli.simulate ? 'simulate' : 'list'}`);
  if (cli.suite !== undefined && cli.spec !== undefined) throw new UsageError(`give a spec (tlats ${cli.spec}) or --suite ${cli.suite}, not both`);
  if (cli.suite === undefined && cli.spec === undefined && cli.resume === undefined) throw new UsageError('no spec given: tlats <spec.ts> (or tlats --suite <folder>)\nRun tlats --help for the options.');
  if (cli.suite === '') throw new UsageError('--suite needs a folder');
  if (cli.suite !== undefined) checkSuiteFolder(cli.suite);
  if (cli.json !== undefined && (cli.suite !== undefined || cli.list)) throw new UsageError(`--json: ${cli.list ? '--list' : '--suite'} writes no JSON`);
  if (cli.json !== undefined && cli.json !== '-') checkWritable('json', cli.json);
  const simOnly = (['seed', 'depth', 'traces', 'seconds'] as const).filter((k) => cli[k] !== undefined);
  if (!cli.simulate && simOnly.length) throw new UsageError(`--${simOnly[0]} is an option of --simulate${simOnly[0] === 'depth' ? ' (the exhaustive search is bounded by --max-depth)' : ''}`);
  if (cli.simulate && cli.symmetry !== undefined) throw new UsageError('--simulate does not go with --symmetry (random behaviours are not reduced)');
  if (cli.simulate) {
    const clash = (['json', 'dot', 'suite', 'maxDepth'] as const).find((k) => cli[k] !== undefined) ?? (cli.continue ? 'continue' : cli.coverage ? 'coverage' : undefined);
    if (clash) throw new UsageError(`--simulate does not go with --${clash === 'maxDepth' ? 'max-depth (use --depth)' : clash}`);
  }
  if (cli.dot !== undefined && (cli.suite !== undefined || cli.list)) throw new UsageError(`--dot: ${cli.list ? '--list' : '--suite'} draws no graph`);
  if (cli.dot !== undefined) {
    if (cli.dot === '-') throw new UsageError('--dot needs a file name (the graph is not written to stdout)');
    checkWritable('dot', cli.dot);
  }
  checkTraceOutputs(cli);
  return { kind: 'run', args: cli };
}

/** `--nats URL --nodes K [--nats-timeout S]`: one exhaustive check of one configuration, on the nodes. */
function checkNats(cli: CliArgs): void {
  if (cli.nats === undefined) {
    const stray = cli.nodes !== undefined ? 'nodes' : cli.natsTimeout !== undefined ? 'nats-timeout' : cli.natsRejoinTimeout !== undefined ? 'nats-rejoin-timeout' : undefined;
    if (stray) throw new UsageError(`--${stray} goes with --nats URL`);
    return;
  }
  if (cli.nats === '') throw new UsageError('--nats needs the NATS server\'s URL, e.g. --nats nats://127.0.0.1:4222');
  if (cli.nodes === undefined) throw new UsageError(`--nats ${cli.nats}: say how many nodes with --nodes K (start each with tlats serve --nats ${cli.nats})`);
  if (cli.natsRejoinTimeout !== undefined && cli.checkpoint === undefined && cli.resume === undefined) {
    throw new UsageError('--nats-rejoin-timeout goes with --checkpoint DIR (or --resume DIR): without a checkpoint a lost node ends the run (exit 155)');
  }
  const clash = cli.suite !== undefined ? 'suite' : cli.simulate ? 'simulate'
    : cli.workers !== undefined ? 'workers' : cli.memory !== undefined ? 'memory' : cli.disk !== true ? (cli.disk === false ? 'no-disk' : 'disk') : undefined;
  if (clash) {
    const why = clash === 'workers' ? ` (the coordinator explores nothing: give the threads to the nodes, tlats serve --nats ${cli.nats} --workers N)` : clash === 'memory' || clash === 'disk' || clash === 'no-disk' ? ' (each node keeps its states in memory)' : '';
    throw new UsageError(`--nats does not go with --${clash}${why}`);
  }
}

/** `--html FILE` and `--itf DIR`: only where there are counterexamples to write, and writable before the run. */
function checkTraceOutputs(cli: CliArgs): void {
  for (const option of ['html', 'itf'] as const) {
    if (cli[option] === undefined) continue;
    const clash = cli.suite !== undefined ? '--suite' : cli.list ? '--list' : cli.simulate ? '--simulate' : undefined;
    if (clash) throw new UsageError(`--${option}: ${clash} writes no counterexample files`);
    if (cli[option] === '-' || cli[option] === '') throw new UsageError(`--${option} needs a ${option === 'html' ? 'file' : 'folder'} name`);
  }
  if (cli.html !== undefined) checkWritable('html', cli.html);
  if (cli.itf !== undefined) {
    const dir = cli.itf;
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--itf ${dir}: is a file; give a folder (it is created if missing)`);
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch (e) {
      throw new UsageError(`--itf ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
}
