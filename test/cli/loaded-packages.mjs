// Runs the urbanflow CLI in this process (argv after the script) and prints, as the last stdout line, the npm packages
// it loaded: ESM imports seen by a resolve hook, CommonJS ones from the require cache.
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const urls = new Set();
port1.on('message', (url) => urls.add(url));
register('./resolve-hook.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

const { main } = await import(new URL('../../dist/src/cli/main.js', import.meta.url).href);
await main(['node', 'urbanflow', ...process.argv.slice(2)]);
// Let the hook thread's last messages arrive.
await new Promise((r) => setTimeout(r, 100));
port1.close();
const files = [...urls]
  .map((u) => (u.startsWith('file:') ? new URL(u).pathname : u))
  .concat(Object.keys(createRequire(import.meta.url).cache));
const packages = new Set();
for (const f of files) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
  if (m) packages.add(m[1]);
}
process.stdout.write(`\n${JSON.stringify([...packages].sort())}\n`);
