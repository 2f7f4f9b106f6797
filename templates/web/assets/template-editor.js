// The draft editor without a round trip where one is not needed. The running weight sum adds the
// weights with the server's own rule (whole hundredths, ScorecardScoring.weightSum from
// scoring.js), so "100" here is "100" there, and keeps Publish disabled until they sum to exactly
// 100; the server checks again, this only saves a trip. Choosing a rule kind shows its fields at
// once (without this script, "Update rule fields" redraws the form to do the same, so those
// buttons are hidden here), and leaving with unsaved changes asks first.
(function () {
  'use strict';
  var form = document.getElementById('draft-form');
  var out = document.getElementById('weight-sum');
  var note = document.getElementById('weight-sum-note');
  var publish = document.getElementById('publish');
  var dataEl = document.getElementById('page-data');
  if (!form || !out || !publish || !window.ScorecardScoring) return;
  var strings = dataEl ? JSON.parse(dataEl.textContent) : {};
  // A message the server put there (e.g. why the last save was refused) stays until a weight changes.
  var serverNote = note.textContent;

  function update(weightChanged) {
    var weights = [];
    var readable = true;
    form.querySelectorAll('input[data-weight]').forEach(function (input) {
      var s = input.value.replace(/[\s,]/g, '');
      var n = Number(s);
      if (s === '' || !isFinite(n)) {
        readable = false;
        input.setAttribute('aria-invalid', 'true');
      } else if (!input.parentNode.querySelector('.field-error')) {
        input.removeAttribute('aria-invalid');
      }
      if (s !== '' && isFinite(n)) weights.push({ weight: n });
    });
    var sum = window.ScorecardScoring.weightSum(weights);
    var ok = readable && sum === 100;
    out.textContent = (readable ? String(sum) : '?') + ' %';
    out.className = 'weight-sum ' + (ok ? 'ok' : 'bad');
    if (weightChanged || !serverNote) {
      note.textContent = ok ? '' : readable ? strings.mustBe100 : strings.unreadable;
      note.className = 'small ' + (ok ? 'muted' : 'field-error');
    }
    publish.disabled = !ok;
    publish.title = ok ? '' : strings.mustBe100;
  }

  function showRuleKind(select) {
    var box = select.closest('fieldset');
    if (!box) return;
    box.querySelectorAll('[data-rule-kind]').forEach(function (el) {
      el.hidden = el.getAttribute('data-rule-kind') !== select.value;
    });
  }

  form.addEventListener('input', function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute('data-weight')) update(true);
  });
  form.addEventListener('change', function (event) {
    if (event.target.matches && event.target.matches('select[data-rule-type]')) showRuleKind(event.target);
  });
  // With this script a rule kind's fields show at once, so the no-JS redraw buttons are only noise.
  form.querySelectorAll('button[name="action"][value^="refresh."]').forEach(function (b) {
    b.hidden = true;
  });

  // A session that ran out while someone typed would turn Save into the sign-in page, and the typing
  // would be gone. So before posting, ask for this page (which also hands out the session's CSRF
  // token): signed out, the form stays as typed and a link signs in on another tab; Save again then
  // posts it, with the new token.
  var sessionNote = document.getElementById('session-note');
  var checked = false;
  function post(submitter) {
    checked = true;
    if (sessionNote) sessionNote.hidden = true;
    form.requestSubmit(submitter);
  }
  form.addEventListener(
    'submit',
    function (event) {
      var submitter = event.submitter;
      var writes = submitter && (submitter.value === 'save' || submitter.value === 'publish');
      if (checked || !writes || !window.fetch || !sessionNote) {
        checked = false;
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      fetch(location.pathname + location.search, { credentials: 'same-origin', redirect: 'manual' })
        .then(function (res) {
          if (res.type === 'opaqueredirect' || res.status === 401) {
            sessionNote.hidden = false;
            sessionNote.focus();
            return;
          }
          return res.text().then(function (html) {
            var token = /name="_csrf" value="([^"]+)"/.exec(html);
            if (token) {
              form.querySelectorAll('input[name="_csrf"]').forEach(function (input) {
                input.value = token[1];
              });
            }
            post(submitter);
          });
        })
        // The check itself failed (network): post as a plain form would.
        .catch(function () {
          post(submitter);
        });
    },
    true,
  );

  // Warn before leaving with unsaved typing. A form the server redrew unsaved (an added KPI, a
  // refused save) starts dirty; submitting (the server answers it) clears the flag.
  var dirty = document.getElementById('unsaved') !== null || form.querySelector('.field-error, [aria-invalid="true"]') !== null;
  form.addEventListener('input', function () {
    dirty = true;
  });
  form.addEventListener('change', function () {
    dirty = true;
  });
  form.addEventListener('submit', function () {
    dirty = false;
  });
  window.addEventListener('beforeunload', function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = '';
  });
  update(false);
})();
