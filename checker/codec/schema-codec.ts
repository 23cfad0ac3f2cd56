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
 */
import { List, Map as IMap, OrderedMap, OrderedSet, Set as ISet } from 'immutable';
import type { EnumValue, Schema } from '../../src/schema.ts';
import { EncodeError } from '../errors.ts';
import type { Codec } from './codec.ts';

function bitsFor(count: number): number {
  let bits = 0;
  while (2 ** bits < count) bits++;
  return bits;
}

interface Field { word: number; shift: number; width: number }

/** Assigns bit fields in schema order. */
class Layout {
  word = 0;
  shift = 0;
  words = 1;
  field(width: number): Field {
    if (width === 0) return { word: this.word, shift: 0, width: 0 };
    if (this.shift + width > 32) { this.word++; this.shift = 0; this.words = this.word + 1; }
    const f = { word: this.word, shift: this.shift, width };
    this.shift += width;
    return f;
  }
}

const lit = (v: EnumValue): string => (v === null ? 'null' : JSON.stringify(v));
const prop = (name: string): string => `[${JSON.stringify(name)}]`;

class Compiler {
  readonly layout = new Layout();
  readonly enc: string[] = [];
  readonly constants: unknown[] = [];
  private vars = 0;

  fresh(): string { return `v${this.vars++}`; }

  constant(value: unknown): string {
    this.constants.push(value);
    return `K[${this.constants.length - 1}]`;
  }

  /** Emits the encoder for the value held in variable `v`; returns the decoder expression. */
  node(s: Schema, v: string): string {
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
        e.push(`switch (${v}) {`);
        s.values.forEach((x, i) => e.push(`  case ${lit(x)}: ${i && f.width ? `w${f.word} |= ${(i << f.shift) | 0}; ` : ''}break;`));
        e.push('  default: return -1;', '}');
        if (f.width === 0) return lit(s.values[0]!);
        return `${this.constant(s.values)}[(w${f.word} >>> ${f.shift}) & ${2 ** f.width - 1}]`;
      }
      case 'record': {
        const names = Object.keys(s.fields);
        e.push(`if (${v} === null || typeof ${v} !== 'object' || Array.isArray(${v}) || !hasKeyCount(${v}, ${names.length})) return -1;`);
        const parts = names.map((name) => {
          const u = this.fresh();
          e.push(`const ${u} = ${v}${prop(name)};`);
          return `${JSON.stringify(name)}: ${this.node(s.fields[name]!, u)}`;
        });
        return `{ ${parts.join(', ')} }`;
      }
      case 'array': {
        e.push(`if (!Array.isArray(${v}) || ${v}.length !== ${s.length}) return -1;`);
        const parts: string[] = [];
        for (let i = 0; i < s.length; i++) {
          const u = this.fresh();
          e.push(`const ${u} = ${v}[${i}];`);
          parts.push(this.node(s.element, u));
        }
        return `[${parts.join(', ')}]`;
      }
      case 'list': {
        const f = this.layout.field(bitsFor(s.maxLength + 1));
        const n = this.fresh();
        e.push(`if (!isList(${v}) || ${v}.size > ${s.maxLength}) return -1;`, `const ${n} = ${v}.size;`);
        if (f.width > 0) e.push(`w${f.word} |= ${n} << ${f.shift};`);
        const parts: string[] = [];
        for (let i = 0; i < s.maxLength; i++) {
          const u = this.fresh();
          e.push(`if (${i} < ${n}) {`, `const ${u} = ${v}.get(${i});`);
          parts.push(this.node(s.element, u));
          e.push('}');
        }
        const size = f.width > 0 ? `((w${f.word} >>> ${f.shift}) & ${2 ** f.width - 1})` : '0';
        return `mkList(${size}, [${parts.join(', ')}])`;
      }
      case 'map': {
        const found = this.fresh();
        e.push(`if (!isPlainMap(${v})) return -1;`, `let ${found} = 0;`);
        const presence: string[] = [];
        const values: string[] = [];
        for (const key of s.keys) {
          const f = this.layout.field(1);
          const u = this.fresh();
          e.push(`const ${u} = ${v}.get(${lit(key)}, MISSING);`, `if (${u} !== MISSING) {`, `${found}++; w${f.word} |= ${(1 << f.shift) | 0};`);
          values.push(this.node(s.value, u));
          e.push('}');
          presence.push(`((w${f.word} >>> ${f.shift}) & 1)`);
        }
        e.push(`if (${found} !== ${v}.size) return -1;`);
        return `mkMap(${this.constant(s.keys)}, [${presence.join(', ')}], [${values.join(', ')}])`;
      }
      case 'set': {
        const found = this.fresh();
        e.push(`if (!isPlainSet(${v})) return -1;`, `let ${found} = 0;`);
        const bits: string[] = [];
        for (const x of s.domain) {
          const f = this.layout.field(1);
          e.push(`if (${v}.has(${lit(x)})) { ${found}++; w${f.word} |= ${(1 << f.shift) | 0}; }`);
          bits.push(`((w${f.word} >>> ${f.shift}) & 1)`);
        }
        e.push(`if (${found} !== ${v}.size) return -1;`);
        return `mkSet(${this.constant(s.domain)}, [${bits.join(', ')}])`;
      }
    }
  }
}

