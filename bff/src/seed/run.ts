/** `pnpm --filter @carmall/bff seed [--force]`: seed the demo lineup into MONGODB_URI once. */
import { loadConfig } from '../config';
import { createLogger } from '../infra/logger';
import { connectMongo } from '../infra/mongo';
import { seedDemoData } from './seed';
import { DEMO_ADVISORS, seedDemoAdvisors } from './advisors';
import { seedDemoSites } from './sites';
import { PiiCipher, parseKeyring } from '../infra/crypto';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const mongo = connectMongo(config.MONGODB_URI, logger);
const timeout = setTimeout(() => {
  logger.error('MongoDB did not answer within 30 s (MONGODB_URI)');
  process.exit(1);
}, 30_000);
await mongo.connected;
clearTimeout(timeout);
const result = await seedDemoData(mongo.conn, { force: process.argv.includes('--force') });
console.log(result.seeded ? `seeded ${result.models} models` : 'demo data already present (use --force to reseed)');
// Demo advisors (H5 SMS login by phone): idempotent, on every run.
const advisors = await seedDemoAdvisors(mongo.conn, new PiiCipher(parseKeyring(config.PII_KEYS, config.PII_ACTIVE_KEY), config.PII_BLIND_INDEX_KEY));
console.log(`demo service centres and stores: ${await seedDemoSites(mongo.conn)}`);
console.log(`demo advisors: ${DEMO_ADVISORS.map((a) => `${a.displayName} ${a.phone}`).join(', ')} (${advisors.length})`);
await mongo.close();
