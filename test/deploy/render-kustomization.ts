import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A small kustomize for the tests on machines without kubectl (`kustomize.ts` prefers
 * `kubectl kustomize`). It renders the subset our overlays use and refuses anything else, so a new
 * feature in a kustomization cannot be silently ignored:
 * - `resources` (files, or directories with a kustomization.yaml), `namespace`
 * - `patches` with a `path` to a strategic merge patch, optionally with a `target` (kind, name);
 *   a patch with `$patch: delete` removes the objects it matches
 * - `images` (newName, newTag, digest)
 * - `secretGenerator` with `literals`, `configMapGenerator` with `files` (and `options.labels`),
 *   both only with `generatorOptions.disableNameSuffixHash: true`
 */

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name: string; namespace?: string };
};

const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'patches',
  'images',
  'secretGenerator',
  'configMapGenerator',
  'generatorOptions',
]);

/** Lists merged by a key instead of replaced, as kubectl's strategic merge does for these fields. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'name',
  imagePullSecrets: 'name',
};

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
]);

interface Kustomization {
  namespace?: string;
  resources?: string[];
  patches?: { path?: string; target?: Record<string, unknown> }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  secretGenerator?: { name: string; literals?: string[]; type?: string }[];
  configMapGenerator?: {
    name: string;
    files?: string[];
    options?: { labels?: Record<string, string> };
  }[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renders the kustomization in `dir` into the list of objects `kubectl apply -k` would send. */
export function renderKustomization(dir: string): KubeObject[] {
  const kustomization = readKustomization(dir);
  const objects: KubeObject[] = [];
  for (const entry of kustomization.resources ?? []) {
    const target = path.resolve(dir, entry);
    objects.push(
      ...(statSync(target).isDirectory() ? renderKustomization(target) : readObjects(target)),
    );
  }
  for (const generator of kustomization.secretGenerator ?? []) {
    objects.push(generateSecret(generator, kustomization.generatorOptions));
  }
  for (const generator of kustomization.configMapGenerator ?? []) {
    objects.push(generateConfigMap(dir, generator, kustomization.generatorOptions));
  }
  let rendered = objects;
  for (const patch of kustomization.patches ?? []) rendered = applyPatch(rendered, dir, patch);
  for (const image of kustomization.images ?? []) setImage(rendered, image);
  if (kustomization.namespace) {
    for (const object of rendered) {
      if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    }
  }
  assertUniqueIds(rendered);
  return rendered;
}

/** Every object of a multi-document YAML file. */
export function readObjects(file: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    objects.push(asKubeObject(value, file));
  }
  return objects;
}

function asKubeObject(value: unknown, source: string): KubeObject {
  if (
    !isObject(value) ||
    typeof value.apiVersion !== 'string' ||
    typeof value.kind !== 'string' ||
    !isObject(value.metadata) ||
    typeof value.metadata.name !== 'string'
  ) {
    throw new Error(`${source}: every object needs apiVersion, kind and metadata.name`);
  }
  return value as KubeObject;
}

function readKustomization(dir: string): Kustomization {
  const file = path.join(dir, 'kustomization.yaml');
  const [document, ...rest] = parseAllDocuments(readFileSync(file, 'utf8'));
  if (!document || rest.length > 0 || document.errors.length > 0) {
    throw new Error(`${file}: expected one valid YAML document`);
  }
  const value: unknown = document.toJS();
  if (!isObject(value)) throw new Error(`${file}: not a mapping`);
  for (const key of Object.keys(value)) {
    if (!SUPPORTED_FIELDS.has(key)) throw new Error(`${file}: "${key}" is not supported here`);
  }
  if (value.kind !== 'Kustomization') throw new Error(`${file}: kind must be Kustomization`);
  return value;
}

function generateSecret(
  generator: NonNullable<Kustomization['secretGenerator']>[number],
  options: Kustomization['generatorOptions'],
): KubeObject {
  if (!options?.disableNameSuffixHash) {
    throw new Error(
      'secretGenerator: only generatorOptions.disableNameSuffixHash: true is supported',
    );
  }
  const data: Record<string, string> = {};
  for (const literal of generator.literals ?? []) {
    const at = literal.indexOf('=');
    if (at <= 0) throw new Error(`secretGenerator ${generator.name}: bad literal`);
    data[literal.slice(0, at)] = Buffer.from(literal.slice(at + 1)).toString('base64');
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: generator.name },
    type: generator.type ?? 'Opaque',
    data,
  };
}

