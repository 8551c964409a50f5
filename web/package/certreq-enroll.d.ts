// The <certreq-enroll> element's types (certreq-enroll.js): the element (configured by its
// attributes, see README.md) and its events' details, for `addEventListener` on it.
import type { Diagnostic, Explanation } from "./certreq_web_enroll.js";

/** `certreq-request`: the request was made (and, with `store="indexeddb"`, kept). */
export interface CertreqRequestDetail {
  /** The request as PEM. */
  pem: string;
  /** The store entry's id, or null with `store="none"`. */
  entry: string | null;
  /** The key pair with `store="none"`, else null. */
  keyPair: CryptoKeyPair | null;
}

/** `certreq-issued`: the CA issued the certificate (accepted for the kept key). */
export interface CertreqIssuedDetail {
  certificate: string;
  /** The issuers the store keeps with the entry, issuer first; empty with `store="none"`. */
  chain: string[];
  requestId: number | null;
  pem: string;
  entry: string | null;
  keyPair: CryptoKeyPair | null;
}

/** `certreq-pending`: the CA holds the request for an administrator. */
export interface CertreqPendingDetail {
  requestId: number | null;
  /** What the form's status line says, in the form's language. */
  message: string;
  pem: string;
  entry: string | null;
  keyPair: CryptoKeyPair | null;
}

/** `certreq-error`: the INF has errors (`diagnostics`), the CA refused, or it failed. */
export interface CertreqErrorDetail {
  message: string;
  diagnostics: Diagnostic[];
  requestId: number | null;
  explanation: Explanation | null;
  /** The request the error is about, once one was made (else null). */
  pem: string | null;
  /** Its store entry's id (`store="indexeddb"`), else null. */
  entry: string | null;
  /** Its key pair (`store="none"`), else null. */
  keyPair: CryptoKeyPair | null;
}

export declare class CertreqEnroll extends HTMLElement {}

/** The element's events; they bubble and are composed, so a listener on an ancestor, the
 * document or the window gets them typed too. */
export interface CertreqEnrollEventMap {
  "certreq-request": CustomEvent<CertreqRequestDetail>;
  "certreq-issued": CustomEvent<CertreqIssuedDetail>;
  "certreq-pending": CustomEvent<CertreqPendingDetail>;
  "certreq-error": CustomEvent<CertreqErrorDetail>;
}

declare global {
  interface HTMLElementTagNameMap {
    "certreq-enroll": CertreqEnroll;
  }
  interface HTMLElementEventMap extends CertreqEnrollEventMap {}
  interface DocumentEventMap extends CertreqEnrollEventMap {}
  interface WindowEventMap extends CertreqEnrollEventMap {}
}
