// SIGINT/SIGTERM for a long-running command, listened to before anything starts: a signal at any moment of start-up
// ends in the same clean shutdown as one that comes later, never in a process killed half-started.
export interface StopSignal {
  /** The signal received so far, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** Resolves with the first signal. */
  readonly stopped: Promise<NodeJS.Signals>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Installs the handlers. The first signal asks for the shutdown; a second one means the person waiting does not want
 * it: the process exits at once with the conventional status (128 + signal number).
 */
export function listenForStop(log: (line: string) => void): StopSignal {
  let received: NodeJS.Signals | undefined;
  let resolve!: (s: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      log(`${signal} again: exiting without finishing the shutdown`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    received = signal;
    resolve(signal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    get received() {
      return received;
    },
    stopped,
  };
}
