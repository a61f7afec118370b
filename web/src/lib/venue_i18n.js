// Words of the venue page (co-located events side by side, and the venue counting each person
// once) in the six UN languages; the figures' own names come from i18n_display.js.
// shared_note(n, count): n is the formatted number, count the number itself (for the grammar).
const VENUE = {
  en: {
    venue_title: 'Venue',
    venue_total: 'Venue: each person once',
    c_figure: 'Figure',
    shared_note: (n, count) => `${n} ${count === 1 ? 'person is' : 'people are'} counted at more than one event; the venue counts each person once.`,
    unknown_venue: 'Unknown venue',
    no_venue: 'No venue selected: add ?venue=VENUE to the address',
    day_onsite: (day) => `On site, ${day}`,
  },
  fr: {
    venue_title: 'Site',
    venue_total: 'Site : chaque personne une fois',
    c_figure: 'Chiffre',
    shared_note: (n, count) => `${n} ${count === 1 ? 'personne est comptée' : 'personnes sont comptées'} dans plus d’un événement ; le site compte chaque personne une seule fois.`,
    unknown_venue: 'Site inconnu',
    no_venue: 'Aucun site choisi : ajoutez ?venue=SITE à l’adresse',
    day_onsite: (day) => `Sur place, ${day}`,
  },
  es: {
    venue_title: 'Sede',
    venue_total: 'Sede: cada persona una vez',
    c_figure: 'Cifra',
    shared_note: (n, count) => `${n} ${count === 1 ? 'persona figura' : 'personas figuran'} en más de un evento; la sede cuenta a cada persona una sola vez.`,
    unknown_venue: 'Sede desconocida',
    no_venue: 'No se eligió una sede: añada ?venue=SEDE a la dirección',
    day_onsite: (day) => `Presenciales, ${day}`,
  },
  ru: {
    venue_title: 'Площадка',
    venue_total: 'Площадка: каждый человек один раз',
    c_figure: 'Показатель',
    shared_note: (n) => `Участников нескольких мероприятий: ${n}; площадка считает каждого человека один раз.`,
    unknown_venue: 'Неизвестная площадка',
    no_venue: 'Площадка не выбрана: добавьте ?venue=ПЛОЩАДКА к адресу',
    day_onsite: (day) => `На месте, ${day}`,
  },
  zh: {
    venue_title: '会场',
    venue_total: '会场：每人只计一次',
    c_figure: '数字',
    shared_note: (n) => `${n} 人参加了不止一个活动；会场对每人只计一次。`,
    unknown_venue: '未知会场',
    no_venue: '未选择会场：请在地址后加上 ?venue=会场',
    day_onsite: (day) => `现场，${day}`,
  },
  ar: {
    venue_title: 'المكان',
    venue_total: 'المكان: كل شخص مرة واحدة',
    c_figure: 'الرقم',
    shared_note: (n) => `${n} من المشاركين يُحسبون في أكثر من فعالية؛ ويحسب المكان كل شخص مرة واحدة.`,
    unknown_venue: 'مكان غير معروف',
    no_venue: 'لم يُختر مكان: أضف ‎?venue=VENUE إلى العنوان',
    day_onsite: (day) => `في الموقع، ${day}`,
  },
};

export function venueStrings(lang) {
  return VENUE[lang] || VENUE.en;
}
