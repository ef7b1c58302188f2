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
  // Digests as content-digest.ts makes them: 32 hex digits.
  const digestOf = (e: { request_id: string; v: string }) => e.v.repeat(32);
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
    assert.deepEqual(again.conflicts, [{ event: { request_id: 'a', v: '2' }, keptDigest: '1'.repeat(32) }]);
  });

  it('keeps each digest in its slot as the ring wraps, and forgets evicted ones', () => {
    const recent = new RecentRequestIds(2);
    recent.splitUnseen([{ request_id: 'a', v: 'a' }], digestOf);
    recent.add('b');
    recent.splitUnseen([{ request_id: 'c', v: 'c' }], digestOf);
    assert.equal(recent.digestOf('a'), undefined, 'evicted');
    assert.equal(recent.digestOf('b'), '', 'added without a digest');
    assert.equal(recent.digestOf('c'), 'c'.repeat(32));
    // The slot 'a' had now holds 'c': a copy of 'c' with other content is a conflict with 'c's digest.
    const copy = recent.splitUnseen([{ request_id: 'c', v: 'd' }], digestOf);
    assert.deepEqual(copy.conflicts, [{ event: { request_id: 'c', v: 'd' }, keptDigest: 'c'.repeat(32) }]);
  });

  it('refuses a digest that is not 32 hex digits', () => {
    assert.throws(() => new RecentRequestIds(2).add('a', 'xyz'), /32 lower-case hex digits/);
  });
});
