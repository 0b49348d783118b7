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

{{- /* The policy's parameters, from the values that concern it. Arg: (list $ id). */ -}}
{{- define "policies.parameters" -}}
{{- $root := index . 0 -}}{{- $id := index . 1 -}}
{{- if eq $id "allowed-registries" -}}
{{- dict "mirror" ($root.Values.global.registry.mirror | default "") "allowed" $root.Values.allowedRegistries | toJson -}}
{{- else if eq $id "ingress-host" -}}
{{- dict "domain" ($root.Values.global.cluster.domain | default "") | toJson -}}
{{- else -}}
{}
{{- end -}}
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
