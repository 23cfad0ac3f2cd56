/**
 * Loading a spec module. The CLI runs under tsx, so a .ts spec is imported directly; under vitest, vite compiles
 * it. Every failure becomes a SpecLoadError (exit 150) with a message that says what to do, never a raw stack.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { Spec } from '../../src/spec.ts';
import { SpecLoadError } from '../errors.ts';

export interface LoadedSpec {
  readonly spec: Spec;
  /** Absolute path of the spec file. */
  readonly file: string;
}

function firstUsefulLine(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frame = err.stack?.split('\n').find((l) => /^\s+at /.test(l) && !l.includes('node:') && !l.includes('node_modules'));
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

export async function loadSpec(path: string): Promise<LoadedSpec> {
  const file = resolve(path);
  if (!existsSync(file)) throw new SpecLoadError(`spec file not found: ${path}`);
  if (!statSync(file).isFile()) throw new SpecLoadError(`not a file: ${path} (give the spec's .ts file)`);
  const url = pathToFileURL(file).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    // A .ts file outside any "type": "module" package is taken for CommonJS by the global hook, which cannot
    // require an ES module; tsx's scoped loader imports it as ESM whatever its package says.
    try {
      mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    } catch {
      throw new SpecLoadError(`could not load ${path}:\n${firstUsefulLine(e)}`);
    }
  }
  let exported = mod.default ?? mod.spec;
  // CommonJS interop can wrap the module once more: { default: { default: spec } }.
  if (exported && typeof exported === 'object' && !('init' in exported) && 'default' in exported) {
    exported = (exported as { default: unknown }).default;
  }
  return { spec: asSpec(exported, path), file };
}
