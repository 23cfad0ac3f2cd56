/**
 * A model: one spec with its constants resolved, ready to explore. It flattens the spec's actions into
 * instances (one per parameter combination, each with its trace label computed once), picks the codec, and
 * exposes the few operations the engine and the trace rebuilder need: initial states, successors, fingerprint.
 */
import type { ConstDecl, ConstValue, Params, Spec, Step } from '../src/spec.ts';
import type { Schema } from '../src/schema.ts';
import { EncodeError, SpecEvalError, UsageError, describeError, specFrame } from './errors.ts';
import type { Codec } from './codec/codec.ts';
import { GenericCodec } from './codec/generic.ts';
import { SchemaCodec } from './codec/schema-codec.ts';
import { Fingerprinter } from './hash.ts';
import { formatValue } from './values.ts';

export interface ActionInstance {
  readonly step: Step;
  readonly run: (state: unknown) => unknown;
}

export interface ModelOptions {
  /** The configuration to use (a key of spec.configs), or undefined for the defaults. */
  config?: string;
  /** Constant overrides as given on the command line (`N=4`), parsed by the default's type. */
  constOverrides?: Record<string, string>;
  /** Check only these invariants (all when undefined or empty). */
  invariants?: string[];
  /** Turn deadlock checking off. */
  noDeadlock?: boolean;
  /** The spec's file, to point at its own stack frames in error messages. */
  specFile?: string;
}

function declOf(input: unknown): ConstDecl {
  return typeof input === 'object' && input !== null ? (input as ConstDecl) : { default: input as ConstValue };
}

function describeConstant(name: string, input: unknown): string {
  const d = declOf(input);
  const type = d.values ? d.values.map((v) => JSON.stringify(v)).join(' | ') : typeof d.default;
  return `${name}: ${type} (default ${JSON.stringify(d.default)})`;
}

