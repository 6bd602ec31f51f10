import { hash } from 'node:crypto';
import { canonicalJson } from './canonicalJson';

/** Bytes kept of each SHA-256: 96 bits makes a collision among a million alerts about 1 in 10^17. */
export const DIGEST_BYTES = 12;

/** The index key of an alert: a digest of its ARM resource id, the only identity that is unique. */
export function alertKey(alertId: string): Buffer {
  return digestBuffer(writeAlertKey, alertId);
}

/** A digest of the alert's canonical JSON: equal exactly when the content is equal. */
export function contentFingerprint(alert: unknown): Buffer {
  return digestBuffer(writeContentFingerprint, alert);
}

/**
 * A digest of the alert serialised in the order the API sent it (which is also the record delivered).
 * Equal digests mean equal content, so an unchanged alert is recognised without the slower canonical
 * serialisation; only a differing digest (changed content, or merely reordered keys) needs the fingerprint.
 */
export function wireDigest(serialisedAlert: string): Buffer {
  return digestBuffer(writeWireDigest, serialisedAlert);
}

/**
 * {@link alertKey}, {@link contentFingerprint} and {@link wireDigest} written into `target` at `offset`
 * ({@link DIGEST_BYTES} bytes) rather than into a new Buffer: a run takes three digests per alert, and a
 * Buffer each (an object and its own memory to free) cost more than the hashing.
 */
export function writeAlertKey(alertId: string, target: Buffer, offset: number): void {
  writeSha256(alertId.toLowerCase(), target, offset);
}

/** {@link contentFingerprint} into `target` at `offset`; see {@link writeAlertKey}. */
export function writeContentFingerprint(alert: unknown, target: Buffer, offset: number): void {
  writeSha256(canonicalJson(alert), target, offset);
}

/** {@link wireDigest} into `target` at `offset`; see {@link writeAlertKey}. */
export function writeWireDigest(serialisedAlert: string, target: Buffer, offset: number): void {
  writeSha256(serialisedAlert, target, offset);
}

function digestBuffer<T>(write: (input: T, target: Buffer, offset: number) => void, input: T): Buffer {
  const digest = Buffer.allocUnsafe(DIGEST_BYTES);
  write(input, digest, 0);
  return digest;
}

function writeSha256(text: string, target: Buffer, offset: number): void {
  // One-shot `hash` (Node 20.12+, 22) skips the Hash object. As a 'binary' (latin1) string, one character
  // per byte, the digest costs a small string rather than a Buffer.
  target.write(hash('sha256', text, 'binary'), offset, DIGEST_BYTES, 'latin1');
}
