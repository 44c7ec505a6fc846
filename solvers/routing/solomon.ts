// Reader for Solomon-format VRPTW instances (name, VEHICLE number and capacity, CUSTOMER rows with time windows).
import { inputError } from '../../src/errors.js';
import { makeInstance, type CvrpInstance } from './instance.js';

/**
 * The DIMACS 2021 convention (PyVRP's `round_func="dimacs"`): distances, travel times, windows and service times
 * are multiplied by 10 and truncated to integers, so costs are exact integers ten times the literature's.
 */
const SCALE = 10;

function fail(line: number, what: string): never {
  throw inputError(`malformed Solomon file, ${line > 0 ? `line ${line}: ` : ''}${what}`, { line, section: 'solomon' });
}

/** True when the text looks like a Solomon file (VEHICLE and CUSTOMER sections) rather than VRPLIB. */
export function isSolomonText(text: string): boolean {
  return /^\s*VEHICLE\s*$/m.test(text) && /^\s*CUSTOMER\s*$/m.test(text);
}

/** Node 0 is the depot; customer k keeps its Solomon number k. The vehicle count becomes the instance's fleet limit. */
export function parseSolomon(text: string, fallbackName = 'instance'): CvrpInstance {
  const lines = text.split(/\r?\n/);
  const name = lines.find((l) => l.trim() !== '')?.trim() || fallbackName;
  const rowsOf = (from: number): { cells: number[]; line: number }[] => {
    const rows: { cells: number[]; line: number }[] = [];
    for (let i = from; i < lines.length; i++) {
      const raw = lines[i].trim();
      if (raw === '' || raw === 'EOF') continue;
      if (!/^[-\d.]/.test(raw)) {
        if (rows.length > 0) break;
        continue;
      }
      const cells = raw.split(/\s+/).map(Number);
      if (cells.some((v) => !Number.isFinite(v))) fail(i + 1, `expected numbers, found "${raw.slice(0, 40)}"`);
      rows.push({ cells, line: i + 1 });
    }
    return rows;
  };
  const vehicleAt = lines.findIndex((l) => l.trim().toUpperCase() === 'VEHICLE');
  const customerAt = lines.findIndex((l) => l.trim().toUpperCase() === 'CUSTOMER');
  if (vehicleAt < 0 || customerAt < 0) fail(0, 'needs a VEHICLE and a CUSTOMER section');
  const fleet = rowsOf(vehicleAt + 1)[0];
  if (!fleet || fleet.cells.length !== 2) fail(vehicleAt + 1, 'VEHICLE needs one row "number capacity"');
  const [vehicles, capacity] = fleet.cells;
  if (!Number.isInteger(vehicles) || vehicles < 1)
    fail(fleet.line, `vehicle number must be a positive integer, found ${vehicles}`);
  if (!(capacity > 0)) fail(fleet.line, `capacity must be positive, found ${capacity}`);
  const rows = rowsOf(customerAt + 1);
  if (rows.length < 2) fail(customerAt + 1, 'needs the depot row and at least one customer row');
  rows.forEach((r, k) => {
    if (r.cells.length !== 7)
      fail(r.line, `expected 7 numbers (number, x, y, demand, ready, due, service), found ${r.cells.length}`);
    if (r.cells[0] !== k)
      fail(
        r.line,
        `expected node number ${k}, found ${r.cells[0]} (rows must be numbered 0, 1, 2, ... with the depot first)`,
      );
    if (r.cells[3] < 0) fail(r.line, `demand must be non-negative, found ${r.cells[3]}`);
    if (r.cells[6] < 0) fail(r.line, `service time must be non-negative, found ${r.cells[6]}`);
  });
  const size = rows.length;
  const dist = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) {
      const d = Math.floor(
        SCALE * Math.hypot(rows[i].cells[1] - rows[j].cells[1], rows[i].cells[2] - rows[j].cells[2]),
      );
      dist[i * size + j] = d;
      dist[j * size + i] = d;
    }
  }
  const scaled = (k: number): number[] => rows.map((r) => Math.floor(SCALE * r.cells[k]));
  return makeInstance({
    name,
    n: size - 1,
    dist,
    demand: rows.map((r) => r.cells[3]),
    capacity,
    service: scaled(6),
    readyTime: scaled(4),
    dueTime: scaled(5),
    maxVehicles: vehicles,
  });
}
