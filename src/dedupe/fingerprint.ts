import { hash } from 'node:crypto';
import { canonicalJson } from './canonicalJson';

/** Bytes kept of each SHA-256: 96 bits makes a collision among a million alerts about 1 in 10^17. */
export const DIGEST_BYTES = 12;

/** The index key of an alert: a digest of its ARM resource id, the only identity that is unique. */
export function alertKey(alertId: string): Buffer {
  return sha256(alertId.toLowerCase()).subarray(0, DIGEST_BYTES);
}

/** A digest of the alert's canonical JSON: equal exactly when the content is equal. */
export function contentFingerprint(alert: unknown): Buffer {
  return sha256(canonicalJson(alert)).subarray(0, DIGEST_BYTES);
}

/**
 * A digest of the alert serialised in the order the API sent it (which is also the record delivered).
 * Equal digests mean equal content, so an unchanged alert is recognised without the slower canonical
 * serialisation; only a differing digest (changed content, or merely reordered keys) needs the fingerprint.
 */
export function wireDigest(serialisedAlert: string): Buffer {
  return sha256(serialisedAlert).subarray(0, DIGEST_BYTES);
}

function sha256(text: string): Buffer {
  // One-shot `hash` (Node 20.12+, 22) skips the Hash object, which counts at a million alerts a run.
  return hash('sha256', text, 'buffer');
}
