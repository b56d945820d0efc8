import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@app/config';
import { APPS } from './deployment-apps.js';
import { isObject } from './render-kustomization.js';

const ROOT = path.join(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = instructions(read('docker/Dockerfile'));
const globalArgs = Object.fromEntries(
  dockerfile
    .slice(
      0,
      dockerfile.findIndex((i) => i.keyword === 'FROM'),
    )
    .filter((i) => i.keyword === 'ARG')
    .map((i) => i.args.split('=') as [string, string]),
);
const stages = dockerfile.reduce<Instruction[][]>((all, instruction) => {
  if (instruction.keyword === 'FROM') all.push([]);
  all.at(-1)?.push(instruction);
  return all;
}, []);
const finalStage = stages.at(-1) ?? [];
const argsOf = (stage: Instruction[], keyword: string) =>
  stage.filter((i) => i.keyword === keyword).map((i) => i.args);

function baseImage(stage: Instruction[]): string {
  const from = stage[0].args.split(/\s+/)[0];
  return from.replace(/^\$\{(\w+)\}$/, (_, name: string) => globalArgs[name] ?? '');
}

describe('docker/Dockerfile', () => {
  it('builds in stages and runs the final one on a Node LTS image pinned to a major and a digest', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      // The tag is for readers; the digest is what is pulled (a tag can be moved after review).
      const [reference, digest] = baseImage(stage).split('@');
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const [name, tag] = reference.split(':');
      expect(name).toBe('node');
      const major = Number(/^(\d+)(-|$)/.exec(tag ?? '')?.[1]);
      expect(major).toBeGreaterThanOrEqual(22);
      expect(major % 2).toBe(0); // even majors become LTS
    }
  });

  it('installs with npm ci and builds the app named by the APP build arg', () => {
    const build = stages.find((stage) =>
      argsOf(stage, 'RUN').some((run) => run.includes('nest build')),
    );
    expect(build).toBeDefined();
    expect(argsOf(build ?? [], 'ARG')).toContain('APP');
    expect(argsOf(build ?? [], 'RUN')).toEqual(
      expect.arrayContaining(['npm ci --no-audit --no-fund', 'npx nest build "${APP}"']),
    );
  });

  it('ships only production dependencies, the one bundle and the console in the final stage', () => {
    const deps = stages.find((stage) =>
      argsOf(stage, 'RUN').some((run) => run.includes('npm ci --omit=dev')),
    );
    const depsName = deps?.[0].args.split(/\s+AS\s+/i)[1];
    const copies = argsOf(finalStage, 'COPY');
    // Nothing else: migrating is the bundle's own `migrate` command, not a script beside it.
    expect(copies).toEqual([
      'package.json ./',
      `--from=${depsName} /app/node_modules ./node_modules`,
      '--from=build /src/dist/apps/${APP} ./dist/apps/${APP}',
      // Static files the gateway serves at / (an empty folder in the other apps' images).
      '--from=build /src/dist/apps/console ./dist/apps/console',
    ]);
    // One RUN only: taking the package managers out (nothing fetches code at run time).
    const runs = argsOf(finalStage, 'RUN');
    expect(runs).toHaveLength(1);
    for (const tool of ['npm', 'npx', 'corepack'])
      expect(runs[0]).toContain(`/usr/local/bin/${tool}`);
  });

  it('runs no package install script in the dependencies it ships', () => {
    const deps = stages.find((stage) =>
      argsOf(stage, 'RUN').some((run) => run.includes('npm ci --omit=dev')),
    );
    expect(argsOf(deps ?? [], 'RUN').join('\n')).toContain('--ignore-scripts');
  });

  it('runs as a non-root user, exposes the port and checks /health/ready', () => {
    const [user] = argsOf(finalStage, 'USER');
    expect(user).toBeDefined();
    expect(['root', '0'].includes(user.split(':')[0])).toBe(false);
    expect(argsOf(finalStage, 'ARG')).toEqual(expect.arrayContaining(['APP', 'PORT=3000']));
    expect(argsOf(finalStage, 'EXPOSE')).toEqual(['${PORT}']);
    const [healthcheck] = argsOf(finalStage, 'HEALTHCHECK');
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*fetch\(.*\/health\/ready/);
  });

  it('starts node on the app bundle as PID 1', () => {
    const [cmd] = argsOf(finalStage, 'CMD');
    expect(JSON.parse(cmd)).toEqual(['sh', '-c', 'exec node dist/apps/${APP}/main.js']);
    expect(argsOf(finalStage, 'ENV').join(' ')).toMatch(/APP=\$\{APP\}/);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#') && !line.includes('*'));
    const sources = dockerfile
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(['package-lock.json', 'apps', 'libs']));
    for (const source of sources) {
      expect({ source, exists: existsSync(path.join(ROOT, source)) }).toEqual({
        source,
        exists: true,
      });
      expect(
        ignored.filter((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
      ).toEqual([]);
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });

  it('can build every app of nest-cli.json', () => {
    const nest = JSON.parse(read('nest-cli.json')) as {
      projects: Record<string, { type: string }>;
    };
    const applications = Object.entries(nest.projects).filter(
      ([, project]) => project.type === 'application',
    );
    expect(applications.map(([name]) => name).sort()).toEqual(APPS.map((app) => app.name).sort());
  });
});

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args: Record<string, string> };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('docker/compose.yaml', () => {
  // Compose resolves merge keys (`<<: *identity`), as YAML 1.1 did.
  const compose = parse(read('docker/compose.yaml'), { merge: true }) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };
  const { services } = compose;

  it('runs RabbitMQ, PostgreSQL and every app', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['postgres', 'rabbitmq', ...APPS.map((app) => app.name)].sort(),
    );
    expect(services.rabbitmq.image).toBe('rabbitmq:4-management');
    expect(services.postgres.image).toBe('postgres:17');
  });

  it('checks the health of every service', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, test: service.healthcheck?.test[0] }).toEqual({ name, test: 'CMD' });
    }
  });

  it('keeps the infrastructure data in named volumes and lets it start alone', () => {
    for (const name of ['rabbitmq', 'postgres']) {
      const service = services[name];
      expect(service.build).toBeUndefined();
      expect(service.depends_on).toBeUndefined();
      const [volume] = service.volumes ?? [];
      expect(volume.split(':')[0] in compose.volumes).toBe(true);
    }
  });

  it.each(APPS.map((app) => [app.name, app] as const))('builds and configures %s', (name, app) => {
    const service = services[name];
    expect(service.build).toEqual({
      context: '..',
      dockerfile: 'docker/Dockerfile',
      args: { APP: name, PORT: String(app.port) },
    });
    expect(
      existsSync(path.join(ROOT, 'docker', service.build?.context ?? '', 'docker/Dockerfile')),
    ).toBe(true);
    const environment = service.environment ?? {};
    expect(Object.keys(environment).filter((key) => !app.variables.includes(key))).toEqual([]);
    expect(() => loadConfig(app.schema, environment)).not.toThrow();
    expect(environment.PORT).toBe(String(app.port));
    expect(service.healthcheck?.test.join(' ')).toContain(
      `http://127.0.0.1:${app.port}/health/ready`,
    );
    if (app.ownsData) {
      expect(new URL(environment.DATABASE_URL).hostname).toBe('postgres');
      expect(new URL(environment.DATABASE_URL).username).toBe(app.role);
      expect(new URL(environment.AMQP_URL).hostname).toBe('rabbitmq');
      // No migration Jobs here: each app bootstraps and migrates its schema on start-up.
      expect(new URL(environment.DATABASE_ADMIN_URL).hostname).toBe('postgres');
      expect(environment.DATABASE_MIGRATIONS_RUN).toBe('true');
      expect(service.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        rabbitmq: { condition: 'service_healthy' },
      });
    } else {
      expect(isObject(service.depends_on)).toBe(true);
      for (const dependency of Object.values(service.depends_on ?? {})) {
        expect(dependency.condition).toBe('service_healthy');
      }
    }
  });

  it('points the gateway at the apps by their service names and ports', () => {
    const environment = services.gateway.environment ?? {};
    for (const app of APPS.filter((a) => a.name !== 'gateway')) {
      const url = new URL(environment[`${app.name.toUpperCase().replace(/-/g, '_')}_URL`]);
      expect(url.hostname).toBe(app.name);
      expect(Number(url.port)).toBe(app.port);
      expect(services.gateway.depends_on?.[app.name]).toEqual({ condition: 'service_healthy' });
    }
    expect(environment.AUTH_DEV_TOKENS).toBe('true');
  });

  it("gives every app the gateway's identity settings, so the services verify its dev tokens", () => {
    const gateway = services.gateway.environment ?? {};
    expect(gateway.AUTH_JWT_SECRET).toMatch(/local-dev-only/);
    for (const app of APPS) {
      const environment = services[app.name].environment ?? {};
      expect({ app: app.name, AUTH_DEV_TOKENS: environment.AUTH_DEV_TOKENS }).toEqual({
        app: app.name,
        AUTH_DEV_TOKENS: 'true',
      });
      expect({ app: app.name, AUTH_JWT_SECRET: environment.AUTH_JWT_SECRET }).toEqual({
        app: app.name,
        AUTH_JWT_SECRET: gateway.AUTH_JWT_SECRET,
      });
    }
  });

  it('publishes the gateway on loopback port 3000 only (dev tokens are on) and no other app', () => {
    expect(services.gateway.ports).toEqual(['127.0.0.1:3000:3000']);
    for (const app of APPS.filter((a) => a.name !== 'gateway'))
      expect(services[app.name].ports).toBeUndefined();
  });
});
