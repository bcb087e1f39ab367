import { PRIVACY_POLICY_VERSION } from './privacy'

/** Where the full policy is shown (a subpackage: only those who open it download it). */
export const privacyPolicyPath = '/packages/legal/pages/privacy'

/**
 * The privacy policy's full text, section by section: what this app actually collects and why,
 * who else receives it, how it is kept and what the user can do (PIPL arts. 17, 44-47). Changing
 * it means bumping PRIVACY_POLICY_VERSION, so every user is asked again.
 */
export const PRIVACY_POLICY: { version: string; sections: { title: string; paragraphs: string[] }[] } = {
  version: PRIVACY_POLICY_VERSION,
  sections: [
    {
      title: '一、我们收集哪些信息',
      paragraphs: [
        '登录信息：微信或支付宝的用户标识，或您用于短信登录的手机号。',
        '订单与支付信息：所选车型与配置、意向金与定金的支付记录（支付由微信支付、支付宝完成，我们不接触您的银行卡信息）、交付中心。',
        '车辆信息：交付后车辆的车架号、里程与电池等使用数据，用于保养提醒与车况估算。',
        '预约信息：试驾与保养预约的时间、门店及您留下的备注。',
        '使用情况：浏览与配置车型等操作记录，使用匿名设备标识，不包含手机号、身份证号等可识别身份的内容，用于改进产品。',
      ],
    },
    {
      title: '二、我们如何使用这些信息',
      paragraphs: [
        '为您完成选车、下定、支付、配车、物流跟踪与交付；发送订单、物流和保养通知；为您推荐可能感兴趣的车型；统计整体转化情况。',
        '未经您的同意，我们不会将个人信息用于上述目的以外的用途。',
      ],
    },
    {
      title: '三、与谁共享',
      paragraphs: [
        '仅在完成服务所必需时，向以下合作方提供必要的信息：短信服务商（发送验证码）、微信支付与支付宝（完成支付与退款）、物流承运商（车辆运输，仅车架号与交付中心）、金融机构（仅在您申请贷款时）、品牌经销商管理系统（配车与交付）。',
        '我们不会出售您的个人信息。',
      ],
    },
    {
      title: '四、如何保存与保护',
      paragraphs: [
        '手机号等敏感信息加密存储；页面与接口中的手机号一律脱敏显示（如 138****1234）；员工仅能查看其工作所需的信息，且操作留有记录。',
        '信息存储于中华人民共和国境内，保存期限为实现目的所必需的最短时间；您注销账号后，我们将删除或匿名化您的个人信息，法律法规要求保留的交易记录除外。',
      ],
    },
    {
      title: '五、您的权利',
      paragraphs: [
        '您可以在“我的”中查看与导出您的个人信息、撤回同意或注销账号；撤回同意后仍可浏览车型，但无法登录和下单。',
        '对本政策或个人信息处理有疑问，可通过“我的”页面中的客服渠道联系我们，我们将在十五个工作日内答复。',
      ],
    },
  ],
}
