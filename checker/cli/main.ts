/**
 * The `tlats` command (also `check` inside this repository): parses the arguments (./args.ts), loads the spec, and
 * runs one configuration (with traces), a verdict matrix of several (rows printed as they finish), or the
 * regression suite of a folder; then exits with the code of what it found (checker/exit-codes.ts). The only module
 * of the checker that touches `process`: stdout and stderr, SIGINT, the exit code. Every error is printed as a
 * message, never as a stack.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hideBin } from 'yargs/helpers';
import { CheckerError, SpecEvalError, UsageError } from '../errors.ts';
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts';
import { runToJson, type JsonErrorRow } from '../output/json.ts';
import { MatrixPrinter } from '../output/matrix.ts';
import { formatSuite } from '../output/suite.ts';
import { formatCoverage, formatNeverEnabled, neverEnabled } from '../output/coverage.ts';
import { formatEvalError, formatHeader, formatResult, formatStats, formatViolation } from '../output/text.ts';
import { prepareRun, runPrepared, type CheckOptions, type CheckResult } from '../run/check.ts';
import { loadSpec, type LoadedSpec } from '../run/load.ts';
import { matrixRowsExitCode, prepareMatrix, runMatrix, type MatrixRow } from '../run/matrix.ts';
import { runCase, suiteCases, suitePassed, type SuiteRow } from '../run/suite.ts';
import { typecheckSpec } from '../run/typecheck.ts';
import { exploreStateGraph, fingerprintKey, type StateGraph } from '../run/state-graph.ts';
import { toDot } from '../output/dot.ts';
import { simulate } from '../run/simulate.ts';
import { formatSimulation, formatSimulationHeader } from '../output/simulation.ts';
import { randomInt } from 'node:crypto';
import type { Model } from '../model/model.ts';
import { parseArgs, type CliArgs } from './args.ts';
import { initProject } from './init.ts';
import { viewCommand } from './view.ts';
import { runPage } from '../output/run-page.ts';
import { itfFileName, violationItf } from '../output/itf-files.ts';
import { parseConstArgs } from './constants.ts';
import { formatList } from './list.ts';
import { progressPrinter, statusLine } from './progress.ts';
import { CheckpointError, readCheckpoint } from '../store/checkpoint.ts';
import { DEFAULT_NATS_TIMEOUT } from '../distributed/defaults.ts';

/** This package's package.json: two folders up from the sources, three from the compiled dist/checker/cli. */
const pkgFile = ['../../package.json', '../../../package.json'].map((p) => fileURLToPath(new URL(p, import.meta.url))).find((f) => existsSync(f))!;
const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { version: string };

/** Where human-readable text goes: stderr when the JSON result goes to stdout. */
let say: (text: string) => void = (text) => process.stdout.write(`${text}\n`);
const warn = (text: string) => process.stderr.write(`${text}\n`);

/** SIGINT: the first asks the search to stop and print what it has; a second one exits at once. */
let interruptRequested = false;
function installSigint(): void {
  process.on('SIGINT', () => {
    statusLine.clear();
    if (interruptRequested) process.exit(ExitCode.interrupted);
    interruptRequested = true;
  });
}

/** The options every run of this command shares. */
function baseOptions(args: CliArgs, loaded: LoadedSpec): CheckOptions {
  return {
    constants: parseConstArgs(loaded.spec, args.const),
    invariants: args.invariant,
    temporal: args.property,
    noDeadlock: !args.deadlock,
    symmetry: args.symmetry,
    maxDepth: args.maxDepth,
    workers: args.workers,
    memoryBytes: args.memory,
    shouldStop: () => interruptRequested,
    disk: args.disk,
    diskLimitBytes: args.diskLimit,
    // Resuming goes on checkpointing into the same folder unless told otherwise.
    checkpoint: args.checkpoint ?? args.resume ? { dir: (args.checkpoint ?? args.resume)!, everySeconds: args.checkpointEvery } : undefined,
    resume: args.resume,
    nats: args.nats !== undefined ? { url: args.nats, nodes: args.nodes!, timeoutSeconds: args.natsTimeout ?? DEFAULT_NATS_TIMEOUT, rejoinTimeoutSeconds: args.natsRejoinTimeout, specPath: args.spec } : undefined,
  };
}

