/**
 * Fetches the certificate chain a server presents: plain TLS, or TLS after a PostgreSQL or
 * MySQL/MariaDB prelude on the same connection. Verification is not done here (the chain is fetched
 * with rejectUnauthorized false and judged separately).
 *
 * The chain is read from the server's own Certificate handshake message, so it is exactly what was
 * sent, in the order sent. Node's getPeerCertificate(true) would reorder by issuer, drop strays and
 * append roots from the local trust store; it is only the fallback when the message cannot be read.
 */
import { createDecipheriv, createHmac, type DecipherGCM } from 'node:crypto';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { mysqlStartTls, netError, NetError, pgStartTls, sample, looksLikeMysqlGreeting, SocketReader } from './starttls';

export type StartTlsMode = 'none' | 'postgres' | 'mysql' | 'auto';
export type StartTlsUsed = Exclude<StartTlsMode, 'auto'>;

export interface FetchOptions {
  host: string;
  port: number;
  starttls: StartTlsMode;
  /** Server name sent in the TLS hello; default: the host when it is a name (never for IP literals). */
  sni?: string;
  /** Bound for the whole fetch: connect, prelude and handshake. */
  timeoutMs: number;
  /** ALPN protocols to offer, e.g. ['postgresql'] for PostgreSQL 17+ direct TLS. */
  alpn?: string[];
}

export interface FetchResult {
  host: string;
  port: number;
  /** The address actually connected to. */
  address: string;
  starttls: StartTlsUsed;
  /** e.g. 'TLSv1.3'. */
  protocol: string;
  /** IETF name, e.g. 'TLS_AES_256_GCM_SHA384'. */
  cipher: string;
  /** OpenSSL's name for the cipher, e.g. 'ECDHE-RSA-AES128-GCM-SHA256'. */
  cipherOpenssl: string;
  alpnProtocol: string | null;
  servername: string | null;
  /** MySQL/MariaDB: the version string of the greeting. */
  serverVersion?: string;
  /** DER, leaf first, as the server sent them. */
  certificates: Uint8Array[];
  /** 'handshake': read from the Certificate message; 'reconstructed': from Node's issuer walk. */
  chainSource: 'handshake' | 'reconstructed';
}

export const DEFAULT_PORTS: Record<StartTlsMode, number> = { postgres: 5432, mysql: 3306, none: 443, auto: 443 };

/** 'auto' chooses by well-known port and otherwise speaks plain TLS. */
export function resolveStartTls(mode: StartTlsMode, port: number): StartTlsUsed {
  if (mode !== 'auto') return mode;
  if (port === 5432) return 'postgres';
  if (port === 3306) return 'mysql';
  return 'none';
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

/**
 * 'db', 'db:5432', '10.0.0.1:443', '[::1]:5432', '[::1]', '::1' (an IPv6 literal without brackets
 * has no port). The port defaults by the STARTTLS mode.
 */
export function parseHostPort(spec: string, starttls: StartTlsMode = 'none'): { host: string; port: number; portGiven: boolean } {
  const s = spec.trim();
  const bad = (why: string): NetError => netError('usage', `bad host '${spec}': ${why}`);
  if (!s) throw bad('empty');
  let host: string;
  let portStr: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) throw bad("missing ']'");
    host = s.slice(1, end);
    const rest = s.slice(end + 1);
    if (rest) {
      if (!rest.startsWith(':')) throw bad("expected ':PORT' after ']'");
      portStr = rest.slice(1);
    }
    if (!net.isIPv6(host)) throw bad('brackets hold an IPv6 address');
  } else if (s.indexOf(':') !== s.lastIndexOf(':')) {
    host = s;
    if (!net.isIPv6(host)) throw bad('an IPv6 address with a port is written [ADDR]:PORT');
  } else {
    const i = s.indexOf(':');
    host = i >= 0 ? s.slice(0, i) : s;
    portStr = i >= 0 ? s.slice(i + 1) : undefined;
    if (!net.isIPv4(host) && !HOSTNAME.test(host)) throw bad('not a host name or IP address');
  }
  if (portStr === undefined) return { host, port: DEFAULT_PORTS[starttls], portGiven: false };
  if (!/^\d{1,5}$/.test(portStr) || +portStr < 1 || +portStr > 65535) throw bad(`port '${portStr}' is not 1-65535`);
  return { host, port: +portStr, portGiven: true };
}

