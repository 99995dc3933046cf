import type { z } from 'zod';
import type {
  ApplicantDetail,
  ApplicantItem,
  ApproveResponse,
  CreateApplicantBody,
  DocumentStage,
  LectureBody,
  PipelineBoard,
  VoteBody,
  applicantDocumentItem,
  applicantListQuery,
} from '../../../../common/applicants.js';
import type { MemberItem } from '../../../../common/members.js';
import { api, type RequestOptions } from '../../app/api.js';

// The admission pipeline endpoints (common/applicants.ts), and the member search the vote's introducers come from.

export type Paged<T> = { items: T[]; total: number };
export type ApplicantQuery = Partial<Omit<z.input<typeof applicantListQuery>, 'orgId' | 'page' | 'pageSize'>> & {
  orgId?: number;
  page?: number;
  pageSize?: number;
};
export type ApplicantDocument = z.infer<typeof applicantDocumentItem>;
export type Scope = 'own' | 'subtree';
type Opts = Pick<RequestOptions, 'quiet'>;

const step = <T>(id: number, action: string, body: T, opts?: Opts) =>
  api.post<ApplicantDetail>(`/api/applicants/${id}/${action}`, body, opts);

export const applicantApi = {
  board: (orgId: number, scope: Scope) => api.get<PipelineBoard>(`/api/orgs/${orgId}/pipeline`, { scope }),
  list: (query: ApplicantQuery) => api.get<Paged<ApplicantItem>>('/api/applicants', query),
  detail: (id: number) => api.get<ApplicantDetail>(`/api/applicants/${id}`, undefined, { quiet: true }),
  create: (body: CreateApplicantBody, opts?: Opts) => api.post<ApplicantDetail>('/api/applicants', body, opts),
  talk: (id: number, talkedOn: string, opts?: Opts) => step(id, 'talk', { talkedOn }, opts),
  activist: (id: number, activistOn: string, opts?: Opts) => step(id, 'activist', { activistOn }, opts),
  lecture: (id: number, body: LectureBody, opts?: Opts) => step(id, 'lectures', body, opts),
  candidate: (id: number, candidateOn: string, opts?: Opts) => step(id, 'candidate', { candidateOn }, opts),
  vote: (id: number, body: VoteBody, opts?: Opts) => step(id, 'vote', body, opts),
  ceremony: (id: number, ceremonyOn: string, opts?: Opts) => step(id, 'ceremony', { ceremonyOn }, opts),
  withdraw: (id: number, reason: string, opts?: Opts) => step(id, 'withdraw', { reason }, opts),
  reject: (id: number, reason: string, opts?: Opts) => step(id, 'reject', { reason }, opts),
  approve: (ids: number[], approvedOn: string, opts?: Opts) =>
    api.post<ApproveResponse>('/api/applicants/approve', { ids, approvedOn }, opts),
  upload: (id: number, stage: DocumentStage, file: File, opts?: Opts) => {
    const form = new FormData();
    form.append('stage', stage);
    form.append('file', file, file.name);
    return api.upload<ApplicantDocument>(`/api/applicants/${id}/documents`, form, opts);
  },
  documentUrl: (documentId: number) => `/api/applicant-documents/${documentId}`,
};

/** Normal members of one branch whose name starts with `q`: the candidates for 入团介绍人. */
export const introducerSearch = (orgId: number, q: string) =>
  api.get<Paged<MemberItem>>(
    '/api/members',
    { orgId, scope: 'own', status: 'normal', q: q || undefined, pageSize: 20 },
    { quiet: true },
  );
