import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeApiKey, SpendEventSchema } from '@spend-ledger/contract';
import { aggregateSpend } from './aggregate.ts';

const event = (o: Record<string, unknown>) =>
  SpendEventSchema.parse({
    request_id: String(Math.random()),
    timestamp: '2026-11-28T10:00:00Z',
    api_key: 'k',
    model: 'm',
    spend: '0.1',
    ...o,
  });

// The ledger keys api keys by digest; K is the digest of the events' key "k".
const K = normalizeApiKey('k');

describe('aggregateSpend', () => {
  it('books an event against its key, user, end user, team, team member, org, each tag and the proxy', () => {
    const { totals } = aggregateSpend([
      event({ user_id: 'u', end_user_id: 'e', team_id: 't', org_id: 'o', tags: ['a', 'b'] }),
    ]);
    assert.deepEqual(
      totals.map((t) => `${t.entityType}:${t.entityId}`),
      [
        'end_user:e',
        `key:${K}`,
        'org:o',
        'proxy:litellm-proxy-budget',
        'tag:a',
        'tag:b',
        'team:t',
        'team_member:t/u',
        'user:u',
      ],
    );
  });

  it('books a team member only with both team and user, escaping "/" and "%" in its id', () => {
    const { totals } = aggregateSpend([
      event({ team_id: 'a/b', user_id: '50%' }),
      event({ team_id: 't' }),
      event({ user_id: 'u' }),
    ]);
    assert.deepEqual(
      totals.filter((t) => t.entityType === 'team_member').map((t) => [t.entityId, t.apiRequests]),
      [['a%2Fb/50%25', 1]],
    );
    assert.equal(totals.find((t) => t.entityType === 'proxy')?.apiRequests, 3);
  });

  it('books an event without a virtual key (api_key "") against every entity but the key', () => {
    const keyless = { ...event({ team_id: 't', user_id: 'u' }), api_key: '' };
    const { totals, facts } = aggregateSpend([keyless]);
    assert.deepEqual(
      totals.map((t) => t.entityType),
      ['proxy', 'team', 'team_member', 'user'],
    );
    assert.deepEqual(
      facts.map((f) => [f.apiKey, f.userId, f.teamId, f.orgId]),
      [['', 'u', 't', '']],
    );
  });

  it('makes one fact row per key, hour, model, provider, user, team and org; hourly rows only for tags and end users', () => {
    const { facts, daily } = aggregateSpend([
      event({ user_id: 'u', end_user_id: 'e', team_id: 't', org_id: 'o', tags: ['a', 'b'], spend: '0.25' }),
      event({ user_id: 'u', end_user_id: 'e', team_id: 't', org_id: 'o', tags: ['a'], spend: '0.5' }),
      // The same key moved to another team: a fact row of its own.
      event({ user_id: 'u', team_id: 't2', org_id: 'o', spend: '1' }),
    ]);
    assert.deepEqual(
      facts.map((f) => [f.apiKey, f.userId, f.teamId, f.orgId, f.spend.toString(), f.apiRequests]),
      [
        [K, 'u', 't', 'o', '0.750000000000', 2],
        [K, 'u', 't2', 'o', '1.000000000000', 1],
      ],
    );
    assert.deepEqual(
      daily.map((d) => [d.entityType, d.entityId, d.apiKey, d.spend.toString()]),
      [
        ['end_user', 'e', K, '0.750000000000'],
        ['tag', 'a', K, '0.750000000000'],
        ['tag', 'b', K, '0.250000000000'],
      ],
    );
  });

  it('sums cache tokens like the other metrics', () => {
    const { totals } = aggregateSpend([
      event({ cache_read_input_tokens: 7, cache_creation_input_tokens: 2 }),
      event({ cache_read_input_tokens: 5 }),
    ]);
    const key = totals.find((t) => t.entityType === 'key');
    assert.deepEqual([key?.cacheReadInputTokens, key?.cacheCreationInputTokens], [12, 2]);
  });

  it('sums exactly and splits daily rows by day, model and provider, absent provider as ""', () => {
    const { facts, totals } = aggregateSpend([
      event({ spend: '0.1', prompt_tokens: 1 }),
      event({ spend: '0.2', prompt_tokens: 2, status: 'failure' }),
      event({ spend: '0.3', timestamp: '2026-11-29T00:00:00Z' }),
      event({ spend: '0.4', provider: 'openai' }),
    ]);
    assert.deepEqual(
      facts.map((d) => [d.day, d.provider, d.spend.toString(), d.apiRequests, d.failedRequests]),
      [
        ['2026-11-28', '', '0.300000000000', 2, 1],
        ['2026-11-28', 'openai', '0.400000000000', 1, 0],
        ['2026-11-29', '', '0.300000000000', 1, 0],
      ],
    );
    assert.equal(totals[0]?.spend.toString(), '1.000000000000');
    assert.equal(totals[0]?.promptTokens, 3);
  });

  it('returns rows sorted by conflict key (the lock order), whatever the input order', () => {
    const events = ['z', 'a', 'm', 'b'].map((k) => event({ api_key: k }));
    const keys = aggregateSpend(events).facts.map((d) => d.apiKey);
    assert.deepEqual(keys, ['z', 'a', 'm', 'b'].map(normalizeApiKey).sort());
    const tagged = events.map((e) => ({ ...e, tags: ['x'] }));
    for (const rows of ['facts', 'daily', 'rollup', 'totals'] as const) {
      assert.deepEqual(aggregateSpend([...tagged].reverse())[rows], aggregateSpend(tagged)[rows]);
    }
  });
});

