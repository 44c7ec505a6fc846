// Which keys of an operator changed since the last checkpoint: a flag per key and the list of flagged keys.
import { resized } from '../typed-arrays.js';

export class ChangeSet {
  private readonly flag: Uint8Array;
  private list: Uint32Array;
  length = 0;

  constructor(keyCount: number) {
    this.flag = new Uint8Array(keyCount);
    this.list = new Uint32Array(Math.min(Math.max(keyCount, 1), 1024));
  }

  /** Called on every state change of a key: one typed-array test on the hot path, no allocation once grown. */
  touch(key: number): void {
    if (this.flag[key] === 1) return;
    this.flag[key] = 1;
    if (this.length === this.list.length) {
      this.list = resized(this.list, this.list.length * 2);
    }
    this.list[this.length++] = key;
  }

  /** The changed keys in the order they first changed; clears the set. */
  take(): Uint32Array {
    const keys = this.list.slice(0, this.length);
    for (let i = 0; i < this.length; i++) this.flag[this.list[i]] = 0;
    this.length = 0;
    return keys;
  }
}
