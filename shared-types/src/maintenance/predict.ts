import type { EnergyType } from '../catalog';
import { addDays, addMonths, daysBetween, daysBetweenInstants, monthsBetween, shanghaiDate, type CalendarDate } from './dates';
import { describePlan, formatKm, type ServicePlan } from './plans';

/**
 * Maintenance predictions from a vehicle's facts and its usage reports: next service (distance OR
 * time, whichever first), tyre wear and battery state of health. Pure and deterministic (`now` is
 * a parameter), shared by the BFF (reminders, segments) and the mini-program (我的车库). Every
 * estimate carries the reason shown to the owner, in Chinese.
 */

/** One periodic report from the car (T-Box) or the owner. Counts cover the period since the previous report. */
export interface UsageReport {
  at: Date | string;
  odometerKm: number;
  harshBrakes?: number;
  charges?: number;
  fastCharges?: number;
  /** Battery state of health, percent of the original capacity (EVs and PHEVs). */
  batterySohPct?: number;
}

export interface VehicleFacts {
  energyType: EnergyType;
  plan: ServicePlan;
  deliveredAt: Date | string;
  odometerAtDeliveryKm?: number;
  lastService?: { at: Date | string; odometerKm: number } | null;
  /** Odometer when the current tyres were fitted (default: at delivery). */
  tyresFittedKm?: number;
}

export const DEFAULT_PACE_KM_PER_DAY = 35; // ~12,800 km a year, a typical private car in China
const PACE_WINDOW_DAYS = 180;
const MIN_PACE_SPAN_DAYS = 7;

export interface Pace {
  kmPerDay: number;
  basis: 'recent' | 'since_delivery' | 'default';
}

interface Reading {
  t: number;
  at: Date;
  odometerKm: number;
  r: UsageReport;
}

/** Reports in time order with a monotonic odometer (a reading below an earlier one is ignored as bad data). */
function readings(reports: readonly UsageReport[]): Reading[] {
  const sorted = reports
    .map((r) => ({ t: new Date(r.at).getTime(), r }))
    .filter((x) => Number.isFinite(x.t) && Number.isFinite(x.r.odometerKm) && x.r.odometerKm >= 0)
    .sort((a, b) => a.t - b.t);
  const out: Reading[] = [];
  let max = -Infinity;
  for (const { t, r } of sorted) {
    if (r.odometerKm < max) continue;
    max = r.odometerKm;
    out.push({ t, at: new Date(t), odometerKm: r.odometerKm, r });
  }
  return out;
}

function round1(x: number) {
  return Math.round(x * 10) / 10;
}

/** Kilometres per day: from the last 180 days of readings, else since delivery, else a default. */
export function estimatePace(facts: Pick<VehicleFacts, 'deliveredAt' | 'odometerAtDeliveryKm'>, reports: readonly UsageReport[]): Pace {
  const rs = readings(reports);
  if (rs.length >= 2) {
    const last = rs[rs.length - 1];
    const first = rs.find((x) => (last.t - x.t) / 86_400_000 <= PACE_WINDOW_DAYS)!;
    const span = (last.t - first.t) / 86_400_000;
    if (span >= MIN_PACE_SPAN_DAYS) return { kmPerDay: clampPace((last.odometerKm - first.odometerKm) / span), basis: 'recent' };
  }
  if (rs.length >= 1) {
    const last = rs[rs.length - 1];
    const span = daysBetweenInstants(facts.deliveredAt, last.at);
    if (span >= MIN_PACE_SPAN_DAYS * 2) return { kmPerDay: clampPace((last.odometerKm - (facts.odometerAtDeliveryKm ?? 0)) / span), basis: 'since_delivery' };
  }
  return { kmPerDay: DEFAULT_PACE_KM_PER_DAY, basis: 'default' };
}

function clampPace(kmPerDay: number) {
  return round1(Math.min(1_000, Math.max(0, kmPerDay)));
}

export type ServiceStatus = 'ok' | 'due_soon' | 'overdue';
export const SERVICE_STATUS_LABELS: Record<ServiceStatus, string> = { ok: '状态良好', due_soon: '即将到期', overdue: '已到期' };
export const DUE_SOON_DAYS = 30;

export interface ServicePrediction {
  /** Shanghai calendar date the service is expected to fall due. */
  dueDate: CalendarDate;
  /** What triggers it first. */
  trigger: 'distance' | 'time';
  daysLeft: number;
  /** Estimated kilometres since the last service today, and left before the distance interval. */
  kmSinceService: number;
  kmLeft: number;
  dueByDistanceDate: CalendarDate | null;
  dueByTimeDate: CalendarDate;
  status: ServiceStatus;
  reason: string;
}

