/**
 * Reading an ITF trace (Apalache ADR-015) written by tlats, Quint or Apalache, for `tlats view`. The document is
 * checked for the shape ITF requires (an object with a `states` array of objects, `vars` a list of names, `loop` a
 * state index) and every value for ITF's forms, so a file that is not a trace is refused with what is wrong and
 * where, not half drawn. What tlats writes in its own way (checker/output/itf.ts) is read back: record fields
 * escaped with one more `#` lose it again, and the `tlats::null`/`tlats::number` variants are shown as the value.
 */
import { readFileSync, statSync } from 'node:fs';
import { TraceLoadError } from '../errors.ts';
import { ITF_NULL_TAG, ITF_NUMBER_TAG, ITF_UNDEFINED_TAG, unescapeItfField } from './itf-tags.ts';

/** An ITF value, decoded: what a viewer needs to show and compare it. */
export type Value =
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: string }
  | { readonly kind: 'str'; readonly value: string }
  /** null, undefined, a non-integer number (tlats's variants), or ITF's `#unserializable`: shown as written. */
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'seq' | 'set' | 'tup'; readonly items: readonly Value[] }
  | { readonly kind: 'map'; readonly entries: readonly (readonly [Value, Value])[] }
  | { readonly kind: 'record'; readonly fields: readonly (readonly [string, Value])[] }
  /** A Quint sum-type value, `{ tag, value }`. */
  | { readonly kind: 'variant'; readonly tag: string; readonly value: Value };

export interface ItfState {
  /** The state's `#meta` (free-form: tlats puts `action`, `actor`, `doc` there). */
  readonly meta: Readonly<Record<string, unknown>>;
  /** Every variable of the state except ITF's `#meta` and Quint's `mbt::` bookkeeping, in file order. */
  readonly vars: readonly (readonly [string, Value])[];
  /** Quint's `mbt::actionTaken` and `mbt::nondetPicks`, when the trace has them (`quint run --mbt`). */
  readonly actionTaken?: string;
  readonly nondetPicks?: Value;
}

