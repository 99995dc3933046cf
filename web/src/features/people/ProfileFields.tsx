import { AutoComplete, Form, Input, Switch } from 'antd';
import type { PoliticalStatus } from '../../../../common/domain.js';
import { useT } from '../../app/i18n.js';

// What a branch keeps up to date itself (民族, 学历, 职业, contact, 流动团员), shared by 登记 and 修改信息.

/** The form values of these fields, with the 政治面貌 both forms ask beside them. */
export type ProfileValues = {
  politicalStatus: PoliticalStatus;
  ethnicity: string;
  education: string;
  occupation: string;
  workplace: string;
  phone: string;
  wechat: string;
  household: string;
  isMobile: boolean;
  mobileOrigin: string;
  mobileCurrent: string;
  mobileContact: string;
};

const ethnicities = ['汉族', '回族', '满族', '蒙古族', '藏族', '维吾尔族', '壮族', '苗族', '彝族', '土家族'];
const educations = ['小学', '初中', '高中', '中专/中职', '大专', '本科', '硕士研究生', '博士研究生'];
const occupations = ['学生', '农民', '工人', '企业职员', '个体经营', '机关事业单位人员', '自由职业', '待业'];

const options = (values: string[]) => values.map((value) => ({ value }));

export function ProfileFields({ phoneExtra }: { phoneExtra?: string }) {
  const t = useT();
  return (
    <>
      <div className="tj-form-row">
        <Form.Item name="ethnicity" label={t('member.form.ethnicity')} style={{ flex: 1, minWidth: 130 }}>
          <AutoComplete maxLength={20} options={options(ethnicities)} />
        </Form.Item>
        <Form.Item name="education" label={t('member.form.education')} style={{ flex: 1, minWidth: 130 }}>
          <AutoComplete maxLength={20} options={options(educations)} />
        </Form.Item>
        <Form.Item name="occupation" label={t('member.form.occupation')} style={{ flex: 1, minWidth: 130 }}>
          <AutoComplete maxLength={50} options={options(occupations)} />
        </Form.Item>
      </div>
      <div className="tj-form-row">
        <Form.Item name="workplace" label={t('member.form.workplace')} style={{ flex: 2, minWidth: 220 }}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="household" label={t('member.form.household')} style={{ flex: 1, minWidth: 160 }}>
          <Input maxLength={100} />
        </Form.Item>
      </div>
      <div className="tj-form-row">
        <Form.Item name="phone" label={t('member.form.phone')} extra={phoneExtra} style={{ flex: 1, minWidth: 180 }}>
          <Input maxLength={30} inputMode="tel" autoComplete="off" data-testid="member-phone" />
        </Form.Item>
        <Form.Item name="wechat" label={t('member.form.wechat')} style={{ flex: 1, minWidth: 160 }}>
          <Input maxLength={50} autoComplete="off" />
        </Form.Item>
      </div>
    </>
  );
}

/** 流动团员: the switch, then where from, where now and how to reach them while away. */
export function MobileFields() {
  const t = useT();
  const mobile = Form.useWatch<boolean | undefined>('isMobile');
  return (
    <>
      <Form.Item
        name="isMobile"
        label={t('member.form.isMobile')}
        valuePropName="checked"
        extra={t('member.form.isMobileHelp')}
      >
        <Switch data-testid="member-is-mobile" />
      </Form.Item>
      {mobile && (
        <div className="tj-form-row">
          <Form.Item name="mobileOrigin" label={t('member.form.mobileOrigin')} style={{ flex: 1, minWidth: 160 }}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="mobileCurrent" label={t('member.form.mobileCurrent')} style={{ flex: 1, minWidth: 160 }}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="mobileContact" label={t('member.form.mobileContact')} style={{ flex: 1, minWidth: 160 }}>
            <Input maxLength={100} />
          </Form.Item>
        </div>
      )}
    </>
  );
}
