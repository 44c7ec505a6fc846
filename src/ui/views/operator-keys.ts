// Operator: API keys: list, create (the secret shown once), revoke.
import { ApiError, get, send } from '../api.js';
import { field, h, select, table } from '../dom.js';
import type { View } from '../view.js';

interface Key {
  id: string;
  tenant: string;
  role: string;
  depots: string[];
  label: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

async function draw(root: HTMLElement, message?: HTMLElement): Promise<void> {
  const list = (await get<{ keys: Key[] }>('/v1/keys')).keys;
  const rows = list.map((k) => [
    k.id,
    k.tenant,
    k.role,
    k.depots.join(', '),
    k.label,
    new Date(k.createdAt).toISOString().slice(0, 16).replace('T', ' '),
    k.revokedAt ? 'revoked' : 'active',
    k.revokedAt
      ? ''
      : h('button', { type: 'button', 'data-revoke': k.id, onclick: () => void revoke(root, k.id) }, `Revoke ${k.id}`),
  ]);
  const form = h(
    'form',
    { id: 'new-key', 'aria-label': 'Create an API key' },
    h('h2', {}, 'Create a key'),
    field('Tenant ', h('input', { name: 'tenant', required: true, maxlength: 128 })),
    field('Role ', select({ name: 'role' }, ['utility', 'waste-contractor', 'traffic-center', 'operator'])),
    field('Depots (comma-separated, contractors) ', h('input', { name: 'depots' })),
    field('Label ', h('input', { name: 'label', maxlength: 200 })),
    h('button', { type: 'submit' }, 'Create key'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const depots = String(f.get('depots') ?? '')
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    const body = {
      tenant: String(f.get('tenant')),
      role: String(f.get('role')),
      ...(depots.length ? { depots } : {}),
      ...(f.get('label') ? { label: String(f.get('label')) } : {}),
    };
    send<{ secret: string; key: Key }>('POST', '/v1/keys', body)
      .then((created) =>
        draw(
          root,
          h(
            'p',
            { class: 'secret', role: 'alert' },
            'New key (shown only now; copy it): ',
            h('code', { id: 'new-secret' }, created.secret),
          ),
        ),
      )
      .catch((err: unknown) =>
        draw(root, h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.detail : String(err))),
      );
  });
  root.replaceChildren(
    h('h1', {}, 'API keys'),
    ...(message ? [message] : []),
    table('Keys', ['id', 'tenant', 'role', 'depots', 'label', 'created (UTC)', 'state', ''], rows, { id: 'keys' }),
    form,
  );
}

async function revoke(root: HTMLElement, id: string): Promise<void> {
  try {
    await send('DELETE', `/v1/keys/${encodeURIComponent(id)}`);
    await draw(root, h('p', { role: 'status' }, `Key ${id} revoked.`));
  } catch (err) {
    await draw(root, h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.detail : String(err)));
  }
}

export const operatorKeys: View = {
  id: 'keys',
  title: 'API keys',
  roles: ['operator'],
  render: async (_who, root) => draw(root),
};
