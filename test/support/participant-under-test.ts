import { AppUnderTest, type AppInstance, type AppUnderTestOptions } from './app-under-test.js';
import { CommandClient } from './command-client.js';

export interface ParticipantOptions extends Omit<
  AppUnderTestOptions,
  'database' | 'role' | 'namespace'
> {
  /** order, credit or payment: its role, commands queue and scratch names follow from it. */
  service: 'order' | 'credit' | 'payment';
}

/**
 * A participant (order, credit or payment) booted in-process against its scratch database and
 * namespace, with a CommandClient playing the orchestrator: commands in, replies out.
 */
export class ParticipantUnderTest {
  readonly orchestrator: CommandClient;
  private readonly appUnderTest: AppUnderTest;
  private instance?: AppInstance;

  constructor(private readonly options: ParticipantOptions) {
    this.appUnderTest = new AppUnderTest({
      ...options,
      database: `sagaflow_it_${options.service}`,
      role: `sagaflow_${options.service}`,
      namespace: `it-${options.service}.`,
    });
    this.orchestrator = new CommandClient(this.appUnderTest.namespace.prefix);
  }

  get app(): AppInstance['app'] {
    return this.running.app;
  }

  get request(): AppInstance['request'] {
    return this.running.request;
  }

  /** Boots the app and returns once it consumes its commands queue. */
  async start(): Promise<void> {
    this.instance = await this.appUnderTest.start();
    await this.orchestrator.open();
    await this.appUnderTest.namespace.waitForConsumers(`${this.options.service}.commands`);
  }

  async stop(): Promise<void> {
    await this.orchestrator.close();
    await this.appUnderTest.close();
  }

  private get running(): AppInstance {
    if (!this.instance) throw new Error('ParticipantUnderTest.start() first');
    return this.instance;
  }
}
