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

/** What a state's object is, decided once per prototype. Kinds from K_LIST on are immutable values. */
const K_OTHER = 0, K_OBJECT = 1, K_ARRAY = 2, K_LIST = 3, K_RECORD = 4, K_OMAP = 5, K_OSET = 6, K_MAP = 7, K_SET = 8;
const kinds = new Map<object, number>();

function kindOf(obj: object): number {
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto === Object.prototype || proto === null) return K_OBJECT;
  if (proto === Array.prototype) return K_ARRAY;
  let kind = kinds.get(proto);
  if (kind === undefined) {
    // Immutable's predicates read marker properties that live on the prototype, so the answer holds for every
    // object sharing it.
    kind = Array.isArray(obj) ? K_ARRAY : List.isList(obj) ? K_LIST : IRecord.isRecord(obj) ? K_RECORD
      : OrderedMap.isOrderedMap(obj) ? K_OMAP : OrderedSet.isOrderedSet(obj) ? K_OSET
      : IMap.isMap(obj) ? K_MAP : ISet.isSet(obj) ? K_SET : K_OTHER;
    kinds.set(proto, kind);
  }
  return kind;
}

/** A plain object's keys in insertion order, sorted, and each sorted key's encoding. */
interface Shape { readonly order: readonly string[]; readonly sorted: readonly string[]; readonly words: readonly Int32Array[] }
/** Key sequences remembered by each codec. */
const SHAPES = 8;
/** Immutable collections of the last decoded state remembered with their words, at most. */
const REMEMBER = 64;

export class GenericCodec implements Codec {
  readonly fixedWidth = -1;
  buf = new Int32Array(256);
  private len = 0;
  private depth = 0;
  private readonly stack: unknown[] = [];
  private readonly records = new Map<string, RecordFactory>();
  private readonly shapes: Shape[] = [];
  private marks = new Int32Array(64);
  private markTop = 0;
  private order = new Int32Array(16);
  /** The items being sorted start at marks[sortFrom]. */
  private sortFrom = 0;
  private readonly compareBound = (a: number, b: number): number => this.compareItems(a, b);
  /** The last decoded state's words, and the Immutable collections its decode built, each with its word range. */
  private parentWords = new Int32Array(256);
  private readonly rememberedObjects: unknown[] = new Array(REMEMBER).fill(null);
  private readonly rememberedAt = new Int32Array(REMEMBER);
  private readonly rememberedLength = new Int32Array(REMEMBER);
  private remembered = 0;

