{{- define "app.labels" -}}
app.kubernetes.io/name: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.team }}
runlevel.dev/team: {{ . }}
{{- end }}
{{- end }}
