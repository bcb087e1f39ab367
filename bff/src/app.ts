import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import { serveH5 } from './infra/static';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import { createLogger, type Logger } from './infra/logger';
import { errorHandler, requestContext } from './infra/middleware';
import { connectMongo, type Mongo } from './infra/mongo';
import { connectRedis } from './infra/redis';
import { mountRoutes, type AnyRoute } from './infra/route';
import { fastLane } from './infra/fast-lane';
import { buildOpenApi } from './infra/openapi';
import { AuthService } from './modules/auth/service';
import { authRoutes } from './modules/auth/routes';
import { SessionStore } from './modules/auth/session';
import { WechatClient } from './modules/auth/wechat-client';
import { AlipayAuthClient } from './modules/auth/alipay-client';
import { SmsClient } from './modules/auth/sms-client';
import { SmsCodes } from './modules/auth/sms-codes';
import { PiiCipher, parseKeyring } from './infra/crypto';
import { RateLimiter } from './infra/rate-limit';
import { proxyWarning, writeLimits, writeRateLimit } from './modules/auth/write-limit';
import { AuditLog } from './modules/audit/service';
import { UserService } from './modules/users/service';
import { userRoutes } from './modules/users/routes';
import { ReadThroughCache } from './infra/cache';
import { CatalogService } from './modules/catalog/service';
import { catalogRoutes } from './modules/catalog/routes';
import { RivalService } from './modules/rivals/service';
import { rivalRoutes } from './modules/rivals/routes';
import { CatalogAdminService } from './modules/catalog-admin/service';
import { catalogAdminRoutes } from './modules/catalog-admin/routes';
import { ConfigurationService } from './modules/configurations/service';
import { configurationRoutes } from './modules/configurations/routes';
import { BankClient } from './modules/finance/bank-client';
import { FinanceService } from './modules/finance/service';
import { financeRoutes } from './modules/finance/routes';
import { healthRouter } from './modules/health/routes';
import { readFileSync } from 'node:fs';
import type { Queue, Worker } from 'bullmq';
import { createQueueConnection } from './infra/redis';
import { Locks } from './infra/lock';
import { createOrderQueue, startOrderWorker } from './jobs/order-jobs';
import { InventoryService } from './modules/inventory/service';
import { inventoryRoutes } from './modules/inventory/routes';
import { OrderService } from './modules/orders/service';
import { orderRoutes } from './modules/orders/routes';
import { OrderAdmin } from './modules/orders/admin';
import { orderAdminRoutes } from './modules/orders/admin-routes';
import { OrderDashboard } from './modules/orders/dashboard';
import { LaunchService } from './modules/launches/service';
import { launchRoutes } from './modules/launches/routes';
import { PaymentService } from './modules/payments/service';
import { alipayNotifyRouter, paymentNotifyRouter } from './modules/payments/routes';
import { NotifyFailureLimit } from './modules/payments/notify-limit';
import { AlipayClient } from './modules/payments/alipay';
import { WechatPayClient } from './modules/payments/wechatpay';
import { DmsClient, dmsOrderSender } from './modules/dms/client';
import { OrderOutbox } from './modules/orders/outbox';
import { wechatShippingSender } from './modules/payments/shipping';
import { mediaRouter } from './modules/media/routes';
import { createReconciliationQueue, startReconciliationWorker } from './jobs/reconciliation-jobs';
import { ReconciliationService } from './modules/reconciliation/service';
import { reconciliationRoutes } from './modules/reconciliation/routes';
import { TmsClient } from './modules/tracking/tms-client';
import { TrackingService } from './modules/tracking/service';
import { trackingRoutes, trackingWebhookRouter } from './modules/tracking/routes';
import { TrackingNotifier } from './modules/tracking/notifications';
import { NotificationSender } from './modules/notifications/sender';
import { VehicleService } from './modules/vehicles/service';
import { vehicleRoutes } from './modules/vehicles/routes';
import { VehicleClaims } from './modules/vehicles/claims';
import { ReminderService } from './modules/reminders/service';
import { SubscriptionLedger } from './modules/reminders/ledger';
import { WechatMessageSender } from './modules/reminders/wechat-sender';
import { reminderRoutes } from './modules/reminders/routes';
import { createReminderQueue, startReminderWorker } from './jobs/reminder-jobs';
import { Aggregates } from './modules/analytics/aggregates';
import { AnalyticsService, FUNNEL_WINDOW_SECONDS } from './modules/analytics/service';
import { ExperimentService } from './modules/analytics/experiments';
import { analyticsRoutes } from './modules/analytics/routes';
import { ShareService } from './modules/advisors/service';
import { LeadService } from './modules/advisors/leads';
import { PosterService } from './modules/advisors/poster';
import { WxacodeClient } from './modules/advisors/wxacode-client';
import { SlotService } from './modules/slots/service';
import { slotRoutes } from './modules/slots/routes';
import { ServiceBookingService } from './modules/service-bookings/service';
import { serviceBookingRoutes } from './modules/service-bookings/routes';
import { advisorRoutes, testDriveRoutes } from './modules/advisors/routes';
import { DyplsClient } from './modules/privacy-calls/dypls-client';
import { privacyCallRoutes } from './modules/privacy-calls/routes';
import { PrivacyCallService } from './modules/privacy-calls/service';
import { StoreSlots, TestDriveService } from './modules/advisors/test-drives';
import { RecommendationService } from './modules/recommendations/service';
import { recommendationRoutes } from './modules/recommendations/routes';
import { createRecommendationQueue, startRecommendationWorker } from './jobs/recommendation-jobs';
import { BookingNoticeService } from './modules/booking-notices/service';
import { createBookingNoticeQueue, startBookingNoticeWorker } from './jobs/booking-notice-jobs';

