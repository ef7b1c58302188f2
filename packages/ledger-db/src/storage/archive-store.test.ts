import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveKeys, archiveSettingsFromEnv, createArchiveStore, s3ObjectKey } from './archive-store.ts';

describe('archive key layout', () => {
  it('puts each day in its own folder: data file and manifest', () => {
    assert.deepEqual(archiveKeys('2026-11-27'), {
      data: 'spend_logs/day=2026-11-27/spend_logs_2026-11-27.parquet',
      manifest: 'spend_logs/day=2026-11-27/manifest.json',
      file: 'spend_logs_2026-11-27.parquet',
    });
  });

  it('prefixes S3 keys without leading or doubled slashes', () => {
    const key = archiveKeys('2026-11-27').data;
    assert.equal(s3ObjectKey('ledger', key), `ledger/${key}`);
    assert.equal(s3ObjectKey('/ledger/prod/', key), `ledger/prod/${key}`);
    assert.equal(s3ObjectKey('', key), key);
  });

  it('reads the S3 settings from the environment, prefix and region defaulted', () => {
    const settings = archiveSettingsFromEnv({
      ARCHIVE_S3_BUCKET: 'b',
      ARCHIVE_S3_ENDPOINT: 'http://minio:9000',
    });
    assert.deepEqual(settings, {
      s3: { bucket: 'b', prefix: 'spend-ledger', region: 'us-east-1', endpoint: 'http://minio:9000' },
    });
    // Building the client does not touch the network.
    assert.equal(createArchiveStore(settings)?.location, 's3://b/spend-ledger/');
    assert.equal(createArchiveStore({}), null);
  });
});
