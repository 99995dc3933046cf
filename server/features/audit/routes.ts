import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  auditListQuery,
  auditListResponse,
  auditVerifyResponse,
  minorsAccessReport,
  minorsReportQuery,
} from '../../../common/audit.js';
import type { Db } from '../../db/schema.js';
import { requireActor } from '../../http/actor.js';
import { sendXlsx } from '../../http/download.js';
import { minorsAccessReport as buildMinorsReport, minorsAccessWorkbook } from './minors-report.js';
import { listAuditEntries, verifyAuditChain } from './service.js';

const tags = ['audit'];

// The audit log has no route that writes: rows are only ever appended by the services that change state.
export function auditRoutes({ db }: { db: Db }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/audit',
      {
        schema: { tags, summary: '审计日志', querystring: auditListQuery, response: { 200: auditListResponse } },
        config: { permission: 'audit.read' },
      },
      async (request) => {
        const { from, to, ...rest } = request.query;
        const iso = (value: string | undefined) => (value ? new Date(value).toISOString() : undefined);
        return listAuditEntries(db, { ...rest, from: iso(from), to: iso(to) });
      },
    );

    app.get(
      '/api/audit/verify',
      {
        schema: { tags, summary: '校验审计日志哈希链', response: { 200: auditVerifyResponse } },
        config: { permission: 'audit.read' },
      },
      async () => verifyAuditChain(db),
    );

    app.get(
      '/api/audit/minors-access',
      {
        schema: {
          tags,
          summary: '未成年人信息访问年度报告',
          querystring: minorsReportQuery,
          response: { 200: minorsAccessReport },
        },
        config: { permission: 'audit.read' },
      },
      async (request) => buildMinorsReport(db, request.query.year),
    );

    app.get(
      '/api/audit/minors-access.xlsx',
      {
        schema: { tags, summary: '导出未成年人信息访问年度报告（xlsx）', querystring: minorsReportQuery },
        config: { permission: 'audit.read' },
      },
      async (request, reply) =>
        sendXlsx(reply, await minorsAccessWorkbook(db, requireActor(request.actor), request.query.year)),
    );
  };
}
