/**
 * Reaching a buyer without their phone (it stays masked to advisors): WeChat. The rules both the
 * BFF (validation, the recorded consent) and the mini-program (inline checks, the consent shown)
 * use.
 */

/** A WeChat ID (微信号): 6-20 characters, a letter first, then letters, digits, _ or -. */
export const WECHAT_ID_RE = /^[a-zA-Z][-_a-zA-Z0-9]{5,19}$/;

export const WECHAT_ID_RULE = '微信号为 6-20 位，以字母开头，可含字母、数字、下划线和减号';

/** The consent the buyer gives, as shown to them and recorded on the lead. */
export const wechatContactConsentText = (advisorName: string) => `我同意将微信号提供给顾问「${advisorName}」，仅用于添加我为微信好友并沟通购车事宜。`;
