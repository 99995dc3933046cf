import { addDays } from '../common/dates.js';
import type { PoliticalStatus, Sex } from '../common/domain.js';
import { addYears, composeIdNumber } from '../common/id-number.js';
import { chineseName, phoneNumber, type Random } from './random.js';

// Generated members (团员) for the demo and the benchmark's member sheet: valid ID numbers whose address code is
// the branch's county, 14 to 30 years old (so that a few are at or past the age-out), joined between 14 and 25,
// a member number for most, a phone for most, a few mobile members (流动团员).

/** Ages of generated members: from 14 (the youngest who may apply) to just under 31. */
const youngest = 14;
const oldest = 31;
/**
 * ID numbers of one county never repeat: the county's k-th member gets the (k·P mod N)-th (birth day, sequence)
 * pair, N being the days of the age window times 1,000 sequence numbers and P a prime that divides neither.
 */
const stride = 1_000_003;

export type GeneratedMember = {
  fullName: string;
  idNumber: string;
  birthDate: string;
  sex: Sex;
  joinedOn: string;
  memberNo: string | null;
  politicalStatus: PoliticalStatus;
  ethnicity: string;
  education: string;
  occupation: string;
  workplace: string | null;
  phone: string | null;
  wechat: string | null;
  household: string;
  isMobile: boolean;
  mobileOrigin: string | null;
  mobileCurrent: string | null;
};

const dayMs = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / dayMs);

/** The k-th member's ID number in a county (region = its 6-digit code), as of a day. */
export function memberIdNumber(region: string, k: number, asOf: string): { idNumber: string; birthDate: string } {
  const earliest = addDays(addYears(asOf, -oldest), 1);
  const days = daysBetween(earliest, addYears(asOf, -youngest)) + 1;
  const slot = (k * stride) % (days * 1000);
  const birthDate = addDays(earliest, Math.floor(slot / 1000));
  return { idNumber: composeIdNumber(region, birthDate, slot % 1000), birthDate };
}

const cities = ['西安市', '深圳市', '上海市', '北京市', '广州市', '杭州市', '苏州市', '成都市'];
const workJobs = ['农民', '企业职工', '个体经营', '教师', '医务人员', '公务员', '自由职业', '外出务工'];

/**
 * One member of a branch: the county's k-th (its ID number), drawn from `random` for the rest. `serial` numbers
 * the phone (phoneNumber) and the member number, so a run never repeats either.
 */
export function generateMember(
  random: Random,
  input: { region: string; county: string; village: string; k: number; serial: number; asOf: string },
): GeneratedMember {
  const { idNumber, birthDate } = memberIdNumber(input.region, input.k, input.asOf);
  const sex: Sex = Number(idNumber[16]) % 2 === 1 ? 'male' : 'female';
  const age = Number(input.asOf.slice(0, 4)) - Number(birthDate.slice(0, 4));
  const joinAge = Math.min(age, random.int(youngest, 25));
  let joinedOn = addDays(addYears(birthDate, joinAge), random.int(0, 300));
  if (joinedOn > input.asOf) joinedOn = input.asOf;
  const student = age < 22 && random.chance(0.8);
  const education =
    age < 16 ? '初中' : age < 19 ? '高中' : random.pick(['高中', '中专', '大学专科', '大学本科', '研究生']);
  const mobile = random.chance(0.08);
  return {
    fullName: chineseName(random),
    idNumber,
    birthDate,
    sex,
    joinedOn,
    memberNo: random.chance(0.7) ? `${joinedOn.slice(0, 4)}${String(input.serial % 1e8).padStart(8, '0')}` : null,
    politicalStatus: age >= 20 && random.chance(0.1) ? random.pick(['probationary_party', 'party'] as const) : 'member',
    ethnicity: random.weighted([
      ['汉族', 97],
      ['回族', 2],
      ['满族', 1],
    ] as const),
    education,
    occupation: student ? '学生' : random.pick(workJobs),
    workplace: student
      ? `${input.county}第${random.int(1, 6)}中学`
      : random.chance(0.5)
        ? `${input.county}某公司`
        : null,
    phone: age >= 16 && random.chance(0.85) ? phoneNumber(input.serial) : null,
    wechat: random.chance(0.3) ? `wx_${input.serial.toString(36)}` : null,
    household: `陕西省${input.county}${input.village}`,
    isMobile: mobile,
    mobileOrigin: mobile ? `陕西省${input.county}` : null,
    mobileCurrent: mobile ? random.pick(cities) : null,
  };
}
