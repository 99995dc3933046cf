import { Descriptions, Divider, Drawer, Grid } from 'antd';
import { useState } from 'react';
import type { ContactDetail } from '../../../../common/ledger.js';
import { formatDateTime } from '../../app/format.js';
import { useT } from '../../app/i18n.js';
import { Pending } from '../../app/Pending.js';
import { useLoad } from '../../app/useLoad.js';
import { contactApi } from './api.js';
import { ContactCadres, ContactLog } from './ContactSections.js';
import { PhoneText } from './PhoneText.js';

type Props = { contactId: number; onClose: () => void; onChanged: () => void };

/** One young person: details, the cadres in contact with them, and the contact log. */
export function ContactDrawer({ contactId, onClose, onChanged }: Props) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const [fresh, setFresh] = useState<ContactDetail | null>(null);
  const { data, error, reload } = useLoad(() => contactApi.detail(contactId), [contactId]);
  const contact = fresh?.id === contactId ? fresh : data;
  const update = (next: ContactDetail) => {
    setFresh(next);
    onChanged();
  };

  return (
    <Drawer
      open
      onClose={onClose}
      size={screens.md ? 640 : '100%'}
      title={contact?.fullName ?? t('contact.detail')}
      data-testid="contact-drawer"
    >
      {!contact ? (
        <Pending error={error} reload={reload} />
      ) : (
        <>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2 }}
            items={[
              {
                key: 'phone',
                label: t('ledger.col.phone'),
                children: (
                  <PhoneText
                    masked={contact.phoneMasked}
                    mayReveal={contact.abilities.revealPhone}
                    reveal={() => contactApi.revealPhone(contact.id)}
                    testId="contact-drawer-phone"
                  />
                ),
              },
              { key: 'category', label: t('contact.col.category'), children: t(`contactCategory.${contact.category}`) },
              { key: 'org', label: t('ledger.col.org'), children: contact.orgName },
              { key: 'village', label: t('contact.col.village'), children: contact.village ?? t('common.none') },
              { key: 'last', label: t('contact.col.lastContact'), children: contact.lastContactOn ?? t('common.none') },
              { key: 'updated', label: t('ledger.updatedAt'), children: formatDateTime(contact.updatedAt) },
              ...(contact.note
                ? [{ key: 'note', label: t('contact.field.note'), span: 2, children: contact.note }]
                : []),
            ]}
          />
          <Divider titlePlacement="start">{t('contact.linkedCadres')}</Divider>
          <ContactCadres contact={contact} onSaved={update} />
          <Divider titlePlacement="start">{t('contact.log')}</Divider>
          <ContactLog contact={contact} onSaved={update} />
        </>
      )}
    </Drawer>
  );
}
