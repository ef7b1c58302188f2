import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, daysBetween, isTimeZone, startOfLocalDay, todayIn, zoneOffsetMs } from './zoned-time.ts';

describe('dashboard zoned time', () => {
  it('finds local midnight in zones with DST and half-hour offsets', () => {
    assert.equal(startOfLocalDay('2026-11-28', 'UTC').toISOString(), '2026-11-28T00:00:00.000Z');
    assert.equal(startOfLocalDay('2026-07-01', 'Europe/Paris').toISOString(), '2026-06-30T22:00:00.000Z');
    assert.equal(startOfLocalDay('2026-12-01', 'Europe/Paris').toISOString(), '2026-11-30T23:00:00.000Z');
    assert.equal(startOfLocalDay('2026-11-28', 'Asia/Kolkata').toISOString(), '2026-11-27T18:30:00.000Z');
    assert.equal(startOfLocalDay('2026-11-28', 'America/New_York').toISOString(), '2026-11-28T05:00:00.000Z');
    // The day after the spring change starts at 23:00 UTC again (offset +2 → midnight is 22:00 UTC).
    assert.equal(startOfLocalDay('2026-03-30', 'Europe/Paris').toISOString(), '2026-03-29T22:00:00.000Z');
  });

  it('knows offsets, zone names and calendar days', () => {
    assert.equal(zoneOffsetMs(Date.parse('2026-11-28T12:00:00Z'), 'Asia/Kolkata'), 5.5 * 3_600_000);
    assert.equal(isTimeZone('Europe/Paris'), true);
    assert.equal(isTimeZone('Mars/Olympus'), false);
    assert.equal(addDays('2026-02-28', 1), '2026-03-01');
    assert.deepEqual(daysBetween('2026-11-29', '2026-12-01'), ['2026-11-29', '2026-11-30', '2026-12-01']);
    assert.equal(todayIn('Pacific/Kiritimati', Date.parse('2026-11-28T12:00:00Z')), '2026-11-29');
  });
});
