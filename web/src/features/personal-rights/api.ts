import type {
  CopyFormat,
  PersonErasureResult,
  PersonQuery,
  PersonSummary,
} from '../../../../common/personal-rights.js';
import { api, download } from '../../app/api.js';

// Every call names the person in its body (an ID number, or a phone with the name), never in the URL.
export const rightsApi = {
  lookup: (who: PersonQuery) => api.post<PersonSummary>('/api/personal-rights/lookup', who, { quiet: true }),
  copy: (who: PersonQuery, format: CopyFormat) =>
    download('/api/personal-rights/copy', undefined, `个人信息副本.${format}`, { ...who, format }),
  erase: (who: PersonQuery, confirmation: string, reason: string) =>
    api.post<PersonErasureResult>('/api/personal-rights/erase', { ...who, confirmation, reason }),
};
