// `urbanflow keys create|list|revoke`: API keys in the state directory's key store (a running server sees changes within a second).
import { join } from 'node:path';
import type { Command } from 'commander';
import type { KeyStore, KeyRecord } from '../../api/access/key-store.js';
// roles.js, not the folder's index: the index loads the key store (better-sqlite3), which `--help` must not
import { ROLES, type Role } from '../../api/access/roles.js';
import { stateDirConfig } from '../../config.js';
import { inputError } from '../../errors.js';
import { loadServedCity } from '../served-city.js';
import type { RegisterCommand } from './index.js';

function list(text: string | undefined): string[] {
  return text
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

async function withStore<T>(dir: string | undefined, fn: (keys: KeyStore) => T): Promise<T> {
  const { KeyStore } = await import('../../api/access/key-store.js');
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
    .option(
      '--depots <ids>',
      'waste contractor: comma-separated depots it may plan and read (default: its own in the city)',
    )
    .option('--areas <ids>', 'waste contractor: comma-separated areas whose bins it may read')
    .option('--label <text>', 'what the key is for')
    .option('--expires <instant>', 'ISO 8601 expiry (default: none)')
    .option('--state-dir <dir>', 'state directory (default URBANFLOW_STATE_DIR or .urbanflow)')
    .option(
      '--city <file>',
      'the city the server runs, to check --depots and --areas (default URBANFLOW_CITY, else the sample city; its API-managed copy in the state directory wins)',
    )
    .option('--json', 'print {"key": ..., "secret": ...}')
    .action(
      async (o: {
        tenant: string;
        role: string;
        depots?: string;
        areas?: string;
        label?: string;
        expires?: string;
        stateDir?: string;
        city?: string;
        json?: boolean;
      }) => {
        const expiresAt = o.expires === undefined ? null : Date.parse(o.expires);
        if (expiresAt !== null && !Number.isFinite(expiresAt))
          throw inputError(`--expires must be an ISO 8601 instant (got "${o.expires}")`, { field: 'expires' });
        const depots = list(o.depots);
        const areas = list(o.areas);
        if (depots.length > 0 || areas.length > 0) {
          const { unknownScope } = await import('../../api/access/scope.js');
          const served = await loadServedCity(
            o.city ?? process.env.URBANFLOW_CITY,
            stateDirConfig(o.stateDir, process.env),
          );
          const problem = unknownScope(served.city, { depots, areas });
          if (problem)
            throw inputError(
              `--${problem.field}: ${problem.message}; checked against ${served.origin} (--city names another)`,
              { field: problem.field },
            );
        }
        const { record, secret } = await withStore(o.stateDir, (s) =>
          s.create({ tenant: o.tenant, role: o.role as Role, depots, areas, label: o.label, expiresAt }, Date.now()),
        );
        if (o.json) process.stdout.write(`${JSON.stringify({ key: record, secret })}\n`);
        else process.stdout.write(`${secret}\n`);
        process.stderr.write(
          `created key ${record.id} (${record.role}, tenant ${record.tenant}); the secret above is shown only once\n`,
        );
      },
    );
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--state-dir <dir>', 'state directory')
    .option('--json', 'print a JSON array')
    .action(async (o: { stateDir?: string; json?: boolean }) => {
      const all = await withStore(o.stateDir, (s) => s.list());
      const now = Date.now();
      process.stdout.write(o.json ? `${JSON.stringify(all)}\n` : all.map((k) => `${row(k, now)}\n`).join(''));
    });
  keys
    .command('revoke')
    .description('revoke a key and every token issued for it')
    .argument('<id>', 'key id (the part after ufk_, as `keys list` shows)')
    .option('--state-dir <dir>', 'state directory')
    .option(
      '--force',
      'revoke even the last active operator key (a running server then has no operator until a restart creates one)',
    )
    .action(async (id: string, o: { stateDir?: string; force?: boolean }) => {
      await withStore(o.stateDir, (s) => {
        const now = Date.now();
        if (!o.force && s.isLastActiveOperator(id, now)) {
          throw inputError(
            `key ${id} is the last active operator key: nobody could manage keys, the city or ingest any more. Create another operator key first, or pass --force`,
            { field: 'id' },
          );
        }
        if (!s.revoke(id, now)) throw inputError(`no key with id "${id}"`, { field: 'id' });
      });
      process.stderr.write(`revoked key ${id}\n`);
    });
};
