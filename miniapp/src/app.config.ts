// Pages listed here are in the main package; tabBar pages must be. Heavy features (the 3D viewer)
// live in subpackages so the main package stays well under WeChat's 2 MB limit.
export default defineAppConfig({
  // The configurator (model detail), compare and 我的配置 pages are light (no 3D) and are where most
  // taps and share links land, so they stay in the main package: no subpackage download first.
  pages: [
    'pages/index/index',
    'pages/models/index',
    'pages/orders/index',
    'pages/me/index',
    'pages/model/index',
    'pages/compare/index',
    'pages/my-configs/index',
    // Checkout and order detail are light and reached from the tab 订单 and share/notification
    // links, so they stay in the main package too.
    'pages/checkout/index',
    'pages/order/index',
    // 金融方案 (loan calculator): light, opened from the configurator.
    'pages/finance/index',
    // 物流跟踪: opened from the order detail, 我的 (lookup by order number) and WeChat delivery alerts.
    'pages/tracking/index',
    // 顾问推荐: where advisors' share cards, mini-program codes and H5 links land (must open fast).
    'pages/share/index',
    // 首发抢购: thousands of buyers open it in the launch's first minute (home banner, shares,
    // notifications); a subpackage download first would cost them their place.
    'pages/launch/index',
  ],
  subPackages: [
    {
      root: 'packages/viewer',
      pages: ['pages/index'],
    },
    // Test-drive booking, 我的试驾 and the advisor workspace.
    { root: 'packages/sales', pages: ['pages/test-drive', 'pages/my-test-drives', 'pages/workspace'] },
    // 运营看板 (operators/admins): funnels and A/B experiments; few users, so kept out of the main package.
    { root: 'packages/ops', pages: ['pages/index'] },
    // 我的车库, 添加我的车, 预约保养, 我的保养预约 and 消息中心 (owners; reached from 我的 and reminder messages).
    { root: 'packages/garage', pages: ['pages/index', 'pages/vehicle', 'pages/add', 'pages/book', 'pages/bookings', 'pages/messages'] },
    // 服务工作台 (service staff / admins): campaigns, dead letters, a centre's bookings.
    { root: 'packages/staff', pages: ['pages/index', 'pages/bookings'] },
    // 管理后台 (service/operator/admin): the desktop-first staff console — orders (search, filters,
    // the order page, single and bulk delivery steps, refunds, CSV export), the catalog editor and stock.
    { root: 'packages/console', pages: ['pages/orders', 'pages/catalog', 'pages/stock', 'pages/dashboard', 'pages/reconciliation', 'pages/vehicles', 'pages/audit', 'pages/roles'] },
    // The privacy policy in full (linked from the login panel and 我的).
    { root: 'packages/legal', pages: ['pages/privacy'] },
  ],
  // WeChat/Alipay download the 3D viewer's subpackage (three.js, ~600 KB) in the background while
  // the buyer is on a model's page, so 3D 看车 opens without a subpackage download first.
  preloadRule: {
    'pages/model/index': { network: 'all', packages: ['packages/viewer'] },
  },
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '车商城',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f6f8',
    // The mini-programs draw their own title bar; on H5 Taro draws one (title, 返回 on subpages,
    // 首页 on a page opened directly) only when the style is named explicitly.
    navigationStyle: 'default',
  },
  // Text-only tab bar: WeChat accepts items without iconPath.
  tabBar: {
    color: '#8a8f99',
    selectedColor: '#1a56db',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/index/index', text: '首页' },
      { pagePath: 'pages/models/index', text: '车型' },
      { pagePath: 'pages/orders/index', text: '订单' },
      { pagePath: 'pages/me/index', text: '我的' },
    ],
  },
})
