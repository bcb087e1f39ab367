/**
 * `pnpm --filter @carmall/bff worker`: the BullMQ workers without the HTTP API, for running jobs
 * in their own process (set RUN_WORKERS=false on the API processes then). Stops gracefully on
 * SIGTERM: the current jobs finish; unfinished ones are picked up again on restart.
 */
import { ConfigError, loadConfig } from './config';
import { createApp } from './app';

let config;
try {
  config = { ...loadConfig(), RUN_WORKERS: true };
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`carmall-worker: ${err.message}`);
    process.exit(78);
  }
  throw err;
}
const app = createApp(config);
app.deps.logger.info('carmall workers running');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
