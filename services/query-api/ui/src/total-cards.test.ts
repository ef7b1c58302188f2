import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figuresOfActivity, totalCards } from './total-cards.ts';

const figures = {
  spend: '1.500000000000',
  prompt_tokens: 100,
  completion_tokens: 20,
  api_requests: 3,
  successful_requests: 2,
  failed_requests: 1,
};

describe('total cards', () => {
  it('shows spend, requests, tokens and failures, and no cache cards when the API has none', () => {
    assert.deepEqual(
      totalCards(figures).map((c) => [c.label, c.value]),
      [
        ['Spend', '1.500000000000'],
        ['Requests', 3],
        ['Tokens', 120],
        ['Failures', 1],
      ],
    );
  });

  it('adds cache read and write tokens when the API returns them, zero included', () => {
    const cards = totalCards({ ...figures, cache_read_input_tokens: 0, cache_creation_input_tokens: 42 });
    assert.deepEqual(
      cards.slice(4).map((c) => [c.testid, c.value]),
      [
        ['total-cache-read', 0],
        ['total-cache-creation', 42],
      ],
    );
  });

  it("reads activity metadata's total_ names, cache tokens only when present", () => {
    const meta = {
      total_spend: '2.000000000000',
      total_prompt_tokens: 5,
      total_completion_tokens: 6,
      total_api_requests: 2,
      total_successful_requests: 2,
      total_failed_requests: 0,
      page: 1,
    };
    assert.equal(figuresOfActivity(meta).cache_read_input_tokens, undefined);
    assert.equal(figuresOfActivity({ ...meta, total_cache_read_input_tokens: 9 }).cache_read_input_tokens, 9);
    assert.equal(figuresOfActivity(meta).spend, '2.000000000000');
  });
});
