/**
 * The run report: `renderReport(summary)` turns a `ForgeSummary` into one
 * self-contained HTML page; the SVG helpers and formatters are reusable by the
 * dashboard. Pure functions only: writing the file is the caller's job.
 */
export { renderReport } from './html.js';
export { scatter, lineChart, heatmap, hbars, linearTicks, PALETTE } from './svg.js';
export type { ScatterPoint, ScatterOptions, LineSeries, LineChartOptions, HeatmapOptions, Bar, BarOptions, ScaleKind } from './svg.js';
export { esc, fmtBytes, fmtBytesShort, fmtCount, fmtDuration, fmtHz, fmtInt, fmtLr, fmtMs, fmtPct, fmtPp, fmtShape } from './format.js';
