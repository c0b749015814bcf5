/* The home page's team chart: open and overdue cases per person (ECharts, vendored). A click
   on a bar opens the list of that person's open cases. Static file: the CSP forbids inline
   scripts. */
(function () {
  "use strict";

  function draw(box) {
    var block = document.getElementById(box.dataset.dashboardChart);
    if (!block || !window.echarts) {
      return;
    }
    var spec = JSON.parse(block.textContent);
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.x, axisLabel: { interval: 0, rotate: spec.x.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, cursor: "pointer" };
      })
    });
    chart.on("click", function (params) {
      var link = spec.links[params.dataIndex];
      if (link) {
        window.location.href = link;
      }
    });
    box.dataset.ready = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll("[data-dashboard-chart]").forEach(draw);
})();
