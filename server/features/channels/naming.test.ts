import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OrgLevel } from '../../../common/domain.js';
import { namingIssue, placeName } from './naming.js';

const org = (name: string, level: OrgLevel = 'city', shortName: string | null = null, isDirect = 0) => ({
  name,
  short_name: shortName,
  level,
  is_direct: isDirect,
});

test('the place of a league body is its name without 共青团, 委员会 and the administrative suffix', () => {
  const cases: [string, string | null, string][] = [
    ['共青团西安市委员会', null, '西安'],
    ['共青团陕西省委员会', null, '陕西'],
    ['共青团碑林区委员会', null, '碑林'],
    ['共青团镇巴县委员会', null, '镇巴'],
    ['共青团榆林地区工作委员会', null, '榆林'],
    ['共青团延边朝鲜族自治州委员会', null, '延边朝鲜族'],
    ['共青团石林彝族自治县委员会', null, '石林彝族'],
    ['共青团鄂托克旗委员会', null, '鄂托克'],
    ['共青团阿拉善盟委员会', null, '阿拉善'],
    ['共青团西安市委', null, '西安'],
    ['共青团西安市委员会', '西安', '西安'],
    ['共青团西安市委员会', '长安区', '长安'],
  ];
  for (const [name, shortName, place] of cases) assert.equal(placeName({ name, short_name: shortName }), place, name);
});

test('qingnong groups and official accounts at county level and above are named 青农 + place', () => {
  const xian = org('共青团西安市委员会');
  assert.equal(namingIssue('qingnong_group', '青农西安', xian), null);
  assert.equal(namingIssue('qingnong_group', '青农西安群', xian), null);
  assert.equal(namingIssue('qingnong_group', '青农西安返乡创业青年群', xian), null, 'groups per youth category');
  assert.equal(namingIssue('official_account', '青农西安', xian), null);
  assert.equal(namingIssue('qingnong_group', '西安青年', xian), '县级及以上青农群、公众号应命名为“青农西安”');
  assert.equal(namingIssue('official_account', '西安共青团', xian), '县级及以上青农群、公众号应命名为“青农西安”');
  assert.equal(namingIssue('qingnong_group', '青农陕西', xian), '县级及以上青农群、公众号应命名为“青农西安”');
  assert.equal(
    namingIssue('qingnong_group', '西安青年', org('共青团陕西省委员会', 'province')),
    '县级及以上青农群、公众号应命名为“青农陕西”',
  );
  assert.equal(namingIssue('qingnong_group', '青农镇巴', org('共青团镇巴县委员会', 'county')), null);
});

test('township and below, other kinds and direct orgs name freely', () => {
  assert.equal(namingIssue('qingnong_group', '兴隆镇青年群', org('共青团兴隆镇委员会', 'township')), null);
  assert.equal(namingIssue('qingnong_group', '某村群', org('某村团支部', 'village')), null);
  assert.equal(namingIssue('tuanqing_group', '西安青年', org('共青团西安市委员会')), null);
  assert.equal(namingIssue('other_group', '西安青年', org('共青团西安市委员会')), null);
  assert.equal(namingIssue('official_account', '西安交大青年', org('共青团西安交通大学委员会', 'city', null, 1)), null);
});
