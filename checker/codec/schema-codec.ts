/**
 * The compiled, bit-packed codec for specs that declare a schema (src/schema.ts).
 *
 * Every leaf of the schema (an int, bool or enum; a list's size; a map key's presence; a set element) gets a fixed
 * bit field: ceil(log2(number of values)) bits, packed into 32-bit words without straddling a word boundary. The
 * layout is fixed per schema, so the encoding is canonical by construction (a map is written in its key domain's
 * order, a set as a bitmask) and every state has the same word count.
 *
 * The encoder and decoder are generated as straight-line JS (new Function) from the schema: no interpretation, no
 * allocation in the encoder, about 60 ns for a 20-field state. The generated encoder also checks every value
 * against the schema (type, range, exact key set); when it refuses a state, `explain` walks the schema slowly to
 * say where and why.
 *
 * Large schemas. Straight-line code is the fast path, but it is as long as the state has leaves, and a function
 * with a million locals overflows the stack when it runs. So the code is unrolled only up to a size, and loops
 * above it; the generated code is then as long as the schema's description, not as its number of leaves:
 *
 * - A node's unrolled size is the number of schema nodes its unrolled code visits, itself included (an array of
 *   L ints: 1 + L; a list: 1 + 1 + max × element; a map: 1 + keys × (1 + value); a set: 1 + domain).
 * - An array, list, map or set whose contents (its unrolled size − 1) exceed LOOP_ABOVE = 256 nodes is compiled in
 *   loop form. 256 keeps every schema of the specs and benchmarks unrolled with the layout it always had (the
 *   filter lock's arrays have at most 8 elements; the largest spec schema has 26 nodes), and at 256 elements a
 *   loop costs about what the unrolled code does (both about 2 ns per element when measured), while the unrolled
 *   function is still small enough for V8 to optimise (unrolled, two arrays of 1,024 took 177 ns per element).
 * - Loop form: the element (for a map, a presence bit and the value) is compiled once into its own generated
 *   function (a "unit", laid out from bit 0 of a fresh word) and the loop calls it for element i. The elements get
 *   a periodic layout in a region that starts at a fresh word: an element of w ≤ 32 bits takes bits
 *   (i mod p)·w of word ⌊i / p⌋ with p = ⌊32 / w⌋ elements per word; a wider element takes E whole words, element i
 *   at word i·E. A set over a large domain is a bitmask region, element i at bit i mod 32 of word ⌊i / 32⌋. The
 *   region is written straight into the output buffer (what follows it starts at a fresh word); the list's size
 *   stays a field before it. Arrays and lists are encoded in order, a narrow element's bits gathered into a word
 *   that is stored when full; a list's unused slots are then zeroed. Maps and sets zero their region and iterate
 *   their entries, looking each key up in a Map from domain value to index (a key outside the domain is refused;
 *   Immutable's keys are unique, so no count is needed).
 * - A record whose inline cost (its unrolled size, with loop-form nodes counted as 1) exceeds SPLIT_ABOVE = 4096
 *   nodes (a record with thousands of fields, or of hundreds of arrays just below the loop threshold) has its
 *   fields split into consecutive groups of at most that cost, each compiled into a unit of its own in a region at
 *   a fresh word; the decoder spreads the groups' objects into one. 4096 splits no ordinary record, and keeps each
 *   generated function's locals (about one per node) far below what overflows V8's stack (about 100,000).
 * - An enum of more than ENUM_SWITCH_MAX = 64 values is encoded through a Map lookup instead of a switch (so that
 *   its code, repeated in unrolled arrays, stays short; the specs' largest enum has 21 values).
 * - The loop forms over Lists, Maps and Sets allocate their iterators; everything else stays allocation-free.
 *
 * Units are memoised per schema object, so a schema that shares sub-schemas compiles each once. Schemas that are
 * truly unreasonable are refused when the codec is built, with the path of the node in the schema: an encoding of
 * more than MAX_WORDS = 2^20 words (4 MiB) per state, or nesting deeper than MAX_DEPTH = 200 levels (also what a
 * cyclic schema object gives).
 */
import { List, Map as IMap, OrderedMap, OrderedSet, Set as ISet } from 'immutable';
import type {
  ArraySchema, EnumValue, ListSchema, MapSchema, RecordSchema, Schema, SeqSchema, SetOfSchema, SetSchema, TupleSchema, UnionSchema,
} from '../../src/schema.ts';
import { EncodeError } from '../errors.ts';
import type { Codec } from './codec.ts';

/** A collection whose unrolled contents exceed this many schema nodes is compiled as a loop. */
export const LOOP_ABOVE = 256;
/** A record whose inline cost exceeds this many schema nodes is split into groups compiled separately. */
export const SPLIT_ABOVE = 4096;
/** An enum of more values than this is encoded through a Map lookup instead of a switch. */
export const ENUM_SWITCH_MAX = 64;
/** The most words an encoded state may take. */
export const MAX_WORDS = 2 ** 20;
/** The deepest a schema may nest (the root is level 1). */
export const MAX_DEPTH = 200;
/** A set of structured elements whose element encoding has at most this many bits is a bitset over the encodings. */
export const SET_BITSET_MAX_BITS = 12;

function bitsFor(count: number): number {
  let bits = 0;
  while (2 ** bits < count) bits++;
  return bits;
}

interface Field { word: number; shift: number; width: number }

/** Assigns bit fields in schema order, and regions of whole words that out-of-line code writes. */
class Layout {
  word = 0;
  shift = 0;
  words = 1;
  /** [start, length] of each region, in increasing order. */
  readonly regions: [number, number][] = [];
  /** The current word is not allocated yet (it is the word just after a region). */
  private fresh = false;

  field(width: number): Field {
    if (width === 0) return { word: this.word, shift: 0, width: 0 };
    if (this.fresh) { this.fresh = false; this.words = this.word + 1; }
    else if (this.shift + width > 32) { this.word++; this.shift = 0; this.words = this.word + 1; }
    const f = { word: this.word, shift: this.shift, width };
    this.shift += width;
    return f;
  }

  /** Allocates `length` whole words starting at a fresh word; returns the first. */
  region(length: number): number {
    if (length === 0) return this.word;
    if (!this.fresh && this.shift > 0) this.word++;
    const start = this.word;
    this.regions.push([start, length]);
    this.word = start + length;
    this.shift = 0;
    this.fresh = true;
    this.words = Math.max(this.words, this.word);
    return start;
  }

  /** The words that are not in a region: local variables of the generated code. */
  locals(): number[] {
    const out: number[] = [];
    let w = 0;
    for (const [start, length] of this.regions) {
      for (; w < start; w++) out.push(w);
      w = start + length;
    }
    for (; w < this.words; w++) out.push(w);
    return out;
  }
}

const lit = (v: EnumValue): string => (v === null ? 'null' : JSON.stringify(v));
const prop = (name: string): string => `[${JSON.stringify(name)}]`;
const count = (n: number): string => n.toLocaleString('en-US');
const shortPath = (path: string): string => (path.length > 200 ? `${path.slice(0, 120)}…${path.slice(-60)}` : path);

function tooDeep(path: string): Error {
  return new Error(`${shortPath(path)}: the schema nests more than ${MAX_DEPTH} levels deep, the limit (is it cyclic?)`);
}

