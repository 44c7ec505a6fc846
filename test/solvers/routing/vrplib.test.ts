import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSolomon, parseVrplib } from '../../../solvers/routing/index.js';

const coords = (name: string): string =>
  [
    `NAME : ${name}`,
    'DIMENSION : 3',
    'EDGE_WEIGHT_TYPE : EUC_2D',
    'CAPACITY : 10',
    'NODE_COORD_SECTION',
    '1 0 0',
    '2 1 1',
    '3 3 4',
    'DEMAND_SECTION',
    '1 0',
    '2 4',
    '3 5',
    'DEPOT_SECTION',
    '1',
    '-1',
    'EOF',
  ].join('\n');

const at = (inst: { n: number; dist: Float64Array }, i: number, j: number): number => inst.dist[i * (inst.n + 1) + j];

describe('parseVrplib', () => {
  it('rounds EUC_2D edges with nint for integer-cost sets and keeps them exact for CMT/Golden/Li/Taillard', () => {
    const a = parseVrplib(coords('A-n3-k1')).instance;
    expect(at(a, 0, 1)).toBe(1);
    expect(at(a, 0, 2)).toBe(5);
    const cmt = parseVrplib(coords('CMT99'));
    expect(cmt.rounding).toBe('exact');
    expect(at(cmt.instance, 0, 1)).toBeCloseTo(Math.SQRT2, 12);
    expect(parseVrplib(coords('tai99a')).rounding).toBe('exact');
    expect(parseVrplib(coords('A-n3-k1'), { rounding: 'exact' }).rounding).toBe('exact');
  });

  it('reads capacity, demands, DISTANCE and SERVICE_TIME', () => {
    const text = coords('CMT1').replace('CAPACITY : 10', 'CAPACITY : 10\nDISTANCE : 200\nSERVICE_TIME : 7.5');
    const inst = parseVrplib(text).instance;
    expect(inst.n).toBe(2);
    expect(inst.capacity).toBe(10);
    expect(Array.from(inst.demand)).toEqual([0, 4, 5]);
    expect(inst.maxDuration).toBe(200);
    expect(Array.from(inst.service)).toEqual([0, 7.5, 7.5]);
  });

  it('expands every explicit matrix format to the same symmetric matrix', () => {
    const full = [
      [0, 3, 4, 5],
      [3, 0, 6, 7],
      [4, 6, 0, 8],
      [5, 7, 8, 0],
    ];
    const formats: Record<string, number[]> = {
      FULL_MATRIX: full.flat(),
      LOWER_ROW: [3, 4, 6, 5, 7, 8],
      LOWER_DIAG_ROW: [0, 3, 0, 4, 6, 0, 5, 7, 8, 0],
      UPPER_ROW: [3, 4, 5, 6, 7, 8],
      UPPER_DIAG_ROW: [0, 3, 4, 5, 0, 6, 7, 0, 8, 0],
    };
    for (const [format, values] of Object.entries(formats)) {
      const text = [
        'NAME : m',
        'DIMENSION : 4',
        'EDGE_WEIGHT_TYPE : EXPLICIT',
        `EDGE_WEIGHT_FORMAT : ${format}`,
        'CAPACITY : 5',
        'EDGE_WEIGHT_SECTION',
        values.join(' '),
        'DEMAND_SECTION',
        '1 0',
        '2 1',
        '3 1',
        '4 1',
        'DEPOT_SECTION',
        '1',
        '-1',
      ].join('\n');
      const inst = parseVrplib(text).instance;
      expect(Array.from(inst.dist), format).toEqual(full.flat());
    }
  });

  it('moves a depot that is not node 1 to the front and numbers the other nodes in file order', () => {
    const text = coords('A-n3-k1')
      .replace('DEMAND_SECTION\n1 0\n2 4\n3 5', 'DEMAND_SECTION\n1 4\n2 0\n3 5')
      .replace('DEPOT_SECTION\n1\n', 'DEPOT_SECTION\n2\n');
    const inst = parseVrplib(text).instance;
    expect(Array.from(inst.demand)).toEqual([0, 4, 5]);
    expect(at(inst, 0, 1)).toBe(1);
  });

  it('names the line and section of malformed input', () => {
    expect(() => parseVrplib(coords('A').replace('2 1 1', '2 1 x'))).toThrow(/line 7 \(NODE_COORD_SECTION\).*"x"/);
    expect(() => parseVrplib(coords('A').replace('3 5\n', ''))).toThrow(/DEMAND_SECTION.*expected 3 rows/);
    expect(() => parseVrplib(coords('A').replace('CAPACITY : 10\n', ''))).toThrow(/missing CAPACITY/);
    expect(() => parseVrplib(coords('A').replace('EUC_2D', 'GEO'))).toThrow(/EDGE_WEIGHT_TYPE "GEO" is not supported/);
    expect(() => parseVrplib(coords('A').replace('DIMENSION : 3', 'DIMENSION : 3\nhello world'))).toThrow(
      /line 3 \(header\)/,
    );
    const lower = [
      'NAME : m',
      'DIMENSION : 3',
      'EDGE_WEIGHT_TYPE : EXPLICIT',
      'EDGE_WEIGHT_FORMAT : LOWER_ROW',
      'CAPACITY : 5',
      'EDGE_WEIGHT_SECTION',
      '1 2',
      'DEMAND_SECTION',
      '1 0',
      '2 1',
      '3 1',
    ].join('\n');
    expect(() => parseVrplib(lower)).toThrow(/LOWER_ROW with DIMENSION 3 needs 3 numbers, found 2/);
  });
});

