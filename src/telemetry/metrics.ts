// The metric registry: which metrics exist, which sensor kind emits each, and the value range that is valid.

export type SensorKind = 'detector' | 'feeder-meter' | 'dr-resource' | 'bin' | 'weather';

export interface MetricSpec {
  name: string;
  sensorKind: SensorKind;
  unit: string;
  min: number;
  max: number;
  description: string;
}

export const METRICS: readonly MetricSpec[] = [
  {
    name: 'detector.count',
    sensorKind: 'detector',
    unit: 'veh',
    min: 0,
    max: 1000,
    description: 'vehicles counted in the reporting interval',
  },
  {
    name: 'detector.occupancy',
    sensorKind: 'detector',
    unit: 'fraction',
    min: 0,
    max: 1,
    description: 'share of the interval the detector was occupied',
  },
  {
    name: 'detector.speed',
    sensorKind: 'detector',
    unit: 'km/h',
    min: 0,
    max: 250,
    description: 'mean spot speed in the interval',
  },
  {
    name: 'feeder.kw',
    sensorKind: 'feeder-meter',
    unit: 'kW',
    min: -1e6,
    max: 1e6,
    description: 'feeder head load (negative when exporting)',
  },
  {
    name: 'dr.kw',
    sensorKind: 'dr-resource',
    unit: 'kW',
    min: -1e5,
    max: 1e5,
    description: 'DR resource power draw (negative: battery discharging)',
  },
  {
    name: 'battery.soc',
    sensorKind: 'dr-resource',
    unit: 'fraction',
    min: 0,
    max: 1,
    description: 'battery state of charge',
  },
  {
    name: 'bin.fill',
    sensorKind: 'bin',
    unit: 'fraction',
    min: 0,
    max: 1.2,
    description: 'bin fill level (1 = full; above 1 = overflowing)',
  },
  { name: 'weather.temp_c', sensorKind: 'weather', unit: '°C', min: -80, max: 70, description: 'air temperature' },
];

export const METRIC_INDEX: ReadonlyMap<string, number> = new Map(METRICS.map((m, i) => [m.name, i]));