function describe(s: Schema): string {
  switch (s.kind) {
    case 'array': return `an array of ${count(s.length)} elements`;
    case 'list': return `a list of at most ${count(s.maxLength)} elements`;
    case 'map': return `a map over ${count(s.keys.length)} keys`;
    case 'set': return `a set over ${count(s.domain.length)} values`;
    case 'record': return `a record of ${count(Object.keys(s.fields).length)} fields`;
    case 'tuple': return `a tuple of ${count(s.elements.length)} elements`;
    case 'union': return `a union of ${count(s.variants.length)} variants`;
    case 'setOf': return `a set of ${shape(s.element)}`;
    case 'seq': return `a sequence of at most ${count(s.maxLength)} elements`;
    default: return `a ${s.kind}`;
  }
}

/** A schema's shape in a line, for messages: `{type: "1a", bal}`, `[int, bool]`. */
function shape(s: Schema): string {
  switch (s.kind) {
    case 'record': return `{${Object.entries(s.fields).map(([k, f]) => (f.kind === 'enum' && f.values.length === 1 ? `${k}: ${lit(f.values[0]!)}` : k)).join(', ')}}`;
    case 'tuple': return `[${s.elements.map(shape).join(', ')}]`;
    case 'union': return s.variants.map(shape).join(' | ');
    case 'enum': return s.values.length <= 4 ? s.values.map(lit).join(' | ') : `an enum of ${s.values.length} values`;
    case 'int': return `${s.min}..${s.max}`;
    default: return describe(s);
  }
}

function tooWide(path: string, what: string, words: number): Error {
  return new Error(`${shortPath(path)}: ${what} takes ${count(words)} words per state, over the limit of `
    + `${count(MAX_WORDS)} words (2^20, 4 MiB) per state`);
}

/** A generated function pair for one schema node (or record group), laid out from bit 0 of a fresh word. */
interface Unit {
  readonly id: number;
  /** No regions and one word: the element's bits are OR-ed into a word at a shift. */
  readonly narrow: boolean;
  /** The bits of a narrow unit. */
  readonly width: number;
  /** The words the unit takes: 0 or 1 for a narrow unit. */
  readonly words: number;
}

interface Info { readonly size: number; readonly height: number }

/** What all the units of one codec share: the constants, the generated functions, and the memos. */
class Program {
  readonly constants: unknown[] = [];
  readonly fns: string[] = [];
  private ids = 0;
  private readonly info = new WeakMap<Schema, Info>();
  private readonly costs = new WeakMap<Schema, number>();
  private readonly groupsOf = new WeakMap<RecordSchema, string[][] | null>();
  private readonly indexes = new WeakMap<readonly EnumValue[], string>();
  private readonly elementUnits = new WeakMap<Schema, Unit>();
  private readonly mapUnits = new WeakMap<Schema, Unit>();
  private readonly groupUnits = new WeakMap<RecordSchema, Unit[]>();

  id(): number { return this.ids++; }

  constant(value: unknown): string {
    this.constants.push(value);
    return `K[${this.constants.length - 1}]`;
  }

  /** A constant Map from each value to its index. */
  index(values: readonly EnumValue[]): string {
    let k = this.indexes.get(values);
    if (k === undefined) {
      k = this.constant(new Map(values.map((x, i) => [x, i])));
      this.indexes.set(values, k);
    }
    return k;
  }

  /** The unrolled size and the height of `s` at nesting level `depth`; refuses nesting deeper than MAX_DEPTH. */
  measure(s: Schema, depth: number, path: string): Info {
    const known = this.info.get(s);
    if (known) {
      if (depth - 1 + known.height > MAX_DEPTH) throw tooDeep(path);
      return known;
    }
    if (depth > MAX_DEPTH) throw tooDeep(path);
    let height = 1;
    const sub = (c: Schema, p: string): number => {
      const i = this.measure(c, depth + 1, p);
      height = Math.max(height, i.height + 1);
      return i.size;
    };
    let size: number;
    const kind = (s as { kind?: unknown } | null)?.kind;
    switch (kind) {
      case 'int': case 'bool': case 'enum': size = 1; break;
      case 'record': {
        const r = s as RecordSchema;
        size = 1;
        for (const name of Object.keys(r.fields)) size += sub(r.fields[name]!, `${path}.${name}`);
        break;
      }
      case 'array': { const a = s as ArraySchema; size = 1 + a.length * sub(a.element, `${path}[*]`); break; }
      case 'list': { const l = s as ListSchema; size = 2 + l.maxLength * sub(l.element, `${path}[*]`); break; }
      case 'map': { const m = s as MapSchema; size = 1 + m.keys.length * (1 + sub(m.value, `${path}[*]`)); break; }
      case 'set': size = 1 + (s as SetSchema).domain.length; break;
      case 'tuple': {
        const tu = s as TupleSchema;
        size = 1;
        tu.elements.forEach((e, i) => { size += sub(e, `${path}[${i}]`); });
        break;
      }
      // Unions and sets of structured elements call their element's unit: inline, they cost one node.
      case 'union': {
        const u = s as UnionSchema;
        size = 1;
        u.variants.forEach((v, i) => { size += sub(v, `${path}<variant ${i}>`); });
        break;
      }
      case 'setOf': size = 1 + sub((s as SetOfSchema).element, `${path}{*}`); break;
      case 'seq': { const q = s as SeqSchema; size = 2 + q.maxLength * sub(q.element, `${path}[*]`); break; }
      default: throw new Error(`${shortPath(path)}: not a schema (kind ${String(kind)}); build schemas with t.int, t.record, ...`);
    }
    const info = { size: Math.min(size, 2 ** 53), height };
    this.info.set(s, info);
    return info;
  }

  size(s: Schema): number { return this.info.get(s)!.size; }

  /** A collection whose unrolled contents exceed LOOP_ABOVE nodes. */
  loopForm(s: Schema): boolean { return this.size(s) - 1 > LOOP_ABOVE; }

  /** The nodes compiled inline for `s`: its unrolled size, with loop-form nodes and record groups counted as 1. */
  cost(s: Schema): number {
    let c = this.costs.get(s);
    if (c !== undefined) return c;
    switch (s.kind) {
      case 'record': {
        c = 1;
        for (const f of Object.values(s.fields)) c += this.cost(f);
        if (c > SPLIT_ABOVE) c = 1 + this.groups(s)!.length;
        break;
      }
      case 'array': case 'list': case 'map': case 'set': case 'seq': c = this.loopForm(s) ? 1 : this.size(s); break;
      case 'tuple': c = 1; for (const e of s.elements) c += this.cost(e); break;
      default: c = 1;
    }
    this.costs.set(s, c);
    return c;
  }

  /** The field groups of a record whose inline cost exceeds SPLIT_ABOVE, or null when it is compiled whole. */
  groups(s: RecordSchema): string[][] | null {
    let g = this.groupsOf.get(s);
    if (g !== undefined) return g;
    const names = Object.keys(s.fields);
    let total = 1;
    const costs = names.map((n) => this.cost(s.fields[n]!));
    for (const c of costs) total += c;
    g = null;
    if (total > SPLIT_ABOVE) {
      g = [];
      let cur: string[] = [];
      let curCost = 0;
      names.forEach((n, i) => {
        if (cur.length > 0 && curCost + costs[i]! > SPLIT_ABOVE) { g!.push(cur); cur = []; curCost = 0; }
        cur.push(n);
        curCost += costs[i]!;
      });
      if (cur.length > 0) g.push(cur);
    }
    this.groupsOf.set(s, g);
    return g;
  }

  /** The unit that encodes one element of an array or list. */
  elementUnit(s: Schema, path: string): Unit {
    let u = this.elementUnits.get(s);
    if (!u) {
      const c = new Compiler(this, false);
      u = this.finish(c, c.node(s, 's', path), path, describe(s));
      this.elementUnits.set(s, u);
    }
    return u;
  }

