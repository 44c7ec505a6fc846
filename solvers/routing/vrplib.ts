// Reader for VRPLIB / CVRPLIB text instances (TSPLIB-style header plus sections) into a CvrpInstance.
import { inputError } from '../../src/errors.js';
import { euclideanMatrix, makeInstance, type CvrpInstance, type VehicleType } from './instance.js';

/** How EUC_2D edges are measured: TSPLIB `nint` (integer-cost sets) or the exact real distance. */
export type EdgeRounding = 'nint' | 'exact';

export interface VrplibInstance {
  /** Customers keep their CVRPLIB .sol numbers: internal node k is the k-th non-depot node of the file. */
  readonly instance: CvrpInstance;
  readonly rounding: EdgeRounding;
}

const DECIMAL_COST_SETS = /^(cmt|golden|li_|tai)/i;

/** The CVRPLIB cost convention: CMT, Golden, Li and Taillard sets use unrounded distances, the others nint. */
export function conventionalRounding(name: string): EdgeRounding {
  return DECIMAL_COST_SETS.test(name.trim()) ? 'exact' : 'nint';
}

const SECTIONS = new Set([
  'NODE_COORD_SECTION',
  'DEMAND_SECTION',
  'DEPOT_SECTION',
  'EDGE_WEIGHT_SECTION',
  'SERVICE_TIME_SECTION',
  'TIME_WINDOW_SECTION',
  'DISPLAY_DATA_SECTION',
  'CAPACITY_SECTION',
  'VEHICLES_FIXED_COST_SECTION',
  'VEHICLES_UNIT_DISTANCE_COST_SECTION',
]);

interface Token {
  readonly value: string;
  readonly line: number;
}

/** Line 0 stands for "the file as a whole" (a missing header field or section). */
function fail(line: number, section: string, what: string): never {
  const where = line > 0 ? `line ${line} (${section})` : section;
  throw inputError(`malformed VRPLIB file, ${where}: ${what}`, { line, section });
}

function num(tok: Token, section: string): number {
  const v = Number(tok.value);
  if (!Number.isFinite(v)) fail(tok.line, section, `expected a number, found "${tok.value}"`);
  return v;
}

/**
 * Parses VRPLIB text. The instance name comes from the NAME line, else `fallbackName` (e.g. the file name);
 * `rounding` overrides the convention chosen from that name.
 */
