// Public surface of the edges that are not a broker: the state directory's private files, bounded reads of files a
// user names, and the embedded simulator as a source (Kafka and MQTT have their own folders and indexes). The stores
// and the CLI commands import the two file helpers' modules directly: a key store or `--help` loads nothing else.
export { ensurePrivateDir, preparePrivateDatabase, writePrivateFile } from './private-files.js';
export { MAX_INPUT_FILE_BYTES, readTextFile } from './read-text-file.js';
export {
  startSimulatorSource,
  type ReplayProgress,
  type ReplayStats,
  type SimulatorSource,
  type SimulatorSourceOptions,
} from './simulator-source.js';
export { replaySimulator, type SimulatorReplayOptions } from './simulator-replay.js';
