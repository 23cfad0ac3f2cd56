/**
 * The errors the checker reports to a user. Each carries its exit code; the CLI prints `message` (never a raw
 * stack) and exits with `exitCode`.
 */
import { ExitCode, type ExitCodeValue } from './exit-codes.ts';

export class CheckerError extends Error {
  constructor(message: string, readonly exitCode: ExitCodeValue) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command-line arguments or constant values. */
export class UsageError extends CheckerError {
  constructor(message: string) { super(message, ExitCode.usage); }
}

/** The spec file is missing, does not load, or does not export a spec. */
export class SpecLoadError extends CheckerError {
  constructor(message: string) { super(message, ExitCode.load); }
}

/** Evaluating the spec failed: an action or predicate threw, returned something ill-typed, or built a bad state. */
export class SpecEvalError extends CheckerError {
  /** The fingerprint of the stored state being expanded when it happened (none for the initial states). */
  at?: { readonly high: number; readonly low: number };
  /** The behaviour from an initial state up to that state, rebuilt by replay (TLC: "The behavior up to this point"). */
  behaviour?: readonly { readonly label: string | null; readonly state: unknown }[];
  constructor(message: string) { super(message, ExitCode.evaluation); }
}

/** The memory budget is exhausted. */
export class MemoryBudgetError extends CheckerError {
  constructor(message: string) { super(message, ExitCode.memory); }
}

/** The disk store or the checkpoint cannot be written or read (disk full, no permission, read-only). */
export class DiskError extends CheckerError {
  constructor(message: string) { super(message, ExitCode.disk); }
}

/**
 * A fault of the checker itself, not of the spec or the command line: a worker thread that crashed or exited, a
 * trace that cannot be replayed, a broken invariant of the engine. TLC's ERROR_SYSTEM (exit 153).
 */
export class InternalError extends CheckerError {
  constructor(message: string) { super(message, ExitCode.system); }
}

/**
 * A value that cannot be encoded: thrown by the codecs with the path inside the state where the problem is
 * (`state.tlb[0].page`); the engine adds which action produced it and rethrows a SpecEvalError.
 */
export class EncodeError extends Error {
  constructor(readonly path: string, readonly problem: string) {
    super(`${path}: ${problem}`);
  }
}

/** The first stack frame of `err` that lies in the spec's own file, if any (for "where in your spec"). */
export function specFrame(err: unknown, specFile: string | undefined): string | undefined {
  if (!specFile || !(err instanceof Error) || !err.stack) return undefined;
  const base = specFile.replace(/\\/g, '/');
  for (const line of err.stack.split('\n').slice(1)) {
    if (line.replace(/\\/g, '/').includes(base)) return line.trim().replace(/^at /, '');
  }
  return undefined;
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** A trace file (`tlats view FILE.itf.json`) is missing, is not JSON, or is not an ITF trace (exit 150, as a spec that does not load). */
export class TraceLoadError extends CheckerError {
  constructor(message: string) { super(message, ExitCode.load); }
}
