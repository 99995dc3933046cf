import { useSearchParams } from 'react-router-dom';
import type { OrgDetail } from '../../../../common/orgs.js';
import type { ApiError } from '../../app/api.js';
import { useCurrentSession } from '../../app/session.js';
import { useLoad } from '../../app/useLoad.js';
import { orgApi } from '../orgs/api.js';

export type PeopleOrg = {
  /** The org the page shows; undefined while it loads. */
  org: OrgDetail | undefined;
  error: ApiError | null;
  reload: () => void;
  /** Shows another org (and forgets the page's other parameters, which belonged to the old org). */
  setOrgId: (id: number) => void;
};

const memberOrgTypes = new Set(['branch', 'joint_branch']);

/** Members are registered in branches (团支部, 联合团支部) only. */
export function holdsMembers(org: Pick<OrgDetail, 'type'>): boolean {
  return memberOrgTypes.has(org.type);
}

/**
 * The org of a people page, from `?org=` in the address (so that a link, the back button and a reload keep it);
 * without one, the actor's own org, or the first top org for someone who holds none.
 */
export function usePeopleOrg(): PeopleOrg {
  const { user } = useCurrentSession();
  const [search, setSearch] = useSearchParams();
  const param = Number(search.get('org'));
  const requested = Number.isInteger(param) && param > 0 ? param : null;
  const { data, error, reload } = useLoad(async () => {
    const id = requested ?? user.orgId ?? (await orgApi.roots()).items[0]?.id;
    return id === undefined ? undefined : orgApi.detail(id);
  }, [requested, user.orgId]);
  const org = data && (requested === null || data.id === requested) ? data : undefined;
  return {
    org,
    error,
    reload,
    setOrgId: (id) => setSearch({ org: String(id) }),
  };
}
