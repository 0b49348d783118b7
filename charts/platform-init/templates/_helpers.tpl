{{- define "init.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: runlevel
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- /* The .dockerconfigjson payload for a registry pull secret, from a dict with server, username, password. */ -}}
{{- define "init.dockerconfig" -}}
{{- $auth := printf "%s:%s" .username .password | b64enc -}}
{{- dict "auths" (dict .server (dict "username" .username "password" .password "auth" $auth)) | toJson -}}
{{- end }}
