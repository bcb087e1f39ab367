import { z } from 'zod';
import { isValidCnIdCard, normalizeCnMobile } from '../privacy';

/** wx.login() code: opaque, short-lived; WeChat's are 32 chars but we only bound the size. */
export const wechatLoginBodySchema = z
  .object({ code: z.string().trim().min(1, '缺少 code').max(128) })
  .strict();

/** my.getAuthCode() auth code of an Alipay mini-program. */
export const alipayLoginBodySchema = z
  .object({ authCode: z.string().trim().min(1, '缺少 authCode').max(128).regex(/^[A-Za-z0-9_-]+$/, 'authCode 格式不正确') })
  .strict();

/** A mainland mobile number, normalised to its 11 digits. */
export const cnMobileSchema = z
  .string()
  .max(20, '手机号格式不正确')
  .transform((v, ctx) => {
    const n = normalizeCnMobile(v);
    if (!n) {
      ctx.addIssue({ code: 'custom', message: '手机号格式不正确' });
      return z.NEVER;
    }
    return n;
  });

export const smsSendBodySchema = z.object({ phone: cnMobileSchema }).strict();
export const smsCodeSchema = z.string().regex(/^\d{6}$/, '验证码为 6 位数字');
export const smsLoginBodySchema = z.object({ phone: cnMobileSchema, code: smsCodeSchema }).strict();
export const refreshBodySchema = z
  .object({ refreshToken: z.string().min(1).max(200) })
  .strict();

export const sessionUserSchema = z.object({ id: z.string(), roles: z.array(z.string()), isNew: z.boolean() });

export const sessionResponseSchema = z.object({
  /** Alias of accessToken, kept for clients that predate refresh tokens. */
  token: z.string(),
  accessToken: z.string(),
  /** When the access token expires (short-lived); refresh before then. */
  expiresAt: z.string(),
  refreshToken: z.string(),
  refreshExpiresAt: z.string(),
  user: sessionUserSchema,
});

export const idCardSchema = z
  .string()
  .trim()
  .refine(isValidCnIdCard, { message: '身份证号码不正确', params: { rule: 'an 18-character mainland ID-card number with a valid GB 11643 check digit' } })
  .transform((v) => v.toUpperCase());
/** Chinese driver-licence numbers are the holder's ID-card number. */
export const driverLicenceSchema = idCardSchema;
export const realNameSchema = z
  .string()
  .trim()
  .min(2, '姓名至少 2 个字')
  .max(30, '姓名过长')
  .regex(/^[\p{L}·• ]+$/u, '姓名只能包含文字');

export const profileUpdateBodySchema = z
  .object({
    realName: realNameSchema.nullable().optional(),
    idCardNo: idCardSchema.nullable().optional(),
    driverLicenceNo: driverLicenceSchema.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: '没有要修改的内容', params: { rule: 'at least one field' } });

export const ROLE_NAMES = ['buyer', 'advisor', 'service', 'operator', 'admin'] as const;
export const rolesBodySchema = z
  .object({ roles: z.array(z.enum(ROLE_NAMES)).min(1, '至少一个角色').max(5) })
  .strict();

export const CONSENT_CHANNELS = ['weapp', 'alipay', 'h5'] as const;
export const consentBodySchema = z
  .object({
    /** Which document: the privacy policy or the user agreement. */
    document: z.enum(['privacy_policy', 'user_agreement']),
    version: z.string().regex(/^[0-9A-Za-z._-]{1,32}$/, '版本号格式不正确'),
    channel: z.enum(CONSENT_CHANNELS),
    granted: z.boolean(),
  })
  .strict();

export const piiReadQuerySchema = z
  .object({ reason: z.string().trim().min(4, '请填写查看原因（至少 4 个字）').max(200) })
  .strict();