export function formatHostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

// ---------------------------------------------------------------- connection plumbing

function errCode(e: unknown): string {
  const err = e as { code?: string; errors?: { code?: string }[] };
  return err?.code ?? err?.errors?.[0]?.code ?? '';
}

function connectError(e: unknown, where: string): NetError {
  const code = errCode(e);
  switch (code) {
    case 'ECONNREFUSED':
      return netError('refused', `connection refused by ${where}`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return netError('dns', `cannot resolve host of ${where}`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return netError('unreachable', `${where} is unreachable (${code})`);
    case 'ECONNRESET':
      return netError('closed', `${where} reset the connection`);
    default:
      return netError('closed', `cannot connect to ${where}: ${(e as Error)?.message ?? e}`);
  }
}

/**
 * Passes bytes between TLS and the TCP socket while keeping a copy of what the server sends, so
 * the Certificate message can be read as sent.
 */
class TapStream extends Duplex {
  readonly received: Buffer[] = [];
  private receivedBytes = 0;
  recording = true;

  constructor(private readonly inner: net.Socket) {
    super();
    inner.on('data', (d: Buffer) => {
      if (this.recording && this.receivedBytes < 1 << 20) {
        this.received.push(d);
        this.receivedBytes += d.length;
      }
      this.push(d);
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (e) => this.destroy(e));
    inner.on('close', () => this.destroy());
  }
  override _read(): void {
    // Flow is driven by the inner socket's data events; the handshake is small.
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.inner.write(chunk, cb);
  }
  override _final(cb: (e?: Error | null) => void): void {
    this.inner.end(cb);
  }
  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.inner.destroy();
    cb(err);
  }
  get bytes(): Buffer {
    return Buffer.concat(this.received);
  }
}

// ---------------------------------------------------------------- reading the Certificate message

/** TLS 1.3 traffic keys (RFC 8446 section 7.1 and 7.3). */
function hkdfExpandLabel(hash: string, secret: Buffer, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, full.length]), full, Buffer.from([0])]);
  const blocks: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1, n = 0; n < length; i++) {
    t = createHmac(hash, secret).update(t).update(info).update(Buffer.from([i])).digest();
    blocks.push(t);
    n += t.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

const TLS13_SUITES: Record<string, { hash: string; algo: string; keyLen: number }> = {
  TLS_AES_128_GCM_SHA256: { hash: 'sha256', algo: 'aes-128-gcm', keyLen: 16 },
  TLS_AES_256_GCM_SHA384: { hash: 'sha384', algo: 'aes-256-gcm', keyLen: 32 },
  TLS_CHACHA20_POLY1305_SHA256: { hash: 'sha256', algo: 'chacha20-poly1305', keyLen: 32 },
};

interface TlsRecord {
  type: number;
  header: Buffer;
  body: Buffer;
}

function* tlsRecords(raw: Buffer): Generator<TlsRecord> {
  let p = 0;
  while (p + 5 <= raw.length) {
    const len = raw.readUInt16BE(p + 3);
    if (p + 5 + len > raw.length) return;
    yield { type: raw[p], header: raw.subarray(p, p + 5), body: raw.subarray(p + 5, p + 5 + len) };
    p += 5 + len;
  }
}

/** Reassembles handshake messages that may span records. */
class HandshakeStream {
  private buf: Buffer = Buffer.alloc(0);
  push(b: Buffer): void {
    this.buf = Buffer.concat([this.buf, b]);
  }
  *messages(): Generator<{ type: number; body: Buffer }> {
    while (this.buf.length >= 4) {
      const len = this.buf.readUIntBE(1, 3);
      if (this.buf.length < 4 + len) return;
      const msg = { type: this.buf[0], body: this.buf.subarray(4, 4 + len) };
      this.buf = this.buf.subarray(4 + len);
      yield msg;
    }
  }
}

const HS_CERTIFICATE = 11;

/** The certificate_list of a Certificate message (TLS 1.3 adds a request context and per-entry extensions). */
function parseCertificateMessage(body: Buffer, tls13: boolean): Buffer[] {
  let p = 0;
  if (tls13) p += 1 + body[0];
  const total = body.readUIntBE(p, 3);
  p += 3;
  const end = p + total;
  if (end > body.length) throw new Error('certificate_list overruns the message');
  const certs: Buffer[] = [];
  while (p < end) {
    const len = body.readUIntBE(p, 3);
    p += 3;
    if (p + len > end) throw new Error('certificate overruns the list');
    certs.push(Buffer.from(body.subarray(p, p + len)));
    p += len;
    if (tls13) p += 2 + body.readUInt16BE(p);
  }
  return certs;
}

/**
 * Finds the server's Certificate message in the bytes it sent. TLS 1.2 and older send it in the
 * clear; TLS 1.3 encrypts it under the server handshake traffic secret, which the keylog event gives.
 */
export function certificatesFromHandshake(raw: Buffer, protocol: string, cipher: string, serverHsSecret: Buffer | null): Buffer[] | null {
  const tls13 = protocol === 'TLSv1.3';
  const suite = TLS13_SUITES[cipher];
  if (tls13 && (!suite || !serverHsSecret)) return null;
  const key = tls13 ? hkdfExpandLabel(suite.hash, serverHsSecret!, 'key', suite.keyLen) : null;
  const iv = tls13 ? hkdfExpandLabel(suite.hash, serverHsSecret!, 'iv', 12) : null;
  const hs = new HandshakeStream();
  let seq = 0n;
  for (const rec of tlsRecords(raw)) {
    let content: Buffer;
    if (rec.type === 22) {
      content = rec.body; // plaintext: ServerHello (1.3), or the whole server flight (1.2)
    } else if (rec.type === 23 && tls13) {
      if (rec.body.length < 17) return null;
      const nonce = Buffer.from(iv!);
      for (let i = 0; i < 8; i++) nonce[11 - i] ^= Number((seq >> BigInt(8 * i)) & 0xffn);
      seq++;
      const d = createDecipheriv(suite.algo as 'aes-128-gcm', key!, nonce, { authTagLength: 16 }) as DecipherGCM;
      d.setAAD(rec.header);
      d.setAuthTag(rec.body.subarray(rec.body.length - 16));
      let inner: Buffer;
      try {
        inner = Buffer.concat([d.update(rec.body.subarray(0, rec.body.length - 16)), d.final()]);
      } catch {
        return null;
      }
      let end = inner.length;
      while (end > 0 && inner[end - 1] === 0) end--; // TLSInnerPlaintext padding
      if (end === 0 || inner[end - 1] !== 22) return null;
      content = inner.subarray(0, end - 1);
    } else if (rec.type === 20 && tls13) {
      continue; // middlebox-compatibility ChangeCipherSpec
    } else {
      return null; // alert, or encrypted records of TLS 1.2: the Certificate message was not seen
    }
    hs.push(content);
    for (const m of hs.messages()) if (m.type === HS_CERTIFICATE) return parseCertificateMessage(m.body, tls13);
  }
  return null;
}

/** Node's issuer walk, stopping at the self-signed root's loop. */
function certificatesFromPeer(sock: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  let c: tls.DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(Buffer.from(c.raw));
    c = c.issuerCertificate;
  }
  return out;
}

