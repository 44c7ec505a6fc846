// Operator declarations: the defaults are valid, and a bad declaration is refused with the field named.
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPERATORS, parseOperators } from '../../src/app/operators.js';
import { catalogFromCity } from '../../src/app/catalog.js';
import { loadSampleCity } from '../../src/city/index.js';

const groupings = [...catalogFromCity(loadSampleCity()).groupings.keys()];

describe('operator declarations', () => {
  it('accepts the default operators for the sample city', () => {
    expect(parseOperators(JSON.parse(JSON.stringify(DEFAULT_OPERATORS)), groupings)).toHaveLength(
      DEFAULT_OPERATORS.length,
    );
  });

  it('names the bad field', () => {
    const base = {
      name: 'x',
      metric: 'feeder.kw',
      keyBy: 'feeder',
      window: { type: 'tumbling', sizeMs: 1000 },
      aggregates: ['mean'],
      allowedLatenessMs: 0,
    };
    expect(() => parseOperators([{ ...base, metric: 'feeder.watts' }], groupings)).toThrow(
      /operators\[0\]\.metric: unknown metric 'feeder.watts'/,
    );
    expect(() => parseOperators([{ ...base, keyBy: 'planet' }], groupings)).toThrow(/operators\[0\]\.keyBy: 'planet'/);
    expect(() => parseOperators([{ ...base, aggregates: ['median'] }], groupings)).toThrow(
      /operators\[0\]\.aggregates\[0\]/,
    );
    expect(() => parseOperators([{ ...base, window: { type: 'tumbling', sizeMs: 0 } }], groupings)).toThrow(
      /operators\[0\]\.window/,
    );
    expect(() => parseOperators([base, base], groupings)).toThrow(/declared twice/);
  });
});
