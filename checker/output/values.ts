/**
 * Showing state values to people: a compact one-line notation (`{ pc: [0, 1], tlb: Map { 0: "P1" } }`), a
 * multi-line one for whole states, and the field-by-field difference between two states that traces print.
 *
 * Long values are elided unless `full` is asked for (`--full-trace`): a collection of more than ELIDE_AFTER items
 * shows its size, its first and its last few items (`[1,000,000 items: 0, 0, 0, 0, 0, …, 0, 0, 0]`), and a long
 * string its ends and its length. A trace or an error message then stays readable whatever the spec holds.
 */
import { List, Map as IMap, OrderedMap, OrderedSet, Record as IRecord, Set as ISet, isImmutable } from 'immutable';
import { formatCount } from '../units.ts';

export interface FormatOptions {
  /** Put a record's top-level fields on lines of their own, indented by this many spaces. */
  readonly indent?: number;
  /** Show every item of every collection and whole strings. */
  readonly full?: boolean;
}

/** Collections longer than this are elided. */
export const ELIDE_AFTER = 12;
const HEAD = 5;
const TAIL = 3;
const LONG_STRING = 200;

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
}

/** One value on one line; with `indent`, a record's top-level fields go on lines of their own. */
export function formatValue(v: unknown, opts: FormatOptions = {}): string {
  const full = opts.full === true;
  if (opts.indent && opts.indent > 0 && isRecordLike(v)) {
    const pad = ' '.repeat(opts.indent);
    return items(entriesOf(v), full).map((e) => (e === ELIDED ? `${pad}…` : `${pad}${key(e[0])} = ${show(e[1], new Set(), full)}`)).join('\n');
  }
  return show(v, new Set(), full);
}

/** Where `items` left items out. */
export const ELIDED = Symbol('elided');

/** The items to show: all of them, or the first and last few with a marker between. */
export function items<T>(all: readonly T[], full: boolean): (T | typeof ELIDED)[] {
  if (full || all.length <= ELIDE_AFTER) return [...all];
  return [...all.slice(0, HEAD), ELIDED, ...all.slice(all.length - TAIL)];
}

/** `open items close`, with the size in front when elided: `[1,000 items: 0, 1, …, 999]`. */
function join<T>(open: string, close: string, all: readonly T[], full: boolean, noun: string, one: (x: T) => string): string {
  if (all.length === 0) return `${open}${close}`;
  const shown = items(all, full).map((x) => (x === ELIDED ? '…' : one(x as T)));
  const count = shown.length < all.length ? `${formatCount(all.length)} ${noun}: ` : '';
  const spaced = open.endsWith('{');
  return spaced ? `${open} ${count}${shown.join(', ')} ${close}` : `${open}${count}${shown.join(', ')}${close}`;
}

function showString(s: string, full: boolean): string {
  if (full || s.length <= LONG_STRING) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, 60))}…${JSON.stringify(s.slice(-20))} (${formatCount(s.length)} characters)`;
}

function show(v: unknown, seen: Set<unknown>, full: boolean): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  switch (typeof v) {
    case 'string': return showString(v, full);
    case 'number': case 'boolean': case 'bigint': return String(v);
    case 'function': return `[function ${(v as { name?: string }).name || 'anonymous'}]`;
    case 'symbol': return v.toString();
  }
  if (seen.has(v)) return '[cycle]';
  seen.add(v);
  const sub = (x: unknown) => show(x, seen, full);
  const field = ([k, x]: [string, unknown]) => `${key(k)}: ${sub(x)}`;
  try {
    if (Array.isArray(v)) return join('[', ']', v, full, 'items', sub);
    if (IRecord.isRecord(v)) return join(`${IRecord.getDescriptiveName(v as IRecord<any>)} {`, '}', entriesOf(v), full, 'fields', field);
    if (List.isList(v)) return join('List [', ']', (v as List<unknown>).toArray(), full, 'items', sub);
    if (IMap.isMap(v)) {
      const name = OrderedMap.isOrderedMap(v) ? 'OrderedMap' : 'Map';
      return join(`${name} {`, '}', [...(v as IMap<unknown, unknown>)], full, 'entries', ([k, x]) => `${sub(k)}: ${sub(x)}`);
    }
    if (ISet.isSet(v)) {
      const name = OrderedSet.isOrderedSet(v) ? 'OrderedSet' : 'Set';
      return join(`${name} {`, '}', [...(v as ISet<unknown>)], full, 'elements', sub);
    }
    if (isImmutable(v)) return String(v);
    const proto = Object.getPrototypeOf(v);
    const prefix = proto !== Object.prototype && proto !== null ? `${proto?.constructor?.name ?? 'object'} ` : '';
    return join(`${prefix}{`, '}', Object.entries(v as object), full, 'fields', field);
  } finally {
    seen.delete(v);
  }
}

function isRecordLike(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && (IRecord.isRecord(v) || !isImmutable(v));
}

function entriesOf(v: unknown): [string, unknown][] {
  if (IRecord.isRecord(v)) return Object.entries((v as IRecord<any>).toObject());
  return Object.entries(v as object);
}

export interface Change { path: string; before: unknown; after: unknown }

/**
 * The leaves that differ between two states, by path (`pc[1]`, `tlb.dev0`). Records, plain objects and arrays of
 * equal length are compared field by field; anything else that differs is reported whole.
 */
export function diffStates(before: unknown, after: unknown, path = ''): Change[] {
  if (sameValue(before, after)) return [];
  const bothArrays = Array.isArray(before) && Array.isArray(after) && before.length === after.length;
  if (bothArrays) {
    return (before as unknown[]).flatMap((x, i) => diffStates(x, (after as unknown[])[i], `${path}[${i}]`));
  }
  if (isRecordLike(before) && isRecordLike(after) && !Array.isArray(before) && !Array.isArray(after)) {
    const a = new Map(entriesOf(before));
    const b = new Map(entriesOf(after));
    const keys = [...new Set([...a.keys(), ...b.keys()])];
    return keys.flatMap((k) => diffStates(a.get(k), b.get(k), path ? `${path}.${k}` : k));
  }
  return [{ path: path || 'state', before, after }];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isImmutable(a) && isImmutable(b)) return (a as { equals(o: unknown): boolean }).equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !isImmutable(a) && !isImmutable(b)) {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => sameValue((a as any)[k], (b as any)[k]));
  }
  return false;
}
