// The dashboard's shell: sign-in with an API key, the views of the caller's role, and the live update stream.
import { ApiError, get, send, session, subscribe } from './api.js';
import { h } from './dom.js';
import type { Role, View, Who } from './view.js';
import { operatorMap } from './views/operator-map.js';
import { operatorHealth } from './views/operator-health.js';
import { operatorDeadLetters } from './views/operator-dead-letters.js';
import { operatorKeys } from './views/operator-keys.js';
import { trafficIntersections } from './views/traffic-intersection.js';
import { trafficCorridors } from './views/traffic-corridor.js';
import { utilityFeeders } from './views/utility-feeders.js';
import { utilityDispatch } from './views/utility-dispatch.js';
import { wasteBins, wasteRoutes } from './views/waste.js';

const VIEWS: View[] = [
  operatorMap,
  operatorHealth,
  operatorDeadLetters,
  operatorKeys,
  trafficIntersections,
  trafficCorridors,
  utilityFeeders,
  utilityDispatch,
  wasteRoutes,
  wasteBins,
];

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const status = document.getElementById('status')!;
const whoLabel = document.getElementById('who')!;
const signOut = document.getElementById('signout') as HTMLButtonElement;

let who: Who | undefined;
let current: View | undefined;
let stopUpdates: (() => void) | undefined;

const viewsOf = (role: Role) => VIEWS.filter((v) => v.roles.includes(role));

/**
 * Who the credential belongs to. A key: a short-lived token minted with it names its tenant and role (the key stays
 * the credential). A token cannot mint tokens: its own claims name them, once the server has accepted it.
 */
async function identify(): Promise<Who> {
  const credential = session.key() ?? '';
  if (credential.startsWith('uft.')) {
    await get('/v1/operators');
    const claims = JSON.parse(atob(credential.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as {
      ten: string;
      rol: Role;
    };
    return { role: claims.rol, tenant: claims.ten, depots: [] };
  }
  const t = await send<{ tenant: string; role: Role }>('POST', '/v1/tokens', { ttlSeconds: 60 });
  return { role: t.role, tenant: t.tenant, depots: [] };
}

function showSignIn(message?: string): void {
  stopUpdates?.();
  stopUpdates = undefined;
  who = undefined;
  nav.replaceChildren();
  whoLabel.textContent = '';
  signOut.hidden = true;
  const input = h('input', {
    id: 'api-key',
    name: 'key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  });
  const form = h(
    'form',
    { id: 'sign-in', 'aria-label': 'Sign in' },
    h('h1', {}, 'Sign in'),
    h(
      'p',
      {},
      'Your API key (from `urbanflow keys create`, or the key `urbanflow run` printed at first start). It is kept in this tab only. An access token from POST /v1/tokens works too.',
    ),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    session.set(input.value.trim());
    void start();
  });
  main.replaceChildren(form);
  input.focus();
}

async function start(): Promise<void> {
  try {
    who = await identify();
  } catch (err) {
    session.clear();
    showSignIn(err instanceof ApiError ? err.detail : String(err));
    return;
  }
  whoLabel.textContent = `${who.tenant} (${who.role})`;
  signOut.hidden = false;
  nav.replaceChildren(...viewsOf(who.role).map((v) => h('a', { href: `#${v.id}`, 'data-view': v.id }, v.title)));
  stopUpdates = subscribe(
    (event, data) => {
      if (event === 'hello' && who) who.depots = (data as { depots: string[] }).depots;
      current?.update?.(event, data);
    },
    (connected) => {
      document.body.dataset.live = connected ? 'on' : 'off';
      status.textContent = connected ? 'Live updates on' : 'Live updates paused; reconnecting';
    },
  );
  await route();
}

async function route(): Promise<void> {
  if (!who) return;
  const views = viewsOf(who.role);
  const view = views.find((v) => `#${v.id}` === location.hash) ?? views[0];
  current = view;
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.view === view.id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${view.title} · urbanflow`;
  const root = h('div', { class: 'view', 'data-view': view.id, 'aria-busy': 'true' });
  main.replaceChildren(root);
  try {
    await view.render(who, root);
    root.setAttribute('aria-busy', 'false');
    root.setAttribute('data-state', 'ready');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      session.clear();
      showSignIn(err.detail);
      return;
    }
    root.replaceChildren(h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.detail : String(err)));
    root.setAttribute('data-state', 'error');
  }
}

window.addEventListener('hashchange', () => void route());
signOut.addEventListener('click', () => {
  session.clear();
  location.hash = '';
  showSignIn();
});

if (session.key()) void start();
else showSignIn();
