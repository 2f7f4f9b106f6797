// The draft editor's running weight sum. It adds the weights with the server's own rule (whole
// hundredths, ScorecardScoring.weightSum from scoring.js), so "100" here is "100" there, and keeps
// Publish disabled until they sum to exactly 100. The server checks again; this only saves a trip.
(function () {
  'use strict';
  var form = document.getElementById('draft-form');
  var out = document.getElementById('weight-sum');
  var note = document.getElementById('weight-sum-note');
  var publish = document.getElementById('publish');
  var dataEl = document.getElementById('page-data');
  if (!form || !out || !publish || !window.ScorecardScoring) return;
  var strings = dataEl ? JSON.parse(dataEl.textContent) : {};

  function update() {
    var weights = [];
    var readable = true;
    form.querySelectorAll('input[data-weight]').forEach(function (input) {
      var s = input.value.replace(/[\s,]/g, '');
      var n = Number(s);
      if (s === '' || !isFinite(n)) {
        readable = false;
        input.setAttribute('aria-invalid', 'true');
      } else {
        input.removeAttribute('aria-invalid');
        weights.push({ weight: n });
      }
    });
    var sum = window.ScorecardScoring.weightSum(weights);
    var ok = readable && sum === 100;
    out.textContent = (readable ? String(sum) : '?') + ' %';
    out.className = 'weight-sum ' + (ok ? 'ok' : 'bad');
    note.textContent = ok ? '' : readable ? strings.mustBe100 : strings.unreadable;
    note.className = 'small ' + (ok ? 'muted' : 'field-error');
    publish.disabled = !ok;
    publish.title = ok ? '' : strings.mustBe100;
  }

  form.addEventListener('input', update);
  update();
})();
