// babel-preset-taro options: https://docs.taro.zone/docs/next/babel-config
// This is a project-wide config, so it also applies to ../shared-types/src (TypeScript source).
module.exports = {
  presets: [
    // hot: no React fast-refresh transform on H5, which renders with Preact (config/index.ts).
    ['taro', { framework: 'react', ts: true, compiler: 'webpack5', hot: process.env.TARO_ENV !== 'h5' }],
  ],
}
