// Writes a city as JSON with one entity per line: compact, yet diffs of the shipped sample stay readable.
import type { City } from './schema.js';

export function formatCityJson(city: City): string {
  const lines: string[] = ['{'];
  const entries = Object.entries(city);
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if (key === 'waste') {
      lines.push('"waste": {');
      const parts = Object.entries(value as Record<string, unknown[]>);
      parts.forEach(([k, items], j) =>
        lines.push(`${JSON.stringify(k)}: ${arrayLines(items)}${j < parts.length - 1 ? ',' : ''}`),
      );
      lines.push(`}${comma}`);
    } else if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object') {
      lines.push(`${JSON.stringify(key)}: ${arrayLines(value)}${comma}`);
    } else {
      lines.push(`${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}`);
    }
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function arrayLines(items: unknown[]): string {
  if (items.length === 0) return '[]';
  return `[\n${items.map((x) => JSON.stringify(x)).join(',\n')}\n]`;
}
