// The scales form: after a weighing is saved (and the answer holds no error notice) the grams field
// is emptied for the next bin. (Here rather than in an hx-on attribute: the pages' Content Security
// Policy allows no inline script.)
document.addEventListener('htmx:afterRequest', function (event) {
  var form = event.target.closest && event.target.closest('form.scales-form');
  if (!form || !event.detail.successful || document.querySelector('#notice .flash-error')) return;
  var grams = form.querySelector('#grams');
  if (grams) grams.value = '';
});
