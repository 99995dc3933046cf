import { z } from 'zod';

// Field schemas every API shares: labelled text, phones as people type them, paging, booleans in query strings.

export const text = (label: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: `请填写${label}` })
    .max(max, { message: `${label}不能超过 ${max} 个字` });
export const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `${label}不能超过 ${max} 个字` })
    .transform((value) => (value === '' ? null : value))
    .nullish();
/** Any spelling people type (full-width digits, spaces, +86); the server normalises and checks it. */
export const phoneInput = z.string().trim().min(1, { message: '请填写手机号码' }).max(30, { message: '手机号码过长' });
export const boolQuery = z
  .enum(['true', 'false'], { message: '应为 true 或 false' })
  .transform((value) => value === 'true');
export const searchText = z.string().trim().max(40, { message: '搜索内容不能超过 40 个字' }).optional();
export const paging = {
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};
export const nonEmpty = (body: object) => Object.keys(body).length > 0;
export const nothingToChange = { message: '没有需要修改的内容' };
