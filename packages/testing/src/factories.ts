import { randomUUID } from 'node:crypto';
import type { SpendEventInput } from '@spend-ledger/contract';

/** A valid event with a unique request_id; override any field. */
export function aSpendEvent(overrides: Partial<SpendEventInput> = {}): SpendEventInput {
  return {
    request_id: `req-${randomUUID()}`,
    timestamp: '2026-11-28T12:00:00.000Z',
    api_key: 'key-hash-default',
    user_id: 'user-default',
    team_id: 'team-default',
    org_id: 'org-default',
    end_user_id: null,
    tags: [],
    model: 'gpt-4o-mini',
    provider: 'openai',
    prompt_tokens: 100,
    completion_tokens: 20,
    spend: '0.000123000000',
    status: 'success',
    ...overrides,
  };
}

/** A short random suffix for topic, group and database names, unique per test run. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
}
