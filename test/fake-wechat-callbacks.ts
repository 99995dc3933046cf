import { decryptMessage, encryptMessage, msgSignature, sha1Signature } from '../server/wechat/crypto.js';
import { cdata, parseWechatXml, xmlText } from '../server/wechat/xml.js';

// WeChat's side of an official account's callback (服务器配置), for the fake WeChat (fake-wechat.ts): pushes signed,
// and encrypted in compatible and safe mode, re-POSTed when the answer does not come in time; and the pushes
// themselves, written as WeChat writes them.

export type FakeCallbackConfig = {
  url: string;
  token: string;
  encodingAesKey?: string;
  mode: 'plain' | 'compatible' | 'safe';
};

export type FakeCallbackResult = {
  /** POSTs made, the accepted one included. */
  attempts: number;
  /** HTTP status of the accepted answer; 0 when every attempt timed out. */
  status: number;
  /** The accepted answer, decrypted when it was an encrypted reply. */
  body: string;
  /** The answer as it came (the encrypted envelope in safe mode). */
  rawBody: string;
  /** Why an encrypted reply was not accepted (bad MsgSignature, undecryptable), else null. */
  replyProblem: string | null;
};

export type PushOptions = {
  /** The first N answers come too late: received in full (the app did its work), then ignored. */
  lateAnswers?: number;
  /** Late attempts are not waited for before the retry, as when the app is still busy with them. */
  overlap?: boolean;
  /** This push's wait for an answer instead of the fake's `callbackTimeoutMs`. */
  timeoutMs?: number;
};

type CallbackTarget = {
  appId: string;
  originalId: string;
  callback: FakeCallbackConfig;
  now: () => number;
  timeoutMs: number;
};

/** The request WeChat makes for a push: the signed query string and the body of the account's mode. */
function signedCallback(target: CallbackTarget, xml: string): { url: URL; body: string } {
  const { callback, now } = target;
  const url = new URL(callback.url);
  const timestamp = String(Math.floor(now() / 1000));
  const nonce = String(100_000_000 + Math.floor(Math.random() * 1_000_000_000));
  url.searchParams.set('signature', sha1Signature([callback.token, timestamp, nonce]));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  if (callback.mode === 'plain') return { url, body: xml };
  if (!callback.encodingAesKey) throw new Error('fake WeChat: encrypted modes need an EncodingAESKey');
  const encrypt = encryptMessage(callback.encodingAesKey, target.appId, xml);
  url.searchParams.set('encrypt_type', 'aes');
  url.searchParams.set('msg_signature', msgSignature(callback.token, timestamp, nonce, encrypt));
  const envelope = `<Encrypt>${cdata(encrypt)}</Encrypt>`;
  // Compatible mode carries the plain fields and the cipher text side by side; safe mode only the cipher text.
  const body =
    callback.mode === 'compatible'
      ? xml.replace(/<\/xml>\s*$/, `${envelope}</xml>`)
      : `<xml><ToUserName>${cdata(target.originalId)}</ToUserName>${envelope}</xml>`;
  return { url, body };
}

/** An encrypted reply is checked and opened as WeChat would; a plain one is taken as it is. */
function openReply(callback: FakeCallbackConfig, appId: string, raw: string) {
  if (!raw.includes('<Encrypt>')) return { body: raw, problem: null };
  try {
    const xml = parseWechatXml(raw);
    const encrypt = xmlText(xml, 'Encrypt');
    const signature = msgSignature(callback.token, xmlText(xml, 'TimeStamp'), xmlText(xml, 'Nonce'), encrypt);
    if (signature !== xmlText(xml, 'MsgSignature')) return { body: raw, problem: 'bad MsgSignature' };
    return { body: decryptMessage(callback.encodingAesKey ?? '', appId, encrypt), problem: null };
  } catch (error) {
    return { body: raw, problem: `undecryptable reply: ${(error as Error).message}` };
  }
}

async function post(url: URL, body: string, timeoutMs: number | null) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body,
    signal: timeoutMs === null ? undefined : AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * Pushes a message to the account's callback as WeChat does: no answer within the timeout and the identical
 * request goes again, three retries at most. `lateAnswers` treats the first N answers as having come too late
 * (they are received in full, so the app did its work, then ignored); with `overlap` those late attempts are not
 * waited for before the retry, as when the app is still busy with the first when WeChat retries.
 */
