/**
 * Symmetry reduction: permuting states by the spec's declared sets of interchangeable ids (src/symmetry.ts), and
 * the canonical form that makes the search store one state per orbit.
 *
 * A permutation is applied to the spec's state object (before encoding), by a walk compiled once from the
 * declared paths into a tree (`PlanNode`): containers indexed by ids have their entries moved, places holding ids
 * get the image. Working on the state rather than on the encoded words keeps this module independent of both
 * codecs: the codec then encodes each permuted state, and the canonical form is the permuted state with the
 * smallest encoding (the word count first, then the words in order).
 *
 * Exact mode does not try all n! permutations. Each id gets a signature that every permutation carries along (the
 * value that each container indexed by the ids holds for it when no id occurs inside it, else only its size; for
 * a place holding an id, whether it holds i; for an array of ids not indexed by a set, the indexes where it holds
 * i): sig(π(s), π(i)) = sig(s, i). Sorting the ids by
 * signature fixes the position of every id whose signature is unique, and only permutations among ties remain.
 * The candidates of π(s) are then those of s composed with π⁻¹, so both give the same set of permuted states and
 * the same minimum: the form is a function of the orbit (docs/design.md has the argument).
 *
 * Fast mode (Rumur's default) takes one permutation: sort by signature, ties in their current order. The result
 * is in the orbit, so no orbit is lost, but two states of one orbit whose ids tie may get different forms: at most
 * the product over the sets of (tie block size)! forms per orbit, one when no two ids of a state tie.
 */
import { isImmutable, List, Map as IMap, Set as ISet } from 'immutable';
import type { ScalarsetDecl, SymmetricId, SymmetryDecl, SymmetryMode } from '../../src/symmetry.ts';
import { SpecEvalError } from '../errors.ts';
import type { Codec } from '../codec/codec.ts';

/** What to do at one place of the state. */
interface PlanNode {
  /** Sets whose ids index this container (its entries move). */
  index: number[];
  /** Sets whose ids this place may hold (the value is replaced by its image). */
  value: number[];
  fields: Map<string, PlanNode>;
  each: PlanNode | undefined;
}

/** A container indexed by a set's ids at a fixed path (no `[*]` on the way): its entries give the signatures. */
interface SignatureSource {
  /**
   * entry: the container at `path` is indexed by the ids, and id k's entry is its signature. holder: `path` is a
   * place holding an id: whether it holds k. positions: `path` is a container not indexed by any set whose entries
   * hold ids: where (which indexes or keys) it holds k. Each is carried along by every permutation.
   */
  readonly kind: 'entry' | 'holder' | 'positions';
  readonly path: readonly string[];
  /** The entries hold ids (of any set): left out of the signature, which must not change under permutation. */
  readonly holdsIds: boolean;
}

/** One set of interchangeable ids, resolved. */
export interface Scalarset {
  readonly name: string;
  /** The declared places, as written and parsed, to check against a state (Symmetry.pathProblem). */
  readonly places: readonly { readonly kind: 'index' | 'values'; readonly text: string; readonly segs: readonly string[] }[];
  readonly ids: readonly SymmetricId[];
  readonly indexOf: ReadonlyMap<SymmetricId, number>;
  readonly signatures: readonly SignatureSource[];
}

/** Permutations are per set: perm[g][k] is the new index of id k of set g. */
export type Permutation = readonly (readonly number[])[];

const newNode = (): PlanNode => ({ index: [], value: [], fields: new Map(), each: undefined });

/** Parses `a.b[*].c` into ['a', 'b', '*', 'c']; throws on anything else. */
export function parsePath(path: string): string[] {
  const out: string[] = [];
  const re = /^(?:\.?([A-Za-z_$][\w$]*)|\[\*\])/;
  let rest = path;
  if (rest.length === 0) throw new Error('an empty path');
  while (rest.length > 0) {
    const m = re.exec(rest);
    if (!m || (m[1] !== undefined && m[0].startsWith('.') && out.length === 0)) {
      throw new Error(`${JSON.stringify(path)}: expected field names joined by dots and [*] ("pc", "last[*]", "msgs[*].rm"), at ${JSON.stringify(rest)}`);
    }
    out.push(m[1] ?? '*');
    rest = rest.slice(m[0].length);
  }
  return out;
}

