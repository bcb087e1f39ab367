import { z } from 'zod';

/** wx.login() code: opaque, short-lived; WeChat's are 32 chars but we only bound the size. */
export const wechatLoginBodySchema = z
  .object({ code: z.string().trim().min(1, '缺少 code').max(128) })
  .strict();

export const sessionResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: z.object({ id: z.string(), roles: z.array(z.string()), isNew: z.boolean() }),
});
