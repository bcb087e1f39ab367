import type { EnergyType } from '../catalog';

/**
 * Service intervals: a car is due at whichever comes first, the distance or the time since its
 * last service (or since delivery). Per model where the brand says so, else by energy type.
 */
export interface ServicePlan {
  intervalKm: number;
  intervalMonths: number;
}

export const DEFAULT_SERVICE_PLANS: Record<EnergyType, ServicePlan> = {
  bev: { intervalKm: 20_000, intervalMonths: 12 },
  phev: { intervalKm: 10_000, intervalMonths: 12 },
  ice: { intervalKm: 7_500, intervalMonths: 6 },
};

/** Models whose maintenance manual differs from their energy type's default. */
export const MODEL_SERVICE_PLANS: Record<string, ServicePlan> = {
  'changfeng-e7': { intervalKm: 25_000, intervalMonths: 24 },
  'yunqi-m8': { intervalKm: 10_000, intervalMonths: 12 },
  'yuanshan-x4': { intervalKm: 10_000, intervalMonths: 12 },
};

export function servicePlanFor(modelCode: string, energyType: EnergyType): ServicePlan {
  return MODEL_SERVICE_PLANS[modelCode] ?? DEFAULT_SERVICE_PLANS[energyType];
}

/** 12345 -> "12,345"; no Intl (mini-program runtimes lack full ICU). */
export function formatKm(km: number): string {
  return String(Math.round(km)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 20000 -> "2 万公里", 7500 -> "7,500 公里". */
export function formatDistance(km: number): string {
  return km >= 10_000 && km % 1_000 === 0 ? `${km / 10_000} 万公里` : `${formatKm(km)} 公里`;
}

/** "每 2 万公里或 12 个月（以先到者为准）". */
export function describePlan(plan: ServicePlan): string {
  return `每 ${formatDistance(plan.intervalKm)}或 ${plan.intervalMonths} 个月（以先到者为准）`;
}
