// The city drawn from its own geometry in SVG (no tiles): an equirectangular projection fitted to the view box.
import { s } from './dom.js';

export interface Point {
  lat: number;
  lon: number;
}

export interface Projection {
  x: (p: Point) => number;
  y: (p: Point) => number;
  width: number;
  height: number;
}

export function projection(points: Point[], width = 900, pad = 20): Projection {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const k = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
  const spanX = Math.max((maxLon - minLon) * k, 1e-6);
  const spanY = Math.max(maxLat - minLat, 1e-6);
  const scale = (width - 2 * pad) / spanX;
  const height = Math.round(spanY * scale + 2 * pad);
  return { x: (p) => pad + (p.lon - minLon) * k * scale, y: (p) => pad + (maxLat - p.lat) * scale, width, height };
}

export function mapSvg(proj: Projection, label: string): SVGElement {
  return s('svg', { viewBox: `0 0 ${proj.width} ${proj.height}`, class: 'map', role: 'img', 'aria-label': label });
}

/** Green to red through amber for a share 0..1 (above 1 stays red). */
export function ramp(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '#9aa0a6';
  const v = Math.max(0, Math.min(1, share));
  const hue = 120 - 120 * v;
  return `hsl(${Math.round(hue)}, 70%, 42%)`;
}

export function legend(items: [string, string][]): SVGElement {
  const g = s('g', { class: 'legend' });
  items.forEach(([color, text], i) => {
    g.append(
      s('rect', { x: 10, y: 10 + i * 18, width: 12, height: 12, fill: color }),
      s('text', { x: 28, y: 21 + i * 18 }, text),
    );
  });
  return g;
}
