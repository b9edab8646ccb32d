/* The statistics charts, drawn from the JSON API over the tables the server rendered.
 *
 * Each <figure data-chart="…"> holds a table with the same figures; this script puts a chart
 * above it and folds the table into a <details>. Without JavaScript, without the chart
 * library or when the API does not answer, the tables simply stay as they are.
 *
 * The chart library (data-chart-library) is loaded into the <head>, once: a page that htmx
 * restores from its history runs the scripts of its body again, this one included.
 */
(function () {
  "use strict";
  if (window.motcuaStatsCharts) {
    return;
  }
  window.motcuaStatsCharts = true;
  const library = document.currentScript && document.currentScript.dataset.chartLibrary;
  if (!library) {
    return;
  }
  let Chart = null;
  const started = new WeakSet();
  const lang = document.documentElement.lang || "vi";
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const rate = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const COLOUR = { brand: "#0a4a86", accent: "#b3261e", ok: "#1d6b35" };
  const LABEL_LENGTH = window.matchMedia("(min-width: 48rem)").matches ? 32 : 18;
  const ROW_HEIGHT = 28;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* Diagonal stripes, so that two series differ by more than their colour. */
  function stripes(colour) {
    const size = 8;
    const tile = document.createElement("canvas");
    tile.width = tile.height = size;
    const pen = tile.getContext("2d");
    pen.fillStyle = "#ffffff";
    pen.fillRect(0, 0, size, size);
    pen.strokeStyle = colour;
    pen.lineWidth = 3;
    pen.beginPath();
    pen.moveTo(0, size);
    pen.lineTo(size, 0);
    pen.moveTo(-1, 1);
    pen.lineTo(1, -1);
    pen.moveTo(size - 1, size + 1);
    pen.lineTo(size + 1, size - 1);
    pen.stroke();
    return pen.createPattern(tile, "repeat");
  }

  /* A rate as the tables write it (8,90 %); the axes use the short form (10 %). */
  function percent(value) {
    return value === null || value === undefined ? "—" : rate.format(value) + " %";
  }

  function tick(value) {
    return number.format(value) + " %";
  }

  function short(label) {
    return label.length > LABEL_LENGTH ? label.slice(0, LABEL_LENGTH - 1) + "…" : label;
  }

  /* 0 to a little above the highest value (the target line included), never past 100 %. */
  function percentAxis() {
    return {
      beginAtZero: true,
      ticks: { callback: tick },
      afterDataLimits: function (scale) {
        scale.max = Math.min(100, Math.max(10, scale.max * 1.1));
      },
    };
  }

  /* Legends and tooltips list the series in their order, whichever is drawn on top. */
  function byDataset(a, b) {
    return a.datasetIndex - b.datasetIndex;
  }

  function options(scales, extra) {
    return Object.assign(
      {
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        scales: scales,
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, sort: byDataset } },
          tooltip: {
            itemSort: byDataset,
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + item.dataset.format(item.raw);
              },
            },
          },
        },
      },
      extra || {}
    );
  }

  function solid(label, values, colour, format) {
    return {
      label: label,
      data: values,
      backgroundColor: colour,
      borderColor: colour,
      borderWidth: 2,
      pointStyle: "rect",
      format: format,
    };
  }

  function striped(label, values, colour, format) {
    return Object.assign(solid(label, values, colour, format), {
      backgroundColor: stripes(colour),
      pointStyle: "rectRot",
    });
  }

  function targetLine(label, values, indexAxis) {
    return {
      type: "line",
      label: label,
      data: values,
      indexAxis: indexAxis,
      borderColor: COLOUR.accent,
      backgroundColor: COLOUR.accent,
      borderDash: [8, 5],
      borderWidth: 2,
      pointStyle: "triangle",
      pointRadius: 4,
      stepped: indexAxis === "x" ? "middle" : false,
      order: -1,  // drawn over the bars
      format: percent,
    };
  }

  /* Horizontal bars, one row per agency or tier, tall enough for every row. */
  function rowsChart(names, datasets, scale) {
    return {
      type: "bar",
      data: { labels: names, datasets: datasets },
      options: options(
        {
          x: scale,
          y: { ticks: { autoSkip: false, callback: function (value) { return short(names[value]); } } },
        },
        { indexAxis: "y", interaction: { mode: "index", intersect: false, axis: "y" } }
      ),
    };
  }

  const CHARTS = {
    series: function (data, text) {
      const months = data.series.map(function (point) {
        return point.month.slice(5) + "/" + point.month.slice(0, 4);
      });
      const online = Object.assign(
        solid(text.online_rate, data.series.map(function (p) { return p.online_rate; }),
              COLOUR.brand, percent),
        { type: "line", pointStyle: "circle", pointRadius: 4, borderWidth: 3 }
      );
      const target = targetLine(text.target, data.series.map(function (p) { return p.target; }),
                                "x");
      return {
        type: "line",
        data: { labels: months, datasets: [online, target] },
        options: options({ y: percentAxis() }),
      };
    },

    tiers: function (data, text) {
      const tiers = data.by_tier;
      return {
        type: "bar",
        data: {
          labels: tiers.map(function (t) { return t.name; }),
          datasets: [
            solid(text.online_share, tiers.map(function (t) { return t.procedures.online_share; }),
                  COLOUR.brand, percent),
            striped(text.online_rate, tiers.map(function (t) { return t.dossiers.online_rate; }),
                    COLOUR.ok, percent),
          ],
        },
        options: options({ y: percentAxis() }),
      };
    },

    agencies: function (data, text) {
      const rows = data.by_agency || [];
      return rowsChart(
        rows.map(function (r) { return r.name; }),
        [
          solid(text.online_rate, rows.map(function (r) { return r.dossiers.online_rate; }),
                COLOUR.brand, percent),
          targetLine(text.target, rows.map(function (r) { return r.target && r.target.online_rate; }),
                     "y"),
        ],
        percentAxis()
      );
    },

    on_time: function (data, text, figure) {
      const rows = data[figure.dataset.rows] || [];
      return rowsChart(
        rows.map(function (r) { return r.name; }),
        [solid(text.on_time_rate, rows.map(function (r) { return r.dossiers.on_time_rate; }),
               COLOUR.ok, percent)],
        percentAxis()
      );
    },

    unused: function (data, text) {
      const items = data.unused_services.items;
      const idle = data.by_tier.map(function (tier) {
        return items.filter(function (item) { return item.tiers.indexOf(tier.tier) >= 0; }).length;
      });
      const used = data.by_tier.map(function (tier, i) { return tier.procedures.online - idle[i]; });
      const chart = rowsChart(
        data.by_tier.map(function (t) { return t.name; }),
        [solid(text.used, used, COLOUR.ok, number.format),
         striped(text.unused, idle, COLOUR.accent, number.format)],
        { beginAtZero: true, stacked: true, ticks: { precision: 0 } }
      );
      chart.options.scales.y.stacked = true;
      return chart;
    },
  };

  /* Once per figure: a canvas above the table, and the table folded under a summary. */
  function canvasOf(figure, text) {
    const existing = figure.querySelector("canvas");
    if (existing) {
      return existing;
    }
    const caption = figure.querySelector("figcaption");
    const box = document.createElement("div");
    box.className = "chart-box";
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", caption ? caption.textContent.trim() : "");
    box.appendChild(canvas);
    const table = figure.querySelector(".table-scroll");
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = text.show_table;
    details.appendChild(summary);
    figure.insertBefore(box, table);
    figure.insertBefore(details, table);
    details.appendChild(table);
    return canvas;
  }

  function drawFigure(figure, data, text) {
    const canvas = canvasOf(figure, text);
    const config = CHARTS[figure.dataset.chart](data, text, figure);
    if (config.options.indexAxis === "y") {  // a band per row and bar, however many rows
      const bars = config.data.datasets.filter(function (d) { return d.type !== "line"; });
      const stacked = config.options.scales.y.stacked;
      const bands = config.data.labels.length * (stacked ? 1 : bars.length);
      canvas.parentNode.style.height = bands * ROW_HEIGHT + 120 + "px";
    }
    const previous = Chart.getChart(canvas);
    if (previous) {
      previous.destroy();
    }
    new Chart(canvas, config);
  }

  /* Charts whose canvas left the page (a swap, a restored page) are let go. */
  function releaseDetached() {
    Object.values(Chart.instances).forEach(function (chart) {
      if (!chart.canvas.isConnected) {
        chart.destroy();
      }
    });
  }

  function draw(root) {
    const url = root.dataset.api;
    const words = root.querySelector("#stats-chart-text");
    if (!url || !words || started.has(root)) {
      return;
    }
    started.add(root);
    releaseDetached();
    const text = JSON.parse(words.textContent);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(new Error(response.statusText));
      })
      .then(function (data) {
        root.querySelectorAll("figure[data-chart]").forEach(function (figure) {
          drawFigure(figure, data, text);
        });
        root.dataset.drawn = url;
      })
      .catch(function () {
        root.dataset.drawn = "";  // the tables stay
      });
  }

  function drawWithin(element) {
    const root = element.id === "stats" ? element : element.querySelector("#stats");
    if (root) {
      draw(root);
    }
  }

  function start() {
    Chart = window.Chart;
    document.addEventListener("htmx:load", function (event) {
      drawWithin(event.target);
    });
    /* The copy htmx keeps for the back button is drawn afresh when it comes back. */
    document.addEventListener("htmx:beforeHistorySave", function () {
      const root = document.getElementById("stats");
      if (root) {
        delete root.dataset.drawn;
      }
    });
    drawWithin(document);
  }

  const tag = document.createElement("script");
  tag.src = library;
  tag.onload = start;
  document.head.appendChild(tag);
})();
