// `urbanflow …` as a child process of a test or a benchmark: its stderr gathered, waits on what it prints, and its exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** bin/urbanflow.js, from bench/harness (tests run the source) and from dist/bench/harness (benchmarks run the build). */
const CLI = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../bin/urbanflow.js' : '../../../bin/urbanflow.js', import.meta.url),
);

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class UrbanflowProcess {
  /** Everything the process wrote to stderr so far. */
  stderr = '';
  /** The same lines, each with the milliseconds since the start (for a failing test's report). */
  readonly output: string[] = [];
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;

  /** Starts `urbanflow ARGS…` (e.g. `['run', '--port', '0', …]`). */
  constructor(args: string[]) {
    this.child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const t0 = Date.now();
    this.child.stderr!.on('data', (d: Buffer) => {
      const text = d.toString();
      this.stderr += text;
      for (const l of text.split('\n')) if (l !== '') this.output.push(`+${Date.now() - t0}ms ${l}`);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The exit code once the process has ended, null while it runs. */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** Waits until stderr matches `pattern` (polling every `everyMs`); fails when the process exits first or time runs out. */
  async printed(pattern: RegExp, timeoutMs = 60_000, everyMs = 50): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.stderr);
      if (m) return m;
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(
          `urbanflow exited (${this.child.exitCode ?? this.child.signalCode}) before printing ${pattern}:\n${this.stderr}`,
        );
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** The API's base URL, once it listens. */
  async listening(timeoutMs = 60_000): Promise<string> {
    return (await this.printed(/API on (http:\/\/\S+)/, timeoutMs))[1];
  }

  /** A crash: no shutdown hook runs (a Kafka member's open transaction is left to be fenced or to time out). */
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A clean stop (SIGTERM, or SIGINT as from a terminal): the exit code it ends with. */
  async stop(signal: 'SIGTERM' | 'SIGINT' = 'SIGTERM'): Promise<number | null> {
    this.child.kill(signal);
    return (await this.exited).code;
  }
}

/** The arguments of `urbanflow run` taking telemetry over HTTP on a state directory, its API on a free port. */
export function runHttpArgs(stateDir: string, workers = 1): string[] {
  return ['run', '--source', 'http', '--port', '0', '--workers', String(workers), '--state-dir', stateDir];
}
