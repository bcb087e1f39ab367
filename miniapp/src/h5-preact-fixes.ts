import { options, type VNode } from 'preact'

/**
 * The H5 build renders with Preact (config/index.ts), the mini-programs with React. Taro's H5
 * component wrappers (@tarojs/components lib/react) were written for React; two differences show:
 *
 * 1. The wrappers copy every prop onto their element as a property on mount, and Preact then
 *    updates a prop the element has as a property only as that property. So a `data-*` given a
 *    number or boolean (`data-fen={fen}`) kept its first value as an attribute, where React always
 *    writes `data-*` as attributes. After each diff of a Taro element, write them as React would.
 * 2. After an input event the wrapper puts a controlled Input/Textarea back to its `value` prop
 *    when the handler refused the change (`setPhone(v.replace(/\D/g, ''))` on a letter: state
 *    unchanged, nothing re-renders) by reading React's internals (`__reactProps…`), which Preact
 *    has not. Do the same once Preact has rendered the handler's update (a microtask; a timeout
 *    runs after it). An accepted change leaves the element alone, so the caret stays put.
 */
const CONTROLLED = new Set(['TARO-INPUT-CORE', 'TARO-TEXTAREA-CORE'])
const renderedValue = new WeakMap<Element, string>()
document.addEventListener(
  'input',
  (e) => {
    const host = e.composedPath().find((n): n is Element & { value?: unknown } => n instanceof Element && CONTROLLED.has(n.tagName))
    if (!host) return
    setTimeout(() => {
      const want = renderedValue.get(host)
      if (want !== undefined && String(host.value ?? '') !== want) {
        host.value = want
        host.setAttribute('value', want)
      }
    })
  },
  true,
)

// 1, and what 2 compares with: the value each controlled Taro element was last rendered with.
const previous = options.diffed
options.diffed = (vnode: VNode) => {
  // `__e` is Preact 10's (mangled) `_dom`: the element the vnode rendered to.
  const dom = (vnode as unknown as { __e?: Element | null }).__e
  if (typeof vnode.type === 'string' && vnode.type.startsWith('taro-') && dom instanceof Element) {
    const props = vnode.props as Record<string, unknown>
    if (CONTROLLED.has(dom.tagName)) {
      if ('value' in props && props.value != null) renderedValue.set(dom, String(props.value))
      else renderedValue.delete(dom)
    }
    for (const name in props) {
      if (!name.startsWith('data-')) continue
      const value = props[name]
      if (typeof value === 'number' || typeof value === 'boolean') {
        const text = String(value)
        if (dom.getAttribute(name) !== text) dom.setAttribute(name, text)
      } else if (value == null && dom.hasAttribute(name)) {
        dom.removeAttribute(name)
      }
    }
  }
  previous?.(vnode)
}
