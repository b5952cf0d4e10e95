/**
 * The plaintext preludes that database servers need before TLS starts on the same connection:
 * PostgreSQL's SSLRequest (protocol docs, "SSL Session Encryption") and the MySQL/MariaDB
 * SSLRequest packet sent in answer to the server's initial handshake (protocol 10).
 *
 * Both functions only speak on a connected socket; the caller bounds them in time (it destroys the
 * socket at its deadline, which makes any pending read here fail).
 */
import type { Socket } from 'node:net';
import { KtoolError, type ErrorCode } from '../model/errors';

/** Why a network operation failed, finer than the error code, so the CLI can tell them apart. */
export type NetFailure = 'usage' | 'dns' | 'refused' | 'unreachable' | 'timeout' | 'closed' | 'no-tls' | 'protocol' | 'handshake';

export class NetError extends KtoolError {
  readonly reason: NetFailure;
  constructor(code: ErrorCode, reason: NetFailure, message: string) {
    super(code, message);
    this.reason = reason;
  }
}

export const netError = (reason: NetFailure, message: string): NetError =>
  new NetError(reason === 'no-tls' ? 'UNSUPPORTED' : reason === 'usage' ? 'USAGE' : 'NETWORK', reason, message);

/**
 * Buffers what a socket receives so the preludes can read exact byte counts, then hands the socket
 * over (with nothing left unread) to TLS.
 */
export class SocketReader {
  private buf: Buffer = Buffer.alloc(0);
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private readonly onData = (d: Buffer): void => {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    this.poke();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    this.poke();
  };
  private readonly onError = (e: Error): void => {
    this.failure = e;
    this.poke();
  };

  constructor(private readonly sock: Socket) {
    sock.on('data', this.onData);
    sock.on('end', this.onEnd);
    sock.on('close', this.onEnd);
    sock.on('error', this.onError);
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    if (w) w();
  }

  get buffered(): number {
    return this.buf.length;
  }

