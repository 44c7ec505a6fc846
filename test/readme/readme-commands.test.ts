// README's quick start as a new user follows it: `npm start`, the key it prints, then every README curl line (and the
// docs link) against that server, each answering 2xx with the shape the OpenAPI document promises, within a minute.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { againstServer, curlMethod, readmeCommands, requestPath, type ReadmeCommand } from './readme-commands.js';

const ROOT = new URL('../..', import.meta.url).pathname;
/**
 * How long a command may keep answering "not ready" before it counts as failed. The warm start makes every live route
 * answer within about a minute on a quiet machine (`npm run bench -- start --json` measures it); the bound here is
 * wider because the suite shares the machine's cores with other test files, and a test asserts behaviour, not speed.
 */
const DEADLINE_MS = 360_000;

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

let child: ChildProcess;
let stderr = '';
let startedAt = 0;
let base = '';
let key = '';
const dir = mkdtempSync(join(tmpdir(), 'uf-readme-'));

beforeAll(async () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  // `npm start` is this command; run it directly so the test owns the server process (and its signals).
  expect(pkg.scripts.start).toBe('node bin/urbanflow.js run');
  startedAt = Date.now();
  child = spawn(process.execPath, ['bin/urbanflow.js', 'run'], {
    cwd: ROOT,
    // A free port and a state directory of its own: README's defaults (8080, ./.urbanflow) stay untouched.
    env: { ...process.env, URBANFLOW_PORT: '0', URBANFLOW_STATE_DIR: dir, URBANFLOW_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  while (!/Bearer (ufk_\S+)"/.test(stderr)) {
    if (child.exitCode !== null) throw new Error(`urbanflow run exited with ${child.exitCode}:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  base = /API on (http:\/\/\S+)/.exec(stderr)![1];
  // README: "On the first start it creates an operator API key and prints it once on stderr".
  key = /no operator key existed, so one was created; it is shown only this once:\s+(ufk_\S+)/.exec(stderr)![1];
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a README curl line as written (bash, from the repository root, with $KEY set) against the test server. */
async function runCurl(command: string, files: string): Promise<Answer> {
  const bodyFile = `${files}.body`;
  const headerFile = `${files}.headers`;
  const script = [
    // The body and headers go to files and the status to stdout, whatever options the line itself gives.
    `curl() { command curl -sS --max-time 120 -o '${bodyFile}' -D '${headerFile}' -w '%{http_code}' "$@"; }`,
    command,
  ].join('\n');
  const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
    const p = spawn('bash', ['-c', script], { cwd: ROOT, env: { ...process.env, KEY: key } });
    let stdout = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', () => resolve({ stdout, stderr: err }));
  });
  const status = Number(r.stdout.trim() || 0);
  if (status === 0) return { status: 0, contentType: '', body: r.stderr };
  const headers = readFileSync(headerFile, 'utf8');
  return {
    status,
    contentType: /^content-type:\s*(.+)$/im.exec(headers)?.[1].trim() ?? '',
    body: readFileSync(bodyFile, 'utf8'),
  };
}

async function runOpen(url: string): Promise<Answer> {
  try {
    const res = await fetch(url);
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
  } catch (err) {
    return { status: 0, contentType: '', body: String(err) };
  }
}

/** Retries while the server is still starting (503 with Retry-After, or no connection), up to the deadline. */
async function untilAnswered(run: () => Answer | Promise<Answer>): Promise<{ answer: Answer; atMs: number }> {
  for (;;) {
    const answer = await run();
    const waiting = answer.status === 0 || answer.status === 503;
    if (!waiting || Date.now() - startedAt >= DEADLINE_MS) return { answer, atMs: Date.now() - startedAt };
    await new Promise((r) => setTimeout(r, 1000));
  }
}

type OpenApi = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
};

/** The OpenAPI path template a request path matches, the most literal one when several do. */
function templateOf(doc: OpenApi, path: string): string | undefined {
  const pathname = decodeURIComponent(path.split('?')[0]);
  const matches = Object.keys(doc.paths).filter((t) =>
    new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
  );
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

describe('README commands against `npm start`', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const commands = readmeCommands(readme);

  it('has commands to run', () => {
    expect(commands.filter((c) => c.kind === 'curl').length).toBeGreaterThanOrEqual(5);
    expect(commands.some((c) => c.kind === 'open')).toBe(true);
  });

  it('answers every one with 2xx and the documented shape, each once the warm start is done', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as OpenApi;
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
    ajv.addSchema(doc, 'openapi');
    const failures: string[] = [];
    const timings: string[] = [];
    const check = (
      c: ReadmeCommand,
      method: string,
      path: string | undefined,
      { answer, atMs }: { answer: Answer; atMs: number },
    ) => {
      const where = `README.md:${c.line} \`${c.text}\``;
      timings.push(`${(atMs / 1000).toFixed(1).padStart(5)} s  ${answer.status}  ${method} ${path}`);
      if (answer.status < 200 || answer.status > 299)
        return failures.push(
          `${where}: ${answer.status} after ${(atMs / 1000).toFixed(1)} s: ${answer.body.slice(0, 300)}`,
        );
      if (atMs > DEADLINE_MS) return failures.push(`${where}: answered after ${(atMs / 1000).toFixed(1)} s`);
      if (path === undefined) return failures.push(`${where}: does not address the server`);
      const template = templateOf(doc, path);
      if (!answer.contentType.includes('json')) {
        // A page (the docs) or a download: it must at least have a body.
        if (answer.body.length === 0) failures.push(`${where}: empty ${answer.contentType} answer`);
        return;
      }
      const op = template ? doc.paths[template][method.toLowerCase()] : undefined;
      const response =
        op?.responses[String(answer.status)] ?? op?.responses[`${String(answer.status)[0]}XX`] ?? op?.responses.default;
      const media = response?.content && Object.keys(response.content).find((t) => t.includes('json'));
      if (!template || !op || !response || !media)
        return failures.push(
          `${where}: the OpenAPI document has no JSON ${answer.status} answer for ${method} ${template ?? path}`,
        );
      const pointer = `openapi#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${Object.keys(op.responses).find((s) => op.responses[s] === response)}/content/${media.replace(/~/g, '~0').replace(/\//g, '~1')}/schema`;
      const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
      if (!validate(JSON.parse(answer.body)))
        failures.push(
          `${where}: answer does not match ${method} ${template} ${answer.status} in the OpenAPI document: ${ajv.errorsText(validate.errors)}`,
        );
    };
    // All at once, each retried on its own: the time each one first answers is its own, not its predecessors'.
    const answers = await Promise.all(
      commands.map(async (c, i) => {
        const command = againstServer(c.text, base);
        if (c.kind === 'open') {
          const url = command.split(/\s+/)[1];
          return {
            c,
            method: 'GET',
            path: url.startsWith(base) ? url.slice(base.length) : undefined,
            result: await untilAnswered(() => runOpen(url)),
          };
        }
        return {
          c,
          method: curlMethod(command),
          path: requestPath(command, base),
          result: await untilAnswered(() => runCurl(command, join(dir, `answer-${i}`))),
        };
      }),
    );
    for (const a of answers) check(a.c, a.method, a.path, a.result);
    // When each answered, for whoever reads the test output (the deadline is the only timing asserted).
    console.log(`README commands, seconds after start:\n${timings.join('\n')}`);
    expect(failures).toEqual([]);
  }, 480_000);
});