export function parseVrplib(
  text: string,
  options: { fallbackName?: string; rounding?: EdgeRounding } = {},
): VrplibInstance {
  const header = new Map<string, { value: string; line: number }>();
  const sections = new Map<string, Token[]>();
  let current: Token[] | null = null;
  let currentName = 'header';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i].trim();
    if (raw === '' || raw === 'EOF') continue;
    const word = raw.split(/[\s:]+/)[0].toUpperCase();
    if (SECTIONS.has(word)) {
      current = [];
      currentName = word;
      sections.set(word, current);
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon > 0 && /^[A-Za-z_]+\s*$/.test(raw.slice(0, colon))) {
      header.set(raw.slice(0, colon).trim().toUpperCase(), { value: raw.slice(colon + 1).trim(), line: lineNo });
      current = null;
      currentName = 'header';
      continue;
    }
    if (!current) fail(lineNo, currentName, `unexpected line "${raw.slice(0, 40)}"`);
    for (const value of raw.split(/\s+/)) current.push({ value, line: lineNo });
  }

  // Report the first bad number in file order before any structural problem.
  for (const [section, tokens] of sections) for (const tok of tokens) num(tok, section);

  const name = header.get('NAME')?.value || options.fallbackName || 'instance';
  const headerNum = (key: string, required: boolean): number | undefined => {
    const h = header.get(key);
    if (!h) {
      if (required) fail(0, 'header', `missing ${key}`);
      return undefined;
    }
    const v = Number(h.value);
    if (!Number.isFinite(v) || v < 0)
      fail(h.line, 'header', `${key} must be a non-negative number, found "${h.value}"`);
    return v;
  };
  const dimension = headerNum('DIMENSION', true)!;
  if (!Number.isInteger(dimension) || dimension < 2)
    fail(header.get('DIMENSION')!.line, 'header', 'DIMENSION must be an integer of at least 2');
  const maxDuration = headerNum('DISTANCE', false) ?? Infinity;
  const vehicles = headerNum('VEHICLES', false) ?? Infinity;
  if (vehicles !== Infinity && (!Number.isInteger(vehicles) || vehicles < 1))
    fail(header.get('VEHICLES')!.line, 'header', 'VEHICLES must be a positive integer');
  const fleet = readFleet(header, sections, vehicles, headerNum);
  const capacity = Math.max(...fleet.map((t) => t.capacity));
  const serviceTime = headerNum('SERVICE_TIME', false) ?? 0;
  const weightType = (header.get('EDGE_WEIGHT_TYPE')?.value ?? '').toUpperCase();
  const rounding = options.rounding ?? conventionalRounding(name);

  const demand = readIndexed(sections.get('DEMAND_SECTION'), 'DEMAND_SECTION', dimension, 1)?.map((r) => r[0]);
  if (!demand) fail(0, 'DEMAND_SECTION', 'missing DEMAND_SECTION');
  const service = new Float64Array(dimension).fill(serviceTime);
  const serviceRows = readIndexed(sections.get('SERVICE_TIME_SECTION'), 'SERVICE_TIME_SECTION', dimension, 1);
  if (serviceRows) serviceRows.forEach((r, i) => (service[i] = r[0]));
  const windows = readIndexed(sections.get('TIME_WINDOW_SECTION'), 'TIME_WINDOW_SECTION', dimension, 2);
  windows?.forEach(([early, late], i) => {
    if (late < early)
      fail(0, 'TIME_WINDOW_SECTION', `node ${i + 1} has a window that closes (${late}) before it opens (${early})`);
  });

  let depot = 0;
  const depotTokens = sections.get('DEPOT_SECTION');
  if (depotTokens && depotTokens.length > 0) {
    const ids = depotTokens.map((t) => num(t, 'DEPOT_SECTION')).filter((v) => v !== -1);
    if (ids.length !== 1) fail(depotTokens[0].line, 'DEPOT_SECTION', `expected exactly one depot, found ${ids.length}`);
    if (!Number.isInteger(ids[0]) || ids[0] < 1 || ids[0] > dimension)
      fail(depotTokens[0].line, 'DEPOT_SECTION', `depot ${ids[0]} is not a node 1..${dimension}`);
    depot = ids[0] - 1;
  }

  let fileDist: Float64Array;
  if (weightType === 'EUC_2D' || weightType === 'CEIL_2D') {
    const coords = readIndexed(sections.get('NODE_COORD_SECTION'), 'NODE_COORD_SECTION', dimension, 2);
    if (!coords) fail(0, 'NODE_COORD_SECTION', `EDGE_WEIGHT_TYPE ${weightType} needs a NODE_COORD_SECTION`);
    fileDist = euclideanMatrix(
      coords.map((c) => c[0]),
      coords.map((c) => c[1]),
      false,
    );
    for (let k = 0; k < fileDist.length; k++) {
      fileDist[k] =
        weightType === 'CEIL_2D'
          ? Math.ceil(fileDist[k])
          : rounding === 'nint'
            ? Math.floor(fileDist[k] + 0.5)
            : fileDist[k];
    }
  } else if (weightType === 'EXPLICIT') {
    const format = (header.get('EDGE_WEIGHT_FORMAT')?.value ?? '').toUpperCase();
    fileDist = readExplicit(sections.get('EDGE_WEIGHT_SECTION'), format, dimension);
  } else {
    fail(
      header.get('EDGE_WEIGHT_TYPE')?.line ?? 0,
      'header',
      `EDGE_WEIGHT_TYPE "${weightType}" is not supported (use EUC_2D, CEIL_2D or EXPLICIT)`,
    );
  }

  // Internal order: depot first, then the other nodes in file order, so labels match CVRPLIB .sol numbering.
  const order = [depot];
  for (let i = 0; i < dimension; i++) if (i !== depot) order.push(i);
  const dist = new Float64Array(dimension * dimension);
  for (let a = 0; a < dimension; a++) {
    for (let b = 0; b < dimension; b++) dist[a * dimension + b] = fileDist[order[a] * dimension + order[b]];
  }
  const instance = makeInstance({
    name,
    n: dimension - 1,
    dist,
    demand: order.map((i) => demand[i]),
    capacity,
    maxDuration,
    service: order.map((i) => service[i]),
    ...(windows ? { readyTime: order.map((i) => windows[i][0]), dueTime: order.map((i) => windows[i][1]) } : {}),
    maxVehicles: vehicles,
    ...(fleet.length > 1 || fleet[0].fixedCost !== 0 || fleet[0].unitDistanceCost !== 1 ? { vehicleTypes: fleet } : {}),
  });
  return { instance, rounding };
}

