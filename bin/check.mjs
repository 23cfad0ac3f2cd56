#!/usr/bin/env node
// The `check` / `tlats` command. Registers tsx so the checker and the user's .ts spec load directly, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../checker/cli/main.ts');
await runCli();
