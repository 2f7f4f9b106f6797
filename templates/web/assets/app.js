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
})();
