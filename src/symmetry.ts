/**
 * Symmetry declarations: sets of interchangeable ids (TLA+ `SYMMETRY Permutations(Procs)`, Murphi's scalarsets)
 * and the places of the state where they occur. The checker (checker/model/symmetry.ts) permutes states with this
 * description and stores one state per orbit. Nothing here runs.
 *
 * A place is a path from the state: field names joined by dots, and `[*]` for "every member" (every element of an
 * array or Immutable List, every value of a plain record used as a map or of an Immutable Map, every element of an
 * Immutable Set): `pc`, `last[*]`, `msgs[*].rm`, `alloc[*][*]`.
 */

/** An id: a number (a process index) or a string (a model value such as "r1"). */
export type SymmetricId = number | string;

/** One set of interchangeable ids and where they occur. */
export interface ScalarsetDecl<C = unknown> {
  /** The ids, all distinct: `(c) => range(c.N)`, or `(c) => members(c.RM)`. */
  readonly ids: readonly SymmetricId[] | ((consts: C) => readonly SymmetricId[]);
  /**
   * Containers indexed or keyed by the ids: a plain array whose element k belongs to `ids[k]` (its length must be
   * the number of ids), a plain record or Immutable Map whose keys are ids, an Immutable Set of ids. Permuting
   * moves the entries (an id's element goes to its image's position or key).
   */
  readonly index?: readonly string[];
  /**
   * Places that hold an id: the value is replaced by its image. A value there that is not an id (null, -1, "none")
   * is left as it is.
   */
  readonly values?: readonly string[];
  readonly doc?: string;
}

/** The symmetry sets of a spec, by name (the name is how messages and the header call them). */
export type SymmetryDecl<C = unknown> = Readonly<Record<string, ScalarsetDecl<C>>>;

/**
 * How a run uses the declared symmetry: `exact` stores one state per orbit (TLC's SYMMETRY counts), `fast`
 * normalises by sorting (one permutation per state; may store a few states per orbit, never fewer than one),
 * `off` ignores it.
 */
export type SymmetryMode = 'exact' | 'fast' | 'off';

export const SYMMETRY_MODES: readonly SymmetryMode[] = ['exact', 'fast', 'off'];
