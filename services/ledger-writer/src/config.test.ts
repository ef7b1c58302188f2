import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadWriterConfig } from './config.ts';

describe('writer config: storage settings', () => {
  it('keeps everything and bounds nothing by default', () => {
    const config = loadWriterConfig({});
    assert.equal(config.spendLogs.enabled, true);
    assert.equal(config.spendLogs.retentionDays, undefined);
    assert.equal(config.maxEventAgeDays, undefined);
    assert.deepEqual(config.spendLogs.archive, {});
  });

  it('bounds event age below the retention by default, and refuses a bound that reaches it', () => {
    assert.equal(loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: '90' }).maxEventAgeDays, 89);
    assert.equal(
      loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: '90', MAX_EVENT_AGE_DAYS: '7' }).maxEventAgeDays,
      7,
    );
    assert.throws(
      () => loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: '90', MAX_EVENT_AGE_DAYS: '90' }),
      /MAX_EVENT_AGE_DAYS/,
    );
    assert.throws(() => loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: '1' }), /SPEND_LOGS_RETENTION_DAYS/);
    assert.throws(() => loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: 'ten' }), /SPEND_LOGS_RETENTION_DAYS/);
  });

  it('keeps the dedupe record past the rows and past the age bound', () => {
    const ok = loadWriterConfig({ SPEND_LOGS_RETENTION_DAYS: '30', DEDUPE_RETENTION_DAYS: '400' });
    assert.equal(ok.spendLogs.dedupeRetentionDays, 400);
    assert.equal(loadWriterConfig({}).spendLogs.dedupeRetentionDays, undefined);
    assert.throws(() => loadWriterConfig({ DEDUPE_RETENTION_DAYS: '400' }), /DEDUPE_RETENTION_DAYS/);
    assert.throws(
      () =>
        loadWriterConfig({
          SPEND_LOGS_RETENTION_DAYS: '30',
          DEDUPE_RETENTION_DAYS: '20',
          MAX_EVENT_AGE_DAYS: '7',
        }),
      /at least SPEND_LOGS_RETENTION_DAYS/,
    );
    assert.throws(
      () => loadWriterConfig({ MAX_EVENT_AGE_DAYS: '30', DEDUPE_RETENTION_DAYS: '30' }),
      /DEDUPE_RETENTION_DAYS/,
    );
  });

  it('reads DISABLE_SPEND_LOGS strictly and one archive target', () => {
    assert.equal(loadWriterConfig({ DISABLE_SPEND_LOGS: 'true' }).spendLogs.enabled, false);
    assert.equal(loadWriterConfig({ DISABLE_SPEND_LOGS: 'false' }).spendLogs.enabled, true);
    assert.throws(() => loadWriterConfig({ DISABLE_SPEND_LOGS: 'maybe' }), /DISABLE_SPEND_LOGS/);
    assert.deepEqual(loadWriterConfig({ ARCHIVE_DIR: '/var/archive' }).spendLogs.archive, {
      dir: '/var/archive',
    });
    assert.throws(() => loadWriterConfig({ ARCHIVE_DIR: '/a', ARCHIVE_S3_BUCKET: 'b' }), /ARCHIVE_DIR/);
  });
});
