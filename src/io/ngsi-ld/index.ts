// FIWARE NGSI-LD in and out: notifications of Smart Data Models into readings by a mapping, city objects as entities.
export { BODY_CONTEXT, CONTEXT_LINK, CORE_CONTEXT, LD_JSON, SMART_DATA_MODELS_CONTEXT, shortTerm } from './context.js';
export { entityId, parseEntityId } from './entity-id.js';
export {
  NgsiLdMappingSchema,
  type AttributeRule,
  type EntityRule,
  type MappingTarget,
  type NgsiLdMapping,
} from './mapping-schema.js';
export { DEFAULT_NGSI_LD_MAPPING } from './default-mapping.js';
export { parseNgsiLdMapping } from './mapping-file.js';
export { cityLookup, type SensorLookup } from './city-lookup.js';
export { entityReadings, type EntityOutcome, type EntityRejection } from './entity-readings.js';
export { NotificationSchema, notificationReadings, type Notification } from './notification.js';
export { keyValues, type ForecastSeries, type NgsiEntity, type WindowValue } from './properties.js';
export {
  ENTITY_TYPES,
  cityEntity,
  cityObject,
  cityObjects,
  isEntityType,
  type CityObject,
  type EntitySources,
  type EntityType,
} from './city-entities.js';
