// Draws the waste-per-cover chart (Chart.js, vendored) from the JSON beside the canvas: one solid line
// per kind of waste and a dashed line per target in the same colour. The table under it holds the
// same figures, so the page reads without JavaScript too.
(function () {
  var COLOURS = {plate: '#a4161a', preparation: '#1f5fa8', unserved: '#8a4b00', total: '#111111'};
  document.addEventListener('DOMContentLoaded', function () {
    var canvas = document.getElementById('waste-chart');
    var source = document.getElementById('waste-chart-data');
    if (!canvas || !source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var datasets = data.series.map(function (s) {
      return {label: s.label, data: s.values, borderColor: COLOURS[s.kind], backgroundColor: COLOURS[s.kind],
              borderWidth: s.kind === 'total' ? 4 : 3, pointRadius: 4, spanGaps: false, tension: 0.2};
    });
    data.targets.forEach(function (t) {
      datasets.push({label: t.label, data: data.labels.map(function () { return t.value; }),
                     borderColor: COLOURS[t.kind], borderDash: [10, 6], borderWidth: 2, pointRadius: 0,
                     backgroundColor: 'transparent'});
    });
    new window.Chart(canvas, {
      type: 'line',
      data: {labels: data.labels, datasets: datasets},
      options: {responsive: true, maintainAspectRatio: false, animation: false,
                interaction: {mode: 'index', intersect: false},
                plugins: {legend: {position: 'bottom', labels: {font: {size: 15}, boxWidth: 28}}},
                scales: {y: {beginAtZero: true, title: {display: true, text: data.y_title, font: {size: 15}},
                             ticks: {font: {size: 14}}},
                         x: {ticks: {font: {size: 14}}}}}
    });
  });
})();
