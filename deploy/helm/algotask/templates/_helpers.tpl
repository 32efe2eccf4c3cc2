{{/* The release's full name, at most 63 characters. */}}
{{- define "algotask.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "algotask.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/part-of: algotask
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The labels of one app's objects; call with (dict "root" $ "app" "worker-app"). */}}
{{- define "algotask.appLabels" -}}
{{ include "algotask.labels" .root }}
app.kubernetes.io/name: {{ .app }}
{{- end -}}

{{/* Selector labels of one app; call with (dict "root" $ "app" "worker-app"). */}}
{{- define "algotask.selectorLabels" -}}
app.kubernetes.io/name: {{ .app }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "algotask.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "algotask.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* A Redis URI with the password (from the environment variable REDIS_PASSWORD) put in. */}}
{{- define "algotask.redisUri" -}}
{{- $uri := .uri -}}
{{- if .root.Values.redis.existingSecret -}}
{{- $parts := splitList "://" $uri -}}
{{- if ne (len $parts) 2 -}}
{{- fail (printf "redis: %q is not a redis:// or rediss:// URI" $uri) -}}
{{- end -}}
{{- if contains "@" (index $parts 1) -}}
{{- fail (printf "redis: %q holds credentials; give the password through redis.existingSecret" $uri) -}}
{{- end -}}
{{- printf "%s://%s:${REDIS_PASSWORD}@%s" (index $parts 0) .root.Values.redis.username (index $parts 1) -}}
{{- else -}}
{{- $uri -}}
{{- end -}}
{{- end -}}

{{/* The JAAS line of Kafka's SASL login; the password comes from KAFKA_SASL_PASSWORD. */}}
{{- define "algotask.kafkaJaas" -}}
{{- $mechanism := .Values.kafka.sasl.mechanism -}}
{{- $module := "org.apache.kafka.common.security.scram.ScramLoginModule" -}}
{{- if eq $mechanism "PLAIN" -}}
{{- $module = "org.apache.kafka.common.security.plain.PlainLoginModule" -}}
{{- else if not (hasPrefix "SCRAM-" $mechanism) -}}
{{- fail (printf "kafka.sasl.mechanism: %q is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512" $mechanism) -}}
{{- end -}}
{{- printf "%s required username=\"%s\" password=\"${KAFKA_SASL_PASSWORD}\";" $module .Values.kafka.sasl.username -}}
{{- end -}}

{{/* The callback base URL: as given, or api-app's Service in the cluster. */}}
{{- define "algotask.callbackBaseUrl" -}}
{{- if .Values.callback.baseUrl -}}
{{- .Values.callback.baseUrl -}}
{{- else -}}
{{- printf "http://%s-api-app.%s.svc:%v" (include "algotask.fullname" .) .Release.Namespace .Values.apiApp.ports.http -}}
{{- end -}}
{{- end -}}

{{/*
The application.yaml both apps read. No credential is written here: each comes from a Secret
through an environment variable (see algotask.secretEnv), referred to by a placeholder where it is
part of a larger value (the Redis URIs, Kafka's JAAS line).
*/}}
{{- define "algotask.applicationYaml" -}}
{{- $v := .Values -}}
{{- $base := include "algotask.applicationYamlBase" . | fromYaml -}}
{{- $merged := mergeOverwrite $base (deepCopy $v.config) -}}
{{- toYaml $merged -}}
{{- end -}}

{{- define "algotask.applicationYamlBase" -}}
{{- $v := .Values -}}
server:
  shutdown: graceful
spring:
  lifecycle:
    timeout-per-shutdown-phase: {{ printf "%vs" $v.shutdown.timeoutPerPhaseSeconds | quote }}
  datasource:
    url: {{ required "database.url is required" $v.database.url | quote }}
    username: {{ required "database.username is required" $v.database.username | quote }}
    {{- if $v.database.maximumPoolSize }}
    hikari:
      maximum-pool-size: {{ $v.database.maximumPoolSize }}
    {{- end }}
  kafka:
    bootstrap-servers: {{ required "kafka.bootstrapServers is required" $v.kafka.bootstrapServers | quote }}
    security:
      protocol: {{ $v.kafka.securityProtocol | quote }}
    {{- if $v.kafka.sasl.mechanism }}
    properties:
      sasl.mechanism: {{ $v.kafka.sasl.mechanism | quote }}
      sasl.jaas.config: {{ include "algotask.kafkaJaas" . | quote }}
    {{- end }}
  temporal:
    namespace: {{ required "temporal.namespace is required" $v.temporal.namespace | quote }}
    connection:
      target: {{ required "temporal.target is required" $v.temporal.target | quote }}
      {{- if or $v.temporal.enableHttps $v.temporal.apiKey.existingSecret }}
      enable-https: true
      {{- end }}
      {{- if $v.temporal.mtls.existingSecret }}
      mtls:
        cert-chain-file: {{ printf "/etc/algotask/temporal-tls/%s" $v.temporal.mtls.certKey | quote }}
        key-file: {{ printf "/etc/algotask/temporal-tls/%s" $v.temporal.mtls.keyKey | quote }}
        {{- if $v.temporal.mtls.serverName }}
        server-name: {{ $v.temporal.mtls.serverName | quote }}
        {{- end }}
      {{- end }}
algotask:
  {{- if $v.temporal.namespaceSetup.enabled }}
  temporal:
    namespace-setup:
      enabled: true
      retention: {{ $v.temporal.namespaceSetup.retention | quote }}
  {{- end }}
  redis:
    {{- if $v.redis.clusterNodes }}
    cluster-nodes:
      {{- range $v.redis.clusterNodes }}
      - {{ include "algotask.redisUri" (dict "root" $ "uri" .) | quote }}
      {{- end }}
    {{- else }}
    uri: {{ include "algotask.redisUri" (dict "root" $ "uri" (required "redis.uri or redis.clusterNodes is required" $v.redis.uri)) | quote }}
    {{- end }}
  storage:
    {{- if $v.storage.endpoint }}
    endpoint: {{ $v.storage.endpoint | quote }}
    {{- end }}
    region: {{ required "storage.region is required" $v.storage.region | quote }}
    {{- if not (kindIs "invalid" $v.storage.pathStyleAccess) }}
    path-style-access: {{ $v.storage.pathStyleAccess }}
    {{- end }}
    result-bucket: {{ required "storage.resultBucket is required" $v.storage.resultBucket | quote }}
    {{- with $v.storage.inputBuckets }}
    input-buckets:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- if not (kindIs "invalid" $v.storage.tenantInputPrefix) }}
    tenant-input-prefix: {{ $v.storage.tenantInputPrefix | quote }}
    {{- end }}
  callback:
    base-url: {{ include "algotask.callbackBaseUrl" . | quote }}
    active-key-id: {{ required "callback.activeKeyId is required" $v.callback.activeKeyId | quote }}
  {{- with $v.topics }}
  topics:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.algorithms }}
  algorithms:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/*
The credentials, each from a Secret. Lists (signing keys, clients) are given whole here, every
field of each element: a list from one source replaces the list of another, so none may be split
between the ConfigMap and the environment. Call with (dict "root" $ "app" "api-app").
*/}}
{{- define "algotask.secretEnv" -}}
{{- $v := .root.Values -}}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret is required" $v.database.existingSecret }}
      key: {{ $v.database.passwordKey }}
{{- if $v.kafka.sasl.mechanism }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.sasl.existingSecret is required with kafka.sasl.mechanism" $v.kafka.sasl.existingSecret }}
      key: {{ $v.kafka.sasl.passwordKey }}
{{- end }}
{{- if $v.redis.existingSecret }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.redis.existingSecret }}
      key: {{ $v.redis.passwordKey }}
{{- end }}
{{- if $v.temporal.apiKey.existingSecret }}
- name: SPRING_TEMPORAL_CONNECTION_APIKEY
  valueFrom:
    secretKeyRef:
      name: {{ $v.temporal.apiKey.existingSecret }}
      key: {{ $v.temporal.apiKey.key }}
{{- end }}
{{- if $v.storage.existingSecret }}
- name: ALGOTASK_STORAGE_ACCESSKEY
  valueFrom:
    secretKeyRef:
      name: {{ $v.storage.existingSecret }}
      key: {{ $v.storage.accessKeyKey }}
