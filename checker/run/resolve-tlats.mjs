// Module resolution hook (node:module register), chained before tsx's.
// - A spec anywhere on disk can `import ... from 'tlats'` (or '#tlats', the alias used inside this repository) and
//   gets the spec language of the checker that is running it, whether or not its own folder has tlats installed.
//   One copy of the language per process also means that the spec's `defineSpec` is the one the checker knows.
// - A .ts file outside any `"type": "module"` package is loaded as an ES module all the same: tsx would otherwise
//   compile it to CommonJS, where a misspelt named import (`import { rnage } from 'tlats'`) silently becomes
//   undefined instead of failing to link, and a load error is reported as "Cannot require() ES Module … in a cycle".
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The spec language beside this file: src/index.ts in the repository, src/index.js in the compiled dist/.
const source = new URL('../../src/index.ts', import.meta.url);
const self = (existsSync(fileURLToPath(source)) ? source : new URL('../../src/index.js', import.meta.url)).href;
const typescript = /\.(ts|tsx)$/;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'tlats' || specifier === '#tlats') return { url: self, format: 'module', shortCircuit: true };
  const resolved = await nextResolve(specifier, context);
  if (resolved.format === 'commonjs' && resolved.url.startsWith('file:') && typescript.test(new URL(resolved.url).pathname)) {
    return { ...resolved, format: 'module' };
  }
  return resolved;
}
