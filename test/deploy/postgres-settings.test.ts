import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { TEST_DATABASE_SERVER } from '@spend-ledger/testing';
import postgres from 'postgres';
import { parse } from 'yaml';
import { REPO_ROOT } from './support/services.ts';

/** deploy/postgres/ledger.conf as name → value (postgresql.conf syntax: `name = value  # note`). */
function readLedgerConf(): Map<string, string> {
  const settings = new Map<string, string>();
  for (const raw of readFileSync(`${REPO_ROOT}deploy/postgres/ledger.conf`, 'utf8').split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const m = /^([a-z_]+)\s*=\s*'?([^']*?)'?$/.exec(line);
    assert.ok(m, `ledger.conf: cannot read "${raw}"`);
    assert.ok(!settings.has(m[1]!), `ledger.conf sets ${m[1]} twice`);
    settings.set(m[1]!, m[2]!);
  }
  return settings;
}

/** The `-c name=value` pairs of a `postgres` command line. */
function commandSettings(command: string[]): Map<string, string> {
  assert.equal(command[0], 'postgres', 'the image entry point runs the server itself');
  const settings = new Map<string, string>();
  for (let i = 1; i < command.length; i += 2) {
    assert.equal(command[i], '-c', `argument ${i} of the postgres command`);
    const [name, ...value] = (command[i + 1] ?? '').split('=');
    settings.set(name!, value.join('='));
  }
  return settings;
}

/** Postgres' own units, as in pg_settings.unit (memory in kB, time in ms). */
const MEMORY_KB: Record<string, number> = { B: 1 / 1024, kB: 1, MB: 1024, GB: 1024 ** 2, TB: 1024 ** 3 };
const TIME_MS: Record<string, number> = {
  us: 1 / 1000,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** The value in the setting's own unit, the way the server reads `-c name=value`. */
function inSettingUnit(value: string, unit: string | null): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value);
  assert.ok(m, `"${value}" is a number with an optional unit`);
  const [, n, given] = m;
  if (!unit) {
    assert.equal(given, '', `"${value}" takes no unit`);
    return Number(n);
  }
  // pg_settings gives units like "8kB" (blocks) or "s": a multiple of a base unit.
  const [, factor, base] = /^(\d*)(\D+)$/.exec(unit)!;
  const table = base! in MEMORY_KB ? MEMORY_KB : TIME_MS;
  assert.ok(given === '' || given! in table, `"${value}": unit ${given} is not one Postgres takes here`);
  const scale = given ? table[given]! / (table[base!]! * Number(factor || 1)) : 1;
  return Number(n) * scale;
}

const conf = readLedgerConf();
const compose = parse(readFileSync(`${REPO_ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; command?: string[] }>;
};
const sql = postgres(`${TEST_DATABASE_SERVER}/postgres`, { max: 1, onnotice: () => {} });
after(() => sql.end({ timeout: 5 }));

describe('Postgres settings for the ledger (deploy/postgres/ledger.conf)', () => {
  it('are what docker-compose.yml starts its postgres with', () => {
    const postgresService = compose.services.postgres;
    assert.match(postgresService?.image ?? '', /^postgres:15\b/);
    assert.deepEqual(commandSettings(postgresService?.command ?? []), conf);
  });

  it('leave durability alone: the writer commits Kafka offsets right after the Postgres commit', () => {
    // A commit that is reported before its WAL is flushed (synchronous_commit off or local) can be
    // lost by a crash after the writer has committed the window's offsets: those events would
    // never be counted. fsync and full_page_writes off can corrupt the database outright.
    for (const name of ['synchronous_commit', 'fsync', 'full_page_writes']) {
      assert.ok(!conf.has(name), `ledger.conf must not set ${name}`);
    }
    assert.ok(conf.size >= 4, 'the measured settings are there');
  });

  it('name real Postgres 15 parameters, with values the server accepts', async () => {
    const [{ version }] = await sql<
      [{ version: string }]
    >`select current_setting('server_version_num') as version`;
    assert.equal(version.slice(0, 2), '15', 'checked against the major version the deploy files run');
    const rows = await sql<
      Array<{
        name: string;
        vartype: string;
        unit: string | null;
        min_val: string | null;
        max_val: string | null;
        enumvals: string[] | null;
      }>
    >`select name, vartype, unit, min_val, max_val, enumvals from pg_settings where name in ${sql([...conf.keys()])}`;
    const known = new Map(rows.map((r) => [r.name, r]));
    for (const [name, value] of conf) {
      const s = known.get(name);
      assert.ok(s, `${name} is a Postgres 15 setting`);
      if (s.vartype === 'enum') {
        assert.ok(s.enumvals?.includes(value), `${name}=${value}: one of ${s.enumvals?.join(', ')}`);
      } else if (s.vartype === 'bool') {
        assert.match(value, /^(on|off|true|false)$/, `${name}=${value}`);
      } else {
        const n = inSettingUnit(value, s.unit);
        assert.ok(
          n >= Number(s.min_val) && n <= Number(s.max_val),
          `${name}=${value} (${n} × ${s.unit}) within ${s.min_val}..${s.max_val}`,
        );
      }
    }
  });
});
