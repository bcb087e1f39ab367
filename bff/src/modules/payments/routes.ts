import Router from '@koa/router';
import type { Context } from 'koa';
import type { NotifyOutcome, PaymentService } from './service';

/**
 * WeChat Pay's callbacks. Not zod routes: the body is a signed envelope that must be verified
 * byte-for-byte before anything is parsed, and the answers follow WeChat's format
 * (2xx empty on success; otherwise { code: "FAIL", message } and WeChat retries).
 */
export function paymentNotifyRouter(payments: PaymentService) {
  const router = new Router({ prefix: '/api/v1/payments/wechat' });
  const handle = (fn: (raw: string, h: Parameters<PaymentService['handlePaymentNotify']>[1]) => Promise<NotifyOutcome>) => async (ctx: Context) => {
    const raw = (ctx.request as { rawBody?: string }).rawBody ?? '';
    const outcome = await fn(raw, {
      timestamp: ctx.get('wechatpay-timestamp') || undefined,
      nonce: ctx.get('wechatpay-nonce') || undefined,
      signature: ctx.get('wechatpay-signature') || undefined,
      serial: ctx.get('wechatpay-serial') || undefined,
    });
    ctx.status = outcome.status;
    if (outcome.status !== 204) ctx.body = { code: outcome.code, message: outcome.message };
  };
  router.post('/notify', handle((raw, h) => payments.handlePaymentNotify(raw, h)));
  router.post('/refund-notify', handle((raw, h) => payments.handleRefundNotify(raw, h)));
  return router;
}
