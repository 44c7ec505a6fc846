// Geographic helpers for generated cities: positions as metre offsets from a centre.
import type { Location } from './schema.js';

export const GENERATED_CITY_CENTER: Location = { lat: 41.8781, lon: -87.6298 };
const M_PER_DEG_LAT = 111_320;

/** The point `northM` metres north and `eastM` metres east of the generated city's centre, rounded to about 0.1 m. */
export function offset(northM: number, eastM: number, center: Location = GENERATED_CITY_CENTER): Location {
  const lat = center.lat + northM / M_PER_DEG_LAT;
  const lon = center.lon + eastM / (M_PER_DEG_LAT * Math.cos((center.lat * Math.PI) / 180));
  return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
}
