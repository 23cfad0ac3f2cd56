/**
 * Loading a spec module. The CLI and the workers run with the loaders of ./register-loaders.mjs (tsx, and `tlats`
 * resolved to this package from any folder, with every .ts file loaded as an ES module); under vitest, vite
 * compiles it. Every failure becomes a SpecLoadError (exit 150) that names the spec's own file and line (tsx's source
 * maps point stack frames at the .ts source), never a raw stack.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as language from '../../src/index.ts';
import type { Spec } from '../../src/spec.ts';
import { SpecLoadError } from '../errors.ts';

export interface LoadedSpec {
  readonly spec: Spec;
  /** Absolute path of the spec file. */
  readonly file: string;
}

/** The checker's own folder: its frames are never where a spec's error is. */
const checkerDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** `rnage` → ` (did you mean range?)`, among the names the spec language exports. */
function didYouMean(name: string): string {
  const exported = Object.keys(language);
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0]!;
      d[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = d[j]!;
        d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return d[b.length]!;
  };
  const best = exported.map((e) => [e, distance(name.toLowerCase(), e.toLowerCase())] as const).sort((x, y) => x[1] - y[1])[0];
  const hint = best && best[1] <= 2 ? ` (did you mean ${best[0]}?)` : '';
  return `${hint}. tlats exports: ${exported.sort().join(', ')}`;
}

/** The error's name and message, and its first stack frame outside Node and the checker: the spec's own line. */
function describeLoadError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const missing = /does not provide an export named '([^']+)'/.exec(err.message);
  if (missing && /module '#?tlats'/.test(err.message)) return `${err.name}: ${err.message}${didYouMean(missing[1]!)}`;
  const frame = err.stack?.split('\n').find((l) => /^\s+at /.test(l) && !l.includes('node:') && !l.includes('node_modules') && !l.includes(checkerDir));
  return `${err.name}: ${err.message}${frame ? `\n  ${frame.trim()}` : ''}`;
}

/** Checks that a module export looks like a spec made by defineSpec. */
export function asSpec(value: unknown, file: string): Spec {
  const v = value as Partial<Spec> | undefined;
  if (!v || typeof v !== 'object') {
    throw new SpecLoadError(`${file} exports no spec: write \`export default defineSpec({ ... })\` (or \`export const spec = defineSpec(...)\`)`);
  }
  const problems: string[] = [];
  if (typeof v.name !== 'string' || v.name === '') problems.push('a `name` string');
  if (typeof v.init !== 'function') problems.push('an `init` function');
  if (!v.actions || typeof v.actions !== 'object' || Object.keys(v.actions).length === 0) problems.push('at least one action in `actions`');
  if (problems.length) throw new SpecLoadError(`${file}: the exported spec lacks ${problems.join(', ')}`);
  return v as Spec;
}

/**
 * Loads the spec a module exports: its default export, or `spec`; with `name`, the exported spec of that name
 * (a module may define several, and `check(spec)` hands the workers the module and the name).
 */
export async function loadSpec(path: string, name?: string): Promise<LoadedSpec> {
  const file = resolve(path);
  if (!existsSync(file)) throw new SpecLoadError(`spec file not found: ${path}`);
  if (!statSync(file).isFile()) throw new SpecLoadError(`not a file: ${path} (give the spec's .ts file)`);
  const url = pathToFileURL(file).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new SpecLoadError(`could not load ${path}:\n${describeLoadError(e)}`);
  }
  let exported = mod.default ?? mod.spec;
  if (name !== undefined && (exported as Partial<Spec> | undefined)?.name !== name) {
    const named = Object.values(mod).find((v) => typeof v === 'object' && v !== null && (v as Partial<Spec>).name === name && '__tlats' in v);
    if (!named) throw new SpecLoadError(`${path} exports no spec named ${JSON.stringify(name)} (worker threads load the spec from the module that defined it: export it from there)`);
    exported = named;
  }
  // CommonJS interop can wrap the module once more: { default: { default: spec } }.
  if (exported && typeof exported === 'object' && !('init' in exported) && 'default' in exported) {
    exported = (exported as { default: unknown }).default;
  }
  return { spec: asSpec(exported, path), file };
}
