import type { EnergyType } from '../catalog';
import type { VehicleHealth } from '../maintenance/predict';

/**
 * How a car came into 我的车库: delivered through the app (`order`), registered by service staff
 * (`staff`), or claimed by its owner from the brand's DMS record of a car sold elsewhere
 * (a dealer, before the app: `dms_claim`).
 */
export const VEHICLE_SOURCES = ['order', 'staff', 'dms_claim'] as const;
export type VehicleSource = (typeof VEHICLE_SOURCES)[number];

/** `GET /me/vehicles` item, `GET /me/vehicles/:id` and `POST /me/vehicles`: one of my cars with its predictions. */
export interface OwnedVehicle {
  id: string;
  vin: string;
  modelCode: string;
  modelName: string;
  trimCode: string | null;
  energyType: EnergyType;
  orderNo: string | null;
  source: VehicleSource;
  /** Normalised plate (沪AD12345), when the owner gave one. */
  plate: string | null;
  /** Paint as sold (from the DMS), when known. */
  colourName: string | null;
  /** The dealer that sold it (from the DMS), when known. */
  dealerName: string | null;
  deliveredAt: string;
  /** Shanghai date. */
  deliveredOn: string;
  odometerKm: number;
  lastReportAt: string | null;
  lastService: { at: string; odometerKm: number } | null;
  health: VehicleHealth;
}

/** `POST /me/vehicles` body (with an Idempotency-Key header). */
export interface VehicleClaimRequest {
  vin: string;
  plate?: string | null;
}

/**
 * `details` of 409 VEHICLE_OWNER_MISMATCH: the phone the DMS has for the car's owner, masked
 * (138****8000), and whether the signed-in user has a verified phone at all.
 */
export interface VehicleOwnerMismatchDetails {
  registeredPhone: string;
  signedInPhone: 'different' | 'none';
}

/** What to tell a buyer whose phone is not the one registered when the car was sold (the BFF's message, the form's steps). */
export function ownerMismatchAdvice(d: VehicleOwnerMismatchDetails): { title: string; steps: string[] } {
  return {
    title:
      d.signedInPhone === 'none'
        ? `该车登记的车主手机号为 ${d.registeredPhone}，您的账号还没有绑定手机号`
        : `该车登记的车主手机号为 ${d.registeredPhone}，与您当前登录的手机号不一致`,
    steps: [
      d.signedInPhone === 'none'
        ? `在「我的」绑定购车时登记的手机号 ${d.registeredPhone}，或用该手机号登录后再添加`
        : `用购车时登记的手机号 ${d.registeredPhone} 登录后再添加`,
      '手机号已更换或车辆已过户：请携带行驶证和本人身份证到任一服务中心办理车辆绑定',
    ],
  };
}