  /** The unit that encodes one entry of a map: a presence bit (bit 0), then the value. */
  mapUnit(value: Schema, path: string): Unit {
    let u = this.mapUnits.get(value);
    if (!u) {
      const c = new Compiler(this, false);
      c.layout.field(1);
      c.enc.push('w0 |= 1;');
      u = this.finish(c, c.node(value, 's', path), path, 'a map entry');
      this.mapUnits.set(value, u);
    }
    return u;
  }

  /** The units of a split record's field groups; each reads its fields from the record (already checked). */
  recordGroupUnits(s: RecordSchema, path: string): Unit[] {
    let us = this.groupUnits.get(s);
    if (!us) {
      us = this.groups(s)!.map((names) => {
        const c = new Compiler(this, false);
        const parts = names.map((name) => {
          const u = c.fresh();
          c.enc.push(`const ${u} = s${prop(name)};`);
          return `${JSON.stringify(name)}: ${c.node(s.fields[name]!, u, `${path}.${name}`)}`;
        });
        return this.finish(c, `{ ${parts.join(', ')} }`, path, `a group of ${names.length} fields`);
      });
      this.groupUnits.set(s, us);
    }
    return us;
  }

  /** Emits the encode and decode functions of a unit compiled by `c`. */
  private finish(c: Compiler, expr: string, path: string, what: string): Unit {
    const L = c.layout;
    if (L.words > MAX_WORDS) throw tooWide(path, what, L.words);
    const id = this.id();
    const narrow = L.regions.length === 0 && L.words === 1;
    const width = narrow ? L.shift : 0;
    let enc: string[];
    let dec: string;
    if (narrow) {
      // Returns its bits (non-negative: a 32-bit word as unsigned), or -1.
      enc = ['let w0 = 0;', ...c.enc, `return ${width === 32 ? 'w0 >>> 0' : 'w0'};`];
      dec = `const w0 = ${width > 0 ? 'buf[o] >>> sh' : '0'};`;
    } else {
      // Writes its words at buf[o..]; returns 0, or -1.
      const ws = L.locals();
      enc = [...c.enc, ...ws.map((w) => `buf[o + ${w}] = w${w};`), 'return 0;'];
      if (ws.length > 0) enc.unshift(`let ${ws.map((w) => `w${w} = 0`).join(', ')};`);
      dec = ws.length > 0 ? `const ${ws.map((w) => `w${w} = buf[o + ${w}]`).join(', ')};` : '';
    }
    this.fns.push(`function enc${id}(s, buf, o) {\n${enc.join('\n')}\n}`);
    this.fns.push(`function dec${id}(buf, o, sh) {\n${dec}\nreturn ${expr};\n}`);
    return { id, narrow, width, words: narrow ? (width > 0 ? 1 : 0) : L.words };
  }
}

/** Compiles the inline part of one unit (or of the top-level encode/decode). */
class Compiler {
  readonly layout = new Layout();
  readonly enc: string[] = [];
  private vars = 0;

  /** `top`: the top-level encoder writes at buf[0..], without an offset variable. */
  constructor(private readonly p: Program, private readonly top: boolean) {}

  fresh(): string { return `v${this.vars++}`; }

  constant(value: unknown): string { return this.p.constant(value); }

  /** The encoder's buffer index of word `k` of this unit. */
  private at(k: string | number): string { return this.top ? `${k}` : `o + ${k}`; }

  /** Allocates a region of `length` words for `s` at `path` and emits code to zero it. */
  private region(length: number, s: Schema, path: string, zero: boolean): number {
    if (length > MAX_WORDS) throw tooWide(path, describe(s), length);
    const start = this.layout.region(length);
    if (this.layout.words > MAX_WORDS) {
      throw new Error(`${shortPath(path)}: the encoding reaches ${count(this.layout.words)} words per state here, over the limit of `
        + `${count(MAX_WORDS)} words (2^20, 4 MiB) per state`);
    }
    if (zero && length > 0) this.enc.push(`buf.fill(0, ${this.at(start)}, ${this.at(start + length)});`);
    return start;
  }

  /** The words a loop region of `n` elements of `u` takes. */
  private static loopWords(u: Unit, n: number): number {
    if (!u.narrow) return n * u.words;
    return u.width === 0 ? 0 : Math.ceil(n / Math.floor(32 / u.width));
  }

  /**
   * Code that walks the elements of a loop region of `u` in order with a buffer index `k` and a shift `sh`
   * (variables the caller declares): `init` their values (k from `base`), `step` to the next element.
   */
  private static walk(u: Unit, base: string, k: string, sh: string): { init: string; step: string } {
    const init = `let ${k} = ${base}, ${sh} = 0;`;
    if (!u.narrow) return { init, step: `${k} += ${u.words};` };
    if (u.width === 0) return { init, step: '' };
    const per = Math.floor(32 / u.width);
    if (per === 1) return { init, step: `${k}++;` };
    return { init, step: `if (${sh} === ${(per - 1) * u.width}) { ${k}++; ${sh} = 0; } else ${sh} += ${u.width};` };
  }

  /**
   * Emits a loop that encodes the elements of `v` (its `for` head given, binding `x`) into consecutive slots of a
   * loop region at word `start`; leaves `k` at the first word after the last one written.
   */
  private encodeRun(u: Unit, head: string, x: string, start: number, k: string): void {
    const e = this.enc;
    const sh = this.fresh();
    const r = this.fresh();
    if (!u.narrow) {
      e.push(`let ${k} = ${this.at(start)};`, `${head} { if (enc${u.id}(${x}, buf, ${k}) < 0) return -1; ${k} += ${u.words}; }`);
    } else if (u.width === 0) {
      e.push(`let ${k} = ${this.at(start)};`, `${head} if (enc${u.id}(${x}) < 0) return -1;`);
    } else if (Math.floor(32 / u.width) === 1) {
      e.push(`let ${k} = ${this.at(start)};`, `${head} { const ${r} = enc${u.id}(${x}); if (${r} < 0) return -1; buf[${k}++] = ${r}; }`);
    } else {
      // The elements of one word are OR-ed into `acc`, which is stored when the word is full (and at the end).
      const acc = this.fresh();
      const last = (Math.floor(32 / u.width) - 1) * u.width;
      e.push(`let ${k} = ${this.at(start)}, ${sh} = 0, ${acc} = 0;`,
        `${head} {`,
        `const ${r} = enc${u.id}(${x});`,
        `if (${r} < 0) return -1;`,
        `${acc} |= ${r} << ${sh};`,
        `if (${sh} === ${last}) { buf[${k}++] = ${acc}; ${acc} = 0; ${sh} = 0; } else ${sh} += ${u.width};`,
        '}',
        `if (${sh} !== 0) buf[${k}++] = ${acc};`);
    }
  }

  /** Buffer index and shift expressions of element `i` of a loop region of `u` at word `start` (random access). */
  private element(u: Unit, start: number, i: string): [string, string] {
    if (!u.narrow) return [this.at(`${start} + ${i} * ${u.words}`), '0'];
    if (u.width === 0) return [this.at(start), '0'];
    const per = Math.floor(32 / u.width);
    if (per === 1) return [this.at(`${start} + ${i}`), '0'];
    return [this.at(`${start} + ((${i} / ${per}) | 0)`), `(${i} % ${per}) * ${u.width}`];
  }

