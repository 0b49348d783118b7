{{- /*
runlevel.string: a value from values as the text it was written as. helm reads every number of
its values as a float64, which prints 12345678 as 1.2345678e+07 (a different value for an env
var, a PIN, a port list): a whole number is written as the integer it is.
Use as: value: {{ include "runlevel.string" $value | quote }}
*/ -}}
{{- define "runlevel.string" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) -}}
{{- int64 . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}
