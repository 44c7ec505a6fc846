// A real Apache Kafka broker (KRaft, one node) on loopback for the Kafka tests and benchmark: jars from Maven
// Central through test/kafka-broker/pom.xml, cached in ~/.cache/urbanflow; each broker gets free ports and a
// fresh data directory, and dies with the process that started it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const POM = fileURLToPath(
  new URL(
    import.meta.url.endsWith('.ts') ? '../test/kafka-broker/pom.xml' : '../../test/kafka-broker/pom.xml',
    import.meta.url,
  ),
);

/** Why no broker could be started, in words that say what to install or fix. */
export class BrokerUnavailableError extends Error {}

function kafkaVersion(): string {
  return /<kafka.version>([^<]+)<\/kafka.version>/.exec(readFileSync(POM, 'utf8'))![1];
}

export function brokerCacheDir(): string {
  return process.env.URBANFLOW_KAFKA_CACHE ?? join(homedir(), '.cache', 'urbanflow', `kafka-${kafkaVersion()}`);
}

/** The broker's jars, fetched once with Maven and kept in the cache. */
export function ensureKafkaJars(log: (line: string) => void = () => undefined): string {
  const libs = join(brokerCacheDir(), 'libs');
  if (existsSync(join(libs, '.complete'))) return libs;
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0)
    throw new BrokerUnavailableError(
      `the Kafka tests start a real broker and need Java 17+ on PATH (java -version failed: ${java.error?.message ?? java.stderr})`,
    );
  const partial = `${libs}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  log(`fetching Apache Kafka ${kafkaVersion()} from Maven Central into ${libs}`);
  const mvn = spawnSync(
    'mvn',
    ['-B', '-q', '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${partial}`],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (mvn.error || mvn.status !== 0) {
    throw new BrokerUnavailableError(
      `could not fetch the Kafka broker jars with Maven (needs mvn on PATH and Maven Central reachable): ${mvn.error?.message ?? `${mvn.stdout}${mvn.stderr}`.trim().slice(-2000)}`,
    );
  }
  writeFileSync(join(partial, '.complete'), kafkaVersion());
  rmSync(libs, { recursive: true, force: true });
  renameSync(partial, libs);
  return libs;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export interface BrokerOptions {
  /** Extra server.properties lines. */
  properties?: Record<string, string | number>;
  heapMb?: number;
  log?: (line: string) => void;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export class KafkaBroker {
  private proc?: ChildProcess;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly controllerPort: number,
    private readonly libs: string,
    private readonly o: BrokerOptions,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  get logFile(): string {
    return join(this.dir, 'broker.log');
  }

  /** Fetches the jars if needed, formats a fresh KRaft log directory and starts the broker. */
  static async start(o: BrokerOptions = {}): Promise<KafkaBroker> {
    const libs = ensureKafkaJars(o.log);
    const dir = mkdtempSync(join(tmpdir(), 'urbanflow-kafka-'));
    const broker = new KafkaBroker(dir, await freePort(), await freePort(), libs, o);
    broker.writeConfig();
    const format = spawnSync(
      'java',
      [
        '-cp',
        `${libs}/*`,
        `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        'dXJiYW5mbG93LXRlc3Rz',
        '-c',
        join(dir, 'server.properties'),
      ],
      { encoding: 'utf8' },
    );
    if (format.status !== 0)
      throw new BrokerUnavailableError(`formatting the Kafka log directory failed: ${format.stdout}${format.stderr}`);
    await broker.launch();
    return broker;
  }

  private writeConfig(): void {
    const props: Record<string, string | number> = {
      'process.roles': 'broker,controller',
      'node.id': 1,
      'controller.quorum.voters': `1@127.0.0.1:${this.controllerPort}`,
      listeners: `PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${this.port}`,
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name': 'PLAINTEXT',
      'log.dirs': join(this.dir, 'data'),
      'num.partitions': 4,
      'auto.create.topics.enable': 'false',
      'offsets.topic.replication.factor': 1,
      'offsets.topic.num.partitions': 4,
      'transaction.state.log.replication.factor': 1,
      'transaction.state.log.min.isr': 1,
      'transaction.state.log.num.partitions': 4,
      'group.initial.rebalance.delay.ms': 0,
      'group.min.session.timeout.ms': 1000,
      // Transactions of a killed process are aborted soon after their timeout, not up to 10 s later.
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': 1000,
      'log.cleaner.backoff.ms': 1000,
      ...this.o.properties,
    };
    writeFileSync(
      join(this.dir, 'server.properties'),
      Object.entries(props)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
    writeFileSync(
      join(this.dir, 'log4j2.properties'),
      [
        'status = error',
        'appender.file.type = File',
        'appender.file.name = file',
        `appender.file.fileName = ${this.logFile}`,
        'appender.file.layout.type = PatternLayout',
        'appender.file.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = info',
        'rootLogger.appenderRef.file.ref = file',
      ].join('\n') + '\n',
    );
  }

  private async launch(): Promise<void> {
    const heap = this.o.heapMb ?? 768;
    const proc = spawn(
      'java',
      [
        `-Xms${Math.min(256, heap)}m`,
        `-Xmx${heap}m`,
        '-XX:+UseG1GC',
        '-cp',
        `${this.libs}/*`,
        `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
        'kafka.Kafka',
        join(this.dir, 'server.properties'),
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    this.proc = proc;
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (proc.exitCode !== null)
        throw new BrokerUnavailableError(`the Kafka broker exited with code ${proc.exitCode}: ${stderr}${this.tail()}`);
      const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
      if (log.includes('Kafka Server started') && (await portOpen(this.port))) return;
      if (Date.now() > deadline)
        throw new BrokerUnavailableError(`the Kafka broker did not start within 90 s: ${this.tail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private tail(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-3000) : '';
  }

  /** Controlled shutdown (SIGTERM); the data directory stays for a restart. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    // Only the log line of the next start counts.
    writeFileSync(this.logFile, '');
  }

  /** Starts again on the same ports and data: clients reconnect to the same address. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
