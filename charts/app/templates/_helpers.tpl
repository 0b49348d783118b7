{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ .Values.app | default .Release.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "app.labels" -}}
{{ include "app.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: runlevel
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- with .Values.team }}
runlevel.dev/team: {{ . }}
{{- end }}
{{- with .Values.app }}
runlevel.dev/app: {{ . }}
{{- end }}
{{- end }}

{{- /* Replicas the workload runs with at rest: HPA minimum when autoscaling, else replicas. */ -}}
{{- define "app.baseReplicas" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.minReplicas }}{{ else }}{{ .Values.replicas }}{{ end -}}
{{- end }}
