// A JSON array body read a few thousand elements at a time, the event loop running every few ms: a 16 MB array of
// junk neither blocks the API for seconds nor holds millions of parsed objects at once.

import {
  BACKSLASH,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COMMA,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  isJsonSpace,
} from '../io/json-bytes.js';
import { forbiddenKeyPath, forbiddenKeyProblem, mayHoldForbiddenKey } from './json-body.js';

/** Why a JSON body could not be read; the route answers 400 with it and nothing of the body is taken. */
export class JsonBodyError extends Error {}

export interface JsonArrayOptions {
  /** Elements parsed at once (a chunk also ends after `bytesPerChunk` bytes). */
  elementsPerChunk?: number;
  bytesPerChunk?: number;
  /** Nesting beyond this is refused before any parsing (JSON.parse would recurse that deep). */
  maxDepth?: number;
  /** Elements larger than this are not parsed: `onOversized` is told instead (no reading is that large). */
  maxElementBytes?: number;
  /** Awaited between chunks once `sliceMs` of work went by since the last pause: the caller's way of yielding. */
  pause: () => Promise<void>;
  sliceMs?: number;
}

/**
 * Whether arrays or objects nest deeper than `depth` anywhere in the body (strings skipped): a byte scan, no parsing,
 * so a large body can be judged before JSON.parse would build every object in it.
 */
export function nestsDeeperThan(bytes: Uint8Array, depth: number): boolean {
  let d = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++d > depth) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) d--;
  }
  return false;
}

/** Whether the body's first non-blank byte opens an array. */
export function isJsonArray(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && isJsonSpace(bytes[i])) i++;
  return bytes[i] === OPEN_ARRAY;
}

/**
 * Splits the top-level array at its commas (outside strings and nested values) and parses the elements a chunk at a
 * time with JSON.parse, so the syntax rules are JSON's own; a `__proto__` or `constructor` key is refused (400 naming
 * its path) as by the server's JSON parser; `onChunk` gets each chunk's elements in order, and
 * `onOversized` the byte size of each element too large to be a reading. Throws JsonBodyError when the body is not one
 * JSON array.
 */
export async function readJsonArray(
  bytes: Uint8Array,
  onChunk: (elements: unknown[]) => void,
  onOversized: (bytes: number) => void,
  o: JsonArrayOptions,
): Promise<void> {
  const perChunk = o.elementsPerChunk ?? 4096;
  const bytesPerChunk = o.bytesPerChunk ?? 256 * 1024;
  const maxDepth = o.maxDepth ?? 64;
  const maxElement = o.maxElementBytes ?? 1 << 20;
  const sliceMs = o.sliceMs ?? 4;
  let sliceStart = performance.now();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buf.length;
  let i = 0;
  while (i < n && isJsonSpace(buf[i])) i++;
  if (buf[i] !== OPEN_ARRAY) throw new JsonBodyError('the body is not a JSON array');
  let chunkStart = i + 1;
  let elementStart = chunkStart;
  let inChunk = 0;
  let depth = 1;
  let inString = false;
  let escaped = false;
  let end = -1;
  let elements = 0;
  let chunkFirst = 0;
  const parse = (from: number, to: number) => {
    const text = buf.toString('utf8', from, to);
    let parsed: unknown[];
    try {
      parsed = JSON.parse(`[${text}]`) as unknown[];
    } catch (err) {
      throw new JsonBodyError(
        `the body is not valid JSON (in the array elements from byte ${from}): ${(err as Error).message}`,
      );
    }
    if (mayHoldForbiddenKey(text)) {
      for (let k = 0; k < parsed.length; k++) {
        const path = forbiddenKeyPath(parsed[k], `body[${chunkFirst + k}]`);
        if (path !== undefined) throw forbiddenKeyProblem(path);
      }
    }
    onChunk(parsed);
  };
  // An element too large to be a reading is left out of its chunk: the chunk is cut before and resumes after it.
  // Returns whether it is time to let the event loop run (a plain function: this runs once per element).
  const endElement = (at: number): boolean => {
    elements++;
    let due = false;
    if (at - elementStart > maxElement) {
      if (elementStart > chunkStart) parse(chunkStart, elementStart - 1);
      onOversized(at - elementStart);
      chunkStart = at + 1;
      chunkFirst = elements;
      inChunk = 0;
    } else if (++inChunk >= perChunk || at - chunkStart >= bytesPerChunk) {
      parse(chunkStart, at);
      chunkStart = at + 1;
      chunkFirst = elements;
      inChunk = 0;
      due = performance.now() - sliceStart >= sliceMs;
    }
    elementStart = at + 1;
    return due;
  };
  for (i = chunkStart; i < n; i++) {
    const c = buf[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > maxDepth)
        throw new JsonBodyError(`the body nests arrays or objects deeper than ${maxDepth} levels`);
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (--depth === 0) {
        end = i;
        break;
      }
    } else if (c === COMMA && depth === 1 && endElement(i)) {
      await o.pause();
      sliceStart = performance.now();
    }
  }
  if (end < 0) throw new JsonBodyError('the body is not valid JSON: the array is not closed');
  for (let j = end + 1; j < n; j++)
    if (!isJsonSpace(buf[j]))
      throw new JsonBodyError(`the body is not valid JSON: unexpected data after the array at byte ${j}`);
  let blank = true;
  for (let j = elementStart; j < end && blank; j++) blank = isJsonSpace(buf[j]);
  // `[]` is an empty array; `[1,]` a trailing comma, which JSON refuses.
  if (blank && elements > 0) throw new JsonBodyError('the body is not valid JSON: a comma ends the array');
  if (!blank) endElement(end);
  if (!blank && chunkStart < end) parse(chunkStart, end);
}
