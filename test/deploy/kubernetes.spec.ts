import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IService } from 'kubernetes-models/v1/Service';
import { IDENTITY_SECRETS, identityEnv, loadConfig } from '@app/config';
import { APPS, SECRET_VARIABLES, type DeployedApp } from './deployment-apps.js';
import {
  CUSTOM_RESOURCE_SPEC_FIELDS,
  declarationOf,
  isBuiltIn,
  unknownFields,
  validateBuiltIn,
} from './kubernetes-schema.js';
import { canConnect, matchesSelector, type Pod } from './network-policy-evaluator.js';
import { KUSTOMIZE, kustomize } from './kustomize.js';
import { isObject, parseImage, type KubeObject } from './render-kustomization.js';

const K8S = path.join(import.meta.dirname, '../../k8s');
const NAMESPACE = 'sagaflow';

const rendered = {
  base: kustomize(path.join(K8S, 'base')),
  dev: kustomize(path.join(K8S, 'overlays/dev')),
  prod: kustomize(path.join(K8S, 'overlays/prod')),
};
type Variant = keyof typeof rendered;
const overlays = ['dev', 'prod'] as const;

/**
 * Every app checks the caller's token (the gateway, then each service again), so every app takes
 * the same identity settings: one ConfigMap, and one Secret for the secret.
 */
const IDENTITY = 'sagaflow-identity';
const IDENTITY_SECRET_NAMES: readonly string[] = IDENTITY_SECRETS;
/** Signs dev tokens: from the shared Secret, optional (production has none), apps only. */
const DEV_TOKEN_SECRET = 'AUTH_JWT_SECRET';
const IDENTITY_SETTINGS = Object.keys(identityEnv()).filter(
  (name) => !IDENTITY_SECRET_NAMES.includes(name) && name !== DEV_TOKEN_SECRET,
);

/** The image's NODE_OPTIONS (docker/Dockerfile), which a container inherits unless it sets its own. */
const IMAGE_NODE_OPTIONS =
  /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(
    readFileSync(path.join(K8S, '../docker/Dockerfile'), 'utf8'),
  )?.[1] ?? '';

/** V8's old-space cap in MiB from NODE_OPTIONS; undefined when it is not capped. */
function heapCapOf(nodeOptions: string): number | undefined {
  const size = /--max-old-space-size=(\d+)/.exec(nodeOptions)?.[1];
  return size === undefined ? undefined : Number(size);
}

/** A Kubernetes memory quantity in MiB (the manifests use Mi and Gi). */
function mebibytes(quantity: string | number | undefined): number {
  const [, amount, unit] = /^(\d+)(Mi|Gi)$/.exec(String(quantity)) ?? [];
  if (!amount) throw new Error(`unexpected memory quantity ${String(quantity)}`);
  return Number(amount) * (unit === 'Gi' ? 1024 : 1);
}

function all<T>(objects: KubeObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as unknown as T[];
}

function exists(all: KubeObject[], kind: string, name: string): boolean {
  return all.some((object) => object.kind === kind && object.metadata.name === name);
}

function one<T>(objects: KubeObject[], kind: string, name: string): T {
  const found = objects.filter((object) => object.kind === kind && object.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0] as unknown as T;
}

/** Every pod template: Deployments, StatefulSets and Jobs. */
function podTemplates(objects: KubeObject[]): { owner: string; template: IPodTemplateSpec }[] {
  return objects.flatMap((object) => {
    if (!['Deployment', 'StatefulSet', 'Job'].includes(object.kind)) return [];
    const spec = object.spec as { template: IPodTemplateSpec };
    return [{ owner: `${object.kind} ${object.metadata.name}`, template: spec.template }];
  });
}

function containersOf(template: IPodTemplateSpec): IContainer[] {
  return [...(template.spec?.initContainers ?? []), ...(template.spec?.containers ?? [])];
}

function appContainer(objects: KubeObject[], app: DeployedApp): IContainer {
  const containers =
    one<IDeployment>(objects, 'Deployment', app.name).spec?.template.spec?.containers ?? [];
  expect(containers).toHaveLength(1);
  return containers[0];
}

function decoded(secret: ISecret): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString(),
    ]),
  );
}

/**
 * The environment a container gets: literal values and ConfigMap entries resolved; Secret
 * references recorded by name and key (their values live outside these manifests).
 */
function environmentOf(objects: KubeObject[], container: IContainer) {
  const values: Record<string, string> = {};
  const fromConfigMap = new Set<string>();
  /** The ConfigMap each ConfigMap-sourced variable finally comes from. */
  const configMapOf: Record<string, string> = {};
  const secretRefs: Record<string, { name: string; key: string; optional?: true }> = {};
  for (const source of container.envFrom ?? []) {
    expect(source.secretRef).toBeUndefined();
    const name = source.configMapRef?.name ?? '';
    for (const [key, value] of Object.entries(
      one<IConfigMap>(objects, 'ConfigMap', name).data ?? {},
    )) {
      values[key] = value;
      fromConfigMap.add(key);
      configMapOf[key] = name;
    }
  }
  for (const variable of container.env ?? []) {
    fromConfigMap.delete(variable.name);
    delete values[variable.name];
    delete configMapOf[variable.name];
    const secret = variable.valueFrom?.secretKeyRef;
    const configMapKey = variable.valueFrom?.configMapKeyRef;
    if (secret) {
      secretRefs[variable.name] = {
        name: secret.name ?? '',
        key: secret.key,
        ...(secret.optional ? { optional: true as const } : {}),
      };
    } else if (configMapKey) {
      values[variable.name] =
        one<IConfigMap>(objects, 'ConfigMap', configMapKey.name ?? '').data?.[configMapKey.key] ??
        '';
      fromConfigMap.add(variable.name);
      configMapOf[variable.name] = configMapKey.name ?? '';
    } else values[variable.name] = variable.value ?? '';
  }
  return { values, fromConfigMap, configMapOf, secretRefs };
}

