import type { Writable } from 'node:stream';
import pg from 'pg';

/** What TypeORM sends to open a transaction, to set its isolation level, and to end it. */
const START = /^START TRANSACTION$/i;
const ISOLATION = /^SET TRANSACTION ISOLATION LEVEL ([A-Z ]+)$/i;
const COMMIT = /^COMMIT$/i;
const ROLLBACK = /^ROLLBACK$/i;

type Call = unknown[];

/**
 * A pg client that sends a transaction in fewer round trips, with the same effects in the same
 * order: its BEGIN goes out with its first statement (as Npgsql and PgJDBC do), and a statement
 * whose result nobody reads (`hold`, e.g. a message's reply) goes out with the next statement or
 * with COMMIT. On this machine each statement's socket write and round trip was a large part of a
 * message handler's cost (issue #11); a handler's transaction of five round trips now takes three.
 *
 * Held statements and the one that releases them are pipelined (pg's `pipeline` mode, one Sync
 * each) and corked into one write. The caller gets the releasing statement's result, or the first
 * error among them all: a held statement that failed fails the next one, and COMMIT. A COMMIT the
 * server answers with ROLLBACK (the transaction had failed) is an error here, so nothing counts as
 * committed that was not. A transaction that ends having neither run nor held a statement sends
 * nothing; one that only held statements sends them with its BEGIN and COMMIT, in one write;
 * ROLLBACK drops what it held. Anything else is pg's own, one call at a time. BEGIN on a
 * connection with no transaction open does not fail while the connection stands; when the
 * connection fails, every call on it fails.
 */
export class PipelinedTransactionClient extends pg.Client {
  private inTransaction = false;
  /** Not sent yet, oldest first: BEGIN until the first statement, then held statements. */
  private held: Call[] = [];
  private beginHeld = false;

  constructor(config: pg.ClientConfig = {}) {
    super({ ...config, pipeline: true });
  }

  /**
   * Sends `statement` with this transaction's next statement or its COMMIT, in order, and returns
   * at once. Outside a transaction there is nothing to wait for: use `query`.
   */
  hold(statement: pg.QueryConfig): void {
    if (!this.inTransaction) throw new Error('only a statement in a transaction can be held');
    this.held.push([statement]);
  }

  // pg's query has nine overloads; this one forwards each of them unchanged.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...call: Call): any {
    const [config, values] = call;
    const control = typeof config === 'string' && values === undefined ? config : undefined;
    if (control !== undefined) {
      if (!this.inTransaction && START.test(control)) {
        this.inTransaction = true;
        this.beginHeld = true;
        this.held = [['BEGIN']];
        return done('BEGIN');
      }
      const isolation = this.beginHeld ? ISOLATION.exec(control) : null;
      if (isolation) {
        this.held[0] = [`BEGIN ISOLATION LEVEL ${isolation[1]}`];
        return done('SET');
      }
      const ending = COMMIT.test(control) ? 'COMMIT' : ROLLBACK.test(control) ? 'ROLLBACK' : '';
      if (ending) {
        const begun = !this.beginHeld;
        this.inTransaction = false;
        this.beginHeld = false;
        // Statements held behind a BEGIN not sent yet are committed with it, in one write.
        if (ending === 'COMMIT' && (begun || this.held.length > 1)) {
          return this.sendWithHeld(call).then(committed);
        }
        this.held = [];
        // Nothing ran: there is nothing to commit or roll back.
        if (!begun) return done(ending);
      }
    }
    if (this.held.length === 0) return super.query(...(call as [pg.QueryConfig]));
    this.beginHeld = false;
    return this.sendWithHeld(call);
  }

  /** Sends what is held, then `call`, in one write; `call`'s result or the first failure. */
  private sendWithHeld(call: Call): Promise<unknown> {
    const held = this.held;
    this.held = [];
    const socket = (this as unknown as { connection: { stream: Writable } }).connection.stream;
    socket.cork();
    try {
      const sent = [...held, call].map((each) =>
        Promise.resolve(super.query(...(each as [pg.QueryConfig]))),
      );
      return Promise.allSettled(sent).then((outcomes) => {
        // The first failure in the order sent: a held statement's fails every one after it.
        const failed = outcomes.findIndex((outcome) => outcome.status === 'rejected');
        if (failed === -1) return (outcomes.at(-1) as PromiseFulfilledResult<unknown>).value;
        throw (outcomes[failed] as PromiseRejectedResult).reason;
      });
    } finally {
      socket.uncork();
    }
  }
}

function done(command: string): Promise<pg.QueryResult> {
  return Promise.resolve({ command, rowCount: null, oid: 0, rows: [], fields: [] });
}

/** PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not with an error. */
function committed(result: unknown): unknown {
  if ((result as pg.QueryResult).command === 'ROLLBACK') {
    throw new Error('COMMIT was answered with ROLLBACK: a statement of the transaction had failed');
  }
  return result;
}