export function predictService(facts: VehicleFacts, reports: readonly UsageReport[], now: Date, pace = estimatePace(facts, reports)): ServicePrediction {
  const plan = facts.plan;
  const since = facts.lastService ? '上次保养' : '提车';
  const base = facts.lastService
    ? { at: new Date(facts.lastService.at), odometerKm: facts.lastService.odometerKm }
    : { at: new Date(facts.deliveredAt), odometerKm: facts.odometerAtDeliveryKm ?? 0 };
  const rs = readings(reports).filter((x) => x.t >= base.at.getTime() || x.odometerKm >= base.odometerKm);
  const last = rs.length ? rs[rs.length - 1] : { at: base.at, odometerKm: base.odometerKm };
  const lastOdo = Math.max(last.odometerKm, base.odometerKm);
  const lastAt = last.at.getTime() > base.at.getTime() ? last.at : base.at;
  const today = shanghaiDate(now);

  // Extrapolate from the last reading to today at the owner's pace.
  const daysSinceReading = Math.max(0, daysBetweenInstants(lastAt, now));
  const kmSinceService = Math.max(0, lastOdo - base.odometerKm + pace.kmPerDay * daysSinceReading);
  const kmLeftAtReading = plan.intervalKm - (lastOdo - base.odometerKm);
  const kmLeft = plan.intervalKm - kmSinceService;

  const dueByTimeDate = addMonths(shanghaiDate(base.at), plan.intervalMonths);
  const dueByDistanceDate =
    kmLeftAtReading <= 0 ? shanghaiDate(lastAt) : pace.kmPerDay > 0 ? addDays(shanghaiDate(lastAt), Math.ceil(kmLeftAtReading / pace.kmPerDay)) : null;
  const trigger = dueByDistanceDate !== null && dueByDistanceDate < dueByTimeDate ? 'distance' : 'time';
  const dueDate = trigger === 'distance' ? dueByDistanceDate! : dueByTimeDate;
  const daysLeft = daysBetween(today, dueDate);
  const status: ServiceStatus = daysLeft <= 0 || kmLeft <= 0 ? 'overdue' : daysLeft <= DUE_SOON_DAYS ? 'due_soon' : 'ok';

  const kmText = formatKm(Math.round(kmSinceService / 100) * 100);
  const planText = describePlan(plan);
  let reason: string;
  if (status === 'overdue') {
    reason =
      trigger === 'distance' || kmLeft <= 0
        ? `距${since}约 ${kmText} 公里，已达到保养里程（${planText}）：请尽快预约保养`
        : `距${since}已满 ${plan.intervalMonths} 个月（${planText}）：${dueDate} 已到期，请尽快预约保养`;
  } else if (trigger === 'distance') {
    const paceText = pace.basis === 'default' ? '按一般用车里程估算' : `按您的用车节奏（约 ${formatKm(pace.kmPerDay)} 公里/天）`;
    reason = `${paceText}，距${since}约 ${kmText} 公里：预计 ${dueDate} 前后到期（${planText}）`;
  } else {
    const months = monthsBetween(shanghaiDate(base.at), today);
    reason = `距${since}已 ${months} 个月、约 ${kmText} 公里，按时间间隔 ${dueDate} 到期（${planText}）`;
  }
  return { dueDate, trigger, daysLeft, kmSinceService: Math.round(kmSinceService), kmLeft: Math.round(kmLeft), dueByDistanceDate, dueByTimeDate, status, reason };
}

// --- Tyres -------------------------------------------------------------------------------------

export const NEW_TREAD_MM = 8;
export const REPLACE_TREAD_MM = 3;
/** Tread lost per 10,000 km by a gently driven combustion car. */
const BASE_WEAR_MM_PER_10K = 1.0;
/** Heavier cars with instant torque wear tyres faster. */
const ENERGY_WEAR_FACTOR: Record<EnergyType, number> = { bev: 1.15, phev: 1.08, ice: 1.0 };
/** Harsh brakes per 100 km considered normal. */
export const NORMAL_HARSH_BRAKES_PER_100KM = 0.5;
const MIN_KM_FOR_HABITS = 300;

export type WearStatus = 'ok' | 'watch' | 'replace';

export interface TyrePrediction {
  treadMm: number;
  /** 0 = new, 100 = at the replacement depth. */
  wearPct: number;
  harshBrakesPer100Km: number | null;
  /** How much faster than normal the tyres wear because of the driving style (1 = normal). */
  habitFactor: number;
  kmOnTyres: number;
  remainingKm: number;
  replaceByDate: CalendarDate | null;
  status: WearStatus;
  reason: string;
}

