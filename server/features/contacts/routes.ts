import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FeatureDeps } from '../../app.js';

export function contactRoutes(_deps: FeatureDeps): FastifyPluginAsyncZod {
  return async () => {};
}