export class Symmetry {
  readonly sets: readonly Scalarset[];
  private readonly root: PlanNode;
  /** The words of the last canonical form (see canonicalise). */
  words = new Int32Array(64);
  /** Scratch: per set, the ids' order by signature, the tie blocks, the permutation being tried. */
  private readonly order: number[][];
  private readonly blockEnd: number[][];
  private readonly perm: number[][];
  private readonly sigs: unknown[][][];
  private readonly arrangement: number[][];
  /** Permuted states tried per canonicalisation, at most (exact mode): beyond it the state is refused. */
  static readonly MAX_CANDIDATES = 40_320;

  constructor(decl: SymmetryDecl<any>, consts: unknown, readonly mode: Exclude<SymmetryMode, 'off'>, private readonly codec: Codec) {
    const names = Object.keys(decl);
    if (names.length === 0) throw new SpecEvalError('the spec\'s symmetry declares no set of ids');
    this.root = newNode();
    const sets: Scalarset[] = [];
    names.forEach((name, g) => {
      const d = decl[name] as ScalarsetDecl<unknown>;
      const where = `symmetry set ${name}`;
      if (d === null || typeof d !== 'object') throw new SpecEvalError(`${where}: expected { ids, index?, values? }, got ${String(d)}`);
      const extra = Object.keys(d).filter((k) => !['ids', 'index', 'values', 'doc'].includes(k));
      if (extra.length) throw new SpecEvalError(`${where}: unknown field ${extra[0]}; a set has ids, index, values and doc`);
      let ids: readonly SymmetricId[];
      try {
        ids = typeof d.ids === 'function' ? d.ids(consts) : d.ids;
      } catch (e) {
        throw new SpecEvalError(`${where}: computing its ids threw ${e instanceof Error ? e.message : String(e)}`);
      }
      if (!Array.isArray(ids)) throw new SpecEvalError(`${where}: ids must be an array of numbers or strings`);
      const indexOf = new Map<SymmetricId, number>();
      ids.forEach((id, k) => {
        if (typeof id !== 'number' && typeof id !== 'string') throw new SpecEvalError(`${where}: id ${String(id)} is not a number or a string`);
        if (indexOf.has(id)) throw new SpecEvalError(`${where}: id ${JSON.stringify(id)} appears twice`);
        indexOf.set(id, k);
      });
      if ((d.index?.length ?? 0) + (d.values?.length ?? 0) === 0) throw new SpecEvalError(`${where}: give the places where its ids occur (index: [...], values: [...])`);
      const signatures: SignatureSource[] = [];
      const places: { kind: 'index' | 'values'; text: string; segs: string[] }[] = [];
      for (const [kind, paths] of [['index', d.index ?? []], ['values', d.values ?? []]] as const) {
        for (const p of paths) {
          let segs: string[];
          try {
            segs = parsePath(p);
          } catch (e) {
            throw new SpecEvalError(`${where}: ${kind} path ${(e as Error).message}`);
          }
          places.push({ kind, text: p, segs });
          let node = this.root;
          for (const s of segs) {
            if (s === '*') node = node.each ??= newNode();
            else {
              let next = node.fields.get(s);
              if (!next) node.fields.set(s, next = newNode());
              node = next;
            }
          }
          (kind === 'index' ? node.index : node.value).push(g);
          if (kind === 'index' && !segs.includes('*')) signatures.push({ kind: 'entry', path: segs, holdsIds: false });
          if (kind === 'values' && !segs.includes('*')) signatures.push({ kind: 'holder', path: segs, holdsIds: true });
          const star = segs.indexOf('*');
          if (kind === 'values' && star === segs.length - 1) signatures.push({ kind: 'positions', path: segs.slice(0, -1), holdsIds: true });
        }
      }
      sets.push({ name, ids, indexOf, signatures, places });
    });
    // An index container whose entries hold ids: their values change under permutation, so they give no signature
    // but their size. A container of ids that is itself indexed by a set: positions move, so it gives none.
    for (const set of sets) {
      const kept: SignatureSource[] = [];
      for (const src of set.signatures) {
        let node: PlanNode | undefined = this.root;
        for (const s of src.path) node = node?.fields.get(s);
        if (src.kind === 'entry' && node?.each && (node.each.value.length > 0 || node.each.index.length > 0 || node.each.each || node.each.fields.size > 0)) {
          kept.push({ ...src, holdsIds: true });
        } else if (src.kind !== 'positions' || (node !== undefined && node.index.length === 0 && node.value.length === 0)) {
          kept.push(src);
        }
      }
      (set as { signatures: readonly SignatureSource[] }).signatures = kept;
    }
    this.sets = sets;
    // One place may hold ids of several sets only if no id belongs to two of them (else which image to give?).
    const check = (node: PlanNode, path: string): void => {
      for (const list of [node.value, node.index]) {
        for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
          const shared = sets[list[i]!]!.ids.find((id) => sets[list[j]!]!.indexOf.has(id));
          if (shared !== undefined) throw new SpecEvalError(`symmetry: ${path || 'the state'} is declared for sets ${sets[list[i]!]!.name} and ${sets[list[j]!]!.name}, which share the id ${JSON.stringify(shared)}: give them distinct ids`);
        }
      }
      for (const [f, child] of node.fields) check(child, path ? `${path}.${f}` : f);
      if (node.each) check(node.each, `${path}[*]`);
    };
    check(this.root, '');
    this.order = sets.map((s) => s.ids.map((_, k) => k));
    this.blockEnd = sets.map((s) => s.ids.map(() => 0));
    this.perm = sets.map((s) => s.ids.map((_, k) => k));
    this.sigs = sets.map((s) => s.ids.map(() => s.signatures.map(() => 0 as unknown)));
    this.arrangement = sets.map((s) => s.ids.map((_, k) => k));
  }

  /**
   * The first declared place that `state` does not have (a misspelt field, a container that is not one), as a
   * message; undefined when all are there. A place under `[*]` of an empty container cannot be checked here.
   */
  pathProblem(state: unknown): string | undefined {
    for (const set of this.sets) {
      for (const place of set.places) {
        let level: unknown[] = [state];
        let at = '';
        for (const seg of place.segs) {
          const next: unknown[] = [];
          for (const v of level) {
            if (seg === '*') {
              if (Array.isArray(v)) next.push(...v);
              else if (isImmutable(v)) next.push(...(v as Iterable<unknown>));
              else if (v !== null && typeof v === 'object') next.push(...Object.values(v));
              else return `symmetry set ${set.name}: ${place.kind} path ${JSON.stringify(place.text)}: ${at || 'the state'} is ${describe(v)}, not a collection to take [*] of`;
            } else {
              const fields = v !== null && typeof v === 'object' && !isImmutable(v) ? Object.keys(v) : undefined;
              if (!fields || !fields.includes(seg)) {
                return `symmetry set ${set.name}: ${place.kind} path ${JSON.stringify(place.text)}: ${at || 'the state'} has no field ${seg}`
                  + (fields ? ` (its fields: ${fields.join(', ')})` : ` (it is ${describe(v)})`);
              }
              next.push((v as Record<string, unknown>)[seg]);
            }
          }
          at = at ? (seg === '*' ? `${at}[*]` : `${at}.${seg}`) : seg;
          level = next;
        }
        if (place.kind === 'index') {
          for (const v of level) {
            if (v === null || typeof v !== 'object') return `symmetry set ${set.name}: index path ${JSON.stringify(place.text)} is ${describe(v)}, not an array, record, Map or Set indexed by the ids`;
          }
        }
      }
    }
    return undefined;
  }

  /** How the header describes it: `exact over Procs (3 ids)`. */
  describe(): string {
    return `${this.mode} over ${this.sets.map((s) => `${s.name} (${s.ids.length} ids)`).join(', ')}`;
  }

  /** The image of `state` under `perm` (a new object where anything changes; unchanged parts are shared). */
  apply(state: unknown, perm: Permutation): unknown {
    return this.walk(this.root, state, perm);
  }

  private mapId(sets: readonly number[], v: unknown, perm: Permutation): unknown {
    if (typeof v !== 'number' && typeof v !== 'string') return v;
    for (const g of sets) {
      const k = this.sets[g]!.indexOf.get(v);
      if (k !== undefined) return this.sets[g]!.ids[perm[g]![k]!];
    }
    return v;
  }

  /** A record key is a string: a numeric id is looked up by its number too. */
  private mapKey(sets: readonly number[], key: string, perm: Permutation): string {
    const byString = this.mapId(sets, key, perm);
    if (byString !== key || !/^-?\d+$/.test(key)) return String(byString);
    return String(this.mapId(sets, Number(key), perm));
  }

  private walk(node: PlanNode, v: unknown, perm: Permutation): unknown {
    if (node.value.length > 0) v = this.mapId(node.value, v, perm);
    if (v === null || typeof v !== 'object') return v;
    const each = node.each;
    const index = node.index;
    if (each === undefined && index.length === 0 && node.fields.size === 0) return v;
    if (Array.isArray(v)) {
      if (index.length > 0) {
        const g = index[0]!;
        const n = this.sets[g]!.ids.length;
        if (v.length !== n) throw new SpecEvalError(`symmetry: an array indexed by the ids of ${this.sets[g]!.name} has ${v.length} elements, not ${n}`);
        const out = new Array(n);
        const p = perm[g]!;
        for (let k = 0; k < n; k++) out[p[k]!] = each ? this.walk(each, v[k], perm) : v[k];
        return out;
      }
      return each ? v.map((x) => this.walk(each, x, perm)) : v;
    }
    if (isImmutable(v)) {
      if (IMap.isMap(v)) {
        const m = v as IMap<unknown, unknown>;
        return IMap<unknown, unknown>().withMutations((out) => {
          m.forEach((x, key) => { out.set(index.length ? this.mapId(index, key, perm) : key, each ? this.walk(each, x, perm) : x); });
        });
      }
      if (ISet.isSet(v)) {
        const s = v as ISet<unknown>;
        return ISet<unknown>().withMutations((out) => {
          s.forEach((x) => { out.add(each ? this.walk(each, index.length ? this.mapId(index, x, perm) : x, perm) : this.mapId(index, x, perm)); });
        });
      }
      if (List.isList(v)) {
        const l = v as List<unknown>;
        if (index.length > 0) {
          const g = index[0]!;
          const out = new Array(l.size);
          l.forEach((x, k) => { out[perm[g]![k]!] = each ? this.walk(each, x, perm) : x; });
          return List(out);
        }
        return each ? l.map((x) => this.walk(each, x, perm)) : l;
      }
      return v;
    }
    // A plain record: its named fields, or (keyed by ids, or [*]) every entry.
    const rec = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(rec)) {
      const x = rec[key];
      const field = node.fields.get(key);
      const newKey = index.length ? this.mapKey(index, key, perm) : key;
      out[newKey] = field ? this.walk(field, x, perm) : each ? this.walk(each, x, perm) : x;
    }
    return out;
  }

  /** The value of set g's signature source `src` for id k in `state`. */
  private signature(state: unknown, g: number, src: SignatureSource, k: number): unknown {
    let v: unknown = state;
    for (const s of src.path) v = v !== null && typeof v === 'object' ? (IMap.isMap(v) ? (v as IMap<string, unknown>).get(s) : (v as Record<string, unknown>)[s]) : undefined;
    const id = this.sets[g]!.ids[k]!;
    if (src.kind === 'holder') return v === id ? 1 : 0;
    if (src.kind === 'positions') return positionsOf(v, id);
    let x: unknown;
    if (Array.isArray(v)) x = v[k];
    else if (IMap.isMap(v)) x = (v as IMap<unknown, unknown>).has(id) ? (v as IMap<unknown, unknown>).get(id) : MISSING;
    else if (ISet.isSet(v)) return (v as ISet<unknown>).has(id) ? 1 : 0;
    else if (List.isList(v)) x = (v as List<unknown>).get(k);
    else if (v !== null && typeof v === 'object') x = Object.hasOwn(v, String(id)) ? (v as Record<string, unknown>)[String(id)] : MISSING;
    else return 0;
    if (x === MISSING) return -1;
    if (x === null || typeof x !== 'object') return src.holdsIds ? 0 : x;
    // No id inside (none declared under this container): the whole value is kept by every permutation.
    if (!src.holdsIds) return Array.isArray(x) ? x : valueKey(x);
    // Ids inside: the size is all a permutation keeps for sure.
    const size = (x as { size?: unknown }).size ?? (x as { length?: unknown }).length;
    return typeof size === 'number' ? size : 0;
  }

  /** Sorts set g's ids by signature into order[g] and marks the tie blocks; returns the number of orderings. */
  private sortSet(state: unknown, g: number): number {
    const set = this.sets[g]!;
    const n = set.ids.length;
    const sigs = this.sigs[g]!;
    const sources = set.signatures;
    for (let k = 0; k < n; k++) {
      const sig = sigs[k]!;
      for (let j = 0; j < sources.length; j++) sig[j] = this.signature(state, g, sources[j]!, k);
    }
    // Insertion sort, stable (ties keep their index order): n is small, and no comparator closure is made.
    const order = this.order[g]!;
    for (let i = 0; i < n; i++) {
      let j = i;
      while (j > 0 && compareSigs(sigs[order[j - 1]!]!, sigs[i]!) > 0) { order[j] = order[j - 1]!; j--; }
      order[j] = i;
    }
    const ends = this.blockEnd[g]!;
    let count = 1;
    for (let i = 0; i < n;) {
      let j = i + 1;
      while (j < n && compareSigs(sigs[order[i]!]!, sigs[order[j]!]!) === 0) j++;
      for (let x = i; x < j; x++) ends[x] = j;
      for (let f = 2; f <= j - i; f++) count *= f;
      i = j;
    }
    return count;
  }

  /**
   * Puts the canonical form of `state` (already encoded by the caller, which validated it) in `words` and returns
   * its word count. `exact` false: the fast form (one permutation). The audit asks for the exact one in any mode.
   */
  canonicalise(state: unknown, exact = this.mode === 'exact'): number {
    let candidates = 1;
    for (let g = 0; g < this.sets.length; g++) candidates *= this.sortSet(state, g);
    if (!exact || candidates === 1) {
      for (let g = 0; g < this.sets.length; g++) {
        const order = this.order[g]!;
        const perm = this.perm[g]!;
        for (let pos = 0; pos < order.length; pos++) perm[order[pos]!] = pos;
      }
      return this.keep(this.codec.encode(this.apply(state, this.perm)), -1);
    }
    candidates = this.collapseFixedBlocks(state);
    if (candidates > Symmetry.MAX_CANDIDATES) {
      throw new SpecEvalError(`symmetry (exact): a state has ${candidates.toLocaleString('en-US')} permutations among ids whose signatures tie, more than ${Symmetry.MAX_CANDIDATES.toLocaleString('en-US')}; use --symmetry fast (or index more of the state by the ids, so that fewer tie)`);
    }
    this.current = state;
    this.best = -1;
    this.visit(0);
    this.current = undefined;
    return this.best;
  }

  /**
   * A tie block whose ids the state cannot tell apart (every transposition of neighbours in it leaves the state
   * as it is, so every permutation of the block does) needs one arrangement, not (block size)!: its ids become
   * blocks of one. Exact: two arrangements that differ within such a block differ by a permutation τ with
   * τ(s) = s, so they give the same image. Returns the number of candidates left.
   */
  private collapseFixedBlocks(state: unknown): number {
    const n0 = this.codec.encode(state);
    if (this.self.length < n0) this.self = new Int32Array(Math.max(n0, this.self.length * 2));
    this.self.set(this.codec.buf.subarray(0, n0));
    let candidates = 1;
    for (let g = 0; g < this.sets.length; g++) {
      const order = this.order[g]!;
      const ends = this.blockEnd[g]!;
      const perm = this.perm[g]!;
      const n = order.length;
      for (let i = 0; i < n;) {
        const end = ends[i]!;
        let fixed = end - i > 1;
        for (let j = i; fixed && j + 1 < end; j++) {
          for (let h = 0; h < this.sets.length; h++) { const p = this.perm[h]!; for (let k = 0; k < p.length; k++) p[k] = k; }
          perm[order[j]!] = order[j + 1]!;
          perm[order[j + 1]!] = order[j]!;
          fixed = this.sameAsSelf(this.codec.encode(this.apply(state, this.perm)), n0);
        }
        if (fixed) for (let x = i; x < end; x++) ends[x] = x + 1;
        else for (let f = 2; f <= end - i; f++) candidates *= f;
        i = end;
      }
    }
    return candidates;
  }

  /** The encoding of the state being canonicalised (collapseFixedBlocks). */
  private self = new Int32Array(64);

  private sameAsSelf(n: number, n0: number): boolean {
    if (n !== n0) return false;
    const buf = this.codec.buf;
    const self = this.self;
    for (let i = 0; i < n; i++) if (buf[i] !== self[i]) return false;
    return true;
  }

  /** The state being canonicalised and the word count of the best form so far (exact mode's enumeration). */
  private current: unknown = undefined;
  private best = -1;

  /** Tries every arrangement of the tie blocks of sets g, g+1, ...: set g's arrangement is built in arrangement[g]. */
  private visit(g: number): void {
    if (g === this.sets.length) {
      this.best = this.keep(this.codec.encode(this.apply(this.current, this.perm)), this.best);
      return;
    }
    const order = this.order[g]!;
    const arr = this.arrangement[g]!;
    for (let i = 0; i < order.length; i++) arr[i] = order[i]!;
    this.place(g, 0);
  }

  /** arr[pos] = the id placed at position pos; within each tie block, every order of the block's ids. */
  private place(g: number, pos: number): void {
    const arr = this.arrangement[g]!;
    const n = arr.length;
    if (pos === n) {
      const perm = this.perm[g]!;
      for (let p = 0; p < n; p++) perm[arr[p]!] = p;
      this.visit(g + 1);
      return;
    }
    const end = this.blockEnd[g]![pos]!;
    for (let j = pos; j < end; j++) {
      swap(arr, pos, j);
      this.place(g, pos + 1);
      swap(arr, pos, j);
    }
  }

  /** Keeps the codec's last encoding (n words) in `words` when it is smaller than the best so far (`best` words). */
  private keep(n: number, best: number): number {
    const buf = this.codec.buf;
    if (best >= 0) {
      if (n > best) return best;
      if (n === best) {
        const words = this.words;
        let i = 0;
        while (i < n && buf[i] === words[i]) i++;
        if (i === n || buf[i]! > words[i]!) return best;
      }
    }
    if (this.words.length < n) this.words = new Int32Array(Math.max(n, this.words.length * 2));
    this.words.set(buf.subarray(0, n));
    return n;
  }

  /** Generators of every set's permutations (a swap of the first two ids and, from 3 ids, a rotation), for checks. */
  generators(): { perm: Permutation; label: string }[] {
    const identity = this.sets.map((s) => s.ids.map((_, k) => k));
    const out: { perm: Permutation; label: string }[] = [];
    this.sets.forEach((s, g) => {
      const n = s.ids.length;
      if (n < 2) return;
      const swapped = identity.map((p) => p.slice());
      swapped[g]![0] = 1; swapped[g]![1] = 0;
      out.push({ perm: swapped, label: `swapping ${fmtId(s.ids[0]!)} and ${fmtId(s.ids[1]!)} of ${s.name}` });
      if (n >= 3) {
        const rotated = identity.map((p) => p.slice());
        for (let k = 0; k < n; k++) rotated[g]![k] = (k + 1) % n;
        out.push({ perm: rotated, label: `rotating the ids of ${s.name} (${s.ids.map(fmtId).join(' -> ')} -> ${fmtId(s.ids[0]!)})` });
      }
    });
    return out;
  }
}

