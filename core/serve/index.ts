// The status pages: a cached status, rendered as HTML and JSON by a small read-only server that
// `runlevel serve` and the sync agent both start.
export { assembleStatus, deployStatus, type StatusFacts } from './assemble.js';
export { type CacheOptions, type StatusCache, statusCache } from './cache.js';
export { applyFilter, type Filter, parseFilter } from './filter.js';
export { fleetRowOf } from './fleet.js';
export { clusterSummary, fleetSummary, renderCluster, renderFleet, stateWords } from './render.js';
export {
  bearerGuard,
  type RunningServer,
  type ServerOptions,
  startServer,
  statusHandler,
} from './server.js';
export type * from './types.js';
export { emptyCounts, States } from './types.js';
