/**
 * The generic canonical encoding: any JSON-like state (plain objects, arrays, strings, numbers, booleans, null)
 * and Immutable.js List, Map, Set, OrderedMap, OrderedSet and Record, written as 32-bit words.
 *
 * Canonical: two states equal as values encode to the same words however they were built. Plain object keys are
 * written sorted; Map entries and Set elements are sorted by their own encoding (so insertion order does not
 * matter); -0 is written as 0. OrderedMap and OrderedSet keep their order, as Immutable's own equality does.
 * Values that have no value semantics (functions, undefined, NaN, symbols, bigints, class instances, cycles) are
 * refused with the path where they sit, e.g. `state.tlb[0].page`.
 *
 * Decoding gives back plain objects (keys in sorted order), arrays and fresh Immutable collections. Records are
 * rebuilt through their factory, which this module remembers when it first encodes one (keyed by the record's
 * name and keys).
 */
import { List, Map as IMap, OrderedMap, OrderedSet, Record as IRecord, Set as ISet } from 'immutable';
import { EncodeError } from '../errors.ts';
import type { Codec } from './codec.ts';

const T_NULL = 1, T_FALSE = 2, T_TRUE = 3, T_INT = 4, T_FLOAT = 5, T_STR = 6, T_ARR = 7, T_OBJ = 8;
const T_LIST = 9, T_MAP = 10, T_SET = 11, T_OMAP = 12, T_OSET = 13, T_REC = 14;

const f64 = new Float64Array(1);
const f64words = new Int32Array(f64.buffer);

/** Thrown inside the recursion; each level adds its path segment on the way out. */
class PathProblem extends Error {
  segments: string[] = [];
  /** For a cycle: how many path segments lead to the object that contains itself (the rest repeat the loop). */
  constructor(readonly problem: string, readonly keep?: number) { super(problem); }
}

function segmentFor(key: unknown): string {
  if (typeof key === 'number') return `[${key}]`;
  if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) return `.${key}`;
  return `[${JSON.stringify(key) ?? String(key)}]`;
}

function describeBad(v: unknown): string | undefined {
  switch (typeof v) {
    case 'function': return 'a function cannot be part of a state';
    case 'undefined': return 'undefined cannot be part of a state (use null, or leave the field out of every state)';
    case 'symbol': return 'a symbol cannot be part of a state';
    case 'bigint': return 'a bigint cannot be part of a state (use a number)';
    case 'number': return Number.isNaN(v) ? 'NaN cannot be part of a state' : !Number.isFinite(v) ? `${v} cannot be part of a state` : undefined;
  }
  return undefined;
}

interface RecordFactory { new (values?: unknown): unknown }

export class GenericCodec implements Codec {
  readonly fixedWidth = -1;
  buf = new Int32Array(256);
  private len = 0;
  private depth = 0;
  private readonly stack: unknown[] = [];
  private readonly records = new Map<string, RecordFactory>();

  encode(state: unknown): number {
    this.len = 0;
    this.depth = 0;
    this.stack.length = 0;
    try {
      this.value(state);
    } catch (e) {
      if (e instanceof PathProblem) {
        const segments = e.keep === undefined ? e.segments : e.segments.slice(0, e.keep);
        throw new EncodeError(`state${segments.join('')}`, e.problem);
      }
      throw e;
    }
    return this.len;
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const bigger = new Int32Array(size);
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }

  private push(w: number): void {
    if (this.len === this.buf.length) this.ensure(1);
    this.buf[this.len++] = w;
  }

  private str(s: string): void {
    const n = s.length;
    this.ensure(2 + ((n + 1) >> 1));
    this.buf[this.len++] = n;
    for (let i = 0; i < n; i += 2) {
      this.buf[this.len++] = s.charCodeAt(i) | (i + 1 < n ? s.charCodeAt(i + 1) << 16 : 0);
    }
  }

  private child(v: unknown, key: unknown): void {
    try {
      this.value(v);
    } catch (e) {
      if (e instanceof PathProblem) e.segments.unshift(segmentFor(key));
      throw e;
    }
  }

