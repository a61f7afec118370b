// The desk's registration mode (a desk token with the `registration` scope; GET …/token says
// which actions it may use, and only those are shown). Find a person by name, organization or
// badge (the dashboard's lookup, here a list to choose from), then check them in by hand,
// replace their badge or print it; or register a walk-in. Keyboard and scanner only: every
// control is reached by Tab or arrows, Enter acts, Escape goes back one step (desk.js calls
// back()). Every refusal is worded by its code in the desk's language.
import { el } from './dom.js';
import { createAttendeeLookup } from './attendee_lookup.js';
import { registrationStrings } from './registration_i18n.js';
import { lookupStrings } from './lookup_i18n.js';
import { countryCodes, countryName, flag } from './countries.js';
import { PendingKey, callJson, fetchBadgePdf, retryable, routes } from './registration_api.js';

export const MANUAL_REASONS = ['badge_forgotten', 'badge_unreadable', 'other'];
export const REPLACEMENT_REASONS = ['lost', 'damaged', 'stolen'];
export const WALK_IN_FIELDS = ['name', 'organization', 'country', 'category', 'first_day', 'last_day'];
const NOTE_MAX = 200;

// What a token may do at the desk, from its TokenInfo: the registration screens need the scope.
export function registrationAccess(info) {
  if (!info || typeof info !== 'object') return null;
  const scopes = Array.isArray(info.scopes) ? info.scopes : [];
  if (!scopes.includes('registration')) return null;
  const allowed = new Set(Array.isArray(info.allowed) ? info.allowed : ['lookup_attendees', 'check_in_by_hand', 'replace_badges', 'register_walk_ins', 'print_badges']);
  if (!allowed.has('lookup_attendees') && !allowed.has('register_walk_ins')) return null;
  return allowed;
}

