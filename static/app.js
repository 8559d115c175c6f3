// Progressive enhancement only: every page works without this file, and the
// Content-Security-Policy allows no inline script, so this is the only script.
'use strict';

// "Copy id" buttons: shown only when the clipboard can be used.
function copyButtons() {
  if (!navigator.clipboard || !window.isSecureContext) return;
  for (const button of document.querySelectorAll('button.copy[data-copy]')) {
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.textContent = 'Copied';
      } catch (e) {
        button.textContent = 'Copy failed';
      }
      setTimeout(() => { button.textContent = label; }, 2000);
    });
  }
}

// Select-all checkbox of the bulk preview, and a count of the selection; the
// apply button is off while nothing is selected.
function selectAll() {
  for (const all of document.querySelectorAll('input[data-select-all]')) {
    const form = all.form;
    const boxes = () => [...document.querySelectorAll(all.dataset.selectAll)].filter((b) => !b.disabled);
    const count = document.getElementById('selection');
    const submit = form && form.querySelector('button[type="submit"]');
    const serverDisabled = submit ? submit.disabled : true;
    const update = () => {
      const list = boxes();
      const n = list.filter((b) => b.checked).length;
      all.checked = n > 0 && n === list.length;
      all.indeterminate = n > 0 && n < list.length;
      if (count) {
        count.hidden = false;
        count.textContent = `${n} of ${list.length} eligible ${list.length === 1 ? 'customer' : 'customers'} selected.`;
      }
      if (submit && !serverDisabled) submit.disabled = n === 0;
    };
    all.hidden = false;
    const label = document.querySelector(`label[for="${all.id}"]`);
    if (label) label.hidden = false;
    all.addEventListener('change', () => {
      for (const box of boxes()) box.checked = all.checked;
      update();
    });
    for (const box of boxes()) box.addEventListener('change', update);
    update();
  }
}

// A page that follows a change (<meta name="custodian-refresh">, a bulk run in
// progress): fetch it again every few seconds and update its [data-live]
// parts in place, instead of reloading (which would lose the reader's place).
function follow() {
  const meta = document.querySelector('meta[name="custodian-refresh"]');
  if (!meta || !window.fetch || !window.DOMParser) return;
  const every = Math.max(1, Number(meta.content) || 2) * 1000;
  const news = document.createElement('p');
  news.className = 'sr-only';
  news.setAttribute('role', 'status');
  (document.querySelector('main') || document.body).append(news);
  let failures = 0;
  const tick = async () => {
    try {
      const res = await fetch(location.href, { cache: 'no-store', credentials: 'same-origin' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      for (const el of document.querySelectorAll('[data-live][id]')) {
        const fresh = doc.getElementById(el.id);
        if (!fresh) continue;
        if (el.className !== fresh.className) el.className = fresh.className;
        if (el.innerHTML !== fresh.innerHTML) el.replaceChildren(...[...fresh.childNodes].map((n) => document.importNode(n, true)));
      }
      failures = 0;
      if (!doc.querySelector('meta[name="custodian-refresh"]')) {
        meta.remove();
        const text = document.getElementById('progress-text');
        news.textContent = `Finished. ${text ? text.textContent.replace(/\s+/g, ' ').trim() : ''}`;
        return;
      }
    } catch (e) {
      // the server or the network hiccuped: try again a few times, then reload
      if (++failures > 5) {
        location.reload();
        return;
      }
    }
    setTimeout(tick, every);
  };
  setTimeout(tick, every);
}

// A form answered with errors: move the focus to its summary (which links
// to each bad field), so that keyboard and screen-reader users start there.
function focusErrors() {
  const summary = document.getElementById('error-summary');
  if (summary) summary.focus();
}

document.addEventListener('DOMContentLoaded', () => {
  focusErrors();
  copyButtons();
  selectAll();
  follow();
});
