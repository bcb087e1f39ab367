/**
 * Camera orbit around the car from touch/mouse input: one finger or the mouse rotates, two fingers
 * pinch-zoom, the wheel zooms; the camera auto-rotates until the buyer first touches it; a flick
 * keeps turning for a moment. Pure math (no three.js), unit-tested; the engine reads `position()`.
 */
export interface Point {
  id: number
  x: number
  y: number
}

export interface OrbitOptions {
  distance: number
  minDistance: number
  maxDistance: number
  yaw?: number
  pitch?: number
  /** Radians per second while auto-rotating. */
  autoRotateSpeed?: number
}

const ROTATE_PER_PX = 0.008
const MIN_PITCH = 0.03
const MAX_PITCH = 1.2
const INERTIA_DECAY = 4 // 1/s

export class Orbit {
  yaw: number
  pitch: number
  distance: number
  minDistance: number
  maxDistance: number
  autoRotate = true
  autoRotateSpeed: number
  private pointers = new Map<number, Point>()
  private velocity = 0 // yaw radians per second after release

  constructor(opts: OrbitOptions) {
    this.distance = opts.distance
    this.minDistance = opts.minDistance
    this.maxDistance = opts.maxDistance
    this.yaw = opts.yaw ?? 0.9
    this.pitch = opts.pitch ?? 0.28
    this.autoRotateSpeed = opts.autoRotateSpeed ?? 0.35
  }

  get dragging() {
    return this.pointers.size > 0
  }

  /** Whether the camera still moves on its own (the render loop keeps running while true). */
  get animating() {
    return this.autoRotate || Math.abs(this.velocity) > 1e-3
  }

  setLimits(distance: number, minDistance: number, maxDistance: number) {
    this.minDistance = minDistance
    this.maxDistance = maxDistance
    this.distance = clamp(distance, minDistance, maxDistance)
  }

  /** Pointers went down (all currently active points, or just the new ones). */
  down(points: Point[]) {
    this.autoRotate = false // auto-rotate until touched
    this.velocity = 0
    for (const p of points) this.pointers.set(p.id, { ...p })
  }

  /** Pointers moved; returns true when the view changed. */
  move(points: Point[], dtSeconds = 1 / 60): boolean {
    const before = [...this.pointers.values()]
    const moved = points.filter((p) => this.pointers.has(p.id))
    if (!moved.length) return false
    if (this.pointers.size >= 2 && before.length >= 2) {
      const [a0, b0] = before
      const next = new Map(this.pointers)
      for (const p of moved) next.set(p.id, { ...p })
      const a1 = next.get(a0.id)!
      const b1 = next.get(b0.id)!
      const span0 = Math.hypot(a0.x - b0.x, a0.y - b0.y)
      const span1 = Math.hypot(a1.x - b1.x, a1.y - b1.y)
      if (span0 > 0 && span1 > 0) this.distance = clamp((this.distance * span0) / span1, this.minDistance, this.maxDistance)
      this.pointers = next
      return true
    }
    const p = moved[0]
    const prev = this.pointers.get(p.id)!
    const dx = p.x - prev.x
    const dy = p.y - prev.y
    this.yaw -= dx * ROTATE_PER_PX
    this.pitch = clamp(this.pitch + dy * ROTATE_PER_PX * 0.7, MIN_PITCH, MAX_PITCH)
    this.velocity = dtSeconds > 0 ? (-dx * ROTATE_PER_PX) / dtSeconds : 0
    this.pointers.set(p.id, { ...p })
    return dx !== 0 || dy !== 0
  }

  /** Pointers lifted (ids). A single-finger release keeps a little spin. */
  up(ids: number[]) {
    for (const id of ids) this.pointers.delete(id)
    if (this.pointers.size > 0) this.velocity = 0
    this.velocity = clamp(this.velocity, -4, 4)
  }

  /**
   * Keyboard (the PC showroom): ←/→ turn the car, ↑/↓ raise or lower the camera, + / - zoom.
   * Returns whether the key was one of those (the caller then keeps it from scrolling the page).
   */
  key(key: string): boolean {
    const turn = 0.12
    switch (key) {
      case 'ArrowLeft':
        this.yaw += turn
        break
      case 'ArrowRight':
        this.yaw -= turn
        break
      case 'ArrowUp':
        this.pitch = clamp(this.pitch + turn * 0.7, MIN_PITCH, MAX_PITCH)
        break
      case 'ArrowDown':
        this.pitch = clamp(this.pitch - turn * 0.7, MIN_PITCH, MAX_PITCH)
        break
      case '+':
      case '=':
        this.distance = clamp(this.distance * 0.9, this.minDistance, this.maxDistance)
        break
      case '-':
      case '_':
        this.distance = clamp(this.distance / 0.9, this.minDistance, this.maxDistance)
        break
      default:
        return false
    }
    this.autoRotate = false
    this.velocity = 0
    return true
  }

  /** Mouse wheel / trackpad: positive deltaY zooms out. */
  wheel(deltaY: number) {
    this.autoRotate = false
    this.distance = clamp(this.distance * Math.exp(deltaY * 0.001), this.minDistance, this.maxDistance)
  }

  /** Advance time; returns true when the camera moved. */
  update(dtSeconds: number): boolean {
    const dt = Math.min(Math.max(dtSeconds, 0), 0.1)
    if (this.autoRotate && !this.dragging) {
      this.yaw += this.autoRotateSpeed * dt
      return dt > 0
    }
    if (!this.dragging && Math.abs(this.velocity) > 1e-3) {
      this.yaw += this.velocity * dt
      this.velocity *= Math.exp(-INERTIA_DECAY * dt)
      if (Math.abs(this.velocity) <= 1e-3) this.velocity = 0
      return true
    }
    return false
  }

  /** Camera position around `target`. */
  position(target: [number, number, number]): [number, number, number] {
    const r = this.distance
    return [
      target[0] + r * Math.cos(this.pitch) * Math.cos(this.yaw),
      target[1] + r * Math.sin(this.pitch),
      target[2] + r * Math.cos(this.pitch) * Math.sin(this.yaw),
    ]
  }
}

/** Doors: 0 closed .. 1 open, eased, about 0.8 s either way. */
export class DoorAnimation {
  progress = 0
  target = 0
  constructor(private readonly seconds = 0.8) {}
  get animating() {
    return this.progress !== this.target
  }
  set(open: boolean) {
    this.target = open ? 1 : 0
  }
  update(dtSeconds: number): boolean {
    if (!this.animating) return false
    const step = Math.max(dtSeconds, 0) / this.seconds
    this.progress = this.target > this.progress ? Math.min(this.target, this.progress + step) : Math.max(this.target, this.progress - step)
    return true
  }
  /** Eased (smoothstep) fraction of the opening angle. */
  get eased() {
    const t = this.progress
    return t * t * (3 - 2 * t)
  }
}

export function clamp(v: number, lo: number, hi: number) {
  return Math.min(hi, Math.max(lo, v))
}

/** Camera distance that fits a car `length` metres long across the view. */
export function fitDistance(length: number, verticalFovDeg: number, aspect: number, margin = 1.3): number {
  const vHalf = (verticalFovDeg * Math.PI) / 360
  const hHalf = Math.atan(Math.tan(vHalf) * aspect)
  const half = (length * margin) / 2
  return Math.max(half / Math.tan(hHalf), half / Math.tan(vHalf))
}
