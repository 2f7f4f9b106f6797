import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';

/** Set while a transaction's callback runs: the transaction already holds one pooled connection. */
const inTransaction = new AsyncLocalStorage<{ open: boolean }>();

type ConnectCallback = (err: Error | undefined, client: unknown, release: (err?: Error) => void) => void;
interface ConnectablePool {
  connect(callback?: ConnectCallback): unknown;
}

export class NestedConnectionError extends Error {
  constructor() {
    super(
      'A query asked the pool for a second connection while its transaction holds one. Under load every connection ' +
        "waits for another and the app wedges: pass the transaction's EntityManager down instead.",
    );
    this.name = 'NestedConnectionError';
  }
}

/**
 * Makes the deadlock of issue 10 visible wherever it hides. Inside `dataSource.transaction(cb)`,
 * code that uses `dataSource.query`, a repository or the default manager instead of the callback's
 * manager takes a second pooled connection; with as many such requests as the pool has connections,
 * each holds one and waits for another forever. Strict mode (the tests) fails such a query at once,
 * so any test that reaches the path fails; otherwise the stack is logged and the query goes on.
 */
export function guardNestedConnections(dataSource: DataSource, options: { strict: boolean; logger: Pick<Logger, 'error'> }): void {
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  // Only the callback runs marked: the transaction's own connect and BEGIN happen before it.
  type Run = (m: EntityManager) => Promise<unknown>;
  // The mark ends with the callback: work it started that outlives the transaction may connect.
  const marked = (run: unknown) =>
    typeof run === 'function'
      ? (m: EntityManager) => {
          const mark = { open: true };
          return inTransaction.run(mark, () => (run as Run)(m).finally(() => (mark.open = false)));
        }
      : run;
  manager.transaction = (isolationOrRun: unknown, run?: unknown) =>
    typeof isolationOrRun === 'function' ? transaction(marked(isolationOrRun)) : transaction(isolationOrRun, marked(run));

  const pool = (dataSource.driver as unknown as { master?: ConnectablePool }).master;
  if (!pool) throw new Error('guardNestedConnections needs an initialized PostgreSQL data source');
  const connect = pool.connect.bind(pool);
  pool.connect = (callback?: ConnectCallback) => {
    if (inTransaction.getStore()?.open) {
      const err = new NestedConnectionError();
      if (options.strict) {
        if (!callback) return Promise.reject(err);
        process.nextTick(() => callback(err, undefined, () => undefined));
        return undefined;
      }
      options.logger.error(err.stack ?? err.message);
    }
    return connect(callback);
  };
}
