import { z } from 'zod';
import { CURRENT_DEPOSIT_TERMS, DELIVERY_CENTRES, deliveryCentres, type AttributionResult } from '@carmall/shared-types';
import { configurationRequestSchema } from '@carmall/shared-types/schemas';
import { AppError } from '../../infra/errors';
import { route } from '../../infra/route';
import type { PaymentService } from '../payments/service';
import { presentOrder, type OrderService } from './service';

const orderNoParams = z.object({ orderNo: z.string().regex(/^CM\d{16}$/, '订单号不正确') });
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;

/** Credits the advisor of the buyer's last share visit (advisors module); optional so orders work without it. */
export interface OrderAttribution {
  creditForOrder(buyerId: string): Promise<AttributionResult>;
  recordOrderCredit(order: { orderNo: string; buyerId: string; advisorUserId?: string }, credit: AttributionResult): Promise<void>;
}

/** Called after an order is placed (recommendations record it; never throws). */
export type OrderPlacedHook = (order: { orderNo: string; buyerId: string; modelCode: string }) => Promise<void>;

export function orderRoutes(orders: OrderService, payments: PaymentService, attribution?: OrderAttribution, onPlaced?: OrderPlacedHook) {
  return [
    route({
      method: 'get',
      path: '/orders/terms',
      tag: 'orders',
      summary: 'The deposit terms shown before paying',
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
        .refine((q) => (q.lat === undefined) === (q.lng === undefined), { message: 'lat 与 lng 需同时提供', path: ['lng'] }),
      handler: async (_ctx, { query }) => ({
        items: deliveryCentres(query.lat !== undefined && query.lng !== undefined ? { lat: query.lat, lng: query.lng } : undefined),
      }),
    }),
    route({
      method: 'post',
      path: '/orders',
      tag: 'orders',
      summary: 'Place an order for a configuration (reserves the car; intent deposit due). Needs an Idempotency-Key header: a repeat returns the first order.',
      auth: 'user',
      status: 201,
      body: configurationRequestSchema
        .extend({
          expectedTotalFen: z.number().int().nonnegative().optional(),
          /** Where the car is delivered (GET /delivery-centres); the first centre when absent. */
          deliveryCentreCode: z.enum(DELIVERY_CENTRES).optional(),
        })
        .strict(),
      errors: [
        { status: 400, code: 'IDEMPOTENCY_KEY_REQUIRED', when: 'no valid Idempotency-Key header' },
        { status: 409, code: 'OUT_OF_STOCK', when: 'no car of this trim and paint is left' },
        { status: 409, code: 'PRICE_CHANGED', when: 'expectedTotalFen differs from the current price; details.totalFen has it' },
      ],
      handler: async (ctx, { body, user }) => {
        const key = ctx.get('idempotency-key');
        if (!IDEMPOTENCY_KEY.test(key)) throw new AppError(400, 'IDEMPOTENCY_KEY_REQUIRED', '缺少或格式错误的 Idempotency-Key 请求头');
        const credit = await attribution?.creditForOrder(user!.id);
        const order = await orders.create(user!.id, key, body, credit?.credited ? { advisorUserId: credit.advisorUserId } : {});
        if (credit) await attribution!.recordOrderCredit(order, credit);
        if (onPlaced) await onPlaced({ orderNo: order.orderNo, buyerId: user!.id, modelCode: body.modelCode });
        return presentOrder(order);
      },
    }),
    route({
      method: 'get',
      path: '/orders',
      tag: 'orders',
      summary: 'My orders, newest first',
      auth: 'user',
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
      handler: async (_ctx, { params, user }) => presentOrder(await payments.getForBuyer(user!.id, params.orderNo)),
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/payments/wechat',
      tag: 'orders',
      summary: 'Pay the deposit with WeChat Pay: returns wx.requestPayment parameters (repeatable)',
      auth: 'user',
      params: orderNoParams,
      errors: [
        { status: 409, code: 'ORDER_STATE_INVALID', when: 'the order is not awaiting payment' },
        { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'WeChat Pay is unreachable; the order stays pending' },
        { status: 503, code: 'PAYMENT_NOT_CONFIGURED', when: 'WeChat Pay is not set up on this server' },
      ],
      handler: async (_ctx, { params, user }) => payments.payWithWechat(user!.id, params.orderNo),
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/payments/alipay',
      tag: 'orders',
      summary: 'Pay the deposit in the Alipay mini-program: returns the tradeNO for my.tradePay (repeatable)',
      auth: 'user',
      params: orderNoParams,
      errors: [
        { status: 409, code: 'ORDER_STATE_INVALID', when: 'the order is not awaiting payment, or the buyer has no Alipay account linked' },
        { status: 503, code: 'UPSTREAM_UNAVAILABLE', when: 'Alipay is unreachable; the order stays pending' },
        { status: 503, code: 'PAYMENT_NOT_CONFIGURED', when: 'Alipay is not set up on this server' },
      ],
      handler: async (_ctx, { params, user }) => payments.payWithAlipay(user!.id, params.orderNo),
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/payments/sync',
      tag: 'orders',
      summary: 'Ask the payment providers now whether the deposit was paid (after an unknown client-side result, e.g. Alipay 8000/6004)',
      auth: 'user',
      params: orderNoParams,
      handler: async (_ctx, { params, user }) => presentOrder(await payments.syncPayments(user!.id, params.orderNo)),
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/cancel',
      tag: 'orders',
      summary: 'Cancel an unpaid order, or ask for the refund of a paid intent deposit',
      auth: 'user',
      params: orderNoParams,
      handler: async (_ctx, { params, user }) => presentOrder(await payments.cancelByBuyer(user!.id, params.orderNo)),
    }),
    route({
      method: 'post',
      path: '/orders/:orderNo/lock',
      tag: 'orders',
      summary: 'Lock the order: the deposit becomes non-refundable and the configuration is frozen',
      auth: 'user',
      params: orderNoParams,
      handler: async (_ctx, { params, user }) => presentOrder(await orders.lock(user!.id, params.orderNo)),
    }),
  ];
}
