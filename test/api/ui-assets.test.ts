// The dashboard's files at /ui: security headers, ETag revalidation, the redirect to /ui/, and a clear answer when unbuilt.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UI_CSP } from '../../src/api/routes/ui.js';
import { startHarness, type Harness } from './harness.js';

const dirs: string[] = [];
const harnesses: Harness[] = [];

async function serverWith(files: Record<string, string>): Promise<Harness> {
  const uiDir = mkdtempSync(join(tmpdir(), 'uf-ui-'));
  dirs.push(uiDir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(uiDir, name), text);
  const h = await startHarness({ uiDir });
  harnesses.push(h);
  return h;
}

afterAll(async () => {
  for (const h of harnesses) await h.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('/ui', () => {
  it('serves the page and its files with a strict CSP, nosniff, no framing, and 304 to a matching ETag', async () => {
    const h = await serverWith({
      'index.html': '<!doctype html><title>t</title>',
      'app.js': 'export {};',
      'app.css': 'body{}',
      'notes.txt': 'not served',
    });
    const page = await h.app.inject({ url: '/ui/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(UI_CSP);
    expect(UI_CSP).toContain("frame-ancestors 'none'");
    expect(UI_CSP).not.toMatch(/unsafe-(inline|eval)/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    const again = await h.app.inject({ url: '/ui/', headers: { 'if-none-match': page.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    expect((await h.app.inject({ url: '/ui/app.js' })).headers['content-type']).toBe('text/javascript; charset=utf-8');
    const redirect = await h.app.inject({ url: '/ui' });
    expect(redirect.statusCode).toBe(308);
    expect(redirect.headers.location).toBe('/ui/');
    expect((await h.app.inject({ url: '/ui/notes.txt' })).statusCode).toBe(404);
    expect((await h.app.inject({ url: '/ui/..%2Fpackage.json' })).statusCode).toBe(404);
  });

  it('answers 503 naming the build command when the dashboard was not built', async () => {
    const h = await serverWith({});
    const res = await h.app.inject({ url: '/ui/' });
    expect(res.statusCode).toBe(503);
    expect(res.json().detail).toContain('npm run build');
  });
});
