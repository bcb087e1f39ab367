import { z } from 'zod';
import { CLIENT_PLATFORMS, CURRENT_DEPOSIT_TERMS, DELIVERY_CENTRES, PAY_METHODS, deliveryCentres, h5FormFactor, type ClientPlatform } from '@carmall/shared-types';
import type { Context } from 'koa';
import { configurationRequestSchema } from '@carmall/shared-types/schemas';
import { notFound } from '../../infra/errors';
import { idempotencyKeyHeader, route, withStatus, type RouteError } from '../../infra/route';
import { configuratorErrors } from '../configurations/routes';
import type { InventoryService } from '../inventory/service';
import { stockKey } from '../inventory/keys';
import type { AuditLog } from '../audit/service';
import type { PaymentService } from '../payments/service';
import { presentOrder, type OrderService } from './service';
import { orderPlacementSchema, placementCreatingSchema, presentedOrderSchema } from './schema';

const orderNoParams = z.object({ orderNo: z.string().regex(/^CM\d{16}$/, '订单号不正确') });
const noSuchOrder: RouteError = { status: 404, code: 'NOT_FOUND', when: 'no order of mine has this number' };
const stateInvalid = (when: string): RouteError => ({ status: 409, code: 'ORDER_STATE_INVALID', when });
/** What asking a payment provider (WeChat Pay, Alipay) can answer. */
const providerErrors: RouteError[] = [
  { status: 502, code: 'UPSTREAM_UNAVAILABLE', when: 'the provider refused the request or its answer failed verification' },
  { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'the provider is unreachable or busy; the order is unchanged' },
  { status: 503, code: 'PAYMENT_NOT_CONFIGURED', when: 'the payment channel is not set up on this server' },
];

const platformSchema = z.enum([...CLIENT_PLATFORMS, 'h5']).describe('weapp, alipay, h5-mobile, h5-desktop; or h5 (mobile or desktop decided by Sec-CH-UA-Mobile, else the User-Agent)');
/** The client's platform: as it says, with `h5` resolved from the client hint / User-Agent. */
const platformOf = (ctx: Context, said: ClientPlatform | 'h5'): ClientPlatform =>
  said === 'h5' ? h5FormFactor({ mobileHint: ctx.get('sec-ch-ua-mobile') || undefined, userAgent: ctx.get('user-agent') || undefined }) : said;
const payChannel = z.enum(['wechat', 'alipay']);
const payMethod = z.enum(PAY_METHODS);
const delivery = z.enum(['sdk', 'qr', 'redirect', 'link']).describe('sdk: wx.requestPayment / my.tradePay; qr: show codeUrl as a QR code; redirect: open payUrl; link: copy payUrl to open in a phone browser');
const paymentOptionsSchema = z.object({
  orderNo: z.string(),
  state: presentedOrderSchema.shape.state,
  payable: z.boolean().describe('the order awaits its deposit'),
  amountFen: z.number().int(),
  paymentDeadline: z.string(),
  platform: z.enum(CLIENT_PLATFORMS),
  backup: z.boolean().describe('WeChat Pay is down and Alipay is offered instead'),
  notice: z.string().nullable().describe('what to tell the buyer, e.g. 微信支付暂时不可用，请使用支付宝支付'),
  methods: z.array(
    z.object({ channel: payChannel, method: payMethod, label: z.string(), delivery, available: z.boolean(), reason: z.string().nullable(), backup: z.boolean().describe('offered only because WeChat Pay is down') }),
  ),
  open: z.object({ channel: payChannel, method: payMethod, outTradeNo: z.string() }).nullable().describe('the open payment a repeat tap resumes'),
});
const startedPaymentSchema = z.object({
  orderNo: z.string(),
  outTradeNo: z.string(),
  channel: payChannel,
  method: payMethod,
  amountFen: z.number().int(),
  delivery,
  expiresAt: z.string().describe('the payment deadline of the order'),
  requestPayment: z.object({ appId: z.string(), timeStamp: z.string(), nonceStr: z.string(), package: z.string(), signType: z.literal('RSA'), paySign: z.string() }).optional().describe('jsapi'),
  tradeNO: z.string().optional().describe('app: for my.tradePay'),
  codeUrl: z.string().optional().describe('native: weixin://wxpay/bizpayurl?pr=…, shown as a QR code'),
  payUrl: z.string().optional().describe("h5: WeChat's h5_url with our redirect_url; wap/page: Alipay's signed gateway URL"),
});
/** What the payment routes need from the request (WeChat H5's payer IP, the User-Agent). */
const requestContext = (ctx: Context, platform: ClientPlatform) => ({ platform, clientIp: ctx.ip, userAgent: ctx.get('user-agent') || undefined });

