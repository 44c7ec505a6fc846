// When a Kafka consumer that made no progress is reported, and when it is replaced.
import { describe, expect, it } from 'vitest';
import { STALL_REPORT_MS, stallAction, type StallFacts } from '../../../src/io/kafka/stall.js';

const stuck: StallFacts = { idleMs: STALL_REPORT_MS + 1, waiting: 500, commitUnderWay: false, fetchingPaused: false, brokerTroubleSince: true };

describe('a consumer without progress', () => {
  it('is left alone while it is recent or nothing waits on the broker', () => {
    expect(stallAction({ ...stuck, idleMs: STALL_REPORT_MS - 1 })).toBe('none');
    expect(stallAction({ ...stuck, waiting: 0 })).toBe('none');
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
