// Leader election through a consumer group: the one member assigned the single partition of a topic is the leader.
import type { KafkaConfig } from '../../config.js';
import { leaderConsumerConfig } from './client-config.js';
import {
  CODES,
  Consumer,
  asError,
  connect,
  consume,
  disconnect,
  type KafkaConsumer,
  type LibrdKafkaError,
} from './rdkafka.js';

export interface LeaderElectionOptions {
  config: KafkaConfig;
  /** The group whose members compete (one group per leadership). */
  groupId: string;
  /** A topic with one partition: its holder leads. */
  topic: string;
  onChange?: (leader: boolean) => void;
  log?: (line: string) => void;
}

/**
 * The group coordinator decides: when the leader dies, its session times out and the partition goes to another
 * member (`session.timeout.ms`, 6 s unless set). A member that cannot reach the coordinator loses the partition
 * at its own session timeout, so two leaders overlap at most briefly (what they publish is merged by version).
 * The consumer reads from the end and drops what it reads: only the assignment matters.
 */
export class LeaderElection {
  private consumer?: KafkaConsumer;
  private leading = false;
  private since = 0;
  private stopping = false;
  private loop?: Promise<void>;

  constructor(private readonly o: LeaderElectionOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** How long this member has led without interruption (0 when it does not lead). */
  leadingForMs(): number {
    return this.leading ? performance.now() - this.since : 0;
  }

  async start(): Promise<void> {
    const set = (leader: boolean) => {
      if (leader === this.leading) return;
      this.leading = leader;
      this.since = performance.now();
      this.o.log?.(`kafka: ${leader ? 'leading' : 'no longer leading'} ${this.o.groupId}`);
      this.o.onChange?.(leader);
    };
    const consumer = new Consumer(
      {
        ...leaderConsumerConfig(this.o.config, this.o.groupId),
        rebalance_cb: (err: LibrdKafkaError, assignment: { topic: string; partition: number }[]) => {
          const assign = err.code === CODES.ERRORS.ERR__ASSIGN_PARTITIONS && !this.stopping;
          if (!assign) set(false);
          try {
            if (assign) consumer.assign(assignment);
            else consumer.unassign();
          } catch (e) {
            // The callback runs inside librdkafka: a throw here ends the process. A consumer that is closing (the
            // whole process shutting down) refuses assignments with ERR__STATE; anything else is a bug.
            if (asError(e).code !== CODES.ERRORS.ERR__STATE) throw e;
            this.o.log?.(`kafka: leader election for ${this.o.groupId}: ${asError(e).message} while closing`);
            set(false);
            return;
          }
          if (assign) set(assignment.length > 0);
        },
      } as never,
      {},
    );
    this.consumer = consumer;
    await connect(consumer, 30_000);
    // Never wait inside a consume call: it would hold one of libuv's pool threads (see global-table.ts).
    consumer.setDefaultConsumeTimeout(0);
    consumer.subscribe([this.o.topic]);
    this.loop = this.run(consumer);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    this.leading = false;
    if (this.consumer) await disconnect(this.consumer);
  }

  private async run(consumer: KafkaConsumer): Promise<void> {
    while (!this.stopping) {
      try {
        // Polling keeps the membership alive (max.poll.interval.ms) and runs the rebalance callback.
        await consume(consumer, 100);
        await new Promise((r) => setTimeout(r, 200));
      } catch (err) {
        this.o.log?.(`kafka: leader election for ${this.o.groupId}: ${asError(err).message} (retrying)`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }
}
