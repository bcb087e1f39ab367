import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config';
import { createApp, type App } from './app';

export interface RunningServer {
  app: App;
  server: Server;
  url: string;
  /** Graceful stop: refuse new connections, let in-flight requests finish, then close queues and connections. */
  stop: () => Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const app = createApp(config);
  const server = createServer(
    {
      // Node refuses a headers timeout above the request timeout.
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      // The timeouts are checked this often (Node's default is 30 s, which would stretch a 1 s timeout to 30).
      connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
    app.listener,
  );
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      app.draining.value = true;
      const log = app.deps.logger;
      log.info('shutting down: draining requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections go idle once their last response is sent; close them as they do.
      const reaper = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      void closed.finally(() => clearInterval(reaper));
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), config.SHUTDOWN_TIMEOUT_MS).unref());
      if ((await Promise.race([closed, timeout])) === 'timeout') {
        log.warn('drain timed out; closing remaining connections');
        server.closeAllConnections();
        clearInterval(reaper);
      }
      await app.close();
      log.info('shut down');
    })());
  return { app, server, url, stop };
}

// Run directly: `tsx src/server.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`carmall-bff: ${err.message}\nSee README.md, "Environment variables".`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const running = await startServer(config);
  running.app.deps.logger.info({ url: running.url, h5: Boolean(config.STATIC_H5_DIR) }, 'carmall BFF listening');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
