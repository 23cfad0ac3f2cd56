/**
 * The forms tlats gives in ITF to what ITF has no form for, shared by the writer (checker/output/itf.ts) and the
 * reader (./itf-reader.ts), so the two cannot drift apart. docs/json-output.md documents them.
 */

/** The variant tags that stand for JavaScript values ITF has no form for (Quint reads them as variants). */
export const ITF_NULL_TAG = 'tlats::null';
export const ITF_UNDEFINED_TAG = 'tlats::undefined';
export const ITF_NUMBER_TAG = 'tlats::number';

/** A record field name as written in ITF: one more `#` in front of a name that starts with `#` (not an ITF tag). */
export function escapeItfField(name: string): string {
  return name.startsWith('#') ? `#${name}` : name;
}

/** A record field name as the spec wrote it: the inverse of escapeItfField. */
export function unescapeItfField(name: string): string {
  return name.startsWith('##') ? name.slice(1) : name;
}
