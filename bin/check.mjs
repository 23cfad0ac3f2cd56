#!/usr/bin/env node
// The `tlats` command (`check` inside this repository). In the repository it runs the checker's TypeScript sources
// (through tsx); in an installed package, which ships the compiled dist/ instead (npm pack builds it), the
// JavaScript. Either way the loaders come first (checker/run/register-loaders.mjs: tsx for the user's .ts spec,
// and `tlats` resolved to this package), then the CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fromSource = existsSync(fileURLToPath(new URL('../checker/cli/main.ts', import.meta.url)));
if (fromSource) {
  await import('../checker/run/register-loaders.mjs');
  const { runCli } = await import('../checker/cli/main.ts');
  await runCli();
} else {
  await import('../dist/checker/run/register-loaders.mjs');
  const { runCli } = await import('../dist/checker/cli/main.js');
  await runCli();
}
