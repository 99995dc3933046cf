import { generateProvince } from '../bench/province.js';
import type { Db } from './db/schema.js';
import { generateDemoPeople } from './demo-people.js';
import { generateDemoPublishing } from './demo-publishing.js';
import type { Keyring } from './personal-data/keyring.js';
import { recordAudit } from './features/audit/service.js';
import { generatePassword, hashPassword } from './features/auth/passwords.js';
import { importDivisions } from './features/orgs/import-divisions.js';
import { accountRow, findUserByUsername, insertUser } from './features/users/repo.js';

export const demoUsername = 'demo-county';
const demoCountyStat = '610124000000'; // 周至县

/**
 * Demo data: the whole Shaanxi league tree and an admin of one county committee, so that a newcomer sees a real
 * province at once. Idempotent; the demo password is generated (or TUANJIAN_DEMO_PASSWORD) and printed.
 */
export async function loadDemo(db: Db, keyring: Keyring, print: (line: string) => void): Promise<void> {
  print('  演示数据：正在导入陕西省团组织树（首次需几秒钟）……');
  const result = await importDivisions({ db, provinceCode: '61', depth: 'village' });
  const created = Object.values(result.created).reduce((a, b) => a + b, 0);
  print(`  演示数据：新建 ${created} 个组织，已有 ${Object.values(result.existing).reduce((a, b) => a + b, 0)} 个`);
  await loadDemoLedger(db, keyring, print);
  await loadDemoPeople(db, keyring, print);
  const bulletins = await generateDemoPublishing(db, demoCountyStat);
  if (bulletins) print(`  演示数据：${bulletins} 篇稿件（已发送、待审核、草稿）和一份每周手机报`);
  if (await findUserByUsername(db, demoUsername)) {
    print(`  演示账户 ${demoUsername} 已存在（密码见首次启动时的输出）`);
    return;
  }
  const county = await db
    .selectFrom('orgs')
    .select(['id', 'name'])
    .where('stat_code', '=', demoCountyStat)
    .executeTakeFirstOrThrow();
  const password = process.env.TUANJIAN_DEMO_PASSWORD || generatePassword();
  await db.transaction().execute(async (trx) => {
    const id = await insertUser(
      trx,
      accountRow({
        username: demoUsername,
        displayName: '周至县团委管理员（演示）',
        role: 'org_admin',
        orgId: county.id,
        passwordHash: await hashPassword(password),
        mustChangePassword: false,
      }),
    );
    await recordAudit(trx, null, {
      action: 'user.create',
      objectType: 'user',
      objectId: id,
      orgId: county.id,
      details: { username: demoUsername, role: 'org_admin', demo: true },
    });
  });
  print(`  演示账户：${demoUsername}（${county.name}管理员），密码：${password}`);
}

/**
 * A new-media ledger to look at: the benchmark's generator (bench/province.ts) at a small scale — the demo is the
 * data we measure — with every township of the demo county filled in, and the seed's campaign. Only once.
 */
async function loadDemoLedger(db: Db, keyring: Keyring, print: (line: string) => void): Promise<void> {
  if (await db.selectFrom('campaigns').select('id').limit(1).executeTakeFirst()) return;
  print('  演示数据：正在生成新媒体台账（团干部、联系青年、两群一号）和工作任务……');
  const ledger = await generateProvince(db, keyring, {
    scale: 0.02,
    alwaysCover: (township) => township.stat_code?.startsWith(demoCountyStat.slice(0, 6)) ?? false,
  });
  const { cadres, contacts, channels } = ledger.counts;
  print(`  演示数据：${cadres} 名团干部、${contacts} 名联系青年、${channels.total} 个渠道，工作任务已建立`);
}

/** The demo county's members and applicants (server/demo-people.ts); only once. */
async function loadDemoPeople(db: Db, keyring: Keyring, print: (line: string) => void): Promise<void> {
  const people = await generateDemoPeople(db, keyring, demoCountyStat.slice(0, 6));
  if (people) {
    print(
      `  演示数据：${people.branches} 个团支部共 ${people.members} 名团员，${people.applicants} 名入团申请人（各阶段均有）`,
    );
  }
}
