/**
 * How numbers are shown to people, everywhere: counts with thousands separators, sizes in KiB/MiB/GiB; and sizes as
 * people write them (512M, 4G), for --memory and the programmatic API's `memory`.
 */
import { UsageError } from './errors.ts';

export const formatCount = (n: number): string => n.toLocaleString('en-US');

export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(0)} MiB`;
  return `${(b / 2 ** 10).toFixed(0)} KiB`;
}

/** The smallest `--memory` that holds a useful fingerprint table. */
export const MIN_MEMORY = 64 * 1024;

/** Parses a size such as 512M, 4G, 100k or a plain number of bytes. */
export function parseSize(text: string, option = '--memory'): number {
  const m = /^(\d+(?:\.\d+)?)([kmgt]?)(i?b)?$/i.exec(text);
  if (!m) throw new UsageError(`${option} ${text}: give a size such as 512M or 4G`);
  const scale = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const bytes = Math.floor(Number(m[1]) * scale);
  if (bytes < MIN_MEMORY) {
    const unitless = m[2] === '' && !m[3];
    throw new UsageError(`${option} ${text}: ${bytes.toLocaleString('en-US')} bytes is too small for the fingerprint table; give at least 64K${unitless && bytes > 0 ? ` (a plain number is bytes: for megabytes write ${text}M)` : ''}`);
  }
  return bytes;
}
