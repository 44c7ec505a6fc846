// MQTT topic templates: `urbanflow/{tenant}/{sensor}/{metric}` names the reading in the topic; a batch topic
// (`urbanflow/{tenant}/batch`) carries whole MessagePack/JSON messages as on Kafka. Placeholders fill whole levels.
import { configError } from '../../errors.js';

export const DEFAULT_READING_TOPIC = 'urbanflow/{tenant}/{sensor}/{metric}';
export const DEFAULT_BATCH_TOPIC = 'urbanflow/{tenant}/batch';

const PLACEHOLDERS = ['tenant', 'sensor', 'metric'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

export interface TopicTemplate {
  readonly text: string;
  /** Per level: a literal, or the placeholder it fills. */
  readonly levels: readonly (string | { placeholder: Placeholder })[];
  /** The subscription filter: each placeholder becomes `+`. */
  readonly filter: string;
}

export interface TopicFields {
  tenant?: string;
  sensor?: string;
  metric?: string;
}

/** Parses a template; `required` placeholders must appear (a reading topic needs sensor and metric). */
export function parseTopicTemplate(text: string, name: string, required: readonly Placeholder[] = []): TopicTemplate {
  if (text.length === 0) throw configError(`${name} must not be empty`);
  if (/[#+]/.test(text))
    throw configError(
      `${name} "${text}" must not hold MQTT wildcards (+, #): name levels with {tenant}, {sensor}, {metric}`,
    );
  const seen = new Set<string>();
  const levels = text.split('/').map((level) => {
    const m = /^\{(\w+)\}$/.exec(level);
    if (!m) {
      if (/[{}]/.test(level))
        throw configError(
          `${name} "${text}": a placeholder must fill a whole level, e.g. urbanflow/{tenant}/{sensor}/{metric}`,
        );
      return level;
    }
    const p = m[1] as Placeholder;
    if (!PLACEHOLDERS.includes(p))
      throw configError(
        `${name} "${text}": unknown placeholder {${m[1]}} (known: ${PLACEHOLDERS.map((x) => `{${x}}`).join(', ')})`,
      );
    if (seen.has(p)) throw configError(`${name} "${text}": {${p}} appears twice`);
    seen.add(p);
    return { placeholder: p };
  });
  for (const r of required) if (!seen.has(r)) throw configError(`${name} "${text}" must name the {${r}} level`);
  return { text, levels, filter: levels.map((l) => (typeof l === 'string' ? l : '+')).join('/') };
}

/** The fields a topic fills, or undefined when it does not match the template. */
export function matchTopic(t: TopicTemplate, topic: string): TopicFields | undefined {
  const parts = topic.split('/');
  if (parts.length !== t.levels.length) return undefined;
  const out: TopicFields = {};
  for (let i = 0; i < parts.length; i++) {
    const l = t.levels[i];
    if (typeof l === 'string') {
      if (parts[i] !== l) return undefined;
    } else {
      if (parts[i].length === 0) return undefined;
      out[l.placeholder] = parts[i];
    }
  }
  return out;
}

/** The topic for these fields (the producer side). */
export function topicFor(t: TopicTemplate, fields: TopicFields): string {
  return t.levels.map((l) => (typeof l === 'string' ? l : (fields[l.placeholder] ?? 'default'))).join('/');
}
