/**
 * Showing state values to people: a compact one-line notation (`{ pc: [0, 1], tlb: Map { 0: "P1" } }`), a
 * multi-line one for whole states, and the field-by-field difference between two states that traces print.
 */
import { List, Map as IMap, OrderedMap, OrderedSet, Record as IRecord, Set as ISet, isImmutable } from 'immutable';

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
}

/** One value on one line; with `indent`, a record's top-level fields go on lines of their own. */
export function formatValue(v: unknown, indent = 0): string {
  if (indent > 0 && isRecordLike(v)) {
    const pad = ' '.repeat(indent);
    return entriesOf(v).map(([k, x]) => `${pad}${key(k)} = ${formatValue(x)}`).join('\n');
  }
  return show(v, new Set());
}

function show(v: unknown, seen: Set<unknown>): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  switch (typeof v) {
    case 'string': return JSON.stringify(v);
    case 'number': case 'boolean': case 'bigint': return String(v);
    case 'function': return `[function ${(v as { name?: string }).name || 'anonymous'}]`;
    case 'symbol': return v.toString();
  }
  if (seen.has(v)) return '[cycle]';
  seen.add(v);
  try {
    if (Array.isArray(v)) return `[${v.map((x) => show(x, seen)).join(', ')}]`;
    if (IRecord.isRecord(v)) {
      const name = IRecord.getDescriptiveName(v as IRecord<any>);
      return `${name} { ${entriesOf(v).map(([k, x]) => `${key(k)}: ${show(x, seen)}`).join(', ')} }`;
    }
    if (List.isList(v)) return `List [${(v as List<unknown>).map((x) => show(x, seen)).join(', ')}]`;
    if (IMap.isMap(v)) {
      const name = OrderedMap.isOrderedMap(v) ? 'OrderedMap' : 'Map';
      const parts = [...(v as IMap<unknown, unknown>)].map(([k, x]) => `${show(k, seen)}: ${show(x, seen)}`);
      return `${name} { ${parts.join(', ')} }`;
    }
    if (ISet.isSet(v)) {
      const name = OrderedSet.isOrderedSet(v) ? 'OrderedSet' : 'Set';
      return `${name} { ${[...(v as ISet<unknown>)].map((x) => show(x, seen)).join(', ')} }`;
    }
    if (isImmutable(v)) return String(v);
    const proto = Object.getPrototypeOf(v);
    const prefix = proto !== Object.prototype && proto !== null ? `${proto?.constructor?.name ?? 'object'} ` : '';
    const entries = Object.entries(v as object);
    if (entries.length === 0) return `${prefix}{}`;
    return `${prefix}{ ${entries.map(([k, x]) => `${key(k)}: ${show(x, seen)}`).join(', ')} }`;
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
