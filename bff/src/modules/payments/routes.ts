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

/** Alipay's async notify: a form post (our body parser only reads JSON, so the stream is ours). Answer "success" or Alipay retries. */
export function alipayNotifyRouter(payments: PaymentService) {
  const router = new Router({ prefix: '/api/v1/payments/alipay' });
  router.post('/notify', async (ctx) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += (chunk as Buffer).length;
      if (size > 64 * 1024) break; // notifies are small; refuse to buffer more
      chunks.push(chunk as Buffer);
    }
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    ctx.type = 'text/plain';
    ctx.body = size > 64 * 1024 ? 'failure' : await payments.handleAlipayNotify(params);
  });
  return router;
}
