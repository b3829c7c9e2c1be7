// Draws the report's charts with uPlot from the JSON in #likes-data (what `stats --format json`
// prints): one bar per UTC day, the day and its count under the chart as the pointer moves.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("likes-data").textContent);
  var days = Object.keys(data.blog.per_day);
  var stamps = days.map(function (day) { return Date.parse(day + "T00:00:00Z") / 1000; });
  var charts = [];

  function seriesOf(name) {
    var perDay = name === "blog" ? data.blog.per_day : data.articles[Number(name)].per_day;
    return days.map(function (day) { return perDay[day]; });
  }

  // The y axis as wide as its longest label: uPlot's fixed default cuts "10,000" to "0,000".
  function labelsWidth(u, labels, axis, cycle) {
    var drawn = u.axes[axis];
    if (cycle > 1) return drawn._size;
    var longest = (labels || []).reduce(function (a, b) { return b.length > a.length ? b : a; }, "");
    u.ctx.font = drawn.font[0];
    return Math.ceil(drawn.ticks.size + drawn.gap + u.ctx.measureText(longest).width / devicePixelRatio) + 4;
  }

  function options(width, label, colour) {
    return {
      width: width,
      height: 200,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      cursor: { points: { show: false } },
      scales: {
        x: { time: true, range: function (u, min, max) { return [min - 43200, max + 43200]; } },
        y: { range: function (u, min, max) { return [0, Math.max(4, Math.ceil(max * 1.1))]; } },
      },
      axes: [
        {
          stroke: "#5b6270",
          grid: { stroke: "#eceef2" },
          // Tick spacing, then the label's format, and the line added where a year starts.
          values: [
            [86400 * 365, "{YYYY}", null, null, null, null, null, null, 1],
            [86400 * 28, "{MMM}", "\n{YYYY}", null, null, null, null, null, 1],
            [86400, "{D} {MMM}", "\n{YYYY}", null, null, null, null, null, 1],
          ],
        },
        {
          stroke: "#5b6270",
          grid: { stroke: "#eceef2" },
          size: labelsWidth,
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000],
          values: function (u, ticks) { return ticks.map(function (v) { return v.toLocaleString("en"); }); },
        },
      ],
      series: [
        { label: "Day", value: "{YYYY}-{MM}-{DD}" },
        {
          label: label,
          stroke: colour,
          fill: colour + "cc",
          width: 0,
          paths: uPlot.paths.bars({ size: [0.85, 28], align: 0 }),
          points: { show: false },
          value: function (u, v) { return v == null ? "–" : v.toLocaleString("en"); },
        },
      ],
    };
  }

  document.querySelectorAll("figure.chart").forEach(function (figure) {
    var name = figure.dataset.series;
    var colour = name === "blog" ? "#2557d6" : "#1f8a5b";
    var chart = new uPlot(
      options(figure.clientWidth, "Likes", colour),
      [stamps, seriesOf(name)],
      figure
    );
    charts.push(chart);
  });

  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      charts.forEach(function (chart) {
        chart.setSize({ width: chart.root.parentNode.clientWidth, height: 200 });
      });
    }, 100);
  });

  window.likesCharts = charts; // for scripts and tests reading the drawn charts back
})();
