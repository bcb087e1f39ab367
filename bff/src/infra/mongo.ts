import mongoose, { type Connection } from 'mongoose';
import type { Logger } from './logger';

/**
 * One mongoose connection per app instance (tests run several apps, each with its own database).
 * Commands are not buffered: while the database is down a request fails at once with 503 instead
 * of hanging. The first connection is retried in the background so the BFF can start (and report
 * not-ready on /readyz) before MongoDB is up.
 */
export interface Mongo {
  conn: Connection;
  ready: () => boolean;
  ping: () => Promise<void>;
  close: () => Promise<void>;
  /** Resolves once connected (used by scripts that need the database, e.g. the seeder). */
  connected: Promise<void>;
}

export function connectMongo(uri: string, logger: Logger, opts: { retryMs?: number } = {}): Mongo {
  const conn = mongoose.createConnection();
  conn.set('autoIndex', true);
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const safeUri = uri.replace(/\/\/[^@/]*@/, '//***@');

  const connected = new Promise<void>((resolve) => {
    const attempt = () => {
      conn
        .openUri(uri, { serverSelectionTimeoutMS: 3000, maxPoolSize: 20, bufferCommands: false })
        .then(() => {
          logger.info({ uri: safeUri }, 'mongodb connected');
          resolve();
        })
        .catch((err: Error) => {
          if (closed) return;
          logger.error({ uri: safeUri, err: err.message }, 'mongodb not reachable (MONGODB_URI); retrying');
          timer = setTimeout(attempt, opts.retryMs ?? 2000);
        });
    };
    attempt();
  });

  return {
    conn,
    connected,
    ready: () => conn.readyState === 1,
    ping: async () => {
      if (conn.readyState !== 1 || !conn.db) throw new Error('not connected');
      await conn.db.admin().command({ ping: 1 });
    },
    close: async () => {
      closed = true;
      clearTimeout(timer);
      await conn.close().catch(() => undefined);
    },
  };
}

/** The same MongoDB URI pointing at another database (hosts and options kept). */
export function withDatabase(uri: string, db: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, `$1/${db}`);
}

/** A write refused by a unique index (E11000), as both MongoDB and the test server report it. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number } | null)?.code === 11000;
}
