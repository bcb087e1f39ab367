import { defineConfig } from 'vitest/config'

// Unit tests render pages into jsdom. Taro's real components for H5 are web components, so
// `@tarojs/components` is aliased to `@tarojs/components-react`, which renders plain DOM.
export default defineConfig({
  define: {
    // Build flags Taro's runtime expects the bundler to replace.
    ENABLE_INNER_HTML: true,
    ENABLE_ADJACENT_HTML: true,
    ENABLE_SIZE_APIS: true,
    ENABLE_TEMPLATE_CONTENT: true,
    ENABLE_CLONE_NODE: true,
    ENABLE_CONTAINS: true,
    ENABLE_MUTATION_OBSERVER: true,
    DEPRECATED_ADAPTER_COMPONENT: false,
    'process.env.TARO_ENV': JSON.stringify('h5'),
    CARMALL_API_BASE: JSON.stringify('http://bff.test'),
  },
  resolve: {
    alias: [{ find: /^@tarojs\/components$/, replacement: '@tarojs/components-react' }],
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    css: false,
  },
})