  encode(state: unknown): number {
    this.len = 0;
    this.depth = 0;
    this.stack.length = 0;
    this.markTop = 0;
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

  /**
   * A string: a head word (length << 1 | narrow), then its characters, four to a word when every one is below
   * 256 (the common case: ids, enum-like names), else two UTF-16 units to a word. Written in one optimistic pass.
   */
  private str(s: string): void {
    const n = s.length;
    this.ensure(1 + ((n + 1) >> 1));
    const buf = this.buf;
    const head = this.len;
    let len = head + 1, w = 0, i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 255) break;
      w |= c << ((i & 3) << 3);
      if ((i & 3) === 3) { buf[len++] = w; w = 0; }
    }
    if (i === n) {
      if ((n & 3) !== 0) buf[len++] = w;
      buf[head] = (n << 1) | 1;
      this.len = len;
      return;
    }
    len = head + 1;
    for (let j = 0; j < n; j += 2) buf[len++] = s.charCodeAt(j) | (j + 1 < n ? s.charCodeAt(j + 1) << 16 : 0);
    buf[head] = n << 1;
    this.len = len;
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
    const kind = kindOf(obj);
    // An Immutable collection the last decode built, unchanged in this successor: its words are the parent's.
    if (kind >= K_LIST && this.copyRemembered(obj)) return;
    if (++this.depth > 64) {
      // Deep enough to suspect a cycle; cut the path at the first time the object was entered.
      const first = this.stack.indexOf(obj);
      if (first >= 0) throw new PathProblem('a cycle: this object contains itself', first);
    }
    this.stack.push(obj);
    switch (kind) {
      case K_OBJECT: this.plainObject(obj as Record<string, unknown>); break;
      case K_ARRAY: {
        const a = obj as unknown[];
        this.push(T_ARR); this.push(a.length);
        for (let i = 0; i < a.length; i++) this.child(a[i], i);
        break;
      }
      case K_LIST: {
        const list = obj as List<unknown>;
        this.push(T_LIST); this.push(list.size);
        let i = 0;
        for (const x of list) this.child(x, i++);
        break;
      }
      case K_RECORD: this.record(obj as IRecord<any>); break;
      case K_OMAP: {
        const m = obj as OrderedMap<unknown, unknown>;
        this.push(T_OMAP); this.push(m.size);
        for (const [k, x] of m) { this.child(k, `key ${String(k)}`); this.child(x, k); }
        break;
      }
      case K_OSET: {
        const st = obj as OrderedSet<unknown>;
        this.push(T_OSET); this.push(st.size);
        for (const x of st) this.child(x, `element ${String(x)}`);
        break;
      }
      case K_MAP: this.sortedMap(obj as IMap<unknown, unknown>); break;
      case K_SET: this.sortedSet(obj as ISet<unknown>); break;
      default: {
        const proto = Object.getPrototypeOf(obj);
        const name = (proto?.constructor?.name as string | undefined) ?? 'unknown';
        throw new PathProblem(`an instance of class ${name} cannot be part of a state (use a plain object or an Immutable.js Record)`);
      }
    }
    this.stack.pop();
    this.depth--;
  }

  /**
   * A plain object, keys in sorted order. Sorting every object's keys on every encode is avoided: the last few
   * key sequences seen (in insertion order) are kept with their sorted order, and an object whose keys come in
   * one of those sequences reuses it.
   */
  private plainObject(rec: Record<string, unknown>): void {
    const shape = this.shapeOf(rec);
    const keys = shape.sorted;
    this.push(T_OBJ); this.push(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const w = shape.words[i]!;
      this.ensure(w.length);
      this.buf.set(w, this.len);
      this.len += w.length;
      this.child(rec[k], k);
    }
  }

  private shapeOf(rec: Record<string, unknown>): Shape {
    const shapes = this.shapes;
    for (let s = 0; s < shapes.length; s++) {
      const shape = shapes[s]!;
      const order = shape.order;
      let i = 0, ok = true;
      for (const k in rec) {
        if (i >= order.length || order[i] !== k) { ok = false; break; }
        i++;
      }
      if (ok && i === order.length) return shape;
    }
    const order = Object.keys(rec);
    const sorted = [...order].sort();
    const shape: Shape = { order, sorted, words: sorted.map((k) => this.stringWords(k)) };
    if (shapes.length >= SHAPES) shapes.pop();
    shapes.unshift(shape);
    return shape;
  }

  /** The words `str(k)` writes for `k`. */
  private stringWords(k: string): Int32Array {
    const saved = this.len;
    this.ensure(2 + ((k.length + 1) >> 1));
    this.str(k);
    const w = this.buf.slice(saved, this.len);
    this.len = saved;
    return w;
  }

  /** Copies the words of `obj` from the last decoded state, if that decode built `obj`; true if it did. */
  private copyRemembered(obj: object): boolean {
    const objs = this.rememberedObjects;
    for (let i = 0; i < this.remembered; i++) {
      if (objs[i] !== obj) continue;
      const at = this.rememberedAt[i]!, n = this.rememberedLength[i]!;
      this.ensure(n);
      this.buf.set(this.parentWords.subarray(at, at + n), this.len);
      this.len += n;
      return true;
    }
    return false;
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

  // Map entries and Set elements are visited with forEach and these callbacks, made once (no iterator or entry
  // arrays per collection); each item's start and key end go on `marks`, a stack shared by nested collections.
  private readonly visitEntry = (x: unknown, k: unknown): void => {
    this.pushMark(this.len);
    this.child(k, `key ${String(k)}`);
    this.pushMark(this.len);
    this.child(x, k);
  };
  private readonly visitElement = (x: unknown): void => {
    this.pushMark(this.len);
    this.child(x, `element ${String(x)}`);
    this.pushMark(this.len);
  };

  private pushMark(at: number): void {
    if (this.markTop === this.marks.length) {
      const bigger = new Int32Array(this.marks.length * 2);
      bigger.set(this.marks);
      this.marks = bigger;
    }
    this.marks[this.markTop++] = at;
  }

  private sortedMap(m: IMap<unknown, unknown>): void {
    this.push(T_MAP); this.push(m.size);
    const from = this.markTop;
    m.forEach(this.visitEntry);
    this.sortItems(from);
  }

  private sortedSet(st: ISet<unknown>): void {
    this.push(T_SET); this.push(st.size);
    const from = this.markTop;
    st.forEach(this.visitElement);
    this.sortItems(from);
  }

  /**
   * The items encoded since mark `from` (pairs of marks: item start, key end), reordered by their keys' words;
   * nothing moves when they already are in order (Immutable's iteration order is stable, so often they are).
   */
  private sortItems(from: number): void {
    const n = (this.markTop - from) >> 1;
    const marks = this.marks;
    const end = this.len;
    this.markTop = from;
    if (n < 2) return;
    const buf = this.buf;
    const order = this.order.length >= n ? this.order : (this.order = new Int32Array(Math.max(n, this.order.length * 2)));
    for (let i = 0; i < n; i++) order[i] = i;
    this.sortFrom = from;
    let moved = false;
    if (n <= 16) {
      for (let i = 1; i < n; i++) {
        const x = order[i]!;
        let j = i - 1;
        while (j >= 0 && this.compareItems(order[j]!, x) > 0) { order[j + 1] = order[j]!; j--; moved = true; }
        order[j + 1] = x;
      }
    } else {
      const sortedOrder = Array.from(order.subarray(0, n)).sort(this.compareBound);
      for (let i = 0; i < n; i++) { if (order[i] !== sortedOrder[i]) moved = true; order[i] = sortedOrder[i]!; }
    }
    if (!moved) return;
    const base = marks[from]!;
    const copy = buf.slice(base, end);
    let out = base;
    for (let r = 0; r < n; r++) {
      const i = order[r]!;
      const s = marks[from + 2 * i]! - base;
      const e = (i + 1 < n ? marks[from + 2 * i + 2]! : end) - base;
      buf.set(copy.subarray(s, e), out);
      out += e - s;
    }
  }

  /** Items a and b of the collection being sorted, by their keys' words (Set elements: the whole element). */
  private compareItems(a: number, b: number): number {
    const marks = this.marks, buf = this.buf, from = this.sortFrom;
    const sa = marks[from + 2 * a]!, ea = marks[from + 2 * a + 1]!, sb = marks[from + 2 * b]!, eb = marks[from + 2 * b + 1]!;
    const len = Math.min(ea - sa, eb - sb);
    for (let i = 0; i < len; i++) {
      const d = buf[sa + i]! - buf[sb + i]!;
      if (d !== 0) return d;
    }
    return (ea - sa) - (eb - sb);
  }

  /**
   * Decodes a state, keeping a copy of its words and remembering the Immutable collections it builds (with their
   * word ranges): the spec's successors share most of those objects with this state, and `encode` then copies
   * their words instead of encoding them again.
   */
  decode(words: Int32Array, start: number, length: number): unknown {
    if (this.parentWords.length < length) this.parentWords = new Int32Array(Math.max(length, 2 * this.parentWords.length));
    this.parentWords.set(words.subarray(start, start + length));
    this.rememberedObjects.fill(null, 0, this.remembered);
    this.remembered = 0;
    this.pos = 0;
    this.words = this.parentWords;
    return this.read();
  }

  /** Reserves a remembered slot for the collection whose tag is at `at` (pre-order, so outer ones come first). */
  private reserve(): number {
    return this.remembered < REMEMBER ? this.remembered++ : -1;
  }

  private remember(slot: number, at: number, obj: unknown): unknown {
    if (slot >= 0) {
      this.rememberedObjects[slot] = obj;
      this.rememberedAt[slot] = at;
      this.rememberedLength[slot] = this.pos - at;
    }
    return obj;
  }

  private pos = 0;
  private words: Int32Array = this.buf;

  private readStr(): string {
    const words = this.words;
    const head = words[this.pos++]!;
    const n = head >>> 1;
    let s = '';
    if ((head & 1) !== 0) {
      for (let i = 0; i < n; i += 4) {
        const w = words[this.pos++]!;
        const left = n - i;
        s += left >= 4 ? String.fromCharCode(w & 255, (w >>> 8) & 255, (w >>> 16) & 255, w >>> 24)
          : left === 3 ? String.fromCharCode(w & 255, (w >>> 8) & 255, (w >>> 16) & 255)
            : left === 2 ? String.fromCharCode(w & 255, (w >>> 8) & 255) : String.fromCharCode(w & 255);
      }
    } else {
      for (let i = 0; i < n; i += 2) {
        const w = words[this.pos++]!;
        s += i + 1 < n ? String.fromCharCode(w & 0xffff, w >>> 16) : String.fromCharCode(w & 0xffff);
      }
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
        const at = this.pos - 1, slot = this.reserve();
        const n = this.words[this.pos++]!;
        const a = new Array(n);
        for (let i = 0; i < n; i++) a[i] = this.read();
        return this.remember(slot, at, List(a));
      }
      case T_MAP: case T_OMAP: {
        const at = this.pos - 1, slot = this.reserve();
        const n = this.words[this.pos++]!;
        const entries: [unknown, unknown][] = [];
        for (let i = 0; i < n; i++) { const k = this.read(); entries.push([k, this.read()]); }
        return this.remember(slot, at, tag === T_MAP ? IMap(entries) : OrderedMap(entries));
      }
      case T_SET: case T_OSET: {
        const at = this.pos - 1, slot = this.reserve();
        const n = this.words[this.pos++]!;
        const a: unknown[] = [];
        for (let i = 0; i < n; i++) a.push(this.read());
        return this.remember(slot, at, tag === T_SET ? ISet(a) : OrderedSet(a));
      }
      case T_REC: {
        const at = this.pos - 1, slot = this.reserve();
        const name = this.readStr();
        const n = this.words[this.pos++]!;
        const keys: string[] = [];
        const values: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) { const k = this.readStr(); keys.push(k); values[k] = this.read(); }
        const factory = this.records.get(`${name}\u0000${keys.join('\u0000')}`);
        if (!factory) throw new Error(`cannot rebuild Record ${name}: its factory was never seen by this thread`);
        return this.remember(slot, at, new factory(values));
      }
      default: throw new Error(`corrupt encoding: tag ${tag} at word ${this.pos - 1}`);
    }
  }
}
