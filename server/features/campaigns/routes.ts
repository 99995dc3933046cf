import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  campaignDetail,
  campaignListQuery,
  campaignListResponse,
  createCampaignBody,
  dashboardResponse,
  indicatorInput,
  indicatorPatch,
  laggardQuery,
  laggardResponse,
  orgQuery,
  planResponse,
  savePlansBody,
  updateCampaignBody,
} from '../../../common/campaigns.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { getDashboard, getLaggards } from './dashboard.js';
import { rollupWorkbook } from './export.js';
import { getPlans, savePlans } from './plans.js';
import {
  addIndicator,
  createCampaign,
  getCampaign,
  listCampaigns,
  removeIndicator,
  updateCampaign,
  updateIndicator,
} from './service.js';

const tags = ['campaigns'];

export function campaignRoutes({ db }: FeatureDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/campaigns',
      {
        schema: {
          tags,
          summary: '工作任务列表',
          querystring: campaignListQuery,
          response: { 200: campaignListResponse },
        },
        config: { permission: 'ledger.read' },
      },
      async (request) => ({ items: await listCampaigns(db, requireActor(request.actor), request.query.orgId) }),
    );

    app.post(
      '/api/campaigns',
      {
        schema: {
          tags,
          summary: '发起工作任务（可用内置模板）',
          body: createCampaignBody,
          response: { 201: campaignDetail },
        },
        config: { permission: 'campaign.manage' },
      },
      async (request, reply) =>
        reply.status(201).send(await createCampaign(db, requireActor(request.actor), request.body)),
    );

    app.get(
      '/api/campaigns/:id',
      {
        schema: { tags, summary: '工作任务详情与指标', params: idParam, response: { 200: campaignDetail } },
        config: { permission: 'ledger.read' },
      },
      async (request) => getCampaign(db, requireActor(request.actor), request.params.id),
    );

    app.patch(
      '/api/campaigns/:id',
      {
        schema: {
          tags,
          summary: '修改工作任务',
          params: idParam,
          body: updateCampaignBody,
          response: { 200: campaignDetail },
        },
        config: { permission: 'campaign.manage' },
      },
      async (request) => updateCampaign(db, requireActor(request.actor), request.params.id, request.body),
    );

    app.post(
      '/api/campaigns/:id/indicators',
      {
        schema: { tags, summary: '增加指标', params: idParam, body: indicatorInput, response: { 200: campaignDetail } },
        config: { permission: 'campaign.manage' },
      },
      async (request) => addIndicator(db, requireActor(request.actor), request.params.id, request.body),
    );

    app.patch(
      '/api/indicators/:id',
      {
        schema: { tags, summary: '修改指标', params: idParam, body: indicatorPatch, response: { 200: campaignDetail } },
        config: { permission: 'campaign.manage' },
      },
      async (request) => updateIndicator(db, requireActor(request.actor), request.params.id, request.body),
    );

    app.delete(
      '/api/indicators/:id',
      {
        schema: { tags, summary: '删除指标', params: idParam, response: { 200: campaignDetail } },
        config: { permission: 'campaign.manage' },
      },
      async (request) => removeIndicator(db, requireActor(request.actor), request.params.id),
    );

    app.get(
      '/api/campaigns/:id/dashboard',
      {
        schema: {
          tags,
          summary: '工作任务看板',
          params: idParam,
          querystring: orgQuery,
          response: { 200: dashboardResponse },
        },
        config: { permission: 'ledger.read' },
      },
      async (request) => getDashboard(db, requireActor(request.actor), request.params.id, request.query.orgId),
    );

    app.get(
      '/api/campaigns/:id/laggards',
      {
        schema: {
          tags,
          summary: '未达标组织',
          params: idParam,
          querystring: laggardQuery,
          response: { 200: laggardResponse },
        },
        config: { permission: 'ledger.read' },
      },
      async (request) =>
        getLaggards(db, requireActor(request.actor), { campaignId: request.params.id, ...request.query }),
    );

    app.get(
      '/api/campaigns/:id/rollup.xlsx',
      {
        schema: { tags, summary: '导出汇总表（xlsx）', params: idParam, querystring: orgQuery },
        config: { permission: 'ledger.read' },
      },
      async (request, reply) => {
        const { fileName, bytes } = await rollupWorkbook(db, requireActor(request.actor), {
          campaignId: request.params.id,
          orgId: request.query.orgId,
        });
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
          .send(bytes);
      },
    );

    app.get(
      '/api/campaigns/:id/plans',
      {
        schema: { tags, summary: '计划表', params: idParam, querystring: orgQuery, response: { 200: planResponse } },
        config: { permission: 'ledger.read' },
      },
      async (request) => getPlans(db, requireActor(request.actor), request.params.id, request.query.orgId),
    );

    app.put(
      '/api/campaigns/:id/plans',
      {
        schema: {
          tags,
          summary: '填报计划表（上级为下级填报）',
          params: idParam,
          body: savePlansBody,
          response: { 200: z.object({ saved: z.number() }) },
        },
        config: { permission: 'campaign.manage' },
      },
      async (request) => {
        await savePlans(db, requireActor(request.actor), request.params.id, request.body.rows);
        return { saved: request.body.rows.length };
      },
    );
  };
}