function generateConfigMap(
  dir: string,
  generator: NonNullable<Kustomization['configMapGenerator']>[number],
  options: Kustomization['generatorOptions'],
): KubeObject {
  if (!options?.disableNameSuffixHash) {
    throw new Error(
      'configMapGenerator: only generatorOptions.disableNameSuffixHash: true is supported',
    );
  }
  for (const key of Object.keys(generator)) {
    if (!['name', 'files', 'options'].includes(key))
      throw new Error(`configMapGenerator ${generator.name}: "${key}" is not supported here`);
  }
  const data: Record<string, string> = {};
  for (const file of generator.files ?? []) {
    // `key=path`, or the file's own name as the key.
    const [key, source] = file.includes('=') ? file.split('=', 2) : [path.basename(file), file];
    data[key] = readFileSync(path.resolve(dir, source), 'utf8');
  }
  const labels = generator.options?.labels;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: generator.name, ...(labels ? { labels } : {}) },
    data,
  };
}

function applyPatch(
  objects: KubeObject[],
  dir: string,
  patch: NonNullable<Kustomization['patches']>[number],
): KubeObject[] {
  if (!patch.path || Object.keys(patch).some((key) => key !== 'path' && key !== 'target')) {
    throw new Error(`${dir}: only patches with a path (and a target) are supported`);
  }
  const file = path.resolve(dir, patch.path);
  const patches = readObjects(file);
  if (patches.length !== 1) throw new Error(`${file}: one patch per file`);
  const [patchObject] = patches;
  const target = patch.target ?? { kind: patchObject.kind, name: patchObject.metadata.name };
  for (const key of Object.keys(target)) {
    if (key !== 'kind' && key !== 'name')
      throw new Error(`${file}: target.${key} is not supported`);
  }
  let matched = 0;
  const result = objects.map((object) => {
    if (
      object.kind !== target.kind ||
      (target.name !== undefined && object.metadata.name !== target.name)
    ) {
      return object;
    }
    matched += 1;
    // `$patch: delete` removes the object, as kustomize does.
    if ((patchObject as Record<string, unknown>).$patch === 'delete') return undefined;
    // Identity fields say what to patch; they are not part of the change.
    const change = structuredClone(patchObject) as Record<string, unknown>;
    delete change.apiVersion;
    delete change.kind;
    delete (change.metadata as Record<string, unknown>).name;
    return strategicMerge(object, change) as KubeObject;
  });
  if (matched === 0) throw new Error(`${file}: the patch matches no object`);
  return result.filter((object): object is KubeObject => object !== undefined);
}

/** Maps merge, `null` deletes, lists of MERGE_KEYS fields merge by key, other lists are replaced. */
export function strategicMerge(target: unknown, patch: unknown, field?: string): unknown {
  if (isObject(patch)) {
    if ('$patch' in patch) throw new Error('$patch directives are not supported');
    const merged: Record<string, unknown> = isObject(target) ? { ...target } : {};
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete merged[key];
      else merged[key] = strategicMerge(merged[key], value, key);
    }
    return merged;
  }
  const key = field === undefined ? undefined : MERGE_KEYS[field];
  if (Array.isArray(patch) && Array.isArray(target) && key) {
    const merged: unknown[] = [...(target as unknown[])];
    for (const item of patch) {
      const at = merged.findIndex(
        (existing) => isObject(existing) && isObject(item) && existing[key] === item[key],
      );
      if (at === -1) merged.push(structuredClone(item));
      else merged[at] = strategicMerge(merged[at], item);
    }
    return merged;
  }
  return structuredClone(patch);
}

function setImage(
  objects: KubeObject[],
  image: NonNullable<Kustomization['images']>[number],
): void {
  let matched = 0;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(child)) {
        for (const container of child) {
          if (!isObject(container) || typeof container.image !== 'string') continue;
          const reference = parseImage(container.image);
          if (reference.name !== image.name) continue;
          matched += 1;
          const name = image.newName ?? reference.name;
          const tag = image.newTag ?? reference.tag;
          const digest = image.digest ?? reference.digest;
          container.image = `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
        }
      } else visit(child);
    }
  };
  objects.forEach(visit);
  if (matched === 0) throw new Error(`images: ${image.name} matches no container`);
}

/** `registry:5000/team/app:1.2@sha256:...` → name, tag, digest. */
export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withTag, digest] = image.split('@') as [string, string | undefined];
  const slash = withTag.lastIndexOf('/');
  const colon = withTag.lastIndexOf(':');
  if (colon > slash)
    return { name: withTag.slice(0, colon), tag: withTag.slice(colon + 1), digest };
  return { name: withTag, digest };
}

function assertUniqueIds(objects: KubeObject[]): void {
  const seen = new Set<string>();
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    if (seen.has(id)) throw new Error(`${id} is defined twice`);
    seen.add(id);
  }
}