const MISSING = Symbol('missing');

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `the ${typeof v} ${JSON.stringify(v)}`);

/** Where container `v` holds `id`: a bitmask of the indexes of a short array or List, else a string of them. */
function positionsOf(v: unknown, id: SymmetricId): number | string {
  if (Array.isArray(v) || List.isList(v)) {
    const xs = Array.isArray(v) ? v : (v as List<unknown>).toArray();
    if (xs.length <= 30) {
      let mask = 0;
      for (let i = 0; i < xs.length; i++) if (xs[i] === id) mask |= 1 << i;
      return mask;
    }
    return xs.map((x, i) => (x === id ? i : -1)).filter((i) => i >= 0).join(',');
  }
  if (ISet.isSet(v)) return (v as ISet<unknown>).has(id) ? 1 : 0;
  if (IMap.isMap(v)) return [...(v as IMap<unknown, unknown>).entries()].filter(([, x]) => x === id).map(([key]) => valueKey(key)).sort().join(',');
  if (v !== null && typeof v === 'object') return Object.keys(v).filter((key) => (v as Record<string, unknown>)[key] === id).sort().join(',');
  return 0;
}

/** A string equal for equal values (collections in a canonical order): a signature for a value without ids. */
function valueKey(x: unknown): string {
  if (x === null || typeof x !== 'object') return typeof x === 'string' ? JSON.stringify(x) : String(x);
  if (Array.isArray(x)) return `[${x.map(valueKey).join(',')}]`;
  if (IMap.isMap(x)) return `M{${[...(x as IMap<unknown, unknown>).entries()].map(([k, v]) => `${valueKey(k)}:${valueKey(v)}`).sort().join(',')}}`;
  if (ISet.isSet(x)) return `S{${[...(x as ISet<unknown>)].map(valueKey).sort().join(',')}}`;
  if (List.isList(x)) return `L[${(x as List<unknown>).toArray().map(valueKey).join(',')}]`;
  const rec = x as Record<string, unknown>;
  return `{${Object.keys(rec).sort().map((k) => `${JSON.stringify(k)}:${valueKey(rec[k])}`).join(',')}}`;
}
const fmtId = (id: SymmetricId) => (typeof id === 'string' ? JSON.stringify(id) : String(id));

function swap(a: number[], i: number, j: number): void {
  const t = a[i]!; a[i] = a[j]!; a[j] = t;
}

function compareSigs(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValue(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** A total order on signature values: primitives, arrays (element by element, then length), others by valueKey. */
function compareValue(x: unknown, y: unknown): number {
  if (x === y) return 0;
  const tx = typeof x, ty = typeof y;
  if (tx !== ty) return tx < ty ? -1 : 1;
  if (tx === 'number' || tx === 'string') return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
  if (tx === 'boolean') return x ? 1 : -1;
  if (x === null) return -1;
  if (y === null) return 1;
  if (tx !== 'object') return 0;
  const ax = Array.isArray(x), ay = Array.isArray(y);
  if (ax && ay) {
    const xs = x as unknown[], ys = y as unknown[];
    const n = Math.min(xs.length, ys.length);
    for (let i = 0; i < n; i++) {
      const c = compareValue(xs[i], ys[i]);
      if (c !== 0) return c;
    }
    return xs.length - ys.length;
  }
  if (ax !== ay) return ax ? -1 : 1;
  const kx = valueKey(x), ky = valueKey(y);
  return kx < ky ? -1 : kx > ky ? 1 : 0;
}
