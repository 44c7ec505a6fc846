// The NGSI-LD fixtures of test/fixtures/ngsi-ld, parsed.
import { readFileSync } from 'node:fs';
import type { Notification } from '../../../src/io/ngsi-ld/index.js';

export function fixture<T = Notification>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/ngsi-ld/${name}`, import.meta.url), 'utf8')) as T;
}
