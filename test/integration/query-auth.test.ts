import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { normalizeApiKey } from '@spend-ledger/contract';
import { aSpendEvent } from '@spend-ledger/testing';
import { sql } from 'drizzle-orm';
import { type QueryHarness, startQueryHarness } from './support/query-app.ts';

type ErrorBody = { error: { code: string; message: string } };
type Figures = { spend: string; api_requests: number };

const CLI = fileURLToPath(new URL('../../packages/ledger-db/src/commands/cli.ts', import.meta.url));
const run = promisify(execFile);

describe('query API tokens and scopes', () => {
  let h: QueryHarness;
  let team: string;
  let org: string;
  let key: string;
  before(async () => {
    h = await startQueryHarness();
    await h.seed([
      // Key shared-key is used by two teams: a team-a token sees only its part of it.
      aSpendEvent({
        request_id: 'a-1',
        team_id: 'team-a',
        org_id: 'org-1',
        api_key: 'shared-key',
        spend: '1',
      }),
      aSpendEvent({ request_id: 'a-2', team_id: 'team-a', org_id: 'org-1', api_key: 'key-a', spend: '2' }),
      aSpendEvent({
        request_id: 'b-1',
        team_id: 'team-b',
        org_id: 'org-1',
        api_key: 'shared-key',
        spend: '4',
      }),
      aSpendEvent({ request_id: 'c-1', team_id: 'team-c', org_id: 'org-2', api_key: 'key-c', spend: '8' }),
    ]);
    team = await h.token({ type: 'team', id: 'team-a' });
    org = await h.token({ type: 'org', id: 'org-1' });
    key = await h.token({ type: 'key', id: 'key-c' });
  });
  after(async () => {
    await h?.database.drop();
  });

  it('refuses requests without a token or with an unknown one (401)', async () => {
    for (const token of [null, 'not-a-token', 'slq_forged0000000000000000000000000000000000']) {
      const r = await h.get<ErrorBody>('/v1/spend/team/team-a', token);
      assert.equal(r.status, 401);
      assert.equal(r.body.error.code, 'UNAUTHORIZED');
    }
  });

  it('lets an admin token (LEDGER_QUERY_TOKENS) read everything', async () => {
    assert.equal((await h.get<Figures>('/v1/spend/team/team-c')).body.spend, '8.000000000000');
    assert.equal((await h.get<Figures>('/v1/spend/key/shared-key')).body.spend, '5.000000000000');
  });

  it('lets a team token read its team and the keys inside it, and nothing else (403)', async () => {
    assert.equal((await h.get<Figures>('/v1/spend/team/team-a', team)).body.spend, '3.000000000000');
    const inside = await h.get<Figures>('/v1/spend/key/shared-key', team);
    assert.equal(inside.status, 200);
    assert.equal(inside.body.spend, '1.000000000000', 'only the part of the key spent inside team-a');
    const activity = await h.get<{ metadata: { total_spend: string } }>(
      '/v1/spend/key/shared-key/activity?from=2026-11-01&to=2026-11-30',
      team,
    );
    assert.equal(activity.body.metadata.total_spend, '1.000000000000');
    for (const path of [
      '/v1/spend/team/team-b',
      '/v1/spend/org/org-1',
      '/v1/spend/user/user-default',
      '/v1/spend/tag/x/activity?from=2026-11-01&to=2026-11-30',
      '/v1/spend/team/team-b/daily?from=2026-11-01&to=2026-11-30',
    ]) {
      const r = await h.get<ErrorBody>(path, team);
      assert.equal(r.status, 403, path);
      assert.equal(r.body.error.code, 'FORBIDDEN');
    }
  });

  it("confines a scoped token's logs to its scope", async () => {
    const mine = await h.get<{ data: Array<{ request_id: string }> }>('/v1/logs', team);
    assert.deepEqual(mine.body.data.map((l) => l.request_id).sort(), ['a-1', 'a-2']);
    const viaKey = await h.get<{ data: Array<{ request_id: string }> }>('/v1/logs?api_key=shared-key', team);
    assert.deepEqual(
      viaKey.body.data.map((l) => l.request_id),
      ['a-1'],
    );
    assert.equal((await h.get('/v1/logs?team_id=team-b', team)).status, 403);
    assert.equal((await h.get('/v1/logs/a-1', team)).status, 200);
    assert.equal((await h.get('/v1/logs/b-1', team)).status, 404, 'no hint that b-1 exists');
    const orgLogs = await h.get<{ data: Array<{ request_id: string }> }>('/v1/logs?team_id=team-b', org);
    assert.deepEqual(
      orgLogs.body.data.map((l) => l.request_id),
      ['b-1'],
    );
  });

  it("confines a scoped token's report to its entity, grouped by key, model or provider", async () => {
    const r = await h.get<{ results: Array<{ value: string; spend: string }>; entity_id: string }>(
      '/v1/report?group_by=key&from=2026-11-01&to=2026-11-30',
      team,
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.entity_id, 'team-a');
    assert.deepEqual(
      r.body.results.map((x) => [x.value, x.spend]),
      [
        [normalizeApiKey('key-a'), '2.000000000000'],
        [normalizeApiKey('shared-key'), '1.000000000000'],
      ],
    );
    assert.equal((await h.get('/v1/report?group_by=team&from=2026-11-01&to=2026-11-30', team)).status, 403);
    assert.equal(
      (
        await h.get(
          '/v1/report?group_by=key&entity_type=team&entity_id=team-b&from=2026-11-01&to=2026-11-30',
          team,
        )
      ).status,
      403,
    );
  });

  it('scopes org and key tokens the same way', async () => {
    assert.equal((await h.get<Figures>('/v1/spend/org/org-1', org)).body.spend, '7.000000000000');
    assert.equal((await h.get('/v1/spend/team/team-a', org)).status, 403);
    assert.equal((await h.get('/v1/spend/org/org-2', org)).status, 403);
    assert.equal((await h.get<Figures>('/v1/spend/key/key-c', key)).body.spend, '8.000000000000');
    assert.equal((await h.get('/v1/spend/key/key-a', key)).status, 403);
    assert.equal((await h.get('/v1/spend/team/team-c', key)).status, 403);
    const logs = await h.get<{ data: Array<{ request_id: string }> }>('/v1/logs', key);
    assert.deepEqual(
      logs.body.data.map((l) => l.request_id),
      ['c-1'],
    );
  });

  it('stores only the SHA-256 of a token, and refuses revoked and expired tokens', async () => {
    const rows = await h.database.db.execute<{ token_hash: string; all: string }>(
      sql`select token_hash, row_to_json(t)::text as all from api_tokens t`,
    );
    assert.ok(rows.some((r) => r.token_hash === createHash('sha256').update(team).digest('hex')));
    assert.ok(rows.every((r) => !r.all.includes(team) && !r.all.includes(org.slice(4))));
    const expired = await h.token({ type: 'team', id: 'team-a' }, { expiresAt: '2020-01-01T00:00:00Z' });
    assert.equal((await h.get('/v1/spend/team/team-a', expired)).status, 401);
  });

  it('issues, lists and revokes tokens with the ledger CLI', async () => {
    const env = { ...process.env, DATABASE_URL: h.database.url };
    const created = await run(
      process.execPath,
      ['--import', 'tsx', CLI, 'token', 'create', '--team', 'team-b', '--name', 'finance', '--json'],
      { env },
    );
    const issued = JSON.parse(created.stdout) as { token: string; id: string };
    assert.match(issued.token, /^slq_/);
    assert.equal((await h.get<Figures>('/v1/spend/team/team-b', issued.token)).body.spend, '4.000000000000');
    const listed = await run(process.execPath, ['--import', 'tsx', CLI, 'token', 'list'], { env });
    assert.match(listed.stdout, new RegExp(`${issued.id}\\tteam:team-b\\tfinance`));
    assert.ok(!listed.stdout.includes(issued.token));
    await run(process.execPath, ['--import', 'tsx', CLI, 'token', 'revoke', issued.id], { env });
    assert.equal((await h.get('/v1/spend/team/team-b', issued.token)).status, 401);
  });
});
