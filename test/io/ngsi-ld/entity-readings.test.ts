// NGSI-LD entities into readings: both forms of the Smart Data Models fixtures, every refusal with its reason,
// entity and attribute, and what a custom mapping changes.
import { describe, expect, it } from 'vitest';
import { testCity } from '../../api/harness.js';
import {
  cityLookup,
  DEFAULT_NGSI_LD_MAPPING,
  entityReadings,
  notificationReadings,
  parseNgsiLdMapping,
} from '../../../src/io/ngsi-ld/index.js';
import { fixture } from './fixtures.js';

const lookup = cityLookup(testCity());
const at = (iso: string) => Date.parse(iso);

const EXPECTED = [
  { sensor: 'fill-bin-0001', metric: 'bin.fill', ts: at('2026-06-03T04:10:00Z'), value: 0.62 },
  { sensor: 'det-int-001-N-L', metric: 'detector.count', ts: at('2026-06-03T04:05:00Z'), value: 14 },
  { sensor: 'det-int-001-N-L', metric: 'detector.occupancy', ts: at('2026-06-03T04:05:00Z'), value: 0.12 },
  { sensor: 'det-int-001-N-L', metric: 'detector.speed', ts: at('2026-06-03T04:05:00Z'), value: 45 },
  { sensor: 'meter-fdr-001', metric: 'feeder.kw', ts: at('2026-06-03T04:15:00Z'), value: 1830.5 },
  { sensor: 'fdr-001-r01', metric: 'dr.kw', ts: at('2026-06-03T04:15:00Z'), value: -42 },
];

describe('NGSI-LD entities into readings (built-in mapping)', () => {
  it('maps the normalized form: observedAt times, unitCodes scaled (m/s to km/h, W to kW), other attributes ignored', () => {
    const out = notificationReadings(fixture('notification-normalized.jsonld'), DEFAULT_NGSI_LD_MAPPING, lookup);
    expect(out.rejected).toEqual([]);
    expect(out.timedByNotification).toBe(0);
    const sensorOf = (id: string) =>
      testCity()
        .feeders.flatMap((f) => f.resources)
        .find((r) => r.id === id)?.sensor ?? id;
    const expected = EXPECTED.map((r) => ({ ...r, sensor: sensorOf(r.sensor) }));
    expect(out.readings.map((r) => ({ ...r, value: Math.round(r.value * 1e9) / 1e9 }))).toEqual(expected);
  });

  it('maps the keyValues form to the same readings, timed by dateObserved (an interval gives its end)', () => {
    const normalized = notificationReadings(fixture('notification-normalized.jsonld'), DEFAULT_NGSI_LD_MAPPING, lookup);
    const kv = notificationReadings(fixture('notification-key-values.json'), DEFAULT_NGSI_LD_MAPPING, lookup);
    expect(kv.rejected).toEqual([]);
    const round = (rs: typeof kv.readings) => rs.map((r) => ({ ...r, value: Math.round(r.value * 1e9) / 1e9 }));
    expect(round(kv.readings)).toEqual(round(normalized.readings));
  });

  it('refuses each bad entity with its reason, entity id and attribute, and keeps the good one', () => {
    const out = notificationReadings(fixture('notification-bad.jsonld'), DEFAULT_NGSI_LD_MAPPING, lookup);
    expect(out.readings).toEqual([
      { sensor: 'fill-bin-0004', metric: 'bin.fill', ts: at('2026-06-03T04:10:00Z'), value: 0.25 },
    ]);
    const brief = out.rejected.map((r) => [r.reason, r.entity, r.attribute]);
    expect(brief).toEqual([
      ['unknown-entity', 'urn:ngsi-ld:AirQualityObserved:station-7', undefined],
      ['unknown-sensor', 'urn:ngsi-ld:WasteContainer:bin-9999', undefined],
      ['bad-type', 'urn:ngsi-ld:WasteContainer:bin-0002', 'fillingLevel'],
      ['out-of-range', 'urn:ngsi-ld:WasteContainer:bin-0003', 'fillingLevel'],
      ['bad-type', 'urn:ngsi-ld:ElectricityMeter:fdr-002', 'totalActivePower'],
      ['malformed', undefined, undefined],
      ['bad-type', 'urn:ngsi-ld:TrafficFlowObserved:det-int-001-N-L', 'intensity'],
    ]);
    expect(out.rejected[0].detail).toContain('no mapping for entity type AirQualityObserved');
    expect(out.rejected[1].detail).toContain('names nothing in the city model');
    expect(out.rejected[2].detail).toBe('data[2].fillingLevel: has the value "high", not a number');
    expect(out.rejected[3].detail).toContain('bin.fill must be within [0, 1.2]');
    expect(out.rejected[4].detail).toContain('unitCode KWH is none of KWT, WTT, MAW');
    expect(out.rejected[5].detail).toContain('data[5]: an entity must be an object with a text id');
    expect(out.rejected[6].detail).toContain("'2026-06-03 04:05:00' is not an RFC 3339 date-time");
  });

  it('reads expanded IRIs, multi-instance attributes, and times an entity without any time by notifiedAt', () => {
    const notifiedAt = at('2026-06-03T04:20:00Z');
    const out = entityReadings(
      {
        id: 'urn:ngsi-ld:TrafficFlowObserved:det-int-001-N-L',
        type: 'https://smartdatamodels.org/dataModel.Transportation/TrafficFlowObserved',
        'https://smartdatamodels.org/dataModel.Transportation/intensity': [
          { type: 'Property', value: 3, observedAt: '2026-06-03T04:00:00Z', datasetId: 'urn:lane:1' },
          { type: 'Property', value: 4, observedAt: '2026-06-03T04:05:00Z', datasetId: 'urn:lane:1' },
        ],
        occupancy: 0.5,
      },
      'data[0]',
      DEFAULT_NGSI_LD_MAPPING,
      lookup,
      notifiedAt,
    );
    expect(out.rejected).toEqual([]);
    expect(out.readings.map((r) => [r.metric, r.ts, r.value])).toEqual([
      ['detector.count', at('2026-06-03T04:00:00Z'), 3],
      ['detector.count', at('2026-06-03T04:05:00Z'), 4],
      ['detector.occupancy', notifiedAt, 0.5],
    ]);
    expect(out.timedByNotification).toBe(1);
  });

  it('refuses a Relationship or a non-Property where a number is mapped', () => {
    const out = entityReadings(
      {
        id: 'urn:ngsi-ld:WasteContainer:bin-0001',
        type: 'WasteContainer',
        fillingLevel: { type: 'Relationship', object: 'urn:x' },
      },
      'data[0]',
      DEFAULT_NGSI_LD_MAPPING,
      lookup,
      0,
    );
    expect(out.rejected.map((r) => [r.reason, r.attribute])).toEqual([['bad-type', 'fillingLevel']]);
  });
});

