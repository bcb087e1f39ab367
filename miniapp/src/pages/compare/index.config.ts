export default definePageConfig({
  navigationBarTitleText: '版本对比',
})
