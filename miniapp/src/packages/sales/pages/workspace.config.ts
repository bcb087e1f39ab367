export default definePageConfig({
  navigationBarTitleText: '顾问工作台',
})
