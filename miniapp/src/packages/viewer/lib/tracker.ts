/**
 * Dispose bookkeeping for the viewer: everything that holds GPU memory or a callback (geometries,
 * materials, textures, the renderer, event listeners, a pending animation frame) is registered
 * here, and `dispose()` releases each exactly once, newest first. Pure (duck-typed), unit-tested.
 */
export interface Disposable {
  dispose(): void
}

interface MeshLike {
  geometry?: Disposable
  material?: MaterialLike | MaterialLike[]
}
interface MaterialLike extends Disposable {
  [key: string]: unknown
}
interface Object3DLike {
  traverse(fn: (o: Object3DLike & MeshLike) => void): void
}

const isDisposable = (v: unknown): v is Disposable => !!v && typeof (v as Disposable).dispose === 'function'
const isTexture = (v: unknown): v is Disposable => isDisposable(v) && (v as { isTexture?: boolean }).isTexture === true

export class ResourceTracker {
  private resources = new Set<Disposable>()
  private cleanups: Array<() => void> = []
  private disposed = false

  get isDisposed() {
    return this.disposed
  }

  /** Number of tracked GPU resources plus cleanups not yet run. */
  get size() {
    return this.resources.size + this.cleanups.length
  }

  /** Register a resource; after dispose() it is released at once (late async loads). */
  track<T>(resource: T): T {
    if (!isDisposable(resource)) return resource
    if (this.disposed) {
      resource.dispose()
      return resource
    }
    this.resources.add(resource)
    return resource
  }

  /** Register every geometry, material and material texture under an object (a loaded glTF scene). */
  trackObject<T extends Object3DLike>(root: T): T {
    root.traverse((o) => {
      if (o.geometry) this.track(o.geometry)
      const materials = Array.isArray(o.material) ? o.material : o.material ? [o.material] : []
      for (const m of materials) {
        this.track(m)
        for (const value of Object.values(m)) if (isTexture(value)) this.track(value)
      }
    })
    return root
  }

  /** Run `fn` on dispose (remove a listener, cancel a frame). Runs at once when already disposed. */
  onDispose(fn: () => void): void {
    if (this.disposed) fn()
    else this.cleanups.push(fn)
  }

  /** Release everything once; later calls do nothing. Errors of one release do not stop the others. */
  dispose(): { released: number; errors: unknown[] } {
    if (this.disposed) return { released: 0, errors: [] }
    this.disposed = true
    const errors: unknown[] = []
    let released = 0
    for (const fn of this.cleanups.reverse()) {
      try {
        fn()
        released++
      } catch (err) {
        errors.push(err)
      }
    }
    for (const r of [...this.resources].reverse()) {
      try {
        r.dispose()
        released++
      } catch (err) {
        errors.push(err)
      }
    }
    this.cleanups = []
    this.resources.clear()
    return { released, errors }
  }
}
