import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentRequestIds } from './recent-request-ids.ts';

describe('RecentRequestIds', () => {
  it('remembers up to its capacity and forgets the oldest first', () => {
    const recent = new RecentRequestIds(3);
    for (const id of ['a', 'b', 'c']) recent.add(id);
    assert.ok(recent.has('a') && recent.has('b') && recent.has('c'));
    recent.add('d');
    assert.equal(recent.has('a'), false);
    assert.ok(recent.has('b') && recent.has('d'));
    assert.equal(recent.size, 3);
  });

  it('does not count an id twice', () => {
    const recent = new RecentRequestIds(2);
    recent.add('a');
    recent.add('a');
    recent.add('b');
    assert.ok(recent.has('a') && recent.has('b'));
  });

  it('remembers nothing with capacity 0', () => {
    const recent = new RecentRequestIds(0);
    recent.add('a');
    assert.equal(recent.has('a'), false);
  });
});
