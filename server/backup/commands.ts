import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { keyFilePath } from '../personal-data/keyring.js';
import { createBackup } from './backup.js';
import type { BackupPhase, BackupProgress } from './manifest.js';
import { restoreBackup, type KeyStatus } from './restore.js';

// `tuanjian backup` and `tuanjian restore`: the operator's side of server/backup (see README.md there).

const phaseNames: Record<BackupPhase, { label: string; unit: string }> = {
  database: { label: '数据库', unit: '' },
  verify: { label: '校验', unit: ' MiB' },
  files: { label: '文件', unit: ' 个' },
  restore: { label: '载入表', unit: ' 张' },
};

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const thousands = (n: number) => n.toLocaleString('en-US');

/** One progress bar per phase of the work, redrawn in a terminal and printed every 2 s when piped to a log. */
function progressBars(): { onProgress: BackupProgress; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { format: '{label} [{bar}] {value}/{total}{unit}', noTTYOutput: true, notTTYSchedule: 2000, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let current: BackupPhase | null = null;
  return {
    onProgress: ({ phase, done, total }) => {
      const bytes = phase === 'verify';
      const value = bytes ? Number(mib(done)) : done;
      if (phase !== current) {
        bar.stop();
        current = phase;
        bar.start(bytes ? Number(mib(total)) : total, value, {
          label: phaseNames[phase].label.padEnd(4, '　'),
          unit: phaseNames[phase].unit,
        });
      } else bar.update(value);
    },
    stop: () => bar.stop(),
  };
}

function keyAdvice(key: KeyStatus, dataDir: string): string {
  switch (key.status) {
    case 'match':
      return `主密钥与备份一致（指纹 ${key.fingerprint}，来自${key.source === 'environment' ? ' TUANJIAN_DATA_KEY' : '密钥文件'}）`;
    case 'unknown':
      return '备份没有记录主密钥指纹（备份时没有找到密钥）：请确认现在使用的主密钥就是原来的那一个';
    case 'missing':
      return [
        `还需要主密钥：备份不含个人信息主密钥（与数据分开保管）。启动服务之前，请把原来的主密钥${key.fingerprint ? `（指纹 ${key.fingerprint}）` : ''}`,
        `  设为环境变量 TUANJIAN_DATA_KEY，或复制到 ${keyFilePath(dataDir)}（权限 0600）。`,
        '  没有它，服务启动时会生成一个新密钥，已加密的手机号和身份证号将无法读取，也无法按身份证号查找。',
      ].join('\n');
  }
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      '备份数据库和上传的文件到一个新目录（含清单 manifest.json 与校验值）；服务运行时也可以备份。备份不含个人信息主密钥',
    )
    .option('--out <dir>', '备份目录（须不存在或为空）', defaultBackupDir())
    .action(async (options: { out: string }) => {
      const config = loadConfig();
      console.log(
        `正在备份${config.databaseUrl ? ' PostgreSQL 数据库' : ` ${config.dataDir}`} 到 ${path.resolve(options.out)}`,
      );
      const bars = progressBars();
      let result;
      try {
        result = await createBackup({ config, out: options.out, onProgress: bars.onProgress });
      } finally {
        bars.stop();
      }
      const { manifest } = result;
      const rows = Object.values(manifest.tables).reduce((sum, n) => sum + n, 0);
      const fileBytes = manifest.files.reduce((sum, f) => sum + f.size, 0);
      console.log(`\n备份完成：${result.dir}（用时 ${result.seconds.toFixed(1)} 秒，共 ${mib(result.bytes)} MiB）`);
      console.log(
        `  数据库：${manifest.database.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}，${mib(manifest.database.size)} MiB，` +
          `${Object.keys(manifest.tables).length} 张表，${thousands(rows)} 行`,
      );
      console.log(`  上传的文件：${thousands(manifest.files.length)} 个，${mib(fileBytes)} MiB`);
      const notCopied = (reason: string) => manifest.filesNotCopied.filter((f) => f.reason === reason).length;
      const [missing, damaged, uploads] = [notCopied('missing'), notCopied('damaged'), notCopied('import-upload')];
      if (missing > 0)
        console.log(`  注意：${missing} 个文件在快照之后已被删除（如导入结束后的上传文件），未包含在备份中`);
      if (uploads > 0) {
        console.log(
          `  注意：${uploads} 个正在进行的导入的上传文件（含明文身份证号、手机号）不进备份：恢复后这些导入需重新上传`,
        );
      }
      if (damaged > 0) console.log(`  警告：${damaged} 个文件在数据目录中已损坏（内容与校验值不符），未包含在备份中`);
      console.log(
        manifest.key.fingerprint
          ? `  备份不含个人信息主密钥（指纹 ${manifest.key.fingerprint}）：请另行保管密钥，恢复时需要它`
          : '  备份不含个人信息主密钥；此处没有找到密钥（TUANJIAN_DATA_KEY 或密钥文件）：恢复时需要服务所用的那一个',
      );
    });

  program
    .command('restore')
    .description('从备份目录恢复到空的数据目录或空的数据库：先核对全部校验值，恢复后核对各表行数和审计日志哈希链')
    .argument('<dir>', '备份目录（含 manifest.json）')
    .option('--force', '覆盖已有的数据（须先停止服务）', false)
    .action(async (dir: string, options: { force: boolean }) => {
      const config = loadConfig();
      console.log(
        `正在从 ${path.resolve(dir)} 恢复到${config.databaseUrl ? ' PostgreSQL 数据库' : ` ${config.dataDir}`}`,
      );
      const bars = progressBars();
      let result;
      try {
        result = await restoreBackup({ config, from: dir, force: options.force, onProgress: bars.onProgress });
      } finally {
        bars.stop();
      }
      const { manifest } = result;
      const rows = Object.values(manifest.tables).reduce((sum, n) => sum + n, 0);
      console.log(
        `\n恢复完成${result.replaced ? '（已覆盖原有数据）' : ''}：备份时间 ${manifest.createdAt}，用时 ${result.seconds.toFixed(1)} 秒，${mib(result.bytes)} MiB`,
      );
      console.log(`  ${Object.keys(manifest.tables).length} 张表、${thousands(rows)} 行，与清单一致`);
      console.log(`  上传的文件：${thousands(result.filesRestored)} 个，校验值一致`);
      console.log(`  审计日志：${thousands(result.auditRowsChecked)} 行，哈希链完整`);
      if (manifest.filesNotCopied.length > 0) {
        console.log(
          `  注意：备份中没有 ${manifest.filesNotCopied.length} 个文件（见 manifest.json 的 filesNotCopied；进行中的导入须重新上传）`,
        );
      }
      console.log(`  ${keyAdvice(result.key, config.dataDir)}`);
    });
}

function defaultBackupDir(): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return path.join('backups', `tuanjian-${stamp}`);
}
