import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  orgYearParams,
  registerMembersBody,
  registerMembersResponse,
  reviewListQuery,
  reviewListResponse,
  saveReviewsBody,
  saveReviewsResponse,
} from '../../../common/reviews.js';
import type { FeatureDeps } from '../../app.js';
import { requireActor } from '../../http/actor.js';
import { registerMembers, reviewSheet, saveReviews } from './service.js';

const tags = ['reviews'];

export function reviewRoutes({ db }: FeatureDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/orgs/:id/annual-reviews/:year',
      {
        schema: {
          tags,
          summary: '团员教育评议与年度注册（正常团员及其当年评议结果）',
          params: orgYearParams,
          querystring: reviewListQuery,
          response: { 200: reviewListResponse },
        },
        config: { permission: 'people.read' },
      },
      async (request) =>
        reviewSheet(db, requireActor(request.actor), request.params.id, request.params.year, request.query),
    );

    app.put(
      '/api/orgs/:id/annual-reviews/:year',
      {
        schema: {
          tags,
          summary: '录入团员教育评议结果（每人每年一条）',
          params: orgYearParams,
          body: saveReviewsBody,
          response: { 200: saveReviewsResponse },
        },
        config: { permission: 'people.write' },
      },
      async (request) =>
        saveReviews(db, requireActor(request.actor), request.params.id, request.params.year, request.body),
    );

    app.post(
      '/api/orgs/:id/annual-registrations/:year',
      {
        schema: {
          tags,
          summary: '团员年度注册（评议为基本合格及以上）',
          params: orgYearParams,
          body: registerMembersBody,
          response: { 200: registerMembersResponse },
        },
        config: { permission: 'people.write' },
      },
      async (request) =>
        registerMembers(db, requireActor(request.actor), request.params.id, request.params.year, request.body),
    );
  };
}
