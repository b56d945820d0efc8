import { withMessagingTables } from '@app/messaging';
import type { SchemaDefinition } from '@app/persistence';
import { Payment } from './payment.entity.js';
import { CreatePayments1795653838246 } from './migrations/1795653838246-create-payments.js';
import { FenceAndVoidPayments1795655100000 } from './migrations/1795655100000-fence-and-void-payments.js';
import { RecordDeclinedPayments1795670000000 } from './migrations/1795670000000-record-declined-payments.js';
import { SettlePaymentsOutsideTransactions1795690000000 } from './migrations/1795690000000-settle-payments-outside-transactions.js';
import { RefundPayments1795720000002 } from './migrations/1795720000002-refund-payments.js';
import { AnswerCancelsAtOnce1795740000000 } from './migrations/1795740000000-answer-cancels-at-once.js';

/** The `payments` schema: owned by payment alone, changed only by these migrations. */
// With the outbox and inbox tables of @app/messaging, so `main.js migrate` makes them too.
export const paymentSchema: SchemaDefinition = withMessagingTables({
  schema: 'payments',
  entities: [Payment],
  migrations: [
    CreatePayments1795653838246,
    FenceAndVoidPayments1795655100000,
    RecordDeclinedPayments1795670000000,
    SettlePaymentsOutsideTransactions1795690000000,
    RefundPayments1795720000002,
    AnswerCancelsAtOnce1795740000000,
  ],
});
