import type { Connection } from 'mongoose';
import { userModel } from './model';
import type { Role, SessionStore } from './session';
import type { WechatClient } from './wechat-client';

export class AuthService {
  constructor(
    private readonly conn: Connection,
    private readonly wechat: WechatClient,
    private readonly sessions: SessionStore,
  ) {}

  /**
   * wx.login code -> openid -> user (created on first login) -> session token.
   * The upsert on the unique openid makes a retried or concurrent first login create one user.
   * session_key is not kept: nothing needs it yet, and keeping it would be sensitive data to protect.
   */
  async loginWithWechat(code: string) {
    const wx = await this.wechat.code2Session(code);
    const Users = userModel(this.conn);
    const now = new Date();
    const upsert = () =>
      Users.findOneAndUpdate(
        { wechatOpenId: wx.openid },
        {
          $set: { lastLoginAt: now, ...(wx.unionid ? { wechatUnionId: wx.unionid } : {}) },
          $setOnInsert: { roles: ['buyer'] },
        },
        { upsert: true, new: false },
      ).lean();
    // Two first logins at once can both try to insert; the unique index lets one win, and the
    // loser's retry finds the winner's document (MongoDB's documented upsert-retry pattern).
    const before = await upsert().catch((err: { code?: number }) => {
      if (err.code === 11000) return upsert();
      throw err;
    });
    const user = await Users.findOne({ wechatOpenId: wx.openid }).lean<{ _id: unknown; roles: Role[] }>();
    if (!user) throw new Error('user vanished right after upsert');
    const authed = { id: String(user._id), roles: user.roles };
    const session = await this.sessions.create(authed);
    return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: { ...authed, isNew: before === null } };
  }
}
