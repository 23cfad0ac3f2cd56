/** A state codec: turns a state into 32-bit words (the frontier's and the fingerprint's input) and back. */
export interface Codec {
  /** The word count of every encoding, or -1 when encodings vary in length. */
  readonly fixedWidth: number;
  /** The words of the last `encode`, from index 0. */
  readonly buf: Int32Array;
  /** Encodes `state` into `buf` and returns the word count; throws EncodeError (with the path) on a bad value. */
  encode(state: unknown): number;
  decode(words: Int32Array, start: number, length: number): unknown;
}
