import { describe, expect, it, vi } from 'vitest'
import {
  appearanceFor, interiorLook, paintLook, parseHexColor, parseSelectedParam, rimLook, toHexString, DEFAULT_PAINT,
} from '../src/packages/viewer/lib/appearance'
import { DoorAnimation, Orbit, fitDistance } from '../src/packages/viewer/lib/orbit'
import { ResourceTracker } from '../src/packages/viewer/lib/tracker'
import { choose, initialConfig } from '../src/packages/viewer/lib/selection'
import { viewerModel } from './viewer-fixtures'

describe('colour parsing', () => {
  it('reads #RRGGBB and #RGB in any case, with or without #', () => {
    expect(parseHexColor('#2f5d8a')).toBe(0x2f5d8a)
    expect(parseHexColor('#2F5D8A')).toBe(0x2f5d8a)
    expect(parseHexColor('2f5d8a')).toBe(0x2f5d8a)
    expect(parseHexColor(' #abc ')).toBe(0xaabbcc)
    expect(parseHexColor('#000000')).toBe(0)
  })
  it('rejects anything else', () => {
    for (const bad of ['', '#12345', '#1234567', 'red', '#ggg', 'rgb(1,2,3)', null, undefined]) expect(parseHexColor(bad as any)).toBeNull()
  })
  it('round-trips through toHexString', () => {
    expect(toHexString(0x2f5d8a)).toBe('#2f5d8a')
    expect(toHexString(0x0000ff)).toBe('#0000ff')
  })
})

describe('option -> material mapping', () => {
  it('paint: swatch colour; metallic and pearl paints are glossier; bad swatch -> default', () => {
    const solid = paintLook({ name: '冰川白', swatch: '#f2f4f5' })
    const metallic = paintLook({ name: '雾山灰', swatch: '#8a8f94', description: '金属漆' })
    const pearl = paintLook({ name: '珍珠白', swatch: '#f5f3ee', description: '珠光漆' })
    expect(solid.color).toBe(0xf2f4f5)
    expect(metallic.metalness).toBeGreaterThan(solid.metalness)
    expect(pearl.roughness).toBeLessThan(solid.roughness)
    expect(paintLook({ name: 'x', swatch: 'blue' })).toEqual(DEFAULT_PAINT)
    expect(paintLook(undefined)).toEqual(DEFAULT_PAINT)
  })

  it('interior: swatch colour; fabric is matte, leather less so', () => {
    expect(interiorLook({ name: '黑色 织物', swatch: '#2a2a2a' }).roughness).toBeGreaterThan(interiorLook({ name: '黑色 皮革', swatch: '#1f1f1f' }).roughness)
    expect(interiorLook({ name: '奶油白 Nappa 真皮', swatch: '#efe6d8' }).color).toBe(0xefe6d8)
  })

  it.each([
    ['WHEEL_21_FORGED', '21英寸锻造轮毂', 'forged', 21],
    ['WHEEL_20_SPORT', '20英寸运动轮毂', 'sport', 20],
    ['WHEEL_19_SPORT', '19英寸熏黑运动轮毂', 'black', 19],
    ['WHEEL_19_AERO', '19英寸低风阻轮毂', 'aero', 19],
    ['WHEEL_18_STD', '18英寸双色轮毂', 'two-tone', 18],
    ['WHEEL_17_STD', '17英寸轮毂', 'standard', 17],
    ['WHEEL_BASE', '星环轮毂', 'standard', null],
  ])('wheels %s (%s) -> %s rim, %s"', (code, name, finish, inches) => {
    const look = rimLook({ code, name })
    expect(look.finish).toBe(finish)
    expect(look.inches).toBe(inches)
    expect(look.scale).toBeGreaterThanOrEqual(1)
    expect(look.scale).toBeLessThanOrEqual(1.12)
  })

  it('bigger rims are drawn bigger', () => {
    expect(rimLook({ code: 'WHEEL_22_FORGED', name: '' }).scale).toBeGreaterThan(rimLook({ code: 'WHEEL_19_AERO', name: '' }).scale)
  })

  it('appearanceFor picks the selected paint, wheels and interior', () => {
    const a = appearanceFor(viewerModel(), ['PAINT_BLUE', 'WHEEL_21_FORGED', 'INT_CREAM_NAPPA', 'PKG_SPORT'])
    expect(a.codes).toEqual({ paint: 'PAINT_BLUE', wheels: 'WHEEL_21_FORGED', interior: 'INT_CREAM_NAPPA' })
    expect(a.paint.color).toBe(0x2f5d8a)
    expect(a.rims.finish).toBe('forged')
    expect(a.interior.color).toBe(0xefe6d8)
    expect(appearanceFor(viewerModel(), []).codes).toEqual({ paint: null, wheels: null, interior: null })
  })

  it('parses the selected= query value', () => {
    expect(parseSelectedParam('A,B,,A, C ')).toEqual(['A', 'B', 'C'])
    expect(parseSelectedParam(encodeURIComponent('PAINT_BLUE,WHEEL_21_FORGED'))).toEqual(['PAINT_BLUE', 'WHEEL_21_FORGED'])
    expect(parseSelectedParam(undefined)).toEqual([])
  })
})

