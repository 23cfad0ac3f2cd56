/**
 * SchedulingAllocator: the resource allocator of SimpleAllocator refined with a schedule, a sequence of the clients
 * with outstanding requests; a client is served only if no client earlier in the schedule wants the resources.
 * Port of tlaplus/Examples specifications/allocator/SchedulingAllocator.tla (Stephan Merz), checked as in
 * SchedulingAllocator.cfg and in the variant of ../shared/conformance/liveness.md rows 5 and 5a (TLC 2.19).
 *
 * TLA+                                     -> here
 *   CONSTANTS Clients, Resources           -> constants Clients ("c1,c2,c3") and Resources ("r1,r2"), comma-
 *                                             separated lists of model values (members()); the ASSUME
 *                                             IsFiniteSet(Resources) holds of any such list
 *   VARIABLES unsat, alloc, sched          -> state { unsat, alloc, sched }: unsat and alloc Immutable Maps
 *                                             Clients -> Immutable Set of Resources, sched an Immutable List of
 *                                             clients (TLA+ sequence; index i here is TLA+'s i + 1)
 *   vars == <<unsat, alloc, sched>>        -> the whole state
 *   TypeInvariant                          -> invariant TypeInvariant (and the schema); sched \in Seq(Clients)
 *                                             is tested structurally (a List of clients), never enumerated. The
 *                                             schema bounds sched's length by |Clients|: no client is scheduled
 *                                             twice (Schedule appends only clients not in Range(sched))
 *   PermSeqs(S)                            -> permutations(S): every ordering of the set (the recursive TLA+
 *                                             definition gives exactly the |S|! sequences without repetition)
 *   Drop(seq, i)                           -> sched.delete(i)
 *   available, Range, toSchedule           -> available(s), the List's members, toSchedule(s)
 *   Init                                   -> init (one state)
 *   Request(c, S), Allocate(c, S),
 *   Return(c, S)                           -> actions Request, Allocate, Return with parameters c over Clients and
 *                                             S over SUBSET Resources (all subsets, {} included and rejected by
 *                                             the guard S # {}); S is the string "{r1,r2}". Allocate's
 *                                             \E i \in DOMAIN sched : sched[i] = c /\ ... has at most one i (a
 *                                             client is in sched at most once), so one successor at most
 *   Schedule                               -> action Schedule: one successor per sq \in PermSeqs(toSchedule)
 *   Next                                   -> the disjunction of all the actions' instances
 *   ResourceMutex, AllocatorInvariant      -> invariants of the same names (UnscheduledClients, PrevResources(i)
 *                                             inlined as helpers)
 *   ClientsWillReturn, ClientsWillObtain,
 *   InfOftenSatisfied                      -> forAll c (and r): leadsTo / alwaysEventually, as in SimpleAllocator
 *   Symmetry == Permutations(Resources)    -> symmetry Resources (the members of the sets in unsat and alloc);
 *                                             commented out of the cfg ("DOES NOT WORK FOR LIVENESS"), so used
 *                                             only by configuration symmetric: the cfg's invariants with SYMMETRY
 *                                             Symmetry and no PROPERTIES
 *   Liveness (the fairness conjunction):
 *   \A c : WF_vars(unsat[c]={} /\ Return(c, alloc[c]))
 *                                          -> fairness ReturnWF = wf('Return', { each: 'c', when: unsat[c] = {}
 *                                             and S = alloc[c] }): per client, the instance Return(c, S) whose S
 *                                             is alloc[c] in the step's first state; ENABLED iff unsat[c] = {}
 *                                             and alloc[c] # {}
 *   \A c : WF_vars(\E S \in SUBSET Resources : Allocate(c, S))
 *                                          -> fairness AllocateWF = wf('Allocate', { each: 'c' })
 *   WF_vars(Schedule)                      -> fairness ScheduleWF = wf('Schedule')
 *   Allocator == Init /\ [][Next]_vars /\ Liveness         -> the three fairness conditions
 *
 * Configurations (both with Clients = {c1,c2,c3}, Resources = {r1,r2}, INVARIANTS TypeInvariant ResourceMutex
 * AllocatorInvariant, PROPERTIES ClientsWillReturn InfOftenSatisfied ClientsWillObtain, deadlock checking on, no
 * CONSTRAINT, no SYMMETRY):
 *   SchedulingAllocator.cfg  SPECIFICATION Allocator: fairness ReturnWF, AllocateWF, ScheduleWF. All three
 *                            properties hold (row 5).
 *   5a.noScheduleWF          Liveness without its last conjunct WF_vars(Schedule): fairness ReturnWF,
 *                            AllocateWF. ClientsWillObtain and InfOftenSatisfied violated, ClientsWillReturn
 *                            holds (row 5a).
 * The edit touches only fairness, so both have the base graph: 1,690 distinct states, 5,854 generated, depth 7
 * (TLC, liveness.md row 5). This port generates one successor per TLC branch (no guard is a disjunction;
 * Schedule's \E sq gives one successor per permutation), so generated is claimed.
 *
 * Lasso length for 5a, by hand: 2 states. Init has unsat = {} everywhere, so it satisfies InfOftenSatisfied's
 * unsat[c] = {} and no r \in unsat[c] holds there: a counterexample has at least one step, hence 2 states. The
 * behaviour Init, Request(c, S) with r \in S, then stuttering, is fair: nothing is allocated (no Return is
 * enabled), c is not in sched (Allocate(c, _) needs c in the schedule, so no Allocate is enabled), and Schedule,
 * the only enabled action, is no longer fair. It violates InfOftenSatisfied(c) and ClientsWillObtain(c, r) for
 * every c and r \in S. (TLC prints 3 requests and then stuttering, 4 states.)
 */
