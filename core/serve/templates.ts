// The pages' handlebars templates. Kept in code, not in files beside it, so the compiled core
// carries them without a copy step. Every value is escaped by handlebars ({{ }}; never {{{ }}}).

const head = `<!doctype html>
<html lang="en"{{#if page.refresh}} data-refresh="{{page.refresh}}"{{/if}}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{#if page.refresh}}<noscript><meta http-equiv="refresh" content="{{page.refresh}}"></noscript>{{/if}}
<title>{{page.title}}</title>
<link rel="stylesheet" href="{{page.base}}static/style.css">
<script>{{{page.script}}}</script>
</head>
<body>`;

const foot = `<footer class="muted">
<p>Read-only. Facts read {{time status.refreshed}}.
{{#if page.refresh}}This page reloads every {{page.refresh}} s: <a href="?refresh=0">pause</a>.{{/if}}
{{#if page.paused}}Reloading paused: <a href="?">resume</a>.{{/if}}
The same data as JSON: {{#each page.api}}<a href="{{this.href}}">{{this.label}}</a>{{#unless @last}} · {{/unless}}{{/each}}.</p>
</footer>
</body>
</html>`;

const commitCell = `<code title="{{commit}}">{{commit12 commit}}</code> {{subject}}{{#if author}} <small>({{author}}{{#if date}}, {{time date}}{{/if}})</small>{{/if}}`;

// What only the sync agent knows; where none serves the page (runlevel serve), it says so.
const agentSection = `<section aria-labelledby="h-agent">
<h2 id="h-agent">Sync agent</h2>
{{#if status.agent.running}}{{#with status.agent}}<dl class="facts" id="agent">
<dt>State</dt><dd><span class="state s-{{agentTone state}}">{{state}}</span>{{#unless ready}} <small>(first sync not finished)</small>{{/unless}}</dd>
{{#if source}}<dt>Follows</dt><dd>{{source}}</dd>{{/if}}
<dt>Commit deployed</dt><dd>{{#with deployed}}${commitCell}{{else}}none yet{{/with}}</dd>
<dt>Newest seen</dt><dd>{{#with newest}}${commitCell}{{else}}none yet{{/with}}</dd>
{{#with refused}}<dt>Refused</dt><dd><span class="state s-failed">refused</span> <code title="{{commit}}">{{commit12 commit}}</code>: {{reason}}</dd>{{/with}}
{{#with failure}}<dt>Last failure</dt><dd><span class="state s-failed">{{cause}}</span>{{#if commit}} at <code title="{{commit}}">{{commit12 commit}}</code>{{/if}}: {{reason}}</dd>
<dt>Backoff</dt><dd>attempt {{attempts}}, next try {{time retryAt}}</dd>{{/with}}
<dt>Drifted objects</dt><dd>{{or drifted 0}}</dd>
<dt>Last sync</dt><dd>{{#with lastSync}}{{time at}} ({{trigger}}), left {{state}}{{else}}none yet{{/with}}</dd>
</dl>{{/with}}{{else}}<p id="agent"><span class="state s-not-deployed">no agent</span>: <code>runlevel serve</code> shows this page; the agent's state, the newest commit it saw, its refusals and backoff show where the sync agent serves it.</p>{{/if}}
</section>`;

const stateCell = `<span class="state s-{{state}}">{{word state}}</span>`;

