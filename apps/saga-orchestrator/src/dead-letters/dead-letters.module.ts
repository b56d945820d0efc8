import { Module } from '@nestjs/common';
import { DeadLetterCollector } from './dead-letter-collector.js';
import { DeadLetterStore } from './dead-letter-store.js';
import { DeadLettersController } from './dead-letters.controller.js';
import { DeadLettersService } from './dead-letters.service.js';

/**
 * The operator's back office for dead letters: collects them from every dead-letter queue of the
 * namespace, lists them, replays or discards each one. Needs the messaging and persistence modules.
 */
@Module({
  controllers: [DeadLettersController],
  providers: [DeadLetterStore, DeadLetterCollector, DeadLettersService],
})
export class DeadLettersModule {}
