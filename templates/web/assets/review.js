// The review entry page: live scores while typing (ScorecardScoring, from scoring.js), saving
// through the API with the version that was read, and a conflict view when someone else saved in
// between that keeps everything typed. No inline handlers: the CSP allows scripts from files only.
(function () {
  'use strict';
  var dataEl = document.getElementById('page-data');
  var form = document.getElementById('review-form');
  if (!dataEl || !form || form.getAttribute('data-editable') !== 'true' || !window.ScorecardScoring || !window.ScorecardReviewConflict) return;
  var data = JSON.parse(dataEl.textContent);
  var S = data.strings;
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var scoring = window.ScorecardScoring;
  var state = { version: data.version, read: data.read, dirty: false, busy: false };
  var TEXTS = ['strengths', 'challenges', 'developmentPlan', 'hrNotes'];

  function fmt(pattern, vars) {
    return pattern.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m;
    });
  }
  function $(id) {
    return document.getElementById(id);
  }
  function nameOf(kpi) {
    return data.lang === 'zh-CN' ? kpi.nameZh : kpi.nameEn;
  }
  function fixed2(n) {
    return typeof n === 'number' && isFinite(n) ? n.toFixed(2) : '—';
  }

  // People type numbers as they see them: "2,300,000", "98.5", full-width digits from a Chinese IME.
  function parseNumber(raw) {
    var s = String(raw)
      .replace(/[\uFF10-\uFF19]/g, function (c) {
        return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
      })
      .replace(/\uFF0E/g, '.')
      .replace(/[\s,\uFF0C_]/g, '');
    if (s === '') return { value: null };
    if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(s)) return { error: S.notANumber };
    return { value: Number(s) };
  }

  function field(kind, key) {
    return $(kind + '-' + key);
  }

  // The manager's proposal beside HR's final rating: review-proposal.js, a section of its own.
  var readReason = window.ScorecardReviewProposal
    ? window.ScorecardReviewProposal(data, form, fmt)
    : function () {
        return undefined;
      };

  // What the form holds now: entries in template order (so an API error's index names the KPI).
  function readForm() {
    var errors = Object.create(null); // keyed by KPI keys, which may be "constructor"
    var entries = data.kpis.map(function (k) {
      var entry = { kpiKey: k.key, comment: field('comment', k.key).value };
      if (k.rule.type === 'rating') {
        var r = field('rating', k.key).value;
        entry.rating = r === '' ? null : Number(r);
        readReason(k.key, entry, errors);
      } else {
        var a = parseNumber(field('actual', k.key).value);
        var t = parseNumber(field('target', k.key).value);
        if (a.error) errors[k.key] = a.error;
        else if (t.error) errors[k.key] = t.error;
        else if (t.value !== null && t.value < 0) errors[k.key] = S.negativeTarget;
        entry.actual = a.error ? null : a.value;
        entry.target = t.error ? null : t.value;
      }
      return entry;
    });
    var texts = {};
    TEXTS.forEach(function (name) {
      var el = document.querySelector('[data-text="' + name + '"]');
      if (el) texts[name] = el.value;
    });
    return { entries: entries, texts: texts, errors: errors };
  }

  function showFieldError(key, message) {
    var row = form.querySelector('tr[data-kpi="' + key + '"]');
    var err = $('err-' + key);
    if (!row || !err) return;
    row.classList.toggle('has-error', Boolean(message));
    err.textContent = message || '';
    err.hidden = !message;
    row.querySelectorAll('input[data-field="actual"], input[data-field="target"], input[data-field="reason"], select').forEach(function (el) {
      if (message) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
    });
  }

  function showTextError(name, message) {
    var err = $('err-text-' + name);
    if (!err) return;
    err.textContent = message || '';
    err.hidden = !message;
  }

  // A screen reader hears the total and band (one polite line), once the typing pauses and only
  // when they changed: not every figure of the table at every keystroke. The figures the page
  // opened with are on screen already and are not said.
  var announced = null;
  var announceTimer = null;
  function announceTotal(text) {
    if (announced === null) {
      announced = text;
      return;
    }
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () {
      if (text === announced) return;
      announced = text;
      $('total-announce').textContent = text;
    }, 700);
  }

  // Live scores: the same rules as the server, recomputed on every keystroke.
  function recompute(keepErrors) {
    var current = readForm();
    var inputs = Object.create(null);
    current.entries.forEach(function (e) {
      inputs[e.kpiKey] = e;
    });
    var result = scoring.scoreReview(data.kpis, inputs, data.bands);
    result.kpis.forEach(function (s) {
      var row = form.querySelector('tr[data-kpi="' + s.key + '"]');
      row.querySelector('[data-score]').textContent = fixed2(s.score);
      row.querySelector('[data-points]').textContent = fixed2(s.points);
    });
    // At load the server's messages (e.g. why a submit was refused) stay until the field is edited.
    if (!keepErrors)
      data.kpis.forEach(function (k) {
        showFieldError(k.key, current.errors[k.key]);
      });
    $('total').textContent = fixed2(result.total);
    $('total-cell').textContent = fixed2(result.total);
    var band = result.band ? (data.lang === 'zh-CN' ? result.band.labelZh : result.band.labelEn) : '—';
    $('band').textContent = band;
    announceTotal(fmt(S.totalAnnounce, { total: fixed2(result.total), band: band }));
    var names = result.missing.map(function (key) {
      return nameOf(
        data.kpis.filter(function (k) {
          return k.key === key;
        })[0],
      );
    });
    $('missing').textContent = result.complete ? S.complete : fmt(S.missing, { list: names.join(S.listSeparator) });
    return current;
  }

  // The line is a live region: the same words again (each keystroke says "unsaved") are not news.
  function setState(text) {
    var el = $('save-state');
    if (el.textContent !== text) el.textContent = text;
  }

  // After a refused save the keyboard lands on the first field to fix, whose message it describes.
  function focusFirstError() {
    var first = form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  }

  function markDirty() {
    state.dirty = true;
    setState(S.unsaved);
  }

  form.addEventListener('input', function () {
    recompute();
    markDirty();
  });
  form.addEventListener('change', function () {
    recompute();
    markDirty();
  });
  window.addEventListener('beforeunload', function (event) {
    if (state.dirty) {
      event.preventDefault();
      event.returnValue = '';
    }
  });

  function snapshotOf(review) {
    var entries = Object.create(null);
    review.kpis.forEach(function (k) {
      entries[k.key] = { actual: k.input.actual, target: k.input.target, rating: k.input.rating, comment: k.input.comment || '' };
    });
    return {
      entries: entries,
      strengths: review.strengths,
      challenges: review.challenges,
      developmentPlan: review.developmentPlan,
      hrNotes: review.hrNotes || '',
    };
  }

  function request(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch (e) {
          json = null;
        }
        return { status: res.status, body: json };
      });
    });
  }

  function applySaved(review) {
    state.version = review.version;
    state.read = snapshotOf(review);
    state.dirty = false;
    ['#submit-form', '#take-form'].forEach(function (sel) {
      var version = document.querySelector(sel + ' input[name="version"]');
      if (version) version.value = String(review.version);
    });
    // The server's numbers are the record; they match the live ones (same rules), and are shown as saved.
    review.kpis.forEach(function (k) {
      var row = form.querySelector('tr[data-kpi="' + k.key + '"]');
      row.querySelector('[data-score]').textContent = fixed2(k.score);
      row.querySelector('[data-points]').textContent = fixed2(k.points);
    });
    $('total').textContent = fixed2(review.total);
    $('total-cell').textContent = fixed2(review.total);
    setState(fmt(S.saved, { time: new Date().toLocaleTimeString(data.lang) }));
  }

  // The API's field errors carry a stable code and its arguments: said here in the page's language,
  // naming the field by its label and, inside a KPI row, the KPI by its name.
  var V = data.validation || {};
  function sayFieldError(e, kpiKey) {
    if (!e.code) return e.message;
    var name = e.field
      .replace(/\[\d+\]/g, '')
      .split('.')
      .pop();
    var label = V['field.' + name] || name;
    var kpi =
      kpiKey &&
      data.kpis.filter(function (k) {
        return k.key === kpiKey;
      })[0];
    if (kpi) label = fmt(V.inRow, { row: nameOf(kpi), field: label });
    var vars = { field: label };
    Object.keys(e.params || {}).forEach(function (k) {
      var v = e.params[k];
      vars[k] = Array.isArray(v) ? v.join(V.listSeparator) : typeof v === 'number' ? v.toLocaleString(data.lang) : v;
    });
    return fmt(V['rule.' + e.code] || V['rule.invalid'], vars);
  }

  /** Shows each field error beside its field; returns the first one's sentence (for the status line), or null. */
  function showApiErrors(body, sent) {
    var first = null;
    (body && body.errors ? body.errors : []).forEach(function (e) {
      var m = /^entries\[(\d+)\]/.exec(e.field);
      var key = m && sent.entries[Number(m[1])] ? sent.entries[Number(m[1])].kpiKey : /^entries\.(\w+)$/.test(e.field) ? e.field.slice(8) : null;
      var text = sayFieldError(e, key);
      if (e.code && first === null) first = text;
      if (key) showFieldError(key, text);
      else if (TEXTS.indexOf(e.field) >= 0) showTextError(e.field, text);
    });
    return first;
  }

  function save() {
    if (state.busy) return Promise.resolve(false);
    var current = recompute();
    TEXTS.forEach(function (n) {
      showTextError(n, '');
    });
    if (Object.keys(current.errors).length > 0) {
      setState(S.fixFirst);
      focusFirstError();
      return Promise.resolve(false);
    }
    state.busy = true;
    setState(S.saving);
    var body = { version: state.version, entries: current.entries };
    Object.keys(current.texts).forEach(function (k) {
      body[k] = current.texts[k];
    });
    return request('PUT', '/api/reviews/' + data.id, body)
      .then(function (res) {
        if (res.status === 200) {
          hideConflict();
          applySaved(res.body);
          return true;
        }
        if (res.status === 409 && res.body && res.body.details && res.body.details.currentVersion !== undefined) {
          return showConflict().then(function () {
            return false;
          });
        }
        if (res.status === 401) {
          setStateLink(S.signedOut, '/login?next=' + encodeURIComponent(location.pathname));
          return false;
        }
        if (res.status === 403 && res.body && /X-CSRF-Token/.test(res.body.message || '')) {
          setState(S.csrf);
          return false;
        }
        var said = showApiErrors(res.body, body);
        setState(fmt(S.saveFailed, { message: said || (res.body && res.body.message ? res.body.message : String(res.status)) }));
        focusFirstError();
        return false;
      })
      .catch(function () {
        setState(S.network);
        return false;
      })
      .then(function (ok) {
        state.busy = false;
        return ok;
      });
  }

  function setStateLink(text, href) {
    var el = $('save-state');
    el.textContent = text + ' ';
    var a = document.createElement('a');
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = S.signIn;
    el.appendChild(a);
  }

  // Someone else saved in between: review-conflict.js, a section of its own (the save partial's #conflict box).
  var conflict = window.ScorecardReviewConflict({
    data: data,
    state: state,
    fmt: fmt,
    nameOf: nameOf,
    texts: TEXTS,
    readForm: readForm,
    request: request,
    snapshotOf: snapshotOf,
    setState: setState,
    save: function () {
      return save();
    },
  });
  function hideConflict() {
    conflict.hide();
  }
  function showConflict() {
    return conflict.show();
  }

  $('save').addEventListener('click', function () {
    save();
  });

  var submitButton = $('submit-review');
  var submitForm = $('submit-form');
  if (submitButton && submitForm) {
    submitButton.addEventListener('click', function () {
      var go = function () {
        if (!window.confirm(submitButton.getAttribute('data-confirm'))) return;
        state.dirty = false;
        submitForm.submit();
      };
      if (state.dirty)
        save().then(function (ok) {
          if (ok) go();
        });
      else go();
    });
  }

  recompute(true);
})();
