import type { personalRightsZh } from './personalRights.zh.js';

// A person's rights under PIPL in English. Typed against the Chinese keys.
export const personalRightsEn: Record<keyof typeof personalRightsZh, string> = {
  'nav.personalRights': 'Personal data requests',

  'rights.title': 'Personal data requests',
  'rights.subtitle':
    'When a young person or their guardian asks the league org for a copy of their data or for its erasure (PIPL arts. 45 and 47). Limited to records of your org and below; every download and erasure is audited.',
  'rights.find': 'Find the person',
  'rights.by.idNumber': 'By ID number',
  'rights.by.phone': 'By phone and name',
  'rights.idNumber': 'ID number',
  'rights.idNumberRequired': 'Enter the full 18-character ID number',
  'rights.phone': 'Mobile number',
  'rights.phoneRequired': 'Enter the mobile number',
  'rights.fullName': 'Name',
  'rights.fullNameRequired': 'Enter the name',
  'rights.phoneHint':
    'Youth contacts and cadres registered without an ID number are found by phone and name; a phone may be shared in a family, so the name is required.',
  'rights.search': 'Search',
  'rights.clear': 'Clear',
  'rights.notFound': 'Nothing is held about this person in your org or below',

  'rights.person': 'Result',
  'rights.records': 'Records',
  'rights.kind': 'Kind',
  'rights.kind.member': 'Member',
  'rights.kind.applicant': 'Applicant',
  'rights.kind.cadre': 'Cadre',
  'rights.kind.contact': 'Youth contact',
  'rights.org': 'Org',
  'rights.idMasked': 'ID number',
  'rights.phoneMasked': 'Mobile',
  'rights.status': 'Status',
  'rights.sections': 'What the copy contains',
  'rights.sectionRows': '{n} rows',
  'rights.sectionNone': 'none',

  'rights.copy': 'Download their copy',
  'rights.copyHint':
    'The copy holds the full ID number and phone: hand it only to the person or their guardian. Every download is audited.',
  'rights.copy.xlsx': 'Excel (xlsx)',
  'rights.copy.csv': 'CSV',
  'rights.copy.json': 'JSON (for other systems)',
  'rights.copied': 'Downloaded; keep it safe',

  'rights.erase': 'Erase their data',
  'rights.eraseHint':
    'Removes every record of this person in your org and below, their uploaded documents and derived copies (import previews, error reports), and recounts member figures and campaign indicators. The audit log is kept as the law requires (it holds no personal values). This cannot be undone.',
  'rights.eraseBlocked': 'Cannot be erased now',
  'rights.eraseButton': 'Erase all their data…',
  'rights.eraseTitle': 'Erase all data of “{name}”',
  'rights.eraseWarning': 'This cannot be undone. Download their copy first if they want it.',
  'rights.reason': 'Reason',
  'rights.reasonPlaceholder':
    'e.g. erasure requested by the person (PIPL art. 47). Do not write names, ID numbers or other personal details.',
  'rights.reasonRequired': 'Enter a reason',
  'rights.confirmation': 'Type the name “{name}” to confirm',
  'rights.confirmationMismatch': 'Does not match the name',
  'rights.confirmErase': 'Erase',
  'rights.erased': 'All data of “{name}” has been erased',
  'rights.erasedDetail': '{rows} records and {files} files removed; copies cleaned from {jobs} import jobs.',
  'rights.newRequest': 'Next request',
};
