// Which codes count as "countries" on a wall and a dashboard, kept in one place: the 193 UN
// Member States and the 2 non-member observer States (Holy See, State of Palestine), as ISO
// 3166-1 alpha-2 codes. Everything else a registry may carry (territories such as HK, PR, GU,
// and "" for international organizations) is reported apart, never added to the country count:
// at a UN event that count is quoted, and it must follow the UN's own list.
export const UN_MEMBER_STATES = new Set(
  (
    'AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH ' +
    'CM CA CF TD CL CN CO KM CG CR CI HR CU CY CZ KP CD DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ ' +
    'FI FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI ' +
    'KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MC MN ME MA MZ MM NA NR ' +
    'NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA KR MD RO RU RW KN LC VC WS SM ST ' +
    'SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TH TL TG TO TT TN TR TM TV UG ' +
    'UA AE GB TZ US UY UZ VU VE VN YE ZM ZW'
  ).split(' '),
);
export const UN_OBSERVER_STATES = new Set(['VA', 'PS']);

// "state" (Member or observer State), "territory" (any other code) or "international" ("").
export function countryKind(code) {
  if (!code) return 'international';
  const up = code.toUpperCase();
  return UN_MEMBER_STATES.has(up) || UN_OBSERVER_STATES.has(up) ? 'state' : 'territory';
}

// Splits a per-country map ({"CH": 3, "HK": 1, "": 4}) into the figures a wall quotes: States
// with at least one participant, territories with at least one, and the participants from
// international organizations.
export function countCountries(byCountry) {
  let states = 0;
  let territories = 0;
  let international = 0;
  for (const [code, n] of Object.entries(byCountry || {})) {
    const count = Number(n) || 0;
    if (count <= 0) continue;
    const kind = countryKind(code);
    if (kind === 'state') ++states;
    else if (kind === 'territory') ++territories;
    else international += count;
  }
  return { states, territories, international };
}
