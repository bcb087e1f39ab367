import { options, type VNode } from 'preact'

/**
 * The H5 build renders with Preact (config/index.ts), the mini-programs with React. One difference
 * matters here: Taro's H5 component wrappers (@tarojs/components lib/react) copy every prop onto
 * their element as a property on mount, and Preact then updates a prop the element has as a
 * property only as that property. So a `data-*` given a number or boolean (`data-fen={fen}`) kept
 * its first value as an attribute, where React always writes `data-*` as attributes. After each
 * diff of a Taro element, write such attributes again as React would.
 */
const previous = options.diffed
options.diffed = (vnode: VNode) => {
  // `__e` is Preact 10's (mangled) `_dom`: the element the vnode rendered to.
  const dom = (vnode as unknown as { __e?: Element | null }).__e
  if (typeof vnode.type === 'string' && vnode.type.startsWith('taro-') && dom instanceof Element) {
    const props = vnode.props as Record<string, unknown>
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
