/**
 * The 3D scene shared by the WebGL targets (h5 and weapp): three-platformize (three r133) with the
 * platform given by the caller (BrowserPlatform on h5, WechatPlatform on weapp). Only the per-target
 * Stage files import this module, so the alipay build never bundles three.
 *
 * Renders on demand: frames run while something moves (auto-rotate, inertia, doors) and stop when
 * the view is still, which spares battery and makes screenshots stable.
 */
import * as THREE from 'three-platformize'
import { GLTFLoader } from 'three-platformize/examples/jsm/loaders/GLTFLoader'
import type { Appearance, MaterialLook } from './appearance'
import { DoorAnimation, Orbit, fitDistance, type Point } from './orbit'
import { ResourceTracker } from './tracker'

export interface ViewerHost {
  /** The platform adapter (BrowserPlatform / WechatPlatform instance). */
  platform: unknown
  canvas: any
  width: number
  height: number
  pixelRatio: number
  requestFrame: (cb: (t: number) => void) => number
  cancelFrame: (id: number) => void
}

const TARGET: [number, number, number] = [0, 0.72, 0]
const FOV = 32

export class CarViewer {
  readonly tracker = new ResourceTracker()
  readonly orbit: Orbit
  readonly doors = new DoorAnimation()
  private renderer: THREE.WebGLRenderer
  private scene = new THREE.Scene()
  private camera: THREE.PerspectiveCamera
  private car: THREE.Object3D | null = null
  private materials = new Map<string, THREE.MeshStandardMaterial[]>()
  private doorNodes: Array<{ node: THREE.Object3D; angle: number }> = []
  private rimMeshes: THREE.Object3D[] = []
  private frameId: number | null = null
  private lastTime: number | null = null
  private dirty = true
  private carLength = 4.8
  /** Frames rendered (for diagnostics and tests). */
  frames = 0
  onFrame: (() => void) | null = null

