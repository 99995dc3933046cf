import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  activistBody,
  applicantDetail,
  applicantDocumentItem,
  applicantListQuery,
  applicantListResponse,
  approveBody,
  approveResponse,
  candidateBody,
  ceremonyBody,
  createApplicantBody,
  lectureBody,
  pipelineBoard,
  pipelineQuery,
  reasonBody,
  talkBody,
  voteBody,
} from '../../../common/applicants.js';
import { idParam } from '../../../common/orgs.js';
import type { FeatureDeps } from '../../app.js';
import { sendAttachment } from '../../files/upload.js';
import { requireActor } from '../../http/actor.js';
import { approveApplicants } from './approval.js';
import { addApplicantDocument, loadApplicantDocument, readDocumentUpload } from './documents.js';
import { getApplicantDetail, listApplicantsInScope, orgPipeline } from './reading.js';
import {
  createApplicant,
  loadVisibleApplicant,
  nameActivist,
  nameCandidate,
  recordCeremony,
  recordLecture,
  recordTalk,
  recordVote,
  rejectApplicant,
  withdrawApplicant,
} from './service.js';

const tags = ['applicants'];

export function applicantRoutes(deps: FeatureDeps): FastifyPluginAsyncZod {
  const { db, config } = deps;
  const files = { db, dataDir: config.dataDir };
  const detail = { 200: applicantDetail };
  return async (app) => {
    app.get(
      '/api/applicants',
      {
        schema: {
          tags,
          summary: '入团申请人名单（awaiting=approval：待本级审批）',
          querystring: applicantListQuery,
          response: { 200: applicantListResponse },
        },
        config: { permission: 'people.read' },
      },
      async (request) => listApplicantsInScope(deps, requireActor(request.actor), request.query),
    );

    app.post(
      '/api/applicants',
      {
        schema: { tags, summary: '登记入团申请', body: createApplicantBody, response: { 201: applicantDetail } },
        config: { permission: 'people.write' },
      },
      async (request, reply) =>
        reply.status(201).send(await createApplicant(deps, requireActor(request.actor), request.body)),
    );

    app.post(
      '/api/applicants/approve',
      {
        schema: {
          tags,
          summary: '上级团委批量批准入团（全部通过或全部不处理）',
          body: approveBody,
          response: { 200: approveResponse },
        },
        config: { permission: 'people.approve' },
      },
      async (request) => approveApplicants(deps, requireActor(request.actor), request.body),
    );

    app.get(
      '/api/applicants/:id',
      {
        schema: { tags, summary: '入团申请人详情', params: idParam, response: detail },
        config: { permission: 'people.read' },
      },
      async (request) => getApplicantDetail(deps, requireActor(request.actor), request.params.id),
    );

    app.post(
      '/api/applicants/:id/talk',
      {
        schema: { tags, summary: '登记谈话', params: idParam, body: talkBody, response: detail },
        config: { permission: 'people.write' },
      },
      async (request) => recordTalk(deps, requireActor(request.actor), request.params.id, request.body.talkedOn),
    );

    app.post(
      '/api/applicants/:id/activist',
      {
        schema: { tags, summary: '确定为入团积极分子', params: idParam, body: activistBody, response: detail },
        config: { permission: 'people.write' },
      },
      async (request) => nameActivist(deps, requireActor(request.actor), request.params.id, request.body.activistOn),
    );

    app.post(
      '/api/applicants/:id/lectures',
      {
        schema: { tags, summary: '登记团课学时', params: idParam, body: lectureBody, response: detail },
        config: { permission: 'people.write' },
      },
      async (request) => recordLecture(deps, requireActor(request.actor), request.params.id, request.body),
    );

    app.post(
      '/api/applicants/:id/candidate',
      {
        schema: { tags, summary: '确定为发展对象', params: idParam, body: candidateBody, response: detail },
        config: { permission: 'people.write' },
      },
      async (request) => nameCandidate(deps, requireActor(request.actor), request.params.id, request.body.candidateOn),
    );

    app.post(
      '/api/applicants/:id/vote',
      {
        schema: { tags, summary: '登记入团介绍人和支部大会表决', params: idParam, body: voteBody, response: detail },
        config: { permission: 'people.write' },
      },
      async (request) => recordVote(deps, requireActor(request.actor), request.params.id, request.body),
    );

    app.post(
      '/api/applicants/:id/reject',
      {
        schema: { tags, summary: '上级团委不予批准', params: idParam, body: reasonBody, response: detail },
        config: { permission: 'people.approve' },
      },
      async (request) => rejectApplicant(deps, requireActor(request.actor), request.params.id, request.body.reason),
    );

    app.post(
      '/api/applicants/:id/ceremony',
      {
        schema: { tags, summary: '登记入团仪式', params: idParam, body: ceremonyBody, response: detail },
        config: { permission: 'people.write' },
      },
      async (request) => recordCeremony(deps, requireActor(request.actor), request.params.id, request.body.ceremonyOn),
    );

    app.post(
      '/api/applicants/:id/withdraw',
      {
        schema: { tags, summary: '撤回入团申请', params: idParam, body: reasonBody, response: detail },
        config: { permission: 'people.write' },
      },
      async (request) => withdrawApplicant(deps, requireActor(request.actor), request.params.id, request.body.reason),
    );

    // multipart/form-data: the text field `stage` and one PDF or image `file`; the type is read from its bytes.
    app.post(
      '/api/applicants/:id/documents',
      {
        schema: {
          tags,
          summary: '上传入团材料（PDF 或图片，字段 stage 与 file）',
          consumes: ['multipart/form-data'],
          params: idParam,
          response: { 201: applicantDocumentItem },
        },
        config: { permission: 'people.write' },
      },
      async (request, reply) => {
        const actor = requireActor(request.actor);
        // Outside the subtree answers 404 before a byte of the upload is read.
        await loadVisibleApplicant(db, actor, request.params.id);
        const upload = await readDocumentUpload(request, config.maxImageBytes);
        return reply.status(201).send(await addApplicantDocument(files, actor, request.params.id, upload));
      },
    );

    app.get(
      '/api/applicant-documents/:id',
      {
        schema: { tags, summary: '下载入团材料（附件）', params: idParam },
        config: { permission: 'people.read' },
      },
      async (request, reply) =>
        sendAttachment(reply, await loadApplicantDocument(files, requireActor(request.actor), request.params.id)),
    );

    app.get(
      '/api/orgs/:id/pipeline',
      {
        schema: {
          tags,
          summary: '入团工作看板（各阶段人数、逾期人数和名单）',
          params: idParam,
          querystring: pipelineQuery,
          response: { 200: pipelineBoard },
        },
        config: { permission: 'people.read' },
      },
      async (request) => orgPipeline(deps, requireActor(request.actor), request.params.id, request.query.scope),
    );
  };
}
