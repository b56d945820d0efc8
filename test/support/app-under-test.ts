import type { DynamicModule, InjectionToken } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { BrokerConnection, connectMessageTransport } from '@app/messaging';
import { configureHttp, httpPlatform } from '@app/runtime';
import { Logger } from 'nestjs-pino';
import { adminToken, TEST_JWT_SECRET } from './dev-tokens.js';
import { ScratchDatabase } from './scratch-database.js';
import { AMQP_URL, ScratchNamespace } from './scratch-namespace.js';

export interface AppUnderTestOptions {
  /** Scratch database, dropped before the first instance starts and after the suite. */
  database: string;
  /** The app's PostgreSQL role (its search_path is the app's schema). */
  role: string;
  /** Broker namespace (AMQP_NAMESPACE), deleted after the suite. */
  namespace: string;
  /** The root module from env, as the app's main.ts builds it: config first, then module. */
  rootModule: (env: Record<string, string>) => DynamicModule;
  /** Env on top of the test defaults (silent logs, the scratch database and namespace). */
  env?: Record<string, string>;
  /** Providers replaced by test doubles, e.g. an outside service. */
  overrides?: { provide: InjectionToken; useValue: unknown }[];
}

/** Whose bearer token a request carries: an admin's unless a test says otherwise; none with null. */
export type Caller = { token: string } | null;

export interface HttpResponse {
  status: number;
  body: Record<string, unknown>;
}

/** One running instance: the Nest app and where it listens. */
export interface AppInstance {
  app: NestFastifyApplication;
  url: string;
  request: (
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    caller?: Caller,
  ) => Promise<HttpResponse>;
}

/**
 * An app booted in-process as startApp boots it (pino logs, its HTTP server, the message
 * transport), on a random port, against a database and a broker namespace of its own. Several instances may run at once.
 */
export class AppUnderTest {
  readonly database: ScratchDatabase;
  readonly namespace: ScratchNamespace;
  private readonly instances: AppInstance[] = [];
  private prepared = false;

  constructor(private readonly options: AppUnderTestOptions) {
    this.database = new ScratchDatabase(options.database);
    this.namespace = new ScratchNamespace(options.namespace);
  }

  /** Starts an instance and waits until it is connected to the broker. */
  async start(): Promise<AppInstance> {
    if (!this.prepared) {
      // A run that crashed may have left its database behind.
      await this.database.drop();
      this.prepared = true;
    }
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: this.database.urlFor(this.options.role),
      AMQP_URL,
      AMQP_NAMESPACE: this.namespace.prefix,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      ...this.options.env,
    };
    let builder = Test.createTestingModule({ imports: [this.options.rootModule(env)] });
    for (const { provide, useValue } of this.options.overrides ?? []) {
      builder = builder.overrideProvider(provide).useValue(useValue);
    }
    const moduleRef = await builder.compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(httpPlatform(), {
      bufferLogs: true,
    });
    app.useLogger(app.get(Logger));
    configureHttp(app);
    connectMessageTransport(app);
    await app.listen(0, '127.0.0.1');
    await app.startAllMicroservices();
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const instance: AppInstance = { app, url, request: (...args) => http(url, ...args) };
    this.instances.push(instance);
    await app.get(BrokerConnection).model.waitForConnect();
    return instance;
  }

  /** Stops one instance, as a crash or a scale-down would. */
  async stop(instance: AppInstance): Promise<void> {
    this.instances.splice(this.instances.indexOf(instance), 1);
    await instance.app.close();
  }

  /** Stops every instance and removes the database and the namespace. */
  async close(): Promise<void> {
    await Promise.all(this.instances.splice(0).map((instance) => instance.app.close()));
    await this.namespace.delete();
    await this.database.drop();
  }
}

/** One JSON request to an app; the body of the answer parsed, whatever its status. */
export async function http(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  caller?: Caller,
): Promise<HttpResponse> {
  const token = caller === undefined ? await adminToken() : caller?.token;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
