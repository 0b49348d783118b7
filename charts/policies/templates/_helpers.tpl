{{- /*
Everything here is derived from the files in policies/ (reached through the `rego` symlink):
catalog.yaml lists the policies, policies/<id>/policy.rego and policies/lib/ are the Rego. No
policy text lives in this chart, so the in-cluster policies cannot drift from `runlevel check`.
*/ -}}

{{- define "policies.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: runlevel
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- /* The catalog as JSON (include returns strings): {<id>: {package, title, hint, match, inCluster, parameters}}. */ -}}
{{- define "policies.catalog" -}}
{{- $doc := .Files.Get "rego/catalog.yaml" | fromYaml -}}
{{- if not $doc.catalog }}{{ fail "charts/policies/rego/catalog.yaml is missing: the rego symlink must point at policies/" }}{{ end -}}
{{- $doc.catalog | toJson -}}
{{- end }}

{{- /* Constraint kind of a policy id: image-tag -> RunlevelImageTag. */ -}}
{{- define "policies.kind" -}}
Runlevel{{ . | replace "-" "_" | camelcase }}
{{- end }}

{{- /* A policy's settings with the defaults applied: {enabled, enforcement, excludedNamespaces}. Arg: (list $ id). */ -}}
{{- define "policies.settings" -}}
{{- $root := index . 0 -}}{{- $id := index . 1 -}}
{{- $p := index $root.Values.policies $id | default dict -}}
{{- $ex := $p.exceptions | default dict -}}
{{- $excluded := list -}}
{{- range $ex.namespaces | default list }}{{ $excluded = append $excluded . }}{{ end -}}
{{- range $ex.teams | default list }}{{ $excluded = append $excluded (printf "team-%s" .) }}{{ end -}}
{{- dict "enabled" (ternary true $p.enabled (kindIs "invalid" $p.enabled)) "enforcement" ($p.enforcement | default "deny") "excludedNamespaces" ($excluded | uniq | sortAlpha) | toJson -}}
{{- end }}

{{- /* The policy's parameters, from the values that concern it, and its exceptions. Arg: (list $ id). */ -}}
{{- define "policies.parameters" -}}
{{- $root := index . 0 -}}{{- $id := index . 1 -}}
{{- $params := dict -}}
{{- if eq $id "allowed-registries" -}}
{{- $params = dict "mirror" ($root.Values.global.registry.mirror | default "") "allowed" $root.Values.allowedRegistries -}}
{{- else if eq $id "ingress-host" -}}
{{- $params = dict "domain" ($root.Values.global.cluster.domain | default "") -}}
{{- end -}}
{{- $exceptions := include "policies.exceptions" . | fromJsonArray -}}
{{- if $exceptions }}{{ $_ := set $params "exceptions" $exceptions }}{{ end -}}
{{- $params | toJson -}}
{{- end }}

{{- /*
exceptions.releases and .objects as the list lib/runlevel/exceptions.rego matches, each with the
values path that grants it (core/check/settings.ts builds the same for `runlevel check`). Arg: (list $ id).
*/ -}}
{{- define "policies.exceptions" -}}
{{- $root := index . 0 -}}{{- $id := index . 1 -}}
{{- $ex := (index $root.Values.policies $id | default dict).exceptions | default dict -}}
{{- $at := printf "platform.policies.%s.exceptions" $id -}}
{{- $out := list -}}
{{- range $i, $e := $ex.releases | default list -}}
{{- $entry := dict "key" (printf "%s.releases[%d]" $at $i) "reason" $e.reason "release" $e.name -}}
{{- with $e.namespace }}{{ $_ := set $entry "namespace" . }}{{ end -}}
{{- $out = append $out $entry -}}
{{- end -}}
{{- range $i, $e := $ex.objects | default list -}}
{{- $entry := dict "key" (printf "%s.objects[%d]" $at $i) "reason" $e.reason "kind" $e.kind "name" $e.name -}}
{{- with $e.namespace }}{{ $_ := set $entry "namespace" . }}{{ end -}}
{{- with $e.container }}{{ $_ := set $entry "container" . }}{{ end -}}
{{- $out = append $out $entry -}}
{{- end -}}
{{- $out | toJson -}}
{{- end }}

{{- /* OpenAPI schema of the `exceptions` parameter every constraint kind takes. */ -}}
{{- define "policies.exceptionsSchema" -}}
{{- $s := dict "type" "string" -}}
{{- $item := dict "type" "object" "properties" (dict "key" $s "reason" $s "release" $s "kind" $s "name" $s "namespace" $s "container" $s) -}}
{{- dict "type" "array" "items" $item | toJson -}}
{{- end }}

{{- /* Gatekeeper match.kinds for a catalog match name. */ -}}
{{- define "policies.matchKinds" -}}
{{- if eq . "workloads" -}}
- { apiGroups: [""], kinds: [Pod, ReplicationController] }
- { apiGroups: [apps], kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet] }
- { apiGroups: [batch], kinds: [Job, CronJob] }
{{- else if eq . "ingresses" -}}
- { apiGroups: [networking.k8s.io], kinds: [Ingress] }
{{- else if eq . "namespaces" -}}
- { apiGroups: [""], kinds: [Namespace] }
{{- else -}}
{{- fail (printf "policies/catalog.yaml: unknown match %q" .) -}}
{{- end -}}
{{- end }}
