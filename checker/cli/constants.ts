/**
 * `--const NAME=VALUE`: the text typed on the command line, parsed by the type of the constant's default. Numbers
 * are written in plain decimal (no hex, no exponent, no spaces): a value that is not exactly what it looks like is
 * refused with the value as typed, rather than read as something else.
 */
import type { ConstValue, Spec } from '../../src/spec.ts';
import { UsageError } from '../errors.ts';
import { declOf, listConstants } from '../model/constants.ts';

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Splits `NAME=VALUE` items; a name given twice is refused. */
export function splitConstArgs(items: readonly string[]): [string, string][] {
  const seen = new Set<string>();
  return items.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--const ${kv}: write --const NAME=VALUE`);
    const name = kv.slice(0, eq);
    if (seen.has(name)) throw new UsageError(`--const ${name} is given twice`);
    seen.add(name);
    return [name, kv.slice(eq + 1)];
  });
}

/** Parses a command-line constant value by its default's type; throws UsageError listing what is allowed. */
export function parseConstant(spec: Spec, name: string, text: string): ConstValue {
  const decls = spec.constants ?? {};
  if (!(name in decls)) {
    throw new UsageError(`--const ${name}: ${spec.name} has no constant ${name}. Its constants:\n${listConstants(spec)}`);
  }
  const d = declOf(decls[name]);
  const typed = JSON.stringify(text);
  let value: ConstValue;
  if (typeof d.default === 'number') {
    const integer = Number.isInteger(d.default);
    if (!(integer ? INTEGER : DECIMAL).test(text)) {
      throw new UsageError(`--const ${name}=${text}: ${name} is ${integer ? 'an integer' : 'a number'}; ${typed} is not one (write it in decimal digits${integer ? '' : ', with an optional fraction'}, e.g. --const ${name}=${d.default})`);
    }
    value = Number(text);
    if (!Number.isSafeInteger(Math.trunc(value))) throw new UsageError(`--const ${name}=${text}: ${typed} is too large`);
  } else if (typeof d.default === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new UsageError(`--const ${name}=${text}: ${name} is a boolean (true or false); ${typed} is not one`);
    value = text === 'true';
  } else {
    value = text;
  }
  if (d.values && !d.values.includes(value)) {
    throw new UsageError(`--const ${name}=${text}: ${name} must be one of ${d.values.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  return value;
}

/** Every `--const` item, parsed: the typed overrides a run takes. */
export function parseConstArgs(spec: Spec, items: readonly string[]): Record<string, ConstValue> {
  const out: Record<string, ConstValue> = {};
  for (const [name, text] of splitConstArgs(items)) out[name] = parseConstant(spec, name, text);
  return out;
}
