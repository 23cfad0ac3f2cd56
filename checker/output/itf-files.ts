/**
 * Counterexamples as standalone ITF documents: what `--itf DIR` writes (one `.itf.json` per violation) and what
 * `--html` draws (through checker/view/, as `tlats view` draws any ITF file). Besides the trace, the document's
 * `#meta` says what it is a trace of: `spec`, `config`, `property`, `kind`, `verdict` (in words), and for a lasso
 * `loopStep: { action, stutter }`, the step that closes the cycle, which ITF's `loop` index alone does not say.
 */
import type { CheckResult, FoundViolation } from '../run/check.ts';
import { describeViolation } from './text.ts';
import { toItfTrace } from './itf.ts';

export function violationItf(r: Pick<CheckResult, 'specName' | 'config'>, v: FoundViolation): Record<string, unknown> {
  return toItfTrace(v.trace, {
    description: `${r.specName}${r.config ? ` [${r.config}]` : ''}: ${v.label} violated`,
    property: v.label,
    spec: r.specName,
    ...(r.config ? { config: r.config } : {}),
    kind: v.kind,
    verdict: describeViolation({ kind: v.kind, property: v.label }),
    // Every actor of the model, in the order its action instances name them: a view draws idle lanes too.
    ...(v.lanes.length > 0 ? { actors: v.lanes } : {}),
    ...(v.loop ? { loopStep: { action: v.loop.label, stutter: v.loop.stutter } } : {}),
  }, v.loop?.index);
}

/**
 * The file name of a violation's trace: `CONFIG.PROPERTY.itf.json` (`defaults` for a run without a
 * configuration), with every character that is not safe in a file name on every system replaced by `_`
 * (`starvationFree(i=2)` → `starvationFree_i_2_`).
 */
export function itfFileName(config: string | undefined, property: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe(config ?? 'defaults')}.${safe(property)}.itf.json`;
}