describe('parseVrplib with time windows and a fleet size', () => {
  it('reads VEHICLES and TIME_WINDOW_SECTION into the same instance as the Solomon reader', () => {
    const solomon = parseSolomon(
      readFileSync(new URL('../../fixtures/routing/tw-n25.txt', import.meta.url).pathname, 'utf8'),
    );
    const size = solomon.n + 1;
    const lines = [
      'NAME : UF25',
      'TYPE : VRPTW',
      `DIMENSION : ${size}`,
      `VEHICLES : ${solomon.maxVehicles}`,
      `CAPACITY : ${solomon.capacity}`,
    ];
    lines.push('EDGE_WEIGHT_TYPE : EXPLICIT', 'EDGE_WEIGHT_FORMAT : FULL_MATRIX', 'EDGE_WEIGHT_SECTION');
    for (let i = 0; i < size; i++) lines.push(Array.from(solomon.dist.subarray(i * size, (i + 1) * size)).join(' '));
    lines.push('DEMAND_SECTION', ...Array.from({ length: size }, (_, i) => `${i + 1} ${solomon.demand[i]}`));
    lines.push(
      'TIME_WINDOW_SECTION',
      ...Array.from({ length: size }, (_, i) => `${i + 1} ${solomon.readyTime[i]} ${solomon.dueTime[i]}`),
    );
    lines.push('SERVICE_TIME_SECTION', ...Array.from({ length: size }, (_, i) => `${i + 1} ${solomon.service[i]}`));
    lines.push('DEPOT_SECTION', '1', '-1', 'EOF');
    const { instance } = parseVrplib(lines.join('\n'));
    expect(instance.maxVehicles).toBe(solomon.maxVehicles);
    expect(instance.hasTimeWindows).toBe(true);
    for (const field of ['dist', 'demand', 'service', 'readyTime', 'dueTime'] as const)
      expect(Array.from(instance[field])).toEqual(Array.from(solomon[field]));
  });

  it('refuses a window that closes before it opens and a fleet that is not a positive integer', () => {
    const base = [
      'NAME : T',
      'DIMENSION : 2',
      'CAPACITY : 5',
      'EDGE_WEIGHT_TYPE : EUC_2D',
      'NODE_COORD_SECTION',
      '1 0 0',
      '2 3 4',
      'DEMAND_SECTION',
      '1 0',
      '2 1',
    ];
    expect(() => parseVrplib([...base, 'TIME_WINDOW_SECTION', '1 0 100', '2 50 40', 'EOF'].join('\n'))).toThrow(
      /node 2 has a window that closes \(40\) before it opens \(50\)/,
    );
    expect(() => parseVrplib(['VEHICLES : 1.5', ...base, 'EOF'].join('\n'))).toThrow(
      /VEHICLES must be a positive integer/,
    );
  });
});
