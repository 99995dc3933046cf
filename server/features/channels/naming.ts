import type { ChannelKind, OrgLevel } from '../../../common/domain.js';

// The naming rule of the rural WeChat system: qingnong groups and official accounts of a leadership body at county
// level and above are named 青农 + the place (青农西安, 青农西安群). Township and below name freely. A name that
// breaks the rule is flagged for the inspection, never refused: the group exists whatever it is called.

const ruledKinds: readonly ChannelKind[] = ['qingnong_group', 'official_account'];
const ruledLevels: readonly OrgLevel[] = ['province', 'city', 'county'];
// Longest first, so that 自治县 is removed whole rather than leaving 自治.
const placeSuffixes = ['自治县', '自治州', '自治区', '地区', '省', '市', '区', '县', '盟', '旗'];
const bodySuffixes = ['工作委员会', '委员会', '委'];

export type NamingOrg = { name: string; short_name: string | null; level: OrgLevel; is_direct: number };

function stripSuffix(text: string, suffixes: readonly string[]): string {
  const suffix = suffixes.find((s) => text.endsWith(s) && text.length > s.length);
  return suffix ? text.slice(0, -suffix.length) : text;
}

/** 共青团西安市委员会 → 西安; a short name (西安市) is preferred to the full name when the org has one. */
export function placeName(org: Pick<NamingOrg, 'name' | 'short_name'>): string {
  let text = (org.short_name?.trim() || org.name.trim()).replace(/\s+/g, '');
  if (text.startsWith('共青团')) text = text.slice('共青团'.length);
  text = stripSuffix(text, bodySuffixes);
  return stripSuffix(text, placeSuffixes);
}

/** Whether the rule applies: a qingnong group or official account of a county, city or province leadership body. */
export function namingRuleApplies(kind: ChannelKind, org: NamingOrg): boolean {
  // Direct orgs (a school's or an enterprise's committee) are not the leadership body of a place.
  return ruledKinds.includes(kind) && ruledLevels.includes(org.level) && org.is_direct === 0;
}

/**
 * Null when the name follows the rule or the rule does not apply; otherwise the explanation stored in
 * channels.naming_issue. Anything after 青农 + place is allowed (青农西安群, 青农西安返乡创业群: county committees
 * may add groups per youth category).
 */
export function namingIssue(kind: ChannelKind, name: string, org: NamingOrg): string | null {
  if (!namingRuleApplies(kind, org)) return null;
  const place = placeName(org);
  if (place === '') return null;
  const expected = `青农${place}`;
  if (name.replace(/\s+/g, '').startsWith(expected)) return null;
  return `县级及以上青农群、公众号应命名为“${expected}”`;
}