/** Parses a command-line constant value by its default's type; throws UsageError listing what is allowed. */
export function parseConstant(spec: Spec, name: string, text: string): ConstValue {
  const decls = spec.constants ?? {};
  if (!(name in decls)) {
    const allowed = Object.entries(decls).map(([k, v]) => `  ${describeConstant(k, v)}`).join('\n');
    throw new UsageError(`--const ${name}: ${spec.name} has no constant ${name}. Its constants:\n${allowed || '  (none)'}`);
  }
  const d = declOf(decls[name]);
  let value: ConstValue;
  if (typeof d.default === 'number') {
    value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--const ${name}=${text}: ${name} is a number; ${JSON.stringify(text)} is not one`);
    if (Number.isInteger(d.default) && !Number.isInteger(value)) throw new UsageError(`--const ${name}=${text}: ${name} is an integer`);
  } else if (typeof d.default === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new UsageError(`--const ${name}=${text}: ${name} is a boolean (true or false)`);
    value = text === 'true';
  } else {
    value = text;
  }
  if (d.values && !d.values.includes(value)) {
    throw new UsageError(`--const ${name}=${text}: ${name} must be one of ${d.values.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  return value;
}

/** The constants for a configuration: defaults, then the configuration's values, then command-line overrides. */
export function resolveConstants(spec: Spec, opts: ModelOptions): Record<string, ConstValue> {
  const consts: Record<string, ConstValue> = {};
  for (const [k, v] of Object.entries(spec.constants ?? {})) consts[k] = declOf(v).default;
  if (opts.config !== undefined) {
    const cfg = spec.configs?.[opts.config];
    if (!cfg) {
      const names = Object.keys(spec.configs ?? {});
      throw new UsageError(`--config ${opts.config}: ${spec.name} has no such configuration. ${names.length ? `Its configurations: ${names.join(', ')}` : 'It has no named configurations.'}`);
    }
    for (const [k, v] of Object.entries(cfg.constants ?? {})) {
      if (!(k in consts)) throw new SpecEvalError(`configuration ${opts.config} sets ${k}, which is not a constant of ${spec.name}`);
      const allowed = declOf(spec.constants![k]).values;
      if (allowed && !allowed.includes(v as ConstValue)) {
        throw new SpecEvalError(`configuration ${opts.config} sets ${k} = ${JSON.stringify(v)}, not one of ${allowed.map((x) => JSON.stringify(x)).join(', ')}`);
      }
      consts[k] = v as ConstValue;
    }
  }
  for (const [k, text] of Object.entries(opts.constOverrides ?? {})) consts[k] = parseConstant(spec, k, text);
  return consts;
}

function cartesian(names: string[], domains: Record<string, readonly unknown[]>): Params[] {
  let out: Record<string, unknown>[] = [{}];
  for (const name of names) {
    const next: Record<string, unknown>[] = [];
    for (const partial of out) for (const value of domains[name]!) next.push({ ...partial, [name]: value });
    out = next;
  }
  return out.map((p) => Object.freeze(p) as Params);
}

export class Model {
  readonly consts: Readonly<Record<string, ConstValue>>;
  readonly instances: ActionInstance[] = [];
  readonly invariants: [string, (s: unknown, c: unknown) => unknown][];
  readonly actionProperties: [string, (a: unknown, b: unknown, step: Step, c: unknown) => unknown][];
  readonly checkDeadlock: boolean;
  readonly codec: Codec;
  readonly schema: Schema | undefined;
  private readonly viewCodec: GenericCodec | undefined;
  readonly fp = new Fingerprinter();

  constructor(readonly spec: Spec, readonly opts: ModelOptions = {}) {
    this.consts = Object.freeze(resolveConstants(spec, opts));
    const c = this.consts;
    for (const [name, def] of Object.entries(spec.actions ?? {})) {
      if (typeof def === 'function') {
        const step: Step = Object.freeze({ action: name, params: Object.freeze({}), label: name });
        this.instances.push({ step, run: (s) => def(s, c) });
        continue;
      }
      if (typeof def !== 'object' || def === null || typeof def.next !== 'function') {
        throw new SpecEvalError(`action ${name}: expected a function or { params, next }`);
      }
      let domains: Record<string, readonly unknown[]>;
      try {
        domains = (typeof def.params === 'function' ? def.params(c) : def.params) as Record<string, readonly unknown[]>;
      } catch (e) {
        throw new SpecEvalError(`action ${name}: computing its parameter domains threw ${describeError(e)}`);
      }
      const names = Object.keys(domains ?? {});
      for (const p of names) {
        if (!Array.isArray(domains[p])) throw new SpecEvalError(`action ${name}: the domain of parameter ${p} is not an array`);
      }
      for (const params of cartesian(names, domains)) {
        const label = `${name}(${names.map((k) => `${k}=${formatValue(params[k])}`).join(', ')})`;
        const step: Step = Object.freeze({ action: name, params, label });
        const next = def.next;
        this.instances.push({ step, run: (s) => next(s, params, c) });
      }
    }
    // --invariant on the command line, else the configuration's own list, else every invariant.
    const fromConfig = opts.config !== undefined ? spec.configs?.[opts.config]?.invariants : undefined;
    const wanted = opts.invariants?.length ? opts.invariants : fromConfig;
    const allInvariants = Object.entries(spec.invariants ?? {});
    if (wanted) {
      for (const w of wanted) {
        if (allInvariants.some(([n]) => n === w)) continue;
        const known = allInvariants.map(([n]) => n).join(', ') || '(none)';
        if (opts.invariants?.length) throw new UsageError(`--invariant ${w}: ${spec.name} has no such invariant. Its invariants: ${known}`);
        throw new SpecEvalError(`configuration ${opts.config} checks invariant ${w}, which ${spec.name} does not define. Its invariants: ${known}`);
      }
    }
    this.invariants = allInvariants.filter(([n]) => !wanted || wanted.includes(n)) as Model['invariants'];
    this.actionProperties = Object.entries(spec.actionProperties ?? {}) as Model['actionProperties'];
    this.checkDeadlock = spec.deadlock !== false && !opts.noDeadlock;
    let schema: Schema | undefined;
    try {
      schema = typeof spec.schema === 'function' ? spec.schema(c) : spec.schema;
      this.codec = schema ? new SchemaCodec(schema) : new GenericCodec();
    } catch (e) {
      throw new SpecEvalError(`the spec's schema: ${describeError(e)}`);
    }
    this.schema = schema;
    this.viewCodec = spec.view ? new GenericCodec() : undefined;
  }

  /** The initial states, as an array. */
  initialStates(): unknown[] {
    let r: unknown;
    try {
      r = this.spec.init(this.consts);
    } catch (e) {
      throw this.evalError('computing the initial states', e);
    }
    return this.successorList(r, 'init');
  }

  /** Normalises what an action returned into a list of states (used off the hot path). */
  successorList(r: unknown, who: string): unknown[] {
    if (r === null || r === undefined || r === false) return [];
    if (Array.isArray(r)) {
      for (const s of r) this.checkIsState(s, who);
      return r;
    }
    this.checkIsState(r, who);
    return [r];
  }

  checkIsState(s: unknown, who: string): void {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) {
      throw new SpecEvalError(`${who} returned ${formatValue(s)}, which is not a state: an action returns a state object, an array of states, or null/undefined/false for none`);
    }
  }

  /** Encodes `state` into the codec's buffer and fingerprints it; returns the word count. */
  encodeAndFingerprint(state: unknown, who: string, origin?: unknown): number {
    let n: number;
    try {
      n = this.codec.encode(state);
      if (this.viewCodec) {
        let view: unknown;
        try {
          view = this.spec.view!(state, this.consts);
        } catch (e) {
          throw this.evalError(`evaluating the view on the state produced by ${who}`, e, state);
        }
        const m = this.viewCodec.encode(view);
        this.fp.hash(this.viewCodec.buf, 0, m);
      } else {
        this.fp.hash(this.codec.buf, 0, n);
      }
    } catch (e) {
      if (e instanceof EncodeError) {
        const from = origin === undefined ? '' : `\nfrom the state\n${formatValue(origin, 2)}`;
        throw new SpecEvalError(`${who} produced a state that cannot be fingerprinted: ${e.message}${from}`);
      }
      throw e;
    }
    return n;
  }

  /** An evaluation error naming what was being done, the state, and the spec's own stack frame. */
  evalError(what: string, err: unknown, state?: unknown): SpecEvalError {
    if (err instanceof SpecEvalError) return err;
    const frame = specFrame(err, this.opts.specFile);
    const lines = [`Error while ${what}: ${describeError(err)}`];
    if (frame) lines.push(`  at ${frame}`);
    if (state !== undefined) lines.push('in the state', formatValue(state, 2));
    return new SpecEvalError(lines.join('\n'));
  }
}
