// Domain vocabulary shared by server and web. Values are stored as-is in the database.

export const orgTypes = ['committee', 'working_committee', 'general_branch', 'branch', 'joint_branch'] as const;
export type OrgType = (typeof orgTypes)[number];

export const orgLevels = ['province', 'city', 'county', 'township', 'village'] as const;
export type OrgLevel = (typeof orgLevels)[number];

export const orgStatuses = ['active', 'dissolved'] as const;
export type OrgStatus = (typeof orgStatuses)[number];

export const roles = ['org_admin', 'org_editor', 'inspector', 'system_admin', 'security_admin', 'audit_admin'] as const;
export type Role = (typeof roles)[number];

/** The three separated operators (三员分立) hold no org and are scoped to the whole installation. */
export const operatorRoles: readonly Role[] = ['system_admin', 'security_admin', 'audit_admin'];
/** Roles that belong to an org and see only its subtree. */
export const orgRoles: readonly Role[] = ['org_admin', 'org_editor', 'inspector'];

export const permissions = [
  'org.read',
  'org.write',
  'org.dissolve',
  'org.move',
  'user.read',
  'user.manage',
  'user.security',
  'audit.read',
] as const;
export type Permission = (typeof permissions)[number];

/** Authorization as data: what each role may do. Anything not listed is denied. */
export const grants: Record<Role, readonly Permission[]> = {
  org_admin: ['org.read', 'org.write', 'org.dissolve', 'org.move', 'user.read', 'user.manage', 'user.security'],
  org_editor: ['org.read', 'org.write'],
  inspector: ['org.read'],
  system_admin: ['org.read', 'org.write', 'org.dissolve', 'org.move', 'user.read', 'user.manage'],
  security_admin: ['user.read', 'user.security'],
  audit_admin: ['audit.read'],
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}

export const moveStatuses = ['pending_old', 'pending_new', 'done', 'rejected', 'cancelled'] as const;
export type MoveStatus = (typeof moveStatuses)[number];

export const orgHistoryActions = [
  'create',
  'update',
  'dissolve',
  'move_requested',
  'move_approved_old',
  'move_approved_new',
  'move_rejected',
  'move_cancelled',
] as const;
export type OrgHistoryAction = (typeof orgHistoryActions)[number];
