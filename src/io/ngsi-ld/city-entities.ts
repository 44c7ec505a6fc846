// The city's objects as NGSI-LD entities of Smart Data Models: bins as WasteContainer, detectors as
// TrafficFlowObserved, feeder head meters and DR resources as ElectricityMeter, each with its latest window values
// and forecast. Pure: the window values and forecasts come in as functions.
import { intersectionKey } from '../../app/catalog.js';
import type { City } from '../../city/index.js';
import type { SensorKind } from '../../telemetry/metrics.js';
import { entityId } from './entity-id.js';
import {
  forecastProperty,
  observed,
  point,
  property,
  relationship,
  type ForecastSeries,
  type NgsiEntity,
  type WindowValue,
} from './properties.js';

export const ENTITY_TYPES = ['WasteContainer', 'TrafficFlowObserved', 'ElectricityMeter'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export function isEntityType(text: string): text is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(text);
}

/** Where an entity's values come from: the latest window result of a metric per key, and the live forecasts. */
export interface EntitySources {
  /** The newest result of the operators of `metric` grouped by `keyBy`, for the first of `aggregates` one computes. */
  latest(metric: string, keyBy: string, key: string, aggregates: readonly string[]): WindowValue | undefined;
  /** A forecast in the attribute's unit; undefined while there is none (cold start, or no live forecasts). */
  forecast(kind: 'bin' | 'feeder' | 'laneGroup', id: string): ForecastSeries | undefined;
}

/** A city object behind an entity, with what scoping needs to know of it. */
export interface CityObject {
  type: EntityType;
  /** The city id (bin, detector sensor, feeder or DR resource id): the entity id's last part. */
  id: string;
  sensorKind: SensorKind;
  /** Bins: their depot and area (a contractor's scope). */
  depot?: string;
  area?: string;
}

/** Every object of a type in city-file order. */
export function cityObjects(city: City, type: EntityType): CityObject[] {
  switch (type) {
    case 'WasteContainer':
      return city.waste.bins.map((b) => ({ type, id: b.id, sensorKind: 'bin', depot: b.depot, area: b.area }));
    case 'TrafficFlowObserved':
      return city.intersections.flatMap((x) =>
        x.approaches.flatMap((a) =>
          a.laneGroups.flatMap((g) => g.detectors.map((d) => ({ type, id: d, sensorKind: 'detector' as const }))),
        ),
      );
    case 'ElectricityMeter':
      return city.feeders.flatMap((f) => [
        { type, id: f.id, sensorKind: 'feeder-meter' as const },
        ...f.resources.map((r) => ({ type, id: r.id, sensorKind: 'dr-resource' as const })),
      ]);
  }
}

/** The object of a type with a city id, if the city has it. */
export function cityObject(city: City, type: EntityType, id: string): CityObject | undefined {
  return cityObjects(city, type).find((o) => o.id === id);
}

function set(e: NgsiEntity, name: string, value: Record<string, unknown> | undefined): void {
  if (value) e[name] = value;
}

function wasteContainer(city: City, id: string, s: EntitySources): NgsiEntity {
  const bin = city.waste.bins.find((b) => b.id === id)!;
  const e: NgsiEntity = { id: entityId('WasteContainer', id), type: 'WasteContainer' };
  e.location = point(bin.location.lat, bin.location.lon);
  e.areaServed = property(bin.area);
  e.refDepot = relationship(entityId('Depot', bin.depot));
  // fillingLevel is a fraction (0-1) in the Smart Data Model, as bin.fill is.
  const fill = s.latest('bin.fill', 'bin', id, ['last', 'mean', 'max']);
  set(e, 'fillingLevel', fill && observed(fill, 'C62'));
  const f = s.forecast('bin', id);
  set(e, 'fillingLevelForecast', f && forecastProperty(f, 'C62'));
  return e;
}

function trafficFlowObserved(city: City, sensor: string, s: EntitySources): NgsiEntity {
  const e: NgsiEntity = { id: entityId('TrafficFlowObserved', sensor), type: 'TrafficFlowObserved' };
  for (const x of city.intersections)
    for (const a of x.approaches)
      for (const g of a.laneGroups) {
        if (!g.detectors.includes(sensor)) continue;
        e.location = point(x.location.lat, x.location.lon);
        // The side traffic arrives from (N, NE, ...): not the Smart Data Model's laneDirection (forward/backward).
        e.approachDirection = property(a.direction);
        e.refIntersection = relationship(entityId('Intersection', x.id));
        const count = s.latest('detector.count', 'sensor', sensor, ['sum']);
        if (count) {
          e.intensity = observed(count);
          e.dateObservedFrom = property(new Date(count.start).toISOString());
          e.dateObservedTo = property(new Date(count.end).toISOString());
        }
        const speed = s.latest('detector.speed', 'approach', intersectionKey(x.id, a.id), ['mean', 'p50']);
        set(e, 'averageVehicleSpeed', speed && observed(speed, 'KMH'));
        // Flow is forecast per lane group, the unit signal timing works on: the detector's group's forecast.
        const f = s.forecast('laneGroup', intersectionKey(x.id, g.id));
        set(e, 'intensityForecast', f && { ...forecastProperty(f), laneGroup: property(g.id) });
        return e;
      }
  return e;
}

function electricityMeter(city: City, id: string, s: EntitySources): NgsiEntity {
  const e: NgsiEntity = { id: entityId('ElectricityMeter', id), type: 'ElectricityMeter' };
  const feeder = city.feeders.find((f) => f.id === id);
  if (feeder) {
    e.meterType = property('feeder');
    const kw = s.latest('feeder.kw', 'feeder', id, ['mean']);
    set(e, 'totalActivePower', kw && observed(kw, 'KWT'));
    const f = s.forecast('feeder', id);
    set(e, 'totalActivePowerForecast', f && forecastProperty(f, 'KWT'));
    return e;
  }
  const owner = city.feeders.find((f) => f.resources.some((r) => r.id === id))!;
  e.meterType = property(owner.resources.find((r) => r.id === id)!.type);
  e.refFeeder = relationship(entityId('ElectricityMeter', owner.id));
  const kw = s.latest('dr.kw', 'resource', id, ['mean']);
  set(e, 'totalActivePower', kw && observed(kw, 'KWT'));
  return e;
}

/** The normalized entity of a city object. */
export function cityEntity(city: City, o: CityObject, sources: EntitySources): NgsiEntity {
  switch (o.type) {
    case 'WasteContainer':
      return wasteContainer(city, o.id, sources);
    case 'TrafficFlowObserved':
      return trafficFlowObserved(city, o.id, sources);
    case 'ElectricityMeter':
      return electricityMeter(city, o.id, sources);
  }
}
