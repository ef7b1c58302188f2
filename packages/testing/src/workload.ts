import {
  formatSpend,
  normalizeApiKey,
  PROXY_ENTITY_ID,
  type SpendEventInput,
  spendToUnits,
  teamMemberId,
} from '@spend-ledger/contract';
import { aSpendEvent } from './factories.ts';

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be reproduced. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface WorkloadOptions {
  /** Distinct request_ids. */
  unique: number;
  /** Extra copies of earlier events (same request_id, same content), as retries produce. */
  duplicates: number;
  /** Namespaces every id, so runs sharing a database never collide. */
  runId: string;
  seed?: number;
}

/**
 * Events spread over keys (each owned by one user, team and org, as in a proxy), end users, 0–3
 * tags, models, providers and four UTC days; spend with up to 12 decimals, every 7th a JSON number;
 * 3% failures; cache tokens on about a third; one team id with `/` and `%` (an escaped team_member
 * id); 10% of events without a user (no team member). `all` is `unique` plus the duplicates, shuffled.
 */
export function generateWorkload(options: WorkloadOptions): {
  unique: SpendEventInput[];
  all: SpendEventInput[];
} {
  const next = seededRandom(options.seed ?? 42);
  const run = options.runId;
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)] as T;
  const id = (prefix: string, n: number) => `${prefix}-${run}-${Math.floor(next() * n)}`;
  const unique = Array.from({ length: options.unique }, (_, i) => {
    const keyNo = Math.floor(next() * 40);
    const cached = next() < 0.35;
    return aSpendEvent({
      request_id: `req-${run}-${i}`,
      timestamp: new Date(
        Date.UTC(2026, 10, 24 + Math.floor(next() * 4), Math.floor(next() * 24)),
      ).toISOString(),
      api_key: `key-${run}-${keyNo}`,
      user_id: next() < 0.1 ? null : `user-${run}-${keyNo % 25}`,
      team_id: keyNo % 8 === 7 ? `team/${run}%7` : `team-${run}-${keyNo % 8}`,
      org_id: `org-${run}-${keyNo % 3}`,
      end_user_id: next() < 0.3 ? null : id('end', 300),
      tags: Array.from({ length: Math.floor(next() * 4) }, () => id('tag', 20)),
      model: pick(['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'llama-3']),
      provider: pick(['openai', 'anthropic', 'bedrock']),
      prompt_tokens: Math.floor(next() * 5_000),
      completion_tokens: Math.floor(next() * 1_000),
      cache_read_input_tokens: cached ? Math.floor(next() * 4_000) : 0,
      cache_creation_input_tokens: cached ? Math.floor(next() * 500) : 0,
      spend:
        i % 7 === 0
          ? Math.floor(next() * 1e6) / 1e6
          : `${Math.floor(next() * 3)}.${String(Math.floor(next() * 1e12)).padStart(12, '0')}`,
      status: next() < 0.03 ? 'failure' : 'success',
    });
  });
  const copies = Array.from(
    { length: options.duplicates },
    () => unique[Math.floor(next() * unique.length)] as SpendEventInput,
  );
  const all = [...unique, ...copies].sort(() => next() - 0.5);
  return { unique, all };
}

export interface ExpectedFigures {
  spend: string;
  prompt_tokens: string;
  completion_tokens: string;
  cache_read_input_tokens: string;
  cache_creation_input_tokens: string;
  api_requests: string;
  successful_requests: string;
  failed_requests: string;
}

/**
 * Expected totals per entity type and id for a set of distinct events, computed here with bigint and
 * independently of the writer's aggregation code; the shape `reconcileLedger` takes as `expected`.
 */
export function expectedTotals(
  events: readonly SpendEventInput[],
): Record<string, Record<string, ExpectedFigures>> {
  const sums = new Map<
    string,
    {
      type: string;
      id: string;
      spend: bigint;
      p: number;
      c: number;
      cr: number;
      cc: number;
      n: number;
      f: number;
    }
  >();
  const add = (type: string, entityId: string | null | undefined, e: SpendEventInput) => {
    if (!entityId) return;
    const k = `${type}\u0000${entityId}`;
    const row = sums.get(k) ?? { type, id: entityId, spend: 0n, p: 0, c: 0, cr: 0, cc: 0, n: 0, f: 0 };
    row.spend += spendToUnits(String(e.spend));
    row.p += e.prompt_tokens ?? 0;
    row.c += e.completion_tokens ?? 0;
    row.cr += e.cache_read_input_tokens ?? 0;
    row.cc += e.cache_creation_input_tokens ?? 0;
    row.n += 1;
    row.f += e.status === 'failure' ? 1 : 0;
    sums.set(k, row);
  };
  for (const e of events) {
    // The ledger keys an api key by its digest (the contract's rule), so the oracle does too.
    add('key', normalizeApiKey(e.api_key), e);
    add('user', e.user_id, e);
    add('end_user', e.end_user_id, e);
    add('team', e.team_id, e);
    if (e.team_id && e.user_id) add('team_member', teamMemberId(e.team_id, e.user_id), e);
    add('org', e.org_id, e);
    for (const tag of new Set(e.tags ?? [])) add('tag', tag, e);
    add('proxy', PROXY_ENTITY_ID, e);
  }
  // Null prototypes: entity ids are arbitrary strings (a tag may be `__proto__`).
  const out: Record<string, Record<string, ExpectedFigures>> = Object.create(null);
  for (const r of sums.values()) {
    out[r.type] ??= Object.create(null);
    out[r.type]![r.id] = {
      spend: formatSpend(r.spend),
      prompt_tokens: String(r.p),
      completion_tokens: String(r.c),
      cache_read_input_tokens: String(r.cr),
      cache_creation_input_tokens: String(r.cc),
      api_requests: String(r.n),
      successful_requests: String(r.n - r.f),
      failed_requests: String(r.f),
    };
  }
  return out;
}