/** Harsh brakes per 100 km, from reports after the first (the first one's counts cover unknown km). */
export function harshBrakingRate(reports: readonly UsageReport[]): number | null {
  const rs = readings(reports);
  if (rs.length < 2) return null;
  const km = rs[rs.length - 1].odometerKm - rs[0].odometerKm;
  if (km < MIN_KM_FOR_HABITS) return null;
  const brakes = rs.slice(1).reduce((s, x) => s + Math.max(0, x.r.harshBrakes ?? 0), 0);
  return round1((brakes / km) * 100);
}

export function predictTyres(facts: VehicleFacts, reports: readonly UsageReport[], now: Date, pace = estimatePace(facts, reports)): TyrePrediction {
  const rs = readings(reports);
  const fitted = facts.tyresFittedKm ?? facts.odometerAtDeliveryKm ?? 0;
  const last = rs.length ? rs[rs.length - 1] : null;
  const lastOdo = Math.max(last?.odometerKm ?? 0, fitted);
  const lastAt = last?.at ?? new Date(facts.deliveredAt);
  const kmOnTyres = Math.max(0, lastOdo - fitted + pace.kmPerDay * Math.max(0, daysBetweenInstants(lastAt, now)));
  const rate = harshBrakingRate(rs.filter((x) => x.odometerKm >= fitted).map((x) => x.r));
  const habitFactor = rate === null ? 1 : Math.min(1.6, 1 + 0.12 * Math.max(0, rate - NORMAL_HARSH_BRAKES_PER_100KM));
  const wearPer10k = BASE_WEAR_MM_PER_10K * ENERGY_WEAR_FACTOR[facts.energyType] * habitFactor;
  const treadMm = Math.max(0, NEW_TREAD_MM - (kmOnTyres / 10_000) * wearPer10k);
  const remainingKm = Math.max(0, ((treadMm - REPLACE_TREAD_MM) / wearPer10k) * 10_000);
  const today = shanghaiDate(now);
  const replaceByDate = remainingKm <= 0 ? today : pace.kmPerDay > 0 ? addDays(today, Math.ceil(remainingKm / pace.kmPerDay)) : null;
  const status: WearStatus = treadMm <= REPLACE_TREAD_MM ? 'replace' : treadMm <= REPLACE_TREAD_MM + 1 ? 'watch' : 'ok';
  const wearPct = Math.min(100, Math.max(0, Math.round(((NEW_TREAD_MM - treadMm) / (NEW_TREAD_MM - REPLACE_TREAD_MM)) * 100)));

  const habit =
    rate === null
      ? '驾驶习惯数据不足，按一般驾驶估算'
      : habitFactor > 1.05
        ? `急刹车约每百公里 ${rate} 次（偏多），磨损加快约 ${Math.round((habitFactor - 1) * 100)}%`
        : `急刹车约每百公里 ${rate} 次，驾驶平稳`;
  const tread = treadMm.toFixed(1);
  const reason =
    status === 'replace'
      ? `轮胎已行驶约 ${formatKm(Math.round(kmOnTyres / 100) * 100)} 公里，${habit}：花纹深度估计 ${tread} mm，已到更换标准（${REPLACE_TREAD_MM} mm），请尽快更换`
      : `轮胎已行驶约 ${formatKm(Math.round(kmOnTyres / 100) * 100)} 公里，${habit}：花纹深度估计 ${tread} mm，${replaceByDate ? `预计 ${replaceByDate} 前后需更换` : '暂无需更换'}`;
  return { treadMm: round1(treadMm), wearPct, harshBrakesPer100Km: rate, habitFactor: Math.round(habitFactor * 100) / 100, kmOnTyres: Math.round(kmOnTyres), remainingKm: Math.round(remainingKm), replaceByDate, status, reason };
}

// --- Battery -----------------------------------------------------------------------------------

export const SOH_SERVICE_THRESHOLD_PCT = 80;
export const RECOMMENDED_FAST_CHARGE_SHARE = 0.3;
const BASE_ANNUAL_SOH_LOSS_PCT: Record<EnergyType, number> = { bev: 1.8, phev: 2.2, ice: 0 };
const MIN_TREND_SAMPLES = 3;
const MIN_TREND_SPAN_DAYS = 60;

export type BatteryStatus = 'good' | 'watch' | 'service';

export interface BatteryPrediction {
  sohPct: number;
  /** Share of charging sessions that were DC fast charges, 0..1 (null without charging data). */
  fastChargeShare: number | null;
  /** Percentage points lost per year. */
  annualLossPct: number;
  basis: 'trend' | 'model';
  sohIn12MonthsPct: number;
  reaches80Date: CalendarDate | null;
  status: BatteryStatus;
  reason: string;
}

