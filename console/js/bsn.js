// The 11-proef (elfproef) of a burgerservicenummer, as core/bsn.h checks it:
// nine digits (eight with a leading zero left off), 9*d1 + 8*d2 + ... +
// 2*d8 - d9 divisible by 11, and not all zeros. Spaces, dots and dashes are
// allowed as separators. Returns the nine digits, or null when it is no BSN.
export function normalizeBsn(text) {
  const digits = String(text || '').replace(/[\s.-]/g, '');
  if (!/^\d{8,9}$/.test(digits)) return null;
  const bsn = digits.padStart(9, '0');
  if (/^0+$/.test(bsn)) return null;
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += (9 - i) * Number(bsn[i]);
  sum -= Number(bsn[8]);
  return sum % 11 === 0 ? bsn : null;
}
