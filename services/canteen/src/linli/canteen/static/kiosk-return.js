// The kiosk is shared: a finished order's screen goes back to the start by itself after a while
// (data-return-after seconds), so that the next diner does not find the last one's ticket.
(function () {
  document.addEventListener('DOMContentLoaded', function () {
    var link = document.querySelector('[data-return-to]');
    if (!link) return;
    var seconds = parseInt(link.getAttribute('data-return-after') || '30', 10);
    setTimeout(function () { window.location.assign(link.getAttribute('data-return-to')); }, seconds * 1000);
  });
})();