async function runSingle(args: CliArgs, loaded: LoadedSpec, base: CheckOptions): Promise<{ code: ExitCodeValue; results: CheckResult[] }> {
  const progress = progressPrinter(args.quiet, say);
  let shownAsFound = false;
  const prepared = prepareRun(loaded, {
    ...base,
    config: args.config,
    continueAfterViolation: args.continue,
    onProgress: progress.onProgress,
    // With --continue a long run may find its first violation long before it ends: show each trace at once.
    onFound: args.continue ? (v) => { progress.done(); say(`${formatViolation(v, args.fullTrace)}\n`); shownAsFound = true; } : undefined,
  });
  if (!args.quiet) {
    const m = prepared.model;
    say(formatHeader({
      specName: loaded.spec.name, file: args.spec!, config: args.config, constants: m.consts, overrides: m.opts.constants ?? {},
      properties: m.properties.list, hasConfigs: Object.keys(loaded.spec.configs ?? {}).length > 0,
      fairness: m.liveness?.fairness.map((f) => `${f.kind === 'weak' ? 'WF' : 'SF'} ${f.label}`) ?? [],
    }));
    if (m.symmetry) say(`Symmetry: ${m.symmetry.describe()}${args.symmetry ? ' (--symmetry)' : ` (configuration ${args.config})`}; distinct counts one state per ${m.symmetry.mode === 'exact' ? 'orbit' : 'sorted form'}.`);
    else if (loaded.spec.symmetry) say(`Symmetry: off (${loaded.spec.name} declares ${Object.keys(loaded.spec.symmetry).join(', ')}: --symmetry exact to use it).`);
    if (loaded.spec.view) say('View: states are told apart by their view, and the first state found for a view is kept: the search runs on one thread, whatever --workers says, so that it is always the same state.');
    say('');
  }
  const r = await runPrepared(prepared);
  progress.done();
  say(formatResult(r, { fullTrace: args.fullTrace, violationsShown: shownAsFound, coverage: args.coverage }));
  if (args.dot !== undefined) {
    const written = writeDot(args.dot, prepared.model, r);
    if (written !== ExitCode.ok) return { code: written, results: [r] };
  }
  return { code: r.outcome.exitCode, results: [r] };
}

async function runMatrixCommand(args: CliArgs, loaded: LoadedSpec, base: CheckOptions): Promise<{ code: ExitCodeValue; results: (CheckResult | JsonErrorRow)[] }> {
  const m = prepareMatrix(loaded, base);
  const properties = [...new Map([...m.prepared.values()].flatMap((p) => ('model' in p ? p.model.properties.list : [])).map((p) => [p.name, p])).values()];
  const withExpectations = m.configs.some((c) => loaded.spec.configs?.[c]?.expect);
  const width = process.stdout.isTTY ? process.stdout.columns || 120 : 120;
  const printer = new MatrixPrinter(m.configs, properties, withExpectations, width);
  const overrides = Object.keys(base.constants ?? {});
  if (!args.quiet) {
    say(`Checking ${loaded.spec.name} (${args.spec}): the verdict matrix of ${m.configs.length} configurations`
      + (overrides.length ? `, each with --const ${args.const.join(' ')} (expectations not compared)` : ''));
  }
  say(printer.header());
  const rows = await runMatrix(loaded, m, {
    beforeRow: (config) => {
      const progress = progressPrinter(args.quiet, warn, config);
      return { onProgress: progress.onProgress };
    },
    onRow: (row) => { statusLine.clear(); say(printer.row(row)); },
  });
  say('');
  say(printer.footer());
  const problems: string[] = [];
  for (const row of rows) {
    if (row.error) problems.push(`${row.config}: ${row.error.message}`);
    else if (row.result!.mismatches.length) problems.push(`${row.config}: differs from its expectation (${row.result!.expectation!.source}):\n${row.result!.mismatches.map((x) => `  ${x}`).join('\n')}`);
  }
  if (problems.length) say(`\n${problems.join('\n\n')}`);
  // An action that no configuration enables (each may disable some by design): warn once, for the whole matrix.
  const complete = rows.filter((r) => r.result?.outcome.complete);
  if (complete.length === rows.length && complete.length > 0) {
    const idle = complete.map((r) => new Set(neverEnabled(r.result!.coverage))).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
    const warning = formatNeverEnabled([...idle], ' in any configuration');
    if (warning) say(`\n${warning}`);
  }
  if (args.coverage) for (const r of rows) if (r.result) say(`\n${r.config}: ${formatCoverage(r.result.coverage)}`);
  const interrupted = rows.find((r) => r.result?.outcome.verdict === 'interrupted');
  if (interrupted) {
    say(`\nInterrupted (SIGINT) in configuration ${interrupted.config}, after ${rows.length - 1} of ${m.configs.length} configurations. Its statistics so far:\n${formatStats(interrupted.result!)}`);
  }
  if (!args.quiet) say(`\nTraces: npx tlats ${args.spec} --config NAME`);
  const results = rows.map((r: MatrixRow) => r.result ?? { config: r.config, message: r.error!.message, exitCode: r.error!.exitCode });
  return { code: matrixRowsExitCode(rows), results };
}

