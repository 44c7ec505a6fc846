// The dashboard in a real browser (headless Chromium), for each role: it shows what the API answers for the same
// objects, keeps to its own origin and the caller's scope, logs no errors, passes axe and works from the keyboard.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { defaultUiDir } from '../../src/api/routes/ui.js';
import { dispatchRequest, startHarness, T0, type Credential, type Harness } from '../api/harness.js';
import { axeViolations, launch, openPage, openView, screenshot, signIn, type Watched } from './browser.js';

let h: Harness;
let browser: Browser;
let origin: string;

const api = async <T>(url: string, who: Credential): Promise<T> => {
  const res = await h.app.inject({ url, headers: h.auth(who) });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json() as T;
};

beforeAll(async () => {
  if (!existsSync(join(defaultUiDir(), 'index.html')))
    throw new Error(`the dashboard is not built (${defaultUiDir()}): run npm run build`);
  h = await startHarness({ live: { days: 3 } });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  // A dead letter to show, and a dispatch plan of the utility's tenant.
  await h.app.inject({
    method: 'POST',
    url: '/v1/telemetry',
    headers: h.auth('operator'),
    payload: [{ sensor: 'no-such-sensor', metric: 'bin.fill', ts: T0, value: 0.5 }],
  });
  const plan = await h.app.inject({
    method: 'POST',
    url: '/v1/dispatch/plans?wait=60',
    headers: h.auth('utility'),
    payload: dispatchRequest(),
  });
  expect(plan.statusCode, plan.body).toBe(201);
  browser = await launch();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** What every page must keep to: no console errors, every request to the server's own origin, no serious axe finding. */
async function expectClean(w: Watched, name: string): Promise<void> {
  await screenshot(w.page, name);
  expect(w.consoleErrors, name).toEqual([]);
  expect(
    w.requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:')),
    name,
  ).toEqual([]);
  expect(await axeViolations(w.page), name).toEqual([]);
}

describe('dashboard', () => {
  it('is served with a strict CSP, nosniff and no framing; the key never appears in a URL', async () => {
    const res = await fetch(`${origin}/ui/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await fetch(`${origin}/ui/app.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${origin}/ui/nothing.js`)).status).toBe(404);
    // The update stream needs the credential like any REST route.
    expect((await fetch(`${origin}/v1/updates`)).status).toBe(401);
  });

  it('operator: the map shows the live bin fill the API answers; health, dead letters and keys', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signIn(page, origin, h.secrets.operator!);
    await page.waitForSelector('#city-map[data-state="ready"]');
    const current = await api<{ results: { key: string; values: { last: number } }[] }>(
      '/v1/windows/bin-fill-latest/current?limit=10000',
      'operator',
    );
    expect(current.results.length).toBeGreaterThan(0);
    for (const r of current.results.slice(0, 5)) {
      expect(await page.getAttribute(`circle[data-bin="${r.key}"]`, 'data-fill')).toBe(
        String(Math.round(r.values.last * 100)),
      );
    }
    expect(await page.locator('circle[data-bin]').count()).toBe(h.city.waste.bins.length);
    expect(await page.locator('rect[data-intersection]').count()).toBe(h.city.intersections.length);
    expect(await page.locator('[data-feeder]').count()).toBe(h.city.feeders.length);
    expect(await page.evaluate(() => document.body.dataset.live)).toBe('on');
    await expectClean(w, 'operator-map');

    await openView(page, 'health');
    await page.waitForSelector('[data-metric="dead-letters"]');
    const dead = await api<{ total: number; byReason: Record<string, { count: number }> }>(
      '/v1/dead-letters',
      'operator',
    );
    for (const [reason, r] of Object.entries(dead.byReason)) {
      await page.waitForSelector(`[data-reason="${reason}"]`);
      expect(await page.locator(`[data-reason="${reason}"] span`).last().textContent()).toBe(String(r.count));
    }
    await page.waitForSelector('#sources tbody tr');
    await expectClean(w, 'operator-health');

    await openView(page, 'dead-letters');
    const table = await page.textContent('#dead-letters');
    for (const reason of Object.keys(dead.byReason)) expect(table).toContain(reason);
    await expectClean(w, 'operator-dead-letters');

    await openView(page, 'keys');
    const keys = await api<{ keys: { id: string }[] }>('/v1/keys', 'operator');
    for (const k of keys.keys) expect(await page.textContent('#keys')).toContain(k.id);
    await page.fill('#new-key input[name=tenant]', 'ui-test');
    await page.selectOption('#new-key select[name=role]', 'traffic-center');
    await page.click('#new-key button[type=submit]');
    const secret = await page.textContent('#new-secret');
    expect(secret).toMatch(/^ufk_/);
    expect(
      (await api<{ keys: { tenant: string }[] }>('/v1/keys', 'operator')).keys.some((k) => k.tenant === 'ui-test'),
    ).toBe(true);
    await expectClean(w, 'operator-keys');
    expect(w.requests.some((u) => u.includes(h.secrets.operator!) || u.includes(secret!))).toBe(false);
    await page.context().close();
  }, 300_000);

  it('traffic center: timing diagram and lane groups as the plan has them; corridor band; no operator views', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signIn(page, origin, h.secrets.traffic!);
    expect(await page.locator('#nav a').evaluateAll((as) => as.map((a) => a.getAttribute('data-view')))).toEqual([
      'intersections',
      'corridors',
    ]);
    await page.waitForSelector('#intersection-shown[data-state="ready"]');
    const id = await page.inputValue('#intersection');
    const live = await api<{
      plan: {
        phases: { phase: string; splitTime: number }[];
        performance: { laneGroups: { id: string; vc: number }[] };
      };
    }>(`/v1/signals/intersections/${id}/plan`, 'traffic');
    const current = page.locator('[data-period="current"]');
    for (const p of live.plan.phases) {
      expect(await current.locator(`[data-split-of="${p.phase}"]`).textContent()).toBe(String(p.splitTime));
      expect(await current.locator(`g[data-phase="${p.phase}"]`).getAttribute('data-split')).toBe(String(p.splitTime));
    }
    for (const g of live.plan.performance.laneGroups)
      expect(await current.locator(`[data-vc-of="${g.id}"]`).textContent()).toBe(g.vc.toFixed(2));
    await expectClean(w, 'traffic-intersection');

    // Another intersection chosen in the picker is drawn, and the view opens on it again after another view.
    const ids = await page
      .locator('#intersection option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const other = ids.find((x) => x !== id)!;
    await page.selectOption('#intersection', other);
    await page.waitForSelector(`#intersection-shown[data-item="${other}"][data-state="ready"]`);

    await openView(page, 'corridors');
    await page.waitForSelector('#corridor-shown[data-state="ready"]');
    expect(await page.locator('#corridor-shown polygon.band').count()).toBeGreaterThan(0);
    await expectClean(w, 'traffic-corridor');
    await openView(page, 'intersections');
    await page.waitForSelector('#intersection-shown[data-state="ready"]');
    expect(await page.inputValue('#intersection')).toBe(other);
    // Operator views are not offered, and their routes refuse the key anyway.
    await page.goto(`${origin}/ui/#keys`);
    await page.waitForSelector('.view[data-state]');
    expect(await page.getAttribute('.view', 'data-view')).toBe('intersections');
    await page.context().close();
  }, 300_000);

  it('utility: feeder load and forecast with bands; the dispatch plan, its events, and a request from the form', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signIn(page, origin, h.secrets.utility!);
    await page.waitForSelector('#feeder-shown[data-state="ready"] canvas');
    const legend = await page.textContent('#feeder-shown .u-legend');
    for (const label of [
      'measured (30-min mean) (kW)',
      'forecast (kW)',
      'upper 80 % (kW)',
      'lower 95 % (kW)',
      'capacity (kW)',
    ])
      expect(legend).toContain(label);
    await expectClean(w, 'utility-feeders');

    await openView(page, 'dispatch');
    await page.waitForSelector('#dispatch-plan[data-state="ready"] canvas');
    const id = await page.getAttribute('#dispatch-plan [data-plan]', 'data-plan');
    const events = await api<{ events: unknown[] }>(`/v1/dispatch/plans/${id}/events`, 'utility');
    expect(await page.getAttribute('#dispatch-plan table.events', 'data-count')).toBe(String(events.events.length));
    await expectClean(w, 'utility-dispatch');

    await page.fill('#dispatch-form input[name=start]', new Date(T0 + 14 * 3_600_000).toISOString().slice(0, 16));
    await page.fill('#dispatch-form input[name=interval]', '30');
    await page.fill('#dispatch-form input[name=targets]', '20, 30');
    await page.click('#dispatch-form button[type=submit]');
    await page.waitForFunction((old) => {
      const el = document.querySelector('#dispatch-plan [data-plan]');
      return el !== null && el.getAttribute('data-plan') !== old;
    }, id);
    const created = await page.getAttribute('#dispatch-plan [data-plan]', 'data-plan');
    const mine = await api<{ items: { id: string }[] }>('/v1/dispatch/plans', 'utility');
    expect(mine.items.map((p) => p.id)).toContain(created);
    expect(await page.textContent('#dispatch-message')).toBe(`Plan ${created}: done`);
    await expectClean(w, 'utility-dispatch-requested');
    await page.context().close();
  }, 300_000);

  it("waste contractor: its routes' stop counts and bins as the API has them, never another contractor's", async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signIn(page, origin, h.secrets.cleanway!);
    await page.waitForSelector('#depot-shown[data-state="ready"]');
    const depots = (await api<{ items: { id: string }[] }>('/v1/city/depots', 'cleanway')).items.map((d) => d.id);
    const options = await page
      .locator('#depot option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(depots);
    const routes = await api<{ date: string; plan: { trucks: { truck: string; stops: unknown[] }[] } }>(
      `/v1/routes/depots/${depots[0]}/next`,
      'cleanway',
    );
    for (const t of routes.plan.trucks)
      expect(await page.textContent(`[data-stops-of="${t.truck}"]`)).toBe(String(t.stops.length));
    expect(await page.locator('#route-map path[data-truck]').count()).toBe(routes.plan.trucks.length);
    const download = page.waitForEvent('download');
    await page.click('button:has-text("Download GeoJSON")');
    expect((await download).suggestedFilename()).toBe(`${depots[0]}-${routes.date}.geojson`);
    await expectClean(w, 'waste-routes');

    await openView(page, 'bins');
    const own = new Set(h.city.waste.bins.filter((b) => depots.includes(b.depot)).map((b) => b.id));
    const shown = await page.locator('#bins tbody tr td:first-child').allTextContents();
    expect(shown.length).toBe(own.size);
    expect(shown.every((b) => own.has(b))).toBe(true);
    const current = await api<{ results: { key: string; values: { last: number } }[] }>(
      '/v1/windows/bin-fill-latest/current?limit=10000',
      'cleanway',
    );
    const r = current.results[0];
    expect(await page.textContent(`[data-fill-of="${r.key}"]`)).toBe(`${Math.round(r.values.last * 100)} %`);
    await expectClean(w, 'waste-bins');
    await page.context().close();

    // An access token of the same key signs in to the same scope.
    const byToken = await openPage(browser);
    await signIn(byToken.page, origin, h.secrets['cleanway-token']!);
    await byToken.page.waitForSelector('#depot-shown[data-state]');
    expect(
      await byToken.page.locator('#depot option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
    ).toEqual(depots);
    expect(byToken.consoleErrors).toEqual([]);
    await byToken.page.context().close();

    // The other contractor sees none of these depots or bins.
    const other = await openPage(browser);
    await signIn(other.page, origin, h.secrets.metro!);
    await other.page.waitForSelector('#depot-shown[data-state]');
    const otherDepots = await other.page
      .locator('#depot option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(otherDepots.some((d) => depots.includes(d))).toBe(false);
    await openView(other.page, 'bins');
    const otherBins = await other.page.locator('#bins tbody tr td:first-child').allTextContents();
    expect(otherBins.some((b) => own.has(b))).toBe(false);
    await other.page.context().close();
  }, 300_000);

  it('reaches the navigation and the forms from the keyboard; fits a tablet', async () => {
    const w = await openPage(browser, { width: 820, height: 1180 });
    const { page } = w;
    await page.goto(`${origin}/ui/`);
    await page.waitForSelector('#api-key:focus');
    await page.keyboard.type(h.secrets.utility!);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.view[data-state="ready"]');
    const reached = new Set<string>();
    for (let i = 0; i < 40 && !(reached.has('nav') && reached.has('form')); i++) {
      await page.keyboard.press('Tab');
      const where = await page.evaluate(() =>
        document.activeElement?.closest('nav') ? 'nav' : document.activeElement?.closest('form') ? 'form' : 'other',
      );
      reached.add(where);
      if (
        where === 'nav' &&
        (await page.evaluate(() => document.activeElement?.getAttribute('data-view'))) === 'dispatch'
      ) {
        await page.keyboard.press('Enter');
        await page.waitForSelector('.view[data-view="dispatch"][data-state="ready"]');
      }
    }
    expect([...reached]).toEqual(expect.arrayContaining(['nav', 'form']));
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await expectClean(w, 'utility-tablet');
    await page.context().close();
  }, 300_000);

  // Last: it moves the service clock an hour on.
  it('shows a reading ingested over HTTP without a reload', async () => {
    const w = await openPage(browser);
    const { page } = w;
    await signIn(page, origin, h.secrets.operator!);
    await page.waitForSelector('#city-map[data-state="ready"]');
    const bin = h.city.waste.bins[0];
    const before = await page.getAttribute(`circle[data-bin="${bin.id}"]`, 'data-fill');
    const value = before === '37' ? 0.41 : 0.37;
    // The simulator's source goes idle; this key's readings alone move the watermark past the hour's window.
    const windowStart = Math.floor(h.clock.now / 3_600_000) * 3_600_000 + 3_600_000;
    h.clock.now = windowStart + 3_600_000 + 60_000;
    const weather = h.city.weatherStations[0].sensor;
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/telemetry',
      headers: h.auth('operator'),
      payload: [
        { sensor: bin.sensor, metric: 'bin.fill', ts: windowStart + 600_000, value },
        { sensor: weather, metric: 'weather.temp_c', ts: windowStart + 3_600_000 + 120_000, value: 20 },
      ],
    });
    expect(res.json()).toMatchObject({ accepted: 2 });
    await page.waitForSelector(`circle[data-bin="${bin.id}"][data-fill="${Math.round(value * 100)}"]`);
    expect(w.consoleErrors).toEqual([]);
    await page.context().close();
  }, 300_000);
});
