/**
 * The `check` command line (yargs). Parses arguments, loads the spec, runs one configuration (with traces), a
 * verdict matrix of several, or the regression suite of a folder, and exits with the code of what it found
 * (checker/exit-codes.ts). Every error is printed as a message, never as a stack.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { ConstDecl } from '../src/spec.ts';
import { checkConfig, propertiesOf, type CheckOptions, type CheckResult } from './check.ts';
import type { Progress } from './engine.ts';
import { CheckerError, UsageError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { runToJson } from './json.ts';
import { loadSpec, type LoadedSpec } from './load.ts';
import { Model } from './model.ts';
import { formatConstants, formatHeader, formatMatrix, formatProgress, formatResult } from './report.ts';
import { formatSuite, runCase, suiteCases, type SuiteRow } from './suite.ts';
import { formatValue } from './values.ts';

const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };

interface Args {
  spec?: string;
  config?: string;
  const: string[];
  invariant: string[];
  deadlock: boolean;
  maxDepth?: number;
  continue: boolean;
  fullTrace: boolean;
  json?: string;
  quiet: boolean;
  list: boolean;
  suite?: string;
  workers?: number;
  memory?: number;
}

/** Parses a size such as 512M, 4G, 100k or a plain number of bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (!m) throw new UsageError(`--memory ${text}: give a size such as 512M or 4G`);
  const scale = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(m[1]) * scale);
}

function parseArgs(argv: string[]): Args | 'done' {
  let failure: string | undefined;
  // `--json -` means stdout; yargs would otherwise read the lone dash as a positional.
  argv = argv.map((a, i) => (a === '-' && argv[i - 1] === '--json' ? '--json=-' : a)).filter((a, i, all) => !(a === '--json' && all[i + 1] === '--json=-'));
  const parsed = yargs(argv)
    .scriptName('check')
    .usage('Usage: check <spec.ts> [options]\n       check --list <spec.ts>\n       check --suite <folder>')
    .command('$0 [spec]', 'Check a spec: every reachable state, breadth-first', (y) =>
      y.positional('spec', { type: 'string', describe: 'the spec module (.ts)' }))
    .option('config', { type: 'string', describe: 'check one named configuration (all: the verdict matrix of every one)' })
    .option('const', { type: 'string', array: true, default: [], describe: 'override a constant: --const N=4 (repeatable)' })
    .option('invariant', { type: 'string', array: true, default: [], describe: 'check only this invariant (repeatable)' })
    .option('deadlock', { type: 'boolean', default: true, describe: 'check for deadlock (--no-deadlock turns it off)' })
    .option('max-depth', { type: 'number', describe: 'explore at most N levels (initial states are level 1)' })
    .option('continue', { type: 'boolean', default: false, describe: 'report every violated property, each with its shortest trace' })
    .option('full-trace', { type: 'boolean', default: false, describe: 'print whole states in traces, not only what changed' })
    .option('json', { type: 'string', describe: 'write the result as JSON (traces in ITF) to FILE, or - for stdout' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only the verdict, traces and statistics' })
    .option('list', { type: 'boolean', default: false, describe: 'list the spec\'s constants, configurations, actions and properties' })
    .option('workers', { type: 'number', describe: 'worker threads for big BFS levels (default: the number of cores)' })
    .option('memory', { type: 'string', describe: 'budget for the fingerprint table: 512M, 4G, ... (default: a quarter of RAM)' })
    .option('suite', { type: 'string', describe: 'check every spec in FOLDER against its declared expectations' })
    .strict()
    .version(pkg.version)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((msg, err) => { failure = msg || err?.message || 'bad arguments'; })
    .parseSync() as unknown as Record<string, unknown>;
  if (failure) throw new UsageError(`${failure}\nRun check --help for the options.`);
  if (parsed.help || parsed.version) return 'done';
  const args: Args = {
    spec: parsed.spec as string | undefined,
    config: parsed.config as string | undefined,
    const: (parsed.const as string[]) ?? [],
    invariant: (parsed.invariant as string[]) ?? [],
    deadlock: parsed.deadlock as boolean,
    maxDepth: parsed.maxDepth as number | undefined,
    continue: parsed.continue as boolean,
    fullTrace: parsed.fullTrace as boolean,
    json: parsed.json as string | undefined,
    quiet: parsed.quiet as boolean,
    list: parsed.list as boolean,
    suite: parsed.suite as string | undefined,
    workers: parsed.workers as number | undefined,
    memory: parsed.memory === undefined ? undefined : parseSize(String(parsed.memory)),
  };
  if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 1 || args.workers > 256)) {
    throw new UsageError(`--workers ${String(parsed.workers)}: give a whole number of threads from 1 to 256`);
  }
  if (args.maxDepth !== undefined && (!Number.isInteger(args.maxDepth) || args.maxDepth < 1)) {
    throw new UsageError(`--max-depth ${String(parsed.maxDepth)}: give a whole number of levels, at least 1`);
  }
  if (!args.suite && !args.spec) throw new UsageError('no spec given: check <spec.ts> (or check --suite <folder>)\nRun check --help for the options.');
  return args;
}

function constOverrides(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--const ${kv}: write --const NAME=VALUE`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/** Where human-readable text goes: stderr when the JSON result goes to stdout. */
let say: (text: string) => void = (text) => process.stdout.write(`${text}\n`);

