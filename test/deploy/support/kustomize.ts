import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * The subset of kustomize our manifests use, so the test can render them without the kustomize
 * binary: `resources` (files and directories), `namespace`, `images` and `patches` (strategic merge
 * patches from a file or inline, and inline JSON 6902 patches with a target). Any other field
 * fails loudly, so a manifest change that this renderer would silently ignore cannot pass.
 */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ path?: string; patch?: string; target?: { kind?: string; name?: string } }>;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);

/** List fields that strategic merge patches merge item by item, and the key that matches items. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
};

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function strategicMerge(base: Json, patch: Json, field = ''): Json {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = strategicMerge(base[key], value, key);
    }
    return out;
  }
  const key = MERGE_KEYS[field];
  if (Array.isArray(base) && Array.isArray(patch) && key) {
    const out = base.map((item) => structuredClone(item));
    for (const item of patch) {
      const at = out.findIndex((b) => isObject(b) && isObject(item) && b[key] === item[key]);
      if (at >= 0) out[at] = strategicMerge(out[at], item, '');
      else out.push(item);
    }
    return out;
  }
  return structuredClone(patch);
}

/** RFC 6902 add / replace / remove, the operations a kustomize JSON patch uses here. */
export function jsonPatch(target: Json, ops: Array<{ op: string; path: string; value?: Json }>): Json {
  const doc = structuredClone(target);
  for (const { op, path: pointer, value } of ops) {
    const keys = pointer
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop() as string;
    let parent = doc as Record<string, Json>;
    for (const k of keys) parent = parent[k] as Record<string, Json>;
    if (parent === undefined) throw new Error(`json patch: no parent for ${pointer}`);
    if (op === 'remove') delete parent[last];
    else if (op === 'replace' || op === 'add') {
      if (op === 'replace' && !(last in parent)) throw new Error(`json patch: replace of missing ${pointer}`);
      if (Array.isArray(parent) && last === '-') parent.push(value);
      else parent[last] = value;
    } else throw new Error(`json patch: unsupported op ${op}`);
  }
  return doc;
}

const matches = (o: K8sObject, target: { kind?: string; name?: string }) =>
  (!target.kind || o.kind === target.kind) && (!target.name || o.metadata.name === target.name);

function podSpecs(o: K8sObject): Array<Record<string, Json>> {
  const spec = o.spec as Record<string, Json> | undefined;
  const template = spec?.template as Record<string, Json> | undefined;
  const podSpec = template?.spec;
  return isObject(podSpec) ? [podSpec] : [];
}

function loadResource(dir: string, entry: string): K8sObject[] {
  const full = path.join(dir, entry);
  if (statSync(full).isDirectory()) return renderKustomization(full);
  return parseAllDocuments(readFileSync(full, 'utf8'))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** Renders a kustomization directory into its objects, as `kustomize build` would for our files. */
export function renderKustomization(dir: string): K8sObject[] {
  const k = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  for (const key of Object.keys(k)) {
    if (!SUPPORTED.has(key))
      throw new Error(`${dir}: kustomization field ${key} is not rendered by the test`);
  }
  let objects = (k.resources ?? []).flatMap((r) => loadResource(dir, r));

  for (const p of k.patches ?? []) {
    if (p.path) {
      for (const patchObj of loadResource(dir, p.path)) {
        const target = p.target ?? { kind: patchObj.kind, name: patchObj.metadata.name };
        const hits = objects.filter((o) => matches(o, target));
        if (hits.length === 0) throw new Error(`patch ${p.path}: nothing matches ${JSON.stringify(target)}`);
        objects = objects.map((o) => (matches(o, target) ? (strategicMerge(o, patchObj) as K8sObject) : o));
      }
    } else if (p.patch && p.target) {
      const body = parse(p.patch) as Json;
      const target = p.target;
      if (!objects.some((o) => matches(o, target)))
        throw new Error(`inline patch: nothing matches ${JSON.stringify(target)}`);
      objects = objects.map((o) => {
        if (!matches(o, target)) return o;
        return (Array.isArray(body) ? jsonPatch(o, body as never) : strategicMerge(o, body)) as K8sObject;
      });
    } else {
      throw new Error(`${dir}: a patch needs a path, or a patch and a target`);
    }
  }

  for (const image of k.images ?? []) {
    for (const podSpec of objects.flatMap(podSpecs)) {
      for (const c of [
        ...((podSpec.containers as Array<{ image: string }>) ?? []),
        ...((podSpec.initContainers as Array<{ image: string }>) ?? []),
      ]) {
        const [name, tag] = c.image.split(/:(?=[^/]*$)/);
        if (name !== image.name) continue;
        c.image = `${image.newName ?? name}:${image.newTag ?? tag ?? 'latest'}`;
      }
    }
  }
  if (k.namespace) {
    for (const o of objects) o.metadata = { ...o.metadata, namespace: k.namespace };
  }
  return objects;
}
