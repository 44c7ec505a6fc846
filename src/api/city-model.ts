// The managed city model: validated edits, persisted atomically, applied live when the sensor catalog is unchanged.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cityErrors, loadCity, sensorIndex, type City } from '../city/index.js';
import { UrbanflowError } from '../errors.js';
import { writePrivateFile } from '../io/private-files.js';
import type { Pipeline } from '../app/pipeline.js';

export interface CityChange {
  revision: number;
  /** True when the running pipeline uses the new model; false when it waits for a restart. */
  applied: boolean;
  detail: string;
}

/** Where the API keeps its copy of a city; `run` prefers it to the city file it was started with. */
export function managedCityFile(stateDir: string, cityId: string): string {
  return join(stateDir, `city-${cityId}.json`);
}

export function loadManagedCity(stateDir: string, cityId: string, warn?: (message: string) => void): City | undefined {
  const file = managedCityFile(stateDir, cityId);
  return existsSync(file) ? loadCity(readFileSync(file, 'utf8'), warn) : undefined;
}

function contentHash(city: City): string {
  return createHash('sha256').update(JSON.stringify(city)).digest('hex');
}

function sensorSignature(city: City): string {
  const parts: string[] = [];
  for (const s of sensorIndex(city).values()) parts.push(JSON.stringify(s));
  return parts.join('\n');
}

/** The city model as processes of a group share it (src/app/shared-state): the latest revision stands everywhere. */
export interface ReplicatedCity {
  revision: number;
  city: City;
}

/** Where the model's changes go to reach the other processes of a group (a compacted Kafka topic). */
export type CityReplication = (change: ReplicatedCity) => void;

export class CityModel {
  private current: City;
  private rev = 0;
  private replication: CityReplication | undefined;
  /** Ties between two changes of one revision made at once on two processes are broken by content, the same way everywhere. */
  private currentHash = '';
  private readonly liveSignature: string;
  private readonly listeners: ((city: City) => void)[] = [];

  constructor(
    private readonly pipeline: Pipeline,
    private readonly file: string | undefined,
  ) {
    this.current = pipeline.city;
    this.liveSignature = sensorSignature(pipeline.city);
  }

  get city(): City {
    return this.current;
  }

  get revision(): number {
    return this.rev;
  }

  /** Whether the running pipeline uses the current model (false after a change that waits for a restart). */
  get live(): boolean {
    return this.pipeline.city === this.current;
  }

  /** Calls `listener` with the new model after every change the running pipeline takes (services that follow it). */
  onApplied(listener: (city: City) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Applies an edit to a copy of the model, validates the whole city (schema and cross-references), persists it and
   * swaps it into the pipeline when its sensors are the same; otherwise the change is staged for the next start.
   */
  change(edit: (draft: City) => void): CityChange {
    const draft = structuredClone(this.current);
    edit(draft);
    const errors = cityErrors(draft);
    if (errors.length > 0) {
      throw new UrbanflowError(
        'UF_ERR_CITY_INVALID',
        `the change would make the city invalid: ${errors[0].path}: ${errors[0].message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
        {
          errors: errors.map((e) => ({ path: `city.${e.path}`, message: e.message })),
        },
      );
    }
    const change = this.adopt(draft, this.rev + 1);
    this.replication?.({ revision: this.rev, city: draft });
    return change;
  }

  /** Sends every later change of the model to `replication`. */
  replicateTo(replication: CityReplication): void {
    this.replication = replication;
  }

  /**
   * A change replicated by any process (this one included): a higher revision replaces the model, one of the same
   * revision only when its content hash is higher, so every process ends with the same model.
   */
  applyReplicated(change: ReplicatedCity): CityChange | undefined {
    if (change.revision < this.rev) return undefined;
    if (change.revision === this.rev && contentHash(change.city) <= this.currentHash) return undefined;
    const errors = cityErrors(change.city);
    if (errors.length > 0)
      throw new UrbanflowError(
        'UF_ERR_CITY_INVALID',
        `a replicated city model is invalid: ${errors[0].path}: ${errors[0].message}`,
      );
    return this.adopt(change.city, change.revision);
  }

  private adopt(draft: City, revision: number): CityChange {
    this.persist(draft);
    this.current = draft;
    this.rev = revision;
    this.currentHash = contentHash(draft);
    if (sensorSignature(draft) === this.liveSignature) {
      this.pipeline.city = draft;
      for (const listener of this.listeners) listener(draft);
      return { revision: this.rev, applied: true, detail: 'applied to the running pipeline' };
    }
    return {
      revision: this.rev,
      applied: false,
      detail: this.file
        ? 'sensors were added, removed or moved: the change is saved and the stream pipeline picks it up at the next restart'
        : 'sensors were added, removed or moved: the change applies at the next restart (no state directory: it is not saved)',
    };
  }

  private persist(city: City): void {
    if (!this.file) return;
    writePrivateFile(this.file, `${JSON.stringify(city, null, 2)}\n`);
  }
}
