// Kazakhstan IIN: YYMMDD, century+sex digit, 4-digit serial, check digit. Demo data uses
// valid ones so that checksum validation elsewhere in the product accepts them.

function checkDigit(first11: number[]): number | undefined {
  const weighted = (weights: number[]) => first11.reduce((sum, d, i) => sum + d * weights[i]!, 0) % 11;
  let check = weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (check === 10) check = weighted([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  return check === 10 ? undefined : check;
}

/** A valid IIN for the birth date and sex; `serial` distinguishes people born the same day. */
export function makeIin(birth: Date, sex: 'male' | 'female', serial: number): string {
  const year = birth.getUTCFullYear();
  const century = year >= 2000 ? 5 : 3; // 3/4: 1900s, 5/6: 2000s; even = female
  const yymmdd =
    String(year % 100).padStart(2, '0') +
    String(birth.getUTCMonth() + 1).padStart(2, '0') +
    String(birth.getUTCDate()).padStart(2, '0');
  // Some serials give no valid check digit; those IINs are never issued, so take the next one.
  for (let s = serial; ; s++) {
    const head = yymmdd + String(century + (sex === 'female' ? 1 : 0)) + String(s % 10000).padStart(4, '0');
    const check = checkDigit([...head].map(Number));
    if (check !== undefined) return head + String(check);
  }
}
