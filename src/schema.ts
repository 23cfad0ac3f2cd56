/**
 * Typed state schemas. A spec that declares the shape of its state gets two things: every state is checked
 * against the schema (a free TypeOK), and the engine encodes states with a compiled, bit-packed codec instead
 * of the generic canonical one (see docs/design.md). Each constructor returns a plain descriptor; the checker
 * compiles it (checker/codec/schema-codec.ts). The `__type` field is a phantom that carries the TypeScript type
 * of the values the schema accepts, so `Infer<typeof schema>` gives the state type.
 */
import type { List as IList, Map as IMap, Set as ISet } from 'immutable';

/** A JSON primitive that may appear in an enum. */
export type EnumValue = string | number | boolean | null;

export interface IntSchema { readonly kind: 'int'; readonly min: number; readonly max: number; readonly __type?: number }
export interface BoolSchema { readonly kind: 'bool'; readonly __type?: boolean }
export interface EnumSchema<V extends EnumValue = EnumValue> {
  readonly kind: 'enum'; readonly values: readonly V[]; readonly __type?: V;
}
export interface RecordSchema<F extends Record<string, Schema> = Record<string, Schema>> {
  readonly kind: 'record'; readonly fields: F; readonly __type?: { [K in keyof F]: Infer<F[K]> };
}
export interface ArraySchema<E extends Schema = Schema> {
  readonly kind: 'array'; readonly element: E; readonly length: number; readonly __type?: Infer<E>[];
}
export interface ListSchema<E extends Schema = Schema> {
  readonly kind: 'list'; readonly element: E; readonly maxLength: number; readonly __type?: IList<Infer<E>>;
}
export interface MapSchema<K extends EnumValue = EnumValue, V extends Schema = Schema> {
  readonly kind: 'map'; readonly keys: readonly K[]; readonly value: V; readonly __type?: IMap<K, Infer<V>>;
}
export interface SetSchema<V extends EnumValue = EnumValue> {
  readonly kind: 'set'; readonly domain: readonly V[]; readonly __type?: ISet<V>;
}

export type Schema =
  | IntSchema | BoolSchema | EnumSchema | RecordSchema | ArraySchema | ListSchema | MapSchema | SetSchema;

/** The TypeScript type of the values a schema accepts. */
export type Infer<S> = S extends { readonly __type?: infer T } ? T : never;

function checkDomain(what: string, values: readonly EnumValue[]): void {
  if (values.length === 0) throw new Error(`${what}: the domain must not be empty`);
  const seen = new Set<EnumValue>();
  for (const v of values) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${what}: ${v} is not a finite number`);
    if (seen.has(v)) throw new Error(`${what}: ${JSON.stringify(v)} appears twice in the domain`);
    seen.add(v);
  }
}

/** Schema constructors: `t.record({ pc: t.array(t.int(0, 4), 3) })`. */
export const t = {
  /** An integer in min..max (both inclusive). */
  int(min: number, max: number): IntSchema {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
      throw new Error(`t.int(${min}, ${max}): bounds must be integers with min <= max`);
    }
    if (min < -(2 ** 31) || max > 2 ** 31 - 1 || max - min >= 2 ** 31) {
      throw new Error(`t.int(${min}, ${max}): bounds must be 32-bit integers, fewer than 2^31 values apart`);
    }
    return { kind: 'int', min, max };
  },
  bool(): BoolSchema {
    return { kind: 'bool' };
  },
  /** One of a fixed list of primitive values (strings, numbers, booleans, null). */
  enum<const V extends EnumValue>(...values: V[]): EnumSchema<V> {
    checkDomain('t.enum', values);
    return { kind: 'enum', values };
  },
  /** A plain object with exactly these fields. */
  record<const F extends Record<string, Schema>>(fields: F): RecordSchema<F> {
    return { kind: 'record', fields };
  },
  /** A plain JS array of exactly `length` elements. */
  array<E extends Schema>(element: E, length: number): ArraySchema<E> {
    if (!Number.isInteger(length) || length < 0) throw new Error(`t.array: length ${length} is not a natural number`);
    return { kind: 'array', element, length };
  },
  /** An Immutable.js List of at most `maxLength` elements. */
  list<E extends Schema>(element: E, maxLength: number): ListSchema<E> {
    if (!Number.isInteger(maxLength) || maxLength < 0) throw new Error(`t.list: maxLength ${maxLength} is not a natural number`);
    return { kind: 'list', element, maxLength };
  },
  /** An Immutable.js Map whose keys come from a finite domain (any subset of keys may be present). */
  map<const K extends EnumValue, V extends Schema>(keys: readonly K[], value: V): MapSchema<K, V> {
    checkDomain('t.map', keys);
    return { kind: 'map', keys, value };
  },
  /** An Immutable.js Set of elements from a finite domain. */
  set<const V extends EnumValue>(domain: readonly V[]): SetSchema<V> {
    checkDomain('t.set', domain);
    return { kind: 'set', domain };
  },
} as const;
