/**
 * The report's inline stylesheet and its one optional script (click a trial
 * table header to sort). Static text only: no summary data is ever interpolated
 * here, so nothing in this file needs escaping.
 */

export const CSS = `
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#f3f5f7; --card:#fff; --accent:#1f6f8b;
  --front:#e07a10; --ok:#2f7d4f; --ok-bg:#e6f4ea; --bad:#b42318; --bad-bg:#fdecea; --warn-bg:#fff7e6; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace; font-size: 12.5px; }
.num, td.n, th.n { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
header.top { background: #1f2933; color: #f5f7fa; padding: 18px 0 14px; }
header.top .wrap { display: flex; justify-content: space-between; align-items: flex-end; gap: 24px; flex-wrap: wrap; }
header.top h1 { margin: 0; font-size: 21px; font-weight: 650; letter-spacing: .01em; }
header.top .sub { color: #cbd2d9; margin-top: 3px; }
header.top .sub code { color: #f5f7fa; font-size: 13px; }
header.top nav a { color: #cbd2d9; text-decoration: none; margin-left: 14px; font-size: 13px; }
header.top nav a:hover { color: #fff; text-decoration: underline; }
.wrap { max-width: 1220px; margin: 0 auto; padding: 0 24px; }
main.wrap { padding-top: 18px; padding-bottom: 32px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 16px 20px 18px; margin-bottom: 16px; break-inside: avoid; }
h2 { font-size: 16px; margin: 0 0 10px; font-weight: 650; }
h2 small { font-weight: 400; color: var(--muted); font-size: 12.5px; margin-left: 8px; }
h3 { font-size: 13px; margin: 0 0 6px; font-weight: 650; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
p.caption, .caption { color: var(--muted); font-size: 12.5px; margin: 8px 0 0; }
.grid { display: grid; gap: 16px; }
.g4 { grid-template-columns: minmax(0, 0.95fr) minmax(0, 0.8fr) minmax(0, 1.4fr) minmax(0, 1.25fr); }
.g3 { grid-template-columns: repeat(3, minmax(0, 1fr)); }
.g2 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
@media (max-width: 900px) { .g4, .g3, .g2 { grid-template-columns: minmax(0, 1fr); } }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 3px 12px; margin: 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; font-variant-numeric: tabular-nums; }
ul.expl { margin: 8px 0 0; padding-left: 18px; color: var(--muted); font-size: 12.5px; }
ul.expl li { margin: 1px 0; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 11.5px; font-weight: 600; line-height: 1.5; white-space: nowrap; }
.badge.fits { background: var(--ok-bg); color: var(--ok); }
.badge.exceeds { background: var(--bad-bg); color: var(--bad); }
.badge.nolimit { background: #eef1f4; color: var(--muted); }
.est { color: var(--muted); font-size: 11px; font-weight: 500; border-bottom: 1px dotted var(--muted); cursor: help; }
.headline { display: grid; grid-template-columns: 300px 1fr; gap: 28px; align-items: start; }
@media (max-width: 900px) { .headline { grid-template-columns: 1fr; } }
.bigacc { font-size: 42px; font-weight: 700; line-height: 1.05; font-variant-numeric: tabular-nums; color: var(--accent); }
.bigacc small { font-size: 14px; font-weight: 600; color: var(--muted); margin-left: 6px; }
.accline { margin-top: 6px; color: var(--muted); font-variant-numeric: tabular-nums; }
.accline b { color: var(--ink); }
.modelid { margin-top: 12px; font-size: 13px; color: var(--muted); }
.meters { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 18px; }
@media (max-width: 900px) { .meters { grid-template-columns: 1fr; } }
.meter .label { display: flex; justify-content: space-between; align-items: baseline; font-weight: 600; }
.meter .value { white-space: nowrap; font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; margin: 2px 0 4px; }
.meter .value small { font-size: 13px; color: var(--muted); font-weight: 500; }
.bar { position: relative; height: 8px; background: #eef1f4; border-radius: 4px; overflow: hidden; }
.bar i { position: absolute; left: 0; top: 0; bottom: 0; background: var(--accent); border-radius: 4px; }
.bar.over i { background: var(--bad); }
.meter .src { color: var(--muted); font-size: 12px; margin-top: 5px; }
.alert { border-left: 4px solid var(--bad); background: var(--bad-bg); padding: 10px 14px; border-radius: 4px; margin-bottom: 12px; }
.alert.warn { border-color: var(--front); background: var(--warn-bg); }
.alert b { display: block; font-size: 15px; margin-bottom: 2px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; color: var(--muted); font-size: 12.5px; margin: 2px 0 8px; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.legend svg { flex: none; }
.chart { width: 100%; height: auto; display: block; }
.plots figure { margin: 0; }
.plots figcaption { font-size: 12.5px; font-weight: 600; margin-bottom: 2px; }
.tablewrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { padding: 4px 7px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: #f7f8fa; text-align: left; font-weight: 600; color: var(--muted); white-space: nowrap; border-bottom: 1px solid #cbd2d9; z-index: 1; }
thead tr.group th { text-align: center; font-weight: 500; font-size: 11.5px; padding: 4px 7px 2px; border-bottom: 0; }
thead tr.group th:not(:empty) { border-bottom: 1px solid #cbd2d9; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
tbody tr:hover td { background: #f0f5f8; }
tfoot td { font-weight: 650; border-top: 1px solid #cbd2d9; border-bottom: 0; background: #f7f8fa; }
tr.chosen td { background: #eef6fa !important; font-weight: 600; }
td.over { color: var(--bad); font-weight: 600; }
td.note { color: var(--muted); min-width: 190px; white-space: normal; }
td.nw { white-space: nowrap; }
table.trials td.n, table.trials th.n { width: 1%; }
td.dim { color: #9aa5b1; }
.pill { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 11.5px; font-weight: 600; }
.pill.infeasible { background: #eef1f4; color: #7b8794; }
.pill.pruned { background: #eef2f8; color: #52709c; }
.pill.trained { background: #e3ecf7; color: #2d4f80; }
.pill.finalist { background: #e0f0f4; color: #155e75; }
.pill.failed { background: var(--bad-bg); color: var(--bad); }
.mark { color: var(--front); font-weight: 700; }
.js th.sort { cursor: pointer; user-select: none; }
.js th.sort::after { content: ' ↕'; color: #cbd2d9; font-weight: 400; }
.js th.sort[aria-sort=ascending]::after { content: ' ▲'; color: var(--accent); }
.js th.sort[aria-sort=descending]::after { content: ' ▼'; color: var(--accent); }
.accbars { display: grid; grid-template-columns: 64px 1fr 70px; gap: 6px 10px; align-items: center; font-variant-numeric: tabular-nums; }
.accbars .bar { height: 14px; border-radius: 3px; }
.accbars .bar i { border-radius: 3px; }
.accbars .bar.float i { background: #9aa5b1; }
.muted { color: var(--muted); }
ol.notes { margin: 0; padding-left: 20px; }
ol.notes li { margin: 3px 0; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 4px 0 28px; }
@media print { body { background: #fff; } section { border: 0; padding: 8px 0; } header.top nav, .js th.sort::after { display: none; } }
`;

/** Click a header of a `table.sortable` to sort by the cells' `data-v` (numeric when both parse); empty values stay last. */
export const SORT_JS = `
document.documentElement.classList.add('js');
document.querySelectorAll('table.sortable').forEach(function (t) {
  var ths = t.tHead.rows[t.tHead.rows.length - 1].cells;
  Array.prototype.forEach.call(ths, function (th, i) {
    th.classList.add('sort');
    th.addEventListener('click', function () {
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      Array.prototype.forEach.call(ths, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      var body = t.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (r) { var c = r.cells[i]; var v = c.getAttribute('data-v'); return v === null ? c.textContent.trim() : v; };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1;
        var nx = Number(x), ny = Number(y);
        var c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
        return c * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
`;
