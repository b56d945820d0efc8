import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Service } from 'kubernetes-models/v1/Service';
import { isObject, type KubeObject } from './render-kustomization.js';

/**
 * Schema checks for rendered objects. kubernetes-models validates types and required fields of
 * built-in kinds; it accepts unknown (misspelled) fields, so `unknownFields` walks each object
 * against the field lists of the same package's type declarations (generated from the Kubernetes
 * OpenAPI schema), which every built-in kind's every nested type has.
 */

const MODELS_DIR = path.join(import.meta.dirname, '../../node_modules/kubernetes-models');
const NODE_MODULES = path.join(import.meta.dirname, '../../node_modules');

const MODELS: Record<string, (data: KubeObject) => { validate(): void }> = {
  'v1/Namespace': (data) => new Namespace(data),
  'v1/ConfigMap': (data) => new ConfigMap(data),
  'v1/Secret': (data) => new Secret(data),
  'v1/ServiceAccount': (data) => new ServiceAccount(data),
  'v1/Service': (data) => new Service(data),
  'apps/v1/Deployment': (data) => new Deployment(data),
  'apps/v1/StatefulSet': (data) => new StatefulSet(data),
  'batch/v1/Job': (data) => new Job(data),
  'policy/v1/PodDisruptionBudget': (data) => new PodDisruptionBudget(data),
  'autoscaling/v2/HorizontalPodAutoscaler': (data) => new HorizontalPodAutoscaler(data),
  'networking.k8s.io/v1/NetworkPolicy': (data) => new NetworkPolicy(data),
  'networking.k8s.io/v1/Ingress': (data) => new Ingress(data),
};

export function isBuiltIn(object: KubeObject): boolean {
  return `${object.apiVersion}/${object.kind}` in MODELS;
}

/** Throws with the schema's error when a built-in object is invalid. */
export function validateBuiltIn(object: KubeObject): void {
  const model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!model) throw new Error(`${object.apiVersion} ${object.kind} is not a known built-in kind`);
  model(object).validate();
}

/** The type declaration file of a built-in kind, e.g. apps/v1/Deployment.d.ts. */
export function declarationOf(apiVersion: string, kind: string): string {
  return path.join(MODELS_DIR, apiVersion, `${kind}.d.ts`);
}

interface Fields {
  /** Field name → declaration file of its (element) type; undefined for scalars, maps, aliases. */
  fields: Map<string, string | undefined>;
}

const cache = new Map<string, Fields | undefined>();

function fieldsOf(declaration: string): Fields | undefined {
  if (cache.has(declaration)) return cache.get(declaration);
  const text = readFileSync(declaration, 'utf8');
  const imports = new Map<string, string>();
  for (const [, name, from] of text.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) {
    const file = from.startsWith('.')
      ? path.resolve(path.dirname(declaration), `${from}.d.ts`)
      : path.join(NODE_MODULES, `${from}.d.ts`);
    if (existsSync(file)) imports.set(name, file);
  }
  const body = /^export interface I\w+(?: extends [\w, ]+)? \{\n([\s\S]*?)\n\}$/m.exec(text)?.[1];
  let result: Fields | undefined;
  if (body !== undefined) {
    const fields = new Map<string, string | undefined>();
    for (const [, name, type] of body.matchAll(/^ {4}"([^"]+)"\??: (.*?);?$/gm)) {
      const element = /^Array<(\w+)>$/.exec(type)?.[1] ?? type;
      fields.set(name, imports.get(element));
    }
    result = { fields };
  }
  cache.set(declaration, result);
  return result;
}

/** Paths of fields the declared type does not have, e.g. `spec.template.spec.containers[0].imagePullPolice`. */
export function unknownFields(value: unknown, declaration: string, at = ''): string[] {
  const type = fieldsOf(declaration);
  if (!type || !isObject(value)) return [];
  const problems: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const where = at ? `${at}.${key}` : key;
    if (!type.fields.has(key)) {
      problems.push(where);
      continue;
    }
    const childDeclaration = type.fields.get(key);
    if (!childDeclaration) continue;
    if (Array.isArray(child)) {
      child.forEach((item, index) =>
        problems.push(...unknownFields(item, childDeclaration, `${where}[${index}]`)),
      );
    } else problems.push(...unknownFields(child, childDeclaration, where));
  }
  return problems;
}

/**
 * Custom resources have no schema here: the fields we use, checked against the operators' API
 * (CloudNativePG `Cluster` postgresql.cnpg.io/v1, RabbitMQ `RabbitmqCluster` rabbitmq.com/v1beta1,
 * the Prometheus operator's `PodMonitor` and `PrometheusRule` monitoring.coreos.com/v1).
 */
export const CUSTOM_RESOURCE_SPEC_FIELDS: Record<string, readonly string[]> = {
  'postgresql.cnpg.io/v1/Cluster': [
    'instances',
    'imageName',
    'imagePullPolicy',
    'primaryUpdateStrategy',
    'primaryUpdateMethod',
    'enableSuperuserAccess',
    'superuserSecret',
    'bootstrap',
    'postgresql',
    'storage',
    'walStorage',
    'resources',
    'inheritedMetadata',
    'affinity',
    'topologySpreadConstraints',
    'backup',
    'monitoring',
    'managed',
    'enablePDB',
  ],
  'rabbitmq.com/v1beta1/RabbitmqCluster': [
    'replicas',
    'image',
    'imagePullSecrets',
    'service',
    'persistence',
    'resources',
    'affinity',
    'tolerations',
    'rabbitmq',
    'tls',
    'override',
    'terminationGracePeriodSeconds',
    'skipPostDeploySteps',
    'delayStartSeconds',
    'secretBackend',
  ],
  'rabbitmq.com/v1beta1/User': ['rabbitmqClusterReference', 'tags', 'importCredentialsSecret'],
  'rabbitmq.com/v1beta1/Policy': [
    'name',
    'vhost',
    'pattern',
    'applyTo',
    'priority',
    'definition',
    'rabbitmqClusterReference',
  ],
  'rabbitmq.com/v1beta1/Permission': [
    'vhost',
    'user',
    'userReference',
    'permissions',
    'rabbitmqClusterReference',
  ],
  'monitoring.coreos.com/v1/PodMonitor': [
    'jobLabel',
    'podTargetLabels',
    'selector',
    'namespaceSelector',
    'podMetricsEndpoints',
    'sampleLimit',
  ],
  'monitoring.coreos.com/v1/PrometheusRule': ['groups'],
};
