/**
 * Decoded ITF values (./itf-reader.ts) shown to people, in the notation of tlats's text traces
 * (checker/output/values.ts): `[1, 2]`, `{ a, b }` for a set, `Map { k: v }`, `{ f: 1 }` for a record, `<<a, b>>` for a
 * tuple, `Tag(v)` for a variant; and the field-by-field difference between two states, which a view shows beside
 * each step. Long collections are elided as in the text traces, unless `full` is asked for.
 */
import type { Value } from './itf-reader.ts';

const ELIDE_AFTER = 12;
const HEAD = 5;
const TAIL = 3;
const LONG_STRING = 200;

function elide<T>(all: readonly T[], full: boolean, one: (x: T) => string): string {
  if (full || all.length <= ELIDE_AFTER) return all.map(one).join(', ');
  return `${all.length.toLocaleString('en-US')} items: ${[...all.slice(0, HEAD).map(one), '…', ...all.slice(-TAIL).map(one)].join(', ')}`;
}

const fieldName = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));

export function formatValue(v: Value, full = false): string {
  const sub = (x: Value) => formatValue(x, full);
  switch (v.kind) {
    case 'bool': return String(v.value);
    case 'int': case 'literal': return v.value;
    case 'str': return full || v.value.length <= LONG_STRING
      ? JSON.stringify(v.value)
      : `${JSON.stringify(v.value.slice(0, 60))}…${JSON.stringify(v.value.slice(-20))} (${v.value.length.toLocaleString('en-US')} characters)`;
    case 'seq': return `[${elide(v.items, full, sub)}]`;
    case 'set': return v.items.length ? `{ ${elide(v.items, full, sub)} }` : '{}';
    case 'tup': return `<<${elide(v.items, full, sub)}>>`;
    case 'map': return v.entries.length ? `Map { ${elide(v.entries, full, ([k, x]) => `${sub(k)}: ${sub(x)}`)} }` : 'Map {}';
    case 'record': return v.fields.length ? `{ ${elide(v.fields, full, ([k, x]) => `${fieldName(k)}: ${sub(x)}`)} }` : '{}';
    case 'variant': return v.value.kind === 'tup' && v.value.items.length === 0 ? v.tag : `${v.tag}(${sub(v.value)})`;
  }
}

/** The number of leaves under a value: how big it is to show. */
export function sizeOf(v: Value): number {
  switch (v.kind) {
    case 'seq': case 'set': case 'tup': return v.items.reduce((n, x) => n + sizeOf(x), 1);
    case 'map': return v.entries.reduce((n, [k, x]) => n + sizeOf(k) + sizeOf(x), 1);
    case 'record': return v.fields.reduce((n, [, x]) => n + sizeOf(x), 1);
    case 'variant': return 1 + sizeOf(v.value);
    default: return 1;
  }
}

export function sameValue(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface Change {
  /** Where, from the variable down: `pc[0]`, `tlb[1].page`, `owner["a"]`. */
  readonly path: string;
  readonly before: Value | undefined;
  readonly after: Value | undefined;
}

/** What changed from one value to the next, as deep as both keep the same shape (as the text traces do). */
export function diffValues(path: string, a: Value | undefined, b: Value | undefined, out: Change[] = []): Change[] {
  if (a && b && sameValue(a, b)) return out;
  if (a && b && a.kind === 'record' && b.kind === 'record') {
    const keys = [...new Set([...a.fields.map(([k]) => k), ...b.fields.map(([k]) => k)])];
    const get = (r: typeof a, k: string) => r.fields.find(([x]) => x === k)?.[1];
    for (const k of keys) diffValues(`${path}.${fieldName(k)}`, get(a, k), get(b, k), out);
    return out;
  }
  if (a && b && (a.kind === 'seq' || a.kind === 'tup') && a.kind === b.kind && a.items.length === b.items.length) {
    a.items.forEach((x, i) => diffValues(`${path}[${i}]`, x, b.items[i], out));
    return out;
  }
  if (a && b && a.kind === 'map' && b.kind === 'map') {
    const key = (k: Value) => JSON.stringify(k);
    const am = new Map(a.entries.map(([k, x]) => [key(k), [k, x] as const]));
    const bm = new Map(b.entries.map(([k, x]) => [key(k), [k, x] as const]));
    for (const k of new Set([...am.keys(), ...bm.keys()])) {
      const shown = (am.get(k) ?? bm.get(k))![0];
      diffValues(`${path}[${formatValue(shown)}]`, am.get(k)?.[1], bm.get(k)?.[1], out);
    }
    return out;
  }
  out.push({ path, before: a, after: b });
  return out;
}
