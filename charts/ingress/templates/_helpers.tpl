{{- define "ingress.fullname" -}}ingress-nginx{{- end }}

{{- define "ingress.selectorLabels" -}}
app.kubernetes.io/name: ingress-nginx
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "ingress.labels" -}}
{{ include "ingress.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: runlevel
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- /* Controller ConfigMap data: TLS settings from values, then config overrides. */ -}}
{{- define "ingress.configData" -}}
{{- $tls := .Values.tls -}}
{{- $data := dict "allow-snippet-annotations" "false" "use-forwarded-headers" "false" "server-tokens" "false" -}}
{{- if $tls.enabled -}}
{{- $protocols := ternary "TLSv1.3" "TLSv1.2 TLSv1.3" (eq $tls.minVersion "TLSv1.3") -}}
{{- $_ := set $data "ssl-protocols" $protocols -}}
{{- $_ := set $data "ssl-redirect" (toString $tls.sslRedirect) -}}
{{- $_ := set $data "hsts" (toString $tls.hsts.enabled) -}}
{{- $_ := set $data "hsts-max-age" (int64 $tls.hsts.maxAge | toString) -}}
{{- $_ := set $data "hsts-include-subdomains" (toString $tls.hsts.includeSubdomains) -}}
{{- else -}}
{{- $_ := set $data "ssl-redirect" "false" -}}
{{- $_ := set $data "hsts" "false" -}}
{{- end -}}
{{- range $k, $v := .Values.config }}{{ $_ := set $data $k (toString $v) }}{{ end -}}
{{- toYaml $data -}}
{{- end }}