  /**
   * An unrolled set over at most 30 values: its contents as one integer, bit i for domain value i. Decoding goes
   * through a cache of the sets built so far, keyed by that integer, so equal sets decode to the same Immutable
   * object (no rebuild; a spec's own caches keyed by identity hit), and the set last decoded is remembered with its
   * bits, so a successor that kept its parent's set is encoded without iterating it.
   */
  private smallSet(s: SetSchema, v: string, id: number): string {
    const e = this.enc;
    const [bits, bad, visit, last, lastBits, cache] = [`SK${id}`, `SB${id}`, `SF${id}`, `SD${id}`, `SL${id}`, `SC${id}`];
    const domain = this.constant(s.domain);
    // `last` starts as an object of its own, which no value is: null is not a set (a union may offer it to the next variant).
    this.p.fns.push(`let ${bits} = 0, ${bad} = 0, ${last} = {}, ${lastBits} = 0; const ${cache} = new Map();\n`
      + `function ${visit}(x) { const i = ${this.p.index(s.domain)}.get(x); if (i === undefined) { ${bad} = 1; return false; } ${bits} |= 1 << i; }\n`
      + `function dset${id}(key) { let r = ${cache}.get(key); if (r === undefined) { if (${cache}.size >= SET_CACHE) ${cache}.clear(); `
      + `r = setOfBits(${domain}, key); ${cache}.set(key, r); } ${lastBits} = key; return ${last} = r; }`);
    e.push(`if (${v} === ${last}) ${bits} = ${lastBits};`,
      `else { if (!isPlainSet(${v})) return -1; ${bits} = 0; ${bad} = 0; if (${v}.size !== 0) ${v}.forEach(${visit}); if (${bad}) return -1; }`);
    const key: string[] = [];
    s.domain.forEach((_, index) => {
      const f = this.layout.field(1);
      e.push(`w${f.word} |= ((${bits} >>> ${index}) & 1) << ${f.shift};`);
      key.push(`(((w${f.word} >>> ${f.shift}) & 1) << ${index})`);
    });
    return `dset${id}(${key.join(' | ')})`;
  }

  /**
   * Inside `if (present) { ... }` (an unrolled list's slot, a map's key): the regions laid out since region number
   * `from` (a set of records' bitset, a union's words...) are written only when the slot is used, so an unused
   * slot must zero them, `} else { ... `, or it would keep the words of the last state encoded.
   */
  private zeroElse(from: number): void {
    const added = this.layout.regions.slice(from);
    if (added.length === 0) return;
    this.enc.push('} else {', ...added.map(([start, length]) => `buf.fill(0, ${this.at(start)}, ${this.at(start + length)});`));
  }

  /** A tuple: a plain array of exactly its elements, laid out inline like a record's fields. */
  private tuple(s: TupleSchema, v: string, path: string): string {
    this.enc.push(`if (!Array.isArray(${v}) || ${v}.length !== ${s.elements.length}) return -1;`);
    const parts = s.elements.map((el, i) => {
      const u = this.fresh();
      this.enc.push(`const ${u} = ${v}[${i}];`);
      return this.node(el, u, `${path}[${i}]`);
    });
    return `[${parts.join(', ')}]`;
  }

  /**
   * A union: a tag (the variant's index) and the variant's encoding. Each variant is a unit of its own, tried in
   * order: the first that accepts the value is its encoding, so a value has one encoding even when several
   * variants accept it. When every variant is narrow and the tag and the widest variant fit in 32 bits, the union
   * is one bit field (tag in the low bits); otherwise the tag is a field and the variant's words are a region.
   */
  private union(s: UnionSchema, v: string, path: string): string {
    const e = this.enc;
    const us = s.variants.map((x, i) => this.p.elementUnit(x, `${path}<variant ${i}>`));
    const tagBits = bitsFor(us.length);
    const id = this.p.id();
    const [r, tag] = [this.fresh(), this.fresh()];
    if (us.every((u) => u.narrow) && tagBits + Math.max(...us.map((u) => u.width)) <= 32) {
      const width = tagBits + Math.max(...us.map((u) => u.width));
      const f = this.layout.field(width);
      e.push(`let ${r} = enc${us[0]!.id}(${v}), ${tag} = 0;`);
      for (let i = 1; i < us.length; i++) e.push(`if (${r} < 0) { ${r} = enc${us[i]!.id}(${v}); ${tag} = ${i}; }`);
      e.push(`if (${r} < 0) return -1;`);
      if (width > 0) e.push(`w${f.word} |= (${tag} | (${r} << ${tagBits})) << ${f.shift};`);
      // The variant's decoder reads its bits from a one-word scratch buffer (before anything it calls can reuse it).
      const scratch = this.constant(new Int32Array(1));
      const cases = us.map((u, i) => `case ${i}: return dec${u.id}(${scratch}, 0, 0);`).join(' ');
      this.p.fns.push(`function uni${id}(x) {\n${scratch}[0] = x >>> ${tagBits};\nswitch (x & ${2 ** tagBits - 1}) { ${cases} }\n}`);
      return width > 0 ? `uni${id}((w${f.word} >>> ${f.shift}) & ${2 ** width - 1})` : `uni${id}(0)`;
    }
    const f = this.layout.field(tagBits);
    const R = Math.max(...us.map((u) => (u.narrow ? (u.width > 0 ? 1 : 0) : u.words)));
    const start = this.region(R, s, path, false);
    const at = this.at(start);
    e.push(`let ${tag} = -1;`);
    us.forEach((u, i) => {
      // A variant that refuses the value may have written part of its words: zero them for the next one.
      const zero = R > 0 ? `buf.fill(0, ${at}, ${this.at(start + R)}); ` : '';
      const attempt = u.narrow
        ? `{ ${zero}const ${r}${i} = enc${u.id}(${v}); if (${r}${i} >= 0) { ${u.width > 0 ? `buf[${at}] = ${r}${i}; ` : ''}${tag} = ${i}; } }`
        : `{ ${zero}if (enc${u.id}(${v}, buf, ${at}) >= 0) ${tag} = ${i}; }`;
      e.push(i === 0 ? attempt : `if (${tag} < 0) ${attempt}`);
    });
    e.push(`if (${tag} < 0) return -1;`);
    if (f.width > 0) e.push(`w${f.word} |= ${tag} << ${f.shift};`);
    const cases = us.map((u, i) => `case ${i}: return dec${u.id}(buf, o, 0);`).join(' ');
    this.p.fns.push(`function uni${id}(buf, o, t) {\nswitch (t) { ${cases} }\n}`);
    return `uni${id}(buf, o + ${start}, ${f.width > 0 ? `(w${f.word} >>> ${f.shift}) & ${2 ** f.width - 1}` : '0'})`;
  }