  private value(v: unknown): void {
    if (v === null) return this.push(T_NULL);
    switch (typeof v) {
      case 'boolean': return this.push(v ? T_TRUE : T_FALSE);
      case 'number':
        if ((v | 0) === v) { this.push(T_INT); this.push(v); return; }
        if (Number.isFinite(v)) {
          f64[0] = v === 0 ? 0 : v;
          this.push(T_FLOAT); this.push(f64words[0]!); this.push(f64words[1]!);
          return;
        }
        throw new PathProblem(describeBad(v)!);
      case 'string': this.push(T_STR); this.str(v); return;
      case 'object': break;
      default: throw new PathProblem(describeBad(v) ?? `a ${typeof v} cannot be part of a state`);
    }
    const obj = v as object;
    if (++this.depth > 64) {
      // Deep enough to suspect a cycle; cut the path at the first time the object was entered.
      const first = this.stack.indexOf(obj);
      if (first >= 0) throw new PathProblem('a cycle: this object contains itself', first);
    }
    this.stack.push(obj);
    if (Array.isArray(obj)) {
      this.push(T_ARR); this.push(obj.length);
      for (let i = 0; i < obj.length; i++) this.child(obj[i], i);
    } else if (List.isList(obj)) {
      const list = obj as List<unknown>;
      this.push(T_LIST); this.push(list.size);
      let i = 0;
      for (const x of list) this.child(x, i++);
    } else if (IRecord.isRecord(obj)) {
      this.record(obj as IRecord<any>);
    } else if (OrderedMap.isOrderedMap(obj)) {
      const m = obj as OrderedMap<unknown, unknown>;
      this.push(T_OMAP); this.push(m.size);
      for (const [k, x] of m) { this.child(k, `key ${String(k)}`); this.child(x, k); }
    } else if (OrderedSet.isOrderedSet(obj)) {
      const s = obj as OrderedSet<unknown>;
      this.push(T_OSET); this.push(s.size);
      for (const x of s) this.child(x, `element ${String(x)}`);
    } else if (IMap.isMap(obj)) {
      const m = obj as IMap<unknown, unknown>;
      this.sorted(T_MAP, m.size, m.entries(), true);
    } else if (ISet.isSet(obj)) {
      const s = obj as ISet<unknown>;
      this.sorted(T_SET, s.size, s.values(), false);
    } else {
      const proto = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) {
        const name = (proto?.constructor?.name as string | undefined) ?? 'unknown';
        throw new PathProblem(`an instance of class ${name} cannot be part of a state (use a plain object or an Immutable.js Record)`);
      }
      const rec = obj as Record<string, unknown>;
      const keys = Object.keys(rec).sort();
      this.push(T_OBJ); this.push(keys.length);
      for (const k of keys) { this.str(k); this.child(rec[k], k); }
    }
    this.stack.pop();
    this.depth--;
  }

  private record(r: IRecord<any>): void {
    const name = IRecord.getDescriptiveName(r);
    const obj = r.toObject() as Record<string, unknown>;
    const keys = Object.keys(obj);
    const id = `${name}\u0000${keys.join('\u0000')}`;
    if (!this.records.has(id)) this.records.set(id, r.constructor as unknown as RecordFactory);
    this.push(T_REC); this.str(name); this.push(keys.length);
    for (const k of keys) { this.str(k); this.child(obj[k], k); }
  }

  /** Map entries or Set elements, each encoded once, then written in the order of their encodings. */
  private sorted(tag: number, size: number, items: Iterator<unknown>, isMap: boolean): void {
    this.push(tag); this.push(size);
    const base = this.len;
    const starts: number[] = [];
    const keyEnds: number[] = [];
    for (let r = items.next(); !r.done; r = items.next()) {
      starts.push(this.len);
      if (isMap) {
        const [k, x] = r.value as [unknown, unknown];
        this.child(k, `key ${String(k)}`);
        keyEnds.push(this.len);
        this.child(x, k);
      } else {
        this.child(r.value, `element ${String(r.value)}`);
        keyEnds.push(this.len);
      }
    }
    const end = this.len;
    const buf = this.buf;
    const order = starts.map((_, i) => i);
    order.sort((a, b) => {
      const sa = starts[a]!, ea = keyEnds[a]!, sb = starts[b]!, eb = keyEnds[b]!;
      const n = Math.min(ea - sa, eb - sb);
      for (let i = 0; i < n; i++) {
        const d = buf[sa + i]! - buf[sb + i]!;
        if (d !== 0) return d;
      }
      return (ea - sa) - (eb - sb);
    });
    const copy = buf.slice(base, end);
    let out = base;
    for (const i of order) {
      const s = starts[i]! - base;
      const e = (i + 1 < starts.length ? starts[i + 1]! : end) - base;
      buf.set(copy.subarray(s, e), out);
      out += e - s;
    }
  }

  decode(words: Int32Array, start: number, _length: number): unknown {
    this.pos = start;
    this.words = words;
    return this.read();
  }

  private pos = 0;
  private words: Int32Array = this.buf;

  private readStr(): string {
    const n = this.words[this.pos++]!;
    let s = '';
    for (let i = 0; i < n; i += 2) {
      const w = this.words[this.pos++]!;
      s += String.fromCharCode(w & 0xffff);
      if (i + 1 < n) s += String.fromCharCode(w >>> 16);
    }
    return s;
  }

  private read(): unknown {
    const tag = this.words[this.pos++];
    switch (tag) {
      case T_NULL: return null;
      case T_FALSE: return false;
      case T_TRUE: return true;
      case T_INT: return this.words[this.pos++];
      case T_FLOAT:
        f64words[0] = this.words[this.pos++]!; f64words[1] = this.words[this.pos++]!;
        return f64[0];
      case T_STR: return this.readStr();
      case T_ARR: {
        const n = this.words[this.pos++]!;
        const a = new Array(n);
        for (let i = 0; i < n; i++) a[i] = this.read();
        return a;
      }
      case T_OBJ: {
        const n = this.words[this.pos++]!;
        const o: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) { const k = this.readStr(); o[k] = this.read(); }
        return o;
      }
      case T_LIST: {
        const n = this.words[this.pos++]!;
        const a = new Array(n);
        for (let i = 0; i < n; i++) a[i] = this.read();
        return List(a);
      }
      case T_MAP: case T_OMAP: {
        const n = this.words[this.pos++]!;
        const entries: [unknown, unknown][] = [];
        for (let i = 0; i < n; i++) { const k = this.read(); entries.push([k, this.read()]); }
        return tag === T_MAP ? IMap(entries) : OrderedMap(entries);
      }
      case T_SET: case T_OSET: {
        const n = this.words[this.pos++]!;
        const a: unknown[] = [];
        for (let i = 0; i < n; i++) a.push(this.read());
        return tag === T_SET ? ISet(a) : OrderedSet(a);
      }
      case T_REC: {
        const name = this.readStr();
        const n = this.words[this.pos++]!;
        const keys: string[] = [];
        const values: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) { const k = this.readStr(); keys.push(k); values[k] = this.read(); }
        const factory = this.records.get(`${name}\u0000${keys.join('\u0000')}`);
        if (!factory) throw new Error(`cannot rebuild Record ${name}: its factory was never seen by this thread`);
        return new factory(values);
      }
      default: throw new Error(`corrupt encoding: tag ${tag} at word ${this.pos - 1}`);
    }
  }
}
