/**
 * Files in the form a driver reads, made from the checked material: PEM certificate bundles, DER or
 * PEM PKCS#8 keys, and PKCS#12 stores (built with the project's codecs, loaded only when needed).
 */
import { createPrivateKey } from 'node:crypto';
import { certificatesToPem } from '../../formats/pem';
import type { KeyStore } from '../../model/keystore';
import { type ClientMaterial, type FileToWrite, type JdbcRequest, type StoreRef, type TrustMaterial, joinPath, needNewStorePassword, needOutDir, usage } from './model';

export function pemCertificatesFile(path: string, certs: readonly Uint8Array[], description: string): FileToWrite {
  return { path, mode: 0o644, description, content: () => new Uint8Array(Buffer.from(certificatesToPem(certs), 'ascii')) };
}

/** Unencrypted DER PKCS#8 (pgJDBC reads any non-.p12/.pfx key this way up to 42.7.8, and sniffs later). */
export function derKeyFile(path: string, pkcs8: Uint8Array, description: string): FileToWrite {
  return { path, mode: 0o600, description, content: () => pkcs8 };
}

/** `-----BEGIN PRIVATE KEY-----` (unencrypted PKCS#8), the one PEM form libpq and pgJDBC 42.7.9+ both read. */
export function pemKeyFile(path: string, pkcs8: Uint8Array, description: string): FileToWrite {
  return {
    path,
    mode: 0o600,
    description,
    content: () => new Uint8Array(Buffer.from(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }) as string, 'ascii')),
  };
}

function modernProfile() {
  return (require('../../formats/pkcs12-profiles') as typeof import('../../formats/pkcs12-profiles')).profileByName('modern');
}

/** A PKCS#12 truststore (Java trusted-certificate entries) at DIR/truststore.p12. */
export function truststoreFile(dir: string, certs: readonly Uint8Array[], password: string, name = 'truststore.p12'): { file: FileToWrite; store: StoreRef } {
  const path = joinPath(dir, name);
  const content = () => {
    const { aliasForCertificate } = require('../aliases') as typeof import('../aliases');
    const taken = new Set<string>();
    const store: KeyStore = {
      type: 'PKCS12',
      entries: certs.map((cert) => {
        const alias = aliasForCertificate(cert, (a) => taken.has(a));
        taken.add(alias);
        return { type: 'trustedCertEntry' as const, alias, created: null, cert };
      }),
      protection: { kind: 'pkcs12', profile: modernProfile() },
    };
    const { codecFor } = require('../../formats') as typeof import('../../formats');
    return codecFor('PKCS12').encode(store, password);
  };
  return { file: { path, mode: 0o644, description: 'PKCS#12 truststore with the CA certificates', content }, store: { path, type: 'PKCS12', password } };
}

/** A PKCS#12 keystore with one key entry (store password = key password) at DIR/NAME. */
export function keystoreFile(dir: string, name: string, alias: string, pkcs8: Uint8Array, chain: readonly Uint8Array[], password: string, description: string): { file: FileToWrite; store: StoreRef } {
  const path = joinPath(dir, name);
  const content = () => {
    const { sealEntries } = require('../keys') as typeof import('../keys');
    const profile = modernProfile();
    const plain: KeyStore = {
      type: 'PKCS12',
      entries: [{ type: 'PrivateKeyEntry', alias, created: new Date(), key: { form: 'plain', pkcs8 }, chain: [...chain] }],
      protection: { kind: 'pkcs12', profile },
    };
    const sealed = sealEntries(plain, { target: 'PKCS12', targetKeyPassword: () => password, sourceKeyPassword: () => undefined, pkcs12KeyProtection: profile.keyProtection });
    const { codecFor } = require('../../formats') as typeof import('../../formats');
    return codecFor('PKCS12').encode(sealed, password);
  };
  return { file: { path, mode: 0o600, description, content }, store: { path, type: 'PKCS12', password } };
}

/** Collects what a driver module adds besides settings. */
export interface Extras {
  files: FileToWrite[];
  notes: string[];
}

/** The trust material as a Java keystore; a PEM bundle becomes DIR/truststore.p12. */
export function trustAsStore(req: JdbcRequest, trust: TrustMaterial, x: Extras, driverFamily: string): StoreRef {
  if (trust.kind === 'store') return trust.store;
  const dir = needOutDir(req, `${driverFamily} reads CA certificates only from a Java keystore: ktool writes truststore.p12 from ${trust.path}`);
  const password = req.newTrustStorePassword || 'changeit';
  const { file, store } = truststoreFile(dir, trust.certificates, password);
  x.files.push(file);
  return store;
}

/** The trust material as a PEM file; a keystore's certificates become DIR/NAME. */
export function trustAsPem(req: JdbcRequest, trust: TrustMaterial, x: Extras, driverFamily: string, name = 'ca.pem'): string {
  if (trust.kind === 'pem') return trust.path;
  const dir = needOutDir(req, `${driverFamily} reads CA certificates from a PEM file: ktool writes ${name} from ${trust.store.path}`);
  const path = joinPath(dir, name);
  x.files.push(pemCertificatesFile(path, trust.certificates, `CA certificates (PEM) from ${trust.store.path}`));
  return path;
}

/** The client identity as a Java keystore (PKCS#12 only when `pkcs12Only`); PEM input becomes DIR/client.p12. */
export function clientAsStore(req: JdbcRequest, client: ClientMaterial, x: Extras, driverFamily: string, opts: { pkcs12Only?: boolean; name?: string; alias?: string } = {}): StoreRef {
  if (client.kind === 'store' && (!opts.pkcs12Only || client.store.type === 'PKCS12') && (opts.alias === undefined || client.alias === opts.alias)) return client.store;
  const name = opts.name ?? 'client.p12';
  const why = client.kind === 'pem' ? `${driverFamily} reads the client key only from a keystore: ktool writes ${name} from ${client.keyPath}` : `${driverFamily} needs ${opts.alias ? `a PKCS#12 file with the alias "${opts.alias}"` : 'a PKCS#12 file'}: ktool writes ${name}`;
  const dir = needOutDir(req, why);
  if (!client.pkcs8) throw usage(`${driverFamily}: the client key could not be opened to convert it`);
  const password = client.kind === 'store' ? client.store.password : needNewStorePassword(req, `${driverFamily} with --client-key`);
  const { file, store } = keystoreFile(dir, name, opts.alias ?? 'client', client.pkcs8, client.chain, password, `PKCS#12 client keystore${opts.alias ? ` (alias "${opts.alias}")` : ''}`);
  x.files.push(file);
  return store;
}
