// An on-screen number pad for the kiosk (a touch screen may have no keyboard): the digits go into
// the field last touched. Without JavaScript the pad stays hidden and the fields work as usual.
(function () {
  function setUp(pad) {
    var fields = Array.prototype.slice.call(document.querySelectorAll('[data-keypad]'));
    if (!fields.length) return;
    var target = document.activeElement && fields.indexOf(document.activeElement) >= 0 ? document.activeElement : fields[0];
    var shown = pad.querySelector('[data-keypad-target]');
    function announce() { if (shown) shown.textContent = target.labels && target.labels[0] ? target.labels[0].textContent : ''; }
    fields.forEach(function (field) {
      field.addEventListener('focus', function () { target = field; announce(); });
    });
    pad.addEventListener('click', function (event) {
      var key = event.target.closest('button[data-key]');
      if (!key) return;
      var value = target.value, max = parseInt(target.getAttribute('maxlength') || '99', 10);
      if (key.dataset.key === 'back') value = value.slice(0, -1);
      else if (key.dataset.key === 'clear') value = '';
      else if (value.length < max) value += key.dataset.key;
      target.value = value;
      target.dispatchEvent(new Event('input', {bubbles: true}));
    });
    announce();
    pad.hidden = false;
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('.keypad').forEach(setUp);
  });
})();
