/**
 * The HTML page of a run (`check … --html FILE`): its counterexamples turned into ITF (./itf-files.ts), read back
 * as `tlats view` reads a file (checker/view/), and drawn (./html.ts); a verdict matrix gets an index of its
 * configurations linking to each trace, all in the one page.
 */
import type { CheckResult } from '../run/check.ts';
import { decodeItf } from '../view/itf-reader.ts';
import { traceView, type TraceView } from '../view/trace-view.ts';
import { renderHtml, type IndexRow } from './html.ts';
import { violationItf } from './itf-files.ts';
import { formatConstants } from './text.ts';

export interface RunRow {
  readonly config: string | undefined;
  readonly result?: CheckResult;
  /** Why the configuration could not be checked (a matrix row). */
  readonly error?: string;
}

function verdictWords(r: CheckResult): string {
  switch (r.outcome.verdict) {
    case 'holds': return 'holds';
    case 'violated': return `violated: ${r.violations.map((v) => v.label).join(', ')}`;
    case 'bounded': return 'no violation up to the depth bound';
    case 'interrupted': return 'interrupted';
    case 'out-of-memory': return 'out of memory';
    case 'disk-failed': return 'the disk failed';
    case 'cluster-failed': return 'a node or the NATS server was lost';
  }
}

export function runPage(spec: { name: string; file: string }, mode: 'single' | 'matrix', rows: readonly RunRow[], generator: string): string {
  const traces: TraceView[] = [];
  const index: IndexRow[] = [];
  for (const row of rows) {
    const ids: { property: string; id: string }[] = [];
    for (const v of row.result?.violations ?? []) {
      const id = `trace-${traces.length + 1}`;
      const name = `${spec.name}${row.config ? ` [${row.config}]` : ''}`;
      traces.push(traceView(decodeItf(violationItf(row.result!, v), name), { id, title: name }));
      ids.push({ property: v.label, id });
    }
    index.push({ config: row.config ?? 'defaults', verdict: row.error ? `error: ${row.error}` : verdictWords(row.result!), traces: ids });
  }
  const single = mode === 'single' ? rows[0]?.result : undefined;
  const summary = single
    ? [
      `${single.config ? `Configuration ${single.config}. ` : ''}Constants: ${formatConstants(single.constants)}`,
      `Verdict: ${verdictWords(single)}. ${single.stats.distinct.toLocaleString('en-US')} distinct states, depth ${single.stats.depth}.`,
    ]
    : [`Verdict matrix of ${rows.length} configurations; ${traces.length} counterexample${traces.length === 1 ? '' : 's'}.`];
  return renderHtml({ title: `${spec.name} (${spec.file})`, summary, index: mode === 'matrix' ? index : undefined, traces, generator });
}
