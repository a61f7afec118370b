// Localized country names from i18n-iso-countries (the six UN official languages), and flags.
import countries from 'i18n-iso-countries';
import ar from 'i18n-iso-countries/langs/ar.json';
import en from 'i18n-iso-countries/langs/en.json';
import es from 'i18n-iso-countries/langs/es.json';
import fr from 'i18n-iso-countries/langs/fr.json';
import ru from 'i18n-iso-countries/langs/ru.json';
import zh from 'i18n-iso-countries/langs/zh.json';

for (const locale of [ar, en, es, fr, ru, zh]) countries.registerLocale(locale);

const cache = new Map();

// The official name from i18n-iso-countries; a long one ("People's Republic of China") gives
// way to its common alias ("China") when that alias names no other country.
export function countryName(code, lang, noCountryLabel) {
  if (!code) return noCountryLabel;
  const key = lang + ':' + code;
  if (cache.has(key)) return cache.get(key);
  const names = countries.getName(code, lang, { select: 'all' }) || countries.getName(code, 'en', { select: 'all' }) || [];
  let name = names[0] || code;
  if (name.length > 18) {
    for (const alias of names.slice(1)) {
      if (alias.length >= 4 && !/[.,(]/.test(alias) && alias.length < name.length && countries.getAlpha2Code(alias, lang) === code) {
        name = alias;
      }
    }
  }
  const paren = name.indexOf(' (');
  if (name.length > 18 && paren >= 3) {
    const short = name.slice(0, paren);
    const other = countries.getAlpha2Code(short, lang);
    if (!other || other === code) name = short;
  }
  cache.set(key, name);
  return name;
}

export function numericToAlpha2(numeric) {
  return countries.numericToAlpha2(numeric);
}

export function flag(code) {
  if (!/^[A-Za-z]{2}$/.test(code || '')) return '';
  const base = 0x1f1e6 - 65;
  const up = code.toUpperCase();
  return String.fromCodePoint(base + up.charCodeAt(0), base + up.charCodeAt(1));
}

// Every ISO 3166-1 alpha-2 code the names above know (the walk-in form's country list).
export function countryCodes() {
  return Object.keys(countries.getAlpha2Codes());
}