  /** Waits until at least `n` bytes are buffered; resolves false if the peer closed first. */
  private async fill(n: number): Promise<boolean> {
    while (this.buf.length < n) {
      if (this.failure) throw this.failure;
      if (this.ended || this.sock.destroyed) return false;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return true;
  }

  /** Exactly `n` bytes, or null when the peer closed before sending them (what it did send stays in `peek`). */
  async read(n: number): Promise<Buffer | null> {
    if (!(await this.fill(n))) return null;
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** At least one byte (everything buffered), or null when the peer closed without sending any. */
  async readSome(): Promise<Buffer | null> {
    if (!(await this.fill(1))) return null;
    const out = this.buf;
    this.buf = Buffer.alloc(0);
    return out;
  }

  peek(): Buffer {
    return this.buf;
  }

  /** Stops listening; returns whatever was received but not read. */
  detach(): Buffer {
    this.sock.off('data', this.onData);
    this.sock.off('end', this.onEnd);
    this.sock.off('close', this.onEnd);
    this.sock.off('error', this.onError);
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }
}

// ---------------------------------------------------------------- MySQL / MariaDB packets

export const MYSQL = {
  CLIENT_LONG_PASSWORD: 0x1, // MariaDB calls this bit CLIENT_MYSQL: "a MySQL client", no extended caps
  CLIENT_LONG_FLAG: 0x4,
  CLIENT_CONNECT_WITH_DB: 0x8,
  CLIENT_PROTOCOL_41: 0x200,
  CLIENT_SSL: 0x800,
  CLIENT_TRANSACTIONS: 0x2000,
  CLIENT_SECURE_CONNECTION: 0x8000,
  CLIENT_MULTI_RESULTS: 0x20000,
  CLIENT_PLUGIN_AUTH: 0x80000,
  /** utf8mb4_general_ci: understood by MySQL 5.5+ and every MariaDB (255 is MySQL 8 only). */
  CHARSET_UTF8MB4: 45,
  MAX_PACKET: 0x01000000,
} as const;

export interface MysqlGreeting {
  protocol: number;
  serverVersion: string;
  connectionId: number;
  capabilities: number;
  charset: number | null;
}

/** Parses the payload of a protocol-10 initial handshake packet. */
export function parseMysqlGreeting(payload: Buffer): MysqlGreeting {
  const protocol = payload[0];
  const nul = payload.indexOf(0, 1);
  if (nul < 0 || nul + 1 + 4 + 8 + 1 + 2 > payload.length) throw new Error('truncated greeting');
  const serverVersion = payload.subarray(1, nul).toString('latin1');
  let p = nul + 1;
  const connectionId = payload.readUInt32LE(p);
  p += 4 + 8 + 1; // connection id, auth-plugin-data part 1, filler
  let capabilities = payload.readUInt16LE(p);
  p += 2;
  let charset: number | null = null;
  if (payload.length >= p + 5) {
    charset = payload[p];
    capabilities |= payload.readUInt16LE(p + 3) << 16; // after charset and status flags
    capabilities >>>= 0;
  }
  return { protocol, serverVersion, connectionId, capabilities, charset };
}

/** The 32-byte SSLRequest payload (HandshakeResponse41 cut after the filler), framed with sequence id 1. */
export function mysqlSslRequest(serverCaps: number): Buffer {
  const wanted =
    MYSQL.CLIENT_LONG_PASSWORD |
    MYSQL.CLIENT_LONG_FLAG |
    MYSQL.CLIENT_TRANSACTIONS |
    MYSQL.CLIENT_MULTI_RESULTS |
    MYSQL.CLIENT_PLUGIN_AUTH |
    MYSQL.CLIENT_SECURE_CONNECTION;
  // Optional flags only where the server offers them; SSL and PROTOCOL_41 are what this request is.
  const caps = ((wanted & serverCaps) | MYSQL.CLIENT_PROTOCOL_41 | MYSQL.CLIENT_SSL) >>> 0;
  const pkt = Buffer.alloc(4 + 32);
  pkt.writeUIntLE(32, 0, 3);
  pkt[3] = 1;
  pkt.writeUInt32LE(caps, 4);
  pkt.writeUInt32LE(MYSQL.MAX_PACKET, 8);
  pkt[12] = MYSQL.CHARSET_UTF8MB4;
  return pkt; // the 23 filler bytes stay zero
}

/** Does this look like the start of a MySQL packet with sequence 0 carrying a greeting or an error? */
export function looksLikeMysqlGreeting(b: Buffer): boolean {
  if (b.length < 5) return false;
  const len = b.readUIntLE(0, 3);
  return b[3] === 0 && len >= 5 && len < 0x10000 && (b[4] === 10 || b[4] === 0xff);
}

function mysqlErrorText(payload: Buffer): string {
  // 0xff, error code (2 LE), then optionally '#' + 5-char SQLSTATE, then the message.
  const code = payload.length >= 3 ? payload.readUInt16LE(1) : 0;
  let msgStart = 3;
  if (payload[3] === 0x23) msgStart = 9;
  const msg = payload.subarray(msgStart).toString('utf8').replace(/\s+/g, ' ').trim();
  return `error ${code}: ${msg}`;
}

/** A short printable sample of unexpected bytes for error messages. */
export function sample(b: Buffer): string {
  const head = b.subarray(0, 16);
  const printable = head.every((c) => c >= 0x20 && c < 0x7f);
  return printable ? JSON.stringify(head.toString('latin1')) : `0x${head.toString('hex')}`;
}

/**
 * Reads the server's initial handshake, checks that it offers TLS and sends the SSLRequest; on
 * return the next bytes on the socket are the TLS handshake.
 */
export async function mysqlStartTls(sock: Socket, reader: SocketReader, where: string): Promise<MysqlGreeting> {
  const header = await reader.read(4);
  if (!header) {
    const got = reader.peek();
    throw netError(
      got.length ? 'protocol' : 'closed',
      got.length
        ? `${where} is not a MySQL/MariaDB server (unexpected greeting ${sample(got)})`
        : `${where} closed the connection without sending a MySQL/MariaDB greeting`,
    );
  }
  const len = header.readUIntLE(0, 3);
  if (header[3] !== 0 || len < 1 || len > 0x10000) {
    throw netError('protocol', `${where} is not a MySQL/MariaDB server (unexpected greeting ${sample(Buffer.concat([header, reader.peek()]))})`);
  }
  const payload = await reader.read(len);
  if (!payload) throw netError('closed', `${where} closed the connection in the middle of its MySQL/MariaDB greeting`);
  if (payload[0] === 0xff) throw netError('protocol', `${where} refused the connection (${mysqlErrorText(payload)})`);
  if (payload[0] !== 10) {
    if (payload[0] === 9) throw netError('no-tls', `${where} speaks the pre-4.1 MySQL protocol 9, which has no TLS`);
    throw netError('protocol', `${where} is not a MySQL/MariaDB server (greeting starts ${sample(Buffer.concat([header, payload]))})`);
  }
  let greeting: MysqlGreeting;
  try {
    greeting = parseMysqlGreeting(payload);
  } catch {
    throw netError('protocol', `${where} sent a malformed MySQL/MariaDB greeting`);
  }
  if (!(greeting.capabilities & MYSQL.CLIENT_SSL)) {
    throw netError('no-tls', `server ${where} (${greeting.serverVersion}) does not support TLS (CLIENT_SSL not offered in its handshake)`);
  }
  if (!(greeting.capabilities & MYSQL.CLIENT_PROTOCOL_41)) {
    throw netError('no-tls', `server ${where} (${greeting.serverVersion}) lacks CLIENT_PROTOCOL_41, needed for the SSL request`);
  }
  if (reader.buffered) throw netError('protocol', `${where} sent unexpected data after its MySQL/MariaDB greeting`);
  await new Promise<void>((resolve, reject) => sock.write(mysqlSslRequest(greeting.capabilities), (e) => (e ? reject(e) : resolve())));
  return greeting;
}

// ---------------------------------------------------------------- PostgreSQL

/** Int32 length 8, then the request code 1234 << 16 | 5679. */
export const PG_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

/** The 'M' (message) field of a v3 ErrorResponse, or the text of a pre-v3 one. */
function pgErrorText(b: Buffer): string {
  if (b.length >= 5) {
    const len = b.readUInt32BE(1);
    if (len >= 4 && len < 0x10000) {
      const body = b.subarray(5, 1 + len);
      let p = 0;
      while (p < body.length && body[p] !== 0) {
        const type = body[p];
        const end = body.indexOf(0, p + 1);
        if (end < 0) break;
        if (type === 0x4d) return body.subarray(p + 1, end).toString('utf8');
        p = end + 1;
      }
    }
  }
  return b.subarray(1).toString('utf8').replace(/\0/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Sends SSLRequest and reads the one-byte answer. On return the server expects the TLS handshake.
 * MySQL/MariaDB servers speak first, so their greeting is what arrives here instead of S/N.
 */
export async function pgStartTls(sock: Socket, reader: SocketReader, where: string): Promise<void> {
  await new Promise<void>((resolve, reject) => sock.write(PG_SSL_REQUEST, (e) => (e ? reject(e) : resolve())));
  const first = await reader.readSome();
  if (!first) throw netError('protocol', `${where} closed the connection without answering the SSLRequest (not a PostgreSQL server?)`);
  if (looksLikeMysqlGreeting(first)) {
    let version = '';
    if (first[4] === 10) {
      const nul = first.indexOf(0, 5);
      if (nul > 5) version = ` (${first.subarray(5, nul).toString('latin1')})`;
    }
    throw netError('protocol', `${where} is not a PostgreSQL server: it sent a MySQL/MariaDB greeting${version}; use --starttls mysql`);
  }
  const answer = first[0];
  if (answer === 0x53 /* S */) {
    // Bytes after 'S' would be read as TLS by us but were sent in the clear (CVE-2021-23214 class).
    if (first.length > 1) throw netError('protocol', `${where} sent unexpected data after accepting the SSLRequest`);
    return;
  }
  if (answer === 0x4e /* N */) {
    throw netError('no-tls', `server ${where} does not support TLS (answered N to SSLRequest)`);
  }
  if (answer === 0x45 /* E */) {
    // Give the rest of the error message a moment to arrive; it is sent in one write.
    let msg = first;
    if (msg.length < 5) msg = Buffer.concat([msg, (await reader.readSome()) ?? Buffer.alloc(0)]);
    throw netError('protocol', `${where} rejected the SSLRequest: ${pgErrorText(msg)}`);
  }
  if (answer === 0x15 && first[1] === 3) {
    throw netError('protocol', `${where} is not a PostgreSQL server: it answered the SSLRequest with a TLS alert (direct TLS? use --starttls none)`);
  }
  throw netError('protocol', `${where} is not a PostgreSQL server (answered ${sample(first)} to SSLRequest)`);
}
