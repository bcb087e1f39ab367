import Router from '@koa/router';
import type { Context } from 'koa';
import type { NotifyFailureLimit } from './notify-limit';
import type { NotifyOutcome, PaymentService } from './service';

/**
 * WeChat Pay's callbacks. Not zod routes: the body is a signed envelope that must be verified
 * byte-for-byte before anything is parsed, and the answers follow WeChat's format
 * (2xx empty on success; otherwise 4xx/5xx with { code: "FAIL", message } and WeChat retries).
 * A notify that fails verification counts against its IP (`NotifyFailureLimit`): past the limit it
 * is answered 429 in the same format, with Retry-After; a verified one is never limited.
 */
export function paymentNotifyRouter(payments: PaymentService, failures: NotifyFailureLimit) {
  const router = new Router({ prefix: '/api/v1/payments/wechat' });
  const handle = (fn: (raw: string, h: Parameters<PaymentService['handlePaymentNotify']>[1]) => Promise<NotifyOutcome>) => async (ctx: Context) => {
    const raw = (ctx.request as { rawBody?: string }).rawBody ?? '';
    const outcome = await fn(raw, {
      timestamp: ctx.get('wechatpay-timestamp') || undefined,
      nonce: ctx.get('wechatpay-nonce') || undefined,
      signature: ctx.get('wechatpay-signature') || undefined,
      serial: ctx.get('wechatpay-serial') || undefined,
    });
    // 401 is the one answer to a notify that did not verify (bad signature, unknown serial, no headers).
    const wait = outcome.status === 401 ? await failures.failed(ctx, 'wechat') : 0;
    if (wait > 0) {
      ctx.status = 429;
      ctx.set('Retry-After', String(wait));
      ctx.body = { code: 'FAIL', message: '验签失败次数过多，请稍后重试' };
      return;
    }
    ctx.status = outcome.status;
    if (outcome.status !== 204) ctx.body = { code: outcome.code, message: outcome.message };
  };
  router.post('/notify', handle((raw, h) => payments.handlePaymentNotify(raw, h)));
  router.post('/refund-notify', handle((raw, h) => payments.handleRefundNotify(raw, h)));
  return router;
}

/**
 * Alipay's async notify: a form post (our body parser only reads JSON, so the stream is ours).
 * Answer "success" or Alipay retries. A notify that fails verification counts against its IP like
 * WeChat's: past the limit it is answered 429 (body "failure", with Retry-After).
 */
export function alipayNotifyRouter(payments: PaymentService, failures: NotifyFailureLimit) {
  const router = new Router({ prefix: '/api/v1/payments/alipay' });
  // The browser back from Alipay's wap/page cashier: check, ask Alipay, then show the order page.
  router.get('/return', async (ctx) => {
    const params = Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : (v ?? '')]));
    const { orderNo, verified } = await payments.handleAlipayReturn(params as Record<string, string>);
    ctx.redirect(`/#/pages/order/index${orderNo ? `?orderNo=${orderNo}${verified ? '' : '&returned=unverified'}` : ''}`);
  });
  router.post('/notify', async (ctx) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += (chunk as Buffer).length;
      if (size > 64 * 1024) break; // notifies are small; refuse to buffer more
      chunks.push(chunk as Buffer);
    }
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const answer = size > 64 * 1024 ? 'unverified' : await payments.handleAlipayNotify(params);
    ctx.type = 'text/plain';
    const wait = answer === 'unverified' ? await failures.failed(ctx, 'alipay') : 0;
    if (wait > 0) {
      ctx.status = 429;
      ctx.set('Retry-After', String(wait));
    }
    ctx.body = answer === 'success' ? 'success' : 'failure';
  });
  return router;
}