export const clusterTemplate = `${head}
<header>
<p class="muted">runlevel · cluster</p>
<h1>{{status.cluster}} <span class="state s-{{summary.state}}">{{summary.word}}</span></h1>
{{#if status.error}}<p class="banner" role="alert"><strong>Not refreshed:</strong> {{status.error}}</p>{{/if}}
{{#each page.problems}}<p class="banner" role="alert">{{this}}</p>{{/each}}
</header>
<main>
<section aria-labelledby="h-summary">
<h2 id="h-summary">Summary</h2>
<dl class="facts">
<dt>Core pinned</dt><dd>{{or status.core.pinned "not pinned"}}</dd>
<dt>Core of last deploy</dt><dd>{{or status.core.deployed "never deployed"}}</dd>
<dt>Core serving this page</dt><dd>{{status.core.serving}}</dd>
<dt>Commit deployed</dt><dd><code>{{or status.commit.deployed "none"}}</code></dd>
{{#with status.commit.newest}}<dt>Newest commit</dt><dd><code>{{commit}}</code> {{subject}}{{#if author}} <small>({{author}}, {{time date}})</small>{{/if}}</dd>{{/with}}
<dt>Sync agent</dt><dd>{{#if status.agent.running}}<a href="#h-agent">{{status.agent.state}}</a>{{else}}no agent{{/if}}</dd>
</dl>
<ul class="counts" aria-label="releases by state">
{{#each summary.counts}}<li><a href="?state={{this.state}}"><span class="state s-{{this.state}}">{{this.count}} {{word this.state}}</span></a></li>{{/each}}
</ul>
</section>
${agentSection}
<section aria-labelledby="h-releases">
<h2 id="h-releases">Runlevels and releases</h2>
<form class="filter" method="get" action="" role="search">
<label>Release <input name="release" value="{{page.filter.release}}" placeholder="part of a name"></label>
<label>Namespace <input name="namespace" value="{{page.filter.namespace}}"></label>
<label>State <select name="state"><option value="">any</option>{{#each page.states}}<option value="{{this.value}}"{{#if this.selected}} selected{{/if}}>{{this.label}}</option>{{/each}}</select></label>
{{#if page.paused}}<input type="hidden" name="refresh" value="0">{{/if}}
<button type="submit">Filter</button>{{#if page.filtered}} <a href="?">show all</a>{{/if}}
</form>
{{#each status.runlevels}}
<h3 id="rl-{{name}}">Runlevel {{name}}</h3>
{{#if releases.length}}<table>
<thead><tr><th>Release</th><th>Namespace</th><th>Chart</th><th>Revision</th><th>State</th><th>Ready</th></tr></thead>
<tbody>
{{#each releases}}<tr id="r-{{namespace}}-{{release}}" data-state="{{state}}">
<td data-label="Release"><strong>{{release}}</strong></td>
<td data-label="Namespace">{{namespace}}</td>
<td data-label="Chart">{{chart}}</td>
<td data-label="Revision" class="num">{{or revision "–"}}</td>
<td data-label="State">${stateCell}<br><small>{{reason}}</small>
{{#if drift}}<ul class="drift">{{#each drift}}<li><code>{{object}}</code>{{#if missing}}: missing{{/if}}{{#each fields}}<br><code>{{path}}</code>{{#if live}}: {{live}} (live), {{want}} (values){{else}}: changed{{/if}}{{/each}}</li>{{/each}}</ul>{{/if}}</td>
<td data-label="Ready">{{#if ready}}<span class="state s-yes">ready</span>{{else}}<span class="state s-no">not ready</span>{{#each notReady}}<br><small>{{this}}</small>{{/each}}{{/if}}</td>
</tr>{{/each}}
</tbody>
</table>{{else}}<p class="muted">No release of this runlevel is enabled.</p>{{/if}}
{{else}}<p>No release matches.</p>
{{/each}}
{{#if status.orphans.length}}<h3>Removed from values</h3><ul>{{#each status.orphans}}<li>{{runlevel}} · {{namespace}}/{{release}}: pruned by the next deploy</li>{{/each}}</ul>{{/if}}
</section>
<section aria-labelledby="h-deploys">
<h2 id="h-deploys">Last deploys</h2>
{{#if status.deploys.length}}<table>
<thead><tr><th>Started</th><th>Command</th><th>Outcome</th><th>Duration</th><th>Core</th><th>Commit</th><th>Where it failed</th></tr></thead>
<tbody>
{{#each status.deploys}}<tr data-outcome="{{outcome}}">
<td data-label="Started" class="when">{{time started}}</td>
<td data-label="Command">{{command}}</td>
<td data-label="Outcome"><span class="state s-{{outcome}}">{{outcome}}</span></td>
<td data-label="Duration" class="num">{{seconds seconds}}</td>
<td data-label="Core">{{coreVersion}}</td>
<td data-label="Commit"><code>{{valuesCommit}}</code></td>
<td data-label="Where it failed">{{#with failure}}{{#if runlevel}}runlevel <strong>{{runlevel}}</strong>{{/if}}{{#if release}}, release <strong>{{release}}</strong>{{/if}} ({{step}}): {{message}}{{else}}–{{/with}}</td>
</tr>{{/each}}
</tbody>
</table>{{else}}<p>No deploy recorded.</p>{{/if}}
</section>
<section aria-labelledby="h-images">
<h2 id="h-images">Images</h2>
{{#if status.images.length}}<table>
<thead><tr><th>Image</th><th>Pulled from</th><th>Digest</th><th>Used by</th></tr></thead>
<tbody>
{{#each status.images}}<tr>
<td data-label="Image"><code>{{source}}</code>{{#if core}} <small>(runlevel core)</small>{{/if}}</td>
<td data-label="Pulled from">{{#if (eq target source)}}<small>no mirror</small>{{else}}<code>{{target}}</code>{{/if}}</td>
<td data-label="Digest">{{#if digest}}<code title="{{digest}}">{{short digest}}</code>{{else}}<small>not pinned</small>{{/if}}</td>
<td data-label="Used by">{{#each releases}}{{this}}{{#unless @last}}, {{/unless}}{{/each}}</td>
</tr>{{/each}}
</tbody>
</table>{{else}}<p>No image listed.</p>{{/if}}
</section>
</main>
${foot}`;

