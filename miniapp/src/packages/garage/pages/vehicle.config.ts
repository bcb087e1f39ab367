export default definePageConfig({
  navigationBarTitleText: '车辆详情',
})
