import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { durationMs, PROCESS_ENV_NAMES, REPO_ROOT, serviceRunBy } from './support/services.ts';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  restart?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  stop_grace_period?: string;
}

/**
 * Where each third-party image keeps its data (the image's VOLUME): apache/kafka declares
 * /var/lib/kafka/data but its default server.properties writes to /tmp/kraft-combined-logs, so
 * KAFKA_LOG_DIRS must point into the volume; postgres keeps PGDATA at /var/lib/postgresql/data.
 */
const IMAGE_DATA_PATHS: Record<string, string> = {
  'apache/kafka': '/var/lib/kafka/data',
  postgres: '/var/lib/postgresql/data',
};

const compose = parse(readFileSync(`${REPO_ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const stringEnv = (s: ComposeService) =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
const apps = Object.entries(services).filter(([, s]) => s.build);
const hostPort = (mapping: string) => mapping.split(':').slice(0, -1).join(':');
const containerPort = (mapping: string) => Number(mapping.split(':').at(-1));

describe('docker-compose.yml', () => {
  it('runs every service and the migration from the image, compiled', () => {
    assert.deepEqual(apps.map(([, s]) => serviceRunBy(s.command ?? [])?.name).sort(), [
      'gateway',
      'ledger-writer',
      'migrate',
      'query-api',
    ]);
    const dockerfile = readFileSync(`${REPO_ROOT}deploy/docker/Dockerfile`, 'utf8');
    for (const [name, s] of apps) {
      assert.equal(s.build?.dockerfile, 'deploy/docker/Dockerfile', name);
      assert.equal(s.command?.[0], 'node', `${name} runs node directly`);
      assert.ok(!s.command?.some((a) => a.includes('tsx') || a.endsWith('.ts')), `${name}: no tsx`);
      const entry = serviceRunBy(s.command ?? [])!.entry;
      // npm test builds before the tests run: the command names a file the build really makes...
      assert.ok(existsSync(`${REPO_ROOT}${entry}`), `${entry} is built`);
      // ...and the image's runtime stage copies its dist folder.
      const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
      assert.ok(runtime.includes(entry.replace(/\/[^/]+$/, '')), `the image holds ${entry}`);
    }
  });

  it('sets only environment variables that the code reads', () => {
    for (const [name, s] of apps) {
      const service = serviceRunBy(s.command ?? [])!;
      for (const key of Object.keys(s.environment ?? {})) {
        assert.ok(
          service.envNames.has(key) || PROCESS_ENV_NAMES.has(key),
          `${name} sets ${key}, which ${service.name} never reads`,
        );
      }
      // And the values parse: a bad port or URL would stop the container at start-up.
      service.settings(stringEnv(s));
    }
  });

  it('publishes the public APIs only; ops endpoints stay on the compose network', () => {
    const published = new Map<string, number[]>();
    for (const [name, s] of apps) {
      const service = serviceRunBy(s.command ?? [])!;
      const settings = service.settings(stringEnv(s));
      const ports = (s.ports ?? []).map(containerPort);
      published.set(service.name, ports);
      if (!settings) continue;
      assert.ok(!ports.includes(settings.opsPort), `${name} publishes its ops port ${settings.opsPort}`);
      for (const p of ports) assert.equal(p, settings.port, `${name} publishes ${p}, not its API port`);
      // The health check asks the ops port, where /readyz is.
      const check = (s.healthcheck?.test ?? []).join(' ');
      assert.match(check, new RegExp(`:${settings.opsPort}/readyz`), `${name} health check`);
    }
    assert.deepEqual(published.get('gateway'), [8080]);
    assert.deepEqual(published.get('query-api'), [8081]);
    assert.deepEqual(published.get('ledger-writer'), []);
    for (const [name, s] of Object.entries(services)) {
      for (const mapping of s.ports ?? []) assert.ok(hostPort(mapping) !== '', `${name} maps ${mapping}`);
    }
  });

  it('keeps Kafka and Postgres data on named volumes at the images’ data paths', () => {
    for (const [name, s] of Object.entries(services).filter(([, s]) => s.image && !s.build)) {
      const image = (s.image as string).split(':')[0] as string;
      const dataPath = IMAGE_DATA_PATHS[image];
      assert.ok(dataPath, `${name}: data path of ${image} is known`);
      const mounts = (s.volumes ?? []).map((v) => v.split(':'));
      const mount = mounts.find(([, target]) => target === dataPath);
      assert.ok(mount, `${name} mounts a volume at ${dataPath}`);
      assert.ok(mount[0]! in compose.volumes, `${name}: ${mount[0]} is a named volume`);
    }
    assert.equal(services.kafka?.environment?.KAFKA_LOG_DIRS, IMAGE_DATA_PATHS['apache/kafka']);
    assert.match(String(services.kafka?.environment?.CLUSTER_ID), /^[A-Za-z0-9_-]{22}$/);
  });

  it('restarts, health-checks and orders the services; two writers; drains are not cut short', () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === 'migrate') {
        assert.equal(s.restart, 'no', 'the migration is a one-shot job');
        continue;
      }
      assert.equal(s.restart, 'unless-stopped', `${name} restart policy`);
      assert.ok(s.healthcheck?.test?.length, `${name} has a health check`);
    }
    assert.equal(services['ledger-writer']?.deploy?.replicas, 2);
    assert.deepEqual(services.migrate?.depends_on, { postgres: { condition: 'service_healthy' } });
    for (const name of ['ledger-writer', 'query-api']) {
      assert.equal(
        services[name]?.depends_on?.migrate?.condition,
        'service_completed_successfully',
        `${name} starts after the migrations`,
      );
    }
    for (const name of ['gateway', 'ledger-writer']) {
      assert.equal(
        services[name]?.depends_on?.kafka?.condition,
        'service_healthy',
        `${name} waits for Kafka`,
      );
    }
    for (const [name, s] of apps) {
      const settings = serviceRunBy(s.command ?? [])!.settings(stringEnv(s));
      if (!settings) continue;
      assert.ok(
        durationMs(s.stop_grace_period ?? '10s') > settings.shutdownTimeoutMs,
        `${name}: stop_grace_period must exceed SHUTDOWN_TIMEOUT_MS (${settings.shutdownTimeoutMs} ms)`,
      );
    }
  });

  it('builds an image with production dependencies only, no test package, as a non-root user', () => {
    const dockerfile = readFileSync(`${REPO_ROOT}deploy/docker/Dockerfile`, 'utf8');
    const stages = dockerfile.split(/\n(?=FROM )/);
    const runtime = stages.at(-1) as string;
    assert.ok(stages.length >= 3, 'multi-stage');
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(runtime, /COPY --from=prod-deps \/app\/node_modules/);
    assert.match(runtime, /^USER [1-9]\d*(:\d+)?$/m, 'a numeric non-root user');
    assert.ok(!/packages\/testing|tsx|src\//.test(runtime), 'the runtime stage holds no sources or tests');
    assert.match(
      dockerfile,
      /rm -rf node_modules\/@spend-ledger/,
      'workspace links (the test package) removed',
    );
    assert.match(runtime, /COPY drizzle drizzle/, 'migrations for the migrate entry point');
  });
});
