// Where state one process produces reaches the other processes of a group, and where theirs comes from (a compacted Kafka topic in src/app/shared-state).

/** Documents by key: the latest document of a key is its state; null deletes the key. */
export interface Replica {
  /** A published document (as persisted), or null when the key was deleted. */
  publish(key: string, doc: string | null): void;
  /** Calls `apply` with every document replicated, this process's own included, in the order every process sees. */
  subscribe(apply: (key: string, doc: string | null) => void): void;
}