export async function pushToCallback(
  target: CallbackTarget,
  xmlPlain: string,
  push: PushOptions = {},
): Promise<FakeCallbackResult> {
  const { url, body } = signedCallback(target, xmlPlain);
  const timeoutMs = push.timeoutMs ?? target.timeoutMs;
  const late: Array<Promise<unknown>> = [];
  try {
    for (let attempt = 1; attempt <= 4; attempt++) {
      if (attempt <= (push.lateAnswers ?? 0)) {
        const ignored = post(url, body, null).catch(() => undefined);
        if (push.overlap) late.push(ignored);
        else await ignored;
        continue;
      }
      let answer: { status: number; text: string };
      try {
        answer = await post(url, body, timeoutMs);
      } catch {
        continue; // timed out or refused: WeChat drops the connection and tries again
      }
      const opened = openReply(target.callback, target.appId, answer.text);
      return {
        attempts: attempt,
        status: answer.status,
        body: opened.body,
        rawBody: answer.text,
        replyProblem: opened.problem,
      };
    }
    return { attempts: 4, status: 0, body: '', rawBody: '', replyProblem: null };
  } finally {
    await Promise.all(late);
  }
}

// Pushes as WeChat writes them: strings in CDATA, numbers bare.

let msgSequence = 0;
const seconds = () => Math.floor(Date.now() / 1000);

export function textMessageXml(input: {
  to: string;
  from: string;
  content: string;
  msgId?: string;
  createTime?: number;
}): string {
  const msgId = input.msgId ?? `60547685900647${String(++msgSequence).padStart(5, '0')}`;
  return (
    `<xml><ToUserName>${cdata(input.to)}</ToUserName><FromUserName>${cdata(input.from)}</FromUserName>` +
    `<CreateTime>${input.createTime ?? seconds()}</CreateTime><MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(input.content)}</Content><MsgId>${msgId}</MsgId></xml>`
  );
}

export type FakeEvent =
  | { event: 'subscribe'; scene?: string; ticket?: string }
  | { event: 'unsubscribe' }
  | { event: 'SCAN'; scene: string; ticket?: string }
  | { event: 'CLICK'; key: string }
  | {
      event: 'MASSSENDJOBFINISH';
      msgId: string;
      status?: string;
      totalCount?: number;
      filterCount?: number;
      sentCount?: number;
      errorCount?: number;
    }
  | { event: 'PUBLISHJOBFINISH'; publishId: string; publishStatus?: number; articleUrl?: string };

/** An event push; `subscribe` with a scene is the QR-code form (EventKey `qrscene_<scene>`). */
export function eventXml(input: { to: string; from: string; createTime?: number } & FakeEvent): string {
  let fields = '';
  switch (input.event) {
    case 'subscribe':
      if (input.scene !== undefined) {
        fields = `<EventKey>${cdata(`qrscene_${input.scene}`)}</EventKey><Ticket>${cdata(input.ticket ?? 'TICKET')}</Ticket>`;
      }
      break;
    case 'unsubscribe':
      break;
    case 'SCAN':
      fields = `<EventKey>${cdata(input.scene)}</EventKey><Ticket>${cdata(input.ticket ?? 'TICKET')}</Ticket>`;
      break;
    case 'CLICK':
      fields = `<EventKey>${cdata(input.key)}</EventKey>`;
      break;
    case 'MASSSENDJOBFINISH':
      fields =
        `<MsgID>${input.msgId}</MsgID><Status>${cdata(input.status ?? 'send success')}</Status>` +
        `<TotalCount>${input.totalCount ?? 1}</TotalCount><FilterCount>${input.filterCount ?? 1}</FilterCount>` +
        `<SentCount>${input.sentCount ?? 1}</SentCount><ErrorCount>${input.errorCount ?? 0}</ErrorCount>`;
      break;
    case 'PUBLISHJOBFINISH':
      fields =
        `<PublishEventInfo><publish_id>${input.publishId}</publish_id>` +
        `<publish_status>${input.publishStatus ?? 0}</publish_status>` +
        (input.articleUrl === undefined
          ? ''
          : `<article_detail><count>1</count><item><idx>1</idx><article_url>${cdata(input.articleUrl)}</article_url></item></article_detail>`) +
        `</PublishEventInfo>`;
      break;
  }
  return (
    `<xml><ToUserName>${cdata(input.to)}</ToUserName><FromUserName>${cdata(input.from)}</FromUserName>` +
    `<CreateTime>${input.createTime ?? seconds()}</CreateTime><MsgType>${cdata('event')}</MsgType>` +
    `<Event>${cdata(input.event)}</Event>${fields}</xml>`
  );
}
