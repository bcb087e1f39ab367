export default definePageConfig({
  navigationBarTitleText: '我的配置',
})
