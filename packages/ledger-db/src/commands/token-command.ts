import { parseArgs } from 'node:util';
import { normalizeApiKey } from '@spend-ledger/contract';
import { parseConfig } from '@spend-ledger/platform';
import { createLedgerDb, type LedgerDb, poolOptions } from '../client.ts';
import { DatabaseEnvSchema } from '../connection-settings.ts';
import { createApiToken, listApiTokens, revokeApiToken, type TokenScope } from '../queries/api-tokens.ts';

const USAGE = `usage: ledger token <create|list|revoke> ...
  token create (--admin | --team ID | --org ID | --key API_KEY) [--name TEXT] [--expires-in-days N]
      Issues a query API token and prints it once; only its SHA-256 is stored. A team, org or key
      token reads only that entity and the api keys and requests inside it. --key takes the key's
      SHA-256 hex digest or the raw key, which is hashed the way the gateway hashes it.
  token list [--json]      every token: id, scope, name, created, expires, revoked
  token revoke ID          takes effect on the next request
Reads DATABASE_URL and the DB_* settings.`;

function scopeOf(values: {
  admin?: boolean;
  team?: string;
  org?: string;
  key?: string;
}): TokenScope | string {
  const given = [values.admin ? 'admin' : undefined, values.team, values.org, values.key].filter(
    (v) => v !== undefined,
  );
  if (given.length !== 1) return 'give exactly one of --admin, --team, --org, --key';
  // '' is no entity: a key token for '' would read every request made without a virtual key.
  if (given[0] === '') return 'the --team, --org or --key id must not be empty';
  if (values.admin) return { type: 'admin' };
  if (values.team !== undefined) return { type: 'team', id: values.team };
  if (values.org !== undefined) return { type: 'org', id: values.org };
  return { type: 'key', id: normalizeApiKey(values.key as string) };
}

const OPTIONS = {
  admin: { type: 'boolean' },
  team: { type: 'string' },
  org: { type: 'string' },
  key: { type: 'string' },
  name: { type: 'string' },
  'expires-in-days': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

type TokenValues = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof OPTIONS }>
>['values'];

/** `ledger token ...`: returns the process exit code. */
export async function tokenCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [action, id] = positionals;
  if (values.help || !action) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const connection = parseConfig(DatabaseEnvSchema, env);
  const handle = createLedgerDb(connection.url, {
    ...poolOptions(connection),
    applicationName: 'spend-ledger-token',
  });
  try {
    if (action === 'create') return await createToken(handle.db, values);
    if (action === 'list') return await listTokens(handle.db, values.json === true);
    if (action === 'revoke' && id) return await revokeToken(handle.db, id);
    console.error(USAGE);
    return 2;
  } finally {
    await handle.close();
  }
}

/** `token create`: checks the scope and expiry, then prints the token once. */
async function createToken(db: LedgerDb, values: TokenValues): Promise<number> {
  const scope = scopeOf(values);
  if (typeof scope === 'string') {
    console.error(`${scope}\n\n${USAGE}`);
    return 2;
  }
  const days = values['expires-in-days'];
  if (days !== undefined && !(Number(days) > 0)) {
    console.error('--expires-in-days must be a positive number');
    return 2;
  }
  const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : undefined;
  const { token, record } = await createApiToken(db, {
    scope,
    ...(values.name ? { name: values.name } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  });
  if (values.json) console.log(JSON.stringify({ token, ...record }));
  else {
    const what = scope.type === 'admin' ? 'admin' : `${scope.type} ${scope.id}`;
    console.log(`token ${record.id} (${what}) created; it is shown once:\n${token}`);
  }
  return 0;
}

/** `token list`: one line per token, or the records as JSON. */
async function listTokens(db: LedgerDb, json: boolean): Promise<number> {
  const records = await listApiTokens(db);
  if (json) {
    console.log(JSON.stringify(records, null, 2));
    return 0;
  }
  for (const r of records) {
    const scope = r.scope.type === 'admin' ? 'admin' : `${r.scope.type}:${r.scope.id}`;
    const state = r.revokedAt ? `revoked ${r.revokedAt}` : r.expiresAt ? `expires ${r.expiresAt}` : 'active';
    console.log(`${r.id}\t${scope}\t${r.name || '-'}\tcreated ${r.createdAt}\t${state}`);
  }
  return 0;
}

/** `token revoke ID`: exit code 1 when there was no active token with that id. */
async function revokeToken(db: LedgerDb, id: string): Promise<number> {
  const revoked = await revokeApiToken(db, id);
  console.log(revoked ? `token ${id} revoked` : `no active token ${id}`);
  return revoked ? 0 : 1;
}