describe('viewer selection (same engine as the configurator)', () => {
  it('standalone: trim defaults; with selected=: those options; bad codes fall back to defaults', () => {
    const m = viewerModel()
    expect(initialConfig(m, undefined, [])!.selected).toEqual(['INT_BLACK', 'PAINT_WHITE', 'WHEEL_19_AERO'])
    expect(initialConfig(m, 'T2', ['PAINT_BLACK', 'WHEEL_21_FORGED', 'INT_CREAM_NAPPA'])!.selected).toContain('PAINT_BLACK')
    expect(initialConfig(m, 'T1', ['NOPE'])!.selected).toEqual(['INT_BLACK', 'PAINT_WHITE', 'WHEEL_19_AERO'])
    expect(initialConfig(m, 'UNKNOWN', [])!.trimCode).toBe('T1')
  })
  it('choosing replaces within the group and follows rules', () => {
    const m = viewerModel()
    const start = initialConfig(m, 'T2', [])!
    const black = choose(m, start, 'PAINT_BLACK')
    expect(black.ok && black.config.selected).toContain('PAINT_BLACK')
    expect(black.ok && black.config.selected).not.toContain('PAINT_BLUE')
    const t1 = initialConfig(m, 'T1', [])!
    expect(choose(m, t1, 'WHEEL_21_FORGED').ok).toBe(false) // not offered on T1
  })
})

