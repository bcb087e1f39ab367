import { cumulativeKm, haversineKm, type LatLng } from './geo';

/**
 * The outbound logistics network: the factory in 宁波, hand-over hubs, and delivery centres, joined
 * by road segments between real Chinese city coordinates. A route is the ordered list of segments
 * from the factory to one delivery centre; each segment has a stable id (the learned speed table
 * is keyed by it) and a road type (which sets the speeds expected before anything is learned).
 */

export type PlaceKind = 'factory' | 'hub' | 'centre' | 'waypoint';
export type RoadType = 'expressway' | 'mountain' | 'national' | 'urban';

export interface Place extends LatLng {
  code: string;
  name: string;
  kind: PlaceKind;
}

export const ROAD_TYPE_LABELS: Record<RoadType, string> = {
  expressway: '高速公路',
  mountain: '山区高速',
  national: '国道',
  urban: '城市道路',
};

const place = (code: string, name: string, lat: number, lng: number, kind: PlaceKind = 'waypoint'): Place => ({ code, name, lat, lng, kind });

export const PLACES: Record<string, Place> = Object.fromEntries(
  [
    place('NGB', '宁波工厂', 29.87, 121.55, 'factory'),
    place('NGBX', '宁波西枢纽', 29.93, 121.38),
    place('SXG', '绍兴', 30.0, 120.58),
    place('HGH', '杭州中转库', 30.27, 120.15, 'hub'),
    place('JXG', '嘉兴', 30.75, 120.76),
    place('SHAX', '上海松江', 31.03, 121.23),
    place('SHA', '上海交付中心', 31.23, 121.47, 'centre'),
    place('HUZ', '湖州', 30.89, 120.09),
    place('LIY', '溧阳', 31.42, 119.48),
    place('NKG', '南京中转库', 32.06, 118.8, 'hub'),
    place('CZH', '滁州', 32.3, 118.32),
    place('BBU', '蚌埠', 32.92, 117.39),
    place('SZH', '宿州', 33.64, 116.98),
    place('XUZ', '徐州', 34.26, 117.18),
    place('TAA', '泰安', 36.2, 117.09),
    place('JNA', '济南', 36.65, 117.12),
    place('DZH', '德州', 37.43, 116.36),
    place('CGZ', '沧州', 38.3, 116.84),
    place('LFG', '廊坊', 39.52, 116.7),
    place('BJSX', '北京南五环', 39.78, 116.4),
    place('BJS', '北京交付中心', 39.9, 116.4, 'centre'),
    place('JHA', '金华', 29.08, 119.65),
    place('QZH', '衢州', 28.97, 118.87),
    place('SRA', '上饶', 28.45, 117.94),
    place('YTA', '鹰潭', 28.26, 117.07),
    place('NCH', '南昌', 28.68, 115.86),
    place('JAN', '吉安', 27.11, 114.99),
    place('GZH', '赣州', 25.83, 114.93),
    place('SGU', '韶关', 24.81, 113.6),
    place('CANX', '广州北', 23.4, 113.25),
    place('CAN', '广州交付中心', 23.13, 113.26, 'centre'),
    place('HFE', '合肥', 31.82, 117.23),
    place('LAN', '六安', 31.75, 116.52),
    place('MCH', '麻城', 31.17, 115.01),
    place('WUH', '武汉中转库', 30.59, 114.31, 'hub'),
    place('JZH', '荆州', 30.33, 112.24),
    place('YCH', '宜昌', 30.69, 111.29),
    place('ESH', '恩施', 30.27, 109.49),
    place('WZH', '万州', 30.81, 108.41),
    place('CKG', '重庆', 29.56, 106.55),
    place('SNI', '遂宁', 30.53, 105.59),
    place('CTUX', '成都东', 30.63, 104.25),
    place('CTU', '成都交付中心', 30.57, 104.07, 'centre'),
    place('SQU', '商丘', 34.41, 115.66),
    place('KFG', '开封', 34.8, 114.31),
    place('CGO', '郑州中转库', 34.75, 113.62, 'hub'),
    place('LYA', '洛阳', 34.62, 112.45),
    place('SMX', '三门峡', 34.77, 111.2),
    place('WNN', '渭南', 34.5, 109.51),
    place('XIYX', '西安东', 34.32, 109.1),
    place('XIY', '西安交付中心', 34.34, 108.94, 'centre'),
  ].map((p) => [p.code, p]),
);

