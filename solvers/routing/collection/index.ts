// Public surface of contractor collection planning: bin selection, multi-trip truck routes, checker and map exports.
export { planCollection, type PlanOptions } from './plan.js';
export { selectBins, type BinSelection } from './select.js';
export { checkCollectionPlan } from './check-collection-plan.js';
export { planToGeoJson, planToGpx, clock } from './export.js';
export { generateCollectionDay } from './generate.js';
export { collectionRequestForDepot, minutesOf, type BinLevel, type CityWaste } from './from-city.js';
export type * from './types.js';
export { checkFleetRules } from './fleet.js';
