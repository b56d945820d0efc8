import type { INestApplication, INestMicroservice } from '@nestjs/common';
import type { CustomStrategy, NestMicroservice } from '@nestjs/microservices';
import { MessageTransport } from './message-transport.js';
import { keepThrownError } from './pipeline-errors.js';

/**
 * Connects the app's `MessageTransport` (MessagingModule) as a Nest microservice sharing the app's
 * global guards, interceptors, pipes and filters. Call it before `app.listen()` or `app.init()`,
 * and `app.startAllMicroservices()` after: only then does the app consume its queues.
 */
export function connectMessageTransport(app: INestApplication): INestMicroservice {
  const microservice = app.connectMicroservice<CustomStrategy>(
    { strategy: app.get(MessageTransport) },
    // Deferred: the handlers' pipelines are built on start, so they include the hook below and
    // every global enhancer registered until then.
    { inheritAppConfig: true, deferInitialization: true },
  ) as NestMicroservice;
  // The application runs the lifecycle hooks of the container it shares with the microservice.
  microservice.setIsInitHookCalled(true);
  microservice.registerPreRequestHook(keepThrownError);
  return microservice;
}
