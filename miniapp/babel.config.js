// babel-preset-taro options: https://docs.taro.zone/docs/next/babel-config
// This is a project-wide config, so it also applies to ../shared-types/src (TypeScript source).
module.exports = {
  presets: [
    ['taro', { framework: 'react', ts: true, compiler: 'webpack5' }],
  ],
}
