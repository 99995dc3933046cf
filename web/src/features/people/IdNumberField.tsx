import { CheckCircleFilled } from '@ant-design/icons';
import { Form, Input } from 'antd';
import { chinaToday } from '../../../../common/dates.js';
import { ageOn, parseIdNumber, type IdNumberFacts } from '../../../../common/id-number.js';
import { useT } from '../../app/i18n.js';

const complete = (text: string) => text.normalize('NFKC').replace(/\s/g, '').length >= 18;

/** The birth date and sex an ID number gives, or null while it is incomplete or wrong. */
export function idFacts(value: string | undefined): IdNumberFacts | null {
  if (!value) return null;
  const result = parseIdNumber(value, chinaToday());
  return result.ok ? result.facts : null;
}

/**
 * 身份证号 with what it says shown as the person types: the birth date, sex and age once it is complete and valid,
 * the check-digit (or birth-date) error as soon as 18 characters are there. A shorter number is only an error
 * when the field is left or the form submitted. The server checks it again and decides.
 */
export function IdNumberField() {
  const t = useT();
  const value = Form.useWatch<string | undefined>('idNumber');
  const facts = idFacts(value);
  const today = chinaToday();

  const check = (whileTyping: boolean) => (_rule: unknown, raw: string | undefined) => {
    const text = (raw ?? '').trim();
    if (!text) return Promise.resolve();
    if (whileTyping && !complete(text) && !/e\+?\d/i.test(text)) return Promise.resolve();
    const result = parseIdNumber(text, today);
    return result.ok ? Promise.resolve() : Promise.reject(new Error(result.message));
  };

  return (
    <Form.Item
      name="idNumber"
      label={t('member.form.idNumber')}
      validateTrigger={['onChange', 'onBlur']}
      rules={[
        { required: true, whitespace: true, message: t('member.form.idNumberRequired') },
        { validator: check(true), validateTrigger: 'onChange' },
        { validator: check(false), validateTrigger: 'onBlur' },
      ]}
      extra={
        facts ? (
          <div className="tj-people-derived" data-testid="member-id-derived">
            <CheckCircleFilled />{' '}
            {t('member.form.derived', {
              birth: facts.birthDate,
              sex: t(`people.sex.${facts.sex}`),
              age: ageOn(facts.birthDate, today),
            })}
          </div>
        ) : undefined
      }
      style={{ flex: 2, minWidth: 240 }}
    >
      <Input
        maxLength={40}
        autoComplete="off"
        className="tj-mono"
        placeholder={t('member.form.idNumberPlaceholder')}
        data-testid="member-id-number"
      />
    </Form.Item>
  );
}
