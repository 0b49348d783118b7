// Every migration of the values contract, in order. A new one: the next file NNNN-<what>.ts with
// `to` one above the last, listed here, and contractVersion (core/values/contract.ts) set to it.
import type { Migration } from '../types.js';
import { migration as m0001 } from './0001-app-target-cpu-percent.js';
import { migration as m0002 } from './0002-keycloak-hostname.js';

export const migrations: readonly Migration[] = [m0001, m0002];