export const API_VERSION = '0.1.0';

export interface AppContext {
  config: Config;
  logger: Logger;
  mongo: Mongo;
  redis: Redis;
}

/** Everything the process owns, so start-up and shutdown (and tests) handle it in one place. */
export interface App {
  koa: Koa;
  /** The server's request listener: the fast lane's few routes, then Koa for everything else. */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  deps: AppContext;
  /** The API's route specs under /api/v1 (the OpenAPI document is built from them; the contract test replays them). */
  routes: AnyRoute[];
  /** Set by the server while shutting down: /readyz answers 503 so the load balancer drains us. */
  draining: { value: boolean };
  close: () => Promise<void>;
}

/** The WeChat Pay adapter, when the merchant is configured (key material is read from files). */
function createWechatPay(config: Config): WechatPayClient | null {
  if (!config.WXPAY_MCHID) return null;
  const platformPublicKeys = Object.fromEntries(
    config.WXPAY_PLATFORM_KEY_FILES!.split(',').map((pair) => {
      const [serial, file] = pair.split('=');
      return [serial, readFileSync(file, 'utf8')];
    }),
  );
  return new WechatPayClient({
    apiBase: config.WXPAY_API_BASE,
    appid: config.WECHAT_APPID,
    mchid: config.WXPAY_MCHID,
    merchantSerial: config.WXPAY_MERCHANT_SERIAL!,
    merchantPrivateKeyPem: readFileSync(config.WXPAY_MERCHANT_KEY_FILE!, 'utf8'),
    platformPublicKeys,
    apiV3Key: config.WXPAY_APIV3_KEY!,
    notifyUrl: `${config.PUBLIC_BASE_URL!.replace(/\/$/, '')}/api/v1/payments/wechat/notify`,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    breakerResetMs: config.WXPAY_BREAKER_RESET_MS,
  });
}