  constructor(private readonly host: ViewerHost) {
    THREE.PLATFORM.set(host.platform as any)
    this.tracker.onDispose(() => THREE.PLATFORM.dispose())
    // Throws when WebGL is unavailable: the Stage catches it and shows the fallback.
    this.renderer = new THREE.WebGLRenderer({ canvas: host.canvas, antialias: true, alpha: false })
    const renderer = this.renderer
    this.tracker.onDispose(() => {
      renderer.dispose()
      try {
        renderer.forceContextLoss()
      } catch {
        /* WEBGL_lose_context is optional */
      }
    })
    renderer.outputEncoding = THREE.sRGBEncoding
    renderer.setPixelRatio(Math.min(host.pixelRatio || 1, 2))
    renderer.setSize(host.width, host.height, false)
    this.scene.background = new THREE.Color(0xe9edf2)

    this.camera = new THREE.PerspectiveCamera(FOV, host.width / host.height, 0.1, 100)
    const fit = fitDistance(this.carLength, FOV, host.width / host.height)
    this.orbit = new Orbit({ distance: fit, minDistance: fit * 0.55, maxDistance: fit * 1.6 })

    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x8a8f99, 0.9))
    const key = new THREE.DirectionalLight(0xffffff, 1.1)
    key.position.set(4, 6, 3)
    this.scene.add(key)
    const fill = new THREE.DirectionalLight(0xffffff, 0.45)
    fill.position.set(-4, 3, -3)
    this.scene.add(fill)
    // Soft contact shadow: a dark, transparent disc under the car.
    const shadow = new THREE.Mesh(
      this.tracker.track(new THREE.CircleGeometry(1, 32)),
      this.tracker.track(new THREE.MeshBasicMaterial({ color: 0x000000, transparent: true, opacity: 0.16, depthWrite: false })),
    )
    shadow.rotation.x = -Math.PI / 2
    shadow.position.y = 0.002
    shadow.scale.set(2.7, 1.25, 1)
    this.scene.add(shadow)
    this.tracker.onDispose(() => this.stopLoop())
  }

  /** Parse a downloaded .glb and show it. */
  load(glb: ArrayBuffer): Promise<void> {
    return new Promise((resolve, reject) => {
      new GLTFLoader().parse(
        glb,
        '',
        (gltf: any) => {
          if (this.tracker.isDisposed) {
            // The page was left while parsing: release what was just created.
            new ResourceTracker().trackObject(gltf.scene).dispose()
            return resolve()
          }
          this.setCar(gltf.scene)
          resolve()
        },
        (err: unknown) => reject(err instanceof Error ? err : new Error(String((err as any)?.message ?? err))),
      )
    })
  }

  private setCar(root: THREE.Object3D) {
    this.tracker.trackObject(root as any)
    this.car = root
    root.traverse((o: any) => {
      if (o.isMesh) {
        const list = Array.isArray(o.material) ? o.material : [o.material]
        for (const m of list) {
          const bucket = this.materials.get(m.name) ?? []
          if (!bucket.includes(m)) bucket.push(m)
          this.materials.set(m.name, bucket)
        }
        if (o.name === 'rim' || o.name.startsWith('rim')) this.rimMeshes.push(o)
      }
      if (typeof o.userData?.openAngle === 'number') this.doorNodes.push({ node: o, angle: o.userData.openAngle })
    })
    const box = new THREE.Box3().setFromObject(root)
    this.carLength = Math.max(box.max.x - box.min.x, 3)
    const fit = fitDistance(this.carLength, FOV, this.host.width / this.host.height)
    this.orbit.setLimits(fit, fit * 0.55, fit * 1.6)
    this.scene.add(root)
    this.invalidate()
  }

  /** Material names found in the model (for diagnostics). */
  get materialNames() {
    return [...this.materials.keys()]
  }

  private applyLook(name: string, look: MaterialLook) {
    for (const m of this.materials.get(name) ?? []) {
      m.color.setHex(look.color).convertSRGBToLinear()
      m.metalness = look.metalness
      m.roughness = look.roughness
    }
  }

  setAppearance(a: Appearance) {
    this.applyLook('paint', a.paint)
    this.applyLook('rims', a.rims)
    this.applyLook('interior', a.interior)
    for (const rim of this.rimMeshes) rim.scale.set(a.rims.scale, a.rims.scale, 1)
    this.invalidate()
  }

  setDoorsOpen(open: boolean) {
    this.doors.set(open)
    this.invalidate()
  }

  pointerDown(points: Point[]) {
    this.orbit.down(points)
    this.invalidate()
  }
  pointerMove(points: Point[]) {
    if (this.orbit.move(points)) this.invalidate()
  }
  pointerUp(ids: number[]) {
    this.orbit.up(ids)
    this.invalidate()
  }
  wheel(deltaY: number) {
    this.orbit.wheel(deltaY)
    this.invalidate()
  }
  /** A key press on the stage (orbit.key); true when it moved the camera. */
  key(key: string): boolean {
    const moved = this.orbit.key(key)
    if (moved) this.invalidate()
    return moved
  }

  resize(width: number, height: number) {
    this.host.width = width
    this.host.height = height
    this.renderer.setSize(width, height, false)
    this.camera.aspect = width / height
    this.camera.updateProjectionMatrix()
    const fit = fitDistance(this.carLength, FOV, width / height)
    this.orbit.setLimits(this.orbit.distance, fit * 0.55, fit * 1.6)
    this.invalidate()
  }

  /** Ask for a frame; the loop stops by itself once nothing moves. */
  invalidate() {
    this.dirty = true
    if (this.frameId === null && !this.tracker.isDisposed) {
      this.frameId = this.host.requestFrame((t) => this.frame(t))
    }
  }

  private stopLoop() {
    if (this.frameId !== null) this.host.cancelFrame(this.frameId)
    this.frameId = null
  }

  private frame(time: number) {
    this.frameId = null
    if (this.tracker.isDisposed) return
    const dt = this.lastTime === null ? 0 : (time - this.lastTime) / 1000
    this.lastTime = time
    const moved = this.orbit.update(dt)
    const doorsMoved = this.doors.update(dt)
    if (doorsMoved || this.dirty) {
      const k = this.doors.eased
      for (const d of this.doorNodes) d.node.rotation.y = d.angle * k
    }
    if (moved || doorsMoved || this.dirty) {
      const [x, y, z] = this.orbit.position(TARGET)
      this.camera.position.set(x, y, z)
      this.camera.lookAt(TARGET[0], TARGET[1], TARGET[2])
      this.renderer.render(this.scene, this.camera)
      this.frames++
      this.dirty = false
      this.onFrame?.()
    }
    if (this.orbit.animating || this.doors.animating || this.orbit.dragging) {
      this.frameId = this.host.requestFrame((t) => this.frame(t))
    } else {
      this.lastTime = null // the next frame after idling starts with dt = 0
    }
  }

  /** Release every GL resource, the frame loop and the platform; safe to call twice. */
  dispose() {
    if (this.car) this.scene.remove(this.car)
    this.car = null
    this.materials.clear()
    this.doorNodes = []
    this.rimMeshes = []
    return this.tracker.dispose()
  }
}
