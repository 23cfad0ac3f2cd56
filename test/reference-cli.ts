/**
 * Runs the naive reference search on a spec: `npx tsx test/reference-cli.ts specs/x.ts [config|all] [k=v ...]`.
 * For cross-checking a spec or the engine by hand; the tests import reference-search.ts directly.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { referenceConstants, referenceSearch } from './reference-search.ts';

const [file, config, ...rest] = process.argv.slice(2);
if (!file) { console.error('usage: tsx test/reference-cli.ts <spec.ts> [config|all] [k=v ...]'); process.exit(64); }
const mod = await import(pathToFileURL(resolve(file)).href);
const spec = mod.default ?? mod.spec;
const overrides: Record<string, unknown> = {};
for (const kv of rest) {
  const [k, v] = kv.split('=');
  overrides[k!] = v === 'true' ? true : v === 'false' ? false : Number.isNaN(Number(v)) ? v : Number(v);
}
const names = config === 'all' ? Object.keys(spec.configs ?? {}) : [config];
for (const name of names) {
  const t0 = Date.now();
  const r = referenceSearch(spec, referenceConstants(spec, name, overrides));
  console.log(JSON.stringify({ config: name ?? 'default', ...r, seconds: (Date.now() - t0) / 1000 }));
}
