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

  var DAY = 86400;
  var first = stamps[0], last = stamps[stamps.length - 1];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  // Tick steps, finest first, and the room each label needs: days while "6 Dec" labels fit one
  // every few days, then months ("Dec 2026"). Each tick is a UTC midnight inside the period.
  var STEPS = [[1, 0, 56], [2, 0, 56], [7, 0, 56], [14, 0, 56],
    [0, 1, 76], [0, 2, 76], [0, 3, 76], [0, 6, 76], [0, 12, 76], [0, 24, 76], [0, 60, 76]];

  function dayTicks(every) {
    var ticks = [];
    for (var t = first; t <= last; t += every * DAY) ticks.push(t);
    return ticks;
  }

  function monthTicks(every) {
    var start = new Date(first * 1000), ticks = [];
    var month = start.getUTCFullYear() * 12 + start.getUTCMonth() + (start.getUTCDate() > 1 ? 1 : 0);
    for (month += (every - month % every) % every; ; month += every) {
      var t = Date.UTC(Math.floor(month / 12), month % 12, 1) / 1000;
      if (t > last) return ticks;
      ticks.push(t);
    }
  }

  // The finest step whose labels fit the plot's width, and its ticks.
  function xTicks(u) {
    var width = u.bbox.width / devicePixelRatio, ticks = [first];
    for (var i = 0; i < STEPS.length; i++) {
      var step = STEPS[i];
      ticks = step[0] ? dayTicks(step[0]) : monthTicks(step[1]);
      if (ticks.length && ticks.length * step[2] <= width) break;
    }
    u.likesMonthly = !STEPS[i] || !STEPS[i][0];
    return ticks.length ? ticks : [first];
  }

  // "6 Dec", its year below on the first tick and on the first of each year; months as "Dec 2026".
  function xLabels(u, ticks) {
    return ticks.map(function (t, i) {
      var d = new Date(t * 1000), year = d.getUTCFullYear(), month = MONTHS[d.getUTCMonth()];
      if (u.likesMonthly) return month + " " + year;
      var newYear = i === 0 || new Date(ticks[i - 1] * 1000).getUTCFullYear() !== year;
      return d.getUTCDate() + " " + month + (newYear ? "\n" + year : "");
    });
  }

  function options(width, label, colour) {
    return {
      width: width,
      height: 200,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      cursor: { points: { show: false } },
      scales: {
        // The period itself, each day's bar centred on its midnight tick, whatever the likes.
        x: { time: true, range: function () { return [first - DAY / 2, last + DAY / 2]; } },
        y: { range: function (u, min, max) { return [0, Math.max(4, Math.ceil(max * 1.1))]; } },
      },
      axes: [
        {
          stroke: "#5b6270",
          grid: { stroke: "#eceef2" },
          splits: xTicks,
          values: xLabels,
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
          // At least 2 px wide: a year of days leaves each under 3 px of the plot.
          paths: uPlot.paths.bars({ size: [0.85, 28, 2], align: 0 }),
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
