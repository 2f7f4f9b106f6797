// The import page: sends the chosen file to the imports API as a dry run (with an upload progress
// bar), shows the report — refused rows first, then what would change, before → after — and on
// Confirm sends the very same file again to commit it (the API commits only a file it has seen in a
// dry run). Plain ES5-style script, no modules; every text comes from the page's dictionary.
(function () {
  'use strict';

  var form = document.getElementById('import-form');
  var dataEl = document.getElementById('page-data');
  if (!form || !dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var S = data.strings;
  var zh = data.lang === 'zh-CN';
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');

  function $(id) {
    return document.getElementById(id);
  }
  function fmt(pattern, vars) {
    return pattern.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m;
    });
  }
  function say(obj) {
    return zh && obj.messageZh ? obj.messageZh : obj.message || '';
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function num(n) {
    return typeof n === 'number' && isFinite(n) ? n.toFixed(2) : '—';
  }

  var fileInput = $('import-file');
  var cycleField = $('import-cycle-field');
  var cycleSelect = $('import-cycle');
  var check = $('import-check');
  var progressBox = $('import-progress-box');
  var progress = $('import-progress');
  var state = $('import-state');
  var reportBox = $('import-report');
  var confirmBtn = $('import-confirm');
  var confirmSkip = $('import-confirm-skip');
  var result = $('import-result');

  // What the last dry run was about: Confirm commits exactly that file to exactly that target.
  var checked = null;

  function kind() {
    return form.querySelector('input[name="kind"]:checked').value;
  }
  function target() {
    return kind() === 'actuals' ? '/api/imports/cycles/' + encodeURIComponent(cycleSelect.value) + '/actuals' : '/api/imports/employees';
  }
  function reset() {
    checked = null;
    reportBox.hidden = true;
    confirmBtn.hidden = true;
    confirmSkip.hidden = true;
    result.hidden = true;
    state.textContent = '';
    state.className = '';
  }
  function syncKind() {
    cycleField.hidden = kind() !== 'actuals';
    reset();
  }
  Array.prototype.forEach.call(form.querySelectorAll('input[name="kind"]'), function (r) {
    r.addEventListener('change', syncKind);
  });
  cycleSelect.addEventListener('change', reset);
  fileInput.addEventListener('change', reset);
  syncKind();

  function busy(on) {
    check.disabled = on;
    confirmBtn.disabled = on;
    confirmSkip.disabled = on;
    reportBox.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  function send(url, file, done) {
    var body = new FormData();
    body.append('file', file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    progress.value = 0;
    progressBox.hidden = false;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.upload.onload = function () {
      progress.value = 100;
      state.textContent = S.checking;
    };
    xhr.onload = function () {
      var json = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch (err) {
        json = null;
      }
      done(xhr.status, json);
    };
    xhr.onerror = function () {
      done(0, null);
    };
    busy(true);
    state.className = '';
    state.textContent = S.uploading;
    xhr.send(body);
  }

  function failed(status, json) {
    busy(false);
    state.className = 'alert';
    if (status === 0) state.textContent = S.network;
    else if (status === 401) state.textContent = S.signedOut;
    else if (json && (json.message || json.messageZh)) {
      var details = (json.errors || [])
        .map(function (e) {
          return e.field + ': ' + e.message;
        })
        .join('; ');
      state.textContent = say(json) + (details ? ' (' + details + ')' : '');
    } else state.textContent = fmt(S.httpError, { status: status });
  }

  function fieldCell(fields) {
    var td = el('td');
    fields.forEach(function (f) {
      var line = el('div', null, 'change');
      line.appendChild(el('span', f.field + ': '));
      line.appendChild(el('del', f.before === null ? '—' : f.before));
      line.appendChild(document.createTextNode(' → '));
      line.appendChild(el('ins', f.after === null ? '—' : f.after));
      td.appendChild(line);
    });
    return td;
  }

  function renderReport(r, isActuals) {
    $('import-report-title').textContent = r.mode === 'commit' ? S.resultTitle : S.reportTitle;
    $('import-summary').textContent =
      say(r) + ' ' + fmt(S.counts, { create: r.counts.create, update: r.counts.update, unchanged: r.counts.unchanged, refused: r.counts.refused });
    var ignored = $('import-ignored');
    ignored.hidden = r.ignoredColumns.length === 0;
    ignored.textContent = fmt(S.ignored, { columns: r.ignoredColumns.join(', ') });

    var refusedBody = $('import-refused').tBodies[0];
    refusedBody.textContent = '';
    r.refused.forEach(function (e) {
      var tr = el('tr');
      tr.setAttribute('data-row', String(e.row));
      tr.appendChild(el('td', e.sheet ? e.sheet + ' ' + e.row : e.row, 'num'));
      tr.appendChild(el('td', e.column));
      tr.appendChild(el('td', say(e)));
      refusedBody.appendChild(tr);
    });
    $('import-refused-box').hidden = r.refused.length === 0;

    var table = $('import-changes');
    var head = table.tHead.rows[0];
    head.textContent = '';
    var body = table.tBodies[0];
    body.textContent = '';
    var cols = isActuals ? [S.employee, S.action, S.rows, S.total, S.fields] : [S.row, S.action, S.employeeNo, S.fields];
    cols.forEach(function (c) {
      head.appendChild(el('th', c));
    });
    var changes = isActuals ? r.reviews : r.changes;
    changes.forEach(function (c) {
      var tr = el('tr');
      if (isActuals) {
        tr.setAttribute('data-employee', c.employeeNo);
        tr.appendChild(el('td', c.employeeNo + ' ' + c.name));
        tr.appendChild(el('td', S['action_' + c.action]));
        tr.appendChild(el('td', c.rows.join(', ')));
        var total = el('td', null, 'change num');
        total.appendChild(el('del', num(c.totalBefore)));
        total.appendChild(document.createTextNode(' → '));
        total.appendChild(el('ins', num(c.totalAfter)));
        tr.appendChild(total);
      } else {
        tr.setAttribute('data-employee', c.employeeNo);
        tr.appendChild(el('td', c.row, 'num'));
        tr.appendChild(el('td', S['action_' + c.action]));
        tr.appendChild(el('td', c.employeeNo));
      }
      tr.appendChild(fieldCell(c.fields));
      body.appendChild(tr);
    });
    $('import-changes-box').hidden = changes.length === 0;
    reportBox.hidden = false;
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    reset();
    var file = fileInput.files && fileInput.files[0];
    if (!file) {
      state.className = 'alert';
      state.textContent = S.chooseFile;
      fileInput.focus();
      return;
    }
    var url = target();
    var isActuals = kind() === 'actuals';
    send(url + '?mode=dry-run', file, function (status, json) {
      if (status !== 200 || !json) return failed(status, json);
      busy(false);
      state.textContent = '';
      renderReport(json, isActuals);
      var changing = json.counts.create + json.counts.update > 0;
      checked = { url: url, file: file, isActuals: isActuals };
      confirmBtn.hidden = !(changing && json.refused.length === 0);
      confirmSkip.hidden = !(changing && json.refused.length > 0);
      if (!changing) {
        state.textContent = json.refused.length > 0 ? S.fixAndRetry : S.nothingToDo;
      }
    });
  });

  function commit(skipRefused) {
    if (!checked) return;
    var c = checked;
    send(c.url + '?mode=commit' + (skipRefused ? '&skipRefused=true' : ''), c.file, function (status, json) {
      if (status !== 200 || !json) return failed(status, json);
      busy(false);
      state.textContent = '';
      checked = null;
      confirmBtn.hidden = true;
      confirmSkip.hidden = true;
      renderReport(json, c.isActuals);
      result.textContent = say(json) + ' ';
      if (json.auditUrl) {
        var a = el('a', S.audit);
        a.id = 'import-audit';
        a.href = json.auditUrl;
        result.appendChild(a);
      }
      if (c.isActuals) {
        result.appendChild(document.createTextNode(' '));
        var reviews = el('a', S.toReviews);
        reviews.id = 'import-reviews';
        reviews.href = '/reviews?cycleId=' + encodeURIComponent(cycleSelect.value);
        result.appendChild(reviews);
      }
      result.hidden = false;
    });
  }
  confirmBtn.addEventListener('click', function () {
    commit(false);
  });
  confirmSkip.addEventListener('click', function () {
    commit(true);
  });
})();