// ---------------------------------------------------------------- the fetch

function handshakeError(e: unknown, where: string, mode: StartTlsUsed, received: Buffer): NetError {
  let hint = '';
  if (looksLikeMysqlGreeting(received)) hint = mode === 'mysql' ? '' : ': it sent a MySQL/MariaDB greeting; use --starttls mysql';
  else if (received.length && received[0] !== 0x15 && received[0] !== 0x16) hint = `: it answered in plaintext (${sample(received)})`;
  else if (!received.length && mode === 'none') hint = ' (a PostgreSQL server does this to a TLS hello; try --starttls postgres)';
  const code = errCode(e);
  if (!received.length && (code === 'ECONNRESET' || code === 'EPIPE' || /disconnected|socket hang up|ended/i.test(String((e as Error)?.message))))
    return netError('handshake', `${where} closed the connection during the TLS handshake${hint}`);
  // OpenSSL errors carry the bare reason ('wrong version number'); the message has codes and a source path.
  const msg = String((e as { reason?: string })?.reason ?? (e as Error)?.message ?? e).replace(/^[^:]*routines:/, '').replace(/\s+/g, ' ').trim();
  return netError('handshake', `TLS handshake with ${where} failed: ${msg}${hint}`);
}

export async function fetchChain(opts: FetchOptions): Promise<FetchResult> {
  const { host, port, timeoutMs } = opts;
  const mode = resolveStartTls(opts.starttls, port);
  const where = formatHostPort(host, port);
  if (!(timeoutMs > 0)) throw netError('usage', `timeout must be positive (got ${timeoutMs} ms)`);
  const servername = opts.sni ?? (net.isIP(host) ? null : host);

  let phase: 'connect' | 'postgres' | 'mysql' | 'handshake' = 'connect';
  let sock: net.Socket | null = null;
  let tlsSock: tls.TLSSocket | null = null;
  let timer: NodeJS.Timeout | undefined;

  const secs = `${+(timeoutMs / 1000).toFixed(3)}s`;
  const timedOut = (): NetError => {
    switch (phase) {
      case 'connect':
        return netError('timeout', `timed out after ${secs} connecting to ${where}`);
      case 'postgres':
        return netError('timeout', `timed out after ${secs} waiting for ${where} to answer the PostgreSQL SSLRequest`);
      case 'mysql':
        // MySQL servers greet at once; silence means something that waits for the client to speak.
        return netError('protocol', `${where} sent no MySQL/MariaDB greeting within ${secs}: not a MySQL/MariaDB server?`);
      default:
        return netError('timeout', `timed out after ${secs} in the TLS handshake with ${where}`);
    }
  };

  const run = async (): Promise<FetchResult> => {
    const s = net.connect({ host, port });
    sock = s;
    s.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', (e) => reject(connectError(e, where)));
    });
    s.removeAllListeners('error');
    s.on('error', () => undefined); // reported through the reader or TLS

    let serverVersion: string | undefined;
    if (mode !== 'none') {
      const reader = new SocketReader(s);
      try {
        if (mode === 'postgres') {
          phase = 'postgres';
          await pgStartTls(s, reader, where);
        } else {
          phase = 'mysql';
          serverVersion = (await mysqlStartTls(s, reader, where)).serverVersion;
        }
      } catch (e) {
        if (e instanceof NetError) throw e;
        throw connectError(e, where);
      }
      reader.detach();
    }

    phase = 'handshake';
    const tap = new TapStream(s);
    let hsSecret: Buffer | null = null;
    const t = tls.connect({
      socket: tap,
      servername: servername ?? undefined,
      rejectUnauthorized: false,
      ca: [], // no local roots, so Node's fallback walk cannot add certificates the server did not send
      ALPNProtocols: opts.alpn,
    });
    tlsSock = t;
    t.on('keylog', (line: Buffer) => {
      const [label, , secret] = line.toString('latin1').trim().split(' ');
      if (label === 'SERVER_HANDSHAKE_TRAFFIC_SECRET' && secret) hsSecret = Buffer.from(secret, 'hex');
    });
    await new Promise<void>((resolve, reject) => {
      t.once('secureConnect', resolve);
      t.once('error', (e) => reject(handshakeError(e, where, mode, tap.bytes)));
      t.once('close', () => reject(handshakeError(new Error('disconnected'), where, mode, tap.bytes)));
    });
    tap.recording = false;

    const protocol = t.getProtocol() ?? 'unknown';
    const c = t.getCipher();
    const cipher = c.standardName ?? c.name;
    let certificates: Buffer[] | null = null;
    try {
      certificates = certificatesFromHandshake(tap.bytes, protocol, cipher, hsSecret);
    } catch {
      certificates = null;
    }
    // Trust the parse only if it agrees with the leaf OpenSSL accepted.
    const leaf = t.getPeerX509Certificate()?.raw;
    let chainSource: FetchResult['chainSource'] = 'handshake';
    if (!certificates || !certificates.length || !leaf || !certificates[0].equals(leaf)) {
      certificates = certificatesFromPeer(t);
      chainSource = 'reconstructed';
    }
    if (!certificates.length) throw netError('handshake', `${where} presented no certificate`);
    return {
      host,
      port,
      address: s.remoteAddress ?? host,
      starttls: mode,
      protocol,
      cipher,
      cipherOpenssl: c.name,
      alpnProtocol: t.alpnProtocol || null,
      servername,
      ...(serverVersion !== undefined ? { serverVersion } : {}),
      certificates: certificates.map((b) => new Uint8Array(b)),
      chainSource,
    };
  };

  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), timeoutMs);
  });
  try {
    return await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
    (tlsSock as tls.TLSSocket | null)?.destroy();
    (sock as net.Socket | null)?.destroy();
  }
}
