import type { ComponentType } from 'react';
import type { MemberDetail } from './api.js';
import { CorrectionModal, StatusRequestModal, TransferModal } from './MemberRequestModals.js';

// The requests a member's record starts (团籍变更, 更正, 组织关系转接); each opens its own modal on the detail page.

export type MemberAction = 'status' | 'correction' | 'transfer';
export type MemberActionModalProps = { member: MemberDetail; onClose: () => void; onDone: () => void };

const modals: Record<MemberAction, ComponentType<MemberActionModalProps>> = {
  status: StatusRequestModal,
  correction: CorrectionModal,
  transfer: TransferModal,
};

export function memberActionModals(): Partial<Record<MemberAction, ComponentType<MemberActionModalProps>>> {
  return modals;
}
