#!/usr/bin/env node
// Entry point of `npm run bench -- NAME [--json]`: runs a compiled benchmark from dist/bench.
import { runBench } from '../dist/bench/main.js';

runBench(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`bench: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
