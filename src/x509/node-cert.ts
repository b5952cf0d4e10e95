/**
 * node:crypto's X509Certificate for a DER certificate, cached per byte array: parsing costs ~0.2 ms per
 * certificate, and reading a bundle into a truststore asks for the same certificate several times.
 */
import { X509Certificate } from 'node:crypto';

const parsed = new WeakMap<Uint8Array, X509Certificate>();

/** Throws node's error for bytes OpenSSL cannot read as a certificate. */
export function x509Of(der: Uint8Array): X509Certificate {
  let x = parsed.get(der);
  if (!x) parsed.set(der, (x = new X509Certificate(Buffer.from(der.buffer, der.byteOffset, der.byteLength))));
  return x;
}
