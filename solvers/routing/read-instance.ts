// One entry for instance files: Solomon VRPTW text or VRPLIB/CVRPLIB, told apart by their sections.
import { parseSolomon, isSolomonText } from './solomon.js';
import { parseVrplib } from './vrplib.js';
import type { CvrpInstance } from './instance.js';

export type InstanceFormat = 'solomon' | 'vrplib';

export function parseInstance(text: string, fallbackName: string): { instance: CvrpInstance; format: InstanceFormat } {
  if (isSolomonText(text)) return { instance: parseSolomon(text, fallbackName), format: 'solomon' };
  return { instance: parseVrplib(text, { fallbackName }).instance, format: 'vrplib' };
}
