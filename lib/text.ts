/**
 * Characters our text may not hold: C0 controls (NUL among them, which PostgreSQL text cannot store) and
 * DEL; `allow` names the few a field does accept (tab, line breaks in a description). Also lone UTF-16
 * surrogates, which are no characters at all. Checked by code point: Biome keeps control characters
 * out of regular expressions.
 */
export function hasControlCharacters(value: string, allow: readonly string[] = []): boolean {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if ((code < 0x20 || code === 0x7f) && !allow.includes(char)) return true;
    // for…of yields a lone surrogate as its own code point; a pair comes as one character above U+FFFF.
    if (code >= 0xd800 && code <= 0xdfff) return true;
  }
  return false;
}

/** Whether every character is ASCII. */
export function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * A count with its noun in the right number: `plural(1, "integration")` → "1 integration",
 * `plural(3, "integration")` → "3 integrations"; irregular nouns pass their plural (`"entries"`).
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString("en")} ${count === 1 ? singular : pluralForm}`;
}
