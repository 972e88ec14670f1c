/** Cents as money in the shop's currency (SHOP_CURRENCY), e.g. "€189.90"; "—" for no price. */
export function formatMoney(cents: number | null | undefined, currency: string, locale = "en"): string {
  if (cents === null || cents === undefined) return "—";
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
}
