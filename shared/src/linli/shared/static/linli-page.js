// Small behaviours every page may use, kept here rather than inline so that the pages' Content
// Security Policy needs no 'unsafe-inline' (linli.shared.headers):
//   <button data-print>        prints the page
//   <a data-back href="...">   goes back in the history (the href is the fallback without it)
//   <span data-width="42.5">   a bar drawn that many per cent wide
(function () {
  document.addEventListener('click', function (event) {
    if (event.target.closest('[data-print]')) { window.print(); return; }
    var back = event.target.closest('a[data-back]');
    if (back && window.history.length > 1) { event.preventDefault(); window.history.back(); }
  });
  function widths(root) {
    root.querySelectorAll('[data-width]').forEach(function (bar) {
      var share = parseFloat(bar.getAttribute('data-width'));
      if (!isNaN(share)) bar.style.width = Math.max(0, Math.min(100, share)) + '%';
    });
  }
  document.addEventListener('DOMContentLoaded', function () { widths(document); });
  document.addEventListener('htmx:afterSwap', function (event) { widths(event.target); });
})();
