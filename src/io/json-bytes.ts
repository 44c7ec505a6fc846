// JSON's structural bytes and white space, for the scanners that read JSON straight from the bytes (a request body
// judged before parsing, an MQTT payload read without a string).

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const MINUS = 0x2d;
export const DOT = 0x2e;
export const ZERO = 0x30;
export const OPEN_ARRAY = 0x5b;
export const CLOSE_ARRAY = 0x5d;
export const OPEN_OBJECT = 0x7b;
export const CLOSE_OBJECT = 0x7d;

/** Whether a byte is JSON white space (space, line feed, carriage return, tab). */
export function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Whether a byte is a decimal digit (its value is `c - ZERO`). */
export function isJsonDigit(c: number): boolean {
  return c >= ZERO && c <= 0x39;
}
