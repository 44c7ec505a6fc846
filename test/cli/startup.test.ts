// The CLI loads only what a command needs: help for every command works, and neither `--help` nor `route` pulls in
// the API server, the solvers' WebAssembly or the Kafka client (checked on the module graph, not on time).
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = new URL('../../bin/urbanflow.js', import.meta.url).pathname;
const PROBE = new URL('./loaded-packages.mjs', import.meta.url).pathname;
const TINY = new URL('../fixtures/routing/tiny-n8.vrp', import.meta.url).pathname;

const COMMANDS = [
  'run',
  'forecast',
  'backtest',
  'route',
  'city',
  'city validate',
  'city generate',
  'simulate',
  'dispatch',
  'signal-plan',
  'keys',
  'keys create',
  'keys list',
  'keys revoke',
];
const SERVICE_PACKAGES = [
  'fastify',
  '@fastify/swagger',
  'better-sqlite3',
  'node-rdkafka',
  'prom-client',
  'piscina',
  'highs',
  'javascript-lp-solver',
  '@msgpack/msgpack',
];
// What only a command's run needs: the city schemas (TypeBox) and the holiday calendars.
const RUN_ONLY_PACKAGES = ['@sinclair/typebox', 'date-holidays', 'moment-timezone'];

async function loadedBy(...args: string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, [PROBE, ...args], { encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
}

describe('urbanflow start-up', () => {
  it('prints help for the program and for every command', async () => {
    const top = await run(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    for (const c of COMMANDS.filter((c) => !c.includes(' '))) expect(top.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    const helps = await Promise.all(
      COMMANDS.map((c) => run(process.execPath, [CLI, ...c.split(' '), '--help'], { encoding: 'utf8' })),
    );
    helps.forEach((h, i) => expect(h.stdout).toContain(`Usage: urbanflow ${COMMANDS[i]}`));
  });

  it('loads no service, solver or Kafka package for --help', async () => {
    const loaded = await loadedBy('--help');
    expect(loaded).toContain('commander');
    for (const p of [...SERVICE_PACKAGES, ...RUN_ONLY_PACKAGES]) expect(loaded).not.toContain(p);
  });

  it('loads the routing solver but not the API or Kafka for route', async () => {
    const loaded = await loadedBy('route', TINY, '--time-limit', '0.1', '--json');
    for (const p of ['fastify', 'better-sqlite3', 'node-rdkafka', 'prom-client', '@msgpack/msgpack'])
      expect(loaded).not.toContain(p);
  });
});
