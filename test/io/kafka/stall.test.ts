// When a Kafka consumer that made no progress is reported, and when it is replaced.
import { describe, expect, it } from 'vitest';
import { ProcessorLifecycle, ProcessorStateError } from '../../../src/io/kafka/processor-state.js';
import { STALL_REPORT_MS, StallWatch, stallAction, type StallFacts } from '../../../src/io/kafka/stall.js';

const stuck: StallFacts = {
  state: 'running',
  idleMs: STALL_REPORT_MS + 1,
  waiting: 500,
  commitUnderWay: false,
  fetchingPaused: false,
  brokerTroubleSince: true,
};

describe('a consumer without progress', () => {
  it('is left alone while it is recent or nothing waits on the broker', () => {
    expect(stallAction({ ...stuck, idleMs: STALL_REPORT_MS - 1 })).toBe('none');
    expect(stallAction({ ...stuck, waiting: 0 })).toBe('none');
  });

  it('is left alone unless the processor is running (stopping and failed processors have their own way out)', () => {
    for (const state of ['starting', 'failed', 'stopping', 'closing', 'stopped'] as const)
      expect(stallAction({ ...stuck, state })).toBe('none');
  });

  it('is replaced when input waits, nothing explains the wait, and the brokers were unreachable since its last progress', () => {
    expect(stallAction(stuck)).toBe('replace-consumer');
  });

  it('is only reported when a commit under way, paused fetching or an open producer transaction may explain the wait', () => {
    expect(stallAction({ ...stuck, commitUnderWay: true })).toBe('report');
    expect(stallAction({ ...stuck, fetchingPaused: true })).toBe('report');
    expect(stallAction({ ...stuck, brokerTroubleSince: false })).toBe('report');
  });
});

describe('the stall watch', () => {
  it('looks at the broker once per report period, only for a running processor without backpressure', () => {
    const watch = new StallWatch(0);
    const idle = STALL_REPORT_MS + 1;
    expect(watch.checkDue(idle, 0, 'stopping', false)).toBe(false);
    expect(watch.checkDue(idle, 0, 'running', true)).toBe(false);
    expect(watch.checkDue(idle, 0, 'running', false)).toBe(true);
    expect(watch.checkDue(idle + 1, 0, 'running', false)).toBe(false);
    expect(watch.checkDue(2 * idle, 0, 'running', false)).toBe(true);
  });

  it('counts broker trouble and revocations only after the last progress', () => {
    const watch = new StallWatch(0);
    watch.brokerTrouble(10);
    expect(watch.troubleSinceProgress(0)).toBe(true);
    watch.progressed(20);
    expect(watch.troubleSinceProgress(0)).toBe(false);
    watch.revoked(30);
    expect(watch.troubleSinceProgress(25)).toBe(true);
    expect(watch.troubleSinceProgress(40)).toBe(false);
  });
});

describe('the processor lifecycle', () => {
  it('runs created, starting, running, stopping, closing, stopped', () => {
    const life = new ProcessorLifecycle();
    for (const t of ['start', 'started', 'stop', 'committed', 'closed'] as const) life.go(t);
    expect(life.state).toBe('stopped');
  });

  it('refuses an illegal transition with a typed error naming it', () => {
    const life = new ProcessorLifecycle();
    life.go('start');
    expect(() => life.go('start')).toThrow(ProcessorStateError);
    expect(() => life.go('closed')).toThrow(/transition "closed" is not allowed in state starting/);
    life.go('started');
    life.go('fail');
    expect(life.running).toBe(false);
    expect(life.can('fail')).toBe(false);
    life.go('stop');
    expect(life.stopRequested).toBe(true);
  });
});
