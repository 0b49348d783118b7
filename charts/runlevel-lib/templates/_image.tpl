{{- /*
runlevel.image: the image reference for a container, from a dict with repository, tag,
digest (optional) and mirror (optional). When a registry mirror is set, the registry part
of the repository is swapped for the mirror so every image comes from it (air-gapped
clusters).
*/ -}}
{{- define "runlevel.image" -}}
{{- $repo := .repository -}}
{{- if .mirror -}}
{{- $parts := splitList "/" $repo -}}
{{- $first := first $parts -}}
{{- if hasPrefix (printf "%s/" .mirror) $repo -}}
{{- else if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}
{{- $repo = printf "%s/%s" .mirror (rest $parts | join "/") -}}
{{- else if eq (len $parts) 1 -}}
{{- $repo = printf "%s/library/%s" .mirror $repo -}}
{{- else -}}
{{- $repo = printf "%s/%s" .mirror $repo -}}
{{- end -}}
{{- end -}}
{{- if .digest -}}
{{- printf "%s@%s" $repo .digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (toString .tag) -}}
{{- end -}}
{{- end -}}

{{- /* runlevel.pullSecrets: imagePullSecrets from global.imagePullSecrets (names); empty when none.
Use as: {{- with include "runlevel.pullSecrets" . }}{{ . | nindent 6 }}{{ end }} */ -}}
{{- define "runlevel.pullSecrets" -}}
{{- with .Values.global.imagePullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}
