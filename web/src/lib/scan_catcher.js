// A keyboard-wedge scanner types a whole code and Enter within a few milliseconds per key; a
// person types far slower. While a registration form is open, such a burst landing in one of its
// fields is taken back out of the field (its value and caret as they were before the burst) and
// handed over as a scan, so a badge shown at the desk mid-form is neither lost nor typed into a
// name or a note. Slower typing, or a burst too short to be a badge code, stays in the field.

export const SCANNER_GAP_MS = 50; // at most this between two keys of a scanner's burst
export const SCANNER_MIN_CHARS = 4; // the shortest code a burst may carry

function snapshot(field) {
  if (field instanceof HTMLSelectElement) return { selectedIndex: field.selectedIndex };
  return { value: field.value, start: field.selectionStart, end: field.selectionEnd };
}

function restore(field, saved) {
  if (field instanceof HTMLSelectElement) {
    field.selectedIndex = saved.selectedIndex;
    field.dispatchEvent(new Event('change', { bubbles: true }));
    return;
  }
  field.value = saved.value;
  try {
    if (saved.start !== null) field.setSelectionRange(saved.start, saved.end);
  } catch {
    /* a field without a caret */
  }
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

export class ScanCatcher {
  constructor({ onScan, gapMs = SCANNER_GAP_MS, minChars = SCANNER_MIN_CHARS }) {
    this.onScan = onScan;
    this.gapMs = gapMs;
    this.minChars = minChars;
    this.burst = null;
    this.caught = 0;
  }

  // Called for every keydown in a form field (capture phase, before the field sees the key).
  // Returns true when the key ended a scanner's burst: the caller stops it.
  keydown(e) {
    const field = e.target;
    const at = e.timeStamp;
    const quick = this.burst && this.burst.field === field && at - this.burst.last <= this.gapMs;
    if (e.key === 'Enter') {
      const burst = this.burst;
      this.burst = null;
      if (!quick || burst.chars.length < this.minChars) return false;
      e.preventDefault();
      e.stopImmediatePropagation();
      restore(field, burst.before);
      this.caught += 1;
      this.onScan(burst.chars.join(''), field);
      return true;
    }
    if (e.key.length !== 1 || e.ctrlKey || e.metaKey || e.altKey) {
      // Shift alone (a scanner's capitals) keeps the burst going; anything else ends it.
      if (e.key !== 'Shift') this.burst = null;
      else if (quick) this.burst.last = at;
      return false;
    }
    if (quick) {
      this.burst.chars.push(e.key);
      this.burst.last = at;
    } else {
      this.burst = { field, before: snapshot(field), chars: [e.key], last: at };
    }
    return false;
  }
}