// printMode: "browser" prints the PDF from a hidden frame (the browser's print dialog, or straight
// to the printer in Chrome's --kiosk-printing); "file" only offers the file (a desk whose printer
// is fed by rollcall-print, or a browser that cannot print PDFs).
export function createRegistrationPanel(root, { event, lang, deskId, zone, allowed, iso, categoryText, categories, days, onManualResult, onOpenChange, printMode = 'browser' }) {
  const s = registrationStrings(lang);
  const t = lookupStrings(lang);
  const can = (access) => allowed.has(access);
  const views = {};
  let current = null; // search | person | walkin | issued
  let person = null; // the chosen match
  let subform = null; // checkin | replace | print (inside the person view)
  let busy = false;
  const keys = { checkin: new PendingKey(deskId), replace: new PendingKey(deskId), walkin: new PendingKey(deskId) };

  const kbd = (text) => el('kbd', { text });
  // replaceChildren with the absent parts left out (it would write "null").
  const fill = (node, ...children) => node.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
  const button = (id, label, key, attrs = {}) => el('button', { type: 'button', id, class: 'reg-btn', ...attrs }, label, key ? kbd(key) : null);
  const say = (node, text, kind = 'error') => {
    node.textContent = text || '';
    node.dataset.kind = text ? kind : '';
  };
  function problemText(problem) {
    const words = s.error[problem.kind] || s.error.unexpected;
    return typeof words === 'function' ? words({ badge: iso(problem.badge), n: problem.status || '—' }) : words;
  }
  // The error words, and for a refusal the words cannot explain alone the server's own detail.
  function showProblem(node, problem) {
    node.replaceChildren(problemText(problem));
    node.dataset.kind = 'error';
    node.dataset.code = problem.kind;
    if (problem.message && (problem.kind === 'malformed' || problem.kind === 'unexpected' || problem.kind === 'invalid_field')) {
      node.append(el('span', { class: 'reg-detail', lang: 'en', dir: 'auto', text: problem.message }));
    }
  }

  // ----------------------------------------------------------------------------------------
  const title = el('h2', { id: 'reg-title', text: s.title });
  const walkInButton = can('register_walk_ins') ? button('reg-walkin', s.walk_in, 'F8') : null;
  const closeButton = button('reg-close', s.scanning, 'Esc');
  const scanStrip = el('div', { id: 'reg-scan', class: 'reg-scan', role: 'status', 'aria-live': 'assertive', hidden: true });
  views.search = el('div', { id: 'reg-search', class: 'reg-view' });
  views.person = el('div', { id: 'reg-person', class: 'reg-view', hidden: true });
  views.walkin = el('div', { id: 'reg-walkin-view', class: 'reg-view', hidden: true });
  views.issued = el('div', { id: 'reg-issued', class: 'reg-view', hidden: true });
  fill(
    root,
    el('div', { class: 'reg-head' }, title, el('span', { class: 'reg-keys', id: 'reg-keys', text: s.keys_hint }), walkInButton, closeButton),
    scanStrip,
    views.search,
    views.person,
    views.walkin,
    views.issued,
  );
  closeButton.addEventListener('click', () => close());
  if (walkInButton) walkInButton.addEventListener('click', () => openWalkIn());

  const lookup = can('lookup_attendees')
    ? createAttendeeLookup(views.search, { event, lang, onChoose: choose, refusedText: s.refused, categoryText })
    : null;

  function showView(name) {
    current = name;
    root.dataset.view = name;
    title.textContent = name === 'search' ? s.title : s.mode;
    for (const [key, node] of Object.entries(views)) node.hidden = key !== name;
  }

  // ----------------------------------------------------------------------------------------
  // A person chosen from the matches.
  function choose(match) {
    person = match;
    subform = null;
    views.issued.replaceChildren();
    const facts = el(
      'div',
      { class: 'reg-facts' },
      el('span', { class: 'reg-country', text: match.country ? `${flag(match.country)} ${countryName(match.country, lang, t.no_country)}` : t.no_country }),
      match.category ? el('span', { class: 'reg-category', text: categoryText(match.category) }) : null,
      el('span', { class: 'reg-badge', text: `${s.badge} ${iso(match.badge_id)}` }),
      el('span', { class: `reg-state ${match.revoked ? 'is-revoked' : match.inside ? 'is-inside' : ''}`, 'data-state': match.revoked ? 'revoked' : match.inside ? 'inside' : 'outside', text: match.revoked ? s.revoked : match.inside ? s.inside : s.outside }),
    );
    const actions = el(
      'div',
      { class: 'reg-actions', role: 'group' },
      can('check_in_by_hand') ? button('reg-act-checkin', s.check_in, null, { 'data-action': 'checkin' }) : null,
      can('replace_badges') ? button('reg-act-replace', s.replace, null, { 'data-action': 'replace' }) : null,
      can('print_badges') ? button('reg-act-print', s.print, null, { 'data-action': 'print' }) : null,
      button('reg-act-back', s.back, 'Esc', { 'data-action': 'back' }),
    );
    fill(
      views.person,
      el('div', { class: 'reg-card', 'data-badge': match.badge_id }, el('div', { class: 'reg-name', dir: 'auto', text: match.name }), el('div', { class: 'reg-org', dir: 'auto', text: match.organization || '' }), facts),
      actions,
      el('div', { id: 'reg-action', class: 'reg-action' }),
    );
    actions.addEventListener('click', (e) => {
      const b = e.target.closest('button');
      if (!b) return;
      if (b.dataset.action === 'back') back();
      else openSubform(b.dataset.action);
    });
    actions.addEventListener('keydown', (e) => {
      // Arrows move along the actions too (a row of buttons).
      const list = [...actions.querySelectorAll('button')];
      const i = list.indexOf(document.activeElement);
      if (i < 0) return;
      const rtl = getComputedStyle(actions).direction === 'rtl';
      const next = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1, ArrowDown: 1, ArrowUp: -1 }[e.key];
      if (next) {
        e.preventDefault();
        list[(i + next + list.length) % list.length].focus();
      }
    });
    showView('person');
    actions.querySelector('button').focus();
  }

  function openSubform(kind) {
    subform = kind;
    const area = document.getElementById('reg-action');
    for (const b of views.person.querySelectorAll('.reg-actions button')) b.setAttribute('aria-pressed', String(b.dataset.action === kind));
    if (kind === 'checkin') area.replaceChildren(checkInForm());
    else if (kind === 'replace') area.replaceChildren(replaceForm());
    else area.replaceChildren(printBlock(person.badge_id));
    const first = area.querySelector('input:checked, input, button');
    if (first) first.focus();
  }

  function radios(name, values, labels, checked) {
    return values.map((v) =>
      el('label', { class: 'reg-choice' }, el('input', { type: 'radio', name, value: v, id: `${name}-${v}`, checked: v === checked }), el('span', { text: labels[v] })),
    );
  }

  function setBusy(form, on) {
    busy = on;
    form.setAttribute('aria-busy', String(on));
    for (const b of form.querySelectorAll('button[type="submit"], .reg-go')) b.disabled = on;
  }

  // ----------------------------------------------------------------------------------------
  // Check in by hand: a reason (and a note for "other"), one ManualCheckin whose id lives until
  // the gateway gives a final answer.
  function checkInForm() {
    const note = el('input', { type: 'text', id: 'reg-note', maxLength: NOTE_MAX, autocomplete: 'off', spellcheck: false, dir: 'auto', 'aria-describedby': 'reg-checkin-error' });
    const error = el('div', { id: 'reg-checkin-error', class: 'reg-error', role: 'alert' });
    const submit = el('button', { type: 'submit', id: 'reg-checkin-submit', class: 'reg-btn primary', text: s.confirm_check_in });
    const form = el(
      'form',
      { id: 'reg-checkin-form', class: 'reg-form', autocomplete: 'off' },
      el('fieldset', { class: 'reg-choices' }, el('legend', { text: s.why_manual }), ...radios('reg-manual', MANUAL_REASONS, s.manual, 'badge_forgotten')),
      el('label', { class: 'reg-field' }, el('span', { text: s.note }), note),
      error,
      el('div', { class: 'reg-buttons' }, submit),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      const reason = form.querySelector('input[name="reg-manual"]:checked').value;
      const text = note.value.trim();
      if ((reason === 'other' && !text) || text.length > NOTE_MAX) {
        say(error, s.note_needed);
        error.dataset.code = 'note';
        note.focus();
        return;
      }
      say(error, s.sending, 'info');
      setBusy(form, true);
      const checkinId = keys.checkin.get();
      const badgeId = person.badge_id;
      const answer = await callJson('POST', routes.checkins(event), {
        checkin_id: checkinId,
        badge_id: badgeId,
        zone,
        direction: 'in',
        reason,
        note: text,
        device_time: new Date().toISOString(),
      });
      setBusy(form, false);
      if (answer.ok && answer.body.status && answer.body.status !== 'unavailable') {
        keys.checkin.settle();
        close({ silent: true });
        onManualResult(answer.body, { checkinId, badgeId, reason, reasonText: s.manual[reason], note: text });
        return;
      }
      const problem = answer.ok ? { kind: 'busy', status: answer.status } : answer.problem;
      keys.checkin.settle(problem.kind);
      showProblem(error, problem);
      if (retryable(problem.kind)) submit.textContent = s.retry_same;
      submit.focus();
    });
    return form;
  }

  // ----------------------------------------------------------------------------------------
  // Replace a badge: a reason, then a confirmation (the old code stops working at once).
  function replaceForm() {
    const error = el('div', { id: 'reg-replace-error', class: 'reg-error', role: 'alert' });
    const next = el('button', { type: 'submit', id: 'reg-replace-next', class: 'reg-btn primary', text: s.replace_next });
    const yes = el('button', { type: 'button', id: 'reg-replace-yes', class: 'reg-btn danger reg-go', text: s.yes_replace });
    const no = el('button', { type: 'button', id: 'reg-replace-no', class: 'reg-btn', text: s.cancel });
    const confirmText = el('p', { id: 'reg-replace-question', class: 'reg-question' });
    const confirmBox = el('div', { id: 'reg-replace-confirm', class: 'reg-confirm', role: 'alertdialog', 'aria-labelledby': 'reg-replace-question', hidden: true }, confirmText, el('div', { class: 'reg-buttons' }, yes, no));
    const form = el(
      'form',
      { id: 'reg-replace-form', class: 'reg-form', autocomplete: 'off' },
      el('fieldset', { class: 'reg-choices' }, el('legend', { text: s.why_replace }), ...radios('reg-replacement', REPLACEMENT_REASONS, s.replacement, 'lost')),
      el('div', { class: 'reg-buttons' }, next),
      confirmBox,
      error,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (busy) return;
      confirmText.textContent = s.confirm_replace({ old: iso(person.badge_id), name: iso(person.name) });
      confirmBox.hidden = false;
      form.dataset.confirming = '1';
      yes.focus();
    });
    no.addEventListener('click', () => cancelConfirm(form));
    yes.addEventListener('click', async () => {
      if (busy) return;
      const reason = form.querySelector('input[name="reg-replacement"]:checked').value;
      say(error, s.sending, 'info');
      setBusy(form, true);
      const old = person.badge_id;
      const answer = await callJson('POST', routes.replacement(event, old), { request_id: keys.replace.get(), new_badge_id: '', reason });
      setBusy(form, false);
      if (answer.ok && answer.body.badge) {
        keys.replace.settle();
        showIssued(answer.body, { replaced: answer.body.replaced || old });
        return;
      }
      const problem = answer.ok ? { kind: 'unexpected', status: answer.status } : answer.problem;
      keys.replace.settle(problem.kind);
      showProblem(error, problem);
      if (retryable(problem.kind)) yes.textContent = s.retry_same;
      else cancelConfirm(form, { keepError: true });
      (retryable(problem.kind) ? yes : next).focus();
    });
    return form;
  }

  function cancelConfirm(form, { keepError = false } = {}) {
    const box = form.querySelector('.reg-confirm');
    if (!box || box.hidden) return false;
    box.hidden = true;
    delete form.dataset.confirming;
    if (!keepError) say(form.querySelector('.reg-error'), '');
    form.querySelector('#reg-replace-next').focus();
    return true;
  }

  // ----------------------------------------------------------------------------------------
  // Print: the badge's PDF in the chosen size, printed from a hidden frame and offered as a file.
  let lastPdfUrl = '';
  function printBlock(badgeId) {
    const status = el('div', { id: 'reg-print-status', class: 'reg-error', role: 'status' });
    const go = el('button', { type: 'submit', id: 'reg-print-go', class: 'reg-btn primary', text: s.print_now });
    const file = el('a', { id: 'reg-print-file', class: 'reg-btn reg-file', hidden: true, text: s.save_file });
    const form = el(
      'form',
      { id: 'reg-print-form', class: 'reg-form', 'data-badge': badgeId },
      el('fieldset', { class: 'reg-choices' }, el('legend', { text: s.size }), ...radios('reg-size', ['a6', 'cr80'], s.sizes, 'a6')),
      el('div', { class: 'reg-buttons' }, go, file),
      status,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      const size = form.querySelector('input[name="reg-size"]:checked').value;
      say(status, s.printing, 'info');
      setBusy(form, true);
      const answer = await fetchBadgePdf(event, badgeId, size);
      setBusy(form, false);
      if (!answer.ok) {
        showProblem(status, answer.problem);
        file.hidden = true;
        go.focus();
        return;
      }
      if (lastPdfUrl) URL.revokeObjectURL(lastPdfUrl);
      lastPdfUrl = URL.createObjectURL(answer.blob);
      file.href = lastPdfUrl;
      file.download = `${badgeId}-${size}.pdf`;
      file.hidden = false;
      say(status, s.printed({ kb: Math.max(1, Math.round(answer.bytes / 1024)) }), 'ok');
      status.dataset.bytes = String(answer.bytes);
      status.dataset.size = size;
      if (printMode === 'browser') printFrame(lastPdfUrl, file);
      file.focus();
    });
    return form;
  }

  // The frame's print() takes the focus into the frame: it comes back to `returnTo`, so the
  // keyboard (Escape, Tab) keeps working on the desk.
  function printFrame(url, returnTo) {
    let frame = document.getElementById('reg-print-frame');
    if (!frame) {
      frame = el('iframe', { id: 'reg-print-frame', class: 'reg-print-frame', title: s.print, tabIndex: -1, 'aria-hidden': 'true' });
      document.body.append(frame);
    }
    frame.onload = () => {
      try {
        frame.contentWindow.print();
      } catch {
        /* no print from the frame (a browser without a PDF viewer): the file link is there */
      }
      if (returnTo && returnTo.isConnected && root.contains(returnTo)) {
        window.focus();
        returnTo.focus();
      }
      document.body.dataset.printed = String(Number(document.body.dataset.printed || 0) + 1);
    };
    frame.src = url;
  }

  // ----------------------------------------------------------------------------------------
  // A badge issued (a replacement or a walk-in): who, the new badge, print.
  function showIssued(issued, { replaced = '', walkIn = false } = {}) {
    const b = issued.badge || {};
    views.person.replaceChildren();
    person = null;
    subform = null;
    const done = button('reg-issued-done', s.done, 'Esc');
    done.addEventListener('click', () => back());
    fill(
      views.issued,
      el('h3', { id: 'reg-issued-title', text: walkIn ? s.issued_walk_in : s.issued_title }),
      el(
        'div',
        { class: 'reg-card', 'data-badge': b.badge_id || '' },
        el('div', { class: 'reg-name', dir: 'auto', text: b.name || '' }),
        el('div', { class: 'reg-org', dir: 'auto', text: b.organization || '' }),
        el(
          'div',
          { class: 'reg-facts' },
          el('span', { text: b.country ? `${flag(b.country)} ${countryName(b.country, lang, t.no_country)}` : t.no_country }),
          b.category ? el('span', { class: 'reg-category', text: categoryText(b.category) }) : null,
        ),
      ),
      el('p', { id: 'reg-issued-badge', class: 'reg-issued-badge', 'data-badge': b.badge_id || '', 'data-code': issued.code || '', text: s.issued_badge({ badge: iso(b.badge_id || '') }) }),
      replaced ? el('p', { id: 'reg-issued-old', class: 'reg-issued-old', 'data-badge': replaced, text: s.issued_old({ old: iso(replaced) }) }) : null,
      issued.replay ? el('p', { class: 'reg-issued-replay', text: s.issued_replay }) : null,
      can('print_badges') && b.badge_id ? printBlock(b.badge_id) : null,
      el('div', { class: 'reg-buttons' }, done),
    );
    showView('issued');
    const go = views.issued.querySelector('#reg-print-go');
    (go || done).focus();
  }

  // ----------------------------------------------------------------------------------------
  // A walk-in: the registry's fields, validated by the gateway as an imported row; a refused
  // field gets its message beside it and the focus.
  function dayField(id) {
    const list = days();
    if (list.length) {
      return el('select', { id }, el('option', { value: '', text: s.all_days }), ...list.map((d) => el('option', { value: d, text: d })));
    }
    return el('input', { type: 'text', id, inputMode: 'numeric', placeholder: 'YYYY-MM-DD', autocomplete: 'off', spellcheck: false, dir: 'ltr' });
  }

  function countryOptions() {
    const collator = new Intl.Collator(lang);
    const names = countryCodes()
      .map((code) => ({ code, name: countryName(code, lang, '') }))
      .sort((a, b) => collator.compare(a.name, b.name));
    return el('datalist', { id: 'reg-countries' }, el('option', { value: s.no_country }), ...names.map((c) => el('option', { value: c.name, 'data-code': c.code })));
  }

  // The code a typed country stands for: a listed name (any case), a two-letter code, or the
  // text itself (the gateway then says what is wrong with it).
  function countryCode(text) {
    const value = text.trim();
    if (!value || value === s.no_country) return '';
    if (/^[A-Za-z]{2}$/.test(value)) return value.toUpperCase();
    const folded = value.toLocaleLowerCase(lang);
    for (const code of countryCodes()) {
      if (countryName(code, lang, '').toLocaleLowerCase(lang) === folded) return code;
    }
    return value;
  }

  function openWalkIn() {
    if (!can('register_walk_ins')) return;
    if (!isOpen()) open();
    keys.walkin = new PendingKey(deskId); // a new form is a new person
    const inputs = {
      name: el('input', { type: 'text', id: 'reg-f-name', autocomplete: 'off', spellcheck: false, dir: 'auto', maxLength: 1000 }),
      organization: el('input', { type: 'text', id: 'reg-f-organization', autocomplete: 'off', spellcheck: false, dir: 'auto', maxLength: 1000 }),
      country: el('input', { type: 'text', id: 'reg-f-country', autocomplete: 'off', spellcheck: false, placeholder: s.country_hint }),
      category: el('select', { id: 'reg-f-category' }, el('option', { value: '', text: '—' }), ...categories().map((c) => el('option', { value: c.id, text: categoryText(c.id) }))),
      first_day: dayField('reg-f-first_day'),
      last_day: dayField('reg-f-last_day'),
    };
    inputs.country.setAttribute('list', 'reg-countries');
    const errors = {};
    const fields = WALK_IN_FIELDS.map((f) => {
      errors[f] = el('div', { id: `reg-e-${f}`, class: 'reg-field-error', role: 'alert' });
      inputs[f].setAttribute('aria-describedby', `reg-e-${f}`);
      inputs[f].name = f;
      const optional = f === 'first_day' || f === 'last_day' || f === 'organization';
      return el('label', { class: `reg-field reg-field-${f}`, 'data-field': f }, el('span', { text: optional ? `${s.field[f]} (${s.optional})` : s.field[f] }), inputs[f], errors[f]);
    });
    const general = el('div', { id: 'reg-walkin-error', class: 'reg-error', role: 'alert' });
    const submit = el('button', { type: 'submit', id: 'reg-walkin-submit', class: 'reg-btn primary', text: s.register });
    const cancel = button('reg-walkin-cancel', s.cancel, 'Esc');
    cancel.addEventListener('click', () => back());
    const form = el('form', { id: 'reg-walkin-form', class: 'reg-form reg-walkin-form', autocomplete: 'off' }, el('div', { class: 'reg-grid' }, ...fields), countryOptions(), general, el('div', { class: 'reg-buttons' }, submit, cancel));
    const clearErrors = () => {
      for (const f of WALK_IN_FIELDS) {
        errors[f].replaceChildren();
        inputs[f].removeAttribute('aria-invalid');
      }
      say(general, '');
    };
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      clearErrors();
      say(general, s.sending, 'info');
      setBusy(form, true);
      const answer = await callJson('POST', routes.badges(event), {
        request_id: keys.walkin.get(),
        badge: {
          badge_id: '',
          name: inputs.name.value.trim(),
          organization: inputs.organization.value.trim(),
          country: countryCode(inputs.country.value),
          category: inputs.category.value,
        },
        first_day: inputs.first_day.value.trim(),
        last_day: inputs.last_day.value.trim(),
      });
      setBusy(form, false);
      if (answer.ok && answer.body.badge) {
        keys.walkin.settle();
        showIssued(answer.body, { walkIn: true });
        return;
      }
      const problem = answer.ok ? { kind: 'unexpected', status: answer.status } : answer.problem;
      keys.walkin.settle(problem.kind);
      if (problem.kind === 'invalid_field' && inputs[problem.field]) {
        const f = problem.field;
        errors[f].replaceChildren(s.invalid[f] || s.field_problem({ field: s.field[f] }));
        if (problem.message) errors[f].append(el('span', { class: 'reg-detail', lang: 'en', dir: 'auto', text: problem.message }));
        errors[f].dataset.code = 'invalid_field';
        inputs[f].setAttribute('aria-invalid', 'true');
        showProblem(general, problem);
        general.replaceChildren(s.error.invalid_field);
        inputs[f].focus();
        return;
      }
      if (problem.kind === 'invalid_field' && problem.field) {
        showProblem(general, problem);
        general.prepend(`${s.field[problem.field] || problem.field}: `);
      } else {
        showProblem(general, problem);
      }
      if (retryable(problem.kind)) submit.textContent = s.retry_same;
      submit.focus();
    });
    views.walkin.replaceChildren(el('h3', { id: 'reg-walkin-title', text: s.walk_in_title }), form);
    views.issued.replaceChildren();
    showView('walkin');
    inputs.name.focus();
  }

  // ----------------------------------------------------------------------------------------
  function isOpen() {
    return !root.hidden;
  }

  function open() {
    if (!isOpen()) {
      root.hidden = false;
      onOpenChange(true);
    }
    scanStrip.hidden = true;
    if (lookup) {
      showView('search');
      lookup.input.focus();
      lookup.input.select();
    } else {
      openWalkIn();
    }
  }

  function close({ silent = false } = {}) {
    if (!isOpen()) return;
    root.hidden = true;
    views.person.replaceChildren();
    views.issued.replaceChildren();
    views.walkin.replaceChildren();
    person = null;
    subform = null;
    current = null;
    onOpenChange(false, { silent });
  }

  // Escape: one step back. Returns false when there was nothing to go back from.
  function back() {
    if (!isOpen()) return false;
    if (current === 'person' && subform) {
      const form = document.getElementById('reg-replace-form');
      if (form && form.dataset.confirming && cancelConfirm(form)) return true;
      const kind = subform;
      subform = null;
      document.getElementById('reg-action').replaceChildren();
      for (const b of views.person.querySelectorAll('.reg-actions button')) b.removeAttribute('aria-pressed');
      const again = views.person.querySelector(`.reg-actions button[data-action="${kind}"]`);
      if (again) again.focus();
      return true;
    }
    if ((current === 'person' || current === 'walkin' || current === 'issued') && lookup) {
      const badge = person && person.badge_id;
      views.person.replaceChildren();
      views.walkin.replaceChildren();
      views.issued.replaceChildren();
      person = null;
      showView('search');
      const row = badge && views.search.querySelector(`tbody tr[data-badge="${CSS.escape(badge)}"]`);
      if (row) lookup.focusRow(Number(row.dataset.index));
      else lookup.input.focus();
      return true;
    }
    close();
    return true;
  }

  // A scan made while the panel is open: its verdict in a strip, the form left as it was.
  function showScan({ verdictText, title: statusTitle, name, tone, status }) {
    if (!isOpen()) return;
    scanStrip.hidden = false;
    scanStrip.dataset.tone = tone;
    scanStrip.dataset.status = status;
    fill(
      scanStrip,
      el('span', { class: 'reg-scan-label', text: s.scan_while_open }),
      el('strong', { class: 'reg-scan-verdict', text: verdictText }),
      el('span', { class: 'reg-scan-title', text: statusTitle }),
      name ? el('span', { class: 'reg-scan-name', dir: 'auto', text: name }) : null,
    );
  }

  root.hidden = true;
  return { open, close, back, isOpen, showScan, openWalkIn, contains: (node) => root.contains(node), get view() { return current; } };
}
