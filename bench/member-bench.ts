import type { Workload } from './lib.js';
import type { MemberProbes } from './member-file.js';

// The member register at the size of the import: searches as a branch secretary or a county cadre types them
// (a name prefix, a full ID number, a full phone) and paged lists, over HTTP, after the member sheet went in.

export type MemberFixtures = MemberProbes & {
  provinceId: number;
  /** The county of the dashboards (the most villages) and branches that received members. */
  countyId: number;
  branchIds: number[];
};

export const memberRoute = 'GET /api/members';

export function memberWorkloads(f: MemberFixtures, cookies: { province: string; county: string }): Workload[] {
  const list = (orgId: number, extra = '') => `/api/members?orgId=${orgId}${extra}`;
  const search = (orgId: number, q: string) => list(orgId, `&q=${encodeURIComponent(q)}`);
  const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '司马'];
  return [
    {
      name: 'members, name prefix, province',
      route: memberRoute,
      cookie: cookies.province,
      urls: [...surnames, ...f.namePrefixes.slice(0, 40)].map((q) => search(f.provinceId, q)),
    },
    {
      name: 'members, name prefix, county',
      route: memberRoute,
      cookie: cookies.county,
      urls: [...surnames, ...f.namePrefixes.slice(0, 40)].map((q) => search(f.countyId, q)),
    },
    {
      name: 'members, full ID number',
      route: memberRoute,
      cookie: cookies.province,
      urls: f.idNumbers.map((q) => search(f.provinceId, q)),
    },
    {
      name: 'members, full phone',
      route: memberRoute,
      cookie: cookies.province,
      urls: f.phones.map((q) => search(f.provinceId, q)),
    },
    {
      name: 'members, branch list p.1',
      route: memberRoute,
      cookie: cookies.province,
      urls: f.branchIds.map((id) => list(id, '&scope=own&page=1&pageSize=20')),
    },
    {
      name: 'members, province list p.1',
      route: memberRoute,
      cookie: cookies.province,
      urls: [list(f.provinceId, '&page=1&pageSize=20')],
    },
    {
      name: 'members, county list p.1–50',
      route: memberRoute,
      cookie: cookies.county,
      urls: [1, 2, 5, 10, 20, 50].map((page) => list(f.countyId, `&page=${page}&pageSize=20`)),
    },
  ];
}
