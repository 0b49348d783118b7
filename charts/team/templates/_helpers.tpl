{{- define "team.namespace" -}}team-{{ required "team is required" .Values.team }}{{- end }}

{{- define "team.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: runlevel
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
runlevel.dev/team: {{ .Values.team }}
{{- end }}