import { List, Map as IMap, Set as ISet } from 'immutable';
import { alwaysEventually, defineSpec, forAll, leadsTo, members, t, wf } from '#tlats';

type RSet = ISet<string>;

interface State {
  readonly unsat: IMap<string, RSet>;
  readonly alloc: IMap<string, RSet>;
  readonly sched: List<string>;
}

const EMPTY: RSet = ISet<string>();

const subsetCache = new Map<string, { names: string[]; sets: Map<string, RSet> }>();
/** SUBSET Resources: every subset's name ("{r1,r2}", in the constant's order), and the Immutable Set of each. */
function subsets(Resources: string): { names: string[]; sets: Map<string, RSet> } {
  let got = subsetCache.get(Resources);
  if (got === undefined) {
    const rs = members(Resources);
    const names: string[] = [];
    const sets = new Map<string, RSet>();
    for (let bits = 0; bits < 2 ** rs.length; bits++) {
      const chosen = rs.filter((_, k) => ((bits >> k) & 1) === 1);
      const name = `{${chosen.join(',')}}`;
      names.push(name);
      sets.set(name, ISet(chosen));
    }
    got = { names, sets };
    subsetCache.set(Resources, got);
  }
  return got;
}
const subset = (Resources: string, name: string): RSet => subsets(Resources).sets.get(name)!;

const get = (m: IMap<string, RSet>, c: string): RSet => m.get(c) ?? EMPTY;

/** available == Resources \ (UNION {alloc[c] : c \in Clients}) */
function available(s: State, Resources: string): RSet {
  let held = EMPTY;
  for (const a of s.alloc.values()) held = held.union(a);
  return ISet(members(Resources)).subtract(held);
}

/** toSchedule == { c \in Clients : unsat[c] # {} /\ c \notin Range(sched) }, in the order of the constant. */
const toSchedule = (s: State, Clients: string): string[] =>
  members(Clients).filter((c) => !get(s.unsat, c).isEmpty() && !s.sched.includes(c));

/** PermSeqs(S): all the orderings of S. */
function permutations(xs: readonly string[]): string[][] {
  if (xs.length === 0) return [[]];
  return xs.flatMap((x, k) => permutations([...xs.slice(0, k), ...xs.slice(k + 1)]).map((p) => [x, ...p]));
}

type C = { readonly Clients: string; readonly Resources: string };
type CS = { c: string; S: string };
const params = (k: C) => ({ c: [...members(k.Clients)], S: subsets(k.Resources).names });

const SOURCE = 'TLC 2.19, ../shared/conformance/liveness.md';

