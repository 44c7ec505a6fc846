// The operator dashboard's static files at /ui (built into dist/ui by `npm run build`), with strict security headers.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { PUBLIC } from '../access/index.js';
import { HttpProblem } from '../problem.js';

export const UI_PREFIX = '/ui';

/** Nothing inline, nothing from elsewhere: scripts, styles and data only from this origin; never framed. */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** dist/ui of the package this file belongs to, whether it runs from src/ (tests) or dist/src/. */
export function defaultUiDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(dir, 'dist', 'ui');
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

export function uiRoutes(dir = defaultUiDir()): FastifyPluginAsync {
  // Read once: a handful of small files, served from memory.
  const assets = loadAssets(dir);
  return async (app) => {
    const config = { access: PUBLIC };
    const schema = { hide: true };
    const serve = (name: string, ifNoneMatch: string | undefined, reply: FastifyReply) => {
      const asset = assets.get(name);
      if (!asset) {
        if (!assets.has('index.html'))
          throw new HttpProblem(
            'unavailable',
            `the dashboard is not built (no ${join(dir, 'index.html')}): run npm run build`,
          );
        throw new HttpProblem('not-found', `no file ${UI_PREFIX}/${name}`);
      }
      reply
        .header('content-security-policy', UI_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'DENY')
        .header('referrer-policy', 'no-referrer')
        .header('cross-origin-opener-policy', 'same-origin')
        .header('cache-control', 'no-cache')
        .header('etag', asset.etag)
        .type(asset.type);
      if (ifNoneMatch === asset.etag) return reply.code(304).send();
      return reply.send(asset.body);
    };
    app.get(UI_PREFIX, { config, schema }, async (_request, reply) => reply.redirect(`${UI_PREFIX}/`, 308));
    app.get(`${UI_PREFIX}/`, { config, schema }, async (request, reply) =>
      serve('index.html', request.headers['if-none-match'], reply),
    );
    app.get<{ Params: { file: string } }>(`${UI_PREFIX}/:file`, { config, schema }, async (request, reply) =>
      serve(request.params.file, request.headers['if-none-match'], reply),
    );
  };
}
