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

describe('RecentRequestIds.splitUnseen', () => {
  const digestOf = (e: { request_id: string; v: string }) => e.v;
  it('drops a redelivered copy silently and hands back one with other content', () => {
    const recent = new RecentRequestIds(10);
    const first = recent.splitUnseen([{ request_id: 'a', v: '1' }], digestOf);
    assert.equal(first.unseen.length, 1);
    const again = recent.splitUnseen(
      [
        { request_id: 'a', v: '1' },
        { request_id: 'a', v: '2' },
        { request_id: 'b', v: '3' },
      ],
      digestOf,
    );
    assert.deepEqual(
      again.unseen.map((e) => e.request_id),
      ['b'],
    );
    assert.deepEqual(again.conflicts, [{ event: { request_id: 'a', v: '2' }, keptDigest: '1' }]);
  });
});
