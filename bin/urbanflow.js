#!/usr/bin/env node
// Entry point of the urbanflow CLI: runs the compiled program built by `npm ci` (prepare script).
import { main } from '../dist/src/cli/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`urbanflow: ${err?.message ?? err}\n`);
  process.exitCode = 1;
});