- name: ALGOTASK_STORAGE_SECRETKEY
  valueFrom:
    secretKeyRef:
      name: {{ $v.storage.existingSecret }}
      key: {{ $v.storage.secretKeyKey }}
{{- end }}
{{- if not $v.callback.signingKeyIds }}
{{- fail "callback.signingKeyIds: at least one" }}
{{- end }}
{{- if not (has $v.callback.activeKeyId $v.callback.signingKeyIds) }}
{{- fail "callback.activeKeyId must be one of callback.signingKeyIds" }}
{{- end }}
{{- range $i, $id := $v.callback.signingKeyIds }}
- name: ALGOTASK_CALLBACK_SIGNINGKEYS_{{ $i }}_ID
  value: {{ $id | quote }}
- name: ALGOTASK_CALLBACK_SIGNINGKEYS_{{ $i }}_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ required "callback.existingSecret is required" $v.callback.existingSecret }}
      key: {{ $id }}
{{- end }}
{{- with $v.invocation.signing }}
{{- if .keyIds }}
{{- if not (has .activeKeyId .keyIds) }}
{{- fail "invocation.signing.activeKeyId must be one of invocation.signing.keyIds" }}
{{- end }}
- name: ALGOTASK_INVOCATION_SIGNING_ACTIVEKEYID
  value: {{ .activeKeyId | quote }}
{{- range $i, $id := .keyIds }}
- name: ALGOTASK_INVOCATION_SIGNING_KEYS_{{ $i }}_ID
  value: {{ $id | quote }}
- name: ALGOTASK_INVOCATION_SIGNING_KEYS_{{ $i }}_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ required "invocation.signing.existingSecret is required with keyIds" $.root.Values.invocation.signing.existingSecret }}
      key: {{ $id }}
{{- end }}
{{- end }}
{{- end }}
{{- if eq .app "api-app" }}
- name: ALGOTASK_API_OPERATORTOKEN
  valueFrom:
    secretKeyRef:
      name: {{ required "api.existingSecret is required" $v.api.existingSecret }}
      key: {{ $v.api.operatorTokenKey }}
{{- range $i, $client := $v.api.clients }}
- name: ALGOTASK_API_CLIENTS_{{ $i }}_NAME
  value: {{ required "api.clients[].name is required" $client.name | quote }}
- name: ALGOTASK_API_CLIENTS_{{ $i }}_TENANTS
  value: {{ join "," (required "api.clients[].tenants is required" $client.tenants) | quote }}
- name: ALGOTASK_API_CLIENTS_{{ $i }}_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $v.api.existingSecret }}
      key: {{ required "api.clients[].secretKey is required" $client.secretKey }}
{{- end }}
{{- end }}
{{- end -}}
