import { addMonths, addYears, ageOn } from './id-number.js';

// The league's rules on people, in one place (league-domain.md). Where provinces differ the value is a setting of
// the server (config.ts) rather than a constant here.

/** 满28周岁离团: without a league post a member leaves at 28. */
export const ageOutAge = 28;
/** The age-out shows this many days ahead, so that the branch can apply it on time. */
export const ageOutNoticeDays = 90;
/** Applicants are 14 to 28 on the day they apply. */
export const applyMinAge = 14;
export const applyMaxAge = 28;
/** Since 2017 the national registry refuses a member who joined younger than 13. */
export const minJoinAge = 13;
export const minJoinAgeFrom = '2017-01-01';
/** Anyone under 14 needs a guardian-consent record; the version is that of the consent text. */
export const guardianConsentBelowAge = 14;
export const consentVersion = '2026-1';
/** Activists are observed 3 to 6 months before they may become candidates. */
export const observationMinMonths = 3;
export const observationMaxMonths = 6;
/** The talk with the applicant is due within a month of the written application. */
export const talkDueMonths = 1;
/** 推优入党: a member of at least a year, at most 20% of the branch per round, valid two years. */
export const recommendationMinMemberYears = 1;
export const recommendationMaxShare = 0.2;
export const recommendationValidYears = 2;
/** 自行脱团 and the data-quality page: six months without being reached. */
export const unreachableMonths = 6;
/** A branch with fewer members should become a joint branch. */
export const minBranchMembers = 3;

export function ageOutDate(birthDate: string): string {
  return addYears(birthDate, ageOutAge);
}

/** The join date is possible for someone born on `birthDate`; a message when it is not. */
export function joinAgeProblem(birthDate: string, joinedOn: string): string | null {
  if (joinedOn < birthDate) return '入团日期早于出生日期';
  if (joinedOn >= minJoinAgeFrom && ageOn(birthDate, joinedOn) < minJoinAge) {
    return `入团时未满 ${minJoinAge} 周岁（2017 年起不允许）`;
  }
  return null;
}

export function needsGuardianConsent(birthDate: string, today: string): boolean {
  return ageOn(birthDate, today) < guardianConsentBelowAge;
}

/** The last day a member may be recommended to the party again after a recommendation on `on`. */
export function recommendationValidUntil(on: string): string {
  return addYears(on, recommendationValidYears);
}

/** How many members of a branch one round may recommend. */
export function recommendationQuota(branchMembers: number): number {
  return Math.floor(branchMembers * recommendationMaxShare + 1e-9);
}

export function unreachableSince(today: string): string {
  return addMonths(today, -unreachableMonths);
}