  /**
   * A set of structured elements. Canonical whatever the insertion order: either a bitset over the element's
   * encodings (an element of w ≤ SET_BITSET_MAX_BITS bits sets bit r of a 2^w-bit region, r its encoding), or,
   * when that is too big and the set has a maxSize, its size and its elements' encodings in increasing order (as
   * unsigned words), unused slots zero. Two elements with the same encoding are equal values: the set is refused
   * (an Immutable Set compares plain objects by reference, so it can hold equal records twice; see explain).
   */
  private setOf(s: SetOfSchema, v: string, path: string): string {
    const e = this.enc;
    const u = this.p.elementUnit(s.element, `${path}{*}`);
    const id = this.p.id();
    const bitsetWords = u.narrow && u.width <= SET_BITSET_MAX_BITS ? Math.ceil(2 ** u.width / 32) : Infinity;
    const sortedWords = s.maxSize === undefined ? Infinity : Compiler.loopWords(u, s.maxSize) + 1;
    e.push(`if (!isPlainSet(${v})) return -1;`);
    if (bitsetWords === Infinity && sortedWords === Infinity) {
      throw new Error(`${shortPath(path)}: a set of ${shape(s.element)}, whose encoding takes `
        + `${u.narrow ? `${u.width} bits` : `${u.words} words`}, is too big for a bitset over its values (at most `
        + `${SET_BITSET_MAX_BITS} bits); give the set's largest size: t.set(element, { maxSize: N })`);
    }
    const [x, r, k, b] = [this.fresh(), this.fresh(), this.fresh(), this.fresh()];
    if (bitsetWords <= sortedWords) {
      const start = this.region(bitsetWords, s, path, true);
      e.push(`for (const ${x} of ${v}) {`, `const ${r} = enc${u.id}(${x});`, `if (${r} < 0) return -1;`,
        `const ${k} = ${this.at(start)} + (${r} >>> 5), ${b} = 1 << (${r} & 31);`,
        `if ((buf[${k}] & ${b}) !== 0) return -1;`, `buf[${k}] |= ${b};`, '}');
      const scratch = this.constant(new Int32Array(1));
      this.p.fns.push(`function bset${id}(buf, o) {\nreturn newSet().withMutations((st) => {\n`
        + `for (let w = 0; w < ${bitsetWords}; w++) {\nlet x = buf[o + w];\nwhile (x !== 0) {\n`
        + `const low = x & -x; x ^= low;\n${scratch}[0] = (w << 5) | (31 - Math.clz32(low));\n`
        + `st.add(dec${u.id}(${scratch}, 0, 0));\n}\n}\n});\n}`);
      return `bset${id}(buf, o + ${start})`;
    }
    const M = s.maxSize!;
    const f = this.layout.field(bitsFor(M + 1));
    const R = Compiler.loopWords(u, M);
    const start = this.region(R, s, path, false);
    const n = this.fresh();
    e.push(`if (${v}.size > ${M}) return -1;`, `let ${n} = 0;`);
    if (u.narrow) {
      const scratch = this.constant(new Uint32Array(M));
      e.push(`for (const ${x} of ${v}) {`, `const ${r} = enc${u.id}(${x});`, `if (${r} < 0) return -1;`, `${scratch}[${n}++] = ${r};`, '}',
        `if (!sortedNarrow(${scratch}, ${n}, buf, ${this.at(start)}, ${u.width}, ${R})) return -1;`);
    } else {
      const scratch = this.constant(new Int32Array(M * u.words));
      const order = this.constant(new Int32Array(M));
      e.push(`for (const ${x} of ${v}) {`, `if (enc${u.id}(${x}, ${scratch}, ${n} * ${u.words}) < 0) return -1;`, `${n}++;`, '}',
        `if (!sortedWide(${scratch}, ${order}, ${n}, ${u.words}, buf, ${this.at(start)}, ${R})) return -1;`);
    }
    if (f.width > 0) e.push(`w${f.word} |= ${n} << ${f.shift};`);
    const size = f.width > 0 ? `((w${f.word} >>> ${f.shift}) & ${2 ** f.width - 1})` : '0';
    const w = Compiler.walk(u, 'o', 'k', 'sh');
    this.p.fns.push(`function sset${id}(buf, o, n) {\nreturn newSet().withMutations((st) => {\n${w.init}\n`
      + `for (let i = 0; i < n; i++) { st.add(dec${u.id}(buf, k, sh)); ${w.step} }\n});\n}`);
    return `sset${id}(buf, o + ${start}, ${size})`;
  }

