import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { type K8sObject, renderKustomization } from './support/kustomize.ts';
import { PROCESS_ENV_NAMES, REPO_ROOT, serviceRunBy } from './support/services.ts';

/** The schema of every kind we ship; a new kind must be added here to pass. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

interface Container {
  name: string;
  image: string;
  command: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  initContainers?: Container[];
}
interface Workload extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
  };
}

const LAYERS = {
  base: `${REPO_ROOT}deploy/kubernetes/base`,
  production: `${REPO_ROOT}deploy/kubernetes/overlays/production`,
};

/** Placeholder secret values, valid for the config schemas. */
const SECRET_VALUES: Record<string, string> = {
  DATABASE_URL: 'postgres://ledger:secret@postgres:5432/spend_ledger',
  LEDGER_INGEST_TOKENS: 'ingest-token-0123456789abcdef',
  LEDGER_QUERY_TOKENS: 'query-token-0123456789abcdef',
};

describe('Kubernetes manifests', () => {
  for (const [layer, dir] of Object.entries(LAYERS)) {
    describe(layer, () => {
      const objects = renderKustomization(dir);
      const of = <T extends K8sObject>(kind: string) => objects.filter((o) => o.kind === kind) as T[];
      const named = (kind: string, name: string) => of(kind).find((o) => o.metadata.name === name);
      const deployments = of<Workload>('Deployment');
      const configMaps = of<K8sObject & { data: Record<string, string> }>('ConfigMap');

      /** The environment a container starts with: envFrom config maps, then env (secrets as placeholders). */
      const envOf = (c: Container): Record<string, string> => {
        const env: Record<string, string> = {};
        for (const from of c.envFrom ?? []) {
          const map = configMaps.find((m) => m.metadata.name === from.configMapRef?.name);
          assert.ok(map, `${c.name}: config map ${from.configMapRef?.name} is rendered`);
          Object.assign(env, map.data);
        }
        for (const e of c.env ?? []) {
          const secretKey = e.valueFrom?.secretKeyRef?.key;
          env[e.name] = e.value ?? (secretKey ? (SECRET_VALUES[secretKey] ?? 'x'.repeat(32)) : '');
        }
        return env;
      };
      const mainContainer = (d: Workload) => {
        const [c, ...rest] = d.spec.template.spec.containers;
        assert.ok(c && rest.length === 0, `${d.metadata.name}: one container`);
        return c;
      };

      it('validates every rendered object against the Kubernetes and KEDA schemas', () => {
        assert.ok(objects.length >= 12);
        for (const o of objects) {
          const Model = MODELS[`${o.apiVersion}/${o.kind}`];
          assert.ok(Model, `no schema for ${o.apiVersion} ${o.kind}: add its kubernetes-models class`);
          assert.doesNotThrow(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`);
        }
        // The validation itself bites: a mistyped field fails.
        const broken = structuredClone(deployments[0]!) as Workload;
        (broken.spec.template.spec as unknown as { containers: string }).containers = 'gateway';
        assert.throws(() => new Deployment(broken as never).validate());
      });

      it('runs each service compiled, reading only variables its config knows, with valid values', () => {
        assert.deepEqual(deployments.map((d) => serviceRunBy(mainContainer(d).command)?.name).sort(), [
          'gateway',
          'ledger-writer',
          'query-api',
        ]);
        for (const d of deployments) {
          for (const c of [
            ...d.spec.template.spec.containers,
            ...(d.spec.template.spec.initContainers ?? []),
          ]) {
            const service = serviceRunBy(c.command);
            assert.ok(service, `${d.metadata.name}/${c.name} runs a compiled entry point: ${c.command}`);
            assert.equal(c.command[0], 'node');
            for (const name of Object.keys(envOf(c))) {
              assert.ok(
                service.envNames.has(name) || PROCESS_ENV_NAMES.has(name),
                `${d.metadata.name}/${c.name} sets ${name}, which ${service.name} never reads`,
              );
            }
            service.settings(envOf(c));
          }
        }
      });

      it('probes the ops port, which no Service exposes', () => {
        for (const d of deployments) {
          const c = mainContainer(d);
          const settings = serviceRunBy(c.command)!.settings(envOf(c))!;
          const ops = c.ports?.find((p) => p.name === 'ops');
          assert.equal(ops?.containerPort, settings.opsPort, `${d.metadata.name}: ops port`);
          assert.equal(c.readinessProbe?.httpGet?.path, '/readyz');
          assert.equal(c.livenessProbe?.httpGet?.path, '/healthz');
          for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
            assert.equal(probe?.httpGet?.port, 'ops', `${d.metadata.name}: probes target the ops port`);
          }
          const annotations = (d.spec.template.metadata as { annotations?: Record<string, string> })
            .annotations;
          assert.equal(annotations?.['prometheus.io/port'], String(settings.opsPort));
        }
        for (const s of of<K8sObject & { spec: { ports: Array<{ targetPort: string }> } }>('Service')) {
          for (const p of s.spec.ports)
            assert.equal(p.targetPort, 'http', `${s.metadata.name} routes to http only`);
        }
      });

      it('sets resources, a locked-down security context and a grace period longer than each drain', () => {
        for (const d of deployments) {
          const pod = d.spec.template.spec;
          assert.equal(pod.securityContext?.runAsNonRoot, true);
          assert.ok((pod.securityContext?.runAsUser ?? 0) > 0, 'a non-root uid');
          for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
            const where = `${d.metadata.name}/${c.name}`;
            for (const kind of ['requests', 'limits'] as const) {
              assert.ok(c.resources?.[kind]?.cpu && c.resources[kind].memory, `${where}: ${kind}`);
            }
            assert.equal(c.securityContext?.readOnlyRootFilesystem, true, where);
            assert.equal(c.securityContext?.allowPrivilegeEscalation, false, where);
            assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], where);
          }
          const c = mainContainer(d);
          const drainMs = serviceRunBy(c.command)!.settings(envOf(c))!.shutdownTimeoutMs;
          const preStop = c.lifecycle?.preStop?.exec?.command;
          const preStopMs = preStop?.[0] === 'sleep' ? Number(preStop[1]) * 1000 : 0;
          assert.ok(
            (pod.terminationGracePeriodSeconds ?? 30) * 1000 > drainMs + preStopMs,
            `${d.metadata.name}: grace ${pod.terminationGracePeriodSeconds}s <= drain ${drainMs} ms + preStop`,
          );
        }
      });

      it('gives each Deployment a PodDisruptionBudget, and autoscales every one', () => {
        for (const d of deployments) {
          const labels = d.spec.template.metadata?.labels ?? {};
          assert.deepEqual(d.spec.selector.matchLabels, labels);
          const pdb = of<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>(
            'PodDisruptionBudget',
          ).find((p) => Object.entries(p.spec.selector.matchLabels).every(([k, v]) => labels[k] === v));
          assert.ok(pdb, `${d.metadata.name} has a PodDisruptionBudget`);
          assert.equal(d.spec.replicas, undefined, `${d.metadata.name}: the autoscaler owns replicas`);
        }
        type Hpa = K8sObject & {
          spec: {
            scaleTargetRef: { kind: string; name: string };
            metrics: Array<{ resource?: { name: string } }>;
          };
        };
        const hpaTargets = of<Hpa>('HorizontalPodAutoscaler').map((h) => {
          assert.equal(h.spec.scaleTargetRef.kind, 'Deployment');
          assert.ok(
            h.spec.metrics.some((m) => m.resource?.name === 'cpu'),
            `${h.metadata.name} on CPU`,
          );
          return h.spec.scaleTargetRef.name;
        });
        assert.deepEqual(hpaTargets.sort(), ['spend-ledger-gateway', 'spend-ledger-query-api']);
        for (const t of hpaTargets) assert.ok(named('Deployment', t), `${t} exists`);
      });

      it('scales writers with KEDA on the group lag, up to one replica per partition', () => {
        type Scaled = K8sObject & {
          spec: {
            scaleTargetRef: { name: string };
            maxReplicaCount: number;
            triggers: Array<{ type: string; metadata: Record<string, string> }>;
          };
        };
        const [scaled, ...more] = of<Scaled>('ScaledObject');
        assert.ok(scaled && more.length === 0);
        const writer = named('Deployment', scaled.spec.scaleTargetRef.name) as Workload | undefined;
        assert.ok(writer, 'the ScaledObject targets a Deployment');
        const c = mainContainer(writer);
        assert.equal(serviceRunBy(c.command)?.name, 'ledger-writer');
        const env = envOf(c);
        const [trigger] = scaled.spec.triggers;
        assert.equal(trigger?.type, 'kafka');
        assert.equal(trigger.metadata.topic, env.SPEND_TOPIC);
        assert.equal(trigger.metadata.consumerGroup, env.WRITER_GROUP_ID);
        assert.equal(trigger.metadata.bootstrapServers, env.KAFKA_BROKERS);
        assert.equal(trigger.metadata.allowIdleConsumers, 'false');
        assert.equal(scaled.spec.maxReplicaCount, Number(env.SPEND_TOPIC_PARTITIONS));
      });

      it('runs the migrations in a Job, and starts writers and query API only once they are applied', () => {
        type JobObject = K8sObject & { spec: { template: { spec: PodSpec } } };
        const [job, ...more] = of<JobObject>('Job');
        assert.ok(job && more.length === 0);
        const migrate = job.spec.template.spec.containers[0]!;
        assert.equal(serviceRunBy(migrate.command)?.name, 'migrate');
        assert.ok(!migrate.command.includes('--wait'));
        for (const name of ['spend-ledger-ledger-writer', 'spend-ledger-query-api']) {
          const d = named('Deployment', name) as Workload;
          const wait = d.spec.template.spec.initContainers?.find((c) => c.command.includes('--wait'));
          assert.equal(wait && serviceRunBy(wait.command)?.name, 'migrate', `${name} waits for migrations`);
          assert.equal(wait?.image, migrate.image, `${name} waits for the migrations of its own image`);
          assert.equal(mainContainer(d).image, migrate.image);
        }
        if (layer === 'production') {
          // The Job's name carries the release (the image tag): a new release runs a new Job.
          const tag = migrate.image.split(':').at(-1);
          assert.equal(job.metadata.name, `spend-ledger-migrate-${tag}`);
          assert.match(migrate.image, /^registry\.example\.com\/spend-ledger:/);
          assert.ok(objects.every((o) => o.metadata.namespace === 'spend-ledger'));
        }
      });
    });
  }

  it('the production overlay changes what it patches and keeps the rest of the base', () => {
    const base = renderKustomization(LAYERS.base);
    const prod = renderKustomization(LAYERS.production);
    assert.equal(prod.length, base.length);
    const writer = (objects: K8sObject[]) =>
      objects.find(
        (o) => o.kind === 'Deployment' && o.metadata.name === 'spend-ledger-ledger-writer',
      ) as Workload;
    const [baseWriter, prodWriter] = [writer(base), writer(prod)];
    assert.equal(prodWriter.spec.template.spec.containers[0]?.resources?.limits?.memory, '512Mi');
    // Merged by container name: the command, probes and env of the base survive the patch.
    assert.deepEqual(
      prodWriter.spec.template.spec.containers[0]?.command,
      baseWriter.spec.template.spec.containers[0]?.command,
    );
    assert.deepEqual(
      prodWriter.spec.template.spec.containers[0]?.env,
      baseWriter.spec.template.spec.containers[0]?.env,
    );
  });
});
