/* The report page's chart: ECharts (vendored under reports/vendor/echarts) draws the series
   the server put in the #report-chart-data JSON block; the print button prints the page.
   A static file because the Content-Security-Policy forbids inline scripts. */
(function () {
  "use strict";

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%";
  }

  function draw() {
    var box = document.getElementById("report-chart");
    var block = document.getElementById("report-chart-data");
    if (!box || !block || !window.echarts) {
      return;
    }
    var spec = JSON.parse(block.textContent);
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    var series = spec.series.map(function (s) {
      return {
        name: s.name, type: s.type || spec.kind, stack: s.stack, data: s.data,
        yAxisIndex: s.yAxisIndex || 0, connectNulls: true, emphasis: { focus: "series" }
      };
    });
    // A Pareto: counts on the left axis, the cumulative share (0-100 %) on the right.
    var twoAxes = spec.series.some(function (s) { return s.yAxisIndex === 1; });
    var yAxis = { type: "value", axisLabel: spec.y_percent ? { formatter: percent } : {} };
    if (twoAxes) {
      yAxis = [yAxis, { type: "value", min: 0, max: 1, axisLabel: { formatter: percent },
                        splitLine: { show: false } }];
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: spec.y_percent ? percent : undefined },
      legend: { type: "scroll", top: 0 },
      grid: { left: 16, right: 24, top: 40, bottom: 16, containLabel: true },
      xAxis: { type: "category", data: spec.x,
               axisLabel: { rotate: spec.x.length > 12 ? 45 : 0 } },
      yAxis: yAxis,
      series: series
    });
    box.dataset.ready = "1";
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  draw();
})();