async function runSuiteCommand(folder: string, args: CliArgs): Promise<ExitCodeValue> {
  const cases = await suiteCases(folder);
  if (cases.length === 0) {
    say(`--suite ${folder}: no spec there declares an expectation (\`expect\` in a configuration, or at the top level)`);
    return ExitCode.usage;
  }
  const rows: SuiteRow[] = [];
  for (const c of cases) {
    const progress = progressPrinter(args.quiet, warn, `${c.loaded.spec.name}${c.config ? ` [${c.config}]` : ''}`);
    rows.push(await runCase(c, { workers: args.workers, memoryBytes: args.memory, shouldStop: () => interruptRequested, onProgress: progress.onProgress }));
    progress.done();
    if (interruptRequested) break;
  }
  say(formatSuite(rows));
  if (interruptRequested) return ExitCode.interrupted;
  return suitePassed(rows) ? ExitCode.ok : ExitCode.suiteMismatch;
}

/**
 * `--dot FILE`: the explored graph, drawn. A graph too big to draw is refused after the run (its size is known only
 * then): the verdict stands, printed above, and the exit code says the file was not written (64).
 */
function writeDot(file: string, model: Model, r: CheckResult): ExitCodeValue {
  let graph: StateGraph;
  try {
    graph = exploreStateGraph(model, r.outcome.verdict === 'bounded' || r.bounded ? r.stats.depth : undefined);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    warn(`${e.message}. ${file} was not written.`);
    return ExitCode.usage;
  }
  const v = r.violations[0];
  const ids = v?.trace.map((s) => graph.idOf.get(fingerprintKey(model, s.state, 'a trace state')));
  const highlight = v && ids && ids.every((x) => x !== undefined)
    ? { path: ids as number[], loopTo: v.loop && !v.loop.stutter ? v.loop.index : undefined, title: `${v.label} violated (red)` }
    : undefined;
  try {
    writeFileSync(file, toDot(r.specName + (r.config ? ` [${r.config}]` : ''), graph, highlight));
  } catch (e) {
    warn(`--dot ${file} could not be written: ${(e as Error).message}`);
    return ExitCode.ioError;
  }
  say(`State graph (${graph.nodes.length.toLocaleString('en-US')} states, ${graph.edges.length.toLocaleString('en-US')} steps) written to ${file} (render: dot -Tsvg ${file} -o graph.svg).`);
  return ExitCode.ok;
}

