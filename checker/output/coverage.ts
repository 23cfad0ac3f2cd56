/**
 * Action coverage in text: the table `--coverage` prints (TLC's coverage report, per action and per instance), and
 * the warning every complete run prints when an action was never enabled (a misspelt parameter, a guard that can
 * never hold: TLC says "not enabled"). Pure functions of a result.
 */
import type { CoverageReport } from '../run/coverage.ts';
import { neverEnabled } from '../run/coverage.ts';
import { formatCount as n } from '../units.ts';
import { table } from './table.ts';

/** One row per action, and under an action with parameters one row per instance. */
export function formatCoverage(c: CoverageReport): string {
  const rows: string[][] = [['<initial states>', '', n(c.initial.generated), n(c.initial.distinct)]];
  for (const a of c.actions) {
    const parameterised = a.instances.length !== 1 || a.instances[0]!.label !== a.action;
    rows.push([a.action, n(a.enabled), n(a.generated), n(a.distinct)]);
    if (parameterised) for (const i of a.instances) rows.push([`  ${i.label}`, n(i.enabled), n(i.generated), n(i.distinct)]);
  }
  return `Coverage (enabled: states the action had a successor in; distinct: new states it reached first):\n${table(['action', 'enabled', 'generated', 'distinct'], rows, ['left', 'right', 'right', 'right'])}`;
}

/** The warning for actions never enabled, or '' when every action was (or when `actions` is empty). */
export function formatNeverEnabled(actions: readonly string[], where = ''): string {
  if (actions.length === 0) return '';
  const list = actions.join(', ');
  return actions.length === 1
    ? `Warning: action ${list} was never enabled${where} (a guard that never holds? a misspelt parameter?). --coverage shows every action's counts.`
    : `Warning: actions ${list} were never enabled${where} (guards that never hold? misspelt parameters?). --coverage shows every action's counts.`;
}

export { neverEnabled };
