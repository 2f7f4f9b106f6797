// The review page's section on the manager's proposal (issue 15): a final rating that differs from
// the manager's submitted proposal needs a reason. Its field shows only then, and an empty one stops
// the save before it reaches the server (which checks too). review.js calls readReason per rating KPI.
(function () {
  'use strict';
  window.ScorecardReviewProposal = function (data, form, fmt) {
    var S = data.strings;
    var proposals = data.proposals || {};
    return function readReason(key, entry, errors) {
      var box = form.querySelector('[data-reason-for="' + key + '"]');
      var proposed = Object.prototype.hasOwnProperty.call(proposals, key) ? proposals[key] : null;
      if (!box || proposed === null) return;
      var differs = entry.rating !== null && entry.rating !== proposed;
      box.hidden = !differs;
      var reason = document.getElementById('reason-' + key).value;
      if (differs) entry.reason = reason;
      if (differs && reason.trim() === '') errors[key] = fmt(S.reasonRequired, { rating: proposed });
    };
  };
})();