/** `--simulate`: random behaviours of one configuration (the spec's defaults without --config). */
async function runSimulateCommand(args: CliArgs, loaded: LoadedSpec, base: CheckOptions): Promise<number> {
  if (args.config === 'all') throw new UsageError('--simulate runs one configuration: give --config NAME');
  const seed = args.seed ?? randomInt(2 ** 32);
  const depth = args.depth ?? 100;
  if (!args.quiet) say(formatSimulationHeader({ specName: loaded.spec.name, config: args.config, seed, depth }, args.spec!, Object.keys(loaded.spec.configs ?? {}).length > 0));
  const r = await simulate(loaded, {
    config: args.config, constants: base.constants, invariants: base.invariants, noDeadlock: base.noDeadlock, shouldStop: base.shouldStop,
    workers: base.workers, memoryBytes: base.memoryBytes,
    seed, depth, traces: args.traces ?? (args.seconds === undefined ? 1000 : undefined), seconds: args.seconds,
    onProgress: args.quiet ? undefined : (s) => statusLine.draw(`Simulation: ${s.behaviours.toLocaleString('en-US')} behaviours, ${s.steps.toLocaleString('en-US')} steps, ${s.distinct.toLocaleString('en-US')} distinct states seen, ${s.seconds.toFixed(0)} s`),
  });
  statusLine.clear();
  say(formatSimulation(r, args.spec!, args.fullTrace));
  return r.exitCode;
}

/** `tlats init [folder]` (./init.ts). */
function initCommand(rest: readonly string[]): number {
  if (rest.includes('--help') || rest.includes('-h')) {
    say('Usage: tlats init [folder]\n\nWrites a starter spec (lock.ts), a tsconfig.json that includes it and a vitest test using the\ntlats matchers (lock.test.ts) into the folder (default: the current one). Never overwrites a file.');
    return ExitCode.ok;
  }
  const options = rest.filter((a) => a.startsWith('-'));
  if (options.length) throw new UsageError(`tlats init: unknown option ${options[0]}; the only argument is the folder`);
  if (rest.length > 1) throw new UsageError(`tlats init takes one folder, not ${rest.length}: ${rest.join(' ')}`);
  say(initProject(resolve(rest[0] ?? '.'), process.cwd()));
  return ExitCode.ok;
}

/**
 * --resume DIR: what the checkpoint was taken of, where the command line leaves it out (the spec file, the
 * configuration). Constants and property choices must be given again as they were: the checkpoint refuses others.
 */
function resumedArgs(args: CliArgs): CliArgs {
  const { manifest } = readCheckpoint(args.resume!);
  const options = (JSON.parse(manifest.identity.model) as { options?: { config?: string } }).options ?? {};
  // A distributed run's checkpoint (checker/distributed/cluster-checkpoint.ts) is resumed on nodes, a one-machine one here.
  const nats = (manifest.search as { nats?: { nodes: number; specPath?: string } }).nats;
  if (nats && args.nats === undefined) {
    throw new CheckpointError(`--resume ${args.resume}: this checkpoint was written by a distributed run on ${nats.nodes} nodes: resume it with --nats URL --nodes ${nats.nodes}`);
  }
  if (!nats && args.nats !== undefined) throw new CheckpointError(`--resume ${args.resume}: this checkpoint was written by a one-machine run: resume it without --nats`);
  return { ...args, spec: args.spec ?? nats?.specPath ?? manifest.identity.specFile, config: args.config ?? options.config };
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'init') return initCommand(argv.slice(1));
  // Loaded only for `serve`: the NATS client is start-up time every other command would pay.
  if (argv[0] === 'serve') return (await import('./serve.ts')).serveCommand(argv.slice(1), say);
  if (argv[0] === 'view') return viewCommand(argv.slice(1), { say, stdout: (t) => process.stdout.write(t), version: pkg.version });
  const parsed = parseArgs(argv, pkg.version, process.stdout.columns);
  if (parsed.kind === 'done') return ExitCode.ok;
  let args = parsed.args;
  if (args.json === '-') say = warn;
  installSigint();
  if (args.suite !== undefined) return runSuiteCommand(args.suite, args);
  if (args.resume !== undefined) args = resumedArgs(args);
  if (args.typecheck) await typecheckSpec(resolve(args.spec!), process.cwd());
  const loaded = await loadSpec(args.spec!);
  if (args.list) { say(formatList(loaded, args.spec!)); return ExitCode.ok; }
  const base = baseOptions(args, loaded);
  if (args.simulate) return runSimulateCommand(args, loaded, base);
  const hasConfigs = Object.keys(loaded.spec.configs ?? {}).length > 0;
  // Without --config, a spec with configurations is checked as a matrix; with --const, the defaults are checked
  // once with the overrides instead (a configuration's row must not carry a name its constants no longer match).
  const matrix = args.config === 'all' || (args.config === undefined && hasConfigs && args.const.length === 0);
  if (matrix && (args.checkpoint !== undefined || args.resume !== undefined)) {
    throw new UsageError(`--${args.resume !== undefined ? 'resume' : 'checkpoint'} checkpoints one configuration: give --config NAME (${loaded.spec.name} has ${Object.keys(loaded.spec.configs ?? {}).join(', ')})`);
  }
  if (matrix && args.nats !== undefined) throw new UsageError(`--nats checks one configuration: give --config NAME (${loaded.spec.name} has ${Object.keys(loaded.spec.configs ?? {}).join(', ')})`);
  if (matrix && args.dot !== undefined) throw new UsageError(`--dot draws one configuration's graph: give --config NAME (${loaded.spec.name} has ${Object.keys(loaded.spec.configs ?? {}).join(', ')})`);
  const { code, results } = matrix ? await runMatrixCommand(args, loaded, base) : await runSingle(args, loaded, base);
  if (args.json !== undefined) {
    const json = `${JSON.stringify(runToJson({ name: loaded.spec.name, file: args.spec! }, matrix ? 'matrix' : 'single', results, code, pkg.version, process.resourceUsage().maxRSS * 1024), null, 2)}\n`;
    if (args.json === '-') process.stdout.write(json);
    else {
      try {
        writeFileSync(args.json, json);
      } catch (e) {
        warn(`The check ended with exit code ${code}, but --json ${args.json} could not be written: ${(e as Error).message}`);
        return ExitCode.ioError;
      }
    }
  }
  const traces = writeTraceFiles(args, { name: loaded.spec.name, file: args.spec! }, matrix ? 'matrix' : 'single', results);
  return traces === ExitCode.ok ? code : traces;
}