/** Identity settings from the shared ConfigMap, the identity secret from the shared Secret. */
function expectSharedIdentity(
  objects: KubeObject[],
  container: IContainer,
  { signsOrVerifiesDevTokens }: { signsOrVerifiesDevTokens: boolean },
): void {
  const { configMapOf, secretRefs } = environmentOf(objects, container);
  expect(container.envFrom?.map((source) => source.configMapRef?.name)).toContain(IDENTITY);
  expect(Object.fromEntries(IDENTITY_SETTINGS.map((name) => [name, configMapOf[name]]))).toEqual(
    Object.fromEntries(IDENTITY_SETTINGS.map((name) => [name, IDENTITY])),
  );
  for (const name of IDENTITY_SECRET_NAMES) {
    expect({ name, ref: secretRefs[name] }).toEqual({ name, ref: { name: IDENTITY, key: name } });
  }
  expect(secretRefs[DEV_TOKEN_SECRET]).toEqual(
    signsOrVerifiesDevTokens
      ? { name: IDENTITY, key: DEV_TOKEN_SECRET, optional: true }
      : undefined,
  );
}

/** Cluster, loopback, carrier-grade NAT and link-local (cloud metadata) ranges. */
const PRIVATE_RANGES = [
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
];

function rangeOf(cidr: string): [number, number] {
  const [address, bits] = cidr.split('/');
  const base = address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  const size = 2 ** (32 - Number(bits));
  return [base - (base % size), base - (base % size) + size - 1];
}

/** The private ranges an ipBlock reaches: overlapping its cidr and not covered by an except. */
function reachesPrivateRange(block: { cidr: string; except?: string[] }): string[] {
  const [start, end] = rangeOf(block.cidr);
  return PRIVATE_RANGES.filter((range) => {
    const [from, to] = rangeOf(range);
    const overlaps = from <= end && start <= to;
    const excluded = (block.except ?? []).some((cidr) => {
      const [exceptFrom, exceptTo] = rangeOf(cidr);
      return exceptFrom <= from && to <= exceptTo;
    });
    return overlaps && !excluded;
  });
}

/** Placeholder secret values of the right shape, to run the app's own config loader. */
const PLACEHOLDER_SECRETS: Record<string, string> = {
  DATABASE_URL: 'postgres://role:secret@postgres:5432/sagaflow?sslmode=verify-full',
  DATABASE_ADMIN_URL: 'postgres://postgres:secret@postgres:5432/postgres?sslmode=verify-full',
  AMQP_URL: 'amqps://user:secret@rabbitmq:5671',
  AUTH_JWT_SECRET: 'a-placeholder-signing-secret-of-32-characters-or-more',
};

