// Shared by every page. No inline script anywhere (the Content-Security-Policy forbids it):
// behaviour is attached here through data- attributes.
(function () {
  'use strict';
  // Buttons that undo or publish ask first.
  document.addEventListener('submit', function (event) {
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute('data-confirm')) || event.target.getAttribute('data-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // A page drawn again after a refused form (the server's message at the top, role="alert") starts
  // the keyboard there: Tab goes on to the form, and a screen reader reads why first. It wins over
  // a field's autofocus, which would skip the message.
  var problem = document.querySelector('main .alert[role="alert"]');
  if (problem) {
    problem.setAttribute('tabindex', '-1');
    problem.focus();
  }

  // In forms marked data-enter="no-submit", Enter in a one-line field moves on instead of posting
  // the form half-filled (textareas and buttons keep their normal Enter).
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || event.isComposing) return;
    var el = event.target;
    if (!(el instanceof HTMLInputElement) && !(el instanceof HTMLSelectElement)) return;
    if (el instanceof HTMLInputElement && (el.type === 'submit' || el.type === 'button' || el.type === 'checkbox' || el.type === 'radio')) return;
    var form = el.form;
    if (!form || form.getAttribute('data-enter') !== 'no-submit') return;
    event.preventDefault();
    // Only fields one can see: a folded section or a rule kind not chosen keeps its fields out of sight.
    var fields = Array.prototype.filter.call(form.elements, function (f) {
      return (
        (f instanceof HTMLInputElement || f instanceof HTMLSelectElement || f instanceof HTMLTextAreaElement) &&
        f.type !== 'hidden' &&
        !f.disabled &&
        f.getClientRects().length > 0
      );
    });
    var next = fields[fields.indexOf(el) + 1];
    if (next) next.focus();
  });

  // A table wider than its box (a list on a phone) scrolls sideways inside its .table-wrap: while
  // it does, the box is a named region in the Tab order, so a keyboard can scroll it and a screen
  // reader says what it holds. A box that fits stays out of the Tab order. The name comes from
  // data-label, else the table's caption, else the page's heading.
  function regionName(wrap) {
    var caption = wrap.querySelector('caption');
    var heading = document.querySelector('main h1');
    return wrap.getAttribute('data-label') || (caption && caption.textContent.trim()) || (heading && heading.textContent.trim()) || document.title;
  }
  function markScrolling(wrap) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.setAttribute('tabindex', '0');
      wrap.setAttribute('role', 'region');
      wrap.setAttribute('aria-label', regionName(wrap));
    } else {
      wrap.removeAttribute('tabindex');
      wrap.removeAttribute('role');
      wrap.removeAttribute('aria-label');
    }
  }
  var sizes =
    typeof ResizeObserver === 'function'
      ? new ResizeObserver(function (entries) {
          entries.forEach(function (entry) {
            var wrap = entry.target.closest('.table-wrap');
            if (wrap) markScrolling(wrap);
          });
        })
      : null;
  function watch(wrap) {
    markScrolling(wrap);
    if (!sizes) return;
    // The box changes size with the screen, the table with its rows (a page's script may fill it).
    sizes.observe(wrap);
    var table = wrap.querySelector('table');
    if (table) sizes.observe(table);
  }
  document.querySelectorAll('.table-wrap').forEach(watch);
  // Tables a page's script adds later (the review's conflict view).
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (!(node instanceof Element)) return;
        if (node.classList.contains('table-wrap')) watch(node);
        node.querySelectorAll('.table-wrap').forEach(watch);
      });
    });
  }).observe(document.body, { childList: true, subtree: true });

  // On a phone the sections are one strip that scrolls sideways (app.css): the current one is
  // brought into it, or an admin on "Users" would see no marked section at all.
  var nav = document.querySelector('.nav');
  var current = nav && nav.querySelector('[aria-current="page"]');
  if (current && nav.scrollWidth > nav.clientWidth + 1) {
    var past = current.getBoundingClientRect().right - nav.getBoundingClientRect().right;
    if (past > 0) nav.scrollLeft += past + 16;
  }

  // A PDF link (data-busy) is printed on the server and takes seconds: while it is being prepared the
  // link says so and a second click does nothing, so one click prints one file. Without this script
  // it is a plain download link.
  function fetchPdf(href, attempt) {
    return fetch(href, { credentials: 'same-origin' }).then(function (res) {
      // A busy or restarting printer answers 503 with Retry-After: that passes by itself, so wait as told
      // and try again a few times rather than send the person to an error page.
      if (res.status !== 503 || attempt >= 3) return res;
      var wait = Math.min(Math.max(Number(res.headers.get('Retry-After')) || 2, 1), 20) * 1000;
      return new Promise(function (resolve) {
        setTimeout(resolve, wait);
      }).then(function () {
        return fetchPdf(href, attempt + 1);
      });
    });
  }
  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element && event.target.closest('a[data-busy]');
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (link.getAttribute('aria-busy') === 'true') return;
    var label = link.textContent;
    var note = link.parentElement && link.parentElement.querySelector('.pdf-unavailable');
    if (note) note.remove();
    link.setAttribute('aria-busy', 'true');
    link.textContent = link.getAttribute('data-busy');
    fetchPdf(link.href, 1)
      .then(function (res) {
        if (res.status === 503) {
          var message = document.createElement('span');
          message.className = 'pdf-unavailable field-error';
          message.setAttribute('role', 'alert');
          message.textContent = link.getAttribute('data-unavailable') || '503';
          link.insertAdjacentElement('afterend', message);
          return;
        }
        if (!res.ok) throw new Error(String(res.status));
        var name = /filename\*?=(?:UTF-8'')?"?([^";]+)/i.exec(res.headers.get('Content-Disposition') || '');
        return res.blob().then(function (blob) {
          var a = document.createElement('a');
          a.href = URL.createObjectURL(blob);
          a.download = name ? decodeURIComponent(name[1]) : '';
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () {
            URL.revokeObjectURL(a.href);
          }, 10000);
        });
      })
      // Any other refusal (an expired session, a 404) is shown by the server's own page.
      .catch(function () {
        window.location.href = link.href;
      })
      .then(function () {
        link.textContent = label;
        link.removeAttribute('aria-busy');
      });
  });

  // A list's "choose all on this page" box (data-pick-all names the form its row boxes belong to):
  // it ticks or clears every row box, and shows as partly ticked while only some are. Without this
  // script it stays hidden and each row is ticked on its own.
  document.querySelectorAll('input[data-pick-all]').forEach(function (all) {
    var form = all.getAttribute('data-pick-all');
    var rows = function () {
      return Array.prototype.slice.call(document.querySelectorAll('input[type="checkbox"][form="' + form + '"]'));
    };
    var sync = function () {
      var ticked = rows().filter(function (box) {
        return box.checked;
      }).length;
      all.checked = ticked > 0 && ticked === rows().length;
      all.indeterminate = ticked > 0 && ticked < rows().length;
    };
    all.hidden = false;
    all.addEventListener('change', function () {
      rows().forEach(function (box) {
        box.checked = all.checked;
      });
    });
    rows().forEach(function (box) {
      box.addEventListener('change', sync);
    });
    sync();
  });
})();