describe('aggregateSpend grain', () => {
  it('splits hourly rows by UTC hour and sorts them by (day, hour)', () => {
    const { facts } = aggregateSpend([
      event({ timestamp: '2026-11-28T23:59:59.999Z' }),
      event({ timestamp: '2026-11-28T09:00:00+05:30' }),
      event({ timestamp: '2026-11-28T03:59:00Z' }),
      event({ timestamp: '2026-11-29T00:00:00Z' }),
    ]);
    assert.deepEqual(
      facts.map((d) => [d.day, d.hour, d.apiRequests]),
      [
        ['2026-11-28', 3, 2],
        ['2026-11-28', 23, 1],
        ['2026-11-29', 0, 1],
      ],
    );
  });

  it('rolls up per entity, model and provider and UTC day, sorted by (dimension, value, day)', () => {
    const { rollup } = aggregateSpend([
      event({ team_id: 't', tags: ['x'], provider: 'openai', spend: '0.25' }),
      event({ team_id: 't', model: 'n', spend: '0.5', timestamp: '2026-11-29T01:00:00Z' }),
      event({ team_id: 't', spend: '1', status: 'failure' }),
    ]);
    assert.deepEqual(
      rollup.map((r) => [r.dimension, r.value, r.day, r.spend.toString(), r.apiRequests, r.failedRequests]),
      [
        ['key', K, '2026-11-28', '1.250000000000', 2, 1],
        ['key', K, '2026-11-29', '0.500000000000', 1, 0],
        ['model', 'm', '2026-11-28', '1.250000000000', 2, 1],
        ['model', 'n', '2026-11-29', '0.500000000000', 1, 0],
        ['provider', '', '2026-11-28', '1.000000000000', 1, 1],
        ['provider', '', '2026-11-29', '0.500000000000', 1, 0],
        ['provider', 'openai', '2026-11-28', '0.250000000000', 1, 0],
        ['proxy', 'litellm-proxy-budget', '2026-11-28', '1.250000000000', 2, 1],
        ['proxy', 'litellm-proxy-budget', '2026-11-29', '0.500000000000', 1, 0],
        ['tag', 'x', '2026-11-28', '0.250000000000', 1, 0],
        ['team', 't', '2026-11-28', '1.250000000000', 2, 1],
        ['team', 't', '2026-11-29', '0.500000000000', 1, 0],
      ],
    );
  });
});