  /** Emits the encoder for the value held in variable `v`; returns the decoder expression. */
  node(s: Schema, v: string, path: string): string {
    const e = this.enc;
    switch (s.kind) {
      case 'int': {
        const f = this.layout.field(bitsFor(s.max - s.min + 1));
        e.push(`if (typeof ${v} !== 'number' || (${v} | 0) !== ${v} || ${v} < ${s.min} || ${v} > ${s.max}) return -1;`);
        if (f.width > 0) e.push(`w${f.word} |= (${v} - ${s.min}) << ${f.shift};`);
        return f.width > 0 ? `(((w${f.word} >>> ${f.shift}) & ${2 ** f.width - 1}) + ${s.min})` : `${s.min}`;
      }
      case 'bool': {
        const f = this.layout.field(1);
        e.push(`if (${v} === true) w${f.word} |= ${(1 << f.shift) | 0}; else if (${v} !== false) return -1;`);
        return `(((w${f.word} >>> ${f.shift}) & 1) === 1)`;
      }
      case 'enum': {
        const f = this.layout.field(bitsFor(s.values.length));
        if (s.values.length > ENUM_SWITCH_MAX) {
          const i = this.fresh();
          e.push(`const ${i} = ${this.p.index(s.values)}.get(${v});`, `if (${i} === undefined) return -1;`);
          if (f.width > 0) e.push(`w${f.word} |= ${i} << ${f.shift};`);
        } else {
          e.push(`switch (${v}) {`);
          s.values.forEach((x, i) => e.push(`  case ${lit(x)}: ${i && f.width ? `w${f.word} |= ${(i << f.shift) | 0}; ` : ''}break;`));
          e.push('  default: return -1;', '}');
        }
        if (f.width === 0) return lit(s.values[0]!);
        return `${this.constant(s.values)}[(w${f.word} >>> ${f.shift}) & ${2 ** f.width - 1}]`;
      }
      case 'record': {
        const names = Object.keys(s.fields);
        e.push(`if (${v} === null || typeof ${v} !== 'object' || Array.isArray(${v}) || !hasKeyCount(${v}, ${names.length})) return -1;`);
        if (this.p.groups(s)) {
          const parts = this.p.recordGroupUnits(s, path).map((u) => {
            const start = this.region(u.words, s, path, false);
            if (!u.narrow) e.push(`if (enc${u.id}(${v}, buf, ${this.at(start)}) < 0) return -1;`);
            else if (u.width === 0) e.push(`if (enc${u.id}(${v}) < 0) return -1;`);
            else {
              const r = this.fresh();
              e.push(`const ${r} = enc${u.id}(${v});`, `if (${r} < 0) return -1;`, `buf[${this.at(start)}] = ${r};`);
            }
            return `...dec${u.id}(buf, o + ${start}, 0)`;
          });
          return `{ ${parts.join(', ')} }`;
        }
        const parts = names.map((name) => {
          const u = this.fresh();
          e.push(`const ${u} = ${v}${prop(name)};`);
          return `${JSON.stringify(name)}: ${this.node(s.fields[name]!, u, `${path}.${name}`)}`;
        });
        return `{ ${parts.join(', ')} }`;
      }
      case 'tuple': return this.tuple(s, v, path);
      case 'union': return this.union(s, v, path);
      case 'setOf': return this.setOf(s, v, path);
      case 'array': {
        e.push(`if (!Array.isArray(${v}) || ${v}.length !== ${s.length}) return -1;`);
        if (this.p.loopForm(s)) {
          const u = this.p.elementUnit(s.element, `${path}[*]`);
          // Every word of the region is written, so it needs no zeroing.
          const start = this.region(Compiler.loopWords(u, s.length), s, path, false);
          const [i, k] = [this.fresh(), this.fresh()];
          this.encodeRun(u, `for (let ${i} = 0; ${i} < ${s.length}; ${i}++)`, `${v}[${i}]`, start, k);
          const id = this.p.id();
          const w = Compiler.walk(u, `o + ${start}`, 'k', 'sh');
          // Preallocated: three times faster than push at 10^6 elements (V8 then marks the array holey, not packed).
          this.p.fns.push(`function arr${id}(buf, o) {\nconst r = new Array(${s.length});\n${w.init}\n`
            + `for (let i = 0; i < ${s.length}; i++) { r[i] = dec${u.id}(buf, k, sh); ${w.step} }\nreturn r;\n}`);
          return `arr${id}(buf, o)`;
        }
        const parts: string[] = [];
        for (let i = 0; i < s.length; i++) {
          const u = this.fresh();
          e.push(`const ${u} = ${v}[${i}];`);
          parts.push(this.node(s.element, u, `${path}[${i}]`));
        }
        return `[${parts.join(', ')}]`;
      }
      case 'list': case 'seq': {
        // A seq is a list held in a plain array: the same layout, read with .length and [i].
        const plain = s.kind === 'seq';
        const f = this.layout.field(bitsFor(s.maxLength + 1));
        const n = this.fresh();
        e.push(plain
          ? `if (!Array.isArray(${v}) || ${v}.length > ${s.maxLength}) return -1;`
          : `if (!isList(${v}) || ${v}.size > ${s.maxLength}) return -1;`, `const ${n} = ${v}.${plain ? 'length' : 'size'};`);
        if (f.width > 0) e.push(`w${f.word} |= ${n} << ${f.shift};`);
        const size = f.width > 0 ? `((w${f.word} >>> ${f.shift}) & ${2 ** f.width - 1})` : '0';
        if (this.p.loopForm(s)) {
          const u = this.p.elementUnit(s.element, `${path}[*]`);
          const R = Compiler.loopWords(u, s.maxLength);
          const start = this.region(R, s, path, false);
          const [x, k] = [this.fresh(), this.fresh()];
          this.encodeRun(u, `for (const ${x} of ${v})`, x, start, k);
          if (R > 0) e.push(`buf.fill(0, ${k}, ${this.at(start + R)});`); // the unused slots
          const id = this.p.id();
          const w = Compiler.walk(u, `o + ${start}`, 'k', 'sh');
          this.p.fns.push(`function lst${id}(buf, o, n) {\nconst r = new Array(n);\n${w.init}\n`
            + `for (let i = 0; i < n; i++) { r[i] = dec${u.id}(buf, k, sh); ${w.step} }\nreturn ${plain ? 'r' : 'newList(r)'};\n}`);
          return `lst${id}(buf, o, ${size})`;
        }
        const parts: string[] = [];
        for (let i = 0; i < s.maxLength; i++) {
          const u = this.fresh();
          const regions = this.layout.regions.length;
          e.push(`if (${i} < ${n}) {`, `const ${u} = ${v}${plain ? `[${i}]` : `.get(${i})`};`);
          parts.push(this.node(s.element, u, `${path}[${i}]`));
          this.zeroElse(regions);
          e.push('}');
        }
        return `${plain ? 'mkSeq' : 'mkList'}(${size}, [${parts.join(', ')}])`;
      }
      case 'map': {
        if (this.p.loopForm(s)) {
          const u = this.p.mapUnit(s.value, `${path}[*]`);
          e.push(`if (!isPlainMap(${v})) return -1;`);
          const start = this.region(Compiler.loopWords(u, s.keys.length), s, path, true);
          const [k, x, i, r] = [this.fresh(), this.fresh(), this.fresh(), this.fresh()];
          const [at, sh] = this.element(u, start, i);
          e.push(`for (const [${k}, ${x}] of ${v}) {`, `const ${i} = ${this.p.index(s.keys)}.get(${k});`, `if (${i} === undefined) return -1;`);
          if (u.narrow) {
            // (never zero-width: an entry has its presence bit)
            e.push(`const ${r} = enc${u.id}(${x});`, `if (${r} < 0) return -1;`, `buf[${at}] |= ${r} << ${sh};`);
          } else {
            e.push(`if (enc${u.id}(${x}, buf, ${at}) < 0) return -1;`);
          }
          e.push('}');
          const id = this.p.id();
          const w = Compiler.walk(u, `o + ${start}`, 'k', 'sh');
          this.p.fns.push(`function map${id}(buf, o) {\nconst keys = ${this.constant(s.keys)};\n`
            + `return newMap().withMutations((m) => {\n${w.init}\nfor (let i = 0; i < ${s.keys.length}; i++) { `
            + `if ((buf[k] >>> sh) & 1) m.set(keys[i], dec${u.id}(buf, k, sh)); ${w.step} }\n});\n}`);
          return `map${id}(buf, o)`;
        }
        // One pass over the map (forEach, no iterator garbage) drops each value into a scratch slot per key; a
        // get() per key would hash and compare every key of the domain against the map's.
        const id = this.p.id();
        const [slots, bad, visit] = [`MV${id}`, `MB${id}`, `MF${id}`];
        this.p.fns.push(`const ${slots} = new Array(${s.keys.length}).fill(MISSING); let ${bad} = 0;\n`
          + `function ${visit}(x, k) { const i = ${this.p.index(s.keys)}.get(k); if (i === undefined) { ${bad} = 1; return false; } ${slots}[i] = x; }`);
        // The map last decoded by this node (`MD`) and its values (`MP`): a successor that kept its parent's map
        // (the same object) is encoded from them without iterating it.
        const [last, lastValues] = [`MD${id}`, `MP${id}`];
        // `last` starts as an object of its own, which no value is (null must still be refused as a map).
        this.p.fns.push(`let ${last} = {}, ${lastValues} = null;\n`
          + `function dmap${id}(present, values) { for (let i = 0; i < values.length; i++) if (!present[i]) values[i] = MISSING;\n`
          + `${lastValues} = values; return ${last} = mkMap(${this.constant(s.keys)}, present, values); }`);
        e.push(`if (${v} === ${last}) { for (let i = 0; i < ${s.keys.length}; i++) ${slots}[i] = ${lastValues}[i]; }`,
          `else {`, `if (!isPlainMap(${v})) return -1;`, `${slots}.fill(MISSING); ${bad} = 0; ${v}.forEach(${visit});`, `if (${bad}) return -1;`, '}');
        const presence: string[] = [];
        const values: string[] = [];
        s.keys.forEach((key, index) => {
          const f = this.layout.field(1);
          const u = this.fresh();
          const regions = this.layout.regions.length;
          e.push(`const ${u} = ${slots}[${index}];`, `if (${u} !== MISSING) {`, `w${f.word} |= ${(1 << f.shift) | 0};`);
          values.push(this.node(s.value, u, `${path}[${lit(key)}]`));
          this.zeroElse(regions);
          e.push('}');
          presence.push(`((w${f.word} >>> ${f.shift}) & 1)`);
        });
        return `dmap${id}([${presence.join(', ')}], [${values.join(', ')}])`;
      }
      case 'set': {
        if (this.p.loopForm(s)) {
          e.push(`if (!isPlainSet(${v})) return -1;`);
          const start = this.region(Math.ceil(s.domain.length / 32), s, path, true);
          const [x, i] = [this.fresh(), this.fresh()];
          e.push(`for (const ${x} of ${v}) {`, `const ${i} = ${this.p.index(s.domain)}.get(${x});`, `if (${i} === undefined) return -1;`,
            `buf[${this.at(start)} + (${i} >>> 5)] |= 1 << (${i} & 31);`, '}');
          const id = this.p.id();
          this.p.fns.push(`function set${id}(buf, o) {\nconst domain = ${this.constant(s.domain)};\n`
            + `return newSet().withMutations((st) => {\nfor (let i = 0; i < ${s.domain.length}; i++) `
            + `if ((buf[o + ${start} + (i >>> 5)] >>> (i & 31)) & 1) st.add(domain[i]);\n});\n}`);
          return `set${id}(buf, o)`;
        }
        // One pass over the set's elements marks their domain positions in a scratch array (has() per domain value
        // would hash each one and search the set for it).
        const id = this.p.id();
        if (s.domain.length <= 30) return this.smallSet(s, v, id);
        const [marks, bad, visit] = [`SM${id}`, `SB${id}`, `SF${id}`];
        this.p.fns.push(`const ${marks} = new Int32Array(${s.domain.length}); let ${bad} = 0;\n`
          + `function ${visit}(x) { const i = ${this.p.index(s.domain)}.get(x); if (i === undefined) { ${bad} = 1; return false; } ${marks}[i] = 1; }`);
        e.push(`if (!isPlainSet(${v})) return -1;`, `if (${v}.size !== 0) {`, `${marks}.fill(0); ${bad} = 0; ${v}.forEach(${visit});`, `if (${bad}) return -1;`);
        const bits: string[] = [];
        s.domain.forEach((_, index) => {
          const f = this.layout.field(1);
          e.push(`w${f.word} |= ${marks}[${index}] << ${f.shift};`);
          bits.push(`((w${f.word} >>> ${f.shift}) & 1)`);
        });
        e.push('}');
        return `mkSet(${this.constant(s.domain)}, [${bits.join(', ')}])`;
      }
    }
  }
}