export function fastChargeShare(reports: readonly UsageReport[]): number | null {
  let charges = 0;
  let fast = 0;
  for (const r of reports) {
    charges += Math.max(0, r.charges ?? 0);
    fast += Math.max(0, r.fastCharges ?? 0);
  }
  return charges > 0 ? Math.min(1, fast / charges) : null;
}

/** Least-squares slope of SoH over time, in points per day. */
function sohSlopePerDay(samples: { t: number; soh: number }[]): number {
  const n = samples.length;
  const t0 = samples[0].t;
  const xs = samples.map((s) => (s.t - t0) / 86_400_000);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = samples.reduce((a, s) => a + s.soh, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (samples[i].soh - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** null for combustion cars. */
export function predictBattery(facts: VehicleFacts, reports: readonly UsageReport[], now: Date): BatteryPrediction | null {
  if (facts.energyType === 'ice') return null;
  const share = fastChargeShare(reports);
  const modelLoss = BASE_ANNUAL_SOH_LOSS_PCT[facts.energyType] + 3 * Math.max(0, (share ?? 0) - RECOMMENDED_FAST_CHARGE_SHARE);
  const samples = reports
    .filter((r) => typeof r.batterySohPct === 'number' && r.batterySohPct > 0 && r.batterySohPct <= 100)
    .map((r) => ({ t: new Date(r.at).getTime(), soh: r.batterySohPct! }))
    .filter((s) => Number.isFinite(s.t))
    .sort((a, b) => a.t - b.t);
  const span = samples.length ? (samples[samples.length - 1].t - samples[0].t) / 86_400_000 : 0;
  let annualLoss = modelLoss;
  let basis: BatteryPrediction['basis'] = 'model';
  if (samples.length >= MIN_TREND_SAMPLES && span >= MIN_TREND_SPAN_DAYS) {
    annualLoss = Math.min(20, Math.max(0, -sohSlopePerDay(samples) * 365));
    basis = 'trend';
  }
  const latest = samples.length ? samples[samples.length - 1] : null;
  const sohNow = latest
    ? latest.soh - (annualLoss / 365) * Math.max(0, daysBetweenInstants(latest.t, now))
    : 100 - (annualLoss / 365) * Math.max(0, daysBetweenInstants(facts.deliveredAt, now));
  const sohPct = round1(Math.max(0, Math.min(100, sohNow)));
  const sohIn12MonthsPct = round1(Math.max(0, sohPct - annualLoss));
  const today = shanghaiDate(now);
  const reaches80Date =
    sohPct <= SOH_SERVICE_THRESHOLD_PCT ? today : annualLoss > 0 ? addDays(today, Math.ceil((sohPct - SOH_SERVICE_THRESHOLD_PCT) / (annualLoss / 365))) : null;
  const status: BatteryStatus = sohPct < SOH_SERVICE_THRESHOLD_PCT ? 'service' : sohPct < 85 || (share ?? 0) > 0.5 ? 'watch' : 'good';

  const shareText =
    share === null
      ? '暂无充电记录'
      : share > RECOMMENDED_FAST_CHARGE_SHARE
        ? `快充占比 ${Math.round(share * 100)}%（建议不高于 ${RECOMMENDED_FAST_CHARGE_SHARE * 100}%）`
        : `快充占比 ${Math.round(share * 100)}%`;
  const trendText = basis === 'trend' ? `按近期趋势每年约下降 ${annualLoss.toFixed(1)} 个百分点` : `按同类车辆估算每年约下降 ${annualLoss.toFixed(1)} 个百分点`;
  const reason =
    status === 'service'
      ? `电池健康度约 ${sohPct}%，已低于 ${SOH_SERVICE_THRESHOLD_PCT}%：建议到店检测电池`
      : `电池健康度约 ${sohPct}%，${shareText}：${trendText}${reaches80Date ? `，预计 ${reaches80Date} 前后降至 ${SOH_SERVICE_THRESHOLD_PCT}%` : ''}`;
  return { sohPct, fastChargeShare: share === null ? null : Math.round(share * 100) / 100, annualLossPct: round1(annualLoss), basis, sohIn12MonthsPct, reaches80Date, status, reason };
}

export interface VehicleHealth {
  pace: Pace;
  service: ServicePrediction;
  tyres: TyrePrediction;
  battery: BatteryPrediction | null;
}

export function predictVehicleHealth(facts: VehicleFacts, reports: readonly UsageReport[], now: Date): VehicleHealth {
  const pace = estimatePace(facts, reports);
  return {
    pace,
    service: predictService(facts, reports, now, pace),
    tyres: predictTyres(facts, reports, now, pace),
    battery: predictBattery(facts, reports, now),
  };
}
