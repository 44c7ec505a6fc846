// `urbanflow keys create|list|revoke`: API keys in the state directory's key store (a running server sees changes within a second).
import { join } from 'node:path';
import type { Command } from 'commander';
import { KeyStore, ROLES, type KeyRecord, type Role } from '../../api/access/index.js';
import { stateDirConfig } from '../../config.js';
import { inputError } from '../../errors.js';
import type { RegisterCommand } from './index.js';

function list(text: string | undefined): string[] {
  return text ? text.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function withStore<T>(dir: string | undefined, fn: (keys: KeyStore) => T): T {
  const keys = KeyStore.open(join(stateDirConfig(dir, process.env), 'keys.db'));
  try {
    return fn(keys);
  } finally {
    keys.close();
  }
}

function row(k: KeyRecord, now: number): string {
  const state = k.revokedAt !== null ? 'revoked' : k.expiresAt !== null && k.expiresAt <= now ? 'expired' : 'active';
  const scope = [...k.depots.map((d) => `depot:${d}`), ...k.areas.map((a) => `area:${a}`)].join(',') || '-';
  const expires = k.expiresAt === null ? 'never' : new Date(k.expiresAt).toISOString();
  return `${k.id}  ${state.padEnd(7)}  ${k.role.padEnd(16)}  ${k.tenant.padEnd(16)}  ${scope.padEnd(20)}  expires ${expires}  ${k.label}`;
}

export const registerKeysCommand: RegisterCommand = (program) => {
  const keys: Command = program.command('keys').description('manage API keys (stored hashed in STATE_DIR/keys.db)');
  keys
    .command('create')
    .description('create a key; its secret is printed once and cannot be shown again')
    .requiredOption('--tenant <id>', 'tenant the key acts for (a waste contractor: its contractor id in the city)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--depots <ids>', 'waste contractor: comma-separated depots it may plan and read (default: its own in the city)')
    .option('--areas <ids>', 'waste contractor: comma-separated areas whose bins it may read')
    .option('--label <text>', 'what the key is for')
    .option('--expires <instant>', 'ISO 8601 expiry (default: none)')
    .option('--state-dir <dir>', 'state directory (default URBANFLOW_STATE_DIR or .urbanflow)')
    .option('--json', 'print {"key": ..., "secret": ...}')
    .action((o: { tenant: string; role: string; depots?: string; areas?: string; label?: string; expires?: string; stateDir?: string; json?: boolean }) => {
      const expiresAt = o.expires === undefined ? null : Date.parse(o.expires);
      if (expiresAt !== null && !Number.isFinite(expiresAt)) throw inputError(`--expires must be an ISO 8601 instant (got "${o.expires}")`, { field: 'expires' });
      const { record, secret } = withStore(o.stateDir, (s) =>
        s.create({ tenant: o.tenant, role: o.role as Role, depots: list(o.depots), areas: list(o.areas), label: o.label, expiresAt }, Date.now()),
      );
      if (o.json) process.stdout.write(`${JSON.stringify({ key: record, secret })}\n`);
      else process.stdout.write(`${secret}\n`);
      process.stderr.write(`created key ${record.id} (${record.role}, tenant ${record.tenant}); the secret above is shown only once\n`);
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--state-dir <dir>', 'state directory')
    .option('--json', 'print a JSON array')
    .action((o: { stateDir?: string; json?: boolean }) => {
      const all = withStore(o.stateDir, (s) => s.list());
      const now = Date.now();
      process.stdout.write(o.json ? `${JSON.stringify(all)}\n` : all.map((k) => `${row(k, now)}\n`).join(''));
    });
  keys
    .command('revoke')
    .description('revoke a key and every token issued for it')
    .argument('<id>', 'key id (the part after ufk_, as `keys list` shows)')
    .option('--state-dir <dir>', 'state directory')
    .action((id: string, o: { stateDir?: string }) => {
      if (!withStore(o.stateDir, (s) => s.revoke(id, Date.now()))) throw inputError(`no key with id "${id}"`, { field: 'id' });
      process.stderr.write(`revoked key ${id}\n`);
    });
};
