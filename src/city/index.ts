// The city model: schema and types, loading with field-level errors, the sensor index, the generator and the sample city.
export * from './schema.js';
export type { FieldError } from './schema-errors.js';
export { loadCity, cityErrors } from './load.js';
export {
  currentCitySpelling,
  currentFeederSpelling,
  currentResourceSpelling,
  DEPRECATED_FEEDER_FIELDS,
  DEPRECATED_RESOURCE_FIELDS,
} from './spellings.js';
export { sensorIndex, sensorCounts } from './sensors.js';
export type {
  SensorInfo,
  SensorIndex,
  DetectorSensor,
  FeederMeterSensor,
  DrResourceSensor,
  BinSensor,
  WeatherSensor,
} from './sensors.js';
export { generateCity, GENERATE_DEFAULTS, type GenerateCityOptions } from './generate.js';
export { formatCityJson } from './format.js';
export { offset } from './geo.js';
export { loadSampleCity, SAMPLE_CITY_PATH } from './sample.js';
export {
  cityHolidayDates,
  calendarHolidayDates,
  holidayCalendarProblem,
  type HolidayCalendarSpec,
} from './holiday-calendar.js';
