// Benchmark runner: `npm run bench -- NAME [--json]`; the last stdout line of a JSON run is one object of figures.
import { benches } from './index.js';

export async function runBench(args: string[]): Promise<void> {
  const name = args.find((a) => !a.startsWith('-'));
  const json = args.includes('--json');
  const bench = name ? benches[name] : undefined;
  if (!bench) {
    process.stderr.write(
      `usage: npm run bench -- NAME [--json] [options]\nbenchmarks: ${Object.keys(benches).join(', ')}\n`,
    );
    process.exitCode = 2;
    return;
  }
  const rest = args.filter((a) => a !== name);
  const figures = await bench(rest);
  if (json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  else
    for (const [k, v] of Object.entries(figures))
      process.stdout.write(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}\n`);
}