/**
 * The fleet as PyVRP reads it: CAPACITY, VEHICLES_FIXED_COST and VEHICLES_UNIT_DISTANCE_COST each a header value for
 * every vehicle or a section with one row "vehicle value" per vehicle 1..VEHICLES; vehicles alike in all three form
 * one type, named by their 0-based indices joined by commas (PyVRP's names, which its read_solution relies on).
 */
function readFleet(
  header: Map<string, { value: string; line: number }>,
  sections: Map<string, Token[]>,
  vehicles: number,
  headerNum: (key: string, required: boolean) => number | undefined,
): VehicleType[] {
  const perVehicle = (key: string, fallback: number, positive: boolean): number[] | number => {
    const section = sections.get(`${key}_SECTION`);
    if (section) {
      if (vehicles === Infinity) fail(section[0]?.line ?? 0, `${key}_SECTION`, 'a per-vehicle section needs VEHICLES');
      const rows = readIndexed(section, `${key}_SECTION`, vehicles, 1)!.map((r) => r[0]);
      rows.forEach((v, i) => {
        if (v < 0 || (positive && v === 0))
          fail(
            section[0].line,
            `${key}_SECTION`,
            `vehicle ${i + 1} has ${key} ${v}, which must be ${positive ? 'positive' : 'non-negative'}`,
          );
      });
      return rows;
    }
    const v = headerNum(key, false);
    if (v === undefined) return fallback;
    if (positive && v <= 0) fail(header.get(key)!.line, 'header', `${key} must be positive`);
    return v;
  };
  if (!header.has('CAPACITY') && !sections.has('CAPACITY_SECTION')) fail(0, 'header', 'missing CAPACITY');
  const capacity = perVehicle('CAPACITY', 0, true);
  const fixedCost = perVehicle('VEHICLES_FIXED_COST', 0, false);
  const unitCost = perVehicle('VEHICLES_UNIT_DISTANCE_COST', 1, false);
  if (typeof capacity === 'number' && typeof fixedCost === 'number' && typeof unitCost === 'number')
    return [{ name: 'vehicle', capacity, count: vehicles, fixedCost, unitDistanceCost: unitCost }];
  const at = (field: number[] | number, v: number): number => (typeof field === 'number' ? field : field[v]);
  const byKey = new Map<
    string,
    { capacity: number; fixedCost: number; unitDistanceCost: number; vehicles: number[] }
  >();
  for (let v = 0; v < vehicles; v++) {
    const type = { capacity: at(capacity, v), fixedCost: at(fixedCost, v), unitDistanceCost: at(unitCost, v) };
    const key = `${type.capacity}|${type.fixedCost}|${type.unitDistanceCost}`;
    const had = byKey.get(key);
    if (had) had.vehicles.push(v);
    else byKey.set(key, { ...type, vehicles: [v] });
  }
  return [...byKey.values()].map((t) => ({
    name: t.vehicles.join(','),
    capacity: t.capacity,
    count: t.vehicles.length,
    fixedCost: t.fixedCost,
    unitDistanceCost: t.unitDistanceCost,
  }));
}

