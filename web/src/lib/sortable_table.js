// A table whose columns sort by a button in their head (keyboard: Tab to it, Enter or Space),
// the chosen column marked by aria-sort. The chosen column and direction belong to the table, not
// to the rows: render() with fresh rows (a live update) keeps them, and keeps the focus on the
// head's button since the head is only rebuilt when its labels change.
//
// columns: [{key, label, numeric, descFirst}]; rows: [{attrs, cells: [cell]}] where a cell is a string or
// {text, sort} (sort: a number compares as a number, anything else as text in the page's
// language). Cells without a value ('—', undefined sort on a numeric column) go last either way.
// Ties keep the order the rows came in, so callers pass them in their natural order.
import { el } from './overview.js';

export function sortableTable(node, { lang, sort = null, empty = '', onSort = null } = {}) {
  const collator = new Intl.Collator(lang, { numeric: true, sensitivity: 'base' });
  const state = { key: sort ? sort.key : null, dir: sort ? sort.dir : 1 };
  let columns = [];
  let rows = [];
  let headSignature = null;
  const thead = el('thead');
  const tbody = el('tbody');
  node.replaceChildren(thead, tbody);

  const valueOf = (cell, column) => {
    if (cell && typeof cell === 'object') {
      if (cell.sort !== undefined && cell.sort !== null && !(typeof cell.sort === 'number' && Number.isNaN(cell.sort))) return cell.sort;
      return column.numeric ? undefined : cell.text ?? '';
    }
    return column.numeric ? undefined : cell ?? '';
  };

  function compare(a, b) {
    if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
    if (typeof a === 'number' && typeof b === 'number') return (a - b) * state.dir;
    return collator.compare(String(a), String(b)) * state.dir;
  }

  function paintHead() {
    const signature = JSON.stringify(columns.map((c) => [c.key, c.label, !!c.numeric]));
    if (signature !== headSignature) {
      headSignature = signature;
      thead.replaceChildren(
        el(
          'tr',
          {},
          ...columns.map((c) => {
            const button = el('button', { type: 'button', class: 'sort', 'data-sort': c.key });
            button.addEventListener('click', () => choose(c));
            return el('th', { class: c.numeric ? 'num' : '', scope: 'col', 'data-column': c.key }, button);
          }),
        ),
      );
    }
    const ths = thead.querySelectorAll('th');
    columns.forEach((c, i) => {
      const chosen = c.key === state.key;
      ths[i].setAttribute('aria-sort', chosen ? (state.dir < 0 ? 'descending' : 'ascending') : 'none');
      ths[i].firstChild.textContent = c.label + (chosen ? (state.dir < 0 ? ' ▼' : ' ▲') : '');
    });
  }

  function paintBody() {
    const index = columns.findIndex((c) => c.key === state.key);
    let ordered = rows;
    if (index >= 0) {
      const column = columns[index];
      ordered = rows
        .map((row, position) => ({ row, position, value: valueOf(row.cells[index], column) }))
        .sort((a, b) => compare(a.value, b.value) || a.position - b.position)
        .map((x) => x.row);
    }
    tbody.replaceChildren(
      ...ordered.map((row) =>
        el(
          'tr',
          row.attrs || {},
          ...row.cells.map((cell, i) => {
            const text = cell && typeof cell === 'object' ? cell.text : cell;
            const cls = [columns[i] && columns[i].numeric ? 'num' : '', cell && typeof cell === 'object' && cell.class ? cell.class : ''].filter(Boolean).join(' ');
            const td = el('td', { class: cls, text: text ?? '' });
            if (cell && typeof cell === 'object' && cell.attrs) for (const [k, v] of Object.entries(cell.attrs)) td.setAttribute(k, v);
            return td;
          }),
        ),
      ),
    );
    if (!rows.length) tbody.append(el('tr', {}, el('td', { class: 'empty', colSpan: Math.max(1, columns.length), text: empty })));
  }

  // First click: text A→Z, numbers (and descFirst columns) largest first; again: the other way.
  function choose(column) {
    if (state.key === column.key) state.dir = -state.dir;
    else {
      state.key = column.key;
      state.dir = column.numeric || column.descFirst ? -1 : 1;
    }
    paintHead();
    paintBody();
    if (onSort) onSort({ ...state });
  }

  return {
    render(nextColumns, nextRows, options = {}) {
      columns = nextColumns;
      rows = nextRows;
      if (options.empty !== undefined) empty = options.empty;
      paintHead();
      paintBody();
    },
    get sort() {
      return { ...state };
    },
  };
}
