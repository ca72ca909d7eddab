// Valid registry numbers for tests, so every run registers organisations nobody has yet.

/** A 10-digit ИНН of a legal entity with its check digit. */
export function legalEntityInn(): string {
  const weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  const body = Array.from({ length: 9 }, (_, i) => (i === 0 ? 7 : Math.floor(Math.random() * 10)));
  const check = (body.reduce((sum, d, i) => sum + d * weights[i], 0) % 11) % 10;
  return body.join("") + check;
}

/** A 13-digit ОГРН with its check digit. */
export function ogrn(): string {
  const body = "1" + Array.from({ length: 11 }, () => Math.floor(Math.random() * 10)).join("");
  return body + ((BigInt(body) % 11n) % 10n).toString();
}

/** The same number with its last digit changed: a typo the checksum must catch. */
export function withTypo(number: string): string {
  const last = Number(number.at(-1));
  return number.slice(0, -1) + ((last + 1) % 10);
}
