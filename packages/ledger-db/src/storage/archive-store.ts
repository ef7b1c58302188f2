import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Where archived days of per-request rows go: a local directory or an S3-compatible bucket. Keys
 * are relative paths (`spend_logs/day=2026-11-27/...`, see archiveKeys); a store only moves bytes.
 */
export interface ArchiveStore {
  /** For logs and errors: the directory or bucket/prefix, never credentials. */
  readonly location: string;
  /** Stores the local file at `key`. */
  putFile(key: string, file: string): Promise<void>;
  putText(key: string, text: string): Promise<void>;
  /** Copies `key` to the local file; throws when it is missing. */
  getFile(key: string, file: string): Promise<void>;
  /** The text at `key`, or null when there is none. */
  getText(key: string): Promise<string | null>;
}

/** Object keys of one archived day: its Parquet file and its manifest (written last). */
export function archiveKeys(day: string): { data: string; manifest: string; file: string } {
  const file = `spend_logs_${day}.parquet`;
  return { data: `spend_logs/day=${day}/${file}`, manifest: `spend_logs/day=${day}/manifest.json`, file };
}

/** The S3 object key of an archive key under an optional prefix (no leading or doubled slash). */
export function s3ObjectKey(prefix: string, key: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return p ? `${p}/${key}` : key;
}

/** A local directory (or a mounted volume). Files appear under their final name only when whole. */
export class LocalArchiveStore implements ArchiveStore {
  constructor(private readonly dir: string) {}

  get location(): string {
    return this.dir;
  }

  async putFile(key: string, file: string): Promise<void> {
    const target = join(this.dir, key);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file, `${target}.partial`);
    await rename(`${target}.partial`, target);
  }

  async putText(key: string, text: string): Promise<void> {
    const target = join(this.dir, key);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(`${target}.partial`, text);
    await rename(`${target}.partial`, target);
  }

  async getFile(key: string, file: string): Promise<void> {
    await copyFile(join(this.dir, key), file);
  }

  async getText(key: string): Promise<string | null> {
    try {
      return await readFile(join(this.dir, key), 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return null;
      throw error;
    }
  }
}

export interface S3ArchiveOptions {
  bucket: string;
  prefix: string;
  /** An S3-compatible endpoint (MinIO, R2, ...); AWS when absent. */
  endpoint?: string;
  region: string;
}

/**
 * An S3-compatible bucket. Credentials come from the AWS SDK's usual chain (environment, profile,
 * instance role), never from the ledger's own configuration.
 */
export class S3ArchiveStore implements ArchiveStore {
  /**
   * The AWS SDK and its client, made on first use: importing the SDK costs a process about 20 MB
   * (docs/decisions.md, "The writer loads archive and IAM libraries only when it uses them"), and a
   * writer touches its archive at most once an hour.
   */
  private sdk: Promise<{ s3: typeof import('@aws-sdk/client-s3'); client: S3Client }> | undefined;

  constructor(private readonly options: S3ArchiveOptions) {}

  private connect() {
    this.sdk ??= import('@aws-sdk/client-s3').then((s3) => ({
      s3,
      client: new s3.S3Client({
        region: this.options.region,
        ...(this.options.endpoint ? { endpoint: this.options.endpoint, forcePathStyle: true } : {}),
      }),
    }));
    return this.sdk;
  }

  get location(): string {
    return `s3://${this.options.bucket}/${s3ObjectKey(this.options.prefix, '')}`;
  }

  private key(key: string): { Bucket: string; Key: string } {
    return { Bucket: this.options.bucket, Key: s3ObjectKey(this.options.prefix, key) };
  }

  async putFile(key: string, file: string): Promise<void> {
    const { s3, client } = await this.connect();
    await client.send(new s3.PutObjectCommand({ ...this.key(key), Body: await readFile(file) }));
  }

  async putText(key: string, text: string): Promise<void> {
    const { s3, client } = await this.connect();
    await client.send(
      new s3.PutObjectCommand({ ...this.key(key), Body: text, ContentType: 'application/json' }),
    );
  }

  async getFile(key: string, file: string): Promise<void> {
    const { s3, client } = await this.connect();
    const object = await client.send(new s3.GetObjectCommand(this.key(key)));
    await pipeline(object.Body as Readable, createWriteStream(file));
  }

  async getText(key: string): Promise<string | null> {
    const { s3, client } = await this.connect();
    try {
      const object = await client.send(new s3.GetObjectCommand(this.key(key)));
      return (await object.Body?.transformToString('utf8')) ?? null;
    } catch (error) {
      if (error instanceof s3.NoSuchKey) return null;
      throw error;
    }
  }
}

/** Archive settings as the writer and the `ledger` commands read them from the environment. */
export interface ArchiveSettings {
  dir?: string;
  s3?: S3ArchiveOptions;
}

/** The configured store, or null when archiving is off. Both a directory and a bucket is an error. */
export function createArchiveStore(settings: ArchiveSettings): ArchiveStore | null {
  if (settings.dir && settings.s3) throw new Error('set ARCHIVE_DIR or ARCHIVE_S3_BUCKET, not both');
  if (settings.dir) return new LocalArchiveStore(settings.dir);
  if (settings.s3) return new S3ArchiveStore(settings.s3);
  return null;
}

/** Reads ARCHIVE_DIR / ARCHIVE_S3_BUCKET, _PREFIX, _ENDPOINT, _REGION. */
export function archiveSettingsFromEnv(env: NodeJS.ProcessEnv): ArchiveSettings {
  const dir = env.ARCHIVE_DIR?.trim();
  const bucket = env.ARCHIVE_S3_BUCKET?.trim();
  return {
    ...(dir ? { dir } : {}),
    ...(bucket
      ? {
          s3: {
            bucket,
            prefix: env.ARCHIVE_S3_PREFIX ?? 'spend-ledger',
            region: env.ARCHIVE_S3_REGION ?? 'us-east-1',
            ...(env.ARCHIVE_S3_ENDPOINT ? { endpoint: env.ARCHIVE_S3_ENDPOINT } : {}),
          },
        }
      : {}),
  };
}

/** SHA-256 hex of a local file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
