import type { Context } from 'koa';
import type { RateLimiter } from '../../infra/rate-limit';
import type { Logger } from '../../infra/logger';

/**
 * The per-IP limit of the payment callbacks (WeChat Pay's notify and refund notify, Alipay's
 * notify). They are mounted before the API's write limit and must never be limited as such:
 * WeChat retries a notify it did not get a 2xx for (15 s, 15 s, 30 s, 3 min, 10 min, … over 24 h)
 * and Alipay likewise (4 min, 10 min, … over 25 h), and on a busy launch hundreds of genuine
 * notifies a minute come from the same few WeChat servers. So only callbacks that FAIL
 * verification (bad or missing signature, unknown serial) are counted, per IP: a forger is told 429
 * once over the limit, while a notify that verifies is answered as always, from any IP, however
 * many came before. Verification comes first (it is cheaper than the Redis round trip and needs
 * no state), so even an IP over the limit gets its genuine notifies through.
 */
export class NotifyFailureLimit {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly perIpPerMin: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Count one failed verification from this request's IP. Answers the seconds to wait when the IP
   * is over its limit (answer 429), else 0. Redis failing never turns the answer into a 500.
   */
  async failed(ctx: Context, channel: 'wechat' | 'alipay'): Promise<number> {
    try {
      const [r] = await this.limiter.hit([{ key: `notify-fail:ip:${ctx.ip}`, limit: this.perIpPerMin, windowSeconds: 60 }]);
      if (r.count === this.perIpPerMin + 1) this.logger.warn({ ip: ctx.ip, channel, perMinute: this.perIpPerMin }, 'payment callbacks failing verification from one IP: answered 429 for the rest of the minute');
      return r.allowed ? 0 : r.retryAfterSeconds;
    } catch (err) {
      this.logger.warn({ err }, 'counting a failed payment callback failed');
      return 0;
    }
  }
}
