// The second factor (两步验证), the password profiles and the session actions on accounts (Simplified Chinese).
// Merged into zh.ts.
export const identityZh = {
  'login.totpTitle': '两步验证',
  'login.totpPrompt': '请打开手机上的验证器应用，输入账号「{username}」当前显示的 6 位验证码。',
  'login.totpCode': '动态验证码',
  'login.totpRequired': '请输入 6 位数字验证码',
  'login.totpSubmit': '验证并登录',
  'login.totpBack': '返回重新输入密码',

  'header.twoFactor': '两步验证',

  'password.forcedOrExpired': '首次登录、密码已被重置或已到期，请先设置新密码后再继续使用。',
  'password.ruleMlps':
    '至少 10 位，须包含大写字母、小写字母、数字、符号中的至少三类；不能包含用户名，不能是常见密码，也不能与最近 5 次使用过的密码相同。密码每 90 天须更换一次。',
  'password.tooShortMlps': '新密码至少 10 位',

  'totp.title': '两步验证',
  'totp.subtitle': '登录时除密码外，还须输入手机验证器上的动态验证码，密码泄露也不会被冒用',
  'totp.forced': '您的角色（管理员，或可查看完整身份证号）须先启用两步验证，才能继续使用系统。',
  'totp.step1': '在手机上安装验证器应用',
  'totp.step1Help': '如“腾讯身份验证器”微信小程序、Microsoft Authenticator、Google Authenticator 等，任选其一。',
  'totp.step2': '用验证器扫描二维码',
  'totp.step2Help': '无法扫描时，在应用中选择“手动输入密钥”，账号填 {account}，类型选“基于时间”，密钥如下：',
  'totp.secret': '密钥',
  'totp.step3': '输入验证码完成启用',
  'totp.step3Help': '输入应用中显示的 6 位数字。验证码每 30 秒更新一次。',
  'totp.confirm': '确认启用',
  'totp.done': '两步验证已启用，今后登录须输入动态验证码',
  'totp.enabledTitle': '已启用两步验证',
  'totp.enabledHelp': '每次登录都须输入验证器上的动态验证码。更换或丢失手机时，请联系安全管理员或上级管理员重置。',
  'totp.back': '返回首页',
  'totp.loadFailed': '无法开始设置两步验证',

  'users.status.totp': '两步验证',
  'users.endSessions': '结束会话',
  'users.endSessionsConfirm': '结束「{name}」的全部会话？对方正在使用的页面将立即退出，须重新登录。',
  'users.sessionsEnded': '已结束 {count} 个会话',
  'users.resetTotp': '重置两步验证',
  'users.resetTotpConfirm':
    '重置「{name}」的两步验证？其会话将全部结束；对方用密码登录后须重新设置验证器。请先确认是本人提出（如手机丢失）。',
  'users.totpReset': '已重置两步验证',
};
