/**
 * The JDK writes X500Principal.getName() (RFC 2253) of each CA certificate's subject as the
 * friendlyName of its bag in a key's chain; ktool produces the identical string through X500Name.
 */
import type { Asn1 } from '../asn1/der';
import { X500Name } from '../x509/name';

/** RFC 2253 form of a DER-encoded Name (e.g. a certificate's subject). */
export function nameToRfc2253(nameDer: Uint8Array | Asn1): string {
  return (nameDer instanceof Uint8Array ? X500Name.fromDer(nameDer) : X500Name.fromAsn1(nameDer)).toRfc2253();
}
