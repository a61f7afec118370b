// One clock for the wall and the dashboard: every time is shown in the event's time zone, on a
// 24-hour clock, with the zone named — never the viewer's zone, never 12-hour.

function zoneOr(tz) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz || 'UTC' });
    return tz || 'UTC';
  } catch {
    return 'UTC';
  }
}

// Arabic keeps Western digits, as the figures do.
function locale(lang) {
  return lang === 'ar' ? 'ar-u-nu-latn' : lang;
}

function parts(formatter, date) {
  const out = {};
  for (const p of formatter.formatToParts(date)) out[p.type] = p.value;
  return out;
}

export function eventTime(tz, lang) {
  const zone = zoneOr(tz);
  const numeric = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
  const clock = new Intl.DateTimeFormat(locale(lang), { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const clockSeconds = new Intl.DateTimeFormat(locale(lang), { timeZone: zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const dayMonth = new Intl.DateTimeFormat(locale(lang), { timeZone: zone, day: 'numeric', month: 'short' });
  let zoneName = zone;
  try {
    const named = parts(new Intl.DateTimeFormat(locale(lang), { timeZone: zone, timeZoneName: 'longGeneric' }), new Date()).timeZoneName;
    if (named) zoneName = named;
  } catch {
    /* an engine without longGeneric names the zone by its IANA id */
  }
  const fields = (date) => parts(numeric, date);
  return {
    zone,
    zoneName,
    // "14:05"
    clock: (date = new Date()) => clock.format(date),
    // "14:05:09"
    clockSeconds: (date) => clockSeconds.format(date),
    // "2025-07-07 14:05": unambiguous in every language, sortable.
    dateTime(date) {
      const p = fields(date);
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
    },
    // "7 juil." etc.
    dayMonth: (date) => dayMonth.format(date),
    // "YYYY-MM-DDTHH:MM" in event time: the key of arrivals_by_minute.
    minuteKey(date = new Date()) {
      const p = fields(date);
      return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
    },
    // "YYYY-MM-DD": the event day of an instant.
    dayKey(date = new Date()) {
      const p = fields(date);
      return `${p.year}-${p.month}-${p.day}`;
    },
  };
}
