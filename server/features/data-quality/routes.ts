import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  dataQualityListQuery,
  dataQualityListResponse,
  dataQualityParams,
  dataQualityResponse,
} from '../../../common/data-quality.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { dataQualityFigures, dataQualityList } from './service.js';

const tags = ['data-quality'];

export function dataQualityRoutes({ db }: FeatureDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/orgs/:id/data-quality',
      {
        schema: { tags, summary: '数据质量（本级及下级）', params: idParam, response: { 200: dataQualityResponse } },
        config: { permission: 'people.read' },
      },
      async (request) => dataQualityFigures(db, requireActor(request.actor), request.params.id),
    );

    app.get(
      '/api/orgs/:id/data-quality/:check',
      {
        schema: {
          tags,
          summary: '数据质量问题清单',
          params: dataQualityParams,
          querystring: dataQualityListQuery,
          response: { 200: dataQualityListResponse },
        },
        config: { permission: 'people.read' },
      },
      async (request) =>
        dataQualityList(db, requireActor(request.actor), request.params.id, request.params.check, request.query),
    );
  };
}
