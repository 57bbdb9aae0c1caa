/* 新质 Xinzhi — page behaviour. Plain ES2017, no build step, no eval.
   Loaded as an external file because the CSP is script-src 'self'. */
(function () {
  'use strict';

  // ---- Charts: <div class="chart" data-option='{"...ECharts option JSON..."}'> ----
  var charts = [];
  var THEME = 'xinzhi';

  // Palette matching app.css (deep blue first); an option's own colours still win.
  function registerTheme() {
    window.echarts.registerTheme(THEME, {
      color: ['#0b3d7a', '#2f7fc1', '#1f8a70', '#e0a020', '#7b5ea7', '#c0504d', '#6b7a8f', '#59a5d8'],
      textStyle: {
        fontFamily: '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", system-ui, sans-serif'
      }
    });
  }

  function initCharts() {
    if (!window.echarts) return; // echarts.min.js not included on this page
    if (charts.length === 0) registerTheme();
    document.querySelectorAll('.chart[data-option]').forEach(function (el) {
      if (window.echarts.getInstanceByDom(el)) return; // already drawn
      try {
        var chart = window.echarts.init(el, THEME);
        chart.setOption(JSON.parse(el.dataset.option));
        charts.push(chart);
      } catch (err) {
        // Bad JSON or option: leave the element (and its fallback text) alone.
        if (window.console) console.error('chart', err);
      }
    });
  }

  // Debounced resize so charts follow the window width.
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (c) { if (!c.isDisposed()) c.resize(); });
    }, 150);
  });

  // ---- Confirmation: <form data-confirm="Really delete?">, or on the button pressed ----
  // Delegated on document, so forms swapped in by htmx are covered too.
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement)) return;
    // a button may ask on its own (a grave move among ordinary ones)
    var msg = (ev.submitter && ev.submitter.dataset && ev.submitter.dataset.confirm) || form.dataset.confirm;
    if (!msg) return;
    if (!window.confirm(msg)) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  }, true);

  // ---- htmx: send the CSRF token from <meta name="csrf-token" content="..."> ----
  document.addEventListener('htmx:configRequest', function (ev) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) ev.detail.headers['X-CSRF-Token'] = meta.content;
  });

  // ---- Copy: <button type="button" data-copy="ID" data-copied="Copied"> ----
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Fallback for plain-http development: a temporary off-screen textarea.
    return new Promise(function (resolve, reject) {
      var ta = document.createElement('textarea');
      ta.value = text;
      ta.setAttribute('readonly', '');
      ta.style.position = 'fixed';
      ta.style.top = '-1000px';
      document.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(ta);
      if (ok) { resolve(); } else { reject(new Error('copy failed')); }
    });
  }

  document.addEventListener('click', function (ev) {
    var btn = ev.target instanceof Element ? ev.target.closest('button[data-copy]') : null;
    if (!btn) return;
    var src = document.getElementById(btn.dataset.copy);
    if (!src) return;
    var isField = src instanceof HTMLInputElement || src instanceof HTMLTextAreaElement;
    var text = (isField ? src.value : src.textContent).trim();
    copyText(text).then(function () {
      if (!btn.dataset.copied) return;
      if (btn.dataset.label === undefined) btn.dataset.label = btn.textContent;
      btn.textContent = btn.dataset.copied;
      clearTimeout(btn._copyTimer);
      btn._copyTimer = setTimeout(function () { btn.textContent = btn.dataset.label; }, 2000);
    }, function () {
      // Clipboard refused: select the text so the user can copy it by hand.
      var range = document.createRange();
      range.selectNodeContents(src);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    });
  });

  // ---- Start ----
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', initCharts);
  } else {
    initCharts();
  }
  // Charts inside fragments that htmx swaps in.
  document.addEventListener('htmx:afterSettle', initCharts);

  // ---- Navigation: on a phone the side navigation is a sideways strip; keep
  // the current item in view. ----
  document.addEventListener('DOMContentLoaded', function () {
    var cur = document.querySelector('.sidenav [aria-current="page"]');
    var nav = document.querySelector('.sidenav');
    if (cur && nav && nav.scrollWidth > nav.clientWidth) {
      nav.scrollLeft = cur.offsetLeft - (nav.clientWidth - cur.offsetWidth) / 2;
    }
  });
})();