/** The Alipay adapter, when the app is configured. */
function createAlipay(config: Config): AlipayClient | null {
  if (!config.ALIPAY_APP_ID) return null;
  return new AlipayClient({
    gatewayUrl: config.ALIPAY_GATEWAY_URL,
    appId: config.ALIPAY_APP_ID,
    appPrivateKeyPem: readFileSync(config.ALIPAY_APP_PRIVATE_KEY_FILE!, 'utf8'),
    alipayPublicKeyPem: readFileSync(config.ALIPAY_PUBLIC_KEY_FILE!, 'utf8'),
    notifyUrl: `${(config.PUBLIC_BASE_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, '')}/api/v1/payments/alipay/notify`,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
}

export function createApp(config: Config, opts: { logger?: Logger } = {}): App {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const mongo = connectMongo(config.MONGODB_URI, logger);
  const redis = connectRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, logger);
  const deps: AppContext = { config, logger, mongo, redis };
  const draining = { value: false };

  // Domain modules: each gets only what it needs.
  const sessions = new SessionStore(redis, config.SESSION_SECRET, config.SESSION_TTL_SECONDS, config.ACCESS_TOKEN_TTL_SECONDS);
  const wechat = new WechatClient({
    baseUrl: config.WECHAT_API_BASE,
    appId: config.WECHAT_APPID,
    secret: config.WECHAT_SECRET,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  const catalogCache = new ReadThroughCache(redis, 'catalog', logger);
  const locks = new Locks(redis);
  // Accounts: personal data encrypted under the PII keyring, staff actions audited, abuse limits in Redis.
  const cipher = new PiiCipher(parseKeyring(config.PII_KEYS, config.PII_ACTIVE_KEY), config.PII_BLIND_INDEX_KEY);
  const audit = new AuditLog(mongo.conn);
  const limiter = new RateLimiter(redis);
  const users = new UserService(mongo.conn, cipher, locks, sessions, audit, {
    listAllOfBuyer: (buyerId) => orders.listAllOfBuyer(buyerId),
    countUnsettledOf: (buyerId) => orders.countUnsettledOf(buyerId),
  });
  void mongo.connected.then(() => users.migrateIndexes()).catch((err) => logger.warn({ err }, 'users index migration failed'));
  const auth = new AuthService(
    users,
    sessions,
    limiter,
    { loginPerIpPerMin: config.RATE_LIMIT_LOGIN_PER_IP_PER_MIN, smsPerIpPerHour: config.RATE_LIMIT_SMS_PER_IP_PER_HOUR },
    wechat,
    config.SMS_ACCESS_KEY_ID
      ? new SmsClient({
          baseUrl: config.SMS_API_BASE,
          accessKeyId: config.SMS_ACCESS_KEY_ID,
          accessKeySecret: config.SMS_ACCESS_KEY_SECRET!,
          signName: config.SMS_SIGN_NAME,
          templateCode: config.SMS_TEMPLATE_CODE,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        })
      : null,
    new SmsCodes(redis, config.SESSION_SECRET),
    config.ALIPAY_APP_ID
      ? new AlipayAuthClient({
          gatewayUrl: config.ALIPAY_GATEWAY_URL,
          appId: config.ALIPAY_APP_ID,
          appPrivateKeyPem: readFileSync(config.ALIPAY_APP_PRIVATE_KEY_FILE!, 'utf8'),
          alipayPublicKeyPem: readFileSync(config.ALIPAY_PUBLIC_KEY_FILE!, 'utf8'),
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        })
      : null,
  );
  const rivals = new RivalService(mongo.conn);
  const catalog = new CatalogService(mongo.conn, catalogCache, locks, (code) => rivals.get(code));
  const configurations = new ConfigurationService(mongo.conn, catalog);
  const finance = new FinanceService(
    redis,
    config.BANK_API_BASE ? new BankClient({ baseUrl: config.BANK_API_BASE, appId: config.BANK_APP_ID, secret: config.BANK_SECRET, timeoutMs: config.UPSTREAM_TIMEOUT_MS }) : null,
    configurations,
    logger,
    { ttlSeconds: config.FINANCE_RATES_TTL_SECONDS, retrySeconds: config.FINANCE_BANK_RETRY_SECONDS },
  );

  // Orders and payments, with their BullMQ jobs (own Redis connections: BullMQ blocks on them).
  const inventory = new InventoryService(mongo.conn, redis, locks);
  const orders = new OrderService(mongo.conn, configurations, inventory, logger, locks, {
    paymentTimeoutSeconds: config.ORDER_PAYMENT_TIMEOUT_SECONDS,
    inlineBudgetMs: config.ORDER_INLINE_BUDGET_MS,
    writeConcurrency: config.ORDER_WRITE_CONCURRENCY,
  });
  const payments = new PaymentService(mongo.conn, createWechatPay(config), orders, inventory, (id) => users.channelAccountOf(id), logger, config.WECHAT_APPID, config.WXPAY_MCHID ?? '', createAlipay(config), config.ALIPAY_APP_ID ?? '', config.PUBLIC_BASE_URL ?? `http://${config.HOST}:${config.PORT}`);
  const bullPrefix = `${config.REDIS_KEY_PREFIX}bull`;
  const queueConnection = createQueueConnection(config.REDIS_URL);
  const orderQueue = createOrderQueue(queueConnection, bullPrefix);
  orders.jobs = orderQueue;
  const workers: Worker[] = [];
  const dms = config.DMS_API_BASE ? new DmsClient({ baseUrl: config.DMS_API_BASE, keyId: config.DMS_KEY_ID, secret: config.DMS_SECRET, timeoutMs: config.UPSTREAM_TIMEOUT_MS }) : null;
  const outbox = new OrderOutbox(
    orders,
    {
      ...(dms ? { 'dms.order_locked': dmsOrderSender(dms, config.DMS_DEALER_CODE) } : {}),
      ...(config.WXPAY_MCHID
        ? {
            'wechat.shipping_info': wechatShippingSender({
              baseUrl: config.WECHAT_API_BASE,
              mchid: config.WXPAY_MCHID,
              timeoutMs: config.UPSTREAM_TIMEOUT_MS,
              accessToken: (stale) => messageSender.accessToken(stale), // the shared, Redis-cached WeChat access token
              openidOf: async (buyerId) => (await users.channelAccountOf(buyerId))?.wechatOpenId ?? null,
            }),
          }
        : {}),
    },
    logger,
    locks,
  );
  // Launches (首发抢购): scheduling, the waiting room, admission-gated orders.
  const launches = new LaunchService(mongo.conn, inventory, orders, configurations, audit, logger, {
    secret: `${config.SESSION_SECRET ?? 'dev-session-secret'}:launch-admission`,
    buyersPerIp: config.LAUNCH_BUYERS_PER_IP,
  });
  if (config.RUN_WORKERS)
    workers.push(
      startOrderWorker(createQueueConnection(config.REDIS_URL), bullPrefix, { payments, outbox, orders, launches, queue: orderQueue }, logger, {
        stockSweepEveryMs: config.STOCK_SWEEP_EVERY_MS,
        stockSweepGraceMs: config.STOCK_SWEEP_GRACE_MS,
      }),
    );
  const queues: Queue[] = [orderQueue];
  // Daily reconciliation with WeChat Pay's bill (its own WeChat Pay client: a batch job must not trip the buyers' breaker).
  const reconciliation = new ReconciliationService(mongo.conn, orders, payments, createWechatPay(config), locks, logger);
  const reconciliationQueue = createReconciliationQueue(queueConnection, bullPrefix);
  queues.push(reconciliationQueue);
  if (config.RUN_WORKERS) workers.push(startReconciliationWorker(createQueueConnection(config.REDIS_URL), bullPrefix, { reconciliation, queue: reconciliationQueue }, logger));
  // Delivery tracking: TMS shipments, its webhook events, ETA (shipments are created when staff ship an order).
  const tms = config.TMS_API_BASE ? new TmsClient({ baseUrl: config.TMS_API_BASE, keyId: config.TMS_KEY_ID, secret: config.TMS_SECRET, timeoutMs: config.UPSTREAM_TIMEOUT_MS }) : null;
  const tracking = new TrackingService(mongo.conn, orders, locks, logger, tms, {
    webhookSecret: config.TMS_WEBHOOK_SECRET,
    delayAlertMinutes: config.TRACKING_DELAY_ALERT_MINUTES,
    ...(config.PUBLIC_BASE_URL ? { callbackUrl: `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/api/v1/tracking/tms/events` } : {}),
  });
  // Owned vehicles, maintenance reminders and staff campaigns (WeChat subscribe messages + in-app message centre).
  const vehicles = new VehicleService(mongo.conn, catalog, locks, (id) => users.exists(id), () => orders.listDelivered());
  // A car handed over is in its owner's garage at once (with its real VIN).
  tracking.onDelivered = (o) =>
    vehicles.registerFromDeliveredOrder({ orderNo: o.orderNo, buyerId: o.buyerId, modelCode: o.modelCode, trimCode: o.trimCode, vin: o.vin, deliveredAt: new Date(o.stateSince ?? Date.now()) });
  // 添加我的车: a car sold elsewhere, found in the DMS; its owner's phone is compared by the users module.
  const vehicleClaims = new VehicleClaims({
    vehicles,
    lookupVin: dms ? (vin) => dms.vehicleByVin(vin) : null,
    comparePhone: (userId, phone) => users.comparePhone(userId, phone),
    audit,
    limiter,
    locks,
    logger,
    claimsPerUserPerDay: config.RATE_LIMIT_VEHICLE_CLAIMS_PER_USER_PER_DAY,
    lockMs: 2 * config.UPSTREAM_TIMEOUT_MS + 5_000,
  });
  const messageSender = new WechatMessageSender(
    { baseUrl: config.WECHAT_API_BASE, appId: config.WECHAT_APPID, secret: config.WECHAT_SECRET, timeoutMs: config.UPSTREAM_TIMEOUT_MS, miniprogramState: config.WECHAT_MINIPROGRAM_STATE, dailyQuota: config.WECHAT_SUBSCRIBE_DAILY_QUOTA },
    redis,
    locks,
  );
  const reminderLedger = new SubscriptionLedger(mongo.conn, redis);
  const reminders = new ReminderService(mongo.conn, vehicles, reminderLedger, new NotificationSender(mongo.conn, reminderLedger, messageSender, (id) => users.channelAccountOf(id)), locks, logger, {
    templateId: config.WECHAT_TEMPLATE_MAINTENANCE,
    leadDays: config.REMINDER_LEAD_DAYS,
    // `topic` tells the mini-program which to ask for where: booking ones at the booking tap, the others at 订阅提醒.
    extraTemplates: [
      { templateId: config.WECHAT_TEMPLATE_DELIVERY, name: '物流状态通知', topic: 'delivery' },
      { templateId: config.WECHAT_TEMPLATE_BOOKING, name: '预约结果通知', topic: 'booking' },
      { templateId: config.WECHAT_TEMPLATE_BOOKING_REMINDER, name: '预约提醒', topic: 'booking_reminder' },
    ],
    // Outlives one delivery (an access-token fetch and a send, each bounded by the upstream
    // timeout) but not by much, so a killed worker's lock does not hold its reminders up for long.
    deliveryLockMs: 3 * config.UPSTREAM_TIMEOUT_MS + 5_000,
    // Called during scans only, after serviceBookings below exists.
    bookedIn: (ids, now) => serviceBookings.carsWithUpcomingVisit(ids, now),
  });
  const reminderQueue = createReminderQueue(queueConnection, bullPrefix, { attempts: config.REMINDER_ATTEMPTS, backoffMs: config.REMINDER_BACKOFF_MS });
  reminders.jobs = reminderQueue;
  // Delivery milestone/delay alerts go through the same message centre + WeChat sender as reminders.
  tracking.notifier = new TrackingNotifier(mongo.conn, new NotificationSender(mongo.conn, new SubscriptionLedger(mongo.conn, redis), messageSender, (id) => users.channelAccountOf(id)), locks, logger, { templateId: config.WECHAT_TEMPLATE_DELIVERY });
  queues.push(reminderQueue);
  if (config.RUN_WORKERS)
    workers.push(
      startReminderWorker(
        createQueueConnection(config.REDIS_URL),
        bullPrefix,
        { reminders, queue: reminderQueue },
        { concurrency: config.REMINDER_CONCURRENCY, ratePerSecond: config.REMINDER_SEND_RATE_PER_SECOND, scanEveryMs: config.REMINDER_SCAN_EVERY_MS, jobLockMs: config.REMINDER_JOB_LOCK_MS },
        logger,
      ),
    );

  // Bookable slots at service centres and stores (service bookings, test drives): no double booking.
  const slots = new SlotService(mongo.conn, locks);
  const serviceBookings = new ServiceBookingService(slots, vehicles, users, locks);

  // Sales advisors: shares, visits, posters (WeChat mini-program codes), attribution and leads.
  const posters = new PosterService(
    redis,
    new WxacodeClient({ baseUrl: config.WECHAT_API_BASE, timeoutMs: config.UPSTREAM_TIMEOUT_MS, envVersion: config.WECHAT_WXACODE_ENV, accessToken: (stale) => messageSender.accessToken(stale) }),
    locks,
    logger,
  );
  const shares = new ShareService(mongo.conn, catalog, configurations, locks, posters, logger, {
    shareTtlDays: config.SHARE_TTL_DAYS,
    attributionWindowDays: config.ATTRIBUTION_WINDOW_DAYS,
    publicBaseUrl: config.PUBLIC_BASE_URL ?? null,
  });
  const leads = new LeadService(mongo.conn, cipher, locks, shares, users, logger, (userId) => slots.staffSite(userId));
  // Advisors' 隐私号 calls to leads; a closed lead's numbers stop relaying at once.
  const privacyCalls = new PrivacyCallService(
    mongo.conn,
    config.PRIVACY_NUMBER_ACCESS_KEY_ID
      ? new DyplsClient({
          baseUrl: config.PRIVACY_NUMBER_API_BASE,
          accessKeyId: config.PRIVACY_NUMBER_ACCESS_KEY_ID,
          accessKeySecret: config.PRIVACY_NUMBER_ACCESS_KEY_SECRET!,
          poolKey: config.PRIVACY_NUMBER_POOL_KEY!,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
        })
      : null,
    leads,
    users,
    audit,
    locks,
    config.PRIVACY_NUMBER_BINDING_MINUTES,
  );
  leads.onClosed = (leadId) => privacyCalls.endCalls(leadId);
  const testDrives = new TestDriveService(mongo.conn, new StoreSlots(slots), catalog, shares, leads, cipher, locks, logger);

  // Booking confirmations and reminders (test drives, service visits; a handover booking registers
  // its kind the same way): in-app at once, WeChat (own templates and opt-ins) and reminders as BullMQ jobs.
  const bookingNotices = new BookingNoticeService(mongo.conn, new NotificationSender(mongo.conn, reminderLedger, messageSender, (id) => users.channelAccountOf(id)), locks, logger, {
    bookingTemplateId: config.WECHAT_TEMPLATE_BOOKING,
    reminderTemplateId: config.WECHAT_TEMPLATE_BOOKING_REMINDER,
    lockMs: 3 * config.UPSTREAM_TIMEOUT_MS + 5_000,
  });
  const bookingNoticeQueue = createBookingNoticeQueue(queueConnection, bullPrefix, { attempts: config.REMINDER_ATTEMPTS, backoffMs: config.REMINDER_BACKOFF_MS });
  bookingNotices.jobs = bookingNoticeQueue;
  queues.push(bookingNoticeQueue);
  // Asked back when a notice is due (cancelled or moved: skipped); passed in here, so no module imports the other's service.
  bookingNotices.register('test_drive', (id) => testDrives.noticeSnapshot(id));
  bookingNotices.register('service', (id) => serviceBookings.noticeSnapshot(id));
  testDrives.notices = bookingNotices;
  serviceBookings.notices = bookingNotices;
  if (config.RUN_WORKERS)
    workers.push(
      startBookingNoticeWorker(
        createQueueConnection(config.REDIS_URL),
        bullPrefix,
        { notices: bookingNotices },
        { concurrency: 5, ratePerSecond: config.REMINDER_SEND_RATE_PER_SECOND, jobLockMs: config.REMINDER_JOB_LOCK_MS },
        logger,
      ),
    );

  // Tracking events, funnels and A/B experiments: raw events in MongoDB, every report from Redis pre-aggregates.
  const analyticsAggregates = new Aggregates(redis, FUNNEL_WINDOW_SECONDS);
  const experiments = new ExperimentService(mongo.conn, analyticsAggregates, locks, logger);
  const analytics = new AnalyticsService(mongo.conn, analyticsAggregates, experiments, logger);
  void mongo.connected.then(() => analytics.ensureDefaults()).catch((err) => logger.warn({ err }, 'default funnel not created'));

  // Recommendations: buyer events recorded by the modules below, neighbours retrained by a BullMQ job.
  const recommendations = new RecommendationService(mongo.conn, redis, catalog, logger, { neighbours: config.RECO_NEIGHBOURS, recentEvents: 200 }, (ours, limit) =>
    rivals.closestTo(ours, limit),
  );
  const recommendationQueue = createRecommendationQueue(queueConnection, bullPrefix);
  queues.push(recommendationQueue);
  if (config.RUN_WORKERS)
    workers.push(startRecommendationWorker(createQueueConnection(config.REDIS_URL), bullPrefix, { recommendations, queue: recommendationQueue }, { trainEveryMs: config.RECO_TRAIN_EVERY_MS }, logger));
  // Who else acts when an order is written: the advisor's credit, recommendations.
  orders.hooks = {
    creditFor: (buyerId) => shares.creditForOrder(buyerId),
    recordCredit: (order, credit) => shares.recordOrderCredit(order, credit),
    afterPlaced: [(order) => recordEvent(order.buyerId, order.modelCode, 'order', order.orderNo)],
  };
  const recordEvent = (userId: string, modelCode: string, kind: 'view' | 'configure' | 'compare' | 'quote' | 'order', naturalId?: string) =>
    recommendations.recordQuietly({ userId, modelCode, kind, ...(naturalId ? { naturalId } : {}) });

  // The staff console's order pages: orders query, the others answer through functions (the buyer's
  // phone matched and masked by users, advisors' names, the shipment in brief).
  const orderAdmin = new OrderAdmin(orders, audit, {
    buyerIdsByPhone: (phone) => users.idsByPhone(phone),
    maskedContacts: (ids) => users.maskedContacts(ids),
    advisorNames: async (ids) => new Map(await Promise.all(ids.map(async (id) => [id, await shares.advisorName(id)] as const))),
    trackingSummary: (orderNo) => tracking.staffSummary(orderNo),
  });

  const routes: AnyRoute[] = [
    ...analyticsRoutes(analytics, experiments, limiter, { batchesPerDevicePerMin: config.RATE_LIMIT_EVENT_BATCHES_PER_DEVICE_PER_MIN }),
    ...catalogRoutes(catalog, {
      onView: (user, code) => recordEvent(user.id, code, 'view'),
      onCompare: async (user, codes) => void (await Promise.all(codes.map((code) => recordEvent(user.id, code, 'compare')))),
      onFilter: (user, q) =>
        q.bodyType || q.minPriceFen !== undefined || q.maxPriceFen !== undefined
          ? recommendations.setPreferences(user.id, { minPriceFen: q.minPriceFen, maxPriceFen: q.maxPriceFen, bodyTypes: q.bodyType }, 'filters').then(() => undefined, () => undefined)
          : Promise.resolve(),
    }),
    ...recommendationRoutes(recommendations, () => recommendationQueue.trainNow()),
    ...rivalRoutes(rivals),
    ...configurationRoutes(configurations, (user, saved) => recordEvent(user.id, saved.modelCode, 'configure', saved.shortId)),
    ...financeRoutes(finance, async (user, quote) => {
      await recordEvent(user.id, quote.modelCode, 'quote');
      await leads.recordFinanceQuote(user, quote);
    }),
    ...vehicleRoutes(vehicles, vehicleClaims, { idsByPhone: (phone) => users.idsByPhone(phone), maskedContacts: (ids) => users.maskedContacts(ids) }),
    ...slotRoutes(slots),
    ...serviceBookingRoutes(serviceBookings),
    ...reminderRoutes(reminders, reminderQueue),
    ...orderRoutes(orders, payments, inventory, audit),
    ...orderAdminRoutes(orderAdmin, orders, audit, new OrderDashboard(orders, inventory)),
    ...launchRoutes(launches, limiter, { pollsPerUserPerMin: config.LAUNCH_POLLS_PER_USER_PER_MIN }),
    ...advisorRoutes(shares, leads),
    ...privacyCallRoutes(privacyCalls),
    ...testDriveRoutes(testDrives, (userId, booking) => recommendations.recordQuietly({ userId, modelCode: booking.modelCode, kind: 'test_drive', naturalId: booking.id })),
    ...reconciliationRoutes(reconciliation),
    ...trackingRoutes(tracking, audit),
    ...catalogAdminRoutes(new CatalogAdminService(mongo.conn, catalog, catalogCache, locks, audit)),
    ...inventoryRoutes(inventory, audit),
    ...authRoutes(auth, sessions),
    // An advisor reads the profile of a user behind their own leads or shares only.
    ...userRoutes(users, auth, audit, async (advisorId, userId) => (await leads.isCustomerOf(advisorId, userId)) || (await shares.isVisitorOf(advisorId, userId))),
  ];

  const api = new Router({ prefix: '/api/v1' });
  mountRoutes(api, routes, sessions.authenticate);
  const openapi = buildOpenApi(routes, { version: API_VERSION });
  api.get('/openapi.json', (ctx) => {
    ctx.body = openapi;
  });

  const koa = new Koa({ proxy: config.TRUST_PROXY, maxIpsCount: config.TRUST_PROXY_HOPS });
  const proxyWarned = proxyWarning(config);
  if (proxyWarned) logger.warn(proxyWarned);
  koa.silent = true; // errors are logged by our error handler, once, with the request id
  koa.use(requestContext(logger));
  koa.use(errorHandler());
  if (config.CORS_ORIGINS) {
    const allowed = new Set(config.CORS_ORIGINS.split(',').map((s) => s.trim()));
    koa.use(cors({ origin: (ctx) => (allowed.has(ctx.get('origin')) ? ctx.get('origin') : ''), exposeHeaders: ['X-Request-Id'] }));
  }
  koa.use(bodyParser({ enableTypes: ['json'], jsonLimit: '100kb', encoding: 'utf-8' }));
  const health = healthRouter(deps, draining);
  koa.use(health.routes());
  const notifyFailures = new NotifyFailureLimit(limiter, config.RATE_LIMIT_NOTIFY_FAILURES_PER_IP_PER_MIN, logger);
  koa.use(paymentNotifyRouter(payments, notifyFailures).routes());
  koa.use(trackingWebhookRouter(tracking).routes());
  koa.use(alipayNotifyRouter(payments, notifyFailures).routes());
  const writeLimitsPerMin = { perIpPerMin: config.RATE_LIMIT_WRITE_PER_IP_PER_MIN, perUserPerMin: config.RATE_LIMIT_WRITE_PER_USER_PER_MIN };
  koa.use(writeRateLimit(limiter, sessions, writeLimitsPerMin));
  koa.use(api.routes()).use(api.allowedMethods());
  const media = mediaRouter(catalog);
  koa.use(media.routes());
  if (config.STATIC_H5_DIR) koa.use(serveH5(config.STATIC_H5_DIR));

  const fast = fastLane(routes, {
    prefix: '/api/v1',
    koa,
    authenticate: sessions.authenticate,
    limiter,
    writeLimits: (ip, user) => writeLimits(ip, user?.id, writeLimitsPerMin),
    logger,
    // Cross-origin requests need Koa's CORS handling.
    passToKoa: config.CORS_ORIGINS ? (req) => req.headers.origin !== undefined : undefined,
  });
  const koaListener = koa.callback();

  return {
    koa,
    routes,
    listener: (req, res) => {
      if (!fast(req, res)) void koaListener(req, res);
    },
    deps,
    draining,
    close: async () => {
      // Workers first (they finish their current job), then queues, then connections.
      await Promise.allSettled(workers.map((w) => w.close()));
      await recommendationQueue.closeEvents().catch(() => undefined);
      await Promise.allSettled(queues.map((q) => q.close()));
      await Promise.allSettled([mongo.close(), redis.quit().catch(() => redis.disconnect()), queueConnection.quit().catch(() => queueConnection.disconnect())]);
    },
  };
}