/** SIGINT: the first asks the search to stop and print what it has; a second one exits at once. */
let interruptRequested = false;
function installSigint(): void {
  process.on('SIGINT', () => {
    if (interruptRequested) process.exit(ExitCode.interrupted);
    interruptRequested = true;
  });
}

function progressPrinter(quiet: boolean): { onProgress: (p: Progress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true && !quiet;
  let lastLine = 0;
  let lastStatus = 0;
  let statusShown = false;
  return {
    onProgress(p) {
      if (quiet) return;
      const ms = p.seconds * 1000;
      if (tty && ms - lastStatus >= 200) {
        lastStatus = ms;
        // One terminal line, or \r cannot take it back.
        process.stderr.write(`\r\x1b[K${formatProgress(p).slice(0, Math.max(20, (process.stderr.columns || 120) - 1))}`);
        statusShown = true;
      }
      if (ms - lastLine >= 5000 && p.seconds >= 4.5) {
        lastLine = ms;
        if (statusShown) process.stderr.write('\r\x1b[K');
        say(formatProgress(p));
      }
    },
    done() { if (statusShown) process.stderr.write('\r\x1b[K'); },
  };
}

async function listSpec(loaded: LoadedSpec): Promise<void> {
  const s = loaded.spec;
  const model = new Model(s, { specFile: loaded.file });
  const lines = [`${s.name} (${loaded.file})`];
  if (s.description) lines.push(s.description);
  lines.push('', 'Constants (override with --const NAME=VALUE):');
  for (const [k, v] of Object.entries(s.constants ?? {})) {
    const d = (typeof v === 'object' && v !== null ? v : { default: v }) as ConstDecl;
    lines.push(`  ${k} = ${formatValue(d.default)}${d.values ? `   one of ${d.values.map((x) => formatValue(x)).join(', ')}` : ''}${d.doc ? `   ${d.doc}` : ''}`);
  }
  if (!s.constants || Object.keys(s.constants).length === 0) lines.push('  (none)');
  lines.push('', 'Configurations (--config NAME):');
  for (const [k, c] of Object.entries(s.configs ?? {})) {
    const invariants = c.invariants ? `; invariants ${c.invariants.join(', ')}` : '';
    lines.push(`  ${k}: ${formatConstants(c.constants ?? {})}${invariants}${c.expect ? '   [has expectation]' : ''}${c.doc ? `   ${c.doc}` : ''}`);
  }
  if (!s.configs || Object.keys(s.configs).length === 0) lines.push('  (none)');
  lines.push('', `Actions (${model.instances.length} instances at the default constants):`);
  for (const name of Object.keys(s.actions)) {
    const count = model.instances.filter((i) => i.step.action === name).length;
    lines.push(`  ${name}${count > 1 || model.instances.find((i) => i.step.action === name)?.step.label !== name ? `  (${count} instances)` : ''}`);
  }
  lines.push('', 'Invariants:', ...Object.keys(s.invariants ?? {}).map((k) => `  ${k}`));
  if (!s.invariants || Object.keys(s.invariants).length === 0) lines.push('  (none)');
  lines.push('', 'Action properties:', ...Object.keys(s.actionProperties ?? {}).map((k) => `  ${k}`));
  if (!s.actionProperties || Object.keys(s.actionProperties).length === 0) lines.push('  (none)');
  lines.push('', `State constraint: ${s.constraint ? 'yes' : 'no'}; action constraint: ${s.actionConstraint ? 'yes' : 'no'}; view: ${s.view ? 'yes' : 'no'}; schema: ${s.schema ? 'yes' : 'no'}; deadlock check: ${s.deadlock === false ? 'off' : 'on'}`);
  say(lines.join('\n'));
}

async function runSuiteCommand(folder: string): Promise<number> {
  const cases = await suiteCases(folder);
  if (cases.length === 0) throw new UsageError(`--suite ${folder}: no spec there declares an expectation`);
  const rows: SuiteRow[] = [];
  for (const c of cases) rows.push(await runCase(c));
  say(formatSuite(rows));
  return rows.every((r) => !r.error && r.result!.mismatches.length === 0) ? ExitCode.ok : ExitCode.suiteMismatch;
}

async function main(argv: string[]): Promise<number> {
  const parsedArgs = parseArgs(argv);
  if (parsedArgs === 'done') return ExitCode.ok;
  const args = parsedArgs;
  if (args.json === '-') say = (text) => process.stderr.write(`${text}\n`);
  if (args.suite) return runSuiteCommand(args.suite);
  const loaded = await loadSpec(args.spec!);
  if (args.list) { await listSpec(loaded); return ExitCode.ok; }

  const configNames = Object.keys(loaded.spec.configs ?? {});
  const matrix = args.config === 'all' || (args.config === undefined && configNames.length > 0);
  const base: CheckOptions = {
    constOverrides: constOverrides(args.const),
    invariants: args.invariant,
    noDeadlock: !args.deadlock,
    maxDepth: args.maxDepth,
    workers: args.workers,
    memoryBytes: args.memory,
    shouldStop: () => interruptRequested,
  };
  installSigint();
  const results: CheckResult[] = [];
  let exitCode: number = ExitCode.ok;
  if (!matrix) {
    const progress = progressPrinter(args.quiet);
    const opts: CheckOptions = { ...base, config: args.config, continueAfterViolation: args.continue, onProgress: progress.onProgress };
    const model = new Model(loaded.spec, { ...opts, specFile: loaded.file });
    if (!args.quiet) {
      say(formatHeader(loaded.spec.name, args.spec!, args.config, model.consts, propertiesOf(model)));
      say('');
    }
    const r = await checkConfig(loaded, opts);
    progress.done();
    say(formatResult(r, args.fullTrace));
    results.push(r);
    exitCode = r.exitCode;
  } else {
    if (!args.quiet) say(`Checking ${loaded.spec.name} (${args.spec}): the verdict matrix of ${configNames.length} configurations`);
    for (const name of configNames) {
      const r = await checkConfig(loaded, { ...base, config: name, continueAfterViolation: true });
      results.push(r);
      if (exitCode === ExitCode.ok && r.exitCode !== ExitCode.ok) exitCode = r.exitCode;
      if (r.interrupted) break;
    }
    say(formatMatrix(results));
    const mismatched = results.filter((r) => r.mismatches.length);
    for (const r of mismatched) say(`\n${r.config}: differs from its expectation (${r.expectation!.source}):\n${r.mismatches.map((m) => `  ${m}`).join('\n')}`);
    if (!args.quiet) say(`\n"violated (K steps)": the shortest counterexample has K steps (K + 1 states). Traces: check ${args.spec} --config NAME`);
    if (results.some((r) => r.interrupted)) exitCode = ExitCode.interrupted;
  }
  if (args.json !== undefined) {
    const json = JSON.stringify(runToJson(loaded.spec.name, args.spec!, matrix ? 'matrix' : 'single', results, exitCode, pkg.version), null, 2);
    if (args.json === '-') process.stdout.write(`${json}\n`);
    else writeFileSync(args.json, `${json}\n`);
  }
  return exitCode;
}

export async function runCli(argv: string[] = hideBin(process.argv)): Promise<never> {
  // `check spec.ts | head`: when the reader goes away, stop quietly, as a process killed by SIGPIPE would.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(ExitCode.brokenPipe);
      throw e;
    });
  }
  let code: number;
  try {
    code = await main(argv);
  } catch (e) {
    if (e instanceof CheckerError) {
      process.stderr.write(`${e.message}\n`);
      code = e.exitCode;
    } else {
      process.stderr.write(`tlats internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      code = ExitCode.system;
    }
  }
  // Let stdout drain before exiting (large traces, JSON to a pipe).
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
