// Contract 2: platform.sso.hostname → platform.sso.keycloak.hostname.
import type { Migration } from '../types.js';

export const migration: Migration = {
  to: 2,
  title: 'platform.sso.hostname moved to platform.sso.keycloak.hostname',
  why: "it is Keycloak's host name (the OIDC issuer), not the auth proxy's (auth.<domain>): it now sits with Keycloak's other settings, and sso.hostname no longer reads as the host of the whole SSO",
  steps: [
    {
      kind: 'move',
      from: ['platform', 'sso', 'hostname'],
      to: ['platform', 'sso', 'keycloak', 'hostname'],
    },
  ],
};
