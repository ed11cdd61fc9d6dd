// The public id of every record: a prefix naming its kind, an underscore and a ULID (48-bit
// millisecond time + 80 random bits, Crockford base32). Pure: the server makes ids
// (server/core/ids.ts), the contract and the renderer only recognise them.

export const idPrefixes = {
  ticket: 'tkt',
  message: 'msg',
  conversation: 'conv',
  contact: 'ctc',
  user: 'usr',
  apiKey: 'key',
  project: 'prj',
  tag: 'tag',
  macro: 'mac',
  webhook: 'whk',
  delivery: 'dlv',
  event: 'evt',
  workflow: 'wfl',
  view: 'view',
  invitation: 'inv',
  session: 'ses',
  notification: 'ntf',
  attachment: 'att',
  import: 'imp',
  importFile: 'upl',
  mailbox: 'mbx',
  quarantinedMail: 'mqr',
  pairingCode: 'pcd',
  device: 'dev',
} as const;

export type IdKind = keyof typeof idPrefixes;

const ulidPattern = '[0-9A-HJKMNP-TV-Z]{26}';

export function idPattern(kind: IdKind): RegExp {
  return new RegExp(`^${idPrefixes[kind]}_${ulidPattern}$`);
}

/** True when `value` has the shape of an id of this kind (it may still not exist). */
export function isId(kind: IdKind, value: string): boolean {
  return idPattern(kind).test(value);
}
