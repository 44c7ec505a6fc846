// The built-in mapping: the Smart Data Models attributes urbanflow's metrics measure, entity ids that name city objects.
import type { NgsiLdMapping } from './mapping-schema.js';

/** kW, W and MW (UN/CEFACT codes) into kW. */
const POWER_UNITS = { KWT: 1, WTT: 0.001, MAW: 1000 };

/**
 * TrafficFlowObserved is one lane's counts (a detector); WasteContainer a bin (fillingLevel is a fraction, 0-1, in
 * the Smart Data Model); ElectricityMeter a feeder head meter or a DR resource meter (totalActivePower in kW).
 */
export const DEFAULT_NGSI_LD_MAPPING: NgsiLdMapping = {
  entities: [
    {
      type: 'TrafficFlowObserved',
      names: 'sensor',
      attributes: {
        intensity: { metric: 'detector.count' },
        occupancy: { metric: 'detector.occupancy', unitCodes: { C62: 1, P1: 0.01 } },
        averageVehicleSpeed: { metric: 'detector.speed', unitCodes: { KMH: 1, MTS: 3.6 } },
      },
    },
    {
      type: 'WasteContainer',
      names: 'bin',
      attributes: { fillingLevel: { metric: 'bin.fill', unitCodes: { C62: 1, P1: 0.01 } } },
    },
    {
      type: 'ElectricityMeter',
      names: 'feeder',
      attributes: { totalActivePower: { metric: 'feeder.kw', unitCodes: POWER_UNITS } },
    },
    {
      type: 'ElectricityMeter',
      names: 'dr-resource',
      attributes: { totalActivePower: { metric: 'dr.kw', unitCodes: POWER_UNITS } },
    },
  ],
};
