import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { exportQuery, importAccepted, jobItem, memberExportQuery, templateParams } from '../../../common/imports.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { readStoredFile } from '../../files/store.js';
import { requireActor } from '../../http/actor.js';
import { sendXlsx } from '../../http/download.js';
import { attachmentDisposition } from '../channels/evidence.js';
import { exportChannels, exportContacts, type LedgerExport } from './exports.js';
import { getJob, importJobHandler, importJobKind, loadErrorReport, startImport, xlsxMime } from './service.js';
import { exportMembers } from './members-export.js';
import { templateCsv, templateWorkbook } from './templates.js';
import { receiveSpreadsheet } from './upload.js';

const tags = ['imports'];

export function importRoutes(deps: FeatureDeps): FastifyPluginAsyncZod {
  const { db, config, keyring, jobs, sqliteWriter } = deps;
  jobs.register(importJobKind, importJobHandler({ db, keyring, dataDir: config.dataDir, sqliteWriter }));
  return async (app) => {
    // Multipart: the fields (kind, orgId, dryRun, campaignId) are checked by common/imports.ts importFields.
    app.post(
      '/api/imports',
      {
        schema: {
          tags,
          summary: '上传表格导入渠道、联系青年、建群计划或团员（后台任务）',
          consumes: ['multipart/form-data'],
          response: { 202: importAccepted },
        },
        config: { permission: 'ledger.write' },
      },
      async (request, reply) => {
        const actor = requireActor(request.actor);
        const upload = await receiveSpreadsheet(request, {
          dataDir: config.dataDir,
          maxBytes: config.maxSpreadsheetBytes,
        });
        const jobId = await startImport({ db, keyring, dataDir: config.dataDir, jobs }, actor, upload);
        return reply.status(202).send({ jobId });
      },
    );

    app.get(
      '/api/jobs/:id',
      {
        schema: { tags, summary: '后台任务的状态、进度和结果', params: idParam, response: { 200: jobItem } },
        config: { permission: 'ledger.read' },
      },
      async (request) => getJob(db, requireActor(request.actor), request.params.id),
    );

    app.get(
      '/api/jobs/:id/errors.xlsx',
      {
        schema: { tags, summary: '导入错误报告（仅上传者可下载）', params: idParam },
        config: { permission: 'ledger.read' },
      },
      async (request, reply) => {
        const report = await loadErrorReport(db, requireActor(request.actor), request.params.id);
        return reply
          .type(xlsxMime)
          .header('content-disposition', attachmentDisposition(report.name))
          .header('cache-control', 'no-store')
          .send(readStoredFile(config.dataDir, report.sha256));
      },
    );

    app.get(
      '/api/import-templates/:kind.xlsx',
      {
        schema: { tags, summary: '导入模板（含填写说明）', params: templateParams },
        config: { permission: 'ledger.read' },
      },
      async (request, reply) => sendXlsx(reply, templateWorkbook(request.params.kind)),
    );

    app.get(
      '/api/import-templates/:kind.csv',
      {
        schema: { tags, summary: '导入模板（CSV，UTF-8 带 BOM，可直接用 Excel 打开）', params: templateParams },
        config: { permission: 'ledger.read' },
      },
      async (request, reply) => {
        const csv = templateCsv(request.params.kind);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', attachmentDisposition(csv.fileName))
          .header('cache-control', 'no-store')
          .send(csv.body);
      },
    );

    const exportRoute = (
      url: string,
      summary: string,
      produce: (
        actor: ReturnType<typeof requireActor>,
        query: { orgId?: number; scope: 'own' | 'subtree' },
      ) => Promise<LedgerExport>,
    ) =>
      app.get(
        url,
        { schema: { tags, summary, querystring: exportQuery }, config: { permission: 'ledger.read' } },
        async (request, reply) => sendXlsx(reply, await produce(requireActor(request.actor), request.query)),
      );
    exportRoute('/api/exports/channels.xlsx', '导出渠道台账（xlsx）', (actor, query) =>
      exportChannels(db, actor, query),
    );
    exportRoute('/api/exports/contacts.xlsx', '导出联系青年台账（手机号脱敏，xlsx）', (actor, query) =>
      exportContacts(db, actor, query),
    );
    app.get(
      '/api/exports/members.xlsx',
      {
        schema: { tags, summary: '导出团员名册（身份证号、手机号脱敏，xlsx）', querystring: memberExportQuery },
        config: { permission: 'people.read' },
      },
      async (request, reply) => sendXlsx(reply, await exportMembers(db, requireActor(request.actor), request.query)),
    );
  };
}
