// One horizontal bar chart per choice or rating question (Chart.js, vendored), from the JSON on the
// page; the tables beside them hold the same counts.
(function () {
  document.addEventListener('DOMContentLoaded', function () {
    var source = document.getElementById('survey-chart-data');
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    data.charts.forEach(function (chart) {
      var canvas = document.getElementById('chart-' + chart.id);
      if (!canvas) return;
      new window.Chart(canvas, {
        type: 'bar',
        data: {labels: chart.labels, datasets: [{label: data.label, data: chart.values, backgroundColor: '#a4161a'}]},
        options: {indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
                  plugins: {legend: {display: false}},
                  scales: {x: {beginAtZero: true, ticks: {precision: 0, font: {size: 14}}}, y: {ticks: {font: {size: 15}}}}}
      });
    });
  });
})();
