/*
 * The gateway's dashboard: polls the management listener's JSON feeds and draws them with Chart.js (bundled
 * in the gateway's jar, served from ./vendor/). Feeds, relative to /dashboard/:
 *   ../v1/stats/latency  every stage's since-start and last-interval distribution, microseconds
 *   ../v1/stats/streams  lag and pending entries per stream partition of the fan-out group
 * Each chart's <figure> carries data-points, the number of points it draws, for people and tests alike.
 */
'use strict';

(() => {
  const LATENCY_FEED = '../v1/stats/latency';
  const STREAMS_FEED = '../v1/stats/streams';
  /** Points kept per time series (throughput, lag): at one per interval, 10 s, that is 20 minutes. */
  const MAX_POINTS = 120;
  /** Poll between these bounds, milliseconds; half a metrics interval in between. */
  const MIN_POLL_MILLIS = 500;
  const MAX_POLL_MILLIS = 5000;
  const MICROS_PER_MILLI = 1000;
  const COLORS = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bc4c00', '#1b7c83', '#bf3989',
    '#57606a', '#4d2d00', '#0550ae', '#6e7781', '#116329', '#a40e26'];

  const statusLine = document.getElementById('status');
  const windowSelect = document.getElementById('window');
  /** Per stage: its since-start count and the end of the interval it was read at (epoch ms). */
  const lastCounts = new Map();
  let lastStreamsPoll = null;
  let latestLatency = null;
  let pollMillis = 1000;

  const color = (index) => COLORS[index % COLORS.length];
  const clockTime = (epochMillis) => new Date(epochMillis).toLocaleTimeString([], {hour12: false});

  /** A percentile (0-100) at HdrHistogram's plotting position 1/(1-p): 0% at 1, 90% at 10, 99% at 100... */
  const percentileLabel = (x) => {
    const percentile = 100 * (1 - 1 / x);
    const digits = Math.max(0, Math.round(Math.log10(x)) - 2);
    return percentile.toFixed(digits) + '%';
  };

  /** Latency in ms as printed: 0.001, 0.05, 2, 500 (no trailing zeros). */
  const millis = (value) => String(Number(value.toPrecision(3)));

  const timeAxis = {
    type: 'linear',
    ticks: {
      maxTicksLimit: 8,
      // A label only where the clock time changes: ticks less than a second apart would repeat it.
      callback: (value, index, ticks) =>
        index > 0 && clockTime(ticks[index - 1].value) === clockTime(value) ? null : clockTime(value),
    },
  };
  const compactLegend = {labels: {boxWidth: 12, font: {size: 11}}};

  // Every chart: a line chart fed ready-made {x, y} points, redrawn without animation at each poll.
  const lineChart = (selector, scales, plugins) => new Chart(document.querySelector(selector), {
    type: 'line',
    data: {datasets: []},
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      interaction: {mode: 'nearest', intersect: false},
      scales,
      plugins,
    },
  });

  // A chart of values over clock time.
  const timeSeriesChart = (selector, yTitle) => lineChart(selector, {
    x: timeAxis,
    y: {type: 'linear', beginAtZero: true, title: {display: true, text: yTitle}},
  }, {
    legend: compactLegend,
    tooltip: {callbacks: {title: (items) => items.length ? clockTime(items[0].parsed.x) : ''}},
  });

  const throughputChart = timeSeriesChart('#throughput canvas', 'samples / s');

  const latencyChart = lineChart('#latency canvas', {
    x: {
      type: 'logarithmic',
      min: 1,
      title: {display: true, text: 'percentile'},
      // Only the decades: 0%, 90%, 99%, 99.9%... as HdrHistogram's plots mark them.
      afterBuildTicks: (axis) => {
        const ticks = [];
        for (let x = 1; x <= axis.max * 1.0001; x *= 10) {
          ticks.push({value: x});
        }
        axis.ticks = ticks;
      },
      ticks: {callback: (value) => percentileLabel(value), autoSkip: false},
    },
    y: {
      type: 'logarithmic',
      title: {display: true, text: 'latency (ms)'},
      ticks: {
        // Labels at 1, 2 and 5 of each decade only.
        callback: (value) => {
          const lead = Math.round(value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9)));
          return lead === 1 || lead === 2 || lead === 5 ? millis(value) : null;
        },
      },
    },
  }, {
    // Stages with no sample in the window have no curve, and no entry.
    legend: {labels: {...compactLegend.labels,
      filter: (item, data) => data.datasets[item.datasetIndex].data.length > 0}},
    tooltip: {
      callbacks: {
        title: (items) => items.length ? percentileLabel(items[0].parsed.x) : '',
        label: (item) => `${item.dataset.label}: ${millis(item.parsed.y)} ms`,
      },
    },
  });
  const streamsChart = timeSeriesChart('#streams canvas', 'entries');

  /** @return the chart's dataset of that label, created (empty, in its colour) when it is new */
  const dataset = (chart, label, index, extra) => {
    let found = chart.data.datasets.find((candidate) => candidate.label === label);
    if (!found) {
      found = Object.assign({
        label, data: [], borderColor: color(index), backgroundColor: color(index),
        pointRadius: 0, borderWidth: 1.5,
      }, extra || {});
      chart.data.datasets.push(found);
    }
    return found;
  };

  const append = (series, point) => {
    series.push(point);
    if (series.length > MAX_POINTS) {
      series.splice(0, series.length - MAX_POINTS);
    }
  };

  /** Redraws a chart and says on its figure how many points it draws. */
  const draw = (chart) => {
    chart.update('none');
    const points = chart.data.datasets.reduce((sum, set) => sum + set.data.length, 0);
    chart.canvas.parentElement.dataset.points = String(points);
  };

  /** One point per stage and interval: samples since the previous reading over the time between them. */
  const updateThroughput = (stats) => {
    Object.entries(stats.stages).forEach(([name, stage], index) => {
      const total = stage.sinceStart;
      if (!total.to) {
        return; // no interval has ended yet
      }
      const to = Date.parse(total.to);
      const previous = lastCounts.get(name);
      const series = dataset(throughputChart, name, index).data;
      if (previous === undefined) {
        const interval = stage.lastInterval;
        const seconds = (Date.parse(interval.to) - Date.parse(interval.from)) / 1000;
        if (seconds > 0) {
          append(series, {x: to, y: interval.count / seconds});
        }
      } else if (to > previous.to) {
        append(series, {x: to, y: (total.count - previous.count) / ((to - previous.to) / 1000)});
      }
      lastCounts.set(name, {count: total.count, to});
    });
    draw(throughputChart);
  };

  /** Every stage's percentile rows, the 100% row left out (it lies at infinity on this axis). */
  const updateLatency = () => {
    if (!latestLatency) {
      return;
    }
    const window = windowSelect.value;
    Object.entries(latestLatency.stages).forEach(([name, stage], index) => {
      const rows = stage[window].percentiles.filter((row) => row.percentile < 100);
      dataset(latencyChart, name, index, {pointRadius: 1.5}).data = rows.map((row) => ({
        x: 1 / (1 - row.percentile / 100),
        y: Math.max(row.value, 1) / MICROS_PER_MILLI,
      }));
    });
    const maxX = latencyChart.data.datasets.reduce(
      (max, set) => set.data.reduce((m, point) => Math.max(m, point.x), max), 10);
    latencyChart.options.scales.x.max = Math.pow(10, Math.ceil(Math.log10(maxX)));
    draw(latencyChart);
  };

  const updateStreams = (streams) => {
    if (!streams.polledAt || streams.polledAt === lastStreamsPoll) {
      return;
    }
    lastStreamsPoll = streams.polledAt;
    const at = Date.parse(streams.polledAt);
    const polled = streams.partitions.filter((partition) => partition.lag >= 0 && partition.pending >= 0);
    if (polled.length === 0) {
      return;
    }
    // The group's pending entries of all partitions as one dashed line, drawn first; then lag per partition.
    const group = polled[0].group;
    append(dataset(streamsChart, `pending, all partitions (${group})`, 0,
      {borderDash: [4, 3], borderColor: '#57606a', backgroundColor: '#57606a'}).data,
    {x: at, y: polled.reduce((sum, partition) => sum + partition.pending, 0)});
    polled.forEach((partition) => {
      append(dataset(streamsChart, `lag, partition ${partition.partition} (${partition.group})`,
        partition.partition).data, {x: at, y: partition.lag});
    });
    draw(streamsChart);
  };

  const fetchJson = async (url) => {
    const response = await fetch(url, {cache: 'no-store'});
    if (!response.ok) {
      throw new Error(`${url}: HTTP ${response.status}`);
    }
    return response.json();
  };

  const showStatus = (state, text) => {
    statusLine.dataset.state = state;
    statusLine.textContent = text;
  };

  /** Fetches both feeds and redraws; a failed fetch is shown on the page, a failure to draw is thrown. */
  const refresh = async () => {
    let latency;
    let streams;
    try {
      [latency, streams] = await Promise.all([fetchJson(LATENCY_FEED), fetchJson(STREAMS_FEED)]);
    } catch (failure) {
      // Shown on the page, not thrown: the gateway may be restarting; the next poll tries again.
      showStatus('error', `feeds unavailable (${failure.message}); retrying`);
      return;
    }
    // A failure to draw is a bug: it is left to reach the console.
    latestLatency = latency;
    pollMillis = Math.min(MAX_POLL_MILLIS, Math.max(MIN_POLL_MILLIS, latency.intervalMillis / 2));
    updateThroughput(latency);
    updateLatency();
    updateStreams(streams);
    showStatus('ok', `updated ${clockTime(Date.now())}; metrics interval ${latency.intervalMillis} ms`);
  };

  /** One refresh at a time: the next is due pollMillis after this one ended, whatever happened. */
  const poll = async () => {
    try {
      await refresh();
    } finally {
      setTimeout(poll, pollMillis);
    }
  };

  windowSelect.addEventListener('change', updateLatency);
  poll();
})();
