/* 新质 Xinzhi — search-as-you-type pickers for organisation and person fields.
   <span class="picker"><input data-picker="organisations|people" …><input type="hidden" …></span>
   The text input becomes an ARIA 1.2 combobox over a listbox of names from
   /api/v1/lookup/{kind}; choosing one writes its id into the hidden input.
   Without this script the text alone is sent and the server resolves it. */
(function () {
  'use strict';
  var n = 0;

  function setup(input) {
    if (input.dataset.pickerReady) return;
    input.dataset.pickerReady = '1';
    var wrap = input.closest('.picker');
    if (!wrap) return;
    var hidden = wrap.querySelector('input[type="hidden"]'); // none: the name alone is sent
    var id = input.id || ('picker-' + (++n));
    input.id = id;
    var list = document.createElement('ul');
    list.id = id + '-list';
    list.className = 'picker-list';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    var status = document.createElement('span');
    status.className = 'sr-only';
    status.setAttribute('role', 'status');
    wrap.appendChild(list);
    wrap.appendChild(status);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    var items = [], active = -1, chosen = input.value, seq = 0, timer = null, picked = false;

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }
    function mark(i) {
      var opts = list.querySelectorAll('[role="option"]');
      opts.forEach(function (o, j) { o.setAttribute('aria-selected', j === i ? 'true' : 'false'); });
      active = i;
      if (i >= 0 && opts[i]) {
        input.setAttribute('aria-activedescendant', opts[i].id);
        opts[i].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }
    function choose(i) {
      var it = items[i];
      if (!it) return;
      input.value = chosen = it.name;
      if (hidden) hidden.value = String(it.id);
      close();
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }
    function render() {
      list.textContent = '';
      items.forEach(function (it, i) {
        var li = document.createElement('li');
        li.id = list.id + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.dataset.id = it.id;
        var name = document.createElement('span');
        name.textContent = it.name;
        li.appendChild(name);
        if (it.detail) {
          var d = document.createElement('span');
          d.className = 'picker-detail';
          d.textContent = it.detail;
          li.appendChild(d);
        }
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (items.length === 0) {
        var none = document.createElement('li');
        none.className = 'picker-none';
        none.textContent = input.dataset.none || '—';
        list.appendChild(none);
      }
      status.textContent = items.length ? items.length + ' ' + (input.dataset.count || '') : (input.dataset.none || '');
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
    }
    function search() {
      var q = input.value.trim();
      if (!q) { items = []; close(); return; }
      var mine = ++seq;
      fetch('/api/v1/lookup/' + encodeURIComponent(input.dataset.picker) + '?limit=20&q=' + encodeURIComponent(q),
        { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) {
          if (mine !== seq || document.activeElement !== input) return; // a later keystroke won
          items = body.items || [];
          render();
        })
        .catch(function () { /* offline: the typed text is sent as it is */ });
    }

    input.addEventListener('input', function () {
      if (hidden && input.value !== chosen) hidden.value = ''; // typed over the choice
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    input.addEventListener('keydown', function (ev) {
      var open = !list.hidden;
      switch (ev.key) {
        case 'ArrowDown':
          ev.preventDefault();
          if (!open) { search(); return; }
          if (items.length) mark(Math.min(active + 1, items.length - 1));
          break;
        case 'ArrowUp':
          ev.preventDefault();
          if (open && items.length) mark(Math.max(active - 1, 0));
          break;
        case 'Enter':
          if (open && active >= 0) { ev.preventDefault(); choose(active); picked = true; }
          break;
        case 'Escape':
          if (open) { ev.preventDefault(); close(); }
          break;
        case 'Tab':
          close();
          break;
      }
    });
    // The Enter that chose must not also submit the form (its keypress,
    // where a browser or a driver sends one after a cancelled keydown).
    input.addEventListener('keypress', function (ev) {
      if (ev.key === 'Enter' && picked) ev.preventDefault();
      picked = false;
    });
    input.addEventListener('keyup', function () { picked = false; });
    input.addEventListener('blur', function () { setTimeout(close, 100); });
  }

  function init(root) {
    (root || document).querySelectorAll('input[data-picker]').forEach(setup);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { init(); });
  } else {
    init();
  }
  document.addEventListener('htmx:afterSettle', function (ev) { init(ev.target); });
})();
