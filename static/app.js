// Progressive enhancement only: every page works without this file.
'use strict';

document.addEventListener('DOMContentLoaded', () => {
  // "Copy id" buttons: shown only when the clipboard can be used.
  if (navigator.clipboard) {
    for (const button of document.querySelectorAll('button.copy[data-copy]')) {
      button.hidden = false;
      button.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(button.dataset.copy);
          button.textContent = 'Copied';
          setTimeout(() => { button.textContent = 'Copy id'; }, 1500);
        } catch (e) {
          button.textContent = 'Copy failed';
        }
      });
    }
  }
  // Select-all checkboxes (bulk preview).
  for (const all of document.querySelectorAll('input[data-select-all]')) {
    all.hidden = false;
    const label = document.querySelector(`label[for="${all.id}"]`);
    if (label) label.hidden = false;
    all.addEventListener('change', () => {
      for (const box of document.querySelectorAll(all.dataset.selectAll)) {
        if (!box.disabled) box.checked = all.checked;
      }
    });
  }
});
