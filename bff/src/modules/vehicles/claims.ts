import type { Context } from 'koa';
import { maskPhone, normalizeCnMobile, ownerMismatchAdvice, validatePlate, validateVin, type VehicleOwnerMismatchDetails } from '@carmall/shared-types';
import { AppError } from '../../infra/errors';
import type { Locks } from '../../infra/lock';
import type { Logger } from '../../infra/logger';
import type { RateLimiter } from '../../infra/rate-limit';
import type { AuthedUser } from '../auth/session';
import type { AuditLog } from '../audit/service';
import type { DmsVehicle } from '../dms/client';
import type { VehicleDoc, VehicleService } from './service';

/** How the signed-in user's verified phone compares with a number (UserService.comparePhone, passed in from app.ts). */
export type PhoneComparison = 'same' | 'different' | 'none';

export interface VehicleClaimDeps {
  vehicles: VehicleService;
  /** DmsClient.vehicleByVin; null when no DMS is configured (claims answer 503). */
  lookupVin: ((vin: string) => Promise<DmsVehicle | null>) | null;
  comparePhone: (userId: string, phone: string) => Promise<PhoneComparison>;
  audit: Pick<AuditLog, 'record'>;
  limiter: RateLimiter;
  locks: Locks;
  logger: Logger;
  /** DMS lookups one user may make per day (VIN guessing). */
  claimsPerUserPerDay: number;
  /** How long the claim's lock may be held: it spans one DMS call. */
  lockMs: number;
}

const dmsDown = () => new AppError(503, 'UPSTREAM_UNAVAILABLE', '暂时无法查询车辆销售记录，请稍后再试');

/**
 * 绑定车辆: a buyer who bought their car elsewhere (a dealer, before the app) adds it to 我的车库 from
 * the brand's DMS record of the sale. The DMS's registered owner mobile must be the signed-in
 * user's verified phone; the DMS's number never leaves the BFF except masked. Idempotent: the same
 * user claiming the same VIN again (any key) gets the same car; the same key for another VIN is
 * 409 IDEMPOTENCY_KEY_REUSED. Each VIN is decided under its lock, so two people racing for one car
 * cannot both get it. DMS lookups are limited per user per day.
 */
export class VehicleClaims {
  constructor(private readonly d: VehicleClaimDeps) {}

  async claim(ctx: Context, user: AuthedUser, key: string, input: { vin: string; plate?: string | null }): Promise<{ vehicle: VehicleDoc; created: boolean }> {
    const checked = validateVin(input.vin);
    if (!checked.ok) throw new AppError(400, 'VIN_INVALID', checked.message, { field: 'vin', ...checked.problem });
    const vin = checked.vin;
    let plate: string | undefined;
    if (input.plate != null && input.plate.trim() !== '') {
      const p = validatePlate(input.plate);
      if (!p.ok) throw new AppError(400, 'PLATE_INVALID', p.message, { field: 'plate' });
      plate = p.plate;
    }

    return this.d.locks.withLock(
      `vehicle-claim:${vin}`,
      async () => {
        // A repeat (same key, or this user's car already): answered from the garage, DMS not asked.
        const byKey = await this.d.vehicles.findByClaimKey(user.id, key);
        if (byKey && byKey.vin !== vin) throw new AppError(409, 'IDEMPOTENCY_KEY_REUSED', '该请求标识已用于添加另一辆车', { vehicleId: String(byKey._id) });
        const existing = byKey ?? (await this.d.vehicles.findByVin(vin));
        if (existing && existing.ownerId === user.id) {
          if (existing.claim && !existing.claim.auditedAt) await this.audited(ctx, user, existing);
          return { vehicle: existing, created: false };
        }

        await this.d.limiter.enforce(
          ctx,
          [{ key: `vehicle-claim:user:${user.id}`, limit: this.d.claimsPerUserPerDay, windowSeconds: 86_400 }],
          '今天查询车辆的次数过多，请明天再试，或携带行驶证到服务中心办理',
        );
        if (!this.d.lookupVin) throw dmsDown();
        const sold = await this.d.lookupVin(vin);
        if (!sold) {
          throw new AppError(404, 'VEHICLE_NOT_FOUND', '未查询到该车架号的销售记录：请对照行驶证核对车架号；非本品牌在国内销售的车辆暂不支持添加');
        }
        // Phones are kept normalised (11 digits): a DMS that writes +86 or spaces still matches.
        const mobile = normalizeCnMobile(sold.owner.mobile);
        const match = mobile ? await this.d.comparePhone(user.id, mobile) : 'different';
        if (match !== 'same') {
          const details: VehicleOwnerMismatchDetails = { registeredPhone: maskPhone(sold.owner.mobile), signedInPhone: match };
          const advice = ownerMismatchAdvice(details);
          this.d.logger.info({ userId: user.id, vin, outcome: 'owner_mismatch' }, 'vehicle claim refused');
          throw new AppError(409, 'VEHICLE_OWNER_MISMATCH', `${advice.title}。${advice.steps.join('；')}`, details);
        }
        if (existing) {
          // The owner by the DMS, but the car is in someone else's garage (bought through the app, a
          // former owner's claim, staff): a person has to look at the papers.
          this.d.logger.info({ userId: user.id, vin, outcome: 'already_claimed' }, 'vehicle claim refused');
          throw alreadyClaimed();
        }
        let vehicle: VehicleDoc;
        try {
          vehicle = await this.d.vehicles.registerClaimed({
            ownerId: user.id,
            vin,
            modelCode: sold.modelCode,
            modelName: sold.modelName,
            trimCode: sold.trimCode,
            energyType: sold.energyType,
            deliveredAt: new Date(sold.deliveredAt ?? sold.soldAt),
            soldAt: new Date(sold.soldAt),
            plate,
            colourName: sold.colour.name,
            dealer: sold.dealer,
            claimKey: key,
          });
        } catch (err) {
          // Registered meanwhile outside this lock (a delivery, staff): someone else's now.
          if ((err as { code?: number }).code === 11000) throw alreadyClaimed();
          throw err;
        }
        await this.audited(ctx, user, vehicle);
        return { vehicle, created: true };
      },
      { ttlMs: this.d.lockMs },
    );
  }

  /** The audit entry of a claim (no phone number in it), then the mark that it was written. */
  private async audited(ctx: Context, user: AuthedUser, v: VehicleDoc) {
    await this.d.audit.record(user, ctx, {
      action: 'vehicle.claim',
      targetType: 'vehicle',
      targetId: String(v._id),
      after: { vin: v.vin, source: 'dms_claim', modelCode: v.modelCode, dealerCode: v.dealer?.code ?? null, plate: v.plate ?? null },
    });
    await this.d.vehicles.markClaimAudited(String(v._id));
  }
}

const alreadyClaimed = () =>
  new AppError(409, 'VEHICLE_ALREADY_CLAIMED', '该车已添加在其他账号的车库中。如您是现车主（例如车辆已过户），请携带行驶证和本人身份证到任一服务中心办理车辆绑定');