const MISSING = Symbol('missing');

/**
 * Sorts the `n` element encodings in `a` (unsigned), refuses duplicates (false), and packs them into the loop
 * region of `R` words at buf[at] (w bits each, as Compiler.walk reads them), zeroing the unused slots. Insertion
 * sort: sets are small, and it allocates nothing.
 */
function sortedNarrow(a: Uint32Array, n: number, buf: Int32Array, at: number, w: number, R: number): boolean {
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) { a[j + 1] = a[j]!; j--; }
    if (j >= 0 && a[j] === x) return false;
    a[j + 1] = x;
  }
  if (R === 0) return n === 0; // maxSize 0 (the unit may then be narrow, called without a buffer)
  buf.fill(0, at, at + R);
  if (w === 0) return n <= 1;
  const per = Math.floor(32 / w);
  for (let i = 0; i < n; i++) buf[at + Math.floor(i / per)]! |= a[i]! << ((i % per) * w);
  return true;
}

/** Compares elements p and q of E words each in `a`, word by word as unsigned numbers. */
function compareWide(a: Int32Array, E: number, p: number, q: number): number {
  for (let k = 0; k < E; k++) {
    const x = a[p * E + k]! >>> 0, y = a[q * E + k]! >>> 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** sortedNarrow for elements of E words each (in `a` at i·E); `order` is scratch for the permutation. */
function sortedWide(a: Int32Array, order: Int32Array, n: number, E: number, buf: Int32Array, at: number, R: number): boolean {
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = 1; i < n; i++) {
    const x = order[i]!;
    let j = i - 1;
    let c = 0;
    while (j >= 0 && (c = compareWide(a, E, order[j]!, x)) > 0) { order[j + 1] = order[j]!; j--; }
    if (j >= 0 && c === 0) return false;
    order[j + 1] = x;
  }
  if (R === 0) return n === 0;
  buf.fill(0, at, at + R);
  for (let i = 0; i < n; i++) for (let k = 0; k < E; k++) buf[at + i * E + k] = a[order[i]! * E + k]!;
  return true;
}

const runtime = {
  MISSING,
  hasKeyCount(o: object, n: number): boolean {
    let c = 0;
    for (const _ in o) c++;
    return c === n;
  },
  isList: (v: unknown) => List.isList(v),
  isPlainMap: (v: unknown) => IMap.isMap(v) && !OrderedMap.isOrderedMap(v),
  isPlainSet: (v: unknown) => ISet.isSet(v) && !OrderedSet.isOrderedSet(v),
  mkList: (size: number, items: unknown[]) => List(items.slice(0, size)),
  mkSeq: (size: number, items: unknown[]) => (items.length === size ? items : items.slice(0, size)),
  mkMap: (keys: EnumValue[], present: number[], values: unknown[]) => IMap<EnumValue, unknown>().withMutations((m) => {
    for (let i = 0; i < keys.length; i++) if (present[i]) m.set(keys[i]!, values[i]);
  }),
  /** Sets kept per set node by `dset`, at most (then the cache starts again). */
  SET_CACHE: 1 << 16,
  setOfBits: (domain: EnumValue[], key: number) => ISet<EnumValue>().withMutations((st) => {
    for (let i = 0; i < domain.length; i++) if ((key >>> i) & 1) st.add(domain[i]!);
  }),
  mkSet: (domain: EnumValue[], bits: number[]) => ISet<EnumValue>().withMutations((st) => {
    for (let i = 0; i < domain.length; i++) if (bits[i]) st.add(domain[i]!);
  }),
  newList: (items: unknown[]) => List(items),
  sortedNarrow,
  sortedWide,
  newMap: () => IMap<EnumValue, unknown>(),
  newSet: () => ISet<EnumValue>(),
};

/** Membership in a domain, through a Set for large domains (so `explain` is linear). */
const domainSets = new WeakMap<readonly EnumValue[], Set<unknown>>();
function inDomain(values: readonly EnumValue[], x: unknown): boolean {
  if (values.length <= 16) return values.includes(x as EnumValue);
  let set = domainSets.get(values);
  if (!set) { set = new Set(values); domainSets.set(values, set); }
  return set.has(x);
}
const listDomain = (values: readonly EnumValue[]): string => (values.length <= 20
  ? values.map(lit).join(', ')
  : `${values.slice(0, 10).map(lit).join(', ')}, … (${count(values.length)} values)`);

/** Says where and why `value` does not fit `schema`, or undefined when it fits. */
export function explain(schema: Schema, value: unknown, path = 'state'): string | undefined {
  const show = (v: unknown): string => {
    if (typeof v === 'function') return 'a function';
    if (v === undefined) return 'undefined';
    if (typeof v === 'symbol' || typeof v === 'bigint') return `a ${typeof v}`;
    if (typeof v === 'number') return String(v);
    let text: string;
    try { text = JSON.stringify(v) ?? String(v); } catch { return 'a value that cannot be shown'; }
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  };
  const bad = (expected: string) => `${path}: expected ${expected}, got ${show(value)}`;
  switch (schema.kind) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= schema.min && value <= schema.max
        ? undefined : bad(`an integer in ${schema.min}..${schema.max}`);
    case 'bool': return typeof value === 'boolean' ? undefined : bad('a boolean');
    case 'enum': return inDomain(schema.values, value) ? undefined : bad(`one of ${listDomain(schema.values)}`);
    case 'record': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad('a record (plain object)');
      const o = value as Record<string, unknown>;
      for (const k of Object.keys(o)) if (!Object.hasOwn(schema.fields, k)) return `${path}: field ${k} is not in the schema`;
      for (const [k, s] of Object.entries(schema.fields)) {
        if (!(k in o)) return `${path}: field ${k} is missing`;
        const why = explain(s, o[k], `${path}.${k}`);
        if (why) return why;
      }
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(value)) return bad(`an array of ${schema.length} elements`);
      if (value.length !== schema.length) return `${path}: expected ${schema.length} elements, got ${value.length}`;
      for (let i = 0; i < value.length; i++) {
        const why = explain(schema.element, value[i], `${path}[${i}]`);
        if (why) return why;
      }
      return undefined;
    }
    case 'list': {
      if (!List.isList(value)) return bad('an Immutable List');
      const l = value as List<unknown>;
      if (l.size > schema.maxLength) return `${path}: a List of at most ${schema.maxLength} elements, got ${l.size}`;
      let i = 0;
      for (const x of l) {
        const why = explain(schema.element, x, `${path}[${i++}]`);
        if (why) return why;
      }
      return undefined;
    }
    case 'map': {
      if (!runtime.isPlainMap(value)) return bad('an Immutable Map');
      for (const [k, x] of value as IMap<unknown, unknown>) {
        if (!inDomain(schema.keys, k)) return `${path}: key ${show(k)} is not in the key domain ${listDomain(schema.keys)}`;
        const why = explain(schema.value, x, `${path}[${show(k)}]`);
        if (why) return why;
      }
      return undefined;
    }
    case 'tuple': {
      if (!Array.isArray(value)) return bad(`a tuple (plain array) of ${schema.elements.length} elements`);
      if (value.length !== schema.elements.length) return `${path}: expected a tuple of ${schema.elements.length} elements, got ${value.length}`;
      for (let i = 0; i < value.length; i++) {
        const why = explain(schema.elements[i]!, value[i], `${path}[${i}]`);
        if (why) return why;
      }
      return undefined;
    }
    case 'union': {
      const whys: string[] = [];
      for (const v of schema.variants) {
        const why = explain(v, value, path);
        if (!why) return undefined;
        whys.push(why);
      }
      // The variant that got furthest into the value (the longest path) is most likely the one meant.
      const depth = (why: string) => why.indexOf(': ');
      const best = Math.max(...whys.map(depth));
      const closest = whys.filter((w) => depth(w) === best);
      if (closest.length === 1 && best > path.length) return `${closest[0]} (in the closest of the union's ${whys.length} variants)`;
      return bad(`one of the union's ${whys.length} variants: ${schema.variants.map(shape).join(' | ')}`);
    }
    case 'seq': {
      if (!Array.isArray(value)) return bad(`a sequence (plain array) of at most ${schema.maxLength} elements`);
      if (value.length > schema.maxLength) return `${path}: a sequence of at most ${schema.maxLength} elements, got ${value.length}`;
      for (let i = 0; i < value.length; i++) {
        const why = explain(schema.element, value[i], `${path}[${i}]`);
        if (why) return why;
      }
      return undefined;
    }
    case 'setOf': {
      if (!runtime.isPlainSet(value)) return bad('an Immutable Set');
      const set = value as ISet<unknown>;
      if (schema.maxSize !== undefined && set.size > schema.maxSize) {
        return `${path}: a set of at most ${schema.maxSize} elements (its maxSize), got ${set.size}`;
      }
      const seen = new Set<string>();
      for (const x of set) {
        const why = explain(schema.element, x, `${path}[${show(x)}]`);
        if (why) return why;
        const key = canonicalKey(schema.element, x);
        if (seen.has(key)) {
          return `${path}: holds the element ${show(x)} twice. An Immutable Set compares plain objects and arrays by `
            + 'reference, not by value: add an element only when no equal one is in the set (addValue from tlats does)';
        }
        seen.add(key);
      }
      return undefined;
    }
    case 'set': {
      if (!runtime.isPlainSet(value)) return bad('an Immutable Set');
      for (const x of value as ISet<unknown>) {
        if (!inDomain(schema.domain, x)) return `${path}: element ${show(x)} is not in the domain ${listDomain(schema.domain)}`;
      }
      return undefined;
    }
  }
}