describe('dispose bookkeeping', () => {
  const res = () => ({ dispose: vi.fn() })

  it('releases every tracked resource and cleanup exactly once, newest first', () => {
    const t = new ResourceTracker()
    const order: string[] = []
    const a = { dispose: vi.fn(() => order.push('a')) }
    const b = { dispose: vi.fn(() => order.push('b')) }
    t.track(a)
    t.track(b)
    t.track(a) // twice: still once
    t.onDispose(() => order.push('cleanup'))
    expect(t.size).toBe(3)
    expect(t.dispose().released).toBe(3)
    expect(order).toEqual(['cleanup', 'b', 'a'])
    expect(t.dispose().released).toBe(0)
    expect(a.dispose).toHaveBeenCalledTimes(1)
    expect(t.size).toBe(0)
  })

  it('collects geometries, materials (arrays too) and their textures from an object tree', () => {
    const geometry = res()
    const map = { ...res(), isTexture: true }
    const m1 = { ...res(), map, color: 1 }
    const m2 = res()
    const nodes = [{ geometry, material: m1 }, { geometry, material: [m1, m2] }, {}]
    const root = { traverse: (fn: (o: any) => void) => nodes.forEach(fn) }
    const t = new ResourceTracker()
    t.trackObject(root)
    expect(t.size).toBe(4) // geometry, m1, map, m2
    t.dispose()
    for (const r of [geometry, map, m1, m2]) expect(r.dispose).toHaveBeenCalledTimes(1)
  })

  it('after dispose, late resources and cleanups are released at once (no leak from slow loads)', () => {
    const t = new ResourceTracker()
    t.dispose()
    const late = res()
    t.track(late)
    expect(late.dispose).toHaveBeenCalledTimes(1)
    const fn = vi.fn()
    t.onDispose(fn)
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('one failing release does not stop the others', () => {
    const t = new ResourceTracker()
    const good = res()
    t.track(good)
    t.track({ dispose: () => { throw new Error('boom') } })
    const out = t.dispose()
    expect(out.errors).toHaveLength(1)
    expect(good.dispose).toHaveBeenCalled()
  })
})

describe('orbit and doors', () => {
  const orbit = () => new Orbit({ distance: 10, minDistance: 5, maxDistance: 16, yaw: 0, pitch: 0.3 })

  it('auto-rotates until touched, then stays put', () => {
    const o = orbit()
    expect(o.update(0.1)).toBe(true)
    expect(o.yaw).toBeCloseTo(0.035) // 0.35 rad/s; long frames are capped at 0.1 s
    o.down([{ id: 1, x: 0, y: 0 }])
    o.up([1])
    const yaw = o.yaw
    expect(o.update(1)).toBe(false)
    expect(o.yaw).toBe(yaw)
    expect(o.animating).toBe(false)
  })

  it('keyboard: arrows turn and tilt (clamped), +/- zoom within the limits, other keys are left alone', () => {
    const o = orbit()
    expect(o.key('ArrowLeft')).toBe(true)
    expect(o.yaw).toBeCloseTo(0.12)
    expect(o.autoRotate).toBe(false)
    o.key('ArrowRight')
    o.key('ArrowRight')
    expect(o.yaw).toBeCloseTo(-0.12)
    for (let i = 0; i < 50; i++) o.key('ArrowUp')
    expect(o.pitch).toBeCloseTo(1.2)
    for (let i = 0; i < 50; i++) o.key('ArrowDown')
    expect(o.pitch).toBeCloseTo(0.03)
    o.key('+')
    expect(o.distance).toBeCloseTo(9)
    for (let i = 0; i < 50; i++) o.key('=')
    expect(o.distance).toBe(5)
    for (let i = 0; i < 50; i++) o.key('-')
    expect(o.distance).toBe(16)
    expect(o.key('a')).toBe(false)
    expect(o.key('Enter')).toBe(false)
  })

  it('drag rotates, a flick coasts and stops, pitch is clamped', () => {
    const o = orbit()
    o.down([{ id: 1, x: 100, y: 100 }])
    o.move([{ id: 1, x: 50, y: 100 }], 0.016)
    expect(o.yaw).toBeGreaterThan(0)
    o.move([{ id: 1, x: 50, y: 100000 }])
    expect(o.pitch).toBeLessThanOrEqual(1.2)
    o.up([1])
    let steps = 0
    while (o.animating && steps++ < 1000) o.update(0.05)
    expect(o.animating).toBe(false)
  })

  it('pinch and wheel zoom within limits', () => {
    const o = orbit()
    o.down([{ id: 1, x: 0, y: 0 }, { id: 2, x: 100, y: 0 }])
    o.move([{ id: 2, x: 200, y: 0 }])
    expect(o.distance).toBeCloseTo(5) // spread x2 -> half distance, clamped at min 5
    o.wheel(100000)
    expect(o.distance).toBe(16)
  })

  it('camera position is at the orbit distance from the target', () => {
    const o = orbit()
    const [x, y, z] = o.position([0, 1, 0])
    expect(Math.hypot(x, y - 1, z)).toBeCloseTo(10)
  })

  it('doors open and close over ~0.8 s with easing', () => {
    const d = new DoorAnimation(0.8)
    d.set(true)
    d.update(0.4)
    expect(d.progress).toBeCloseTo(0.5)
    expect(d.eased).toBeCloseTo(0.5)
    d.update(1)
    expect(d.progress).toBe(1)
    expect(d.animating).toBe(false)
    d.set(false)
    d.update(2)
    expect(d.progress).toBe(0)
  })

  it('fitDistance frames a longer car from further away, and a narrow view needs more distance', () => {
    expect(fitDistance(5, 32, 1)).toBeGreaterThan(fitDistance(4, 32, 1))
    expect(fitDistance(5, 32, 0.6)).toBeGreaterThan(fitDistance(5, 32, 1.6))
  })
})
