import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseViewState, viewUrl } from './url-state.ts';

const NOW = Date.parse('2026-11-28T12:00:00Z');

describe('dashboard URL state', () => {
  it('round-trips an entity page with its filters', () => {
    const url =
      '/ui/entity/team/research%20%2F%20ml?from=2026-11-01&to=2026-11-30&tz=Asia%2FKolkata&stack=key&model=gpt-4o&status=failure';
    const [path, search] = url.split('?');
    const state = parseViewState(path!, `?${search}`, 'UTC', NOW);
    assert.deepEqual(state.route, { page: 'entity', type: 'team', id: 'research / ml' });
    assert.equal(state.tz, 'Asia/Kolkata');
    assert.equal(state.stack, 'key');
    assert.equal(state.status, 'failure');
    assert.equal(viewUrl(state), url);
  });

  it('falls back to the last 30 days in the default zone for anything invalid', () => {
    const state = parseViewState('/ui/', '?from=junk&tz=Nowhere/Else&stack=team&top=bogus', 'UTC', NOW);
    assert.deepEqual(state.route, { page: 'overview' });
    assert.equal(state.to, '2026-11-28');
    assert.equal(state.from, '2026-10-30');
    assert.equal(state.tz, 'UTC');
    assert.equal(state.stack, 'team');
    assert.equal(state.top, 'team');
    assert.doesNotMatch(viewUrl(state), /token/);
  });

  it('refuses a from after to', () => {
    const state = parseViewState('/ui/', '?from=2026-12-05&to=2026-11-01', 'UTC', NOW);
    assert.equal(state.from, '2026-10-03');
  });
});
