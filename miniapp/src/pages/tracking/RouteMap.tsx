import { Text, View } from '@tarojs/components'
import type { Shipment } from '../../api/tracking'
import { fitProjection, svgPath, type LatLng } from './geometry'
import { PlatformMap } from './PlatformMap'

const BOX = { width: 700, height: 440, pad: 56 }

const routePoints = (s: Shipment): LatLng[] => s.route.polyline.map(([lat, lng]) => ({ lat, lng }))

/**
 * The route and the truck. On WeChat/Alipay the platform map (PlatformMap: Taro Map with the route
 * polyline, travelled track, stops and the truck as markers). On H5 no online map tiles are loaded:
 * an offline drawing of the route (SVG) with the city names, the part already driven and the truck.
 */
export function RouteMap({ shipment }: { shipment: Shipment }) {
  if (process.env.TARO_ENV === 'h5') return <RouteDrawing shipment={shipment} />
  return <PlatformMap shipment={shipment} points={routePoints(shipment)} />
}

const LABEL_SIZE = 24

/**
 * Where each stop's name goes: right of the dot, else left, else moved down, so that names of
 * stops close together (宁波 and 杭州 are 150 km apart) do not overlap each other.
 */
export function placeLabels<T extends { name: string; xy: [number, number] }>(stops: T[]) {
  const placed: Array<{ x0: number; x1: number; y0: number; y1: number }> = []
  const overlaps = (r: (typeof placed)[number]) => placed.some((p) => r.x0 < p.x1 && p.x0 < r.x1 && r.y0 < p.y1 && p.y0 < r.y1)
  return stops.map((s) => {
    const w = s.name.length * LABEL_SIZE
    const [x, y] = s.xy
    let choice: { x: number; y: number; anchor: 'start' | 'end'; rect: (typeof placed)[number] } | null = null
    for (let dy = 0; dy <= 4 * LABEL_SIZE && !choice; dy += LABEL_SIZE + 4) {
      for (const side of x > BOX.width * 0.6 ? (['end', 'start'] as const) : (['start', 'end'] as const)) {
        const lx = side === 'start' ? x + 16 : x - 16
        const rect = { x0: side === 'start' ? lx : lx - w, x1: side === 'start' ? lx + w : lx, y0: y + dy - LABEL_SIZE + 8, y1: y + dy + 8 }
        if (!overlaps(rect)) {
          choice = { x: lx, y: y + dy + 8, anchor: side, rect }
          break
        }
      }
    }
    choice ??= { x: x + 16, y: y + 8, anchor: 'start', rect: { x0: 0, x1: 0, y0: 0, y1: 0 } }
    placed.push(choice.rect)
    return { ...s, label: { x: choice.x, y: choice.y, anchor: choice.anchor } }
  })
}

/** H5: the route drawn offline (SVG), city labels, the driven part and the truck. */
export function RouteDrawing({ shipment }: { shipment: Shipment }) {
  const points = routePoints(shipment)
  const proj = fitProjection(points, BOX)
  const truck = shipment.latest ? proj.toXY(shipment.latest) : null
  const driven = shipment.track.length > 1 ? svgPath([...shipment.track, ...(shipment.latest ? [shipment.latest] : [])], proj) : null
  return (
    <View className='route-drawing' data-route={shipment.route.code}>
      <svg className='route-drawing__svg' viewBox={`0 0 ${BOX.width} ${BOX.height}`} width='100%' role='img' aria-label={`运输路线：${shipment.route.name}`}>
        <rect x='0' y='0' width={BOX.width} height={BOX.height} rx='16' fill='#f3f6fb' />
        <path className='route-drawing__route' d={svgPath(points, proj)} fill='none' stroke='#9aa5b8' strokeWidth='6' strokeLinecap='round' strokeLinejoin='round' />
        {driven && <path className='route-drawing__driven' d={driven} fill='none' stroke='#1a56db' strokeWidth='7' strokeLinecap='round' strokeLinejoin='round' />}
        {placeLabels(shipment.route.stops.map((s) => ({ ...s, xy: proj.toXY(s) }))).map((s) => (
          <g key={s.code} className='route-drawing__stop' data-code={s.code}>
            <circle cx={s.xy[0]} cy={s.xy[1]} r={s.kind === 'hub' ? 8 : 10} fill='#fff' stroke={s.kind === 'centre' ? '#e4393c' : '#1a56db'} strokeWidth='4' />
            <text x={s.label.x} y={s.label.y} textAnchor={s.label.anchor} fontSize={LABEL_SIZE} fill='#1f2329' stroke='#f3f6fb' strokeWidth='6' paintOrder='stroke'>
              {s.name}
            </text>
          </g>
        ))}
        {truck && (
          <g className='route-drawing__truck' transform={`translate(${truck[0]} ${truck[1]})`}>
            <circle r='18' fill='#1a56db' stroke='#fff' strokeWidth='4' />
            <rect x='-10' y='-6' width='13' height='10' fill='#fff' />
            <rect x='3' y='-2' width='7' height='6' fill='#fff' />
            <circle cx='-5' cy='7' r='3' fill='#fff' />
            <circle cx='6' cy='7' r='3' fill='#fff' />
          </g>
        )}
      </svg>
      <Text className='route-drawing__note'>路线示意图（非实际道路比例）</Text>
    </View>
  )
}