/**
 * A place by code, own entries only: codes come from the TMS (webhook milestones), and a plain
 * `PLACES[code]` would answer `constructor` or `__proto__` with Object's own properties.
 */
export function placeOf(code: string): Place | undefined {
  // (Not Object.hasOwn: the mini-program runs on engines older than ES2022.)
  return Object.prototype.hasOwnProperty.call(PLACES, code) ? PLACES[code] : undefined;
}

/** The place's name, or the code itself for a place we do not know. */
export function placeName(code: string): string {
  return placeOf(code)?.name ?? code;
}

/** Hand-over at a hub: the car is unloaded, checked and loaded onto the next carrier. */
export interface HubPlan {
  code: string;
  /** Planned dwell before anything is learned, minutes. */
  dwellMin: number;
  dwellSdMin: number;
}

export const HUB_PLANS: Record<string, HubPlan> = {
  HGH: { code: 'HGH', dwellMin: 150, dwellSdMin: 45 },
  NKG: { code: 'NKG', dwellMin: 120, dwellSdMin: 40 },
  WUH: { code: 'WUH', dwellMin: 180, dwellSdMin: 60 },
  CGO: { code: 'CGO', dwellMin: 150, dwellSdMin: 45 },
};

// Route definitions: [placeCode, road type of the segment that leads to it]. The first entry is the
// factory. A place of kind 'hub' listed in `hubs` is a hand-over stop on that route; otherwise passed.
type Leg = [string, RoadType];
const OUT_OF_NINGBO: Leg[] = [['NGB', 'urban'], ['NGBX', 'urban'], ['SXG', 'expressway'], ['HGH', 'expressway']];
const HGH_TO_NKG: Leg[] = [['HUZ', 'expressway'], ['LIY', 'expressway'], ['NKG', 'expressway']];

const ROUTE_DEFS: Record<string, { name: string; legs: Leg[]; hubs: string[] }> = {
  SHA: {
    name: '宁波 → 杭州 → 上海',
    hubs: ['HGH'],
    legs: [...OUT_OF_NINGBO, ['JXG', 'expressway'], ['SHAX', 'expressway'], ['SHA', 'urban']],
  },
  BJS: {
    name: '宁波 → 杭州 → 南京 → 北京',
    hubs: ['HGH', 'NKG'],
    legs: [
      ...OUT_OF_NINGBO, ...HGH_TO_NKG,
      ['CZH', 'expressway'], ['BBU', 'expressway'], ['SZH', 'expressway'], ['XUZ', 'expressway'], ['TAA', 'expressway'],
      ['JNA', 'expressway'], ['DZH', 'expressway'], ['CGZ', 'expressway'], ['LFG', 'expressway'], ['BJSX', 'expressway'], ['BJS', 'urban'],
    ],
  },
  CAN: {
    name: '宁波 → 杭州 → 南昌 → 广州',
    hubs: ['HGH'],
    legs: [
      ...OUT_OF_NINGBO,
      ['JHA', 'expressway'], ['QZH', 'expressway'], ['SRA', 'expressway'], ['YTA', 'expressway'], ['NCH', 'expressway'],
      ['JAN', 'expressway'], ['GZH', 'expressway'], ['SGU', 'mountain'], ['CANX', 'expressway'], ['CAN', 'urban'],
    ],
  },
  CTU: {
    name: '宁波 → 杭州 → 武汉 → 成都',
    hubs: ['HGH', 'WUH'],
    legs: [
      ...OUT_OF_NINGBO, ...HGH_TO_NKG,
      ['HFE', 'expressway'], ['LAN', 'expressway'], ['MCH', 'national'], ['WUH', 'expressway'], ['JZH', 'expressway'], ['YCH', 'expressway'],
      ['ESH', 'mountain'], ['WZH', 'mountain'], ['CKG', 'mountain'], ['SNI', 'expressway'], ['CTUX', 'expressway'], ['CTU', 'urban'],
    ],
  },
  XIY: {
    name: '宁波 → 杭州 → 郑州 → 西安',
    hubs: ['HGH', 'CGO'],
    legs: [
      ...OUT_OF_NINGBO, ...HGH_TO_NKG,
      ['CZH', 'expressway'], ['BBU', 'expressway'], ['SQU', 'expressway'], ['KFG', 'expressway'], ['CGO', 'expressway'],
      ['LYA', 'expressway'], ['SMX', 'mountain'], ['WNN', 'expressway'], ['XIYX', 'expressway'], ['XIY', 'urban'],
    ],
  },
};

