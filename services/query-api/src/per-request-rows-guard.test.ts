import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutsUtcHours } from './per-request-rows-guard.ts';

describe('cutsUtcHours', () => {
  it('is false for UTC and whole-hour zones, daylight saving included', () => {
    assert.equal(cutsUtcHours('America/New_York', '2026-01-01', '2026-12-31'), false);
    assert.equal(cutsUtcHours('Europe/Paris', '2026-03-01', '2026-04-30'), false);
    assert.equal(cutsUtcHours('Asia/Tokyo', '2026-11-01', '2026-11-30'), false);
  });

  it('is true for :30 and :45 zones and for a zone only part of the year off the hour', () => {
    assert.equal(cutsUtcHours('Asia/Kolkata', '2026-11-01', '2026-11-01'), true);
    assert.equal(cutsUtcHours('Asia/Kathmandu', '2026-11-01', '2026-11-30'), true);
    assert.equal(cutsUtcHours('America/St_Johns', '2026-07-01', '2026-07-01'), true);
    // Lord Howe is UTC+10:30 in winter and +11 in summer (Southern hemisphere).
    assert.equal(cutsUtcHours('Australia/Lord_Howe', '2026-01-10', '2026-01-10'), false);
    assert.equal(cutsUtcHours('Australia/Lord_Howe', '2026-07-10', '2026-07-10'), true);
  });
});
