{{- /*
runlevel.image: the image reference for a container, from a dict with repository, tag and digest
(optional): repository:tag, or repository@digest when a digest is given. The registry mirror is
not applied here: runlevel rewrites every rendered image to platform.registry.mirror after helm
(core/images/rewrite.ts), for charts that call this helper and vendored ones alike.
*/ -}}
{{- define "runlevel.image" -}}
{{- if .digest -}}
{{- printf "%s@%s" .repository .digest -}}
{{- else -}}
{{- printf "%s:%s" .repository (toString .tag) -}}
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