export function orderRoutes(orders: OrderService, payments: PaymentService, inventory: InventoryService, audit: AuditLog) {
  return [
    route({
      method: 'get',
      path: '/orders/terms',
      tag: 'orders',
      summary: 'The deposit terms shown before paying',
      response: z.object({ version: z.string(), intentDepositFen: z.number().int(), paymentWindowMinutes: z.number().int(), text: z.array(z.string()) }),
      handler: async () => CURRENT_DEPOSIT_TERMS,
    }),
    route({
      method: 'get',
      path: '/delivery-centres',
      tag: 'orders',
      summary: 'The delivery centres a buyer can choose at checkout; nearest first when lat/lng are given (the first is the default)',
      query: z
        .object({ lat: z.coerce.number().min(-90).max(90).optional(), lng: z.coerce.number().min(-180).max(180).optional() })
        .strict()
        .refine((q) => (q.lat === undefined) === (q.lng === undefined), { message: 'lat 与 lng 需同时提供', path: ['lng'], params: { rule: 'lat and lng come together: both or neither' } }),
      response: z.object({
        items: z.array(z.object({ code: z.enum(DELIVERY_CENTRES), name: z.string(), lat: z.number(), lng: z.number(), distanceKm: z.number().optional().describe('from lat/lng, when given') })),
      }),
      handler: async (_ctx, { query }) => ({
        items: deliveryCentres(query.lat !== undefined && query.lng !== undefined ? { lat: query.lat, lng: query.lng } : undefined),
      }),
    }),
    route({
      method: 'post',
      path: '/orders',
      tag: 'orders',
      summary:
        'Place an order for a configuration (reserves the car; intent deposit due). Needs an Idempotency-Key header: a repeat returns the first order. 201 with the order; 202 {status: creating} when the car is held but the order is still being written (a rush): follow /orders/:orderNo/placement.',
      auth: 'user',
      status: 201,
      body: configurationRequestSchema
        .extend({
          expectedTotalFen: z.number().int().nonnegative().optional(),
          /** Where the car is delivered (GET /delivery-centres); the first centre when absent. */
          deliveryCentreCode: z.enum(DELIVERY_CENTRES).optional(),
        })
        .strict(),
      headers: idempotencyKeyHeader,
      errors: [
        ...configuratorErrors,
        { status: 409, code: 'OUT_OF_STOCK', when: 'no car of this trim and paint is left' },
        { status: 409, code: 'PRICE_CHANGED', when: 'expectedTotalFen differs from the current price; details.totalFen has it' },
        { status: 409, code: 'LAUNCH_ONLY', when: 'this car is sold in a launch (首发抢购): queue there; details.launchCode' },
      ],
      response: presentedOrderSchema,
      otherResponses: [{ status: 202, description: 'The car is held, the order is still being written: follow /orders/{orderNo}/placement', schema: placementCreatingSchema }],
      handler: async (_ctx, { body, user, headers }) => {
        const placed = await orders.place(user!.id, headers['Idempotency-Key'], body);
        if (placed.status === 'created') return presentOrder(placed.order);
        return withStatus(202, placed);
      },
    }),
    route({
      method: 'get',
      path: '/orders/:orderNo/placement',
      tag: 'orders',
      summary: 'Follow a placement answered 202: creating (the car is held, the order is being written), created (with the order) or failed (with the reason)',
      auth: 'user',
      params: orderNoParams,
      response: orderPlacementSchema,
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'no placement or order of mine has this number' }],
      handler: async (_ctx, { params, user }) => {
        const p = await orders.placementOf(user!.id, params.orderNo);
        if (!p) throw notFound('订单', { orderNo: params.orderNo });
        return p.status === 'created' ? { status: 'created', orderNo: p.orderNo, order: presentOrder(p.order) } : p;
      },
    }),
    route({
      method: 'put',
      path: '/admin/stock',
      tag: 'orders',
      summary: 'Operators: set how many cars of a variant are for sale (held cars stay held), with the reason (audited)',
      auth: ['operator', 'admin'],
      body: z
        .object({
          modelCode: z.string().min(1).max(60),
          trimCode: z.string().min(1).max(60),
          paintCode: z.string().min(1).max(60),
          total: z.number().int().min(0).max(1_000_000),
          reason: z.string().trim().min(2).max(200),
        })
        .strict(),
      response: z.object({ key: z.string(), total: z.number().int(), available: z.number().int() }),
      errors: [{ status: 404, code: 'NOT_FOUND', when: 'no stock record for this model, trim and paint' }],
      handler: async (ctx, { body, user }) => {
        const key = stockKey(body.modelCode, body.trimCode, body.paintCode);
        const before = await inventory.total(key);
        if (before === null) throw notFound('库存记录', { key });
        const after = await inventory.setStock(key, { total: body.total });
        await audit.record(user!, ctx, { action: 'stock.set', targetType: 'stock', targetId: key, reason: body.reason, before: { total: before }, after: { total: body.total } });
        return { key, ...after };
      },
    }),
    route({
      method: 'get',
      path: '/orders',
      tag: 'orders',
      summary: 'My orders, newest first',
      auth: 'user',
      response: z.object({ items: z.array(presentedOrderSchema) }),
      handler: async (_ctx, { user }) => {
        const list = await orders.listOwned(user!.id);
        return { items: await Promise.all(list.map(async (o) => presentOrder(await payments.expireIfDue(o)))) };
      },
    }),
    route({
      method: 'get',
      path: '/orders/:orderNo',
      tag: 'orders',
      summary: 'One of my orders with its timeline (another buyer’s order is 404)',
      auth: 'user',
      params: orderNoParams,
      response: presentedOrderSchema,
      errors: [noSuchOrder],
      handler: async (_ctx, { params, user }) => presentOrder(await payments.getForBuyer(user!.id, params.orderNo)),
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/payments/wechat',
      tag: 'orders',
      summary: 'Pay the deposit with WeChat Pay: returns wx.requestPayment parameters (repeatable)',
      auth: 'user',
      params: orderNoParams,
      response: z.object({
        orderNo: z.string(),
        outTradeNo: z.string(),
        amountFen: z.number().int(),
        /** wx.requestPayment's parameters as WeChat Pay signed them. */
        requestPayment: z.object({ appId: z.string(), timeStamp: z.string(), nonceStr: z.string(), package: z.string(), signType: z.literal('RSA'), paySign: z.string() }),
      }),
      errors: [noSuchOrder, stateInvalid('the order is not awaiting payment, or the buyer has no WeChat account linked'), ...providerErrors],
      handler: async (_ctx, { params, user }) => payments.payWithWechat(user!.id, params.orderNo),
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/payments/alipay',
      tag: 'orders',
      summary: 'Pay the deposit in the Alipay mini-program: returns the tradeNO for my.tradePay (repeatable)',
      auth: 'user',
      params: orderNoParams,
      response: z.object({ orderNo: z.string(), outTradeNo: z.string(), amountFen: z.number().int(), tradeNO: z.string().describe("for my.tradePay's tradeNO") }),
      errors: [noSuchOrder, stateInvalid('the order is not awaiting payment, or the buyer has no Alipay account linked'), ...providerErrors],
      handler: async (_ctx, { params, user }) => payments.payWithAlipay(user!.id, params.orderNo),
    }),
    route({
      method: 'get',
      path: '/orders/:orderNo/payment-options',
      tag: 'orders',
      summary: 'The payment methods that work on my platform now (WeChat JSAPI/Native/H5, Alipay app/wap/page), the backup channel while WeChat Pay is down, and the open payment a repeat tap resumes',
      auth: 'user',
      params: orderNoParams,
      query: z.object({ platform: platformSchema }).strict(),
      response: paymentOptionsSchema,
      errors: [noSuchOrder],
      handler: async (ctx, { params, user, query }) => payments.paymentOptions(user!.id, params.orderNo, platformOf(ctx, query.platform)),
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/payments',
      tag: 'orders',
      summary:
        'Start (or resume) paying the deposit with one method. Repeatable: the same method resumes its open payment; another method first closes the open one. 503 UPSTREAM_UNAVAILABLE from WeChat Pay carries details.backup (the Alipay methods to offer instead).',
      auth: 'user',
      params: orderNoParams,
      body: z.object({ method: payMethod, platform: platformSchema }).strict(),
      response: startedPaymentSchema,
      errors: [
        noSuchOrder,
        stateInvalid('the order is not awaiting payment (or was just paid), or a mini-program method without the account linked'),
        { status: 409, code: 'PAYMENT_METHOD_UNAVAILABLE', when: 'the method does not work on this platform' },
        ...providerErrors,
      ],
      handler: async (ctx, { params, user, body }) => {
        const platform = platformOf(ctx, body.platform);
        return payments.startPayment(user!.id, params.orderNo, body.method, requestContext(ctx, platform));
      },
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/payments/sync',
      tag: 'orders',
      summary: 'Ask the payment providers now whether the deposit was paid (after an unknown client-side result, e.g. Alipay 8000/6004)',
      auth: 'user',
      params: orderNoParams,
      response: presentedOrderSchema,
      errors: [noSuchOrder, ...providerErrors],
      handler: async (_ctx, { params, user }) => presentOrder(await payments.syncPayments(user!.id, params.orderNo)),
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/cancel',
      tag: 'orders',
      summary: 'Cancel an unpaid order, or ask for the refund of a paid intent deposit',
      auth: 'user',
      params: orderNoParams,
      response: presentedOrderSchema,
      errors: [noSuchOrder, stateInvalid('the order can no longer be cancelled (or was paid meanwhile: ask for the refund)'), ...providerErrors],
      handler: async (_ctx, { params, user }) => presentOrder(await payments.cancelByBuyer(user!.id, params.orderNo)),
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/lock',
      tag: 'orders',
      summary: 'Lock the order: the deposit becomes non-refundable and the configuration is frozen',
      auth: 'user',
      params: orderNoParams,
      response: presentedOrderSchema,
      errors: [noSuchOrder, stateInvalid('the order is not in a state that can be locked')],
      handler: async (_ctx, { params, user }) => presentOrder(await orders.lock(user!.id, params.orderNo)),
    }),
  ];
}
