// The export status page, followed live: asks GET /api/exports/:id every half second and redraws
// the bar, the counts and the state until the export is finished, then shows the download link.
// Without this script the page still works through its refresh link. The view rules
// (ScorecardExport.view) are those of src/web/export-page.ts, which renders the page first;
// src/web/export-js.spec.ts runs this very file against it so the two cannot drift apart.
// Plain ES5-style script, no modules: it defines one global, ScorecardExport.
(function (root) {
  'use strict';

  var INTERVAL_MS = 500;
  var MAX_BACKOFF_MS = 8000;

  function view(job) {
    var processed = job.done + job.failed;
    var finished = job.state === 'done' || job.state === 'failed';
    var ready = job.state === 'done' && job.done > 0;
    var message;
    if (job.state === 'queued') message = { key: 'stateQueued', vars: {} };
    else if (job.state === 'running') message = { key: 'stateRunning', vars: {} };
    else if (job.state === 'failed') message = { key: 'stateFailed', vars: { total: job.total } };
    else if (job.total === 0) message = { key: 'stateEmpty', vars: {} };
    else if (job.failed > 0) message = { key: 'stateReadyPartial', vars: { done: job.done, total: job.total } };
    else message = { key: 'stateReady', vars: { n: job.done } };
    return {
      processed: processed,
      max: job.total > 0 ? job.total : 1,
      value: job.total > 0 ? Math.min(processed, job.total) : 1,
      finished: finished,
      ready: ready,
      retryable: finished && job.failed > 0,
      tone: job.state === 'failed' ? 'alert' : ready ? 'notice' : 'plain',
      message: message,
      failedNote: job.failed > 0 && job.state !== 'failed' ? { key: 'someFailed', vars: { n: job.failed } } : null,
    };
  }

  root.ScorecardExport = { view: view };

  if (typeof document === 'undefined') return;
  var box = document.getElementById('export');
  var dataEl = document.getElementById('page-data');
  if (!box || !dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var S = data.strings;

  function $(id) {
    return document.getElementById(id);
  }
  function fmt(pattern, vars) {
    return pattern.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m;
    });
  }
  function say(text) {
    return fmt(S[text.key], text.vars);
  }

  var bar = $('export-progress');
  var counts = $('export-counts');
  var stateLine = $('export-state');
  var failedLine = $('export-failed');
  var download = $('export-download');
  var retry = $('export-retry-form');

  // The state line is a live region: it changes only when the state does, so a screen reader
  // hears "printing", then "ready", not every count. The bar carries the count as its value text.
  function setState(text, tone) {
    if (stateLine.textContent !== text) stateLine.textContent = text;
    stateLine.className = tone;
  }

  function render(job) {
    var v = view(job);
    var countText = fmt(S.counts, { processed: v.processed, total: job.total });
    bar.max = v.max;
    bar.value = v.value;
    bar.setAttribute('aria-valuetext', countText);
    bar.textContent = countText;
    counts.textContent = countText;
    setState(say(v.message), v.tone);
    failedLine.hidden = !v.failedNote;
    failedLine.textContent = v.failedNote ? say(v.failedNote) : '';
    download.hidden = !v.ready;
    if (retry) retry.hidden = !v.retryable;
    box.setAttribute('data-state', job.state);
    box.setAttribute('aria-busy', v.finished ? 'false' : 'true');
    return v;
  }

  // Polling replaces the refresh link.
  ['export-refresh', 'export-refresh-hint'].forEach(function (id) {
    var el = $(id);
    if (el) el.hidden = true;
  });

  var failures = 0;

  function stop(text) {
    setState(text, 'alert');
    box.setAttribute('aria-busy', 'false');
  }

  function poll() {
    fetch(data.statusUrl, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (res.status === 401) return stop(S.signedOut);
        // Not found, or no longer for this account (its role changed): asking again will not help.
        if (res.status === 403 || res.status === 404) return stop(S.gone);
        if (res.status === 429) {
          // Over the rate limit: wait as long as the server asks, then carry on.
          var wait = Number(res.headers.get('Retry-After')) * 1000;
          setTimeout(poll, wait > 0 ? wait : MAX_BACKOFF_MS);
          return null;
        }
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json().then(function (job) {
          failures = 0;
          if (!render(job).finished) setTimeout(poll, INTERVAL_MS);
        });
      })
      .catch(function () {
        // The server away for a moment (a restart, the network): keep trying, less and less often.
        failures += 1;
        setState(S.network, 'plain');
        setTimeout(poll, Math.min(INTERVAL_MS * Math.pow(2, failures), MAX_BACKOFF_MS));
      });
  }

  if (!render(data.job).finished) setTimeout(poll, INTERVAL_MS);
})(typeof globalThis !== 'undefined' ? globalThis : this);
