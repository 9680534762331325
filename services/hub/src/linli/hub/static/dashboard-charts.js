// The committee dashboard's two charts (Chart.js, vendored) from the JSON under them: covers per day
// as bars with waste per cover as a line and the target dashed; cases opened and resolved per week.
// The tiles hold the same figures as text, so the page reads without JavaScript too.
(function () {
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new window.Chart(canvas, config);
  }
  var FONT = {size: 15};
  document.addEventListener('DOMContentLoaded', function () {
    var source = document.getElementById('dashboard-chart-data');
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var options = {responsive: true, maintainAspectRatio: false, animation: false,
                   interaction: {mode: 'index', intersect: false},
                   plugins: {legend: {position: 'bottom', labels: {font: FONT, boxWidth: 28}}}};
    if (data.canteen) {
      var c = data.canteen;
      draw('canteen-chart', {
        data: {labels: c.labels, datasets: [
          {type: 'bar', label: c.covers_label, data: c.covers, backgroundColor: '#1f5fa8', yAxisID: 'covers'},
          {type: 'line', label: c.waste_label, data: c.waste, borderColor: '#a4161a', backgroundColor: '#a4161a',
           borderWidth: 3, pointRadius: 4, yAxisID: 'grams'},
          {type: 'line', label: c.target_label, data: c.labels.map(function () { return c.target; }),
           borderColor: '#a4161a', borderDash: [10, 6], borderWidth: 2, pointRadius: 0, yAxisID: 'grams'}]},
        options: Object.assign({}, options, {scales: {
          covers: {position: 'left', beginAtZero: true, ticks: {font: FONT}},
          grams: {position: 'right', beginAtZero: true, grid: {drawOnChartArea: false}, ticks: {font: FONT}},
          x: {ticks: {font: FONT}}}})
      });
    }
    if (data.cases) {
      var k = data.cases;
      draw('cases-chart', {
        type: 'bar',
        data: {labels: k.labels, datasets: [
          {label: k.opened_label, data: k.opened, backgroundColor: '#8a4b00'},
          {label: k.resolved_label, data: k.resolved, backgroundColor: '#1b5e20'}]},
        options: Object.assign({}, options, {scales: {y: {beginAtZero: true, ticks: {font: FONT, precision: 0}},
                                                      x: {ticks: {font: FONT}}}})
      });
    }
  });
})();
