import type { FastifyRequest } from 'fastify';
import { documentStageField, documentStages, type ApplicantDocumentItem } from '../../../common/applicants.js';
import type { Db } from '../../db/schema.js';
import { nowIso } from '../../db/tree.js';
import { assertSees, type Actor } from '../../http/actor.js';
import { conflict, invalid } from '../../http/errors.js';
import { detectDocumentType, storeFile, type DocumentType } from '../../files/store.js';
import { readSmallUpload, readStoredFileOr404, type SmallUpload } from '../../files/upload.js';
import { recordAudit } from '../audit/service.js';
import { loadWritableOrg } from '../ledger/shared.js';
import { findDocument, insertDocument, updateApplicantFrom } from './repo.js';
import { loadVisibleApplicant, ruleViolation, stageNames } from './service.js';

// The papers of each step (申请书, 积极分子备案, 入团志愿书 …): a PDF or an image, typed by its bytes, stored
// content-addressed, downloaded only as an attachment by someone who sees the applicant's branch.

type FileDeps = { db: Db; dataDir: string };

/** Reads the upload: one PDF or image (field `file`) and the text field `stage`. */
export async function readDocumentUpload(request: FastifyRequest, maxBytes: number) {
  const upload = await readSmallUpload(request, {
    maxBytes,
    detect: detectDocumentType,
    what: '文件',
    unsupportedMessage: '只能上传 PDF 文件或 PNG、JPEG、WebP、GIF 图片（按文件内容判断，与扩展名无关）',
    fallbackStem: '入团材料',
  });
  const stage = documentStageField.safeParse(upload.fields.stage);
  if (!stage.success) throw invalid('请选择材料所属的阶段（字段 stage）', { field: 'stage' });
  return { ...upload, stage: stage.data };
}

export async function addApplicantDocument(
  deps: FileDeps,
  actor: Actor,
  applicantId: number,
  upload: SmallUpload<DocumentType> & { stage: (typeof documentStages)[number] },
): Promise<ApplicantDocumentItem> {
  return deps.db.transaction().execute(async (trx) => {
    const a = await loadVisibleApplicant(trx, actor, applicantId);
    await loadWritableOrg(trx, actor, a.org_id);
    if (a.stage === 'withdrawn' || a.stage === 'rejected') {
      throw ruleViolation(`“${a.full_name}”的申请已结束（${stageNames[a.stage]}），不能再上传材料`);
    }
    if (documentStages.indexOf(upload.stage) > documentStages.indexOf(a.stage)) {
      throw ruleViolation(
        `“${a.full_name}”尚未到“${stageNames[upload.stage]}”阶段（当前为“${stageNames[a.stage]}”），不能上传该阶段的材料`,
        'stage',
      );
    }
    const file = await storeFile(trx, deps.dataDir, upload.bytes, upload.type.mime);
    const at = nowIso();
    const id = await insertDocument(trx, {
      applicant_id: a.id,
      stage: upload.stage,
      file_sha256: file.sha256,
      file_name: upload.fileName,
      uploaded_by: actor.userId,
      uploaded_at: at,
    });
    // The applicant's file changed: its updated_at moves, in the stage it is in.
    if (!(await updateApplicantFrom(trx, a.id, [a.stage], { updated_at: at }))) {
      throw conflict('该申请人刚被他人处理过，请刷新后再试');
    }
    await recordAudit(trx, actor, {
      action: 'applicant.document',
      objectType: 'applicant',
      objectId: a.id,
      orgId: a.org_id,
      details: { documentId: id, stage: upload.stage, sha256: file.sha256, size: file.size, mime: upload.type.mime },
    });
    return {
      id,
      stage: upload.stage,
      fileName: upload.fileName,
      mime: upload.type.mime,
      size: file.size,
      uploadedAt: at,
      uploadedBy: actor.displayName,
    };
  });
}

export async function loadApplicantDocument(deps: FileDeps, actor: Actor, id: number) {
  const document = await findDocument(deps.db, id);
  assertSees(actor, document?.org_path, '入团材料');
  const bytes = readStoredFileOr404(deps.dataDir, document.file_sha256, '该材料的文件已丢失，请重新上传');
  return { fileName: document.file_name, mime: document.mime, bytes };
}
