{{- define "agent.labels" -}}
app.kubernetes.io/name: runlevel-agent
app.kubernetes.io/part-of: runlevel
{{- end -}}
