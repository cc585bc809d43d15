package io.storycast.bench;

import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The latency-percentile chart of a comparison run, drawn the way HdrHistogram plots a distribution: the
 * x axis is {@code 1 / (1 - percentile)} on a log scale, so 90%, 99%, 99.9% and 99.99% are evenly spaced
 * decades and the tail gets as much room as the median; the y axis is the latency in milliseconds, log
 * scaled too, so sub-millisecond and multi-second curves are both readable. One line per open-model phase.
 */
final class LatencyChart {
    /** Points per halving of the distance to 100%, as HdrHistogram's percentile output uses. */
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    /** Drawn below this, a latency would break the log axis: values under a microsecond are drawn at it. */
    private static final double FLOOR_MILLIS = 0.001;
    private static final Color[] COLORS = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private LatencyChart() {
    }

    /**
     * Writes the chart as a PNG.
     *
     * @param subtitle a line under the title: the run's date and machine
     */
    static void write(List<Latency> latencies, Path png, String subtitle) throws IOException {
        List<double[][]> curves = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double highestDecade = 1;
        double lowestMillis = Double.MAX_VALUE;
        double highestMillis = 0;
        for (Latency latency : latencies) {
            if (latency.histogram().getTotalCount() == 0) {
                continue;
            }
            List<double[]> points = new ArrayList<>();
            for (HistogramIterationValue point : latency.histogram().percentiles(TICKS_PER_HALF_DISTANCE)) {
                double percentile = point.getPercentileLevelIteratedTo();
                if (percentile >= 100) {
                    break; // 1 / (1 - 1) is infinite; the last finite point is the highest value's
                }
                double millis = Math.max(FLOOR_MILLIS, point.getValueIteratedTo() / 1000.0);
                points.add(new double[] {Math.log10(1 / (1 - percentile / 100)), Math.log10(millis)});
                highestDecade = Math.max(highestDecade, Math.ceil(Math.log10(1 / (1 - percentile / 100))));
                lowestMillis = Math.min(lowestMillis, millis);
                highestMillis = Math.max(highestMillis, millis);
            }
            curves.add(points.toArray(new double[0][]));
            names.add(String.format("%s (n=%,d)", latency.name(), latency.histogram().getTotalCount()));
        }
        XYChart chart = new XYChartBuilder().width(1400).height(820)
                .title("Latency by percentile, open model, from each request's due time (" + subtitle + ")")
                .xAxisTitle("percentile (log scale of 1 / (1 - p))").yAxisTitle("latency, ms (log scale)").build();
        AxesChartStyler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Vertical);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xdddddd));
        styler.setSeriesColors(COLORS);
        // XChart's own log axes cannot take custom labels, so the curves are drawn in log10 units on linear
        // axes and only the whole decades are labelled: 90%, 99%, 99.9%, ... and 0.1, 1, 10, ... ms.
        styler.setXAxisMin(0.0).setXAxisMax(highestDecade)
                .setYAxisMin(Math.floor(Math.log10(lowestMillis))).setYAxisMax(Math.ceil(Math.log10(highestMillis)))
                .setxAxisTickLabelsFormattingFunction(LatencyChart::percentileLabel)
                .setyAxisTickLabelsFormattingFunction(LatencyChart::millisLabel);
        for (int i = 0; i < curves.size(); i++) {
            double[][] points = curves.get(i);
            double[] x = new double[points.length];
            double[] y = new double[points.length];
            for (int p = 0; p < points.length; p++) {
                x[p] = points[p][0];
                y[p] = points[p][1];
            }
            chart.addSeries(names.get(i), x, y).setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Decade {@code d} of {@code 1 / (1 - p)}: 0 → 0%, 1 → 90%, 2 → 99%, 3 → 99.9%, ...; between decades nothing. */
    static String percentileLabel(double decade) {
        if (Math.abs(decade - Math.rint(decade)) > 1e-6) {
            return " ";
        }
        int whole = (int) Math.rint(decade);
        return whole == 0 ? "0%" : String.format("%." + Math.max(0, whole - 2) + "f%%", 100 * (1 - Math.pow(10, -whole)));
    }

    /** Decade {@code d} of milliseconds: -1 → 0.1, 0 → 1, 2 → 100, ...; between decades nothing. */
    static String millisLabel(double decade) {
        if (Math.abs(decade - Math.rint(decade)) > 1e-6) {
            return " ";
        }
        int whole = (int) Math.rint(decade);
        return whole >= 0 ? String.format("%,d", (long) Math.pow(10, whole)) : String.format("%." + -whole + "f", Math.pow(10, whole));
    }
}
