import fs from 'node:fs';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { FeatureDeps } from '../../app.js';
import { storedFilePath } from '../../files/store.js';
import { actorCan, type Actor } from '../../http/actor.js';
import { feedSize, renderFeed } from './feeds.js';
import { bulletinPage, listPage, notFoundPage } from './pages.js';
import {
  countPublished,
  findNewsImage,
  findPublicOrg,
  findPublished,
  issueArticles,
  listPublished,
  shownInSubtree,
  uploadedForBulletin,
  type PublicOrg,
} from './repo.js';

// The platform's public news pages (server/features/news/README.md): anyone may read what an org has published,
// without signing in. Outside /api, so the guard treats them as public; said again here for the reader.

/** No script at all; images from here and over https; styles only inline; no base, no forms, no framing. */
export const newsContentSecurityPolicy = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'none'"],
    imgSrc: ["'self'", 'https:', 'data:'],
    styleSrc: ["'unsafe-inline'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
};

const pageSize = 20;
/** The image types the news pages serve; anything else stored (a spreadsheet, a PDF) is not theirs to show. */
const imageMimes = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** A path id: digits only, within a 32-bit integer; anything else finds nothing. */
function pathId(raw: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= 2_147_483_647 ? id : null;
}

function pageNumber(raw: unknown): number | null {
  if (raw === undefined) return 1;
  return typeof raw === 'string' && /^[1-9]\d{0,4}$/.test(raw) ? Number(raw) : null;
}

function sendPage(reply: FastifyReply, status: number, body: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', status === 200 ? 'public, max-age=60' : 'no-store')
    .send(body);
}

export function newsRoutes({ db, config }: FeatureDeps): FastifyPluginAsync {
  const publicUrl = config.publicUrl;
  const route = {
    schema: { hide: true },
    config: { permission: 'public' as const },
    helmet: { contentSecurityPolicy: newsContentSecurityPolicy },
  };

  /**
   * An image not yet public is for the people preparing the bulletins that show it: those who may read bulletins
   * of an org showing it, and, before any draft shows it, whoever uploaded it for one.
   */
  async function mayPrepare(actor: Actor | null, sha256: string): Promise<boolean> {
    if (!actor || !actorCan(actor, 'publishing.read')) return false;
    if (await shownInSubtree(db, sha256, actor.scopePath)) return true;
    return actorCan(actor, 'publishing.write') && (await uploadedForBulletin(db, sha256, actor.userId));
  }

  async function orgOf(raw: string): Promise<PublicOrg | null> {
    const id = pathId(raw);
    return (id !== null && (await findPublicOrg(db, id))) || null;
  }

  return async (app) => {
    app.get<{ Params: { orgId: string }; Querystring: { page?: unknown } }>(
      '/news/:orgId',
      route,
      async (request, reply) => {
        const org = await orgOf(request.params.orgId);
        const page = pageNumber(request.query.page);
        if (!org || page === null) return sendPage(reply, 404, notFoundPage(org));
        const total = await countPublished(db, org.id);
        const pages = Math.max(1, Math.ceil(total / pageSize));
        if (page > pages) return sendPage(reply, 404, notFoundPage(org));
        const items = await listPublished(db, org.id, { limit: pageSize, offset: (page - 1) * pageSize });
        return sendPage(reply, 200, listPage({ org, items, page, pages, publicUrl }));
      },
    );

    app.get<{ Params: { orgId: string; bulletinId: string } }>(
      '/news/:orgId/:bulletinId',
      route,
      async (request, reply) => {
        const org = await orgOf(request.params.orgId);
        const id = pathId(request.params.bulletinId);
        const bulletin = org && id !== null ? await findPublished(db, org.id, id) : undefined;
        if (!org || !bulletin) return sendPage(reply, 404, notFoundPage(org));
        const articles =
          bulletin.kind === 'issue' ? ((await issueArticles(db, [bulletin.id])).get(bulletin.id) ?? []) : [];
        return sendPage(reply, 200, bulletinPage({ org, bulletin, articles, publicUrl }));
      },
    );

    for (const [path, format, type] of [
      ['/news/:orgId/feed.atom', 'atom1', 'application/atom+xml; charset=utf-8'],
      ['/news/:orgId/rss.xml', 'rss2', 'application/rss+xml; charset=utf-8'],
    ] as const) {
      app.get<{ Params: { orgId: string } }>(path, route, async (request, reply) => {
        const org = await orgOf(request.params.orgId);
        if (!org) return sendPage(reply, 404, notFoundPage());
        const bulletins = await listPublished(db, org.id, { limit: feedSize, offset: 0 });
        const issues = bulletins.filter((b) => b.kind === 'issue').map((b) => b.id);
        const articles = await issueArticles(db, issues);
        const feed = renderFeed({ format, org, bulletins, articles, publicUrl });
        return reply.type(type).header('cache-control', 'public, max-age=300').send(feed);
      });
    }

    app.get<{ Params: { sha256: string } }>(
      '/news/images/:sha256',
      // Shown on other sites too: a feed reader, WeChat's preview of a shared link.
      { ...route, helmet: { ...route.helmet, crossOriginResourcePolicy: { policy: 'cross-origin' } } },
      async (request, reply) => {
        const sha256 = request.params.sha256;
        const image = /^[0-9a-f]{64}$/.test(sha256) ? await findNewsImage(db, sha256) : undefined;
        const allowed =
          image && imageMimes.has(image.mime) && (image.shownPublicly || (await mayPrepare(request.actor, sha256)));
        const file = allowed ? storedFilePath(config.dataDir, sha256) : null;
        const stat = file ? await fs.promises.stat(file).catch(() => null) : null;
        if (!image || !file || !stat) {
          return reply
            .status(404)
            .header('cache-control', 'no-store')
            .send({
              error: { code: 'not_found', message: '图片不存在' },
            });
        }
        return reply
          .type(image.mime)
          .header('content-length', stat.size)
          .header('x-content-type-options', 'nosniff')
          .header(
            'cache-control',
            // The bytes never change under their address, but whether they are public can (a bulletin taken back):
            // a day in shared caches at most; one not yet public only in the signed-in person's own.
            image.shownPublicly ? 'public, max-age=86400, immutable' : 'private, max-age=3600',
          )
          .send(fs.createReadStream(file));
      },
    );
  };
}
