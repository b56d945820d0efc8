import { Injectable } from '@nestjs/common';

/** Counters of the messaging layer, read by a metrics endpoint or a test. */
@Injectable()
export class MessagingMetrics {
  handled = 0;
  duplicates = 0;
  failureReplies = 0;
  retries = 0;
  deadLettered = 0;
  published = 0;
}
