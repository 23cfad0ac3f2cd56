/** How numbers are shown to people, everywhere: counts with thousands separators, sizes in KiB/MiB/GiB. */

export const formatCount = (n: number): string => n.toLocaleString('en-US');

export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(0)} MiB`;
  return `${(b / 2 ** 10).toFixed(0)} KiB`;
}
