// The API's settings in the run configuration: sizes, per-role rate limits, source and log level, from flags or env.
import { describe, expect, it } from 'vitest';
import { parseRateLimits, parseSizeBytes, runConfig, stateDirConfig } from '../../src/config.js';

describe('API settings', () => {
  it('reads sizes and per-role rate limits, refusing what it cannot read', () => {
    expect(parseSizeBytes('16mb', 'x')).toBe(16 * 1024 * 1024);
    expect(parseSizeBytes('512kb', 'x')).toBe(512 * 1024);
    expect(parseSizeBytes('1000', 'x')).toBe(1000);
    expect(() => parseSizeBytes('lots', 'ingest-limit')).toThrow(/ingest-limit must be a size/);
    const roles = ['utility', 'operator'];
    expect(parseRateLimits('utility=1200, operator=0', roles)).toEqual({ utility: 1200, operator: 0 });
    expect(() => parseRateLimits('mayor=5', roles)).toThrow(/unknown role "mayor"/);
    expect(() => parseRateLimits('utility=-1', roles)).toThrow(/whole number >= 0/);
  });

  it('takes flags before URBANFLOW_* variables before defaults', () => {
    const env = { URBANFLOW_SOURCE: 'http', URBANFLOW_RATE_LIMITS: 'utility=5', URBANFLOW_STATE_DIR: '/srv/uf' };
    const c = runConfig({ logLevel: 'debug' }, env);
    expect(c).toMatchObject({
      source: 'http',
      rateLimits: { utility: 5 },
      stateDir: '/srv/uf',
      logLevel: 'debug',
      solverThreads: 1,
      ingestLimitBytes: 16 * 1024 * 1024,
    });
    expect(runConfig({ source: 'simulator' }, env).source).toBe('simulator');
    expect(() => runConfig({ source: 'kafka-ish' }, {})).toThrow(/source must be one of simulator, http/);
    expect(stateDirConfig(undefined, {})).toBe('.urbanflow');
    expect(stateDirConfig('/x', env)).toBe('/x');
  });

  it('bounds the future skew of event time: 5 minutes by default, --max-future-skew or URBANFLOW_MAX_FUTURE_SKEW', () => {
    expect(runConfig({}, {}).maxFutureSkewMs).toBe(300_000);
    expect(runConfig({}, { URBANFLOW_MAX_FUTURE_SKEW: '90s' }).maxFutureSkewMs).toBe(90_000);
    expect(runConfig({ maxFutureSkewMs: '1h' }, { URBANFLOW_MAX_FUTURE_SKEW: '90s' }).maxFutureSkewMs).toBe(3_600_000);
    expect(() => runConfig({ maxFutureSkewMs: 'soon' }, {})).toThrow(/max-future-skew must be a duration/);
  });

  it('starts warm unless --cold or URBANFLOW_COLD says otherwise', () => {
    expect(runConfig({}, {}).cold).toBe(false);
    expect(runConfig({ cold: 'true' }, {}).cold).toBe(true);
    expect(runConfig({}, { URBANFLOW_COLD: '1' }).cold).toBe(true);
    expect(runConfig({}, { URBANFLOW_COLD: 'false' }).cold).toBe(false);
    expect(() => runConfig({}, { URBANFLOW_COLD: 'sometimes' })).toThrow(
      /cold must be true or false \(got "sometimes"\)/,
    );
  });
});
