export default definePageConfig({
  navigationBarTitleText: '添加我的车',
})
