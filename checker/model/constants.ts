/**
 * A run's constants: each declared constant's default, then the configuration's values, then the overrides (typed
 * values: the CLI parses `--const` text by the declared type, checker/cli/constants.ts). The spec's functions get
 * the result as a frozen object whose prototype refuses every undeclared name: `c.GOAL` on a spec that declares no
 * GOAL is an evaluation error naming it, not a silent `undefined` that makes an invariant hold vacuously.
 */
import type { ConstDecl, ConstValue, Spec } from '../../src/spec.ts';
import { SpecEvalError, UsageError } from '../errors.ts';

export type Constants = Readonly<Record<string, ConstValue>>;

/** A constant's declaration, whichever of the three forms it was written in. */
export function declOf(input: unknown): ConstDecl {
  return typeof input === 'object' && input !== null ? (input as ConstDecl) : { default: input as ConstValue };
}

const show = (v: unknown): string => JSON.stringify(v);

/** `N: number (default 3)`, `version: "V0" | "V1" (default "V1")`. */
export function describeConstant(name: string, input: unknown): string {
  const d = declOf(input);
  const type = d.values ? d.values.map(show).join(' | ') : typeof d.default;
  return `${name}: ${type} (default ${show(d.default)})`;
}

/** The spec's constants, one per line, for messages that list what is allowed. */
export function listConstants(spec: Spec): string {
  const lines = Object.entries(spec.constants ?? {}).map(([k, v]) => `  ${describeConstant(k, v)}`);
  return lines.length ? lines.join('\n') : '  (none)';
}

/** Reading an undeclared constant: thrown from inside the spec's own code, so the evaluation error can say where. */
export class UndeclaredConstantError extends SpecEvalError {
  constructor(readonly constant: string, spec: Spec) {
    super(`the spec reads the constant ${constant}, which ${spec.name} does not declare. Its constants:\n${listConstants(spec)}\n`
      + `Declare it in \`constants\` (with a default), or check the spelling.`);
  }
}

/**
 * Names that libraries and the language probe on any object (JSON.stringify's toJSON, await's then, Immutable's and
 * React's type tags): reading them gives undefined, as on a plain object. Every other undeclared name throws.
 */
const probed = (key: string): boolean => key === 'then' || key === 'toJSON' || key.startsWith('@@') || key.startsWith('$$') || key.startsWith('__');

function strictPrototype(spec: Spec): object {
  return new Proxy(Object.create(null) as object, {
    get(_target, key) {
      if (typeof key === 'symbol' || probed(key)) return undefined;
      if (key in Object.prototype) return (Object.prototype as Record<string, unknown>)[key];
      throw new UndeclaredConstantError(key, spec);
    },
  });
}

/** Where a run's constants come from. */
export interface ConstantSources {
  /** A key of spec.configs, or undefined for the defaults. */
  readonly config?: string;
  /** Typed overrides, applied last (the CLI's `--const`). */
  readonly constants?: Readonly<Record<string, ConstValue>>;
}

function checkAllowed(spec: Spec, name: string, value: unknown, who: string, ErrorClass: typeof UsageError | typeof SpecEvalError): void {
  const decls = spec.constants ?? {};
  if (!(name in decls)) throw new ErrorClass(`${who} sets ${name}, which is not a constant of ${spec.name}. Its constants:\n${listConstants(spec)}`);
  const d = declOf(decls[name]);
  if (typeof value !== typeof d.default) {
    throw new ErrorClass(`${who} sets ${name} = ${show(value)}, but ${name} is a ${typeof d.default}`);
  }
  if (d.values && !d.values.includes(value as ConstValue)) {
    throw new ErrorClass(`${who} sets ${name} = ${show(value)}, not one of ${d.values.map(show).join(', ')}`);
  }
}

/** The constants of one run, validated, as the strict frozen object the spec's functions receive. */
export function resolveConstants(spec: Spec, sources: ConstantSources): Constants {
  const values: Record<string, ConstValue> = {};
  for (const [k, v] of Object.entries(spec.constants ?? {})) values[k] = declOf(v).default;
  if (sources.config !== undefined) {
    const cfg = spec.configs?.[sources.config];
    if (!cfg) {
      const names = Object.keys(spec.configs ?? {});
      throw new UsageError(`--config ${sources.config}: ${spec.name} has no such configuration. ${names.length ? `Its configurations: ${names.join(', ')}` : 'It has no named configurations.'}`);
    }
    for (const [k, v] of Object.entries(cfg.constants ?? {})) {
      checkAllowed(spec, k, v, `configuration ${sources.config}`, SpecEvalError);
      values[k] = v as ConstValue;
    }
  }
  for (const [k, v] of Object.entries(sources.constants ?? {})) {
    checkAllowed(spec, k, v, `--const ${k}`, UsageError);
    values[k] = v;
  }
  const strict = Object.create(strictPrototype(spec)) as Record<string, ConstValue>;
  for (const [k, v] of Object.entries(values)) strict[k] = v;
  return Object.freeze(strict);
}