/** Reads rows "id v1 .. vk" for ids 1..dimension; undefined when the section is absent. */
function readIndexed(
  tokens: Token[] | undefined,
  section: string,
  dimension: number,
  width: number,
): number[][] | undefined {
  if (!tokens) return undefined;
  if (tokens.length !== dimension * (width + 1)) {
    const last = tokens.length > 0 ? tokens[tokens.length - 1].line : 0;
    fail(last, section, `expected ${dimension} rows of ${width + 1} numbers, found ${tokens.length} numbers`);
  }
  const rows: number[][] = new Array(dimension);
  for (let r = 0; r < dimension; r++) {
    const idTok = tokens[r * (width + 1)];
    const id = num(idTok, section);
    if (!Number.isInteger(id) || id < 1 || id > dimension)
      fail(idTok.line, section, `node id ${idTok.value} is not in 1..${dimension}`);
    if (rows[id - 1]) fail(idTok.line, section, `node ${id} appears twice`);
    const row: number[] = [];
    for (let k = 1; k <= width; k++) row.push(num(tokens[r * (width + 1) + k], section));
    rows[id - 1] = row;
  }
  return rows;
}

/**
 * The cells each explicit matrix format lists, row i by row i: the columns [from, to) of row i (LOWER_ROW equals
 * UPPER_COL and so on, the matrix being symmetric).
 */
const EXPLICIT_COLUMNS = new Map<string, (i: number, dim: number) => [number, number]>([
  ['FULL_MATRIX', (_i, dim) => [0, dim]],
  ['LOWER_ROW', (i) => [0, i]],
  ['UPPER_COL', (i) => [0, i]],
  ['LOWER_DIAG_ROW', (i) => [0, i + 1]],
  ['UPPER_DIAG_COL', (i) => [0, i + 1]],
  ['UPPER_ROW', (i, dim) => [i + 1, dim]],
  ['LOWER_COL', (i, dim) => [i + 1, dim]],
  ['UPPER_DIAG_ROW', (i, dim) => [i, dim]],
  ['LOWER_DIAG_COL', (i, dim) => [i, dim]],
]);

/** Expands an EDGE_WEIGHT_SECTION in any TSPLIB matrix format into a full symmetric matrix. */
function readExplicit(tokens: Token[] | undefined, format: string, dim: number): Float64Array {
  const section = 'EDGE_WEIGHT_SECTION';
  if (!tokens) fail(0, section, 'EDGE_WEIGHT_TYPE EXPLICIT needs an EDGE_WEIGHT_SECTION');
  const columns = EXPLICIT_COLUMNS.get(format);
  if (!columns)
    fail(
      0,
      'header',
      `EDGE_WEIGHT_FORMAT "${format}" is not supported (FULL_MATRIX, LOWER_ROW, LOWER_DIAG_ROW, UPPER_ROW, UPPER_DIAG_ROW and the _COL forms are)`,
    );
  const cells: Array<[number, number]> = [];
  for (let i = 0; i < dim; i++) {
    const [from, to] = columns(i, dim);
    for (let j = from; j < to; j++) cells.push([i, j]);
  }
  if (tokens.length !== cells.length) {
    const last = tokens.length > 0 ? tokens[tokens.length - 1].line : 0;
    fail(last, section, `${format} with DIMENSION ${dim} needs ${cells.length} numbers, found ${tokens.length}`);
  }
  const dist = new Float64Array(dim * dim);
  for (let k = 0; k < cells.length; k++) {
    const [i, j] = cells[k];
    const v = num(tokens[k], section);
    dist[i * dim + j] = v;
    if (format !== 'FULL_MATRIX') dist[j * dim + i] = v;
  }
  return dist;
}
