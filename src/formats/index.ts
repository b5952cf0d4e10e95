/**
 * Codec registry. Codecs are loaded on first use so a command pays only for the format it touches.
 */
import { KtoolError, withContext } from '../model/errors';
import type { DecodedStore, StoreType } from '../model/keystore';
import type { StoreCodec } from './codec';
import { detectStoreType } from './detect';

export function codecFor(type: StoreType): StoreCodec {
  switch (type) {
    case 'JKS':
      return (require('./jks') as typeof import('./jks')).jksCodec;
    case 'JCEKS':
      return (require('./jks') as typeof import('./jks')).jceksCodec;
    case 'PKCS12':
      return (require('./pkcs12') as typeof import('./pkcs12')).pkcs12Codec;
  }
}

export function parseStoreType(name: string): StoreType {
  const t = name.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (t === 'JKS' || t === 'CASEEXACTJKS') return 'JKS';
  if (t === 'JCEKS') return 'JCEKS';
  if (t === 'PKCS12' || t === 'P12' || t === 'PFX') return 'PKCS12';
  throw new KtoolError('USAGE', `unknown store type ${JSON.stringify(name)} (JKS, JCEKS or PKCS12)`);
}

/**
 * Decode a store, its type taken from the bytes. A requested type is honoured where the JDK would
 * (JCEKS reads JKS files); otherwise a mismatch is an error rather than a silent change of type.
 */
export function decodeStoreBytes(bytes: Uint8Array, password: string | null, file: string, requested?: StoreType, opts: { dualFormat?: boolean } = {}): DecodedStore {
  const detected = detectStoreType(bytes);
  if (!detected) {
    throw new KtoolError('CORRUPT', `${file}: not a keystore (not JKS, JCEKS or PKCS12)${bytes.length === 0 ? ': file is empty' : ''}`);
  }
  let type: StoreType = detected;
  if (requested && requested !== detected) {
    if (requested === 'JCEKS' && detected === 'JKS') type = 'JCEKS';
    // The JDK's JKS and PKCS12 keystores each load the other format (keystore.type.compat=true).
    else if (opts.dualFormat && requested !== 'JCEKS' && detected !== 'JCEKS') type = detected;
    else throw new KtoolError('UNSUPPORTED', `${file}: is a ${detected} keystore, not ${requested}`);
  }
  try {
    return codecFor(type).decode(bytes, password);
  } catch (e) {
    throw withContext(e, file);
  }
}

/** The store type a file name suggests (.jks, .jceks, .p12/.pfx), if any. */
export function typeFromExtension(file: string): StoreType | undefined {
  const m = /\.([a-z0-9]+)$/i.exec(file);
  switch (m?.[1].toLowerCase()) {
    case 'jks':
      return 'JKS';
    case 'jceks':
      return 'JCEKS';
    case 'p12':
    case 'pfx':
    case 'pkcs12':
      return 'PKCS12';
    default:
      return undefined;
  }
}
