/** `tlats --list spec.ts`: the spec's constants, configurations, actions and properties, without checking. */
import type { ConfigDef, ConstDecl } from '../../src/spec.ts';
import { Model } from '../model/model.ts';
import { formatConstants } from '../output/text.ts';
import { formatValue } from '../output/values.ts';
import type { LoadedSpec } from '../run/load.ts';

export function formatList(loaded: LoadedSpec, shownPath: string): string {
  const s = loaded.spec;
  const model = new Model(s, { specFile: loaded.file });
  const lines = [`${s.name} (${shownPath})`];
  if (s.description) lines.push(s.description);
  lines.push('', 'Constants (override with --const NAME=VALUE):');
  for (const [k, v] of Object.entries(s.constants ?? {})) {
    const d = (typeof v === 'object' && v !== null ? v : { default: v }) as ConstDecl;
    lines.push(`  ${k} = ${formatValue(d.default)}${d.values ? `   one of ${d.values.map((x) => formatValue(x)).join(', ')}` : ''}${d.doc ? `   ${d.doc}` : ''}`);
  }
  if (!s.constants || Object.keys(s.constants).length === 0) lines.push('  (none)');
  lines.push('', 'Configurations (--config NAME):');
  for (const [k, c] of Object.entries(s.configs ?? {}) as [string, ConfigDef<Record<string, unknown>>][]) {
    const invariants = c.invariants ? `; invariants ${c.invariants.join(', ')}` : '';
    lines.push(`  ${k}: ${formatConstants(c.constants ?? {})}${invariants}${c.expect ? '   [has expectation]' : ''}${c.doc ? `   ${c.doc}` : ''}`);
  }
  if (!s.configs || Object.keys(s.configs).length === 0) lines.push('  (none)');
  lines.push('', `Actions (${model.instances.length} instances at the default constants):`);
  for (const name of Object.keys(s.actions)) {
    const instances = model.instances.filter((i) => i.step.action === name);
    const parameterised = instances.length !== 1 || instances[0]!.step.label !== name;
    lines.push(`  ${name}${parameterised ? `  (${instances.length} instances)` : ''}`);
  }
  lines.push('', 'Invariants:', ...Object.keys(s.invariants ?? {}).map((k) => `  ${k}`));
  if (!s.invariants || Object.keys(s.invariants).length === 0) lines.push('  (none)');
  lines.push('', 'Action properties:', ...Object.keys(s.actionProperties ?? {}).map((k) => `  ${k}`));
  if (!s.actionProperties || Object.keys(s.actionProperties).length === 0) lines.push('  (none)');
  lines.push('', `State constraint: ${s.constraint ? 'yes' : 'no'}; action constraint: ${s.actionConstraint ? 'yes' : 'no'}; view: ${s.view ? 'yes' : 'no'}; schema: ${s.schema ? 'yes' : 'no'}; deadlock check: ${s.deadlock === false ? 'off' : 'on'}`);
  return lines.join('\n');
}
