export default definePageConfig({
  navigationBarTitleText: '顾问推荐',
  // An advisor's share of this page carries its own share id (see components/AdvisorShare).
  enableShareAppMessage: true,
})