export const DELIVERY_CENTRES = ['SHA', 'BJS', 'CAN', 'CTU', 'XIY'] as const;
export type DeliveryCentre = (typeof DELIVERY_CENTRES)[number];

export interface RouteSegment {
  /** Stable id "FROM-TO": the key of the learned speed table. */
  id: string;
  index: number;
  from: Place;
  to: Place;
  roadType: RoadType;
  km: number;
  /** Distance from the start of the route to this segment's start. */
  startKm: number;
  /** Set when the segment ends at a hand-over hub of this route. */
  endsAtHub?: HubPlan;
}

export interface Route {
  code: DeliveryCentre;
  name: string;
  origin: Place;
  destination: Place;
  segments: RouteSegment[];
  /** Polyline of the route (the segments' end points) and its cumulative distances. */
  points: Place[];
  cumKm: number[];
  totalKm: number;
  /** Hubs on this route with their distance from the start. */
  hubs: Array<HubPlan & { place: Place; km: number }>;
}

const cache = new Map<string, Route>();

/** The route from the factory to a delivery centre. */
export function routeTo(centre: DeliveryCentre): Route {
  const hit = cache.get(centre);
  if (hit) return hit;
  const def = ROUTE_DEFS[centre];
  if (!def) throw new RangeError(`unknown delivery centre: ${centre}`);
  const points = def.legs.map(([code]) => {
    const p = PLACES[code];
    if (!p) throw new RangeError(`unknown place ${code}`);
    return p;
  });
  const cumKm = cumulativeKm(points);
  const segments: RouteSegment[] = [];
  for (let i = 1; i < points.length; i++) {
    const to = points[i];
    segments.push({
      id: `${points[i - 1].code}-${to.code}`,
      index: i - 1,
      from: points[i - 1],
      to,
      roadType: def.legs[i][1],
      km: cumKm[i] - cumKm[i - 1],
      startKm: cumKm[i - 1],
      ...(def.hubs.includes(to.code) ? { endsAtHub: HUB_PLANS[to.code] } : {}),
    });
  }
  const route: Route = {
    code: centre,
    name: def.name,
    origin: points[0],
    destination: points[points.length - 1],
    segments,
    points,
    cumKm,
    totalKm: cumKm[cumKm.length - 1],
    hubs: segments.filter((s) => s.endsAtHub).map((s) => ({ ...s.endsAtHub!, place: s.to, km: s.startKm + s.km })),
  };
  cache.set(centre, route);
  return route;
}

/** The segment that contains alongKm (the last one for the end of the route). */
export function segmentAt(route: Route, alongKm: number): RouteSegment {
  const segs = route.segments;
  let lo = 0, hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid].startKm <= alongKm) lo = mid;
    else hi = mid - 1;
  }
  return segs[lo];
}

/** A delivery centre as the buyer picks it at checkout. */
export interface DeliveryCentreInfo {
  code: DeliveryCentre;
  name: string;
  lat: number;
  lng: number;
  /** Distance from the given point, when one was given (km, rounded). */
  distanceKm?: number;
}

export function isDeliveryCentre(code: string): code is DeliveryCentre {
  return (DELIVERY_CENTRES as readonly string[]).includes(code);
}

/**
 * The delivery centres a buyer can choose from: in network order, or nearest first when the
 * buyer's location is known (the first one is the checkout's default).
 */
export function deliveryCentres(near?: LatLng): DeliveryCentreInfo[] {
  const list: DeliveryCentreInfo[] = DELIVERY_CENTRES.map((code) => {
    const p = PLACES[code];
    return { code, name: p.name, lat: p.lat, lng: p.lng, ...(near ? { distanceKm: Math.round(haversineKm(near, p)) } : {}) };
  });
  return near ? list.sort((a, b) => a.distanceKm! - b.distanceKm!) : list;
}
