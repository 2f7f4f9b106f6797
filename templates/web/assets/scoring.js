// The scoring rules of src/scoring/scoring.ts, for the browser: the review page recomputes score,
// points, total and band as HR types, before anything is saved. Only the numbers are ported (the
// server writes the explanations). src/web/scoring-js.spec.ts runs this very file in Node against
// src/scoring on the same inputs, so the two cannot drift apart unnoticed. Plain ES5-style script,
// no modules: it defines one global, ScorecardScoring.
(function (root) {
  'use strict';

  // Shifts the decimal point through the number's decimal string, so that the shift adds no
  // binary error (1.005 * 100 is 100.49999999999999; "1.005e2" is 100.5).
  function shift(value, places) {
    var parts = String(value).split('e');
    return Number(parts[0] + 'e' + (Number(parts[1] || '0') + places));
  }

  // Half away from zero to two decimals, never -0.
  function round2(x) {
    if (!isFinite(x)) return x;
    var magnitude = shift(Math.round(shift(Math.abs(x), 2)), -2);
    if (magnitude === 0) return 0;
    return x < 0 ? -magnitude : magnitude;
  }

  function isMissing(v) {
    return v === null || v === undefined;
  }

  function empty(key, error) {
    return { key: key, score: null, points: null, attainment: null, target: null, error: error || null };
  }

  function scoreRating(kpi, rule, input) {
    var rating = input ? input.rating : undefined;
    if (isMissing(rating)) return empty(kpi.key);
    // The server refuses these outright; the page marks the field instead of scoring it.
    if (typeof rating !== 'number' || Math.floor(rating) !== rating || rating < rule.min || rating > rule.max) return empty(kpi.key, 'rating');
    if (!(rule.max > 0)) return empty(kpi.key, 'rule');
    var score = round2((rating / rule.max) * 100);
    return { key: kpi.key, score: score, points: round2((score * kpi.weight) / 100), attainment: null, target: null, error: null };
  }

  function attainmentOf(actual, target, rule) {
    if (rule.direction === 'higher') {
      if (target === 0) return actual >= 0 ? 100 : 0;
      var v = (actual / target) * 100;
      return v < 0 ? 0 : v;
    }
    if (target === 0) return actual <= 0 ? 100 : 0;
    if (actual <= 0) return rule.cap;
    return (target / actual) * 100;
  }

  function scoreTarget(kpi, rule, input) {
    var actual = input ? input.actual : undefined;
    if (isMissing(actual)) return empty(kpi.key);
    var override = input ? input.target : undefined;
    var target = isMissing(override) ? rule.target : override;
    if (typeof actual !== 'number' || !isFinite(actual)) return empty(kpi.key, 'actual');
    if (typeof target !== 'number' || !isFinite(target) || target < 0) return empty(kpi.key, 'target');
    // Threshold and cap apply to the rounded attainment, as on the server.
    var attainment = round2(attainmentOf(actual, target, rule));
    var below = rule.threshold !== null && rule.threshold !== undefined && attainment < rule.threshold;
    var score = below ? 0 : round2(Math.min(attainment, rule.cap));
    return { key: kpi.key, score: score, points: round2((score * kpi.weight) / 100), attainment: attainment, target: target, error: null };
  }

  function scoreKpi(kpi, input) {
    return kpi.rule.type === 'rating' ? scoreRating(kpi, kpi.rule, input) : scoreTarget(kpi, kpi.rule, input);
  }

  function bandFor(total, bands) {
    var best = null;
    for (var i = 0; i < bands.length; i++) {
      var b = bands[i];
      if (b.min <= total && (best === null || b.min > best.min)) best = b;
    }
    return best;
  }

  // Whole hundredths, so 33.33 + 33.33 + 33.34 is exactly 100.
  function sumHundredths(values) {
    var sum = 0;
    for (var i = 0; i < values.length; i++) sum += Math.round(values[i] * 100);
    return sum / 100;
  }

  function weightSum(kpis) {
    return sumHundredths(kpis.map(function (k) { return k.weight; }));
  }

  function scoreReview(kpis, inputs, bands) {
    var scores = kpis.map(function (kpi) {
      return scoreKpi(kpi, Object.prototype.hasOwnProperty.call(inputs, kpi.key) ? inputs[kpi.key] : undefined);
    });
    var missing = [];
    var points = [];
    scores.forEach(function (s) {
      if (s.points === null) missing.push(s.key);
      else points.push(s.points);
    });
    var total = round2(sumHundredths(points));
    var complete = missing.length === 0;
    return { kpis: scores, total: total, complete: complete, missing: missing, band: complete ? bandFor(total, bands) : null };
  }

  root.ScorecardScoring = { round2: round2, scoreKpi: scoreKpi, scoreReview: scoreReview, bandFor: bandFor, weightSum: weightSum };
})(typeof globalThis !== 'undefined' ? globalThis : this);