export default defineSpec({
  name: 'SchedulingAllocator',
  description: 'A resource allocator that serves clients by a schedule (tlaplus/Examples allocator/SchedulingAllocator.tla).',
  constants: {
    Clients: { default: 'c1,c2,c3' as string, doc: 'the clients, comma-separated model values' },
    Resources: { default: 'r1,r2' as string, doc: 'the resources, comma-separated model values' },
  },
  schema: (k) => t.record({
    unsat: t.map(members(k.Clients), t.set(members(k.Resources))),
    alloc: t.map(members(k.Clients), t.set(members(k.Resources))),
    sched: t.list(t.enum(...members(k.Clients)), members(k.Clients).length),
  }),
  symmetry: {
    Resources: { ids: (k) => members(k.Resources), values: ['unsat[*][*]', 'alloc[*][*]'] },
  },
  init: (k): State => ({
    unsat: IMap(members(k.Clients).map((c) => [c, EMPTY] as const)),
    alloc: IMap(members(k.Clients).map((c) => [c, EMPTY] as const)),
    sched: List<string>(),
  }),
  actions: {
    Request: {
      params,
      next: (s: State, { c, S }: CS, k): State | null => {
        const set = subset(k.Resources, S);
        if (!get(s.unsat, c).isEmpty() || !get(s.alloc, c).isEmpty() || set.isEmpty()) return null;
        return { unsat: s.unsat.set(c, set), alloc: s.alloc, sched: s.sched };
      },
    },
    Allocate: {
      actor: 'allocator',
      params,
      next: (s: State, { c, S }: CS, k): State | null => {
        const set = subset(k.Resources, S);
        const unsatC = get(s.unsat, c);
        if (set.isEmpty() || !set.isSubset(available(s, k.Resources).intersect(unsatC))) return null;
        const i = s.sched.indexOf(c); // the only i \in DOMAIN sched with sched[i] = c
        if (i < 0) return null;
        for (let j = 0; j < i; j++) if (!get(s.unsat, s.sched.get(j)!).intersect(set).isEmpty()) return null;
        return {
          unsat: s.unsat.set(c, unsatC.subtract(set)),
          alloc: s.alloc.set(c, get(s.alloc, c).union(set)),
          sched: set.equals(unsatC) ? s.sched.delete(i) : s.sched,
        };
      },
    },
    Return: {
      params,
      next: (s: State, { c, S }: CS, k): State | null => {
        const set = subset(k.Resources, S);
        if (set.isEmpty() || !set.isSubset(get(s.alloc, c))) return null;
        return { unsat: s.unsat, alloc: s.alloc.set(c, get(s.alloc, c).subtract(set)), sched: s.sched };
      },
    },
    Schedule: {
      actor: 'allocator',
      next: (s: State, _: {}, k: C): State[] | null => {
        const ts = toSchedule(s, k.Clients);
        if (ts.length === 0) return null;
        return permutations(ts).map((sq) => ({ unsat: s.unsat, alloc: s.alloc, sched: s.sched.concat(sq) }));
      },
    },
  },
  invariants: {
    TypeInvariant: (s, k) => {
      const cs = members(k.Clients);
      const all = ISet(members(k.Resources));
      const isFn = (m: IMap<string, RSet>) =>
        IMap.isMap(m) && m.size === cs.length && cs.every((c) => m.has(c) && ISet.isSet(m.get(c)) && m.get(c)!.isSubset(all));
      return isFn(s.unsat) && isFn(s.alloc) && List.isList(s.sched) && s.sched.every((c) => cs.includes(c));
    },
    ResourceMutex: (s, k) => {
      const cs = members(k.Clients);
      for (const x of cs) {
        for (const y of cs) if (x !== y && !get(s.alloc, x).intersect(get(s.alloc, y)).isEmpty()) return false;
      }
      return true;
    },
    AllocatorInvariant: (s, k) => {
      const n = s.sched.size;
      const at = (i: number) => s.sched.get(i)!;
      // \A i \in DOMAIN sched : unsat[sched[i]] # {}
      for (let i = 0; i < n; i++) if (get(s.unsat, at(i)).isEmpty()) return false;
      // \A c \in toSchedule : unsat[c] # {}
      for (const c of toSchedule(s, k.Clients)) if (get(s.unsat, c).isEmpty()) return false;
      // \A i \in DOMAIN sched : \A j \in 1..i-1 : alloc[sched[i]] \cap unsat[sched[j]] = {}
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) if (!get(s.alloc, at(i)).intersect(get(s.unsat, at(j))).isEmpty()) return false;
      }
      // \A i \in DOMAIN sched : unsat[sched[i]] \subseteq PrevResources(i), where PrevResources(i) ==
      //   available \cup UNION {unsat[sched[j]] \cup alloc[sched[j]] : j \in 1..i-1}
      //   \cup UNION {alloc[c] : c \in UnscheduledClients}, UnscheduledClients == Clients \ Range(sched)
      let unscheduledAlloc = EMPTY;
      for (const c of members(k.Clients)) if (!s.sched.includes(c)) unscheduledAlloc = unscheduledAlloc.union(get(s.alloc, c));
      const base = available(s, k.Resources).union(unscheduledAlloc);
      let earlier = EMPTY;
      for (let i = 0; i < n; i++) {
        if (!get(s.unsat, at(i)).isSubset(base.union(earlier))) return false;
        earlier = earlier.union(get(s.unsat, at(i))).union(get(s.alloc, at(i)));
      }
      return true;
    },
  },
  fairness: {
    ReturnWF: wf<State, C>('Return', {
      each: 'c',
      when: (s, p, k) => get(s.unsat, p.c as string).isEmpty() && subset(k.Resources, p.S as string).equals(get(s.alloc, p.c as string)),
    }),
    AllocateWF: wf('Allocate', { each: 'c' }),
    ScheduleWF: wf('Schedule'),
  },
  properties: {
    ClientsWillReturn: forAll((k: C) => ({ c: [...members(k.Clients)] }), ({ c }: { c: string }) =>
      leadsTo((s: State) => get(s.unsat, c).isEmpty(), (s: State) => get(s.alloc, c).isEmpty())),
    InfOftenSatisfied: forAll((k: C) => ({ c: [...members(k.Clients)] }), ({ c }: { c: string }) =>
      alwaysEventually((s: State) => get(s.unsat, c).isEmpty())),
    ClientsWillObtain: forAll((k: C) => ({ c: [...members(k.Clients)], r: [...members(k.Resources)] }), ({ c, r }: { c: string; r: string }) =>
      leadsTo((s: State) => get(s.unsat, c).has(r), (s: State) => get(s.alloc, c).has(r))),
  },
  configs: {
    symmetric: {
      properties: [],
      fairness: [],
      symmetry: 'exact',
      doc: 'SchedulingAllocator.cfg\'s invariants with its commented-out SYMMETRY Symmetry, no PROPERTIES',
      expect: {
        source: 'TLC 2.19 on tlaplus/Examples allocator/SchedulingAllocator.tla (commit 32a32c7) with SYMMETRY Symmetry: '
          + 'TLA_EXAMPLES=<checkout> bash bench/peers/symmetry/run-tlc.sh SchedulingAllocator_sym (1690/5854/7 without: SchedulingAllocator_nosym)',
        distinct: 879, generated: 3115, depth: 7,
      },
    },
    'SchedulingAllocator.cfg': {
      fairness: ['ReturnWF', 'AllocateWF', 'ScheduleWF'],
      doc: 'liveness.md row 5: SPECIFICATION Allocator',
      expect: { source: `${SOURCE} row 5: all three properties hold`, distinct: 1690, generated: 5854, depth: 7 },
    },
    '5a.noScheduleWF': {
      fairness: ['ReturnWF', 'AllocateWF'],
      doc: 'liveness.md row 5a: Liveness without WF_vars(Schedule)',
      expect: {
        source: `${SOURCE} row 5a: ClientsWillObtain and InfOftenSatisfied violated, ClientsWillReturn holds; counts of row 5; `
          + 'shortest lassos of 2 states by the hand analysis in the header of specs/scheduling-allocator.ts',
        distinct: 1690, generated: 5854, depth: 7,
        violated: { ClientsWillObtain: 2, InfOftenSatisfied: 2 },
      },
    },
  },
});
