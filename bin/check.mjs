#!/usr/bin/env node
// The `tlats` command (`check` inside this repository): registers the loaders so the checker and the user's .ts
// spec load directly, then runs the CLI.
import '../checker/run/register-loaders.mjs';

const { runCli } = await import('../checker/cli/main.ts');
await runCli();
