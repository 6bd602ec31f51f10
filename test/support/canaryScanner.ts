/** A secret value a test planted, and where it was planted (for the report). */
export interface Canary {
  label: string;
  value: string;
}

/** Text the code under test wrote, and where it went. */
export interface Place {
  place: string;
  text: string;
}

/** A piece of a canary found in a place. */
export interface Finding {
  canary: string;
  place: string;
  /** The longest run of the canary's characters found there (lower case). */
  leaked: string;
  /** The text around it. */
  excerpt: string;
}

/** Substrings of a secret this long or longer count as a leak. */
export const LEAK_WINDOW = 8;
const BASE = 31;
const BASE_POW = Array.from({ length: LEAK_WINDOW - 1 }).reduce<number>((power) => Math.imul(power, BASE), 1);

/**
 * Finds any substring of at least {@link LEAK_WINDOW} characters of any canary in a text, ignoring case
 * (URL hosts, GUID checks and some parsers lower-case what they quote).
 *
 * How, cheaply: every substring of length ≥ 8 contains one of length exactly 8, so it suffices to look for
 * the canaries' 8-character windows (a few hundred "grams", also in their URL-encoded form). A rolling
 * polynomial hash gives the hash of the window at each position of the text in O(1) from the previous one;
 * only a position whose hash some gram has is compared character by character. One pass, O(length of
 * the text), whatever the number of canaries, and no string is allocated per position.
 */
export class CanaryScanner {
  readonly #grams = new Map<number, { gram: string; label: string }[]>();

  constructor(canaries: readonly Canary[]) {
    for (const { label, value } of canaries) {
      if (value.length < LEAK_WINDOW)
        throw new Error(`The canary '${label}' is shorter than ${LEAK_WINDOW}.`);
      for (const form of new Set([value, encodeURIComponent(value)].map((text) => text.toLowerCase()))) {
        for (let at = 0; at + LEAK_WINDOW <= form.length; at += 1) {
          const gram = form.slice(at, at + LEAK_WINDOW);
          const hash = hashOf(gram, 0);
          const bucket = this.#grams.get(hash) ?? [];
          if (!bucket.some((known) => known.gram === gram)) bucket.push({ gram, label });
          this.#grams.set(hash, bucket);
        }
      }
    }
  }

  /** Every canary piece in the place's text: one finding per distinct run of consecutive matching windows. */
  scan({ place, text }: Place): Finding[] {
    const lower = text.toLowerCase();
    const findings: Finding[] = [];
    let run: { label: string; start: number; end: number } | undefined;
    const close = (): void => {
      if (run === undefined) return;
      const leaked = lower.slice(run.start, run.end);
      const known = findings.some((finding) => finding.canary === run?.label && finding.leaked === leaked);
      const from = Math.max(0, run.start - 80);
      if (!known)
        findings.push({ canary: run.label, place, leaked, excerpt: lower.slice(from, run.end + 80) });
      run = undefined;
    };
    if (lower.length < LEAK_WINDOW) return findings;
    let hash = hashOf(lower, 0);
    for (let at = 0; ; at += 1) {
      const label = this.#match(lower, at, hash);
      if (label !== undefined) {
        if (run?.label === label && at <= run.end - LEAK_WINDOW + 1) run.end = at + LEAK_WINDOW;
        else {
          close();
          run = { label, start: at, end: at + LEAK_WINDOW };
        }
      }
      if (at + LEAK_WINDOW >= lower.length) break;
      hash =
        Math.imul(hash - Math.imul(lower.charCodeAt(at), BASE_POW), BASE) +
        lower.charCodeAt(at + LEAK_WINDOW);
      hash >>>= 0;
    }
    close();
    return findings;
  }

  #match(text: string, at: number, hash: number): string | undefined {
    const bucket = this.#grams.get(hash);
    if (bucket === undefined) return undefined;
    return bucket.find(({ gram }) => text.startsWith(gram, at))?.label;
  }
}

/** The hash of the window of {@link LEAK_WINDOW} characters at `at`, as {@link CanaryScanner.scan} rolls it. */
function hashOf(text: string, at: number): number {
  let hash = 0;
  for (let index = at; index < at + LEAK_WINDOW; index += 1)
    hash = (Math.imul(hash, BASE) + text.charCodeAt(index)) >>> 0;
  return hash;
}
