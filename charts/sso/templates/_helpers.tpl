{{- define "sso.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: runlevel
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- define "sso.domain" -}}{{ required "global.cluster.domain is required" .Values.global.cluster.domain }}{{- end }}
{{- define "sso.hostname" -}}{{ .Values.hostname | default (printf "keycloak.%s" (include "sso.domain" .)) }}{{- end }}
{{- define "sso.authHostname" -}}{{ .Values.authProxy.hostname | default (printf "auth.%s" (include "sso.domain" .)) }}{{- end }}
{{- define "sso.scheme" -}}{{ ternary "https" "http" (and .Values.ingress.enabled .Values.ingress.tls.enabled) }}{{- end }}
{{- define "sso.issuer" -}}{{ include "sso.scheme" . }}://{{ include "sso.hostname" . }}/realms/{{ .Values.realm }}{{- end }}
{{- define "sso.adminPassword" -}}{{ required "adminPassword is required (platform.sso.adminPassword, from a .sops.yaml)" .Values.adminPassword }}{{- end }}

{{- /* Derived, deterministic secrets: a render never contains random data. */ -}}
{{- define "sso.proxyClientSecret" -}}
{{- .Values.authProxy.clientSecret | default (printf "runlevel/oauth2-proxy/client/%s" (include "sso.adminPassword" .) | sha256sum | trunc 40) -}}
{{- end }}
{{- define "sso.proxyCookieSecret" -}}
{{- .Values.authProxy.cookieSecret | default (printf "runlevel/oauth2-proxy/cookie/%s" (include "sso.adminPassword" .) | sha256sum | trunc 32) -}}
{{- end }}

{{- /* An app's ingress host. The same rule is in helmfile.d/90-apps.yaml.gotmpl: keep them equal. */ -}}
{{- define "sso.appHost" -}}
{{- .app.ingress.host | default (printf "%s-%s.%s" .name .team .domain) -}}
{{- end }}

{{- define "sso.groupsMapper" -}}
{{- dict "name" "groups" "protocol" "openid-connect" "protocolMapper" "oidc-group-membership-mapper" "config" (dict "full.path" "true" "claim.name" "groups" "id.token.claim" "true" "access.token.claim" "true" "userinfo.token.claim" "true") | toJson -}}
{{- end }}

{{- /* The realm import, as JSON with sorted keys: groups per team, users per member, clients per app. */ -}}
{{- define "sso.realm" -}}
{{- $domain := include "sso.domain" . -}}
{{- $scheme := include "sso.scheme" . -}}
{{- $mapper := include "sso.groupsMapper" . | fromJson -}}
{{- $groups := list -}}
{{- $userGroups := dict -}}
{{- $clients := list -}}
{{- range $team, $t := .Values.teams -}}
{{- $groups = append $groups (dict "name" (printf "team-%s" $team) "subGroups" (list (dict "name" "admin") (dict "name" "edit") (dict "name" "view"))) -}}
{{- range $t.members | default list -}}
{{- $_ := set $userGroups .name (append (get $userGroups .name | default list) (printf "/team-%s/%s" $team .role)) -}}
{{- end -}}
{{- range $name := $t.apps | default list -}}
{{- $app := get $.Values.apps $name -}}
{{- if and $app (ne (toString $app.enabled) "false") $app.ingress $app.ingress.enabled -}}
{{- $host := include "sso.appHost" (dict "app" $app "name" $name "team" $team "domain" $domain) -}}
{{- $clients = append $clients (dict "clientId" (printf "%s-%s" $team $name) "name" (printf "%s (team %s)" $name $team) "enabled" true "publicClient" true "standardFlowEnabled" true "directAccessGrantsEnabled" false "rootUrl" (printf "%s://%s" $scheme $host) "redirectUris" (list (printf "%s://%s/*" $scheme $host)) "webOrigins" (list (printf "%s://%s" $scheme $host)) "attributes" (dict "pkce.code.challenge.method" "S256") "protocolMappers" (list $mapper)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if .Values.authProxy.enabled -}}
{{- $auth := include "sso.authHostname" . -}}
{{- $clients = append $clients (dict "clientId" "oauth2-proxy" "name" "platform auth proxy" "enabled" true "publicClient" false "secret" (include "sso.proxyClientSecret" .) "standardFlowEnabled" true "directAccessGrantsEnabled" false "rootUrl" (printf "%s://%s" $scheme $auth) "redirectUris" (list (printf "%s://%s/oauth2/callback" $scheme $auth)) "webOrigins" (list (printf "%s://%s" $scheme $auth)) "protocolMappers" (list $mapper)) -}}
{{- end -}}
{{- $users := list -}}
{{- range $email, $memberOf := $userGroups -}}
{{- $users = append $users (dict "username" $email "email" $email "enabled" true "emailVerified" true "groups" $memberOf) -}}
{{- end -}}
{{- dict "realm" .Values.realm "enabled" true "sslRequired" (ternary "external" "none" (eq $scheme "https")) "registrationAllowed" false "loginWithEmailAllowed" true "groups" $groups "users" $users "clients" $clients | toPrettyJson -}}
{{- end }}
