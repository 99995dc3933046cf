import { useT } from '../../app/i18n.js';
import { RevealText } from '../../app/RevealText.js';

type Props = {
  masked: string | null;
  /** From the row's abilities: the server would refuse the reveal otherwise. */
  mayReveal: boolean;
  reveal: () => Promise<{ phone: string }>;
  testId?: string;
};

/** A phone as the server sends it (138****1234); "显示完整号码" asks for it in full, which the server audits. */
export function PhoneText({ masked, mayReveal, reveal, testId }: Props) {
  const t = useT();
  return (
    <RevealText
      masked={masked}
      mayReveal={mayReveal}
      reveal={async () => (await reveal()).phone}
      testId={testId}
      label={t('ledger.revealPhone')}
      hint={t('ledger.revealHint')}
      revealTestId="reveal-phone"
    />
  );
}