export interface ItfTrace {
  readonly meta: Readonly<Record<string, unknown>>;
  readonly vars: readonly string[];
  readonly states: readonly ItfState[];
  readonly loop?: number;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

class Bad extends Error {
  constructor(readonly where: string, problem: string) { super(problem); }
}

export function decodeValue(v: unknown, where: string): Value {
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (typeof v === 'string') return { kind: 'str', value: v };
  // ITF writes integers as #bigint; a plain JSON integer is what older traces hold (Quint still reads it).
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', value: String(v) } : { kind: 'literal', value: String(v) };
  if (v === null) throw new Bad(where, 'null is not an ITF value');
  if (Array.isArray(v)) return { kind: 'seq', items: v.map((x, i) => decodeValue(x, `${where}[${i}]`)) };
  if (!isObject(v)) throw new Bad(where, `${typeof v} is not an ITF value`);
  const keys = Object.keys(v);
  const tagged = (tag: string) => keys.length === 1 && keys[0] === tag;
  if (tagged('#bigint')) {
    if (typeof v['#bigint'] !== 'string' || !/^-?\d+$/.test(v['#bigint'])) throw new Bad(where, `#bigint must be a string of decimal digits, not ${JSON.stringify(v['#bigint'])}`);
    return { kind: 'int', value: v['#bigint'] };
  }
  for (const tag of ['#set', '#tup'] as const) {
    if (!tagged(tag)) continue;
    const items = v[tag];
    if (!Array.isArray(items)) throw new Bad(where, `${tag} must hold an array`);
    return { kind: tag === '#set' ? 'set' : 'tup', items: items.map((x, i) => decodeValue(x, `${where}${tag}[${i}]`)) };
  }
  if (tagged('#map')) {
    const entries = v['#map'];
    if (!Array.isArray(entries)) throw new Bad(where, '#map must hold an array of [key, value] pairs');
    return {
      kind: 'map',
      entries: entries.map((e, i) => {
        if (!Array.isArray(e) || e.length !== 2) throw new Bad(`${where}#map[${i}]`, 'a #map entry must be a [key, value] pair');
        return [decodeValue(e[0], `${where}#map[${i}][0]`), decodeValue(e[1], `${where}#map[${i}][1]`)] as const;
      }),
    };
  }
  if (tagged('#unserializable')) return { kind: 'literal', value: String(v['#unserializable']) };
  if (keys.length === 2 && typeof v.tag === 'string' && 'value' in v) {
    if (v.tag === ITF_NULL_TAG) return { kind: 'literal', value: 'null' };
    if (v.tag === ITF_UNDEFINED_TAG) return { kind: 'literal', value: 'undefined' };
    if (v.tag === ITF_NUMBER_TAG && typeof v.value === 'string') return { kind: 'literal', value: v.value };
    return { kind: 'variant', tag: v.tag, value: decodeValue(v.value, `${where}.value`) };
  }
  const bad = keys.find((k) => k.startsWith('#') && !k.startsWith('##'));
  if (bad !== undefined) throw new Bad(where, `${bad} is not an ITF tag here (#bigint, #set, #map, #tup and #unserializable stand alone in their object)`);
  return { kind: 'record', fields: keys.map((k) => [unescapeItfField(k), decodeValue(v[k], `${where}.${k}`)] as const) };
}

/** An ITF document, already parsed from JSON; `source` names it in messages. */
export function decodeItf(doc: unknown, source: string): ItfTrace {
  const fail = (problem: string) => new TraceLoadError(`${source}: not an ITF trace: ${problem}`);
  if (!isObject(doc)) throw fail(`the document is ${Array.isArray(doc) ? 'an array' : doc === null ? 'null' : `a ${typeof doc}`}; an ITF trace is an object with "vars" and "states"`);
  if (!Array.isArray(doc.states)) {
    const hint = isObject(doc) && doc.tool === 'tlats' ? ' (this is the result of --json; its traces are at results[].violations[].trace, and --itf DIR writes each as its own file)' : '';
    throw fail(`it has no "states" array${hint}`);
  }
  if (doc.vars !== undefined && !(Array.isArray(doc.vars) && doc.vars.every((x) => typeof x === 'string'))) throw fail('"vars" must be an array of variable names');
  const meta = isObject(doc['#meta']) ? doc['#meta'] : {};
  const states = doc.states.map((s, i): ItfState => {
    if (!isObject(s)) throw fail(`states[${i}] is not an object`);
    const vars: [string, Value][] = [];
    let actionTaken: string | undefined;
    let nondetPicks: Value | undefined;
    for (const [k, x] of Object.entries(s)) {
      if (k === '#meta') continue;
      try {
        if (k === 'mbt::actionTaken' && typeof x === 'string') { actionTaken = x; continue; }
        if (k === 'mbt::nondetPicks') { nondetPicks = decodeValue(x, `states[${i}].${k}`); continue; }
        vars.push([unescapeItfField(k), decodeValue(x, `states[${i}].${k}`)]);
      } catch (e) {
        if (e instanceof Bad) throw fail(`at ${e.where}: ${e.message}`);
        throw e;
      }
    }
    return { meta: isObject(s['#meta']) ? s['#meta'] : {}, vars, actionTaken, nondetPicks };
  });
  if (states.length === 0) throw fail('"states" is empty');
  const loop = doc.loop;
  if (loop !== undefined && !(Number.isInteger(loop) && (loop as number) >= 0 && (loop as number) < states.length)) {
    throw fail(`"loop" must be the index of one of its ${states.length} states, not ${JSON.stringify(loop)}`);
  }
  const varNames = (doc.vars as string[] | undefined)?.filter((v) => !v.startsWith('mbt::')).map(unescapeItfField)
    ?? [...new Set(states.flatMap((s) => s.vars.map(([k]) => k)))];
  return { meta, vars: varNames, states, ...(loop === undefined ? {} : { loop: loop as number }) };
}

/** Reads and decodes an ITF file: a missing file, bad JSON or a document that is not a trace is a TraceLoadError. */
export function readItfFile(path: string): ItfTrace {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new TraceLoadError(`${path}: is a folder; give an .itf.json file`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof TraceLoadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new TraceLoadError(code === 'ENOENT' ? `trace file not found: ${path}` : `${path}: cannot be read (${code ?? (e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TraceLoadError(`${path}: not JSON (${(e as Error).message}); an ITF trace is a JSON file`);
  }
  return decodeItf(doc, path);
}
