// Service time seen over HTTP: the live services run on service time (simulated or wall), HTTP caching on wall-clock seconds.

export interface ServiceTime {
  /** Service time now (epoch ms). */
  now(): number;
  /** Retry-After seconds for a span of service time: at least 1, at most an hour. */
  retryAfter(serviceMs: number): number;
  /** Cache-Control for an answer that may change after a span of service time: max-age, or no-cache when it is over. */
  cacheControl(serviceMs: number): string;
}

const MAX_RETRY_S = 3600;

/**
 * `rate` is service milliseconds per wall-clock millisecond: 1 on the wall clock, the simulator's speed when it
 * drives the pipeline, so a client told to come back in 5 minutes of simulated time waits 5 s at 60x.
 */
export function serviceTime(clock: () => number, rate = 1): ServiceTime {
  if (!(rate > 0) || !Number.isFinite(rate))
    throw new Error(`service time rate must be a positive number, got ${rate}`);
  const wallSeconds = (serviceMs: number): number => serviceMs / rate / 1000;
  return {
    now: clock,
    retryAfter: (serviceMs) => Math.min(MAX_RETRY_S, Math.max(1, Math.ceil(wallSeconds(serviceMs)))),
    cacheControl: (serviceMs) => {
      const s = Math.floor(wallSeconds(serviceMs));
      return s >= 1 ? `private, max-age=${s}` : 'private, no-cache';
    },
  };
}
