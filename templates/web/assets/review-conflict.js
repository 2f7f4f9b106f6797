// The review page's conflict section (the save partial's #conflict box): when someone else saved
// since the page was read, it lists field by field what was read, what they saved and what is typed
// here, and lets the person keep theirs (writing over, deliberately) or take the saved version.
// review.js hands it what it shares (state, form reading, requests) and calls show and hide.
(function () {
  'use strict';
  window.ScorecardReviewConflict = function (ctx) {
    var data = ctx.data;
    var S = data.strings;
    var state = ctx.state;
    var fmt = ctx.fmt;
    var nameOf = ctx.nameOf;
    var TEXTS = ctx.texts;
    var readForm = ctx.readForm;
    var request = ctx.request;
    var snapshotOf = ctx.snapshotOf;
    var setState = ctx.setState;
    var save = ctx.save;
    function $(id) {
      return document.getElementById(id);
    }

    function show(v) {
      return v === null || v === undefined || v === '' ? S.empty : String(v);
    }
    function yoursOf(current) {
      var entries = Object.create(null);
      current.entries.forEach(function (e) {
        entries[e.kpiKey] = { actual: e.actual, target: e.target, rating: e.rating, comment: e.comment };
      });
      return { entries: entries, texts: current.texts };
    }

    function changes(read, theirs, yours) {
      var rows = [];
      data.kpis.forEach(function (k) {
        var a = read.entries[k.key] || {};
        var b = theirs.entries[k.key] || {};
        var y = yours.entries[k.key] || {};
        var fields = k.rule.type === 'rating' ? ['rating', 'comment'] : ['actual', 'target', 'comment'];
        fields.forEach(function (f) {
          if (show(a[f]) !== show(b[f])) {
            var label = { actual: S.fieldActual, target: S.fieldTarget, rating: S.fieldRating, comment: S.fieldComment }[f];
            rows.push([fmt(label, { kpi: nameOf(k) }), show(a[f]), show(b[f]), show(y[f])]);
          }
        });
      });
      TEXTS.forEach(function (name) {
        if (name in yours.texts && show(read[name]) !== show(theirs[name])) rows.push([S[name], show(read[name]), show(theirs[name]), show(yours.texts[name])]);
      });
      return rows;
    }

    function hideConflict() {
      var box = $('conflict');
      box.hidden = true;
      box.textContent = '';
    }

    function showConflict() {
      return request('GET', '/api/reviews/' + data.id).then(function (res) {
        if (res.status !== 200) {
          setState(fmt(S.saveFailed, { message: String(res.status) }));
          return;
        }
        var theirs = res.body;
        var theirSnapshot = snapshotOf(theirs);
        var current = readForm();
        var rows = changes(state.read, theirSnapshot, yoursOf(current));
        var box = $('conflict');
        box.textContent = '';
        var h = document.createElement('h2');
        h.id = 'conflict-title';
        h.textContent = S.conflictTitle;
        box.appendChild(h);
        var p = document.createElement('p');
        p.id = 'conflict-text';
        p.textContent = theirs.status !== 'draft' ? fmt(S.notDraft, { status: theirs.status }) : rows.length ? S.conflictText : S.conflictNone;
        box.appendChild(p);
        if (rows.length) {
          var wrap = document.createElement('div');
          wrap.className = 'table-wrap';
          var table = document.createElement('table');
          var head = table.createTHead().insertRow();
          [S.colField, S.colWhenOpened, S.colTheirs, S.colYours].forEach(function (label) {
            var th = document.createElement('th');
            th.textContent = label;
            head.appendChild(th);
          });
          var tbody = table.createTBody();
          rows.forEach(function (r) {
            var tr = tbody.insertRow();
            r.forEach(function (cell) {
              tr.insertCell().textContent = cell;
            });
          });
          wrap.appendChild(table);
          box.appendChild(wrap);
        }
        var actions = document.createElement('div');
        actions.className = 'actions';
        if (theirs.status === 'draft') {
          var keep = document.createElement('button');
          keep.type = 'button';
          keep.className = 'primary';
          keep.id = 'keep-mine';
          keep.textContent = S.keepMine;
          keep.addEventListener('click', function () {
            // Deliberately writing over theirs: from now on "what I read" is their version.
            state.version = theirs.version;
            state.read = theirSnapshot;
            save();
          });
          actions.appendChild(keep);
        }
        var take = document.createElement('button');
        take.type = 'button';
        take.id = 'take-theirs';
        take.textContent = S.takeTheirs;
        take.addEventListener('click', function () {
          state.dirty = false;
          location.reload();
        });
        actions.appendChild(take);
        box.appendChild(actions);
        box.hidden = false;
        setState(S.conflictTitle);
        box.scrollIntoView({ block: 'start' });
        // The save button the person pressed is no longer where the work is: the box is, with its two choices.
        box.focus();
      });
    }

    return { show: showConflict, hide: hideConflict };
  };
})();
