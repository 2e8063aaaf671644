/**
 * The queue-file record vocabulary (Postfix rec_type.h), with postcat's labels.
 * Pure data.
 */

export const REC = {
  SIZE: 0x43, // 'C' REC_TYPE_SIZE
  TIME: 0x54, // 'T' REC_TYPE_TIME
  CTIME: 0x63, // 'c' REC_TYPE_CTIME (pseudo; stored as A create_time=)
  FULL: 0x46, // 'F' REC_TYPE_FULL
  INSP: 0x49, // 'I' REC_TYPE_INSP
  FILT: 0x4c, // 'L' REC_TYPE_FILT outside the content
  CONT: 0x4c, // 'L' REC_TYPE_CONT inside the content
  FROM: 0x53, // 'S' REC_TYPE_FROM
  DONE: 0x44, // 'D' REC_TYPE_DONE
  RCPT: 0x52, // 'R' REC_TYPE_RCPT
  ORCP: 0x4f, // 'O' REC_TYPE_ORCP
  DRCP: 0x2f, // '/' REC_TYPE_DRCP
  WARN: 0x57, // 'W' REC_TYPE_WARN
  ATTR: 0x41, // 'A' REC_TYPE_ATTR
  KILL: 0x4b, // 'K' REC_TYPE_KILL
  RDR: 0x3e, // '>' REC_TYPE_RDR
  MESG: 0x4d, // 'M' REC_TYPE_MESG
  NORM: 0x4e, // 'N' REC_TYPE_NORM
  DTXT: 0x77, // 'w' REC_TYPE_DTXT (padding)
  XTRA: 0x58, // 'X' REC_TYPE_XTRA
  RRTO: 0x72, // 'r' REC_TYPE_RRTO
  ERTO: 0x65, // 'e' REC_TYPE_ERTO
  PRIO: 0x50, // 'P' REC_TYPE_PRIO
  PTR: 0x70, // 'p' REC_TYPE_PTR
  VERP: 0x56, // 'V' REC_TYPE_VERP
  DSN_RET: 0x3c, // '<' REC_TYPE_DSN_RET
  DSN_ENVID: 0x69, // 'i' REC_TYPE_DSN_ENVID
  DSN_ORCPT: 0x6f, // 'o' REC_TYPE_DSN_ORCPT
  DSN_NOTIFY: 0x6e, // 'n' REC_TYPE_DSN_NOTIFY
  END: 0x45, // 'E' REC_TYPE_END
} as const;

/** postcat's label for envelope/extracted record types (rec_type.c rec_type_name). */
const LABELS: Record<number, string> = {
  [REC.SIZE]: 'message_size',
  [REC.TIME]: 'message_arrival_time',
  [REC.CTIME]: 'queue_file_create_time',
  [REC.FULL]: 'sender_fullname',
  [REC.INSP]: 'content_inspector',
  [REC.FILT]: 'content_filter',
  [REC.FROM]: 'sender',
  [REC.DONE]: 'done_recipient',
  [REC.RCPT]: 'recipient',
  [REC.ORCP]: 'original_recipient',
  [REC.DRCP]: 'canceled_recipient',
  [REC.WARN]: 'warning_message_time',
  [REC.ATTR]: 'named_attribute',
  [REC.KILL]: 'killed_record',
  [REC.RDR]: 'redirect_to',
  [REC.MESG]: 'message_content',
  [REC.NORM]: 'regular_text',
  [REC.DTXT]: 'padding',
  [REC.XTRA]: 'extracted_info',
  [REC.RRTO]: 'return_receipt',
  [REC.ERTO]: 'errors_to',
  [REC.PRIO]: 'priority',
  [REC.PTR]: 'pointer_record',
  [REC.VERP]: 'verp_delimiters',
  [REC.DSN_RET]: 'dsn_return_flags',
  [REC.DSN_ENVID]: 'dsn_envelope_id',
  [REC.DSN_ORCPT]: 'dsn_original_recipient',
  [REC.DSN_NOTIFY]: 'dsn_notify_flags',
  [REC.END]: 'message_end',
};

export function recordLabel(type: number): string {
  return LABELS[type] ?? 'unknown_record_type';
}

/** Allowed record types per segment; the first letter is the segment's terminator (rec_type.h). */
export const SEGMENT_TYPES = {
  envelope: 'MCTcFILSDRO/WVA>K<ion',
  content: 'XLNw',
  extracted: 'EDRO/PreAFIL>Kon',
} as const;
export type Segment = keyof typeof SEGMENT_TYPES;

/** SEGMENT_TYPES as tables by type byte: this is asked for every record of every file read. */
const ALLOWED = Object.fromEntries(
  Object.entries(SEGMENT_TYPES).map(([segment, types]) => {
    const table = new Uint8Array(256);
    for (let i = 0; i < types.length; i++) table[types.charCodeAt(i)] = 1;
    return [segment, table];
  }),
) as Record<Segment, Uint8Array>;

export function isAllowedIn(segment: Segment, type: number): boolean {
  return ALLOWED[segment][type] === 1;
}

/** A printable name for a record type in diagnostics: `'R' (82)`. */
export function describeRecordType(type: number): string {
  const ch = type >= 0x21 && type < 0x7f ? `'${String.fromCharCode(type)}' ` : '';
  return `${ch}(${type})`;
}
