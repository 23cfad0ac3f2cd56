/**
 * Process exit codes. Where TLC has one (tlc2.output.EC.ExitStatus) we use its number, so scripts written for TLC
 * keep working; the rest are ours.
 */
export const ExitCode = {
  /** No error: every property holds (or, for --suite, every expectation matched). */
  ok: 0,
  /** --suite: at least one configuration did not give what it declares. */
  suiteMismatch: 1,
  /** TLC: deadlock reached. */
  deadlock: 11,
  /** TLC: an invariant is violated (VIOLATION_SAFETY). */
  invariant: 12,
  /** TLC: a (temporal/action) property is violated (VIOLATION_LIVENESS). */
  property: 13,
  /** Bad command-line arguments (BSD sysexits EX_USAGE). */
  usage: 64,
  /** The result could not be written (--json to a file that failed at the end; BSD sysexits EX_IOERR). */
  ioError: 74,
  /** TLC: an error while evaluating the spec (an action threw, a value cannot be fingerprinted, ...). */
  evaluation: 75,
  /** SIGINT: the run was interrupted; the statistics so far were printed. */
  interrupted: 130,
  /** The output was closed by its reader (`check … | head`): 128 + SIGPIPE, as the shell reports it. */
  brokenPipe: 141,
  /** TLC: the spec could not be loaded (ERROR_SPEC_PARSE). */
  load: 150,
  /** TLC: the state space is too large for the memory budget (ERROR_STATESPACE_TOO_LARGE). */
  memory: 152,
  /** TLC: a system error (ERROR_SYSTEM): a fault of the checker itself, such as a worker thread that crashed. */
  system: 153,
  /** Ours: the spill folder or the checkpoint could not be written (disk full, unwritable); the checkpoint is kept. */
  disk: 154,
  /** Ours: a distributed run (--nats) lost a node or the NATS server; the statistics so far were printed. */
  cluster: 155,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
