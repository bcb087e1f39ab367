import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'

/**
 * Taro build config for all three targets (weapp, alipay, h5), webpack5 runner.
 * The platform plugins are registered by the CLI itself from `--type`, so `plugins` stays empty.
 */

// The shared-types workspace package is TypeScript source reached through a pnpm symlink.
// Webpack resolves the symlink to this real path, which is outside src/ and outside
// node_modules, so Taro's babel rule would skip it unless we list it here.
const sharedTypesSrc = path.resolve(__dirname, '../../shared-types/src')

/**
 * API base override from the environment at build time (e.g. `TARO_APP_API_BASE=https://api.example.com`).
 * `null` means "use the per-target default" (see src/api/base.ts).
 */
const apiBaseOverride = process.env.TARO_APP_API_BASE ?? null

export default defineConfig<'webpack5'>(async () => {
  const config: UserConfigExport<'webpack5'> = {
    projectName: 'carmall',
    date: '2026-11-01',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    // One folder per target so builds never overwrite each other. CARMALL_DIST_ROOT lets parallel
    // work trees build side by side (e.g. `CARMALL_DIST_ROOT=dist-tracking`).
    outputRoot: `${process.env.CARMALL_DIST_ROOT ?? 'dist'}/${process.env.TARO_ENV}`,
    plugins: [],
    defineConstants: {
      CARMALL_API_BASE: JSON.stringify(apiBaseOverride),
    },
    alias: {
      '@': path.resolve(__dirname, '..', 'src'),
    },
    // The tracking map's truck marker: Map markers need an image file inside the package.
    copy: { patterns: [{ from: 'src/assets/tracking/', to: `${process.env.CARMALL_DIST_ROOT ?? 'dist'}/${process.env.TARO_ENV}/assets/tracking/` }], options: {} },
    // H5 renders with Preact (react/react-dom aliased to preact/compat): ~35 KB gzip less than
    // react-dom on every first load. The mini-programs keep React (Taro's own reconciler there).
    // src/h5-preact-fixes.ts covers the one difference the app hit (numeric data-* attributes).
    // CARMALL_H5_REACT=1 builds the H5 with React instead, to tell a Preact difference from a bug.
    framework: process.env.TARO_ENV === 'h5' && process.env.CARMALL_H5_REACT !== '1' ? 'preact' : 'react',
    // No dev prebundle on H5: it bundles dependencies with the real React, past the Preact alias
    // (`dev:h5` then fails with "object is not extensible"). Production builds never prebundle.
    compiler: process.env.TARO_ENV === 'h5' ? { type: 'webpack5', prebundle: { enable: false } } : 'webpack5',
    cache: { enable: false },
    logger: { quiet: true, stats: false },
    mini: {
      compile: { include: [sharedTypesSrc] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
    h5: {
      // The BFF serves the H5 build at `/`, so absolute asset paths from `/` are correct.
      publicPath: '/',
      // Fast refresh for Preact needs @prefresh/*, not installed: `dev:h5` reloads the page instead.
      devServer: { hot: false },
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: [sharedTypesSrc] },
      output: {
        filename: 'js/[name].[hash:8].js',
        chunkFilename: 'js/[name].[chunkhash:8].js',
      },
      // Code several pages share (Taro's H5 components, shared-types, our components and API
      // modules) goes into shared chunks, not copied into each page's chunk, so a page switch
      // downloads only the page. Unnamed groups: webpack makes one chunk per set of pages using the
      // code, so the home page fetches what it uses, not everything any two pages share.
      webpackChain(chain: {
        resolve: { alias: { set: (key: string, value: string) => unknown } }
        optimization: { splitChunks: (opts: object) => void }
      }) {
        // Polyfills and JSONP support Taro's H5 runtime always bundles, not needed here (see the stubs).
        const stubs = path.resolve(__dirname, 'h5-stubs')
        const alias = chain.resolve.alias
        alias.set('whatwg-fetch$', path.join(stubs, 'no-polyfill.js'))
        alias.set('abortcontroller-polyfill/dist/abortcontroller-polyfill-only$', path.join(stubs, 'no-polyfill.js'))
        alias.set('jsonp-retry$', path.join(stubs, 'jsonp-retry.js'))
        chain.optimization.splitChunks({
          chunks: 'all',
          cacheGroups: {
            taro: { chunks: 'async', test: /[\\/]node_modules[\\/](@tarojs|hammerjs|react|react-dom|scheduler)[\\/]/, priority: 30, reuseExistingChunk: true },
            shared: { chunks: 'async', test: /shared-types[\\/]src[\\/]/, priority: 20, minChunks: 2, reuseExistingChunk: true },
            common: { chunks: 'async', minChunks: 2, priority: 10, reuseExistingChunk: true },
          },
        })
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[hash].css',
        chunkFilename: 'css/[name].[chunkhash].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
  }
  return config
})
