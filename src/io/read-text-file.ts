// Reads a file a user names (city, request, instance, CSV) with a size limit: a device or a huge file given by mistake
// (`/dev/zero`, a disk image) fails at once with a clear error instead of filling the memory.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Larger than any city, request, routing instance or series CSV the tools take (the sample city is 0.4 MB). */
export const MAX_INPUT_FILE_BYTES = 64 * 1024 * 1024;

const CHUNK = 1024 * 1024;

/** The file's text (UTF-8); throws an Error whose message says why it cannot be read (missing, a directory, too large). */
export function readTextFile(file: string, maxBytes = MAX_INPUT_FILE_BYTES): string {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new Error('it is a directory');
    const tooLarge = () =>
      new Error(`it is larger than the limit of ${maxBytes} bytes (${Math.round(maxBytes / 1048576)} MiB)`);
    // A regular file's size is known up front; devices and pipes report none and are read up to the limit.
    if (st.isFile() && st.size > maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > maxBytes) throw tooLarge();
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