/**
 * A string equal for two values exactly when they are equal as values of `schema` (which they both fit): what
 * the encoding compares, for explain's duplicate check. Record fields in schema order, sets and maps sorted.
 */
function canonicalKey(schema: Schema, value: unknown): string {
  switch (schema.kind) {
    case 'int': case 'bool': case 'enum': return JSON.stringify(value === 0 ? 0 : value) ?? 'null';
    case 'record': return `{${Object.keys(schema.fields).map((k) => canonicalKey(schema.fields[k]!, (value as Record<string, unknown>)[k])).join(',')}}`;
    case 'tuple': return `[${schema.elements.map((e, i) => canonicalKey(e, (value as unknown[])[i])).join(',')}]`;
    case 'array': case 'seq': return `[${(value as unknown[]).map((x) => canonicalKey(schema.element, x)).join(',')}]`;
    case 'list': return `[${[...(value as List<unknown>)].map((x) => canonicalKey(schema.element, x)).join(',')}]`;
    case 'union': {
      const i = schema.variants.findIndex((v) => explain(v, value) === undefined);
      return `<${i}:${canonicalKey(schema.variants[i]!, value)}>`;
    }
    case 'set': return `{${[...(value as ISet<unknown>)].map((x) => JSON.stringify(x)).sort().join(',')}}`;
    case 'setOf': return `{${[...(value as ISet<unknown>)].map((x) => canonicalKey(schema.element, x)).sort().join(',')}}`;
    case 'map': return `{${[...(value as IMap<unknown, unknown>)].map(([k, x]) => `${JSON.stringify(k)}:${canonicalKey(schema.value, x)}`).sort().join(',')}}`;
  }
}

export class SchemaCodec implements Codec {
  readonly fixedWidth: number;
  readonly buf: Int32Array;
  private readonly encodeInto: (state: unknown, buf: Int32Array) => number;
  private readonly decodeFrom: (buf: Int32Array, start: number) => unknown;

  constructor(private readonly schema: Schema) {
    const p = new Program();
    p.measure(schema, 1, 'state');
    const c = new Compiler(p, true);
    const expr = c.node(schema, 's', 'state');
    const W = c.layout.words;
    if (W > MAX_WORDS) throw tooWide('state', 'the encoding', W);
    const ws = c.layout.locals().map((i) => `w${i}`);
    const encodeSrc = [
      ...(ws.length > 0 ? [`let ${ws.map((w) => `${w} = 0`).join(', ')};`] : []),
      ...c.enc,
      ...ws.map((w) => `buf[${w.slice(1)}] = ${w};`),
      `return ${W};`,
    ].join('\n');
    const decodeSrc = `${ws.length > 0 ? `const ${ws.map((w) => `${w} = buf[o + ${w.slice(1)}]`).join(', ')};` : ''}\nreturn ${expr};`;
    const names = Object.keys(runtime);
    const values = Object.values(runtime);
    const src = `${p.fns.join('\n')}\nreturn [function encode(s, buf) {\n${encodeSrc}\n}, function decode(buf, o) {\n${decodeSrc}\n}];`;
    [this.encodeInto, this.decodeFrom] = new Function('K', ...names, src)(p.constants, ...values);
    this.fixedWidth = W;
    this.buf = new Int32Array(W);
  }

  encode(state: unknown): number {
    const n = this.encodeInto(state, this.buf);
    if (n < 0) {
      const why = explain(this.schema, state) ?? 'does not fit the schema';
      const at = why.indexOf(': ');
      throw new EncodeError(why.slice(0, at), `does not match the spec's schema: ${why.slice(at + 2)}`);
    }
    return n;
  }

  decode(words: Int32Array, start: number, _length: number): unknown {
    return this.decodeFrom(words, start);
  }
}
