// The one stylesheet, served by the page's own server (no external asset: air-gapped). Readable at
// 360 px (tables turn into stacked rows) and on a large screen; light and dark by the system's
// choice. State colours are Primer's, each AA (≥ 4.5:1) on its background, and never alone: every
// state also has a word and an icon.
export const stylesheet = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;
--ok:#1a7f37;--warn:#9a6700;--drift:#bc4c00;--bad:#cf222e;--none:#59636e;--link:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;
--panel:#151b23;--ok:#3fb950;--warn:#d29922;--drift:#f0883e;--bad:#ff7b72;--none:#9198a1;--link:#4493f8}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
a{color:var(--link)}
header,main,footer{max-width:80rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .3rem}
.muted,small{color:var(--muted)}
.banner{border:2px solid var(--bad);padding:.5rem .75rem;margin:.5rem 0;border-radius:4px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
.counts{display:flex;flex-wrap:wrap;gap:.4rem 1rem;padding:0;list-style:none}
.state{font-weight:600;white-space:nowrap}
.state::before{display:inline-block;width:1.2em;font-weight:700}
.s-in-sync,.s-healthy,.s-succeeded,.s-yes{color:var(--ok)}.s-in-sync::before,.s-healthy::before,.s-succeeded::before,.s-yes::before{content:"✔"}
.s-out-of-sync,.s-running,.s-unknown{color:var(--warn)}.s-out-of-sync::before,.s-running::before,.s-unknown::before{content:"↻"}
.s-drifted,.s-degraded,.s-interrupted{color:var(--drift)}.s-drifted::before,.s-degraded::before,.s-interrupted::before{content:"≠"}
.s-failed,.s-unreachable,.s-no{color:var(--bad)}.s-failed::before,.s-unreachable::before,.s-no::before{content:"✗"}
.s-not-deployed{color:var(--none)}.s-not-deployed::before{content:"○"}
form.filter{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;background:var(--panel);padding:.6rem;border-radius:4px}
form.filter label{display:flex;flex-direction:column;font-size:.9rem}
input,select,button{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:.3rem .4rem;min-height:2.2rem}
button{cursor:pointer}
table{border-collapse:collapse;width:100%;margin:.3rem 0}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
td{overflow-wrap:anywhere}
th{font-size:.85rem;color:var(--muted);font-weight:600}
td.num{font-variant-numeric:tabular-nums}
td.when{white-space:nowrap;overflow-wrap:normal}
code{font:.9em ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
ul.drift{margin:.2rem 0 0;padding-left:1.1rem}
footer{margin:2rem auto 1rem;font-size:.9rem}
@media (max-width:40rem){
 table,thead,tbody,tr,th,td{display:block}
 thead{position:absolute;left:-9999px}
 td.when{white-space:normal}
 tr{border:1px solid var(--line);border-radius:4px;margin:.5rem 0;padding:.3rem}
 td{border:0;padding:.15rem .3rem}
 td::before{content:attr(data-label);display:block;color:var(--muted);font-size:.85rem}
}
`;