/**
 * `--html FILE` and `--itf DIR`, after the run (their paths were checked before it). A file that fails to be
 * written at the end gives exit 74; the verdict was printed above.
 */
function writeTraceFiles(args: CliArgs, spec: { name: string; file: string }, mode: 'single' | 'matrix', results: readonly (CheckResult | JsonErrorRow)[]): ExitCodeValue {
  const rows = results.map((r) => ('message' in r ? { config: r.config, error: r.message } : { config: r.config, result: r }));
  const write = (what: string, file: string, text: string): boolean => {
    try {
      writeFileSync(file, text);
      return true;
    } catch (e) {
      warn(`${what} ${file} could not be written: ${(e as Error).message}`);
      return false;
    }
  };
  let ok = true;
  if (args.html !== undefined) {
    ok = write('--html', args.html, runPage(spec, mode, rows, `tlats ${pkg.version}`)) && ok;
    const n = rows.reduce((k, r) => k + (r.result?.violations.length ?? 0), 0);
    if (ok) say(`HTML view (${n} counterexample${n === 1 ? '' : 's'}) written to ${args.html}.`);
  }
  if (args.itf !== undefined) {
    const written: string[] = [];
    for (const row of rows) {
      for (const v of row.result?.violations ?? []) {
        const file = join(args.itf, itfFileName(row.config, v.label));
        if (write('--itf', file, `${JSON.stringify(violationItf(row.result!, v), null, 2)}\n`)) written.push(file);
        else ok = false;
      }
    }
    say(written.length ? `ITF traces written: ${written.join(', ')}` : `--itf ${args.itf}: no counterexample, no trace written.`);
  }
  return ok ? ExitCode.ok : ExitCode.ioError;
}

export async function runCli(argv: string[] = hideBin(process.argv)): Promise<never> {
  // `tlats spec.ts | head`: when the reader goes away, stop quietly, as a process killed by SIGPIPE would.
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
    statusLine.clear();
    if (e instanceof SpecEvalError) {
      warn(formatEvalError(e, argv.includes('--full-trace')));
      code = e.exitCode;
    } else if (e instanceof CheckerError) {
      warn(e.message);
      code = e.exitCode;
    } else {
      warn(`tlats internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      code = ExitCode.system;
    }
  }
  // Let stdout drain before exiting (large traces, JSON to a pipe).
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