describe('a custom mapping', () => {
  const santander = parseNgsiLdMapping(fixture('mapping-santander.json'), 'mapping-santander.json');

  it('finds the city id by its template and scales the unit (percent into a fraction)', () => {
    const out = entityReadings(
      {
        id: 'urn:ngsi-ld:WasteContainer:santander:bin-0005',
        type: 'WasteContainer',
        fillingLevel: { type: 'Property', value: 55, observedAt: '2026-06-03T04:10:00Z' },
      },
      'data[0]',
      santander,
      lookup,
      0,
    );
    expect(out.rejected).toEqual([]);
    expect(out.readings).toEqual([
      { sensor: 'fill-bin-0005', metric: 'bin.fill', ts: at('2026-06-03T04:10:00Z'), value: 0.55 },
    ]);
  });

  it('refuses an id the template does not match, and a type the mapping leaves out', () => {
    const unmatched = entityReadings(
      { id: 'urn:ngsi-ld:WasteContainer:bin-0005', type: 'WasteContainer', fillingLevel: 50 },
      'data[0]',
      santander,
      lookup,
      0,
    );
    expect(unmatched.rejected.map((r) => r.reason)).toEqual(['unknown-sensor']);
    expect(unmatched.rejected[0].detail).toContain('a bin as santander:{id}');
    const unmapped = entityReadings(
      { id: 'urn:ngsi-ld:ElectricityMeter:fdr-001', type: 'ElectricityMeter', totalActivePower: 5 },
      'data[0]',
      santander,
      lookup,
      0,
    );
    expect(unmapped.rejected.map((r) => r.reason)).toEqual(['unknown-entity']);
  });

  it('says when a bare sensor id names a sensor that does not report the metric', () => {
    const out = entityReadings(
      { id: 'urn:ngsi-ld:TrafficFlowObserved:fill-bin-0001', type: 'TrafficFlowObserved', intensity: 3 },
      'data[0]',
      santander,
      lookup,
      0,
    );
    expect(out.rejected.map((r) => [r.reason, r.sensor, r.attribute])).toEqual([
      ['metric-not-for-sensor', 'fill-bin-0001', 'intensity'],
    ]);
  });
});
