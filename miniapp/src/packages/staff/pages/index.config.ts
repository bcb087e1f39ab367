export default definePageConfig({
  navigationBarTitleText: '服务工作台',
})
