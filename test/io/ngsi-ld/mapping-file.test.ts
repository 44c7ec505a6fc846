// The NGSI-LD mapping file: one schema for the built-in mapping and --ngsi-ld-mapping, unknown fields refused with
// their path, metrics checked against the registry and against what the named city objects report.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isUrbanflowError } from '../../../src/errors.js';
import { DEFAULT_NGSI_LD_MAPPING, parseNgsiLdMapping } from '../../../src/io/ngsi-ld/index.js';
import { fixture } from './fixtures.js';

function refusal(json: unknown): { code: string; message: string } {
  try {
    parseNgsiLdMapping(json, 'the mapping');
  } catch (err) {
    if (isUrbanflowError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('the mapping was accepted');
}

const rule = (over: Record<string, unknown> = {}) => ({
  entities: [{ type: 'WasteContainer', names: 'bin', attributes: { fillingLevel: { metric: 'bin.fill' } }, ...over }],
});

describe('NGSI-LD mapping files', () => {
  it('accepts the built-in mapping, its copy in examples/ (a starting point for custom ones) and the custom fixture', () => {
    expect(parseNgsiLdMapping(structuredClone(DEFAULT_NGSI_LD_MAPPING))).toEqual(DEFAULT_NGSI_LD_MAPPING);
    const example = JSON.parse(
      readFileSync(new URL('../../../examples/ngsi-ld-mapping.json', import.meta.url), 'utf8'),
    ) as unknown;
    expect(parseNgsiLdMapping(example)).toEqual(DEFAULT_NGSI_LD_MAPPING);
    expect(parseNgsiLdMapping(fixture('mapping-santander.json')).entities[0].idTemplate).toBe('santander:{id}');
  });

  it('refuses an unknown field with its path and the closest known name', () => {
    const r = refusal(fixture('mapping-unknown-field.json'));
    expect(r.code).toBe('UF_ERR_CONFIG');
    expect(r.message).toContain('entities[0].attributes.fillingLevel.scael: is not a known field; did you mean scale?');
  });

  it('refuses a top-level field, a missing one and a bad target with their paths', () => {
    expect(refusal({ ...rule(), version: 2 }).message).toContain('version: is not a known field');
    expect(refusal({ entities: [{ type: 'WasteContainer', names: 'bin' }] }).message).toContain(
      'entities[0].attributes: is required',
    );
    expect(refusal(rule({ names: 'truck' })).message).toContain('entities[0].names');
    expect(refusal({ entities: [] }).message).toContain('entities: must not be empty');
  });

  it('refuses an id template without {id}, a non-positive scale and an unknown metric', () => {
    expect(refusal(rule({ idTemplate: 'santander:' })).message).toContain(
      'entities[0].idTemplate: must contain {id} once',
    );
    expect(refusal(rule({ attributes: { fillingLevel: { metric: 'bin.fill', scale: 0 } } })).message).toContain(
      'entities[0].attributes.fillingLevel.scale: must be > 0',
    );
    expect(refusal(rule({ attributes: { fillingLevel: { metric: 'bin.level' } } })).message).toContain(
      "entities[0].attributes.fillingLevel.metric: unknown metric 'bin.level'",
    );
  });

  it("refuses a metric the named objects' sensors do not report", () => {
    expect(refusal(rule({ attributes: { fillingLevel: { metric: 'feeder.kw' } } })).message).toContain(
      "entities[0].attributes.fillingLevel.metric: a bin's sensor does not report 'feeder.kw'",
    );
  });
});