const MISSING = Symbol('missing');

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
  mkMap: (keys: EnumValue[], present: number[], values: unknown[]) => IMap<EnumValue, unknown>().withMutations((m) => {
    for (let i = 0; i < keys.length; i++) if (present[i]) m.set(keys[i]!, values[i]);
  }),
  mkSet: (domain: EnumValue[], bits: number[]) => ISet<EnumValue>().withMutations((st) => {
    for (let i = 0; i < domain.length; i++) if (bits[i]) st.add(domain[i]!);
  }),
};

/** Says where and why `value` does not fit `schema`, or undefined when it fits. */
export function explain(schema: Schema, value: unknown, path = 'state'): string | undefined {
  const show = (v: unknown): string => {
    if (typeof v === 'function') return 'a function';
    if (v === undefined) return 'undefined';
    if (typeof v === 'symbol' || typeof v === 'bigint') return `a ${typeof v}`;
    if (typeof v === 'number') return String(v);
    try { return JSON.stringify(v) ?? String(v); } catch { return 'a value that cannot be shown'; }
  };
  const bad = (expected: string) => `${path}: expected ${expected}, got ${show(value)}`;
  switch (schema.kind) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= schema.min && value <= schema.max
        ? undefined : bad(`an integer in ${schema.min}..${schema.max}`);
    case 'bool': return typeof value === 'boolean' ? undefined : bad('a boolean');
    case 'enum': return schema.values.includes(value as EnumValue) ? undefined : bad(`one of ${schema.values.map(lit).join(', ')}`);
    case 'record': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad('a record (plain object)');
      const o = value as Record<string, unknown>;
      for (const k of Object.keys(o)) if (!(k in schema.fields)) return `${path}: field ${k} is not in the schema`;
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
      for (let i = 0; i < l.size; i++) {
        const why = explain(schema.element, l.get(i), `${path}[${i}]`);
        if (why) return why;
      }
      return undefined;
    }
    case 'map': {
      if (!runtime.isPlainMap(value)) return bad('an Immutable Map');
      for (const [k, x] of value as IMap<unknown, unknown>) {
        if (!schema.keys.includes(k as EnumValue)) return `${path}: key ${show(k)} is not in the key domain ${schema.keys.map(lit).join(', ')}`;
        const why = explain(schema.value, x, `${path}[${show(k)}]`);
        if (why) return why;
      }
      return undefined;
    }
    case 'set': {
      if (!runtime.isPlainSet(value)) return bad('an Immutable Set');
      for (const x of value as ISet<unknown>) {
        if (!schema.domain.includes(x as EnumValue)) return `${path}: element ${show(x)} is not in the domain ${schema.domain.map(lit).join(', ')}`;
      }
      return undefined;
    }
  }
}

export class SchemaCodec implements Codec {
  readonly fixedWidth: number;
  readonly buf: Int32Array;
  private readonly encodeInto: (state: unknown, buf: Int32Array) => number;
  private readonly decodeFrom: (buf: Int32Array, start: number) => unknown;

  constructor(private readonly schema: Schema) {
    const c = new Compiler();
    const expr = c.node(schema, 's');
    const W = c.layout.words;
    const ws = Array.from({ length: W }, (_, i) => `w${i}`);
    const encodeSrc = [
      `let ${ws.map((w) => `${w} = 0`).join(', ')};`,
      ...c.enc,
      ...ws.map((w, i) => `buf[${i}] = ${w};`),
      `return ${W};`,
    ].join('\n');
    const decodeSrc = `const ${ws.map((w, i) => `${w} = buf[o + ${i}]`).join(', ')};\nreturn ${expr};`;
    const names = Object.keys(runtime);
    const values = Object.values(runtime);
    // eslint-disable-next-line no-new-func
    this.encodeInto = new Function('K', ...names, `return function encode(s, buf) {\n${encodeSrc}\n}`)(c.constants, ...values);
    // eslint-disable-next-line no-new-func
    this.decodeFrom = new Function('K', ...names, `return function decode(buf, o) {\n${decodeSrc}\n}`)(c.constants, ...values);
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
