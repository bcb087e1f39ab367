export default definePageConfig({
  navigationBarTitleText: '我的保养预约',
})