describe(`kustomize overlays, rendered by ${KUSTOMIZE}`, () => {
  it.each(Object.keys(rendered) as Variant[])(
    '%s: every built-in object passes its Kubernetes schema',
    (variant) => {
      for (const object of rendered[variant].filter(isBuiltIn)) {
        expect(() => validateBuiltIn(object)).not.toThrow();
      }
    },
  );

  it.each(Object.keys(rendered) as Variant[])(
    '%s: no object has a field its kind does not define',
    (variant) => {
      const problems = rendered[variant]
        .filter(isBuiltIn)
        .flatMap((object) =>
          unknownFields(object, declarationOf(object.apiVersion, object.kind)).map(
            (field) => `${object.kind} ${object.metadata.name}: ${field}`,
          ),
        );
      expect(problems).toEqual([]);
    },
  );

  it('finds a misspelled field deep inside a Deployment', () => {
    const deployment = structuredClone(one<IDeployment>(rendered.dev, 'Deployment', 'order'));
    const container = deployment.spec?.template.spec?.containers[0] as unknown as Record<
      string,
      unknown
    >;
    (container.readinessProbe as Record<string, unknown>).periodSecond = 5;
    container.imagePullPolice = 'Always';
    expect(unknownFields(deployment, declarationOf('apps/v1', 'Deployment'))).toEqual([
      'spec.template.spec.containers[0].readinessProbe.periodSecond',
      'spec.template.spec.containers[0].imagePullPolice',
    ]);
  });

  it.each(Object.keys(rendered) as Variant[])(
    '%s: only known kinds, all in the sagaflow namespace',
    (variant) => {
      for (const object of rendered[variant]) {
        const kind = `${object.apiVersion}/${object.kind}`;
        expect(isBuiltIn(object) || kind in CUSTOM_RESOURCE_SPEC_FIELDS).toBe(true);
        if (object.kind === 'Namespace') expect(object.metadata.name).toBe(NAMESPACE);
        else expect(object.metadata.namespace).toBe(NAMESPACE);
      }
    },
  );

  it.each(overlays)(
    '%s: restricts every pod of the namespace to the restricted Pod Security Standard',
    (variant) => {
      const labels = one<INamespace>(rendered[variant], 'Namespace', NAMESPACE).metadata?.labels;
      for (const mode of ['enforce', 'warn', 'audit']) {
        expect({ mode, level: labels?.[`pod-security.kubernetes.io/${mode}`] }).toEqual({
          mode,
          level: 'restricted',
        });
      }
    },
  );

  it("brings the RabbitMQ operator's pods up to the restricted standard in prod", () => {
    const cluster = one<KubeObject>(rendered.prod, 'RabbitmqCluster', 'rabbitmq');
    const { override } = cluster.spec as {
      override?: { statefulSet?: { spec?: { template?: IPodTemplateSpec } } };
    };
    const pod = override?.statefulSet?.spec?.template?.spec;
    expect(pod?.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const containers = [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
    expect(containers.map((container) => container.name).sort()).toEqual([
      'rabbitmq',
      'setup-container',
    ]);
    for (const container of containers) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
  });
});

function labelsOf(object: KubeObject): Record<string, string> {
  return (object.metadata as { labels?: Record<string, string> }).labels ?? {};
}

describe.each(overlays)('the %s overlay’s ServiceAccounts', (variant) => {
  const objects = rendered[variant];

  it('gives every app and migration Job a ServiceAccount of its own, without a token', () => {
    const workloads = objects.filter(
      (object) =>
        ['Deployment', 'Job'].includes(object.kind) &&
        APPS.some((app) => app.name === labelsOf(object)['app.kubernetes.io/name']),
    );
    expect(workloads).toHaveLength(APPS.length + APPS.filter((app) => app.ownsData).length);
    const owners = new Map<string, string>();
    for (const workload of workloads) {
      const pod = (workload.spec as { template: IPodTemplateSpec }).template.spec;
      const account = pod?.serviceAccountName ?? 'default';
      const owner = `${workload.kind} ${workload.metadata.name}`;
      expect({ owner, account, shared: owners.get(account) }).toEqual({
        owner,
        account: expect.not.stringMatching(/^default$/),
        shared: undefined,
      });
      owners.set(account, owner);
      expect({ owner, automount: pod?.automountServiceAccountToken }).toEqual({
        owner,
        automount: false,
      });
      const serviceAccount = one<IServiceAccount>(objects, 'ServiceAccount', account);
      expect({ account, automount: serviceAccount.automountServiceAccountToken }).toEqual({
        account,
        automount: false,
      });
    }
  });
});

describe.each(overlays)('the %s overlay', (variant) => {
  const objects = rendered[variant];

  describe.each(APPS.map((app) => [app.name, app] as const))('%s', (_name, app) => {
    const deployment = one<IDeployment>(objects, 'Deployment', app.name);
    const pod = deployment.spec?.template;
    const podLabels = pod?.metadata?.labels ?? {};

    it('selects its own pods', () => {
      expect(matchesSelector(deployment.spec?.selector, podLabels)).toBe(true);
      expect(podLabels['app.kubernetes.io/name']).toBe(app.name);
    });

    it('caps its V8 heap well inside its memory limit', () => {
      const container = appContainer(objects, app);
      const heap = heapCapOf(
        environmentOf(objects, container).values.NODE_OPTIONS ?? IMAGE_NODE_OPTIONS,
      );
      expect(heap).toBeDefined();
      // Under load an app's RSS is about 1.3 times its heap cap (`npm run bench`): the young
      // generation, code and buffers live outside it. Past the limit the pod would be killed.
      expect(mebibytes(container.resources?.limits?.memory)).toBeGreaterThanOrEqual(
        1.5 * (heap ?? Infinity),
      );
    });

    it('listens on its port and probes /health/live and /health/ready there', () => {
      const container = appContainer(objects, app);
      const ports = container.ports ?? [];
      expect(ports).toEqual([{ name: 'http', containerPort: app.port, protocol: 'TCP' }]);
      expect(environmentOf(objects, container).values.PORT).toBe(String(app.port));
      const probe = (which: IProbe | undefined, expectedPath: string) => {
        expect(which?.httpGet?.path).toBe(expectedPath);
        const port = which?.httpGet?.port;
        expect(
          port === app.port || ports.some((p) => p.name === port && p.containerPort === app.port),
        ).toBe(true);
      };
      probe(container.startupProbe, '/health/live');
      probe(container.livenessProbe, '/health/live');
      probe(container.readinessProbe, '/health/ready');
    });

    it('gives its checks time: probe timeout above HEALTH_CHECK_TIMEOUT_MS, grace above SHUTDOWN_GRACE_MS', () => {
      const container = appContainer(objects, app);
      const { values } = environmentOf(objects, container);
      const readiness = container.readinessProbe ?? {};
      expect((readiness.timeoutSeconds ?? 1) * 1000).toBeGreaterThan(
        Number(values.HEALTH_CHECK_TIMEOUT_MS),
      );
      // Readiness must be seen failing (period × threshold) before the grace runs out.
      const toNotReady = (readiness.periodSeconds ?? 10) * (readiness.failureThreshold ?? 3) * 1000;
      expect(Number(values.SHUTDOWN_GRACE_MS)).toBeGreaterThanOrEqual(toNotReady);
      const grace = deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30;
      expect(grace * 1000).toBeGreaterThan(Number(values.SHUTDOWN_GRACE_MS) + 10_000);
    });

    it('reads every variable of its config from the ConfigMap, a literal PORT or a Secret', () => {
      const { values, fromConfigMap, secretRefs } = environmentOf(
        objects,
        appContainer(objects, app),
      );
      const provided = new Set([...Object.keys(values), ...Object.keys(secretRefs)]);
      // The admin connection belongs to the migration Job alone; fault injection, messaging
      // chaos and the span file to system tests.
      const notDeployed = [
        'DATABASE_ADMIN_URL',
        'FAULT_INJECTION',
        'MESSAGING_CHAOS',
        'MESSAGING_CHAOS_RATE',
        'MESSAGING_CHAOS_SEED',
        'OTEL_TRACES_FILE',
      ];
      const expected = app.variables.filter((name) => !notDeployed.includes(name));
      expect(expected.filter((name) => !provided.has(name))).toEqual([]);
      expect([...provided].filter((name) => !app.variables.includes(name))).toEqual([]);
      for (const name of Object.keys(values)) {
        expect(fromConfigMap.has(name) || name === 'PORT').toBe(true);
        expect(SECRET_VARIABLES).not.toContain(name);
      }
      const required = Object.keys(secretRefs).filter((name) => !secretRefs[name].optional);
      expect(required.sort()).toEqual([...app.secrets].sort());
      expect(app.secrets).toEqual(expect.arrayContaining([...IDENTITY_SECRET_NAMES]));
      if (app.ownsData) expect([...app.secrets].sort()).toEqual(['AMQP_URL', 'DATABASE_URL']);
      const placeholders = Object.fromEntries(
        Object.keys(secretRefs).map((name) => [name, PLACEHOLDER_SECRETS[name]]),
      );
      // Optional Secrets (the dev-token secret, shared rate-limit counters) may be absent.
      expect(() =>
        loadConfig(app.schema, { ...values, ...placeholders }, { secrets: required }),
      ).not.toThrow();
    });

    it('verifies tokens with the shared identity ConfigMap and Secret', () => {
      expectSharedIdentity(objects, appContainer(objects, app), { signsOrVerifiesDevTokens: true });
    });

    it('reaches every other app through its ClusterIP Service and port', () => {
      const { values } = environmentOf(objects, appContainer(objects, app));
      for (const other of APPS) {
        const url = values[`${other.name.toUpperCase().replace(/-/g, '_')}_URL`];
        if (url === undefined) continue;
        const { hostname, port } = new URL(url);
        const service = one<IService>(objects, 'Service', hostname);
        expect(service.spec?.clusterIP).toBeUndefined();
        expect(service.spec?.selector?.['app.kubernetes.io/name']).toBe(other.name);
        expect(Number(port)).toBe(other.port);
      }
    });

    it('has a ClusterIP Service and a headless Service on its pods and port', () => {
      for (const name of [app.name, `${app.name}-headless`]) {
        const service = one<IService>(objects, 'Service', name);
        expect(service.spec?.clusterIP).toBe(name.endsWith('-headless') ? 'None' : undefined);
        expect(matchesSelector({ matchLabels: service.spec?.selector }, podLabels)).toBe(true);
        expect(service.spec?.ports).toEqual([
          { name: 'http', port: app.port, targetPort: 'http', protocol: 'TCP' },
        ]);
      }
    });

    it('has a PodDisruptionBudget that always lets one pod go', () => {
      const budget = one<IPodDisruptionBudget>(objects, 'PodDisruptionBudget', app.name);
      expect(matchesSelector(budget.spec?.selector, podLabels)).toBe(true);
      expect(budget.spec?.maxUnavailable).toBe(1);
    });

    it(
      app.autoscaled
        ? 'is scaled by an HPA on CPU and leaves replicas to it'
        : 'has a fixed replica count',
      () => {
        const autoscalers = all<IHorizontalPodAutoscaler>(
          objects,
          'HorizontalPodAutoscaler',
        ).filter((hpa) => hpa.spec?.scaleTargetRef.name === app.name);
        if (!app.autoscaled) {
          expect(autoscalers).toEqual([]);
          expect(deployment.spec?.replicas).toBeGreaterThanOrEqual(1);
          return;
        }
        expect(autoscalers).toHaveLength(1);
        const [hpa] = autoscalers;
        expect(hpa.apiVersion).toBe('autoscaling/v2');
        expect(hpa.spec?.scaleTargetRef).toEqual({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: app.name,
        });
        expect(hpa.spec?.minReplicas).toBeLessThanOrEqual(hpa.spec?.maxReplicas ?? 0);
        expect(hpa.spec?.metrics?.[0].resource?.name).toBe('cpu');
        expect(deployment.spec?.replicas).toBeUndefined();
      },
    );

    if (app.ownsData) {
      it('runs with DATABASE_MIGRATIONS_RUN=false: the Deployment never migrates', () => {
        const { values, secretRefs } = environmentOf(objects, appContainer(objects, app));
        expect(values.DATABASE_MIGRATIONS_RUN).toBe('false');
        expect(secretRefs.DATABASE_ADMIN_URL).toBeUndefined();
      });

      describe('its migration Job', () => {
        const job = one<IJob>(objects, 'Job', `${app.name}-migrate`);
        const containers = job.spec?.template.spec?.containers ?? [];
        const [container] = containers;

        it("runs the app's own entry with the migrate argument, once per release", () => {
          expect(containers).toHaveLength(1);
          expect(job.spec?.template.spec?.initContainers).toBeUndefined();
          expect(job.spec?.template.spec?.restartPolicy).toBe('Never');
          expect(container.image).toBe(appContainer(objects, app).image);
          expect(container.command).toEqual(['node', `dist/apps/${app.name}/main.js`, 'migrate']);
          expect(container.args).toBeUndefined();
          // It migrates and exits: it serves nothing, so no port and no probes.
          expect(container.ports).toBeUndefined();
          expect(container.startupProbe).toBeUndefined();
          expect(container.livenessProbe).toBeUndefined();
          expect(container.readinessProbe).toBeUndefined();
          // The Job's pods are not the Service's pods.
          expect(
            matchesSelector(deployment.spec?.selector, job.spec?.template.metadata?.labels ?? {}),
          ).toBe(false);
        });

        it('gets DATABASE_URL and DATABASE_ADMIN_URL only, and a config the migrate loader accepts', () => {
          const { values, secretRefs } = environmentOf(objects, container);
          expect(Object.keys(secretRefs).sort()).toEqual(['DATABASE_ADMIN_URL', 'DATABASE_URL']);
          // The app's own connection, from the same Secret as its Deployment.
          const deploymentRefs = environmentOf(objects, appContainer(objects, app)).secretRefs;
          expect(secretRefs.DATABASE_URL).toEqual(deploymentRefs.DATABASE_URL);
          for (const name of Object.keys(values)) expect(SECRET_VARIABLES).not.toContain(name);
          // Only what `main.js migrate` reads: no broker or identity settings.
          const provided = [...Object.keys(values), ...Object.keys(secretRefs)];
          expect(provided.filter((name) => !app.migration?.variables.includes(name))).toEqual([]);
          const env = {
            ...values,
            ...Object.fromEntries(
              Object.keys(secretRefs).map((name) => [name, PLACEHOLDER_SECRETS[name]]),
            ),
          };
          // Dev runs in development mode: its dev tokens are refused in production mode.
          expect(env.NODE_ENV).toBe(variant === 'prod' ? 'production' : 'development');
          expect(() => app.migration?.load(env)).not.toThrow();
          if (variant === 'prod') {
            expect(() => app.migration?.load({ ...env, DATABASE_URL: undefined })).toThrow(
              /DATABASE_URL/,
            );
          }
        });

        it('carries no AMQP_URL, broker settings or broker credentials: it never talks to the broker', () => {
          const { values, secretRefs } = environmentOf(objects, container);
          const names = [...Object.keys(values), ...Object.keys(secretRefs)];
          expect(names.filter((name) => name.startsWith('AMQP_'))).toEqual([]);
          expect(
            Object.values(secretRefs).filter(
              (ref) => ref.key === 'AMQP_URL' || ref.name.endsWith('-broker-credentials'),
            ),
          ).toEqual([]);
          expect(container.envFrom?.map((source) => source.configMapRef?.name)).not.toContain(
            'sagaflow-broker',
          );
        });

        it('checks no token: no identity settings', () => {
          const { values, secretRefs } = environmentOf(objects, container);
          expect(
            [...Object.keys(values), ...Object.keys(secretRefs)].filter((name) =>
              name.startsWith('AUTH_'),
            ),
          ).toEqual([]);
        });
      });
    }
  });

  it('gives every app the same identity settings, kept in one ConfigMap', () => {
    const identities = new Map<string, string>();
    for (const { owner, template } of podTemplates(objects)) {
      const labels = template.metadata?.labels ?? {};
      if (!APPS.some((app) => app.name === labels['app.kubernetes.io/name'])) continue;
      // The migration Jobs check no token (see "checks no token").
      if (owner.startsWith('Job ')) continue;
      for (const container of containersOf(template)) {
        const { values, secretRefs } = environmentOf(objects, container);
        const identity = {
          settings: IDENTITY_SETTINGS.map((name) => values[name]),
          secrets: IDENTITY_SECRET_NAMES.map((name) => secretRefs[name]),
        };
        identities.set(`${owner} ${container.name}`, JSON.stringify(identity));
      }
    }
    expect([...identities.keys()].sort()).toEqual(
      APPS.map((app) => `Deployment ${app.name} ${app.name}`).sort(),
    );
    expect(new Set(identities.values()).size).toBe(1);
    // Nowhere else: a second copy of a setting could drift from the one the other apps read.
    for (const configMap of all<IConfigMap>(objects, 'ConfigMap')) {
      if (configMap.metadata?.name === IDENTITY) continue;
      const keys = Object.keys(configMap.data ?? {});
      expect({
        configMap: configMap.metadata?.name,
        identity: keys.filter(
          (key) => IDENTITY_SETTINGS.includes(key) || IDENTITY_SECRET_NAMES.includes(key),
        ),
      }).toEqual({ configMap: configMap.metadata?.name, identity: [] });
    }
  });

  it('runs every container of every pod under the restricted security context, with requests and limits', () => {
    for (const { owner, template } of podTemplates(objects)) {
      const pod = template.spec?.securityContext ?? {};
      expect(template.spec?.automountServiceAccountToken).toBe(false);
      for (const container of containersOf(template)) {
        const context = container.securityContext ?? {};
        const where = `${owner} ${container.name}`;
        expect({ where, runAsNonRoot: context.runAsNonRoot ?? pod.runAsNonRoot }).toEqual({
          where,
          runAsNonRoot: true,
        });
        expect({ where, escalation: context.allowPrivilegeEscalation }).toEqual({
          where,
          escalation: false,
        });
        expect({ where, drop: context.capabilities?.drop }).toEqual({ where, drop: ['ALL'] });
        expect({ where, add: context.capabilities?.add }).toEqual({ where, add: undefined });
        expect({ where, seccomp: (context.seccompProfile ?? pod.seccompProfile)?.type }).toEqual({
          where,
          seccomp: 'RuntimeDefault',
        });
        expect((context.runAsUser ?? pod.runAsUser ?? 0) > 0).toBe(true);
        for (const bound of ['requests', 'limits'] as const) {
          expect({
            where,
            bound,
            cpu: !!container.resources?.[bound]?.cpu,
            memory: !!container.resources?.[bound]?.memory,
          }).toEqual({ where, bound, cpu: true, memory: true });
        }
      }
    }
  });

  it('gives the apps and their Jobs a read-only root filesystem with a writable /tmp', () => {
    for (const { owner, template } of podTemplates(objects)) {
      if (template.metadata?.labels?.['app.kubernetes.io/part-of'] !== 'sagaflow') continue;
      const name = template.metadata.labels['app.kubernetes.io/name'];
      if (!APPS.some((app) => app.name === name)) continue;
      for (const container of containersOf(template)) {
        expect({ owner, readOnly: container.securityContext?.readOnlyRootFilesystem }).toEqual({
          owner,
          readOnly: true,
        });
        expect(container.volumeMounts?.map((mount) => mount.mountPath)).toContain('/tmp');
      }
    }
  });

  it('pins every image to a tag or digest, never latest', () => {
    for (const { template } of podTemplates(objects)) {
      for (const container of containersOf(template)) {
        const image = parseImage(container.image ?? '');
        expect({
          image: container.image,
          pinned: !!(image.digest || (image.tag && image.tag !== 'latest')),
        }).toEqual({ image: container.image, pinned: true });
      }
    }
  });

  it('routes the Ingress to the gateway Service', () => {
    const ingress = one<IIngress>(objects, 'Ingress', 'gateway');
    const backends = (ingress.spec?.rules ?? [])
      .flatMap((rule) => rule.http?.paths ?? [])
      .map((p) => p.backend.service);
    expect(new Set(backends.map((backend) => JSON.stringify(backend)))).toEqual(
      new Set([JSON.stringify({ name: 'gateway', port: { name: 'http' } })]),
    );
    expect(one<IService>(objects, 'Service', 'gateway').spec?.ports?.[0].name).toBe('http');
  });

  it('limits connections and requests per client address at the Ingress', () => {
    const annotations = one<IIngress>(objects, 'Ingress', 'gateway').metadata?.annotations ?? {};
    for (const name of ['limit-connections', 'limit-rps']) {
      expect(Number(annotations[`nginx.ingress.kubernetes.io/${name}`])).toBeGreaterThan(0);
    }
  });

  it('exposes the public API, its docs and the console through the Ingress, never /metrics or the probes', () => {
    const ingress = one<IIngress>(objects, 'Ingress', 'gateway');
    const paths = (ingress.spec?.rules ?? []).flatMap((rule) => rule.http?.paths ?? []);
    expect(paths.map(({ path, pathType }) => `${pathType} ${path}`)).toEqual([
      'Exact /',
      'Prefix /assets',
      'Prefix /api',
      'Prefix /docs',
      'Exact /docs-json',
    ]);
  });

  it('denies all traffic in the namespace by default', () => {
    const policy = one<INetworkPolicy>(objects, 'NetworkPolicy', 'default-deny-all');
    expect(policy.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  describe('network paths', () => {
    const policies = all<INetworkPolicy>(objects, 'NetworkPolicy');
    const labelsOf = (kind: string, name: string) =>
      one<IDeployment | IJob | IStatefulSet>(objects, kind, name).spec?.template.metadata?.labels ??
      {};
    const appPod = (name: string): Pod => ({
      namespace: NAMESPACE,
      labels: labelsOf('Deployment', name),
    });
    const migrationPod = (name: string): Pod => ({
      namespace: NAMESPACE,
      labels: labelsOf('Job', `${name}-migrate`),
    });
    const ingressController: Pod = {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    const dns: Pod = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    const prometheus: Pod = {
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/name': 'prometheus' },
    };
    const collector: Pod = {
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' },
    };
    const elsewhere: Pod = { namespace: 'default', labels: { app: 'anything' } };

    /** The database and broker pods as this overlay runs them (operators label theirs). */
    function infraPod(which: 'postgres' | 'rabbitmq'): Pod {
      if (variant === 'dev')
        return { namespace: NAMESPACE, labels: labelsOf('StatefulSet', which) };
      if (which === 'postgres') {
        const cluster = one<KubeObject>(objects, 'Cluster', 'postgres');
        const spec = cluster.spec as { inheritedMetadata?: { labels?: Record<string, string> } };
        return {
          namespace: NAMESPACE,
          labels: { 'cnpg.io/cluster': 'postgres', ...spec.inheritedMetadata?.labels },
        };
      }
      one<KubeObject>(objects, 'RabbitmqCluster', 'rabbitmq');
      return {
        namespace: NAMESPACE,
        labels: {
          'app.kubernetes.io/name': 'rabbitmq',
          'app.kubernetes.io/component': 'rabbitmq',
          'app.kubernetes.io/part-of': 'rabbitmq',
        },
      };
    }

    const dataApps = APPS.filter((app) => app.ownsData);
    const backends = APPS.filter((app) => app.name !== 'gateway');

    it('lets the ingress controller reach the gateway, and only the gateway', () => {
      expect(canConnect(policies, ingressController, appPod('gateway'), 3000)).toBe(true);
      for (const app of backends)
        expect(canConnect(policies, ingressController, appPod(app.name), app.port)).toBe(false);
      expect(canConnect(policies, elsewhere, appPod('gateway'), 3000)).toBe(false);
    });

    it('lets the gateway reach every app on its port, and nothing else reach them', () => {
      for (const app of backends) {
        expect(canConnect(policies, appPod('gateway'), appPod(app.name), app.port)).toBe(true);
        expect(canConnect(policies, appPod('gateway'), appPod(app.name), 22)).toBe(false);
        for (const other of backends.filter((o) => o !== app)) {
          expect(canConnect(policies, appPod(other.name), appPod(app.name), app.port)).toBe(false);
        }
      }
    });

    it('lets the data-owning apps reach PostgreSQL, RabbitMQ and DNS, and their Jobs PostgreSQL and DNS only', () => {
      for (const app of dataApps) {
        // A migration opens no broker connection: it cannot reach the broker either.
        expect(canConnect(policies, appPod(app.name), infraPod('rabbitmq'), 5672)).toBe(true);
        expect(canConnect(policies, migrationPod(app.name), infraPod('rabbitmq'), 5672)).toBe(
          false,
        );
        expect(canConnect(policies, migrationPod(app.name), infraPod('rabbitmq'), 5671)).toBe(
          false,
        );
        for (const pod of [appPod(app.name), migrationPod(app.name)]) {
          expect(canConnect(policies, pod, infraPod('postgres'), 5432)).toBe(true);
          expect(canConnect(policies, pod, dns, 53, 'UDP')).toBe(true);
          expect(canConnect(policies, pod, elsewhere, 80)).toBe(false);
          expect(canConnect(policies, pod, appPod('gateway'), 3000)).toBe(false);
        }
        // A migration checks no token: it has no way out of the cluster.
        expect(canConnect(policies, migrationPod(app.name), elsewhere, 443)).toBe(false);
      }
    });

    it("lets the apps reach on 443 only their issuer's public addresses: no pod, no link-local", () => {
      for (const app of APPS) {
        // Another pod (the API server, a sidecar) is never an issuer.
        expect(canConnect(policies, appPod(app.name), elsewhere, 443)).toBe(false);
        expect(canConnect(policies, appPod(app.name), elsewhere, 80)).toBe(false);
      }
      for (const app of dataApps)
        expect(canConnect(policies, migrationPod(app.name), elsewhere, 443)).toBe(false);
      const issuerEgress = policies.filter((p) => p.metadata?.name === 'apps-issuer-egress');
      const identity = one<IConfigMap>(objects, 'ConfigMap', IDENTITY).data ?? {};
      // An overlay with no issuer has no way out at all.
      expect(issuerEgress).toHaveLength(identity.AUTH_JWKS_URL ? 1 : 0);
      for (const rule of issuerEgress.flatMap((policy) => policy.spec?.egress ?? [])) {
        expect(rule.ports).toEqual([{ protocol: 'TCP', port: 443 }]);
        expect(rule.to?.length).toBeGreaterThan(0);
        for (const peer of rule.to ?? []) {
          expect(peer.ipBlock).toBeDefined();
          expect(reachesPrivateRange(peer.ipBlock!)).toEqual([]);
        }
      }
    });

    it('lets Prometheus scrape every app, and every app, no Job, send spans to the collector', () => {
      for (const app of APPS) {
        expect(canConnect(policies, prometheus, appPod(app.name), app.port)).toBe(true);
        expect(canConnect(policies, elsewhere, appPod(app.name), app.port)).toBe(false);
        for (const otlp of [4317, 4318]) {
          expect(canConnect(policies, appPod(app.name), collector, otlp)).toBe(true);
          expect(canConnect(policies, appPod(app.name), elsewhere, otlp)).toBe(false);
        }
      }
      for (const app of dataApps) {
        expect(canConnect(policies, migrationPod(app.name), collector, 4318)).toBe(false);
      }
      expect(canConnect(policies, prometheus, infraPod('postgres'), 5432)).toBe(false);
    });

    it('keeps the gateway away from the database and the broker', () => {
      expect(canConnect(policies, appPod('gateway'), infraPod('postgres'), 5432)).toBe(false);
      expect(canConnect(policies, appPod('gateway'), infraPod('rabbitmq'), 5672)).toBe(false);
      expect(canConnect(policies, appPod('gateway'), dns, 53, 'UDP')).toBe(true);
      expect(canConnect(policies, elsewhere, infraPod('postgres'), 5432)).toBe(false);
    });
  });
});

describe('secrets', () => {
  it('are never committed to base or prod: only referenced', () => {
    expect(all<ISecret>(rendered.base, 'Secret')).toEqual([]);
    expect(all<ISecret>(rendered.prod, 'Secret')).toEqual([]);
  });

  it('are generated in dev from obviously-local values only', () => {
    const secrets = all<ISecret>(rendered.dev, 'Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      for (const [key, value] of Object.entries(decoded(secret))) {
        if (!key.endsWith('_USER'))
          expect({ key, local: value.includes('local-dev-only') }).toEqual({ key, local: true });
      }
    }
  });

  it('exist in dev for every reference, with URLs to the dev Services and each app its own role', () => {
    for (const { template } of podTemplates(rendered.dev)) {
      for (const container of containersOf(template)) {
        for (const [variable, ref] of Object.entries(
          environmentOf(rendered.dev, container).secretRefs,
        )) {
          // An optional reference names a Secret the operator adds when it wants the feature.
          if (ref.optional && !exists(rendered.dev, 'Secret', ref.name)) continue;
          const value = decoded(one<ISecret>(rendered.dev, 'Secret', ref.name))[ref.key];
          expect({ variable, found: value !== undefined }).toEqual({ variable, found: true });
          if (variable === 'DATABASE_URL' || variable === 'DATABASE_ADMIN_URL') {
            one<IService>(rendered.dev, 'Service', new URL(value).hostname);
            expect(new URL(value).hostname).toBe('postgres');
          }
          if (variable === 'AMQP_URL') expect(new URL(value).hostname).toBe('rabbitmq');
        }
      }
    }
    for (const app of APPS.filter((a) => a.ownsData)) {
      const url = decoded(one<ISecret>(rendered.dev, 'Secret', `${app.name}-secrets`)).DATABASE_URL;
      expect(new URL(url).username).toBe(app.role);
    }
  });

  it("in prod name only the apps' own Secrets and what the operators create", () => {
    const names = new Set<string>();
    for (const { template } of podTemplates(rendered.prod)) {
      for (const container of containersOf(template)) {
        for (const ref of Object.values(environmentOf(rendered.prod, container).secretRefs))
          if (!ref.optional) names.add(ref.name);
      }
    }
    const cluster = one<KubeObject>(rendered.prod, 'Cluster', 'postgres').spec as Record<
      string,
      unknown
    >;
    // No superuser login: the Jobs bootstrap as a managed role with CREATEROLE only.
    expect(cluster.enableSuperuserAccess).toBe(false);
    const roles = (cluster.managed as { roles: Record<string, unknown>[] }).roles;
    expect(roles).toContainEqual(
      expect.objectContaining({ name: 'sagaflow_bootstrap', superuser: false, createrole: true }),
    );
    // <app>-secrets for an app's own secrets; no identity Secret: the issuer's keys verify tokens.
    const ownSecrets = (app: DeployedApp) =>
      app.secrets.filter((name) => !IDENTITY_SECRET_NAMES.includes(name));
    expect([...names].sort()).toEqual(
      [
        ...APPS.filter((app) => ownSecrets(app).length > 0).map((app) => `${app.name}-secrets`),
        'sagaflow-db-bootstrap',
      ].sort(),
    );
  });
});

describe('dev and prod differ where they should', () => {
  it("prod runs the apps' images by digest only: a tag can be moved after review", () => {
    for (const { owner, template } of podTemplates(rendered.prod)) {
      const name = template.metadata?.labels?.['app.kubernetes.io/name'] ?? '';
      if (!APPS.some((app) => app.name === name)) continue;
      for (const container of containersOf(template)) {
        const image = container.image ?? '';
        expect({
          owner,
          image,
          byDigest: /^[^:@]+(:[^@]*)?@sha256:[0-9a-f]{64}$/.test(image),
        }).toEqual({ owner, image, byDigest: true });
        expect(image).toMatch(new RegExp(`/sagaflow/${name}@`));
      }
    }
  });

  it('dev runs PostgreSQL and RabbitMQ as StatefulSets behind Services', () => {
    for (const name of ['postgres', 'rabbitmq']) {
      const statefulSet = one<IStatefulSet>(rendered.dev, 'StatefulSet', name);
      const service = one<IService>(rendered.dev, 'Service', name);
      expect(statefulSet.spec?.serviceName).toBe(name);
      expect(
        matchesSelector(
          { matchLabels: service.spec?.selector },
          statefulSet.spec?.template.metadata?.labels ?? {},
        ),
      ).toBe(true);
    }
    expect(
      rendered.dev.some((object) => object.kind === 'Cluster' || object.kind === 'RabbitmqCluster'),
    ).toBe(false);
  });

  it('prod gives each app its own broker user: only the orchestrator may publish commands', () => {
    const permissions = all<KubeObject>(rendered.prod, 'Permission');
    const users = all<KubeObject>(rendered.prod, 'User');
    const broker = one<IConfigMap>(rendered.prod, 'ConfigMap', 'sagaflow-broker').data ?? {};
    expect(broker.AMQP_PUBLISHER_USERS?.split(',').sort()).toEqual(
      APPS.filter((app) => app.ownsData)
        .map((app) => `${app.name}:sagaflow-${app.name}`)
        .sort(),
    );
    expect(users.map((user) => user.metadata.name).sort()).toEqual(
      APPS.filter((app) => app.ownsData)
        .map((app) => `sagaflow-${app.name}`)
        .sort(),
    );
    for (const permission of permissions) {
      const { write, read } = (permission.spec as { permissions: Record<string, string> })
        .permissions;
      const orchestrator = permission.metadata.name === 'sagaflow-saga-orchestrator';
      expect(new RegExp(write).test('sagaflow.commands')).toBe(orchestrator);
      expect(new RegExp(write).test('sagaflow.replies')).toBe(!orchestrator);
      for (const other of ['order', 'credit', 'payment']) {
        const own = permission.metadata.name === `sagaflow-${other}`;
        expect(new RegExp(read).test(`${other}.commands`)).toBe(own);
      }
    }
  });

  it('prod lets only the orchestrator declare the topology: participants may configure nothing', () => {
    const permissions = all<KubeObject>(rendered.prod, 'Permission');
    for (const app of APPS.filter((deployed) => deployed.ownsData)) {
      const orchestrator = app.name === 'saga-orchestrator';
      const { values } = environmentOf(rendered.prod, appContainer(rendered.prod, app));
      expect({ app: app.name, declares: values.AMQP_DECLARE_TOPOLOGY }).toEqual({
        app: app.name,
        declares: orchestrator ? 'true' : 'false',
      });
      const permission = permissions.find(
        (candidate) => candidate.metadata.name === `sagaflow-${app.name}`,
      );
      const { configure } = (permission?.spec as { permissions: Record<string, string> })
        .permissions;
      if (orchestrator) {
        // It declares every service's commands queue, the replies queue and their dead letters.
        for (const name of ['sagaflow.commands', 'order.commands', 'saga-orchestrator.replies'])
          expect(new RegExp(configure).test(name)).toBe(true);
      } else expect({ app: app.name, configure }).toEqual({ app: app.name, configure: '^$' });
    }
    // Dev keeps one shared user that declares everything, as a local run does.
    expect(
      one<IConfigMap>(rendered.dev, 'ConfigMap', 'sagaflow-broker').data?.AMQP_DECLARE_TOPOLOGY,
    ).toBe('true');
  });

  it('prod bounds every dead-letter queue', () => {
    const [policy] = all<KubeObject>(rendered.prod, 'Policy');
    const spec = policy.spec as { pattern: string; definition: Record<string, unknown> };
    expect(new RegExp(spec.pattern).test('credit.commands.dead-letter')).toBe(true);
    expect(new RegExp(spec.pattern).test('credit.commands')).toBe(false);
    expect(spec.definition['max-length']).toBeGreaterThan(0);
  });

  it('prod runs replicated PostgreSQL and RabbitMQ from their operators', () => {
    const postgres = one<KubeObject>(rendered.prod, 'Cluster', 'postgres');
    const rabbitmq = one<KubeObject>(rendered.prod, 'RabbitmqCluster', 'rabbitmq');
    expect(postgres.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(rabbitmq.apiVersion).toBe('rabbitmq.com/v1beta1');
    for (const resource of [postgres, rabbitmq]) {
      const spec = resource.spec as Record<string, unknown>;
      const allowed = CUSTOM_RESOURCE_SPEC_FIELDS[`${resource.apiVersion}/${resource.kind}`];
      expect(Object.keys(spec).filter((field) => !allowed.includes(field))).toEqual([]);
      expect(unknownFields(spec.resources, declarationOf('v1', 'ResourceRequirements'))).toEqual(
        [],
      );
      expect(isObject(spec.resources) && isObject(spec.resources.limits)).toBe(true);
    }
    expect((postgres.spec as { instances: number }).instances).toBeGreaterThanOrEqual(3);
    expect((postgres.spec as { storage: { size: string } }).storage.size).toMatch(/^\d+Gi$/);
    expect((rabbitmq.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(3);
    expect(rendered.prod.some((object) => object.kind === 'StatefulSet')).toBe(false);
    // The apps refuse amqp:// in production: the cluster listens over TLS only.
    expect((rabbitmq.spec as { tls?: Record<string, unknown> }).tls).toMatchObject({
      secretName: expect.any(String),
      disableNonTLSListeners: true,
    });
  });

  it('prod logs JSON in production mode; dev logs more', () => {
    const settings = (variant: Variant) =>
      one<IConfigMap>(rendered[variant], 'ConfigMap', 'sagaflow-service').data ?? {};
    expect(settings('prod')).toMatchObject({ NODE_ENV: 'production', LOG_FORMAT: 'json' });
    expect(settings('dev').LOG_LEVEL).toBe('debug');
  });

  it('dev signs in with dev tokens; prod only with its OIDC issuer', () => {
    const identity = (variant: Variant) =>
      one<IConfigMap>(rendered[variant], 'ConfigMap', IDENTITY).data ?? {};
    expect(identity('dev').AUTH_DEV_TOKENS).toBe('true');
    expect(identity('dev').AUTH_JWKS_URL).toBe('');
    expect(identity('prod').AUTH_DEV_TOKENS).toBe('false');
    for (const name of ['AUTH_ISSUER', 'AUTH_JWKS_URL'] as const) {
      expect(new URL(identity('prod')[name]).protocol).toBe('https:');
      expect(identity('prod')[name]).not.toBe(identity('base')[name]);
    }
  });

  it('prod never runs the payment simulator, which approves test tokens without a charge', () => {
    const payment = APPS.find((app) => app.name === 'payment')!;
    const { values } = environmentOf(rendered.prod, appContainer(rendered.prod, payment));
    expect(values.NODE_ENV).toBe('production');
    expect(values.PAYMENT_SIMULATOR_IN_PRODUCTION).toBe('false');
  });

  it('prod runs more instances than dev', () => {
    const minReplicas = (variant: Variant, name: string) =>
      one<IHorizontalPodAutoscaler>(rendered[variant], 'HorizontalPodAutoscaler', name).spec
        ?.minReplicas ?? 1;
    for (const app of APPS.filter((a) => a.autoscaled)) {
      expect(minReplicas('prod', app.name)).toBeGreaterThan(minReplicas('dev', app.name));
      expect(minReplicas('prod', app.name)).toBeGreaterThanOrEqual(3);
    }
    const replicas = (variant: Variant) =>
      one<IDeployment>(rendered[variant], 'Deployment', 'saga-orchestrator').spec?.replicas ?? 1;
    expect(replicas('prod')).toBeGreaterThan(replicas('dev'));
  });

  it('prod pulls the apps from its registry and serves the gateway over TLS', () => {
    for (const app of APPS) {
      expect(appContainer(rendered.prod, app).image).toMatch(
        new RegExp(`^registry\\.example\\.com/sagaflow/${app.name}@sha256:`),
      );
      expect(appContainer(rendered.dev, app).image).toBe(`sagaflow/${app.name}:0.1.0`);
    }
    const ingress = one<IIngress>(rendered.prod, 'Ingress', 'gateway');
    expect(ingress.spec?.tls?.[0].hosts).toEqual(ingress.spec?.rules?.map((rule) => rule.host));
  });
});