export const fleetTemplate = `${head}
<header>
<p class="muted">runlevel · fleet</p>
<h1>Fleet <span class="state s-{{summary.state}}">{{summary.word}}</span></h1>
{{#if status.error}}<p class="banner" role="alert">{{status.error}}</p>{{/if}}
</header>
<main>
<section aria-labelledby="h-clusters">
<h2 id="h-clusters">Clusters</h2>
<form class="filter" method="get" action="" role="search">
<label>Cluster <input name="cluster" value="{{page.filter.cluster}}"></label>
{{#if page.paused}}<input type="hidden" name="refresh" value="0">{{/if}}
<label>Health <select name="health"><option value="">any</option>{{#each page.healths}}<option value="{{this.value}}"{{#if this.selected}} selected{{/if}}>{{this.value}}</option>{{/each}}</select></label>
<button type="submit">Filter</button>
</form>
<table>
<thead><tr><th>Cluster</th><th>Health</th><th>Core pinned</th><th>Core deployed</th><th>Commit</th><th>Releases</th><th>Last deploy</th></tr></thead>
<tbody>
{{#each status.clusters}}<tr id="c-{{cluster}}" data-health="{{health}}">
<td data-label="Cluster"><strong>{{cluster}}</strong> <small>{{environment}}</small></td>
<td data-label="Health"><span class="state s-{{health}}">{{health}}</span>{{#if error}}<br><small>{{error}}</small>{{/if}}</td>
<td data-label="Core pinned">{{core.pinned}}</td>
<td data-label="Core deployed">{{or core.deployed "–"}}</td>
<td data-label="Commit"><code>{{or commit "–"}}</code></td>
<td data-label="Releases">{{#with counts}}{{in-sync}} in sync · {{drifted}} drifted · {{failed}} failed · {{out-of-sync}} out of sync · {{not-deployed}} not deployed{{else}}unknown{{/with}}</td>
<td data-label="Last deploy">{{#with lastDeploy}}<span class="state s-{{outcome}}">{{outcome}}</span> {{time started}}{{#if failedAt}}<br><small>failed at {{failedAt}}</small>{{/if}}{{else}}none{{/with}}</td>
</tr>{{else}}<tr><td colspan="7">No cluster matches.</td></tr>{{/each}}
</tbody>
</table>
</section>
</main>
${foot}`;
